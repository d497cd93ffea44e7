package dev.tls13.crypto;

/** The AEAD of a TLS 1.3 cipher suite (RFC 8446 §5.3, §B.4). All use a 12-byte nonce. */
public enum AeadAlgorithm {
    /** AES-128 in GCM mode (RFC 5116). */
    AES_128_GCM(16, 16),
    /** AES-256 in GCM mode (RFC 5116). */
    AES_256_GCM(32, 16),
    /** ChaCha20-Poly1305 (RFC 8439). */
    CHACHA20_POLY1305(32, 16),
    /** AES-128 in CCM mode with a 16-byte tag (RFC 6655). */
    AES_128_CCM(16, 16),
    /** AES-128 in CCM mode with an 8-byte tag (RFC 6655). */
    AES_128_CCM_8(16, 8);

    /** Length of the per-record nonce and of the write IV, RFC 8446 §5.3. */
    public static final int NONCE_LENGTH = 12;

    private final int keyLength;
    private final int tagLength;

    AeadAlgorithm(int keyLength, int tagLength) {
        this.keyLength = keyLength;
        this.tagLength = tagLength;
    }

    /** @return the key length in bytes */
    public int keyLength() {
        return keyLength;
    }

    /** @return the authentication tag length in bytes (the ciphertext expansion) */
    public int tagLength() {
        return tagLength;
    }
}
