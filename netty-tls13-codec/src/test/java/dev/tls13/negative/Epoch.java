package dev.tls13.negative;

import dev.tls13.crypto.Aead;
import dev.tls13.crypto.AeadAlgorithm;
import dev.tls13.crypto.JcaCryptoProvider;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One direction's record protection for one traffic secret, built by the hostile peer from a key log
 * line with its own HKDF-Expand-Label (RFC 8446 §7.1, §7.3) and sequence number (§5.3), so a test can
 * seal any inner plaintext (all-zero, a CCS, an overlong one) or open what our side wrote.
 * TLS_AES_128_GCM_SHA256 only: the harness configures both ends with it.
 */
final class Epoch {

    static final String PLAINTEXT = "plaintext";

    final String label;
    private final Aead aead;
    private final byte[] iv;
    long sequenceNumber;

    private Epoch(String label, Aead aead, byte[] iv) {
        this.label = label;
        this.aead = aead;
        this.iv = iv;
    }

    /** The protection of {@code secret} (a SHA-256 traffic secret from the key log). */
    static Epoch of(String label, byte[] secret) {
        byte[] key = expandLabel(secret, "key", 16);
        byte[] iv = expandLabel(secret, "iv", 12);
        Aead aead = JcaCryptoProvider.instance().aead(AeadAlgorithm.AES_128_GCM, key);
        Arrays.fill(key, (byte) 0);
        return new Epoch(label, aead, iv);
    }

    /** RFC 8446 §7.1 HKDF-Expand-Label with an empty context, HKDF-SHA256 (RFC 5869 §2.3). */
    static byte[] expandLabel(byte[] secret, String label, int length) {
        byte[] full = ("tls13 " + label).getBytes(StandardCharsets.US_ASCII);
        byte[] info = new byte[2 + 1 + full.length + 1];
        info[0] = (byte) (length >>> 8);
        info[1] = (byte) length;
        info[2] = (byte) full.length;
        System.arraycopy(full, 0, info, 3, full.length);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] out = new byte[length];
            byte[] t = new byte[0];
            int done = 0;
            for (int i = 1; done < length; i++) {
                mac.update(t);
                mac.update(info);
                mac.update((byte) i);
                t = mac.doFinal();
                int n = Math.min(t.length, length - done);
                System.arraycopy(t, 0, out, done, n);
                done += n;
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private byte[] nonce() {
        byte[] nonce = iv.clone();
        for (int i = 0; i < 8; i++) {
            nonce[11 - i] ^= (byte) (sequenceNumber >>> (8 * i));
        }
        return nonce;
    }

    /** Seals {@code inner} (content, type byte, padding: exactly as given) as one application_data record. */
    byte[] sealInner(byte[] inner) {
        int length = inner.length + aead.tagLength();
        byte[] record = new byte[5 + length];
        record[0] = 0x17;
        record[1] = 0x03;
        record[2] = 0x03;
        record[3] = (byte) (length >>> 8);
        record[4] = (byte) length;
        try {
            aead.seal(nonce(), Arrays.copyOf(record, 5), inner, 0, inner.length, record, 5);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
        sequenceNumber++;
        return record;
    }

    /**
     * Opens one protected record (header included).
     *
     * @return the inner plaintext (content, type, padding), or {@code null} when the tag does not verify
     *         with this epoch (the sequence number then stays)
     */
    byte[] openInner(byte[] record) {
        byte[] out = new byte[record.length - 5 - aead.tagLength()];
        try {
            aead.open(nonce(), Arrays.copyOf(record, 5), record, 5, record.length - 5, out, 0);
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
        sequenceNumber++;
        return out;
    }
}
