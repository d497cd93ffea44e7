package dev.tls13.wire;

/** EndOfEarlyData (RFC 8446 §4.5), an empty message. */
public record EndOfEarlyData() implements HandshakeMessage {

    @Override
    public HandshakeType type() {
        return HandshakeType.END_OF_EARLY_DATA;
    }
}
