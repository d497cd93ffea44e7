package dev.tls13.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.error.TlsException;
import dev.tls13.handshake.HandshakeHarness.Pair;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import dev.tls13.wire.CertificateRequest;
import dev.tls13.wire.Extension;
import dev.tls13.wire.SignatureScheme;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

/** What a server asking for a client certificate puts in its CertificateRequest (RFC 8446 §4.3.2). */
class CertificateRequestContentTest {

    private static final Issued CA_A = TestPki.newCa("request CA A", TestPki.generate(KeyType.EC_P256));
    private static final Issued CA_B = TestPki.newCa("request CA B", TestPki.generate(KeyType.ED25519));

    private static CertificateRequest request(boolean certificateAuthorities) throws TlsException {
        Issued client = TestPki.leaf(KeyType.EC_P256).issuer(CA_A).commonName("client").build();
        Pair pair = Pair.start(HandshakeHarness.client(c -> c.credentials = List.of(HandshakeHarness.certified(client))),
                HandshakeHarness.server(s -> {
                    s.schemes = List.of(SignatureScheme.ECDSA_SECP256R1_SHA256, SignatureScheme.ED25519);
                    s.clientAuth = ClientAuth.REQUIRE;
                    s.clientTrust = TestPki.trustManager(CA_A.certificate(), CA_B.certificate());
                    s.certificateAuthorities = certificateAuthorities;
                })).run().assertConnectedWithMatchingKeys();
        assertEquals(client.chain(), pair.serverOut.session().peerCertificates());
        // ServerHello, EncryptedExtensions, CertificateRequest, ...
        return (CertificateRequest) HandshakeHarness.decode(pair.serverOut.sent().get(2));
    }

    @Test
    void listsTheVerifySchemesTheCertificateSchemesAndTheTrustAnchorsNames() throws TlsException {
        CertificateRequest request = request(true);
        assertEquals(0, request.certificateRequestContext().length, "RFC 8446 §4.3.2: empty in the handshake");
        assertEquals(List.of(SignatureScheme.ECDSA_SECP256R1_SHA256, SignatureScheme.ED25519),
                request.extensions().find(Extension.SignatureAlgorithms.class).orElseThrow().schemes());
        assertEquals(SignatureSchemes.DEFAULT_CERT,
                request.extensions().find(Extension.SignatureAlgorithmsCert.class).orElseThrow().schemes());
        List<byte[]> names = request.extensions().find(Extension.CertificateAuthorities.class).orElseThrow()
                .distinguishedNames();
        assertEquals(Set.of(CA_A.certificate().getSubjectX500Principal(), CA_B.certificate().getSubjectX500Principal()),
                names.stream().map(X500Principal::new).collect(Collectors.toSet()));
        assertEquals(2, names.size());
    }

    @Test
    void omitsCertificateAuthoritiesWhenConfiguredTo() throws TlsException {
        CertificateRequest request = request(false);
        assertTrue(request.extensions().find(Extension.CertificateAuthorities.class).isEmpty());
        assertTrue(request.extensions().find(Extension.SignatureAlgorithms.class).isPresent());
    }
}
