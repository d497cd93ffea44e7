package dev.tls13.record;

import dev.tls13.crypto.Aead;
import dev.tls13.error.TlsException;
import dev.tls13.wire.ContentType;
import io.netty.buffer.ByteBuf;

/**
 * The sending half of the record layer for one key: writes whole records straight into the output buffer.
 * One interface for both protocol versions (docs/architecture.md §16): the TLS 1.3 record (RFC 8446
 * §5.1–§5.4) and the TLS 1.2 AEAD record (RFC 5246 §6.2.3.3). The implementations are sealed into this
 * package, so a call site sees at most two receiver classes; a TLS 1.3-only process sees only one.
 *
 * <p>{@link #plaintext()} writes unprotected records (ClientHello, ServerHello, alerts before keys). Not
 * thread-safe; one per direction and key.
 */
public sealed interface WriteProtection permits Tls13WriteProtection, Tls12WriteProtection {

    /** @return the writer of unprotected records with legacy_record_version 0x0303 (RFC 8446 §5.1) */
    static WriteProtection plaintext() {
        return Tls13WriteProtection.plaintext();
    }

    /**
     * @return the writer of unprotected records with legacy_record_version 0x0301, which RFC 8446 §5.1
     *         allows for the initial ClientHello for compatibility with old middleboxes
     */
    static WriteProtection initialPlaintext() {
        return Tls13WriteProtection.initialPlaintext();
    }

    /**
     * Installs a TLS 1.3 write key without padding.
     *
     * @param aead the AEAD of the key; owned from now on, {@link #destroy()} destroys it
     * @param iv the 12-byte write IV (RFC 8446 §7.3); copied
     * @return the protection, at sequence number 0
     */
    static WriteProtection install(Aead aead, byte[] iv) {
        return Tls13WriteProtection.install(aead, iv);
    }

    /**
     * Installs a TLS 1.3 write key.
     *
     * @param aead the AEAD of the key; owned from now on, {@link #destroy()} destroys it
     * @param iv the 12-byte write IV (RFC 8446 §7.3); copied
     * @param padding how to pad records (RFC 8446 §5.4)
     * @return the protection, at sequence number 0
     */
    static WriteProtection install(Aead aead, byte[] iv, PaddingPolicy padding) {
        return Tls13WriteProtection.install(aead, iv, padding);
    }

    /**
     * Installs a TLS 1.2 write key, right after our ChangeCipherSpec (RFC 5246 §7.1).
     *
     * @param aead the AEAD of the key; owned from now on, {@link #destroy()} destroys it
     * @param iv our write IV from the key block (RFC 5246 §6.3): the 4-byte salt for AES-GCM and AES-CCM,
     *        the 12-byte IV for ChaCha20-Poly1305; copied
     * @return the protection, at sequence number 0
     */
    static WriteProtection installTls12(Aead aead, byte[] iv) {
        return Tls12WriteProtection.install(aead, iv);
    }

    /** @return whether this instance encrypts (false for the plaintext writers) */
    boolean isProtected();

    /** @return the sequence number of the next record (RFC 8446 §5.3, RFC 5246 §6.1) */
    long sequenceNumber();

    /**
     * The size of the records {@link #sealFragmented} writes, so a caller can size one output buffer for a
     * whole flush.
     *
     * @param type the content type
     * @param length the plaintext length
     * @param maxFragment the largest content per record, 1 to 2^14
     * @return the number of bytes written for {@code length} bytes of {@code type}
     */
    int sealedLength(ContentType type, int length, int maxFragment);

    /**
     * The size of one record holding {@code length} content bytes.
     *
     * @param type the content type
     * @param length the content length, 0 to 2^14
     * @return header, ciphertext and tag (or header and content when unprotected)
     */
    int recordLength(ContentType type, int length);

    /**
     * Writes all readable bytes of {@code plaintext} as one record.
     *
     * @param type the content type
     * @param plaintext the content (borrowed), at most 2^14 readable bytes; its reader index advances
     * @param out where the record goes (borrowed); grown once as needed
     * @throws TlsException (internal_error) when the sequence number is exhausted or the provider fails
     */
    void seal(ContentType type, ByteBuf plaintext, ByteBuf out) throws TlsException;

    /**
     * Writes the next {@code length} bytes of {@code plaintext} as one record.
     *
     * @param type the content type
     * @param plaintext the content (borrowed); its reader index advances by {@code length}
     * @param length the content length, 0 to 2^14
     * @param out where the record goes (borrowed); grown once as needed
     * @throws TlsException (internal_error) when the sequence number is exhausted or the provider fails
     */
    void seal(ContentType type, ByteBuf plaintext, int length, ByteBuf out) throws TlsException;

    /**
     * Writes all readable bytes of {@code plaintext} as records of at most {@code maxFragment} bytes; nothing
     * for an empty input.
     *
     * @param type the content type
     * @param plaintext the content (borrowed); its reader index advances to the writer index
     * @param maxFragment the largest content per record, 1 to 2^14
     * @param out where the records go (borrowed)
     * @throws TlsException (internal_error) when the sequence number is exhausted or the provider fails
     */
    void sealFragmented(ContentType type, ByteBuf plaintext, int maxFragment, ByteBuf out) throws TlsException;

    /** Destroys the AEAD and zeroes the IV and nonce. The instance is unusable afterwards. */
    void destroy();

    /**
     * {@link #destroy()} when {@code next} takes over this direction of the connection: the AEAD may hand its
     * cipher state to the next key instead of wiping it ({@link dev.tls13.crypto.Aead#destroyReplacedBy}).
     *
     * @param next the protection installed in this one's place
     */
    void destroyReplacedBy(WriteProtection next);
}
