package dev.tls13.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.JcaCryptoProvider;
import dev.tls13.error.TlsException;
import dev.tls13.handshake.CertificateSelector;
import dev.tls13.handshake.CertifiedKey;
import dev.tls13.handshake.ClientAuth;
import dev.tls13.handshake.ClientConfig;
import dev.tls13.handshake.ServerConfig;
import dev.tls13.testing.Hex;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import dev.tls13.tls12.Tls12ClientDriver;
import dev.tls13.tls12.Tls12ServerDriver;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.ClientHello;
import dev.tls13.wire.Extension;
import dev.tls13.wire.ExtensionType;
import dev.tls13.wire.Extensions;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.SignatureScheme;
import dev.tls13.wire.Tls12Extensions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The TLS 1.2 server through the real connection driver (docs/architecture.md §16): our TLS 1.2 client against it
 * for every suite and certificate type, mutual authentication, the version negotiation (downgrade sentinel only
 * when TLS 1.3 is enabled too), and the refusals of a hand-made TLS 1.2 ClientHello with their alert on the wire.
 */
class Tls12ServerConnectionTest {

    private static final CryptoProvider CRYPTO = JcaCryptoProvider.instance();
    private static final String SENTINEL = "444f574e47524401";

    private final List<End> ends = new ArrayList<>();

    @AfterEach
    void release() {
        for (End end : ends) {
            end.release();
        }
    }

    /** One end: its connection, its receive cumulation, what it received and its key-log lines. */
    private final class End implements TlsConnection.Listener {
        TlsConnection connection;
        final ByteBuf inbound = Unpooled.buffer();
        final ByteBuf received = Unpooled.buffer();
        final List<String> keyLog = new ArrayList<>();

        End() {
            ends.add(this);
        }

        @Override
        public void applicationData(ByteBuf data) {
            try {
                received.writeBytes(data);
            } finally {
                data.release();
            }
        }

        @Override
        public void closeNotifyReceived() {
        }

        @Override
        public boolean keyLogEnabled() {
            return true;
        }

        @Override
        public void keyLog(String line) {
            keyLog.add(line);
        }

        void release() {
            if (connection != null) {
                connection.release();
            }
            inbound.release();
            received.release();
        }
    }

    private static ServerConfig.Builder server(boolean tls13, Issued... leaves) {
        List<CertifiedKey> keys = new ArrayList<>();
        for (Issued leaf : leaves) {
            keys.add(CertifiedKey.of(leaf.privateKey(), leaf.chain().toArray(new X509Certificate[0])));
        }
        return ServerConfig.builder(CRYPTO, new CertificateSelector(keys)).tls13(tls13)
                .tls12(Tls12ServerDriver::afterClientHello);
    }

    private static ClientConfig.Builder client(KeyType caType) {
        return ClientConfig.builder(CRYPTO, TestPki.trustManager(TestPki.ca(caType).certificate()))
                .tls12(Tls12ClientDriver::afterServerHello);
    }

    private static Issued leaf(KeyType type) {
        return TestPki.leaf(type).issuer(TestPki.ca(type)).dns("example.com").build();
    }

    /** Runs a handshake between two ends in memory; returns the server's first flight. */
    private byte[] handshake(End client, End server) throws TlsException {
        client.connection.start();
        server.connection.start();
        byte[] serverFlight = null;
        for (int i = 0; i < 4 && !(client.connection.isHandshakeComplete()
                && server.connection.isHandshakeComplete()); i++) {
            pump(client, server);
            byte[] sent = pump(server, client);
            if (serverFlight == null) {
                serverFlight = sent;
            }
        }
        return serverFlight;
    }

    private static byte[] pump(End from, End to) throws TlsException {
        ByteBuf output = from.connection.pollOutput();
        if (output == null) {
            return null;
        }
        byte[] bytes = ByteBufUtil.getBytes(output);
        to.inbound.writeBytes(output);
        output.release();
        to.connection.receive(to.inbound);
        to.inbound.discardReadBytes();
        return bytes;
    }

