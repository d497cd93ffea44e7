package dev.tls13.record;

import dev.tls13.crypto.Aead;
import dev.tls13.crypto.AeadAlgorithm;
import dev.tls13.error.InvalidMessage;
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
 * The receiving half of a TLS 1.2 AEAD record layer for one key (RFC 5246 §6.2.3.3): the outer type is the
 * real type, {@code additional_data = seq_num ‖ type ‖ version ‖ length} with the plaintext length, and the
 * nonce is {@code salt ‖ explicit_nonce} with the 8-byte explicit part in front of the ciphertext for
 * AES-GCM (RFC 5288 §3) and AES-CCM (RFC 6655 §3), or {@code IV XOR seq_num} with no explicit part for
 * ChaCha20-Poly1305 (RFC 7905 §2). Every record is protected once installed, change_cipher_spec and alerts
 * too. Decryption runs in place; the nonce and AAD arrays are reused. Not thread-safe.
 */
final class Tls12ReadProtection implements ReadProtection {

    /** The explicit nonce of AES-GCM and AES-CCM records (RFC 5288 §3, RFC 6655 §3). */
    static final int EXPLICIT_NONCE_LENGTH = 8;
    /** The implicit salt of AES-GCM and AES-CCM (client/server_write_IV, RFC 5288 §3). */
    static final int SALT_LENGTH = 4;
    /** additional_data: seq_num (8), type (1), version (2), length (2) (RFC 5246 §6.2.3.3). */
    static final int AAD_LENGTH = 13;

    private final Aead aead;
    private final byte[] iv;
    private final int explicitLength;
    private final byte[] nonce = new byte[AeadAlgorithm.NONCE_LENGTH];
    private final byte[] aad = new byte[AAD_LENGTH];
    private long sequenceNumber;
    private ContentType contentType;

    private Tls12ReadProtection(Aead aead, byte[] iv) {
        this.aead = aead;
        this.iv = iv;
        this.explicitLength = explicitNonceLength(aead.algorithm());
    }

    static Tls12ReadProtection install(Aligned aligned, Aead aead, byte[] iv) {
        Objects.requireNonNull(aligned, "aligned");
        Objects.requireNonNull(aead, "aead");
        checkIv(aead.algorithm(), iv);
        return new Tls12ReadProtection(aead, iv.clone());
    }

    /** @return 0 for ChaCha20-Poly1305 (RFC 7905 §2), else 8 (RFC 5288 §3, RFC 6655 §3) */
    static int explicitNonceLength(AeadAlgorithm algorithm) {
        return algorithm == AeadAlgorithm.CHACHA20_POLY1305 ? 0 : EXPLICIT_NONCE_LENGTH;
    }

    /** The write IV of the key block: 12 bytes for ChaCha20-Poly1305 (RFC 7905 §2), else the 4-byte salt. */
    static void checkIv(AeadAlgorithm algorithm, byte[] iv) {
        int expected = algorithm == AeadAlgorithm.CHACHA20_POLY1305 ? AeadAlgorithm.NONCE_LENGTH : SALT_LENGTH;
        if (iv.length != expected) {
            throw new IllegalArgumentException("TLS 1.2 " + algorithm + " IV must be " + expected + " bytes, got "
                    + iv.length);
        }
    }

    /**
     * The per-record nonce: {@code salt ‖ explicit} when the record carries an explicit part, else
     * {@code IV XOR seq_num} (RFC 7905 §2, the TLS 1.3 construction).
     */
    static void nonce(byte[] iv, long sequenceNumber, byte[] explicit, int explicitOffset, byte[] nonce) {
        if (iv.length == SALT_LENGTH) {
            System.arraycopy(iv, 0, nonce, 0, SALT_LENGTH);
            System.arraycopy(explicit, explicitOffset, nonce, SALT_LENGTH, EXPLICIT_NONCE_LENGTH);
        } else {
            Records.nonce(iv, sequenceNumber, nonce);
        }
    }

