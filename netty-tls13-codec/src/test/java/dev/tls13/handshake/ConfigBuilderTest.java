package dev.tls13.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.KeyType;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.SignatureScheme;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.Test;

/** The configuration builders: their defaults, their copies, and the checks of the values they build. */
class ConfigBuilderTest {

    private static final X509ExtendedTrustManager TRUST =
            TestPki.trustManager(TestPki.ca(KeyType.EC_P256).certificate());
    private static final CertificateSelector CERTIFICATES = new CertificateSelector(
            List.of(HandshakeHarness.certified(HandshakeHarness.serverCertificate(KeyType.EC_P256))));

    @Test
    void clientDefaultsAreTheContextBuildersDefaults() {
        ClientConfig config = ClientConfig.builder(HandshakeHarness.CRYPTO, TRUST).build();
        assertSame(HandshakeHarness.CRYPTO, config.crypto());
        assertSame(TRUST, config.trustManager());
        assertEquals(List.of(CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384,
                CipherSuite.TLS_CHACHA20_POLY1305_SHA256), config.cipherSuites());
        assertEquals(List.of(NamedGroup.X25519MLKEM768, NamedGroup.SECP256R1MLKEM768, NamedGroup.SECP384R1MLKEM1024,
                NamedGroup.X25519, NamedGroup.SECP256R1, NamedGroup.SECP384R1, NamedGroup.SECP521R1,
                NamedGroup.X448), config.namedGroups());
        assertEquals(List.of(NamedGroup.X25519MLKEM768, NamedGroup.X25519), config.keyShareGroups());
        assertEquals(2, config.keyShareCount());
        assertEquals(SignatureSchemes.DEFAULT, config.signatureSchemes());
        assertEquals(SignatureSchemes.DEFAULT_CERT, config.signatureSchemesCert());
        assertEquals(List.of(), config.applicationProtocols());
        assertEquals("HTTPS", config.endpointIdentificationAlgorithm());
        assertTrue(config.middleboxCompatibility());
        assertEquals(List.of(), config.clientCredentials());
    }

    @Test
    void serverDefaultsAreTheContextBuildersDefaults() {
        ServerConfig config = ServerConfig.builder(HandshakeHarness.CRYPTO, CERTIFICATES).build();
        assertSame(CERTIFICATES, config.certificates());
        assertEquals(3, config.cipherSuites().size());
        assertEquals(ConfigDefaults.NAMED_GROUPS, config.namedGroups());
        assertEquals(NamedGroup.X25519MLKEM768, config.namedGroups().get(0), "a hybrid is preferred when offered");
        assertEquals(SignatureSchemes.DEFAULT, config.signatureSchemes());
        assertEquals(List.of(), config.applicationProtocols());
        assertTrue(config.failOnAlpnMismatch());
        assertFalse(config.helloRetryRequestCookie());
        assertEquals(ClientAuth.NONE, config.clientAuth());
        assertNull(config.clientTrustManager());
        assertTrue(config.certificateAuthorities());
    }

    @Test
    void toBuilderCopiesEverySettingAndChangesOnlyWhatIsSet() {
        ClientConfig client = HandshakeHarness.client(c -> {
            c.shares = 2;
            c.alpn = List.of("h2");
            c.middlebox = false;
            c.credentials = List.of(HandshakeNegotiationTest.clientCertificate(KeyType.EC_P256));
        });
        ClientConfig copy = client.toBuilder().applicationProtocols(List.of("http/1.1")).build();
        assertEquals(List.of("http/1.1"), copy.applicationProtocols());
        assertEquals(List.of("h2"), client.applicationProtocols(), "the original is unchanged");
        assertEquals(client.cipherSuites(), copy.cipherSuites());
        assertEquals(client.namedGroups(), copy.namedGroups());
        assertEquals(2, copy.keyShareCount());
        assertEquals(client.namedGroups().subList(0, 2), copy.keyShareGroups());
        assertEquals(client.signatureSchemes(), copy.signatureSchemes());
        assertEquals(client.signatureSchemesCert(), copy.signatureSchemesCert());
        assertSame(client.trustManager(), copy.trustManager());
        assertEquals(client.endpointIdentificationAlgorithm(), copy.endpointIdentificationAlgorithm());
        assertFalse(copy.middleboxCompatibility());
        assertEquals(client.clientCredentials(), copy.clientCredentials());

        ServerConfig server = HandshakeNegotiationTest.serverWithClientAuth(ClientAuth.REQUIRE, true);
        ServerConfig serverCopy = server.toBuilder().helloRetryRequestCookie(true).build();
        assertTrue(serverCopy.helloRetryRequestCookie());
        assertFalse(server.helloRetryRequestCookie());
        assertSame(server.certificates(), serverCopy.certificates());
        assertEquals(ClientAuth.REQUIRE, serverCopy.clientAuth());
        assertSame(server.clientTrustManager(), serverCopy.clientTrustManager());
        assertTrue(serverCopy.certificateAuthorities());
        assertEquals(server.failOnAlpnMismatch(), serverCopy.failOnAlpnMismatch());
    }

