package dev.tls13.handshake;

import dev.tls13.error.CertificateError;
import dev.tls13.error.PeerIncompatible;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.CertificateRevokedException;
import java.security.cert.PKIXReason;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Validation of the peer's certificate chain (RFC 8446 §4.4.2.4): parse the {@code cert_data}
 * entries, ask an {@link X509ExtendedTrustManager} whether the chain is trusted, and (client side,
 * endpoint identification "HTTPS") whether it names the host we connected to. Every failure becomes a
 * {@link TlsException} carrying {@link TlsFailure.CertificateRejected} with the reason the validator
 * gave, so the right alert goes to the peer (RFC 8446 §6.2).
 *
 * <p>The trust manager is called through its {@code SSLEngine} methods with a {@link TrustManagerEngineView}, so
 * the JDK's trust manager applies {@code jdk.tls.disabledAlgorithms} as well as
 * {@code jdk.certpath.disabledAlgorithms}, as for its own engine (its two-argument methods apply only the
 * latter). TLS 1.3 uses the authentication type {@code "UNKNOWN"} for servers, as the JDK's own TLS 1.3 code
 * does (the signature scheme, not a key exchange, names the key type), and the host name check is
 * ours rather than the JDK's: the view names no endpoint identification algorithm.
 */
public final class CertificateChecks {

    /** Endpoint identification by the rules of RFC 2818 / RFC 6125 (the JDK's name for it). */
    public static final String HTTPS = "HTTPS";

    /** The authType the JDK's TLS 1.3 code passes to {@code checkServerTrusted}. */
    static final String TLS13_SERVER_AUTH_TYPE = "UNKNOWN";

    private static final X509Certificate[] NO_CERTIFICATES = new X509Certificate[0];

    private CertificateChecks() {
    }

