package dev.tls13.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;

/**
 * One AEAD key (RFC 5116), reused for every record of one direction. Implementations keep their
 * cipher objects and key objects across calls: nothing is created per record (DESIGN.md §8).
 * Not thread-safe.
 */
public interface Aead {

    /** @return the algorithm */
    AeadAlgorithm algorithm();

    /**
     * Encrypts {@code plaintext} (position to limit) into {@code out} at its position and appends the
     * tag. {@code out} may be the same memory as {@code plaintext} (in-place). Both positions advance.
     *
     * @param nonce the 12-byte per-record nonce
     * @param aad additional authenticated data (the record header)
     * @param plaintext the input
     * @param out where ciphertext and tag go; needs {@code plaintext.remaining() + tagLength} bytes
     * @return the number of bytes written
     * @throws GeneralSecurityException if the provider fails
     */
    int seal(byte[] nonce, byte[] aad, ByteBuffer plaintext, ByteBuffer out) throws GeneralSecurityException;

    /**
     * Decrypts and authenticates {@code ciphertext} (ciphertext and tag, position to limit) into
     * {@code out}; in-place use is allowed. Both positions advance.
     *
     * @param nonce the 12-byte per-record nonce
     * @param aad additional authenticated data (the record header)
     * @param ciphertext the input, tag included
     * @param out where the plaintext goes
     * @return the plaintext length
     * @throws javax.crypto.AEADBadTagException if authentication fails
     * @throws GeneralSecurityException if the provider fails
     */
    int open(byte[] nonce, byte[] aad, ByteBuffer ciphertext, ByteBuffer out) throws GeneralSecurityException;

    /** Forgets the key as far as the provider allows. */
    void destroy();
}
