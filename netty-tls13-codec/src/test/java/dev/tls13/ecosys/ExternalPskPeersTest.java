package dev.tls13.ecosys;

import static dev.tls13.ecosys.OurClientExchange.connect;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.Tls13ExternalPsk;
import dev.tls13.connection.SessionInfo;
import dev.tls13.ecosys.OurClientExchange.Exchange;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.netty.Tls13Handler;
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
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * External PSKs (RFC 8446 §4.2.11; docs/architecture.md §15, docs/interop.md) against real peers, both
 * directions: our client against {@code openssl s_server -nocert -psk} (psk_dhe_ke, and psk_ke with
 * {@code -allow_no_dhe_kex}) and {@code gnutls-serv --pskpasswd}; {@code openssl s_client -psk} and
 * {@code gnutls-cli --pskusername/--pskkey} against our PSK-only server. A wrong key is decrypt_error from our
 * server's binder check. A missing peer binary fails under {@code CI=true} ({@link ExternalProcess#require}).
 */
class ExternalPskPeersTest {

    private static final String IDENTITY = "test";
    /** 32 bytes: GnuTLS refuses very short keys (docs/interop.md). */
    private static final byte[] KEY = HexFormat.of().parseHex(
            "00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210");
    private static final String HEX = HexFormat.of().formatHex(KEY);
    private static final String REQUEST = "GET / HTTP/1.0\r\n\r\n";
    private static final String GNUTLS_TLS13 = "NORMAL:-VERS-ALL:+VERS-TLS1.3";

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

    private static Tls13ExternalPsk psk() {
        return Tls13ExternalPsk.of(IDENTITY, KEY);
    }

