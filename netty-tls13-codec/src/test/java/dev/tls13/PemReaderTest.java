package dev.tls13;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Security;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PemReaderTest {

    private static final char[] PASSWORD = "correct horse".toCharArray();

    private static String message(Executable executable) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, executable);
        return e.getMessage();
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** The key works with the JDK's own Signature, as the handshake will use it. */
    private static void assertSignsWithTheJdk(KeyPair original, PrivateKey loaded) throws Exception {
        assertFalse(loaded.getClass().getName().startsWith("org.bouncycastle"), loaded.getClass().getName());
        String algorithm;
        switch (original.getPrivate().getAlgorithm()) {
            case "RSA":
                algorithm = "SHA256withRSA";
                break;
            case "RSASSA-PSS":
                algorithm = "RSASSA-PSS";
                break;
            case "EC":
                algorithm = "SHA256withECDSA";
                break;
            default:
                algorithm = original.getPrivate().getAlgorithm().equals("EdDSA")
                        ? ((java.security.interfaces.EdECKey) original.getPrivate()).getParams().getName()
                        : original.getPrivate().getAlgorithm();
        }
        byte[] message = "CertificateVerify".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        if (algorithm.equals("RSASSA-PSS")) {
            signer.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                    java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
        }
        signer.initSign(loaded);
        signer.update(message);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        if (algorithm.equals("RSASSA-PSS")) {
            verifier.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                    java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
        }
        verifier.initVerify(original.getPublic());
        verifier.update(message);
        assertTrue(verifier.verify(signature));
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void readsUnencryptedPkcs8KeysOfEveryTypeAsJdkKeys(KeyType type) throws Exception {
        KeyPair keys = TestPki.keyPair(type);
        String pem = TestPki.pkcs8Pem(keys.getPrivate());
        assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----"), pem);
        PrivateKey loaded = PemReader.readPrivateKey(pem, null);
        assertEquals(keys.getPrivate().getAlgorithm(), loaded.getAlgorithm());
        assertArrayEquals(keys.getPrivate().getEncoded(), loaded.getEncoded());
        assertSignsWithTheJdk(keys, loaded);
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void readsEncryptedPkcs8KeysOfEveryTypeWithTheRightPassword(KeyType type) throws Exception {
        KeyPair keys = TestPki.keyPair(type);
        String pem = TestPki.encryptedPkcs8Pem(keys.getPrivate(), PASSWORD);
        assertTrue(pem.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"), pem);
        PrivateKey loaded = PemReader.readPrivateKey(pem, PASSWORD.clone());
        assertArrayEquals(keys.getPrivate().getEncoded(), loaded.getEncoded());
    }

    @Test
    void rejectsAnEncryptedPkcs8KeyWithAWrongPassword() {
        String pem = TestPki.encryptedPkcs8Pem(TestPki.keyPair(KeyType.EC_P256).getPrivate(), PASSWORD);
        String message = message(() -> PemReader.readPrivateKey(pem, "wrong".toCharArray()));
        assertTrue(message.contains("wrong password"), message);
    }

    @Test
    void rejectsAnEncryptedKeyWithoutAPassword() {
        String pem = TestPki.encryptedPkcs8Pem(TestPki.keyPair(KeyType.ED25519).getPrivate(), PASSWORD);
        String message = message(() -> PemReader.readPrivateKey(pem, null));
        assertTrue(message.contains("encrypted") && message.contains("password"), message);
    }

    @Test
    void readsPkcs1RsaKeys() throws Exception {
        KeyPair keys = TestPki.keyPair(KeyType.RSA_2048);
        String pem = TestPki.traditionalPem(keys.getPrivate());
        assertTrue(pem.startsWith("-----BEGIN RSA PRIVATE KEY-----"), pem);
        PrivateKey loaded = PemReader.readPrivateKey(pem, null);
        RSAPrivateCrtKey expected = (RSAPrivateCrtKey) keys.getPrivate();
        RSAPrivateCrtKey actual = (RSAPrivateCrtKey) loaded;
        assertEquals(expected.getModulus(), actual.getModulus());
        assertEquals(expected.getPrivateExponent(), actual.getPrivateExponent());
        assertEquals(expected.getPrimeP(), actual.getPrimeP());
        assertSignsWithTheJdk(keys, loaded);
    }

    @ParameterizedTest
    @EnumSource(value = KeyType.class, names = {"EC_P256", "EC_P384", "EC_P521"})
    void readsSec1EcKeys(KeyType type) throws Exception {
        KeyPair keys = TestPki.keyPair(type);
        String pem = TestPki.traditionalPem(keys.getPrivate());
        assertTrue(pem.startsWith("-----BEGIN EC PRIVATE KEY-----"), pem);
        ECPrivateKey loaded = (ECPrivateKey) PemReader.readPrivateKey(pem, null);
        assertEquals(((ECPrivateKey) keys.getPrivate()).getS(), loaded.getS());
        assertEquals(dev.tls13.handshake.SignatureSchemes.forKey(keys.getPrivate()),
                dev.tls13.handshake.SignatureSchemes.forKey(loaded));
        assertSignsWithTheJdk(keys, loaded);
    }

    @Test
    void readsASec1KeyWithoutCurveAfterAnEcParametersBlock() throws Exception {
        KeyPair keys = TestPki.keyPair(KeyType.EC_P256);
        // The JDK's encoding leaves the curve out of the inner SEC1 structure.
        StringWriter sec1 = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(sec1)) {
            writer.writeObject(new JcaMiscPEMGenerator(keys.getPrivate()));
        }
        assertThrows(IllegalArgumentException.class, () -> PemReader.readPrivateKey(sec1.toString(), null));
        String pem = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n" + sec1;
        ECPrivateKey loaded = (ECPrivateKey) PemReader.readPrivateKey(pem, null);
        assertEquals(((ECPrivateKey) keys.getPrivate()).getS(), loaded.getS());
        assertSignsWithTheJdk(keys, loaded);
    }

    @Test
    void readsASec1KeyWithCurveAfterAnEcParametersBlock() {
        KeyPair keys = TestPki.keyPair(KeyType.EC_P256);
        String pem = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                + TestPki.traditionalPem(keys.getPrivate());
        ECPrivateKey loaded = (ECPrivateKey) PemReader.readPrivateKey(pem, null);
        assertEquals(((ECPrivateKey) keys.getPrivate()).getS(), loaded.getS());
    }

    @ParameterizedTest
    @EnumSource(value = KeyType.class, names = {"RSA_2048", "EC_P384"})
    void readsLegacyOpenSslEncryptedKeysWithTheRightPasswordOnly(KeyType type) {
        KeyPair keys = TestPki.keyPair(type);
        String pem = TestPki.legacyEncryptedPem(keys.getPrivate(), PASSWORD);
        assertTrue(pem.contains("Proc-Type: 4,ENCRYPTED"), pem);
        PrivateKey loaded = PemReader.readPrivateKey(pem, PASSWORD);
        assertEquals(keys.getPrivate().getAlgorithm(), loaded.getAlgorithm());
        assertEquals(dev.tls13.handshake.SignatureSchemes.forKey(keys.getPrivate()),
                dev.tls13.handshake.SignatureSchemes.forKey(loaded));
        String message = message(() -> PemReader.readPrivateKey(pem, "nope".toCharArray()));
        assertTrue(message.contains("wrong password"), message);
        assertTrue(message(() -> PemReader.readPrivateKey(pem, null)).contains("password is required"));
    }

    @Test
    void readsAKeyFromAStreamAndAFile(@TempDir Path dir) throws Exception {
        KeyPair keys = TestPki.keyPair(KeyType.ED448);
        String pem = TestPki.pkcs8Pem(keys.getPrivate());
        assertArrayEquals(keys.getPrivate().getEncoded(), PemReader.readPrivateKey(stream(pem), null).getEncoded());
        File file = dir.resolve("key.pem").toFile();
        Files.writeString(file.toPath(), pem);
        assertArrayEquals(keys.getPrivate().getEncoded(), PemReader.readPrivateKey(file, null).getEncoded());
    }

    @Test
    void readsACertificateChainInOrderFromTextStreamAndFile(@TempDir Path dir) throws Exception {
        Issued leaf = TestPki.leaf(KeyType.EC_P256).dns("example.com").build();
        String pem = "subject=CN=localhost\n" + TestPki.pem(leaf.chain()) + "trailing comment\n";
        assertEquals(leaf.chain(), PemReader.readCertificates(pem));
        assertEquals(leaf.chain(), PemReader.readCertificates(stream(pem)));
        File file = dir.resolve("chain.pem").toFile();
        Files.writeString(file.toPath(), pem);
        List<X509Certificate> fromFile = PemReader.readCertificates(file);
        assertEquals(leaf.chain(), fromFile);
        assertFalse(fromFile.get(0).getClass().getName().startsWith("org.bouncycastle"));
    }

    @Test
    void readsKeyAndCertificateFromOneCombinedFile() {
        Issued leaf = TestPki.leaf(KeyType.RSA_2048).build();
        String combined = TestPki.pem(leaf.chain()) + TestPki.pkcs8Pem(leaf.privateKey());
        assertEquals(leaf.chain(), PemReader.readCertificates(combined));
        assertArrayEquals(leaf.privateKey().getEncoded(), PemReader.readPrivateKey(combined, null).getEncoded());
    }

    @Test
    void rejectsGarbageWithAReadableMessage() {
        String garbage = "this is not PEM at all\n";
        assertTrue(message(() -> PemReader.readCertificates(garbage)).contains("no certificate found"));
        assertTrue(message(() -> PemReader.readPrivateKey(garbage, null)).contains("no private key found"));
        assertTrue(message(() -> PemReader.readCertificates("")).contains("no certificate found"));
    }

    @Test
    void rejectsGarbledBase64WithAReadableMessage() {
        String garbled = "-----BEGIN PRIVATE KEY-----\nMIIB$$$not*base64\n-----END PRIVATE KEY-----\n";
        String message = message(() -> PemReader.readPrivateKey(garbled, null));
        assertTrue(message.contains("PEM") || message.contains("private key"), message);
        String badCert = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assertTrue(message(() -> PemReader.readCertificates(badCert)).contains("the certificate PEM text"));
    }

    @Test
    void rejectsATruncatedKeyWithAReadableMessage() {
        String pem = TestPki.pkcs8Pem(TestPki.keyPair(KeyType.EC_P256).getPrivate());
        String truncated = pem.substring(0, pem.indexOf('\n') + 20) + "\n-----END PRIVATE KEY-----\n";
        assertThrows(IllegalArgumentException.class, () -> PemReader.readPrivateKey(truncated, null));
    }

    @Test
    void rejectsACertificateFileGivenAsKeyAndViceVersa() {
        Issued leaf = TestPki.leaf(KeyType.EC_P256).build();
        assertTrue(message(() -> PemReader.readPrivateKey(TestPki.pem(leaf.chain()), null))
                .contains("no private key found"));
        assertTrue(message(() -> PemReader.readCertificates(TestPki.pkcs8Pem(leaf.privateKey())))
                .contains("no certificate found"));
    }

    @Test
    void namesAMissingFile(@TempDir Path dir) {
        File missing = dir.resolve("missing.pem").toFile();
        assertTrue(message(() -> PemReader.readCertificates(missing)).contains(missing.toString()));
        assertTrue(message(() -> PemReader.readPrivateKey(missing, null)).contains(missing.toString()));
    }

    @Test
    void neverRegistersBouncyCastleGlobally() {
        PemReader.readPrivateKey(TestPki.encryptedPkcs8Pem(TestPki.keyPair(KeyType.EC_P256).getPrivate(), PASSWORD),
                PASSWORD);
        assertEquals(null, Security.getProvider("BC"));
    }
}
