package dev.tls13.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.SignatureAlgorithm;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.KeyType;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.SignatureScheme;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignatureSchemesTest {

    @Test
    void mapsEveryAlgorithmToItsSchemeAndBack() {
        for (SignatureAlgorithm algorithm : SignatureAlgorithm.values()) {
            SignatureScheme scheme = SignatureSchemes.scheme(algorithm);
            assertEquals(algorithm.name().toLowerCase(java.util.Locale.ROOT), scheme.knownName());
            assertEquals(algorithm, SignatureSchemes.algorithm(scheme));
            assertEquals(algorithm, SignatureSchemes.algorithm(SignatureScheme.of(scheme.code())));
        }
    }

    @Test
    void sha1AndUnknownSchemesHaveNoAlgorithm() {
        assertNull(SignatureSchemes.algorithm(SignatureScheme.RSA_PKCS1_SHA1));
        assertNull(SignatureSchemes.algorithm(SignatureScheme.ECDSA_SHA1));
        assertNull(SignatureSchemes.algorithm(SignatureScheme.of(0x0402)));
        assertNull(SignatureSchemes.algorithm(SignatureScheme.of(0xFEFE)));
    }

    @Test
    void pkcs1AndSha1SchemesAreNeverAllowedInCertificateVerify() {
        assertFalse(SignatureSchemes.allowedInCertificateVerify(SignatureScheme.RSA_PKCS1_SHA256));
        assertFalse(SignatureSchemes.allowedInCertificateVerify(SignatureScheme.RSA_PKCS1_SHA384));
        assertFalse(SignatureSchemes.allowedInCertificateVerify(SignatureScheme.RSA_PKCS1_SHA512));
        assertFalse(SignatureSchemes.allowedInCertificateVerify(SignatureScheme.RSA_PKCS1_SHA1));
        assertFalse(SignatureSchemes.allowedInCertificateVerify(SignatureScheme.ECDSA_SHA1));
        assertFalse(SignatureSchemes.allowedInCertificateVerify(SignatureScheme.of(0x0AAA)));
        for (SignatureScheme scheme : SignatureSchemes.DEFAULT) {
            assertTrue(SignatureSchemes.allowedInCertificateVerify(scheme), scheme.toString());
        }
    }

    @Test
    void defaultCertListIsTheDefaultListPlusPkcs1Sha2() {
        int size = SignatureSchemes.DEFAULT.size();
        assertEquals(SignatureSchemes.DEFAULT, SignatureSchemes.DEFAULT_CERT.subList(0, size));
        assertEquals(List.of(SignatureScheme.RSA_PKCS1_SHA256, SignatureScheme.RSA_PKCS1_SHA384,
                        SignatureScheme.RSA_PKCS1_SHA512),
                SignatureSchemes.DEFAULT_CERT.subList(SignatureSchemes.DEFAULT.size(),
                        SignatureSchemes.DEFAULT_CERT.size()));
        assertEquals(SignatureScheme.ECDSA_SECP256R1_SHA256, SignatureSchemes.DEFAULT.get(0));
    }

    @Test
    void rsaEncryptionKeyUsesRsaPssRsaeSchemes() {
        List<SignatureScheme> expected = List.of(SignatureScheme.RSA_PSS_RSAE_SHA256,
                SignatureScheme.RSA_PSS_RSAE_SHA384, SignatureScheme.RSA_PSS_RSAE_SHA512);
        KeyPair keys = TestPki.keyPair(KeyType.RSA_2048);
        assertEquals(expected, SignatureSchemes.forKey(keys.getPrivate()));
        assertEquals(expected, SignatureSchemes.forKey(keys.getPublic()));
    }

    @Test
    void rsassaPssKeyWithoutParametersUsesAllRsaPssPssSchemes() {
        KeyPair keys = TestPki.keyPair(KeyType.RSASSA_PSS_2048);
        assertEquals(List.of(SignatureScheme.RSA_PSS_PSS_SHA256, SignatureScheme.RSA_PSS_PSS_SHA384,
                SignatureScheme.RSA_PSS_PSS_SHA512), SignatureSchemes.forKey(keys.getPrivate()));
    }

    @Test
    void rsassaPssKeyRestrictedToSha384UsesOnlyRsaPssPssSha384() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSASSA-PSS");
        generator.initialize(new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4,
                new PSSParameterSpec("SHA-384", "MGF1", MGF1ParameterSpec.SHA384, 48, 1)));
        KeyPair keys = generator.generateKeyPair();
        assertEquals(List.of(SignatureScheme.RSA_PSS_PSS_SHA384), SignatureSchemes.forKey(keys.getPrivate()));
        assertEquals(List.of(SignatureScheme.RSA_PSS_PSS_SHA384), SignatureSchemes.forKey(keys.getPublic()));
    }

    @Test
    void ecKeyUsesOnlyTheSchemeOfItsCurve() {
        assertEquals(List.of(SignatureScheme.ECDSA_SECP256R1_SHA256),
                SignatureSchemes.forKey(TestPki.keyPair(KeyType.EC_P256).getPrivate()));
        assertEquals(List.of(SignatureScheme.ECDSA_SECP384R1_SHA384),
                SignatureSchemes.forKey(TestPki.keyPair(KeyType.EC_P384).getPrivate()));
        assertEquals(List.of(SignatureScheme.ECDSA_SECP521R1_SHA512),
                SignatureSchemes.forKey(TestPki.keyPair(KeyType.EC_P521).getPublic()));
        assertFalse(SignatureSchemes.keyCanUse(TestPki.keyPair(KeyType.EC_P256).getPrivate(),
                SignatureScheme.ECDSA_SECP384R1_SHA384));
    }

    @Test
    void ecKeyOnAnotherCurveUsesNoScheme() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", TestPki.BC);
        generator.initialize(new ECGenParameterSpec("brainpoolP256r1"));
        assertEquals(List.of(), SignatureSchemes.forKey(generator.generateKeyPair().getPrivate()));
    }

    @Test
    void edwardsKeysUseTheirEdDsaScheme() {
        assertEquals(List.of(SignatureScheme.ED25519),
                SignatureSchemes.forKey(TestPki.keyPair(KeyType.ED25519).getPrivate()));
        assertEquals(List.of(SignatureScheme.ED448),
                SignatureSchemes.forKey(TestPki.keyPair(KeyType.ED448).getPublic()));
    }

    @Test
    void bouncyCastleEdwardsAndEcKeysAreRecognisedToo() throws Exception {
        assertEquals(List.of(SignatureScheme.ED25519),
                SignatureSchemes.forKey(KeyPairGenerator.getInstance("Ed25519", TestPki.BC)
                        .generateKeyPair().getPrivate()));
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC", TestPki.BC);
        ec.initialize(new ECGenParameterSpec("secp384r1"));
        assertEquals(List.of(SignatureScheme.ECDSA_SECP384R1_SHA384),
                SignatureSchemes.forKey(ec.generateKeyPair().getPrivate()));
    }

    @Test
    void dsaKeyUsesNoScheme() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("DSA");
        generator.initialize(1024);
        assertEquals(List.of(), SignatureSchemes.forKey(generator.generateKeyPair().getPrivate()));
    }

    @Test
    void tooSmallRsaKeyCannotUseSha512Pss() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        assertEquals(List.of(SignatureScheme.RSA_PSS_RSAE_SHA256, SignatureScheme.RSA_PSS_RSAE_SHA384),
                SignatureSchemes.forKey(generator.generateKeyPair().getPrivate()));
    }

    @Test
    void acceptsAPeerCertificateVerifySchemeWeOfferedThatFitsItsKey() throws TlsException {
        assertEquals(SignatureAlgorithm.ED25519, SignatureSchemes.checkPeerCertificateVerifyScheme(
                SignatureScheme.ED25519, SignatureSchemes.DEFAULT, TestPki.keyPair(KeyType.ED25519).getPublic()));
        assertEquals(SignatureAlgorithm.RSA_PSS_RSAE_SHA384, SignatureSchemes.checkPeerCertificateVerifyScheme(
                SignatureScheme.RSA_PSS_RSAE_SHA384, SignatureSchemes.DEFAULT,
                TestPki.keyPair(KeyType.RSA_2048).getPublic()));
    }

    @Test
    void rejectsAPeerCertificateVerifySchemeWeDidNotOfferWithIllegalParameter() {
        TlsException e = assertThrows(TlsException.class, () -> SignatureSchemes.checkPeerCertificateVerifyScheme(
                SignatureScheme.ED448, List.of(SignatureScheme.ED25519), TestPki.keyPair(KeyType.ED448).getPublic()));
        assertEquals(PeerMisbehaved.UNOFFERED_SIGNATURE_SCHEME, ((TlsFailure.Misbehaved) e.failure()).reason());
        assertEquals(AlertDescription.ILLEGAL_PARAMETER, e.failure().alert());
    }

    @Test
    void rejectsAPeerCertificateVerifyWithPkcs1EvenIfWeListedIt() {
        assertThrows(TlsException.class, () -> SignatureSchemes.checkPeerCertificateVerifyScheme(
                SignatureScheme.RSA_PKCS1_SHA256, SignatureSchemes.DEFAULT_CERT,
                TestPki.keyPair(KeyType.RSA_2048).getPublic()));
    }

    @Test
    void rejectsAPeerCertificateVerifySchemeThatDoesNotFitTheCertificateKey() {
        assertThrows(TlsException.class, () -> SignatureSchemes.checkPeerCertificateVerifyScheme(
                SignatureScheme.ECDSA_SECP384R1_SHA384, SignatureSchemes.DEFAULT,
                TestPki.keyPair(KeyType.EC_P256).getPublic()));
        assertThrows(TlsException.class, () -> SignatureSchemes.checkPeerCertificateVerifyScheme(
                SignatureScheme.RSA_PSS_PSS_SHA256, SignatureSchemes.DEFAULT,
                TestPki.keyPair(KeyType.RSA_2048).getPublic()));
    }

    @Test
    void looksUpSchemesByRfcName() {
        assertEquals(SignatureScheme.ECDSA_SECP256R1_SHA256, SignatureSchemes.byName("ecdsa_secp256r1_sha256"));
        assertEquals(SignatureScheme.RSA_PSS_PSS_SHA512, SignatureSchemes.byName(" RSA_PSS_PSS_SHA512 "));
        for (SignatureScheme scheme : SignatureSchemes.DEFAULT_CERT) {
            assertEquals(scheme, SignatureSchemes.byName(scheme.knownName()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SignatureSchemes.byName("ecdsa_p256"));
        assertTrue(e.getMessage().contains("ed25519"), e.getMessage());
    }
}
