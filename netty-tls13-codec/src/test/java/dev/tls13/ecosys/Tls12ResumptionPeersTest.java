package dev.tls13.ecosys;

import static dev.tls13.ecosys.OurClientExchange.connect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.connection.SessionInfo;
import dev.tls13.ecosys.OurClientExchange.Exchange;
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
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS 1.2 resumption with session tickets (RFC 5077, docs/architecture.md §16, docs/interop.md) with real peers:
 * {@code openssl s_client -tls1_2 -sess_out} then {@code -sess_in} and {@code gnutls-cli --resume} against our
 * server (TLS 1.3 and TLS 1.2 enabled), our client (TLS 1.3 and TLS 1.2 offered) against
 * {@code openssl s_server -tls1_2} and {@code gnutls-serv --priority NORMAL:-VERS-TLS1.3} (in a private network
 * namespace, as in ExternalPskPeersTest). Each checks both sides' view of the resumption. A missing binary fails
 * under {@code CI=true} ({@link ExternalProcess#require}).
 */
class Tls12ResumptionPeersTest {

    private static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n")
            .getBytes(StandardCharsets.US_ASCII);
    private static final String REQUEST = "GET / HTTP/1.0\r\n\r\n";
    private static final String GNUTLS_TLS12 = "NORMAL:-VERS-TLS1.3";

    private static EventLoopGroup group;
    private static Issued leaf;
    private static Channel server;
    /** Another server: its own ticket keys, so our server's tickets are unknown to it. */
    private static Channel otherServer;
    private static final BlockingQueue<Tls13Handler> HANDLERS = new LinkedBlockingQueue<>();

    @TempDir
    static Path dir;
    private static Path caFile;

    @BeforeAll
    static void setUp() throws Exception {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        leaf = TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P256)).dns("localhost").build();
        caFile = dir.resolve("ca.pem");
        Files.writeString(caFile, TestPki.pem(List.of(TestPki.ca(KeyType.EC_P256).certificate())),
                StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("cert.pem"), TestPki.pem(leaf.chain()), StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("key.pem"), TestPki.pkcs8Pem(leaf.privateKey()), StandardCharsets.US_ASCII);
        server = listen();
        otherServer = listen();
    }

    private static Channel listen() throws InterruptedException {
        Tls13Context context = Tls13Context.forServer(leaf.privateKey(), leaf.chain().toArray(new X509Certificate[0]))
                .protocols("TLSv1.3", "TLSv1.2").build();
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Tls13Handler handler = context.newHandler(ch.alloc());
                        ch.pipeline().addLast(handler, new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ((ByteBuf) msg).release();
                                if (ctx.channel().isActive()) {
                                    ctx.writeAndFlush(Unpooled.wrappedBuffer(RESPONSE))
                                            .addListener(ChannelFutureListener.CLOSE);
                                }
                            }
                        });
                        HANDLERS.add(handler);
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    @AfterAll
    static void tearDown() {
        for (Channel c : new Channel[] {server, otherServer}) {
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

    private static int port() {
        return port(server);
    }

    private static int port(Channel listening) {
        return ((InetSocketAddress) listening.localAddress()).getPort();
    }

    /** Our side of the next accepted connection, once its handshake succeeded. */
    private static SessionInfo ours() throws Exception {
        Tls13Handler handler = HANDLERS.poll(20, TimeUnit.SECONDS);
        assertNotNull(handler, "a connection was accepted");
        assertTrue(handler.handshakeFuture().await(20, TimeUnit.SECONDS));
        assertTrue(handler.handshakeFuture().isSuccess(), () -> String.valueOf(handler.handshakeFuture().cause()));
        return handler.session();
    }

    /** Runs {@code openssl s_client -tls1_2} with a request and returns its output once the response arrived. */
    private static String sClient(String... options) throws Exception {
        return sClient(port(), options);
    }

    private static String sClient(int port, String... options) throws Exception {
        Path openssl = ExternalProcess.require("openssl", "openssl");
        List<String> command = new ArrayList<>(List.of(openssl.toString(), "s_client", "-connect",
                "127.0.0.1:" + port, "-servername", "localhost", "-CAfile", caFile.toString(),
                "-verify_return_error", "-ign_eof", "-tls1_2"));
        command.addAll(List.of(options));
        try (ExternalProcess p = ExternalProcess.start(dir, command.toArray(new String[0]))) {
            p.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertTrue(p.awaitLine(l -> l.equals("ok"), 20, TimeUnit.SECONDS).isPresent(), p::output);
            p.awaitLine(l -> false, 5, TimeUnit.SECONDS);
            return p.output();
        }
    }

    @Test
    void opensslClientResumesWithOurServer() throws Exception {
        Path session = dir.resolve("openssl-session.pem");
        String first = sClient("-sess_out", session.toString());
        assertTrue(first.contains("New, TLSv1.2"), first);
        assertTrue(first.contains("TLS session ticket lifetime hint: 7200"), first);
        assertFalse(ours().resumed());
        String second = sClient("-sess_in", session.toString());
        assertTrue(second.contains("Reused, TLSv1.2"), second);
        assertTrue(second.contains("Extended master secret: yes"), second);
        SessionInfo resumed = ours();
        assertEquals("TLSv1.2", resumed.protocol());
        assertTrue(resumed.resumed());
    }

    @Test
    void opensslClientWithAnotherServersTicketGetsAFullHandshake() throws Exception {
        Path session = dir.resolve("other-session.pem");
        sClient("-sess_out", session.toString());
        assertFalse(ours().resumed());
        // RFC 5077 §3.1: a ticket the server cannot open means a full handshake, never an alert.
        String second = sClient(port(otherServer), "-sess_in", session.toString());
        assertTrue(second.contains("New, TLSv1.2"), second);
        assertFalse(ours().resumed());
    }

    @Test
    void gnutlsClientResumesWithOurServer() throws Exception {
        Path gnutls = ExternalProcess.require("gnutls-cli", "gnutls-bin");
        try (ExternalProcess p = ExternalProcess.start(dir, gnutls.toString(), "localhost", "-p",
                Integer.toString(port()), "--x509cafile", caFile.toString(), "--priority", GNUTLS_TLS12,
                "--resume")) {
            // gnutls-cli buffers its standard output when it is a pipe: read it once the server closed.
            p.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
            p.awaitLine(l -> false, 20, TimeUnit.SECONDS);
            assertTrue(p.output().contains("- Description: (TLS1.2-"), p::output);
            assertTrue(p.output().contains("*** This is a resumed session"), p::output);
        }
        assertFalse(ours().resumed());
        SessionInfo resumed = ours();
        assertEquals("TLSv1.2", resumed.protocol());
        assertTrue(resumed.resumed());
    }

    private static Tls13Context ourClient() {
        return Tls13Context.forClient().protocols("TLSv1.3", "TLSv1.2")
                .trustManager(TestPki.ca(KeyType.EC_P256).certificate()).build();
    }

    private static int freePort() throws Exception {
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return free.getLocalPort();
        }
    }

    @Test
    void ourClientResumesWithOpensslServer() throws Exception {
        Path openssl = ExternalProcess.require("openssl", "openssl");
        int port = freePort();
        try (ExternalProcess p = ExternalProcess.start(dir, openssl.toString(), "s_server", "-tls1_2", "-www",
                "-accept", "127.0.0.1:" + port, "-cert", dir.resolve("cert.pem").toString(), "-key",
                dir.resolve("key.pem").toString())) {
            assertTrue(p.awaitLine(l -> l.startsWith("ACCEPT"), 20, TimeUnit.SECONDS).isPresent(), p::output);
            Tls13Context tls = ourClient();
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
            Exchange first = connect(group, tls, address, NioSocketChannel.class, REQUEST, t -> false);
            assertEquals("TLSv1.2", first.session().protocol());
            assertTrue(first.received().contains("New, TLSv1.2"), first.received());
            assertFalse(first.session().resumed());
            assertEquals(1, tls.sessionCache().size(), "s_server issues a TLS 1.2 ticket");
            Exchange second = connect(group, tls, address, NioSocketChannel.class, REQUEST, t -> false);
            assertTrue(second.received().contains("Reused, TLSv1.2"), second.received() + p.output());
            assertTrue(second.session().resumed());
            assertEquals(leaf.chain().get(0), second.session().peerCertificates().get(0),
                    "a resumed session still reports the server's certificate");
        }
    }

    @Test
    void ourClientResumesWithGnutlsServ() throws Exception {
        Path socket = dir.resolve("gnutls-serv-tls12.sock");
        // GnuTLS does not parse the JDK's PKCS#8 EC key (no public key inside): OpenSSL rewrites it as SEC1.
        Path openssl = ExternalProcess.require("openssl", "openssl");
        Path sec1 = dir.resolve("key-sec1.pem");
        Process convert = new ProcessBuilder(openssl.toString(), "ec", "-in", dir.resolve("key.pem").toString(),
                "-out", sec1.toString()).redirectErrorStream(true).start();
        assertTrue(convert.waitFor(20, TimeUnit.SECONDS) && convert.exitValue() == 0, "openssl ec");
        try (ExternalProcess p = GnutlsServ.start(dir, socket, "--echo", "--x509certfile",
                dir.resolve("cert.pem").toString(), "--x509keyfile", sec1.toString(),
                "--priority", GNUTLS_TLS12, "--disable-client-cert")) {
            try {
                Tls13Context tls = ourClient();
                UnixDomainSocketAddress address = UnixDomainSocketAddress.of(socket);
                Exchange first = connect(group, tls, address, NioDomainSocketChannel.class, "echo me\n",
                        t -> t.contains("echo me"));
                assertEquals("TLSv1.2", first.session().protocol());
                assertFalse(first.session().resumed());
                assertEquals(1, tls.sessionCache().size(), "gnutls-serv issues a TLS 1.2 ticket");
                Exchange second = connect(group, tls, address, NioDomainSocketChannel.class, "echo me\n",
                        t -> t.contains("echo me"));
                assertEquals("echo me\n", second.received(), p::output);
                assertTrue(second.session().resumed(), p::output);
                assertEquals(leaf.chain().get(0), second.session().peerCertificates().get(0));
            } finally {
                p.terminate();
            }
        }
    }
}
