package dev.tls13.record;

import dev.tls13.crypto.Aead;
import dev.tls13.error.InvalidMessage;
import dev.tls13.error.TlsException;
import dev.tls13.wire.ContentType;
import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Sizes of the TLS 1.3 record layer (RFC 8446 §5) and helpers shared by its classes. */
public final class Records {

    /** Length of the record header: type, legacy_record_version, length (RFC 8446 §5.1). */
    public static final int HEADER_LENGTH = 5;
    /** Largest TLSPlaintext.fragment and TLSInnerPlaintext.content, 2^14 (RFC 8446 §5.1, §5.4). */
    public static final int MAX_PLAINTEXT_LENGTH = 1 << 14;
    /** Largest encoded TLSInnerPlaintext: content, type and padding, 2^14 + 1 (RFC 8446 §5.4). */
    public static final int MAX_INNER_PLAINTEXT_LENGTH = MAX_PLAINTEXT_LENGTH + 1;
    /** Largest TLSCiphertext.encrypted_record, 2^14 + 256 (RFC 8446 §5.2). */
    public static final int MAX_CIPHERTEXT_LENGTH = MAX_PLAINTEXT_LENGTH + 256;
    /** legacy_record_version of every record we send but the initial ClientHello (RFC 8446 §5.1). */
    public static final int LEGACY_RECORD_VERSION = 0x0303;
    /** legacy_record_version an initial ClientHello may carry for compatibility (RFC 8446 §5.1). */
    public static final int INITIAL_LEGACY_RECORD_VERSION = 0x0301;

    static final int CHANGE_CIPHER_SPEC = 0x14;
    static final int ALERT = 0x15;
    static final int HANDSHAKE = 0x16;
    static final int APPLICATION_DATA = 0x17;

    private static final VarHandle LONG_BIG_ENDIAN =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Records() {
    }

    /**
     * The content type in a record's header.
     *
     * @param record a whole record as {@link RecordDeframer} returns it, reader index at the header
     * @return the (outer) content type
     */
    public static ContentType contentType(ByteBuf record) {
        return ContentType.of(record.getUnsignedByte(record.readerIndex()));
    }

    /**
     * The rules for the content of one record of a known type, protected or not: RFC 8446 §5.1 (no
     * zero-length handshake fragments, one whole alert per record, change_cipher_spec is the byte 1)
     * and §5.4 (no zero-length handshake or alert content).
     */
    static void checkContent(int type, ByteBuf buf, int index, int length) throws TlsException {
        switch (type) {
            case HANDSHAKE:
                if (length == 0) {
                    throw TlsException.invalid(InvalidMessage.EMPTY_HANDSHAKE_RECORD);
                }
                break;
            case ALERT:
                if (length == 0) {
                    throw TlsException.invalid(InvalidMessage.EMPTY_ALERT_RECORD);
                }
                if (length != 2) {
                    throw TlsException.invalid(InvalidMessage.BAD_ALERT, length + " bytes");
                }
                break;
            case CHANGE_CIPHER_SPEC:
                if (length != 1 || buf.getByte(index) != 1) {
                    throw TlsException.invalid(InvalidMessage.BAD_CHANGE_CIPHER_SPEC);
                }
                break;
            case APPLICATION_DATA:
                break;
            default:
                throw TlsException.invalid(InvalidMessage.UNKNOWN_CONTENT_TYPE, ContentType.of(type).toString());
        }
    }

    static boolean isKnownType(int type) {
        return type >= CHANGE_CIPHER_SPEC && type <= APPLICATION_DATA;
    }

    /**
     * RFC 8446 §5.3: the per-record nonce is the 64-bit sequence number, big-endian and left-padded
     * to the IV length, XORed into the IV. Writes into {@code nonce} so nothing is allocated per record.
     */
    static void nonce(byte[] iv, long sequenceNumber, byte[] nonce) {
        int tail = iv.length - 8;
        System.arraycopy(iv, 0, nonce, 0, tail);
        // One 64-bit big-endian XOR instead of a loop over eight bytes: this runs twice per record.
        LONG_BIG_ENDIAN.set(nonce, tail, (long) LONG_BIG_ENDIAN.get(iv, tail) ^ sequenceNumber);
    }

    /** @return the AEAD of a record protection, or {@code null} for plaintext or none (for a key handover) */
    static Aead aeadOf(WriteProtection protection) {
        if (protection instanceof Tls13WriteProtection p) {
            return p.aead();
        }
        return protection instanceof Tls12WriteProtection p ? p.aead() : null;
    }

    /** @return the AEAD of a record protection, or {@code null} for plaintext or none (for a key handover) */
    static Aead aeadOf(ReadProtection protection) {
        if (protection instanceof Tls13ReadProtection p) {
            return p.aead();
        }
        return protection instanceof Tls12ReadProtection p ? p.aead() : null;
    }
}
