package dev.tls13.crypto;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA3Digest;
import org.bouncycastle.crypto.digests.SHAKEDigest;

/**
 * ML-KEM (FIPS 203) for the hybrid groups, our own implementation of ML-KEM-768 and ML-KEM-1024 written from the
 * standard: K-PKE.KeyGen/Encrypt/Decrypt (Algorithms 13 to 15) and ML-KEM.KeyGen_internal/Encaps_internal/
 * Decaps_internal (Algorithms 16 to 18) here, the polynomial arithmetic in {@link MlKemPoly}. The hash functions
 * are BouncyCastle's Keccak (lightweight {@code SHA3Digest}, {@code SHAKEDigest}): H = SHA3-256, G = SHA3-512,
 * J and PRF = SHAKE256, XOF = SHAKE128. docs/architecture.md §8; the measurements in docs/security.md.
 *
 * <p>Garbage: an operation allocates its outputs only (the encapsulation key and the key object's arrays, the
 * ciphertext, the 32-byte secret). Polynomials, hash outputs, the digests and decapsulation's re-encrypted
 * ciphertext live in a per-thread {@link Scratch}, which every entry point wipes (arrays zeroed, digests reset,
 * which zeroes their state) before it returns, as {@link P256} does with its scratch. A decapsulation key keeps
 * ŝ in NTT form, ek, H(ek) and z in its own arrays, so decapsulation decodes nothing of the private key;
 * {@link DecapsulationKey#destroy()} zeroes them.
 *
 * <p>Constant time: the secret values (the seed d || z, σ, ŝ, the noise, m, r, K, u and v before compression,
 * the decrypted m', the rejection secret) go only through {@link MlKemPoly}'s branch-free arithmetic (see there),
 * the Keccak permutation (table-free and branch-free on data) and byte copies with fixed lengths. Decapsulation
 * (Algorithm 18) always computes both K' and K̄ = J(z || c), always re-encrypts, compares c with c' by OR-ing
 * the XOR of every byte, and selects the output by a mask derived from that, never by a branch: a forged
 * ciphertext costs the same time as a valid one and yields a pseudo-random secret, so the handshake fails at
 * Finished. Branches and table indexes depend only on public data: the parameter set, lengths, ρ in SampleNTT
 * and the peer's encapsulation key in the modulus check.
 *
 * <p>What the peer sends is checked first: an encapsulation key's exact length and the modulus check of
 * FIPS 203 §7.2, a ciphertext's exact length (§7.3).
 */
final class MlKem {

    /** ML-KEM-768: k = 3, d_u = 10, d_v = 4. */
    static final MlKem ML_KEM_768 = new MlKem("ML-KEM-768", 3, 10, 4);
    /** ML-KEM-1024: k = 4, d_u = 11, d_v = 5. */
    static final MlKem ML_KEM_1024 = new MlKem("ML-KEM-1024", 4, 11, 5);

    /** The seed d || z of key generation (FIPS 203 §7.1). */
    static final int SEED_LENGTH = 64;
    /** The shared secret K (FIPS 203 §7.2). */
    static final int SHARED_SECRET_LENGTH = 32;
    private static final int N = MlKemPoly.N;
    private static final int Q = MlKemPoly.Q;
    private static final int MAX_K = 4;
    private static final int MAX_CIPHERTEXT = 1568;

    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

    private final String name;
    private final int k;
    private final int du;
    private final int dv;
    private final int encapsulationKeyLength;
    private final int ciphertextLength;

    private MlKem(String name, int k, int du, int dv) {
        this.name = name;
        this.k = k;
        this.du = du;
        this.dv = dv;
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
        return name;
    }

    /**
     * ML-KEM.KeyGen (FIPS 203 §7.1).
     *
     * @param random the source of the seed
     * @return a fresh key pair
     */
    DecapsulationKey generate(SecureRandom random) {
        Scratch s = LOCAL.get();
        try {
            random.nextBytes(s.seed);
            return keyGen(s, s.seed);
        } finally {
            s.wipe();
        }
    }

