package dev.tls13.handshake;

import dev.tls13.error.PeerIncompatible;
import dev.tls13.error.TlsException;
import dev.tls13.wire.SignatureScheme;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 *
 * <p>A server may also key chains by host name (RFC 6066 §3): an exact name such as
 * {@code www.example.com}, or a wildcard of one left-most label such as {@code *.example.com} (which
 * matches {@code a.example.com}, not {@code example.com} nor {@code a.b.example.com}). The client's
 * server_name chooses the chains (exact match first, then wildcard), its signature_algorithms then
 * choose among them; a name that matches nothing, or no name, uses the default chains.
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
    /** Chains keyed by lower-case exact host name or {@code *.suffix} pattern, in insertion order. */
    private final Map<String, List<CertifiedKey>> byServerName;
    /**
     * For each of our chains, the schemes that can verify each certificate a peer has to verify (not the
     * self-signed ones), read once here: reading them from the certificates per handshake (principals, signature
     * OIDs) was 2% of a resumed server handshake's garbage on JDK 17 (JFR).
     */
    private final Map<CertifiedKey, List<List<SignatureScheme>>> issuerSchemes = new IdentityHashMap<>();

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
        this(certifiedKeys, Map.of(), enabledSchemes);
    }

    /**
     * Creates a selector with default chains and chains keyed by host name (RFC 6066 §3).
     *
     * @param certifiedKeys the default chains, most preferred first, used when the server_name matches no key
     * @param byServerName chains per host name: an exact name or {@code *.} followed by a domain (one
     *        label only); each list most preferred first
     * @param enabledSchemes the CertificateVerify schemes we are willing to sign with
     * @throws IllegalArgumentException if the default list or a keyed list is empty, a pattern is
     *         malformed, or no scheme is enabled
     */
    public CertificateSelector(List<CertifiedKey> certifiedKeys, Map<String, List<CertifiedKey>> byServerName,
                               List<SignatureScheme> enabledSchemes) {
        this.certifiedKeys = List.copyOf(certifiedKeys);
        this.enabledSchemes = List.copyOf(enabledSchemes);
        Map<String, List<CertifiedKey>> names = new LinkedHashMap<>();
        for (Map.Entry<String, List<CertifiedKey>> entry : byServerName.entrySet()) {
            String pattern = normalizeHostPattern(entry.getKey());
            if (entry.getValue().isEmpty()) {
                throw new IllegalArgumentException("no certificate for server name " + pattern);
            }
            names.merge(pattern, List.copyOf(entry.getValue()), (a, b) -> {
                List<CertifiedKey> all = new ArrayList<>(a);
                all.addAll(b);
                return List.copyOf(all);
            });
        }
        this.byServerName = Collections.unmodifiableMap(names);
        for (CertifiedKey k : this.certifiedKeys) {
            issuerSchemes.put(k, issuerSchemes(k.chain()));
        }
        for (List<CertifiedKey> keys : names.values()) {
            for (CertifiedKey k : keys) {
                issuerSchemes.put(k, issuerSchemes(k.chain()));
            }
        }
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
     * The chains keyed by host name.
     *
     * @return an unmodifiable map from lower-case exact name or {@code *.domain} pattern to chains
     */
    public Map<String, List<CertifiedKey>> certifiedKeysByServerName() {
        return byServerName;
    }

    /**
     * Checks and normalises a host name pattern: an exact DNS name, or {@code *.} and a domain of at least
     * two labels; lower-cased, without a trailing dot.
     *
     * @param pattern the pattern
     * @return the normalised pattern
     * @throws IllegalArgumentException if the pattern is not a host name or a one-label wildcard
     */
    public static String normalizeHostPattern(String pattern) {
        Objects.requireNonNull(pattern, "host name pattern");
        String p = pattern.trim().toLowerCase(Locale.ROOT);
        if (p.endsWith(".")) {
            p = p.substring(0, p.length() - 1);
        }
        String name = p.startsWith("*.") ? p.substring(2) : p;
        boolean valid = !name.isEmpty() && name.length() <= 253 && (!p.startsWith("*.") || name.indexOf('.') > 0);
        for (String label : name.split("\\.", -1)) {
            valid &= !label.isEmpty() && label.length() <= 63 && label.chars().allMatch(
                    c -> c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_');
        }
        if (!valid) {
            throw new IllegalArgumentException("not a host name or *.domain pattern: '" + pattern + "'");
        }
        return p;
    }

    /**
     * The chains keyed for a server name: those of the exact name, else those of the wildcard for its
     * parent domain (one label only).
     *
     * @param serverName the client's server_name, or {@code null}
     * @return the keyed chains, or {@code null} when the name matches no key (the defaults apply)
     */
    public List<CertifiedKey> keyedFor(String serverName) {
        if (serverName == null || byServerName.isEmpty()) {
            return null;
        }
        String name = serverName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        List<CertifiedKey> exact = byServerName.get(name);
        if (exact != null) {
            return exact;
        }
        int dot = name.indexOf('.');
        return dot > 0 ? byServerName.get("*" + name.substring(dot)) : null;
    }

    /**
     * Whether a server that received this server_name used it, and so acknowledges it (RFC 6066 §3): when
     * chains are keyed by name, only a name that matched one; when none are, any name (the server's one
     * configuration serves every name, as OpenSSL does without a server name callback).
     *
     * @param serverName the client's server_name, or {@code null}
     * @return whether to send the empty server_name in EncryptedExtensions
     */
    public boolean acknowledges(String serverName) {
        return serverName != null && (byServerName.isEmpty() || keyedFor(serverName) != null);
    }

    /**
     * Chooses a certificate for a server name, then by the peer's schemes (see the class comment). When
     * the name's chains cannot sign with any scheme the peer offers, the default chains are tried.
     *
     * @param serverName the client's server_name, or {@code null}
     * @param peerSchemes the peer's {@code signature_algorithms}, its preference order
     * @param peerCertSchemes the peer's {@code signature_algorithms_cert}, or {@code null}
     * @return the selection
     * @throws TlsException {@link PeerIncompatible#NO_COMMON_SIGNATURE_SCHEME} (handshake_failure) when
     *         no eligible key can sign with any scheme the peer offers
     */
    public Selection select(String serverName, List<SignatureScheme> peerSchemes,
                            List<SignatureScheme> peerCertSchemes) throws TlsException {
        List<CertifiedKey> keyed = keyedFor(serverName);
        if (keyed != null) {
            Selection selection = select(keyed, peerSchemes, peerCertSchemes);
            if (selection != null) {
                return selection;
            }
        }
        return select(peerSchemes, peerCertSchemes);
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
        Selection selection = select(certifiedKeys, peerSchemes, peerCertSchemes);
        if (selection != null) {
            return selection;
        }
        throw TlsException.incompatible(PeerIncompatible.NO_COMMON_SIGNATURE_SCHEME,
                "peer offers " + peerSchemes + ", our keys sign with " + ourSchemes());
    }

    private Selection select(List<CertifiedKey> candidates, List<SignatureScheme> peerSchemes,
                             List<SignatureScheme> peerCertSchemes) {
        List<SignatureScheme> chainSchemes = peerCertSchemes != null ? peerCertSchemes : peerSchemes;
        Selection fallback = null;
        for (CertifiedKey candidate : candidates) {
            SignatureScheme scheme = schemeFor(candidate, peerSchemes);
            if (scheme == null) {
                continue;
            }
            List<List<SignatureScheme>> issued = issuerSchemes.get(candidate);
            if (signedWith(issued != null ? issued : issuerSchemes(candidate.chain()), chainSchemes)) {
                return new Selection(candidate, scheme);
            }
            if (fallback == null) {
                fallback = new Selection(candidate, scheme);
            }
        }
        return fallback;
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
        return signedWith(issuerSchemes(chain), schemes);
    }

    /** {@link #chainSignedWith} of a chain's {@link #issuerSchemes(List)}. */
    private static boolean signedWith(List<List<SignatureScheme>> chain, List<SignatureScheme> schemes) {
        for (List<SignatureScheme> certificate : chain) {
            boolean accepted = false;
            for (SignatureScheme candidate : certificate) {
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

    /** The schemes that verify each certificate of a chain that a peer has to verify, see {@link #chainSignedWith}. */
    private static List<List<SignatureScheme>> issuerSchemes(List<X509Certificate> chain) {
        List<List<SignatureScheme>> issued = new ArrayList<>();
        for (X509Certificate certificate : chain) {
            if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
                issued.add(SignatureSchemes.ofCertificateSignature(certificate));
            }
        }
        return List.copyOf(issued);
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
