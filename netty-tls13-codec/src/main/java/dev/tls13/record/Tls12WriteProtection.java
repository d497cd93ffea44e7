package dev.tls13.record;

import dev.tls13.crypto.Aead;
import dev.tls13.crypto.AeadAlgorithm;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.wire.ContentType;
import io.netty.buffer.ByteBuf;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;

/**
 * The sending half of a TLS 1.2 AEAD record layer for one key (RFC 5246 §6.2.3.3); see
 * {@link Tls12ReadProtection} for the record format. The explicit nonce of AES-GCM and AES-CCM records is the
 * sequence number (RFC 5288 §3 allows it; it can never repeat under one key). Every record is protected,
 * change_cipher_spec included (only a renegotiation would send one under keys, and we never renegotiate).
 * The content is copied once into the output and encrypted there in place; nonce, AAD and header arrays are
 * reused, so nothing of ours is allocated per record. Not thread-safe.
 */
final class Tls12WriteProtection implements WriteProtection {

    private final Aead aead;
    private final byte[] iv;
    private final int explicitLength;
    private final byte[] nonce = new byte[AeadAlgorithm.NONCE_LENGTH];
    private final byte[] aad = new byte[Tls12ReadProtection.AAD_LENGTH];
    private long sequenceNumber;

    private Tls12WriteProtection(Aead aead, byte[] iv) {
        this.aead = aead;
        this.iv = iv;
        this.explicitLength = Tls12ReadProtection.explicitNonceLength(aead.algorithm());
    }

    static Tls12WriteProtection install(Aead aead, byte[] iv) {
        Objects.requireNonNull(aead, "aead");
        Tls12ReadProtection.checkIv(aead.algorithm(), iv);
        return new Tls12WriteProtection(aead, iv.clone());
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
    public int sealedLength(ContentType type, int length, int maxFragment) {
        checkMaxFragment(maxFragment);
        int records = length / maxFragment + (length % maxFragment == 0 ? 0 : 1);
        return length + records * (Records.HEADER_LENGTH + explicitLength + aead.tagLength());
    }

    @Override
    public int recordLength(ContentType type, int length) {
        return Records.HEADER_LENGTH + explicitLength + length + aead.tagLength();
    }

    @Override
    public void seal(ContentType type, ByteBuf plaintext, ByteBuf out) throws TlsException {
        seal(type, plaintext, plaintext.readableBytes(), out);
    }

    @Override
    public void seal(ContentType type, ByteBuf plaintext, int length, ByteBuf out) throws TlsException {
        if (length < 0 || length > Records.MAX_PLAINTEXT_LENGTH) {
            throw new IllegalArgumentException("record content of " + length + " bytes, limit 2^14");
        }
        if (length > plaintext.readableBytes()) {
            throw new IllegalArgumentException(length + " bytes requested, " + plaintext.readableBytes() + " readable");
        }
        if (sequenceNumber == -1L) {
            // RFC 5246 §6.1: the sequence number must not wrap; 2^64 - 1 records is where we stop.
            throw new TlsException(new TlsFailure.Internal("write sequence number exhausted"));
        }
        int recordLength = explicitLength + length + aead.tagLength();
        out.ensureWritable(Records.HEADER_LENGTH + recordLength);
        int w = out.writerIndex();
        out.setByte(w, type.code());
        out.setShort(w + 1, Records.LEGACY_RECORD_VERSION);
        out.setShort(w + 3, recordLength);
        Tls12ReadProtection.aad(aad, sequenceNumber, type.code(), Records.LEGACY_RECORD_VERSION, length);
        int src = plaintext.readerIndex();
        try {
            if (out.hasArray()) {
                byte[] a = out.array();
                int body = out.arrayOffset() + w + Records.HEADER_LENGTH;
                // The explicit nonce is the sequence number, which the AAD already holds big-endian.
                System.arraycopy(aad, 0, a, body, explicitLength);
                Tls12ReadProtection.nonce(iv, sequenceNumber, a, body, nonce);
                plaintext.getBytes(src, a, body + explicitLength, length);
                aead.seal(nonce, aad, a, body + explicitLength, length, a, body + explicitLength);
            } else {
                byte[] buf = Scratch.array(recordLength);
                System.arraycopy(aad, 0, buf, 0, explicitLength);
                Tls12ReadProtection.nonce(iv, sequenceNumber, buf, 0, nonce);
                plaintext.getBytes(src, buf, explicitLength, length);
                aead.seal(nonce, aad, buf, explicitLength, length, buf, explicitLength);
                out.setBytes(w + Records.HEADER_LENGTH, buf, 0, recordLength);
            }
        } catch (GeneralSecurityException e) {
            throw TlsException.internal("AEAD seal failed", e);
        }
        out.writerIndex(w + Records.HEADER_LENGTH + recordLength);
        plaintext.readerIndex(src + length);
        sequenceNumber++;
    }

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

    /** @return the AEAD */
    Aead aead() {
        return aead;
    }

    @Override
    public void destroy() {
        destroyReplacedBy(null);
    }

    @Override
    public void destroyReplacedBy(WriteProtection next) {
        aead.destroyReplacedBy(Records.aeadOf(next));
        Arrays.fill(iv, (byte) 0);
        Arrays.fill(nonce, (byte) 0);
    }
}
