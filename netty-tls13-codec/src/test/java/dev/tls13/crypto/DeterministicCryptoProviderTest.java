package dev.tls13.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.testing.Hex;
import dev.tls13.testing.Rfc8448;
import dev.tls13.testing.Rfc8448.Trace;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DeterministicCryptoProviderTest {

    @Test
    void handsOutConfiguredRandomsInOrderThenTheSeededStream() {
        byte[] first = Hex.decode("00112233");
        byte[] second = Hex.decode("4455667788");
        DeterministicCryptoProvider provider = DeterministicCryptoProvider.builder()
                .random(first, second).seed(7).build();
        assertEquals(2, provider.pendingRandoms());

        byte[] out = new byte[4];
        provider.nextBytes(out);
        assertArrayEquals(first, out);
        out = new byte[5];
        provider.nextBytes(out);
        assertArrayEquals(second, out);
        assertEquals(0, provider.pendingRandoms());

        byte[] streamed = new byte[32];
        provider.nextBytes(streamed);
        byte[] again = new byte[32];
        DeterministicCryptoProvider.builder().seed(7).build().nextBytes(again);
        assertArrayEquals(again, streamed, "same seed, same stream");
        byte[] otherSeed = new byte[32];
        DeterministicCryptoProvider.builder().seed(8).build().nextBytes(otherSeed);
        assertFalse(Arrays.equals(streamed, otherSeed), "another seed, another stream");
    }

    @Test
    void streamDoesNotDependOnHowRequestsAreSplit() {
        byte[] whole = new byte[100];
        DeterministicCryptoProvider.builder().seed(3).build().nextBytes(whole);
        DeterministicCryptoProvider split = DeterministicCryptoProvider.builder().seed(3).build();
        byte[] a = new byte[33];
        byte[] b = new byte[67];
        split.nextBytes(a);
        split.nextBytes(b);
        assertArrayEquals(Arrays.copyOfRange(whole, 0, 33), a);
        assertArrayEquals(Arrays.copyOfRange(whole, 33, 100), b);
    }

    @Test
    void configuredRandomOfWrongLengthFailsLoudly() {
        DeterministicCryptoProvider provider = DeterministicCryptoProvider.builder().random(new byte[31]).build();
        assertThrows(IllegalStateException.class, () -> provider.nextBytes(new byte[32]));
    }

    @Test
    void configuredRandomIsCopiedWhenConfigured() {
        byte[] value = Hex.decode("0102");
        DeterministicCryptoProvider provider = DeterministicCryptoProvider.builder().random(value).build();
        value[0] = 9;
        byte[] out = new byte[2];
        provider.nextBytes(out);
        assertArrayEquals(Hex.decode("0102"), out);
    }

    @Test
    void usesConfiguredEphemeralKeysPerAlgorithmInOrder() throws Exception {
        Rfc8448.Step client = Rfc8448.one(Trace.HELLO_RETRY_REQUEST, "client", "create an ephemeral x25519 key pair");
        Rfc8448.Step clientP256 = Rfc8448.one(Trace.HELLO_RETRY_REQUEST, "client",
                "create an ephemeral P-256 key pair");
        Rfc8448.Step section3 = Rfc8448.one(Trace.SIMPLE_1RTT, "client", "create an ephemeral x25519 key pair");
        DeterministicCryptoProvider provider = DeterministicCryptoProvider.builder()
                .ephemeralPrivateKey(KeyExchangeAlgorithm.X25519, client.bytes("private key"))
                .ephemeralPrivateKey(KeyExchangeAlgorithm.SECP256R1, clientP256.bytes("private key"))
                .ephemeralPrivateKey(KeyExchangeAlgorithm.X25519, section3.bytes("private key"))
                .build();
        assertEquals(2, provider.pendingPrivateKeys(KeyExchangeAlgorithm.X25519));
        assertEquals(1, provider.pendingPrivateKeys(KeyExchangeAlgorithm.SECP256R1));
        assertEquals(0, provider.pendingPrivateKeys(KeyExchangeAlgorithm.X448));

        assertArrayEquals(clientP256.bytes("public key"),
                provider.generateKeyExchange(KeyExchangeAlgorithm.SECP256R1).publicKey());
        assertArrayEquals(client.bytes("public key"),
                provider.generateKeyExchange(KeyExchangeAlgorithm.X25519).publicKey());
        assertArrayEquals(section3.bytes("public key"),
                provider.generateKeyExchange(KeyExchangeAlgorithm.X25519).publicKey());
        assertEquals(0, provider.pendingPrivateKeys(KeyExchangeAlgorithm.X25519));
    }

    @Test
    void derivesReproducibleKeysOnceTheQueueIsEmpty() throws Exception {
        for (KeyExchangeAlgorithm algorithm : KeyExchangeAlgorithm.values()) {
            KeyExchange a = DeterministicCryptoProvider.builder().seed(1).build().generateKeyExchange(algorithm);
            KeyExchange b = DeterministicCryptoProvider.builder().seed(1).build().generateKeyExchange(algorithm);
            KeyExchange c = DeterministicCryptoProvider.builder().seed(2).build().generateKeyExchange(algorithm);
            assertArrayEquals(a.publicKey(), b.publicKey(), algorithm.name());
            assertFalse(Arrays.equals(a.publicKey(), c.publicKey()), algorithm.name());
            Encapsulation first = DeterministicCryptoProvider.builder().seed(3).build()
                    .encapsulate(algorithm, a.publicKey());
            Encapsulation again = DeterministicCryptoProvider.builder().seed(3).build()
                    .encapsulate(algorithm, a.publicKey());
            Encapsulation other = DeterministicCryptoProvider.builder().seed(4).build()
                    .encapsulate(algorithm, a.publicKey());
            assertArrayEquals(first.share(), again.share(), algorithm.name());
            assertArrayEquals(first.sharedSecret(), again.sharedSecret(), algorithm.name());
            assertFalse(Arrays.equals(first.share(), other.share()), algorithm.name());
            assertArrayEquals(first.sharedSecret(), a.decapsulate(first.share()), algorithm.name());
            assertArrayEquals(other.sharedSecret(), b.decapsulate(other.share()), algorithm.name());
        }
    }

    @Test
    void clockIsFixed() {
        assertEquals(DeterministicCryptoProvider.DEFAULT_INSTANT,
                DeterministicCryptoProvider.builder().build().clock().instant());
        Instant when = Instant.parse("2024-02-29T12:00:00Z");
        DeterministicCryptoProvider provider = DeterministicCryptoProvider.builder().instant(when).build();
        assertEquals(when, provider.clock().instant());
        assertEquals(when, provider.clock().instant());
    }

    @Test
    void signaturesAreReproducibleAndVerify() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        byte[] message = "content".getBytes(StandardCharsets.US_ASCII);
        byte[] first = DeterministicCryptoProvider.builder().seed(5).build()
                .sign(SignatureAlgorithm.ECDSA_SECP256R1_SHA256, pair.getPrivate(), message);
        DeterministicCryptoProvider provider = DeterministicCryptoProvider.builder().seed(5).build();
        byte[] second = provider.sign(SignatureAlgorithm.ECDSA_SECP256R1_SHA256, pair.getPrivate(), message);
        assertArrayEquals(first, second);
        assertTrue(provider.verify(SignatureAlgorithm.ECDSA_SECP256R1_SHA256, pair.getPublic(), message, second));
    }

    @Test
    void delegatesHashAndHkdfToTheJcaProvider() {
        DeterministicCryptoProvider provider = DeterministicCryptoProvider.builder().build();
        // RFC 8448 section 3 "extract secret \"early\"": HKDF-Extract(0, 0).
        Rfc8448.Step early = Rfc8448.one(Trace.SIMPLE_1RTT, "server", "extract secret \"early\"");
        assertArrayEquals(early.bytes("secret"),
                provider.hkdf(HashAlgorithm.SHA256).extract(early.bytes("salt"), early.bytes("IKM")));
        assertEquals("SHA-256", provider.digest(HashAlgorithm.SHA256).getAlgorithm());
    }
}
