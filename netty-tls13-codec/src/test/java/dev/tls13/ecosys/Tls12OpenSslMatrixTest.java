package dev.tls13.ecosys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.connection.SessionInfo;
import dev.tls13.netty.Tls13Handler;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The TLS 1.2 matrix against OpenSSL 3.0 in both directions (issue 16, docs/interop.md "TLS 1.2 matrix"): every
 * TLS 1.2 suite of our defaults with every certificate type it can use (ECDHE_ECDSA with ECDSA P-256, P-384 and
 * P-521 keys; ECDHE_RSA with an rsaEncryption and an id-RSASSA-PSS key), {@code openssl s_client -tls1_2 -cipher}
 * against our server and our client against {@code openssl s_server -tls1_2 -cipher -www}; every ECDHE curve
 * ({@code -curves}) both ways; our client with a certificate against {@code s_server -Verify 1}; and the regression
 * for an ECDSA certificate on a curve the client does not list (RFC 8422 §5.1). Our ends enable
 * TLS 1.2 with {@code protocols("TLSv1.3", "TLSv1.2")}; each row checks the protocol and suite on both sides, and
 * that an HTTP exchange went through. A missing binary fails in CI (ExternalProcess.require).
 */
class Tls12OpenSslMatrixTest {

    private static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n")
            .getBytes(StandardCharsets.US_ASCII);
    private static final String REQUEST = "GET / HTTP/1.0\r\n\r\n";

    private static EventLoopGroup group;
    private static final Map<KeyType, Issued> LEAVES = new EnumMap<>(KeyType.class);
    /** Our servers, one per certificate type, started on first use. */
    private static final Map<KeyType, Channel> SERVERS = new EnumMap<>(KeyType.class);
    private static final BlockingQueue<Tls13Handler> HANDLERS = new LinkedBlockingQueue<>();

    @TempDir
    static Path dir;

