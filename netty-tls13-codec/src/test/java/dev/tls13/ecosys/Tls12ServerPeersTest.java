package dev.tls13.ecosys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.Tls13ContextBuilder;
import dev.tls13.connection.SessionInfo;
import dev.tls13.netty.Tls13Handler;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import io.netty.bootstrap.Bootstrap;
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
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real TLS 1.2 clients against our server with TLS 1.3 and TLS 1.2 enabled and an RSA and an ECDSA P-256 chain
 * (docs/interop.md): {@code openssl s_client -tls1_2 -cipher ...} for every suite (which picks the certificate),
 * {@code gnutls-cli --priority NORMAL:-VERS-TLS1.3}, {@code curl --tls-max 1.2}, Netty's SslHandler with the JDK
 * engine and with BoringSSL restricted to TLSv1.2, the JDK's HttpClient restricted to TLSv1.2 with SSLParameters,
 * mutual authentication with {@code s_client -cert} and {@code gnutls-cli --x509certfile}; and TLS 1.3-capable
 * clients (s_client, gnutls-cli, HttpClient, SslHandler) still get TLS 1.3. Each checks our side's session too. A
 * missing binary fails in CI (ExternalProcess.require).
 */
class Tls12ServerPeersTest {

    private static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n")
            .getBytes(StandardCharsets.US_ASCII);

    private static EventLoopGroup group;
    private static Issued ecLeaf;
    private static Issued rsaLeaf;
    private static Issued clientLeaf;
    private static Channel server;
    private static Channel mutualServer;
    private static Channel ccmServer;
    private static final BlockingQueue<Tls13Handler> HANDLERS = new LinkedBlockingQueue<>();

    @TempDir
    static Path dir;
    private static Path caFile;

