package dev.tls13.tls12;

import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.HashAlgorithm;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;

/**
 * The TLS 1.2 handshake transcript: a running hash with the PRF hash (RFC 5246 §7.4.9) and, until the client's
 * CertificateVerify is decided, the messages themselves, which a TLS 1.2 CertificateVerify signs directly
 * (RFC 5246 §7.4.8). Bounded by the handshake message limits of the driver.
 */
final class Tls12Transcript {

    private final MessageDigest digest;
    private ByteArrayOutputStream messages = new ByteArrayOutputStream();

    Tls12Transcript(CryptoProvider crypto, HashAlgorithm hash) {
        this.digest = crypto.digest(hash);
    }

    void add(byte[] bytes, int offset, int length) {
        digest.update(bytes, offset, length);
        if (messages != null) {
            messages.write(bytes, offset, length);
        }
    }

    void add(byte[] bytes) {
        add(bytes, 0, bytes.length);
    }

    /** @return the hash of everything added so far; the running hash goes on */
    byte[] currentHash() {
        try {
            return ((MessageDigest) digest.clone()).digest();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("digest cannot be cloned: " + digest.getAlgorithm(), e);
        }
    }

    /** @return every message added so far, for a CertificateVerify */
    byte[] messages() {
        return messages.toByteArray();
    }

    /** Stops keeping the messages themselves. */
    void dropMessages() {
        messages = null;
    }
}
