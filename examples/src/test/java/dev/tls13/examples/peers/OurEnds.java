package dev.tls13.examples.peers;

import dev.tls13.Tls13Context;
import dev.tls13.Tls13ContextBuilder;
import dev.tls13.connection.SessionInfo;
import dev.tls13.netty.Tls13Handler;
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
import io.netty.handler.ssl.SslCloseCompletionEvent;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Our TLS ends for the peer matrix: an in-process echo server and a scripted client (also as a main). */
final class OurEnds {

    static final long WAIT_SECONDS = 20;
    /** What a client with earlyData=true writes before its resumed connection is established. */
    static final String EARLY_TEXT = "early-data-from-our-client\n";
    static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

    private OurEnds() {
    }

    /** Received bytes, close_notify and channel end of one connection, observable with bounded waits. */
    static final class Collector extends ChannelInboundHandlerAdapter {
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private boolean inactive;
        volatile Tls13Handler handler;
        volatile Throwable exception;
        /**
         * Server behaviour: echo everything; "update-keys" in the data makes it send KeyUpdate(update_requested)
         * before echoing, "close-please" makes it send close_notify and close after echoing.
         */
        private final boolean echo;
        private boolean keyUpdated;
        private boolean closing;

        Collector(boolean echo) {
            this.echo = echo;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            String text;
            synchronized (this) {
                byte[] bytes = new byte[buf.readableBytes()];
                buf.getBytes(buf.readerIndex(), bytes);
                received.write(bytes, 0, bytes.length);
                text = received.toString(StandardCharsets.ISO_8859_1);
                notifyAll();
            }
            if (!echo) {
                buf.release();
                return;
            }
            if (!keyUpdated && text.contains("update-keys")) {
                keyUpdated = true;
                handler.updateKeys(true);
            }
            ctx.writeAndFlush(buf);
            if (!closing && text.contains("close-please")) {
                closing = true;
                handler.closeOutbound().addListener(f -> ctx.close());
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            // Like an application: answer the peer's close_notify by closing (which sends ours).
            if (echo && evt == SslCloseCompletionEvent.SUCCESS) {
                ctx.close();
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            synchronized (this) {
                inactive = true;
                notifyAll();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            exception = cause;
            ctx.close();
        }

        synchronized byte[] received() {
            return received.toByteArray();
        }

        synchronized boolean awaitText(String text, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (!received.toString(StandardCharsets.ISO_8859_1).contains(text)) {
                long left = deadline - System.nanoTime();
                if (inactive || left <= 0) {
                    return false;
                }
                wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
            return true;
        }

        synchronized boolean awaitLength(int length, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (received.size() < length) {
                long left = deadline - System.nanoTime();
                if (inactive || left <= 0) {
                    return false;
                }
                wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
            return true;
        }

        synchronized boolean awaitInactive(long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (!inactive) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
            return true;
        }

        boolean closeNotifyReceived() {
            Tls13Handler h = handler;
            return h != null && h.sslCloseFuture().isSuccess();
        }
    }

    /** An in-process echo server on 127.0.0.1 (random port) that records its connections. */
    static final class Server implements AutoCloseable {
        private final Channel listener;
        private final BlockingQueue<Collector> connections = new LinkedBlockingQueue<>();

        Server(Tls13Context context) throws InterruptedException {
            listener = new ServerBootstrap().group(GROUP).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            Tls13Handler handler = context.newHandler(ch.alloc());
                            Collector collector = new Collector(true);
                            collector.handler = handler;
                            ch.pipeline().addLast(handler, collector);
                            connections.add(collector);
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        }

        int port() {
            return ((InetSocketAddress) listener.localAddress()).getPort();
        }

        /** The next accepted connection whose handshake completed (or failed). */
        Collector awaitConnection() throws InterruptedException {
            Collector c = connections.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            if (c == null) {
                throw new AssertionError("no connection reached our server within " + WAIT_SECONDS + " s");
            }
            c.handler.handshakeFuture().await(WAIT_SECONDS, TimeUnit.SECONDS);
            return c;
        }

        @Override
        public void close() {
            listener.close().syncUninterruptibly();
        }
    }

    /** A port that was free on 127.0.0.1 a moment ago (for peers that cannot report the port they bound). */
    static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The parts of our session a case checks, as text. */
    static void describe(SessionInfo s, Map<String, String> out) {
        out.put("suite", String.valueOf(s.cipherSuite()));
        out.put("group", String.valueOf(s.namedGroup()));
        out.put("peerSig", String.valueOf(s.peerSignatureScheme()));
        out.put("localSig", String.valueOf(s.localSignatureScheme()));
        out.put("alpn", String.valueOf(s.applicationProtocol()));
        out.put("sni", String.valueOf(s.serverName()));
        out.put("hrr", String.valueOf(s.helloRetryRequest()));
        out.put("resumed", String.valueOf(s.resumed()));
        out.put("earlyDataAccepted", String.valueOf(s.earlyDataAccepted()));
        out.put("peerCerts", String.valueOf(s.peerCertificates().size()));
        out.put("localCerts", String.valueOf(s.localCertificates().size()));
        if (!s.peerCertificates().isEmpty()) {
            X509Certificate leaf = s.peerCertificates().get(0);
            out.put("peerSubject", leaf.getSubjectX500Principal().getName());
            out.put("peerKey", leaf.getPublicKey().getAlgorithm());
        }
    }

    /**
     * Runs our client against a peer server, scripted by {@code options}:
     * <ul>
     *   <li>mode=www: sends {@code GET /path HTTP/1.0} and reads until the peer closes;</li>
     *   <li>mode=echo: sends the file {@code payload} (or a short line) and waits for it to come back;</li>
     *   <li>mode=interactive: (OpenSSL s_server without -www) a line each way through the peer's stdin/stdout.</li>
     * </ul>
     * Other options: suites, groups, keyShares, sigs, alpn, cert/key, trust, peerKeyUpdate (k or K),
     * ourKeyUpdate, close (us or peer), pskModes, resume (true: a first connection with the same context
     * leaves its tickets in the session cache, the outcome is the second connection's), earlyData (true: 0-RTT on;
     * the resumed connection writes {@link #EARLY_TEXT} before it connects, so it goes out as early data, and
     * reports the outcome of that write as "earlyWrite").
     *
     * @param o the options
     * @param port the peer's port on 127.0.0.1
     * @param peer the peer process (for interactive mode), or {@code null}
     * @return the outcome as key/value text
     */
    static Map<String, String> runClient(Map<String, String> o, int port, Proc peer) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        Tls13ContextBuilder b = Tls13Context.forClient().trustManager(new File(o.get("trust")));
        if (o.containsKey("suites")) {
            b.cipherSuites(o.get("suites").split(","));
        }
        if (o.containsKey("groups")) {
            b.namedGroups(o.get("groups").split(","));
        }
        if (o.containsKey("keyShares")) {
            b.keyShares(Integer.parseInt(o.get("keyShares")));
        }
        if (o.containsKey("sigs")) {
            b.signatureSchemes(o.get("sigs").split(","));
        }
        if (o.containsKey("alpn")) {
            b.applicationProtocols(o.get("alpn").split(","));
        }
        if (o.containsKey("cert")) {
            b.keyManager(new File(o.get("cert")), new File(o.get("key")));
        }
        if (o.containsKey("pskModes")) {
            b.pskKeyExchangeModes(o.get("pskModes").split(","));
        }
        boolean earlyData = "true".equals(o.get("earlyData"));
        b.earlyData(earlyData);
        Tls13Context context = b.build();
        if ("true".equals(o.get("resume"))) {
            // Two connections with one context: the first receives tickets, the second offers one.
            Map<String, String> first = runConnection(context, o, port, peer, null);
            out.put("firstResumed", String.valueOf(first.get("resumed")));
            out.put("firstError", String.valueOf(first.get("error")));
            out.put("cachedTickets", String.valueOf(context.sessionCache().size()));
        }
        out.putAll(runConnection(context, o, port, peer, earlyData ? EARLY_TEXT : null));
        return out;
    }

    private static Map<String, String> runConnection(Tls13Context context, Map<String, String> o, int port, Proc peer,
                                                     String early) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        Collector collector = new Collector(false);
        CompletableFuture<String> earlyWrite = new CompletableFuture<>();
        Channel channel = new Bootstrap().group(GROUP).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Tls13Handler handler = context.newHandler(ch.alloc(), "localhost", port);
                        collector.handler = handler;
                        ch.pipeline().addLast(handler, collector);
                        if (early != null) {
                            // Before the channel connects: with a ticket allowing it, 0-RTT data.
                            ch.writeAndFlush(Unpooled.copiedBuffer(early, StandardCharsets.US_ASCII)).addListener(
                                    f -> earlyWrite.complete(f.isSuccess() ? "success" : String.valueOf(f.cause())));
                        }
                    }
                })
                .connect(new InetSocketAddress("127.0.0.1", port)).sync().channel();
        try {
            Tls13Handler handler = collector.handler;
            if (!handler.handshakeFuture().await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("handshake did not complete within " + WAIT_SECONDS + " s");
            }
            if (!handler.handshakeFuture().isSuccess()) {
                out.put("error", String.valueOf(handler.handshakeFuture().cause()));
                return out;
            }
            describe(handler.session(), out);
            if (early != null) {
                out.put("earlyWrite", earlyWrite.get(WAIT_SECONDS, TimeUnit.SECONDS));
            }
            out.put("crypto", handler.context().cryptoProvider().getClass().getSimpleName());
            String mode = o.getOrDefault("mode", "echo");
            List<String> steps = new ArrayList<>();
            if ("interactive".equals(mode)) {
                if (o.containsKey("peerKeyUpdate")) {
                    peer.write(o.get("peerKeyUpdate") + "\n");
                    steps.add("peer sent KeyUpdate=" + peer.await(">>> TLS 1.3, Handshake [length 0005], KeyUpdate",
                            WAIT_SECONDS));
                }
                if (o.containsKey("ourKeyUpdate")) {
                    handler.updateKeys(true).await(WAIT_SECONDS, TimeUnit.SECONDS);
                }
                channel.writeAndFlush(Unpooled.copiedBuffer("ping-from-our-client\n", StandardCharsets.US_ASCII));
                steps.add("peer got ping=" + peer.await("ping-from-our-client", WAIT_SECONDS));
                peer.write("pong-from-peer\n");
                steps.add("we got pong=" + collector.awaitText("pong-from-peer", WAIT_SECONDS));
                if (o.containsKey("ourKeyUpdate")) {
                    // The peer answers our update_requested before its next data (RFC 8446 §4.6.3); wait
                    // until its trace shows it, so the check does not race the end of its output.
                    steps.add("peer answered KeyUpdate=" + peer.await(
                            ">>> TLS 1.3, Handshake [length 0005], KeyUpdate", WAIT_SECONDS));
                }
                if ("K".equals(o.get("peerKeyUpdate"))) {
                    // Our answer to the peer's update_requested can follow our ping when the ping crossed the
                    // peer's KeyUpdate on the wire; wait until the peer's trace shows it, as above.
                    steps.add("we answered KeyUpdate=" + peer.await(
                            "<<< TLS 1.3, Handshake [length 0005], KeyUpdate", WAIT_SECONDS));
                }
                if ("peer".equals(o.get("close"))) {
                    peer.write("Q\n");
                    collector.awaitInactive(WAIT_SECONDS);
                }
            } else if ("www".equals(mode)) {
                if (o.containsKey("ourKeyUpdate")) {
                    handler.updateKeys(true).await(WAIT_SECONDS, TimeUnit.SECONDS);
                }
                channel.writeAndFlush(Unpooled.copiedBuffer("GET /" + o.getOrDefault("path", "")
                        + " HTTP/1.0\r\n\r\n", StandardCharsets.US_ASCII));
                steps.add("peer closed=" + handler.sslCloseFuture().await(WAIT_SECONDS, TimeUnit.SECONDS));
            } else {
                if (o.containsKey("ourKeyUpdate")) {
                    handler.updateKeys(true).await(WAIT_SECONDS, TimeUnit.SECONDS);
                }
                byte[] payload = o.containsKey("payload") ? Files.readAllBytes(new File(o.get("payload")).toPath())
                        : "ping-from-our-client\n".getBytes(StandardCharsets.US_ASCII);
                channel.writeAndFlush(Unpooled.wrappedBuffer(payload));
                steps.add("echo complete=" + collector.awaitLength(payload.length, WAIT_SECONDS));
                out.put("payloadSha256", sha256(payload));
                out.put("payloadLength", String.valueOf(payload.length));
            }
            if ("us".equals(o.get("close"))) {
                steps.add("close_notify written=" + handler.closeOutbound().await(WAIT_SECONDS, TimeUnit.SECONDS));
                // A peer answers close_notify with its own (RFC 8446 §6.1): wait for it before closing.
                handler.sslCloseFuture().await(WAIT_SECONDS, TimeUnit.SECONDS);
            }
            byte[] received = collector.received();
            out.put("receivedLength", String.valueOf(received.length));
            out.put("receivedSha256", sha256(received));
            int body = indexOf(received, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            if (body >= 0) {
                byte[] b2 = Arrays.copyOfRange(received, body + 4, received.length);
                out.put("bodyLength", String.valueOf(b2.length));
                out.put("bodySha256", sha256(b2));
            }
            out.put("received", received.length <= 65536 ? new String(received,
                    StandardCharsets.ISO_8859_1) : "(large)");
            out.put("closeNotifyReceived", String.valueOf(collector.closeNotifyReceived()));
            out.put("closeCause", String.valueOf(handler.sslCloseFuture().cause()));
            out.put("exception", String.valueOf(collector.exception));
            out.put("steps", String.join("; ", steps));
            return out;
        } finally {
            channel.close().await(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * Starts a peer server ({@code PORT} in its command is replaced by a free port), waits until it
     * prints {@code ready}, runs our client, waits for each of {@code peerExpect} in its output, then
     * kills it. The peer's output is returned under "peerOutput".
     */
    static Map<String, String> againstPeerServer(Map<String, String> options, List<String> command, File dir,
                                                 String ready) throws Exception {
        // A free port can be taken again before the peer binds it (a peer of the previous case may
        // still hold it while it exits): start again on another port when the bind fails.
        for (int attempt = 1; ; attempt++) {
            Map<String, String> out = againstPeerServerOnce(options, command, dir, ready, freePort());
            String error = out.get("error");
            if (attempt == 3 || error == null || !error.contains("Address already in use")) {
                return out;
            }
        }
    }

    private static Map<String, String> againstPeerServerOnce(Map<String, String> options, List<String> command,
                                                             File dir, String ready, int port) throws Exception {
        List<String> cmd = new ArrayList<>();
        for (String arg : command) {
            cmd.add(arg.replace("PORT", String.valueOf(port)));
        }
        Map<String, String> out = new LinkedHashMap<>();
        try (Proc peer = Proc.start(cmd, dir)) {
            if (!peer.await(ready.replace("PORT", String.valueOf(port)), WAIT_SECONDS)) {
                out.put("error", "peer did not start: " + peer.output());
                return out;
            }
            try {
                out.putAll(runClient(options, port, peer));
            } catch (Exception | AssertionError e) {
                out.put("error", String.valueOf(e));
            }
            String expect = options.get("peerExpect");
            if (expect != null) {
                for (String text : expect.split("\\|")) {
                    peer.await(text, 5);
                }
            }
            peer.close();
            out.put("peerOutput", peer.output());
        }
        return out;
    }

    /**
     * For the JCA-only pass: installs BouncyCastle's JCA provider last, unless a provider already offers
     * {@code AES/CCM/NoPadding}, as a user of the JCA-only mode does who wants the CCM suites (the JDK has no
     * AES-CCM). Last, so every other primitive still comes from the JDK's providers.
     *
     * @return the provider installed, or {@code null} when none was needed
     */
    static Provider installCcmProvider() {
        try {
            javax.crypto.Cipher.getInstance("AES/CCM/NoPadding");
            return null;
        } catch (java.security.GeneralSecurityException e) {
            Provider bc = new org.bouncycastle.jce.provider.BouncyCastleProvider();
            if (Security.addProvider(bc) < 0) {
                throw new IllegalStateException("a provider named " + bc.getName()
                        + " is installed but has no AES-CCM");
            }
            return bc;
        }
    }

    /**
     * Runs a batch of client cases inside the private network namespace the caller created. The only
     * argument is a file with one case per line: tab-separated fields {@code id}, {@code key=value}
     * options, {@code --}, then the peer server's command. Prints each outcome as
     * {@code R id key base64(value)}.
     *
     * @param args the batch file
     */
    public static void main(String[] args) throws Exception {
        if ("jca".equals(System.getProperty(Tls13ContextBuilder.CRYPTO_PROPERTY))) {
            installCcmProvider();
        }
        List<String> lines = Files.readAllLines(new File(args[0]).toPath(), StandardCharsets.UTF_8);
        PrintStream stdout = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (String line : lines) {
                done.add(pool.submit(() -> runBatchLine(line, stdout)));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
            GROUP.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        System.exit(0);
    }

    private static void runBatchLine(String line, PrintStream stdout) {
        String[] fields = line.split("\t");
        String id = fields[0];
        Map<String, String> options = new LinkedHashMap<>();
        int i = 1;
        for (; i < fields.length && !fields[i].equals("--"); i++) {
            int eq = fields[i].indexOf('=');
            options.put(fields[i].substring(0, eq), fields[i].substring(eq + 1));
        }
        List<String> command = List.of(fields).subList(i + 1, fields.length);
        Map<String, String> out;
        try {
            out = againstPeerServer(options, command, new File(options.get("dir")), options.get("ready"));
        } catch (Exception | AssertionError e) {
            out = Map.of("error", String.valueOf(e));
        }
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, String> e : out.entrySet()) {
            text.append("R ").append(id).append(' ').append(e.getKey()).append(' ')
                    .append(Base64.getEncoder().encodeToString(e.getValue().getBytes(StandardCharsets.UTF_8)))
                    .append('\n');
        }
        synchronized (stdout) {
            stdout.print(text);
            stdout.flush();
        }
    }
}
