package dev.tls13.ecosys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.Tls13ContextBuilder;
import dev.tls13.netty.Tls13Handler;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Our client with TLS 1.2 enabled against {@code openssl s_server -tls1_2} (docs/interop.md): every suite of
 * the default TLS 1.2 offer with RSA and ECDSA certificates, data both ways, the session's protocol and
 * suite, the exporter against OpenSSL's; and against a TLS 1.3-capable {@code s_server} the same context
 * still negotiates TLS 1.3; the opt-in CCM suites (RFC 7251) when our client names them. Without openssl the test
 * fails in CI (ExternalProcess.require).
 */
class Tls12ClientOpenSslTest {

    private static final String LABEL = "EXPERIMENTAL-tls12-codec";
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

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "ECDHE-ECDSA-AES128-GCM-SHA256, EC_P256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384, EC_P256, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "ECDHE-ECDSA-AES256-GCM-SHA384, EC_P384, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305, EC_P256, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "ECDHE-RSA-AES128-GCM-SHA256, RSA_2048, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "ECDHE-RSA-AES256-GCM-SHA384, RSA_2048, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "ECDHE-RSA-CHACHA20-POLY1305, RSA_2048, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"})
    void ourClientSpeaksTls12ToOpenSsl(String opensslSuite, KeyType keyType, String suite) throws Exception {
        Issued leaf = TestPki.leaf(keyType).issuer(TestPki.ca(keyType)).dns("localhost").build();
        Connected c = connect(leaf, keyType, "-tls1_2", "-cipher", opensslSuite, "-keymatexport", LABEL,
                "-keymatexportlen", "32");
        try (ExternalProcess server = c.server) {
            assertEquals("TLSv1.2", c.handler.session().protocol());
            assertEquals(suite, c.handler.session().cipherSuite());
            // OpenSSL exports without a context value; in TLS 1.2 that differs from an empty one (RFC 5705 §4).
            Optional<String> material = server.awaitLine(l -> l.trim().startsWith("Keying material: "), 20,
                    TimeUnit.SECONDS);
            assertTrue(material.isPresent(), server::output);
            assertEquals(material.get().trim().substring("Keying material: ".length()).toLowerCase(Locale.ROOT),
                    HexFormat.of().formatHex(c.handler.exportKeyingMaterial(LABEL, null, 32)));
            exchange(c);
        } finally {
            c.channel.close().sync();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "ECDHE-ECDSA-AES128-CCM, TLS_ECDHE_ECDSA_WITH_AES_128_CCM",
        "ECDHE-ECDSA-AES128-CCM8, TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8"})
    void ourClientOffersCcmWhenNamed(String opensslSuite, String suite) throws Exception {
        Issued leaf = TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P256)).dns("localhost").build();
        Connected c = connect(leaf, KeyType.EC_P256, List.of(suite), "-tls1_2", "-cipher", opensslSuite);
        try (ExternalProcess server = c.server) {
            assertEquals("TLSv1.2", c.handler.session().protocol());
            assertEquals(suite, c.handler.session().cipherSuite());
            exchange(c);
        } finally {
            c.channel.close().sync();
        }
    }

    @Test
    void aTls13CapableServerStillGetsTls13() throws Exception {
        Issued leaf = TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P256)).dns("localhost").build();
        Connected c = connect(leaf, KeyType.EC_P256);
        try (ExternalProcess server = c.server) {
            assertEquals("TLSv1.3", c.handler.session().protocol());
            exchange(c);
        } finally {
            c.channel.close().sync();
        }
    }

    private record Connected(ExternalProcess server, Tls13Handler handler, Channel channel,
                             CompletableFuture<String> received) {
    }

    private static Connected connect(Issued leaf, KeyType keyType, String... serverOptions) throws Exception {
        return connect(leaf, keyType, List.of(), serverOptions);
    }

    /** As above, with our client's cipher suites by name when {@code suites} is not empty. */
    private static Connected connect(Issued leaf, KeyType keyType, List<String> suites, String... serverOptions)
            throws Exception {
        Path openssl = ExternalProcess.require("openssl", "openssl");
        Path cert = dir.resolve("cert-" + keyType + ".pem");
        Path key = dir.resolve("key-" + keyType + ".pem");
        Files.writeString(cert, TestPki.pem(leaf.chain()), StandardCharsets.US_ASCII);
        Files.writeString(key, TestPki.pkcs8Pem(leaf.privateKey()), StandardCharsets.US_ASCII);
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        String[] base = {openssl.toString(), "s_server", "-accept", "127.0.0.1:" + port, "-naccept", "1", "-cert",
            cert.toString(), "-key"};
        String[] all = new String[base.length + 1 + serverOptions.length];
        System.arraycopy(base, 0, all, 0, base.length);
        all[base.length] = key.toString();
        System.arraycopy(serverOptions, 0, all, base.length + 1, serverOptions.length);
        ExternalProcess server = ExternalProcess.start(dir, all);
        assertTrue(server.awaitLine(l -> l.startsWith("ACCEPT"), 20, TimeUnit.SECONDS).isPresent(), server::output);
        Tls13ContextBuilder builder = Tls13Context.forClient().protocols("TLSv1.3", "TLSv1.2")
                .trustManager(TestPki.ca(keyType).certificate());
        if (!suites.isEmpty()) {
            builder.cipherSuites(suites);
        }
        Tls13Context context = builder.build();
        Tls13Handler handler = context.newHandler(ByteBufAllocator.DEFAULT, "localhost", port);
        CompletableFuture<String> received = new CompletableFuture<>();
        Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(handler, new SimpleChannelInboundHandler<ByteBuf>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                received.complete(msg.toString(StandardCharsets.UTF_8));
                            }
                        });
                    }
                }).connect("127.0.0.1", port).sync().channel();
        assertTrue(handler.handshakeFuture().await(20, TimeUnit.SECONDS));
        assertTrue(handler.handshakeFuture().isSuccess(), () -> handler.handshakeFuture().cause() + "\n"
                + server.output());
        return new Connected(server, handler, channel, received);
    }

    /** Application data both ways under the negotiated keys. */
    private static void exchange(Connected c) throws Exception {
        c.channel.writeAndFlush(Unpooled.copiedBuffer("hello from ours\n", StandardCharsets.UTF_8)).sync();
        assertTrue(c.server.awaitLine(l -> l.contains("hello from ours"), 20, TimeUnit.SECONDS).isPresent(),
                c.server::output);
        c.server.send("hello from openssl\n");
        assertEquals("hello from openssl\n", c.received.get(20, TimeUnit.SECONDS));
    }
}
