package dev.tls13.crypto;

import org.bouncycastle.crypto.digests.SHAKEDigest;

/**
 * The polynomial arithmetic of ML-KEM (FIPS 203 §4), written from the standard for {@link MlKem}: polynomials of
 * R_q = Z_q[X]/(X^256 + 1), q = 3329, as {@code int[256]}, the NTT with ζ = 17 (Algorithms 9 to 12),
 * Compress/Decompress (§4.2.1), ByteEncode/ByteDecode (Algorithms 5, 6), SampleNTT (Algorithm 7) and
 * SamplePolyCBD for η = 2 (Algorithm 8; both parameter sets here have η1 = η2 = 2).
 *
 * <p>Reduction is in int arithmetic: products by Montgomery reduction with R = 2^16 ({@link #montgomery}, so a
 * constant c kept as c·R mod q multiplies exactly by c), sums by a Barrett reduction ({@link #reduce}). The
 * bounds that keep every int product and reduction in range are stated where they are used.
 *
 * <p>Constant time: every function here except {@link #sampleNtt} (whose input ρ is public) runs the same
 * instructions and touches the same memory whatever the coefficient values: loops and table indexes depend only
 * on the position and the public parameter d, reductions and the final normalisation use shifts and masks,
 * never a comparison with a branch, and Compress divides by q with a multiplication and a shift
 * ({@link #compress}). The JIT is trusted not to turn masked arithmetic into branches, as in {@link P256}.
 */
final class MlKemPoly {

    /** Coefficients per polynomial. */
    static final int N = 256;
    /** The modulus q. */
    static final int Q = 3329;
    /** Bytes of SamplePolyCBD_2's input: 64·η. */
    static final int CBD_BYTES = 128;
    /** SHAKE128's rate, the block SampleNTT squeezes at a time; a multiple of 3, so no triple straddles two. */
    static final int XOF_BLOCK = 168;

    /** q^-1 mod 2^16 as a signed 16-bit value: 3329 · 62209 = 1 (mod 2^16) and 62209 - 2^16 = -3327. */
    private static final int Q_INV = -3327;
    /** round(2^26 / q), for {@link #reduce}. */
    private static final int BARRETT = ((1 << 26) + Q / 2) / Q;
    /** R^2 mod q: {@code montgomery(x * R2)} is x·R, which undoes the R^-1 that products carry. */
    private static final int R2 = (int) ((1L << 32) % Q);
    /**
     * Algorithm 10's final factor 3303 = 128^-1 mod q, times R^2: multiplying by it in Montgomery form scales by
     * 128^-1 and by R, which cancels the R^-1 of the products that every NTT^-1 input here is a sum of.
     */
    private static final int INVERSE_SCALE = (int) (3303L * R2 % Q);
    /**
     * ceil(2^40 / 2q), for {@link #compress}: floor(n·M / 2^40) = floor(n / 2q) exactly when n·e < 2^40, where
     * e = M·2q - 2^40 < 2q < 2^13; Compress's n = 2^(d+1)·x + q is below 2^25 for x < q and d ≤ 12, so
     * n·e < 2^38. The test checks every x and d as well.
     */
    private static final long COMPRESS_M = ((1L << 40) + 2 * Q - 1) / (2 * Q);

    /** ζ^BitRev7(i)·R mod q, centred, i = 0..127: the twiddle factors of Algorithms 9 and 10. */
    private static final int[] ZETAS = new int[128];
    /** ζ^(2·BitRev7(i) + 1)·R mod q, centred: the γ of BaseCaseMultiply for coefficient pair i (Algorithm 11). */
    private static final int[] GAMMAS = new int[128];

    static {
        for (int i = 0; i < 128; i++) {
            int rev = Integer.reverse(i) >>> 25;
            ZETAS[i] = centred(power(17, rev) * (1L << 16) % Q);
            GAMMAS[i] = centred(power(17, 2 * rev + 1) * (1L << 16) % Q);
        }
    }

    private MlKemPoly() {
    }

    private static long power(long base, int exponent) {
        long result = 1;
        for (int i = 0; i < exponent; i++) {
            result = result * base % Q;
        }
        return result;
    }

    private static int centred(long x) {
        return (int) (x > Q / 2 ? x - Q : x);
    }

    /**
     * Montgomery reduction: a·R^-1 mod q, in (-q, q) for |a| < q·2^15. t = a·q^-1 mod 2^16 (signed) makes
     * a - t·q divisible by 2^16, and the shift divides exactly.
     */
    static int montgomery(int a) {
        int t = (short) (a * Q_INV);
        return (a - t * Q) >> 16;
    }

