package dev.tls13.handshake;

/**
 * The defaults of every state before the handshake completes, on either side: no application data,
 * no KeyUpdate, and change_cipher_spec tolerated (RFC 8446 §5: after the first ClientHello and
 * before the peer's Finished). The connected states and the server's first state override them.
 */
interface Handshaking extends HandshakeState {

    @Override
    default boolean isConnected() {
        return false;
    }

    @Override
    default boolean allowsChangeCipherSpec() {
        return true;
    }

    @Override
    default HandshakeState initiateKeyUpdate(boolean requestPeerUpdate, HandshakeOutput out) {
        throw new IllegalStateException("KeyUpdate before the handshake completed");
    }
}
