package dev.tls13.record;

/**
 * Proof that the {@link HandshakeJoiner} held no partial handshake message when it was issued, so new
 * read keys may be installed (RFC 8446 §5.1: handshake messages must not span key changes). Only
 * {@link HandshakeJoiner#aligned()} creates one.
 */
public final class Aligned {

    Aligned() {
    }
}
