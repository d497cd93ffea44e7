package dev.tls13.wire;

import java.util.Objects;

/**
 * EncryptedExtensions (RFC 8446 §4.3.1).
 *
 * @param extensions the extension block
 */
public record EncryptedExtensions(Extensions extensions) implements HandshakeMessage {

    /** Checks for {@code null}. */
    public EncryptedExtensions {
        Objects.requireNonNull(extensions, "extensions");
    }

    @Override
    public HandshakeType type() {
        return HandshakeType.ENCRYPTED_EXTENSIONS;
    }
}