    /** Barrett reduction: a representative of a mod q in (-q, q), for |a| < 2^16 (the product stays in int). */
    static int reduce(int a) {
        int t = (BARRETT * a + (1 << 25)) >> 26;
        return a - t * Q;
    }

    /** @return a mod q in [0, q), for |a| < 2^16, without a branch */
    static int freeze(int a) {
        int r = reduce(a);
        return r + (r >> 31 & Q);
    }

    /**
     * NTT (Algorithm 9) in place. Input |f| < q; every layer adds less than q to the bound (the product of a
     * centred ζ and a coefficient below 7q is far below q·2^15), so the outputs, below 8q, are reduced once at
     * the end into (-q, q).
     */
    static void ntt(int[] f) {
        int k = 1;
        for (int len = 128; len >= 2; len >>= 1) {
            for (int start = 0; start < N; start += 2 * len) {
                int zeta = ZETAS[k++];
                for (int j = start; j < start + len; j++) {
                    int t = montgomery(zeta * f[j + len]);
                    f[j + len] = f[j] - t;
                    f[j] = f[j] + t;
                }
            }
        }
        for (int i = 0; i < N; i++) {
            f[i] = reduce(f[i]);
        }
    }

    /**
     * NTT^-1 (Algorithm 10) in place, of a reduced sum of products (so carrying R^-1, which the final scale
     * removes). Inputs in (-q, q); every butterfly keeps both outputs there.
     */
    static void inverseNtt(int[] f) {
        int k = 127;
        for (int len = 2; len <= 128; len <<= 1) {
            for (int start = 0; start < N; start += 2 * len) {
                int zeta = ZETAS[k--];
                for (int j = start; j < start + len; j++) {
                    int t = f[j];
                    int u = f[j + len];
                    f[j] = reduce(t + u);
                    f[j + len] = montgomery(zeta * (u - t));
                }
            }
        }
        for (int i = 0; i < N; i++) {
            f[i] = montgomery(f[i] * INVERSE_SCALE);
        }
    }

    /**
     * acc += a ∘ b, unreduced: MultiplyNTTs (Algorithm 11) with BaseCaseMultiply (Algorithm 12) per coefficient
     * pair, c0 = a0·b0 + a1·b1·γ and c1 = a0·b1 + a1·b0, with one reduction per term (a1·b1, before it meets γ)
     * and the rest left to {@link #reduceProducts} once the sum is complete. Inputs |a|, |b| < q, so a term adds
     * less than q² + q·q/2 to an even coefficient and 2q² to an odd one: four terms (k ≤ 4) stay below
     * 8q² < q·2^15, the bound of {@link #montgomery}.
     */
    static void multiplyAdd(int[] acc, int[] a, int[] b) {
        for (int i = 0; i < 128; i++) {
            int a0 = a[2 * i];
            int a1 = a[2 * i + 1];
            int b0 = b[2 * i];
            int b1 = b[2 * i + 1];
            acc[2 * i] += a0 * b0 + montgomery(a1 * b1) * GAMMAS[i];
            acc[2 * i + 1] += a0 * b1 + a1 * b0;
        }
    }

    /** acc = acc·R^-1 mod q in (-q, q): ends a sum of {@link #multiplyAdd} terms. */
    static void reduceProducts(int[] acc) {
        for (int i = 0; i < N; i++) {
            acc[i] = montgomery(acc[i]);
        }
    }

    /** f = f·R mod q, in (-q, q): undoes the R^-1 of a reduced sum of products (|f| < q) in the NTT domain. */
    static void toMontgomery(int[] f) {
        for (int i = 0; i < N; i++) {
            f[i] = montgomery(f[i] * R2);
        }
    }

    /** f = freeze(f + g): both below 2^15 in absolute value. */
    static void addFreeze(int[] f, int[] g) {
        for (int i = 0; i < N; i++) {
            f[i] = freeze(f[i] + g[i]);
        }
    }

    /**
     * Compress_d (§4.2.1): round(2^d·x / q) mod 2^d for x in [0, q), computed as floor((2^(d+1)·x + q) / 2q) by a
     * multiplication with ceil(2^40 / 2q) and a shift, exact for every such x (see {@link #COMPRESS_M}); no
     * division by a variable, whose time may depend on its operands.
     */
    static int compress(int x, int d) {
        long n = ((long) x << (d + 1)) + Q;
        return (int) (n * COMPRESS_M >>> 40) & ((1 << d) - 1);
    }