    /**
     * ML-KEM.KeyGen_internal (FIPS 203 §6.1) from a given seed, for known answers and the deterministic test
     * provider.
     *
     * @param seed d || z, 64 bytes; read, not kept
     * @return the key pair
     * @throws IllegalArgumentException if the seed is not 64 bytes
     */
    DecapsulationKey fromSeed(byte[] seed) {
        if (seed.length != SEED_LENGTH) {
            throw new IllegalArgumentException(name + " seed must be " + SEED_LENGTH + " bytes, got " + seed.length);
        }
        Scratch s = LOCAL.get();
        try {
            return keyGen(s, seed);
        } finally {
            s.wipe();
        }
    }

    /**
     * ML-KEM.KeyGen_internal (Algorithm 16) with K-PKE.KeyGen (Algorithm 13) inlined: (ρ, σ) = G(d || k);
     * ŝ = NTT(CBD(PRF(σ, i))), ê = NTT(CBD(PRF(σ, k + i))); t̂[i] = Σ_j Â[i, j] ∘ ŝ[j] + ê[i] with
     * Â[i, j] = SampleNTT(ρ || j || i), one matrix entry at a time; ek = ByteEncode_12(t̂) || ρ.
     */
    private DecapsulationKey keyGen(Scratch s, byte[] seed) {
        s.g.update(seed, 0, 32);
        s.g.update((byte) k);
        s.g.doFinal(s.seeds, 0);
        byte[] ek = new byte[encapsulationKeyLength];
        int rho = 384 * k;
        System.arraycopy(s.seeds, 0, ek, rho, 32);
        short[] sHat = new short[k * N];
        for (int i = 0; i < k; i++) {
            int[] si = s.vector[i];
            s.noise(s.seeds, 32, i, si);
            MlKemPoly.ntt(si);
            for (int c = 0; c < N; c++) {
                si[c] = MlKemPoly.freeze(si[c]);
                sHat[i * N + c] = (short) si[c];
            }
        }
        for (int i = 0; i < k; i++) {
            Arrays.fill(s.acc, 0);
            for (int j = 0; j < k; j++) {
                MlKemPoly.sampleNtt(s.xof, ek, rho, j, i, s.block, s.poly);
                MlKemPoly.multiplyAdd(s.acc, s.poly, s.vector[j]);
            }
            MlKemPoly.reduceProducts(s.acc);
            MlKemPoly.toMontgomery(s.acc);
            s.noise(s.seeds, 32, k + i, s.poly);
            MlKemPoly.ntt(s.poly);
            MlKemPoly.addFreeze(s.acc, s.poly);
            MlKemPoly.encode(s.acc, 12, ek, 384 * i);
        }
        byte[] h = new byte[32];
        s.h.update(ek, 0, ek.length);
        s.h.doFinal(h, 0);
        return new DecapsulationKey(sHat, ek, h, Arrays.copyOfRange(seed, 32, 64));
    }