    private End[] connect(ClientConfig clientConfig, ServerConfig serverConfig) {
        End client = new End();
        End server = new End();
        client.connection = TlsConnection.client(clientConfig, "example.com", "example.com",
                UnpooledByteBufAllocator.DEFAULT, client);
        server.connection = TlsConnection.server(serverConfig, UnpooledByteBufAllocator.DEFAULT, server);
        return new End[] {client, server};
    }

    private End[] connect(Tls13Context clientContext, Tls13Context serverContext) {
        End client = new End();
        End server = new End();
        client.connection = clientContext.newConnection(UnpooledByteBufAllocator.DEFAULT, "example.com", client);
        server.connection = serverContext.newConnection(UnpooledByteBufAllocator.DEFAULT, null, server);
        return new End[] {client, server};
    }

    private static void exchangeData(End client, End server) throws TlsException {
        byte[] hello = "hello over TLS 1.2".getBytes(StandardCharsets.US_ASCII);
        client.connection.writeApplicationData(Unpooled.wrappedBuffer(hello), 16384);
        pump(client, server);
        assertArrayEquals(hello, ByteBufUtil.getBytes(server.received));
        byte[] big = new byte[40_000];
        Arrays.fill(big, (byte) 'x');
        server.connection.writeApplicationData(Unpooled.wrappedBuffer(big), 16384);
        pump(server, client);
        assertArrayEquals(big, ByteBufUtil.getBytes(client.received));
    }

