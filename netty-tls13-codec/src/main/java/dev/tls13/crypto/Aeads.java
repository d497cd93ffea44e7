package dev.tls13.crypto;

import java.util.function.BiFunction;

/**
 * Creates the AEAD implementation for each algorithm: the JCA for AES-GCM and ChaCha20-Poly1305 (the
 * JDK's intrinsics are the fast path), BouncyCastle's lightweight API for AES-CCM, which the JDK lacks
 * (docs/architecture.md §8).
 */
final class Aeads {
    private Aeads() {
    }

    /**
     * @param algorithm the AEAD
     * @param key the key, {@code algorithm.keyLength()} bytes; copied, the caller may zero it
     * @return a new AEAD for that key
     * @throws IllegalArgumentException if the key length does not fit the algorithm
     */
    static Aead create(AeadAlgorithm algorithm, byte[] key) {
        return create(algorithm, key, BcCcmAead::new);
    }

    /**
     * An AEAD for a long-lived key used between records of other keys: AES-GCM with ciphers of its own
     * (see {@link JcaAead}); the other algorithms as {@link #create(AeadAlgorithm, byte[])}.
     *
     * @param algorithm the AEAD
     * @param key the key, {@code algorithm.keyLength()} bytes; copied, the caller may zero it
     * @param ccm makes the AES-CCM implementation
     * @return a new AEAD for that key
     * @throws IllegalArgumentException if the key length does not fit the algorithm
     */
    static Aead createDedicated(AeadAlgorithm algorithm, byte[] key, BiFunction<AeadAlgorithm, byte[], Aead> ccm) {
        if (algorithm == AeadAlgorithm.AES_128_GCM || algorithm == AeadAlgorithm.AES_256_GCM) {
            if (key.length != algorithm.keyLength()) {
                throw new IllegalArgumentException(algorithm + " needs a " + algorithm.keyLength()
                        + "-byte key, got " + key.length);
            }
            return new JcaAead(algorithm, key, true);
        }
        return create(algorithm, key, ccm);
    }

    /**
     * @param algorithm the AEAD
     * @param key the key, {@code algorithm.keyLength()} bytes; copied, the caller may zero it
     * @param ccm makes the AES-CCM implementation (BouncyCastle's, or a JCA provider's in the JCA-only mode)
     * @return a new AEAD for that key
     * @throws IllegalArgumentException if the key length does not fit the algorithm
     */
    static Aead create(AeadAlgorithm algorithm, byte[] key, BiFunction<AeadAlgorithm, byte[], Aead> ccm) {
        if (key.length != algorithm.keyLength()) {
            throw new IllegalArgumentException(algorithm + " needs a " + algorithm.keyLength()
                    + "-byte key, got " + key.length);
        }
        switch (algorithm) {
            case AES_128_GCM:
            case AES_256_GCM:
            case CHACHA20_POLY1305:
                return new JcaAead(algorithm, key);
            case AES_128_CCM:
            case AES_128_CCM_8:
                return ccm.apply(algorithm, key);
            default:
                throw new IllegalArgumentException("unsupported AEAD " + algorithm);
        }
    }
}