    /**
     * A decapsulation key in FIPS 203's expanded encoding dk = ByteEncode_12(ŝ) || ek || H(ek) || z (§7.1),
     * checked as ML-KEM.Decaps's input check requires (§7.3: its length and the hash of the encapsulation key it
     * embeds). TLS never imports one, ours come from a seed; Wycheproof's decapsulation vectors are given this way.
     *
     * @param decapsulationKey dk, 768k + 96 bytes; read, not kept
     * @return the key pair
     * @throws IllegalArgumentException if the key has the wrong length or fails the hash check
     */
    DecapsulationKey fromExpandedKey(byte[] decapsulationKey) {
        int length = 2 * encapsulationKeyLength + 32;
        if (decapsulationKey.length != length) {
            throw new IllegalArgumentException(name + " decapsulation key must be " + length + " bytes, got "
                    + decapsulationKey.length);
        }
        int ekOffset = 384 * k;
        byte[] ek = Arrays.copyOfRange(decapsulationKey, ekOffset, ekOffset + encapsulationKeyLength);
        byte[] h = Arrays.copyOfRange(decapsulationKey, ekOffset + encapsulationKeyLength,
                ekOffset + encapsulationKeyLength + 32);
        Scratch s = LOCAL.get();
        try {
            s.h.update(ek, 0, ek.length);
            s.h.doFinal(s.hash, 0);
            if (!MessageDigest.isEqual(s.hash, h)) {
                throw new IllegalArgumentException(name + " decapsulation key fails the hash check (FIPS 203 §7.3)");
            }
            short[] sHat = new short[k * N];
            for (int i = 0; i < k; i++) {
                MlKemPoly.decode12(decapsulationKey, 384 * i, s.poly);
                for (int c = 0; c < N; c++) {
                    sHat[i * N + c] = (short) s.poly[c];
                }
            }
            return new DecapsulationKey(sHat, ek, h, Arrays.copyOfRange(decapsulationKey, length - 32, length));
        } finally {
            s.wipe();
        }
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
        return encapsulationKey.length == encapsulationKeyLength && passesModulusCheck(encapsulationKey, 0);
    }