    /** ServerHello.random of a server flight: record header 5, handshake header 4, server_version 2. */
    private static String serverRandom(byte[] flight) {
        assertEquals(0x16, flight[0]);
        assertEquals(2, flight[5]);
        return Hex.encode(Arrays.copyOfRange(flight, 11, 43));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, EC_P256, ecdsa_secp256r1_sha256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, EC_P256, ecdsa_secp256r1_sha256",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, EC_P256, ecdsa_secp256r1_sha256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, EC_P384, ecdsa_secp384r1_sha384",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, ED25519, ed25519",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, RSA_2048, rsa_pss_rsae_sha256",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, RSA_2048, rsa_pss_rsae_sha256",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, RSA_2048, rsa_pss_rsae_sha256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, RSASSA_PSS_2048, rsa_pss_pss_sha256"})
    void ourClientAndServerSpeakTls12(String suite, KeyType keyType, String scheme) throws TlsException {
        ServerConfig serverConfig = server(false, leaf(keyType))
                .tls12CipherSuites(List.of(CipherSuite.of(suiteCode(suite)))).build();
        End[] pair = connect(client(keyType).build(), serverConfig);
        End client = pair[0];
        End server = pair[1];
        byte[] flight = handshake(client, server);
        assertTrue(client.connection.isHandshakeComplete() && server.connection.isHandshakeComplete());
        // A TLS 1.2-only server sends no downgrade sentinel, so our client, which offered TLS 1.3, connects.
        assertFalse(serverRandom(flight).endsWith(SENTINEL));
        for (End end : pair) {
            SessionInfo session = end.connection.session();
            assertEquals("TLSv1.2", session.protocol());
            assertEquals(suite, session.cipherSuite());
            assertEquals("x25519", session.namedGroup());
        }
        assertEquals(scheme, client.connection.session().peerSignatureScheme());
        assertEquals(scheme, server.connection.session().localSignatureScheme());
        assertNull(server.connection.session().peerSignatureScheme());
        exchangeData(client, server);
        // RFC 5705 with the extended master secret: both ends derive the same, and no context differs from empty.
        byte[] ours = client.connection.exportKeyingMaterial("EXPERIMENTAL-test", null, 32);
        assertArrayEquals(ours, server.connection.exportKeyingMaterial("EXPERIMENTAL-test", null, 32));
        assertFalse(Arrays.equals(ours, server.connection.exportKeyingMaterial("EXPERIMENTAL-test", new byte[0],
                32)));
        assertEquals(1, server.keyLog.size());
        assertTrue(server.keyLog.get(0).startsWith("CLIENT_RANDOM "), server.keyLog.get(0));
        assertEquals(client.keyLog, server.keyLog);
        closeBothWays(client, server);
    }

    /**
     * close_notify each way: after ChangeCipherSpec an alert is protected under its real outer type (RFC 5246
     * §6.2.3), 26 bytes for 2 of content with AES-GCM; the record layer once refused it as a malformed alert before
     * opening it (found with Tls12ClientFuzzTest's seed conversations).
     */
    private static void closeBothWays(End client, End server) throws TlsException {
        client.connection.closeOutbound();
        pump(client, server);
        assertTrue(server.connection.isInboundClosed());
        server.connection.closeOutbound();
        pump(server, client);
        assertTrue(client.connection.isInboundClosed());
        assertNull(client.connection.failure());
        assertNull(server.connection.failure());
    }

    private static int suiteCode(String name) {
        for (var p : dev.tls13.record.Tls12CipherSuiteParams.ALL) {
            if (p.suite().toString().equals(name)) {
                return p.suite().code();
            }
        }
        throw new IllegalArgumentException(name);
    }

    @Test
    void theServerPrefersItsOwnSuiteOrderAndTheCertificateThatFitsIt() throws TlsException {
        // Both an RSA and an ECDSA chain: the default order starts with ECDHE_ECDSA_AES_128_GCM.
        End[] pair = connect(client(KeyType.EC_P256).build(),
                server(false, leaf(KeyType.RSA_2048), leaf(KeyType.EC_P256)).build());
        handshake(pair[0], pair[1]);
        assertEquals("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", pair[1].connection.session().cipherSuite());
        assertEquals("ecdsa_secp256r1_sha256", pair[1].connection.session().localSignatureScheme());
    }

    @Test
    void aServerWithBothVersionsGivesOurClientTls13() throws TlsException {
        End[] pair = connect(client(KeyType.EC_P256).build(), server(true, leaf(KeyType.EC_P256)).build());
        handshake(pair[0], pair[1]);
        assertEquals("TLSv1.3", pair[0].connection.session().protocol());
        assertEquals("TLSv1.3", pair[1].connection.session().protocol());
        exchangeData(pair[0], pair[1]);
    }

    @ParameterizedTest(name = "client key {0}")
    @CsvSource({"EC_P256", "RSA_2048"})
    void mutualAuthentication(KeyType clientKey) throws TlsException {
        Issued clientLeaf = TestPki.leaf(clientKey).issuer(TestPki.ca(clientKey)).build();
        ClientConfig clientConfig = client(KeyType.EC_P256).clientCredentials(List.of(CertifiedKey.of(
                clientLeaf.privateKey(), clientLeaf.chain().toArray(new X509Certificate[0])))).build();
        ServerConfig serverConfig = server(false, leaf(KeyType.EC_P256)).clientAuth(ClientAuth.REQUIRE)
                .clientTrustManager(TestPki.trustManager(TestPki.ca(clientKey).certificate())).build();
        End[] pair = connect(clientConfig, serverConfig);
        handshake(pair[0], pair[1]);
        SessionInfo session = pair[1].connection.session();
        assertEquals("TLSv1.2", session.protocol());
        assertEquals(clientLeaf.certificate(), session.peerCertificates().get(0));
        assertEquals(clientKey == KeyType.EC_P256 ? "ecdsa_secp256r1_sha256" : "rsa_pss_rsae_sha256",
                session.peerSignatureScheme());
        assertEquals(session.peerSignatureScheme(), pair[0].connection.session().localSignatureScheme());
        exchangeData(pair[0], pair[1]);
    }

    @Test
    void optionalClientAuthenticationWithoutACertificateConnects() throws TlsException {
        ServerConfig serverConfig = server(false, leaf(KeyType.EC_P256)).clientAuth(ClientAuth.OPTIONAL)
                .clientTrustManager(TestPki.trustManager(TestPki.ca(KeyType.RSA_2048).certificate())).build();
        End[] pair = connect(client(KeyType.EC_P256).build(), serverConfig);
        handshake(pair[0], pair[1]);
        assertTrue(pair[1].connection.session().peerCertificates().isEmpty());
        exchangeData(pair[0], pair[1]);
    }

    @Test
    void ccmSuitesByNameOnBothEndsAndOnlyWhenNamed() throws TlsException {
        Issued leaf = leaf(KeyType.EC_P256);
        for (String suite : List.of("TLS_ECDHE_ECDSA_WITH_AES_128_CCM", "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8")) {
            // RFC 7251: opt-in on both ends, like CCM in TLS 1.3; the builder takes the IANA names.
            Tls13Context serverContext = Tls13Context.forServer(leaf.privateKey(),
                    leaf.chain().toArray(new X509Certificate[0])).protocols("TLSv1.2")
                    .cipherSuites("TLS_ECDHE_ECDSA_WITH_AES_128_CCM", "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8").build();
            Tls13Context clientContext = Tls13Context.forClient().protocols("TLSv1.3", "TLSv1.2")
                    .trustManager(TestPki.ca(KeyType.EC_P256).certificate()).cipherSuites(suite).build();
            End[] pair = connect(clientContext, serverContext);
            handshake(pair[0], pair[1]);
            assertEquals(suite, pair[0].connection.session().cipherSuite());
            assertEquals(suite, pair[1].connection.session().cipherSuite());
            exchangeData(pair[0], pair[1]);
            closeBothWays(pair[0], pair[1]);
        }
        // A client that names no CCM suite does not offer one: nothing in common with a CCM-only server.
        Tls13Context ccmOnly = Tls13Context.forServer(leaf.privateKey(), leaf.chain().toArray(new X509Certificate[0]))
                .protocols("TLSv1.2").cipherSuites("TLS_ECDHE_ECDSA_WITH_AES_128_CCM").build();
        Tls13Context defaults = Tls13Context.forClient().protocols("TLSv1.3", "TLSv1.2")
                .trustManager(TestPki.ca(KeyType.EC_P256).certificate()).build();
        End[] pair = connect(defaults, ccmOnly);
        TlsException e = assertThrows(TlsException.class, () -> handshake(pair[0], pair[1]));
        assertEquals(AlertDescription.HANDSHAKE_FAILURE, e.failure().alert());
    }

    @Test
    void requiredClientAuthenticationWithoutACertificateIsHandshakeFailure() {
        ServerConfig serverConfig = server(false, leaf(KeyType.EC_P256)).clientAuth(ClientAuth.REQUIRE)
                .clientTrustManager(TestPki.trustManager(TestPki.ca(KeyType.RSA_2048).certificate())).build();
        End[] pair = connect(client(KeyType.EC_P256).build(), serverConfig);
        TlsException e = assertThrows(TlsException.class, () -> handshake(pair[0], pair[1]));
        // RFC 5246 §7.4.6: handshake_failure (TLS 1.2 has no certificate_required).
        assertEquals(AlertDescription.HANDSHAKE_FAILURE, e.failure().alert());
    }

    @Test
    void theBuilderEnablesTheTls12ServerAndBothProtocolsByDefault() throws TlsException {
        Issued leaf = leaf(KeyType.EC_P256);
        Tls13Context client = Tls13Context.forClient().protocols("TLSv1.3", "TLSv1.2")
                .trustManager(TestPki.ca(KeyType.EC_P256).certificate()).build();
        for (String[] protocols : new String[][] {{"TLSv1.2"}, {"TLSv1.3", "TLSv1.2"}, {"TLSv1.3"}}) {
            Tls13Context serverContext = Tls13Context.forServer(leaf.privateKey(),
                    leaf.chain().toArray(new X509Certificate[0])).protocols(protocols).build();
            End c = new End();
            End s = new End();
            c.connection = client.newConnection(UnpooledByteBufAllocator.DEFAULT, "example.com", c);
            s.connection = serverContext.newConnection(UnpooledByteBufAllocator.DEFAULT, null, s);
            handshake(c, s);
            // Our client offers TLS 1.3: only a TLS 1.2-only server answers with TLS 1.2.
            assertEquals(protocols.length == 1 ? protocols[0] : "TLSv1.3", s.connection.session().protocol());
            assertEquals(s.connection.session().protocol(), c.connection.session().protocol());
        }
        // Issue #16: both protocols by default, so a TLS 1.2-only client gets TLS 1.2 from a default server.
        Tls13Context tls12Client = Tls13Context.forClient().protocols("TLSv1.2")
                .trustManager(TestPki.ca(KeyType.EC_P256).certificate()).build();
        Tls13Context defaultServer = Tls13Context.forServer(leaf.privateKey(),
                leaf.chain().toArray(new X509Certificate[0])).build();
        End c = new End();
        End s = new End();
        c.connection = tls12Client.newConnection(UnpooledByteBufAllocator.DEFAULT, "example.com", c);
        s.connection = defaultServer.newConnection(UnpooledByteBufAllocator.DEFAULT, null, s);
        handshake(c, s);
        assertEquals("TLSv1.2", s.connection.session().protocol());
        assertEquals("TLSv1.2", c.connection.session().protocol());
        assertThrows(IllegalArgumentException.class, () -> Tls13Context.forServer(leaf.privateKey(),
                leaf.chain().toArray(new X509Certificate[0])).protocols());
    }

    @Test
    void theAcceptStepHandsATls12ClientHelloToTheChosenConfiguration() throws TlsException {
        End client = new End();
        End server = new End();
        client.connection = TlsConnection.client(client(KeyType.EC_P256).build(), "example.com", "example.com",
                UnpooledByteBufAllocator.DEFAULT, client);
        server.connection = TlsConnection.accepting(UnpooledByteBufAllocator.DEFAULT, server, Limits.DEFAULT);
        client.connection.start();
        server.connection.start();
        pump(client, server);
        assertTrue(server.connection.awaitingConfiguration());
        assertEquals("example.com", server.connection.clientHello().serverName());
        server.connection.accept(server(false, leaf(KeyType.EC_P256)).build());
        server.connection.receive(server.inbound);
        for (int i = 0; i < 4 && !client.connection.isHandshakeComplete(); i++) {
            pump(server, client);
            pump(client, server);
        }
        assertEquals("TLSv1.2", server.connection.session().protocol());
        assertEquals("example.com", server.connection.session().serverName());
        exchangeData(client, server);
    }

    // ---- hand-made ClientHellos against the server ----

    /** A TLS 1.2 ClientHello as OpenSSL's -tls1_2 sends one, changed by {@code edit}. */
    private static byte[] clientHelloRecord(int legacyVersion, List<CipherSuite> suites,
                                            UnaryOperator<List<Extension>> edit) {
        List<Extension> extensions = new ArrayList<>(List.of(
                new Extension.SupportedGroups(List.of(NamedGroup.X25519, NamedGroup.SECP256R1)),
                new Extension.SignatureAlgorithms(List.of(SignatureScheme.ECDSA_SECP256R1_SHA256,
                        SignatureScheme.RSA_PSS_RSAE_SHA256, SignatureScheme.RSA_PKCS1_SHA256)),
                Tls12Extensions.ecPointFormatsUncompressed(), Tls12Extensions.extendedMasterSecret(),
                Tls12Extensions.emptyRenegotiationInfo()));
        byte[] random = new byte[32];
        Arrays.fill(random, (byte) 0x33);
        byte[] message = HandshakeCodec.encode(new ClientHello(legacyVersion, random, new byte[0], suites,
                new Extensions(edit.apply(extensions))));
        byte[] record = new byte[5 + message.length];
        record[0] = 0x16;
        record[1] = 3;
        record[2] = 1;
        record[3] = (byte) (message.length >>> 8);
        record[4] = (byte) message.length;
        System.arraycopy(message, 0, record, 5, message.length);
        return record;
    }

    private static final List<CipherSuite> TLS12_SUITES = List.of(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, CipherSuite.TLS_EMPTY_RENEGOTIATION_INFO_SCSV);

    private End serverReceiving(ServerConfig config, byte[]... records) throws TlsException {
        End server = new End();
        server.connection = TlsConnection.server(config, UnpooledByteBufAllocator.DEFAULT, server);
        server.connection.start();
        for (byte[] record : records) {
            server.inbound.writeBytes(record);
        }
        server.connection.receive(server.inbound);
        return server;
    }

    /** Sends the records to a new server and returns the fatal alert it sent in plaintext. */
    private AlertDescription refused(ServerConfig config, byte[]... records) {
        End server = new End();
        server.connection = TlsConnection.server(config, UnpooledByteBufAllocator.DEFAULT, server);
        TlsException e = assertThrows(TlsException.class, () -> {
            server.connection.start();
            for (byte[] record : records) {
                server.inbound.writeBytes(record);
            }
            server.connection.receive(server.inbound);
        });
        ByteBuf out = server.connection.pollOutput();
        try {
            String hex = Hex.encode(ByteBufUtil.getBytes(out));
            assertEquals("150303000202" + String.format("%02x", e.failure().alert().code()),
                    hex.substring(hex.length() - 14));
        } finally {
            out.release();
        }
        return e.failure().alert();
    }

    private static byte[] serverFlight(End server) {
        ByteBuf out = server.connection.pollOutput();
        assertNotNull(out);
        try {
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    @Test
    void aTls12ClientHelloGetsTheDowngradeSentinelFromAServerWithTls13() throws TlsException {
        End server = serverReceiving(server(true, leaf(KeyType.EC_P256)).build(),
                clientHelloRecord(0x0303, TLS12_SUITES, e -> e));
        String random = serverRandom(serverFlight(server));
        // RFC 8446 §4.1.3: 44 4F 57 4E 47 52 44 01 when a TLS 1.3 server negotiates TLS 1.2.
        assertTrue(random.endsWith(SENTINEL), random);
        assertFalse(server.connection.isHandshakeComplete());
    }

    @Test
    void aTls12OnlyServerSendsNoSentinelAndEchoesTheTls12Extensions() throws TlsException {
        End server = serverReceiving(server(false, leaf(KeyType.EC_P256)).build(),
                clientHelloRecord(0x0303, TLS12_SUITES, e -> e));
        byte[] flight = serverFlight(server);
        assertFalse(serverRandom(flight).endsWith(SENTINEL));
        String hex = Hex.encode(flight);
        // ServerHello extensions: renegotiation_info (empty), extended_master_secret, ec_point_formats.
        assertTrue(hex.contains("ff0100010000170000000b00020100"), hex);
    }

    @Test
    void supportedVersionsWithTls12OnlyGetsTls12AndTls13OffersStillGetTls13() throws TlsException {
        End server = serverReceiving(server(true, leaf(KeyType.EC_P256)).build(),
                clientHelloRecord(0x0303, TLS12_SUITES, e -> {
                    e.add(new Extension.SupportedVersionsClientHello(List.of(0x0303)));
                    return e;
                }));
        assertTrue(serverRandom(serverFlight(server)).endsWith(SENTINEL));
    }

    @Test
    void noCommonVersionIsProtocolVersion() {
        ServerConfig both = server(true, leaf(KeyType.EC_P256)).build();
        // RFC 8446 Appendix D.2: without supported_versions, min(legacy_version, TLS 1.2) = TLS 1.1: not ours.
        assertEquals(AlertDescription.PROTOCOL_VERSION, refused(both, clientHelloRecord(0x0302, TLS12_SUITES,
                e -> e)));
        assertEquals(AlertDescription.PROTOCOL_VERSION, refused(both, clientHelloRecord(0x0303, TLS12_SUITES,
                e -> {
                    e.add(new Extension.SupportedVersionsClientHello(List.of(0x0302, 0x0301)));
                    return e;
                })));
        // A TLS 1.2-only server and a TLS 1.3-only client.
        assertEquals(AlertDescription.PROTOCOL_VERSION, refused(server(false, leaf(KeyType.EC_P256)).build(),
                clientHelloRecord(0x0303, List.of(CipherSuite.TLS_AES_128_GCM_SHA256), e -> {
                    e.add(new Extension.SupportedVersionsClientHello(List.of(0x0304)));
                    return e;
                })));
    }

    @Test
    void aTls12ClientHelloWithoutTls12EnabledIsProtocolVersionAsBefore() {
        ServerConfig tls13Only = ServerConfig.builder(CRYPTO, new CertificateSelector(List.of(CertifiedKey.of(
                leaf(KeyType.EC_P256).privateKey(), leaf(KeyType.EC_P256).chain().toArray(new X509Certificate[0])))))
                .build();
        assertEquals(AlertDescription.PROTOCOL_VERSION, refused(tls13Only, clientHelloRecord(0x0303, TLS12_SUITES,
                e -> e)));
    }

    @Test
    void fallbackScsvWhileWeSpeakTls13IsInappropriateFallback() throws TlsException {
        List<CipherSuite> suites = new ArrayList<>(TLS12_SUITES);
        suites.add(CipherSuite.TLS_FALLBACK_SCSV);
        // RFC 7507 §3: our highest version (TLS 1.3) is above the client's.
        assertEquals(AlertDescription.INAPPROPRIATE_FALLBACK, refused(server(true, leaf(KeyType.EC_P256)).build(),
                clientHelloRecord(0x0303, suites, e -> e)));
        // A TLS 1.2-only server's highest version is the client's: the handshake goes on.
        End server = serverReceiving(server(false, leaf(KeyType.EC_P256)).build(),
                clientHelloRecord(0x0303, suites, e -> e));
        assertEquals(0x16, serverFlight(server)[0]);
    }

    @Test
    void missingExtendedMasterSecretIsHandshakeFailure() {
        // RFC 7627 §5.2: EMS is required by default (docs/architecture.md §16).
        assertEquals(AlertDescription.HANDSHAKE_FAILURE, refused(server(false, leaf(KeyType.EC_P256)).build(),
                clientHelloRecord(0x0303, TLS12_SUITES, e -> {
                    e.remove(Tls12Extensions.extendedMasterSecret());
                    return e;
                })));
    }

    @Test
    void aServerThatDoesNotRequireEmsAnswersAClientWithoutItWithoutIt() throws TlsException {
        End server = serverReceiving(server(false, leaf(KeyType.EC_P256)).extendedMasterSecretRequired(false).build(),
                clientHelloRecord(0x0303, TLS12_SUITES, e -> {
                    e.remove(Tls12Extensions.extendedMasterSecret());
                    return e;
                }));
        String hex = Hex.encode(serverFlight(server));
        // ServerHello extensions: renegotiation_info (empty), ec_point_formats; no extended_master_secret.
        assertTrue(hex.contains("ff01000100000b00020100"), hex);
    }

    @Test
    void aNonEmptyRenegotiationInfoOnAnInitialHandshakeIsHandshakeFailure() {
        assertEquals(AlertDescription.HANDSHAKE_FAILURE, refused(server(false, leaf(KeyType.EC_P256)).build(),
                clientHelloRecord(0x0303, TLS12_SUITES, e -> {
                    e.remove(Tls12Extensions.emptyRenegotiationInfo());
                    e.add(new Extension.UnknownExtension(ExtensionType.RENEGOTIATION_INFO, Hex.decode("0c"
                            + "00".repeat(12))));
                    return e;
                })));
    }

    @Test
    void withoutRenegotiationInfoOrScsvNoneIsEchoed() throws TlsException {
        End server = serverReceiving(server(false, leaf(KeyType.EC_P256)).build(),
                clientHelloRecord(0x0303, TLS12_SUITES.subList(0, 2), e -> {
                    e.remove(Tls12Extensions.emptyRenegotiationInfo());
                    return e;
                }));
        assertFalse(Hex.encode(serverFlight(server)).contains("ff010001"));
    }

    @Test
    void ecPointFormatsWithoutUncompressedIsIllegalParameter() {
        assertEquals(AlertDescription.ILLEGAL_PARAMETER, refused(server(false, leaf(KeyType.EC_P256)).build(),
                clientHelloRecord(0x0303, TLS12_SUITES, e -> {
                    e.remove(Tls12Extensions.ecPointFormatsUncompressed());
                    e.add(new Extension.UnknownExtension(ExtensionType.EC_POINT_FORMATS, Hex.decode("0101")));
                    return e;
                })));
    }

    @Test
    void nothingInCommonIsHandshakeFailure() {
        ServerConfig config = server(false, leaf(KeyType.EC_P256)).build();
        // Only RSA suites for an ECDSA certificate.
        assertEquals(AlertDescription.HANDSHAKE_FAILURE, refused(config, clientHelloRecord(0x0303,
                List.of(CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256), e -> e)));
        // No TLS 1.2 suite of the profile at all.
        assertEquals(AlertDescription.HANDSHAKE_FAILURE, refused(config, clientHelloRecord(0x0303,
                List.of(CipherSuite.TLS_AES_128_GCM_SHA256), e -> e)));
        // Only hybrid (TLS 1.3) groups.
        assertEquals(AlertDescription.HANDSHAKE_FAILURE, refused(config, clientHelloRecord(0x0303, TLS12_SUITES,
                e -> {
                    e.set(0, new Extension.SupportedGroups(List.of(NamedGroup.X25519MLKEM768)));
                    return e;
                })));
    }

    @Test
    void anEcdsaCertificateOnACurveTheClientDoesNotListIsNotUsed() throws Exception {
        // RFC 8422 §5.1, §5.3: the certificate's curve must be one of the client's supported_groups, even when
        // signature_algorithms names it (OpenSSL's s_client -curves X25519 aborted with illegal_parameter).
        UnaryOperator<List<Extension>> p384Scheme = e -> {
            e.set(1, new Extension.SignatureAlgorithms(List.of(SignatureScheme.ECDSA_SECP384R1_SHA384,
                    SignatureScheme.RSA_PSS_RSAE_SHA256)));
            return e;
        };
        assertEquals(AlertDescription.HANDSHAKE_FAILURE, refused(server(false, leaf(KeyType.EC_P384)).build(),
                clientHelloRecord(0x0303, TLS12_SUITES, p384Scheme)));
        // With an RSA certificate too, the RSA suite is chosen instead.
        End server = serverReceiving(server(false, leaf(KeyType.EC_P384), leaf(KeyType.RSA_2048)).build(),
                clientHelloRecord(0x0303, TLS12_SUITES, p384Scheme));
        byte[] flight = serverFlight(server);
        // The ServerHello's cipher_suite: after the record and handshake headers, version, random, empty session_id.
        assertEquals(CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256.code(),
                ((flight[44] & 0xff) << 8) | (flight[45] & 0xff));
        // Listing the curve makes the ECDSA certificate usable again.
        End listed = serverReceiving(server(false, leaf(KeyType.EC_P384)).build(),
                clientHelloRecord(0x0303, TLS12_SUITES, e -> {
                    e.set(0, new Extension.SupportedGroups(List.of(NamedGroup.X25519, NamedGroup.SECP384R1)));
                    return p384Scheme.apply(e);
                }));
        assertEquals(0x16, serverFlight(listed)[0]);
    }

    @Test
    void changeCipherSpecBeforeTheClientKeyExchangeIsUnexpectedMessage() {
        // The early-CCS attack class: a CCS right after the ClientHello, when no keys exist.
        assertEquals(AlertDescription.UNEXPECTED_MESSAGE, refused(server(false, leaf(KeyType.EC_P256)).build(),
                clientHelloRecord(0x0303, TLS12_SUITES, e -> e), Hex.decode("140303000101")));
    }

    @Test
    void anSslV2ClientHelloIsRefusedWithProtocolVersion() {
        // RFC 6101 Appendix E.2 format: two-byte length with the high bit set, msg_type 1, version 3.1.
        byte[] sslv2 = Hex.decode("802e0103010015000000100700c0030080010080060040000400" + "00".repeat(16));
        assertEquals(AlertDescription.PROTOCOL_VERSION, refused(server(true, leaf(KeyType.EC_P256)).build(),
                sslv2));
    }
}
