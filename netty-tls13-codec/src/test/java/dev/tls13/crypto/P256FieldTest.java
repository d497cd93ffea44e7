package dev.tls13.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link P256Field} against {@link BigInteger} arithmetic: every operation on weakly reduced inputs
 * (limbs in [0, 2^52), value below 2^257) including the extremes of that range, congruence of the result
 * and the invariant of the output.
 */
class P256FieldTest {

    private static final BigInteger P =
            new BigInteger("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
    private static final BigInteger R = BigInteger.ONE.shiftLeft(260);
    private static final BigInteger R_INVERSE = R.modInverse(P);
    private static final BigInteger LIMIT = BigInteger.ONE.shiftLeft(257);
    private static final long M = (1L << 52) - 1;

    /** Values that stress carries and folds: 0, 1, p +- 1, 2p, multiples near 2^256 and 2^257 - 1. */
    private static List<BigInteger> values() {
        List<BigInteger> values = new ArrayList<>();
        BigInteger two256 = BigInteger.ONE.shiftLeft(256);
        for (BigInteger v : new BigInteger[] {BigInteger.ZERO, BigInteger.ONE, BigInteger.TWO,
                P.subtract(BigInteger.ONE),
                P, P.add(BigInteger.ONE), P.shiftLeft(1), P.shiftLeft(1).subtract(BigInteger.ONE),
                P.shiftLeft(1).add(BigInteger.ONE), two256.subtract(BigInteger.ONE), two256,
                LIMIT.subtract(BigInteger.ONE), LIMIT.subtract(two256.shiftRight(32)),
                BigInteger.ONE.shiftLeft(52).subtract(BigInteger.ONE), BigInteger.ONE.shiftLeft(208)}) {
            values.add(v);
        }
        Random random = new Random(256);
        for (int i = 0; i < 300; i++) {
            int bits = i % 3 == 0 ? 257 : i % 3 == 1 ? 256 : 1 + random.nextInt(257);
            BigInteger v = new BigInteger(bits, random);
            if (i % 7 == 0) {
                // Limbs of all ones or all zeros, to exercise every carry.
                v = v.or(BigInteger.ONE.shiftLeft(208).subtract(BigInteger.ONE).shiftLeft(i % 40)).mod(LIMIT);
            }
            values.add(v);
        }
        return values;
    }

    private static long[] element(BigInteger v) {
        long[] out = new long[P256Field.LIMBS];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.shiftRight(52 * i).longValue() & (i < out.length - 1 ? M : -1L);
        }
        return out;
    }

    private static BigInteger value(long[] a) {
        BigInteger v = BigInteger.ZERO;
        for (int i = a.length - 1; i >= 0; i--) {
            v = v.shiftLeft(52).add(BigInteger.valueOf(a[i]));
        }
        return v;
    }

    /** Asserts the invariant and returns the value. */
    private static BigInteger weak(long[] a, String what) {
        for (int i = 0; i < a.length; i++) {
            assertTrue(a[i] >= 0 && a[i] <= M, what + ": limb " + i + " = " + Long.toHexString(a[i]));
        }
        BigInteger v = value(a);
        assertTrue(v.compareTo(LIMIT) < 0, what + ": value not below 2^257: " + v.toString(16));
        return v;
    }

    @Test
    void multiplicationIsMontgomeryProductForEveryPair() {
        List<BigInteger> values = values();
        long[] out = P256Field.create();
        for (int i = 0; i < values.size(); i++) {
            BigInteger a = values.get(i);
            for (int j = i; j < values.size(); j += 1 + (i % 5)) {
                BigInteger b = values.get(j);
                P256Field.mul(element(a), element(b), out);
                BigInteger got = weak(out, "mul");
                assertEquals(a.multiply(b).multiply(R_INVERSE).mod(P), got.mod(P), () -> a.toString(16) + " * "
                        + b.toString(16));
            }
        }
    }

    @Test
    void squaringEqualsMultiplicationBySelf() {
        long[] squared = P256Field.create();
        long[] product = P256Field.create();
        for (BigInteger a : values()) {
            P256Field.sqr(element(a), squared);
            P256Field.mul(element(a), element(a), product);
            assertEquals(a.multiply(a).multiply(R_INVERSE).mod(P), weak(squared, "sqr").mod(P), a.toString(16));
            assertArrayEquals(product, squared, a.toString(16));
        }
    }

    @Test
    void additionAndSubtractionAreCongruentAndWeaklyReduced() {
        List<BigInteger> values = values();
        long[] out = P256Field.create();
        for (int i = 0; i < values.size(); i++) {
            for (int j = 0; j < values.size(); j += 1 + (i % 7)) {
                BigInteger a = values.get(i);
                BigInteger b = values.get(j);
                P256Field.add(element(a), element(b), out);
                assertEquals(a.add(b).mod(P), weak(out, "add").mod(P));
                P256Field.sub(element(a), element(b), out);
                assertEquals(a.subtract(b).mod(P), weak(out, "sub").mod(P));
            }
        }
    }

    @Test
    void outputsMayAliasInputs() {
        for (BigInteger a : values()) {
            long[] x = element(a);
            P256Field.mul(x, x, x);
            assertEquals(a.multiply(a).multiply(R_INVERSE).mod(P), value(x).mod(P));
            x = element(a);
            P256Field.sub(x, x, x);
            assertEquals(BigInteger.ZERO, value(x).mod(P));
        }
    }

    @Test
    void canonicalGivesTheValueBelowP() {
        long[] out = P256Field.create();
        for (BigInteger a : values()) {
            P256Field.canonical(element(a), out);
            assertEquals(a.mod(P), value(out), a.toString(16));
            assertEquals(a.mod(P).signum() == 0 ? 1 : 0, P256Field.isZero(element(a), out), a.toString(16));
        }
    }

    @Test
    void inversionByTheAdditionChainIsTheModularInverse() {
        long[] out = P256Field.create();
        long[] s0 = P256Field.create();
        long[] s1 = P256Field.create();
        long[] s2 = P256Field.create();
        for (BigInteger a : values()) {
            P256Field.invert(element(a), out, s0, s1, s2);
            BigInteger got = weak(out, "invert").mod(P);
            // In Montgomery form: (aR^-1)^-1 R = a^-1 R^2; 0 has no inverse and gives 0.
            BigInteger expected = a.mod(P).signum() == 0 ? BigInteger.ZERO
                    : a.modInverse(P).multiply(R).multiply(R).mod(P);
            assertEquals(expected, got, a.toString(16));
        }
    }

    @Test
    void montgomeryConversionsAndBytesRoundTrip() {
        long[] m = P256Field.create();
        long[] back = P256Field.create();
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            BigInteger a = new BigInteger(256, random).mod(P);
            byte[] bytes = new byte[32];
            byte[] raw = a.toByteArray();
            int copy = Math.min(raw.length, 32);
            System.arraycopy(raw, raw.length - copy, bytes, 32 - copy, copy);
            P256Field.fromBytes(bytes, 0, m);
            assertEquals(a, value(m));
            P256Field.toMontgomery(m, m);
            assertEquals(a.multiply(R).mod(P), weak(m, "toMontgomery").mod(P));
            P256Field.fromMontgomery(m, back);
            assertEquals(a, value(back));
            byte[] out = new byte[33];
            P256Field.toBytes(back, out, 1);
            assertArrayEquals(bytes, java.util.Arrays.copyOfRange(out, 1, 33));
        }
    }
}