    /** The modulus check of the encapsulation key at {@code offset}, whose length the caller has checked. */
    private boolean passesModulusCheck(byte[] in, int offset) {
        int end = offset + encapsulationKeyLength - 32;
        for (int i = offset; i < end; i += 3) {
            int b0 = in[i] & 0xFF;
            int b1 = in[i + 1] & 0xFF;
            int b2 = in[i + 2] & 0xFF;
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
        if (encapsulationKey.length != encapsulationKeyLength) {
            throw new InvalidKeyShareException(InvalidKeyShareException.Kind.INVALID_PUBLIC_VALUE,
                    name + " encapsulation key length " + encapsulationKey.length + ", expected "
                            + encapsulationKeyLength);
        }
        byte[] ciphertext = new byte[ciphertextLength];
        byte[] secret = encapsulate(encapsulationKey, 0, random, ciphertext, 0);
        return new Encapsulated(ciphertext, secret);
    }

    /**
     * ML-KEM.Encaps (FIPS 203 §7.2) against the encapsulation key inside a hybrid share, writing the ciphertext
     * into the server's share: no copy of either.
     *
     * @param in holds the peer's encapsulation key at {@code offset}; borrowed
     * @param offset where the key starts; the caller has checked that all of its 384k + 32 bytes are there
     * @param random the source of the message m
     * @param out receives the ciphertext at {@code outOffset}; borrowed
     * @param outOffset where the ciphertext starts
     * @return the shared secret K, owned by the caller
     * @throws InvalidKeyShareException if the key fails the modulus check
     */
    byte[] encapsulate(byte[] in, int offset, SecureRandom random, byte[] out, int outOffset)
            throws InvalidKeyShareException {
        if (offset < 0 || in.length - offset < encapsulationKeyLength || outOffset < 0
                || out.length - outOffset < ciphertextLength) {
            throw new IndexOutOfBoundsException(name + " key at " + offset + " of " + in.length + ", ciphertext at "
                    + outOffset + " of " + out.length);
        }
        if (!passesModulusCheck(in, offset)) {
            throw new InvalidKeyShareException(InvalidKeyShareException.Kind.INVALID_PUBLIC_VALUE,
                    name + " encapsulation key fails the modulus check (FIPS 203 §7.2)");
        }
        Scratch s = LOCAL.get();
        try {
            random.nextBytes(s.message);
            // Encaps_internal (Algorithm 17): (K, r) = G(m || H(ek)), c = K-PKE.Encrypt(ek, m, r).
            s.h.update(in, offset, encapsulationKeyLength);
            s.h.doFinal(s.hash, 0);
            s.g.update(s.message, 0, 32);
            s.g.update(s.hash, 0, 32);
            s.g.doFinal(s.seeds, 0);
            encrypt(s, in, offset, out, outOffset);
            return Arrays.copyOf(s.seeds, SHARED_SECRET_LENGTH);
        } finally {
            s.wipe();
        }
    }

    /**
     * K-PKE.Encrypt (Algorithm 14) of {@code s.message} with the randomness r = {@code s.seeds[32..64]}:
     * ŷ = NTT(CBD(PRF(r, j))); u[i] = NTT^-1(Σ_j Â[j, i] ∘ ŷ[j]) + CBD(PRF(r, k + i)) with
     * Â[j, i] = SampleNTT(ρ || i || j); v = NTT^-1(Σ_j t̂[j] ∘ ŷ[j]) + CBD(PRF(r, 2k)) + Decompress_1(m).
     * PRF's counter names each noise polynomial, so they are drawn where used. Each u[i] and v is compressed and
     * encoded into {@code out} as soon as it is complete.
     */
    private void encrypt(Scratch s, byte[] ek, int ekOffset, byte[] out, int outOffset) {
        int rho = ekOffset + 384 * k;
        for (int j = 0; j < k; j++) {
            s.noise(s.seeds, 32, j, s.vector[j]);
            MlKemPoly.ntt(s.vector[j]);
        }
        for (int i = 0; i < k; i++) {
            Arrays.fill(s.acc, 0);
            for (int j = 0; j < k; j++) {
                MlKemPoly.sampleNtt(s.xof, ek, rho, i, j, s.block, s.poly);
                MlKemPoly.multiplyAdd(s.acc, s.poly, s.vector[j]);
            }
            MlKemPoly.reduceProducts(s.acc);
            MlKemPoly.inverseNtt(s.acc);
            s.noise(s.seeds, 32, k + i, s.poly);
            MlKemPoly.addFreeze(s.acc, s.poly);
            MlKemPoly.compress(s.acc, du);
            MlKemPoly.encode(s.acc, du, out, outOffset + 32 * du * i);
        }
        Arrays.fill(s.acc, 0);
        for (int j = 0; j < k; j++) {
            MlKemPoly.decode12(ek, ekOffset + 384 * j, s.poly);
            MlKemPoly.multiplyAdd(s.acc, s.poly, s.vector[j]);
        }
        MlKemPoly.reduceProducts(s.acc);
        MlKemPoly.inverseNtt(s.acc);
        s.noise(s.seeds, 32, 2 * k, s.poly);
        for (int c = 0; c < N; c++) {
            // Decompress_1 of m's bit c: 0 or round(q / 2) = 1665, by mask.
            int bit = s.message[c >>> 3] >>> (c & 7) & 1;
            s.poly[c] += -bit & 1665;
        }
        MlKemPoly.addFreeze(s.acc, s.poly);
        MlKemPoly.compress(s.acc, dv);
        MlKemPoly.encode(s.acc, dv, out, outOffset + 32 * du * k);
    }

    /**
     * An encapsulation's result.
     *
     * @param ciphertext c, public
     * @param sharedSecret K, 32 bytes; owned by the caller, who zeroes it
     */
    record Encapsulated(byte[] ciphertext, byte[] sharedSecret) {
    }

    /**
     * Per-thread working memory of one operation; wiped by every entry point before it returns, so no secret
     * stays in it between operations.
     */
    private static final class Scratch {
        final SHA3Digest h = new SHA3Digest(256);
        final SHA3Digest g = new SHA3Digest(512);
        final SHAKEDigest xof = new SHAKEDigest(128);
        final SHAKEDigest shake256 = new SHAKEDigest(256);
        /** ŝ, ŷ or the NTT of u'. */
        final int[][] vector = new int[MAX_K][N];
        final int[] acc = new int[N];
        final int[] poly = new int[N];
        final byte[] block = new byte[MlKemPoly.XOF_BLOCK];
        final byte[] prf = new byte[MlKemPoly.CBD_BYTES];
        final byte[] seed = new byte[SEED_LENGTH];
        /** G's output: (ρ, σ) in key generation, (K, r) in encapsulation and decapsulation. */
        final byte[] seeds = new byte[64];
        /** m, or m' in decapsulation. */
        final byte[] message = new byte[32];
        /** H(ek). */
        final byte[] hash = new byte[32];
        /** K̄ = J(z || c). */
        final byte[] rejection = new byte[32];
        /** c' of decapsulation's re-encryption. */
        final byte[] ciphertext = new byte[MAX_CIPHERTEXT];

        /** f = SamplePolyCBD_2(PRF_2(seed, counter)), PRF = SHAKE256 (FIPS 203 §4.1). */
        void noise(byte[] key, int offset, int counter, int[] f) {
            shake256.update(key, offset, 32);
            shake256.update((byte) counter);
            shake256.doFinal(prf, 0, prf.length);
            MlKemPoly.cbd2(prf, f);
        }

        void wipe() {
            h.reset();
            g.reset();
            xof.reset();
            shake256.reset();
            for (int[] v : vector) {
                Arrays.fill(v, 0);
            }
            Arrays.fill(acc, 0);
            Arrays.fill(poly, 0);
            Arrays.fill(block, (byte) 0);
            Arrays.fill(prf, (byte) 0);
            Arrays.fill(seed, (byte) 0);
            Arrays.fill(seeds, (byte) 0);
            Arrays.fill(message, (byte) 0);
            Arrays.fill(hash, (byte) 0);
            Arrays.fill(rejection, (byte) 0);
            Arrays.fill(ciphertext, (byte) 0);
        }
    }

    /**
     * An ML-KEM key pair: the encapsulation key to send and the decapsulation key to keep, as ŝ in NTT form
     * (coefficients in [0, q)), ek, H(ek) and z.
     */
    final class DecapsulationKey {
        private final short[] sHat;
        private final byte[] ek;
        private final byte[] h;
        private final byte[] z;
        private boolean destroyed;

        private DecapsulationKey(short[] sHat, byte[] ek, byte[] h, byte[] z) {
            this.sHat = sHat;
            this.ek = ek;
            this.h = h;
            this.z = z;
        }

        /** @return the parameter set */
        MlKem kem() {
            return MlKem.this;
        }

        /** @return the encapsulation key ek (FIPS 203 §7.1), a new array */
        byte[] encapsulationKey() {
            return ek.clone();
        }

        /**
         * Copies the encapsulation key into {@code out}.
         *
         * @param out the destination, borrowed
         * @param offset where ek starts in it
         */
        void encapsulationKey(byte[] out, int offset) {
            System.arraycopy(ek, 0, out, offset, ek.length);
        }

        /**
         * ML-KEM.Decaps (FIPS 203 §7.3), after checking the ciphertext's length.
         *
         * @param ciphertext the peer's ciphertext
         * @return the shared secret K, owned by the caller
         * @throws InvalidKeyShareException if the ciphertext has the wrong length
         */
        byte[] decapsulate(byte[] ciphertext) throws InvalidKeyShareException {
            if (ciphertext.length != ciphertextLength) {
                throw new InvalidKeyShareException(InvalidKeyShareException.Kind.INVALID_PUBLIC_VALUE,
                        name + " ciphertext length " + ciphertext.length + ", expected " + ciphertextLength);
            }
            return decapsulate(ciphertext, 0);
        }

        /**
         * ML-KEM.Decaps (FIPS 203 §7.3) of the ciphertext inside a hybrid share, without copying it.
         *
         * @param in holds the ciphertext at {@code offset}; borrowed
         * @param offset where the ciphertext starts; the caller has checked the share's exact length
         * @return the shared secret K, owned by the caller
         */
        byte[] decapsulate(byte[] in, int offset) {
            if (destroyed) {
                throw new IllegalStateException(name + " key destroyed");
            }
            if (offset < 0 || in.length - offset < ciphertextLength) {
                throw new IndexOutOfBoundsException(name + " ciphertext at " + offset + " of " + in.length);
            }
            Scratch s = LOCAL.get();
            try {
                decrypt(s, in, offset);
                // Decaps_internal (Algorithm 18): (K', r') = G(m' || h), K̄ = J(z || c), c' = Encrypt(ek, m', r').
                s.g.update(s.message, 0, 32);
                s.g.update(h, 0, 32);
                s.g.doFinal(s.seeds, 0);
                s.shake256.update(z, 0, 32);
                s.shake256.update(in, offset, ciphertextLength);
                s.shake256.doFinal(s.rejection, 0, 32);
                encrypt(s, ek, 0, s.ciphertext, 0);
                int difference = 0;
                for (int i = 0; i < ciphertextLength; i++) {
                    difference |= in[offset + i] ^ s.ciphertext[i];
                }
                // difference is in [0, 255]: difference - 1 is negative only when c = c', so keep is all ones then.
                int keep = ((difference & 0xFF) - 1) >> 31;
                byte[] secret = new byte[SHARED_SECRET_LENGTH];
                for (int i = 0; i < SHARED_SECRET_LENGTH; i++) {
                    secret[i] = (byte) (s.rejection[i] ^ ((s.seeds[i] ^ s.rejection[i]) & keep));
                }
                return secret;
            } finally {
                s.wipe();
            }
        }

        /**
         * K-PKE.Decrypt (Algorithm 15) into {@code s.message}: u' = Decompress_du(c1), v' = Decompress_dv(c2),
         * w = v' - NTT^-1(ŝ^T ∘ NTT(u')), m' = ByteEncode_1(Compress_1(w)).
         */
        private void decrypt(Scratch s, byte[] c, int offset) {
            Arrays.fill(s.acc, 0);
            int[] row = s.vector[0];
            for (int i = 0; i < k; i++) {
                MlKemPoly.decode(c, offset + 32 * du * i, du, s.poly);
                MlKemPoly.decompress(s.poly, du);
                MlKemPoly.ntt(s.poly);
                for (int x = 0; x < N; x++) {
                    row[x] = sHat[i * N + x];
                }
                MlKemPoly.multiplyAdd(s.acc, row, s.poly);
            }
            MlKemPoly.reduceProducts(s.acc);
            MlKemPoly.inverseNtt(s.acc);
            MlKemPoly.decode(c, offset + 32 * du * k, dv, s.poly);
            MlKemPoly.decompress(s.poly, dv);
            for (int x = 0; x < N; x++) {
                s.poly[x] = MlKemPoly.compress(MlKemPoly.freeze(s.poly[x] - s.acc[x]), 1);
            }
            MlKemPoly.encode(s.poly, 1, s.message, 0);
        }

        /** @return dk in FIPS 203's expanded encoding (§7.1), for known answers; a new array */
        byte[] expandedKey() {
            byte[] dk = new byte[2 * encapsulationKeyLength + 32];
            Scratch s = LOCAL.get();
            try {
                for (int i = 0; i < k; i++) {
                    for (int x = 0; x < N; x++) {
                        s.poly[x] = sHat[i * N + x];
                    }
                    MlKemPoly.encode(s.poly, 12, dk, 384 * i);
                }
            } finally {
                s.wipe();
            }
            System.arraycopy(ek, 0, dk, 384 * k, ek.length);
            System.arraycopy(h, 0, dk, 384 * k + ek.length, 32);
            System.arraycopy(z, 0, dk, dk.length - 32, 32);
            return dk;
        }

        /** Zeroes the private parts: ŝ, H(ek) and z. */
        void destroy() {
            destroyed = true;
            Arrays.fill(sHat, (short) 0);
            Arrays.fill(h, (byte) 0);
            Arrays.fill(z, (byte) 0);
        }

        /** @return whether {@link #destroy()} ran and the private arrays are zero */
        boolean isDestroyed() {
            int bits = 0;
            for (short x : sHat) {
                bits |= x;
            }
            for (int i = 0; i < 32; i++) {
                bits |= h[i] | z[i];
            }
            return destroyed && bits == 0;
        }
    }
}
