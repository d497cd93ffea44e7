package dev.tls13.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.handshake.HandshakeSummary;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.KeyType;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.SignatureScheme;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The public session view names what the handshake negotiated with IANA names and JDK types. */
class SessionInfoTest {

    @Test
    void namesTheNegotiatedAlgorithmsByTheirIanaNames() {
        List<X509Certificate> chain = TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P256))
                .dns("localhost").build().chain();
        HandshakeSummary summary = new HandshakeSummary(CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
                NamedGroup.SECP384R1, SignatureScheme.ECDSA_SECP256R1_SHA256, SignatureScheme.RSA_PSS_RSAE_SHA256,
                "h2", "localhost", chain, List.of(), true, false, true);

        SessionInfo session = SessionInfo.of(summary);
        assertEquals("TLSv1.3", session.protocol());
        assertEquals("TLS_CHACHA20_POLY1305_SHA256", session.cipherSuite());
        assertEquals("secp384r1", session.namedGroup());
        assertEquals("ecdsa_secp256r1_sha256", session.peerSignatureScheme());
        assertEquals("rsa_pss_rsae_sha256", session.localSignatureScheme());
        assertEquals("h2", session.applicationProtocol());
        assertEquals("localhost", session.serverName());
        assertEquals(chain, session.peerCertificates());
        assertTrue(session.localCertificates().isEmpty());
        assertTrue(session.helloRetryRequest());
        assertFalse(session.resumed());
        assertTrue(session.earlyDataAccepted());
        assertNotEquals(session, SessionInfo.of(new HandshakeSummary(summary.cipherSuite(), summary.namedGroup(),
                summary.peerSignatureScheme(), summary.localSignatureScheme(), "h2", "localhost", chain, List.of(),
                true, false, false)));
    }

    @Test
    void absentFactsStayAbsent() {
        SessionInfo session = SessionInfo.of(new HandshakeSummary(CipherSuite.TLS_AES_128_GCM_SHA256,
                NamedGroup.X25519, null, null, null, null, List.of(), List.of(), false, false, false));
        assertNull(session.peerSignatureScheme());
        assertNull(session.localSignatureScheme());
        assertNull(session.applicationProtocol());
        assertNull(session.serverName());
        assertFalse(session.earlyDataAccepted());
        assertEquals(SessionInfo.builder("TLS_AES_128_GCM_SHA256", "x25519").build(), session);
    }

    @Test
    void builderRequiresSuiteAndCopiesTheChains() {
        assertThrows(NullPointerException.class, () -> SessionInfo.builder(null, "x25519").build());
        // A psk_ke resumption has no (EC)DHE group (RFC 8446 §4.2.9).
        assertNull(SessionInfo.builder("TLS_AES_128_GCM_SHA256", null).build().namedGroup());
        List<X509Certificate> chain = new ArrayList<>(TestPki.ca(KeyType.EC_P256).chain());
        SessionInfo session = SessionInfo.builder("TLS_AES_128_GCM_SHA256", "x25519").localCertificates(chain)
                .build();
        chain.clear();
        assertEquals(1, session.localCertificates().size());
        assertNotEquals(session, SessionInfo.builder("TLS_AES_128_GCM_SHA256", "x25519").build());
        assertThrows(UnsupportedOperationException.class, () -> session.localCertificates().clear());
    }

    @Test
    void namesTheExternalPskAndHowTheSessionWasAuthenticated() {
        byte[] identity = {1, 2, 3};
        SessionInfo session = SessionInfo.of(new HandshakeSummary(CipherSuite.TLS_AES_128_GCM_SHA256,
                NamedGroup.X25519, null, null, null, null, List.of(), List.of(), false, false, false, identity));
        identity[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, session.externalPskIdentity(), "copied in");
        assertEquals(SessionInfo.Authentication.EXTERNAL_PSK, session.authentication());
        assertEquals(SessionInfo.builder("TLS_AES_128_GCM_SHA256", "x25519")
                .externalPskIdentity(new byte[] {1, 2, 3}).build(), session);
        assertNotEquals(SessionInfo.builder("TLS_AES_128_GCM_SHA256", "x25519")
                .externalPskIdentity(new byte[] {1, 2, 4}).build(), session);
        assertEquals(SessionInfo.Authentication.RESUMPTION,
                SessionInfo.builder("TLS_AES_128_GCM_SHA256", "x25519").resumed(true).build().authentication());
        SessionInfo full = SessionInfo.builder("TLS_AES_128_GCM_SHA256", "x25519").build();
        assertEquals(SessionInfo.Authentication.CERTIFICATE, full.authentication());
        assertNull(full.externalPskIdentity());
        assertThrows(IllegalArgumentException.class, () -> SessionInfo.builder("TLS_AES_128_GCM_SHA256", "x25519")
                .resumed(true).externalPskIdentity(new byte[] {1}).build());
    }
}
