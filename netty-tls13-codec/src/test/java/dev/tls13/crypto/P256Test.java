package dev.tls13.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.KeyAgreement;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link P256} against code we did not write: public keys against BouncyCastle's point multiplication,
 * shared secrets against SunEC's ECDH, signatures verified by SunEC (and tampered ones refused), peer
 * points refused as RFC 8446 §4.2.8.2 requires.
 */
class P256Test {

    private static final EcCurve CURVE = EcCurve.SECP256R1;
    private static final X9ECParameters BC = CustomNamedCurves.getByName("secp256r1");
    private static final BigInteger N = BC.getN();
    private static final BigInteger P = BC.getCurve().getField().getCharacteristic();
    private static KeyFactory keyFactory;

    @BeforeAll
    static void setUp() throws Exception {
        keyFactory = KeyFactory.getInstance("EC");
    }

    private static byte[] scalar(BigInteger k) {
        byte[] out = new byte[32];
        EcCurve.writeFixed(k, out, 0, 32);
        return out;
    }

    /** BouncyCastle's k·G, uncompressed. */
    private static byte[] bcPublicKey(BigInteger k) {
        return BC.getG().multiply(k).normalize().getEncoded(false);
    }

    /** Scalars that exercise every window shape: tiny, all-ones nibbles, zero nibbles, near n. */
    private static BigInteger[] edgeScalars() {
        return new BigInteger[] {
            BigInteger.ONE, BigInteger.TWO, BigInteger.valueOf(3), BigInteger.valueOf(15), BigInteger.valueOf(16),
            BigInteger.valueOf(17), BigInteger.ONE.shiftLeft(255), BigInteger.ONE.shiftLeft(128),
            BigInteger.ONE.shiftLeft(255).add(BigInteger.ONE), N.subtract(BigInteger.ONE), N.subtract(BigInteger.TWO),
            N.shiftRight(1), new BigInteger("f0f0f0f0" .repeat(8), 16).mod(N),
            new BigInteger("0f0f0f0f".repeat(8), 16), new BigInteger("00ff00ff".repeat(8), 16),
            // Windows right after a single non-zero one, and the top window alone (16^63 = 2^252).
            BigInteger.valueOf(0x10), BigInteger.valueOf(0x11), BigInteger.valueOf(0x1f), BigInteger.valueOf(0xff),
            BigInteger.ONE.shiftLeft(252), BigInteger.ONE.shiftLeft(252).subtract(BigInteger.ONE),
            BigInteger.valueOf(15).shiftLeft(252), N.subtract(BigInteger.valueOf(15)),
            N.subtract(BigInteger.valueOf(16)),
            N.subtract(BigInteger.valueOf(17)),
        };
    }

    @Test
    void publicKeysEqualBouncyCastlesPointMultiplication() {
        for (BigInteger k : edgeScalars()) {
            assertArrayEquals(bcPublicKey(k), P256.publicKey(scalar(k)), "k = " + k.toString(16));
        }
        Random random = new Random(1);
        for (int i = 0; i < 200; i++) {
            BigInteger k = new BigInteger(256, random).mod(N.subtract(BigInteger.ONE)).add(BigInteger.ONE);
            assertArrayEquals(bcPublicKey(k), P256.publicKey(scalar(k)), "k = " + k.toString(16));
        }
    }

