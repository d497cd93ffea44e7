package dev.tls13.record;

import dev.tls13.crypto.Aead;
import dev.tls13.crypto.AeadAlgorithm;
import dev.tls13.error.InvalidMessage;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.wire.ContentType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;

/**
 * The receiving half of the record layer for one key (RFC 8446 §5.2–§5.4): sequence number, nonce,
 * AEAD open, padding and inner content type. Decryption runs in place in the record's own memory, or
 * for direct records into a new pooled heap buffer where the AEAD is faster out of place; nothing else of
 * ours is allocated per record: the nonce and AAD arrays are reused.
 *
 * <p>{@link #plaintext()} is the stateless instance used before read keys are installed. Not
 * thread-safe; one per direction and key.
 */
final class Tls13ReadProtection implements ReadProtection {

    private static final Tls13ReadProtection PLAINTEXT =
            new Tls13ReadProtection(null, new byte[AeadAlgorithm.NONCE_LENGTH]);

    private final Aead aead;
    private final byte[] iv;
    private final byte[] nonce = new byte[AeadAlgorithm.NONCE_LENGTH];
    private final byte[] aad = new byte[Records.HEADER_LENGTH];
    private long sequenceNumber;
    /** The real type of the record last opened, see {@link #contentType()}. */
    private ContentType contentType;

    private Tls13ReadProtection(Aead aead, byte[] iv) {
        this.aead = aead;
        this.iv = iv;
    }

