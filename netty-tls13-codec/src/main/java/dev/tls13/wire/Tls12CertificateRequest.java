package dev.tls13.wire;

import java.util.List;

/**
 * TLS 1.2 CertificateRequest (RFC 5246 §7.4.4): certificate types, supported_signature_algorithms and
 * certificate_authorities (DER distinguished names).
 *
 * @param certificateTypes ClientCertificateType codes, 1..255 of them (rsa_sign 1, ecdsa_sign 64, ...)
 * @param signatureSchemes the SignatureAndHashAlgorithm list, 1..32767 entries
 * @param certificateAuthorities DistinguishedName values, each 1..65535 bytes; may be empty
 */
public record Tls12CertificateRequest(List<Integer> certificateTypes, List<SignatureScheme> signatureSchemes,
                                      List<byte[]> certificateAuthorities) implements HandshakeMessage {

    /** ClientCertificateType rsa_sign (RFC 5246 §7.4.4). */
    public static final int RSA_SIGN = 1;
    /** ClientCertificateType ecdsa_sign (RFC 8422 §5.5). */
    public static final int ECDSA_SIGN = 64;

    /** Copies the lists. */
    public Tls12CertificateRequest {
        certificateTypes = List.copyOf(certificateTypes);
        signatureSchemes = List.copyOf(signatureSchemes);
        certificateAuthorities = List.copyOf(certificateAuthorities);
    }

    @Override
    public HandshakeType type() {
        return HandshakeType.CERTIFICATE_REQUEST;
    }

    @Override
    public String toString() {
        return "Tls12CertificateRequest[types=" + certificateTypes + ", schemes=" + signatureSchemes + ", "
                + certificateAuthorities.size() + " authorities]";
    }
}
