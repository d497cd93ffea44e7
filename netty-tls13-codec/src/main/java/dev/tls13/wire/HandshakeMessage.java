package dev.tls13.wire;

/**
 * A handshake message: TLS 1.3 (RFC 8446 §4), decoded and encoded by {@link HandshakeCodec}, or one of the TLS 1.2
 * messages that {@link Tls12HandshakeCodec} decodes and encodes.
 * Implementations hold {@code byte[]}, lists and code points, never a {@code ByteBuf}
 * (docs/architecture.md §6 rule 3). Records holding {@code byte[]} share the arrays: treat them as immutable.
 */
public sealed interface HandshakeMessage permits ClientHello, ServerHello, EncryptedExtensions, CertificateRequest,
        Certificate, CertificateVerify, Finished, NewSessionTicket, EndOfEarlyData, KeyUpdate, MessageHash,
        HelloRequest, ServerKeyExchange, ServerHelloDone, ClientKeyExchange, Tls12Certificate, Tls12CertificateRequest,
        Tls12NewSessionTicket {

    /**
     * The msg_type this message is sent with.
     *
     * @return the handshake type
     */
    HandshakeType type();
}
