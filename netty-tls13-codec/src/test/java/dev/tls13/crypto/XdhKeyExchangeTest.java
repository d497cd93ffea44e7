package dev.tls13.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tls13.testing.Hex;
import dev.tls13.testing.Rfc8448;
import dev.tls13.testing.Rfc8448.Trace;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class XdhKeyExchangeTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    private static byte[] agree(KeyExchangeAlgorithm algorithm, String privateKey, String peer)
            throws InvalidKeyShareException {
        return KeyExchanges.fromPrivateKey(algorithm, Hex.decode(privateKey)).decapsulate(Hex.decode(peer));
    }

    @Test
    void x25519MatchesRfc7748Section5_2Vectors() throws Exception {
        assertEquals("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
                Hex.encode(agree(KeyExchangeAlgorithm.X25519,
                        "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
                        "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c")));
        // The u-coordinate's top bit is set: RFC 7748 §5 says X25519 MUST mask it.
        assertEquals("95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957",
                Hex.encode(agree(KeyExchangeAlgorithm.X25519,
                        "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
                        "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493")));
    }

    @Test
    void x25519MatchesRfc7748Section6_1DiffieHellman() throws Exception {
        String alicePrivate = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
        String alicePublic = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
        String bobPrivate = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
        String bobPublic = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
        String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";

        KeyExchange alice = KeyExchanges.fromPrivateKey(KeyExchangeAlgorithm.X25519, Hex.decode(alicePrivate));
        KeyExchange bob = KeyExchanges.fromPrivateKey(KeyExchangeAlgorithm.X25519, Hex.decode(bobPrivate));
        assertEquals(alicePublic, Hex.encode(alice.publicKey()));
        assertEquals(bobPublic, Hex.encode(bob.publicKey()));
        assertEquals(shared, Hex.encode(alice.decapsulate(Hex.decode(bobPublic))));
        assertEquals(shared, Hex.encode(bob.decapsulate(Hex.decode(alicePublic))));
    }

    @Test
    void x448MatchesRfc7748Section6_2DiffieHellman() throws Exception {
        String alicePrivate = "9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28d"
                + "d9c9baf574a9419744897391006382a6f127ab1d9ac2d8c0a598726b";
        String alicePublic = "9b08f7cc31b7e3e67d22d5aea121074a273bd2b83de09c63faa73d2c"
                + "22c5d9bbc836647241d953d40c5b12da88120d53177f80e532c41fa0";
        String bobPrivate = "1c306a7ac2a0e2e0990b294470cba339e6453772b075811d8fad0d1d"
                + "6927c120bb5ee8972b0d3e21374c9c921b09d1b0366f10b65173992d";
        String bobPublic = "3eb7a829b0cd20f5bcfc0b599b6feccf6da4627107bdb0d4f345b430"
                + "27d8b972fc3e34fb4232a13ca706dcb57aec3dae07bdc1c67bf33609";
        String shared = "07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282b"
                + "b60c0b56fd2464c335543936521c24403085d59a449a5037514a879d";

        KeyExchange alice = KeyExchanges.fromPrivateKey(KeyExchangeAlgorithm.X448, Hex.decode(alicePrivate));
        KeyExchange bob = KeyExchanges.fromPrivateKey(KeyExchangeAlgorithm.X448, Hex.decode(bobPrivate));
        assertEquals(alicePublic, Hex.encode(alice.publicKey()));
        assertEquals(bobPublic, Hex.encode(bob.publicKey()));
        assertEquals(shared, Hex.encode(alice.decapsulate(Hex.decode(bobPublic))));
        assertEquals(shared, Hex.encode(bob.decapsulate(Hex.decode(alicePublic))));
    }

    @Test
    void x25519ReproducesRfc8448Section3HandshakeSecretInputBothWays() throws Exception {
        Rfc8448.Step client = Rfc8448.one(Trace.SIMPLE_1RTT, "client", "create an ephemeral x25519 key pair");
        Rfc8448.Step server = Rfc8448.one(Trace.SIMPLE_1RTT, "server", "create an ephemeral x25519 key pair");
        byte[] ikm = Rfc8448.one(Trace.SIMPLE_1RTT, "server", "extract secret \"handshake\"").bytes("IKM");

        KeyExchange clientKeys = KeyExchanges.fromPrivateKey(KeyExchangeAlgorithm.X25519, client.bytes("private key"));
        KeyExchange serverKeys = KeyExchanges.fromPrivateKey(KeyExchangeAlgorithm.X25519, server.bytes("private key"));
        assertArrayEquals(client.bytes("public key"), clientKeys.publicKey());
        assertArrayEquals(server.bytes("public key"), serverKeys.publicKey());
        assertArrayEquals(ikm, clientKeys.decapsulate(server.bytes("public key")));
        assertArrayEquals(ikm, serverKeys.decapsulate(client.bytes("public key")));
    }

    @Test
    void x25519RejectsSmallOrderPointsThatGiveAllZeroSecret() {
        KeyExchange keys = KeyExchanges.generate(KeyExchangeAlgorithm.X25519, RANDOM);
        byte[] zero = new byte[32];
        byte[] one = new byte[32];
        one[0] = 1;
        // p - 1 = 2^255 - 20, little-endian: a point of order 4 (RFC 7748 §5 lists the small-order points).
        byte[] minusOne = new byte[32];
        Arrays.fill(minusOne, (byte) 0xff);
        minusOne[0] = (byte) 0xec;
        minusOne[31] = 0x7f;
        for (byte[] share : new byte[][] {zero, one, minusOne}) {
            InvalidKeyShareException e = assertThrows(InvalidKeyShareException.class, () -> keys.decapsulate(share));
            assertEquals(InvalidKeyShareException.Kind.ZERO_SHARED_SECRET, e.kind(), Hex.encode(share));
        }
    }

    @Test
    void x448RejectsSmallOrderPointsThatGiveAllZeroSecret() {
        KeyExchange keys = KeyExchanges.generate(KeyExchangeAlgorithm.X448, RANDOM);
        byte[] zero = new byte[56];
        byte[] one = new byte[56];
        one[0] = 1;
        for (byte[] share : new byte[][] {zero, one}) {
            InvalidKeyShareException e = assertThrows(InvalidKeyShareException.class, () -> keys.decapsulate(share));
            assertEquals(InvalidKeyShareException.Kind.ZERO_SHARED_SECRET, e.kind(), Hex.encode(share));
        }
    }

    @Test
    void rejectsSharesOfWrongLength() {
        for (KeyExchangeAlgorithm algorithm : new KeyExchangeAlgorithm[] {
                KeyExchangeAlgorithm.X25519, KeyExchangeAlgorithm.X448}) {
            KeyExchange keys = KeyExchanges.generate(algorithm, RANDOM);
            int length = algorithm.clientShareLength();
            for (int bad : new int[] {0, 1, length - 1, length + 1, 65}) {
                byte[] share = new byte[bad];
                Arrays.fill(share, (byte) 9);
                InvalidKeyShareException e = assertThrows(InvalidKeyShareException.class,
                        () -> keys.decapsulate(share));
                assertEquals(InvalidKeyShareException.Kind.INVALID_PUBLIC_VALUE, e.kind(), algorithm + " " + bad);
            }
        }
    }

    @Test
    void generatedPairsAgreeBothWays() throws Exception {
        for (KeyExchangeAlgorithm algorithm : new KeyExchangeAlgorithm[] {
                KeyExchangeAlgorithm.X25519, KeyExchangeAlgorithm.X448}) {
            KeyExchange a = KeyExchanges.generate(algorithm, RANDOM);
            KeyExchange b = KeyExchanges.generate(algorithm, RANDOM);
            assertEquals(algorithm, a.algorithm());
            assertEquals(algorithm.clientShareLength(), a.publicKey().length);
            assertFalse(Arrays.equals(a.publicKey(), b.publicKey()));
            byte[] ab = a.decapsulate(b.publicKey());
            assertEquals(algorithm.clientShareLength(), ab.length);
            assertArrayEquals(ab, b.decapsulate(a.publicKey()));
        }
    }

    @Test
    void destroyedKeyExchangeRefusesToAgree() {
        KeyExchange a = KeyExchanges.generate(KeyExchangeAlgorithm.X25519, RANDOM);
        KeyExchange b = KeyExchanges.generate(KeyExchangeAlgorithm.X25519, RANDOM);
        a.destroy();
        assertThrows(IllegalStateException.class, () -> a.decapsulate(b.publicKey()));
    }

    @Test
    void publicKeyIsACopy() {
        KeyExchange a = KeyExchanges.generate(KeyExchangeAlgorithm.X25519, RANDOM);
        byte[] first = a.publicKey();
        first[0] ^= 1;
        assertFalse(Arrays.equals(first, a.publicKey()));
    }

    @Test
    void fixedPrivateKeyOfWrongLengthIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> KeyExchanges.fromPrivateKey(KeyExchangeAlgorithm.X25519, new byte[31]));
        assertThrows(IllegalArgumentException.class,
                () -> KeyExchanges.fromPrivateKey(KeyExchangeAlgorithm.X448, new byte[32]));
    }
}
