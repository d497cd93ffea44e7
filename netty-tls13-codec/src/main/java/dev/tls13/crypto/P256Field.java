package dev.tls13.crypto;

import java.math.BigInteger;

/**
 * Arithmetic modulo the P-256 prime p = 2^256 - 2^224 + 2^192 + 2^96 - 1 (FIPS 186-5, SEC 2 §2.4.2) for
 * {@link P256}, in constant time: no branch, loop bound or index depends on a value.
 *
 * <p>An element is five little-endian limbs of 52 bits in Montgomery form with R = 2^260. Why this radix:
 * a product of two limbs has at most 105 bits, so {@link Math#multiplyHigh} gives its high part exactly
 * (Java 17 has no unsigned variant), and a column of ten 52-bit halves sums to less than 2^57, so the
 * schoolbook product needs no carry detection at all; p's limbs are 2^52 - 1, 2^44 - 1, 0, 2^36 and
 * 2^48 - 2^16, and -p^-1 mod 2^52 is 1, so each Montgomery reduction step is shifts and masks without a
 * multiplication; additions need no carry chain. Measured on the benchmark machine, {@link P256}'s key
 * pairs, agreements and signatures take half the time they took on four 64-bit limbs with branch-free
 * carries.
 *
 * <p>Every element taken or returned is <em>weakly reduced</em>: each limb in [0, 2^52) and the value
 * below 2^257 (congruent to, not necessarily equal to, its value in [0, p)). Bounds that keep it:
 * {@link #mul} of values below 2^257 gives (a b + q p) / 2^260 &lt; 2^254 + p; {@link #add} and
 * {@link #sub} (which adds 4p &gt; 2^257) stay below 2^259 and fold bits 256 and up back with
 * 2^256 ≡ 2^224 - 2^192 - 2^96 + 1 (mod p). {@link #canonical} gives the value in [0, p) for output and
 * comparison. Outputs may alias inputs: every method reads its inputs into locals first.
 */
final class P256Field {

    /** Limbs per element. */
    static final int LIMBS = 5;

    private static final long M = (1L << 52) - 1;

