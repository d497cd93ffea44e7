package dev.tls13.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.WycheproofMlKemTest.FixedRandom;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.SecretWithEncapsulation;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.kems.MLKEMExtractor;
import org.bouncycastle.crypto.kems.MLKEMGenerator;
import org.bouncycastle.crypto.params.MLKEMParameters;
import org.bouncycastle.crypto.params.MLKEMPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLKEMPublicKeyParameters;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The hybrid groups of draft-ietf-tls-ecdhe-mlkem: each share and secret computed from its parts with code that
 * is not ours (BouncyCastle's ML-KEM called directly, its RFC 7748 X25519, the JCA's ECDH), which proves the
 * layout and the concatenation order (only X25519MLKEM768 puts ML-KEM first); and the validation of every part.
 */
class HybridKeyExchangeTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** The fixed inputs of one exchange: the client's ML-KEM seed and ECDH key, the server's ECDH key and m. */
    private record Inputs(KeyExchangeAlgorithm algorithm, byte[] seed, byte[] clientEcdh, byte[] serverEcdh,
                          byte[] message) {

        static Inputs of(KeyExchangeAlgorithm algorithm, int salt) {
            byte[] seed = filled(64, salt);
            byte[] m = filled(32, salt + 1);
            KeyExchangeAlgorithm ecdh = HybridKeyExchange.Layout.of(algorithm).ecdh();
            int length = ecdh == KeyExchangeAlgorithm.X25519 ? 32 : EcCurve.of(ecdh).fieldLength();
            return new Inputs(algorithm, seed, filled(length, salt + 2), filled(length, salt + 3), m);
        }

        KeyExchange client() {
            return KeyExchanges.fromPrivateKey(algorithm, concat(seed, clientEcdh));
        }

        Encapsulation serverSide(byte[] clientShare) throws InvalidKeyShareException {
            return KeyExchanges.encapsulate(algorithm, clientShare,
                    a -> KeyExchanges.fromPrivateKey(a, serverEcdh), new FixedRandom(message));
        }
    }

    /** Bytes 1..n plus {@code salt}: below every curve order, so a valid scalar for all three curves. */
    private static byte[] filled(int length, int salt) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i + 1 + salt);
        }
        b[0] = 0x01;
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static MLKEMParameters mlKem(KeyExchangeAlgorithm algorithm) {
        return algorithm == KeyExchangeAlgorithm.SECP384R1MLKEM1024 ? MLKEMParameters.ml_kem_1024
                : MLKEMParameters.ml_kem_768;
    }

    /** The ECDH part's public value, by code other than ours. */
    private static byte[] ecdhPublic(KeyExchangeAlgorithm algorithm, byte[] privateKey) throws Exception {
        KeyExchangeAlgorithm ecdh = HybridKeyExchange.Layout.of(algorithm).ecdh();
        if (ecdh == KeyExchangeAlgorithm.X25519) {
            byte[] out = new byte[32];
            X25519.generatePublicKey(privateKey, 0, out, 0);
            return out;
        }
        EcCurve curve = EcCurve.of(ecdh);
        X9ECParameters x9 = CustomNamedCurves.getByName(curve.jcaName());
        return x9.getG().multiply(new BigInteger(1, privateKey)).normalize().getEncoded(false);
    }

    /** The ECDH secret of a private key and a peer's public value, by code other than ours. */
    private static byte[] ecdhSecret(KeyExchangeAlgorithm algorithm, byte[] privateKey, byte[] peer) throws Exception {
        KeyExchangeAlgorithm ecdh = HybridKeyExchange.Layout.of(algorithm).ecdh();
        if (ecdh == KeyExchangeAlgorithm.X25519) {
            byte[] out = new byte[32];
            assertTrue(X25519.calculateAgreement(privateKey, 0, peer, 0, out, 0));
            return out;
        }
        EcCurve curve = EcCurve.of(ecdh);
        KeyFactory factory = KeyFactory.getInstance("EC");
        PrivateKey key = factory.generatePrivate(new ECPrivateKeySpec(new BigInteger(1, privateKey), curve.params()));
        int n = curve.fieldLength();
        ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(peer, 1, 1 + n)),
                new BigInteger(1, Arrays.copyOfRange(peer, 1 + n, 1 + 2 * n)));
        PublicKey pub = factory.generatePublic(new ECPublicKeySpec(w, ((ECPrivateKey) key).getParams()));
        KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
        agreement.init(key);
        agreement.doPhase(pub, true);
        byte[] raw = agreement.generateSecret();
        assertEquals(n, raw.length);
        return raw;
    }

    @ParameterizedTest
    @EnumSource(value = KeyExchangeAlgorithm.class, names = {"X25519MLKEM768", "SECP256R1MLKEM768",
        "SECP384R1MLKEM1024"})
    void sharesAndSecretAreThePartsConcatenatedInTheDraftsOrder(KeyExchangeAlgorithm algorithm) throws Exception {
        Inputs in = Inputs.of(algorithm, 7);
        boolean kemFirst = algorithm == KeyExchangeAlgorithm.X25519MLKEM768;

        // The parts, without our code: BouncyCastle's ML-KEM directly, RFC 7748 / the JCA for the ECDH part.
        MLKEMPrivateKeyParameters kemKey = new MLKEMPrivateKeyParameters(mlKem(algorithm), in.seed());
        byte[] ek = kemKey.getPublicKey();
        SecretWithEncapsulation kem = MLKEMGenerator.internalGenerateEncapsulated(
                new MLKEMPublicKeyParameters(mlKem(algorithm), ek), in.message());
        byte[] clientEcdhPublic = ecdhPublic(algorithm, in.clientEcdh());
        byte[] serverEcdhPublic = ecdhPublic(algorithm, in.serverEcdh());
        byte[] ecdhSecret = ecdhSecret(algorithm, in.clientEcdh(), serverEcdhPublic);
        assertArrayEquals(ecdhSecret, ecdhSecret(algorithm, in.serverEcdh(), clientEcdhPublic));
        assertArrayEquals(kem.getSecret(), new MLKEMExtractor(kemKey).extractSecret(kem.getEncapsulation()));

        byte[] expectedClientShare = kemFirst ? concat(ek, clientEcdhPublic) : concat(clientEcdhPublic, ek);
        byte[] expectedServerShare = kemFirst ? concat(kem.getEncapsulation(), serverEcdhPublic)
                : concat(serverEcdhPublic, kem.getEncapsulation());
        byte[] expectedSecret = kemFirst ? concat(kem.getSecret(), ecdhSecret) : concat(ecdhSecret, kem.getSecret());

        KeyExchange client = in.client();
        assertArrayEquals(expectedClientShare, client.publicKey());
        assertEquals(algorithm.clientShareLength(), expectedClientShare.length);
        Encapsulation server = in.serverSide(client.publicKey());
        assertArrayEquals(expectedServerShare, server.share());
        assertEquals(algorithm.serverShareLength(), expectedServerShare.length);
        assertArrayEquals(expectedSecret, server.sharedSecret());
        assertEquals(algorithm.sharedSecretLength(), expectedSecret.length);
        assertArrayEquals(expectedSecret, client.decapsulate(server.share()));
        client.destroy();
    }

    @Test
    void theLengthsAreTheDrafts() {
        assertEquals(1184 + 32, KeyExchangeAlgorithm.X25519MLKEM768.clientShareLength());
        assertEquals(1088 + 32, KeyExchangeAlgorithm.X25519MLKEM768.serverShareLength());
        assertEquals(64, KeyExchangeAlgorithm.X25519MLKEM768.sharedSecretLength());
        assertEquals(65 + 1184, KeyExchangeAlgorithm.SECP256R1MLKEM768.clientShareLength());
        assertEquals(65 + 1088, KeyExchangeAlgorithm.SECP256R1MLKEM768.serverShareLength());
        assertEquals(64, KeyExchangeAlgorithm.SECP256R1MLKEM768.sharedSecretLength());
        assertEquals(97 + 1568, KeyExchangeAlgorithm.SECP384R1MLKEM1024.clientShareLength());
        assertEquals(97 + 1568, KeyExchangeAlgorithm.SECP384R1MLKEM1024.serverShareLength());
        assertEquals(48 + 32, KeyExchangeAlgorithm.SECP384R1MLKEM1024.sharedSecretLength());
        for (KeyExchangeAlgorithm a : KeyExchangeAlgorithm.values()) {
            assertEquals(a.name().contains("MLKEM"), a.isHybrid(), a.name());
        }
    }

    @ParameterizedTest
    @EnumSource(value = KeyExchangeAlgorithm.class, names = {"X25519MLKEM768", "SECP256R1MLKEM768",
        "SECP384R1MLKEM1024"})
    void sharesOfTheWrongLengthAreRefusedBothWays(KeyExchangeAlgorithm algorithm) throws Exception {
        KeyExchange client = KeyExchanges.generate(algorithm, RANDOM);
        byte[] share = client.publicKey();
        for (int length : new int[] {0, share.length - 1, share.length + 1, algorithm.serverShareLength()}) {
            if (length == share.length) {
                continue;
            }
            assertInvalid(() -> JcaCryptoProvider.instance().encapsulate(algorithm, Arrays.copyOf(share, length)));
        }
        Encapsulation server = JcaCryptoProvider.instance().encapsulate(algorithm, share);
        byte[] reply = server.share();
        for (int length : new int[] {0, reply.length - 1, reply.length + 1, algorithm.clientShareLength()}) {
            if (length == reply.length) {
                continue;
            }
            assertInvalid(() -> client.decapsulate(Arrays.copyOf(reply, length)));
        }
        assertArrayEquals(server.sharedSecret(), client.decapsulate(reply), "the client still works");
        client.destroy();
    }

    @ParameterizedTest
    @EnumSource(value = KeyExchangeAlgorithm.class, names = {"X25519MLKEM768", "SECP256R1MLKEM768",
        "SECP384R1MLKEM1024"})
    void anEncapsulationKeyFailingTheModulusCheckIsRefused(KeyExchangeAlgorithm algorithm) throws Exception {
        KeyExchange client = KeyExchanges.generate(algorithm, RANDOM);
        byte[] share = client.publicKey();
        int kemStart = algorithm == KeyExchangeAlgorithm.X25519MLKEM768 ? 0
                : HybridKeyExchange.Layout.of(algorithm).ecdh().clientShareLength();
        // The first coefficient of t̂ set to 0xFFF, above q = 3329.
        share[kemStart] = (byte) 0xFF;
        share[kemStart + 1] |= 0x0F;
        InvalidKeyShareException e = assertInvalid(() -> JcaCryptoProvider.instance().encapsulate(algorithm, share));
        assertTrue(e.getMessage().contains("modulus"), e.getMessage());
        client.destroy();
    }

    @ParameterizedTest
    @EnumSource(value = KeyExchangeAlgorithm.class, names = {"X25519MLKEM768", "SECP256R1MLKEM768",
        "SECP384R1MLKEM1024"})
    void anInvalidEcdhPartIsRefusedBothWays(KeyExchangeAlgorithm algorithm) throws Exception {
        boolean x25519 = algorithm == KeyExchangeAlgorithm.X25519MLKEM768;
        KeyExchange client = KeyExchanges.generate(algorithm, RANDOM);
        byte[] share = client.publicKey();
        Encapsulation server = JcaCryptoProvider.instance().encapsulate(algorithm, share);
        byte[] reply = server.share();
        // X25519: u = 0 is of small order, the secret is all zeros (RFC 8446 §7.4.2); NIST: (0, 0) is off the curve.
        int ecdhLength = HybridKeyExchange.Layout.of(algorithm).ecdh().clientShareLength();
        int inShare = x25519 ? share.length - ecdhLength : 0;
        int inReply = x25519 ? reply.length - ecdhLength : 0;
        Arrays.fill(share, inShare + (x25519 ? 0 : 1), inShare + ecdhLength, (byte) 0);
        Arrays.fill(reply, inReply + (x25519 ? 0 : 1), inReply + ecdhLength, (byte) 0);
        InvalidKeyShareException.Kind kind = x25519 ? InvalidKeyShareException.Kind.ZERO_SHARED_SECRET
                : InvalidKeyShareException.Kind.INVALID_PUBLIC_VALUE;
        assertEquals(kind, assertInvalid(() -> JcaCryptoProvider.instance().encapsulate(algorithm, share)).kind());
        assertEquals(kind, assertInvalid(() -> client.decapsulate(reply)).kind());
        client.destroy();
    }

    @Test
    void aTamperedCiphertextGivesAnotherSecretNotAnError() throws Exception {
        // FIPS 203 §7.3 implicit rejection: the handshake then fails at Finished, as for any wrong secret.
        KeyExchange client = KeyExchanges.generate(KeyExchangeAlgorithm.X25519MLKEM768, RANDOM);
        Encapsulation server = JcaCryptoProvider.instance().encapsulate(KeyExchangeAlgorithm.X25519MLKEM768,
                client.publicKey());
        byte[] reply = server.share();
        reply[100] ^= 1;
        byte[] secret = client.decapsulate(reply);
        assertFalse(Arrays.equals(server.sharedSecret(), secret));
        assertArrayEquals(Arrays.copyOfRange(server.sharedSecret(), 32, 64), Arrays.copyOfRange(secret, 32, 64),
                "the X25519 half is unchanged");
        client.destroy();
    }

    @Test
    void destroyZeroesBothPartsAndTheEncapsulationItsSecret() throws Exception {
        HybridKeyExchange client = (HybridKeyExchange) KeyExchanges.generate(KeyExchangeAlgorithm.SECP256R1MLKEM768,
                RANDOM);
        Encapsulation server = JcaCryptoProvider.instance().encapsulate(KeyExchangeAlgorithm.SECP256R1MLKEM768,
                client.publicKey());
        client.destroy();
        assertTrue(client.isDestroyed());
        assertThrows(IllegalStateException.class, () -> client.decapsulate(server.share()));
        server.destroy();
        assertArrayEquals(new byte[64], server.sharedSecret());
        assertFalse(server.toString().contains(Arrays.toString(server.sharedSecret())), "no secret in toString");
    }

    @Test
    void fixedKeysNeedTheSeedAndAnEcdhKey() {
        assertThrows(IllegalArgumentException.class,
                () -> KeyExchanges.fromPrivateKey(KeyExchangeAlgorithm.X25519MLKEM768, new byte[64]));
        assertThrows(IllegalArgumentException.class,
                () -> KeyExchanges.fromPrivateKey(KeyExchangeAlgorithm.X25519MLKEM768, new byte[64 + 31]));
    }

    private static InvalidKeyShareException assertInvalid(Executable step) {
        return assertThrows(InvalidKeyShareException.class, step);
    }
}
