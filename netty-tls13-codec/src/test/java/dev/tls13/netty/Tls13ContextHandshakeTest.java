package dev.tls13.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.connection.SessionInfo;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import dev.tls13.testing.TestPki;
import dev.tls13.wire.AlertDescription;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.ClientAuth;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every way of configuring a {@link Tls13Context}, proven by a handshake between two handlers. */
class Tls13ContextHandshakeTest {

    private static final char[] PASSWORD = "secret".toCharArray();

    private final ChannelPair pair = new ChannelPair();

    @AfterEach
    void finish() {
        pair.finish();
    }

    private static X509Certificate[] chain(Issued issued) {
        return issued.chain().toArray(new X509Certificate[0]);
    }

    private static TlsFailure failureOf(Throwable t) {
        return assertInstanceOf(TlsException.class, t).failure();
    }

    private void assertConnected() {
        assertTrue(pair.clientHandler.handshakeFuture().isSuccess(), () -> "client: "
                + pair.clientHandler.handshakeFuture().cause());
        assertTrue(pair.serverHandler.handshakeFuture().isSuccess(), () -> "server: "
                + pair.serverHandler.handshakeFuture().cause());
    }

    @Test
    void serverReadsItsChainAndEncryptedKeyFromPemFiles(@TempDir Path dir) throws Exception {
        Issued leaf = ChannelPair.serverCertificate();
        File chainPem = dir.resolve("chain.pem").toFile();
        File keyPem = dir.resolve("key.pem").toFile();
        Files.writeString(chainPem.toPath(), TestPki.pem(leaf.chain()));
        Files.writeString(keyPem.toPath(), TestPki.encryptedPkcs8Pem(leaf.privateKey(), PASSWORD));
        File caPem = dir.resolve("ca.pem").toFile();
        Files.writeString(caPem.toPath(), TestPki.pem(List.of(TestPki.ca(KeyType.EC_P256).certificate())));

        pair.start(Tls13Context.forClient().trustManager(caPem).build(),
                Tls13Context.forServer(chainPem, keyPem, new String(PASSWORD)).build());
        pair.shuttle();
        assertConnected();
    }

    @Test
    void serverReadsItsChainAndKeyFromPemStreams() {
        Issued leaf = TestPki.leaf(KeyType.ED25519).issuer(TestPki.ca(KeyType.EC_P256)).dns(ChannelPair.HOST).build();
        Tls13Context server = Tls13Context.forServer(
                new ByteArrayInputStream(TestPki.pem(leaf.chain()).getBytes(StandardCharsets.US_ASCII)),
                new ByteArrayInputStream(TestPki.pkcs8Pem(leaf.privateKey()).getBytes(StandardCharsets.US_ASCII)),
                null).build();
        pair.start(ChannelPair.clientContext().build(), server);
        pair.shuttle();
        assertConnected();
        assertEquals("ed25519", pair.clientHandler.session().peerSignatureScheme());
    }

    @Test
    void serverWithSeveralChainsFromAKeyManagerFactorySignsWithWhatTheClientAccepts() throws Exception {
        Issued ec = ChannelPair.serverCertificate();
        Issued rsa = TestPki.leaf(KeyType.RSA_2048).issuer(TestPki.ca(KeyType.EC_P256)).dns(ChannelPair.HOST).build();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("ec", ec.privateKey(), PASSWORD, chain(ec));
        store.setKeyEntry("rsa", rsa.privateKey(), PASSWORD, chain(rsa));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, PASSWORD);

        pair.start(ChannelPair.clientContext().signatureSchemes("rsa_pss_rsae_sha256").build(),
                Tls13Context.forServer(factory).build());
        pair.shuttle();
        assertConnected();
        SessionInfo session = pair.clientHandler.session();
        assertEquals("rsa_pss_rsae_sha256", session.peerSignatureScheme());
        assertEquals("RSA", session.peerCertificates().get(0).getPublicKey().getAlgorithm());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"})
    void negotiatesAndUsesEveryCipherSuite(String suite) {
        pair.start(ChannelPair.clientContext().cipherSuites(suite).build(),
                ChannelPair.serverContext().cipherSuites(suite).build());
        pair.client.writeAndFlush(Unpooled.wrappedBuffer(new byte[40_000]));
        pair.shuttle();
        assertConnected();
        assertEquals(suite, pair.serverHandler.session().cipherSuite());
        assertEquals(40_000, pair.serverApp.received.readableBytes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"x25519", "secp256r1", "secp384r1", "secp521r1", "x448"})
    void negotiatesEveryGroup(String group) {
        pair.start(ChannelPair.clientContext().namedGroups(group).build(),
                ChannelPair.serverContext().namedGroups(group).build());
        pair.shuttle();
        assertConnected();
        assertEquals(group, pair.clientHandler.session().namedGroup());
    }

    @Test
    void serverAsksForItsPreferredGroupWithAHelloRetryRequest() {
        pair.start(ChannelPair.clientContext().namedGroups("P-256", "X25519").keyShares(1).build(),
                ChannelPair.serverContext().namedGroups("x25519", "secp256r1").build());
        pair.shuttle();
        assertConnected();
        assertTrue(pair.clientHandler.session().helloRetryRequest());
        assertEquals("x25519", pair.clientHandler.session().namedGroup());
    }

