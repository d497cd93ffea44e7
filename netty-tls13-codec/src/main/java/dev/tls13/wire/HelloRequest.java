package dev.tls13.wire;

/**
 * TLS 1.2 HelloRequest (RFC 5246 §7.4.1.1): an empty body with which a server asks for renegotiation. We
 * never renegotiate; see the TLS 1.2 client for how it is answered.
 */
public record HelloRequest() implements HandshakeMessage {

    @Override
    public HandshakeType type() {
        return HandshakeType.HELLO_REQUEST_RESERVED;
    }
}
