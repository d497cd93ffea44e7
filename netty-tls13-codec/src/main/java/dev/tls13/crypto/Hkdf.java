package dev.tls13.crypto;

import java.util.Arrays;
import java.util.Objects;

/** HKDF (RFC 5869) and HMAC for one hash; the primitive under the TLS 1.3 key schedule. */
public interface Hkdf {

    /** @return the hash this instance uses */
    HashAlgorithm hash();

    /**
     * HKDF-Extract(salt, IKM).
     *
     * @param salt the salt; an empty array means HashLen zero bytes (RFC 5869 §2.2)
     * @param ikm the input keying material; may be empty
     * @return a new PRK of {@code hash().length()} bytes, owned by the caller
     */
    byte[] extract(byte[] salt, byte[] ikm);

    /**
     * HKDF-Expand(PRK, info, L).
     *
     * @param prk the pseudo-random key, at least HashLen bytes
     * @param info the context
     * @param length L, at most 255 * HashLen
     * @return a new array of {@code length} bytes, owned by the caller
     */
    byte[] expand(byte[] prk, byte[] info, int length);

    /**
     * HKDF-Expand(PRK, info, L) with info given as a range of an array, so that a caller can build it in a
     * reused buffer. The default copies the range and calls {@link #expand(byte[], byte[], int)}.
     *
     * @param prk the pseudo-random key, at least HashLen bytes
     * @param info the array holding the context; borrowed, not retained
     * @param infoOffset where the context starts in {@code info}
     * @param infoLength the context's length
     * @param length L, at most 255 * HashLen
     * @return a new array of {@code length} bytes, owned by the caller
     */
    default byte[] expand(byte[] prk, byte[] info, int infoOffset, int infoLength, int length) {
        Objects.checkFromIndexSize(infoOffset, infoLength, info.length);
        return expand(prk, Arrays.copyOfRange(info, infoOffset, infoOffset + infoLength), length);
    }

    /**
     * HMAC(key, data), as used for Finished and binders (RFC 8446 §4.4.4).
     *
     * @param key the MAC key
     * @param data the message
     * @return a new array of HashLen bytes
     */
    byte[] hmac(byte[] key, byte[] data);
}
