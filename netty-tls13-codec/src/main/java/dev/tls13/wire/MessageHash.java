package dev.tls13.wire;

import java.util.Objects;

/**
 * The synthetic message_hash message that replaces ClientHello1 in the transcript after a
 * HelloRetryRequest (RFC 8446 §4.4.1). It is never sent: {@link HandshakeCodec} encodes it for
 * the transcript and rejects it on decode.
 *
 * @param hash Hash(ClientHello1)
 */
record MessageHash(byte[] hash) implements HandshakeMessage {

    /** Checks for {@code null}. */
    public MessageHash {
        Objects.requireNonNull(hash, "hash");
    }

    @Override
    public HandshakeType type() {
        return HandshakeType.MESSAGE_HASH;
    }

    @Override
    public String toString() {
        return "MessageHash[" + Codec.hex(hash) + "]";
    }
}