    /**
     * Parses the {@code cert_data} of each CertificateEntry (RFC 8446 §4.4.2) as a DER X.509 certificate.
     *
     * @param certData the DER encodings, leaf first
     * @return the certificates, in the same order
     * @throws TlsException {@link CertificateError#UNPARSEABLE} (bad_certificate) if an entry is not exactly
     *         one DER certificate
     */
    public static List<X509Certificate> parse(List<byte[]> certData) throws TlsException {
        List<X509Certificate> chain = new ArrayList<>(certData.size());
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw TlsException.internal("no X.509 certificate factory", e);
        }
        for (int i = 0; i < certData.size(); i++) {
            byte[] der = certData.get(i);
            // The JDK's factory also accepts Base64/PEM; the wire carries DER only (RFC 8446 §4.4.2).
            if (der.length == 0 || der[0] != 0x30) {
                throw rejected(CertificateError.UNPARSEABLE, "certificate " + i + " is not DER", null);
            }
            X509Certificate cached = PARSED.get(new Encoding(der));
            if (cached != null) {
                chain.add(cached);
                continue;
            }
            ByteArrayInputStream in = new ByteArrayInputStream(der);
            Certificate certificate;
            try {
                certificate = factory.generateCertificate(in);
            } catch (CertificateException | RuntimeException e) {
                throw rejected(CertificateError.UNPARSEABLE, "certificate " + i + ": " + e.getMessage(), e);
            }
            if (in.available() != 0) {
                throw rejected(CertificateError.UNPARSEABLE,
                        "certificate " + i + " has " + in.available() + " trailing bytes", null);
            }
            if (!(certificate instanceof X509Certificate)) {
                throw rejected(CertificateError.UNSUPPORTED_CERTIFICATE, "certificate " + i + " is not X.509", null);
            }
            X509Certificate x509 = (X509Certificate) certificate;
            if (PARSED.size() >= CACHED_CERTIFICATES_LIMIT) {
                PARSED.clear();
            }
            PARSED.put(new Encoding(der.clone()), x509);
            chain.add(x509);
        }
        return chain;
    }

    /**
     * Certificates parsed before, by their exact DER encoding: peers present the same few certificates over
     * and over, and each parse through the {@link CertificateFactory} read the encoding through two more
     * buffers (about 8 KB of garbage per handshake on JDK 17, measured). The JDK's factory keeps such a cache
     * itself and hands out the same shared, immutable {@code X509Certificate} for equal encodings, so this
     * changes no result; validation still runs on every chain. Bounded: emptied when full.
     */
    private static final Map<Encoding, X509Certificate> PARSED = new ConcurrentHashMap<>();
    static final int CACHED_CERTIFICATES_LIMIT = 64;

    /** @return the number of cached certificates, for tests */
    static int cachedCertificates() {
        return PARSED.size();
    }

    /** A DER encoding as a map key, compared by content. */
    private static final class Encoding {
        private final byte[] der;
        private final int hash;

        Encoding(byte[] der) {
            this.der = der;
            this.hash = Arrays.hashCode(der);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Encoding && Arrays.equals(der, ((Encoding) other).der);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /**
     * Client side: validates the server's chain and, for endpoint identification "HTTPS", its name.
     *
     * @param trustManager decides whether the chain is trusted; with {@link #insecureTrustManager()} only the
     *        leaf's key type is checked, not the chain nor the host name
     * @param chain the server's chain, leaf first
     * @param peerHost the host name or IP literal we connected to (needed for "HTTPS")
     * @param endpointIdentificationAlgorithm {@code "HTTPS"} (or {@code "LDAPS"}, same rules), or {@code null}
     *        or empty for no host name check
     * @throws TlsException {@link PeerMisbehaved#EMPTY_CERTIFICATE} for an empty chain (RFC 8446 §4.4.2.4),
     *         otherwise {@link TlsFailure.CertificateRejected} with the validator's reason
     * @throws IllegalArgumentException for an endpoint identification algorithm other than HTTPS or LDAPS
     */
    public static void checkServer(X509ExtendedTrustManager trustManager, List<X509Certificate> chain,
                                   String peerHost, String endpointIdentificationAlgorithm) throws TlsException {
        boolean identify = identifies(endpointIdentificationAlgorithm);
        if (chain.isEmpty()) {
            throw TlsException.misbehaved(PeerMisbehaved.EMPTY_CERTIFICATE);
        }
        X509Certificate leaf = chain.get(0);
        checkLeafKey(leaf);
        if (trustManager == InsecureTrustManager.INSTANCE) {
            return;
        }
        try {
            trustManager.checkServerTrusted(chain.toArray(NO_CERTIFICATES), TLS13_SERVER_AUTH_TYPE,
                    new TrustManagerEngineView(peerHost, -1, true));
        } catch (CertificateException | RuntimeException e) {
            throw rejected(classify(e, chain), describe(leaf, e), e);
        }
        if (identify) {
            if (peerHost == null || peerHost.isEmpty()) {
                throw rejected(CertificateError.HOSTNAME_MISMATCH,
                        "endpoint identification " + endpointIdentificationAlgorithm + " needs the peer's host name,"
                                + " and none was given", null);
            }
            if (!HostnameMatcher.matches(leaf, peerHost)) {
                throw rejected(CertificateError.HOSTNAME_MISMATCH,
                        "no name in " + leaf.getSubjectX500Principal() + " matches " + peerHost, null);
            }
        }
    }

    /**
     * Server side: validates the client's chain (RFC 8446 §4.4.2.4).
     *
     * @param trustManager decides whether the chain is trusted
     * @param chain the client's chain, leaf first
     * @throws TlsException {@link PeerIncompatible#CERTIFICATE_REQUIRED} for an empty chain (the caller checks
     *         first whether a certificate is optional), otherwise {@link TlsFailure.CertificateRejected}
     */
    public static void checkClient(X509ExtendedTrustManager trustManager, List<X509Certificate> chain)
            throws TlsException {
        if (chain.isEmpty()) {
            throw TlsException.incompatible(PeerIncompatible.CERTIFICATE_REQUIRED);
        }
        X509Certificate leaf = chain.get(0);
        checkLeafKey(leaf);
        if (trustManager == InsecureTrustManager.INSTANCE) {
            return;
        }
        try {
            trustManager.checkClientTrusted(chain.toArray(NO_CERTIFICATES), clientAuthType(leaf),
                    new TrustManagerEngineView(null, -1, false));
        } catch (CertificateException | RuntimeException e) {
            throw rejected(classify(e, chain), describe(leaf, e), e);
        }
    }

    /**
     * Whether an endpoint identification algorithm is supported here.
     *
     * @param algorithm the algorithm name, case-insensitive
     * @return {@code true} for {@code null}, empty (no check), "HTTPS" and "LDAPS"
     */
    public static boolean isSupportedEndpointIdentification(String algorithm) {
        if (algorithm == null || algorithm.isEmpty()) {
            return true;
        }
        String upper = algorithm.toUpperCase(Locale.ROOT);
        return upper.equals(HTTPS) || upper.equals("LDAPS");
    }

    /**
     * <strong>INSECURE: a trust manager that accepts every certificate chain, from anyone.</strong>
     *
     * <p>With it, a connection is encrypted but NOT authenticated: any machine in the path can
     * impersonate the peer and read and change all traffic. {@link #checkServer} also skips the host
     * name check for it. Use it only for local experiments and tests (the examples' {@code --insecure}
     * flag), never in production, never as a fallback after a failed check.
     *
     * @return the shared accept-everything trust manager
     */
    public static X509ExtendedTrustManager insecureTrustManager() {
        return InsecureTrustManager.INSTANCE;
    }

    /**
     * Maps a trust manager's exception to a reason, by walking its causes: validity dates, revocation,
     * missing trust anchor (RFC 8446 §6.2 alert names) and the JDK's {@code CertPathValidatorException}
     * reasons.
     *
     * @param failure what the trust manager threw
     * @return the reason; {@link CertificateError#CERTIFICATE_UNKNOWN} when nothing more specific is known
     */
    static CertificateError classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
                return CertificateError.CERTIFICATE_EXPIRED;
            }
            if (t instanceof CertificateRevokedException) {
                return CertificateError.CERTIFICATE_REVOKED;
            }
            if (t instanceof CertPathValidatorException) {
                CertPathValidatorException.Reason reason = ((CertPathValidatorException) t).getReason();
                if (reason == CertPathValidatorException.BasicReason.EXPIRED
                        || reason == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                    return CertificateError.CERTIFICATE_EXPIRED;
                }
                if (reason == CertPathValidatorException.BasicReason.REVOKED) {
                    return CertificateError.CERTIFICATE_REVOKED;
                }
                if (reason == PKIXReason.NO_TRUST_ANCHOR) {
                    return CertificateError.UNKNOWN_CA;
                }
                if (reason == CertPathValidatorException.BasicReason.INVALID_SIGNATURE) {
                    return CertificateError.BAD_CERTIFICATE;
                }
                if (reason == CertPathValidatorException.BasicReason.ALGORITHM_CONSTRAINED) {
                    return CertificateError.UNSUPPORTED_CERTIFICATE;
                }
            }
            if (t instanceof CertPathBuilderException) {
                // The JDK's "unable to find valid certification path to requested target".
                return CertificateError.UNKNOWN_CA;
            }
            if (t instanceof CertificateParsingException || t instanceof CertificateEncodingException) {
                return CertificateError.UNPARSEABLE;
            }
            if (t instanceof NoSuchAlgorithmException || t instanceof InvalidKeyException) {
                return CertificateError.UNSUPPORTED_CERTIFICATE;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return CertificateError.CERTIFICATE_UNKNOWN;
    }

    /**
     * {@link #classify(Throwable)}, with RFC 8446 §4.4.2.4's alert for MD5: "Any endpoint receiving any
     * certificate which it would need to validate using any signature algorithm using an MD5 hash MUST abort
     * the handshake with a "bad_certificate" alert." The trust manager decides whether the chain is refused
     * (the JDK's PKIX validator refuses MD5 through {@code jdk.certpath.disabledAlgorithms}, as its own TLS
     * engine does); a refusal for algorithm constraints of a chain holding an MD5 signature that must be
     * validated (not a self-issued certificate, whose signature is never checked: "endpoints can accept these
     * algorithms for certificates that are self-signed or trust anchors") gets bad_certificate, where the
     * JDK's engine sends unsupported_certificate.
     *
     * @param failure what the trust manager threw
     * @param chain the chain it refused, leaf first
     * @return the reason
     */
    static CertificateError classify(Throwable failure, List<X509Certificate> chain) {
        CertificateError reason = classify(failure);
        if (reason == CertificateError.UNSUPPORTED_CERTIFICATE) {
            for (X509Certificate certificate : chain) {
                if (certificate.getSigAlgName().toUpperCase(Locale.ROOT).contains("MD5")
                        && !certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
                    return CertificateError.BAD_CERTIFICATE;
                }
            }
        }
        return reason;
    }

    private static boolean identifies(String algorithm) {
        if (!isSupportedEndpointIdentification(algorithm)) {
            throw new IllegalArgumentException("unsupported endpoint identification algorithm: " + algorithm
                    + " (supported: HTTPS, LDAPS, or none)");
        }
        return algorithm != null && !algorithm.isEmpty();
    }

    /** We can only verify CertificateVerify for keys with a TLS 1.3 scheme (RFC 8446 §4.2.3). */
    private static void checkLeafKey(X509Certificate leaf) throws TlsException {
        if (SignatureSchemes.forKey(leaf.getPublicKey()).isEmpty()) {
            throw rejected(CertificateError.UNSUPPORTED_CERTIFICATE, "the " + leaf.getPublicKey().getAlgorithm()
                    + " key of " + leaf.getSubjectX500Principal() + " has no TLS 1.3 signature scheme", null);
        }
    }

    /** The JDK's TLS 1.3 code names the client's key type when it has a classic name, else "UNKNOWN". */
    private static String clientAuthType(X509Certificate leaf) {
        String algorithm = leaf.getPublicKey().getAlgorithm();
        switch (algorithm) {
            case "RSA":
            case "RSASSA-PSS":
            case "EC":
                return algorithm;
            default:
                return TLS13_SERVER_AUTH_TYPE;
        }
    }

    private static String describe(X509Certificate leaf, Throwable e) {
        return leaf.getSubjectX500Principal() + ": " + e.getMessage();
    }

    private static TlsException rejected(CertificateError reason, String detail, Throwable cause) {
        TlsFailure failure = new TlsFailure.CertificateRejected(reason, detail == null ? "" : detail);
        return cause == null ? new TlsException(failure) : new TlsException(failure, cause);
    }

    /** Accepts everything; see {@link CertificateChecks#insecureTrustManager()}. */
    private static final class InsecureTrustManager extends X509ExtendedTrustManager {
        static final InsecureTrustManager INSTANCE = new InsecureTrustManager();

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return NO_CERTIFICATES;
        }

        @Override
        public String toString() {
            return "INSECURE trust-everything manager";
        }
    }
}
