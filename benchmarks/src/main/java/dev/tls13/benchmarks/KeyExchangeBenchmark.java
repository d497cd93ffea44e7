package dev.tls13.benchmarks;

import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.Encapsulation;
import dev.tls13.crypto.InvalidKeyShareException;
import dev.tls13.crypto.JcaCryptoProvider;
import dev.tls13.crypto.KeyExchange;
import dev.tls13.crypto.KeyExchangeAlgorithm;
import java.util.Locale;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One whole key exchange of a named group through the codec's crypto provider, both ends: the client's key
 * pair ({@code generateKeyExchange}), the server's encapsulation against its share ({@code encapsulate}) and
 * the client's decapsulation of the server's share, both secrets destroyed. What a handshake pays for its
 * group, so the hybrids' cost sits next to the classical groups'.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class KeyExchangeBenchmark {

    /** The group, by its IANA name. */
    @Param({"x25519", "secp256r1", "X25519MLKEM768", "SecP256r1MLKEM768", "SecP384r1MLKEM1024"})
    public String group;

    private final CryptoProvider provider = JcaCryptoProvider.instance();
    private KeyExchangeAlgorithm algorithm;

    /** Maps the group name to its algorithm. */
    @Setup(Level.Trial)
    public void setUp() {
        algorithm = KeyExchangeAlgorithm.valueOf(group.toUpperCase(Locale.ROOT));
    }

    /**
     * Client key pair, server encapsulation, client decapsulation.
     *
     * @return the client's secret
     * @throws InvalidKeyShareException never with honest shares
     */
    @Benchmark
    public byte[] exchange() throws InvalidKeyShareException {
        KeyExchange client = provider.generateKeyExchange(algorithm);
        Encapsulation server = provider.encapsulate(algorithm, client.publicKey());
        try {
            return client.decapsulate(server.share());
        } finally {
            client.destroy();
            server.destroy();
        }
    }
}
