package dev.tls13.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.error.TlsException;
import dev.tls13.handshake.HandshakeHarness.Pair;
import dev.tls13.handshake.HandshakeHarness.Recorder;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.KeyType;
import dev.tls13.wire.EncryptedExtensions;
import dev.tls13.wire.Extension;
import dev.tls13.wire.SignatureScheme;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Certificate selection by server_name (RFC 6066 §3), then signature_algorithms (RFC 8446 §4.2.3). */
class ServerNameSelectionTest {

    private static CertifiedKey chain(KeyType type, String dns) {
        return HandshakeHarness.certified(TestPki.leaf(type).issuer(TestPki.ca(KeyType.EC_P256)).dns(dns).build());
    }

    private static final CertifiedKey DEFAULT = chain(KeyType.EC_P256, "default.test");
    private static final CertifiedKey WWW = chain(KeyType.EC_P256, "www.example.com");
    private static final CertifiedKey WILDCARD = chain(KeyType.EC_P256, "*.example.com");
    private static final CertifiedKey API_EC = chain(KeyType.EC_P384, "api.test");
    private static final CertifiedKey API_RSA = chain(KeyType.RSA_2048, "api.test");

    private static CertificateSelector selector() {
        Map<String, List<CertifiedKey>> byName = new LinkedHashMap<>();
        byName.put("*.example.com", List.of(WILDCARD));
        byName.put("WWW.example.com", List.of(WWW));
        byName.put("api.test", List.of(API_EC, API_RSA));
        return new CertificateSelector(List.of(DEFAULT), byName, SignatureSchemes.DEFAULT);
    }

    /** Runs a handshake with SNI {@code name} (none when null); returns the server's EncryptedExtensions. */
    private static Pair handshake(String name, List<SignatureScheme> clientSchemes) throws TlsException {
        ServerConfig server = HandshakeHarness.server().toBuilder().certificates(selector()).build();
        Recorder clientOut = new Recorder();
        HandshakeState client = ClientHandshake.start(HandshakeHarness.client(c -> c.schemes = clientSchemes), name,
                null, clientOut);
        Pair pair = new Pair(client, clientOut, ServerHandshake.start(server), new Recorder()).run();
        pair.assertConnectedWithMatchingKeys();
        return pair;
    }

    private static Optional<Extension.ServerName> acknowledgement(Pair pair) throws TlsException {
        EncryptedExtensions ee = (EncryptedExtensions) HandshakeHarness.decode(pair.serverOut.sent().get(1));
        return ee.extensions().find(Extension.ServerName.class);
    }

    private static CertifiedKey sent(Pair pair) {
        List<java.security.cert.X509Certificate> chain = pair.serverOut.session().localCertificates();
        for (CertifiedKey key : List.of(DEFAULT, WWW, WILDCARD, API_EC, API_RSA)) {
            if (key.chain().equals(chain)) {
                return key;
            }
        }
        throw new AssertionError("unknown chain " + chain);
    }

    @ParameterizedTest
    @CsvSource({
        "www.example.com, WWW",
        "WWW.Example.COM, WWW",
        "a.example.com, WILDCARD",
        "mail.example.com, WILDCARD",
        "api.test, API_EC",
    })
    void aMatchingNameSelectsItsChainAndIsAcknowledged(String name, String expected) throws TlsException {
        Pair pair = handshake(name, SignatureSchemes.DEFAULT);
        assertSame(expectedKey(expected), sent(pair));
        Extension.ServerName ack = acknowledgement(pair).orElseThrow(() -> new AssertionError("no acknowledgement"));
        assertTrue(ack.names().isEmpty(), "RFC 6066 §3: the acknowledgement is empty");
        assertEquals(name, pair.serverOut.session().serverName());
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "a.b.example.com", "other.test", "xexample.com"})
    void aNameThatMatchesNothingGetsTheDefaultChainWithoutAcknowledgement(String name) throws TlsException {
        Pair pair = handshake(name, SignatureSchemes.DEFAULT);
        assertSame(DEFAULT, sent(pair));
        assertTrue(acknowledgement(pair).isEmpty(), "the server did not use the name");
        assertEquals(name, pair.serverOut.session().serverName(), "it still reports what it received");
    }

    @Test
    void noServerNameGetsTheDefaultChain() throws TlsException {
        Pair pair = handshake(null, SignatureSchemes.DEFAULT);
        assertSame(DEFAULT, sent(pair));
        assertTrue(acknowledgement(pair).isEmpty());
        assertNull(pair.serverOut.session().serverName());
    }

    @Test
    void amongTheChainsOfANameTheClientsSignatureAlgorithmsDecide() throws TlsException {
        Pair pair = handshake("api.test", List.of(SignatureScheme.RSA_PSS_RSAE_SHA256,
                SignatureScheme.ECDSA_SECP256R1_SHA256));
        assertSame(API_RSA, sent(pair));
        assertEquals(SignatureScheme.RSA_PSS_RSAE_SHA256, pair.serverOut.session().localSignatureScheme());
    }

    @Test
    void whenNoChainOfTheNameCanSignForTheClientTheDefaultIsUsed() throws TlsException {
        Pair pair = handshake("www.example.com", List.of(SignatureScheme.ECDSA_SECP256R1_SHA256));
        assertSame(WWW, sent(pair), "control");
        CertificateSelector.Selection selection = selector().select("api.test",
                List.of(SignatureScheme.ECDSA_SECP256R1_SHA256), null);
        assertSame(DEFAULT, selection.certifiedKey());
    }

    @Test
    void aServerWithoutNamedChainsAcknowledgesAnyName() {
        CertificateSelector plain = new CertificateSelector(List.of(DEFAULT));
        assertTrue(plain.acknowledges("anything.test"));
        assertTrue(!plain.acknowledges(null));
        assertTrue(!selector().acknowledges("anything.test"));
        assertTrue(selector().acknowledges("x.example.com."), "a trailing dot is the same name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "*", "*.com", "a.*.example.com", "*x.example.com", "www..example.com",
        "bad name.test", "**.example.com"})
    void rejectsMalformedHostPatterns(String pattern) {
        assertThrows(IllegalArgumentException.class, () -> CertificateSelector.normalizeHostPattern(pattern));
    }

    @Test
    void normalizesHostPatterns() {
        assertEquals("*.example.com", CertificateSelector.normalizeHostPattern("*.EXAMPLE.com."));
        assertEquals("host_1.test", CertificateSelector.normalizeHostPattern(" Host_1.Test "));
    }

    private static CertifiedKey expectedKey(String name) {
        switch (name) {
            case "WWW":
                return WWW;
            case "WILDCARD":
                return WILDCARD;
            case "API_EC":
                return API_EC;
            default:
                throw new IllegalArgumentException(name);
        }
    }
}
