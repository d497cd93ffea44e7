package dev.tls13.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JcaCryptoProviderKeyExchangeAndSignatureTest {

    private final CryptoProvider provider = JcaCryptoProvider.instance();

    @ParameterizedTest
    @EnumSource(KeyExchangeAlgorithm.class)
    void generatesFreshKeyExchangesAndTheServerSideEncapsulatesToTheSameSecret(KeyExchangeAlgorithm algorithm)
            throws Exception {
        KeyExchange a = provider.generateKeyExchange(algorithm);
        KeyExchange b = provider.generateKeyExchange(algorithm);
        assertEquals(algorithm, a.algorithm());
        assertEquals(algorithm.clientShareLength(), a.publicKey().length);
        assertFalse(Arrays.equals(a.publicKey(), b.publicKey()));
        Encapsulation first = provider.encapsulate(algorithm, a.publicKey());
        Encapsulation second = provider.encapsulate(algorithm, a.publicKey());
        assertEquals(algorithm.serverShareLength(), first.share().length);
        assertEquals(algorithm.sharedSecretLength(), first.sharedSecret().length);
        assertFalse(Arrays.equals(first.share(), second.share()), "a fresh server share every time");
        assertFalse(Arrays.equals(first.sharedSecret(), second.sharedSecret()));
        assertArrayEquals(first.sharedSecret(), a.decapsulate(first.share()));
        assertArrayEquals(second.sharedSecret(), a.decapsulate(second.share()));
        a.destroy();
        b.destroy();
    }

    @Test
    void signsAndVerifiesThroughTheProvider() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] message = "content".getBytes(StandardCharsets.US_ASCII);
        byte[] signature = provider.sign(SignatureAlgorithm.ED25519, pair.getPrivate(), message);
        assertTrue(provider.verify(SignatureAlgorithm.ED25519, pair.getPublic(), message, signature));
        signature[0] ^= 1;
        assertFalse(provider.verify(SignatureAlgorithm.ED25519, pair.getPublic(), message, signature));
    }
}
