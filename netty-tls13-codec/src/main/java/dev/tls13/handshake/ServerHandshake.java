package dev.tls13.handshake;

/** The server handshake (RFC 8446 §2, §4): its entry point and states. */
public final class ServerHandshake {
    private ServerHandshake() {
    }

    /**
     * Starts a server handshake, waiting for the ClientHello.
     *
     * @param config the server configuration
     * @return the first state
     */
    public static HandshakeState start(ServerConfig config) {
        throw new UnsupportedOperationException("server handshake not implemented yet");
    }
}
