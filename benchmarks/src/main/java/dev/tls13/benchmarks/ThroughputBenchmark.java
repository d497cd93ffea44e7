package dev.tls13.benchmarks;

import dev.tls13.testing.TestPki;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Application-data throughput of an established pair, one write per operation, encryption and decryption
 * on the same thread: the client writes and flushes {@code size} bytes, the records are carried to the
 * server, which decrypts them into its {@link Pair.Sink}. Both ends run the same {@link Stack}.
 *
 * <p>The payload is one pooled buffer of the channel's allocator (direct, as Netty's default allocator
 * gives), written as a {@code retainedDuplicate()} each time, which allocates nothing. Warm-up is 8 x 1 s
 * because the JDK engine needs about 8 s to settle (NOTES.md, "Measuring").
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 8, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled", "-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class ThroughputBenchmark {

    /** The stack both ends run. */
    @Param({"OURS", "JDK", "OPENSSL"})
    public Stack stack;

    /** The cipher suite (BoringSSL cannot be configured: the trial fails if it negotiated another). */
    @Param({"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"})
    public String suite;

    /**
     * The protocol both ends are restricted to: TLSv1.3, or TLSv1.2 (issue 16), where {@code suite} selects the
     * TLS 1.2 ECDHE-ECDSA suite with the same AEAD ({@link Stack#tls12Suite}).
     */
    @Param({"TLSv1.3"})
    public String protocol;

    /** Bytes per write. */
    @Param({"64", "1024", "16384", "65536"})
    public int size;

    private Pair pair;
    private ByteBuf payload;
    private long expected;

    /**
     * Builds the pair and runs the handshake.
     *
     * @throws Exception if the stack cannot be set up or negotiated another suite
     */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        String wanted = protocol.equals(Stack.TLS12) ? Stack.tls12Suite(suite, TestPki.KeyType.EC_P256) : suite;
        pair = new Pair(stack.contexts(wanted, null, TestPki.KeyType.EC_P256, Stack.Mode.FULL, null, protocol));
        pair.handshake();
        String negotiated = Stack.negotiatedSuite(pair.clientHandler);
        String negotiatedProtocol = Stack.negotiatedProtocol(pair.clientHandler);
        System.out.println("\n# negotiated " + negotiatedProtocol + " " + negotiated + " (" + stack + ")");
        if (!wanted.equals(negotiated) || !protocol.equals(negotiatedProtocol)) {
            throw new IllegalStateException(stack + " negotiated " + negotiatedProtocol + " " + negotiated + ", not "
                    + protocol + " " + wanted);
        }
        payload = pair.client.alloc().buffer(size);
        byte[] random = new byte[size];
        ThreadLocalRandom.current().nextBytes(random);
        payload.writeBytes(random);
        expected = pair.serverSink.bytes;
    }

    /** Releases everything. */
    @TearDown(Level.Trial)
    public void tearDown() {
        payload.release();
        pair.discard();
    }

    /**
     * One write of {@code size} bytes, sealed by the client and opened by the server.
     *
     * @return the bytes the server has received so far
     */
    @Benchmark
    public long writeAndRead() {
        pair.client.writeAndFlush(payload.retainedDuplicate());
        Pair.carry(pair.client, pair.server);
        expected += size;
        if (pair.serverSink.bytes != expected) {
            throw new IllegalStateException("server received " + pair.serverSink.bytes + ", expected " + expected);
        }
        return expected;
    }
}
