package dev.tls13.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;

/**
 * One AEAD key (RFC 5116), reused for every record of one direction. Implementations keep their
 * cipher objects, key objects and parameter specs across calls: nothing is created per record
 * (docs/architecture.md §8). Not thread-safe.
 *
 * <p>Two shapes of every operation: {@code byte[]} with offsets, the fast path for heap memory (the
 * JCA's AES-GCM is fastest on arrays), and {@link ByteBuffer}s for direct memory. Both allow in-place
 * work: the output may be the same memory as the input, at the same offset.
 */
public interface Aead {

    /** @return the algorithm */
    AeadAlgorithm algorithm();

    /** @return the tag length in bytes, the ciphertext expansion */
    default int tagLength() {
        return algorithm().tagLength();
    }

    /**
     * Encrypts {@code in[inOff, inOff + inLen)} into {@code out} at {@code outOff} and appends the tag.
     * In-place use ({@code in == out && inOff == outOff}) is allowed.
     *
     * @param nonce the 12-byte per-record nonce; read during the call only
     * @param aad additional authenticated data (the record header), all of it
     * @param in the plaintext array
     * @param inOff where the plaintext starts
     * @param inLen the plaintext length
     * @param out the output array; needs {@code inLen + tagLength()} bytes from {@code outOff}
     * @param outOff where the ciphertext starts
     * @return the number of bytes written, {@code inLen + tagLength()}
     * @throws GeneralSecurityException if the provider fails
     */
    int seal(byte[] nonce, byte[] aad, byte[] in, int inOff, int inLen, byte[] out, int outOff)
            throws GeneralSecurityException;

    /**
     * Encrypts the concatenation of {@code in[inOff, inOff + inLen)} and {@code trailer[0, trailerLen)}
     * into {@code out} at {@code outOff} and appends the tag: a TLSInnerPlaintext is the content followed
     * by its type and padding (RFC 8446 §5.2), and this seals it straight from the application's buffer
     * without first copying the content next to its trailer. The output must not overlap the input.
     * The default copies both parts into {@code out} and seals in place.
     *
     * @param nonce the 12-byte per-record nonce; read during the call only
     * @param aad additional authenticated data (the record header), all of it
     * @param in the content array
     * @param inOff where the content starts
     * @param inLen the content length
     * @param trailer the bytes after the content
     * @param trailerLen how many of them
     * @param out the output array; needs {@code inLen + trailerLen + tagLength()} bytes from {@code outOff}
     * @param outOff where the ciphertext starts
     * @return the number of bytes written, {@code inLen + trailerLen + tagLength()}
     * @throws GeneralSecurityException if the provider fails
     */
    default int seal(byte[] nonce, byte[] aad, byte[] in, int inOff, int inLen, byte[] trailer, int trailerLen,
                     byte[] out, int outOff) throws GeneralSecurityException {
        System.arraycopy(in, inOff, out, outOff, inLen);
        System.arraycopy(trailer, 0, out, outOff + inLen, trailerLen);
        return seal(nonce, aad, out, outOff, inLen + trailerLen, out, outOff);
    }

    /**
     * Decrypts and authenticates {@code in[inOff, inOff + inLen)} (ciphertext and tag) into {@code out}
     * at {@code outOff}. In-place use ({@code in == out && inOff == outOff}) is allowed. On failure the
     * output range holds no usable plaintext.
     *
     * @param nonce the 12-byte per-record nonce; read during the call only
     * @param aad additional authenticated data (the record header), all of it
     * @param in the ciphertext array
     * @param inOff where the ciphertext starts
     * @param inLen the ciphertext length, tag included; at least {@code tagLength()}
     * @param out the output array; needs {@code inLen - tagLength()} bytes from {@code outOff}
     * @param outOff where the plaintext goes
     * @return the plaintext length
     * @throws javax.crypto.AEADBadTagException if authentication fails
     * @throws GeneralSecurityException if the provider fails
     */
    int open(byte[] nonce, byte[] aad, byte[] in, int inOff, int inLen, byte[] out, int outOff)
            throws GeneralSecurityException;

    /**
     * Encrypts {@code plaintext} (position to limit) into {@code out} at its position and appends the
     * tag. {@code out} may be the same memory as {@code plaintext} at the same position (in-place).
     * Both positions advance.
     *
     * @param nonce the 12-byte per-record nonce
     * @param aad additional authenticated data (the record header)
     * @param plaintext the input
     * @param out where ciphertext and tag go; needs {@code plaintext.remaining() + tagLength()} bytes
     * @return the number of bytes written
     * @throws GeneralSecurityException if the provider fails
     */
    int seal(byte[] nonce, byte[] aad, ByteBuffer plaintext, ByteBuffer out) throws GeneralSecurityException;

    /**
     * Decrypts and authenticates {@code ciphertext} (ciphertext and tag, position to limit) into
     * {@code out}; in-place use at the same position is allowed. Both positions advance.
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

    /**
     * Whether {@link #open(byte[], byte[], byte[], int, int, byte[], int)} is faster into an array other
     * than the ciphertext's than in place. The record layer then decrypts into a new buffer instead of the
     * record's own bytes.
     *
     * @return false unless the implementation measured otherwise
     */
    default boolean opensFasterOutOfPlace() {
        return false;
    }

    /** Forgets the key as far as the provider allows; later calls throw {@link IllegalStateException}. */
    void destroy();

    /**
     * {@link #destroy()} when {@code successor} replaces this key in the same direction of a connection (handshake
     * to application keys, a KeyUpdate). An implementation whose cipher state outlives its keys may forget this key
     * by keying that state with the successor's, which it would do at the successor's first record anyway, instead
     * of wiping it first.
     *
     * @param successor the next key of the same direction, or {@code null} when there is none
     */
    default void destroyReplacedBy(Aead successor) {
        destroy();
    }
}
