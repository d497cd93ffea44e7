package dev.tls13.benchmarks;

import dev.tls13.testing.TestPki;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocatorMetric;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Retained memory per idle established connection pair (not a JMH benchmark: a measurement needs one
 * quiet JVM per stack, see {@code run.sh}):
 *
 * <pre>java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -cp benchmarks.jar dev.tls13.benchmarks.IdleMemory STACK N</pre>
 *
 * <p>{@code STACK} is {@code PLAIN} (two {@link EmbeddedChannel}s with a sink handler each, no TLS: the
 * baseline), {@code OURS}, {@code JDK} or {@code OPENSSL}. After a warm-up of max(200, N) pairs (classes, caches,
 * allocator arenas, JIT-compiled code, so that the RSS growth is not code cache), it establishes {@code N} pairs (x25519, ECDSA P-256), sends one 1 KiB message each
 * way, carries everything so both ends are idle, runs full GCs and reports per pair:
 * <ul>
 *   <li>{@code heap}: used heap after full GC ({@link MemoryMXBean}) minus the same before the pairs;</li>
 *   <li>{@code pooled}: bytes of Netty's pooled allocator in use (heap + direct), i.e. buffers an idle
 *       connection still holds;</li>
 *   <li>{@code direct}: Netty's direct-memory counter ({@code PlatformDependent.usedDirectMemory()});</li>
 *   <li>{@code rss}: growth of the process's resident set ({@code /proc/self/status} VmRSS); with a
 *       pre-touched fixed heap ({@code -Xms = -Xmx}, {@code -XX:+AlwaysPreTouch}) that is native memory:
 *       BoringSSL's {@code SSL} objects, direct buffers, plus noise from metaspace and code cache.</li>
 * </ul>
 * One JSON object per run goes to standard output.
 */
public final class IdleMemory {

    private IdleMemory() {
    }

    /**
     * Runs one measurement.
     *
     * @param args stack name and number of pairs
     * @throws Exception if a handshake fails
     */
    public static void main(String[] args) throws Exception {
        String stackName = args.length > 0 ? args[0] : "OURS";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        boolean plain = stackName.equals("PLAIN");
        Stack.Contexts contexts = plain ? null : Stack.valueOf(stackName).contexts(null, "x25519",
                TestPki.KeyType.EC_P256);

        List<Object> warm = new ArrayList<>();
        for (int i = 0; i < Math.max(200, n); i++) {
            warm.add(establish(contexts));
        }
        for (Object o : warm) {
            discard(o);
        }
        warm.clear();

        Snapshot before = Snapshot.take();
        List<Object> pairs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            pairs.add(establish(contexts));
        }
        Snapshot after = Snapshot.take();
        System.out.printf(Locale.ROOT, "{\"stack\": \"%s\", \"jdk\": \"%s\", \"pairs\": %d, \"heap\": %.0f,"
                        + " \"pooled\": %.0f, \"direct\": %.0f, \"rss\": %.0f}%n",
                stackName, System.getProperty("java.specification.version"), n,
                (double) (after.heap - before.heap) / n, (double) (after.pooled - before.pooled) / n,
                (double) (after.direct - before.direct) / n, (double) (after.rss - before.rss) / n);
        for (Object o : pairs) {
            discard(o);
        }
    }

    private static Object establish(Stack.Contexts contexts) {
        if (contexts == null) {
            EmbeddedChannel client = new EmbeddedChannel(new ChannelInboundHandlerAdapter(), new Pair.Sink());
            EmbeddedChannel server = new EmbeddedChannel(new ChannelInboundHandlerAdapter(), new Pair.Sink());
            return new EmbeddedChannel[] {client, server};
        }
        Pair pair = new Pair(contexts);
        pair.handshake();
        exchange(pair.client, pair);
        exchange(pair.server, pair);
        return pair;
    }

    private static void exchange(EmbeddedChannel from, Pair pair) {
        ByteBuf message = from.alloc().buffer(1024);
        message.writeZero(1024);
        from.writeAndFlush(message);
        pair.shuttle();
    }

    private static void discard(Object o) {
        if (o instanceof Pair) {
            ((Pair) o).discard();
        } else {
            for (EmbeddedChannel channel : (EmbeddedChannel[]) o) {
                channel.finishAndReleaseAll();
            }
        }
    }

    /** Memory figures at one moment, after full GCs. */
    private record Snapshot(long heap, long pooled, long direct, long rss) {
        static Snapshot take() throws IOException {
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            for (int i = 0; i < 4; i++) {
                System.gc();
            }
            PooledByteBufAllocatorMetric metric = PooledByteBufAllocator.DEFAULT.metric();
            return new Snapshot(memory.getHeapMemoryUsage().getUsed(),
                    metric.usedHeapMemory() + metric.usedDirectMemory(),
                    PlatformDependent.usedDirectMemory(), residentSetSize());
        }

        private static long residentSetSize() throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            return -1;
        }
    }
}
