package dev.tls13.wire;

import java.util.Objects;

/**
 * CertificateVerify (RFC 8446 §4.4.3).
 *
 * @param algorithm the signature scheme used
 * @param signature the signature bytes
 */
public record CertificateVerify(SignatureScheme algorithm, byte[] signature) implements HandshakeMessage {

    /** Checks for {@code null}. */
    public CertificateVerify {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(signature, "signature");
    }

    @Override
    public HandshakeType type() {
        return HandshakeType.CERTIFICATE_VERIFY;
    }

    @Override
    public String toString() {
        return "CertificateVerify[" + algorithm + ", " + Codec.hex(signature) + "]";
    }
}
