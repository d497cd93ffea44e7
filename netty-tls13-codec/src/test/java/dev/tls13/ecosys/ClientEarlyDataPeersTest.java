package dev.tls13.ecosys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.connection.SessionInfo;
import dev.tls13.netty.Tls13Handler;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our client's 0-RTT against OpenSSL 3.0's {@code s_server} (RFC 8446 §2.3, §4.2.10, docs/architecture.md §15):
 * with {@code earlyData(true)} and an OpenSSL ticket that allows early data, what the application writes before
 * the connection is even established (in {@code initChannel}) goes out as 0-RTT records after the ClientHello;
 * {@code s_server -early_data} accepts and prints it as early data, once. A restarted {@code s_server}, with or
 * without {@code -early_data}, cannot open the ticket: it rejects the early data and skips it, and our handler
 * sends the same bytes again as ordinary data, which it prints once. A missing {@code openssl} fails under CI
 * ({@link ExternalProcess#require}).
 */
class ClientEarlyDataPeersTest {

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

    /** {@code openssl s_server} echoing what it reads to its output; its stdin stays open (NOTES.md). */
    private static ExternalProcess opensslServer(int port, String... extra) throws Exception {
        Path openssl = ExternalProcess.require("openssl", "openssl");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Files.writeString(cert, TestPki.pem(leaf.chain()), StandardCharsets.US_ASCII);
        Files.writeString(key, TestPki.pkcs8Pem(leaf.privateKey()), StandardCharsets.US_ASCII);
        List<String> command = new java.util.ArrayList<>(List.of(openssl.toString(), "s_server", "-tls1_3",
                "-accept", "127.0.0.1:" + port, "-cert", cert.toString(), "-key", key.toString()));
        command.addAll(List.of(extra));
        ExternalProcess server = ExternalProcess.start(dir, command.toArray(new String[0]));
        assertTrue(server.awaitLine(l -> l.startsWith("ACCEPT"), 20, TimeUnit.SECONDS).isPresent(), server::output);
        return server;
    }

    /**
     * One connection: {@code early} (when not {@code null}) written and flushed in {@code initChannel}, before the
     * channel connects, so it can only go out as 0-RTT data or after the handshake; then the handshake, then
     * {@code line} as 1-RTT data, which s_server prints; then, once a ticket of this connection is in the
     * client's cache, close. s_server sends its tickets right after the handshake, so they are on their way before
     * it prints the line, but our event loop may not have read them yet: closing then would lose them and the
     * next connection would offer no 0-RTT.
     */
    private static SessionInfo exchange(Tls13Context tls, int port, ExternalProcess server, String early, String line)
            throws Exception {
        CompletableFuture<SessionInfo> session = new CompletableFuture<>();
        CompletableFuture<Throwable> earlyWrite = new CompletableFuture<>();
        AtomicLong ticketsAtHandshake = new AtomicLong();
        Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Tls13Handler tlsHandler = tls.newHandler(ch.alloc(), "localhost", port);
                        ch.pipeline().addLast(tlsHandler, new ChannelInboundHandlerAdapter() {
                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                if (evt instanceof SslHandshakeCompletionEvent e) {
                                    if (!e.isSuccess()) {
                                        session.completeExceptionally(e.cause());
                                        return;
                                    }
                                    // RFC 8446 §4.6.1: NewSessionTicket comes after the handshake, so none of this
                                    // connection's tickets is counted here.
                                    ticketsAtHandshake.set(tls.sessionCache().size());
                                    session.complete(tlsHandler.session());
                                    ctx.writeAndFlush(Unpooled.copiedBuffer(line + "\n", StandardCharsets.US_ASCII));
                                }
                            }
                        });
                        if (early != null) {
                            ch.writeAndFlush(Unpooled.copiedBuffer(early + "\n", StandardCharsets.US_ASCII))
                                    .addListener(f -> earlyWrite.complete(f.cause()));
                        }
                    }
                }).connect("127.0.0.1", port).sync().channel();
        try {
            SessionInfo result = session.get(20, TimeUnit.SECONDS);
            assertTrue(server.awaitLine(l -> l.contains(line), 20, TimeUnit.SECONDS).isPresent(), server::output);
            if (early != null) {
                assertNull(earlyWrite.get(20, TimeUnit.SECONDS), "the early write succeeds, accepted or resent");
            }
            awaitTicket(tls, channel, ticketsAtHandshake.get());
            return result;
        } finally {
            channel.close().sync();
        }
    }

    /** Waits, up to 20 s, until the client's cache holds more tickets than {@code before}; checked on the loop. */
    private static void awaitTicket(Tls13Context tls, Channel channel, long before) throws Exception {
        CompletableFuture<Void> cached = new CompletableFuture<>();
        ScheduledFuture<?> check = channel.eventLoop().scheduleAtFixedRate(() -> {
            if (tls.sessionCache().size() > before) {
                cached.complete(null);
            }
        }, 0, 10, TimeUnit.MILLISECONDS);
        try {
            cached.get(20, TimeUnit.SECONDS);
        } finally {
            check.cancel(false);
        }
    }

    private static int occurrences(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static Tls13Context earlyDataClient() {
        return Tls13Context.forClient().trustManager(TestPki.ca(KeyType.EC_P256).certificate()).earlyData(true)
                .build();
    }

    @Test
    void opensslServerWithEarlyDataAcceptsAndPrintsTheEarlyBytesOnce() throws Exception {
        int port = freePort();
        Tls13Context tls = earlyDataClient();
        try (ExternalProcess server = opensslServer(port, "-early_data")) {
            SessionInfo first = exchange(tls, port, server, null, "first-connection");
            assertFalse(first.resumed());
            assertFalse(first.earlyDataAccepted());
            SessionInfo second = exchange(tls, port, server, "GET /early-request-7f3a", "second-connection");
            assertTrue(second.resumed(), server.output());
            // EncryptedExtensions carried early_data; s_server read our 0-RTT records, then verified our
            // EndOfEarlyData and Finished.
            assertTrue(second.earlyDataAccepted(), server.output());
            // s_server writes the data itself straight to its stdout and its report lines through a buffered BIO,
            // so the two interleave out of order and the report may come later: wait for it, then count the data.
            assertTrue(server.awaitLine(l -> l.contains("End of early data"), 20, TimeUnit.SECONDS).isPresent(),
                    server::output);
            String output = server.output();
            assertTrue(output.contains("Early data received:"), output);
            assertEquals(1, occurrences(output, "GET /early-request-7f3a"), output);
        }
    }

    @Test
    void aRestartedOpensslServerRejectsTheEarlyDataAndGetsTheBytesOnceAsOrdinaryData() throws Exception {
        int port = freePort();
        List<String> earlySecrets = new java.util.concurrent.CopyOnWriteArrayList<>();
        Tls13Context tls = Tls13Context.forClient().trustManager(TestPki.ca(KeyType.EC_P256).certificate())
                .earlyData(true).keyLog((channel, line) -> {
                    if (line.startsWith("CLIENT_EARLY_TRAFFIC_SECRET")) {
                        earlySecrets.add(line);
                    }
                }).build();
        try (ExternalProcess server = opensslServer(port, "-early_data")) {
            exchange(tls, port, server, null, "first-connection");
        }
        // A new s_server on the same port has new ticket keys: our offer (early_data, CCS, the 0-RTT records) meets
        // a full handshake and EncryptedExtensions without early_data (RFC 8446 §4.2.10: rejected and skipped).
        try (ExternalProcess server = opensslServer(port, "-early_data")) {
            SessionInfo second = exchange(tls, port, server, "GET /resent-request-51c2", "second-connection");
            assertFalse(second.resumed(), server.output());
            assertFalse(second.earlyDataAccepted());
            assertEquals(1, earlySecrets.size(), "0-RTT offered, early keys in use");
            String output = server.output();
            // s_server reports "No early data received" here: it tells a rejected offer with a ticket it cannot
            // open from none; the bytes arriving once below are what matters.
            assertTrue(output.contains("No early data received") || output.contains("Early data was rejected"),
                    output);
            assertEquals(1, occurrences(output, "GET /resent-request-51c2"), output);
            assertTrue(output.indexOf("GET /resent-request-51c2") < output.indexOf("second-connection"),
                    "resent before the later write: " + output);
        }
        // And s_server without -early_data at all (a ticket of the second one, which allowed early data, is offered):
        // the same, without its early-data report.
        try (ExternalProcess server = opensslServer(port)) {
            SessionInfo third = exchange(tls, port, server, "GET /resent-again-9d04", "third-connection");
            assertFalse(third.earlyDataAccepted());
            assertEquals(2, earlySecrets.size(), "0-RTT offered again, with a ticket of the second server");
            String output = server.output();
            assertEquals(1, occurrences(output, "GET /resent-again-9d04"), output);
            assertTrue(output.indexOf("GET /resent-again-9d04") < output.indexOf("third-connection"), output);
        }
    }
}
