package dev.tls13;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.Test;

/** {@link Tls13ContextBuilder}: defaults, names, and clear errors for caller mistakes. */
class Tls13ContextTest {

    private static Tls13ContextBuilder client() {
        return Tls13Context.forClient().trustManager(TestPki.ca(KeyType.EC_P256).certificate());
    }

    private static Tls13ContextBuilder server() {
        Issued leaf = TestPki.leaf(KeyType.EC_P256).dns("localhost").build();
        return Tls13Context.forServer(leaf.privateKey(), leaf.chain().toArray(new X509Certificate[0]));
    }

    @Test
    void defaultsAreTheThreeMainSuitesAndTheHybridsBeforeTheFiveClassicalGroups() {
        Tls13Context context = client().build();
        assertTrue(context.isClient());
        assertFalse(context.isServer());
        assertEquals(List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"),
                context.cipherSuites());
        assertEquals(List.of("X25519MLKEM768", "SecP256r1MLKEM768", "SecP384r1MLKEM1024", "x25519", "secp256r1",
                "secp384r1", "secp521r1", "x448"), context.namedGroups());
        assertEquals(context.namedGroups(), server().build().namedGroups());
        assertEquals(List.of(), context.applicationProtocols());
        assertEquals(10_000, context.handshakeTimeoutMillis());
        assertEquals(3_000, context.closeNotifyFlushTimeoutMillis());
        assertEquals(0, context.closeNotifyReadTimeoutMillis());
        assertEquals(16384, context.wrapDataSize());
        assertEquals(1024 * 1024, context.maxPendingWriteBytes());
    }

    @Test
    void earlyDataIsOffUnlessEnabledOnAClient() {
        assertFalse(client().build().earlyData());
        assertTrue(client().earlyData(true).build().earlyData());
        assertFalse(server().earlyData(true).build().earlyData());
    }

    @Test
    void pskKeyExchangeModesTakeRfc8446NamesOnly() {
        Tls13Context.forClient().pskKeyExchangeModes("psk_dhe_ke", "psk_ke").build();
        Tls13Context.forClient().pskKeyExchangeModes("psk_ke").build();
        assertThrows(IllegalArgumentException.class, () -> Tls13Context.forClient().pskKeyExchangeModes("dhe"));
        assertThrows(IllegalArgumentException.class, () -> Tls13Context.forClient().pskKeyExchangeModes());
        assertThrows(IllegalArgumentException.class,
                () -> Tls13Context.forClient().pskKeyExchangeModes("psk_ke", "psk_ke"));
    }

    @Test
    void clientWithoutTrustManagerUsesTheSystemTrustStore() {
        assertTrue(Tls13Context.forClient().build().isClient());
    }

    @Test
    void acceptsOpenSslGroupSpellingsInAnyCase() {
        Tls13Context context = client().namedGroups("P-256", "X25519", "p-384", "P-521", "X448").build();
        assertEquals(List.of("secp256r1", "x25519", "secp384r1", "secp521r1", "x448"), context.namedGroups());
    }

    @Test
    void namesAGroupInAnySpellingByItsRfcNameAndRejectsGroupsWithoutAKeyExchange() {
        assertEquals("secp256r1", Tls13ContextBuilder.namedGroupName("prime256v1"));
        assertEquals("secp256r1", Tls13ContextBuilder.namedGroupName("P-256"));
        assertEquals("x448", Tls13ContextBuilder.namedGroupName("X448"));
        assertEquals("x25519", Tls13ContextBuilder.namedGroupName("X25519"));
        assertEquals("X25519MLKEM768", Tls13ContextBuilder.namedGroupName("x25519mlkem768"));
        assertEquals("SecP256r1MLKEM768", Tls13ContextBuilder.namedGroupName("SECP256R1MLKEM768"));
        assertEquals("SecP384r1MLKEM1024", Tls13ContextBuilder.namedGroupName(" SecP384r1MLKEM1024 "));
        assertEquals(List.of("X25519MLKEM768", "SecP256r1MLKEM768", "SecP384r1MLKEM1024", "x25519", "secp256r1",
                "secp384r1", "secp521r1", "x448"), Tls13ContextBuilder.supportedNamedGroups());
        assertEquals(List.of("SecP384r1MLKEM1024", "x25519"),
                client().namedGroups("SecP384r1MLKEM1024", "X25519").build().namedGroups());
        for (String unsupported : new String[] {"ffdhe2048", "MLKEM768", "X25519Kyber768Draft00", "P-257"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Tls13ContextBuilder.namedGroupName(unsupported));
            assertTrue(e.getMessage().contains("unknown or unsupported named group '" + unsupported + "'"),
                    e.getMessage());
        }
    }

    @Test
    void aClientSendsThePeerHostAsServerNameUnlessItIsAnIpLiteralOrOverridden() {
        Tls13Context context = client().build();
        assertEquals("example.com", context.serverNameFor("example.com"));
        for (String ip : new String[] {"192.0.2.1", "::1", "[::1]", "fe80::1%eth0", "2001:db8::1"}) {
            assertEquals(null, context.serverNameFor(ip), ip);
        }
        assertEquals(null, context.serverNameFor(null));
        assertEquals(null, context.serverNameFor(""));
        assertEquals("sni.example", client().serverName("sni.example").build().serverNameFor("192.0.2.1"));
        assertEquals(null, client().serverName("192.0.2.7").build().serverNameFor("example.com"));
        assertEquals(null, client().sendServerName(false).build().serverNameFor("example.com"));
        assertThrows(IllegalStateException.class, () -> server().build().serverNameFor("example.com"));
    }

