package dev.tls13.ecosys;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Our client with TLS 1.3 and TLS 1.2 enabled against {@code gnutls-serv --priority NORMAL:-VERS-TLS1.3} (issue 16,
 * docs/interop.md "TLS 1.2 matrix"): the six TLS 1.2 suites of our defaults (the server's priority string allows one
 * cipher and one key exchange) with ECDSA P-256 and RSA 2048 certificates, one suite with ECDSA P-384 and P-521 and
 * RSA-PSS certificates, our client's certificate to {@code --require-client-cert --verify-client-cert}; and the same
 * client still gets TLS 1.3 from a gnutls-serv with its default priorities. gnutls-serv runs in a private network
 * namespace ({@link GnutlsServ}); each row reads gnutls-serv's own report of the session and checks the echo.
 */
class Tls12GnutlsServTest {

    private static final String TLS12 = "NORMAL:-VERS-TLS1.3";
    private static final AtomicInteger SOCKETS = new AtomicInteger();

    private static EventLoopGroup group;

    @TempDir
    static Path dir;

    @BeforeAll
    static void setUp() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void tearDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** What one connection saw: our session, and gnutls-serv's report of it (its lines up to "- Cipher: ..."). */
    private record Exchange(SessionInfo session, String report) {
    }

    /**
     * Starts gnutls-serv {@code --echo} with the certificate of {@code type} and {@code options}, connects our
     * client, sends a line and waits for its echo and for gnutls-serv's report of the session.
     */
    private static Exchange echo(KeyType type, Tls13Context client, String... options) throws Exception {
        Issued leaf = TestPki.leaf(type).issuer(TestPki.ca(type)).dns("localhost").build();
        Path chain = dir.resolve("server-" + type + ".pem");
        Path key = dir.resolve("server-" + type + ".key");
        Files.writeString(chain, TestPki.pem(leaf.chain()), StandardCharsets.US_ASCII);
        if (leaf.privateKey().getAlgorithm().equals("EC")) {
            // GnuTLS 3.7 refuses an EC key without the optional publicKey of RFC 5915 §3 ("ASN1 parser: Element
            // was not found"), which the JDK's encoding leaves out; openssl ec writes the key with it.
            Path openssl = ExternalProcess.require("openssl", "openssl");
            Path jdkKey = dir.resolve("server-" + type + ".pkcs8");
            Files.writeString(jdkKey, TestPki.pkcs8Pem(leaf.privateKey()), StandardCharsets.US_ASCII);
            try (ExternalProcess ec = ExternalProcess.start(dir, openssl.toString(), "ec", "-in", jdkKey.toString(),
                    "-out", key.toString())) {
                ec.awaitLine(l -> false, 20, TimeUnit.SECONDS);
                assertTrue(ec.terminate() && ec.output().contains("writing EC key"), ec::output);
            }
        } else {
            Files.writeString(key, TestPki.pkcs8Pem(leaf.privateKey()), StandardCharsets.US_ASCII);
        }
        Path socket = dir.resolve("gnutls-serv-" + SOCKETS.incrementAndGet() + ".sock");
        List<String> all = new ArrayList<>(List.of("--echo", "--x509certfile", chain.toString(), "--x509keyfile",
                key.toString()));
        all.addAll(List.of(options));
        try (ExternalProcess server = GnutlsServ.start(dir, socket, all.toArray(new String[0]))) {
            CompletableFuture<SessionInfo> session = new CompletableFuture<>();
            CompletableFuture<String> echoed = new CompletableFuture<>();
            StringBuilder text = new StringBuilder();
            Channel channel = new Bootstrap().group(group).channel(NioDomainSocketChannel.class)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            Tls13Handler handler = client.newHandler(ch.alloc(), "localhost", 443);
                            ch.pipeline().addLast(handler, new ChannelInboundHandlerAdapter() {
                                @Override
                                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                    if (evt instanceof SslHandshakeCompletionEvent e) {
                                        if (!e.isSuccess()) {
                                            session.completeExceptionally(e.cause());
                                            return;
                                        }
                                        session.complete(handler.session());
                                        ctx.writeAndFlush(Unpooled.copiedBuffer("echo me\n",
                                                StandardCharsets.US_ASCII));
                                    }
                                }

                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ByteBuf data = (ByteBuf) msg;
                                    text.append(data.toString(StandardCharsets.US_ASCII));
                                    data.release();
                                    if (text.toString().endsWith("\n")) {
                                        echoed.complete(text.toString());
                                    }
                                }
                            });
                        }
                    }).connect(UnixDomainSocketAddress.of(socket)).sync().channel();
            try {
                SessionInfo info = session.get(20, TimeUnit.SECONDS);
                assertEquals("echo me\n", echoed.get(20, TimeUnit.SECONDS), server::output);
                assertTrue(server.awaitLine(l -> l.startsWith("- Cipher: "), 20, TimeUnit.SECONDS).isPresent(),
                        server::output);
                return new Exchange(info, server.output());
            } finally {
                channel.close().sync();
                server.terminate();
            }
        }
    }

    private static Tls13ContextBuilder ourClient(KeyType type) {
        return Tls13Context.forClient().protocols("TLSv1.3", "TLSv1.2").trustManager(TestPki.ca(type).certificate());
    }

    @ParameterizedTest(name = "gnutls-serv {1} {0} with {2}")
    @CsvSource({
        "AES-128-GCM, ECDHE-ECDSA, EC_P256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "AES-256-GCM, ECDHE-ECDSA, EC_P256, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "CHACHA20-POLY1305, ECDHE-ECDSA, EC_P256, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "AES-128-GCM, ECDHE-RSA, RSA_2048, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "AES-256-GCM, ECDHE-RSA, RSA_2048, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "CHACHA20-POLY1305, ECDHE-RSA, RSA_2048, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        "AES-256-GCM, ECDHE-ECDSA, EC_P384, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "AES-256-GCM, ECDHE-ECDSA, EC_P521, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "AES-128-GCM, ECDHE-RSA, RSASSA_PSS_2048, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"})
    void ourClientToGnutlsServ(String cipher, String keyExchange, KeyType type, String suite) throws Exception {
        Exchange e = echo(type, ourClient(type).build(), "--disable-client-cert", "--priority",
                TLS12 + ":-CIPHER-ALL:+" + cipher + ":-KX-ALL:+" + keyExchange);
        assertTrue(e.report().contains("- Description: (TLS1.2-X.509)-(ECDHE-"), e.report());
        assertTrue(e.report().contains("- Version: TLS1.2"), e.report());
        assertTrue(e.report().contains("- Key Exchange: " + keyExchange), e.report());
        assertTrue(e.report().contains("- Cipher: " + cipher), e.report());
        assertTrue(e.report().contains("- Options: extended master secret"), e.report());
        assertEquals("TLSv1.2", e.session().protocol());
        assertEquals(suite, e.session().cipherSuite());
        assertNotNull(e.session().peerSignatureScheme());
    }

    @ParameterizedTest(name = "our client with a {0} certificate to gnutls-serv --require-client-cert")
    @EnumSource(names = {"EC_P256", "RSA_2048"})
    void ourClientWithACertificateToGnutlsServ(KeyType clientType) throws Exception {
        Issued client = TestPki.leaf(clientType).issuer(TestPki.ca(clientType)).commonName("client").build();
        Path ca = dir.resolve("client-ca-" + clientType + ".pem");
        Files.writeString(ca, TestPki.pem(List.of(TestPki.ca(clientType).certificate())), StandardCharsets.US_ASCII);
        Exchange e = echo(KeyType.EC_P256, ourClient(KeyType.EC_P256)
                        .keyManager(client.privateKey(), client.chain().toArray(new X509Certificate[0])).build(),
                "--require-client-cert", "--verify-client-cert", "--x509cafile", ca.toString(), "--priority", TLS12);
        assertTrue(e.report().contains("- Version: TLS1.2"), e.report());
        // --verify-client-cert: gnutls-serv checked the chain against the CA and says so.
        assertTrue(e.report().contains("- Status: The certificate is trusted."), e.report());
        assertTrue(e.report().contains("- Client Signature: " + (clientType == KeyType.EC_P256 ? "ECDSA" : "RSA-PSS")),
                e.report());
        assertEquals("TLSv1.2", e.session().protocol());
        assertEquals(client.certificate(), e.session().localCertificates().get(0));
        assertNotNull(e.session().localSignatureScheme());
    }

    @Test
    void aTls13CapableGnutlsServStillGetsTls13() throws Exception {
        Exchange e = echo(KeyType.EC_P256, ourClient(KeyType.EC_P256).build(), "--disable-client-cert");
        assertTrue(e.report().contains("- Description: (TLS1.3-X.509)-"), e.report());
        assertEquals("TLSv1.3", e.session().protocol());
    }
}
