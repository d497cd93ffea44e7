package dev.tls13.crypto;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPoint;
import java.util.Arrays;

/**
 * ECDSA verification on NIST P-256 with SHA-256 (FIPS 186-5 §6.4.2), the check behind
 * {@code ecdsa_secp256r1_sha256} CertificateVerify messages (RFC 8446 §4.4.3).
 *
 * <p>Why not the JCA: on Java 17, SunEC's verification costs about 1 ms and 43 KB of garbage per
 * signature on the benchmark machine — more than half of a whole handshake (benchmarks/README.md); on
 * Java 25 still 0.4 ms. BouncyCastle's {@code ECDSASigner} takes 0.18 ms but allocates 160 KB (an
 * immutable object per field operation). This class computes u1·G + u2·Q with Straus' method over
 * width-w NAF digits (a static table of 32 affine odd multiples of G, 8 Jacobian odd multiples of Q
 * per call) on {@link P256Field} into pre-allocated words, and the scalars mod n with {@link P256}'s
 * Montgomery arithmetic: no {@code BigInteger} arithmetic per signature.
 *
 * <p>Side channels: verification handles only public values (the peer's public key, the signed
 * content, the signature), so this code branches and indexes freely on them. It must never be used with
 * a secret scalar; signing and ECDHE use {@link P256}, which is written to run in constant time.
 *
 * <p>Instances are not thread-safe (they hold the scratch words); {@link #verify} creates one per call.
 */
final class P256Verifier {

