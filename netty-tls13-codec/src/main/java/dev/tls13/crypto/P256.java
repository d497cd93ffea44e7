package dev.tls13.crypto;

import java.math.BigInteger;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.util.Arrays;

/**
 * NIST P-256 (FIPS 186-5, SEC 2 §2.4.2) arithmetic for secret scalars: ECDHE key generation and
 * agreement (RFC 8446 §4.2.8.2, §7.4.2) and ECDSA signing (FIPS 186-5 §6.4.1).
 *
 * <p>Why not the JCA: on Java 17 SunEC spends about 0.5 ms and 27 KB of garbage on a P-256 key pair,
 * 1.1 ms and 43 KB on an agreement and 0.6 ms and 24 KB on a signature (measured on the benchmark
 * machine, benchmarks/README.md); a secp256r1 handshake paid 3.2 of its 4 ms there. This class takes
 * about 0.055 ms per key pair, 0.18 ms per agreement and 0.065 ms per signature on JDK 17 and 25 alike,
 * with a few hundred bytes of garbage (JDK 25's SunEC: 0.13, 0.67 and 0.15 ms, with 14-30 KB).
 *
 * <p>Side channels: written to run in constant time with respect to secrets (scalars, nonces, private
 * keys, shared points). Field arithmetic is {@link P256Field} (Montgomery multiplication on five 52-bit
 * limbs, no carry flags, masked final subtractions); scalar arithmetic mod n is Montgomery multiplication
 * on four 64-bit limbs with branch-free carries and a masked final subtraction. Points are in Jacobian
 * coordinates: doubling by "dbl-2001-b" for a = -3, which has no exceptional case on this curve, and
 * addition by the classic formula with the identity on either side handled by selecting the other input
 * by mask; its one exception, adding a point to itself, cannot arise from the window structure (the
 * argument is at {@link #multiply} and {@link #multiplyBase}, and P256Test checks the edge scalars against
 * BouncyCastle). A scalar is consumed four bits at a time, and the table entry for each window is read by
 * scanning the whole table with masks: for a peer's point a table of its 16 multiples with four doublings
 * per window, for G a static table of 15 affine multiples per window ({@link Base}) and no doublings.
 * Field inversions are exponentiations by the public exponent p - 2. The signing nonce k is hedged (RFC 6979
 * with added randomness, {@link NonceGenerator}) and inverted blinded, as b (k b)^-1 for a secret b from the
 * same generator (see {@link #sign}). Only public values decide branches: a rejected candidate scalar, the
 * output's validity, the peer's point. The JIT is trusted not to turn masked arithmetic into branches, as
 * every Java implementation of constant-time code (BouncyCastle's X25519 among them) must.
 *
 * <p>Not thread-safe: each instance holds its scratch words; the static entry points use one per thread
 * and wipe it before they return.
 */
final class P256 {

    /** Length of a field element, a scalar and the ECDH shared secret (RFC 8446 §7.4.2). */
    static final int LENGTH = 32;
    /** Length of an uncompressed point: 0x04 || x || y (RFC 8446 §4.2.8.2). */
    static final int POINT_LENGTH = 1 + 2 * LENGTH;

    /** The group order in little-endian 64-bit limbs with its Montgomery constants (R = 2^256). */
    private record Modulus(long[] m, long inv, long[] rSquared) {
        static Modulus of(BigInteger value) {
            BigInteger r = BigInteger.ONE.shiftLeft(256);
            long m0 = value.longValue();
            // -m^-1 mod 2^64 by Newton's iteration: each step doubles the correct low bits.
            long x = 1;
            for (int i = 0; i < 6; i++) {
                x *= 2 - m0 * x;
            }
            return new Modulus(limbs(value), -x, limbs(r.multiply(r).mod(value)));
        }
    }

    private static final BigInteger P_VALUE =
            new BigInteger("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
    private static final BigInteger N_VALUE =
            new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);
    /** The field prime p = 2^256 - 2^224 + 2^192 + 2^96 - 1 in 64-bit limbs, for range checks. */
    private static final long[] P_LIMBS = limbs(P_VALUE);
    /** The group order n. */
    private static final Modulus N = Modulus.of(N_VALUE);
    /** The integer 1, which multiplies a Montgomery-form value back to plain form. */
    private static final long[] ONE = {1, 0, 0, 0};
    /** The curve coefficient b (a = -3), Montgomery form. */
    private static final long[] B = P256Field.montgomeryConstant(
            new BigInteger("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b", 16));
    private static final long[] GX = P256Field.montgomeryConstant(
            new BigInteger("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296", 16));
    private static final long[] GY = P256Field.montgomeryConstant(
            new BigInteger("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5", 16));

    /** Thrown inside when a secret-dependent result turned out unusable; callers map it. */
    static final class PointAtInfinity extends Exception {
        private static final long serialVersionUID = 1L;

        PointAtInfinity() {
            super("point at infinity", null, false, false);
        }
    }

    /** 1 in the field's Montgomery form. */
    private static final long[] FIELD_ONE = P256Field.montgomeryConstant(BigInteger.ONE);
    private static final int LIMBS = P256Field.LIMBS;

    /**
     * A projective point (X : Y : Z), coordinates as {@link P256Field} elements; Z = 0 is the identity.
     */
    private static final class Point {
        final long[] x = P256Field.create();
        final long[] y = P256Field.create();
        final long[] z = P256Field.create();

        void setIdentity() {
            Arrays.fill(x, 0);
            System.arraycopy(FIELD_ONE, 0, y, 0, LIMBS);
            Arrays.fill(z, 0);
        }

        void setAffine(long[] ax, long[] ay) {
            System.arraycopy(ax, 0, x, 0, LIMBS);
            System.arraycopy(ay, 0, y, 0, LIMBS);
            System.arraycopy(FIELD_ONE, 0, z, 0, LIMBS);
        }

        void set(Point other) {
            System.arraycopy(other.x, 0, x, 0, LIMBS);
            System.arraycopy(other.y, 0, y, 0, LIMBS);
            System.arraycopy(other.z, 0, z, 0, LIMBS);
        }

        void wipe() {
            Arrays.fill(x, 0);
            Arrays.fill(y, 0);
            Arrays.fill(z, 0);
        }
    }