    private static final BigInteger P_VALUE =
            new BigInteger("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
    private static final BigInteger R = BigInteger.ONE.shiftLeft(260);

    // p in 52-bit limbs.
    private static final long P0 = M;
    private static final long P1 = (1L << 44) - 1;
    private static final long P2 = 0;
    private static final long P3 = 1L << 36;
    private static final long P4 = (1L << 48) - (1L << 16);

    // 4p in 52-bit limbs, added by sub so that a - b stays positive for b below 2^257 &lt; 4p.
    private static final long[] FOUR_P = limbs(P_VALUE.shiftLeft(2));
    private static final long Q0 = FOUR_P[0];
    private static final long Q1 = FOUR_P[1];
    private static final long Q2 = FOUR_P[2];
    private static final long Q3 = FOUR_P[3];
    private static final long Q4 = FOUR_P[4];

    /** R^2 mod p: multiplying by it enters Montgomery form. */
    private static final long[] R_SQUARED = limbs(R.multiply(R).mod(P_VALUE));
    /** The integer 1: multiplying by it leaves Montgomery form. */
    private static final long[] PLAIN_ONE = {1, 0, 0, 0, 0};

    private P256Field() {
    }

    /**
     * @param value an integer in [0, p)
     * @return value · R mod p, for constants
     */
    static long[] montgomeryConstant(BigInteger value) {
        return limbs(value.multiply(R).mod(P_VALUE));
    }

    /** @return a new zero element */
    static long[] create() {
        return new long[LIMBS];
    }

    /** out = a b R^-1 mod p. */
    static void mul(long[] a, long[] b, long[] out) {
        long a0 = a[0];
        long a1 = a[1];
        long a2 = a[2];
        long a3 = a[3];
        long a4 = a[4];
        long b0 = b[0];
        long b1 = b[1];
        long b2 = b[2];
        long b3 = b[3];
        long b4 = b[4];
        long lo;
        long hi;
        // Column k collects the low 52 bits of the products a_i b_j with i + j = k and the rest of those
        // with i + j = k - 1 (at most 53 bits each).
        long c0 = 0;
        long c1 = 0;
        long c2 = 0;
        long c3 = 0;
        long c4 = 0;
        long c5 = 0;
        long c6 = 0;
        long c7 = 0;
        long c8 = 0;
        long c9 = 0;
        lo = a0 * b0;
        hi = Math.multiplyHigh(a0, b0);
        c0 += lo & M;
        c1 += (hi << 12) | (lo >>> 52);
        lo = a0 * b1;
        hi = Math.multiplyHigh(a0, b1);
        c1 += lo & M;
        c2 += (hi << 12) | (lo >>> 52);
        lo = a0 * b2;
        hi = Math.multiplyHigh(a0, b2);
        c2 += lo & M;
        c3 += (hi << 12) | (lo >>> 52);
        lo = a0 * b3;
        hi = Math.multiplyHigh(a0, b3);
        c3 += lo & M;
        c4 += (hi << 12) | (lo >>> 52);
        lo = a0 * b4;
        hi = Math.multiplyHigh(a0, b4);
        c4 += lo & M;
        c5 += (hi << 12) | (lo >>> 52);
        lo = a1 * b0;
        hi = Math.multiplyHigh(a1, b0);
        c1 += lo & M;
        c2 += (hi << 12) | (lo >>> 52);
        lo = a1 * b1;
        hi = Math.multiplyHigh(a1, b1);
        c2 += lo & M;
        c3 += (hi << 12) | (lo >>> 52);
        lo = a1 * b2;
        hi = Math.multiplyHigh(a1, b2);
        c3 += lo & M;
        c4 += (hi << 12) | (lo >>> 52);
        lo = a1 * b3;
        hi = Math.multiplyHigh(a1, b3);
        c4 += lo & M;
        c5 += (hi << 12) | (lo >>> 52);
        lo = a1 * b4;
        hi = Math.multiplyHigh(a1, b4);
        c5 += lo & M;
        c6 += (hi << 12) | (lo >>> 52);
        lo = a2 * b0;
        hi = Math.multiplyHigh(a2, b0);
        c2 += lo & M;
        c3 += (hi << 12) | (lo >>> 52);
        lo = a2 * b1;
        hi = Math.multiplyHigh(a2, b1);
        c3 += lo & M;
        c4 += (hi << 12) | (lo >>> 52);
        lo = a2 * b2;
        hi = Math.multiplyHigh(a2, b2);
        c4 += lo & M;
        c5 += (hi << 12) | (lo >>> 52);
        lo = a2 * b3;
        hi = Math.multiplyHigh(a2, b3);
        c5 += lo & M;
        c6 += (hi << 12) | (lo >>> 52);
        lo = a2 * b4;
        hi = Math.multiplyHigh(a2, b4);
        c6 += lo & M;
        c7 += (hi << 12) | (lo >>> 52);
        lo = a3 * b0;
        hi = Math.multiplyHigh(a3, b0);
        c3 += lo & M;
        c4 += (hi << 12) | (lo >>> 52);
        lo = a3 * b1;
        hi = Math.multiplyHigh(a3, b1);
        c4 += lo & M;
        c5 += (hi << 12) | (lo >>> 52);
        lo = a3 * b2;
        hi = Math.multiplyHigh(a3, b2);
        c5 += lo & M;
        c6 += (hi << 12) | (lo >>> 52);
        lo = a3 * b3;
        hi = Math.multiplyHigh(a3, b3);
        c6 += lo & M;
        c7 += (hi << 12) | (lo >>> 52);
        lo = a3 * b4;
        hi = Math.multiplyHigh(a3, b4);
        c7 += lo & M;
        c8 += (hi << 12) | (lo >>> 52);
        lo = a4 * b0;
        hi = Math.multiplyHigh(a4, b0);
        c4 += lo & M;
        c5 += (hi << 12) | (lo >>> 52);
        lo = a4 * b1;
        hi = Math.multiplyHigh(a4, b1);
        c5 += lo & M;
        c6 += (hi << 12) | (lo >>> 52);
        lo = a4 * b2;
        hi = Math.multiplyHigh(a4, b2);
        c6 += lo & M;
        c7 += (hi << 12) | (lo >>> 52);
        lo = a4 * b3;
        hi = Math.multiplyHigh(a4, b3);
        c7 += lo & M;
        c8 += (hi << 12) | (lo >>> 52);
        lo = a4 * b4;
        hi = Math.multiplyHigh(a4, b4);
        c8 += lo & M;
        c9 += (hi << 12) | (lo >>> 52);
        reduce(c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, out);
    }

    /** out = a^2 R^-1 mod p: the 10 distinct products of {@link #mul}'s 25, cross products doubled. */
    static void sqr(long[] a, long[] out) {
        long a0 = a[0];
        long a1 = a[1];
        long a2 = a[2];
        long a3 = a[3];
        long a4 = a[4];
        long d0 = a0 << 1;
        long d1 = a1 << 1;
        long d2 = a2 << 1;
        long d3 = a3 << 1;
        long lo;
        long hi;
        long c0 = 0;
        long c1 = 0;
        long c2 = 0;
        long c3 = 0;
        long c4 = 0;
        long c5 = 0;
        long c6 = 0;
        long c7 = 0;
        long c8 = 0;
        long c9 = 0;
        lo = a0 * a0;
        hi = Math.multiplyHigh(a0, a0);
        c0 += lo & M;
        c1 += (hi << 12) | (lo >>> 52);
        lo = d0 * a1;
        hi = Math.multiplyHigh(d0, a1);
        c1 += lo & M;
        c2 += (hi << 12) | (lo >>> 52);
        lo = d0 * a2;
        hi = Math.multiplyHigh(d0, a2);
        c2 += lo & M;
        c3 += (hi << 12) | (lo >>> 52);
        lo = d0 * a3;
        hi = Math.multiplyHigh(d0, a3);
        c3 += lo & M;
        c4 += (hi << 12) | (lo >>> 52);
        lo = d0 * a4;
        hi = Math.multiplyHigh(d0, a4);
        c4 += lo & M;
        c5 += (hi << 12) | (lo >>> 52);
        lo = a1 * a1;
        hi = Math.multiplyHigh(a1, a1);
        c2 += lo & M;
        c3 += (hi << 12) | (lo >>> 52);
        lo = d1 * a2;
        hi = Math.multiplyHigh(d1, a2);
        c3 += lo & M;
        c4 += (hi << 12) | (lo >>> 52);
        lo = d1 * a3;
        hi = Math.multiplyHigh(d1, a3);
        c4 += lo & M;
        c5 += (hi << 12) | (lo >>> 52);
        lo = d1 * a4;
        hi = Math.multiplyHigh(d1, a4);
        c5 += lo & M;
        c6 += (hi << 12) | (lo >>> 52);
        lo = a2 * a2;
        hi = Math.multiplyHigh(a2, a2);
        c4 += lo & M;
        c5 += (hi << 12) | (lo >>> 52);
        lo = d2 * a3;
        hi = Math.multiplyHigh(d2, a3);
        c5 += lo & M;
        c6 += (hi << 12) | (lo >>> 52);
        lo = d2 * a4;
        hi = Math.multiplyHigh(d2, a4);
        c6 += lo & M;
        c7 += (hi << 12) | (lo >>> 52);
        lo = a3 * a3;
        hi = Math.multiplyHigh(a3, a3);
        c6 += lo & M;
        c7 += (hi << 12) | (lo >>> 52);
        lo = d3 * a4;
        hi = Math.multiplyHigh(d3, a4);
        c7 += lo & M;
        c8 += (hi << 12) | (lo >>> 52);
        lo = a4 * a4;
        hi = Math.multiplyHigh(a4, a4);
        c8 += lo & M;
        c9 += (hi << 12) | (lo >>> 52);
        reduce(c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, out);
    }

    /** out = a^(2^n) R^-(2^n - 1): n squarings. */
    static void sqr(long[] a, int n, long[] out) {
        sqr(a, out);
        for (int i = 1; i < n; i++) {
            sqr(out, out);
        }
    }

    /**
     * Montgomery reduction of the product in columns c0..c9 (value c0 + c1 2^52 + ..., below 2^514):
     * five times, add q p 2^(52 i) with q = column i mod 2^52 (as -p^-1 = 1 mod 2^52), which clears column
     * i; the value divided by 2^260 is left in columns 5..9, below a b / 2^260 + p.
     */
    private static void reduce(long c0, long c1, long c2, long c3, long c4, long c5, long c6, long c7,
            long c8, long c9, long[] out) {
        long q;
        // Per step: q (2^96 - 1) turns column i into a carry and adds q 2^96 (q 2^44 into column i + 1);
        // q 2^192 is q 2^36 into column i + 3; q (2^224 - 2^208) is q (2^48 - 2^16) into column i + 4.
        // Columns may go negative in between: the shifts of carries are arithmetic.
        q = c0 & M;
        c1 += (c0 >> 52) + ((q & 0xFFL) << 44);
        c2 += q >>> 8;
        c3 += (q & 0xFFFFL) << 36;
        c4 += (q >>> 16) + ((q & 0xFL) << 48) - ((q & 0xFFFFFFFFFL) << 16);
        c5 += (q >>> 4) - (q >>> 36);
        q = c1 & M;
        c2 += (c1 >> 52) + ((q & 0xFFL) << 44);
        c3 += q >>> 8;
        c4 += (q & 0xFFFFL) << 36;
        c5 += (q >>> 16) + ((q & 0xFL) << 48) - ((q & 0xFFFFFFFFFL) << 16);
        c6 += (q >>> 4) - (q >>> 36);
        q = c2 & M;
        c3 += (c2 >> 52) + ((q & 0xFFL) << 44);
        c4 += q >>> 8;
        c5 += (q & 0xFFFFL) << 36;
        c6 += (q >>> 16) + ((q & 0xFL) << 48) - ((q & 0xFFFFFFFFFL) << 16);
        c7 += (q >>> 4) - (q >>> 36);
        q = c3 & M;
        c4 += (c3 >> 52) + ((q & 0xFFL) << 44);
        c5 += q >>> 8;
        c6 += (q & 0xFFFFL) << 36;
        c7 += (q >>> 16) + ((q & 0xFL) << 48) - ((q & 0xFFFFFFFFFL) << 16);
        c8 += (q >>> 4) - (q >>> 36);
        q = c4 & M;
        c5 += (c4 >> 52) + ((q & 0xFFL) << 44);
        c6 += q >>> 8;
        c7 += (q & 0xFFFFL) << 36;
        c8 += (q >>> 16) + ((q & 0xFL) << 48) - ((q & 0xFFFFFFFFFL) << 16);
        c9 += (q >>> 4) - (q >>> 36);
        c6 += c5 >> 52;
        c5 &= M;
        c7 += c6 >> 52;
        c6 &= M;
        c8 += c7 >> 52;
        c7 &= M;
        c9 += c8 >> 52;
        c8 &= M;
        out[0] = c5;
        out[1] = c6;
        out[2] = c7;
        out[3] = c8;
        out[4] = c9;
    }

    /** out = a + b mod p (weakly reduced). */
    static void add(long[] a, long[] b, long[] out) {
        fold(a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3], a[4] + b[4], out);
    }