    /** @return the instance for records received before any read key (RFC 8446 §5.1) */
    static Tls13ReadProtection plaintext() {
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
    static Tls13ReadProtection install(Aligned aligned, Aead aead, byte[] iv) {
        Objects.requireNonNull(aligned, "aligned");
        Objects.requireNonNull(aead, "aead");
        if (iv.length != AeadAlgorithm.NONCE_LENGTH) {
            throw new IllegalArgumentException("IV must be 12 bytes, got " + iv.length);
        }
        return new Tls13ReadProtection(aead, iv.clone());
    }

    /** @return whether this instance decrypts (false for {@link #plaintext()}) */
    @Override
    public boolean isProtected() {
        return aead != null;
    }

    /** @return the sequence number of the next record (RFC 8446 §5.3) */
    @Override
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
    @Override
    public ContentType open(ByteBuf record) throws TlsException {
        open(record, null);
        return contentType;
    }

    /**
     * Opens one record like {@link #open(ByteBuf)}, but a record in memory without an accessible array
     * (direct, as socket reads deliver) is decrypted into a new heap buffer from {@code alloc} when the
     * AEAD is faster out of place ({@link Aead#opensFasterOutOfPlace()}): the JDK's AES-GCM on JDK 18 and
     * later uses its combined AES and GHASH intrinsic only between different arrays, so this saves two of
     * the three copies of the in-place route (into the AEAD's array and back, then back into the record;
     * 16 KiB records opened 1.23x as fast on JDK 25, {@code RecordBenchmark.open}, direct). Heap records
     * stay in place: a pooled allocator often hands out the record's own chunk array, where the JDK's
     * GCM would copy the whole array. The content type is then {@link #contentType()}.
     *
     * @param record a whole record from {@link RecordDeframer} (borrowed, still the caller's on return;
     *        its bytes and indices may change)
     * @param alloc allocates the new buffer; null always opens in place
     * @return the content as readable bytes: {@code record} itself, or a new buffer owned by the caller
     * @throws TlsException as {@link #open(ByteBuf)}; no new buffer is left allocated
     */
    @Override
    public ByteBuf open(ByteBuf record, ByteBufAllocator alloc) throws TlsException {
        int start = record.readerIndex();
        int length = record.readableBytes() - Records.HEADER_LENGTH;
        // A heap record is read on its array, fetched once: each array()/arrayOffset()/getByte() call of a
        // (sliced) buffer checks its reference count, about 5% of a 1 KiB record's round trip on JDK 17 (JFR).
        byte[] array = record.hasArray() ? record.array() : null;
        int base = array == null ? 0 : record.arrayOffset();
        int type = array == null ? record.getUnsignedByte(start) : array[base + start] & 0xFF;
        if (aead == null || type != Records.APPLICATION_DATA) {
            contentType = openPlaintext(record, type, length);
            return record;
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
        if (array == null) {
            record.getBytes(start, aad);
        } else {
            System.arraycopy(array, base + start, aad, 0, Records.HEADER_LENGTH);
        }
        computeNonce();
        int body = start + Records.HEADER_LENGTH;
        ByteBuf target = array != null || alloc == null ? null : outOfPlaceTarget(alloc, length - tagLength);
        try {
            ByteBuf content;
            int from;
            int innerLength;
            if (array != null) {
                innerLength = aeadOpen(array, base + body, length, array, base + body);
                content = record;
                from = body;
            } else if (target == null) {
                innerLength = decrypt(record, body, length);
                content = record;
                from = body;
            } else {
                innerLength = decryptInto(record, body, length, target);
                content = target;
                from = 0;
            }
            if (innerLength > Records.MAX_INNER_PLAINTEXT_LENGTH) {
                throw TlsException.invalid(InvalidMessage.RECORD_OVERFLOW,
                        "inner plaintext of " + innerLength + " bytes (RFC 8446 §5.2)");
            }
            int typeIndex;
            int innerType;
            if (array != null) {
                typeIndex = lastNonZero(array, base, from, innerLength);
                innerType = typeIndex < 0 ? 0 : array[base + typeIndex] & 0xFF;
            } else {
                typeIndex = lastNonZero(content, from, innerLength);
                innerType = typeIndex < 0 ? 0 : content.getUnsignedByte(typeIndex);
            }
            if (typeIndex < 0) {
                throw TlsException.invalid(InvalidMessage.NO_CONTENT_TYPE);
            }
            int contentLength = typeIndex - from;
            if (innerType == Records.CHANGE_CIPHER_SPEC) {
                throw TlsException.misbehaved(PeerMisbehaved.UNEXPECTED_CHANGE_CIPHER_SPEC,
                        "protected (RFC 8446 §5)");
            }
            Records.checkContent(innerType, content, from, contentLength);
            sequenceNumber++;
            content.setIndex(from, typeIndex);
            contentType = ContentType.of(innerType);
            target = null;
            return content;
        } finally {
            if (target != null) {
                target.release();
            }
        }
    }

    /** @return the real content type of the record last opened */
    @Override
    public ContentType contentType() {
        return contentType;
    }

    /** A new heap buffer for the plaintext of a record without an array if decrypting out of place pays, else null. */
    private ByteBuf outOfPlaceTarget(ByteBufAllocator alloc, int capacity) {
        if (!aead.opensFasterOutOfPlace()) {
            return null;
        }
        ByteBuf target = alloc.heapBuffer(capacity);
        if (!target.hasArray()) {
            target.release();
            return null;
        }
        return target;
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
        // Direct or composite memory (heap records are opened on their array): through this thread's array
        // (see Scratch for why).
        byte[] buf = Scratch.array(length);
        record.getBytes(body, buf, 0, length);
        int n = aeadOpen(buf, 0, length, buf, 0);
        record.setBytes(body, buf, 0, n);
        return n;
    }

    /**
     * Decrypts a record without an accessible array out of place: into this thread's array first (see
     * Scratch for why), from there into {@code target}'s array from its index 0.
     */
    private int decryptInto(ByteBuf record, int body, int length, ByteBuf target) throws TlsException {
        byte[] in = Scratch.array(length);
        record.getBytes(body, in, 0, length);
        int n = aeadOpen(in, 0, length, target.array(), target.arrayOffset());
        target.writerIndex(n);
        return n;
    }

    /** The AEAD's open with the nonce and header of this record; an authentication failure is bad_record_mac. */
    private int aeadOpen(byte[] in, int inOff, int length, byte[] out, int outOff) throws TlsException {
        try {
            return aead.open(nonce, aad, in, inOff, length, out, outOff);
        } catch (AEADBadTagException e) {
            throw new TlsException(new TlsFailure.DecryptFailed());
        } catch (GeneralSecurityException e) {
            throw TlsException.internal("AEAD open failed", e);
        }
    }

    /**
     * RFC 8446 §5.4: the inner type is the last non-zero byte; everything after it is padding.
     *
     * @return the index of that byte in {@code content}, or -1 if all are zero
     */
    private static int lastNonZero(ByteBuf content, int body, int innerLength) {
        if (content.hasArray()) {
            return lastNonZero(content.array(), content.arrayOffset(), body, innerLength);
        }
        for (int i = body + innerLength - 1; i >= body; i--) {
            if (content.getByte(i) != 0) {
                return i;
            }
        }
        return -1;
    }

    /** {@link #lastNonZero(ByteBuf, int, int)} on a heap buffer's array, at its {@code arrayOffset} base. */
    private static int lastNonZero(byte[] array, int base, int body, int innerLength) {
        for (int i = base + body + innerLength - 1; i >= base + body; i--) {
            if (array[i] != 0) {
                return i - base;
            }
        }
        return -1;
    }

    private void computeNonce() {
        Records.nonce(iv, sequenceNumber, nonce);
    }

    /** Destroys the AEAD and zeroes the IV and nonce. The instance is unusable afterwards. */
    /** @return the AEAD, {@code null} for the plaintext instances */
    Aead aead() {
        return aead;
    }

    @Override
    public void destroy() {
        destroyReplacedBy(null);
    }

    @Override
    public void destroyReplacedBy(ReadProtection next) {
        if (aead == null) {
            return;
        }
        aead.destroyReplacedBy(Records.aeadOf(next));
        Arrays.fill(iv, (byte) 0);
        Arrays.fill(nonce, (byte) 0);
    }
}
