package dev.tls13.benchmarks;

import dev.tls13.testing.TestPki;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.management.ObjectName;

/**
 * Retained memory per idle established connection pair (not a JMH benchmark: a measurement needs one
 * quiet JVM per stack, see {@code run.sh}):
 *
 * <pre>java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -cp benchmarks.jar dev.tls13.benchmarks.IdleMemory STACK N</pre>
 *
 * <p>{@code STACK} is {@code PLAIN} (two {@link EmbeddedChannel}s with a sink handler each, no TLS: the
 * baseline), {@code OURS}, {@code JDK} or {@code OPENSSL}. After a warm-up of max(200, N) pairs (classes,
 * caches, allocator arenas, JIT-compiled code, so that the RSS growth is not code cache), it establishes
 * {@code N} pairs (x25519, ECDSA P-256), sends one 1 KiB message each way, carries everything so both
 * ends are idle, runs full GCs and reports per pair:
 * <ul>
 *   <li>{@code heap}: used heap after full GC ({@link MemoryMXBean}) minus the same before the pairs;</li>
 *   <li>{@code pooled}: bytes of the channels' allocator ({@code ByteBufAllocator.DEFAULT}) in use
 *       (heap + direct), i.e. buffers an idle connection still holds;</li>
 *   <li>{@code direct}: Netty's direct-memory counter ({@code PlatformDependent.usedDirectMemory()});</li>
 *   <li>{@code rss}: growth of the process's resident set ({@code /proc/self/status} VmRSS); with a
 *       pre-touched fixed heap ({@code -Xms = -Xmx}, {@code -XX:+AlwaysPreTouch}) that is native memory:
 *       BoringSSL's {@code SSL} objects, direct buffers, plus noise from metaspace and code cache.</li>
 * </ul>
 * One JSON object per run goes to standard output. With {@code -Didle.histogram=true} the classes whose live
 * instances grew by at least 16 B per pair are listed on standard error (where an idle pair's heap goes).
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

        boolean histogram = Boolean.getBoolean("idle.histogram");
        Map<String, long[]> histogramBefore = histogram ? histogram() : null;
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
        if (histogram) {
            printGrowth(histogramBefore, histogram(), n);
        }
        for (Object o : pairs) {
            discard(o);
        }
    }

    /** Class histogram of live objects (a full GC first): class name to {instances, bytes}. */
    private static Map<String, long[]> histogram() throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {null}, new String[] {String[].class.getName()});
        Map<String, long[]> classes = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                classes.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        return classes;
    }

    /** Prints the classes whose live bytes grew by at least 16 B per pair, largest first. */
    private static void printGrowth(Map<String, long[]> before, Map<String, long[]> after, int n) {
        List<Map.Entry<String, long[]>> grown = new ArrayList<>();
        for (Map.Entry<String, long[]> e : after.entrySet()) {
            long[] b = before.getOrDefault(e.getKey(), new long[2]);
            long[] d = {e.getValue()[0] - b[0], e.getValue()[1] - b[1]};
            if (d[1] >= 16L * n) {
                grown.add(Map.entry(e.getKey(), d));
            }
        }
        grown.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
        for (Map.Entry<String, long[]> e : grown) {
            System.err.printf(Locale.ROOT, "%8.2f objects %8.0f B per pair  %s%n",
                    (double) e.getValue()[0] / n, (double) e.getValue()[1] / n, e.getKey());
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
            // The channels' allocator: Netty 4.2's default is the adaptive allocator, not the pooled one.
            ByteBufAllocatorMetric metric = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
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
