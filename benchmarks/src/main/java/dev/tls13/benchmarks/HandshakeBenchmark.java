package dev.tls13.benchmarks;

import dev.tls13.testing.TestPki;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Full handshakes per second, both ends on one thread: each operation creates a client and a server
 * channel with fresh handlers from the same contexts, carries the records until both are quiet (so a
 * server's NewSessionTicket is included), checks that both handshakes succeeded and closes both channels.
 * By default ({@code mode=FULL}) every handshake is a full one with certificate authentication, the client
 * verifying the server's chain and host name. {@code -p mode=RESUMED} (and {@code RESUMED_PSK_KE},
 * {@code FULL_NO_TICKETS} for ours, see {@link Stack.Mode}) measures resumed handshakes: every client handler
 * is for the same peer, so it resumes with a ticket of the handshake before; each operation then has the
 * server write one byte of application data, because a BoringSSL server sends its tickets only once it
 * writes application data (NOTES.md). The trial setup checks that the handshakes really resume (the client
 * verifies no server chain) and fails otherwise.
 *
 * <p>Warm-up is 8 x 2 s because the JDK engine needs about 16 s to settle (NOTES.md, "Measuring").
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 8, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled", "-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class HandshakeBenchmark {

    /** The stack both ends run. */
    @Param({"OURS", "JDK", "OPENSSL"})
    public Stack stack;

    /**
     * The key-exchange group, the only one either end offers. X25519MLKEM768 (draft-ietf-tls-ecdhe-mlkem) runs
     * on ours and BoringSSL only: the JDK's engine has no hybrid group, and that combination fails its setup.
     */
    @Param({"x25519", "secp256r1", "X25519MLKEM768"})
    public String group;

    /** The server certificate's key: ECDSA P-256 or RSA-2048 (rsa_pss_rsae_sha256). */
    @Param({"EC_P256", "RSA_2048"})
    public TestPki.KeyType key;

    /**
     * The protocol both ends are restricted to: TLSv1.3, or TLSv1.2 (issue 16: ECDHE with the key's signature,
     * AES-128-GCM, the extended master secret); TLS 1.2 has no hybrid group. The trial setup checks what was
     * negotiated.
     */
    @Param({"TLSv1.3"})
    public String protocol;

    /** Full or resumed handshakes (issue 14). */
    @Param({"FULL"})
    public Stack.Mode mode;

    private Stack.Contexts contexts;
    private final AtomicInteger serverChecks = new AtomicInteger();

    /**
     * Builds the contexts and checks one handshake.
     *
     * @throws Exception if the stack cannot be set up
     */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        if (stack == Stack.JDK && group.contains("MLKEM")) {
            throw new IllegalStateException("the JDK's TLS engine has no " + group + ": run -p stack=OURS,OPENSSL");
        }
        String groups = group;
        if (protocol.equals(Stack.TLS12) && key == TestPki.KeyType.EC_P256 && !group.equals("secp256r1")) {
            // In TLS 1.2 supported_groups also names the curves a server's ECDSA certificate may use (RFC 8422
            // §5.1): the JDK and BoringSSL refuse a P-256 certificate to a client that lists x25519 alone. The
            // key exchange still uses the first group.
            groups = group + ",secp256r1";
        }
        if (stack == Stack.JDK) {
            Stack.restrictJdkGroup(groups);
        }
        String suite = protocol.equals(Stack.TLS12) ? Stack.tls12Suite("TLS_AES_128_GCM_SHA256", key) : null;
        contexts = stack.contexts(suite, groups, key, mode, mode.resumes() ? serverChecks : null, protocol);
        Pair first = new Pair(contexts);
        try {
            connect(first);
            String negotiated = Stack.negotiatedProtocol(first.clientHandler);
            if (!protocol.equals(negotiated)) {
                throw new IllegalStateException(stack + " negotiated " + negotiated + ", not " + protocol);
            }
        } finally {
            first.discard();
        }
        if (mode.resumes()) {
            int afterFull = serverChecks.get();
            if (afterFull != 1) {
                throw new IllegalStateException("the first handshake verified " + afterFull + " chains, not 1");
            }
            for (int i = 0; i < 5; i++) {
                handshake();
            }
            if (serverChecks.get() != afterFull) {
                throw new IllegalStateException(stack + " did not resume: " + (serverChecks.get() - afterFull)
                        + " of 5 handshakes verified the server's chain");
            }
        }
    }

    /**
     * One full handshake.
     *
     * @return the pair, closed
     */
    @Benchmark
    public Object handshake() {
        Pair pair = new Pair(contexts);
        try {
            connect(pair);
        } finally {
            pair.discard();
        }
        return pair;
    }

    private void connect(Pair pair) {
        pair.handshake();
        if (mode.resumes()) {
            pair.server.writeAndFlush(pair.server.alloc().buffer(1).writeByte(1));
            pair.shuttle();
        }
    }
}