    /** RFC 5246 §6.2.3.3: {@code seq_num ‖ TLSCompressed.type ‖ TLSCompressed.version ‖ TLSCompressed.length}. */
    static void aad(byte[] aad, long sequenceNumber, int type, int version, int length) {
        for (int i = 7; i >= 0; i--) {
            aad[i] = (byte) sequenceNumber;
            sequenceNumber >>>= 8;
        }
        aad[8] = (byte) type;
        aad[9] = (byte) (version >>> 8);
        aad[10] = (byte) version;
        aad[11] = (byte) (length >>> 8);
        aad[12] = (byte) length;
    }

    @Override
    public boolean isProtected() {
        return true;
    }

    @Override
    public long sequenceNumber() {
        return sequenceNumber;
    }

    /** For tests: jump to a sequence number. */
    void sequenceNumber(long value) {
        sequenceNumber = value;
    }

    @Override
    public ContentType open(ByteBuf record) throws TlsException {
        open(record, null);
        return contentType;
    }

    /**
     * Opens one record in place; {@code alloc} is not used (TLS 1.2 records are always opened in their own
     * memory, or through the per-thread array for memory without one).
     */
    @Override
    public ByteBuf open(ByteBuf record, ByteBufAllocator alloc) throws TlsException {
        int start = record.readerIndex();
        int length = record.readableBytes() - Records.HEADER_LENGTH;
        int type = record.getUnsignedByte(start);
        int version = record.getUnsignedShort(start + 1);
        if (sequenceNumber == -1L) {
            // RFC 5246 §6.1: the sequence number must not wrap; 2^64 - 1 records is where we stop.
            throw new TlsException(new TlsFailure.Internal("read sequence number exhausted"));
        }
        int tagLength = aead.tagLength();
        int plaintextLength = length - explicitLength - tagLength;
        if (plaintextLength < 0) {
            // Too short for its explicit nonce and tag: cannot be authenticated (RFC 5246 §6.2.3.3, bad_record_mac).
            throw new TlsException(new TlsFailure.DecryptFailed());
        }
        if (plaintextLength > Records.MAX_PLAINTEXT_LENGTH) {
            throw TlsException.invalid(InvalidMessage.RECORD_OVERFLOW,
                    "TLS 1.2 plaintext of " + plaintextLength + " bytes (RFC 5246 §6.2.1)");
        }
        int body = start + Records.HEADER_LENGTH;
        int cipherStart = body + explicitLength;
        int cipherLength = length - explicitLength;
        // The header's version goes into the AAD as received: a record whose version was changed on the way
        // fails authentication.
        aad(aad, sequenceNumber, type, version, plaintextLength);
        int n;
        if (record.hasArray()) {
            byte[] array = record.array();
            int base = record.arrayOffset();
            nonce(iv, sequenceNumber, array, base + body, nonce);
            n = aeadOpen(array, base + cipherStart, cipherLength, array, base + cipherStart);
        } else {
            byte[] buf = Scratch.array(length);
            record.getBytes(body, buf, 0, length);
            nonce(iv, sequenceNumber, buf, 0, nonce);
            n = aeadOpen(buf, explicitLength, cipherLength, buf, explicitLength);
            record.setBytes(cipherStart, buf, explicitLength, n);
        }
        Records.checkContent(type, record, cipherStart, n);
        sequenceNumber++;
        record.setIndex(cipherStart, cipherStart + n);
        contentType = ContentType.of(type);
        return record;
    }

    private int aeadOpen(byte[] in, int inOff, int length, byte[] out, int outOff) throws TlsException {
        try {
            return aead.open(nonce, aad, in, inOff, length, out, outOff);
        } catch (AEADBadTagException e) {
            throw new TlsException(new TlsFailure.DecryptFailed());
        } catch (GeneralSecurityException e) {
            throw TlsException.internal("AEAD open failed", e);
        }
    }

    @Override
    public ContentType contentType() {
        return contentType;
    }

    /** @return the AEAD */
    Aead aead() {
        return aead;
    }

    @Override
    public void destroy() {
        destroyReplacedBy(null);
    }

    @Override
    public void destroyReplacedBy(ReadProtection next) {
        aead.destroyReplacedBy(Records.aeadOf(next));
        Arrays.fill(iv, (byte) 0);
        Arrays.fill(nonce, (byte) 0);
    }
}
