package dev.tls13.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import javax.security.auth.DestroyFailedException;
import org.bouncycastle.crypto.SecretWithEncapsulation;
import org.bouncycastle.crypto.kems.MLKEMExtractor;
import org.bouncycastle.crypto.kems.MLKEMGenerator;
import org.bouncycastle.crypto.params.MLKEMParameters;
import org.bouncycastle.crypto.params.MLKEMPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLKEMPublicKeyParameters;

/**
 * ML-KEM (FIPS 203) for the hybrid groups, on BouncyCastle's lightweight code ({@code crypto.kems}), the
 * same on every JDK from 17. The JDK's {@code javax.crypto.KEM} ("ML-KEM-768", JDK 24+) measured about 1.6x
 * faster per operation on JDK 25 (some 65 µs per handshake, both ends) but allocates more, needs X.509-wrapped
 * keys, cannot destroy its private keys and has no seed-based key generation for known answers; the benchmark
 * and figures are in {@code benchmarks/README.md} and docs/security.md (docs/architecture.md §8).
 *
 * <p>Key generation draws the 64-byte seed d || z (FIPS 203 §7.1) from the caller's random and expands it;
 * encapsulation draws the 32-byte message m (§7.2). BouncyCastle's decapsulation compares the re-encrypted
 * ciphertext in constant time and selects the implicit-rejection secret by mask (§7.3), so a forged
 * ciphertext yields a pseudo-random secret and the handshake fails at Finished, never earlier.
 *
 * <p>What the peer sends is checked here before BouncyCastle sees it: an encapsulation key's exact length and
 * the modulus check of FIPS 203 §7.2 (every 12-bit coefficient below q = 3329; BouncyCastle repeats it), a
 * ciphertext's exact length. Private keys are BouncyCastle objects that zero their arrays on
 * {@link DecapsulationKey#destroy()}.
 */
final class MlKem {

    /** ML-KEM-768: k = 3, d_u = 10, d_v = 4. */
    static final MlKem ML_KEM_768 = new MlKem(MLKEMParameters.ml_kem_768, 3, 10, 4);
    /** ML-KEM-1024: k = 4, d_u = 11, d_v = 5. */
    static final MlKem ML_KEM_1024 = new MlKem(MLKEMParameters.ml_kem_1024, 4, 11, 5);

    /** The seed d || z of key generation (FIPS 203 §7.1). */
    static final int SEED_LENGTH = 64;
    /** The shared secret K (FIPS 203 §7.2). */
    static final int SHARED_SECRET_LENGTH = 32;
    private static final int Q = 3329;

    private final MLKEMParameters parameters;
    private final int encapsulationKeyLength;
    private final int ciphertextLength;

    private MlKem(MLKEMParameters parameters, int k, int du, int dv) {
        this.parameters = parameters;
        // FIPS 203 §8: ek is 384k + 32 bytes, c is 32(d_u k + d_v) bytes.
        this.encapsulationKeyLength = 384 * k + 32;
        this.ciphertextLength = 32 * (du * k + dv);
    }

    /** @return the length of an encapsulation key: 1184 or 1568 */
    int encapsulationKeyLength() {
        return encapsulationKeyLength;
    }

    /** @return the length of a ciphertext: 1088 or 1568 */
    int ciphertextLength() {
        return ciphertextLength;
    }

    /** @return the parameter set's name, for messages */
    String name() {
        return parameters.getName();
    }