    /** out = a - b mod p (weakly reduced), as a + 4p - b. */
    static void sub(long[] a, long[] b, long[] out) {
        fold(a[0] + Q0 - b[0], a[1] + Q1 - b[1], a[2] + Q2 - b[2], a[3] + Q3 - b[3], a[4] + Q4 - b[4], out);
    }

    /**
     * Stores the non-negative value r0 + r1 2^52 + ... + r4 2^208 (below 2^259, limbs signed and below
     * 2^55 in magnitude) weakly reduced: carries propagated, bits 256 and up (h) replaced by
     * h (2^224 - 2^192 - 2^96 + 1), carries propagated again. The result is below 2^256 + 8 (2^224 + 1).
     */
    private static void fold(long r0, long r1, long r2, long r3, long r4, long[] out) {
        r1 += r0 >> 52;
        r0 &= M;
        r2 += r1 >> 52;
        r1 &= M;
        r3 += r2 >> 52;
        r2 &= M;
        r4 += r3 >> 52;
        r3 &= M;
        // Bit 256 is bit 48 of limb 4; 2^224 is bit 16 of limb 4, 2^192 bit 36 of limb 3, 2^96 bit 44 of limb 1.
        long h = r4 >>> 48;
        r4 &= (1L << 48) - 1;
        r0 += h;
        r1 -= h << 44;
        r3 -= h << 36;
        r4 += h << 16;
        r1 += r0 >> 52;
        r0 &= M;
        r2 += r1 >> 52;
        r1 &= M;
        r3 += r2 >> 52;
        r2 &= M;
        r4 += r3 >> 52;
        r3 &= M;
        out[0] = r0;
        out[1] = r1;
        out[2] = r2;
        out[3] = r3;
        out[4] = r4;
    }

