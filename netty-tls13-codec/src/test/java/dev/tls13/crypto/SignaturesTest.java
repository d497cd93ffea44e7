package dev.tls13.crypto;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SignaturesTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] MESSAGE =
            "TLS 1.3, server CertificateVerify: the content".getBytes(StandardCharsets.US_ASCII);

    private static KeyPair rsa;
    private static KeyPair rsaPss;
    private static KeyPair p256;
    private static KeyPair p384;
    private static KeyPair p521;
    private static KeyPair ed25519;
    private static KeyPair ed448;
    private static final Map<SignatureAlgorithm, KeyPair> KEYS = new EnumMap<>(SignatureAlgorithm.class);
    private static final Map<SignatureAlgorithm, KeyPair> WRONG_KEYS = new EnumMap<>(SignatureAlgorithm.class);

    @BeforeAll
    static void generateKeys() throws Exception {
        KeyPairGenerator rsaGenerator = KeyPairGenerator.getInstance("RSA");
        rsaGenerator.initialize(2048);
        rsa = rsaGenerator.generateKeyPair();
        KeyPairGenerator pssGenerator = KeyPairGenerator.getInstance("RSASSA-PSS");
        pssGenerator.initialize(2048);
        rsaPss = pssGenerator.generateKeyPair();
        p256 = ec("secp256r1");
        p384 = ec("secp384r1");
        p521 = ec("secp521r1");
        ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        ed448 = KeyPairGenerator.getInstance("Ed448").generateKeyPair();
        for (SignatureAlgorithm algorithm : SignatureAlgorithm.values()) {
            switch (algorithm) {
                case RSA_PKCS1_SHA256:
                case RSA_PKCS1_SHA384:
                case RSA_PKCS1_SHA512:
                case RSA_PSS_RSAE_SHA256:
                case RSA_PSS_RSAE_SHA384:
                case RSA_PSS_RSAE_SHA512:
                    KEYS.put(algorithm, rsa);
                    WRONG_KEYS.put(algorithm, rsaPss);
                    break;
                case RSA_PSS_PSS_SHA256:
                case RSA_PSS_PSS_SHA384:
                case RSA_PSS_PSS_SHA512:
                    KEYS.put(algorithm, rsaPss);
                    WRONG_KEYS.put(algorithm, rsa);
                    break;
                case ECDSA_SECP256R1_SHA256:
                    KEYS.put(algorithm, p256);
                    WRONG_KEYS.put(algorithm, p384);
                    break;
                case ECDSA_SECP384R1_SHA384:
                    KEYS.put(algorithm, p384);
                    WRONG_KEYS.put(algorithm, p521);
                    break;
                case ECDSA_SECP521R1_SHA512:
                    KEYS.put(algorithm, p521);
                    WRONG_KEYS.put(algorithm, p256);
                    break;
                case ED25519:
                    KEYS.put(algorithm, ed25519);
                    WRONG_KEYS.put(algorithm, ed448);
                    break;
                case ED448:
                    KEYS.put(algorithm, ed448);
                    WRONG_KEYS.put(algorithm, ed25519);
                    break;
                default:
                    throw new AssertionError(algorithm);
            }
        }
    }

    private static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        return generator.generateKeyPair();
    }

    private static boolean isPkcs1(SignatureAlgorithm algorithm) {
        return algorithm.name().startsWith("RSA_PKCS1_");
    }

    /** A valid signature: ours for the TLS 1.3 schemes, the JCA's directly for PKCS#1 (which we never sign). */
    private static byte[] validSignature(SignatureAlgorithm algorithm) throws Exception {
        KeyPair pair = KEYS.get(algorithm);
        if (isPkcs1(algorithm)) {
            String hash = algorithm.name().substring("RSA_PKCS1_".length());
            Signature jca = Signature.getInstance(hash + "withRSA");
            jca.initSign(pair.getPrivate());
            jca.update(MESSAGE);
            return jca.sign();
        }
        return Signatures.sign(algorithm, pair.getPrivate(), MESSAGE, RANDOM);
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void signatureVerifiesWithMatchingPublicKey(SignatureAlgorithm algorithm) throws Exception {
        byte[] signature = validSignature(algorithm);
        assertTrue(Signatures.verify(algorithm, KEYS.get(algorithm).getPublic(), MESSAGE, signature));
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void flippedBitInMessageDoesNotVerify(SignatureAlgorithm algorithm) throws Exception {
        byte[] signature = validSignature(algorithm);
        for (int bit : new int[] {0, 7, MESSAGE.length * 8 - 1}) {
            byte[] message = MESSAGE.clone();
            message[bit / 8] ^= (byte) (1 << (bit % 8));
            assertFalse(Signatures.verify(algorithm, KEYS.get(algorithm).getPublic(), message, signature),
                    "bit " + bit);
        }
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void flippedBitInSignatureDoesNotVerify(SignatureAlgorithm algorithm) throws Exception {
        byte[] signature = validSignature(algorithm);
        for (int i = 0; i < signature.length; i += Math.max(1, signature.length / 16)) {
            byte[] tampered = signature.clone();
            tampered[i] ^= 0x10;
            assertFalse(Signatures.verify(algorithm, KEYS.get(algorithm).getPublic(), MESSAGE, tampered),
                    "byte " + i);
        }
        byte[] last = signature.clone();
        last[last.length - 1] ^= 1;
        assertFalse(Signatures.verify(algorithm, KEYS.get(algorithm).getPublic(), MESSAGE, last), "last byte");
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void malformedSignatureIsFalseNotAnException(SignatureAlgorithm algorithm) throws Exception {
        byte[] valid = validSignature(algorithm);
        byte[] allOnes = new byte[valid.length];
        Arrays.fill(allOnes, (byte) 0xff);
        byte[] randomBytes = new byte[valid.length];
        RANDOM.nextBytes(randomBytes);
        byte[][] garbage = {
            new byte[0],
            {0},
            {0x30, 0x00},
            {0x30, (byte) 0x81, (byte) 0xff, 0x02},
            new byte[valid.length],
            allOnes,
            randomBytes,
            Arrays.copyOf(valid, valid.length - 1),
            Arrays.copyOf(valid, valid.length + 1),
            Arrays.copyOf(valid, valid.length * 2),
            new byte[1024],
        };
        for (byte[] signature : garbage) {
            assertFalse(Signatures.verify(algorithm, KEYS.get(algorithm).getPublic(), MESSAGE, signature),
                    signature.length + " bytes");
        }
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void keyOfWrongTypeOrCurveIsRefused(SignatureAlgorithm algorithm) throws Exception {
        KeyPair wrong = WRONG_KEYS.get(algorithm);
        byte[] signature = validSignature(algorithm);
        assertThrows(InvalidKeyException.class,
                () -> Signatures.verify(algorithm, wrong.getPublic(), MESSAGE, signature));
        KeyPair otherFamily = algorithm == SignatureAlgorithm.ED25519 || algorithm == SignatureAlgorithm.ED448
                ? p256 : ed25519;
        assertThrows(InvalidKeyException.class,
                () -> Signatures.verify(algorithm, otherFamily.getPublic(), MESSAGE, signature));
        if (!isPkcs1(algorithm)) {
            assertThrows(InvalidKeyException.class,
                    () -> Signatures.sign(algorithm, wrong.getPrivate(), MESSAGE, RANDOM));
        }
    }

    @Test
    void ed25519SignatureWithNonCanonicalScalarDoesNotVerify() throws Exception {
        // RFC 8032 §5.1.7: S must be below the group order L; S + L is the classic malleable variant.
        byte[] signature = Signatures.sign(SignatureAlgorithm.ED25519, ed25519.getPrivate(), MESSAGE, RANDOM);
        BigInteger order = BigInteger.ONE.shiftLeft(252).add(new BigInteger("27742317777372353535851937790883648493"));
        byte[] sLittleEndian = Arrays.copyOfRange(signature, 32, 64);
        byte[] sBigEndian = reverse(sLittleEndian);
        byte[] shifted = new BigInteger(1, sBigEndian).add(order).toByteArray();
        byte[] malleable = signature.clone();
        byte[] shiftedLittleEndian = reverse(shifted);
        Arrays.fill(malleable, 32, 64, (byte) 0);
        System.arraycopy(shiftedLittleEndian, 0, malleable, 32, Math.min(32, shiftedLittleEndian.length));
        assertTrue(Signatures.verify(SignatureAlgorithm.ED25519, ed25519.getPublic(), MESSAGE, signature));
        assertFalse(Signatures.verify(SignatureAlgorithm.ED25519, ed25519.getPublic(), MESSAGE, malleable));
    }

    private static byte[] reverse(byte[] in) {
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = in[in.length - 1 - i];
        }
        return out;
    }

    @Test
    void ecdsaP256SchemeRefusesP384Key() {
        assertThrows(InvalidKeyException.class, () -> Signatures.sign(SignatureAlgorithm.ECDSA_SECP256R1_SHA256,
                p384.getPrivate(), MESSAGE, RANDOM));
        assertThrows(InvalidKeyException.class, () -> Signatures.verify(SignatureAlgorithm.ECDSA_SECP256R1_SHA256,
                p384.getPublic(), MESSAGE, new byte[72]));
    }

    @ParameterizedTest
    @EnumSource(value = SignatureAlgorithm.class, names = {"RSA_PKCS1_SHA256", "RSA_PKCS1_SHA384", "RSA_PKCS1_SHA512"})
    void signingWithPkcs1IsRefused(SignatureAlgorithm algorithm) {
        assertThrows(IllegalArgumentException.class,
                () -> Signatures.sign(algorithm, rsa.getPrivate(), MESSAGE, RANDOM));
    }

    @Test
    void signatureOfOneRsaPssHashDoesNotVerifyUnderAnother() throws Exception {
        byte[] signature = Signatures.sign(SignatureAlgorithm.RSA_PSS_RSAE_SHA256, rsa.getPrivate(), MESSAGE, RANDOM);
        assertFalse(Signatures.verify(SignatureAlgorithm.RSA_PSS_RSAE_SHA384, rsa.getPublic(), MESSAGE, signature));
        assertFalse(Signatures.verify(SignatureAlgorithm.RSA_PKCS1_SHA256, rsa.getPublic(), MESSAGE, signature));
    }

    @Test
    void rsaPssUsesSaltAsLongAsTheHash() throws Exception {
        // RFC 8446 §4.2.3: the salt length MUST equal the digest length. A verifier fixed to salt 32
        // accepts our SHA-256 signature, and one fixed to salt 20 (the JCA default) does not.
        byte[] signature = Signatures.sign(SignatureAlgorithm.RSA_PSS_RSAE_SHA256, rsa.getPrivate(), MESSAGE, RANDOM);
        assertTrue(verifyPss(signature, 32));
        assertFalse(verifyPss(signature, 20));
    }

    private static boolean verifyPss(byte[] signature, int saltLength) throws Exception {
        Signature jca = Signature.getInstance("RSASSA-PSS");
        jca.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                java.security.spec.MGF1ParameterSpec.SHA256, saltLength, 1));
        jca.initVerify(rsa.getPublic());
        jca.update(MESSAGE);
        return jca.verify(signature);
    }
}
