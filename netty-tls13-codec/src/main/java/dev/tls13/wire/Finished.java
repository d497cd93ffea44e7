package dev.tls13.wire;

import java.util.Objects;

/**
 * Finished (RFC 8446 §4.4.4). Its length is Hash.length of the negotiated suite, which the message
 * does not carry: see {@link HandshakeCodec#decode(io.netty.buffer.ByteBuf, int)}.
 *
 * @param verifyData verify_data
 */
public record Finished(byte[] verifyData) implements HandshakeMessage {

    /** Checks for {@code null}. */
    public Finished {
        Objects.requireNonNull(verifyData, "verifyData");
    }

    @Override
    public HandshakeType type() {
        return HandshakeType.FINISHED;
    }

    @Override
    public String toString() {
        return "Finished[" + Codec.hex(verifyData) + "]";
    }
}
