package dev.tls13.crypto;

/** One ephemeral (EC)DHE key pair, used once (RFC 8446 §4.2.8). */
public interface KeyExchange {

    /** @return the algorithm */
    KeyExchangeAlgorithm algorithm();

    /**
     * The public value in its TLS encoding: raw 32/56 bytes for X25519/X448, an uncompressed
     * point (0x04 || x || y) for the NIST curves (RFC 8446 §4.2.8.2).
     *
     * @return a copy of the public value
     */
    byte[] publicKey();

    /**
     * Computes the shared secret with the peer's public value, validating it first.
     *
     * @param peerPublicKey the peer's key_exchange bytes
     * @return the shared secret (the x-coordinate for ECDH, RFC 8446 §7.4.2), owned by the caller
     * @throws InvalidKeyShareException if the value is invalid or yields an all-zero secret
     */
    byte[] agree(byte[] peerPublicKey) throws InvalidKeyShareException;

    /** Forgets the private key as far as the provider allows. */
    void destroy();
}
