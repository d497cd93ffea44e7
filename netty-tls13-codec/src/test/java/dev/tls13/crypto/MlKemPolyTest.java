package dev.tls13.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link MlKemPoly}'s arithmetic against its definitions in FIPS 203, exhaustively where the domain is small:
 * the reductions, Compress/Decompress by their rounding formulas (so the multiply-shift division is exact for
 * every input), the NTT against schoolbook multiplication in Z_q[X]/(X^256 + 1), and the byte codecs.
 */
class MlKemPolyTest {

    private static final int Q = MlKemPoly.Q;

    @Test
    void reductionsGiveTheResidueForEveryInputInRange() {
        for (int a = -(1 << 16) + 1; a < 1 << 16; a++) {
            assertEquals(Math.floorMod(a, Q), MlKemPoly.freeze(a), "freeze " + a);
            int r = MlKemPoly.reduce(a);
            assertEquals(Math.floorMod(a, Q), Math.floorMod(r, Q), "reduce " + a);
            assertTrue(Math.abs(r) < Q, "reduce " + a + " = " + r);
        }
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 1_000_000; i++) {
            int a = random.nextInt(-Q * (1 << 15) + 1, Q * (1 << 15));
            int r = MlKemPoly.montgomery(a);
            assertTrue(Math.abs(r) < Q, "montgomery " + a + " = " + r);
            // r·2^16 = a (mod q)
            assertEquals(Math.floorMod(a, Q), Math.floorMod((long) r << 16, Q), "montgomery " + a);
        }
    }

    @Test
    void compressAndDecompressRoundAsFips203SaysForEveryValue() {
        for (int d : new int[] {1, 4, 5, 10, 11}) {
            for (int x = 0; x < Q; x++) {
                // round(2^d x / q) mod 2^d, round half up, in exact integers: floor((2^(d+1) x + q) / 2q).
                long expected = Math.floorDiv(((long) x << (d + 1)) + Q, 2L * Q) % (1L << d);
                assertEquals(expected, MlKemPoly.compress(x, d), "Compress_" + d + "(" + x + ")");
            }
            for (int y = 0; y < 1 << d; y++) {
                long expected = Math.floorDiv(2L * Q * y + (1L << d), 1L << (d + 1));
                assertEquals(expected, MlKemPoly.decompress(y, d), "Decompress_" + d + "(" + y + ")");
            }
        }
    }

    @Test
    void nttProductsEqualSchoolbookMultiplicationModXToThe256PlusOne() {
        SplittableRandom random = new SplittableRandom(2);
        for (int round = 0; round < 20; round++) {
            int[] a = new int[256];
            int[] b = new int[256];
            for (int i = 0; i < 256; i++) {
                a[i] = random.nextInt(Q);
                b[i] = random.nextInt(-2, 3);
            }
            long[] expected = new long[256];
            for (int i = 0; i < 256; i++) {
                for (int j = 0; j < 256; j++) {
                    long p = (long) a[i] * b[j];
                    if (i + j < 256) {
                        expected[i + j] += p;
                    } else {
                        expected[i + j - 256] -= p;
                    }
                }
            }
            int[] aHat = a.clone();
            int[] bHat = b.clone();
            MlKemPoly.ntt(aHat);
            MlKemPoly.ntt(bHat);
            int[] product = new int[256];
            MlKemPoly.multiplyAdd(product, aHat, bHat);
            MlKemPoly.reduceProducts(product);
            MlKemPoly.inverseNtt(product);
            int[] got = new int[256];
            int[] want = new int[256];
            for (int i = 0; i < 256; i++) {
                got[i] = Math.floorMod(product[i], Q);
                want[i] = (int) Math.floorMod(expected[i], Q);
            }
            assertArrayEquals(want, got, "round " + round);
        }
    }

    @Test
    void encodeAndDecodeAreInversesAndLittleEndian() {
        SplittableRandom random = new SplittableRandom(3);
        for (int d : new int[] {1, 4, 5, 10, 11, 12}) {
            int[] f = new int[256];
            for (int i = 0; i < 256; i++) {
                f[i] = random.nextInt(d == 12 ? Q : 1 << d);
            }
            byte[] bytes = new byte[32 * d + 2];
            MlKemPoly.encode(f, d, bytes, 1);
            assertEquals(0, bytes[0]);
            assertEquals(0, bytes[bytes.length - 1]);
            for (int bit = 0; bit < 256 * d; bit++) {
                int expected = f[bit / d] >>> (bit % d) & 1;
                assertEquals(expected, bytes[1 + bit / 8] >>> (bit % 8) & 1, "d " + d + ", bit " + bit);
            }
            int[] back = new int[256];
            if (d == 12) {
                MlKemPoly.decode12(bytes, 1, back);
            } else {
                MlKemPoly.decode(bytes, 1, d, back);
            }
            assertArrayEquals(f, back, "d " + d);
        }
        byte[] ones = new byte[384];
        Arrays.fill(ones, (byte) 0xFF);
        int[] reduced = new int[256];
        MlKemPoly.decode12(ones, 0, reduced);
        assertEquals(4095 - Q, reduced[0], "ByteDecode_12 reduces mod q");
    }
}
