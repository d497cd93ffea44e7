package dev.tls13.ecosys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.Tls13KeyLog;
import dev.tls13.netty.Tls13Handler;
import dev.tls13.testing.Pcapng;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proof that our key log is right: Wireshark's {@code tshark} captures a connection between our client
 * and our server on loopback, and decrypts it with the {@code SSLKEYLOGFILE} our {@link Tls13KeyLog#toFile}
 * wrote — the HTTP requests before and after a KeyUpdate (generation 0 and 1 secrets) — while the same
 * capture without the key log shows no HTTP at all.
 */
class KeyLogTsharkTest {

    private static final String HEADER_END = "\r\n\r\n";

    /** Answers each HTTP request (one per read batch here) with a small response naming its path. */
    private static final class TinyHttpServer extends ChannelInboundHandlerAdapter {
        private final StringBuilder pending = new StringBuilder();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            pending.append(buf.toString(StandardCharsets.US_ASCII));
            buf.release();
            int end;
            while ((end = pending.indexOf(HEADER_END)) >= 0) {
                String request = pending.substring(0, end);
                pending.delete(0, end + HEADER_END.length());
                String path = request.split(" ")[1];
                String body = "served " + path;
                ctx.writeAndFlush(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                        + "Content-Length: " + body.length() + HEADER_END + body, StandardCharsets.US_ASCII));
            }
        }
    }

    /** Queues every response body the client receives (one response per read here). */
    private static final class Responses extends ChannelInboundHandlerAdapter {
        final LinkedBlockingQueue<String> bodies = new LinkedBlockingQueue<>();
        private final StringBuilder pending = new StringBuilder();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            pending.append(buf.toString(StandardCharsets.US_ASCII));
            buf.release();
            int end = pending.indexOf(HEADER_END);
            if (end >= 0) {
                int length = Integer.parseInt(pending.substring(pending.indexOf("Content-Length: ") + 16, end).trim());
                if (pending.length() >= end + HEADER_END.length() + length) {
                    bodies.add(pending.substring(end + HEADER_END.length(), end + HEADER_END.length() + length));
                    pending.delete(0, end + HEADER_END.length() + length);
                }
            }
        }
    }

    @Test
    void tsharkDecryptsOurCaptureWithTheKeyLogFileBeforeAndAfterKeyUpdate(@TempDir Path dir) throws Exception {
        Path tshark = ExternalProcess.require("tshark", "tshark");
        Path keyLog = dir.resolve("sslkeylog.txt");
        Path capture = dir.resolve("capture.pcapng");
        String marker = "tls13-keylog-" + UUID.randomUUID();
        Issued leaf = TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P256)).dns("localhost").build();
        Tls13Context serverContext = Tls13Context.forServer(leaf.privateKey(),
                leaf.chain().toArray(new X509Certificate[0])).applicationProtocols("http/1.1").build();
        // The client writes the key log, as a user with SSLKEYLOGFILE set would.
        Tls13Context clientContext = Tls13Context.forClient().trustManager(TestPki.ca(KeyType.EC_P256).certificate())
                .applicationProtocols("http/1.1").keyLog(Tls13KeyLog.fromFileName(keyLog.toString())).build();

        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Channel server = null;
        int port;
        try {
            server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(serverContext.newHandler(ch.alloc()), new TinyHttpServer());
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            port = ((InetSocketAddress) server.localAddress()).getPort();

            try (ExternalProcess capturing = ExternalProcess.start(dir, tshark.toString(), "-i", "lo",
                    "-f", "tcp port " + port, "-w", capture.toString())) {
                Optional<String> started = capturing.awaitLine(l -> l.contains("Capturing on"), 60, TimeUnit.SECONDS);
                if (started.isEmpty()) {
                    ExternalProcess.unavailable("tshark cannot capture on loopback here:\n" + capturing.output());
                }
                // "Capturing on" may precede the live capture: probe until a probe connection is in the file.
                awaitPackets(capture, port, -1, false, 1);
                int clientPort = exchange(group, clientContext, port, marker);
                // dumpcap writes asynchronously: stopping it before both FINs are on disk could lose records.
                awaitPackets(capture, port, clientPort, true, 2);
                assertTrue(capturing.terminate(), "tshark stops on SIGTERM");
            }
        } finally {
            if (server != null) {
                server.close().sync();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }

        List<String> keyLines = Files.readAllLines(keyLog, StandardCharsets.US_ASCII);
        List<String> labels = keyLines.stream().map(l -> l.split(" ")[0]).collect(Collectors.toList());
        assertTrue(labels.containsAll(List.of("CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET", "CLIENT_TRAFFIC_SECRET_1",
                "SERVER_TRAFFIC_SECRET_1")), labels::toString);

        String decrypted = dissect(tshark, dir, capture, port, keyLog);
        assertTrue(decrypted.contains("/" + marker + "/before-key-update"), decrypted);
        assertTrue(decrypted.contains("/" + marker + "/after-key-update"), decrypted);
        assertTrue(decrypted.contains("served /" + marker + "/after-key-update"), decrypted);

        // The control: without our key log the same capture shows no HTTP.
        String opaque = dissect(tshark, dir, capture, port, null);
        assertFalse(opaque.contains(marker), opaque);
    }

    /** One TLS connection: a request, a KeyUpdate both ways, another request, close. */
    private static int exchange(EventLoopGroup group, Tls13Context context, int port, String marker)
            throws Exception {
        Responses responses = new Responses();
        Tls13Handler tls = context.newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT, "localhost", port);
        Channel client = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tls, responses);
                    }
                }).connect("127.0.0.1", port).sync().channel();
        try {
            assertTrue(tls.handshakeFuture().await(20, TimeUnit.SECONDS));
            assertTrue(tls.handshakeFuture().isSuccess(), () -> String.valueOf(tls.handshakeFuture().cause()));
            assertEquals("http/1.1", tls.applicationProtocol());
            client.writeAndFlush(request(marker + "/before-key-update"));
            assertEquals("served /" + marker + "/before-key-update", responses.bodies.poll(20, TimeUnit.SECONDS));
            // Both directions move to generation 1 (RFC 8446 §4.6.3): the server answers with its own KeyUpdate.
            assertTrue(tls.updateKeys(true).await(20, TimeUnit.SECONDS));
            client.writeAndFlush(request(marker + "/after-key-update"));
            assertEquals("served /" + marker + "/after-key-update", responses.bodies.poll(20, TimeUnit.SECONDS));
            return ((InetSocketAddress) client.localAddress()).getPort();
        } finally {
            client.close().sync();
        }
    }

    /** Opens and closes a plain TCP connection to the port; returns its local port. */
    private static int probe(int port) throws IOException {
        try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            return socket.getLocalPort();
        }
    }

    private static ByteBuf request(String path) {
        return Unpooled.copiedBuffer("GET /" + path + " HTTP/1.1\r\nHost: localhost" + HEADER_END,
                StandardCharsets.US_ASCII);
    }

    /** The HTTP tshark finds in the capture (request URIs and response bodies), with or without a key log. */
    private static String dissect(Path tshark, Path dir, Path capture, int port, Path keyLog) throws Exception {
        String keyLogOption = "tls.keylog_file:" + (keyLog == null ? "" : keyLog.toString());
        try (ExternalProcess reading = ExternalProcess.start(dir, tshark.toString(), "-r", capture.toString(),
                "-o", keyLogOption, "-d", "tcp.port==" + port + ",tls", "-Y", "http",
                "-T", "fields", "-e", "http.request.uri", "-e", "http.file_data", "-E", "separator=|")) {
            reading.closeInput();
            reading.awaitLine(l -> false, 60, TimeUnit.SECONDS);
            return reading.output();
        }
    }

    /**
     * Bounded wait (30 s) until the capture file holds {@code expected} segments of the connection between
     * {@code port} and {@code peerPort}; fails with what it found otherwise. With {@code peerPort} -1 it
     * counts segments from any port and opens a probe connection before each look.
     */
    private static void awaitPackets(Path capture, int port, int peerPort, boolean endsOnly, int expected)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Object monitor = new Object();
        int found = 0;
        while (System.nanoTime() < deadline) {
            if (peerPort < 0) {
                probe(port);
            }
            found = Files.exists(capture)
                    ? Pcapng.tcpSegments(Files.readAllBytes(capture), port, peerPort, endsOnly) : 0;
            if (found >= expected) {
                return;
            }
            synchronized (monitor) {
                // A bounded poll, not a sleep on a guess: dumpcap flushes its file about every 100 ms.
                TimeUnit.MILLISECONDS.timedWait(monitor, 50);
            }
        }
        throw new AssertionError("the capture holds " + found + " of " + expected + (endsOnly ? " FIN or RST" : "")
                + " segments between ports " + port + " and " + peerPort);
    }
}