    @Test
    void clientSendsTheConfiguredServerNameAndVerifiesTheIpAddressItConnectsTo() {
        Issued leaf = TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P256))
                .dns(ChannelPair.HOST).ip("127.0.0.1").build();
        pair.start(ChannelPair.clientContext().serverName("localhost").build(),
                Tls13Context.forServer(leaf.privateKey(), chain(leaf)).build(), "127.0.0.1");
        pair.shuttle();
        assertConnected();
        assertEquals("localhost", pair.serverHandler.session().serverName());
    }

    @Test
    void clientSendsNoServerNameForAnIpAddress() {
        Issued leaf = TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P256)).ip("127.0.0.1").build();
        pair.start(ChannelPair.clientContext().build(), Tls13Context.forServer(leaf.privateKey(), chain(leaf)).build(),
                "127.0.0.1");
        pair.shuttle();
        assertConnected();
        assertNull(pair.serverHandler.session().serverName(), "RFC 6066 §3: no IP literals in SNI");
    }

    @Test
    void clientRejectsACertificateForAnotherHostUnlessEndpointIdentificationIsOff() {
        pair.start(ChannelPair.clientContext().build(), ChannelPair.serverContext().build(), "other.example");
        pair.shuttle();
        assertInstanceOf(TlsFailure.CertificateRejected.class,
                failureOf(pair.clientHandler.handshakeFuture().cause()));

        ChannelPair second = new ChannelPair();
        try {
            second.start(ChannelPair.clientContext().endpointIdentificationAlgorithm(null).build(),
                    ChannelPair.serverContext().build(), "other.example");
            second.shuttle();
            assertTrue(second.clientHandler.handshakeFuture().isSuccess());
        } finally {
            second.finish();
        }
    }

    @Test
    void serverRefusesAClientWithoutACommonApplicationProtocolByDefault() {
        pair.start(ChannelPair.clientContext().applicationProtocols("spdy/3").build(),
                ChannelPair.serverContext().applicationProtocols("h2").build());
        pair.shuttle();
        assertEquals(new TlsFailure.AlertReceived(AlertDescription.NO_APPLICATION_PROTOCOL),
                failureOf(pair.clientHandler.handshakeFuture().cause()));
    }

    @Test
    void serverContinuesWithoutApplicationProtocolWhenConfiguredTo() {
        pair.start(ChannelPair.clientContext().applicationProtocols("spdy/3").build(),
                ChannelPair.serverContext().applicationProtocols("h2").failOnApplicationProtocolMismatch(false)
                        .build());
        pair.shuttle();
        assertConnected();
        assertNull(pair.clientHandler.applicationProtocol());
    }

    @Test
    void serverRequiringAClientCertificateSeesTheClientsChain() {
        Issued clientLeaf = TestPki.leaf(KeyType.EC_P384).issuer(TestPki.ca(KeyType.EC_P256)).commonName("client")
                .build();
        pair.start(ChannelPair.clientContext().keyManager(clientLeaf.privateKey(), chain(clientLeaf)).build(),
                ChannelPair.serverContext().clientAuth(ClientAuth.REQUIRE)
                        .trustManager(TestPki.ca(KeyType.EC_P256).certificate()).build());
        pair.shuttle();
        assertConnected();
        assertEquals(clientLeaf.certificate(), pair.serverHandler.session().peerCertificates().get(0));
    }

    @Test
    void serverRequiringAClientCertificateRefusesAClientWithout() {
        pair.start(ChannelPair.clientContext().build(), ChannelPair.serverContext().clientAuth(ClientAuth.REQUIRE)
                .trustManager(TestPki.ca(KeyType.EC_P256).certificate()).build());
        pair.shuttle();
        assertFalse(pair.serverHandler.handshakeFuture().isSuccess());
        assertEquals(AlertDescription.CERTIFICATE_REQUIRED,
                failureOf(pair.serverHandler.handshakeFuture().cause()).alert());
    }

    @Test
    void keyLogReceivesTheNssLinesOfBothSides() {
        List<String> clientLines = Collections.synchronizedList(new ArrayList<>());
        List<String> serverLines = Collections.synchronizedList(new ArrayList<>());
        pair.start(ChannelPair.clientContext().keyLog((ch, line) -> clientLines.add(line)).build(),
                ChannelPair.serverContext().keyLog((ch, line) -> serverLines.add(line)).build());
        pair.shuttle();
        assertConnected();
        List<String> labels = clientLines.stream().map(l -> l.substring(0, l.indexOf(' '))).toList();
        assertTrue(labels.containsAll(List.of("CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0")), labels::toString);
        assertEquals(clientLines.stream().sorted().toList(), serverLines.stream().sorted().toList(),
                "both sides log the same secrets");
        assertEquals("TLS_AES_128_GCM_SHA256", pair.clientHandler.session().cipherSuite());
    }
}
