package dev.tls13.record;

import dev.tls13.crypto.Aead;
import dev.tls13.crypto.AeadAlgorithm;
import dev.tls13.error.InvalidMessage;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.wire.ContentType;
import io.netty.buffer.ByteBuf;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;

/**
 * The receiving half of the record layer for one key (RFC 8446 §5.2–§5.4): sequence number, nonce,
 * AEAD open, padding and inner content type. Decryption runs in place in the record's own memory and
 * allocates nothing of ours per record: the nonce and AAD arrays are reused.
 *
 * <p>{@link #plaintext()} is the stateless instance used before read keys are installed. Not
 * thread-safe; one per direction and key.
 */
public final class ReadProtection {

    private static final ReadProtection PLAINTEXT = new ReadProtection(null, new byte[AeadAlgorithm.NONCE_LENGTH]);

    private final Aead aead;
    private final byte[] iv;
    private final byte[] nonce = new byte[AeadAlgorithm.NONCE_LENGTH];
    private final byte[] aad = new byte[Records.HEADER_LENGTH];
    private long sequenceNumber;

    private ReadProtection(Aead aead, byte[] iv) {
        this.aead = aead;
        this.iv = iv;
    }

    /** @return the instance for records received before any read key (RFC 8446 §5.1) */
    public static ReadProtection plaintext() {
        return PLAINTEXT;
    }

    /**
     * Installs a read key. The {@link Aligned} proof shows that no handshake message spans the key
     * change (RFC 8446 §5.1).
     *
     * @param aligned proof from {@link HandshakeJoiner#aligned()}
     * @param aead the AEAD of the key; owned from now on, {@link #destroy()} destroys it
     * @param iv the 12-byte read IV (RFC 8446 §7.3); copied
     * @return the protection, at sequence number 0
     */
    public static ReadProtection install(Aligned aligned, Aead aead, byte[] iv) {
        Objects.requireNonNull(aligned, "aligned");
        Objects.requireNonNull(aead, "aead");
        if (iv.length != AeadAlgorithm.NONCE_LENGTH) {
            throw new IllegalArgumentException("IV must be 12 bytes, got " + iv.length);
        }
        return new ReadProtection(aead, iv.clone());
    }

    /** @return whether this instance decrypts (false for {@link #plaintext()}) */
    public boolean isProtected() {
        return aead != null;
    }

    /** @return the sequence number of the next record (RFC 8446 §5.3) */
    public long sequenceNumber() {
        return sequenceNumber;
    }

    /** For tests: jump to a sequence number (RFC 8446 §5.3 wrap handling). */
    void sequenceNumber(long value) {
        sequenceNumber = value;
    }

