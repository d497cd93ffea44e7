package dev.tls13.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.Wycheproof.Decision;
import dev.tls13.crypto.Wycheproof.Group;
import dev.tls13.crypto.Wycheproof.Tally;
import dev.tls13.crypto.Wycheproof.TestFile;
import dev.tls13.crypto.Wycheproof.Vector;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Wycheproof's signature verification vectors through {@link CryptoProvider#verify}, the call behind every
 * CertificateVerify and certificate signature check: ECDSA P-256 on our {@link P256Verifier}, the other schemes
 * on the JCA behind {@link Signatures}. The public key is decoded from the group's SubjectPublicKeyInfo by the
 * JDK, as {@code X509Certificate#getPublicKey} decodes a certificate's. A valid vector must verify, an invalid
 * one must not (and must not throw: a malformed signature is peer input, RFC 8446 §4.4.3 decrypt_error).
 *
 * <p>Acceptable vectors, decided per flag: PKCS#1 v1.5 {@code MissingNull} (a DigestInfo whose hash
 * AlgorithmIdentifier omits its NULL parameters): accepted, as the JDK does. PKCS #1 v2.1 (RFC 3447, its
 * ASN.1 notes) and RFC 4055 §2.1 ask verifiers to accept the absent parameters as well as NULL; the encoding
 * is still fixed per hash, so no signature becomes malleable. TLS uses PKCS#1 v1.5 only for certificate
 * signatures (RFC 8446 §4.2.3). No other file has acceptable vectors.
 */
class WycheproofSignatureTest {

    static final List<String> FILES = List.of(
            "ecdsa_secp256r1_sha256_test", "ecdsa_secp384r1_sha384_test", "ecdsa_secp521r1_sha512_test",
            "rsa_pss_2048_sha256_mgf1_32_test", "rsa_pss_2048_sha384_mgf1_48_test", "rsa_pss_3072_sha256_mgf1_32_test",
            "rsa_pss_4096_sha256_mgf1_32_test", "rsa_pss_4096_sha384_mgf1_48_test",
            "rsa_pss_4096_sha512_mgf1_32_test", "rsa_pss_4096_sha512_mgf1_64_test",
            "rsa_signature_2048_sha256_test", "rsa_signature_2048_sha384_test", "rsa_signature_2048_sha512_test",
            "rsa_signature_3072_sha256_test", "rsa_signature_3072_sha384_test", "rsa_signature_3072_sha512_test",
            "rsa_signature_4096_sha256_test", "rsa_signature_4096_sha384_test", "rsa_signature_4096_sha512_test",
            "ed25519_test", "ed448_test");

    private final CryptoProvider provider = JcaCryptoProvider.instance();

    static Stream<String> files() {
        return FILES.stream();
    }

    @ParameterizedTest
    @MethodSource("files")
    void everyVectorThroughOurVerify(String name) throws GeneralSecurityException {
        TestFile file = Wycheproof.load(name);
        Tally tally = new Tally(file);
        for (Group group : file.groups()) {
            String notApplicable = notApplicable(group);
            SignatureAlgorithm algorithm = notApplicable == null ? algorithm(group) : null;
            PublicKey key = notApplicable == null ? publicKey(algorithm, group.bytes("publicKeyDer")) : null;
            for (Vector v : group.tests()) {
                if (notApplicable != null) {
                    tally.notApplicable(v, notApplicable);
                    continue;
                }
                Decision decision = v.acceptable() ? decide(v) : null;
                try {
                    boolean verified = provider.verify(algorithm, key, v.bytes("msg"), v.bytes("sig"));
                    tally.ran(v, verified, true, decision, verified ? "verified" : "did not verify");
                } catch (GeneralSecurityException | RuntimeException e) {
                    // A bad signature is false, never an exception (CryptoProvider#verify).
                    tally.failed(v, "threw " + e);
                }
            }
        }
        tally.finish();
    }

    /** The reason a group does not apply to TLS 1.3, or null. */
    private static String notApplicable(Group group) {
        if ("RsassaPssVerify".equals(group.string("type"))) {
            // RFC 8446 §4.2.3: MGF1 with the signature's hash, and a salt as long as that hash.
            int hashLength = hashLength(group.string("sha"));
            if (!group.string("sha").equals(group.string("mgfSha")) || group.number("sLen") != hashLength) {
                return "PSS salt or MGF1 hash other than the scheme's (RFC 8446 §4.2.3)";
            }
        }
        return null;
    }