    /** The group order n (FIPS 186-5 / SEC 2 §2.4.2). */
    private static final BigInteger N =
            new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);
    /** The field prime p = 2^256 - 2^224 + 2^192 + 2^96 - 1. */
    private static final BigInteger P =
            new BigInteger("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
    /** The coefficient b (a = -3), Montgomery form. */
    private static final long[] B = P256Field.montgomeryConstant(
            new BigInteger("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b", 16));
    private static final BigInteger GX =
            new BigInteger("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296", 16);
    private static final BigInteger GY =
            new BigInteger("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5", 16);
    /** 1 in Montgomery form, the Z of an affine point. */
    private static final long[] ONE = P256Field.montgomeryConstant(BigInteger.ONE);
    private static final long[] ZERO = P256Field.create();

    /** NAF width for the fixed base G: 2^(7-2) = 32 precomputed odd multiples. */
    private static final int G_WIDTH = 7;
    /** NAF width for the per-signature point Q: 8 odd multiples, 1 doubling + 7 additions to build. */
    private static final int Q_WIDTH = 5;
    /** Digits of a scalar below n < 2^256 in width-w NAF: at most 257. */
    private static final int DIGITS = 257;
    private static final int LENGTH = 32;

    /** x and y of G, 3G, 5G, ..., 63G, affine, Montgomery form. */
    private static final long[][] G_X = new long[1 << (G_WIDTH - 2)][];
    private static final long[][] G_Y = new long[1 << (G_WIDTH - 2)][];

    static {
        P256Verifier scratch = new P256Verifier();
        Jacobian g = Jacobian.affine(P256Field.montgomeryConstant(GX), P256Field.montgomeryConstant(GY));
        Jacobian twoG = g.copy();
        scratch.twice(twoG);
        Jacobian multiple = g.copy();
        for (int i = 0; i < G_X.length; i++) {
            if (i > 0) {
                scratch.add(multiple, twoG);
            }
            G_X[i] = P256Field.create();
            G_Y[i] = P256Field.create();
            scratch.toAffine(multiple, G_X[i], G_Y[i]);
        }
    }

    /** A point in Jacobian coordinates (X/Z^2, Y/Z^3); Z = 0 is the point at infinity. */
    private static final class Jacobian {
        final long[] x = P256Field.create();
        final long[] y = P256Field.create();
        final long[] z = P256Field.create();

        static Jacobian affine(long[] x, long[] y) {
            Jacobian p = new Jacobian();
            p.setAffine(x, y);
            return p;
        }

        Jacobian copy() {
            Jacobian p = new Jacobian();
            p.set(this);
            return p;
        }

        void set(Jacobian other) {
            System.arraycopy(other.x, 0, x, 0, P256Field.LIMBS);
            System.arraycopy(other.y, 0, y, 0, P256Field.LIMBS);
            System.arraycopy(other.z, 0, z, 0, P256Field.LIMBS);
        }

        void setAffine(long[] ax, long[] ay) {
            System.arraycopy(ax, 0, x, 0, P256Field.LIMBS);
            System.arraycopy(ay, 0, y, 0, P256Field.LIMBS);
            System.arraycopy(ONE, 0, z, 0, P256Field.LIMBS);
        }

        void setInfinity() {
            System.arraycopy(ONE, 0, x, 0, P256Field.LIMBS);
            System.arraycopy(ONE, 0, y, 0, P256Field.LIMBS);
            Arrays.fill(z, 0);
        }
    }

    private final long[] t1 = P256Field.create();
    private final long[] t2 = P256Field.create();
    private final long[] t3 = P256Field.create();
    private final long[] t4 = P256Field.create();
    private final long[] t5 = P256Field.create();
    private final long[] t6 = P256Field.create();
    private final long[] t7 = P256Field.create();
    /** Scratch of {@link #isZero}. */
    private final long[] zs = P256Field.create();
    // The per-signature state, overwritten by each verification (all of it public).
    private final long[] qx = P256Field.create();
    private final long[] qy = P256Field.create();
    private final long[] u1 = new long[4];
    private final long[] u2 = new long[4];
    private final byte[] nafG = new byte[DIGITS];
    private final byte[] nafQ = new byte[DIGITS];
    private final Jacobian[] qTable = new Jacobian[1 << (Q_WIDTH - 2)];
    private final Jacobian twoQ = new Jacobian();
    private final Jacobian sum = new Jacobian();
    private final Jacobian negated = new Jacobian();
    private final long[] negatedY = P256Field.create();
    private final byte[] xBytes = new byte[LENGTH];
    private final long[] v = new long[4];

    /**
     * One instance per thread: a verification then allocates almost nothing (its points and digits were
     * 4 KB per signature). Verification handles public values only, so nothing needs wiping.
     */
    private static final ThreadLocal<P256Verifier> LOCAL = ThreadLocal.withInitial(P256Verifier::new);

    private P256Verifier() {
        for (int i = 0; i < qTable.length; i++) {
            qTable[i] = new Jacobian();
        }
    }

    /**
     * Verifies a DER-encoded ECDSA signature over {@code message} with SHA-256.
     *
     * @param key the signer's P-256 public key (the caller has checked its curve)
     * @param message the signed content
     * @param signature the DER {@code ECDSA-Sig-Value} as TLS carries it (RFC 8446 §4.2.3)
     * @param sha256 a SHA-256 digest to hash the message with
     * @return whether the signature verifies; a malformed signature or a public key that is not a valid
     *         point of P-256 is {@code false}
     */
    static boolean verify(ECPublicKey key, byte[] message, byte[] signature, MessageDigest sha256) {
        long[] r = new long[4];
        long[] s = new long[4];
        if (!decodeSignature(signature, r, s)) {
            return false;
        }
        ECPoint w = key.getW();
        if (w == ECPoint.POINT_INFINITY || !isFieldElement(w.getAffineX()) || !isFieldElement(w.getAffineY())) {
            return false;
        }
        byte[] q = new byte[2 * LENGTH];
        EcCurve.writeFixed(w.getAffineX(), q, 0, LENGTH);
        EcCurve.writeFixed(w.getAffineY(), q, LENGTH, LENGTH);
        // SHA-256 output is exactly as long as n, so e is the whole digest (FIPS 186-5 §6.4.2 step 3).
        long[] e = new long[4];
        words(sha256.digest(message), 0, LENGTH, e);
        return LOCAL.get().verify(q, e, r, s);
    }

    /**
     * FIPS 186-5 §6.4.2 steps 1 and 4-8 for a digest e.
     *
     * @param qx the public key's x, any value (checked here)
     * @param qy the public key's y, any value (checked here)
     * @param e the digest as an integer below 2^256
     * @param r the signature's r
     * @param s the signature's s
     * @return whether x(u1·G + u2·Q) mod n equals r, false for a key that is not a point of P-256
     */
    static boolean verifyDigest(BigInteger qx, BigInteger qy, BigInteger e, BigInteger r, BigInteger s) {
        if (!isFieldElement(qx) || !isFieldElement(qy) || !inRange(r) || !inRange(s)) {
            return false;
        }
        byte[] q = new byte[2 * LENGTH];
        EcCurve.writeFixed(qx, q, 0, LENGTH);
        EcCurve.writeFixed(qy, q, LENGTH, LENGTH);
        return LOCAL.get().verify(q, words(e), words(r), words(s));
    }

    private static boolean isFieldElement(BigInteger v) {
        return v.signum() >= 0 && v.compareTo(P) < 0;
    }

    /** @param q x || y of the public key, each 32 bytes big-endian and below p */
    private boolean verify(byte[] q, long[] e, long[] r, long[] s) {
        P256Field.fromBytes(q, 0, qx);
        P256Field.fromBytes(q, LENGTH, qy);
        P256Field.toMontgomery(qx, qx);
        P256Field.toMontgomery(qy, qy);
        if (!onCurve(qx, qy)) {
            // The identity has no affine form, and the curve has cofactor 1: a point on the curve is in
            // the group of order n (SEC 1 v2 §3.2.2.1).
            return false;
        }
        if (!P256.verificationScalars(e, r, s, u1, u2)) {
            return false;
        }
        naf(u1, G_WIDTH, nafG);
        naf(u2, Q_WIDTH, nafQ);

        qTable[0].setAffine(qx, qy);
        twoQ.set(qTable[0]);
        twice(twoQ);
        for (int i = 1; i < qTable.length; i++) {
            qTable[i].set(qTable[i - 1]);
            add(qTable[i], twoQ);
        }

        sum.setInfinity();
        for (int i = DIGITS - 1; i >= 0; i--) {
            twice(sum);
            int g = nafG[i];
            if (g != 0) {
                long[] y = G_Y[Math.abs(g) >> 1];
                if (g < 0) {
                    P256Field.sub(ZERO, y, negatedY);
                    y = negatedY;
                }
                addAffine(sum, G_X[Math.abs(g) >> 1], y);
            }
            int d = nafQ[i];
            if (d != 0) {
                Jacobian t = qTable[Math.abs(d) >> 1];
                if (d < 0) {
                    negated.set(t);
                    P256Field.sub(ZERO, t.y, negated.y);
                    t = negated;
                }
                add(sum, t);
            }
        }
        if (isInfinity(sum)) {
            return false;
        }
        // Steps 7-8: v = x(R) mod n must equal r.
        long[] x = qx;
        toAffine(sum, x, null);
        P256Field.fromMontgomery(x, x);
        P256Field.toBytes(x, xBytes, 0);
        words(xBytes, 0, LENGTH, v);
        P256.reduceModN(v);
        return Arrays.equals(v, r);
    }

    /**
     * Decodes {@code ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }} (RFC 3279 §2.2.3), strictly
     * as DER: for P-256 every length is below 128, so only the short length form is valid; integers are
     * minimal and positive. Anything else, or r or s outside [1, n-1] (FIPS 186-5 §6.4.2 step 1), is not
     * a signature.
     *
     * @return r and s, or {@code null}
     */
    static BigInteger[] decodeSignature(byte[] der) {
        long[] r = new long[4];
        long[] s = new long[4];
        if (!decodeSignature(der, r, s)) {
            return null;
        }
        return new BigInteger[] {integer(r), integer(s)};
    }

    /** {@link #decodeSignature(byte[])} into little-endian 64-bit limbs; false if it is not a signature. */
    private static boolean decodeSignature(byte[] der, long[] r, long[] s) {
        if (der.length < 8 || der[0] != 0x30 || (der[1] & 0xff) != der.length - 2) {
            return false;
        }
        int rEnd = integerEnd(der, 2);
        if (rEnd < 0) {
            return false;
        }
        int sEnd = integerEnd(der, rEnd);
        if (sEnd != der.length) {
            return false;
        }
        if (!words(der, 4, rEnd - 4, r) || !words(der, rEnd + 2, sEnd - rEnd - 2, s)) {
            return false;
        }
        return inRange(r) && inRange(s);
    }

    /** FIPS 186-5 §6.4.2 step 1: r and s in [1, n-1]. */
    private static boolean inRange(BigInteger value) {
        return value.signum() > 0 && value.compareTo(N) < 0;
    }

    private static boolean inRange(long[] value) {
        return P256.isScalar(value);
    }

    /** The end of the DER INTEGER at {@code offset}, or -1 if it is not a minimal non-negative one. */
    private static int integerEnd(byte[] der, int offset) {
        if (offset + 2 > der.length || der[offset] != 0x02) {
            return -1;
        }
        int length = der[offset + 1] & 0xff;
        int start = offset + 2;
        if (length == 0 || length > 33 || start + length > der.length) {
            return -1;
        }
        if ((der[start] & 0x80) != 0) {
            return -1;
        }
        if (length > 1 && der[start] == 0 && (der[start + 1] & 0x80) == 0) {
            return -1;
        }
        return start + length;
    }

    /**
     * Reads the unsigned big-endian integer of {@code length} bytes at {@code offset} into little-endian
     * 64-bit limbs; false if it does not fit in 256 bits.
     */
    private static boolean words(byte[] in, int offset, int length, long[] out) {
        Arrays.fill(out, 0);
        for (int i = 0; i < length; i++) {
            int b = in[offset + length - 1 - i] & 0xff;
            if (i >= LENGTH) {
                if (b != 0) {
                    return false;
                }
                continue;
            }
            out[i >> 3] |= (long) b << ((i & 7) << 3);
        }
        return true;
    }

    private static long[] words(BigInteger v) {
        byte[] bytes = new byte[LENGTH];
        EcCurve.writeFixed(v, bytes, 0, LENGTH);
        long[] out = new long[4];
        words(bytes, 0, LENGTH, out);
        return out;
    }

    private static BigInteger integer(long[] words) {
        byte[] bytes = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            bytes[LENGTH - 1 - i] = (byte) (words[i >> 3] >>> ((i & 7) << 3));
        }
        return new BigInteger(1, bytes);
    }

    /** y^2 = x^3 - 3x + b (mod p). */
    private boolean onCurve(long[] x, long[] y) {
        P256Field.sqr(y, t1);
        P256Field.sqr(x, t2);
        P256Field.mul(t2, x, t2);
        P256Field.add(x, x, t3);
        P256Field.add(t3, x, t3);
        P256Field.sub(t2, t3, t2);
        P256Field.add(t2, B, t2);
        P256Field.canonical(t1, t1);
        P256Field.canonical(t2, t2);
        return Arrays.equals(t1, t2);
    }

    /**
     * Width-w non-adjacent form of {@code k} (0 &lt;= k &lt; 2^256, little-endian 64-bit limbs): digits odd
     * and below 2^(w-1) in absolute value, any two non-zero digits at least w positions apart, least
     * significant first; into {@code digits} (length 257).
     */
    private static void naf(long[] k, int width, byte[] digits) {
        Arrays.fill(digits, (byte) 0);
        int carry = 0;
        int bit = 0;
        while (bit < DIGITS) {
            if (bitAt(k, bit) == carry) {
                bit++;
                continue;
            }
            int window = Math.min(width, DIGITS - bit);
            int digit = bitsAt(k, bit, window) + carry;
            carry = (digit >> (width - 1)) & 1;
            digit -= carry << width;
            digits[bit] = (byte) digit;
            bit += window;
        }
    }

    private static int bitAt(long[] words, int bit) {
        return bit >= 256 ? 0 : (int) (words[bit >>> 6] >>> (bit & 63)) & 1;
    }

    private static int bitsAt(long[] words, int bit, int count) {
        int value = 0;
        for (int i = count - 1; i >= 0; i--) {
            value = (value << 1) | bitAt(words, bit + i);
        }
        return value;
    }

    private boolean isZero(long[] a) {
        return P256Field.isZero(a, zs) != 0;
    }

    private boolean isInfinity(Jacobian p) {
        return isZero(p.z);
    }

    /** p = 2p, "dbl-2001-b" for a = -3: 3M + 5S. */
    private void twice(Jacobian p) {
        if (isInfinity(p) || isZero(p.y)) {
            p.setInfinity();
            return;
        }
        long[] delta = t1;
        long[] gamma = t2;
        long[] beta = t3;
        long[] alpha = t4;
        P256Field.sqr(p.z, delta);
        P256Field.sqr(p.y, gamma);
        P256Field.mul(p.x, gamma, beta);
        P256Field.sub(p.x, delta, t5);
        P256Field.add(p.x, delta, t6);
        P256Field.mul(t5, t6, alpha);
        P256Field.add(alpha, alpha, t5);
        P256Field.add(alpha, t5, alpha);
        // Z3 = (Y + Z)^2 - gamma - delta, before Y changes.
        P256Field.add(p.y, p.z, t5);
        P256Field.sqr(t5, t5);
        P256Field.sub(t5, gamma, t5);
        P256Field.sub(t5, delta, p.z);
        // X3 = alpha^2 - 8 beta
        P256Field.sqr(alpha, t5);
        P256Field.add(beta, beta, beta);
        P256Field.add(beta, beta, beta);
        P256Field.add(beta, beta, t6);
        P256Field.sub(t5, t6, p.x);
        // Y3 = alpha (4 beta - X3) - 8 gamma^2
        P256Field.sub(beta, p.x, t5);
        P256Field.mul(alpha, t5, t5);
        P256Field.sqr(gamma, t6);
        P256Field.add(t6, t6, t6);
        P256Field.add(t6, t6, t6);
        P256Field.add(t6, t6, t6);
        P256Field.sub(t5, t6, p.y);
    }

    /** p = p + (x2, y2) with the second point affine ("madd"): 7M + 4S. */
    private void addAffine(Jacobian p, long[] x2, long[] y2) {
        if (isInfinity(p)) {
            p.setAffine(x2, y2);
            return;
        }
        long[] z1z1 = t1;
        long[] h = t2;
        long[] r = t3;
        P256Field.sqr(p.z, z1z1);
        P256Field.mul(x2, z1z1, h);
        P256Field.sub(h, p.x, h);
        P256Field.mul(p.z, z1z1, r);
        P256Field.mul(y2, r, r);
        P256Field.sub(r, p.y, r);
        finishAdd(p, p.x, p.y, h, r, null);
    }

    /** p = p + q, both Jacobian: 11M + 5S. */
    private void add(Jacobian p, Jacobian q) {
        if (isInfinity(q)) {
            return;
        }
        if (isInfinity(p)) {
            p.set(q);
            return;
        }
        long[] u1 = t1;
        long[] s1 = t2;
        long[] h = t3;
        long[] r = t4;
        // U1 = X1 Z2^2, S1 = Y1 Z2^3, U2 = X2 Z1^2, S2 = Y2 Z1^3
        P256Field.sqr(q.z, t5);
        P256Field.mul(p.x, t5, u1);
        P256Field.mul(q.z, t5, t5);
        P256Field.mul(p.y, t5, s1);
        P256Field.sqr(p.z, t5);
        P256Field.mul(q.x, t5, h);
        P256Field.sub(h, u1, h);
        P256Field.mul(p.z, t5, t5);
        P256Field.mul(q.y, t5, r);
        P256Field.sub(r, s1, r);
        finishAdd(p, u1, s1, h, r, q.z);
    }

    /**
     * The common end of both additions: with H = U2 - U1 and R = S2 - S1, X3 = R^2 - H^3 - 2 U1 H^2,
     * Y3 = R (U1 H^2 - X3) - S1 H^3, Z3 = Z1 Z2 H (Z2 = 1 when {@code z2} is null). Equal x coordinates
     * mean the two points are equal (then double) or opposite (then the sum is the identity).
     */
    private void finishAdd(Jacobian p, long[] u1, long[] s1, long[] h, long[] r, long[] z2) {
        if (isZero(h)) {
            if (isZero(r)) {
                twice(p);
            } else {
                p.setInfinity();
            }
            return;
        }
        long[] hh = t5;
        long[] hhh = t6;
        long[] v = t7;
        P256Field.sqr(h, hh);
        P256Field.mul(h, hh, hhh);
        P256Field.mul(u1, hh, v);
        // Z3 first: it reads Z1 (and Z2), which nothing below needs.
        P256Field.mul(p.z, h, p.z);
        if (z2 != null) {
            P256Field.mul(p.z, z2, p.z);
        }
        // S1 H^3 goes into h, which nothing reads any more.
        P256Field.mul(s1, hhh, h);
        P256Field.sqr(r, p.x);
        P256Field.sub(p.x, hhh, p.x);
        P256Field.sub(p.x, v, p.x);
        P256Field.sub(p.x, v, p.x);
        P256Field.sub(v, p.x, v);
        P256Field.mul(r, v, p.y);
        P256Field.sub(p.y, h, p.y);
    }

    /** The affine coordinates of a finite point, x = X / Z^2 and y = Y / Z^3 (when y is not null). */
    private void toAffine(Jacobian p, long[] x, long[] y) {
        long[] zInverse = t7;
        P256Field.invert(p.z, zInverse, t4, t5, t6);
        P256Field.sqr(zInverse, t1);
        P256Field.mul(p.x, t1, x);
        if (y != null) {
            P256Field.mul(t1, zInverse, t1);
            P256Field.mul(p.y, t1, y);
        }
    }
}
