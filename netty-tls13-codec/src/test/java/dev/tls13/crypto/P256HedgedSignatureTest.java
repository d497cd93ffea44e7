package dev.tls13.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.testing.Hex;
import java.lang.reflect.Field;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * ECDSA P-256 nonces ({@link P256#sign}): RFC 6979's deterministic k, hedged with added randomness as
 * draft-irtf-cfrg-det-sigs-with-noise specifies, with nothing of the generator's state left behind.
 */
class P256HedgedSignatureTest {

    private static final BigInteger N =
            new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);

    /** RFC 6979 Appendix A.2.5: the P-256 key. */
    private static final BigInteger X =
            new BigInteger("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721", 16);
    private static final BigInteger UX =
            new BigInteger("60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6", 16);
    private static final BigInteger UY =
            new BigInteger("7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299", 16);

    @Test
    void deterministicModeGivesRfc6979AppendixA25NoncesAndSignatures() throws Exception {
        // With SHA-256, message = "sample" and message = "test".
        assertRfc6979("sample",
                "A6E3C57DD01ABE90086538398355DD4C3B17AA873382B0F24D6129493D8AAD60",
                "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716",
                "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8");
        assertRfc6979("test",
                "D16B6AE827F17175E040871A1C7EC3500192C4C92677336EC2537ACAEE0008E0",
                "F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367",
                "019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083");
    }

    private static void assertRfc6979(String message, String k, String r, String s) throws Exception {
        byte[] digest = sha256(message.getBytes(StandardCharsets.US_ASCII));
        byte[] signature = P256.signDeterministic(scalar(X), digest);
        BigInteger[] rs = P256Verifier.decodeSignature(signature);
        assertEquals(new BigInteger(r, 16), rs[0], message + ": r");
        assertEquals(new BigInteger(s, 16), rs[1], message + ": s");
        assertEquals(new BigInteger(k, 16), nonceOf(digest, rs), message + ": k");
        assertTrue(jdkVerifies(publicKey(), message.getBytes(StandardCharsets.US_ASCII), signature));
        assertArrayEquals(signature, P256.signDeterministic(scalar(X), digest), "deterministic");
    }

    /**
     * The hedged k equals an independent computation of the draft's construction (HMAC_DRBG with
     * {@code javax.crypto.Mac}, Z and the block-aligning zeros in steps d and f) for a chosen Z.
     */
    @Test
    void hedgedNonceIsTheDraftsConstructionForTheGivenRandomness() throws Exception {
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 20; i++) {
            byte[] x = P256.randomScalar(random);
            byte[] digest = new byte[32];
            random.nextBytes(digest);
            byte[] z = new byte[32];
            random.nextBytes(z);
            byte[] signature = P256.sign(x, digest, new FixedRandom(z));
            BigInteger[] rs = P256Verifier.decodeSignature(signature);
            BigInteger d = new BigInteger(1, x);
            assertEquals(hedgedReferenceNonce(x, digest, z), nonceOf(digest, rs, d), "k for Z " + Hex.encode(z));
        }
    }

    /**
     * The failure hedging exists for: a random source that repeats itself (a stuck generator, a cloned VM)
     * gave the same k for two messages, and two signatures with one k give away the key. Now k still differs
     * per message, and the signatures verify.
     */
    @Test
    void aRandomSourceThatRepeatsItselfStillGivesADifferentNoncePerMessage() throws Exception {
        byte[] x = scalar(X);
        FixedRandom stuck = new FixedRandom(new byte[32]);
        byte[] m1 = "first CertificateVerify".getBytes(StandardCharsets.US_ASCII);
        byte[] m2 = "second CertificateVerify".getBytes(StandardCharsets.US_ASCII);
        byte[] s1 = P256.sign(x, sha256(m1), stuck);
        byte[] s2 = P256.sign(x, sha256(m2), stuck);
        assertTrue(jdkVerifies(publicKey(), m1, s1));
        assertTrue(jdkVerifies(publicKey(), m2, s2));
        assertNotEquals(P256Verifier.decodeSignature(s1)[0], P256Verifier.decodeSignature(s2)[0], "r, so k, differs");
        // With Z fixed the signature is a function of key and message: the same twice, and not RFC 6979's
        // (the hedged HMAC input differs even for an all-zero Z).
        assertArrayEquals(s1, P256.sign(x, sha256(m1), stuck));
        assertFalse(Arrays.equals(s1, P256.signDeterministic(x, sha256(m1))));
    }

    @Test
    void aGoodRandomSourceGivesADifferentNonceEachTime() throws Exception {
        byte[] digest = sha256("same message".getBytes(StandardCharsets.US_ASCII));
        SecureRandom random = new SecureRandom();
        byte[] s1 = P256.sign(scalar(X), digest, random);
        byte[] s2 = P256.sign(scalar(X), digest, random);
        assertNotEquals(P256Verifier.decodeSignature(s1)[0], P256Verifier.decodeSignature(s2)[0]);
        assertTrue(jdkVerifies(publicKey(), "same message".getBytes(StandardCharsets.US_ASCII), s1));
        assertTrue(jdkVerifies(publicKey(), "same message".getBytes(StandardCharsets.US_ASCII), s2));
    }

    /** The generator's K, V, HMAC pads, inner hash and message are zero once a signature is returned. */
    @Test
    void theNonceGeneratorKeepsNothingAfterASignature() throws Exception {
        P256.sign(scalar(X), sha256(new byte[] {1}), new SecureRandom());
        P256.signDeterministic(scalar(X), sha256(new byte[] {2}));
        Field local = P256.class.getDeclaredField("LOCAL");
        local.setAccessible(true);
        Object p256 = ((ThreadLocal<?>) local.get(null)).get();
        Field nonces = P256.class.getDeclaredField("nonces");
        nonces.setAccessible(true);
        Object generator = nonces.get(p256);
        int arrays = 0;
        for (Field f : generator.getClass().getDeclaredFields()) {
            if (java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            f.setAccessible(true);
            Object value = f.get(generator);
            if (value instanceof byte[]) {
                assertArrayEquals(new byte[((byte[]) value).length], (byte[]) value, f.getName() + " wiped");
                arrays++;
            } else if (value instanceof long[]) {
                assertArrayEquals(new long[((long[]) value).length], (long[]) value, f.getName() + " wiped");
                arrays++;
            }
        }
        assertEquals(6, arrays, "K, V, pad, inner, message and the candidate words are checked");
    }

    /** k = s^-1 (e + r d) mod n: the nonce a signature (r, s) of the digest e used under the RFC 6979 key. */
    private static BigInteger nonceOf(byte[] digest, BigInteger[] rs) {
        return nonceOf(digest, rs, X);
    }

    private static BigInteger nonceOf(byte[] digest, BigInteger[] rs, BigInteger d) {
        BigInteger e = new BigInteger(1, digest).mod(N);
        return rs[1].modInverse(N).multiply(e.add(rs[0].multiply(d))).mod(N);
    }

    /** draft-irtf-cfrg-det-sigs-with-noise's hedged RFC 6979 for P-256 and SHA-256, written out with a JCA Mac. */
    private static BigInteger hedgedReferenceNonce(byte[] x, byte[] digest, byte[] z) throws Exception {
        byte[] h1 = scalar(new BigInteger(1, digest).mod(N));
        byte[] v = new byte[32];
        Arrays.fill(v, (byte) 1);
        byte[] k = new byte[32];
        for (int step = 0; step < 2; step++) {
            // d (0x00) and f (0x01): V || sep || Z || 63 zeros || x || 32 zeros || h1
            k = hmac(k, v, new byte[] {(byte) step}, z, new byte[63], x, new byte[32], h1);
            v = hmac(k, v);
        }
        while (true) {
            v = hmac(k, v);
            BigInteger candidate = new BigInteger(1, v);
            if (candidate.signum() > 0 && candidate.compareTo(N) < 0) {
                return candidate;
            }
            k = hmac(k, v, new byte[1]);
            v = hmac(k, v);
        }
    }

    private static byte[] hmac(byte[] key, byte[]... parts) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        for (byte[] part : parts) {
            mac.update(part);
        }
        return mac.doFinal();
    }

    /** A "random" source that hands out the same bytes every time. */
    private static final class FixedRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] value;

        FixedRandom(byte[] value) {
            this.value = value.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            System.arraycopy(value, 0, bytes, 0, bytes.length);
        }
    }

    private static PublicKey publicKey() throws Exception {
        return KeyFactory.getInstance("EC")
                .generatePublic(new ECPublicKeySpec(new ECPoint(UX, UY), EcCurve.SECP256R1.params()));
    }

    private static boolean jdkVerifies(PublicKey key, byte[] message, byte[] signature) throws Exception {
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(key);
        verifier.update(message);
        return verifier.verify(signature);
    }

    private static byte[] sha256(byte[] message) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(message);
    }

    private static byte[] scalar(BigInteger v) {
        byte[] out = new byte[32];
        byte[] raw = v.toByteArray();
        int n = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - n, out, 32 - n, n);
        return out;
    }
}