    /**
     * ML-KEM.KeyGen (FIPS 203 §7.1).
     *
     * @param random the source of the seed
     * @return a fresh key pair
     */
    DecapsulationKey generate(SecureRandom random) {
        byte[] seed = new byte[SEED_LENGTH];
        random.nextBytes(seed);
        try {
            return fromSeed(seed);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /**
     * ML-KEM.KeyGen_internal (FIPS 203 §6.1) from a given seed, for known answers and the deterministic test
     * provider.
     *
     * @param seed d || z, 64 bytes; copied
     * @return the key pair
     * @throws IllegalArgumentException if the seed is not 64 bytes
     */
    DecapsulationKey fromSeed(byte[] seed) {
        if (seed.length != SEED_LENGTH) {
            throw new IllegalArgumentException(name() + " seed must be " + SEED_LENGTH + " bytes, got " + seed.length);
        }
        return new DecapsulationKey(new MLKEMPrivateKeyParameters(parameters, seed));
    }

    /**
     * A decapsulation key in FIPS 203's expanded encoding (dk, §7.1), checked as ML-KEM.Decaps's input check
     * requires (§7.3: its length and the hash of the encapsulation key it embeds). TLS never imports one, ours
     * come from a seed; Wycheproof's decapsulation vectors are given this way.
     *
     * @param decapsulationKey dk, 768k + 96 bytes; copied
     * @return the key pair
     * @throws IllegalArgumentException if the key has the wrong length or fails the hash check
     */
    DecapsulationKey fromExpandedKey(byte[] decapsulationKey) {
        if (decapsulationKey.length != 2 * encapsulationKeyLength + 32) {
            throw new IllegalArgumentException(name() + " decapsulation key must be " + (2 * encapsulationKeyLength
                    + 32) + " bytes, got " + decapsulationKey.length);
        }
        return new DecapsulationKey(new MLKEMPrivateKeyParameters(parameters, decapsulationKey));
    }

    /**
     * The input checks of ML-KEM.Encaps (FIPS 203 §7.2): the exact length, then the modulus check, which
     * decodes every coefficient of the 384k-byte vector t̂ (two 12-bit values per three bytes, ByteDecode_12)
     * and requires it to be below q, i.e. ByteEncode_12(ByteDecode_12(ek)) = ek. The 32-byte seed ρ that ends
     * the key is not checked. Public data only: branches freely.
     *
     * @param encapsulationKey the peer's encapsulation key
     * @return whether it passes
     */
    boolean isValidEncapsulationKey(byte[] encapsulationKey) {
        if (encapsulationKey.length != encapsulationKeyLength) {
            return false;
        }
        int end = encapsulationKeyLength - 32;
        for (int i = 0; i < end; i += 3) {
            int b0 = encapsulationKey[i] & 0xFF;
            int b1 = encapsulationKey[i + 1] & 0xFF;
            int b2 = encapsulationKey[i + 2] & 0xFF;
            int d1 = b0 | (b1 & 0x0F) << 8;
            int d2 = b1 >>> 4 | b2 << 4;
            if (d1 >= Q || d2 >= Q) {
                return false;
            }
        }
        return true;
    }

    /**
     * ML-KEM.Encaps (FIPS 203 §7.2) against the peer's encapsulation key, after the input checks.
     *
     * @param encapsulationKey the peer's encapsulation key
     * @param random the source of the message m
     * @return the ciphertext and the shared secret, owned by the caller
     * @throws InvalidKeyShareException if the key has the wrong length or fails the modulus check
     */
    Encapsulated encapsulate(byte[] encapsulationKey, SecureRandom random) throws InvalidKeyShareException {
        if (!isValidEncapsulationKey(encapsulationKey)) {
            throw new InvalidKeyShareException(InvalidKeyShareException.Kind.INVALID_PUBLIC_VALUE,
                    encapsulationKey.length != encapsulationKeyLength
                            ? name() + " encapsulation key length " + encapsulationKey.length + ", expected "
                                    + encapsulationKeyLength
                            : name() + " encapsulation key fails the modulus check (FIPS 203 §7.2)");
        }
        SecretWithEncapsulation result = new MLKEMGenerator(random)
                .generateEncapsulated(new MLKEMPublicKeyParameters(parameters, encapsulationKey));
        try {
            return new Encapsulated(result.getEncapsulation(), result.getSecret());
        } finally {
            destroy(result);
        }
    }

    private static void destroy(SecretWithEncapsulation result) {
        try {
            result.destroy();
        } catch (DestroyFailedException e) {
            // BouncyCastle's implementation zeroes both arrays and does not throw; nothing more can be done.
            return;
        }
    }

    /**
     * An encapsulation's result.
     *
     * @param ciphertext c, public
     * @param sharedSecret K, 32 bytes; owned by the caller, who zeroes it
     */
    record Encapsulated(byte[] ciphertext, byte[] sharedSecret) {
    }

    /** An ML-KEM key pair: the encapsulation key to send and the decapsulation key to keep. */
    final class DecapsulationKey {
        private final MLKEMPrivateKeyParameters key;
        private boolean destroyed;

        private DecapsulationKey(MLKEMPrivateKeyParameters key) {
            this.key = key;
        }

        /** @return the parameter set */
        MlKem kem() {
            return MlKem.this;
        }

        /** @return the encapsulation key ek (FIPS 203 §7.1), a new array */
        byte[] encapsulationKey() {
            return key.getPublicKey();
        }

        /**
         * ML-KEM.Decaps (FIPS 203 §7.3), after checking the ciphertext's length.
         *
         * @param ciphertext the peer's ciphertext
         * @return the shared secret K, owned by the caller
         * @throws InvalidKeyShareException if the ciphertext has the wrong length
         */
        byte[] decapsulate(byte[] ciphertext) throws InvalidKeyShareException {
            if (destroyed) {
                throw new IllegalStateException(name() + " key destroyed");
            }
            if (ciphertext.length != ciphertextLength) {
                throw new InvalidKeyShareException(InvalidKeyShareException.Kind.INVALID_PUBLIC_VALUE,
                        name() + " ciphertext length " + ciphertext.length + ", expected " + ciphertextLength);
            }
            return new MLKEMExtractor(key).extractSecret(ciphertext);
        }

        /** @return dk in FIPS 203's expanded encoding (§7.1), for known answers; a new array */
        byte[] expandedKey() {
            return key.getParametersWithFormat(MLKEMPrivateKeyParameters.EXPANDED_KEY).getEncoded();
        }

        /** Zeroes the key's arrays (BouncyCastle's {@code destroy}). */
        void destroy() {
            destroyed = true;
            key.destroy();
        }

        /** @return whether {@link #destroy()} ran and BouncyCastle reports the key destroyed */
        boolean isDestroyed() {
            return destroyed && key.isDestroyed();
        }
    }
}
