package dev.tls13.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.testing.Hex;
import dev.tls13.testing.Rfc8448;
import dev.tls13.testing.Rfc8448.Trace;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.EllipticCurve;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EcdhKeyExchangeTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void p256ReproducesRfc8448Section5KeysAndSharedSecretBothWays() throws Exception {
        Rfc8448.Step client = Rfc8448.one(Trace.HELLO_RETRY_REQUEST, "client", "create an ephemeral P-256 key pair");
        Rfc8448.Step server = Rfc8448.one(Trace.HELLO_RETRY_REQUEST, "server", "create an ephemeral P-256 key pair");
        byte[] ikm = Rfc8448.one(Trace.HELLO_RETRY_REQUEST, "server", "extract secret \"handshake\"").bytes("IKM");

        KeyExchange clientKeys = KeyExchanges.fromPrivateKey(KeyExchangeAlgorithm.SECP256R1,
                client.bytes("private key"));
        KeyExchange serverKeys = KeyExchanges.fromPrivateKey(KeyExchangeAlgorithm.SECP256R1,
                server.bytes("private key"));
        assertArrayEquals(client.bytes("public key"), clientKeys.publicKey());
        assertArrayEquals(server.bytes("public key"), serverKeys.publicKey());
        assertEquals(32, ikm.length);
        assertArrayEquals(ikm, clientKeys.decapsulate(server.bytes("public key")));
        assertArrayEquals(ikm, serverKeys.decapsulate(client.bytes("public key")));
    }

    @Test
    void aSecretOfAnotherLengthIsCopiedToFieldLengthAndTheProvidersArrayWiped() {
        byte[] exact = {1, 2, 3};
        assertSame(exact, EcdhKeyExchange.fixedLength(exact, 3), "field length: the provider's array itself");

        // A provider that drops leading zeros (P-521: 66 bytes; an x-coordinate below 2^512 has 64 or fewer).
        byte[] shortRaw = {(byte) 0x80, 0x7F};
        byte[] padded = EcdhKeyExchange.fixedLength(shortRaw, 4);
        assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x7F}, padded);
        assertArrayEquals(new byte[2], shortRaw, "the provider's copy is zeroed");

        // A provider that adds a sign byte, as BigInteger#toByteArray does.
        byte[] signed = {0, (byte) 0xFF, 0x01};
        assertArrayEquals(new byte[] {(byte) 0xFF, 0x01}, EcdhKeyExchange.fixedLength(signed, 2));
        assertArrayEquals(new byte[3], signed);

        byte[] tooLong = {1, 2, 3};
        assertThrows(IllegalStateException.class, () -> EcdhKeyExchange.fixedLength(tooLong, 2));
        assertArrayEquals(new byte[3], tooLong, "zeroed on failure too");
    }

    @ParameterizedTest
    @EnumSource(value = KeyExchangeAlgorithm.class, names = {"SECP384R1", "SECP521R1"})
    void p384AndP521SecretsAreFieldLengthBothWays(KeyExchangeAlgorithm algorithm) throws Exception {
        int fieldLength = algorithm == KeyExchangeAlgorithm.SECP384R1 ? 48 : 66;
        for (int i = 0; i < 8; i++) {
            KeyExchange a = EcdhKeyExchange.generate(algorithm, RANDOM);
            KeyExchange b = EcdhKeyExchange.generate(algorithm, RANDOM);
            byte[] ab = a.decapsulate(b.publicKey());
            assertEquals(fieldLength, ab.length);
            assertArrayEquals(ab, b.decapsulate(a.publicKey()));
        }
    }

    private static byte[] validP256Share() {
        return Rfc8448.one(Trace.HELLO_RETRY_REQUEST, "server", "create an ephemeral P-256 key pair")
                .bytes("public key");
    }

    private static void assertInvalid(KeyExchange keys, byte[] share, String what) {
        InvalidKeyShareException e = assertThrows(InvalidKeyShareException.class, () -> keys.decapsulate(share), what);
        assertEquals(InvalidKeyShareException.Kind.INVALID_PUBLIC_VALUE, e.kind(), what);
    }

    @Test
    void p256RejectsSharesOfWrongLength() {
        KeyExchange keys = KeyExchanges.generate(KeyExchangeAlgorithm.SECP256R1, RANDOM);
        byte[] valid = validP256Share();
        assertInvalid(keys, new byte[0], "empty");
        assertInvalid(keys, new byte[] {0}, "SEC 1 encoding of the identity");
        assertInvalid(keys, Arrays.copyOf(valid, 64), "truncated");
        assertInvalid(keys, Arrays.copyOf(valid, 66), "trailing byte");
        assertInvalid(keys, Arrays.copyOf(valid, 97), "P-384 length");
    }

    @Test
    void p256RejectsCompressedPoints() {
        KeyExchange keys = KeyExchanges.generate(KeyExchangeAlgorithm.SECP256R1, RANDOM);
        byte[] valid = validP256Share();
        for (byte prefix : new byte[] {2, 3}) {
            byte[] compressed = Arrays.copyOf(valid, 33);
            compressed[0] = prefix;
            assertInvalid(keys, compressed, "33-byte compressed, prefix " + prefix);
            byte[] relabelled = valid.clone();
            relabelled[0] = prefix;
            assertInvalid(keys, relabelled, "65 bytes with compressed prefix " + prefix);
        }
        byte[] hybrid = valid.clone();
        hybrid[0] = 6;
        assertInvalid(keys, hybrid, "hybrid form");
    }

    @Test
    void p256RejectsPointOffTheCurve() {
        KeyExchange keys = KeyExchanges.generate(KeyExchangeAlgorithm.SECP256R1, RANDOM);
        byte[] offCurve = validP256Share();
        offCurve[64] ^= 1;
        assertInvalid(keys, offCurve, "y with a flipped bit");
    }

    @Test
    void p256RejectsAllZeroShares() {
        KeyExchange keys = KeyExchanges.generate(KeyExchangeAlgorithm.SECP256R1, RANDOM);
        assertInvalid(keys, new byte[65], "65 zero bytes");
        byte[] origin = new byte[65];
        origin[0] = 4;
        assertInvalid(keys, origin, "(0, 0)");
    }

    @ParameterizedTest
    @EnumSource(value = KeyExchangeAlgorithm.class, names = {"SECP256R1", "SECP384R1", "SECP521R1"})
    void rejectsCoordinateNotBelowTheFieldPrime(KeyExchangeAlgorithm algorithm) throws Exception {
        EcCurve curve = EcCurve.of(algorithm);
        EllipticCurve ec = curve.params().getCurve();
        BigInteger p = ((ECFieldFp) ec.getField()).getP();
        // Find the smallest x with a point (x, y); p = 3 mod 4 for all three curves, so
        // y = rhs^((p + 1) / 4) is a square root when rhs is a square.
        BigInteger x = BigInteger.ZERO;
        BigInteger y;
        while (true) {
            BigInteger rhs = x.pow(3).add(ec.getA().multiply(x)).add(ec.getB()).mod(p);
            y = rhs.modPow(p.add(BigInteger.ONE).shiftRight(2), p);
            if (y.multiply(y).mod(p).equals(rhs)) {
                break;
            }
            x = x.add(BigInteger.ONE);
        }
        KeyExchange keys = KeyExchanges.generate(algorithm, RANDOM);
        int n = curve.fieldLength();
        byte[] canonical = encode(n, x, y);
        // The same point with x + p (still fits in the field length because x is tiny) is equal
        // modulo p, so only the range check can refuse it.
        assertEquals(n, keys.decapsulate(canonical).length, "the canonical point is valid");
        assertInvalid(keys, encode(n, x.add(p), y), "x + p");
        if (y.add(p).bitLength() <= 8 * n) {
            // Only P-521 has room (66 bytes for a 521-bit prime) to encode y + p for any y.
            assertInvalid(keys, encode(n, x, y.add(p)), "y + p");
        }
        assertInvalid(keys, encode(n, x, p), "y = p");
    }

    private static byte[] encode(int n, BigInteger x, BigInteger y) {
        byte[] out = new byte[1 + 2 * n];
        out[0] = 4;
        EcCurve.writeFixed(x, out, 1, n);
        EcCurve.writeFixed(y, out, 1 + n, n);
        return out;
    }

    @ParameterizedTest
    @EnumSource(value = KeyExchangeAlgorithm.class, names = {"SECP256R1", "SECP384R1", "SECP521R1"})
    void generatedPairsAgreeBothWays(KeyExchangeAlgorithm algorithm) throws Exception {
        KeyExchange a = KeyExchanges.generate(algorithm, RANDOM);
        KeyExchange b = KeyExchanges.generate(algorithm, RANDOM);
        assertEquals(algorithm, a.algorithm());
        assertEquals(algorithm.clientShareLength(), a.publicKey().length);
        assertEquals(4, a.publicKey()[0]);
        byte[] ab = a.decapsulate(b.publicKey());
        assertEquals(EcCurve.of(algorithm).fieldLength(), ab.length);
        assertArrayEquals(ab, b.decapsulate(a.publicKey()));
    }

    @ParameterizedTest
    @EnumSource(value = KeyExchangeAlgorithm.class, names = {"SECP256R1", "SECP384R1", "SECP521R1"})
    void rejectsOffCurvePoint(KeyExchangeAlgorithm algorithm) {
        KeyExchange a = KeyExchanges.generate(algorithm, RANDOM);
        byte[] share = KeyExchanges.generate(algorithm, RANDOM).publicKey();
        share[share.length - 1] ^= 1;
        assertInvalid(a, share, algorithm + " off-curve");
    }

    @ParameterizedTest
    @EnumSource(value = KeyExchangeAlgorithm.class, names = {"SECP256R1", "SECP384R1", "SECP521R1"})
    void rejectsShareOfAnotherCurve(KeyExchangeAlgorithm algorithm) {
        KeyExchange a = KeyExchanges.generate(algorithm, RANDOM);
        KeyExchangeAlgorithm other = algorithm == KeyExchangeAlgorithm.SECP256R1
                ? KeyExchangeAlgorithm.SECP384R1 : KeyExchangeAlgorithm.SECP256R1;
        assertInvalid(a, KeyExchanges.generate(other, RANDOM).publicKey(), "share of " + other);
    }

    @ParameterizedTest
    @EnumSource(value = KeyExchangeAlgorithm.class, names = {"SECP256R1", "SECP384R1", "SECP521R1"})
    void fixedPrivateKeyYieldsTheJcaPublicKey(KeyExchangeAlgorithm algorithm) throws Exception {
        EcCurve curve = EcCurve.of(algorithm);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve.jcaName()));
        KeyPair pair = generator.generateKeyPair();
        byte[] scalar = new byte[curve.fieldLength()];
        EcCurve.writeFixed(((ECPrivateKey) pair.getPrivate()).getS(), scalar, 0, scalar.length);
        KeyExchange fixed = KeyExchanges.fromPrivateKey(algorithm, scalar);
        assertArrayEquals(curve.encodeUncompressed(((ECPublicKey) pair.getPublic()).getW()), fixed.publicKey());
    }

    @Test
    void fixedPrivateKeyOutOfRangeIsRefused() {
        EcCurve curve = EcCurve.SECP256R1;
        byte[] order = new byte[32];
        EcCurve.writeFixed(curve.params().getOrder(), order, 0, 32);
        assertThrows(IllegalArgumentException.class,
                () -> KeyExchanges.fromPrivateKey(KeyExchangeAlgorithm.SECP256R1, new byte[32]));
        assertThrows(IllegalArgumentException.class,
                () -> KeyExchanges.fromPrivateKey(KeyExchangeAlgorithm.SECP256R1, order));
    }

    @Test
    void sharedSecretKeepsLeadingZeroBytes() throws Exception {
        // RFC 8446 §7.4.2: the x-coordinate is always 32 bytes for P-256. With our scalar 1 the secret is
        // the x of the peer's point k*G; walk k until that x starts with a zero byte (about 1 in 256).
        KeyExchange one = KeyExchanges.fromPrivateKey(KeyExchangeAlgorithm.SECP256R1, scalar(1));
        byte[] found = null;
        for (int k = 2; k < 20_000 && found == null; k++) {
            KeyExchange peer = KeyExchanges.fromPrivateKey(KeyExchangeAlgorithm.SECP256R1, scalar(k));
            byte[] secret = one.decapsulate(peer.publicKey());
            assertEquals(32, secret.length);
            if (secret[0] == 0) {
                found = secret;
                assertArrayEquals(Arrays.copyOfRange(peer.publicKey(), 1, 33), secret);
            }
        }
        assertNotNull(found, "no x-coordinate with a leading zero byte found");
        assertTrue(found[0] == 0);
    }

    private static byte[] scalar(int k) {
        byte[] out = new byte[32];
        EcCurve.writeFixed(BigInteger.valueOf(k), out, 0, 32);
        return out;
    }

    @Test
    void destroyedKeyExchangeRefusesToAgree() {
        KeyExchange a = KeyExchanges.generate(KeyExchangeAlgorithm.SECP256R1, RANDOM);
        a.destroy();
        assertThrows(IllegalStateException.class, () -> a.decapsulate(validP256Share()));
    }
}
