package dev.tls13.keys;

import dev.tls13.crypto.HashAlgorithm;
import java.util.Arrays;
import javax.security.auth.Destroyable;

/**
 * exporter_master_secret or early_exporter_master_secret (RFC 8446 §7.1), from which keying
 * material exporters (RFC 8446 §7.5, RFC 5705) are derived. Not thread-safe; confined to the
 * connection's thread. {@link #toString()} never shows the secret.
 */
public final class ExporterSecret implements Destroyable {

    private final KeyDerivation derivation;
    private final boolean early;
    private final SecretBytes secret;

    /** Takes ownership of {@code secret}. */
    ExporterSecret(KeyDerivation derivation, boolean early, byte[] secret) {
        HkdfLabel.checkLength(secret, derivation.hashLength(), "exporter secret");
        this.derivation = derivation;
        this.early = early;
        this.secret = new SecretBytes(secret);
    }

    /** @return whether this is the early_exporter_master_secret (0-RTT) rather than the exporter_master_secret */
    public boolean isEarly() {
        return early;
    }

    /** @return the cipher suite's hash */
    public HashAlgorithm hash() {
        return derivation.hash();
    }

    /**
     * TLS-Exporter(label, context_value, key_length) of RFC 8446 §7.5:
     * {@code HKDF-Expand-Label(Derive-Secret(Secret, label, ""), "exporter", Hash(context_value), key_length)}.
     * RFC 8446 §7.5 makes an absent context the same as an empty one.
     *
     * @param label the exporter label (RFC 5705 §4), printable ASCII, 1 to 249 characters
     * @param context the context value, possibly empty
     * @param length the number of bytes to export, at most 255 * HashLen
     * @return the keying material, owned by the caller
     * @throws IllegalArgumentException if an argument is out of range
     */
    public byte[] export(String label, byte[] context, int length) {
        byte[] fullLabel = HkdfLabel.label(label);
        if (length < 0 || length > 255 * derivation.hashLength()) {
            throw new IllegalArgumentException("export length out of range: " + length);
        }
        byte[] s = secret.get();
        byte[] contextHash = derivation.digest(context);
        byte[] perLabel = derivation.deriveSecretEmpty(s, fullLabel);
        try {
            return derivation.expandLabel(perLabel, HkdfLabel.EXPORTER, contextHash, length);
        } finally {
            Arrays.fill(perLabel, (byte) 0);
        }
    }

    /** @return {@code EARLY_EXPORTER_SECRET} or {@code EXPORTER_SECRET}, the NSS key log label */
    public String keyLogLabel() {
        return early ? "EARLY_EXPORTER_SECRET" : "EXPORTER_SECRET";
    }

    /**
     * Formats the NSS key log line {@code <label> <client random> <secret>} (hex). This deliberately
     * exposes the secret in a string that cannot be zeroed: call it only when the user asked for a
     * key log.
     *
     * @param clientRandom the ClientHello.random of the connection, 32 bytes
     * @return the line, without a line terminator
     */
    public String keyLogLine(byte[] clientRandom) {
        return KeyLog.line(keyLogLabel(), clientRandom, secret.get());
    }

    /** Zeroes the secret; exports fail afterwards. */
    @Override
    public void destroy() {
        secret.destroy();
    }

    /** @return whether {@link #destroy()} was called */
    @Override
    public boolean isDestroyed() {
        return secret.isDestroyed();
    }

    /** @return the kind only; never the secret */
    @Override
    public String toString() {
        return "ExporterSecret[" + keyLogLabel() + ", " + derivation.hash() + (isDestroyed() ? ", destroyed]" : "]");
    }

    /** @return the secret array itself, also after destruction; for tests */
    byte[] bytes() {
        return secret.raw();
    }
}
