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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
            sClient(openssl, port, l -> l.startsWith("Post-Handshake New Session Ticket arrived"), "-sess_out",
                    session.toString());
            server.closeInput();
        }
        assertTrue(Files.size(session) > 0, "s_client saved the session");
        return session;
    }

    /** Our server on a loopback port; each accepted connection's handler goes to {@code handlers}. */
    private static Channel ourServer(Tls13Context context, BlockingQueue<Tls13Handler> handlers) throws Exception {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Tls13Handler handler = context.newHandler(ch.alloc());
                        ch.pipeline().addLast(handler);
                        handlers.add(handler);
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    /**
     * Runs {@code s_client} with {@code options} until it prints a line {@code until} matches (line-buffered
     * through {@code stdbuf}, else s_client's output waits in its stdio buffer), then closes its input and returns
     * everything it printed.
     */
    private static String sClient(Path openssl, int port, Predicate<String> until, String... options)
            throws Exception {
        Path stdbuf = ExternalProcess.require("stdbuf", "coreutils");
        List<String> command = new ArrayList<>(List.of(stdbuf.toString(), "-oL", openssl.toString(), "s_client",
                "-connect", "127.0.0.1:" + port));
        command.addAll(List.of(options));
        try (ExternalProcess client = ExternalProcess.start(dir, command.toArray(new String[0]))) {
            assertTrue(client.awaitLine(until, 20, TimeUnit.SECONDS).isPresent(), client::output);
            client.closeInput();
            client.awaitLine(l -> false, 20, TimeUnit.SECONDS);
            return client.output();
        }
    }

    private static Tls13Handler handshaken(BlockingQueue<Tls13Handler> handlers) throws Exception {
        Tls13Handler ours = handlers.poll(20, TimeUnit.SECONDS);
        assertTrue(ours != null, "a connection was accepted");
        assertTrue(ours.handshakeFuture().await(20, TimeUnit.SECONDS));
        assertTrue(ours.handshakeFuture().isSuccess(), () -> String.valueOf(ours.handshakeFuture().cause()));
        return ours;
    }

    @ParameterizedTest(name = "psk_ke allowed on both ends: {0}")
    @ValueSource(booleans = {false, true})
    void openSslClientResumesWithOurTicket(boolean pskKe) throws Exception {
        Path openssl = ExternalProcess.require("openssl", "openssl");
        String[] modes = pskKe ? new String[] {"psk_dhe_ke", "psk_ke"} : new String[] {"psk_dhe_ke"};
        Tls13Context context = Tls13Context.forServer(leaf.privateKey(), leaf.chain().toArray(new X509Certificate[0]))
                .pskKeyExchangeModes(modes).build();
        BlockingQueue<Tls13Handler> handlers = new LinkedBlockingQueue<>();
        Channel server = ourServer(context, handlers);
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        Path session = dir.resolve("ours-" + pskKe + ".pem");
        String[] kex = pskKe ? new String[] {"-allow_no_dhe_kex"} : new String[0];
        try {
            List<String> first = new ArrayList<>(List.of("-sess_out", session.toString()));
            first.addAll(List.of(kex));
            String out1 = sClient(openssl, port, l -> l.startsWith("Post-Handshake New Session Ticket arrived"),
                    first.toArray(new String[0]));
            assertTrue(out1.contains("New, TLSv1.3"), out1);
            assertTrue(out1.contains("Post-Handshake New Session Ticket arrived"), out1);
            assertFalse(handshaken(handlers).session().resumed());

            List<String> second = new ArrayList<>(List.of("-sess_in", session.toString()));
            second.addAll(List.of(kex));
            String out2 = sClient(openssl, port, l -> l.startsWith("Verify return code"),
                    second.toArray(new String[0]));
            assertTrue(out2.contains("Reused, TLSv1.3"), out2);
            Tls13Handler ours = handshaken(handlers);
            assertTrue(ours.session().resumed());
            assertTrue(ours.session().localCertificates().isEmpty(), "no Certificate in a resumption");
            if (pskKe) {
                assertEquals(null, ours.session().namedGroup(), "psk_ke: no (EC)DHE");
            } else {
                assertEquals("x25519", ours.session().namedGroup());
            }
        } finally {
            server.close().sync();
        }
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
        try {
            String output = sClient(openssl, port, l -> l.contains("Early data was rejected"), "-sess_in",
                    session.toString(), "-early_data", request.toString());
            Tls13Handler ours = accepted.get(20, TimeUnit.SECONDS);
            assertTrue(ours.handshakeFuture().await(20, TimeUnit.SECONDS));
            assertTrue(ours.handshakeFuture().isSuccess(), () -> String.valueOf(ours.handshakeFuture().cause()));
            assertFalse(ours.session().resumed(), "a ticket of another server: a full handshake");
            assertTrue(output.contains("New, TLSv1.3"), output);
            assertFalse(output.toLowerCase(Locale.ROOT).contains("alert"), output);
            assertEquals(-1, output.indexOf("Reused"), output);
        } finally {
            server.close().sync();
        }
    }
}
