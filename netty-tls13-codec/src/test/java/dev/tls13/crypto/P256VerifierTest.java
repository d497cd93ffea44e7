package dev.tls13.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link P256Verifier} against what we did not write — SunEC's ECDSA signatures and verdicts — and
 * against a textbook affine double-and-add on {@link BigInteger} (slow, obviously right) for the edge
 * cases SunEC cannot produce on demand: u1 = u2 with Q = G, a sum at infinity, keys ±G.
 */
class P256VerifierTest {

    private static final BigInteger P =
            new BigInteger("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
    private static final BigInteger N =
            new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);
    private static final BigInteger B =
            new BigInteger("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b", 16);
    private static final BigInteger[] G = {
        new BigInteger("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296", 16),
        new BigInteger("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5", 16)};

    private final Random random = new Random(8446);

    /** Affine point addition; null is the identity. */
    private static BigInteger[] add(BigInteger[] a, BigInteger[] b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        BigInteger lambda;
        if (a[0].equals(b[0])) {
            if (a[1].add(b[1]).mod(P).signum() == 0) {
                return null;
            }
            BigInteger three = BigInteger.valueOf(3);
            lambda = a[0].pow(2).multiply(three).subtract(three)
                    .multiply(a[1].shiftLeft(1).modInverse(P)).mod(P);
        } else {
            lambda = b[1].subtract(a[1]).multiply(b[0].subtract(a[0]).modInverse(P)).mod(P);
        }
        BigInteger x = lambda.pow(2).subtract(a[0]).subtract(b[0]).mod(P);
        BigInteger y = lambda.multiply(a[0].subtract(x)).subtract(a[1]).mod(P);
        return new BigInteger[] {x, y};
    }

    private static BigInteger[] multiply(BigInteger k, BigInteger[] point) {
        BigInteger[] result = null;
        for (int i = k.bitLength() - 1; i >= 0; i--) {
            result = add(result, result);
            if (k.testBit(i)) {
                result = add(result, point);
            }
        }
        return result;
    }

    /** The reference verdict of FIPS 186-5 §6.4.2 steps 4-8. */
    private static boolean reference(BigInteger[] q, BigInteger e, BigInteger r, BigInteger s) {
        BigInteger w = s.modInverse(N);
        BigInteger[] sum = add(multiply(e.multiply(w).mod(N), G), multiply(r.multiply(w).mod(N), q));
        return sum != null && sum[0].mod(N).equals(r);
    }

    /** A signature (r, s) of digest e by private key d made with nonce k. */
    private static BigInteger[] sign(BigInteger d, BigInteger k, BigInteger e) {
        BigInteger r = multiply(k, G)[0].mod(N);
        BigInteger s = k.modInverse(N).multiply(e.add(r.multiply(d))).mod(N);
        return new BigInteger[] {r, s};
    }

    private BigInteger scalar() {
        return new BigInteger(256, random).mod(N.subtract(BigInteger.ONE)).add(BigInteger.ONE);
    }

