package dev.tls13.ecosys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.error.TlsException;
import dev.tls13.netty.Tls13Handler;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import dev.tls13.wire.AlertDescription;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The extended master secret setting (RFC 7627, docs/architecture.md §16) against OpenSSL 3.0 without it: OpenSSL 3.0
 * has no {@code -no_ems} switch, but its configuration does ({@code Options = -ExtendedMasterSecret}, passed in
 * {@code OPENSSL_CONF}). By default our client and server refuse such a peer with handshake_failure (RFC 7627 §5.2);
 * with {@code extendedMasterSecretRequired(false)} they connect with the RFC 5246 §8.1 master secret (data both
 * ways proves it is the same one) and export nothing (RFC 7627 §5.4). GnuTLS 3.7 without it
 * ({@code --priority NORMAL:-VERS-TLS1.3:%NO_SESSION_HASH}) against our server likewise. Without openssl or
 * gnutls-cli the test fails in CI (ExternalProcess.require).
 */
class Tls12ExtendedMasterSecretPeersTest {

    private static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n")
            .getBytes(StandardCharsets.US_ASCII);

    private static EventLoopGroup group;
    private static Issued leaf;

    @TempDir
    static Path dir;
    private static Path noEms;

    @BeforeAll
    static void setUp() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        leaf = TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P256)).dns("localhost").build();
        Files.writeString(dir.resolve("cert.pem"), TestPki.pem(leaf.chain()), StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("key.pem"), TestPki.pkcs8Pem(leaf.privateKey()), StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("ca.pem"), TestPki.pem(List.of(TestPki.ca(KeyType.EC_P256).certificate())),
                StandardCharsets.US_ASCII);
        noEms = dir.resolve("no-ems.cnf");
        Files.writeString(noEms, String.join("\n", "openssl_conf = default_conf", "[default_conf]",
                "ssl_conf = ssl_sect", "[ssl_sect]", "system_default = sys", "[sys]",
                "Options = -ExtendedMasterSecret", ""), StandardCharsets.US_ASCII);
    }

    @AfterAll
    static void tearDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** {@code openssl} with EMS switched off by its configuration, then {@code args}. */
    private static String[] opensslWithoutEms(String... args) {
        Path openssl = ExternalProcess.require("openssl", "openssl");
        List<String> command = new ArrayList<>(List.of("env", "OPENSSL_CONF=" + noEms, openssl.toString()));
        command.addAll(List.of(args));
        return command.toArray(new String[0]);
    }

    @Test
    void ourClientConnectsWithoutEmsOnlyWhenAllowedAndThenExportsNothing() throws Exception {
        for (boolean required : new boolean[] {true, false}) {
            int port;
            try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = free.getLocalPort();
            }
            try (ExternalProcess server = ExternalProcess.start(dir, opensslWithoutEms("s_server", "-accept",
                    "127.0.0.1:" + port, "-naccept", "1", "-cert", "cert.pem", "-key", "key.pem", "-tls1_2"))) {
                assertTrue(server.awaitLine(l -> l.startsWith("ACCEPT"), 20, TimeUnit.SECONDS).isPresent(),
                        server::output);
                Tls13Context context = Tls13Context.forClient().protocols("TLSv1.3", "TLSv1.2")
                        .trustManager(TestPki.ca(KeyType.EC_P256).certificate())
                        .extendedMasterSecretRequired(required).build();
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
                try {
                    assertTrue(handler.handshakeFuture().await(20, TimeUnit.SECONDS));
                    if (required) {
                        // RFC 7627 §5.2: handshake_failure.
                        assertFalse(handler.handshakeFuture().isSuccess());
                        TlsException e = assertInstanceOf(TlsException.class, handler.handshakeFuture().cause());
                        assertEquals(AlertDescription.HANDSHAKE_FAILURE, e.failure().alert());
                        continue;
                    }
                    assertTrue(handler.handshakeFuture().isSuccess(), () -> handler.handshakeFuture().cause()
                            + "\n" + server.output());
                    assertEquals("TLSv1.2", handler.session().protocol());
                    channel.writeAndFlush(Unpooled.copiedBuffer("hello from ours\n", StandardCharsets.UTF_8)).sync();
                    assertTrue(server.awaitLine(l -> l.contains("hello from ours"), 20, TimeUnit.SECONDS)
                            .isPresent(), server::output);
                    server.send("hello from openssl\n");
                    assertEquals("hello from openssl\n", received.get(20, TimeUnit.SECONDS));
                    // RFC 7627 §5.4: no RFC 5705 exporter without the extended master secret.
                    IllegalStateException e = assertThrows(IllegalStateException.class,
                            () -> handler.exportKeyingMaterial("EXPERIMENTAL-x", null, 32));
                    assertTrue(e.getMessage().contains("RFC 7627"), e.getMessage());
                } finally {
                    channel.close().sync();
                }
            }
        }
    }

    @Test
    void gnutlsWithoutSessionHashConnectsToOurServerOnlyWhenAllowed() throws Exception {
        Path gnutls = ExternalProcess.require("gnutls-cli", "gnutls-bin");
        for (boolean required : new boolean[] {true, false}) {
            BlockingQueue<String> exports = new LinkedBlockingQueue<>();
            Channel server = listen(required, new LinkedBlockingQueue<>(), exports);
            try {
                int port = ((InetSocketAddress) server.localAddress()).getPort();
                try (ExternalProcess p = ExternalProcess.start(dir, gnutls.toString(), "localhost", "-p",
                        Integer.toString(port), "--x509cafile", "ca.pem", "--priority",
                        "NORMAL:-VERS-TLS1.3:%NO_SESSION_HASH")) {
                    // gnutls-cli buffers its standard output when it is a pipe: read it once it ended.
                    p.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
                    p.awaitLine(l -> false, 20, TimeUnit.SECONDS);
                    if (required) {
                        // RFC 7627 §5.2: handshake_failure (alert 40).
                        assertTrue(p.output().contains("Received alert [40]"), p::output);
                        assertTrue(exports.isEmpty());
                        continue;
                    }
                    assertTrue(p.output().contains("- Description: (TLS1.2-"), p::output);
                    assertTrue(p.output().contains("\nok\n"), p::output);
                }
                String export = exports.poll(20, TimeUnit.SECONDS);
                assertNotNull(export);
                assertTrue(export.contains("RFC 7627"), export);
            } finally {
                server.close().sync();
            }
        }
    }

    /** Our server with both versions, answering a request and reporting what its exporter said meanwhile. */
    private static Channel listen(boolean required, BlockingQueue<Tls13Handler> handlers,
                                  BlockingQueue<String> exports) throws InterruptedException {
        Tls13Context context = Tls13Context.forServer(leaf.privateKey(), leaf.chain().toArray(
                new X509Certificate[0])).protocols("TLSv1.3", "TLSv1.2").extendedMasterSecretRequired(required)
                .build();
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Tls13Handler handler = context.newHandler(ch.alloc());
                        handlers.add(handler);
                        ch.pipeline().addLast(handler, new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ((ByteBuf) msg).release();
                                try {
                                    exports.add("exported " + handler.exportKeyingMaterial("EXPERIMENTAL-x",
                                            null, 32).length);
                                } catch (IllegalStateException e) {
                                    exports.add(e.getMessage());
                                }
                                if (ctx.channel().isActive()) {
                                    ctx.writeAndFlush(Unpooled.wrappedBuffer(RESPONSE))
                                            .addListener(ChannelFutureListener.CLOSE);
                                }
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    @Test
    void ourServerAcceptsAClientWithoutEmsOnlyWhenAllowedAndKeepsEmsForTheOthers() throws Exception {
        for (boolean required : new boolean[] {true, false}) {
            BlockingQueue<Tls13Handler> handlers = new LinkedBlockingQueue<>();
            // What the exporter said on the open connection: the key material's length or the refusal.
            BlockingQueue<String> exports = new LinkedBlockingQueue<>();
            Channel server = listen(required, handlers, exports);
            try {
                int port = ((InetSocketAddress) server.localAddress()).getPort();
                String[] sClient = opensslWithoutEms("s_client", "-connect", "127.0.0.1:" + port, "-servername",
                        "localhost", "-CAfile", "ca.pem", "-verify_return_error", "-ign_eof", "-tls1_2");
                try (ExternalProcess p = ExternalProcess.start(dir, sClient)) {
                    if (required) {
                        assertTrue(p.awaitLine(l -> l.contains("handshake failure"), 20, TimeUnit.SECONDS)
                                .isPresent(), p::output);
                        continue;
                    }
                    p.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
                    assertTrue(p.awaitLine(l -> l.equals("ok"), 20, TimeUnit.SECONDS).isPresent(), p::output);
                    p.awaitLine(l -> false, 3, TimeUnit.SECONDS);
                    assertTrue(p.output().contains("Extended master secret: no"), p.output());
                }
                Tls13Handler ours = handlers.poll(20, TimeUnit.SECONDS);
                assertNotNull(ours);
                assertTrue(ours.handshakeFuture().await(20, TimeUnit.SECONDS) && ours.handshakeFuture().isSuccess());
                assertEquals("TLSv1.2", ours.session().protocol());
                String export = exports.poll(20, TimeUnit.SECONDS);
                assertNotNull(export);
                assertTrue(export.contains("RFC 7627"), export);
                // A client with EMS still gets it from the lenient server.
                Path openssl = ExternalProcess.require("openssl", "openssl");
                try (ExternalProcess p = ExternalProcess.start(dir, openssl.toString(), "s_client", "-connect",
                        "127.0.0.1:" + port, "-CAfile", "ca.pem", "-ign_eof", "-tls1_2")) {
                    p.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
                    assertTrue(p.awaitLine(l -> l.equals("ok"), 20, TimeUnit.SECONDS).isPresent(), p::output);
                    p.awaitLine(l -> false, 3, TimeUnit.SECONDS);
                    assertTrue(p.output().contains("Extended master secret: yes"), p.output());
                }
                assertEquals("exported 32", exports.poll(20, TimeUnit.SECONDS));
            } finally {
                server.close().sync();
            }
        }
    }
}
