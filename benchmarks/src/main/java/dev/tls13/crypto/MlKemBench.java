package dev.tls13.crypto;

import java.security.SecureRandom;

/**
 * The benchmarks' door to the codec's package-private {@link MlKem} (ML-KEM-768), for {@code MlKemBenchmark}'s
 * {@code impl=OURS} and the timing harness. It lives in {@code dev.tls13.crypto} for that reason only.
 */
public final class MlKemBench {

    private MlKemBench() {
    }

    /**
     * ML-KEM-768.KeyGen.
     *
     * @param random the seed's source
     * @return the key pair, an opaque object for {@link #encapsulationKey} and {@link #decapsulate}
     */
    public static Object generate(SecureRandom random) {
        return MlKem.ML_KEM_768.generate(random);
    }

    /**
     * ML-KEM-768.KeyGen_internal from a seed.
     *
     * @param seed d || z, 64 bytes
     * @return the key pair
     */
    public static Object fromSeed(byte[] seed) {
        return MlKem.ML_KEM_768.fromSeed(seed);
    }

    /**
     * @param key a key pair from {@link #generate}
     * @return its encapsulation key
     */
    public static byte[] encapsulationKey(Object key) {
        return ((MlKem.DecapsulationKey) key).encapsulationKey();
    }

    /**
     * ML-KEM-768.Encaps.
     *
     * @param encapsulationKey the peer's key
     * @param random the message's source
     * @return the ciphertext at index 0 and the shared secret at index 1
     * @throws InvalidKeyShareException if the key is invalid
     */
    public static byte[][] encapsulate(byte[] encapsulationKey, SecureRandom random) throws InvalidKeyShareException {
        MlKem.Encapsulated e = MlKem.ML_KEM_768.encapsulate(encapsulationKey, random);
        return new byte[][] {e.ciphertext(), e.sharedSecret()};
    }

    /**
     * ML-KEM-768.Decaps.
     *
     * @param key a key pair from {@link #generate}
     * @param ciphertext the ciphertext
     * @return the shared secret
     * @throws InvalidKeyShareException if the ciphertext has the wrong length
     */
    public static byte[] decapsulate(Object key, byte[] ciphertext) throws InvalidKeyShareException {
        return ((MlKem.DecapsulationKey) key).decapsulate(ciphertext);
    }

    /**
     * Destroys a key pair.
     *
     * @param key a key pair from {@link #generate}
     */
    public static void destroy(Object key) {
        ((MlKem.DecapsulationKey) key).destroy();
    }
}
