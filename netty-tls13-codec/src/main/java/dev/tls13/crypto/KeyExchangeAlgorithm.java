package dev.tls13.crypto;

/**
 * The key exchanges behind the TLS 1.3 named groups (RFC 8446 §4.2.7): the (EC)DHE groups and the hybrid
 * post-quantum groups of draft-ietf-tls-ecdhe-mlkem, which pair an ECDH with ML-KEM (FIPS 203). Every one is
 * used as a KEM (docs/architecture.md §8): the client's share is a public key, the server's share answers it.
 */
public enum KeyExchangeAlgorithm {
    /** NIST P-256 (secp256r1); shares are uncompressed points (RFC 8446 §4.2.8.2). */
    SECP256R1(65, 65, 32),
    /** NIST P-384 (secp384r1). */
    SECP384R1(97, 97, 48),
    /** NIST P-521 (secp521r1). */
    SECP521R1(133, 133, 66),
    /** X25519 (RFC 7748); shares are 32 raw bytes. */
    X25519(32, 32, 32),
    /** X448 (RFC 7748); shares are 56 raw bytes. */
    X448(56, 56, 56),
    /**
     * X25519MLKEM768: the client sends an ML-KEM-768 encapsulation key (1184) then an X25519 public key (32),
     * the server an ML-KEM-768 ciphertext (1088) then its X25519 public key; the secret is the ML-KEM secret
     * then the X25519 secret. The only hybrid that puts ML-KEM first.
     */
    X25519MLKEM768(1216, 1120, 64),
    /**
     * SecP256r1MLKEM768: an uncompressed P-256 point (65) then an ML-KEM-768 encapsulation key (1184), a point
     * then a ciphertext (1088); the secret is the ECDH secret then the ML-KEM secret.
     */
    SECP256R1MLKEM768(1249, 1153, 64),
    /**
     * SecP384r1MLKEM1024: an uncompressed P-384 point (97) then an ML-KEM-1024 encapsulation key (1568), a
     * point then a ciphertext (1568); the secret is the ECDH secret (48) then the ML-KEM secret (32).
     */
    SECP384R1MLKEM1024(1665, 1665, 80);

    private final int clientShareLength;
    private final int serverShareLength;
    private final int sharedSecretLength;

    KeyExchangeAlgorithm(int clientShareLength, int serverShareLength, int sharedSecretLength) {
        this.clientShareLength = clientShareLength;
        this.serverShareLength = serverShareLength;
        this.sharedSecretLength = sharedSecretLength;
    }

    /** @return the exact length of a ClientHello key share's key_exchange field for this algorithm */
    public int clientShareLength() {
        return clientShareLength;
    }

    /** @return the exact length of a ServerHello key share's key_exchange field for this algorithm */
    public int serverShareLength() {
        return serverShareLength;
    }

    /** @return the length of the shared secret, the input of the key schedule (RFC 8446 §7.1) */
    public int sharedSecretLength() {
        return sharedSecretLength;
    }

    /** @return whether this is a hybrid of an ECDH and ML-KEM */
    public boolean isHybrid() {
        return this == X25519MLKEM768 || this == SECP256R1MLKEM768 || this == SECP384R1MLKEM1024;
    }
}
