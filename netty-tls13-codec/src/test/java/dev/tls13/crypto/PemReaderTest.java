package dev.tls13.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.handshake.CertifiedKey;
import dev.tls13.handshake.SignatureSchemes;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import dev.tls13.wire.SignatureScheme;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
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

    // Written by OpenSSL 3.0 (ecparam -genkey; genpkey; pkcs8 -topk8 -v2 aes-256-cbc; ec -aes128; req -x509),
    // password "secret": the loader must read what real tools produce, not only what our test PKI writes.
    private static final String OPENSSL_EC_PARAMS_SEC1 = """
            -----BEGIN EC PARAMETERS-----
            BggqhkjOPQMBBw==
            -----END EC PARAMETERS-----
            -----BEGIN EC PRIVATE KEY-----
            MHcCAQEEIGvj9BCwctBvfi3a2gMk5i0nltTP3FnwC0pItJX1UO9aoAoGCCqGSM49
            AwEHoUQDQgAE+lgPyjO77l0zDDhdqAvq3FNW3t24acEzXpOKgcc1LgwsSVZrN/ET
            8jg7v7fBVVUwVtqAQzNku6ARLpbEbPsHDw==
            -----END EC PRIVATE KEY-----
            """;

    private static final String OPENSSL_ED25519 = """
            -----BEGIN PRIVATE KEY-----
            MC4CAQAwBQYDK2VwBCIEIO0aLPM/pqBBpJLq5gSiSBq4aQJMtixF8Pnb4jnJydHq
            -----END PRIVATE KEY-----
            """;

    private static final String OPENSSL_ED25519_ENC = """
            -----BEGIN ENCRYPTED PRIVATE KEY-----
            MIGbMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAjNTNJkXovoHQICCAAw
            DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEELUIjpPM7yY/8R8qBOwXCnkEQCar
            NSLOeYC4EMpjmLuMhTD1b/iSXO0ilbxl/fiQOa+ZtNLrUeSypUykTH60Ld8ro4ls
            dYmZNnfV7SToEZxejZU=
            -----END ENCRYPTED PRIVATE KEY-----
            """;

    private static final String OPENSSL_P384 = """
            -----BEGIN PRIVATE KEY-----
            MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDAnLFiF3gHiL9+N9jq4
            ekTnS56//8GOLaN9x0l39H5IyL5+mgt/DmVsAq1zl8AkNo2hZANiAAQvbnK2pRpz
            vJoooPNuQrijFdVR+4deaASZn6+5DvsnrkKlKlheGBORw3n00w7QoAAfE/38L7D4
            H3v6M3eeexxRMSKUTsBCW5al+cj0OOlAS1h7sx+qmSjAx4J0iXkpN5I=
            -----END PRIVATE KEY-----
            """;

    private static final String OPENSSL_P384_LEGACY = """
            -----BEGIN EC PRIVATE KEY-----
            Proc-Type: 4,ENCRYPTED
            DEK-Info: AES-128-CBC,F534F58422535EC646F46EE37FF5BBCB
            
            ErwnAoZA1AMFCJYFn7T6LmOPpS/A4zsOxb2zF4EKUHRlu/8TCRzUNkIghrnEU50V
            iqtI4HmXNWNjRtwdsb4XH14YHhWOv8KRFAOGqkjR19UkDuQD7lRM7vYm2eqg+AdS
            1vArnFro4eKhuZZfKofaMcIWtGFn5d+osJFeouJV3N5daAIbyQTQx1fbnOURyu2v
            GZhNF778xveQXXfA/vAfOH7Fj6nU4S0GLNFrEE5HH0c=
            -----END EC PRIVATE KEY-----
            """;

    private static final String OPENSSL_ED25519_CERT = """
            -----BEGIN CERTIFICATE-----
            MIIBazCCAR2gAwIBAgIUFK5hMMbguWDx4AhMvk5cny+ObY0wBQYDK2VwMBoxGDAW
            BgNVBAMMD29wZW5zc2wuZXhhbXBsZTAeFw0yNjExMjkxODI5MjRaFw0zNjExMjYx
            ODI5MjRaMBoxGDAWBgNVBAMMD29wZW5zc2wuZXhhbXBsZTAqMAUGAytlcAMhAEQV
            KRVsfuOxMD5/LbIaNjr74pozb8QTy6puIlm638BWo3UwczAdBgNVHQ4EFgQUawvZ
            8lKVsoPXjuWP79IsjDGIkyIwHwYDVR0jBBgwFoAUawvZ8lKVsoPXjuWP79IsjDGI
            kyIwDwYDVR0TAQH/BAUwAwEB/zAgBgNVHREEGTAXgg9vcGVuc3NsLmV4YW1wbGWH
            BH8AAAEwBQYDK2VwA0EAjxLHci+gIho1jxALIstndtQChDDR9tXb3OPekRtWKNi0
            cAVi1jzcg3nEWW5Ss3VOvUgTQd4ZfoAAsq3CoJdMDw==
            -----END CERTIFICATE-----
            """;


    private static String message(Executable executable) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, executable);
        return e.getMessage();
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** The key works with the JDK's own Signature, as the handshake will use it, and matches the public key. */
    private static void assertSignsWithTheJdk(PublicKey publicKey, PrivateKey loaded) throws Exception {
        assertFalse(loaded.getClass().getName().startsWith("org.bouncycastle"), loaded.getClass().getName());
        String algorithm;
        AlgorithmParameterSpec parameters = null;
        switch (loaded.getAlgorithm()) {
            case "RSA":
                algorithm = "SHA256withRSA";
                break;
            case "RSASSA-PSS":
                algorithm = "RSASSA-PSS";
                parameters = new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);
                break;
            case "EC":
                algorithm = "SHA256withECDSA";
                break;
            default:
                algorithm = ((EdECKey) loaded).getParams().getName();
        }
        byte[] message = "CertificateVerify".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        Signature verifier = Signature.getInstance(algorithm);
        if (parameters != null) {
            signer.setParameter(parameters);
            verifier.setParameter(parameters);
        }
        signer.initSign(loaded);
        signer.update(message);
        byte[] signature = signer.sign();
        verifier.initVerify(publicKey);
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
        assertSignsWithTheJdk(keys.getPublic(), loaded);
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
        assertSignsWithTheJdk(keys.getPublic(), loaded);
    }

    @ParameterizedTest
    @EnumSource(value = KeyType.class, names = {"EC_P256", "EC_P384", "EC_P521"})
    void readsSec1EcKeys(KeyType type) throws Exception {
        KeyPair keys = TestPki.keyPair(type);
        String pem = TestPki.traditionalPem(keys.getPrivate());
        assertTrue(pem.startsWith("-----BEGIN EC PRIVATE KEY-----"), pem);
        ECPrivateKey loaded = (ECPrivateKey) PemReader.readPrivateKey(pem, null);
        assertEquals(((ECPrivateKey) keys.getPrivate()).getS(), loaded.getS());
        assertEquals(SignatureSchemes.forKey(keys.getPrivate()),
                SignatureSchemes.forKey(loaded));
        assertSignsWithTheJdk(keys.getPublic(), loaded);
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
        assertSignsWithTheJdk(keys.getPublic(), loaded);
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
        assertEquals(SignatureSchemes.forKey(keys.getPrivate()),
                SignatureSchemes.forKey(loaded));
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

    @Test
    void readsOpenSslEcParametersAndSec1Output() {
        PrivateKey key = PemReader.readPrivateKey(OPENSSL_EC_PARAMS_SEC1, null);
        assertEquals("EC", key.getAlgorithm());
        assertEquals(List.of(SignatureScheme.ECDSA_SECP256R1_SHA256), SignatureSchemes.forKey(key));
    }

    @Test
    void readsOpenSslLegacyEncryptedSec1AsTheSameKeyAsItsPkcs8Form() {
        ECPrivateKey plain = (ECPrivateKey) PemReader.readPrivateKey(OPENSSL_P384, null);
        ECPrivateKey legacy = (ECPrivateKey) PemReader.readPrivateKey(OPENSSL_P384_LEGACY, "secret".toCharArray());
        assertEquals(plain.getS(), legacy.getS());
        assertEquals(List.of(SignatureScheme.ECDSA_SECP384R1_SHA384), SignatureSchemes.forKey(legacy));
        assertThrows(IllegalArgumentException.class,
                () -> PemReader.readPrivateKey(OPENSSL_P384_LEGACY, "Secret".toCharArray()));
    }

    @Test
    void readsOpenSslEd25519KeyEncryptedKeyAndCertificateAsAMatchingPair() throws Exception {
        PrivateKey key = PemReader.readPrivateKey(OPENSSL_ED25519, null);
        PrivateKey decrypted = PemReader.readPrivateKey(OPENSSL_ED25519_ENC, "secret".toCharArray());
        assertArrayEquals(key.getEncoded(), decrypted.getEncoded());
        assertThrows(IllegalArgumentException.class,
                () -> PemReader.readPrivateKey(OPENSSL_ED25519_ENC, "wrong".toCharArray()));
        List<X509Certificate> chain = PemReader.readCertificates(OPENSSL_ED25519_CERT);
        assertEquals(1, chain.size());
        assertEquals(List.of(SignatureScheme.ED25519), new CertifiedKey(chain, key).schemes());
        assertSignsWithTheJdk(chain.get(0).getPublicKey(), key);
    }
}