    @Test
    void acceptsHttpsAndLdapsEndpointIdentificationAsTheJdkDoes() {
        client().endpointIdentificationAlgorithm("LDAPS").build();
        client().endpointIdentificationAlgorithm("https").build();
        client().endpointIdentificationAlgorithm("").build();
        assertThrows(IllegalArgumentException.class, () -> client().endpointIdentificationAlgorithm("FTP"));
    }

    @Test
    void acceptsCcmSuitesWhenAskedAndNamesCaseInsensitively() {
        Tls13Context context = server().cipherSuites("tls_aes_128_ccm_sha256", "TLS_AES_128_CCM_8_SHA256").build();
        assertEquals(List.of("TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"), context.cipherSuites());
        assertTrue(context.isServer());
    }

    @Test
    void rejectsAnUnknownCipherSuiteNamingTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> client().cipherSuites("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"));
        assertTrue(e.getMessage().contains("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"));
        assertTrue(e.getMessage().contains("TLS_AES_128_GCM_SHA256"));
        assertTrue(e.getMessage().contains("TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8"));
    }

    @Test
    void tls12SuitesByNameBesideTheTls13OnesWithCcmOnlyWhenNamed() {
        for (Tls13ContextBuilder b : List.of(client(), server())) {
            Tls13Context defaults = b.protocols("TLSv1.3", "TLSv1.2").build();
            assertEquals(Tls13ContextBuilder.defaultTls12CipherSuites(), defaults.tls12CipherSuites());
            assertTrue(defaults.tls12CipherSuites().stream().noneMatch(n -> n.contains("CCM")));
            // One list in SslContextBuilder's manner: each version takes its own names, in order.
            Tls13Context mixed = b.cipherSuites("TLS_AES_256_GCM_SHA384", "tls_ecdhe_ecdsa_with_aes_128_ccm_8",
                    "TLS_ECDHE_ECDSA_WITH_AES_128_CCM").build();
            assertEquals(List.of("TLS_AES_256_GCM_SHA384"), mixed.cipherSuites());
            assertEquals(List.of("TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", "TLS_ECDHE_ECDSA_WITH_AES_128_CCM"),
                    mixed.tls12CipherSuites());
            // Naming only TLS 1.2 suites keeps the TLS 1.3 ones (and the reverse).
            Tls13Context only12 = b.cipherSuites("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256").build();
            assertEquals(List.of("TLS_AES_256_GCM_SHA384"), only12.cipherSuites());
            assertEquals(List.of("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"), only12.tls12CipherSuites());
        }
        assertEquals(8, Tls13ContextBuilder.supportedTls12CipherSuites().size());
    }

    @Test
    void rejectsAnUnknownGroupAndAnEmptyList() {
        assertThrows(IllegalArgumentException.class, () -> client().namedGroups("ffdhe2048"));
        assertThrows(IllegalArgumentException.class, () -> client().namedGroups());
        assertThrows(IllegalArgumentException.class, () -> client().cipherSuites());
    }

    @Test
    void rejectsSignatureSchemesThatCannotSignCertificateVerify() {
        assertThrows(IllegalArgumentException.class, () -> client().signatureSchemes("rsa_pkcs1_sha256"));
        assertThrows(IllegalArgumentException.class, () -> client().signatureSchemes("nope"));
        assertEquals(List.of("ed25519"), client().signatureSchemes("ed25519").build().signatureSchemes());
    }

    @Test
    void rejectsMoreKeySharesThanGroups() {
        assertThrows(IllegalArgumentException.class, () -> client().namedGroups("x25519").keyShares(2).build());
        assertThrows(IllegalArgumentException.class, () -> client().keyShares(0));
    }

    @Test
    void rejectsAKeyThatDoesNotBelongToTheCertificate() {
        Issued leaf = TestPki.leaf(KeyType.EC_P256).build();
        Issued other = TestPki.leaf(KeyType.RSA_2048).build();
        assertThrows(IllegalArgumentException.class,
                () -> Tls13Context.forServer(other.privateKey(), leaf.certificate()));
    }

    @Test
    void rejectsAKeyManagerFactoryWithoutAnyKey() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, new char[0]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tls13Context.forServer(factory));
        assertTrue(e.getMessage().contains("no certificate"), e.getMessage());
    }

    @Test
    void rejectsOutOfRangeSizesAndTimeouts() {
        assertThrows(IllegalArgumentException.class, () -> client().wrapDataSize(0));
        assertThrows(IllegalArgumentException.class, () -> client().wrapDataSize(16385));
        assertThrows(IllegalArgumentException.class, () -> client().handshakeTimeout(-1, TimeUnit.SECONDS));
        assertThrows(IllegalArgumentException.class, () -> client().applicationProtocols(""));
        assertThrows(IllegalArgumentException.class, () -> client().endpointIdentificationAlgorithm("FTP"));
    }

    @Test
    void theBuilderSnapshotsItsSettings() {
        Tls13ContextBuilder builder = client().handshakeTimeout(5, TimeUnit.SECONDS);
        Tls13Context first = builder.build();
        builder.handshakeTimeout(7, TimeUnit.SECONDS);
        assertEquals(5_000, first.handshakeTimeoutMillis());
        assertEquals(7_000, builder.build().handshakeTimeoutMillis());
    }

    @Test
    void handlersStartWithTheContextsSettings() {
        Tls13Context context = client().handshakeTimeout(2, TimeUnit.SECONDS).wrapDataSize(1000).build();
        var handler = context.newHandler(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, "localhost", 443);
        assertEquals(2_000, handler.getHandshakeTimeoutMillis());
        assertEquals(1000, handler.getWrapDataSize());
        assertEquals("localhost", handler.peerHost());
        assertEquals(context, handler.context());
    }
}
