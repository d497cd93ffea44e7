package dev.tls13.crypto;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * ECDHE on secp256r1 with our own constant-time {@link P256} arithmetic (see there for why not the JCA):
 * the private scalar is a plain array, zeroed by {@link #destroy()}; the peer's share is fully validated
 * (RFC 8446 §4.2.8.2) and the shared secret is the 32-byte x-coordinate (RFC 8446 §7.4.2).
 */
final class P256KeyExchange implements KeyExchange {

    private final byte[] privateKey;
    private final byte[] publicKey;
    private boolean destroyed;

    private P256KeyExchange(byte[] privateKey) {
        this.privateKey = privateKey;
        this.publicKey = P256.publicKey(privateKey);
    }

    /** @return a new key pair with a private scalar drawn uniformly from [1, n - 1] by {@code random} */
    static P256KeyExchange generate(SecureRandom random) {
        return new P256KeyExchange(P256.randomScalar(random));
    }

    /**
     * @param privateKey the 32-byte big-endian scalar in [1, n - 1]; copied
     * @return the key pair of that scalar
     * @throws IllegalArgumentException if the scalar has the wrong length or is out of range
     */
    static P256KeyExchange fromPrivateKey(byte[] privateKey) {
        if (!P256.isValidScalar(privateKey)) {
            throw new IllegalArgumentException("SECP256R1 private key must be 32 bytes in [1, n - 1]");
        }
        return new P256KeyExchange(privateKey.clone());
    }

    @Override
    public KeyExchangeAlgorithm algorithm() {
        return KeyExchangeAlgorithm.SECP256R1;
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public byte[] decapsulate(byte[] peerPublicKey) throws InvalidKeyShareException {
        if (destroyed) {
            throw new IllegalStateException("key exchange destroyed");
        }
        return P256.agree(privateKey, peerPublicKey);
    }

    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(privateKey, (byte) 0);
    }
}
