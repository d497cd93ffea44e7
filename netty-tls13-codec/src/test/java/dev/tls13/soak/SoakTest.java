package dev.tls13.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.connection.SessionInfo;
import dev.tls13.error.TlsException;
import dev.tls13.netty.Tls13EarlyData;
import dev.tls13.netty.Tls13Handler;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocatorMetric;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Load and faults over real loopback sockets: one server (our handler, echo) and many clients (our
 * handler) with bounded concurrency, each doing a handshake and a transfer, a share of them aborting
 * at a random point of the handshake or of the data phase with a RST (SO_LINGER 0), a FIN without
 * close_notify, or half a record and a FIN — all three below the TLS handler, as a broken peer would.
 * Afterwards every server channel is closed, every pooled buffer released, the event loops shut down
 * within a bound and the heap is back near its baseline. Resumed connections are mixed in
 * (docs/architecture.md §15): the clients share one context, two thirds of them connect as the same peer
 * (localhost:443) and so resume with a ticket an earlier connection received, the others as a peer of their
 * own (a full handshake); both kinds must occur, and aborted resumed handshakes go through the same checks.
 * 0-RTT is mixed in too (RFC 8446 §2.3): the server accepts early data ({@code maxEarlyData}), and a third of the
 * clients use a second context with {@code earlyData(true)}, writing a request as soon as the channel is active; when
 * they resume with a ticket of that context it goes out as early data, which the server echoes from its
 * {@code Tls13EarlyData} messages. Some early data must be accepted.
 * TLS 1.2 is mixed in too (docs/architecture.md §16): the server enables both versions, and a quarter of the
 * clients are the JDK's engine (Netty's {@code SslHandler}) limited to TLS 1.2, with the same kinds of abort; the
 * server must have completed handshakes of both versions.
 *
 * <p>System properties for a long soak by hand: {@code tls13.soak.connections} (per transport,
 * default 1000), {@code tls13.soak.concurrency} (200), {@code tls13.soak.maxBytes} (262144),
 * {@code tls13.soak.seconds} (time bound per transport, 60), {@code tls13.soak.seed} (1),
 * {@code tls13.soak.abortPercent} (60).
 *
 * <p>The handshake timeouts are generous (30 s): on a loaded 2-core machine 200 concurrent handshakes
 * queue behind each other on one event loop per side, and a short timeout measures the machine, not
 * the handler.
 */
class SoakTest {

    private static final int CONNECTIONS = Integer.getInteger("tls13.soak.connections", 1000);
    private static final int CONCURRENCY = Integer.getInteger("tls13.soak.concurrency", 200);
    private static final int MAX_BYTES = Integer.getInteger("tls13.soak.maxBytes", 256 * 1024);
    private static final long SECONDS = Long.getLong("tls13.soak.seconds", 60);
    private static final long SEED = Long.getLong("tls13.soak.seed", 1);
    private static final int ABORT_PERCENT = Integer.getInteger("tls13.soak.abortPercent", 60);
    private static final long HEAP_TOLERANCE = 64L << 20;
    /** The request a 0-RTT client writes before its handshake completes. */
    private static final int EARLY_BYTES = 512;

    /** How a client ends. */
    enum Kind {
        COMPLETE, HANDSHAKE_RST, HANDSHAKE_FIN, HANDSHAKE_HALF_RECORD, DATA_RST, DATA_FIN, DATA_HALF_RECORD;

        boolean inHandshake() {
            return name().startsWith("HANDSHAKE");
        }
    }

    @Test
    void soakOverNio() throws Exception {
        soak("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
    }

    @Test
    void soakOverEpoll() throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable(), () -> "epoll not available, soak over epoll skipped: "
                + Epoll.unavailabilityCause());
        soak("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class, EpollSocketChannel.class);
    }

