package dev.tls13.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.crypto.SignatureAlgorithm;
import dev.tls13.error.PeerIncompatible;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.testing.ForwardingProvider;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import dev.tls13.wire.AlertDescription;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client certificate authentication (RFC 8446 §4.3.2, §4.4.2, §4.4.2.4, §4.4.3) between our client and
 * our server handlers, and our client against Netty's JDK server.
 */
class MutualTlsTest {

    private static final char[] PASSWORD = "secret".toCharArray();

    private final ChannelPair pair = new ChannelPair();

    @AfterEach
    void finish() {
        pair.finish();
    }

    private static X509Certificate[] chain(Issued issued) {
        return issued.chain().toArray(new X509Certificate[0]);
    }

    /** A client leaf issued by a CA of its own (not the server's CA), named {@code commonName}. */
    private static Issued clientLeaf(Issued ca, KeyType type, String commonName) {
        return TestPki.leaf(type).issuer(ca).commonName(commonName).build();
    }

    private static final Issued CLIENT_CA_A = TestPki.newCa("client CA A", TestPki.generate(KeyType.EC_P256));
    private static final Issued CLIENT_CA_B = TestPki.newCa("client CA B", TestPki.generate(KeyType.EC_P256));

    private static TlsFailure failureOf(Throwable t) {
        return assertInstanceOf(TlsException.class, t).failure();
    }

    private void assertConnected() {
        assertTrue(pair.clientHandler.handshakeFuture().isSuccess(), () -> "client: "
                + pair.clientHandler.handshakeFuture().cause());
        assertTrue(pair.serverHandler.handshakeFuture().isSuccess(), () -> "server: "
                + pair.serverHandler.handshakeFuture().cause());
    }

    /**
     * What a TLS 1.3 client learns only after its Finished: the failure reaches exceptionCaught as
     * DecoderException(SSLException) naming the alert, and fails sslCloseFuture with the same cause.
     */
    private static void assertClientLearnsAlertAfterFinished(ChannelPair.Recorder app, Tls13Handler handler,
                                                             AlertDescription alert) {
        assertTrue(handler.handshakeFuture().isSuccess(), "the client's handshake completed with its Finished");
        assertEquals(1, app.exceptions.size(), app.exceptions::toString);
        DecoderException decoder = assertInstanceOf(DecoderException.class, app.exceptions.get(0));
        SSLException ssl = assertInstanceOf(SSLException.class, decoder.getCause());
        assertEquals(new TlsFailure.AlertReceived(alert), failureOf(ssl));
        assertEquals("received fatal alert: " + alert, ssl.getMessage());
        assertTrue(handler.sslCloseFuture().isDone());
        assertFalse(handler.sslCloseFuture().isSuccess(), "not a silent close");
        assertSame(ssl, handler.sslCloseFuture().cause());
        SslCloseCompletionEvent event = app.userEvents.stream().filter(SslCloseCompletionEvent.class::isInstance)
                .map(SslCloseCompletionEvent.class::cast).findFirst().orElseThrow();
        assertSame(ssl, event.cause());
    }

    @Test
    void serverRequiringACertificateGetsTheOneIssuedByACaItListsAndExposesTheVerifiedChain() {
        Issued fromA = clientLeaf(CLIENT_CA_A, KeyType.EC_P256, "client-a");
        Issued fromB = clientLeaf(CLIENT_CA_B, KeyType.ED25519, "client-b");
        pair.start(ChannelPair.clientContext().keyManager(fromA.privateKey(), chain(fromA))
                        .keyManager(fromB.privateKey(), chain(fromB)).build(),
                ChannelPair.serverContext().clientAuth(ClientAuth.REQUIRE)
                        .trustManager(CLIENT_CA_B.certificate()).build());
        pair.shuttle();
        assertConnected();
        assertEquals(fromB.chain(), pair.serverHandler.session().peerCertificates(),
                "certificate_authorities guided the client to its chain from CA B");
        assertEquals(fromB.chain(), pair.clientHandler.session().localCertificates());
        assertEquals("ed25519", pair.serverHandler.session().peerSignatureScheme());
    }

    @Test
    void withoutCertificateAuthoritiesTheClientSendsItsFirstChainAndTheServerRejectsIt() {
        Issued fromA = clientLeaf(CLIENT_CA_A, KeyType.EC_P256, "client-a");
        Issued fromB = clientLeaf(CLIENT_CA_B, KeyType.EC_P256, "client-b");
        pair.start(ChannelPair.clientContext().keyManager(fromA.privateKey(), chain(fromA))
                        .keyManager(fromB.privateKey(), chain(fromB)).build(),
                ChannelPair.serverContext().clientAuth(ClientAuth.REQUIRE).certificateAuthorities(false)
                        .trustManager(CLIENT_CA_B.certificate()).build());
        pair.shuttle();
        TlsFailure serverFailure = failureOf(pair.serverHandler.handshakeFuture().cause());
        assertInstanceOf(TlsFailure.CertificateRejected.class, serverFailure);
        assertClientLearnsAlertAfterFinished(pair.clientApp, pair.clientHandler, serverFailure.alert());
        assertEquals(fromA.chain(), pair.clientHandler.session().localCertificates());
    }