    // Field scratch of the formulas, reused by every operation of this instance.
    private final long[] t0 = P256Field.create();
    private final long[] t1 = P256Field.create();
    private final long[] t2 = P256Field.create();
    private final long[] t3 = P256Field.create();
    private final long[] t4 = P256Field.create();
    private final long[] x3 = P256Field.create();
    private final long[] y3 = P256Field.create();
    private final long[] z3 = P256Field.create();
    private final long[] w = P256Field.create();
    /** A peer's point, affine. */
    private final long[] qx = P256Field.create();
    private final long[] qy = P256Field.create();
    // Scratch of the arithmetic mod n (signing), four 64-bit limbs.
    private final long[] nw = new long[4];
    private final long[] n0 = new long[4];
    private final long[] n1 = new long[4];
    /** Multiples 0·Q to 15·Q of a variable base Q, created by {@link #table}. */
    private Point[] table;
    private final Point acc = new Point();
    private final Point entry = new Point();
    /** The ECDSA nonce generator, created by the first signature in this thread. */
    private NonceGenerator nonces;

    /**
     * One instance per thread, so that an operation allocates almost nothing (the peer's table alone was
     * 3 KB per agreement); every entry point wipes it before returning, so no secret stays in it.
     */
    private static final ThreadLocal<P256> LOCAL = ThreadLocal.withInitial(P256::new);

    private P256() {
    }

    // ---- entry points ----

    /**
     * A uniformly random scalar in [1, n - 1] (FIPS 186-5 §A.2.2, rejection sampling).
     *
     * @param random the randomness
     * @return the 32-byte big-endian scalar, owned by the caller
     */
    static byte[] randomScalar(SecureRandom random) {
        byte[] k = new byte[LENGTH];
        long[] limbs = new long[4];
        while (true) {
            random.nextBytes(k);
            fromBytes(k, 0, limbs);
            // Accept 1 <= k < n; only the verdict on a candidate is observable, and rejected candidates
            // are discarded.
            long below = subtractBorrow(limbs, N.m);
            long zero = isZeroMask(limbs);
            Arrays.fill(limbs, 0);
            if ((below & ~zero & 1) != 0) {
                return k;
            }
        }
    }

    /**
     * The public key k·G of a private scalar, uncompressed.
     *
     * @param scalar the 32-byte big-endian private scalar in [1, n - 1]
     * @return 0x04 || x || y
     */
    static byte[] publicKey(byte[] scalar) {
        P256 p = LOCAL.get();
        try {
            p.multiplyBase(scalar);
            byte[] out = new byte[POINT_LENGTH];
            out[0] = 4;
            p.affine(p.acc, out, 1, out, 1 + LENGTH);
            return out;
        } catch (PointAtInfinity e) {
            throw new IllegalArgumentException("scalar is 0 mod n");
        } finally {
            p.wipe();
        }
    }

    /**
     * ECDH: the x-coordinate of k·Q (RFC 8446 §7.4.2) after full validation of Q (RFC 8446 §4.2.8.2).
     *
     * @param scalar the 32-byte big-endian private scalar in [1, n - 1]
     * @param peer the peer's key_exchange bytes
     * @return the 32-byte shared secret, owned by the caller
     * @throws InvalidKeyShareException if the peer's value is not a valid uncompressed point
     */
    static byte[] agree(byte[] scalar, byte[] peer) throws InvalidKeyShareException {
        P256 p = LOCAL.get();
        try {
            p.decodePoint(peer, p.qx, p.qy);
            p.table(p.qx, p.qy);
            p.multiply(scalar);
            byte[] out = new byte[LENGTH];
            p.affine(p.acc, out, 0, null, 0);
            return out;
        } catch (PointAtInfinity e) {
            // Impossible for a valid point of prime order and a scalar in [1, n - 1]; refuse anyway.
            throw new InvalidKeyShareException(InvalidKeyShareException.Kind.INVALID_PUBLIC_VALUE,
                    "ECDH result is the point at infinity");
        } finally {
            p.wipe();
        }
    }

    /**
     * ECDSA signature generation (FIPS 186-5 §6.4.1) of a SHA-256 digest with a hedged nonce: RFC 6979's
     * deterministic k with fresh randomness mixed in as draft-irtf-cfrg-det-sigs-with-noise (section "Hedged
     * ECDSA") specifies, see {@link NonceGenerator}. A broken, predictable or cloned (VM snapshot) random source
     * then gives at worst RFC 6979's deterministic k, which depends on the private key and the message, never
     * a k an attacker knows or one repeated for two messages; a good one keeps k unpredictable even to someone
     * who could observe or fault the deterministic computation.
     *
     * @param privateKey the 32-byte big-endian private key d in [1, n - 1]
     * @param digest the 32-byte SHA-256 hash of the message
     * @param random the source of the 32 bytes of added randomness Z
     * @return the DER-encoded signature SEQUENCE { r INTEGER, s INTEGER }
     */
    static byte[] sign(byte[] privateKey, byte[] digest, SecureRandom random) {
        byte[] noise = new byte[LENGTH];
        random.nextBytes(noise);
        try {
            return sign(privateKey, digest, noise);
        } finally {
            Arrays.fill(noise, (byte) 0);
        }
    }

    /**
     * {@link #sign(byte[], byte[], SecureRandom)} without the added randomness: RFC 6979 §3.2's deterministic
     * ECDSA exactly, so that tests can check k and the signature against RFC 6979 Appendix A.2.5.
     *
     * @param privateKey the 32-byte big-endian private key d in [1, n - 1]
     * @param digest the 32-byte SHA-256 hash of the message
     * @return the DER-encoded signature
     */
    static byte[] signDeterministic(byte[] privateKey, byte[] digest) {
        return sign(privateKey, digest, (byte[]) null);
    }