    @Test
    void verifiesWhatSunEcSignsAndRejectsWhatSunEcRejects() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        int accepted = 0;
        int rejected = 0;
        for (int i = 0; i < 200; i++) {
            KeyPair pair = generator.generateKeyPair();
            byte[] message = new byte[random.nextInt(300)];
            random.nextBytes(message);
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(pair.getPrivate());
            signer.update(message);
            byte[] signature = signer.sign();
            ECPublicKey key = (ECPublicKey) pair.getPublic();
            assertTrue(P256Verifier.verify(key, message, signature, sha256), "signature " + i);

            byte[] otherMessage = message.length == 0 ? new byte[] {1} : message.clone();
            if (message.length > 0) {
                otherMessage[random.nextInt(message.length)] ^= (byte) (1 << random.nextInt(8));
            }
            byte[] flipped = signature.clone();
            int at = 4 + random.nextInt(signature.length - 4);
            flipped[at] ^= (byte) (1 << random.nextInt(8));
            for (byte[][] bad : new byte[][][] {{otherMessage, signature}, {message, flipped}}) {
                Signature jca = Signature.getInstance("SHA256withECDSA");
                jca.initVerify(key);
                jca.update(bad[0]);
                boolean expected;
                try {
                    expected = jca.verify(bad[1]);
                } catch (java.security.SignatureException e) {
                    expected = false;
                }
                assertEquals(expected, P256Verifier.verify(key, bad[0], bad[1], sha256), "tampered " + i);
                if (expected) {
                    accepted++;
                } else {
                    rejected++;
                }
            }
        }
        assertEquals(400, rejected + accepted);
        assertTrue(rejected > 390, "tampering that still verifies: " + accepted);
    }

    /**
     * NIST CAVP SigVer vectors for P-256 with SHA-256: 3 valid signatures and 12 invalid ones (message, r,
     * s or Q changed; a changed Q is not a point of the curve).
     */
    @Test
    void nistSignatureVerificationVectors() throws Exception {
        List<String> lines;
        try (InputStream in = P256VerifierTest.class.getResourceAsStream("/vectors/ecdsa-p256-sha256-sigver.rsp")) {
            lines = new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines().collect(Collectors.toList());
        }
        Map<String, String> vector = new HashMap<>();
        int passed = 0;
        int failed = 0;
        for (String line : lines) {
            int eq = line.indexOf(" = ");
            if (eq < 0) {
                continue;
            }
            vector.put(line.substring(0, eq), line.substring(eq + 3));
            if (line.startsWith("Result")) {
                boolean expected = vector.get("Result").startsWith("P");
                BigInteger e = new BigInteger(1, MessageDigest.getInstance("SHA-256").digest(hex(vector.get("Msg"))));
                boolean actual = P256Verifier.verifyDigest(new BigInteger(vector.get("Qx"), 16),
                        new BigInteger(vector.get("Qy"), 16), e, new BigInteger(vector.get("R"), 16),
                        new BigInteger(vector.get("S"), 16));
                assertEquals(expected, actual, vector.toString());
                if (expected) {
                    passed++;
                } else {
                    failed++;
                }
                vector.clear();
            }
        }
        assertEquals(3, passed);
        assertEquals(12, failed);
    }

    @Test
    void agreesWithTheReferenceOnEdgeCases() throws Exception {
        BigInteger nMinus1 = N.subtract(BigInteger.ONE);
        BigInteger[] keys = {BigInteger.ONE, BigInteger.TWO, BigInteger.valueOf(3), nMinus1, N.subtract(BigInteger.TWO),
            scalar()};
        int checked = 0;
        for (BigInteger d : keys) {
            BigInteger[] q = multiply(d, G);
            for (int i = 0; i < 12; i++) {
                BigInteger k = i == 0 ? BigInteger.ONE : i == 1 ? nMinus1 : scalar();
                BigInteger e = i % 3 == 0 ? BigInteger.ZERO : new BigInteger(256, random);
                BigInteger[] rs = sign(d, k, e);
                if (rs[1].signum() == 0) {
                    continue;
                }
                assertTrue(P256Verifier.verifyDigest(q[0], q[1], e, rs[0], rs[1]), "d=" + d + " k=" + k);
                assertFalse(P256Verifier.verifyDigest(q[0], q[1], e.add(BigInteger.ONE), rs[0], rs[1]));
                checked++;
            }
            // u1 = u2: e = r makes both scalars equal; with Q = G the two tables add the same multiples.
            BigInteger k = scalar();
            BigInteger r = multiply(k, G)[0].mod(N);
            BigInteger[] rs = sign(d, k, r);
            // (With d = n-1, s = k^-1·r·(1 + d) = 0: no signature, and none may verify.)
            assertEquals(rs[1].signum() != 0, P256Verifier.verifyDigest(q[0], q[1], r, rs[0], rs[1]),
                    "u1 = u2, d=" + d);
            // u1·G + u2·Q at infinity: u1 = -u2·d. Whatever r is, x of the identity is nothing.
            BigInteger s = scalar();
            BigInteger u2 = scalar();
            BigInteger u1 = u2.multiply(d).negate().mod(N);
            BigInteger rInf = u2.multiply(s).mod(N);
            BigInteger eInf = u1.multiply(s).mod(N);
            assertFalse(reference(q, eInf, rInf, s));
            assertFalse(P256Verifier.verifyDigest(q[0], q[1], eInf, rInf, s), "sum at infinity, d=" + d);
            checked++;
        }
        assertTrue(checked > 60, "checked " + checked);
        // Random triples, almost all invalid: the verdicts agree.
        BigInteger[] q = multiply(scalar(), G);
        for (int i = 0; i < 20; i++) {
            BigInteger e = new BigInteger(256, random);
            BigInteger r = scalar();
            BigInteger s = scalar();
            assertEquals(reference(q, e, r, s), P256Verifier.verifyDigest(q[0], q[1], e, r, s));
        }
    }

    @Test
    void rejectsKeysThatAreNotPointsOfTheCurve() throws Exception {
        BigInteger d = scalar();
        BigInteger[] q = multiply(d, G);
        BigInteger e = new BigInteger(256, random);
        BigInteger[] rs = sign(d, scalar(), e);
        assertTrue(P256Verifier.verifyDigest(q[0], q[1], e, rs[0], rs[1]));
        assertFalse(P256Verifier.verifyDigest(q[0], q[1].add(BigInteger.ONE).mod(P), e, rs[0], rs[1]));
        assertFalse(P256Verifier.verifyDigest(q[0].add(P), q[1], e, rs[0], rs[1]), "x not reduced");
        assertFalse(P256Verifier.verifyDigest(q[0], q[1].add(P), e, rs[0], rs[1]), "y not reduced");
        assertFalse(P256Verifier.verifyDigest(q[0], q[1].negate(), e, rs[0], rs[1]), "negative y");
        assertFalse(P256Verifier.verifyDigest(BigInteger.ZERO, BigInteger.ZERO, e, rs[0], rs[1]), "(0, 0)");
        // y^2 = x^3 - 3x + b holds for -Q as well: the check is the equation, and -Q is a different key.
        assertFalse(P256Verifier.verifyDigest(q[0], P.subtract(q[1]), e, rs[0], rs[1]));
        assertTrue(B.signum() > 0);
    }

    @Test
    void decodesOnlyStrictDerWithScalarsInRange() {
        byte[] valid = der(BigInteger.valueOf(5), N.subtract(BigInteger.ONE));
        BigInteger[] rs = P256Verifier.decodeSignature(valid);
        assertEquals(BigInteger.valueOf(5), rs[0]);
        assertEquals(N.subtract(BigInteger.ONE), rs[1]);

        assertNull(P256Verifier.decodeSignature(der(BigInteger.ZERO, BigInteger.ONE)), "r = 0");
        assertNull(P256Verifier.decodeSignature(der(BigInteger.ONE, BigInteger.ZERO)), "s = 0");
        assertNull(P256Verifier.decodeSignature(der(N, BigInteger.ONE)), "r = n");
        assertNull(P256Verifier.decodeSignature(der(BigInteger.ONE, N)), "s = n");
        assertNull(P256Verifier.decodeSignature(Arrays.copyOf(valid, valid.length + 1)), "trailing byte");
        assertNull(P256Verifier.decodeSignature(Arrays.copyOf(valid, valid.length - 1)), "truncated");
        // 02 02 00 05: a leading zero before a byte below 0x80 is not minimal.
        assertNull(P256Verifier.decodeSignature(hex("300902020005020300ff00")), "non-minimal r");
        // 02 01 85: negative.
        assertNull(P256Verifier.decodeSignature(hex("3006020185020101")), "negative r");
        // Long length form where the short one fits.
        assertNull(P256Verifier.decodeSignature(hex("308106020101020101")), "long form");
        assertNull(P256Verifier.decodeSignature(hex("3106020101020101")), "SET, not SEQUENCE");
        assertNull(P256Verifier.decodeSignature(hex("3006030101020101")), "BIT STRING, not INTEGER");
        assertArrayEquals(new BigInteger[] {BigInteger.ONE, BigInteger.valueOf(0x80)},
                P256Verifier.decodeSignature(hex("3007020101020200" + "80")));
    }

    @Test
    void signaturesCheckedThroughSignaturesUseItAndKeepTheirVerdicts() throws Exception {
        KeyFactory factory = KeyFactory.getInstance("EC");
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec params = ((ECPublicKey) generator.generateKeyPair().getPublic()).getParams();
        BigInteger d = scalar();
        BigInteger[] q = multiply(d, G);
        PrivateKey privateKey = factory.generatePrivate(new ECPrivateKeySpec(d, params));
        ECPublicKey publicKey = (ECPublicKey) factory.generatePublic(
                new ECPublicKeySpec(new java.security.spec.ECPoint(q[0], q[1]), params));
        byte[] message = "TLS 1.3, server CertificateVerify".getBytes(StandardCharsets.US_ASCII);
        byte[] signature = Signatures.sign(SignatureAlgorithm.ECDSA_SECP256R1_SHA256, privateKey, message,
                new java.security.SecureRandom());
        assertTrue(Signatures.verify(SignatureAlgorithm.ECDSA_SECP256R1_SHA256, publicKey, message, signature));
        message[0] ^= 1;
        assertFalse(Signatures.verify(SignatureAlgorithm.ECDSA_SECP256R1_SHA256, publicKey, message, signature));
        assertFalse(Signatures.verify(SignatureAlgorithm.ECDSA_SECP256R1_SHA256, publicKey, message, new byte[0]));
    }

    private static byte[] der(BigInteger r, BigInteger s) {
        byte[] rb = r.toByteArray();
        byte[] sb = s.toByteArray();
        byte[] out = new byte[6 + rb.length + sb.length];
        out[0] = 0x30;
        out[1] = (byte) (out.length - 2);
        out[2] = 0x02;
        out[3] = (byte) rb.length;
        System.arraycopy(rb, 0, out, 4, rb.length);
        out[4 + rb.length] = 0x02;
        out[5 + rb.length] = (byte) sb.length;
        System.arraycopy(sb, 0, out, 6 + rb.length, sb.length);
        return out;
    }

    private static byte[] hex(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
