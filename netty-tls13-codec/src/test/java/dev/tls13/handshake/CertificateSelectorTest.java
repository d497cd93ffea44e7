package dev.tls13.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.error.PeerIncompatible;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.SignatureScheme;
import java.security.KeyPairGenerator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CertificateSelectorTest {

    private static CertifiedKey certified(KeyType type) {
        return certified(TestPki.leaf(type).dns("example.com").build());
    }

    private static CertifiedKey certified(Issued issued) {
        return new CertifiedKey(issued.chain(), issued.privateKey());
    }

    @ParameterizedTest
    @CsvSource({
        "RSA_2048, rsa_pss_rsae_sha256",
        "RSASSA_PSS_2048, rsa_pss_pss_sha256",
        "EC_P256, ecdsa_secp256r1_sha256",
        "EC_P384, ecdsa_secp384r1_sha384",
        "EC_P521, ecdsa_secp521r1_sha512",
        "ED25519, ed25519",
        "ED448, ed448"
    })
    void selectsTheFirstDefaultSchemeEachKeyTypeCanSignWith(KeyType type, String expected) throws TlsException {
        CertifiedKey key = certified(type);
        CertificateSelector.Selection selection = new CertificateSelector(List.of(key))
                .select(SignatureSchemes.DEFAULT, SignatureSchemes.DEFAULT_CERT);
        assertSame(key, selection.certifiedKey());
        assertEquals(expected, selection.scheme().knownName());
    }

    @Test
    void followsThePeersOrderForTheScheme() throws TlsException {
        CertificateSelector selector = new CertificateSelector(List.of(certified(KeyType.RSA_2048)));
        assertEquals(SignatureScheme.RSA_PSS_RSAE_SHA512, selector.select(List.of(SignatureScheme.RSA_PSS_RSAE_SHA512,
                SignatureScheme.RSA_PSS_RSAE_SHA256), null).scheme());
        assertEquals(SignatureScheme.RSA_PSS_RSAE_SHA256, selector.select(List.of(SignatureScheme.RSA_PSS_RSAE_SHA256,
                SignatureScheme.RSA_PSS_RSAE_SHA512), null).scheme());
    }

    @Test
    void prefersOurCertificateOrderOverThePeersSchemeOrder() throws TlsException {
        CertifiedKey ed = certified(KeyType.ED25519);
        CertifiedKey ec = certified(KeyType.EC_P256);
        CertificateSelector.Selection selection = new CertificateSelector(List.of(ed, ec))
                .select(List.of(SignatureScheme.ECDSA_SECP256R1_SHA256, SignatureScheme.ED25519), null);
        assertSame(ed, selection.certifiedKey());
        assertEquals(SignatureScheme.ED25519, selection.scheme());
    }

    @Test
    void skipsACertificateWhoseKeyThePeerCannotVerify() throws TlsException {
        CertifiedKey rsa = certified(KeyType.RSA_2048);
        CertifiedKey ec = certified(KeyType.EC_P384);
        CertificateSelector.Selection selection = new CertificateSelector(List.of(rsa, ec))
                .select(List.of(SignatureScheme.ED25519, SignatureScheme.ECDSA_SECP384R1_SHA384), null);
        assertSame(ec, selection.certifiedKey());
        assertEquals(SignatureScheme.ECDSA_SECP384R1_SHA384, selection.scheme());
    }

    @Test
    void ecdsaSchemeOfAnotherCurveDoesNotMatch() {
        CertificateSelector selector = new CertificateSelector(List.of(certified(KeyType.EC_P256)));
        assertThrows(TlsException.class,
                () -> selector.select(List.of(SignatureScheme.ECDSA_SECP384R1_SHA384), null));
    }

    @Test
    void failsWithHandshakeFailureWhenNoKeyMatchesAnyOfferedScheme() {
        CertificateSelector selector = new CertificateSelector(
                List.of(certified(KeyType.RSA_2048), certified(KeyType.EC_P256)));
        TlsException e = assertThrows(TlsException.class,
                () -> selector.select(List.of(SignatureScheme.ED448, SignatureScheme.of(0x0A0A)), null));
        TlsFailure.Incompatible failure = (TlsFailure.Incompatible) e.failure();
        assertEquals(PeerIncompatible.NO_COMMON_SIGNATURE_SCHEME, failure.reason());
        assertEquals(AlertDescription.HANDSHAKE_FAILURE, e.failure().alert());
    }

    @Test
    void neverSignsCertificateVerifyWithPkcs1OrSha1EvenWhenThatIsAllThePeerOffers() {
        CertificateSelector selector = new CertificateSelector(List.of(certified(KeyType.RSA_2048)),
                SignatureSchemes.DEFAULT_CERT);
        assertThrows(TlsException.class, () -> selector.select(List.of(SignatureScheme.RSA_PKCS1_SHA256,
                SignatureScheme.RSA_PKCS1_SHA384, SignatureScheme.RSA_PKCS1_SHA512, SignatureScheme.RSA_PKCS1_SHA1),
                null));
    }

    @Test
    void skipsPkcs1InThePeersListAndTakesTheNextPssScheme() throws TlsException {
        CertificateSelector selector = new CertificateSelector(List.of(certified(KeyType.RSA_2048)));
        assertEquals(SignatureScheme.RSA_PSS_RSAE_SHA384, selector.select(List.of(SignatureScheme.RSA_PKCS1_SHA256,
                SignatureScheme.RSA_PSS_RSAE_SHA384), null).scheme());
    }

    @Test
    void signsOnlyWithSchemesWeEnabled() throws TlsException {
        CertificateSelector selector = new CertificateSelector(List.of(certified(KeyType.RSA_2048)),
                List.of(SignatureScheme.RSA_PSS_RSAE_SHA384));
        assertEquals(SignatureScheme.RSA_PSS_RSAE_SHA384, selector.select(List.of(SignatureScheme.RSA_PSS_RSAE_SHA256,
                SignatureScheme.RSA_PSS_RSAE_SHA384), null).scheme());
        assertThrows(TlsException.class, () -> selector.select(List.of(SignatureScheme.RSA_PSS_RSAE_SHA256), null));
    }

    @Test
    void prefersACertificateWhoseChainThePeerCanVerify() throws TlsException {
        CertifiedKey rsaSignedChain = certified(TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.RSA_2048))
                .build());
        CertifiedKey ecdsaSignedChain = certified(TestPki.leaf(KeyType.EC_P384).issuer(TestPki.ca(KeyType.EC_P256))
                .build());
        CertificateSelector.Selection selection = new CertificateSelector(List.of(rsaSignedChain, ecdsaSignedChain))
                .select(SignatureSchemes.DEFAULT, List.of(SignatureScheme.ECDSA_SECP256R1_SHA256));
        assertSame(ecdsaSignedChain, selection.certifiedKey());
        assertEquals(SignatureScheme.ECDSA_SECP384R1_SHA384, selection.scheme());
    }

    @Test
    void appliesSignatureAlgorithmsToTheChainWhenNoCertListWasSent() throws TlsException {
        CertifiedKey rsaSignedChain = certified(TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.RSA_2048))
                .build());
        CertifiedKey ecdsaSignedChain = certified(TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P256))
                .build());
        CertificateSelector.Selection selection = new CertificateSelector(List.of(rsaSignedChain, ecdsaSignedChain))
                .select(List.of(SignatureScheme.ECDSA_SECP256R1_SHA256), null);
        assertSame(ecdsaSignedChain, selection.certifiedKey());
    }

    @Test
    void sendsTheFirstKeyMatchWhenNoChainIsSignedWithThePeersCertSchemes() throws TlsException {
        CertifiedKey first = certified(TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.RSA_2048)).build());
        CertifiedKey second = certified(TestPki.leaf(KeyType.ED25519).issuer(TestPki.ca(KeyType.EC_P384)).build());
        CertificateSelector.Selection selection = new CertificateSelector(List.of(first, second))
                .select(SignatureSchemes.DEFAULT, List.of(SignatureScheme.ED448));
        assertSame(first, selection.certifiedKey());
    }

    @Test
    void exemptsSelfSignedCertificatesFromTheChainCheck() {
        Issued selfSigned = TestPki.leaf(KeyType.RSA_2048).selfSigned().build();
        assertTrue(CertificateSelector.chainSignedWith(selfSigned.chain(), List.of()));
        Issued issued = TestPki.leaf(KeyType.RSA_2048).issuer(TestPki.ca(KeyType.RSA_2048)).build();
        assertFalse(CertificateSelector.chainSignedWith(issued.chain(), List.of(SignatureScheme.RSA_PSS_RSAE_SHA256)));
        assertTrue(CertificateSelector.chainSignedWith(issued.chain(), List.of(SignatureScheme.RSA_PKCS1_SHA256)));
    }

    @Test
    void namesCertificateSignaturesByScheme() {
        Issued pssSigned = TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.RSASSA_PSS_2048)).build();
        assertEquals(List.of(SignatureScheme.RSA_PSS_RSAE_SHA256, SignatureScheme.RSA_PSS_PSS_SHA256),
                SignatureSchemes.ofCertificateSignature(pssSigned.certificate()));
        assertEquals(List.of(SignatureScheme.ED448), SignatureSchemes.ofCertificateSignature(
                TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.ED448)).build().certificate()));
        assertEquals(List.of(SignatureScheme.ECDSA_SECP384R1_SHA384), SignatureSchemes.ofCertificateSignature(
                TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P384)).build().certificate()));
    }

    @Test
    void certifiedKeyRejectsAKeyThatDoesNotBelongToTheLeaf() {
        Issued rsa = TestPki.leaf(KeyType.RSA_2048).build();
        assertThrows(IllegalArgumentException.class,
                () -> new CertifiedKey(rsa.chain(), TestPki.otherKeyPair(KeyType.RSA_2048).getPrivate()));
        assertThrows(IllegalArgumentException.class,
                () -> new CertifiedKey(rsa.chain(), TestPki.keyPair(KeyType.EC_P256).getPrivate()));
        Issued p256 = TestPki.leaf(KeyType.EC_P256).build();
        assertThrows(IllegalArgumentException.class,
                () -> new CertifiedKey(p256.chain(), TestPki.keyPair(KeyType.EC_P384).getPrivate()));
    }

    @Test
    void certifiedKeyRejectsAnEmptyChainAndKeysTls13CannotSignWith() throws Exception {
        assertThrows(IllegalArgumentException.class,
                () -> new CertifiedKey(List.of(), TestPki.keyPair(KeyType.EC_P256).getPrivate()));
        KeyPairGenerator dsa = KeyPairGenerator.getInstance("DSA");
        dsa.initialize(1024);
        Issued p256 = TestPki.leaf(KeyType.EC_P256).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CertifiedKey(p256.chain(), dsa.generateKeyPair().getPrivate()));
        assertTrue(e.getMessage().contains("DSA"), e.getMessage());
    }

    @Test
    void certifiedKeyToStringShowsNoKeyMaterial() {
        CertifiedKey key = certified(KeyType.RSA_2048);
        String text = key.toString();
        assertTrue(text.contains("RSA"), text);
        String modulus = ((java.security.interfaces.RSAPrivateKey) key.key()).getModulus().toString(16);
        assertFalse(text.contains(modulus.substring(0, 16)), text);
        assertFalse(text.length() > 200, text);
    }
}
