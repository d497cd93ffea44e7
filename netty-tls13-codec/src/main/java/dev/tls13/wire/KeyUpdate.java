package dev.tls13.wire;

/**
 * KeyUpdate (RFC 8446 §4.6.3).
 *
 * @param updateRequested request_update: {@code true} for update_requested(1), {@code false} for
 *        update_not_requested(0)
 */
public record KeyUpdate(boolean updateRequested) implements HandshakeMessage {

    @Override
    public HandshakeType type() {
        return HandshakeType.KEY_UPDATE;
    }
}
