package dev.tls13.ecosys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Our client resumes against real servers (docs/architecture.md §15, docs/interop.md): the first connection
 * receives tickets into the context's session cache, the second offers one and is resumed, with the original
 * server certificate still reported. OpenSSL's {@code s_server} (psk_dhe_ke, and psk_ke with
 * {@code -allow_no_dhe_kex}), and Netty's {@code SslHandler} on the JDK's engine and on BoringSSL.
 */
class ClientResumptionPeersTest {

    private static final String REQUEST = "GET / HTTP/1.0\r\n\r\n";
    private static final String GREETING = "hello from the server\n";

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

    /** What one connection saw: its session and everything the server sent until it closed. */
    private record Exchange(SessionInfo session, String received) {
    }

    /**
     * Connects to {@code localhost:port} through 127.0.0.1, sends {@code request} (if any) once the handshake
     * completed, and reads until the server closes: tickets a server sends with or after its data are read.
     */
    private static Exchange connect(Tls13Context tls, int port, String request) throws Exception {
        CompletableFuture<SessionInfo> session = new CompletableFuture<>();
        CompletableFuture<String> received = new CompletableFuture<>();
        StringBuilder text = new StringBuilder();
        Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Tls13Handler tlsHandler = tls.newHandler(ch.alloc(), "localhost", port);
                        ch.pipeline().addLast(tlsHandler, new ChannelInboundHandlerAdapter() {
                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                if (evt instanceof SslCloseCompletionEvent) {
                                    // close_notify received (s_server -www after its page): close as well.
                                    ctx.close();
                                } else if (evt instanceof SslHandshakeCompletionEvent e) {
                                    if (!e.isSuccess()) {
                                        session.completeExceptionally(e.cause());
                                        return;
                                    }
                                    session.complete(tlsHandler.session());
                                    if (request != null) {
                                        ctx.writeAndFlush(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
                                    }
                                }
                            }

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ByteBuf data = (ByteBuf) msg;
                                text.append(data.toString(StandardCharsets.US_ASCII));
                                data.release();
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                received.complete(text.toString());
                            }
                        });
                    }
                }).connect("127.0.0.1", port).sync().channel();
        try {
            return new Exchange(session.get(20, TimeUnit.SECONDS), received.get(20, TimeUnit.SECONDS));
        } finally {
            channel.close().sync();
        }
    }

    private static Tls13ContextBuilder client() {
        return Tls13Context.forClient().trustManager(TestPki.ca(KeyType.EC_P256).certificate());
    }

    private static int freePort() throws Exception {
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return free.getLocalPort();
        }
    }

    private static ExternalProcess opensslServer(int port, String... extra) throws Exception {
        Path openssl = ExternalProcess.require("openssl", "openssl");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Files.writeString(cert, TestPki.pem(leaf.chain()), StandardCharsets.US_ASCII);
        Files.writeString(key, TestPki.pkcs8Pem(leaf.privateKey()), StandardCharsets.US_ASCII);
        List<String> command = new java.util.ArrayList<>(List.of(openssl.toString(), "s_server", "-tls1_3", "-www",
                "-accept", "127.0.0.1:" + port, "-cert", cert.toString(), "-key", key.toString()));
        command.addAll(List.of(extra));
        ExternalProcess server = ExternalProcess.start(dir, command.toArray(new String[0]));
        assertTrue(server.awaitLine(l -> l.startsWith("ACCEPT"), 20, TimeUnit.SECONDS).isPresent(), server::output);
        return server;
    }

    @Test
    void resumesWithOpensslServerUsingPskDheKe() throws Exception {
        int port = freePort();
        Tls13Context tls = client().build();
        try (ExternalProcess server = opensslServer(port)) {
            Exchange first = connect(tls, port, REQUEST);
            assertFalse(first.session().resumed());
            assertTrue(first.received().contains("New, TLSv1.3"), first.received());
            assertEquals(2, tls.sessionCache().size(), "s_server sends two tickets");
            Exchange second = connect(tls, port, REQUEST);
            assertTrue(second.received().contains("Reused, TLSv1.3"), second.received() + server.output());
            assertTrue(second.session().resumed());
            assertNotNull(second.session().namedGroup(), "psk_dhe_ke: a fresh (EC)DHE exchange");
            assertEquals(leaf.chain().get(0), second.session().peerCertificates().get(0),
                    "a resumed session still reports the server's certificate");
            // One ticket was used (Appendix C.4); OpenSSL sends one ticket after a resumed handshake.
            assertEquals(2, tls.sessionCache().size());
        }
    }

    @Test
    void resumesWithOpensslServerUsingPskKe() throws Exception {
        int port = freePort();
        // OpenSSL picks psk_dhe_ke whenever offered: offer psk_ke only (docs/interop.md).
        Tls13Context tls = client().pskKeyExchangeModes("psk_ke").build();
        try (ExternalProcess server = opensslServer(port, "-allow_no_dhe_kex")) {
            assertFalse(connect(tls, port, REQUEST).session().resumed());
            Exchange second = connect(tls, port, REQUEST);
            assertTrue(second.received().contains("Reused, TLSv1.3"), second.received() + server.output());
            assertTrue(second.session().resumed());
            assertNull(second.session().namedGroup(), "psk_ke: no (EC)DHE");
        }
    }

    @Test
    void fullHandshakeWhenOpensslServerHasNoTicketsAndNothingIsCached() throws Exception {
        int port = freePort();
        Tls13Context tls = client().build();
        // -no_ticket would only make OpenSSL's TLS 1.3 tickets stateful: -num_tickets 0 sends none.
        try (ExternalProcess server = opensslServer(port, "-num_tickets", "0")) {
            assertFalse(connect(tls, port, REQUEST).session().resumed());
            assertEquals(0, tls.sessionCache().size());
            assertFalse(connect(tls, port, REQUEST).session().resumed());
        }
    }

    @Test
    void noResumptionWithTheCacheOff() throws Exception {
        int port = freePort();
        Tls13Context off = client().sessionCacheSize(0).build();
        assertNull(off.sessionCache());
        try (ExternalProcess server = opensslServer(port)) {
            assertFalse(connect(off, port, REQUEST).session().resumed());
            assertFalse(connect(off, port, REQUEST).session().resumed());
        }
    }

    /** Netty's {@code SslHandler} on the JDK's engine or BoringSSL, greeting every client and closing. */
    private static Channel nettyServer(SslProvider provider) throws Exception {
        SslContext context = SslContextBuilder.forServer(leaf.privateKey(),
                        leaf.chain().toArray(new X509Certificate[0]))
                .sslProvider(provider).protocols("TLSv1.3").build();
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler ssl = context.newHandler(ch.alloc());
                        ch.pipeline().addLast(ssl, new ChannelInboundHandlerAdapter() {
                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                if (evt instanceof SslHandshakeCompletionEvent e && e.isSuccess()) {
                                    // BoringSSL sends its tickets only with application data (Netty issue
                                    // 16173): the greeting carries them; the client reads it to the close.
                                    ctx.writeAndFlush(Unpooled.copiedBuffer(GREETING,
                                            StandardCharsets.US_ASCII)).addListener(ChannelFutureListener.CLOSE);
                                }
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    /** The in-process peers. */
    enum NettyPeer {
        JDK(SslProvider.JDK), BORINGSSL(SslProvider.OPENSSL);

        final SslProvider provider;

        NettyPeer(SslProvider provider) {
            this.provider = provider;
        }
    }

    @ParameterizedTest
    @EnumSource(NettyPeer.class)
    void resumesWithNettySslHandlerServer(NettyPeer peer) throws Exception {
        Channel server = nettyServer(peer.provider);
        try {
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            Tls13Context tls = client().build();
            Exchange first = connect(tls, port, null);
            assertEquals(GREETING, first.received());
            assertFalse(first.session().resumed());
            assertTrue(tls.sessionCache().size() >= 1,
                    peer + " issues tickets because the ClientHello names psk_dhe_ke (RFC 8446 §4.2.9)");
            Exchange second = connect(tls, port, null);
            assertEquals(GREETING, second.received());
            assertTrue(second.session().resumed(), peer + " resumed");
            assertEquals(leaf.chain().get(0), second.session().peerCertificates().get(0));
        } finally {
            server.close().sync();
        }
    }
}
