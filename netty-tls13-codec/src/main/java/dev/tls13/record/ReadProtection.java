package dev.tls13.record;

import dev.tls13.crypto.Aead;
import dev.tls13.error.TlsException;
import dev.tls13.wire.ContentType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The receiving half of the record layer for one key: sequence number, nonce, AEAD open and the record's
 * content type. One interface for both protocol versions (docs/architecture.md §16): the TLS 1.3 record
 * (RFC 8446 §5.2–§5.4, inner content type and padding) and the TLS 1.2 AEAD record (RFC 5246 §6.2.3.3,
 * explicit nonce where the suite has one). The implementations are sealed into this package, so a call site
 * sees at most two receiver classes and the JIT keeps it inlined; a TLS 1.3-only process sees only one.
 *
 * <p>{@link #plaintext()} is the stateless instance used before read keys are installed, for both versions.
 * Not thread-safe; one per direction and key.
 */
public sealed interface ReadProtection permits Tls13ReadProtection, Tls12ReadProtection {

    /** @return the instance for records received before any read key (RFC 8446 §5.1, RFC 5246 §6.1) */
    static ReadProtection plaintext() {
        return Tls13ReadProtection.plaintext();
    }

    /**
     * Installs a TLS 1.3 read key. The {@link Aligned} proof shows that no handshake message spans the key
     * change (RFC 8446 §5.1).
     *
     * @param aligned proof from {@link HandshakeJoiner#aligned()}
     * @param aead the AEAD of the key; owned from now on, {@link #destroy()} destroys it
     * @param iv the 12-byte read IV (RFC 8446 §7.3); copied
     * @return the protection, at sequence number 0
     */
    static ReadProtection install(Aligned aligned, Aead aead, byte[] iv) {
        return Tls13ReadProtection.install(aligned, aead, iv);
    }

    /**
     * Installs a TLS 1.2 read key, on the peer's ChangeCipherSpec (RFC 5246 §7.1). The {@link Aligned} proof
     * shows that no handshake message spans the key change.
     *
     * @param aligned proof from {@link HandshakeJoiner#aligned()}
     * @param aead the AEAD of the key; owned from now on, {@link #destroy()} destroys it
     * @param iv the peer's write IV from the key block (RFC 5246 §6.3): the 4-byte salt for AES-GCM and AES-CCM
     *        (RFC 5288 §3, RFC 6655 §3), the 12-byte IV for ChaCha20-Poly1305 (RFC 7905 §2); copied
     * @return the protection, at sequence number 0
     */
    static ReadProtection installTls12(Aligned aligned, Aead aead, byte[] iv) {
        return Tls12ReadProtection.install(aligned, aead, iv);
    }

    /** @return whether this instance decrypts (false for {@link #plaintext()}) */
    boolean isProtected();

    /** @return the sequence number of the next record (RFC 8446 §5.3, RFC 5246 §6.1) */
    long sequenceNumber();

    /**
     * Opens one record in place. On return the record's readable bytes are exactly the content.
     *
     * @param record a whole record from {@link RecordDeframer} (borrowed; its bytes and indices change)
     * @return the real content type
     * @throws TlsException bad_record_mac when authentication fails; unexpected_message, decode_error or
     *         record_overflow when the content breaks the record rules of the version
     */
    ContentType open(ByteBuf record) throws TlsException;

    /**
     * Opens one record like {@link #open(ByteBuf)}, possibly into a new heap buffer from {@code alloc} where
     * the AEAD is faster out of place (see the TLS 1.3 implementation); the content type is then
     * {@link #contentType()}.
     *
     * @param record a whole record from {@link RecordDeframer} (borrowed, still the caller's on return;
     *        its bytes and indices may change)
     * @param alloc allocates the new buffer; null always opens in place
     * @return the content as readable bytes: {@code record} itself, or a new buffer owned by the caller
     * @throws TlsException as {@link #open(ByteBuf)}; no new buffer is left allocated
     */
    ByteBuf open(ByteBuf record, ByteBufAllocator alloc) throws TlsException;

    /** @return the real content type of the record last opened */
    ContentType contentType();

    /** Destroys the AEAD and zeroes the IV and nonce. The instance is unusable afterwards. */
    void destroy();

    /**
     * {@link #destroy()} when {@code next} takes over this direction of the connection: the AEAD may hand its
     * cipher state to the next key instead of wiping it ({@link dev.tls13.crypto.Aead#destroyReplacedBy}).
     *
     * @param next the protection installed in this one's place
     */
    void destroyReplacedBy(ReadProtection next);
}
