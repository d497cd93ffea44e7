package dev.tls13.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * ServerHello (RFC 8446 §4.1.3), which is a HelloRetryRequest when its random is
 * {@link #helloRetryRequestRandom()}. legacy_compression_method is not a component: the decoder
 * accepts only 0 and the encoder always writes 0.
 *
 * @param legacyVersion legacy_version (0x0303 in TLS 1.3)
 * @param random the 32-byte random
 * @param legacySessionIdEcho legacy_session_id_echo, 0..32 bytes
 * @param cipherSuite the selected cipher suite
 * @param extensions the extension block
 */
public record ServerHello(int legacyVersion, byte[] random, byte[] legacySessionIdEcho, CipherSuite cipherSuite,
                          Extensions extensions) implements HandshakeMessage {

    /**
     * SHA-256("HelloRetryRequest"), the random that marks a HelloRetryRequest (RFC 8446 §4.1.3).
     * Kept private because arrays are mutable; {@link #helloRetryRequestRandom()} hands out copies.
     */
    private static final byte[] HELLO_RETRY_REQUEST_RANDOM = {
        (byte) 0xCF, 0x21, (byte) 0xAD, 0x74, (byte) 0xE5, (byte) 0x9A, 0x61, 0x11,
        (byte) 0xBE, 0x1D, (byte) 0x8C, 0x02, 0x1E, 0x65, (byte) 0xB8, (byte) 0x91,
        (byte) 0xC2, (byte) 0xA2, 0x11, 0x16, 0x7A, (byte) 0xBB, (byte) 0x8C, 0x5E,
        0x07, (byte) 0x9E, 0x09, (byte) 0xE2, (byte) 0xC8, (byte) 0xA8, 0x33, (byte) 0x9C,
    };

    /** Checks for {@code null}. */
    public ServerHello {
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(legacySessionIdEcho, "legacySessionIdEcho");
        Objects.requireNonNull(cipherSuite, "cipherSuite");
        Objects.requireNonNull(extensions, "extensions");
    }

    /**
     * The special random of a HelloRetryRequest, SHA-256("HelloRetryRequest") (RFC 8446 §4.1.3).
     *
     * @return a fresh copy of the 32 bytes
     */
    public static byte[] helloRetryRequestRandom() {
        return HELLO_RETRY_REQUEST_RANDOM.clone();
    }

    /**
     * Whether this is a HelloRetryRequest (RFC 8446 §4.1.3: its random is the special value).
     *
     * @return {@code true} for a HelloRetryRequest
     */
    public boolean isHelloRetryRequest() {
        return isHelloRetryRequestRandom(random);
    }

    static boolean isHelloRetryRequestRandom(byte[] random) {
        return Arrays.equals(random, HELLO_RETRY_REQUEST_RANDOM);
    }

    /**
     * The extension context of this message's block.
     *
     * @return {@link ExtensionContext#HELLO_RETRY_REQUEST}, {@link ExtensionContext#SERVER_HELLO}, or
     *         {@link ExtensionContext#TLS12_SERVER_HELLO} without supported_versions
     */
    public ExtensionContext extensionContext() {
        if (isHelloRetryRequest()) {
            return ExtensionContext.HELLO_RETRY_REQUEST;
        }
        return extensions.contains(ExtensionType.SUPPORTED_VERSIONS) ? ExtensionContext.SERVER_HELLO
                : ExtensionContext.TLS12_SERVER_HELLO;
    }

    @Override
    public HandshakeType type() {
        return HandshakeType.SERVER_HELLO;
    }

    @Override
    public String toString() {
        return String.format("%s[legacyVersion=0x%04x, random=%s, legacySessionIdEcho=%s, cipherSuite=%s, "
                + "extensions=%s]", isHelloRetryRequest() ? "HelloRetryRequest" : "ServerHello", legacyVersion,
                Codec.hex(random), Codec.hex(legacySessionIdEcho), cipherSuite, extensions);
    }
}
