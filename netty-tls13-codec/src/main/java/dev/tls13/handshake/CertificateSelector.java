package dev.tls13.handshake;

import dev.tls13.error.PeerIncompatible;
import dev.tls13.error.TlsException;
import dev.tls13.wire.SignatureScheme;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * Chooses which configured certificate to send and the scheme to sign CertificateVerify with,
 * from the peer's {@code signature_algorithms} and {@code signature_algorithms_cert}
 * (RFC 8446 §4.2.3, §4.4.2.2). Immutable and thread-safe.
 *
 * <p>Our configured order decides between certificates; for the chosen certificate, the peer's
 * order decides the scheme. A certificate whose chain is signed only with algorithms the peer
 * listed is preferred; when none is, the first certificate whose key the peer accepts is sent
 * anyway, as RFC 8446 §4.4.2.2 allows ("If the server cannot produce a certificate chain that is
 * signed only via the indicated supported algorithms, then it SHOULD continue the handshake by
 * sending the client a certificate chain of its choice").
 */
public final class CertificateSelector {

    /**
     * The outcome of a selection.
     *
     * @param certifiedKey the chain to send and the key to sign with
     * @param scheme the CertificateVerify scheme
     */
    public record Selection(CertifiedKey certifiedKey, SignatureScheme scheme) {
        /**
         * Checks for nulls.
         *
         * @param certifiedKey the chain to send and the key to sign with
         * @param scheme the CertificateVerify scheme
         */
        public Selection {
            Objects.requireNonNull(certifiedKey, "certifiedKey");
            Objects.requireNonNull(scheme, "scheme");
        }
    }

    private final List<CertifiedKey> certifiedKeys;
    private final List<SignatureScheme> enabledSchemes;

    /**
     * Creates a selector over our certificates, in preference order, with the default schemes enabled.
     *
     * @param certifiedKeys our certificates, most preferred first (e.g. ECDSA, then RSA)
     * @throws IllegalArgumentException if the list is empty
     */
    public CertificateSelector(List<CertifiedKey> certifiedKeys) {
        this(certifiedKeys, SignatureSchemes.DEFAULT);
    }

    /**
     * Creates a selector over our certificates, restricted to the schemes we enable.
     *
     * @param certifiedKeys our certificates, most preferred first
     * @param enabledSchemes the CertificateVerify schemes we are willing to sign with
     * @throws IllegalArgumentException if either list is empty
     */
    public CertificateSelector(List<CertifiedKey> certifiedKeys, List<SignatureScheme> enabledSchemes) {
        this.certifiedKeys = List.copyOf(certifiedKeys);
        this.enabledSchemes = List.copyOf(enabledSchemes);
        if (this.certifiedKeys.isEmpty()) {
            throw new IllegalArgumentException("no certificate configured");
        }
        if (this.enabledSchemes.isEmpty()) {
            throw new IllegalArgumentException("no signature scheme enabled");
        }
    }

    /**
     * Our certificates, in preference order.
     *
     * @return the immutable list
     */
    public List<CertifiedKey> certifiedKeys() {
        return certifiedKeys;
    }

    /**
     * Chooses a certificate and a CertificateVerify scheme.
     *
     * @param peerSchemes the peer's {@code signature_algorithms}, its preference order
     * @param peerCertSchemes the peer's {@code signature_algorithms_cert}, or {@code null} when it sent
     *        none, in which case {@code peerSchemes} also applies to certificates (RFC 8446 §4.2.3)
     * @return the selection
     * @throws TlsException {@link PeerIncompatible#NO_COMMON_SIGNATURE_SCHEME} (handshake_failure) when
     *         no key of ours can sign with any scheme the peer offers
     */
    public Selection select(List<SignatureScheme> peerSchemes, List<SignatureScheme> peerCertSchemes)
            throws TlsException {
        List<SignatureScheme> chainSchemes = peerCertSchemes != null ? peerCertSchemes : peerSchemes;
        Selection fallback = null;
        for (CertifiedKey candidate : certifiedKeys) {
            SignatureScheme scheme = schemeFor(candidate, peerSchemes);
            if (scheme == null) {
                continue;
            }
            if (chainSignedWith(candidate.chain(), chainSchemes)) {
                return new Selection(candidate, scheme);
            }
            if (fallback == null) {
                fallback = new Selection(candidate, scheme);
            }
        }
        if (fallback != null) {
            return fallback;
        }
        throw TlsException.incompatible(PeerIncompatible.NO_COMMON_SIGNATURE_SCHEME,
                "peer offers " + peerSchemes + ", our keys sign with " + ourSchemes());
    }

    /**
     * Whether every certificate of a chain that the peer has to verify is signed with one of the
     * peer's schemes. Self-signed certificates are skipped: RFC 8446 §4.4.2.2 exempts trust anchors.
     *
     * @param chain a chain, leaf first
     * @param schemes the peer's certificate schemes
     * @return {@code true} when the peer can verify each signature
     */
    public static boolean chainSignedWith(List<X509Certificate> chain, List<SignatureScheme> schemes) {
        for (X509Certificate certificate : chain) {
            if (certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
                continue;
            }
            boolean accepted = false;
            for (SignatureScheme candidate : SignatureSchemes.ofCertificateSignature(certificate)) {
                if (schemes.contains(candidate)) {
                    accepted = true;
                    break;
                }
            }
            if (!accepted) {
                return false;
            }
        }
        return true;
    }

    private SignatureScheme schemeFor(CertifiedKey candidate, List<SignatureScheme> peerSchemes) {
        List<SignatureScheme> keySchemes = candidate.schemes();
        for (SignatureScheme scheme : peerSchemes) {
            // RFC 8446 §4.2.3: PKCS#1 and SHA-1 schemes never sign a CertificateVerify, even if offered.
            if (SignatureSchemes.allowedInCertificateVerify(scheme)
                    && enabledSchemes.contains(scheme)
                    && keySchemes.contains(scheme)) {
                return scheme;
            }
        }
        return null;
    }

    private String ourSchemes() {
        StringBuilder out = new StringBuilder("[");
        for (CertifiedKey key : certifiedKeys) {
            for (SignatureScheme scheme : key.schemes()) {
                if (enabledSchemes.contains(scheme)) {
                    out.append(out.length() > 1 ? ", " : "").append(scheme);
                }
            }
        }
        return out.append(']').toString();
    }
}
