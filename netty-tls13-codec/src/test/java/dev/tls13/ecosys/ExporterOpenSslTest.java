package dev.tls13.ecosys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.netty.Tls13Handler;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Tls13Handler#exportKeyingMaterial} against OpenSSL's exporter for the same connection
 * ({@code SSL_export_keying_material}, printed by {@code -keymatexport}). OpenSSL passes no context,
 * which TLS 1.3 treats like an empty one (RFC 8446 §7.5): we export with {@code null}.
 */
class ExporterOpenSslTest {

    private static final String LABEL = "EXPERIMENTAL-tls13-codec";
    private static final String KEYING_MATERIAL = "Keying material: ";

    private static EventLoopGroup group;
    private static Issued leaf;

    @TempDir
    static Path dir;

    @BeforeAll
    static void setUp() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        leaf = TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P256)).dns("localhost").build();
    }

    @AfterAll
    static void tearDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static String material(ExternalProcess openssl) throws InterruptedException {
        Optional<String> line = openssl.awaitLine(l -> l.trim().startsWith(KEYING_MATERIAL), 20, TimeUnit.SECONDS);
        assertTrue(line.isPresent(), () -> "openssl printed no keying material:\n" + openssl.output());
        return line.get().trim().substring(KEYING_MATERIAL.length()).toLowerCase(java.util.Locale.ROOT);
    }

    @ParameterizedTest(name = "{0} {1} bytes")
    @CsvSource({
        "TLS_AES_128_GCM_SHA256, 16", "TLS_AES_128_GCM_SHA256, 32", "TLS_AES_128_GCM_SHA256, 64",
        "TLS_AES_256_GCM_SHA384, 16", "TLS_AES_256_GCM_SHA384, 32", "TLS_AES_256_GCM_SHA384, 64",
        "TLS_CHACHA20_POLY1305_SHA256, 32"})
    void ourServerExportsWhatOpenSslClientExports(String suite, int length) throws Exception {
        Path openssl = ExternalProcess.require("openssl", "openssl");
        Tls13Context context = Tls13Context.forServer(leaf.privateKey(), leaf.chain().toArray(new X509Certificate[0]))
                .build();
        CompletableFuture<Tls13Handler> accepted = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Tls13Handler handler = context.newHandler(ch.alloc());
                        ch.pipeline().addLast(handler);
                        accepted.complete(handler);
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        try (ExternalProcess client = ExternalProcess.start(dir, openssl.toString(), "s_client", "-tls1_3",
                "-connect", "127.0.0.1:" + port, "-ciphersuites", suite,
                "-keymatexport", LABEL, "-keymatexportlen", Integer.toString(length))) {
            String theirs = material(client);
            Tls13Handler ours = accepted.get(20, TimeUnit.SECONDS);
            assertTrue(ours.handshakeFuture().await(20, TimeUnit.SECONDS));
            assertEquals(suite, ours.session().cipherSuite());
            // Called off the event loop: the handler runs the export there.
            byte[] exported = ours.exportKeyingMaterial(LABEL, null, length);
            assertEquals(length, exported.length);
            assertEquals(theirs, HexFormat.of().formatHex(exported));
            client.closeInput();
        } finally {
            server.close().sync();
        }
    }

    @ParameterizedTest(name = "{0} {1} bytes")
    @CsvSource({
        "TLS_AES_128_GCM_SHA256, 16", "TLS_AES_128_GCM_SHA256, 32", "TLS_AES_128_GCM_SHA256, 64",
        "TLS_AES_256_GCM_SHA384, 16", "TLS_AES_256_GCM_SHA384, 32", "TLS_AES_256_GCM_SHA384, 64"})
    void ourClientExportsWhatOpenSslServerExports(String suite, int length) throws Exception {
        Path openssl = ExternalProcess.require("openssl", "openssl");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Files.writeString(cert, TestPki.pem(leaf.chain()), StandardCharsets.US_ASCII);
        Files.writeString(key, TestPki.pkcs8Pem(leaf.privateKey()), StandardCharsets.US_ASCII);
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Tls13Context context = Tls13Context.forClient().trustManager(TestPki.ca(KeyType.EC_P256).certificate())
                .build();
        try (ExternalProcess server = ExternalProcess.start(dir, openssl.toString(), "s_server", "-tls1_3",
                "-accept", "127.0.0.1:" + port, "-naccept", "1", "-cert", cert.toString(), "-key", key.toString(),
                "-ciphersuites", suite, "-keymatexport", LABEL, "-keymatexportlen", Integer.toString(length))) {
            assertTrue(server.awaitLine(l -> l.startsWith("ACCEPT"), 20, TimeUnit.SECONDS).isPresent(),
                    server::output);
            Tls13Handler ours = context.newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT, "localhost", port);
            Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(ours).connect("127.0.0.1", port).sync().channel();
            try {
                assertTrue(ours.handshakeFuture().await(20, TimeUnit.SECONDS));
                assertTrue(ours.handshakeFuture().isSuccess(), () -> String.valueOf(ours.handshakeFuture().cause()));
                assertEquals(suite, ours.session().cipherSuite());
                byte[] exported = ours.exportKeyingMaterial(LABEL, new byte[0], length);
                assertEquals(material(server), HexFormat.of().formatHex(exported));
            } finally {
                channel.close().sync();
            }
            server.closeInput();
        }
    }
}
