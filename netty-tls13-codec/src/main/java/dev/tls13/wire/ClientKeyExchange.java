package dev.tls13.wire;

import java.util.Objects;

/**
 * TLS 1.2 ClientKeyExchange for ECDHE (RFC 8422 §5.7): {@code ClientECDiffieHellmanPublic}, the client's
 * ephemeral point as {@code opaque point<1..2^8-1>}. The only key exchange of our TLS 1.2 profile.
 *
 * @param publicKey the client's ECPoint (or X25519/X448 public key), 1..255 bytes
 */
public record ClientKeyExchange(byte[] publicKey) implements HandshakeMessage {

    /** Checks for {@code null}. */
    public ClientKeyExchange {
        Objects.requireNonNull(publicKey, "publicKey");
    }

    @Override
    public HandshakeType type() {
        return HandshakeType.CLIENT_KEY_EXCHANGE_RESERVED;
    }

    @Override
    public String toString() {
        return "ClientKeyExchange[" + Codec.hex(publicKey) + "]";
    }
}