    /**
     * Opens one record in place. On return the record's readable bytes are exactly the content: the
     * header, the padding, the inner type and the tag are outside the reader and writer indices.
     *
     * <p>Protected records (outer type application_data) are decrypted; change_cipher_spec and alert
     * records pass in plaintext (RFC 8446 §5: change_cipher_spec is never protected, and a peer that
     * failed before it had keys sends its alert in plaintext); a plaintext handshake record after read
     * keys is refused.
     *
     * @param record a whole record from {@link RecordDeframer} (borrowed; its bytes and indices change)
     * @return the real content type
     * @throws TlsException bad_record_mac when authentication fails; unexpected_message or
     *         record_overflow when the content breaks RFC 8446 §5.1/§5.4
     */
    public ContentType open(ByteBuf record) throws TlsException {
        int start = record.readerIndex();
        int type = record.getUnsignedByte(start);
        int length = record.readableBytes() - Records.HEADER_LENGTH;
        if (aead == null || type != Records.APPLICATION_DATA) {
            return openPlaintext(record, type, length);
        }
        if (sequenceNumber == -1L) {
            // RFC 8446 §5.3: the sequence number must not wrap; 2^64 - 1 records is where we stop.
            throw new TlsException(new TlsFailure.Internal("read sequence number exhausted"));
        }
        int tagLength = aead.tagLength();
        if (length < tagLength) {
            // A record too short for its tag cannot be authenticated: a decryption failure, which
            // RFC 8446 §5.2 answers with bad_record_mac.
            throw new TlsException(new TlsFailure.DecryptFailed());
        }
        record.getBytes(start, aad);
        computeNonce();
        int body = start + Records.HEADER_LENGTH;
        int innerLength = decrypt(record, body, length);
        if (innerLength > Records.MAX_INNER_PLAINTEXT_LENGTH) {
            throw TlsException.invalid(InvalidMessage.RECORD_OVERFLOW,
                    "inner plaintext of " + innerLength + " bytes (RFC 8446 §5.2)");
        }
        int typeIndex = lastNonZero(record, body, innerLength);
        if (typeIndex < 0) {
            throw TlsException.invalid(InvalidMessage.NO_CONTENT_TYPE);
        }
        int innerType = record.getUnsignedByte(typeIndex);
        int contentLength = typeIndex - body;
        if (innerType == Records.CHANGE_CIPHER_SPEC) {
            throw TlsException.misbehaved(PeerMisbehaved.UNEXPECTED_CHANGE_CIPHER_SPEC, "protected (RFC 8446 §5)");
        }
        Records.checkContent(innerType, record, body, contentLength);
        sequenceNumber++;
        record.setIndex(body, typeIndex);
        return ContentType.of(innerType);
    }

    private ContentType openPlaintext(ByteBuf record, int type, int length) throws TlsException {
        if (type == Records.APPLICATION_DATA) {
            if (length > Records.MAX_PLAINTEXT_LENGTH) {
                throw TlsException.invalid(InvalidMessage.RECORD_OVERFLOW,
                        "plaintext record of " + length + " bytes (RFC 8446 §5.1)");
            }
        } else if (type == Records.HANDSHAKE && aead != null) {
            throw TlsException.unexpected("protected record", "plaintext handshake record");
        }
        record.skipBytes(Records.HEADER_LENGTH);
        return ContentType.of(type);
    }

    private int decrypt(ByteBuf record, int body, int length) throws TlsException {
        try {
            if (record.hasArray()) {
                byte[] array = record.array();
                int off = record.arrayOffset() + body;
                return aead.open(nonce, aad, array, off, length, array, off);
            }
            // Direct or composite memory: through this thread's array (see Scratch for why).
            byte[] buf = Scratch.array(length);
            record.getBytes(body, buf, 0, length);
            int n = aead.open(nonce, aad, buf, 0, length, buf, 0);
            record.setBytes(body, buf, 0, n);
            return n;
        } catch (AEADBadTagException e) {
            throw new TlsException(new TlsFailure.DecryptFailed());
        } catch (GeneralSecurityException e) {
            throw TlsException.internal("AEAD open failed", e);
        }
    }

    /** RFC 8446 §5.4: the inner type is the last non-zero byte; everything after it is padding. */
    private static int lastNonZero(ByteBuf record, int body, int innerLength) {
        if (record.hasArray()) {
            byte[] array = record.array();
            int base = record.arrayOffset();
            for (int i = base + body + innerLength - 1; i >= base + body; i--) {
                if (array[i] != 0) {
                    return i - base;
                }
            }
            return -1;
        }
        for (int i = body + innerLength - 1; i >= body; i--) {
            if (record.getByte(i) != 0) {
                return i;
            }
        }
        return -1;
    }

    private void computeNonce() {
        Records.nonce(iv, sequenceNumber, nonce);
    }

    /** Destroys the AEAD and zeroes the IV and nonce. The instance is unusable afterwards. */
    public void destroy() {
        if (aead == null) {
            return;
        }
        aead.destroy();
        Arrays.fill(iv, (byte) 0);
        Arrays.fill(nonce, (byte) 0);
    }
}
