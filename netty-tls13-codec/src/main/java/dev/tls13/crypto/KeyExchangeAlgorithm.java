package dev.tls13.crypto;

/** The (EC)DHE algorithms behind the TLS 1.3 named groups (RFC 8446 §4.2.7). */
public enum KeyExchangeAlgorithm {
    /** NIST P-256 (secp256r1); shares are uncompressed points (RFC 8446 §4.2.8.2). */
    SECP256R1(65),
    /** NIST P-384 (secp384r1). */
    SECP384R1(97),
    /** NIST P-521 (secp521r1). */
    SECP521R1(133),
    /** X25519 (RFC 7748); shares are 32 raw bytes. */
    X25519(32),
    /** X448 (RFC 7748); shares are 56 raw bytes. */
    X448(56);

    private final int publicKeyLength;

    KeyExchangeAlgorithm(int publicKeyLength) {
        this.publicKeyLength = publicKeyLength;
    }

    /** @return the exact length of a key share's key_exchange field for this algorithm */
    public int publicKeyLength() {
        return publicKeyLength;
    }
}
