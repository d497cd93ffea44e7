package dev.tls13.benchmarks;

import dev.tls13.crypto.MlKemBench;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.SecretWithEncapsulation;
import org.bouncycastle.crypto.kems.MLKEMExtractor;
import org.bouncycastle.crypto.kems.MLKEMGenerator;
import org.bouncycastle.crypto.params.MLKEMParameters;
import org.bouncycastle.crypto.params.MLKEMPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLKEMPublicKeyParameters;
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
 * ML-KEM-768 (FIPS 203) alone, one operation each: key generation, encapsulation, decapsulation, as a TLS
 * hybrid key exchange needs them, on three implementations:
 * <ul>
 *   <li>{@code OURS}: the codec's own {@code dev.tls13.crypto.MlKem} (through {@link MlKemBench}), on every
 *       JDK;</li>
 *   <li>{@code BOUNCYCASTLE}: BouncyCastle 1.87's lightweight API as the codec called it before it had its own
 *       (a 64-byte seed expanded by {@code MLKEMPrivateKeyParameters}, {@code MLKEMGenerator},
 *       {@code MLKEMExtractor}), on every JDK;</li>
 *   <li>{@code JDK}: {@code javax.crypto.KEM} with "ML-KEM-768" (JEP 496, JDK 24+; called through method
 *       handles since this code is compiled for Java 17). The key share carries raw key bytes, so key
 *       generation includes taking the raw encapsulation key out of the X.509 encoding and encapsulation
 *       includes importing one (an X.509 prefix plus the raw key through {@code KeyFactory}).</li>
 * </ul>
 * {@code JDK} fails its setup on a JDK without ML-KEM; run {@code -p impl=OURS,BOUNCYCASTLE} there.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class MlKemBenchmark {

    /** Which ML-KEM implementation. */
    public enum Impl {
        /** The codec's own ML-KEM. */
        OURS,
        /** BouncyCastle's lightweight API, as the codec used it before. */
        BOUNCYCASTLE,
        /** The JDK's {@code javax.crypto.KEM} (JDK 24+). */
        JDK
    }

    private static final int ENCAPSULATION_KEY_LENGTH = 1184;

    /** The implementation. */
    @Param({"OURS", "BOUNCYCASTLE", "JDK"})
    public Impl impl;

    private final SecureRandom random = new SecureRandom();
    private Object ourKey;
    private MLKEMPrivateKeyParameters bcKey;
    private byte[] encapsulationKey;
    private byte[] ciphertext;

    private KeyPairGenerator jdkGenerator;
    private KeyFactory jdkKeyFactory;
    private Object jdkKem;
    private MethodHandle newEncapsulator;
    private MethodHandle encapsulate;
    private MethodHandle encapsulation;
    private MethodHandle newDecapsulator;
    private MethodHandle decapsulate;
    private byte[] x509Prefix;
    private PrivateKey jdkPrivate;

    /**
     * Makes one key pair and one ciphertext for the encapsulation and decapsulation benchmarks.
     *
     * @throws Throwable if the implementation is not available
     */
    @Setup(Level.Trial)
    public void setUp() throws Throwable {
        if (impl == Impl.OURS) {
            ourKey = MlKemBench.generate(random);
            encapsulationKey = MlKemBench.encapsulationKey(ourKey);
            ciphertext = MlKemBench.encapsulate(encapsulationKey, random)[0];
            return;
        }
        if (impl == Impl.BOUNCYCASTLE) {
            bcKey = bcKeyPair();
            encapsulationKey = bcKey.getPublicKey();
            SecretWithEncapsulation s = new MLKEMGenerator(random).generateEncapsulated(
                    new MLKEMPublicKeyParameters(MLKEMParameters.ml_kem_768, encapsulationKey));
            ciphertext = s.getEncapsulation();
            return;
        }
        Class<?> kem = Class.forName("javax.crypto.KEM");
        Class<?> encapsulator = Class.forName("javax.crypto.KEM$Encapsulator");
        Class<?> encapsulated = Class.forName("javax.crypto.KEM$Encapsulated");
        Class<?> decapsulator = Class.forName("javax.crypto.KEM$Decapsulator");
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        jdkKem = lookup.findStatic(kem, "getInstance", MethodType.methodType(kem, String.class)).invoke("ML-KEM");
        newEncapsulator = lookup.findVirtual(kem, "newEncapsulator", MethodType.methodType(encapsulator,
                PublicKey.class, SecureRandom.class));
        encapsulate = lookup.findVirtual(encapsulator, "encapsulate", MethodType.methodType(encapsulated));
        encapsulation = lookup.findVirtual(encapsulated, "encapsulation", MethodType.methodType(byte[].class));
        newDecapsulator = lookup.findVirtual(kem, "newDecapsulator", MethodType.methodType(decapsulator,
                PrivateKey.class));
        decapsulate = lookup.findVirtual(decapsulator, "decapsulate", MethodType.methodType(
                javax.crypto.SecretKey.class, byte[].class));
        jdkGenerator = KeyPairGenerator.getInstance("ML-KEM-768");
        jdkKeyFactory = KeyFactory.getInstance("ML-KEM-768");
        KeyPair pair = jdkGenerator.generateKeyPair();
        byte[] x509 = pair.getPublic().getEncoded();
        x509Prefix = Arrays.copyOf(x509, x509.length - ENCAPSULATION_KEY_LENGTH);
        encapsulationKey = Arrays.copyOfRange(x509, x509Prefix.length, x509.length);
        jdkPrivate = pair.getPrivate();
        ciphertext = (byte[]) encapsulation.invoke(encapsulate.invoke(newEncapsulator.invoke(jdkKem,
                jdkPublic(encapsulationKey), random)));
    }

    private MLKEMPrivateKeyParameters bcKeyPair() {
        byte[] seed = new byte[64];
        random.nextBytes(seed);
        return new MLKEMPrivateKeyParameters(MLKEMParameters.ml_kem_768, seed);
    }

    private PublicKey jdkPublic(byte[] raw) throws Exception {
        byte[] x509 = Arrays.copyOf(x509Prefix, x509Prefix.length + raw.length);
        System.arraycopy(raw, 0, x509, x509Prefix.length, raw.length);
        return jdkKeyFactory.generatePublic(new X509EncodedKeySpec(x509));
    }

    /**
     * ML-KEM.KeyGen and the raw encapsulation key a client puts into its key share.
     *
     * @return the encapsulation key
     */
    @Benchmark
    public byte[] keygen() {
        if (impl == Impl.OURS) {
            return MlKemBench.encapsulationKey(MlKemBench.generate(random));
        }
        if (impl == Impl.BOUNCYCASTLE) {
            return bcKeyPair().getPublicKey();
        }
        byte[] x509 = jdkGenerator.generateKeyPair().getPublic().getEncoded();
        return Arrays.copyOfRange(x509, x509.length - ENCAPSULATION_KEY_LENGTH, x509.length);
    }

    /**
     * A server's ML-KEM.Encaps against a client's raw encapsulation key (its import included).
     *
     * @return the shared secret
     * @throws Throwable never in practice
     */
    @Benchmark
    public Object encaps() throws Throwable {
        if (impl == Impl.OURS) {
            return MlKemBench.encapsulate(encapsulationKey, random);
        }
        if (impl == Impl.BOUNCYCASTLE) {
            return new MLKEMGenerator(random).generateEncapsulated(
                    new MLKEMPublicKeyParameters(MLKEMParameters.ml_kem_768, encapsulationKey)).getSecret();
        }
        return encapsulate.invoke(newEncapsulator.invoke(jdkKem, jdkPublic(encapsulationKey), random));
    }

    /**
     * A client's ML-KEM.Decaps of the server's ciphertext.
     *
     * @return the shared secret
     * @throws Throwable never in practice
     */
    @Benchmark
    public Object decaps() throws Throwable {
        if (impl == Impl.OURS) {
            return MlKemBench.decapsulate(ourKey, ciphertext);
        }
        if (impl == Impl.BOUNCYCASTLE) {
            return new MLKEMExtractor(bcKey).extractSecret(ciphertext);
        }
        return decapsulate.invoke(newDecapsulator.invoke(jdkKem, jdkPrivate), ciphertext);
    }
}