    @Test
    void clientWhoseOnlyChainIsFromAnUnlistedCaSendsNoneAndLearnsOfCertificateRequired() {
        Issued fromA = clientLeaf(CLIENT_CA_A, KeyType.EC_P256, "client-a");
        pair.start(ChannelPair.clientContext().keyManager(fromA.privateKey(), chain(fromA)).build(),
                ChannelPair.serverContext().clientAuth(ClientAuth.REQUIRE)
                        .trustManager(CLIENT_CA_B.certificate()).build());
        pair.shuttle();
        assertTrue(pair.clientHandler.session().localCertificates().isEmpty(), "CA A is not listed");
        assertClientLearnsAlertAfterFinished(pair.clientApp, pair.clientHandler,
                AlertDescription.CERTIFICATE_REQUIRED);
    }

    @Test
    void clientWithoutACertificateLearnsOfCertificateRequiredOnItsFirstRead() {
        pair.start(ChannelPair.clientContext().build(), ChannelPair.serverContext().clientAuth(ClientAuth.REQUIRE)
                .trustManager(CLIENT_CA_A.certificate()).build());
        pair.shuttle();
        TlsFailure serverFailure = failureOf(pair.serverHandler.handshakeFuture().cause());
        assertEquals(PeerIncompatible.CERTIFICATE_REQUIRED,
                assertInstanceOf(TlsFailure.Incompatible.class, serverFailure).reason());
        assertClientLearnsAlertAfterFinished(pair.clientApp, pair.clientHandler,
                AlertDescription.CERTIFICATE_REQUIRED);
        assertTrue(pair.clientHandler.session().localCertificates().isEmpty(), "it sent an empty Certificate");
        assertFalse(pair.client.isOpen(), "the client closed its channel");
    }

    @Test
    void clientWhoseKeysCannotSignWhatTheServerAsksSendsAnEmptyCertificate() {
        Issued ec = clientLeaf(CLIENT_CA_A, KeyType.EC_P256, "client-ec");
        Issued rsaServer = TestPki.leaf(KeyType.RSA_2048).issuer(TestPki.ca(KeyType.EC_P256)).dns(ChannelPair.HOST)
                .build();
        pair.start(ChannelPair.clientContext().keyManager(ec.privateKey(), chain(ec)).build(),
                Tls13Context.forServer(rsaServer.privateKey(), chain(rsaServer)).clientAuth(ClientAuth.OPTIONAL)
                        .signatureSchemes("rsa_pss_rsae_sha256", "ecdsa_secp256r1_sha256")
                        .trustManager(CLIENT_CA_A.certificate()).build());
        pair.shuttle();
        assertConnected();
        assertEquals(ec.chain(), pair.serverHandler.session().peerCertificates(), "control: P-256 is asked for");

        ChannelPair second = new ChannelPair();
        try {
            second.start(ChannelPair.clientContext().keyManager(ec.privateKey(), chain(ec)).build(),
                    Tls13Context.forServer(rsaServer.privateKey(), chain(rsaServer)).clientAuth(ClientAuth.OPTIONAL)
                            .signatureSchemes("rsa_pss_rsae_sha256", "ed25519")
                            .trustManager(CLIENT_CA_A.certificate()).build());
            second.shuttle();
            assertTrue(second.serverHandler.handshakeFuture().isSuccess(),
                    () -> String.valueOf(second.serverHandler.handshakeFuture().cause()));
            assertTrue(second.clientHandler.session().localCertificates().isEmpty());
            assertTrue(second.serverHandler.session().peerCertificates().isEmpty());
        } finally {
            second.finish();
        }
    }

    @Test
    void optionalClientAuthWithoutACertificateSucceedsWithNoPeerCertificates() {
        pair.start(ChannelPair.clientContext().build(), ChannelPair.serverContext().clientAuth(ClientAuth.OPTIONAL)
                .trustManager(CLIENT_CA_A.certificate()).build());
        pair.shuttle();
        assertConnected();
        assertTrue(pair.serverHandler.session().peerCertificates().isEmpty());
        assertNull(pair.serverHandler.session().peerSignatureScheme());
        assertTrue(pair.clientApp.exceptions.isEmpty());
    }

    @Test
    void optionalClientAuthStillValidatesACertificateThatIsSent() {
        Issued untrusted = clientLeaf(CLIENT_CA_A, KeyType.EC_P256, "client-a");
        pair.start(ChannelPair.clientContext().keyManager(untrusted.privateKey(), chain(untrusted)).build(),
                ChannelPair.serverContext().clientAuth(ClientAuth.OPTIONAL).certificateAuthorities(false)
                        .trustManager(CLIENT_CA_B.certificate()).build());
        pair.shuttle();
        TlsFailure failure = failureOf(pair.serverHandler.handshakeFuture().cause());
        assertInstanceOf(TlsFailure.CertificateRejected.class, failure);
        assertClientLearnsAlertAfterFinished(pair.clientApp, pair.clientHandler, failure.alert());
    }