    /** out = the value of a in [0, p): p subtracted at most twice (a &lt; 2^257 &lt; 3p), each by mask. */
    static void canonical(long[] a, long[] out) {
        long r0 = a[0];
        long r1 = a[1];
        long r2 = a[2];
        long r3 = a[3];
        long r4 = a[4];
        for (int i = 0; i < 2; i++) {
            long d0 = r0 - P0;
            long d1 = r1 - P1 + (d0 >> 52);
            d0 &= M;
            long d2 = r2 - P2 + (d1 >> 52);
            d1 &= M;
            long d3 = r3 - P3 + (d2 >> 52);
            d2 &= M;
            long d4 = r4 - P4 + (d3 >> 52);
            d3 &= M;
            // All ones when a - p went negative: keep a.
            long keep = d4 >> 63;
            r0 = (r0 & keep) | (d0 & ~keep);
            r1 = (r1 & keep) | (d1 & ~keep);
            r2 = (r2 & keep) | (d2 & ~keep);
            r3 = (r3 & keep) | (d3 & ~keep);
            r4 = (r4 & keep) | (d4 & ~keep);
        }
        out[0] = r0;
        out[1] = r1;
        out[2] = r2;
        out[3] = r3;
        out[4] = r4;
    }

    /** out = a R mod p, for a below 2^257. */
    static void toMontgomery(long[] a, long[] out) {
        mul(a, R_SQUARED, out);
    }

