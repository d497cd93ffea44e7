package dev.tls13.handshake;

import dev.tls13.error.TlsException;

/** The client handshake (RFC 8446 §2, §4): its entry point and states. */
public final class ClientHandshake {
    private ClientHandshake() {
    }

    /**
     * Starts a client handshake: sends the ClientHello through {@code out}.
     *
     * @param config the client configuration
     * @param serverName the SNI host name to send, or {@code null} for none
     * @param peerHost the host name to verify the certificate against, or {@code null} not to
     * @param out where effects go
     * @return the first state
     * @throws TlsException when the crypto provider fails
     */
    public static HandshakeState start(ClientConfig config, String serverName, String peerHost, HandshakeOutput out)
            throws TlsException {
        throw new UnsupportedOperationException("client handshake not implemented yet");
    }
}