    @Test
    void serverRejectsABadClientCertificateVerifyWithDecryptError() {
        Issued leaf = clientLeaf(CLIENT_CA_A, KeyType.EC_P256, "client-a");
        pair.start(ChannelPair.clientContext().cryptoProvider(new WrongSigner())
                        .keyManager(leaf.privateKey(), chain(leaf)).build(),
                ChannelPair.serverContext().clientAuth(ClientAuth.REQUIRE)
                        .trustManager(CLIENT_CA_A.certificate()).build());
        pair.shuttle();
        assertEquals(AlertDescription.DECRYPT_ERROR, failureOf(pair.serverHandler.handshakeFuture().cause()).alert());
        assertClientLearnsAlertAfterFinished(pair.clientApp, pair.clientHandler, AlertDescription.DECRYPT_ERROR);
    }

    @Test
    void clientPresentsTheChainOfAKeyManagerFactory() throws Exception {
        Issued leaf = clientLeaf(CLIENT_CA_A, KeyType.RSA_2048, "client-rsa");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("client", leaf.privateKey(), PASSWORD, chain(leaf));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, PASSWORD);
        pair.start(ChannelPair.clientContext().keyManager(factory).build(),
                ChannelPair.serverContext().clientAuth(ClientAuth.REQUIRE)
                        .trustManager(CLIENT_CA_A.certificate()).build());
        pair.shuttle();
        assertConnected();
        assertEquals(leaf.certificate(), pair.serverHandler.session().peerCertificates().get(0));
        assertEquals("rsa_pss_rsae_sha256", pair.serverHandler.session().peerSignatureScheme());
    }

    @Test
    void clientPresentsTheChainOfPemFiles(@TempDir Path dir) throws Exception {
        Issued leaf = clientLeaf(CLIENT_CA_A, KeyType.EC_P384, "client-pem");
        Path chainPem = dir.resolve("client.pem");
        Path keyPem = dir.resolve("client.key");
        Files.writeString(chainPem, TestPki.pem(leaf.chain()));
        Files.writeString(keyPem, TestPki.pkcs8Pem(leaf.privateKey()));
        pair.start(ChannelPair.clientContext().keyManager(chainPem.toFile(), keyPem.toFile()).build(),
                ChannelPair.serverContext().clientAuth(ClientAuth.REQUIRE)
                        .trustManager(CLIENT_CA_A.certificate()).build());
        pair.shuttle();
        assertConnected();
        assertEquals(leaf.chain(), pair.serverHandler.session().peerCertificates());
    }

    @Test
    void clientWithoutACertificateLearnsOfTheJdkServersRefusalAfterItsFinished() throws Exception {
        Issued serverLeaf = ChannelPair.serverCertificate();
        SslContext jdk = SslContextBuilder.forServer(serverLeaf.privateKey(), chain(serverLeaf))
                .sslProvider(SslProvider.JDK).protocols("TLSv1.3").clientAuth(ClientAuth.REQUIRE)
                .trustManager(CLIENT_CA_A.certificate()).build();
        EmbeddedChannel server = new EmbeddedChannel();
        SslHandler sslHandler = jdk.newHandler(server.alloc());
        ChannelPair.Recorder serverApp = new ChannelPair.Recorder();
        server.pipeline().addLast(sslHandler, serverApp);
        EmbeddedChannel client = new EmbeddedChannel();
        ChannelPair.Recorder app = new ChannelPair.Recorder();
        Tls13Handler handler = ChannelPair.clientContext().build().newHandler(client.alloc(), ChannelPair.HOST, 443);
        client.pipeline().addLast(handler, app);
        try {
            boolean moved;
            do {
                moved = ChannelPair.move(client, server) | ChannelPair.move(server, client);
            } while (moved);
            assertFalse(sslHandler.handshakeFuture().isSuccess(), "the JDK server refused the client");
            assertTrue(handler.handshakeFuture().isSuccess());
            assertEquals(1, app.exceptions.size(), app.exceptions::toString);
            SSLException ssl = assertInstanceOf(SSLException.class, app.exceptions.get(0).getCause());
            AlertDescription alert = failureOf(ssl).alert();
            assertTrue(alert.equals(AlertDescription.CERTIFICATE_REQUIRED)
                    || alert.equals(AlertDescription.BAD_CERTIFICATE), alert::toString);
            assertTrue(ssl.getMessage().startsWith("received fatal alert: "), ssl::getMessage);
            assertSame(ssl, handler.sslCloseFuture().cause());
        } finally {
            app.release();
            serverApp.release();
            client.finishAndReleaseAll();
            server.finishAndReleaseAll();
        }
    }

    /** Signs CertificateVerify over other content: a well-formed signature that does not verify. */
    private static final class WrongSigner extends ForwardingProvider {
        @Override
        public byte[] sign(SignatureAlgorithm algorithm, PrivateKey key, byte[] message)
                throws GeneralSecurityException {
            byte[] other = message.clone();
            other[other.length - 1] ^= 1;
            return super.sign(algorithm, key, other);
        }
    }
}
