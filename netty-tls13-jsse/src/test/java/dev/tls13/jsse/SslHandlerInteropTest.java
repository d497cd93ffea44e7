package dev.tls13.jsse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.jsse.Contexts.Impl;
import dev.tls13.testing.TestPki;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Random;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Netty's {@code SslHandler} over our engine against {@code SslHandler} over the JDK's and BoringSSL's
 * engines, over loopback TCP: TLS 1.3 handshake, ALPN h2 on both ends, mutual authentication, and a 1 MiB
 * echo, in both directions; and TLS 1.2 from our server to clients restricted to it.
 */
class SslHandlerInteropTest {

    private static final int ONE_MIB = 1 << 20;
    private static Loopback loopback;
    private final byte[] payload = new byte[ONE_MIB];

    @BeforeAll
    static void start() {
        loopback = new Loopback();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        loopback.close();
    }

    SslHandlerInteropTest() {
        new Random(7).nextBytes(payload);
    }

    @ParameterizedTest
    @EnumSource(value = Impl.class, names = {"JDK", "BORINGSSL"})
    void ourServerNegotiatesH2AuthenticatesTheClientAndEchoesOneMib(Impl peer) throws Exception {
        TestPki.Issued leaf = Contexts.serverLeaf(TestPki.KeyType.EC_P256);
        SslContext server = Contexts.server(Impl.OURS, leaf, null, null, true, true);
        SslContext client = Contexts.client(peer, null, null, true, true);
        check(loopback.run(server, client, payload), true, leaf);
    }

    @ParameterizedTest
    @EnumSource(value = Impl.class, names = {"JDK", "BORINGSSL"})
    void ourClientNegotiatesH2AuthenticatesToTheServerAndGetsOneMibEchoed(Impl peer) throws Exception {
        TestPki.Issued leaf = Contexts.serverLeaf(TestPki.KeyType.RSA_2048);
        SslContext server = Contexts.server(peer, leaf, null, null, true, true);
        SslContext client = Contexts.client(Impl.OURS, null, null, true, true);
        check(loopback.run(server, client, payload), false, leaf);
    }

    @Test
    void jdkSslContextOverOurSslContextInteroperatesWithTheJdkBothWays() throws Exception {
        TestPki.Issued leaf = Contexts.serverLeaf(TestPki.KeyType.EC_P384);
        SSLContext ourServer = SSLContext.getInstance("TLSv1.3", new Tls13Provider());
        ourServer.init(keyManagers(leaf), trustManagers(), null);
        SslContext server = new JdkSslContext(ourServer, false, null, IdentityCipherSuiteFilter.INSTANCE,
                Contexts.ALPN, ClientAuth.REQUIRE, new String[] {"TLSv1.3"}, false);
        check(loopback.run(server, Contexts.client(Impl.JDK, null, null, true, true), payload), true, leaf);

        SSLContext ourClient = SSLContext.getInstance("TLS", new Tls13Provider());
        ourClient.init(keyManagers(Contexts.CLIENT), trustManagers(), null);
        SslContext client = new JdkSslContext(ourClient, true, null, IdentityCipherSuiteFilter.INSTANCE,
                Contexts.ALPN, ClientAuth.NONE, new String[] {"TLSv1.3"}, false);
        SslContext jdkServer = Contexts.server(Impl.JDK, leaf, null, null, true, true);
        check(loopback.run(jdkServer, client, payload), false, leaf);
    }

    /**
     * TLS 1.2 through {@code SslHandler} (issue #16): our engine's SslContext, with its default protocols (TLSv1.3
     * and TLSv1.2), against Netty clients restricted to TLSv1.2; both ends report TLSv1.2 and the TLS 1.2 suite.
     */
    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void ourServerSpeaksTls12ThroughSslHandlerToClientsRestrictedToIt(SslProvider provider) throws Exception {
        TestPki.Issued leaf = Contexts.serverLeaf(TestPki.KeyType.EC_P256);
        SSLContext ourServer = SSLContext.getInstance("TLS", new Tls13Provider());
        ourServer.init(keyManagers(leaf), trustManagers(), null);
        SslContext server = new JdkSslContext(ourServer, false, null, IdentityCipherSuiteFilter.INSTANCE,
                Contexts.ALPN, ClientAuth.REQUIRE, null, false);
        SslContext client = SslContextBuilder.forClient().sslProvider(provider).protocols("TLSv1.2")
                .trustManager(Contexts.ANCHOR)
                .keyManager(Contexts.CLIENT.privateKey(), Contexts.CLIENT.chain().toArray(new X509Certificate[0]))
                .applicationProtocolConfig(Contexts.ALPN).build();
        Loopback.Outcome outcome = loopback.run(server, client, payload);
        assertTrue(outcome.server().ours());
        assertEquals("TLSv1.2", outcome.server().protocol());
        assertEquals("TLSv1.2", outcome.client().protocol());
        assertEquals(outcome.client().cipherSuite(), outcome.server().cipherSuite());
        assertTrue(outcome.server().cipherSuite().startsWith("TLS_ECDHE_ECDSA_WITH_"), outcome.server().cipherSuite());
        assertEquals("h2", outcome.server().applicationProtocol());
        assertEquals("h2", outcome.client().applicationProtocol());
        assertEquals(Contexts.CLIENT.certificate().getSubjectX500Principal().getName(),
                outcome.server().peerSubject(), "the server saw the client's certificate");
        assertArrayEquals(payload, outcome.echoed());
    }

    private void check(Loopback.Outcome outcome, boolean ourServer, TestPki.Issued leaf) {
        Loopback.End ours = ourServer ? outcome.server() : outcome.client();
        Loopback.End peer = ourServer ? outcome.client() : outcome.server();
        assertTrue(ours.ours(), "our end runs our engine");
        assertFalse(peer.ours(), "the peer runs its own engine");
        assertEquals("TLSv1.3", ours.protocol());
        assertEquals("TLSv1.3", peer.protocol());
        assertEquals(peer.cipherSuite(), ours.cipherSuite());
        assertTrue(ours.cipherSuite().startsWith("TLS_AES_") || ours.cipherSuite().startsWith("TLS_CHACHA20"));
        assertEquals("h2", outcome.server().applicationProtocol());
        assertEquals("h2", outcome.client().applicationProtocol());
        assertEquals(Contexts.CLIENT.certificate().getSubjectX500Principal().getName(),
                outcome.server().peerSubject(), "the server saw the client's certificate");
        assertEquals(leaf.certificate().getSubjectX500Principal().getName(), outcome.client().peerSubject());
        assertArrayEquals(payload, outcome.echoed());
    }

    private static javax.net.ssl.KeyManager[] keyManagers(TestPki.Issued leaf) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("key", leaf.privateKey(), new char[0], leaf.chain().toArray(new X509Certificate[0]));
        KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
        factory.init(store, new char[0]);
        return factory.getKeyManagers();
    }

    private static javax.net.ssl.TrustManager[] trustManagers() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("anchor", Contexts.ANCHOR);
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(store);
        return factory.getTrustManagers();
    }
}
