package dev.tls13.wire;

import java.util.List;
import java.util.Objects;

/**
 * ClientHello (RFC 8446 §4.1.2). legacy_compression_methods is not a component: the decoder
 * accepts only {0} and the encoder always writes {0}. Legacy fields and the cipher suite list
 * (unknown and TLS 1.2 codes included) are kept as received, so that re-encoding yields the
 * received bytes.
 *
 * @param legacyVersion legacy_version (0x0303 in TLS 1.3)
 * @param random the 32-byte random
 * @param legacySessionId legacy_session_id, 0..32 bytes
 * @param cipherSuites cipher_suites in preference order
 * @param extensions the extension block; pre_shared_key, if present, is last
 */
public record ClientHello(int legacyVersion, byte[] random, byte[] legacySessionId, List<CipherSuite> cipherSuites,
                          Extensions extensions) implements HandshakeMessage {

    /** Checks for {@code null} and copies the list. */
    public ClientHello {
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(legacySessionId, "legacySessionId");
        cipherSuites = List.copyOf(cipherSuites);
        Objects.requireNonNull(extensions, "extensions");
    }

    @Override
    public HandshakeType type() {
        return HandshakeType.CLIENT_HELLO;
    }

    @Override
    public String toString() {
        return String.format("ClientHello[legacyVersion=0x%04x, random=%s, legacySessionId=%s, cipherSuites=%s, "
                + "extensions=%s]", legacyVersion, Codec.hex(random), Codec.hex(legacySessionId), cipherSuites,
                extensions);
    }
}