    private static void soak(String transport, IoHandlerFactory io, Class<? extends ServerChannel> serverType,
                             Class<? extends SocketChannel> clientType) throws Exception {
        // No thread caches, so that every released buffer goes back to its arena and the arenas'
        // active allocation counts prove that everything was released.
        PooledByteBufAllocator alloc = new PooledByteBufAllocator(true, 2, 2, 8192, 9, 0, 0, false);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long heapBefore = usedHeapAfterGc(memory);
        long activeBefore = activeAllocations(alloc);
        long directBefore = alloc.metric().usedDirectMemory();

        Issued leaf = TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P256)).dns("localhost").build();
        Tls13Context serverContext = Tls13Context.forServer(leaf.privateKey(),
                leaf.chain().toArray(new X509Certificate[0])).protocols("TLSv1.3", "TLSv1.2")
                .handshakeTimeout(30, TimeUnit.SECONDS).maxEarlyData(16 * 1024).build();
        Tls13Context clientContext = Tls13Context.forClient().trustManager(TestPki.ca(KeyType.EC_P256).certificate())
                .handshakeTimeout(30, TimeUnit.SECONDS).build();
        Tls13Context earlyClientContext = Tls13Context.forClient()
                .trustManager(TestPki.ca(KeyType.EC_P256).certificate()).earlyData(true)
                .handshakeTimeout(30, TimeUnit.SECONDS).build();
        // The TLS 1.2 clients are another implementation's: the JDK's engine.
        SslContext tls12ClientContext = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .protocols("TLSv1.2").trustManager(TestPki.ca(KeyType.EC_P256).certificate()).build();

        EventLoopGroup serverGroup = new MultiThreadIoEventLoopGroup(1, io);
        EventLoopGroup clientGroup = new MultiThreadIoEventLoopGroup(1, io);
        ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger serverClosed = new AtomicInteger();
        Map<String, LongAdder> serverFailures = new ConcurrentHashMap<>();
        Map<String, LongAdder> serverProtocols = new ConcurrentHashMap<>();
        Map<Kind, LongAdder> kinds = new ConcurrentHashMap<>();
        LongAdder completed = new LongAdder();
        LongAdder bytesEchoed = new LongAdder();
        LongAdder resumed = new LongAdder();
        LongAdder full = new LongAdder();
        LongAdder earlyAccepted = new LongAdder();
        LongAdder earlyEchoed = new LongAdder();
        Semaphore slots = new Semaphore(CONCURRENCY);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
        int started = 0;
        Channel server = null;
        try {
            server = new ServerBootstrap().group(serverGroup).channel(serverType)
                    .childOption(ChannelOption.ALLOCATOR, alloc)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            accepted.incrementAndGet();
                            children.add(ch);
                            ch.closeFuture().addListener(f -> serverClosed.incrementAndGet());
                            ch.pipeline().addLast(serverContext.newHandler(ch.alloc()), new ServerEcho(serverFailures,
                                    earlyEchoed, serverProtocols));
                        }
                    }).bind("127.0.0.1", 0).sync().channel();

            Random random = new Random(SEED);
            // A generator of its own, so the kinds and sizes are those of earlier runs with the same seed.
            Random peers = new Random(SEED + 1);
            Random zeroRtt = new Random(SEED + 2);
            Random versions = new Random(SEED + 3);
            for (; started < CONNECTIONS && System.nanoTime() < deadline; started++) {
                if (!slots.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    break;
                }
                Kind kind = random.nextInt(100) >= ABORT_PERCENT ? Kind.COMPLETE
                        : Kind.values()[1 + random.nextInt(6)];
                int bytes = 1024 + random.nextInt(MAX_BYTES - 1024 + 1);
                // Handshake aborts after 0 to ~1.5 KiB of the server's flight; data aborts part-way.
                long abortAfter = kind.inHandshake() ? random.nextInt(1500) : random.nextInt(bytes);
                kinds.computeIfAbsent(kind, k -> new LongAdder()).increment();
                int peerPort = peers.nextInt(3) == 0 ? 10_000 + started : 443;
                boolean tls12 = versions.nextInt(4) == 0;
                boolean early = !tls12 && zeroRtt.nextInt(3) == 0;
                Tls13Context context = early ? earlyClientContext : clientContext;
                Client client = new Client(kind, bytes, abortAfter, completed, bytesEchoed, resumed, full,
                        early ? earlyAccepted : null);
                new Bootstrap().group(clientGroup).channel(clientType).option(ChannelOption.ALLOCATOR, alloc)
                        .handler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                if (tls12) {
                                    SslHandler jdk = tls12ClientContext.newHandler(ch.alloc(), "localhost", peerPort);
                                    jdk.setHandshakeTimeout(30, TimeUnit.SECONDS);
                                    ch.pipeline().addLast(client.tap, jdk, client);
                                } else {
                                    ch.pipeline().addLast(client.tap, context.newHandler(ch.alloc(), "localhost",
                                            peerPort), client);
                                }
                            }
                        }).connect(server.localAddress()).addListener(f -> {
                            if (!f.isSuccess()) {
                                slots.release();
                                serverFailures.computeIfAbsent("client connect failed", k -> new LongAdder())
                                        .increment();
                            }
                        }).channel().closeFuture().addListener(f -> slots.release());
            }
            assertTrue(slots.tryAcquire(CONCURRENCY, Math.max(1, deadline - System.nanoTime()) + TimeUnit.SECONDS
                    .toNanos(20), TimeUnit.NANOSECONDS), "every client finished within the time bound");
            assertTrue(children.newCloseFuture().await(20, TimeUnit.SECONDS), "every server channel closed");
        } finally {
            if (server != null) {
                server.close().sync();
            }
            boolean clientStopped = clientGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(20, TimeUnit.SECONDS);
            boolean serverStopped = serverGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(20, TimeUnit.SECONDS);
            assertTrue(clientStopped && serverStopped, "event loops shut down within 20 s");
        }
        long heapAfter = usedHeapAfterGc(memory);
        long activeAfter = activeAllocations(alloc);
        long directAfter = alloc.metric().usedDirectMemory();

        Map<String, Long> abortCounts = new TreeMap<>();
        kinds.forEach((k, v) -> abortCounts.put(k.name(), v.sum()));
        Map<String, Long> failureCounts = new TreeMap<>();
        serverFailures.forEach((k, v) -> failureCounts.put(k, v.sum()));
        Map<String, Long> protocolCounts = new TreeMap<>();
        serverProtocols.forEach((k, v) -> protocolCounts.put(k, v.sum()));
        System.out.printf("soak over %s: %d connections (concurrency %d, seed %d), %d accepted, %d closed by the"
                        + " server, %d completed (%d MiB echoed)%n  clients by kind: %s%n  server-side failures: %s%n"
                        + "  pooled allocations active before/after: %d/%d, pooled direct memory before/after: %d/%d"
                        + " KiB%n  heap used after GC before/after: %d/%d MiB%n"
                        + "  client handshakes resumed/full: %d/%d, 0-RTT accepted: %d (%d KiB echoed)%n"
                        + "  server handshakes by protocol: %s%n",
                transport, started, CONCURRENCY, SEED, accepted.get(), serverClosed.get(), completed.sum(),
                bytesEchoed.sum() >> 20, abortCounts, failureCounts, activeBefore, activeAfter,
                directBefore >> 10, directAfter >> 10, heapBefore >> 20, heapAfter >> 20, resumed.sum(), full.sum(),
                earlyAccepted.sum(), earlyEchoed.sum() >> 10, protocolCounts);

        assertEquals(CONNECTIONS, started, "all connections started within the time bound");
        long stalled = kinds.get(Kind.COMPLETE).sum() - completed.sum();
        System.out.printf("  non-aborting clients that did not complete: %d%n", stalled);
        assertEquals(0, stalled, "every client that did not abort completed");
        assertTrue(resumed.sum() > 0, "resumed handshakes were mixed in");
        assertTrue(full.sum() > 0, "full handshakes were mixed in");
        assertTrue(earlyAccepted.sum() > 0, "0-RTT data was accepted");
        assertTrue(earlyEchoed.sum() > 0, "the server received early data as Tls13EarlyData");
        assertTrue(protocolCounts.getOrDefault("TLSv1.3", 0L) > 0, "TLS 1.3 handshakes completed: " + protocolCounts);
        assertTrue(protocolCounts.getOrDefault("TLSv1.2", 0L) > 0, "TLS 1.2 handshakes completed: " + protocolCounts);
        assertEquals(accepted.get(), serverClosed.get(), "every accepted server channel closed");
        assertTrue(children.isEmpty(), "no server channel left open");
        assertEquals(activeBefore, activeAfter, "every pooled buffer released");
        assertTrue(heapAfter <= heapBefore + HEAP_TOLERANCE, "heap back near its baseline: before "
                + (heapBefore >> 20) + " MiB, after " + (heapAfter >> 20) + " MiB");
    }

    private static long activeAllocations(PooledByteBufAllocator alloc) {
        PooledByteBufAllocatorMetric metric = alloc.metric();
        long active = 0;
        for (List<PoolArenaMetric> arenas : List.of(metric.heapArenas(), metric.directArenas())) {
            for (PoolArenaMetric a : arenas) {
                active += a.numActiveAllocations();
            }
        }
        return active;
    }

    private static long usedHeapAfterGc(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** The server's application: echo, count failures by alert or exception type and handshakes by protocol. */
    private static final class ServerEcho extends ChannelInboundHandlerAdapter {
        private final Map<String, LongAdder> failures;
        private final LongAdder earlyEchoed;
        private final Map<String, LongAdder> protocols;

        ServerEcho(Map<String, LongAdder> failures, LongAdder earlyEchoed, Map<String, LongAdder> protocols) {
            this.failures = failures;
            this.earlyEchoed = earlyEchoed;
            this.protocols = protocols;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Tls13EarlyData) {
                // 0-RTT data: echoed like the rest (the handler holds the write until the handshake completes).
                Tls13EarlyData early = (Tls13EarlyData) msg;
                earlyEchoed.add(early.content().readableBytes());
                ctx.write(early.content().retain());
                early.release();
                return;
            }
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent && !((SslHandshakeCompletionEvent) evt).isSuccess()) {
                count("handshake " + describe(((SslHandshakeCompletionEvent) evt).cause()));
            } else if (evt instanceof SslHandshakeCompletionEvent) {
                protocols.computeIfAbsent(ctx.pipeline().get(Tls13Handler.class).session().protocol(),
                        k -> new LongAdder()).increment();
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            count(describe(cause));
            ctx.close();
        }

        private void count(String key) {
            failures.computeIfAbsent(key, k -> new LongAdder()).increment();
        }

        private static String describe(Throwable cause) {
            if (cause instanceof TlsException) {
                return "alert " + ((TlsException) cause).failure().alert();
            }
            Throwable c = cause;
            while (c.getCause() != null && !(c instanceof TlsException)) {
                c = c.getCause();
            }
            if (c instanceof TlsException) {
                return "alert " + ((TlsException) c).failure().alert();
            }
            return cause.getClass().getSimpleName();
        }
    }

    /**
     * One client: the application handler at the tail, and a tap at the head of the pipeline (below
     * the TLS handler) that counts received bytes and aborts from there, so the abort skips our
     * handler's close_notify exactly as a crashing or hostile peer would.
     */
    private static final class Client extends ChannelInboundHandlerAdapter {
        private final Kind kind;
        private final int bytes;
        private final long abortAfter;
        private final LongAdder completed;
        private final LongAdder bytesEchoed;
        private final LongAdder resumed;
        private final LongAdder full;
        /** Counts accepted 0-RTT for a client that writes early; {@code null} for one that does not. */
        private final LongAdder earlyAccepted;
        private final Tap tap = new Tap();
        private long received;
        private boolean handshaken;

        Client(Kind kind, int bytes, long abortAfter, LongAdder completed, LongAdder bytesEchoed, LongAdder resumed,
               LongAdder full, LongAdder earlyAccepted) {
            this.kind = kind;
            this.earlyAccepted = earlyAccepted;
            this.resumed = resumed;
            this.full = full;
            this.bytes = bytes;
            this.abortAfter = abortAfter;
            this.completed = completed;
            this.bytesEchoed = bytesEchoed;
        }

        /** What the echo returns in all: the early request (accepted, or resent as 1-RTT data) and the transfer. */
        private long expected() {
            return bytes + (earlyAccepted != null ? EARLY_BYTES : 0);
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.fireChannelActive();
            if (earlyAccepted != null) {
                // Written before the handshake completes: 0-RTT data when the client resumes with a ticket that
                // allows it, else sent after the handshake.
                ByteBuf request = ctx.alloc().buffer(EARLY_BYTES);
                request.writerIndex(EARLY_BYTES);
                ctx.writeAndFlush(request);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent) {
                if (!((SslHandshakeCompletionEvent) evt).isSuccess()) {
                    ctx.close();
                    ctx.fireUserEventTriggered(evt);
                    return;
                }
                Tls13Handler ours = ctx.pipeline().get(Tls13Handler.class);
                // Only our clients' resumptions are counted; the JDK's TLS 1.2 clients count as full handshakes.
                SessionInfo session = ours == null ? null : ours.session();
                boolean wasResumed = session != null && session.resumed();
                (wasResumed ? resumed : full).increment();
                if (earlyAccepted != null && session != null && session.earlyDataAccepted()) {
                    earlyAccepted.increment();
                }
                if (kind.inHandshake()) {
                    // The server's flight was shorter than the abort point: abort right after it.
                    tap.abort();
                } else {
                    handshaken = true;
                    tap.received = 0;
                    ByteBuf data = ctx.alloc().buffer(bytes);
                    data.writerIndex(bytes);
                    ctx.writeAndFlush(data);
                }
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            received += buf.readableBytes();
            buf.release();
            if (received >= expected() && handshaken && kind == Kind.COMPLETE) {
                handshaken = false;
                completed.increment();
                bytesEchoed.add(received);
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        /** Sits next to the socket: counts received bytes, aborts below the TLS handler. */
        private final class Tap extends ChannelInboundHandlerAdapter {
            private ChannelHandlerContext ctx;
            private long received;
            private boolean aborted;

            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                this.ctx = ctx;
                ctx.fireChannelActive();
                if (kind != Kind.COMPLETE && kind.inHandshake() && abortAfter == 0) {
                    abort();
                }
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                received += ((ByteBuf) msg).readableBytes();
                boolean abortNow = kind != Kind.COMPLETE && !aborted && received > abortAfter
                        && (kind.inHandshake() || handshaken);
                ctx.fireChannelRead(msg);
                if (abortNow) {
                    abort();
                }
            }

            void abort() {
                if (aborted || !ctx.channel().isActive()) {
                    return;
                }
                aborted = true;
                switch (kind) {
                    case HANDSHAKE_RST:
                    case DATA_RST:
                        ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                        ctx.close();
                        break;
                    case HANDSHAKE_HALF_RECORD:
                    case DATA_HALF_RECORD:
                        // An application_data header announcing 100 bytes, then 10 of them and a FIN.
                        ByteBuf half = ctx.alloc().buffer(15).writeBytes(new byte[] {23, 3, 3, 0, 100});
                        half.writeZero(10);
                        ctx.writeAndFlush(half).addListener(f -> ctx.close());
                        break;
                    default:
                        // A FIN without close_notify.
                        ctx.close();
                        break;
                }
            }
        }
    }
}
