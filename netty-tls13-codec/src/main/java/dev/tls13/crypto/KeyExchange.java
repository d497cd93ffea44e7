package dev.tls13.crypto;

/**
 * The client's side of one key exchange (RFC 8446 §4.2.8), used once and shaped as a KEM's key pair
 * (docs/architecture.md §8): its public value goes into the ClientHello's key_share; the server encapsulates
 * against it ({@link CryptoProvider#encapsulate}) and {@link #decapsulate} turns the server's share into the
 * shared secret. For (EC)DHE the server's share is its ephemeral public key and decapsulation is the
 * agreement; for a hybrid group it is an ML-KEM ciphertext and an ECDH public key, in the group's order.
 */
public interface KeyExchange {

    /** @return the algorithm */
    KeyExchangeAlgorithm algorithm();

    /**
     * The public value in its TLS encoding: raw 32/56 bytes for X25519/X448, an uncompressed
     * point (0x04 || x || y) for the NIST curves (RFC 8446 §4.2.8.2), the concatenation of an ML-KEM
     * encapsulation key and such a value for a hybrid ({@link KeyExchangeAlgorithm#clientShareLength()}).
     *
     * @return a copy of the public value
     */
    byte[] publicKey();

    /**
     * Computes the shared secret from the server's share, validating it first: exact length, a valid point or
     * a non-zero X25519/X448 result for the ECDH part (RFC 8446 §4.2.8.2, §7.4.2).
     *
     * @param serverShare the server's key_exchange bytes (for plain (EC)DH: any peer's public value)
     * @return the shared secret (the x-coordinate for ECDH, RFC 8446 §7.4.2; the two secrets concatenated for a
     *         hybrid), owned by the caller
     * @throws InvalidKeyShareException if the share is invalid or yields an all-zero secret
     */
    byte[] decapsulate(byte[] serverShare) throws InvalidKeyShareException;

    /** Forgets the private key as far as the provider allows. */
    void destroy();
}
