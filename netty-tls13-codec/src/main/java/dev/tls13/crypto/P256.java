package dev.tls13.crypto;

import java.math.BigInteger;
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
 * 0.12-0.15 ms and 1.1 KB per key pair, 0.5 ms and 3.7 KB per agreement and 0.2 ms and 1.5 KB per
 * signature, on JDK 17 and 25 alike (JDK 25's SunEC is about as fast, with ten times the garbage).
 *
 * <p>Side channels: written to run in constant time with respect to secrets (scalars, nonces, private
 * keys, shared points). Field and scalar arithmetic is Montgomery multiplication on four 64-bit limbs
 * with branch-free carries and a masked final subtraction; points are projective and added with the
 * complete formulas of Renes, Costello and Batina (EUROCRYPT 2016, Algorithm 4 for a = -3), which have no
 * exceptional cases, so the identity and doublings take the same path as any addition (doublings use
 * the same paper's Algorithm 6); a scalar is consumed four bits at a time, and the table entry for each
 * window is read by scanning the whole table with masks: for a peer's point a table of its 16 multiples
 * with four doublings per window, for G a static table of 15 multiples per window ({@link Base}) and no
 * doublings. Inversions are exponentiations by the public exponents p - 2 and n - 2.
 * Only public values decide branches: a rejected random candidate, the output's validity, the peer's
 * point. The JIT is trusted not to turn masked arithmetic into branches, as every Java implementation of
 * constant-time code (BouncyCastle's X25519 among them) must.
 *
 * <p>Not thread-safe: each instance holds its scratch words; the static entry points create one per call.
 */
final class P256 {

    /** Length of a field element, a scalar and the ECDH shared secret (RFC 8446 §7.4.2). */
    static final int LENGTH = 32;
    /** Length of an uncompressed point: 0x04 || x || y (RFC 8446 §4.2.8.2). */
    static final int POINT_LENGTH = 1 + 2 * LENGTH;

    /** A modulus in little-endian 64-bit limbs with its Montgomery constants (R = 2^256). */
    private record Modulus(long[] m, long inv, long[] rSquared, long[] one, long[] minusTwo) {
        static Modulus of(BigInteger value) {
            BigInteger r = BigInteger.ONE.shiftLeft(256);
            long m0 = value.longValue();
            // -m^-1 mod 2^64 by Newton's iteration: each step doubles the correct low bits.
            long x = 1;
            for (int i = 0; i < 6; i++) {
                x *= 2 - m0 * x;
            }
            return new Modulus(limbs(value), -x, limbs(r.multiply(r).mod(value)), limbs(r.mod(value)),
                    limbs(value.subtract(BigInteger.TWO)));
        }
    }

    private static final BigInteger P_VALUE =
            new BigInteger("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
    private static final BigInteger N_VALUE =
            new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);
    /** The field prime p = 2^256 - 2^224 + 2^192 + 2^96 - 1. */
    private static final Modulus P = Modulus.of(P_VALUE);
    /** The group order n. */
    private static final Modulus N = Modulus.of(N_VALUE);
    /** The integer 1, which multiplies a Montgomery-form value back to plain form. */
    private static final long[] ONE = {1, 0, 0, 0};
    /** The curve coefficient b (a = -3), Montgomery form. */
    private static final long[] B = toMontgomeryConstant(
            new BigInteger("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b", 16));
    private static final long[] GX = toMontgomeryConstant(
            new BigInteger("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296", 16));
    private static final long[] GY = toMontgomeryConstant(
            new BigInteger("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5", 16));

    /** Thrown inside when a secret-dependent result turned out unusable; callers map it. */
    static final class PointAtInfinity extends Exception {
        private static final long serialVersionUID = 1L;

        PointAtInfinity() {
            super("point at infinity", null, false, false);
        }
    }

    /** A projective point (X : Y : Z), coordinates in Montgomery form; Z = 0 is the identity. */
    private static final class Point {
        final long[] x = new long[4];
        final long[] y = new long[4];
        final long[] z = new long[4];

        void setIdentity() {
            Arrays.fill(x, 0);
            System.arraycopy(P.one, 0, y, 0, 4);
            Arrays.fill(z, 0);
        }

        void setAffine(long[] ax, long[] ay) {
            System.arraycopy(ax, 0, x, 0, 4);
            System.arraycopy(ay, 0, y, 0, 4);
            System.arraycopy(P.one, 0, z, 0, 4);
        }

        void set(Point other) {
            System.arraycopy(other.x, 0, x, 0, 4);
            System.arraycopy(other.y, 0, y, 0, 4);
            System.arraycopy(other.z, 0, z, 0, 4);
        }

        void wipe() {
            Arrays.fill(x, 0);
            Arrays.fill(y, 0);
            Arrays.fill(z, 0);
        }
    }

    // Scratch words of the formulas, reused by every operation of this instance.
    private final long[] t0 = new long[4];
    private final long[] t1 = new long[4];
    private final long[] t2 = new long[4];
    private final long[] t3 = new long[4];
    private final long[] t4 = new long[4];
    private final long[] x3 = new long[4];
    private final long[] y3 = new long[4];
    private final long[] z3 = new long[4];
    private final long[] w = new long[4];
    /** Multiples 0·Q to 15·Q of a variable base Q, created by {@link #table}. */
    private Point[] table;
    private final Point acc = new Point();
    private final Point entry = new Point();

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
        P256 p = new P256();
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
        P256 p = new P256();
        try {
            long[] qx = new long[4];
            long[] qy = new long[4];
            p.decodePoint(peer, qx, qy);
            p.table(qx, qy);
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
     * ECDSA signature generation (FIPS 186-5 §6.4.1) of a SHA-256 digest with a fresh random nonce per
     * signature.
     *
     * @param privateKey the 32-byte big-endian private key d in [1, n - 1]
     * @param digest the 32-byte SHA-256 hash of the message
     * @param random the source of the nonce
     * @return the DER-encoded signature SEQUENCE { r INTEGER, s INTEGER }
     */
    static byte[] sign(byte[] privateKey, byte[] digest, SecureRandom random) {
        if (digest.length != LENGTH) {
            throw new IllegalArgumentException("SHA-256 digest expected");
        }
        P256 p = new P256();
        long[] e = new long[4];
        long[] d = new long[4];
        long[] k = new long[4];
        long[] r = new long[4];
        long[] s = new long[4];
        byte[] rBytes = new byte[LENGTH];
        byte[] nonce = null;
        try {
            // e = the digest as an integer (its bit length equals n's, FIPS 186-5 §6.4.1 step 3); below
            // 2^256 < 2n, so one conditional subtraction reduces it mod n.
            fromBytes(digest, 0, e);
            conditionalSubtract(e, 0, N.m);
            fromBytes(privateKey, 0, d);
            while (true) {
                nonce = randomScalar(random);
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
                // s = k^-1 (e + r d) mod n, in Montgomery form mod n.
                p.toMontgomery(k, k, N);
                p.invert(k, k, N);
                p.toMontgomery(d, s, N);
                p.toMontgomery(r, p.w, N);
                montMul(s, p.w, s, N);
                p.toMontgomery(e, p.w, N);
                addMod(s, p.w, s, N.m);
                montMul(s, k, s, N);
                p.fromMontgomery(s, s, N);
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
            if (nonce != null) {
                Arrays.fill(nonce, (byte) 0);
            }
            p.wipe();
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
        long valid = subtractBorrow(limbs, N.m) & ~isZeroMask(limbs) & 1;
        Arrays.fill(limbs, 0);
        return valid != 0;
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
        fromBytes(encoded, 1, x);
        fromBytes(encoded, 1 + LENGTH, y);
        // RFC 8446 §4.2.8.2: both coordinates in [0, p) and on the curve. The identity has no uncompressed
        // encoding, and (0, 0) fails the equation since b != 0. Cofactor 1: on the curve is in the group.
        if (subtractBorrow(x, P.m) == 0 || subtractBorrow(y, P.m) == 0) {
            throw invalid("coordinate not below the field prime");
        }
        toMontgomery(x, x, P);
        toMontgomery(y, y, P);
        // y^2 = x^3 - 3x + b
        montMul(y, y, t0, P);
        montMul(x, x, t1, P);
        montMul(t1, x, t1, P);
        addMod(x, x, t2, P.m);
        addMod(t2, x, t2, P.m);
        subMod(t1, t2, t1, P.m);
        addMod(t1, B, t1, P.m);
        if (!Arrays.equals(t0, t1)) {
            throw invalid("point not on secp256r1");
        }
    }

    private static InvalidKeyShareException invalid(String message) {
        return new InvalidKeyShareException(InvalidKeyShareException.Kind.INVALID_PUBLIC_VALUE, message);
    }

    /** Fills the table with 0·Q, 1·Q, ..., 15·Q. */
    private void table(long[] qx, long[] qy) {
        table = new Point[16];
        for (int i = 0; i < table.length; i++) {
            table[i] = new Point();
        }
        table[0].setIdentity();
        table[1].setAffine(qx, qy);
        for (int i = 2; i < table.length; i++) {
            add(table[i - 1], table[1], table[i]);
        }
    }

    /**
     * acc = scalar · Q for the Q of {@link #table}: 4-bit windows from the top, four doublings and one
     * addition of a table entry read in constant time per window; no branch depends on the scalar.
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
     */
    private void multiplyBase(byte[] scalar) {
        acc.setIdentity();
        for (int i = 0; i < Base.WINDOWS; i++) {
            // Window i holds bits 4i to 4i + 3, counted from the least significant.
            int digit = (scalar[LENGTH - 1 - (i >> 1)] >> ((i & 1) << 2)) & 0xF;
            selectBase(i, digit);
            add(acc, entry, acc);
        }
    }

    /** entry = digit · 16^window · G, reading every entry of the window; digit 0 gives the identity. */
    private void selectBase(int window, int digit) {
        entry.wipe();
        long[] t = Base.TABLE;
        int offset = window * 15 * 8;
        for (int j = 1; j <= 15; j++) {
            long mask = ((j ^ digit) - 1) >> 31;
            int o = offset + (j - 1) * 8;
            for (int k = 0; k < 4; k++) {
                entry.x[k] |= t[o + k] & mask;
                entry.y[k] |= t[o + 4 + k] & mask;
            }
        }
        // Affine entries have Z = 1; for digit 0 no entry matched and (0 : 1 : 0) is the identity.
        long zero = (digit - 1) >> 31;
        for (int k = 0; k < 4; k++) {
            entry.y[k] |= P.one[k] & zero;
            entry.z[k] = P.one[k] & ~zero;
        }
    }

    /**
     * The fixed-base table: for each of the 64 windows i and each j in 1..15, j · 16^i · G in affine
     * Montgomery form (x then y, 8 words), 60 KB computed once on first use (14 ms measured, most of it
     * before the JIT has compiled the arithmetic). Public values only.
     */
    private static final class Base {
        static final int WINDOWS = 2 * LENGTH;
        static final long[] TABLE = compute();

        private static long[] compute() {
            long[] table = new long[WINDOWS * 15 * 8];
            P256 p = new P256();
            Point base = new Point();
            base.setAffine(GX, GY);
            Point[] multiples = new Point[15];
            long[][] prefix = new long[15][4];
            long[] inverse = new long[4];
            long[] zInverse = new long[4];
            for (int i = 0; i < WINDOWS; i++) {
                for (int j = 0; j < 15; j++) {
                    multiples[j] = new Point();
                    if (j == 0) {
                        multiples[j].set(base);
                    } else {
                        p.add(multiples[j - 1], base, multiples[j]);
                    }
                }
                // One inversion per window (Montgomery's trick): prefix products, invert the last, unwind.
                System.arraycopy(multiples[0].z, 0, prefix[0], 0, 4);
                for (int j = 1; j < 15; j++) {
                    montMul(prefix[j - 1], multiples[j].z, prefix[j], P);
                }
                p.invert(prefix[14], inverse, P);
                for (int j = 14; j >= 0; j--) {
                    if (j > 0) {
                        montMul(inverse, prefix[j - 1], zInverse, P);
                        montMul(inverse, multiples[j].z, inverse, P);
                    } else {
                        System.arraycopy(inverse, 0, zInverse, 0, 4);
                    }
                    int o = (i * 15 + j) * 8;
                    long[] x = new long[4];
                    long[] y = new long[4];
                    montMul(multiples[j].x, zInverse, x, P);
                    montMul(multiples[j].y, zInverse, y, P);
                    System.arraycopy(x, 0, table, o, 4);
                    System.arraycopy(y, 0, table, o + 4, 4);
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
            for (int j = 0; j < 4; j++) {
                entry.x[j] |= t.x[j] & mask;
                entry.y[j] |= t.y[j] & mask;
                entry.z[j] |= t.z[j] & mask;
            }
        }
    }

    /**
     * r = a + b, complete projective addition for a = -3 (Renes, Costello, Batina 2016, Algorithm 4):
     * correct for every pair of points, identity and doubling included. {@code r} may alias either input.
     */
    private void add(Point a, Point b, Point r) {
        montMul(a.x, b.x, t0, P);          // t0 = X1 X2
        montMul(a.y, b.y, t1, P);          // t1 = Y1 Y2
        montMul(a.z, b.z, t2, P);          // t2 = Z1 Z2
        addMod(a.x, a.y, t3, P.m);
        addMod(b.x, b.y, t4, P.m);
        montMul(t3, t4, t3, P);            // t3 = (X1 + Y1)(X2 + Y2)
        addMod(t0, t1, t4, P.m);
        subMod(t3, t4, t3, P.m);           // t3 = X1 Y2 + X2 Y1
        addMod(a.y, a.z, t4, P.m);
        addMod(b.y, b.z, x3, P.m);
        montMul(t4, x3, t4, P);
        addMod(t1, t2, x3, P.m);
        subMod(t4, x3, t4, P.m);           // t4 = Y1 Z2 + Y2 Z1
        addMod(a.x, a.z, x3, P.m);
        addMod(b.x, b.z, y3, P.m);
        montMul(x3, y3, x3, P);
        addMod(t0, t2, y3, P.m);
        subMod(x3, y3, y3, P.m);           // y3 = X1 Z2 + X2 Z1
        montMul(B, t2, z3, P);
        subMod(y3, z3, x3, P.m);
        addMod(x3, x3, z3, P.m);
        addMod(x3, z3, x3, P.m);
        subMod(t1, x3, z3, P.m);
        addMod(t1, x3, x3, P.m);
        montMul(B, y3, y3, P);
        addMod(t2, t2, t1, P.m);
        addMod(t1, t2, t2, P.m);
        subMod(y3, t2, y3, P.m);
        subMod(y3, t0, y3, P.m);
        addMod(y3, y3, t1, P.m);
        addMod(t1, y3, y3, P.m);
        addMod(t0, t0, t1, P.m);
        addMod(t1, t0, t0, P.m);
        subMod(t0, t2, t0, P.m);
        montMul(t4, y3, t1, P);
        montMul(t0, y3, t2, P);
        montMul(x3, z3, y3, P);
        addMod(y3, t2, y3, P.m);
        montMul(x3, t3, x3, P);
        subMod(x3, t1, x3, P.m);
        montMul(t4, z3, z3, P);
        montMul(t3, t0, t1, P);
        addMod(z3, t1, z3, P.m);
        System.arraycopy(x3, 0, r.x, 0, 4);
        System.arraycopy(y3, 0, r.y, 0, 4);
        System.arraycopy(z3, 0, r.z, 0, 4);
    }

    /**
     * p = 2p, complete projective doubling for a = -3 (Renes, Costello, Batina 2016, Algorithm 6): the
     * identity doubles to itself with no special case. Eleven multiplications instead of the fourteen of
     * {@link #add}.
     */
    private void twice(Point p) {
        montMul(p.x, p.x, t0, P);          // t0 = X^2
        montMul(p.y, p.y, t1, P);          // t1 = Y^2
        montMul(p.z, p.z, t2, P);          // t2 = Z^2
        montMul(p.x, p.y, t3, P);
        addMod(t3, t3, t3, P.m);           // t3 = 2XY
        montMul(p.x, p.z, z3, P);
        addMod(z3, z3, z3, P.m);           // z3 = 2XZ
        montMul(B, t2, y3, P);
        subMod(y3, z3, y3, P.m);
        addMod(y3, y3, x3, P.m);
        addMod(x3, y3, y3, P.m);
        subMod(t1, y3, x3, P.m);
        addMod(t1, y3, y3, P.m);
        montMul(x3, y3, y3, P);
        montMul(x3, t3, x3, P);
        addMod(t2, t2, t3, P.m);
        addMod(t2, t3, t2, P.m);
        montMul(B, z3, z3, P);
        subMod(z3, t2, z3, P.m);
        subMod(z3, t0, z3, P.m);
        addMod(z3, z3, t3, P.m);
        addMod(z3, t3, z3, P.m);
        addMod(t0, t0, t3, P.m);
        addMod(t3, t0, t0, P.m);
        subMod(t0, t2, t0, P.m);
        montMul(t0, z3, t0, P);
        addMod(y3, t0, y3, P.m);
        montMul(p.y, p.z, t0, P);
        addMod(t0, t0, t0, P.m);
        montMul(t0, z3, z3, P);
        subMod(x3, z3, p.x, P.m);
        montMul(t0, t1, z3, P);
        addMod(z3, z3, z3, P.m);
        addMod(z3, z3, p.z, P.m);
        System.arraycopy(y3, 0, p.y, 0, 4);
    }

    /**
     * Writes the affine x (and y, when {@code yOut} is not null) of {@code q} big-endian.
     *
     * @throws PointAtInfinity if q is the identity (decided after the secret arithmetic is done)
     */
    private void affine(Point q, byte[] xOut, int xOff, byte[] yOut, int yOff) throws PointAtInfinity {
        invert(q.z, w, P);
        montMul(q.x, w, t0, P);
        fromMontgomery(t0, t0, P);
        toBytes(t0, xOut, xOff);
        if (yOut != null) {
            montMul(q.y, w, t1, P);
            fromMontgomery(t1, t1, P);
            toBytes(t1, yOut, yOff);
        }
        if (isZeroMask(q.z) != 0) {
            throw new PointAtInfinity();
        }
    }

    private void wipe() {
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
    }

    // ---- modular arithmetic on 4 x 64-bit little-endian limbs ----

    /** out = a^(m - 2) = a^-1 mod m (Fermat; 0 for 0), Montgomery form in and out. */
    private void invert(long[] a, long[] out, Modulus m) {
        long[] r = t3;
        long[] base = t4;
        System.arraycopy(a, 0, base, 0, 4);
        System.arraycopy(m.one, 0, r, 0, 4);
        // Square and multiply over the public exponent m - 2, from the top bit.
        for (int bit = 255; bit >= 0; bit--) {
            montMul(r, r, r, m);
            if (((m.minusTwo[bit >> 6] >>> (bit & 63)) & 1) != 0) {
                montMul(r, base, r, m);
            }
        }
        System.arraycopy(r, 0, out, 0, 4);
    }

    private void toMontgomery(long[] a, long[] out, Modulus m) {
        montMul(a, m.rSquared, out, m);
    }

    private void fromMontgomery(long[] a, long[] out, Modulus m) {
        montMul(a, ONE, out, m);
    }

    private static long[] toMontgomeryConstant(BigInteger value) {
        BigInteger r = BigInteger.ONE.shiftLeft(256);
        return limbs(value.multiply(r).mod(P_VALUE));
    }

    /**
     * out = a b R^-1 mod m (coarsely integrated operand scanning, written out so every word stays in a
     * local). Inputs below m; out may alias either.
     */
    private static void montMul(long[] a, long[] b, long[] out, Modulus mod) {
        if (mod == P) {
            montMulP(a, b, out);
            return;
        }
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

    /**
     * {@link #montMul} for p, whose shape makes the reduction cheaper: -p^-1 mod 2^64 is 1, so q is the
     * lowest word; its lowest limb (2^64 - 1) turns that word into a carry of q, and its third limb is 0.
     */
    private static void montMulP(long[] a, long[] b, long[] out) {
        final long m1 = 0x00000000FFFFFFFFL;
        final long m3 = 0xFFFFFFFF00000001L;
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
            // q = r0; r0 + q (2^64 - 1) = q 2^64: the word becomes 0 and carries q.
            long q = r0;
            c = q;
            lo = q * m1;
            hi = unsignedMultiplyHigh(q, m1);
            sum = lo + r1;
            hi += carry(lo, r1, sum);
            lo = sum + c;
            hi += carry(sum, c, lo);
            r0 = lo;
            c = hi;
            // the third limb of p is 0: only the carry
            sum = r2 + c;
            c = carry(r2, c, sum);
            r1 = sum;
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
        out[0] = r0;
        out[1] = r1;
        out[2] = r2;
        out[3] = r3;
        conditionalSubtract(out, r4, P.m);
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
        conditionalSubtract(out, c, m);
    }

    /** Carry out of x + y + c = sum for c in {0, 1}. */
    private static long carry3(long x, long y, long c, long sum) {
        long s = x + y;
        return carry(x, y, s) | carry(s, c, sum);
    }

    /** out = a - b mod m, for a, b below m. */
    private static void subMod(long[] a, long[] b, long[] out, long[] m) {
        long d0 = a[0] - b[0];
        long br = borrow(a[0], b[0], d0);
        long d1 = a[1] - b[1] - br;
        br = borrow3(a[1], b[1], br, d1);
        long d2 = a[2] - b[2] - br;
        br = borrow3(a[2], b[2], br, d2);
        long d3 = a[3] - b[3] - br;
        br = borrow3(a[3], b[3], br, d3);
        // Went below zero: add m back, by mask.
        long mask = -br;
        long s0 = d0 + (m[0] & mask);
        long c = carry(d0, m[0] & mask, s0);
        long s1 = d1 + (m[1] & mask) + c;
        c = carry3(d1, m[1] & mask, c, s1);
        long s2 = d2 + (m[2] & mask) + c;
        c = carry3(d2, m[2] & mask, c, s2);
        long s3 = d3 + (m[3] & mask) + c;
        out[0] = s0;
        out[1] = s1;
        out[2] = s2;
        out[3] = s3;
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
