package dev.tls13.ecosys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
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
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real clients resuming with our server's tickets (RFC 8446 §2.2): curl fetching two URLs in one command,
 * {@code gnutls-cli --resume}, and the JDK's {@code SSLSocket} connecting twice with one {@code SSLContext}. Each
 * time the first connection is a full handshake and the second a resumption, as our side's session reports.
 */
class ResumptionPeersTest {

    private static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n")
            .getBytes(StandardCharsets.US_ASCII);

    private static EventLoopGroup group;
    private static Issued leaf;
    private static Channel server;
    private static int port;
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
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        leaf = TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P256)).dns("localhost").build();
        caFile = dir.resolve("ca.pem");
        Files.writeString(caFile, TestPki.pem(java.util.List.of(TestPki.ca(KeyType.EC_P256).certificate())),
                StandardCharsets.US_ASCII);
        Tls13Context context = Tls13Context.forServer(leaf.privateKey(), leaf.chain().toArray(new X509Certificate[0]))
                .build();
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Tls13Handler handler = context.newHandler(ch.alloc());
                        ch.pipeline().addLast(handler, new Responder());
                        HANDLERS.add(handler);
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    @AfterAll
    static void tearDown() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** The next accepted connection's handler, once its handshake succeeded. */
    private static Tls13Handler next() throws Exception {
        Tls13Handler ours = HANDLERS.poll(20, TimeUnit.SECONDS);
        assertNotNull(ours, "a connection was accepted");
        assertTrue(ours.handshakeFuture().await(20, TimeUnit.SECONDS));
        assertTrue(ours.handshakeFuture().isSuccess(), () -> String.valueOf(ours.handshakeFuture().cause()));
        return ours;
    }

    private static void assertFullThenResumed() throws Exception {
        Tls13Handler first = next();
        assertFalse(first.session().resumed(), "the first connection: a full handshake");
        Tls13Handler second = next();
        assertTrue(second.session().resumed(), "the second connection resumes");
        // The same SNI, or none for both (the JDK sends none for a name without a dot): a ticket never crosses names.
        assertEquals(first.session().serverName(), second.session().serverName());
    }

    @Test
    void curlResumesAcrossTwoUrlsOfOneCommand() throws Exception {
        HANDLERS.clear();
        Path curl = ExternalProcess.require("curl", "curl");
        String url = "https://localhost:" + port + "/";
        try (ExternalProcess p = ExternalProcess.start(dir, curl.toString(), "-sS", "--tlsv1.3", "--max-time", "10",
                "--cacert", caFile.toString(), "--resolve", "localhost:" + port + ":127.0.0.1", url, url)) {
            p.closeInput();
            p.awaitLine(l -> false, 20, TimeUnit.SECONDS);
            assertEquals(2, p.output().split("ok", -1).length - 1, p::output);
        }
        assertFullThenResumed();
    }

    @Test
    void gnutlsCliResumes() throws Exception {
        HANDLERS.clear();
        Path gnutls = ExternalProcess.require("gnutls-cli", "gnutls-bin");
        try (ExternalProcess p = ExternalProcess.start(dir, gnutls.toString(), "localhost", "-p",
                Integer.toString(port), "--x509cafile", caFile.toString(), "--resume", "--waitresumption",
                "--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.3")) {
            assertTrue(p.awaitLine(l -> l.contains("This is a resumed session"), 20, TimeUnit.SECONDS).isPresent(),
                    p::output);
            p.closeInput();
        }
        assertFullThenResumed();
    }

    @Test
    void jdkClientResumesOnASecondConnectionToTheSameHostAndPort() throws Exception {
        HANDLERS.clear();
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", TestPki.ca(KeyType.EC_P256).certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext jdk = SSLContext.getInstance("TLSv1.3");
        jdk.init(null, tmf.getTrustManagers(), null);
        for (int i = 0; i < 2; i++) {
            try (SSLSocket socket = (SSLSocket) jdk.getSocketFactory().createSocket("localhost", port)) {
                socket.setSoTimeout(20_000);
                OutputStream out = socket.getOutputStream();
                out.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                // Reading processes the NewSessionTickets that precede the response, as the JDK does.
                InputStream in = socket.getInputStream();
                String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(response.endsWith("ok\n"), response);
            }
        }
        assertFullThenResumed();
    }
}