    private static int freePort() throws Exception {
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return free.getLocalPort();
        }
    }

    private static ExternalProcess opensslServer(int port, String... extra) throws Exception {
        Path openssl = ExternalProcess.require("openssl", "openssl");
        List<String> command = new ArrayList<>(List.of(openssl.toString(), "s_server", "-tls1_3", "-www", "-nocert",
                "-accept", "127.0.0.1:" + port, "-psk", HEX, "-psk_identity", IDENTITY));
        command.addAll(List.of(extra));
        ExternalProcess server = ExternalProcess.start(dir, command.toArray(new String[0]));
        assertTrue(server.awaitLine(l -> l.startsWith("ACCEPT"), 20, TimeUnit.SECONDS).isPresent(), server::output);
        return server;
    }

    @Test
    void ourClientWithOpensslServerUsingPskDheKe() throws Exception {
        int port = freePort();
        try (ExternalProcess server = opensslServer(port)) {
            Exchange e = connect(group, Tls13Context.forClient().externalPsk(psk()).build(),
                    new InetSocketAddress("127.0.0.1", port), NioSocketChannel.class, REQUEST, t -> false);
            assertTrue(e.received().contains("TLSv1.3"), e.received() + server.output());
            assertTrue(e.session().peerCertificates().isEmpty(), "authenticated by the PSK alone");
            assertNotNull(e.session().namedGroup(), "psk_dhe_ke");
            assertFalse(e.session().resumed());
            assertArrayEquals(IDENTITY.getBytes(StandardCharsets.US_ASCII), e.session().externalPskIdentity());
            assertEquals(SessionInfo.Authentication.EXTERNAL_PSK, e.session().authentication());
        }
    }

    @Test
    void ourClientWithOpensslServerUsingPskKe() throws Exception {
        int port = freePort();
        // OpenSSL picks psk_dhe_ke whenever offered: offer psk_ke only (docs/interop.md).
        try (ExternalProcess server = opensslServer(port, "-allow_no_dhe_kex")) {
            Tls13Context pskKe = Tls13Context.forClient().externalPsk(psk()).pskKeyExchangeModes("psk_ke").build();
            Exchange e = connect(group, pskKe,
                    new InetSocketAddress("127.0.0.1", port), NioSocketChannel.class, REQUEST, t -> false);
            assertTrue(e.received().contains("TLSv1.3"), e.received() + server.output());
            assertNull(e.session().namedGroup(), "psk_ke: no (EC)DHE");
        }
    }

    @Test
    void ourClientWithGnutlsServ() throws Exception {
        Path passwd = dir.resolve("psk.passwd");
        Files.writeString(passwd, IDENTITY + ":" + HEX + "\n", StandardCharsets.US_ASCII);
        Path socket = dir.resolve("gnutls-serv.sock");
        try (ExternalProcess p = GnutlsServ.start(dir, socket, "--echo", "--pskpasswd", passwd.toString(),
                "--priority", GNUTLS_TLS13 + ":+ECDHE-PSK:+PSK")) {
            try {
                Exchange e = connect(group, Tls13Context.forClient().externalPsk(psk()).build(),
                        UnixDomainSocketAddress.of(socket), NioDomainSocketChannel.class, "echo me\n",
                        t -> t.contains("echo me"));
                assertEquals("echo me\n", e.received(), p::output);
                assertTrue(e.session().peerCertificates().isEmpty());
                assertNotNull(e.session().namedGroup(), "psk_dhe_ke");
            } finally {
                p.terminate();
            }
        }
    }

    /** Our PSK-only server; each accepted connection's handler goes to {@code handlers}; it answers and closes. */
    private static Channel ourServer(Tls13Context context, BlockingQueue<Tls13Handler> handlers) throws Exception {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Tls13Handler handler = context.newHandler(ch.alloc());
                        ch.pipeline().addLast(handler, new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ((ByteBuf) msg).release();
                                ctx.writeAndFlush(Unpooled.copiedBuffer("hello over a PSK\n",
                                        StandardCharsets.US_ASCII)).addListener(ChannelFutureListener.CLOSE);
                            }
                        });
                        handlers.add(handler);
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    private static Tls13Handler accepted(BlockingQueue<Tls13Handler> handlers) throws Exception {
        Tls13Handler ours = handlers.poll(20, TimeUnit.SECONDS);
        assertNotNull(ours, "a connection was accepted");
        assertTrue(ours.handshakeFuture().await(20, TimeUnit.SECONDS));
        return ours;
    }

    /**
     * Runs {@code s_client -psk_identity test} with {@code options} until it prints a line {@code until} matches
     * (line-buffered through {@code stdbuf}), then closes its input (it then closes the connection) and returns
     * everything it printed.
     */
    private static String sClient(int port, Predicate<String> until, String... options) throws Exception {
        Path openssl = ExternalProcess.require("openssl", "openssl");
        Path stdbuf = ExternalProcess.require("stdbuf", "coreutils");
        List<String> command = new ArrayList<>(List.of(stdbuf.toString(), "-oL", openssl.toString(), "s_client",
                "-connect", "127.0.0.1:" + port, "-tls1_3", "-psk_identity", IDENTITY));
        command.addAll(List.of(options));
        try (ExternalProcess client = ExternalProcess.start(dir, command.toArray(new String[0]))) {
            assertTrue(client.awaitLine(until, 20, TimeUnit.SECONDS).isPresent(), client::output);
            client.closeInput();
            client.awaitLine(l -> false, 20, TimeUnit.SECONDS);
            return client.output();
        }
    }

    @ParameterizedTest(name = "psk_ke allowed on both ends: {0}")
    @ValueSource(booleans = {false, true})
    void opensslClientWithOurPskOnlyServer(boolean pskKe) throws Exception {
        String[] modes = pskKe ? new String[] {"psk_dhe_ke", "psk_ke"} : new String[] {"psk_dhe_ke"};
        BlockingQueue<Tls13Handler> handlers = new LinkedBlockingQueue<>();
        Channel server = ourServer(Tls13Context.forPskServer(psk()).pskKeyExchangeModes(modes).build(), handlers);
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        try {
            String output = sClient(port, l -> l.startsWith("Verify return code"),
                    pskKe ? new String[] {"-psk", HEX, "-allow_no_dhe_kex"} : new String[] {"-psk", HEX});
            // OpenSSL models an external PSK as a session, so it prints "Reused" for it.
            assertTrue(output.contains("Reused, TLSv1.3, Cipher is TLS_AES_128_GCM_SHA256"), output);
            assertTrue(output.contains("no peer certificate available"), output);
            Tls13Handler ours = accepted(handlers);
            assertTrue(ours.handshakeFuture().isSuccess(), () -> String.valueOf(ours.handshakeFuture().cause()));
            assertTrue(ours.session().localCertificates().isEmpty(), "no certificate: a PSK-only server");
            assertArrayEquals(IDENTITY.getBytes(StandardCharsets.US_ASCII), ours.session().externalPskIdentity(),
                    "the session names the PSK s_client used");
            assertEquals(SessionInfo.Authentication.EXTERNAL_PSK, ours.session().authentication());
            if (pskKe) {
                assertNull(ours.session().namedGroup(), "psk_ke: no (EC)DHE");
            } else {
                assertNotNull(ours.session().namedGroup());
            }
        } finally {
            server.close().sync();
        }
    }

    @Test
    void opensslClientWithOurServerFindingThePskThroughALookup() throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        BlockingQueue<Tls13Handler> handlers = new LinkedBlockingQueue<>();
        Channel server = ourServer(Tls13Context.forPskServer().externalPskLookup(identity -> {
            String name = new String(identity, StandardCharsets.UTF_8);
            asked.add(name);
            return name.equals(IDENTITY) ? psk() : null;
        }).build(), handlers);
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        try {
            String output = sClient(port, l -> l.startsWith("Verify return code"), "-psk", HEX);
            assertTrue(output.contains("Reused, TLSv1.3, Cipher is TLS_AES_128_GCM_SHA256"), output);
            Tls13Handler ours = accepted(handlers);
            assertTrue(ours.handshakeFuture().isSuccess(), () -> String.valueOf(ours.handshakeFuture().cause()));
            assertEquals(List.of(IDENTITY), asked, "asked once, for s_client's identity");
            assertArrayEquals(IDENTITY.getBytes(StandardCharsets.US_ASCII), ours.session().externalPskIdentity());
        } finally {
            server.close().sync();
        }
    }

    @Test
    void opensslClientWithAWrongKeyGetsDecryptError() throws Exception {
        BlockingQueue<Tls13Handler> handlers = new LinkedBlockingQueue<>();
        Channel server = ourServer(Tls13Context.forPskServer(psk()).build(), handlers);
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        try {
            String output = sClient(port, l -> l.contains("alert"), "-psk", "ff" + HEX.substring(2));
            assertTrue(output.contains("decrypt error"), output);
            Tls13Handler ours = accepted(handlers);
            TlsFailure failure = assertInstanceOf(TlsException.class, ours.handshakeFuture().cause()).failure();
            assertEquals(PeerMisbehaved.BAD_BINDER,
                    assertInstanceOf(TlsFailure.Misbehaved.class, failure).reason());
        } finally {
            server.close().sync();
        }
    }

    @ParameterizedTest(name = "key exchange {0}")
    @ValueSource(strings = {"ECDHE-PSK", "PSK"})
    void gnutlsCliWithOurPskOnlyServer(String kx) throws Exception {
        Path gnutls = ExternalProcess.require("gnutls-cli", "gnutls-bin");
        boolean pskKe = kx.equals("PSK");
        BlockingQueue<Tls13Handler> handlers = new LinkedBlockingQueue<>();
        Channel server = ourServer(Tls13Context.forPskServer(psk())
                .pskKeyExchangeModes(pskKe ? new String[] {"psk_dhe_ke", "psk_ke"} : new String[] {"psk_dhe_ke"})
                .build(), handlers);
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        try (ExternalProcess p = ExternalProcess.start(dir, gnutls.toString(), "127.0.0.1", "-p",
                Integer.toString(port), "--pskusername", IDENTITY, "--pskkey", HEX,
                "--priority", GNUTLS_TLS13 + ":-KX-ALL:+" + kx)) {
            assertTrue(p.awaitLine(l -> l.contains("Handshake was completed"), 20, TimeUnit.SECONDS).isPresent(),
                    p::output);
            p.send(REQUEST);
            assertTrue(p.awaitLine(l -> l.contains("hello over a PSK"), 20, TimeUnit.SECONDS).isPresent(),
                    p::output);
            p.closeInput();
            Tls13Handler ours = accepted(handlers);
            assertTrue(ours.handshakeFuture().isSuccess(), () -> String.valueOf(ours.handshakeFuture().cause()));
            assertTrue(ours.session().localCertificates().isEmpty());
            assertEquals(pskKe, ours.session().namedGroup() == null, "psk_ke has no (EC)DHE");
        } finally {
            server.close().sync();
        }
    }
}
