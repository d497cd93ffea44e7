package dev.tls13.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.KeyType;
import java.security.KeyPair;
import java.security.Security;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The JCA-only provider gives the same results as the default one primitive by primitive (so the two
 * interoperate), keeps our own checks (share lengths, all-zero secrets, strict DER), and takes what it uses
 * from the JCA's provider order by name.
 */
class JcaOnlyCryptoProviderTest {

    private static final CryptoProvider JCA = JcaOnlyCryptoProvider.instance();
    private static final CryptoProvider DEFAULT = JcaCryptoProvider.instance();
    private final Random random = new Random(17);

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    @ParameterizedTest
    @EnumSource(HashAlgorithm.class)
    void hkdfAndHmacEqualTheDefaultProvidersIncludingAnEmptySalt(HashAlgorithm hash) {
        Hkdf ours = JCA.hkdf(hash);
        Hkdf reference = DEFAULT.hkdf(hash);
        for (int saltLength : new int[] {0, hash.length(), 200}) {
            byte[] salt = bytes(saltLength);
            byte[] ikm = bytes(hash.length());
            byte[] prk = ours.extract(salt, ikm);
            assertArrayEquals(reference.extract(salt, ikm), prk);
            byte[] info = bytes(40);
            for (int length : new int[] {0, 12, hash.length(), 3 * hash.length() + 5}) {
                assertArrayEquals(reference.expand(prk, info, length), ours.expand(prk, info, length));
            }
            assertArrayEquals(reference.hmac(salt, info), ours.hmac(salt, info));
        }
        assertArrayEquals(reference.extract(new byte[hash.length()], new byte[hash.length()]),
                ours.extract(new byte[0], new byte[hash.length()]), "the absent salt is HashLen zeros");
    }

    @ParameterizedTest
    @EnumSource(value = AeadAlgorithm.class, names = {"AES_128_GCM", "AES_256_GCM", "CHACHA20_POLY1305"})
    void aeadsInteroperateWithTheDefaultProviders(AeadAlgorithm algorithm) throws Exception {
        byte[] key = bytes(algorithm.keyLength());
        roundTrip(JCA.aead(algorithm, key), DEFAULT.aead(algorithm, key));
        roundTrip(DEFAULT.aead(algorithm, key), JCA.aead(algorithm, key));
    }

    private void roundTrip(Aead sealer, Aead opener) throws Exception {
        byte[] nonce = bytes(12);
        byte[] aad = bytes(5);
        byte[] plaintext = bytes(1000);
        byte[] sealed = new byte[plaintext.length + sealer.tagLength()];
        assertEquals(sealed.length, sealer.seal(nonce, aad, plaintext, 0, plaintext.length, sealed, 0));
        byte[] opened = new byte[plaintext.length];
        assertEquals(plaintext.length, opener.open(nonce, aad, sealed, 0, sealed.length, opened, 0));
        assertArrayEquals(plaintext, opened);
        sealed[3] ^= 1;
        assertThrows(AEADBadTagException.class, () -> opener.open(nonce, aad, sealed, 0, sealed.length,
                new byte[plaintext.length], 0));
        sealer.destroy();
        opener.destroy();
    }

    @Test
    void ccmComesFromWhicheverInstalledProviderHasItAndEqualsBouncyCastlesLightweightCcm() throws Exception {
        assertFalse(JcaCcmAead.available(), "the JDK alone has no AES/CCM");
        assertThrows(IllegalStateException.class, () -> JCA.aead(AeadAlgorithm.AES_128_CCM, new byte[16]));
        Security.insertProviderAt(TestPki.BC, 1);
        try {
            assertTrue(JcaCcmAead.available());
            for (AeadAlgorithm algorithm : new AeadAlgorithm[] {AeadAlgorithm.AES_128_CCM,
                    AeadAlgorithm.AES_128_CCM_8}) {
                byte[] key = bytes(16);
                roundTrip(JCA.aead(algorithm, key), DEFAULT.aead(algorithm, key));
                roundTrip(DEFAULT.aead(algorithm, key), JCA.aead(algorithm, key));
            }
        } finally {
            Security.removeProvider(TestPki.BC.getName());
        }
    }

    @ParameterizedTest
    @EnumSource(value = KeyExchangeAlgorithm.class, names = {"X25519", "X448", "SECP256R1", "SECP384R1", "SECP521R1"})
    void keyExchangesAgreeWithTheDefaultProvidersBothWays(KeyExchangeAlgorithm algorithm) throws Exception {
        KeyExchange ours = JCA.generateKeyExchange(algorithm);
        KeyExchange theirs = DEFAULT.generateKeyExchange(algorithm);
        assertEquals(algorithm.clientShareLength(), ours.publicKey().length);
        byte[] a = ours.decapsulate(theirs.publicKey());
        byte[] b = theirs.decapsulate(ours.publicKey());
        assertArrayEquals(b, a);
        ours.destroy();
        theirs.destroy();
    }