    @BeforeAll
    static void setUp() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterAll
    static void tearDown() {
        for (Channel c : SERVERS.values()) {
            c.close().syncUninterruptibly();
        }
        SERVERS.clear();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @BeforeEach
    void clear() {
        HANDLERS.clear();
    }

    /** OpenSSL's name, the IANA name, and the certificate types each TLS 1.2 suite is run with. */
    static Stream<Arguments> suitesAndCertificates() {
        List<Arguments> rows = new ArrayList<>();
        for (String[] suite : new String[][] {
            {"ECDHE-ECDSA-AES128-GCM-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"},
            {"ECDHE-ECDSA-AES256-GCM-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"},
            {"ECDHE-ECDSA-CHACHA20-POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"}}) {
            for (KeyType type : new KeyType[] {KeyType.EC_P256, KeyType.EC_P384, KeyType.EC_P521}) {
                rows.add(Arguments.of(suite[0], suite[1], type));
            }
        }
        for (String[] suite : new String[][] {
            {"ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
            {"ECDHE-RSA-AES256-GCM-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"},
            {"ECDHE-RSA-CHACHA20-POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"}}) {
            for (KeyType type : new KeyType[] {KeyType.RSA_2048, KeyType.RSASSA_PSS_2048}) {
                rows.add(Arguments.of(suite[0], suite[1], type));
            }
        }
        return rows.stream();
    }

    private static synchronized Issued leaf(KeyType type) {
        return LEAVES.computeIfAbsent(type, t -> TestPki.leaf(t).issuer(TestPki.ca(t)).dns("localhost").build());
    }

    /** Writes a certificate chain and its key as PEM files for OpenSSL; returns the chain's path (the key: .key). */
    private static Path writePem(String name, Issued issued) throws Exception {
        Path chain = dir.resolve(name + ".pem");
        Files.writeString(chain, TestPki.pem(issued.chain()), StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve(name + ".key"), TestPki.pkcs8Pem(issued.privateKey()),
                StandardCharsets.US_ASCII);
        return chain;
    }

    private static Path caPem(KeyType type) throws Exception {
        Path ca = dir.resolve("ca-" + type + ".pem");
        Files.writeString(ca, TestPki.pem(List.of(TestPki.ca(type).certificate())), StandardCharsets.US_ASCII);
        return ca;
    }

    private static int freePort() throws Exception {
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return free.getLocalPort();
        }
    }

    // ---- openssl s_client against our server ----

    /** Our server with TLS 1.3 and TLS 1.2 and the one certificate of {@code type}; it answers and closes. */
    private static synchronized int ourServer(KeyType type) throws InterruptedException {
        Channel listening = SERVERS.get(type);
        if (listening == null) {
            Issued leaf = leaf(type);
            listening = listen(Tls13Context.forServer(leaf.privateKey(), leaf.chain().toArray(new X509Certificate[0]))
                    .protocols("TLSv1.3", "TLSv1.2").build());
            SERVERS.put(type, listening);
        }
        return ((InetSocketAddress) listening.localAddress()).getPort();
    }

    private static Channel listen(Tls13Context context) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Tls13Handler handler = context.newHandler(ch.alloc());
                        ch.pipeline().addLast(handler, new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ((ByteBuf) msg).release();
                                ctx.writeAndFlush(Unpooled.wrappedBuffer(RESPONSE))
                                        .addListener(ChannelFutureListener.CLOSE);
                            }
                        });
                        HANDLERS.add(handler);
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    /** Our side of the next accepted connection, once its handshake succeeded. */
    private static SessionInfo ours() throws Exception {
        Tls13Handler handler = HANDLERS.poll(20, TimeUnit.SECONDS);
        assertNotNull(handler, "a connection was accepted");
        assertTrue(handler.handshakeFuture().await(20, TimeUnit.SECONDS));
        assertTrue(handler.handshakeFuture().isSuccess(), () -> String.valueOf(handler.handshakeFuture().cause()));
        return handler.session();
    }

    /** Runs {@code openssl s_client -tls1_2} with a request against our server and returns all it printed. */
    private static String sClient(KeyType type, String... options) throws Exception {
        return sClient(ourServer(type), caPem(type), options);
    }

    private static String sClient(int port, Path ca, String... options) throws Exception {
        Path openssl = ExternalProcess.require("openssl", "openssl");
        List<String> command = new ArrayList<>(List.of(openssl.toString(), "s_client", "-connect",
                "127.0.0.1:" + port, "-servername", "localhost", "-CAfile", ca.toString(),
                "-verify_return_error", "-verify_hostname", "localhost", "-ign_eof", "-tls1_2"));
        command.addAll(List.of(options));
        try (ExternalProcess p = ExternalProcess.start(dir, command.toArray(new String[0]))) {
            p.send(REQUEST);
            assertTrue(p.awaitLine(l -> l.equals("ok"), 20, TimeUnit.SECONDS).isPresent(), p::output);
            // s_client exits once our server closed; its output ends then.
            p.awaitLine(l -> false, 10, TimeUnit.SECONDS);
            return p.output();
        }
    }

    @ParameterizedTest(name = "s_client {0} to our server with {2}")
    @MethodSource("suitesAndCertificates")
    void opensslClientToOurServer(String opensslSuite, String suite, KeyType type) throws Exception {
        String output = sClient(type, "-cipher", opensslSuite);
        assertTrue(output.contains("Protocol  : TLSv1.2"), output);
        assertTrue(output.contains("Cipher    : " + opensslSuite), output);
        assertTrue(output.contains("Verify return code: 0 (ok)"), output);
        assertTrue(output.contains("Extended master secret: yes"), output);
        assertTrue(output.contains("Server public key is " + bits(type) + " bit"), output);
        // The ServerKeyExchange signature: ECDSA for ECDSA keys, RSA-PSS for both RSA key types (RFC 8446 §4.2.3
        // lets TLS 1.2 use the rsa_pss_* schemes; our server prefers them to PKCS#1 v1.5).
        assertTrue(output.contains("Peer signature type: " + (suite.contains("ECDSA") ? "ECDSA" : "RSA-PSS")),
                output);
        SessionInfo session = ours();
        assertEquals("TLSv1.2", session.protocol());
        assertEquals(suite, session.cipherSuite());
        assertEquals(leaf(type).certificate(), session.localCertificates().get(0));
    }

    @ParameterizedTest(name = "s_client -curves {0} to our server")
    @CsvSource({
        "X25519, x25519, 'Server Temp Key: X25519, 253 bits'",
        "P-256, secp256r1, 'Server Temp Key: ECDH, prime256v1, 256 bits'",
        "P-384, secp384r1, 'Server Temp Key: ECDH, secp384r1, 384 bits'",
        "P-521, secp521r1, 'Server Temp Key: ECDH, secp521r1, 521 bits'",
        "X448, x448, 'Server Temp Key: X448, 448 bits'"})
    void opensslClientCurveToOurServer(String curve, String group, String tempKey) throws Exception {
        // An RSA certificate, so that the curve list constrains only the key exchange (an ECDSA certificate's
        // curve is also matched against supported_groups, RFC 8422 §5.1).
        String output = sClient(KeyType.RSA_2048, "-cipher", "ECDHE-RSA-AES128-GCM-SHA256", "-curves", curve);
        assertTrue(output.contains("Protocol  : TLSv1.2"), output);
        assertTrue(output.contains(tempKey), output);
        SessionInfo session = ours();
        assertEquals("TLSv1.2", session.protocol());
        assertEquals(group, session.namedGroup());
    }

    @Test
    void opensslClientWithoutTheEcdsaCertificatesCurveGetsTheRsaCertificate() throws Exception {
        // Regression: our server used its ECDSA P-384 certificate for a client whose supported_groups lacks
        // secp384r1, and s_client aborted with illegal_parameter ("wrong curve"); RFC 8422 §5.1, §5.3.
        Issued ec = leaf(KeyType.EC_P384);
        Issued rsa = leaf(KeyType.RSA_2048);
        Channel listening = listen(Tls13Context.forServer(ec.privateKey(), ec.chain().toArray(new X509Certificate[0]))
                .keyManager(rsa.privateKey(), rsa.chain().toArray(new X509Certificate[0]))
                .protocols("TLSv1.3", "TLSv1.2").build());
        try {
            Path cas = dir.resolve("ca-p384-rsa.pem");
            Files.writeString(cas, TestPki.pem(List.of(TestPki.ca(KeyType.EC_P384).certificate(),
                    TestPki.ca(KeyType.RSA_2048).certificate())), StandardCharsets.US_ASCII);
            String output = sClient(((InetSocketAddress) listening.localAddress()).getPort(), cas, "-curves",
                    "X25519");
            assertTrue(output.contains("Protocol  : TLSv1.2"), output);
            assertTrue(output.contains("Cipher    : ECDHE-RSA-"), output);
            SessionInfo session = ours();
            assertTrue(session.cipherSuite().startsWith("TLS_ECDHE_RSA_"), session.cipherSuite());
            assertEquals(rsa.certificate(), session.localCertificates().get(0));
            // Listing the curve makes the ECDSA certificate, our first choice, usable again.
            output = sClient(((InetSocketAddress) listening.localAddress()).getPort(), cas, "-curves", "X25519:P-384");
            assertTrue(output.contains("Cipher    : ECDHE-ECDSA-"), output);
            assertEquals(ec.certificate(), ours().localCertificates().get(0));
        } finally {
            listening.close().sync();
        }
    }

    private static int bits(KeyType type) {
        return switch (type) {
            case EC_P256 -> 256;
            case EC_P384 -> 384;
            case EC_P521 -> 521;
            case RSA_2048, RSASSA_PSS_2048 -> 2048;
            default -> throw new IllegalArgumentException(type.toString());
        };
    }

    // ---- our client against openssl s_server ----

    /** What our client saw: its session and the page s_server sent until it closed. */
    private record Exchange(SessionInfo session, String page, String serverOutput) {
    }

    /**
     * Starts {@code openssl s_server -tls1_2 -www -naccept 1} with the certificate of {@code type}, connects our
     * client ({@code client} built with TLS 1.3 and TLS 1.2), sends a request and reads the status page, which
     * reports the server's view of the session.
     */
    private static Exchange ourClientToSServer(KeyType type, Tls13Context client, String... options)
            throws Exception {
        Path openssl = ExternalProcess.require("openssl", "openssl");
        Path chain = writePem("server-" + type, leaf(type));
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(openssl.toString(), "s_server", "-accept", "127.0.0.1:" + port,
                "-naccept", "1", "-www", "-tls1_2", "-cert", chain.toString(), "-key",
                dir.resolve("server-" + type + ".key").toString()));
        command.addAll(List.of(options));
        try (ExternalProcess server = ExternalProcess.start(dir, command.toArray(new String[0]))) {
            assertTrue(server.awaitLine(l -> l.startsWith("ACCEPT"), 20, TimeUnit.SECONDS).isPresent(),
                    server::output);
            OurClientExchange.Exchange e = OurClientExchange.connect(group, client,
                    new InetSocketAddress("127.0.0.1", port), NioSocketChannel.class, REQUEST, t -> false, port);
            return new Exchange(e.session(), e.received(), server.output());
        }
    }

    private static Tls13Context ourClient(KeyType type) {
        return Tls13Context.forClient().protocols("TLSv1.3", "TLSv1.2").trustManager(TestPki.ca(type).certificate())
                .build();
    }

    @ParameterizedTest(name = "our client to s_server {0} with {2}")
    @MethodSource("suitesAndCertificates")
    void ourClientToOpensslServer(String opensslSuite, String suite, KeyType type) throws Exception {
        Exchange e = ourClientToSServer(type, ourClient(type), "-cipher", opensslSuite);
        assertTrue(e.page().startsWith("HTTP/1.0 200 ok"), e.page() + e.serverOutput());
        assertTrue(e.page().contains("New, TLSv1.2, Cipher is " + opensslSuite), e.page());
        assertEquals("TLSv1.2", e.session().protocol());
        assertEquals(suite, e.session().cipherSuite());
        assertEquals(leaf(type).certificate(), e.session().peerCertificates().get(0));
        assertNotNull(e.session().peerSignatureScheme());
    }

    @ParameterizedTest(name = "our client to s_server -curves {0}")
    @CsvSource({"X25519, x25519", "P-256, secp256r1", "P-384, secp384r1", "P-521, secp521r1", "X448, x448"})
    void ourClientToOpensslServerCurve(String curve, String group) throws Exception {
        Exchange e = ourClientToSServer(KeyType.RSA_2048, ourClient(KeyType.RSA_2048), "-cipher",
                "ECDHE-RSA-AES128-GCM-SHA256", "-curves", curve);
        assertTrue(e.page().contains("New, TLSv1.2, Cipher is ECDHE-RSA-AES128-GCM-SHA256"), e.page());
        assertTrue(e.page().contains("Shared groups: " + group + "\n"), e.page());
        assertEquals("TLSv1.2", e.session().protocol());
        assertEquals(group, e.session().namedGroup());
    }

    @ParameterizedTest(name = "our client with a {0} certificate to s_server -Verify 1")
    @EnumSource(names = {"EC_P256", "RSA_2048", "RSASSA_PSS_2048"})
    void ourClientWithACertificateToOpensslServer(KeyType clientType) throws Exception {
        Issued client = TestPki.leaf(clientType).issuer(TestPki.ca(clientType)).commonName("client").build();
        Tls13Context context = Tls13Context.forClient().protocols("TLSv1.3", "TLSv1.2")
                .trustManager(TestPki.ca(KeyType.EC_P256).certificate())
                .keyManager(client.privateKey(), client.chain().toArray(new X509Certificate[0])).build();
        Exchange e = ourClientToSServer(KeyType.EC_P256, context, "-Verify", "1", "-verify_return_error", "-CAfile",
                caPem(clientType).toString());
        // s_server requires and verifies the certificate (-Verify 1 -verify_return_error), then reports it.
        assertTrue(e.page().contains("New, TLSv1.2, Cipher is "), e.page());
        assertTrue(e.page().contains("Verify return code: 0 (ok)"), e.page());
        assertTrue(e.page().contains("Peer signature type: " + (clientType == KeyType.EC_P256 ? "ECDSA" : "RSA-PSS")),
                e.page());
        assertTrue(e.serverOutput().contains("depth=0 CN = client"), e.serverOutput());
        assertEquals("TLSv1.2", e.session().protocol());
        assertEquals(client.certificate(), e.session().localCertificates().get(0));
        assertNotNull(e.session().localSignatureScheme());
    }
}
