package dev.tls13.wire;

import java.util.List;
import java.util.Objects;

/**
 * TLS 1.2 Certificate (RFC 5246 §7.4.2): {@code ASN.1Cert certificate_list<0..2^24-1>}, no request context
 * and no per-entry extensions, unlike TLS 1.3's.
 *
 * @param certificates DER certificates, end-entity first, each 1..2^24-1 bytes; empty for a client without one
 */
public record Tls12Certificate(List<byte[]> certificates) implements HandshakeMessage {

    /** Copies the list. */
    public Tls12Certificate {
        certificates = List.copyOf(certificates);
        certificates.forEach(c -> Objects.requireNonNull(c, "certificate"));
    }

    @Override
    public HandshakeType type() {
        return HandshakeType.CERTIFICATE;
    }

    @Override
    public String toString() {
        return "Tls12Certificate[" + certificates.size() + " certificates]";
    }
}