    /** Decompress_d (§4.2.1): round(q·y / 2^d) for y in [0, 2^d), a shift. */
    static int decompress(int y, int d) {
        return (Q * y + (1 << (d - 1))) >> d;
    }

    /** f = Compress_d(f), f in [0, q). */
    static void compress(int[] f, int d) {
        for (int i = 0; i < N; i++) {
            f[i] = compress(f[i], d);
        }
    }

    /** f = Decompress_d(f), f in [0, 2^d). */
    static void decompress(int[] f, int d) {
        for (int i = 0; i < N; i++) {
            f[i] = decompress(f[i], d);
        }
    }

    /**
     * ByteEncode_d (Algorithm 5): coefficient i at bits d·i .. d·i + d - 1, little-endian, 32·d bytes.
     *
     * @param f coefficients below 2^d
     */
    static void encode(int[] f, int d, byte[] out, int offset) {
        long bits = 0;
        int held = 0;
        int p = offset;
        for (int i = 0; i < N; i++) {
            bits |= (long) f[i] << held;
            held += d;
            while (held >= 8) {
                out[p++] = (byte) bits;
                bits >>>= 8;
                held -= 8;
            }
        }
    }

    /** ByteDecode_d (Algorithm 6) for d < 12: 32·d bytes into coefficients below 2^d. */
    static void decode(byte[] in, int offset, int d, int[] f) {
        long bits = 0;
        int held = 0;
        int p = offset;
        int mask = (1 << d) - 1;
        for (int i = 0; i < N; i++) {
            while (held < d) {
                bits |= (long) (in[p++] & 0xFF) << held;
                held += 8;
            }
            f[i] = (int) bits & mask;
            bits >>>= d;
            held -= d;
        }
    }

    /**
     * ByteDecode_12 (Algorithm 6 with m = q): 384 bytes into coefficients reduced mod q. A 12-bit value is below
     * 2q, so one masked subtraction reduces it.
     */
    static void decode12(byte[] in, int offset, int[] f) {
        decode(in, offset, 12, f);
        for (int i = 0; i < N; i++) {
            int x = f[i] - Q;
            f[i] = x + (x >> 31 & Q);
        }
    }

    /**
     * SamplePolyCBD_2 (Algorithm 8): coefficient i is b[4i] + b[4i+1] - b[4i+2] - b[4i+3] of the input's bits,
     * little-endian. Four bytes at a time: adding the even and odd bits gives every pair's sum in two bits.
     *
     * @param in 128 bytes of PRF output
     * @param f the coefficients, in [-2, 2]
     */
    static void cbd2(byte[] in, int[] f) {
        for (int i = 0; i < N / 8; i++) {
            int t = (in[4 * i] & 0xFF) | (in[4 * i + 1] & 0xFF) << 8 | (in[4 * i + 2] & 0xFF) << 16
                    | (in[4 * i + 3] & 0xFF) << 24;
            int pairs = (t & 0x55555555) + (t >>> 1 & 0x55555555);
            for (int j = 0; j < 8; j++) {
                f[8 * i + j] = (pairs >>> 4 * j & 3) - (pairs >>> 4 * j + 2 & 3);
            }
        }
    }

    /**
     * SampleNTT (Algorithm 7): rejection sampling of SHAKE128(ρ || first || second) in 12-bit pieces below q.
     * ρ is public (it ends the encapsulation key), so the branches are.
     *
     * @param xof a SHAKE128 instance, reset on entry and on return
     * @param rho ρ, at {@code rhoOffset}, 32 bytes
     * @param block scratch of {@link #XOF_BLOCK} bytes
     * @param f the coefficients, in [0, q)
     */
    static void sampleNtt(SHAKEDigest xof, byte[] rho, int rhoOffset, int first, int second, byte[] block,
                          int[] f) {
        xof.update(rho, rhoOffset, 32);
        xof.update((byte) first);
        xof.update((byte) second);
        int count = 0;
        while (count < N) {
            xof.doOutput(block, 0, XOF_BLOCK);
            for (int p = 0; p < XOF_BLOCK && count < N; p += 3) {
                int b1 = block[p + 1] & 0xFF;
                int d1 = (block[p] & 0xFF) | (b1 & 0x0F) << 8;
                int d2 = b1 >>> 4 | (block[p + 2] & 0xFF) << 4;
                if (d1 < Q) {
                    f[count++] = d1;
                }
                if (d2 < Q && count < N) {
                    f[count++] = d2;
                }
            }
        }
        xof.reset();
    }
}
