package dev.tls13.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time per operation, because the machine is shared and wall-clock throughput moves with the load:
 * {@code -prof dev.tls13.benchmarks.CpuTimeProfiler}. For every measurement iteration it reports
 * <ul>
 *   <li>{@code cpu.thread}: CPU time of the JMH worker threads (where both TLS ends run), ns per
 *       operation, from {@link ThreadMXBean#getThreadCpuTime};</li>
 *   <li>{@code cpu.process}: CPU time of the whole forked JVM (adds GC and JIT threads), ns per operation,
 *       from {@code com.sun.management.OperatingSystemMXBean#getProcessCpuTime};</li>
 *   <li>{@code cpu.share}: worker CPU time over wall time, so 1.0 means the worker was never descheduled.</li>
 * </ul>
 * Operations are JMH's measured operation count of the iteration. The profiler runs inside the fork.
 */
public final class CpuTimeProfiler implements InternalProfiler {

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final Map<Long, Long> before = new HashMap<>();
    private long processBefore;
    private long wallBefore;

    /** Creates the profiler; JMH calls this in the fork. */
    public CpuTimeProfiler() {
        if (!threads.isThreadCpuTimeSupported()) {
            throw new IllegalStateException("thread CPU time is not supported by this JVM");
        }
        threads.setThreadCpuTimeEnabled(true);
    }

    @Override
    public String getDescription() {
        return "CPU time per operation of the JMH worker threads and of the process";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        before.clear();
        before.putAll(workerCpu());
        processBefore = os.getProcessCpuTime();
        wallBefore = System.nanoTime();
    }

    @Override
    public List<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                 IterationResult result) {
        long wall = System.nanoTime() - wallBefore;
        long process = os.getProcessCpuTime() - processBefore;
        long worker = 0;
        for (Map.Entry<Long, Long> e : workerCpu().entrySet()) {
            worker += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        long ops = result.getMetadata().getMeasuredOps();
        List<Result> out = new ArrayList<>();
        if (ops > 0) {
            out.add(new ScalarResult("cpu.thread", (double) worker / ops, "ns/op", AggregationPolicy.AVG));
            out.add(new ScalarResult("cpu.process", (double) process / ops, "ns/op", AggregationPolicy.AVG));
        }
        out.add(new ScalarResult("cpu.share", (double) worker / wall, "ratio", AggregationPolicy.AVG));
        return out;
    }

    private Map<Long, Long> workerCpu() {
        Map<Long, Long> cpu = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().contains("jmh-worker")) {
                long t = threads.getThreadCpuTime(info.getThreadId());
                if (t >= 0) {
                    cpu.put(info.getThreadId(), t);
                }
            }
        }
        return cpu;
    }
}