    /** Answers the first bytes of a request with a small HTTP response and closes (after close_notify). */
    private static final class Responder extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ((ByteBuf) msg).release();
            if (ctx.channel().isActive()) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(RESPONSE)).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    @BeforeAll
    static void setUp() throws Exception {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        ecLeaf = TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P256)).dns("localhost").build();
        rsaLeaf = TestPki.leaf(KeyType.RSA_2048).issuer(TestPki.ca(KeyType.RSA_2048)).dns("localhost").build();
        clientLeaf = TestPki.leaf(KeyType.RSA_2048).issuer(TestPki.ca(KeyType.RSA_2048)).build();
        caFile = dir.resolve("ca.pem");
        Files.writeString(caFile, TestPki.pem(List.of(TestPki.ca(KeyType.EC_P256).certificate(),
                TestPki.ca(KeyType.RSA_2048).certificate())), StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("client.pem"), TestPki.pem(clientLeaf.chain()), StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("client.key"), TestPki.pkcs8Pem(clientLeaf.privateKey()),
                StandardCharsets.US_ASCII);
        server = listen(context().build());
        mutualServer = listen(context().clientAuth(ClientAuth.REQUIRE)
                .trustManager(TestPki.ca(KeyType.RSA_2048).certificate()).build());
        // RFC 7251 CCM suites are opt-in: named beside the defaults, which naming TLS 1.2 suites only keeps for 1.3.
        ccmServer = listen(context().cipherSuites("TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8",
                "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256").build());
    }

    private static Tls13ContextBuilder context() {
        return Tls13Context.forServer(ecLeaf.privateKey(), ecLeaf.chain().toArray(new X509Certificate[0]))
                .keyManager(rsaLeaf.privateKey(), rsaLeaf.chain().toArray(new X509Certificate[0]))
                .protocols("TLSv1.3", "TLSv1.2");
    }

    private static Channel listen(Tls13Context context) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Tls13Handler handler = context.newHandler(ch.alloc());
                        ch.pipeline().addLast(handler, new Responder());
                        HANDLERS.add(handler);
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    private static int port(Channel listening) {
        return ((InetSocketAddress) listening.localAddress()).getPort();
    }

    @AfterAll
    static void tearDown() {
        for (Channel c : new Channel[] {server, mutualServer, ccmServer}) {
            if (c != null) {
                c.close().syncUninterruptibly();
            }
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @BeforeEach
    void clear() {
        HANDLERS.clear();
    }

    /** Our side of the next accepted connection, once its handshake succeeded. */
    private static SessionInfo ours() throws Exception {
        Tls13Handler handler = HANDLERS.poll(20, TimeUnit.SECONDS);
        assertNotNull(handler, "a connection was accepted");
        assertTrue(handler.handshakeFuture().await(20, TimeUnit.SECONDS));
        assertTrue(handler.handshakeFuture().isSuccess(), () -> String.valueOf(handler.handshakeFuture().cause()));
        return handler.session();
    }

    /** Runs {@code openssl s_client} with a request and returns its output once the response arrived. */
    private static String sClient(int port, String... options) throws Exception {
        Path openssl = ExternalProcess.require("openssl", "openssl");
        List<String> command = new ArrayList<>(List.of(openssl.toString(), "s_client", "-connect",
                "127.0.0.1:" + port, "-servername", "localhost", "-CAfile", caFile.toString(),
                "-verify_return_error", "-ign_eof"));
        command.addAll(List.of(options));
        try (ExternalProcess p = ExternalProcess.start(dir, command.toArray(new String[0]))) {
            p.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertTrue(p.awaitLine(l -> l.equals("ok"), 20, TimeUnit.SECONDS).isPresent(), p::output);
            p.awaitLine(l -> false, 5, TimeUnit.SECONDS);
            return p.output();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "ECDHE-ECDSA-AES128-GCM-SHA256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "ECDHE-RSA-AES128-GCM-SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "ECDHE-RSA-AES256-GCM-SHA384, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "ECDHE-RSA-CHACHA20-POLY1305, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"})
    void opensslTls12Client(String opensslSuite, String suite) throws Exception {
        String output = sClient(port(server), "-tls1_2", "-cipher", opensslSuite);
        assertTrue(output.contains("Protocol  : TLSv1.2"), output);
        assertTrue(output.contains("Cipher    : " + opensslSuite), output);
        assertTrue(output.contains("Verify return code: 0 (ok)"), output);
        // OpenSSL reports "Extended master secret: yes" for an EMS session.
        assertTrue(output.contains("Extended master secret: yes"), output);
        SessionInfo session = ours();
        assertEquals("TLSv1.2", session.protocol());
        assertEquals(suite, session.cipherSuite());
        assertEquals("localhost", session.serverName());
        assertEquals(suite.contains("ECDSA") ? ecLeaf.certificate() : rsaLeaf.certificate(),
                session.localCertificates().get(0));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "ECDHE-ECDSA-AES128-CCM, TLS_ECDHE_ECDSA_WITH_AES_128_CCM",
        "ECDHE-ECDSA-AES128-CCM8, TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8"})
    void opensslTls12ClientGetsCcmWhereNamed(String opensslSuite, String suite) throws Exception {
        String output = sClient(port(ccmServer), "-tls1_2", "-cipher", opensslSuite);
        assertTrue(output.contains("Cipher    : " + opensslSuite), output);
        assertEquals(suite, ours().cipherSuite());
        // The default server does not accept CCM: OpenSSL offering only CCM gets handshake_failure.
        Path openssl = ExternalProcess.require("openssl", "openssl");
        try (ExternalProcess p = ExternalProcess.start(dir, openssl.toString(), "s_client", "-connect",
                "127.0.0.1:" + port(server), "-tls1_2", "-cipher", opensslSuite)) {
            assertTrue(p.awaitLine(l -> l.contains("handshake failure"), 20, TimeUnit.SECONDS).isPresent(),
                    p::output);
        }
    }

    @Test
    void opensslTls12ClientWithACertificate() throws Exception {
        String output = sClient(port(mutualServer), "-tls1_2", "-cert", dir.resolve("client.pem").toString(),
                "-key", dir.resolve("client.key").toString());
        assertTrue(output.contains("Protocol  : TLSv1.2"), output);
        SessionInfo session = ours();
        assertEquals("TLSv1.2", session.protocol());
        assertEquals(clientLeaf.certificate(), session.peerCertificates().get(0));
        assertNotNull(session.peerSignatureScheme());
    }

    @Test
    void opensslWithoutRestrictionsStillGetsTls13() throws Exception {
        String output = sClient(port(server));
        assertTrue(output.contains("TLSv1.3"), output);
        assertEquals("TLSv1.3", ours().protocol());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"NORMAL:-VERS-TLS1.3:-ECDHE-RSA, ECDSA",
        "NORMAL:-VERS-TLS1.3:-ECDHE-ECDSA, RSA"})
    void gnutlsTls12Client(String priority, String authentication) throws Exception {
        Path gnutls = ExternalProcess.require("gnutls-cli", "gnutls-bin");
        try (ExternalProcess p = ExternalProcess.start(dir, gnutls.toString(), "localhost", "-p",
                Integer.toString(port(server)), "--x509cafile", caFile.toString(), "--priority", priority)) {
            // gnutls-cli buffers its standard output when it is a pipe: read it once the server closed.
            p.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
            p.awaitLine(l -> false, 20, TimeUnit.SECONDS);
            assertTrue(p.output().contains("- Description: (TLS1.2-"), p::output);
            assertTrue(p.output().contains("\nok\n"), p::output);
        }
        SessionInfo session = ours();
        assertEquals("TLSv1.2", session.protocol());
        assertTrue(session.cipherSuite().startsWith("TLS_ECDHE_" + authentication + "_"), session.cipherSuite());
    }

    @Test
    void gnutlsTls12ClientWithACertificate() throws Exception {
        Path gnutls = ExternalProcess.require("gnutls-cli", "gnutls-bin");
        try (ExternalProcess p = ExternalProcess.start(dir, gnutls.toString(), "localhost", "-p",
                Integer.toString(port(mutualServer)), "--x509cafile", caFile.toString(), "--priority",
                "NORMAL:-VERS-TLS1.3", "--x509certfile", dir.resolve("client.pem").toString(), "--x509keyfile",
                dir.resolve("client.key").toString())) {
            p.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
            p.awaitLine(l -> false, 20, TimeUnit.SECONDS);
            assertTrue(p.output().contains("- Description: (TLS1.2-"), p::output);
            assertTrue(p.output().contains("\nok\n"), p::output);
        }
        SessionInfo session = ours();
        assertEquals("TLSv1.2", session.protocol());
        assertEquals(clientLeaf.certificate(), session.peerCertificates().get(0));
        assertNotNull(session.peerSignatureScheme());
    }

    @Test
    void gnutlsWithDefaultPrioritiesStillGetsTls13() throws Exception {
        Path gnutls = ExternalProcess.require("gnutls-cli", "gnutls-bin");
        try (ExternalProcess p = ExternalProcess.start(dir, gnutls.toString(), "localhost", "-p",
                Integer.toString(port(server)), "--x509cafile", caFile.toString())) {
            p.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
            p.awaitLine(l -> false, 20, TimeUnit.SECONDS);
            assertTrue(p.output().contains("- Description: (TLS1.3-"), p::output);
            assertTrue(p.output().contains("\nok\n"), p::output);
        }
        assertEquals("TLSv1.3", ours().protocol());
    }

    /**
     * The JDK's HttpClient over HTTP/1.1: restricted to TLSv1.2 and one suite with {@link SSLParameters}, or with its
     * defaults (TLS 1.3 and 1.2 enabled), where it still gets TLS 1.3.
     */
    @ParameterizedTest(name = "HttpClient {0} {1}")
    @CsvSource({
        "TLSv1.2, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLSv1.2, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLSv1.3, ''"})
    void jdkHttpClient(String protocol, String suite) throws Exception {
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, new TrustManager[] {TestPki.trustManager(TestPki.ca(KeyType.EC_P256).certificate(),
                TestPki.ca(KeyType.RSA_2048).certificate())}, null);
        SSLParameters parameters = ssl.getDefaultSSLParameters();
        if ("TLSv1.2".equals(protocol)) {
            parameters.setProtocols(new String[] {"TLSv1.2"});
            parameters.setCipherSuites(new String[] {suite});
        }
        HttpClient client = HttpClient.newBuilder().sslContext(ssl).sslParameters(parameters)
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(20)).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + port(server) + "/")).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals("ok\n", response.body());
        SSLSession theirs = response.sslSession().orElseThrow();
        assertEquals(protocol, theirs.getProtocol());
        SessionInfo session = ours();
        assertEquals(protocol, session.protocol());
        assertEquals(theirs.getCipherSuite(), session.cipherSuite());
        if ("TLSv1.2".equals(protocol)) {
            assertEquals(suite, session.cipherSuite());
        }
    }

    @Test
    void curlWithTlsMax12() throws Exception {
        Path curl = ExternalProcess.require("curl", "curl");
        try (ExternalProcess p = ExternalProcess.start(dir, curl.toString(), "-sS", "-v", "--tls-max", "1.2",
                "--max-time", "10", "--cacert", caFile.toString(), "--resolve",
                "localhost:" + port(server) + ":127.0.0.1", "https://localhost:" + port(server) + "/")) {
            p.closeInput();
            assertTrue(p.awaitLine(l -> l.equals("ok"), 20, TimeUnit.SECONDS).isPresent(), p::output);
            assertTrue(p.output().contains("SSL connection using TLSv1.2"), p::output);
        }
        assertEquals("TLSv1.2", ours().protocol());
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({
        "JDK, TLSv1.2, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "JDK, TLSv1.2, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "OPENSSL, TLSv1.2, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "OPENSSL, TLSv1.2, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "JDK, TLSv1.3, TLS_AES_128_GCM_SHA256",
        "OPENSSL, TLSv1.3, TLS_AES_128_GCM_SHA256"})
    void sslHandlerClient(SslProvider provider, String protocol, String suite) throws Exception {
        SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(provider).protocols(protocol)
                .trustManager(TestPki.ca(KeyType.EC_P256).certificate(), TestPki.ca(KeyType.RSA_2048).certificate());
        if ("TLSv1.2".equals(protocol)) {
            builder.ciphers(List.of(suite));
        }
        SslContext context = builder.build();
        CompletableFuture<String> response = new CompletableFuture<>();
        SslHandler ssl = context.newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT, "localhost", port(server));
        Channel client = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(ssl, new SimpleChannelInboundHandler<ByteBuf>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                response.complete(msg.toString(StandardCharsets.US_ASCII));
                            }
                        });
                    }
                }).connect("127.0.0.1", port(server)).sync().channel();
        try {
            assertTrue(ssl.handshakeFuture().await(20, TimeUnit.SECONDS));
            assertTrue(ssl.handshakeFuture().isSuccess(), () -> String.valueOf(ssl.handshakeFuture().cause()));
            assertEquals(protocol, ssl.engine().getSession().getProtocol());
            assertEquals(suite, ssl.engine().getSession().getCipherSuite());
            client.writeAndFlush(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII)).sync();
            assertTrue(response.get(20, TimeUnit.SECONDS).startsWith("HTTP/1.1 200 OK"));
            SessionInfo session = ours();
            assertEquals(protocol, session.protocol());
            assertEquals(suite, session.cipherSuite());
            assertFalse(session.resumed());
        } finally {
            client.close().sync();
        }
    }
}
