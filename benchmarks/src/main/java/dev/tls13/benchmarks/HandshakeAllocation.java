package dev.tls13.benchmarks;

import dev.tls13.testing.TestPki;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Heap allocated per handshake by each end separately, which {@link HandshakeBenchmark}'s {@code -prof gc} cannot
 * tell apart (it runs both ends on one thread and reports their sum, channels included). Not a JMH benchmark:
 *
 * <pre>java -cp benchmarks.jar dev.tls13.benchmarks.HandshakeAllocation STACK MODE [N]</pre>
 *
 * <p>{@code STACK} as for {@link Stack} ({@code OURS}, {@code JDK}, {@code OPENSSL}), {@code MODE} a
 * {@link Stack.Mode}; x25519 and ECDSA P-256, TLS 1.3, as in the resumption rows of benchmarks/README.md. Each
 * handshake runs like {@code HandshakeBenchmark.handshake}, but the calling thread's allocation counter
 * ({@code com.sun.management.ThreadMXBean.getCurrentThreadAllocatedBytes}) is read around every step, and the
 * bytes go to the end that did the step: creating its channel and handler (the client's sends its ClientHello),
 * reading the other end's records ({@code writeInbound} runs that end's whole reaction, its replies included),
 * and closing. The same steps without a TLS handler, measured the same way, are the channels' own share, reported
 * apart and subtracted. After {@code N} warm-up handshakes (default 20,000, enough for the JIT), it averages
 * {@code N} more and prints one JSON line.
 */
public final class HandshakeAllocation {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final Stack.Contexts contexts;
    private final boolean resumes;
    private long client;
    private long server;

    private HandshakeAllocation(Stack.Contexts contexts, boolean resumes) {
        this.contexts = contexts;
        this.resumes = resumes;
    }

    /**
     * Runs the measurement.
     *
     * @param args stack, mode and number of handshakes
     * @throws Exception if a handshake fails
     */
    public static void main(String[] args) throws Exception {
        Stack stack = Stack.valueOf(args.length > 0 ? args[0] : "OURS");
        Stack.Mode mode = Stack.Mode.valueOf(args.length > 1 ? args[1] : "RESUMED");
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        if (stack == Stack.JDK) {
            Stack.restrictJdkGroup("x25519");
        }
        HandshakeAllocation tls = new HandshakeAllocation(stack.contexts(null, "x25519", TestPki.KeyType.EC_P256,
                mode, null, Stack.TLS13), mode.resumes());
        HandshakeAllocation plain = new HandshakeAllocation(null, false);
        for (int i = 0; i < n; i++) {
            tls.handshake();
            plain.handshake();
        }
        tls.client = tls.server = plain.client = plain.server = 0;
        for (int i = 0; i < n; i++) {
            tls.handshake();
            plain.handshake();
        }
        double c = (double) tls.client / n;
        double s = (double) tls.server / n;
        double pc = (double) plain.client / n;
        double ps = (double) plain.server / n;
        System.out.printf(Locale.ROOT, "{\"jdk\": \"%s\", \"stack\": \"%s\", \"mode\": \"%s\", \"handshakes\": %d, "
                        + "\"clientBytes\": %.0f, \"serverBytes\": %.0f, \"channelBytesClient\": %.0f, "
                        + "\"channelBytesServer\": %.0f, \"clientTlsBytes\": %.0f, \"serverTlsBytes\": %.0f}%n",
                System.getProperty("java.version"), stack, mode, n, c, s, pc, ps, c - pc, s - ps);
    }

    /** One handshake, its allocation attributed to the end that made it. */
    private void handshake() {
        long mark = THREADS.getCurrentThreadAllocatedBytes();
        EmbeddedChannel serverChannel = new EmbeddedChannel();
        serverChannel.pipeline().addLast(handler(false, serverChannel), new Pair.Sink());
        mark = charge(mark, false);
        EmbeddedChannel clientChannel = new EmbeddedChannel();
        clientChannel.pipeline().addLast(handler(true, clientChannel), new Pair.Sink());
        mark = charge(mark, true);
        // A plain pair carries one message each way, so its channels do the same kind of work.
        if (contexts == null) {
            clientChannel.writeOutbound(clientChannel.alloc().buffer(1).writeByte(1));
            mark = charge(mark, true);
        }
        for (;;) {
            int moved = Pair.carry(clientChannel, serverChannel);
            mark = charge(mark, false);
            if (contexts == null && moved > 0) {
                serverChannel.writeOutbound(serverChannel.alloc().buffer(1).writeByte(1));
                mark = charge(mark, false);
            }
            moved += Pair.carry(serverChannel, clientChannel);
            mark = charge(mark, true);
            if (moved == 0) {
                break;
            }
        }
        if (contexts != null) {
            Pair.check(Pair.handshakeFuture(clientChannel.pipeline().first()), "client");
            Pair.check(Pair.handshakeFuture(serverChannel.pipeline().first()), "server");
            mark = THREADS.getCurrentThreadAllocatedBytes();
        }
        if (resumes) {
            // As HandshakeBenchmark: a BoringSSL server sends its tickets only once it writes application data.
            serverChannel.writeAndFlush(serverChannel.alloc().buffer(1).writeByte(1));
            mark = charge(mark, false);
            Pair.carry(serverChannel, clientChannel);
            mark = charge(mark, true);
        }
        clientChannel.finishAndReleaseAll();
        mark = charge(mark, true);
        serverChannel.finishAndReleaseAll();
        charge(mark, false);
    }

    private ChannelHandler handler(boolean isClient, EmbeddedChannel channel) {
        if (contexts == null) {
            return new io.netty.channel.ChannelInboundHandlerAdapter();
        }
        return (isClient ? contexts.client() : contexts.server()).newHandler(channel.alloc());
    }

    /** Adds what was allocated since {@code mark} to one end, and returns the new mark. */
    private long charge(long mark, boolean toClient) {
        long now = THREADS.getCurrentThreadAllocatedBytes();
        if (toClient) {
            client += now - mark;
        } else {
            server += now - mark;
        }
        return THREADS.getCurrentThreadAllocatedBytes();
    }
}
