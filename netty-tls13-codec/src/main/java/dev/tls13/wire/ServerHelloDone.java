package dev.tls13.wire;

/** TLS 1.2 ServerHelloDone (RFC 5246 §7.4.5): an empty body ending the server's first flight. */
public record ServerHelloDone() implements HandshakeMessage {

    @Override
    public HandshakeType type() {
        return HandshakeType.SERVER_HELLO_DONE_RESERVED;
    }
}
