package dev.tls13.ecosys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.connection.ClientHelloInfo;
import dev.tls13.netty.Tls13EarlyData;
import dev.tls13.netty.Tls13Handler;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our server with 0-RTT on against OpenSSL 3.0's {@code s_client -sess_in s.pem -early_data req.txt}
 * (RFC 8446 §4.2.10, §8): the early data is accepted and reaches the pipeline as {@link Tls13EarlyData}, before
 * the handshake completes; the same session file again is a replay of the ticket: "Early data was rejected", a
 * resumed 1-RTT handshake, no alert. And {@code gnutls-cli --resume --earlydata=FILE}: accepted, marked.
 */
class ZeroRttPeersTest {

    private static final String REQUEST = "GET /idempotent HTTP/1.0\r\n\r\n";

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

    /** What one connection's pipeline received after our handler, in order. */
    static final class Received extends ChannelInboundHandlerAdapter {
        final Tls13Handler handler;
        final List<String> events = new ArrayList<>();
        final StringBuilder early = new StringBuilder();

        Received(Tls13Handler handler) {
            this.handler = handler;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Tls13EarlyData e) {
                    synchronized (this) {
                        events.add("early" + (handler.handshakeFuture().isDone() ? " after" : " before")
                                + " the handshake");
                        early.append(e.content().toString(StandardCharsets.US_ASCII));
                    }
                } else if (msg instanceof ByteBuf) {
                    synchronized (this) {
                        events.add("1-RTT");
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        synchronized List<String> events() {
            return List.copyOf(events);
        }

        synchronized String early() {
            return early.toString();
        }
    }

    private static Channel ourServer(Tls13Context context, BlockingQueue<Received> connections) throws Exception {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Tls13Handler handler = context.newHandler(ch.alloc());
                        Received received = new Received(handler);
                        ch.pipeline().addLast(handler, received);
                        connections.add(received);
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

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

    private static Received handshaken(BlockingQueue<Received> connections) throws Exception {
        Received r = connections.poll(20, TimeUnit.SECONDS);
        assertTrue(r != null, "a connection was accepted");
        assertTrue(r.handler.handshakeFuture().await(20, TimeUnit.SECONDS));
        assertTrue(r.handler.handshakeFuture().isSuccess(), () -> String.valueOf(r.handler.handshakeFuture().cause()));
        return r;
    }

    @Test
    void openSslEarlyDataIsAcceptedOnceAndMarked() throws Exception {
        Path openssl = ExternalProcess.require("openssl", "openssl");
        Tls13Context context = Tls13Context.forServer(leaf.privateKey(), leaf.chain().toArray(new X509Certificate[0]))
                .maxEarlyData(16_384).build();
        BlockingQueue<Received> connections = new LinkedBlockingQueue<>();
        Channel server = ourServer(context, connections);
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        Path session = dir.resolve("s.pem");
        Path request = dir.resolve("req.txt");
        Files.writeString(request, REQUEST, StandardCharsets.US_ASCII);
        try {
            String out1 = sClient(openssl, port, l -> l.startsWith("Post-Handshake New Session Ticket arrived"),
                    "-sess_out", session.toString());
            assertTrue(out1.contains("New, TLSv1.3"), out1);
            Received full = handshaken(connections);
            assertFalse(full.handler.session().earlyDataAccepted());

            String out2 = sClient(openssl, port, l -> l.contains("Early data was"), "-sess_in", session.toString(),
                    "-early_data", request.toString());
            assertTrue(out2.contains("Early data was accepted"), out2);
            assertTrue(out2.contains("Reused, TLSv1.3"), out2);
            Received resumed = handshaken(connections);
            assertTrue(resumed.handler.session().resumed());
            assertTrue(resumed.handler.session().earlyDataAccepted());
            assertEquals(REQUEST, resumed.early(), "the early bytes, marked as early data");
            assertTrue(resumed.events().stream().allMatch(e -> e.equals("early before the handshake")),
                    resumed.events()::toString);

            // The same session file again: the same ticket, seen within its freshness window (RFC 8446 §8).
            String out3 = sClient(openssl, port, l -> l.contains("Early data was"), "-sess_in", session.toString(),
                    "-early_data", request.toString());
            assertTrue(out3.contains("Early data was rejected"), out3);
            assertFalse(out3.toLowerCase(Locale.ROOT).contains("alert"), out3);
            Received replayed = handshaken(connections);
            assertTrue(replayed.handler.session().resumed(), "still a resumption, in 1-RTT");
            assertFalse(replayed.handler.session().earlyDataAccepted());
            assertEquals("", replayed.early(), "nothing was delivered as early data");
        } finally {
            server.close().sync();
        }
    }

    /**
     * Per-connection settings through the accept step (docs/architecture.md §13): maxEarlyData lives in the chosen
     * context's configuration, so 0-RTT is on for one server name and off for another behind one handler.
     */
    @Test
    void acceptStepEnablesZeroRttForOneServerNameOnly() throws Exception {
        Path openssl = ExternalProcess.require("openssl", "openssl");
        X509Certificate[] chain = leaf.chain().toArray(new X509Certificate[0]);
        Tls13Context early = Tls13Context.forServer(leaf.privateKey(), chain).maxEarlyData(16_384).build();
        Tls13Context plain = Tls13Context.forServer(leaf.privateKey(), chain).build();
        BlockingQueue<Received> connections = new LinkedBlockingQueue<>();
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Tls13Handler handler = new Tls13Handler((ClientHelloInfo hello, Promise<Tls13Context> p) ->
                                p.setSuccess("early.localhost".equals(hello.serverName()) ? early : plain), plain);
                        Received received = new Received(handler);
                        ch.pipeline().addLast(handler, received);
                        connections.add(received);
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        Path request = dir.resolve("sni-req.txt");
        Files.writeString(request, REQUEST, StandardCharsets.US_ASCII);
        try {
            for (String name : List.of("early.localhost", "plain.localhost")) {
                Path session = dir.resolve(name + ".pem");
                sClient(openssl, port, l -> l.startsWith("Post-Handshake New Session Ticket arrived"),
                        "-servername", name, "-sess_out", session.toString());
                handshaken(connections);
                String out = sClient(openssl, port, l -> l.contains("Early data was"), "-servername", name,
                        "-sess_in", session.toString(), "-early_data", request.toString());
                Received resumed = handshaken(connections);
                assertTrue(resumed.handler.session().resumed(), out);
                boolean on = name.startsWith("early");
                // The other name's tickets carry no early_data, so s_client does not even try (RFC 8446 §4.6.1).
                assertTrue(out.contains(on ? "Early data was accepted" : "Early data was not sent"), out);
                assertEquals(on, resumed.handler.session().earlyDataAccepted());
                assertEquals(on ? REQUEST : "", resumed.early());
            }
        } finally {
            server.close().sync();
        }
    }

    @Test
    void gnutlsEarlyDataIsAcceptedAndMarked() throws Exception {
        Path gnutls = ExternalProcess.require("gnutls-cli", "gnutls-bin");
        Path caFile = dir.resolve("ca.pem");
        Files.writeString(caFile, TestPki.pem(List.of(TestPki.ca(KeyType.EC_P256).certificate())),
                StandardCharsets.US_ASCII);
        Path request = dir.resolve("gnutls-req.txt");
        Files.writeString(request, REQUEST, StandardCharsets.US_ASCII);
        Tls13Context context = Tls13Context.forServer(leaf.privateKey(), leaf.chain().toArray(new X509Certificate[0]))
                .maxEarlyData(16_384).build();
        BlockingQueue<Received> connections = new LinkedBlockingQueue<>();
        Channel server = ourServer(context, connections);
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        try (ExternalProcess p = ExternalProcess.start(dir, gnutls.toString(), "localhost", "-p",
                Integer.toString(port), "--x509cafile", caFile.toString(), "--resume", "--waitresumption",
                "--earlydata=" + request, "--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.3")) {
            assertTrue(p.awaitLine(l -> l.contains("This is a resumed session"), 20, TimeUnit.SECONDS).isPresent(),
                    p::output);
            Received full = handshaken(connections);
            assertFalse(full.handler.session().resumed());
            Received resumed = handshaken(connections);
            assertTrue(resumed.handler.session().resumed());
            assertTrue(resumed.handler.session().earlyDataAccepted(), p::output);
            assertEquals(REQUEST, resumed.early(), "the early bytes, marked as early data");
            assertTrue(resumed.events().stream().allMatch(e -> e.equals("early before the handshake")),
                    resumed.events()::toString);
            p.closeInput();
        } finally {
            server.close().sync();
        }
    }
}
