package dev.tls13.record;

import dev.tls13.crypto.Aead;
import dev.tls13.crypto.AeadAlgorithm;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.wire.ContentType;
import io.netty.buffer.ByteBuf;
import io.netty.util.internal.PlatformDependent;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;

/**
 * The sending half of the record layer for one key (RFC 8446 §5.1–§5.4): writes whole records
 * straight into the output buffer. For a protected record whose plaintext is on the heap, the AEAD
 * reads it from its own array and writes the ciphertext into the output, with the inner type and the
 * padding as a second input; other plaintext is copied once into the output and encrypted there in
 * place. The nonce and header arrays are reused, so nothing of ours is allocated per record.
 *
 * <p>{@link #plaintext()} writes unprotected records (ClientHello, ServerHello, alerts before keys).
 * change_cipher_spec records are written in plaintext by every instance (RFC 8446 §5) and do not use a
 * sequence number. Not thread-safe; one per direction and key.
 */
final class Tls13WriteProtection implements WriteProtection {

    private static final Tls13WriteProtection PLAINTEXT = new Tls13WriteProtection(null, null, PaddingPolicy.none(),
            Records.LEGACY_RECORD_VERSION);
    private static final Tls13WriteProtection INITIAL_PLAINTEXT = new Tls13WriteProtection(null, null,
            PaddingPolicy.none(), Records.INITIAL_LEGACY_RECORD_VERSION);

    /**
     * Whether direct content may be copied by its memory address. Netty reports addresses without
     * {@code sun.misc.Unsafe} too (JDK 25 by default), but then cannot copy from them: getBytes() is the
     * way there.
     */
    private static final boolean COPY_BY_ADDRESS = PlatformDependent.hasUnsafe();

    private final Aead aead;
    private final byte[] iv;
    private final PaddingPolicy padding;
    private final int legacyVersion;
    private final byte[] nonce = new byte[AeadAlgorithm.NONCE_LENGTH];
    private final byte[] header = new byte[Records.HEADER_LENGTH];
    /** The content type and zero padding after the content; only byte 0 is ever written. */
    private byte[] trailer = new byte[1];
    private long sequenceNumber;

    private Tls13WriteProtection(Aead aead, byte[] iv, PaddingPolicy padding, int legacyVersion) {
        this.aead = aead;
        this.iv = iv;
        this.padding = padding;
        this.legacyVersion = legacyVersion;
    }

    /** @return the writer of unprotected records with legacy_record_version 0x0303 (RFC 8446 §5.1) */
    static Tls13WriteProtection plaintext() {
        return PLAINTEXT;
    }

    /**
     * @return the writer of unprotected records with legacy_record_version 0x0301, which RFC 8446 §5.1
     *         allows for the initial ClientHello for compatibility with old middleboxes
     */
    static Tls13WriteProtection initialPlaintext() {
        return INITIAL_PLAINTEXT;
    }

    /**
     * Installs a write key without padding.
     *
     * @param aead the AEAD of the key; owned from now on, {@link #destroy()} destroys it
     * @param iv the 12-byte write IV (RFC 8446 §7.3); copied
     * @return the protection, at sequence number 0
     */
    static Tls13WriteProtection install(Aead aead, byte[] iv) {
        return install(aead, iv, PaddingPolicy.none());
    }

    /**
     * Installs a write key.
     *
     * @param aead the AEAD of the key; owned from now on, {@link #destroy()} destroys it
     * @param iv the 12-byte write IV (RFC 8446 §7.3); copied
     * @param padding how to pad records (RFC 8446 §5.4)
     * @return the protection, at sequence number 0
     */
    static Tls13WriteProtection install(Aead aead, byte[] iv, PaddingPolicy padding) {
        Objects.requireNonNull(aead, "aead");
        Objects.requireNonNull(padding, "padding");
        if (iv.length != AeadAlgorithm.NONCE_LENGTH) {
            throw new IllegalArgumentException("IV must be 12 bytes, got " + iv.length);
        }
        return new Tls13WriteProtection(aead, iv.clone(), padding, Records.LEGACY_RECORD_VERSION);
    }