    /** ECDSA signing with the nonce of {@link NonceGenerator}; {@code noise} null for plain RFC 6979. */
    private static byte[] sign(byte[] privateKey, byte[] digest, byte[] noise) {
        if (digest.length != LENGTH || privateKey.length != LENGTH) {
            throw new IllegalArgumentException("32-byte private key and SHA-256 digest expected");
        }
        P256 p = LOCAL.get();
        long[] e = new long[4];
        long[] d = new long[4];
        long[] k = new long[4];
        long[] r = new long[4];
        long[] s = new long[4];
        byte[] rBytes = new byte[LENGTH];
        byte[] nonce = new byte[LENGTH];
        try {
            // e = the digest as an integer (its bit length equals n's, FIPS 186-5 §6.4.1 step 3); below
            // 2^256 < 2n, so one conditional subtraction reduces it mod n. RFC 6979's bits2octets(h1) is e's
            // 32 bytes.
            fromBytes(digest, 0, e);
            conditionalSubtract(e, 0, N.m);
            fromBytes(privateKey, 0, d);
            NonceGenerator nonces = p.nonceGenerator();
            toBytes(e, nonces.message, 0);
            nonces.seed(privateKey, noise);
            while (true) {
                nonces.next(nonce);
                p.multiplyBase(nonce);
                // r = x(kG) mod n; x < p < 2n.
                p.affine(p.acc, rBytes, 0, null, 0);
                fromBytes(rBytes, 0, r);
                conditionalSubtract(r, 0, N.m);
                fromBytes(nonce, 0, k);
                Arrays.fill(nonce, (byte) 0);
                if (isZeroMask(r) != 0) {
                    continue;
                }
                // s = k^-1 (e + r d) mod n, in Montgomery form mod n. k^-1 is b (k b)^-1 for a secret b, the
                // generator's next output (as secret and as unpredictable as k, whatever the random source):
                // k b is uniform and independent of k, so its inversion may take the variable-time binary
                // Euclid (as mbedTLS blinds its ECDSA inversion), a fifth of the time of the constant-time
                // exponentiation by n - 2 it replaced. b does not change r or s, so the deterministic mode still
                // gives RFC 6979's signatures.
                nonces.next(nonce);
                fromBytes(nonce, 0, p.n0);
                Arrays.fill(nonce, (byte) 0);
                toMontgomery(k, k);
                toMontgomery(p.n0, p.n0);
                montMul(k, p.n0, p.n1, N);
                fromMontgomery(p.n1, p.n1);
                invertPublic(p.n1, p.n1);
                toMontgomery(p.n1, p.n1);
                montMul(p.n1, p.n0, k, N);
                toMontgomery(d, s);
                toMontgomery(r, p.nw);
                montMul(s, p.nw, s, N);
                toMontgomery(e, p.nw);
                addMod(s, p.nw, s, N.m);
                montMul(s, k, s, N);
                fromMontgomery(s, s);
                if (isZeroMask(s) != 0) {
                    continue;
                }
                return der(r, s);
            }
        } catch (PointAtInfinity impossible) {
            throw new IllegalStateException("k·G at infinity for k in [1, n - 1]", impossible);
        } finally {
            Arrays.fill(d, 0);
            Arrays.fill(k, 0);
            Arrays.fill(s, 0);
            Arrays.fill(e, 0);
            Arrays.fill(nonce, (byte) 0);
            p.wipe();
        }
    }

    /** This thread's nonce generator, created on the first signature (ECDHE needs none). */
    private NonceGenerator nonceGenerator() {
        if (nonces == null) {
            nonces = new NonceGenerator();
        }
        return nonces;
    }

    /**
     * The HMAC_DRBG of RFC 6979 §3.2 with HMAC-SHA-256 (hlen = qlen = 256, so a candidate is one V), hedged
     * as draft-irtf-cfrg-det-sigs-with-noise specifies: steps d and f compute
     * K = HMAC_K(V || 0x00 (0x01) || Z || 000... || int2octets(x) || 000... || bits2octets(h1)) with 32 bytes
     * of fresh randomness Z, and zeros that end (V || 0x00 || Z || 000...) and (int2octets(x) || 000...) on
     * the 64-byte block boundaries of SHA-256, so the private key x is hashed in a block of its own after a
     * state already randomised by Z. Without Z it is RFC 6979 exactly.
     *
     * <p>Every array here is secret (K, V and the HMAC pads and inner hash derive from x; V is the nonce) and
     * is zeroed by {@link #wipe}, which {@link P256#wipe} calls before every signature returns. The digest
     * resets itself after each {@code digest}, and {@link #wipe} resets it again in case a call stopped half-way;
     * a reset of JDK 17's SHA-256 zeroes its block buffer and message schedule (read from its bytecode).
     * Comparisons of candidates with n are constant-time; only whether a candidate is rejected (probability
     * about 2^-32) shows.
     */
    private static final class NonceGenerator {
        private static final int BLOCK = 64;
        /** The zeros of the hedged construction: 63 after V || 0x00 || Z, 32 after int2octets(x). */
        private static final byte[] ZEROS = new byte[BLOCK];

        private final MessageDigest sha256;
        private final byte[] k = new byte[LENGTH];
        private final byte[] v = new byte[LENGTH];
        /** K XOR ipad, then K XOR opad (RFC 2104 §2). */
        private final byte[] pad = new byte[BLOCK];
        private final byte[] inner = new byte[LENGTH];
        /** bits2octets(h1), set by the caller before {@link #seed}. */
        final byte[] message = new byte[LENGTH];
        private final long[] candidate = new long[4];
        /** Whether a value has been handed out since {@link #seed}: the next first steps K and V on (step h.3). */
        private boolean started;

        NonceGenerator() {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("JCA lacks SHA-256", e);
            }
        }

        /**
         * RFC 6979 §3.2 steps b to g for the private key x and {@link #message}; hedged when {@code noise} is not
         * null.
         */
        void seed(byte[] x, byte[] noise) {
            Arrays.fill(v, (byte) 0x01);
            Arrays.fill(k, (byte) 0x00);
            seedStep(x, noise, (byte) 0x00);
            hmac(v, v);
            seedStep(x, noise, (byte) 0x01);
            hmac(v, v);
            started = false;
        }

        /** K = HMAC_K(V || separator || provided_data), steps d and f. */
        private void seedStep(byte[] x, byte[] noise, byte separator) {
            begin();
            sha256.update(v);
            sha256.update(separator);
            if (noise != null) {
                // |V || 0x00 || Z| = 65 bytes: 63 zeros reach 128.
                sha256.update(noise, 0, LENGTH);
                sha256.update(ZEROS, 0, 2 * BLOCK - 2 * LENGTH - 1);
            }
            sha256.update(x, 0, LENGTH);
            if (noise != null) {
                sha256.update(ZEROS, 0, BLOCK - LENGTH);
            }
            sha256.update(message);
            end(k);
        }

        /**
         * The next value in [1, n - 1] (step h): V = HMAC_K(V) until V, as an integer, is in range; after each
         * rejected candidate and before every value but the first, K = HMAC_K(V || 0x00), V = HMAC_K(V).
         */
        void next(byte[] out) {
            while (true) {
                if (started) {
                    begin();
                    sha256.update(v);
                    sha256.update((byte) 0x00);
                    end(k);
                    hmac(v, v);
                }
                started = true;
                hmac(v, v);
                fromBytes(v, 0, candidate);
                boolean valid = isScalar(candidate);
                Arrays.fill(candidate, 0);
                if (valid) {
                    System.arraycopy(v, 0, out, 0, LENGTH);
                    return;
                }
            }
        }

        /** out = HMAC_K(data); out may be V itself. */
        private void hmac(byte[] data, byte[] out) {
            begin();
            sha256.update(data);
            end(out);
        }

        /** Starts HMAC_K: feeds K XOR ipad. K is 32 bytes, shorter than a block (RFC 2104 §2). */
        private void begin() {
            for (int i = 0; i < LENGTH; i++) {
                pad[i] = (byte) (k[i] ^ 0x36);
            }
            Arrays.fill(pad, LENGTH, BLOCK, (byte) 0x36);
            sha256.update(pad);
        }