    @ParameterizedTest
    @EnumSource(value = KeyExchangeAlgorithm.class, names = {"X25519", "X448"})
    void xdhRefusesAnAllZeroSecretAndAWrongLength(KeyExchangeAlgorithm algorithm) {
        KeyExchange ours = JCA.generateKeyExchange(algorithm);
        InvalidKeyShareException zero = assertThrows(InvalidKeyShareException.class,
                () -> ours.decapsulate(new byte[algorithm.clientShareLength()]));
        assertEquals(InvalidKeyShareException.Kind.ZERO_SHARED_SECRET, zero.kind());
        byte[] one = new byte[algorithm.clientShareLength()];
        one[0] = 1;
        assertEquals(InvalidKeyShareException.Kind.ZERO_SHARED_SECRET,
                assertThrows(InvalidKeyShareException.class, () -> ours.decapsulate(one)).kind());
        assertEquals(InvalidKeyShareException.Kind.INVALID_PUBLIC_VALUE, assertThrows(InvalidKeyShareException.class,
                () -> ours.decapsulate(new byte[algorithm.clientShareLength() - 1])).kind());
        ours.destroy();
    }

    @ParameterizedTest
    @EnumSource(value = KeyExchangeAlgorithm.class, names = {"X25519", "SECP256R1", "SECP384R1"})
    void encapsulationGivesTheSecretTheDefaultProvidersClientComputes(KeyExchangeAlgorithm algorithm)
            throws Exception {
        KeyExchange client = DEFAULT.generateKeyExchange(algorithm);
        Encapsulation server = JCA.encapsulate(algorithm, client.publicKey());
        assertArrayEquals(server.sharedSecret(), client.decapsulate(server.share()));
        client.destroy();
    }

    @ParameterizedTest
    @EnumSource(value = KeyExchangeAlgorithm.class, names = {"X25519MLKEM768", "SECP256R1MLKEM768",
        "SECP384R1MLKEM1024"})
    void theHybridsAreNotOfferedWithoutMlKemInTheJca(KeyExchangeAlgorithm algorithm) {
        assertFalse(JCA.supports(algorithm));
        assertTrue(DEFAULT.supports(algorithm));
        assertThrows(IllegalArgumentException.class, () -> JCA.generateKeyExchange(algorithm));
        assertThrows(IllegalArgumentException.class,
                () -> JCA.encapsulate(algorithm, new byte[algorithm.clientShareLength()]));
    }

    @Test
    void nistCurvesRefuseAPointOffTheCurve() {
        KeyExchange ours = JCA.generateKeyExchange(KeyExchangeAlgorithm.SECP256R1);
        byte[] point = new byte[65];
        point[0] = 4;
        point[64] = 7;
        assertEquals(InvalidKeyShareException.Kind.INVALID_PUBLIC_VALUE,
                assertThrows(InvalidKeyShareException.class, () -> ours.decapsulate(point)).kind());
        ours.destroy();
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void signaturesVerifyAcrossBothProviders(KeyType type) throws Exception {
        KeyPair keys = TestPki.keyPair(type);
        SignatureAlgorithm algorithm = switch (type) {
            case RSA_2048 -> SignatureAlgorithm.RSA_PSS_RSAE_SHA256;
            case RSASSA_PSS_2048 -> SignatureAlgorithm.RSA_PSS_PSS_SHA256;
            case EC_P256 -> SignatureAlgorithm.ECDSA_SECP256R1_SHA256;
            case EC_P384 -> SignatureAlgorithm.ECDSA_SECP384R1_SHA384;
            case EC_P521 -> SignatureAlgorithm.ECDSA_SECP521R1_SHA512;
            case ED25519 -> SignatureAlgorithm.ED25519;
            case ED448 -> SignatureAlgorithm.ED448;
        };
        byte[] message = bytes(130);
        byte[] ours = JCA.sign(algorithm, keys.getPrivate(), message);
        assertTrue(DEFAULT.verify(algorithm, keys.getPublic(), message, ours));
        assertTrue(JCA.verify(algorithm, keys.getPublic(), message, ours));
        byte[] theirs = DEFAULT.sign(algorithm, keys.getPrivate(), message);
        assertTrue(JCA.verify(algorithm, keys.getPublic(), message, theirs));
        byte[] tampered = message.clone();
        tampered[0] ^= 1;
        assertFalse(JCA.verify(algorithm, keys.getPublic(), tampered, theirs));
        assertFalse(JCA.verify(algorithm, keys.getPublic(), message, Arrays.copyOf(theirs, theirs.length + 1)));
    }

    @Test
    void anEcdsaSignatureThatIsNotStrictDerIsRefusedBeforeTheProviderSeesIt() throws Exception {
        KeyPair keys = TestPki.keyPair(KeyType.EC_P256);
        byte[] message = bytes(64);
        byte[] der = JCA.sign(SignatureAlgorithm.ECDSA_SECP256R1_SHA256, keys.getPrivate(), message);
        assertEquals(0x30, der[0]);
        // The same SEQUENCE with a long-form length: BER that SunEC takes and DER forbids (X.690 §10.1).
        byte[] ber = new byte[der.length + 1];
        ber[0] = 0x30;
        ber[1] = (byte) 0x81;
        System.arraycopy(der, 1, ber, 2, der.length - 1);
        assertTrue(JCA.verify(SignatureAlgorithm.ECDSA_SECP256R1_SHA256, keys.getPublic(), message, der));
        assertFalse(JCA.verify(SignatureAlgorithm.ECDSA_SECP256R1_SHA256, keys.getPublic(), message, ber));
    }
}