    private static Decision decide(Vector v) {
        if (v.hasFlag("MissingNull")) {
            return Decision.accept("DigestInfo without the hash's NULL parameters (RFC 4055 §2.1)");
        }
        throw new IllegalStateException("no decision for acceptable " + v);
    }

    private static SignatureAlgorithm algorithm(Group group) {
        String type = group.string("type");
        switch (type) {
            case "EcdsaVerify": {
                String curve = (String) ((java.util.Map<?, ?>) group.fields().get("publicKey")).get("curve");
                switch (curve + " " + group.string("sha")) {
                    case "secp256r1 SHA-256":
                        return SignatureAlgorithm.ECDSA_SECP256R1_SHA256;
                    case "secp384r1 SHA-384":
                        return SignatureAlgorithm.ECDSA_SECP384R1_SHA384;
                    case "secp521r1 SHA-512":
                        return SignatureAlgorithm.ECDSA_SECP521R1_SHA512;
                    default:
                        throw new IllegalArgumentException(curve + " " + group.string("sha"));
                }
            }
            case "RsassaPssVerify":
                switch (group.string("sha")) {
                    case "SHA-256":
                        return SignatureAlgorithm.RSA_PSS_RSAE_SHA256;
                    case "SHA-384":
                        return SignatureAlgorithm.RSA_PSS_RSAE_SHA384;
                    case "SHA-512":
                        return SignatureAlgorithm.RSA_PSS_RSAE_SHA512;
                    default:
                        throw new IllegalArgumentException(group.string("sha"));
                }
            case "RsassaPkcs1Verify":
                switch (group.string("sha")) {
                    case "SHA-256":
                        return SignatureAlgorithm.RSA_PKCS1_SHA256;
                    case "SHA-384":
                        return SignatureAlgorithm.RSA_PKCS1_SHA384;
                    case "SHA-512":
                        return SignatureAlgorithm.RSA_PKCS1_SHA512;
                    default:
                        throw new IllegalArgumentException(group.string("sha"));
                }
            case "EddsaVerify": {
                String curve = (String) ((java.util.Map<?, ?>) group.fields().get("publicKey")).get("curve");
                return curve.equals("edwards25519") ? SignatureAlgorithm.ED25519 : SignatureAlgorithm.ED448;
            }
            default:
                throw new IllegalArgumentException(type);
        }
    }

    private static int hashLength(String sha) {
        switch (sha) {
            case "SHA-256":
                return 32;
            case "SHA-384":
                return 48;
            case "SHA-512":
                return 64;
            default:
                throw new IllegalArgumentException(sha);
        }
    }

    private static PublicKey publicKey(SignatureAlgorithm algorithm, byte[] spki) throws GeneralSecurityException {
        String keyType;
        switch (algorithm) {
            case ED25519:
                keyType = "Ed25519";
                break;
            case ED448:
                keyType = "Ed448";
                break;
            case ECDSA_SECP256R1_SHA256:
            case ECDSA_SECP384R1_SHA384:
            case ECDSA_SECP521R1_SHA512:
                keyType = "EC";
                break;
            default:
                keyType = "RSA";
        }
        return KeyFactory.getInstance(keyType).generatePublic(new X509EncodedKeySpec(spki));
    }

    /**
     * Our P-256 signing ({@link CryptoProvider#sign}, hedged nonces on {@link P256}) over every message of the
     * P-256 verification file, checked by the JDK's verifier.
     */
    @Test
    void ourP256SignaturesOverEveryWycheproofMessageVerifyWithTheJdk() throws GeneralSecurityException {
        TestFile file = Wycheproof.load("ecdsa_secp256r1_sha256_test");
        Set<String> messages = new LinkedHashSet<>();
        for (Group group : file.groups()) {
            for (Vector v : group.tests()) {
                messages.add((String) v.fields().get("msg"));
            }
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        var pair = generator.generateKeyPair();
        PrivateKey key = pair.getPrivate();
        int verified = 0;
        for (String hex : messages) {
            byte[] message = dev.tls13.testing.Hex.decode(hex);
            byte[] signature = provider.sign(SignatureAlgorithm.ECDSA_SECP256R1_SHA256, key, message);
            Signature jdk = Signature.getInstance("SHA256withECDSA");
            jdk.initVerify(pair.getPublic());
            jdk.update(message);
            assertTrue(jdk.verify(signature), "the JDK verifies our signature of " + hex);
            verified++;
        }
        System.out.println("wycheproof ecdsa_secp256r1_sha256_test messages: " + verified
                + " signed by our P-256, all verified by the JDK");
        assertEquals(messages.size(), verified);
        assertTrue(verified > 50, "the file has many distinct messages");
    }
}