        /** Finishes HMAC_K into {@code out} (which may be K or V: K is read before out is written). */
        private void end(byte[] out) {
            digestInto(inner);
            for (int i = 0; i < LENGTH; i++) {
                pad[i] = (byte) (k[i] ^ 0x5c);
            }
            Arrays.fill(pad, LENGTH, BLOCK, (byte) 0x5c);
            sha256.update(pad);
            sha256.update(inner);
            digestInto(out);
        }

        private void digestInto(byte[] out) {
            try {
                sha256.digest(out, 0, LENGTH);
            } catch (DigestException e) {
                throw new IllegalStateException("SHA-256 failed", e);
            }
        }

        void wipe() {
            sha256.reset();
            Arrays.fill(k, (byte) 0);
            Arrays.fill(v, (byte) 0);
            Arrays.fill(pad, (byte) 0);
            Arrays.fill(inner, (byte) 0);
            Arrays.fill(message, (byte) 0);
            Arrays.fill(candidate, 0);
            started = false;
        }
    }

    /**
     * The private scalar of a P-256 key, for {@link #sign}.
     *
     * @param key a private key already checked to be on P-256
     * @return the 32-byte big-endian scalar d in [1, n - 1] (the caller zeroes it), or null when the key
     *         does not give out its scalar (a hardware key) so the JCA must sign
     */
    static byte[] privateScalar(PrivateKey key) {
        if (!(key instanceof ECPrivateKey)) {
            return null;
        }
        BigInteger s;
        try {
            s = ((ECPrivateKey) key).getS();
        } catch (RuntimeException e) {
            return null;
        }
        // The JCA hands the scalar out as a BigInteger (SunEC converts the same way internally); only
        // its length in bytes can show in the time of this conversion. The range check is constant-time.
        if (s == null || s.signum() <= 0 || s.bitLength() > 8 * LENGTH) {
            return null;
        }
        byte[] d = new byte[LENGTH];
        EcCurve.writeFixed(s, d, 0, LENGTH);
        if (!isValidScalar(d)) {
            Arrays.fill(d, (byte) 0);
            return null;
        }
        return d;
    }

    /**
     * @param scalar a candidate private scalar
     * @return whether it is 32 bytes encoding a value in [1, n - 1]
     */
    static boolean isValidScalar(byte[] scalar) {
        if (scalar.length != LENGTH) {
            return false;
        }
        long[] limbs = new long[4];
        fromBytes(scalar, 0, limbs);
        boolean valid = isScalar(limbs);
        Arrays.fill(limbs, 0);
        return valid;
    }

    /**
     * @param limbs a value in little-endian 64-bit limbs
     * @return whether it is in [1, n - 1]; constant time
     */
    static boolean isScalar(long[] limbs) {
        return (subtractBorrow(limbs, N.m) & ~isZeroMask(limbs) & 1) != 0;
    }

    /**
     * ECDSA verification's scalars (FIPS 186-5 §6.4.2 steps 1, 4 and 5) for {@link P256Verifier}, on public
     * values. Little-endian 64-bit limbs.
     *
     * @param e the digest as an integer below 2^256
     * @param r the signature's r
     * @param s the signature's s
     * @param u1 receives e s^-1 mod n
     * @param u2 receives r s^-1 mod n
     * @return false, leaving u1 and u2 unset, if r or s is outside [1, n - 1]
     */
    static boolean verificationScalars(long[] e, long[] r, long[] s, long[] u1, long[] u2) {
        if (!isScalar(r) || !isScalar(s)) {
            return false;
        }
        long[] w = new long[4];
        long[] sInverse = new long[4];
        // s is public: the variable-time inversion (a fifth of Fermat's time) may be used.
        invertPublic(s, sInverse);
        toMontgomery(sInverse, sInverse);
        // A Montgomery product of a plain value and s^-1 R is the plain e s^-1; e < 2^256 < 2n.
        System.arraycopy(e, 0, w, 0, 4);
        conditionalSubtract(w, 0, N.m);
        montMul(w, sInverse, u1, N);
        montMul(r, sInverse, u2, N);
        return true;
    }

    /**
     * out = a^-1 mod n for a in [1, n - 1], by the binary extended Euclidean algorithm (invariants
     * u = x1 a and v = x2 a mod n): branches and loop counts depend on a, so a must be public or blinded.
     */
    private static void invertPublic(long[] a, long[] out) {
        long[] u = a.clone();
        long[] v = N.m.clone();
        long[] x1 = {1, 0, 0, 0};
        long[] x2 = new long[4];
        while (!isOne(u) && !isOne(v)) {
            while ((u[0] & 1) == 0) {
                shiftRight(u, 0);
                halveModN(x1);
            }
            while ((v[0] & 1) == 0) {
                shiftRight(v, 0);
                halveModN(x2);
            }
            // Both odd now; the larger minus the smaller is even and keeps the gcd.
            if (subtractBorrow(u, v) == 0) {
                subtract(u, v);
                subtractModN(x1, x2);
            } else {
                subtract(v, u);
                subtractModN(x2, x1);
            }
        }
        System.arraycopy(isOne(u) ? x1 : x2, 0, out, 0, 4);
        // Signing passes a blinded nonce: nothing of it stays behind.
        Arrays.fill(u, 0);
        Arrays.fill(v, 0);
        Arrays.fill(x1, 0);
        Arrays.fill(x2, 0);
    }

    private static boolean isOne(long[] a) {
        return a[0] == 1 && (a[1] | a[2] | a[3]) == 0;
    }

    /** a = (carry:a) / 2 for a carry bit in {0, 1}. */
    private static void shiftRight(long[] a, long carry) {
        a[0] = (a[0] >>> 1) | (a[1] << 63);
        a[1] = (a[1] >>> 1) | (a[2] << 63);
        a[2] = (a[2] >>> 1) | (a[3] << 63);
        a[3] = (a[3] >>> 1) | (carry << 63);
    }

    /** x = x / 2 mod n for x below n: x + n when x is odd (n is odd), then a shift. */
    private static void halveModN(long[] x) {
        if ((x[0] & 1) == 0) {
            shiftRight(x, 0);
            return;
        }
        shiftRight(x, addWords(x, N.m, x));
    }

    /** a = a - b for a at least b. */
    private static void subtract(long[] a, long[] b) {
        long d0 = a[0] - b[0];
        long br = borrow(a[0], b[0], d0);
        long d1 = a[1] - b[1] - br;
        br = borrow3(a[1], b[1], br, d1);
        long d2 = a[2] - b[2] - br;
        br = borrow3(a[2], b[2], br, d2);
        a[0] = d0;
        a[1] = d1;
        a[2] = d2;
        a[3] = a[3] - b[3] - br;
    }

    /** x = x - y mod n for x, y below n. */
    private static void subtractModN(long[] x, long[] y) {
        if (subtractBorrow(x, y) == 0) {
            subtract(x, y);
        } else {
            // x - y + n = n - (y - x)
            long[] d = y.clone();
            subtract(d, x);
            System.arraycopy(N.m, 0, x, 0, 4);
            subtract(x, d);
            Arrays.fill(d, 0);
        }
    }

    /**
     * @param x a value below 2n (an x coordinate, below p), little-endian 64-bit limbs; replaced by x mod n
     */
    static void reduceModN(long[] x) {
        conditionalSubtract(x, 0, N.m);
    }

    // ---- points ----

    /** Validates and decodes an uncompressed point into Montgomery-form affine coordinates. */
    private void decodePoint(byte[] encoded, long[] x, long[] y) throws InvalidKeyShareException {
        if (encoded.length != POINT_LENGTH) {
            throw invalid("share length " + encoded.length + ", expected " + POINT_LENGTH);
        }
        if (encoded[0] != 4) {
            throw invalid("point not in uncompressed form");
        }
        // RFC 8446 §4.2.8.2: both coordinates in [0, p) and on the curve. The identity has no uncompressed
        // encoding, and (0, 0) fails the equation since b != 0. Cofactor 1: on the curve is in the group.
        long[] words = new long[4];
        fromBytes(encoded, 1, words);
        long xBelow = subtractBorrow(words, P_LIMBS);
        fromBytes(encoded, 1 + LENGTH, words);
        long yBelow = subtractBorrow(words, P_LIMBS);
        if (xBelow == 0 || yBelow == 0) {
            throw invalid("coordinate not below the field prime");
        }
        P256Field.fromBytes(encoded, 1, x);
        P256Field.fromBytes(encoded, 1 + LENGTH, y);
        P256Field.toMontgomery(x, x);
        P256Field.toMontgomery(y, y);
        // y^2 = x^3 - 3x + b, compared in [0, p)
        P256Field.sqr(y, t0);
        P256Field.sqr(x, t1);
        P256Field.mul(t1, x, t1);
        P256Field.add(x, x, t2);
        P256Field.add(t2, x, t2);
        P256Field.sub(t1, t2, t1);
        P256Field.add(t1, B, t1);
        P256Field.canonical(t0, t0);
        P256Field.canonical(t1, t1);
        if (!Arrays.equals(t0, t1)) {
            throw invalid("point not on secp256r1");
        }
    }

    private static InvalidKeyShareException invalid(String message) {
        return new InvalidKeyShareException(InvalidKeyShareException.Kind.INVALID_PUBLIC_VALUE, message);
    }

    /** Fills the table with 0·Q, 1·Q, ..., 15·Q (public values: Q is the peer's point). */
    private void table(long[] x, long[] y) {
        if (table == null) {
            table = new Point[16];
            for (int i = 0; i < table.length; i++) {
                table[i] = new Point();
            }
        }
        table[0].setIdentity();
        table[1].setAffine(x, y);
        table[2].set(table[1]);
        twice(table[2]);
        // i Q for i in 3..15 is never ±Q, the one input add() must not see twice.
        for (int i = 3; i < table.length; i++) {
            add(table[i - 1], table[1], table[i]);
        }
    }

    /**
     * acc = scalar · Q for the Q of {@link #table}: 4-bit windows from the top, four doublings and one
     * addition of a table entry read in constant time per window; no branch depends on the scalar.
     *
     * <p>{@link #add} must never see two equal points other than the identity: before window i the
     * accumulator is 16 m Q for the scalar's leading digits m, and the entry is d Q with d below 16.
     * As 16 m + d is at most the scalar, below n, 16 m ≡ d (mod n) only when m = d = 0, both identities.
     */
    private void multiply(byte[] scalar) {
        acc.setIdentity();
        for (int i = 0; i < 2 * LENGTH; i++) {
            if (i > 0) {
                twice(acc);
                twice(acc);
                twice(acc);
                twice(acc);
            }
            int digit = (scalar[i >> 1] >> ((i & 1) == 0 ? 4 : 0)) & 0xF;
            select(digit);
            add(acc, entry, acc);
        }
    }

    /**
     * acc = scalar · G: one addition per 4-bit window of a precomputed multiple of G ({@link Base}), read in
     * constant time; no doublings.
     *
     * <p>Before window i the accumulator is m G for the scalar's lower digits m, below 16^i, and the entry
     * d 16^i G with d below 16 and d 16^i below n: equal only when both are 0, the identity.
     */
    private void multiplyBase(byte[] scalar) {
        acc.setIdentity();
        for (int i = 0; i < Base.WINDOWS; i++) {
            // Window i holds bits 4i to 4i + 3, counted from the least significant.
            int digit = (scalar[LENGTH - 1 - (i >> 1)] >> ((i & 1) << 2)) & 0xF;
            selectBase(i, digit);
            addAffine(acc, entry, acc);
        }
    }

    /** entry = digit · 16^window · G, reading every entry of the window; digit 0 gives the identity. */
    private void selectBase(int window, int digit) {
        entry.wipe();
        long[] t = Base.TABLE;
        int offset = window * 15 * Base.ENTRY;
        for (int j = 1; j <= 15; j++) {
            long mask = ((j ^ digit) - 1) >> 31;
            int o = offset + (j - 1) * Base.ENTRY;
            for (int k = 0; k < LIMBS; k++) {
                entry.x[k] |= t[o + k] & mask;
                entry.y[k] |= t[o + LIMBS + k] & mask;
            }
        }
        // Affine entries have Z = 1; for digit 0 no entry matched and (0 : 1 : 0) is the identity.
        long zero = (digit - 1) >> 31;
        for (int k = 0; k < LIMBS; k++) {
            entry.y[k] |= FIELD_ONE[k] & zero;
            entry.z[k] = FIELD_ONE[k] & ~zero;
        }
    }

    /**
     * The fixed-base table: for each of the 64 windows i and each j in 1..15, j · 16^i · G in affine
     * Montgomery form (x then y, 10 words), 77 KB computed once on first use. Public values only.
     */
    private static final class Base {
        static final int WINDOWS = 2 * LENGTH;
        static final int ENTRY = 2 * LIMBS;
        static final long[] TABLE = compute();

        private static long[] compute() {
            long[] table = new long[WINDOWS * 15 * ENTRY];
            P256 p = new P256();
            Point base = new Point();
            base.setAffine(GX, GY);
            Point[] multiples = new Point[15];
            for (int j = 0; j < multiples.length; j++) {
                multiples[j] = new Point();
            }
            long[][] prefix = new long[15][LIMBS];
            long[] inverse = P256Field.create();
            long[] zInverse = P256Field.create();
            long[] zz = P256Field.create();
            long[] x = P256Field.create();
            long[] y = P256Field.create();
            for (int i = 0; i < WINDOWS; i++) {
                // B = 16^i G; 2B by doubling, then (j + 1) B = j B + B, never the doubling case of add().
                multiples[0].set(base);
                multiples[1].set(base);
                p.twice(multiples[1]);
                for (int j = 2; j < 15; j++) {
                    p.add(multiples[j - 1], base, multiples[j]);
                }
                // One inversion per window (Montgomery's trick): prefix products, invert the last, unwind.
                System.arraycopy(multiples[0].z, 0, prefix[0], 0, LIMBS);
                for (int j = 1; j < 15; j++) {
                    P256Field.mul(prefix[j - 1], multiples[j].z, prefix[j]);
                }
                P256Field.invert(prefix[14], inverse, p.t0, p.t1, p.t2);
                for (int j = 14; j >= 0; j--) {
                    if (j > 0) {
                        P256Field.mul(inverse, prefix[j - 1], zInverse);
                        P256Field.mul(inverse, multiples[j].z, inverse);
                    } else {
                        System.arraycopy(inverse, 0, zInverse, 0, LIMBS);
                    }
                    // x = X / Z^2, y = Y / Z^3
                    P256Field.sqr(zInverse, zz);
                    P256Field.mul(multiples[j].x, zz, x);
                    P256Field.mul(zz, zInverse, zz);
                    P256Field.mul(multiples[j].y, zz, y);
                    int o = (i * 15 + j) * ENTRY;
                    System.arraycopy(x, 0, table, o, LIMBS);
                    System.arraycopy(y, 0, table, o + LIMBS, LIMBS);
                }
                for (int d = 0; d < 4; d++) {
                    p.twice(base);
                }
            }
            return table;
        }
    }

    /** entry = table[digit], reading every entry. */
    private void select(int digit) {
        entry.wipe();
        for (int i = 0; i < table.length; i++) {
            // All ones when i == digit: (i ^ digit) - 1 is negative only for 0 (both are below 16).
            long mask = ((i ^ digit) - 1) >> 31;
            Point t = table[i];
            for (int j = 0; j < LIMBS; j++) {
                entry.x[j] |= t.x[j] & mask;
                entry.y[j] |= t.y[j] & mask;
                entry.z[j] |= t.z[j] & mask;
            }
        }
    }

    /**
     * r = a + b in Jacobian coordinates (12M + 4S): with U1 = X1 Z2^2, U2 = X2 Z1^2, S1 = Y1 Z2^3,
     * S2 = Y2 Z1^3, H = U2 - U1 and R = S2 - S1: X3 = R^2 - H^3 - 2 U1 H^2, Y3 = R (U1 H^2 - X3) - S1 H^3,
     * Z3 = Z1 Z2 H. The identity on either side is handled by selecting the other input by mask; a = -b
     * gives Z3 = 0, the identity. The formula is wrong only for a = b, not the identity (it gives the
     * identity instead of 2a): the callers show that never happens. {@code r} may alias either input.
     */
    private void add(Point a, Point b, Point r) {
        long aIdentity = -P256Field.isZero(a.z, w);
        long bIdentity = -P256Field.isZero(b.z, w);
        P256Field.sqr(b.z, t0);
        P256Field.mul(a.x, t0, t1);                 // t1 = U1
        P256Field.mul(b.z, t0, t0);
        P256Field.mul(a.y, t0, t2);                 // t2 = S1
        P256Field.sqr(a.z, t0);
        P256Field.mul(b.x, t0, t3);                 // t3 = U2
        P256Field.mul(a.z, t0, t0);
        P256Field.mul(b.y, t0, t4);                 // t4 = S2
        P256Field.mul(a.z, b.z, z3);
        finish(a, b, r, aIdentity, bIdentity);
    }

    /**
     * r = a + b for b affine (Z = 1) or the identity (Z = 0), 8M + 3S: {@link #add} with U1 = X1, S1 = Y1,
     * Z2 = 1. The same exception (a = b) is ruled out by the caller. {@code r} may alias either input.
     */
    private void addAffine(Point a, Point b, Point r) {
        long aIdentity = -P256Field.isZero(a.z, w);
        long bIdentity = -P256Field.isZero(b.z, w);
        System.arraycopy(a.x, 0, t1, 0, LIMBS);     // t1 = U1
        System.arraycopy(a.y, 0, t2, 0, LIMBS);     // t2 = S1
        P256Field.sqr(a.z, t0);
        P256Field.mul(b.x, t0, t3);                 // t3 = U2
        P256Field.mul(a.z, t0, t0);
        P256Field.mul(b.y, t0, t4);                 // t4 = S2
        System.arraycopy(a.z, 0, z3, 0, LIMBS);
        finish(a, b, r, aIdentity, bIdentity);
    }

    /**
     * The common end of {@link #add} and {@link #addAffine}: from U1 (t1), S1 (t2), U2 (t3), S2 (t4) and
     * Z1 Z2 (z3), the sum into (x3, y3, z3), then r = b if a is the identity, a if b is, else the sum.
     */
    private void finish(Point a, Point b, Point r, long aIdentity, long bIdentity) {
        P256Field.sub(t3, t1, t3);                  // t3 = H
        P256Field.sub(t4, t2, t4);                  // t4 = R
        P256Field.mul(z3, t3, z3);                  // z3 = Z1 Z2 H
        P256Field.sqr(t3, t0);                      // t0 = H^2
        P256Field.mul(t3, t0, t3);                  // t3 = H^3
        P256Field.mul(t1, t0, t1);                  // t1 = U1 H^2
        P256Field.mul(t2, t3, t2);                  // t2 = S1 H^3
        P256Field.sqr(t4, x3);
        P256Field.sub(x3, t3, x3);
        P256Field.sub(x3, t1, x3);
        P256Field.sub(x3, t1, x3);                  // x3 = R^2 - H^3 - 2 U1 H^2
        P256Field.sub(t1, x3, y3);
        P256Field.mul(t4, y3, y3);
        P256Field.sub(y3, t2, y3);                  // y3 = R (U1 H^2 - X3) - S1 H^3
        long sum = ~aIdentity & ~bIdentity;
        long useA = ~aIdentity & bIdentity;
        for (int k = 0; k < LIMBS; k++) {
            r.x[k] = (b.x[k] & aIdentity) | (a.x[k] & useA) | (x3[k] & sum);
            r.y[k] = (b.y[k] & aIdentity) | (a.y[k] & useA) | (y3[k] & sum);
            r.z[k] = (b.z[k] & aIdentity) | (a.z[k] & useA) | (z3[k] & sum);
        }
    }

    /**
     * p = 2p in Jacobian coordinates for a = -3 ("dbl-2001-b", 3M + 5S): delta = Z^2, gamma = Y^2,
     * beta = X gamma, alpha = 3 (X - delta)(X + delta); X3 = alpha^2 - 8 beta, Z3 = (Y + Z)^2 - gamma - delta,
     * Y3 = alpha (4 beta - X3) - 8 gamma^2. Exception-free here: the identity (Z = 0) gives Z3 = 0, and
     * P-256 has no point with Y = 0 (its order n is odd).
     */
    private void twice(Point p) {
        P256Field.sqr(p.z, t0);                     // t0 = delta
        P256Field.sqr(p.y, t1);                     // t1 = gamma
        P256Field.mul(p.x, t1, t2);                 // t2 = beta
        P256Field.sub(p.x, t0, t3);
        P256Field.add(p.x, t0, t4);
        P256Field.mul(t3, t4, t3);
        P256Field.add(t3, t3, t4);
        P256Field.add(t3, t4, t3);                  // t3 = alpha
        P256Field.add(p.y, p.z, t4);
        P256Field.sqr(t4, t4);
        P256Field.sub(t4, t1, t4);
        P256Field.sub(t4, t0, p.z);                 // Z3
        P256Field.add(t2, t2, t2);
        P256Field.add(t2, t2, t2);                  // t2 = 4 beta
        P256Field.sqr(t3, t4);
        P256Field.sub(t4, t2, t4);
        P256Field.sub(t4, t2, p.x);                 // X3 = alpha^2 - 8 beta
        P256Field.sub(t2, p.x, t2);
        P256Field.mul(t3, t2, t2);                  // alpha (4 beta - X3)
        P256Field.sqr(t1, t1);
        P256Field.add(t1, t1, t1);
        P256Field.add(t1, t1, t1);
        P256Field.add(t1, t1, t1);                  // 8 gamma^2
        P256Field.sub(t2, t1, p.y);
    }

    /**
     * Writes the affine x = X / Z^2 (and y = Y / Z^3, when {@code yOut} is not null) of {@code q}
     * big-endian.
     *
     * @throws PointAtInfinity if q is the identity (decided after the secret arithmetic is done)
     */
    private void affine(Point q, byte[] xOut, int xOff, byte[] yOut, int yOff) throws PointAtInfinity {
        P256Field.invert(q.z, w, t2, t3, t4);
        P256Field.sqr(w, t1);
        P256Field.mul(q.x, t1, t0);
        P256Field.fromMontgomery(t0, t0);
        P256Field.toBytes(t0, xOut, xOff);
        if (yOut != null) {
            P256Field.mul(t1, w, t1);
            P256Field.mul(q.y, t1, t1);
            P256Field.fromMontgomery(t1, t1);
            P256Field.toBytes(t1, yOut, yOff);
        }
        if (P256Field.isZero(q.z, t0) != 0) {
            throw new PointAtInfinity();
        }
    }

    private void wipe() {
        if (nonces != null) {
            nonces.wipe();
        }
        if (table != null) {
            for (Point t : table) {
                t.wipe();
            }
        }
        acc.wipe();
        entry.wipe();
        Arrays.fill(t0, 0);
        Arrays.fill(t1, 0);
        Arrays.fill(t2, 0);
        Arrays.fill(t3, 0);
        Arrays.fill(t4, 0);
        Arrays.fill(x3, 0);
        Arrays.fill(y3, 0);
        Arrays.fill(z3, 0);
        Arrays.fill(w, 0);
        Arrays.fill(qx, 0);
        Arrays.fill(qy, 0);
        Arrays.fill(nw, 0);
        Arrays.fill(n0, 0);
        Arrays.fill(n1, 0);
    }

    // ---- arithmetic mod n on 4 x 64-bit little-endian limbs (the field is P256Field) ----

    private static void toMontgomery(long[] a, long[] out) {
        montMul(a, N.rSquared, out, N);
    }

    private static void fromMontgomery(long[] a, long[] out) {
        montMul(a, ONE, out, N);
    }

    /**
     * out = a b R^-1 mod m (coarsely integrated operand scanning, written out so every word stays in a
     * local). Inputs below m; out may alias either.
     */
    private static void montMul(long[] a, long[] b, long[] out, Modulus mod) {
        long[] m = mod.m;
        long m0 = m[0];
        long m1 = m[1];
        long m2 = m[2];
        long m3 = m[3];
        long b0 = b[0];
        long b1 = b[1];
        long b2 = b[2];
        long b3 = b[3];
        long r0 = 0;
        long r1 = 0;
        long r2 = 0;
        long r3 = 0;
        long r4 = 0;
        long lo;
        long hi;
        long sum;
        long c;
        for (int i = 0; i < 4; i++) {
            long ai = a[i];
            // r += ai b
            lo = ai * b0;
            hi = unsignedMultiplyHigh(ai, b0);
            sum = lo + r0;
            hi += carry(lo, r0, sum);
            r0 = sum;
            c = hi;
            lo = ai * b1;
            hi = unsignedMultiplyHigh(ai, b1);
            sum = lo + r1;
            hi += carry(lo, r1, sum);
            lo = sum + c;
            hi += carry(sum, c, lo);
            r1 = lo;
            c = hi;
            lo = ai * b2;
            hi = unsignedMultiplyHigh(ai, b2);
            sum = lo + r2;
            hi += carry(lo, r2, sum);
            lo = sum + c;
            hi += carry(sum, c, lo);
            r2 = lo;
            c = hi;
            lo = ai * b3;
            hi = unsignedMultiplyHigh(ai, b3);
            sum = lo + r3;
            hi += carry(lo, r3, sum);
            lo = sum + c;
            hi += carry(sum, c, lo);
            r3 = lo;
            c = hi;
            sum = r4 + c;
            long r5 = carry(r4, c, sum);
            r4 = sum;
            // Add q m with q chosen so the lowest word becomes zero, then shift one word down.
            long q = r0 * mod.inv;
            lo = q * m0;
            hi = unsignedMultiplyHigh(q, m0);
            sum = lo + r0;
            c = hi + carry(lo, r0, sum);
            lo = q * m1;
            hi = unsignedMultiplyHigh(q, m1);
            sum = lo + r1;
            hi += carry(lo, r1, sum);
            lo = sum + c;
            hi += carry(sum, c, lo);
            r0 = lo;
            c = hi;
            lo = q * m2;
            hi = unsignedMultiplyHigh(q, m2);
            sum = lo + r2;
            hi += carry(lo, r2, sum);
            lo = sum + c;
            hi += carry(sum, c, lo);
            r1 = lo;
            c = hi;
            lo = q * m3;
            hi = unsignedMultiplyHigh(q, m3);
            sum = lo + r3;
            hi += carry(lo, r3, sum);
            lo = sum + c;
            hi += carry(sum, c, lo);
            r2 = lo;
            c = hi;
            sum = r4 + c;
            r3 = sum;
            r4 = r5 + carry(r4, c, sum);
        }
        // r < 2m: subtract m once if r >= m, by mask.
        out[0] = r0;
        out[1] = r1;
        out[2] = r2;
        out[3] = r3;
        conditionalSubtract(out, r4, m);
    }

    /** The high 64 bits of the unsigned 128-bit product (Math.unsignedMultiplyHigh is Java 18+). */
    private static long unsignedMultiplyHigh(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }

    /** Carry out of x + y = sum, 0 or 1, without a branch. */
    private static long carry(long x, long y, long sum) {
        return ((x & y) | ((x | y) & ~sum)) >>> 63;
    }

    /** Borrow out of x - y = diff, 0 or 1, without a branch. */
    private static long borrow(long x, long y, long diff) {
        return ((~x & y) | (~(x ^ y) & diff)) >>> 63;
    }

    /** Borrow out of x - y - b = diff for b in {0, 1}. */
    private static long borrow3(long x, long y, long b, long diff) {
        long d = x - y;
        return borrow(x, y, d) | borrow(d, b, diff);
    }

    /** out = a + b mod m, for a, b below m. */
    private static void addMod(long[] a, long[] b, long[] out, long[] m) {
        conditionalSubtract(out, addWords(a, b, out), m);
    }

    /** out = a + b mod 2^256; returns the carry out, 0 or 1. out may alias either input. */
    private static long addWords(long[] a, long[] b, long[] out) {
        long s0 = a[0] + b[0];
        long c = carry(a[0], b[0], s0);
        long s1 = a[1] + b[1] + c;
        c = carry3(a[1], b[1], c, s1);
        long s2 = a[2] + b[2] + c;
        c = carry3(a[2], b[2], c, s2);
        long s3 = a[3] + b[3] + c;
        c = carry3(a[3], b[3], c, s3);
        out[0] = s0;
        out[1] = s1;
        out[2] = s2;
        out[3] = s3;
        return c;
    }

    /** Carry out of x + y + c = sum for c in {0, 1}. */
    private static long carry3(long x, long y, long c, long sum) {
        long s = x + y;
        return carry(x, y, s) | carry(s, c, sum);
    }

    /** a = (high:a) - m when that is not negative, else a unchanged; for (high:a) below 2m. By mask. */
    private static void conditionalSubtract(long[] a, long high, long[] m) {
        long d0 = a[0] - m[0];
        long br = borrow(a[0], m[0], d0);
        long d1 = a[1] - m[1] - br;
        br = borrow3(a[1], m[1], br, d1);
        long d2 = a[2] - m[2] - br;
        br = borrow3(a[2], m[2], br, d2);
        long d3 = a[3] - m[3] - br;
        br = borrow3(a[3], m[3], br, d3);
        long keep = -(br & ~high & 1);
        a[0] = (a[0] & keep) | (d0 & ~keep);
        a[1] = (a[1] & keep) | (d1 & ~keep);
        a[2] = (a[2] & keep) | (d2 & ~keep);
        a[3] = (a[3] & keep) | (d3 & ~keep);
    }

    /** @return 1 if a < m (the subtraction a - m borrows), else 0; constant time */
    private static long subtractBorrow(long[] a, long[] m) {
        long d0 = a[0] - m[0];
        long br = borrow(a[0], m[0], d0);
        long d1 = a[1] - m[1] - br;
        br = borrow3(a[1], m[1], br, d1);
        long d2 = a[2] - m[2] - br;
        br = borrow3(a[2], m[2], br, d2);
        long d3 = a[3] - m[3] - br;
        return borrow3(a[3], m[3], br, d3);
    }

    /** @return 1 if all limbs are zero, else 0; constant time */
    private static long isZeroMask(long[] a) {
        long or = a[0] | a[1] | a[2] | a[3];
        return ((or | -or) >>> 63) ^ 1;
    }

    // ---- encodings ----

    /** Reads 32 big-endian bytes at {@code off} into little-endian limbs. */
    private static void fromBytes(byte[] in, int off, long[] out) {
        for (int i = 0; i < 4; i++) {
            long v = 0;
            int base = off + (3 - i) * 8;
            for (int j = 0; j < 8; j++) {
                v = (v << 8) | (in[base + j] & 0xFF);
            }
            out[i] = v;
        }
    }

    /** Writes limbs as 32 big-endian bytes at {@code off}. */
    private static void toBytes(long[] in, byte[] out, int off) {
        for (int i = 0; i < 4; i++) {
            long v = in[i];
            int base = off + (3 - i) * 8;
            for (int j = 7; j >= 0; j--) {
                out[base + j] = (byte) v;
                v >>>= 8;
            }
        }
    }

    private static long[] limbs(BigInteger value) {
        long[] out = new long[4];
        for (int i = 0; i < 4; i++) {
            out[i] = value.shiftRight(64 * i).longValue();
        }
        return out;
    }

    /** DER SEQUENCE { INTEGER r, INTEGER s } with minimal INTEGER encodings (X.690 §8.3). */
    private static byte[] der(long[] r, long[] s) {
        byte[] rb = new byte[LENGTH];
        byte[] sb = new byte[LENGTH];
        toBytes(r, rb, 0);
        toBytes(s, sb, 0);
        int rLen = integerLength(rb);
        int sLen = integerLength(sb);
        byte[] out = new byte[2 + 2 + rLen + 2 + sLen];
        out[0] = 0x30;
        out[1] = (byte) (out.length - 2);
        int pos = writeInteger(rb, rLen, out, 2);
        writeInteger(sb, sLen, out, pos);
        return out;
    }

    /** Content length of the INTEGER: leading zeros dropped, one 0x00 added before a set top bit. */
    private static int integerLength(byte[] v) {
        int skip = 0;
        while (skip < v.length - 1 && v[skip] == 0) {
            skip++;
        }
        return v.length - skip + ((v[skip] & 0x80) != 0 ? 1 : 0);
    }

    private static int writeInteger(byte[] v, int length, byte[] out, int pos) {
        out[pos] = 0x02;
        out[pos + 1] = (byte) length;
        int copy = Math.min(length, v.length);
        System.arraycopy(v, v.length - copy, out, pos + 2 + length - copy, copy);
        return pos + 2 + length;
    }
}