    /** @return whether this instance encrypts (false for the plaintext writers) */
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
     * The size of the records {@link #sealFragmented} writes, so a caller can size one output buffer
     * for a whole flush.
     *
     * @param type the content type
     * @param length the plaintext length
     * @param maxFragment the largest content per record, 1 to 2^14
     * @return the number of bytes written for {@code length} bytes of {@code type}
     */
    @Override
    public int sealedLength(ContentType type, int length, int maxFragment) {
        checkMaxFragment(maxFragment);
        if (length <= maxFragment) {
            // One record, the common case of a write per flush: no loop, one padding decision.
            return length == 0 ? 0 : recordLength(type, length);
        }
        int total = 0;
        int left = length;
        while (left > 0) {
            int n = Math.min(left, maxFragment);
            total += recordLength(type, n);
            left -= n;
        }
        return total;
    }

    /**
     * The size of one record holding {@code length} content bytes.
     *
     * @param type the content type
     * @param length the content length, 0 to 2^14
     * @return header, ciphertext and tag (or header and content when unprotected)
     */
    @Override
    public int recordLength(ContentType type, int length) {
        if (aead == null) {
            return Records.HEADER_LENGTH + length;
        }
        return Records.HEADER_LENGTH + length + 1 + paddingFor(type, length) + aead.tagLength();
    }

    /**
     * Writes all readable bytes of {@code plaintext} as one record.
     *
     * @param type the content type
     * @param plaintext the content (borrowed), at most 2^14 readable bytes; its reader index advances
     * @param out where the record goes (borrowed); grown once as needed
     * @throws TlsException (internal_error) when the sequence number is exhausted or the provider fails
     * @throws IllegalArgumentException when the content is longer than 2^14 bytes
     */
    @Override
    public void seal(ContentType type, ByteBuf plaintext, ByteBuf out) throws TlsException {
        seal(type, plaintext, plaintext.readableBytes(), out);
    }

    /**
     * Writes the next {@code length} bytes of {@code plaintext} as one record.
     *
     * @param type the content type
     * @param plaintext the content (borrowed); its reader index advances by {@code length}
     * @param length the content length, 0 to 2^14
     * @param out where the record goes (borrowed); grown once as needed
     * @throws TlsException (internal_error) when the sequence number is exhausted or the provider fails
     * @throws IllegalArgumentException when {@code length} exceeds 2^14 or the readable bytes
     */
    @Override
    public void seal(ContentType type, ByteBuf plaintext, int length, ByteBuf out) throws TlsException {
        if (length < 0 || length > Records.MAX_PLAINTEXT_LENGTH) {
            throw new IllegalArgumentException("record content of " + length + " bytes, limit 2^14");
        }
        if (length > plaintext.readableBytes()) {
            throw new IllegalArgumentException(length + " bytes requested, " + plaintext.readableBytes() + " readable");
        }
        if (aead == null || type.code() == Records.CHANGE_CIPHER_SPEC) {
            // RFC 8446 §5: change_cipher_spec records are never protected, even after keys.
            writePlain(type, plaintext, length, out);
        } else {
            writeProtected(type, plaintext, length, out);
        }
    }

    /**
     * Writes all readable bytes of {@code plaintext} as records of at most {@code maxFragment} bytes
     * (RFC 8446 §5.1 fragmentation); nothing for an empty input.
     *
     * @param type the content type
     * @param plaintext the content (borrowed); its reader index advances to the writer index
     * @param maxFragment the largest content per record, 1 to 2^14
     * @param out where the records go (borrowed)
     * @throws TlsException (internal_error) when the sequence number is exhausted or the provider fails
     */
    @Override
    public void sealFragmented(ContentType type, ByteBuf plaintext, int maxFragment, ByteBuf out)
            throws TlsException {
        checkMaxFragment(maxFragment);
        out.ensureWritable(sealedLength(type, plaintext.readableBytes(), maxFragment));
        while (plaintext.isReadable()) {
            seal(type, plaintext, Math.min(plaintext.readableBytes(), maxFragment), out);
        }
    }

    private static void checkMaxFragment(int maxFragment) {
        if (maxFragment < 1 || maxFragment > Records.MAX_PLAINTEXT_LENGTH) {
            throw new IllegalArgumentException("max fragment out of range: " + maxFragment);
        }
    }

    private int paddingFor(ContentType type, int length) {
        int pad = padding.paddingLength(type, length);
        // RFC 8446 §5.4: padding does not lift the 2^14 + 1 limit of the TLSInnerPlaintext.
        return Math.max(0, Math.min(pad, Records.MAX_PLAINTEXT_LENGTH - length));
    }

    private void writePlain(ContentType type, ByteBuf plaintext, int length, ByteBuf out) {
        out.ensureWritable(Records.HEADER_LENGTH + length);
        out.writeByte(type.code());
        out.writeShort(legacyVersion);
        out.writeShort(length);
        out.writeBytes(plaintext, length);
    }

    private void writeProtected(ContentType type, ByteBuf plaintext, int length, ByteBuf out) throws TlsException {
        if (sequenceNumber == -1L) {
            // RFC 8446 §5.3: the sequence number must not wrap; 2^64 - 1 records is where we stop.
            throw new TlsException(new TlsFailure.Internal("write sequence number exhausted"));
        }
        int tagLength = aead.tagLength();
        int pad = paddingFor(type, length);
        int innerLength = length + 1 + pad;
        int recordLength = innerLength + tagLength;
        if (out.writableBytes() < Records.HEADER_LENGTH + recordLength) {
            // Usually sized for the whole flush already (sealFragmented, TlsConnection): writableBytes()
            // is a plain subtraction, ensureWritable() would check the reference count again.
            out.ensureWritable(Records.HEADER_LENGTH + recordLength);
        }
        // RFC 8446 §5.2: opaque_type application_data, legacy_record_version 0x0303; the header is the AAD.
        header[0] = Records.APPLICATION_DATA;
        header[1] = 0x03;
        header[2] = 0x03;
        header[3] = (byte) (recordLength >>> 8);
        header[4] = (byte) recordLength;
        computeNonce();
        int w = out.writerIndex();
        int body = w + Records.HEADER_LENGTH;
        int src = plaintext.readerIndex();
        try {
            if (out.hasArray()) {
                // Each array()/arrayOffset() call checks the buffer's reference count: fetched once.
                byte[] a = out.array();
                int recordStart = out.arrayOffset() + w;
                int off = recordStart + Records.HEADER_LENGTH;
                System.arraycopy(header, 0, a, recordStart, Records.HEADER_LENGTH);
                byte[] p = plaintext.hasArray() ? plaintext.array() : null;
                int pOff = p == null ? 0 : plaintext.arrayOffset() + src;
                if (p != null && sealableApart(p, pOff, a, recordStart, Records.HEADER_LENGTH + recordLength)) {
                    // Heap to heap: sealed straight from the content's array, no copy of it into the record.
                    aead.seal(nonce, header, p, pOff, length, trailer(type, pad), 1 + pad, a, off);
                } else {
                    if (p != null) {
                        System.arraycopy(p, pOff, a, off, length);
                    } else if (COPY_BY_ADDRESS && plaintext.hasMemoryAddress()) {
                        // Direct memory, as Netty's default allocator gives: getBytes() through a derived
                        // buffer checks the reference count and bounds at every layer (about 2% of a 1 KiB
                        // record's round trip on JDK 17, JFR); seal() has checked the length already.
                        PlatformDependent.copyMemory(plaintext.memoryAddress() + src, a, off, length);
                    } else {
                        plaintext.getBytes(src, a, off, length);
                    }
                    a[off + length] = (byte) type.code();
                    Arrays.fill(a, off + length + 1, off + innerLength, (byte) 0);
                    aead.seal(nonce, header, a, off, innerLength, a, off);
                }
            } else {
                // Direct or composite memory: through this thread's array (see Scratch for why).
                byte[] buf = Scratch.array(recordLength);
                plaintext.getBytes(src, buf, 0, length);
                buf[length] = (byte) type.code();
                Arrays.fill(buf, length + 1, innerLength, (byte) 0);
                aead.seal(nonce, header, buf, 0, innerLength, buf, 0);
                out.setBytes(w, header);
                out.setBytes(body, buf, 0, recordLength);
            }
        } catch (GeneralSecurityException e) {
            throw TlsException.internal("AEAD seal failed", e);
        }
        out.writerIndex(body + recordLength);
        // Not skipBytes(), which checks the reference count again; seal() checked the length.
        plaintext.readerIndex(src + length);
        sequenceNumber++;
    }

    /**
     * Whether content starting at {@code a[aOff]} can be sealed straight into a record at
     * {@code b[bOff, bOff + bLen)}: different arrays, or (pooled heap buffers of one chunk share an array)
     * the content after the record. Content before the record in the same array must not go this way: the
     * JDK's AES-GCM (17 and 25) then encrypts into a fresh array as long as the whole shared array (4 MiB
     * for a pooled chunk, measured with -prof gc) and copies it back.
     */
    private static boolean sealableApart(byte[] a, int aOff, byte[] b, int bOff, int bLen) {
        return a != b || aOff >= bOff + bLen;
    }

    /** The type byte and {@code pad} zeros that end a TLSInnerPlaintext (RFC 8446 §5.2). */
    private byte[] trailer(ContentType type, int pad) {
        byte[] t = trailer;
        if (t.length < 1 + pad) {
            t = new byte[1 + pad];
            trailer = t;
        }
        t[0] = (byte) type.code();
        return t;
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
    public void destroyReplacedBy(WriteProtection next) {
        if (aead == null) {
            return;
        }
        aead.destroyReplacedBy(Records.aeadOf(next));
        Arrays.fill(iv, (byte) 0);
        Arrays.fill(nonce, (byte) 0);
    }
}