    @Test
    void sharedSecretsEqualSunEcsEcdhBothWays() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 50; i++) {
            KeyPair jca = generator.generateKeyPair();
            byte[] ours = P256.randomScalar(random);
            byte[] ourPublic = P256.publicKey(ours);

            byte[] jcaPublic = CURVE.encodeUncompressed(((ECPublicKey) jca.getPublic()).getW());
            byte[] ourSecret = P256.agree(ours, jcaPublic);

            ECPoint w = CURVE.decodeUncompressed(ourPublic);
            PublicKey ourKey = keyFactory.generatePublic(new ECPublicKeySpec(w, CURVE.params()));
            KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
            agreement.init(jca.getPrivate());
            agreement.doPhase(ourKey, true);
            byte[] jcaSecret = agreement.generateSecret();
            byte[] fixed = new byte[32];
            EcCurve.writeFixed(new BigInteger(1, jcaSecret), fixed, 0, 32);
            assertArrayEquals(fixed, ourSecret);
        }
    }

    @Test
    void agreementIsSymmetricForEdgeScalars() throws Exception {
        BigInteger[] scalars = edgeScalars();
        for (int i = 0; i < scalars.length; i++) {
            BigInteger a = scalars[i];
            BigInteger b = scalars[(i + 5) % scalars.length];
            byte[] ab = P256.agree(scalar(a), P256.publicKey(scalar(b)));
            byte[] ba = P256.agree(scalar(b), P256.publicKey(scalar(a)));
            assertArrayEquals(ab, ba);
            byte[] expected = Arrays.copyOfRange(bcPublicKey(a.multiply(b).mod(N)), 1, 33);
            assertArrayEquals(expected, ab);
        }
    }

    @Test
    void agreementEqualsBouncyCastlesPointMultiplicationForEdgeScalarsAndPoints() throws Exception {
        // Peers' points with small and near-n discrete logs put equal or opposite points into the table and
        // the accumulator as early as possible.
        BigInteger[] peers = {BigInteger.ONE, BigInteger.TWO, BigInteger.valueOf(15), BigInteger.valueOf(16),
            N.subtract(BigInteger.ONE), N.subtract(BigInteger.valueOf(15)), BigInteger.ONE.shiftLeft(252)};
        for (BigInteger q : peers) {
            byte[] peer = P256.publicKey(scalar(q));
            assertArrayEquals(bcPublicKey(q), peer);
            for (BigInteger k : edgeScalars()) {
                byte[] expected = Arrays.copyOfRange(bcPublicKey(k.multiply(q).mod(N)), 1, 33);
                assertArrayEquals(expected, P256.agree(scalar(k), peer), "k = " + k.toString(16) + ", q = " + q);
            }
        }
    }

    @Test
    void randomScalarsAreInRange() {
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 1000; i++) {
            BigInteger k = new BigInteger(1, P256.randomScalar(random));
            assertTrue(k.signum() > 0 && k.compareTo(N) < 0);
        }
    }

    @Test
    void rejectsCandidatesOutsideOneToNMinusOne() {
        // A random source that first yields 0, then n, then 2^256 - 1, then 5: only 5 is acceptable.
        byte[][] candidates = {new byte[32], scalar(N), scalar(BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE)),
            scalar(BigInteger.valueOf(5))};
        SecureRandom scripted = new SecureRandom() {
            private static final long serialVersionUID = 1L;
            private int next;

            @Override
            public void nextBytes(byte[] bytes) {
                System.arraycopy(candidates[next++], 0, bytes, 0, 32);
            }
        };
        assertEquals(BigInteger.valueOf(5), new BigInteger(1, P256.randomScalar(scripted)));
    }

    @Test
    void signaturesVerifyWithSunEcAndTamperedOnesDoNot() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        SecureRandom random = new SecureRandom();
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < 50; i++) {
            KeyPair pair = generator.generateKeyPair();
            byte[] message = new byte[64 + i];
            random.nextBytes(message);
            byte[] d = scalar(((ECPrivateKey) pair.getPrivate()).getS());
            byte[] signature = P256.sign(d, sha256.digest(message), random);

            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(pair.getPublic());
            verifier.update(message);
            assertTrue(verifier.verify(signature), "SunEC verifies signature " + i);
            assertTrue(P256Verifier.verify((ECPublicKey) pair.getPublic(), message, signature,
                    MessageDigest.getInstance("SHA-256")));

            message[i % message.length] ^= 1;
            verifier.initVerify(pair.getPublic());
            verifier.update(message);
            assertFalse(verifier.verify(signature), "a changed message does not verify");
        }
    }

    @Test
    void signaturesAreMinimalDer() throws Exception {
        SecureRandom random = new SecureRandom();
        byte[] d = P256.randomScalar(random);
        byte[] digest = new byte[32];
        for (int i = 0; i < 300; i++) {
            random.nextBytes(digest);
            byte[] der = P256.sign(d, digest, random);
            assertEquals(0x30, der[0]);
            assertEquals(der.length - 2, der[1]);
            int pos = 2;
            for (int part = 0; part < 2; part++) {
                assertEquals(0x02, der[pos]);
                int length = der[pos + 1];
                byte first = der[pos + 2];
                // X.690 §8.3.2: no leading zero unless the next byte's top bit is set; positive.
                assertTrue(first >= 0, "positive");
                if (length > 1) {
                    assertFalse(first == 0 && der[pos + 3] >= 0, "minimal");
                }
                pos += 2 + length;
            }
            assertEquals(der.length, pos);
        }
    }

    @Test
    void signsWithAJcaKeyThatSunEcVerifies() throws Exception {
        // A private key the JCA built from a known scalar: the signature checks against its public key.
        BigInteger s = new BigInteger("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721", 16);
        PrivateKey key = keyFactory.generatePrivate(new ECPrivateKeySpec(s, CURVE.params()));
        byte[] encodedPublic = P256.publicKey(scalar(((ECPrivateKey) key).getS()));
        PublicKey publicKey = keyFactory.generatePublic(
                new ECPublicKeySpec(CURVE.decodeUncompressed(encodedPublic), CURVE.params()));
        byte[] message = "sample".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] signature = P256.sign(scalar(s), MessageDigest.getInstance("SHA-256").digest(message),
                new SecureRandom());
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(publicKey);
        verifier.update(message);
        assertTrue(verifier.verify(signature));
    }

    /** An EC private key that hands out whatever scalar it is given. */
    private record ScalarKey(BigInteger s) implements ECPrivateKey {
        private static final long serialVersionUID = 1L;

        @Override
        public BigInteger getS() {
            return s;
        }

        @Override
        public String getAlgorithm() {
            return "EC";
        }

        @Override
        public String getFormat() {
            return null;
        }

        @Override
        public byte[] getEncoded() {
            return null;
        }

        @Override
        public java.security.spec.ECParameterSpec getParams() {
            return CURVE.params();
        }
    }

    @Test
    void readsTheScalarOfKeysThatGiveItOutAndLeavesOthersToTheJca() throws Exception {
        BigInteger d = new BigInteger("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721", 16);
        assertArrayEquals(scalar(d), P256.privateScalar(new ScalarKey(d)));
        assertArrayEquals(scalar(BigInteger.ONE), P256.privateScalar(new ScalarKey(BigInteger.ONE)));
        // Out of [1, n - 1] or not given out: the JCA signs (and refuses what it must).
        assertEquals(null, P256.privateScalar(new ScalarKey(N)));
        assertEquals(null, P256.privateScalar(new ScalarKey(BigInteger.ZERO)));
        assertEquals(null, P256.privateScalar(new ScalarKey(BigInteger.ONE.shiftLeft(256))));
        assertEquals(null, P256.privateScalar(new ScalarKey(null)));
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        assertEquals(null, P256.privateScalar(rsa.generateKeyPair().getPrivate()));
    }

    @Test
    void refusesInvalidPeerPoints() {
        byte[] k = scalar(BigInteger.valueOf(7));
        byte[] good = P256.publicKey(scalar(BigInteger.valueOf(11)));
        // RFC 8446 §4.2.8.2: exact length, legacy_form 4, coordinates below p, on the curve.
        assertInvalid(k, Arrays.copyOf(good, 64));
        assertInvalid(k, Arrays.copyOf(good, 66));
        byte[] compressed = good.clone();
        compressed[0] = 2;
        assertInvalid(k, compressed);
        byte[] offCurve = good.clone();
        offCurve[64] ^= 1;
        assertInvalid(k, offCurve);
        assertInvalid(k, new byte[65]);
        byte[] zero = new byte[65];
        zero[0] = 4;
        assertInvalid(k, zero);
        // x + p: the same residue as a valid x, but not below p.
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(good, 1, 33));
        if (x.add(P).bitLength() <= 256) {
            byte[] unreduced = good.clone();
            EcCurve.writeFixed(x.add(P), unreduced, 1, 32);
            assertInvalid(k, unreduced);
        }
        byte[] yTooBig = good.clone();
        Arrays.fill(yTooBig, 33, 65, (byte) 0xFF);
        assertInvalid(k, yTooBig);
    }

    private static void assertInvalid(byte[] scalar, byte[] point) {
        InvalidKeyShareException e = assertThrows(InvalidKeyShareException.class, () -> P256.agree(scalar, point));
        assertEquals(InvalidKeyShareException.Kind.INVALID_PUBLIC_VALUE, e.kind());
    }

    @Test
    void verificationScalarsEqualBigIntegerArithmetic() {
        Random random = new Random(3);
        BigInteger[] edges = {BigInteger.ONE, BigInteger.TWO, N.subtract(BigInteger.ONE), N.subtract(BigInteger.TWO),
            N.shiftRight(1), BigInteger.ONE.shiftLeft(255).mod(N)};
        long[] u1 = new long[4];
        long[] u2 = new long[4];
        for (int i = 0; i < 300; i++) {
            BigInteger s = i < edges.length ? edges[i] : new BigInteger(256, random).mod(N.subtract(BigInteger.ONE))
                    .add(BigInteger.ONE);
            BigInteger r = new BigInteger(256, random).mod(N.subtract(BigInteger.ONE)).add(BigInteger.ONE);
            // e is any 256-bit digest, also at or above n.
            BigInteger e = i % 5 == 0 ? N.add(BigInteger.valueOf(i)) : new BigInteger(256, random);
            assertTrue(P256.verificationScalars(limbs(e), limbs(r), limbs(s), u1, u2));
            BigInteger inverse = s.modInverse(N);
            assertEquals(e.multiply(inverse).mod(N), value(u1), "u1 for s = " + s.toString(16));
            assertEquals(r.multiply(inverse).mod(N), value(u2), "u2 for s = " + s.toString(16));
        }
        assertFalse(P256.verificationScalars(limbs(BigInteger.ONE), limbs(BigInteger.ZERO), limbs(BigInteger.ONE),
                u1, u2), "r = 0");
        assertFalse(P256.verificationScalars(limbs(BigInteger.ONE), limbs(BigInteger.ONE), limbs(N), u1, u2), "s = n");
    }

    private static long[] limbs(BigInteger v) {
        long[] out = new long[4];
        for (int i = 0; i < 4; i++) {
            out[i] = v.shiftRight(64 * i).longValue();
        }
        return out;
    }

    private static BigInteger value(long[] limbs) {
        BigInteger v = BigInteger.ZERO;
        for (int i = 3; i >= 0; i--) {
            v = v.shiftLeft(64).or(new BigInteger(Long.toUnsignedString(limbs[i])));
        }
        return v;
    }
}