    @Test
    void buildCopiesTheListsItWasGiven() {
        List<String> protocols = new ArrayList<>(List.of("h2"));
        ClientConfig.Builder builder = ClientConfig.builder(HandshakeHarness.CRYPTO, TRUST)
                .applicationProtocols(protocols);
        ClientConfig config = builder.build();
        protocols.add("http/1.1");
        assertEquals(List.of("h2"), config.applicationProtocols());
        assertEquals(List.of("h2", "http/1.1"), builder.build().applicationProtocols(), "the builder is reusable");
    }

    @Test
    void clientChecksAreKept() {
        assertEquals("crypto", assertThrows(NullPointerException.class,
                () -> ClientConfig.builder(null, TRUST).build()).getMessage());
        assertEquals("trustManager", assertThrows(NullPointerException.class,
                () -> ClientConfig.builder(HandshakeHarness.CRYPTO, null).build()).getMessage());
        assertEquals("cipher suites, groups and signature schemes must not be empty",
                assertThrows(IllegalArgumentException.class, () -> ClientConfig.builder(HandshakeHarness.CRYPTO,
                        TRUST).signatureSchemes(List.<SignatureScheme>of()).build()).getMessage());
        assertEquals("keyShareCount must be between 1 and the number of groups",
                assertThrows(IllegalArgumentException.class, () -> ClientConfig.builder(HandshakeHarness.CRYPTO,
                        TRUST).namedGroups(List.of(NamedGroup.X25519)).keyShareCount(2).build()).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ClientConfig.builder(HandshakeHarness.CRYPTO, TRUST).keyShareCount(0).build());
        assertThrows(IllegalArgumentException.class, () -> ClientConfig.builder(HandshakeHarness.CRYPTO, TRUST)
                .namedGroups(List.of(NamedGroup.X25519)).keyShareGroups(List.of(NamedGroup.SECP256R1)).build());
        assertThrows(IllegalArgumentException.class, () -> ClientConfig.builder(HandshakeHarness.CRYPTO, TRUST)
                .keyShareGroups(List.of(NamedGroup.X25519, NamedGroup.X25519)).build());
        assertThrows(IllegalArgumentException.class, () -> ClientConfig.builder(HandshakeHarness.CRYPTO, TRUST)
                .keyShareGroups(List.of()).build());
    }

    @Test
    void defaultKeySharesAreTheFirstGroupAndAfterAHybridTheFirstClassicalGroup() {
        assertEquals(List.of(NamedGroup.X25519MLKEM768, NamedGroup.X25519), ConfigDefaults.keyShareGroups(
                ConfigDefaults.NAMED_GROUPS));
        assertEquals(List.of(NamedGroup.SECP384R1MLKEM1024, NamedGroup.SECP384R1), ConfigDefaults.keyShareGroups(
                List.of(NamedGroup.SECP384R1MLKEM1024, NamedGroup.X25519MLKEM768, NamedGroup.FFDHE2048,
                        NamedGroup.SECP384R1, NamedGroup.X25519)));
        assertEquals(List.of(NamedGroup.X25519MLKEM768), ConfigDefaults.keyShareGroups(
                List.of(NamedGroup.X25519MLKEM768, NamedGroup.SECP256R1MLKEM768)), "no classical group: one share");
        assertEquals(List.of(NamedGroup.SECP256R1), ConfigDefaults.keyShareGroups(
                List.of(NamedGroup.SECP256R1, NamedGroup.X25519MLKEM768)), "a classical group first: one share");
        ClientConfig explicit = ClientConfig.builder(HandshakeHarness.CRYPTO, TRUST)
                .keyShareGroups(List.of(NamedGroup.SECP256R1MLKEM768, NamedGroup.X448)).build();
        assertEquals(List.of(NamedGroup.SECP256R1MLKEM768, NamedGroup.X448), explicit.keyShareGroups());
        assertEquals(explicit.keyShareGroups(), explicit.toBuilder().build().keyShareGroups());
        assertEquals(List.of(NamedGroup.X25519MLKEM768), ClientConfig.builder(HandshakeHarness.CRYPTO, TRUST)
                .keyShareGroups(List.of(NamedGroup.X448)).keyShareCount(1).build().keyShareGroups(),
                "the last setting wins");
    }

    @Test
    void serverChecksAreKept() {
        assertEquals("certificates", assertThrows(NullPointerException.class,
                () -> ServerConfig.builder(HandshakeHarness.CRYPTO, null).build()).getMessage());
        assertEquals("clientAuth", assertThrows(NullPointerException.class,
                () -> ServerConfig.builder(HandshakeHarness.CRYPTO, CERTIFICATES).clientAuth(null).build())
                .getMessage());
        assertEquals("cipher suites, groups and signature schemes must not be empty",
                assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder(HandshakeHarness.CRYPTO,
                        CERTIFICATES).cipherSuites(List.of()).build()).getMessage());
        assertEquals("client authentication needs a trust manager",
                assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder(HandshakeHarness.CRYPTO,
                        CERTIFICATES).clientAuth(ClientAuth.OPTIONAL).build()).getMessage());
    }
}
