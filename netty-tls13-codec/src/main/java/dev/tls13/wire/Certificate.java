package dev.tls13.wire;

import java.util.List;
import java.util.Objects;

/**
 * Certificate (RFC 8446 §4.4.2).
 *
 * @param certificateRequestContext certificate_request_context, 0..255 bytes
 * @param entries certificate_list, end-entity first; may be empty (a client without a certificate)
 */
public record Certificate(byte[] certificateRequestContext, List<Entry> entries) implements HandshakeMessage {

    /**
     * One CertificateEntry (RFC 8446 §4.4.2).
     *
     * @param certData cert_data: a DER X.509 certificate (or a RawPublicKey's SubjectPublicKeyInfo), non-empty
     * @param extensions the per-entry extensions (e.g. status_request with an OCSP response)
     */
    public record Entry(byte[] certData, Extensions extensions) {
        /** Checks for {@code null}. */
        public Entry {
            Objects.requireNonNull(certData, "certData");
            Objects.requireNonNull(extensions, "extensions");
        }

        @Override
        public String toString() {
            return "Entry[" + certData.length + " bytes, extensions=" + extensions + "]";
        }
    }

    /** Checks for {@code null} and copies the list. */
    public Certificate {
        Objects.requireNonNull(certificateRequestContext, "certificateRequestContext");
        entries = List.copyOf(entries);
    }

    @Override
    public HandshakeType type() {
        return HandshakeType.CERTIFICATE;
    }

    @Override
    public String toString() {
        return "Certificate[context=" + Codec.hex(certificateRequestContext) + ", entries=" + entries + "]";
    }
}
