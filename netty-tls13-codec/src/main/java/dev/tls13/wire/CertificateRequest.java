package dev.tls13.wire;

import java.util.Objects;

/**
 * CertificateRequest (RFC 8446 §4.3.2).
 *
 * @param certificateRequestContext certificate_request_context, 0..255 bytes (empty during the handshake)
 * @param extensions the extension block (signature_algorithms is mandatory, checked by the handshake)
 */
public record CertificateRequest(byte[] certificateRequestContext, Extensions extensions) implements HandshakeMessage {

    /** Checks for {@code null}. */
    public CertificateRequest {
        Objects.requireNonNull(certificateRequestContext, "certificateRequestContext");
        Objects.requireNonNull(extensions, "extensions");
    }

    @Override
    public HandshakeType type() {
        return HandshakeType.CERTIFICATE_REQUEST;
    }

    @Override
    public String toString() {
        return "CertificateRequest[context=" + Codec.hex(certificateRequestContext) + ", extensions=" + extensions
                + "]";
    }
}