    /** out = a R^-1 mod p in [0, p). */
    static void fromMontgomery(long[] a, long[] out) {
        mul(a, PLAIN_ONE, out);
        canonical(out, out);
    }

    /** @return 1 if a is 0 mod p, else 0; constant time */
    static long isZero(long[] a, long[] scratch) {
        canonical(a, scratch);
        long or = scratch[0] | scratch[1] | scratch[2] | scratch[3] | scratch[4];
        return ((or | -or) >>> 63) ^ 1;
    }

    /**
     * out = a^(p - 2) = a^-1 mod p (0 for 0), Montgomery form in and out, by a fixed addition chain for
     * p - 2 = 2^256 - 2^224 + 2^192 + 2^96 - 3 (hex ffffffff 00000001 0^96 ffffffff ffffffff fffffffd):
     * 255 squarings and 12 multiplications. {@code out} must not alias {@code a}; s0 to s2 are scratch.
     */
    static void invert(long[] a, long[] out, long[] s0, long[] s1, long[] s2) {
        // x_k denotes a^(2^k - 1).
        sqr(a, s0);
        mul(s0, a, s0);                 // s0 = x2
        sqr(s0, s1);
        mul(s1, a, s1);                 // s1 = x3
        sqr(s1, 3, s2);
        mul(s2, s1, s2);                // s2 = x6
        sqr(s2, 6, out);
        mul(out, s2, s2);               // s2 = x12
        sqr(s2, 3, out);
        mul(out, s1, s1);               // s1 = x15
        sqr(s1, 15, out);
        mul(out, s1, s1);               // s1 = x30
        sqr(s1, 2, out);
        mul(out, s0, s0);               // s0 = x32
        sqr(s0, 32, out);
        mul(out, a, out);               // ffffffff 00000001
        sqr(out, 96, out);              // 96 zero bits
        sqr(out, 32, out);
        mul(out, s0, out);              // ffffffff
        sqr(out, 32, out);
        mul(out, s0, out);              // ffffffff
        sqr(out, 30, out);
        mul(out, s1, out);              // 30 ones
        sqr(out, 2, out);
        mul(out, a, out);               // 01
    }

    /** Reads 32 big-endian bytes at {@code off} (a value below 2^256) into limbs. */
    static void fromBytes(byte[] in, int off, long[] out) {
        long l3 = word(in, off);
        long l2 = word(in, off + 8);
        long l1 = word(in, off + 16);
        long l0 = word(in, off + 24);
        out[0] = l0 & M;
        out[1] = ((l0 >>> 52) | (l1 << 12)) & M;
        out[2] = ((l1 >>> 40) | (l2 << 24)) & M;
        out[3] = ((l2 >>> 28) | (l3 << 36)) & M;
        out[4] = l3 >>> 16;
    }

    /** Writes a value in [0, 2^256) as 32 big-endian bytes at {@code off}. */
    static void toBytes(long[] a, byte[] out, int off) {
        putWord(a[0] | (a[1] << 52), out, off + 24);
        putWord((a[1] >>> 12) | (a[2] << 40), out, off + 16);
        putWord((a[2] >>> 24) | (a[3] << 28), out, off + 8);
        putWord((a[3] >>> 36) | (a[4] << 16), out, off);
    }

    private static long word(byte[] in, int off) {
        long v = 0;
        for (int j = 0; j < 8; j++) {
            v = (v << 8) | (in[off + j] & 0xFF);
        }
        return v;
    }

    private static void putWord(long v, byte[] out, int off) {
        for (int j = 7; j >= 0; j--) {
            out[off + j] = (byte) v;
            v >>>= 8;
        }
    }

    private static long[] limbs(BigInteger value) {
        long[] out = new long[LIMBS];
        for (int i = 0; i < LIMBS; i++) {
            out[i] = value.shiftRight(52 * i).longValue() & (i < LIMBS - 1 ? M : -1L);
        }
        return out;
    }
}
