package dev.tls13.crypto;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPoint;
import org.bouncycastle.math.ec.custom.sec.SecP256R1Field;
import org.bouncycastle.math.raw.Nat256;

/**
 * ECDSA verification on NIST P-256 with SHA-256 (FIPS 186-5 §6.4.2), the check behind
 * {@code ecdsa_secp256r1_sha256} CertificateVerify messages (RFC 8446 §4.4.3).
 *
 * <p>Why not the JCA: on Java 17, SunEC's verification costs about 1 ms and 43 KB of garbage per
 * signature on the benchmark machine — more than half of a whole handshake (benchmarks/README.md); on
 * Java 25 still 0.4 ms. BouncyCastle's {@code ECDSASigner} takes 0.18 ms but allocates 160 KB (an
 * immutable object per field operation). This class computes u1·G + u2·Q with Straus' method over
 * width-w NAF digits (a static table of 32 affine odd multiples of G, 8 Jacobian odd multiples of Q
 * per call) on BouncyCastle's P-256 field arithmetic ({@link SecP256R1Field}, 8 x 32-bit words, fully
 * reduced results) into pre-allocated words: about 0.1 ms and 3 KB per signature.
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
    /** The coefficient b (a = -3). */
    private static final int[] B = SecP256R1Field.fromBigInteger(
            new BigInteger("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b", 16));
    private static final BigInteger GX =
            new BigInteger("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296", 16);
    private static final BigInteger GY =
            new BigInteger("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5", 16);

    /** NAF width for the fixed base G: 2^(7-2) = 32 precomputed odd multiples. */
    private static final int G_WIDTH = 7;
    /** NAF width for the per-signature point Q: 8 odd multiples, 1 doubling + 7 additions to build. */
    private static final int Q_WIDTH = 5;
    /** Digits of a scalar below n < 2^256 in width-w NAF: at most 257. */
    private static final int DIGITS = 257;

    /** x and y of G, 3G, 5G, ..., 63G, affine. */
    private static final int[][] G_X = new int[1 << (G_WIDTH - 2)][];
    private static final int[][] G_Y = new int[1 << (G_WIDTH - 2)][];

    static {
        P256Verifier scratch = new P256Verifier();
        int[] gx = SecP256R1Field.fromBigInteger(GX);
        int[] gy = SecP256R1Field.fromBigInteger(GY);
        Jacobian g = Jacobian.affine(gx, gy);
        Jacobian twoG = g.copy();
        scratch.twice(twoG);
        Jacobian multiple = g.copy();
        for (int i = 0; i < G_X.length; i++) {
            if (i > 0) {
                scratch.add(multiple, twoG);
            }
            int[][] xy = scratch.toAffine(multiple);
            G_X[i] = xy[0];
            G_Y[i] = xy[1];
        }
    }

    /** A point in Jacobian coordinates (X/Z^2, Y/Z^3); Z = 0 is the point at infinity. */
    private static final class Jacobian {
        final int[] x = Nat256.create();
        final int[] y = Nat256.create();
        final int[] z = Nat256.create();

        static Jacobian affine(int[] x, int[] y) {
            Jacobian p = new Jacobian();
            Nat256.copy(x, p.x);
            Nat256.copy(y, p.y);
            p.z[0] = 1;
            return p;
        }

        Jacobian copy() {
            Jacobian p = new Jacobian();
            p.set(this);
            return p;
        }

        void set(Jacobian other) {
            Nat256.copy(other.x, x);
            Nat256.copy(other.y, y);
            Nat256.copy(other.z, z);
        }

        boolean isInfinity() {
            return Nat256.isZero(z);
        }

        void setInfinity() {
            Nat256.zero(x);
            Nat256.zero(y);
            Nat256.zero(z);
            x[0] = 1;
            y[0] = 1;
        }
    }

    private final int[] tt = Nat256.createExt();
    private final int[] t1 = Nat256.create();
    private final int[] t2 = Nat256.create();
    private final int[] t3 = Nat256.create();
    private final int[] t4 = Nat256.create();
    private final int[] t5 = Nat256.create();
    private final int[] t6 = Nat256.create();
    private final int[] t7 = Nat256.create();

    private P256Verifier() {
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
        BigInteger[] rs = decodeSignature(signature);
        if (rs == null) {
            return false;
        }
        ECPoint w = key.getW();
        if (w == ECPoint.POINT_INFINITY) {
            return false;
        }
        // SHA-256 output is exactly as long as n, so e is the whole digest (FIPS 186-5 §6.4.2 step 3).
        BigInteger e = new BigInteger(1, sha256.digest(message));
        return verifyDigest(w.getAffineX(), w.getAffineY(), e, rs[0], rs[1]);
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
        if (qx.signum() < 0 || qy.signum() < 0 || qx.compareTo(P) >= 0 || qy.compareTo(P) >= 0
                || !inRange(r) || !inRange(s)) {
            return false;
        }
        return new P256Verifier().verify(SecP256R1Field.fromBigInteger(qx), SecP256R1Field.fromBigInteger(qy),
                e, r, s);
    }

    private boolean verify(int[] qx, int[] qy, BigInteger e, BigInteger r, BigInteger s) {
        if (!onCurve(qx, qy)) {
            // The identity has no affine form, and the curve has cofactor 1: a point on the curve is in
            // the group of order n (SEC 1 v2 §3.2.2.1).
            return false;
        }
        BigInteger sInverse = s.modInverse(N);
        BigInteger u1 = e.multiply(sInverse).mod(N);
        BigInteger u2 = r.multiply(sInverse).mod(N);
        byte[] nafG = naf(u1, G_WIDTH);
        byte[] nafQ = naf(u2, Q_WIDTH);

        Jacobian q = Jacobian.affine(qx, qy);
        Jacobian[] qTable = new Jacobian[1 << (Q_WIDTH - 2)];
        Jacobian twoQ = q.copy();
        twice(twoQ);
        qTable[0] = q;
        for (int i = 1; i < qTable.length; i++) {
            qTable[i] = qTable[i - 1].copy();
            add(qTable[i], twoQ);
        }

        Jacobian sum = new Jacobian();
        sum.setInfinity();
        Jacobian negated = new Jacobian();
        int[] negatedY = Nat256.create();
        for (int i = DIGITS - 1; i >= 0; i--) {
            twice(sum);
            int g = nafG[i];
            if (g != 0) {
                int[] y = G_Y[Math.abs(g) >> 1];
                if (g < 0) {
                    SecP256R1Field.negate(y, negatedY);
                    y = negatedY;
                }
                addAffine(sum, G_X[Math.abs(g) >> 1], y);
            }
            int d = nafQ[i];
            if (d != 0) {
                Jacobian t = qTable[Math.abs(d) >> 1];
                if (d < 0) {
                    negated.set(t);
                    SecP256R1Field.negate(t.y, negated.y);
                    t = negated;
                }
                add(sum, t);
            }
        }
        if (sum.isInfinity()) {
            return false;
        }
        // Step 7-8: v = x(R) mod n must equal r.
        BigInteger x = Nat256.toBigInteger(toAffine(sum)[0]);
        return x.mod(N).equals(r);
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
        if (der.length < 8 || der[0] != 0x30 || (der[1] & 0xff) != der.length - 2) {
            return null;
        }
        int rEnd = integerEnd(der, 2);
        if (rEnd < 0) {
            return null;
        }
        int sEnd = integerEnd(der, rEnd);
        if (sEnd != der.length) {
            return null;
        }
        BigInteger r = new BigInteger(1, der, 4, rEnd - 4);
        BigInteger s = new BigInteger(1, der, rEnd + 2, sEnd - rEnd - 2);
        if (!inRange(r) || !inRange(s)) {
            return null;
        }
        return new BigInteger[] {r, s};
    }

    /** FIPS 186-5 §6.4.2 step 1: r and s in [1, n-1]. */
    private static boolean inRange(BigInteger value) {
        return value.signum() > 0 && value.compareTo(N) < 0;
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

    /** y^2 = x^3 - 3x + b (mod p), on reduced coordinates. */
    private boolean onCurve(int[] x, int[] y) {
        SecP256R1Field.square(y, t1, tt);
        SecP256R1Field.square(x, t2, tt);
        SecP256R1Field.multiply(t2, x, t2, tt);
        SecP256R1Field.twice(x, t3);
        SecP256R1Field.add(t3, x, t3);
        SecP256R1Field.subtract(t2, t3, t2);
        SecP256R1Field.add(t2, B, t2);
        return Nat256.eq(t1, t2);
    }

    /**
     * Width-w non-adjacent form of {@code k} (0 &lt;= k &lt; 2^256): digits odd and below 2^(w-1) in
     * absolute value, any two non-zero digits at least w positions apart, least significant first.
     */
    static byte[] naf(BigInteger k, int width) {
        byte[] digits = new byte[DIGITS];
        int[] words = Nat256.fromBigInteger(k);
        int carry = 0;
        int bit = 0;
        while (bit < DIGITS) {
            if (bitAt(words, bit) == carry) {
                bit++;
                continue;
            }
            int window = Math.min(width, DIGITS - bit);
            int digit = bitsAt(words, bit, window) + carry;
            carry = (digit >> (width - 1)) & 1;
            digit -= carry << width;
            digits[bit] = (byte) digit;
            bit += window;
        }
        return digits;
    }

    private static int bitAt(int[] words, int bit) {
        return bit >= 256 ? 0 : (words[bit >>> 5] >>> (bit & 31)) & 1;
    }

    private static int bitsAt(int[] words, int bit, int count) {
        int value = 0;
        for (int i = count - 1; i >= 0; i--) {
            value = (value << 1) | bitAt(words, bit + i);
        }
        return value;
    }

    /** p = 2p, "dbl-2001-b" for a = -3: 3M + 5S. */
    private void twice(Jacobian p) {
        if (p.isInfinity() || Nat256.isZero(p.y)) {
            p.setInfinity();
            return;
        }
        int[] delta = t1;
        int[] gamma = t2;
        int[] beta = t3;
        int[] alpha = t4;
        SecP256R1Field.square(p.z, delta, tt);
        SecP256R1Field.square(p.y, gamma, tt);
        SecP256R1Field.multiply(p.x, gamma, beta, tt);
        SecP256R1Field.subtract(p.x, delta, t5);
        SecP256R1Field.add(p.x, delta, t6);
        SecP256R1Field.multiply(t5, t6, alpha, tt);
        SecP256R1Field.twice(alpha, t5);
        SecP256R1Field.add(alpha, t5, alpha);
        // Z3 = (Y + Z)^2 - gamma - delta, before Y changes.
        SecP256R1Field.add(p.y, p.z, t5);
        SecP256R1Field.square(t5, t5, tt);
        SecP256R1Field.subtract(t5, gamma, t5);
        SecP256R1Field.subtract(t5, delta, p.z);
        // X3 = alpha^2 - 8 beta
        SecP256R1Field.square(alpha, t5, tt);
        SecP256R1Field.twice(beta, beta);
        SecP256R1Field.twice(beta, beta);
        SecP256R1Field.twice(beta, t6);
        SecP256R1Field.subtract(t5, t6, p.x);
        // Y3 = alpha (4 beta - X3) - 8 gamma^2
        SecP256R1Field.subtract(beta, p.x, t5);
        SecP256R1Field.multiply(alpha, t5, t5, tt);
        SecP256R1Field.square(gamma, t6, tt);
        SecP256R1Field.twice(t6, t6);
        SecP256R1Field.twice(t6, t6);
        SecP256R1Field.twice(t6, t6);
        SecP256R1Field.subtract(t5, t6, p.y);
    }

    /** p = p + (x2, y2) with the second point affine ("madd"): 7M + 4S. */
    private void addAffine(Jacobian p, int[] x2, int[] y2) {
        if (p.isInfinity()) {
            Nat256.copy(x2, p.x);
            Nat256.copy(y2, p.y);
            Nat256.zero(p.z);
            p.z[0] = 1;
            return;
        }
        int[] z1z1 = t1;
        int[] h = t2;
        int[] r = t3;
        SecP256R1Field.square(p.z, z1z1, tt);
        SecP256R1Field.multiply(x2, z1z1, h, tt);
        SecP256R1Field.subtract(h, p.x, h);
        SecP256R1Field.multiply(p.z, z1z1, r, tt);
        SecP256R1Field.multiply(y2, r, r, tt);
        SecP256R1Field.subtract(r, p.y, r);
        finishAdd(p, p.x, p.y, h, r, null);
    }

    /** p = p + q, both Jacobian: 11M + 5S. */
    private void add(Jacobian p, Jacobian q) {
        if (q.isInfinity()) {
            return;
        }
        if (p.isInfinity()) {
            p.set(q);
            return;
        }
        int[] u1 = t1;
        int[] s1 = t2;
        int[] h = t3;
        int[] r = t4;
        // U1 = X1 Z2^2, S1 = Y1 Z2^3, U2 = X2 Z1^2, S2 = Y2 Z1^3
        SecP256R1Field.square(q.z, t5, tt);
        SecP256R1Field.multiply(p.x, t5, u1, tt);
        SecP256R1Field.multiply(q.z, t5, t5, tt);
        SecP256R1Field.multiply(p.y, t5, s1, tt);
        SecP256R1Field.square(p.z, t5, tt);
        SecP256R1Field.multiply(q.x, t5, h, tt);
        SecP256R1Field.subtract(h, u1, h);
        SecP256R1Field.multiply(p.z, t5, t5, tt);
        SecP256R1Field.multiply(q.y, t5, r, tt);
        SecP256R1Field.subtract(r, s1, r);
        finishAdd(p, u1, s1, h, r, q.z);
    }

    /**
     * The common end of both additions: with H = U2 - U1 and R = S2 - S1, X3 = R^2 - H^3 - 2 U1 H^2,
     * Y3 = R (U1 H^2 - X3) - S1 H^3, Z3 = Z1 Z2 H (Z2 = 1 when {@code z2} is null). Equal x coordinates
     * mean the two points are equal (then double) or opposite (then the sum is the identity).
     */
    private void finishAdd(Jacobian p, int[] u1, int[] s1, int[] h, int[] r, int[] z2) {
        if (Nat256.isZero(h)) {
            if (Nat256.isZero(r)) {
                twice(p);
            } else {
                p.setInfinity();
            }
            return;
        }
        int[] hh = t5;
        int[] hhh = t6;
        int[] v = t7;
        SecP256R1Field.square(h, hh, tt);
        SecP256R1Field.multiply(h, hh, hhh, tt);
        SecP256R1Field.multiply(u1, hh, v, tt);
        // Z3 first: it reads Z1 (and Z2), which nothing below needs.
        SecP256R1Field.multiply(p.z, h, p.z, tt);
        if (z2 != null) {
            SecP256R1Field.multiply(p.z, z2, p.z, tt);
        }
        // S1 H^3 goes into h, which nothing reads any more.
        SecP256R1Field.multiply(s1, hhh, h, tt);
        SecP256R1Field.square(r, p.x, tt);
        SecP256R1Field.subtract(p.x, hhh, p.x);
        SecP256R1Field.subtract(p.x, v, p.x);
        SecP256R1Field.subtract(p.x, v, p.x);
        SecP256R1Field.subtract(v, p.x, v);
        SecP256R1Field.multiply(r, v, p.y, tt);
        SecP256R1Field.subtract(p.y, h, p.y);
    }

    /** The affine coordinates of a finite point: x = X / Z^2, y = Y / Z^3. */
    private int[][] toAffine(Jacobian p) {
        int[] zInverse = Nat256.create();
        SecP256R1Field.inv(p.z, zInverse);
        int[] x = Nat256.create();
        int[] y = Nat256.create();
        SecP256R1Field.square(zInverse, t1, tt);
        SecP256R1Field.multiply(p.x, t1, x, tt);
        SecP256R1Field.multiply(t1, zInverse, t1, tt);
        SecP256R1Field.multiply(p.y, t1, y, tt);
        return new int[][] {x, y};
    }
}
