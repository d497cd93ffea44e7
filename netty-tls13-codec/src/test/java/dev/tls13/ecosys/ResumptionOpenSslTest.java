package dev.tls13.ecosys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.netty.Tls13Handler;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our server against OpenSSL 3.0's {@code s_client} with sessions and early data (RFC 8446 §4.2.10, §4.6.1):
 * a client that sends 0-RTT data with a ticket from another server (an {@code s_server -early_data}) gets a full
 * 1-RTT handshake from us, "Early data was rejected", and no alert.
 */
class ResumptionOpenSslTest {

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

    private static int freePort() throws Exception {
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return free.getLocalPort();
        }
    }

    /** A session file from {@code s_server -early_data}: its tickets allow 16,384 bytes of early data. */
    private static Path earlyDataSession(Path openssl) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Files.writeString(cert, TestPki.pem(leaf.chain()), StandardCharsets.US_ASCII);
        Files.writeString(key, TestPki.pkcs8Pem(leaf.privateKey()), StandardCharsets.US_ASCII);
        Path session = dir.resolve("early.pem");
        int port = freePort();
        try (ExternalProcess server = ExternalProcess.start(dir, openssl.toString(), "s_server", "-tls1_3",
                "-accept", "127.0.0.1:" + port, "-naccept", "1", "-cert", cert.toString(), "-key", key.toString(),
                "-early_data")) {
            assertTrue(server.awaitLine(l -> l.startsWith("ACCEPT"), 20, TimeUnit.SECONDS).isPresent(),
                    server::output);
            try (ExternalProcess client = ExternalProcess.start(dir, openssl.toString(), "s_client",
                    "-connect", "127.0.0.1:" + port, "-sess_out", session.toString())) {
                // s_client reads the tickets that follow the handshake before it quits on the end of its input.
                client.closeInput();
                client.awaitLine(l -> false, 20, TimeUnit.SECONDS);
                assertTrue(client.output().contains("Post-Handshake New Session Ticket arrived"), client::output);
            }
            server.closeInput();
        }
        assertTrue(Files.size(session) > 0, "s_client saved the session");
        return session;
    }

    @Test
    void rejectedEarlyDataGivesAFullHandshakeWithoutAnAlert() throws Exception {
        Path openssl = ExternalProcess.require("openssl", "openssl");
        Path session = earlyDataSession(openssl);
        Path request = dir.resolve("req.txt");
        Files.writeString(request, "GET / HTTP/1.0\r\n\r\n".repeat(100), StandardCharsets.US_ASCII);

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
        try (ExternalProcess client = ExternalProcess.start(dir, openssl.toString(), "s_client",
                "-connect", "127.0.0.1:" + port, "-sess_in", session.toString(), "-early_data", request.toString())) {
            assertTrue(client.awaitLine(l -> l.contains("Early data was rejected"), 20, TimeUnit.SECONDS)
                    .isPresent(), client::output);
            Tls13Handler ours = accepted.get(20, TimeUnit.SECONDS);
            assertTrue(ours.handshakeFuture().await(20, TimeUnit.SECONDS));
            assertTrue(ours.handshakeFuture().isSuccess(), () -> String.valueOf(ours.handshakeFuture().cause()));
            assertFalse(ours.session().resumed(), "a ticket of another server: a full handshake");
            client.closeInput();
            assertTrue(client.terminate());
            String output = client.output();
            assertTrue(output.contains("New, TLSv1.3"), output);
            assertFalse(output.toLowerCase(Locale.ROOT).contains("alert"), output);
            assertEquals(-1, output.indexOf("Reused"), output);
        } finally {
            server.close().sync();
        }
    }
}
