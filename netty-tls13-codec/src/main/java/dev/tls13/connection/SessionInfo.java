package dev.tls13.connection;

import dev.tls13.handshake.HandshakeSummary;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a completed handshake negotiated, as users see it ({@code Tls13Handler.session()},
 * {@link TlsConnection#session()}). Immutable. Algorithms are named by their IANA names (the TLS
 * parameters registry: {@code "TLS_AES_128_GCM_SHA256"}, {@code "x25519"}, {@code "ecdsa_secp256r1_sha256"}),
 * certificates are the JDK's, so nothing of the codec's wire types is part of this API; new facts are new
 * accessors and builder settings, which break no caller.
 */
public final class SessionInfo {

    /**
     * The protocol name of TLS 1.3, as {@code SSLSession.getProtocol()} spells it; the default of
     * {@link #protocol()}, which says {@value #TLS12} for a TLS 1.2 session.
     */
    public static final String PROTOCOL = "TLSv1.3";
    /** The protocol name of TLS 1.2, as {@code SSLSession.getProtocol()} spells it. */
    public static final String TLS12 = "TLSv1.2";

    /** What authenticated a session's handshake (RFC 8446 §2: a certificate, or a PSK of one of two kinds). */
    public enum Authentication {
        /** A full handshake: the server proved its certificate (CertificateVerify, RFC 8446 §4.4.3). */
        CERTIFICATE,
        /**
         * A resumption (RFC 8446 §2.2): a PSK from a session ticket of an earlier, certificate-authenticated session;
         * {@link SessionInfo#peerCertificates()} are that session's.
         */
        RESUMPTION,
        /**
         * An external PSK provisioned outside TLS (RFC 8446 §4.2.11), imported or not (RFC 9258), named by
         * {@link SessionInfo#externalPskIdentity()}: no certificates were involved, each side proved the key by its
         * Finished.
         */
        EXTERNAL_PSK
    }

    private final String protocol;
    private final String cipherSuite;
    private final String namedGroup;
    private final String peerSignatureScheme;
    private final String localSignatureScheme;
    private final String applicationProtocol;
    private final String serverName;
    private final List<X509Certificate> peerCertificates;
    private final List<X509Certificate> localCertificates;
    private final boolean helloRetryRequest;
    private final boolean resumed;
    private final boolean earlyDataAccepted;
    private final byte[] externalPskIdentity;

    private SessionInfo(Builder b) {
        protocol = b.protocol;
        cipherSuite = Objects.requireNonNull(b.cipherSuite, "cipherSuite");
        namedGroup = b.namedGroup;
        peerSignatureScheme = b.peerSignatureScheme;
        localSignatureScheme = b.localSignatureScheme;
        applicationProtocol = b.applicationProtocol;
        serverName = b.serverName;
        peerCertificates = List.copyOf(b.peerCertificates);
        localCertificates = List.copyOf(b.localCertificates);
        helloRetryRequest = b.helloRetryRequest;
        resumed = b.resumed;
        earlyDataAccepted = b.earlyDataAccepted;
        externalPskIdentity = b.externalPskIdentity == null ? null : b.externalPskIdentity.clone();
        if (externalPskIdentity != null && resumed) {
            throw new IllegalArgumentException("an external PSK's handshake is not a resumption");
        }
    }

    /**
     * Starts a description of a session; what is not set is absent (no signature, ALPN or server name, no
     * certificates, no HelloRetryRequest, not resumed).
     *
     * @param cipherSuite the cipher suite's IANA name
     * @param namedGroup the key exchange group's IANA name, or {@code null} for a resumption without (EC)DHE
     *        (psk_ke, RFC 8446 §4.2.9)
     * @return a new builder
     */
    public static Builder builder(String cipherSuite, String namedGroup) {
        return new Builder(cipherSuite, namedGroup);
    }

    /**
     * The public view of what the state machine negotiated: the one place that names wire values for users.
     * Negotiated values are always known ones, so {@code toString()} is their IANA name.
     */
    static SessionInfo of(HandshakeSummary summary) {
        return of(summary, PROTOCOL);
    }

    /** {@link #of(HandshakeSummary)} for a session of the given protocol. */
    static SessionInfo of(HandshakeSummary summary, String protocol) {
        return builder(summary.cipherSuite().toString(), name(summary.namedGroup()))
                .protocol(protocol)
                .peerSignatureScheme(name(summary.peerSignatureScheme()))
                .localSignatureScheme(name(summary.localSignatureScheme()))
                .applicationProtocol(summary.applicationProtocol())
                .serverName(summary.serverName())
                .peerCertificates(summary.peerCertificates())
                .localCertificates(summary.localCertificates())
                .helloRetryRequest(summary.helloRetryRequest())
                .resumed(summary.resumed())
                .earlyDataAccepted(summary.earlyDataAccepted())
                .externalPskIdentity(summary.externalPskIdentity())
                .build();
    }

    private static String name(Object wireValue) {
        return wireValue == null ? null : wireValue.toString();
    }

    /** @return {@value #PROTOCOL} or {@value #TLS12} */
    public String protocol() {
        return protocol;
    }

    /** @return the negotiated cipher suite's IANA name, e.g. {@code "TLS_AES_128_GCM_SHA256"} */
    public String cipherSuite() {
        return cipherSuite;
    }

    /**
     * The (EC)DHE group's IANA name, e.g. {@code "x25519"}.
     *
     * @return the name, or {@code null} when a resumption used psk_ke, without (EC)DHE (RFC 8446 §4.2.9)
     */
    public String namedGroup() {
        return namedGroup;
    }

    /**
     * The IANA name of the scheme of the peer's CertificateVerify, e.g. {@code "ecdsa_secp256r1_sha256"}.
     *
     * @return the name, or {@code null} when the peer did not authenticate with a certificate
     */
    public String peerSignatureScheme() {
        return peerSignatureScheme;
    }

    /** @return the IANA name of the scheme of our CertificateVerify, or {@code null} when we sent none */
    public String localSignatureScheme() {
        return localSignatureScheme;
    }

    /** @return the ALPN protocol (RFC 7301), or {@code null} when none was negotiated */
    public String applicationProtocol() {
        return applicationProtocol;
    }

    /** @return the SNI host name the client sent (RFC 6066), or {@code null} */
    public String serverName() {
        return serverName;
    }

    /** @return the peer's validated certificate chain, leaf first; empty when it sent none */
    public List<X509Certificate> peerCertificates() {
        return peerCertificates;
    }

    /** @return the chain we sent, leaf first; empty when we sent none */
    public List<X509Certificate> localCertificates() {
        return localCertificates;
    }

    /** @return whether a HelloRetryRequest was part of the handshake */
    public boolean helloRetryRequest() {
        return helloRetryRequest;
    }

    /** @return whether the handshake resumed an earlier session with a PSK */
    public boolean resumed() {
        return resumed;
    }

    /**
     * Whether the server accepted the client's 0-RTT early data (RFC 8446 §4.2.10): on a server, the data that
     * reached the pipeline as early data was processed; on a client, what it sent as early data arrived as such.
     * A client whose early data was rejected (its {@code Tls13Handler} then sent the same bytes again as ordinary
     * data: the server skipped the early records unread, §4.2.10, so nothing is processed twice) or that offered
     * none sees {@code false}. Early data can be replayed by an attacker (RFC 8446 §8, §E.5), so it must only
     * carry idempotent requests.
     *
     * @return {@code true} when early data was offered and accepted; {@code false} otherwise (none offered, or
     *         rejected)
     */
    public boolean earlyDataAccepted() {
        return earlyDataAccepted;
    }

    /**
     * The identity of the external PSK (RFC 8446 §4.2.11) that authenticated this session, on both sides: the one
     * the client offered and the server accepted ({@code Tls13ExternalPsk}), e.g. to tell which device or tenant
     * connected. The identity is not secret (it travels in clear in the ClientHello); the key is never exposed. For
     * an imported PSK (RFC 9258, {@code Tls13ExternalPsk.imported}) it is the EPSK's external identity as
     * configured, not the ImportedIdentity structure sent on the wire (which adds the context and the target).
     *
     * @return a copy of the identity's bytes (UTF-8 for a string identity), or {@code null} when no external PSK
     *         authenticated the session ({@link #authentication()} is not {@link Authentication#EXTERNAL_PSK})
     */
    public byte[] externalPskIdentity() {
        return externalPskIdentity == null ? null : externalPskIdentity.clone();
    }

    /**
     * What authenticated the handshake: {@link Authentication#EXTERNAL_PSK} when {@link #externalPskIdentity()} is
     * set, {@link Authentication#RESUMPTION} when {@link #resumed()}, else {@link Authentication#CERTIFICATE} (TLS 1.2
     * sessions included).
     *
     * @return how the session was authenticated
     */
    public Authentication authentication() {
        return externalPskIdentity != null ? Authentication.EXTERNAL_PSK
                : resumed ? Authentication.RESUMPTION : Authentication.CERTIFICATE;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof SessionInfo)) {
            return false;
        }
        SessionInfo other = (SessionInfo) o;
        return protocol.equals(other.protocol) && cipherSuite.equals(other.cipherSuite)
                && Objects.equals(namedGroup, other.namedGroup)
                && Objects.equals(peerSignatureScheme, other.peerSignatureScheme)
                && Objects.equals(localSignatureScheme, other.localSignatureScheme)
                && Objects.equals(applicationProtocol, other.applicationProtocol)
                && Objects.equals(serverName, other.serverName)
                && peerCertificates.equals(other.peerCertificates)
                && localCertificates.equals(other.localCertificates)
                && helloRetryRequest == other.helloRetryRequest && resumed == other.resumed
                && earlyDataAccepted == other.earlyDataAccepted
                && Arrays.equals(externalPskIdentity, other.externalPskIdentity);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hash(protocol, cipherSuite, namedGroup, peerSignatureScheme, localSignatureScheme,
                applicationProtocol, serverName, peerCertificates, localCertificates, helloRetryRequest, resumed,
                earlyDataAccepted) + Arrays.hashCode(externalPskIdentity);
    }

    @Override
    public String toString() {
        return "SessionInfo[" + protocol + ", " + cipherSuite + ", " + namedGroup
                + ", peerSignatureScheme=" + peerSignatureScheme + ", localSignatureScheme=" + localSignatureScheme
                + ", applicationProtocol=" + applicationProtocol + ", serverName=" + serverName
                + ", peerCertificates=" + peerCertificates.size() + ", localCertificates=" + localCertificates.size()
                + ", helloRetryRequest=" + helloRetryRequest + ", resumed=" + resumed
                + ", earlyDataAccepted=" + earlyDataAccepted + ", authentication=" + authentication() + "]";
    }

    /** Collects the facts of a {@link SessionInfo}. Mutable, not thread-safe. */
    public static final class Builder {
        private final String cipherSuite;
        private final String namedGroup;
        private String peerSignatureScheme;
        private String localSignatureScheme;
        private String applicationProtocol;
        private String serverName;
        private List<X509Certificate> peerCertificates = List.of();
        private List<X509Certificate> localCertificates = List.of();
        private boolean helloRetryRequest;
        private boolean resumed;
        private String protocol = PROTOCOL;
        private boolean earlyDataAccepted;
        private byte[] externalPskIdentity;

        private Builder(String cipherSuite, String namedGroup) {
            this.cipherSuite = cipherSuite;
            this.namedGroup = namedGroup;
        }

        /**
         * Sets the scheme of the peer's CertificateVerify.
         *
         * @param peerSignatureScheme its IANA name, or {@code null} for none
         * @return this builder
         */
        public Builder peerSignatureScheme(String peerSignatureScheme) {
            this.peerSignatureScheme = peerSignatureScheme;
            return this;
        }

        /**
         * Sets the scheme of our CertificateVerify.
         *
         * @param localSignatureScheme its IANA name, or {@code null} for none
         * @return this builder
         */
        public Builder localSignatureScheme(String localSignatureScheme) {
            this.localSignatureScheme = localSignatureScheme;
            return this;
        }

        /**
         * Sets the ALPN protocol.
         *
         * @param applicationProtocol the protocol, or {@code null} for none
         * @return this builder
         */
        public Builder applicationProtocol(String applicationProtocol) {
            this.applicationProtocol = applicationProtocol;
            return this;
        }

        /**
         * Sets the SNI host name the client sent.
         *
         * @param serverName the name, or {@code null} for none
         * @return this builder
         */
        public Builder serverName(String serverName) {
            this.serverName = serverName;
            return this;
        }

        /**
         * Sets the peer's certificate chain.
         *
         * @param peerCertificates leaf first; empty for none
         * @return this builder
         */
        public Builder peerCertificates(List<X509Certificate> peerCertificates) {
            this.peerCertificates = peerCertificates;
            return this;
        }

        /**
         * Sets the chain we sent.
         *
         * @param localCertificates leaf first; empty for none
         * @return this builder
         */
        public Builder localCertificates(List<X509Certificate> localCertificates) {
            this.localCertificates = localCertificates;
            return this;
        }

        /**
         * Sets whether a HelloRetryRequest was part of the handshake.
         *
         * @param helloRetryRequest whether one was
         * @return this builder
         */
        public Builder helloRetryRequest(boolean helloRetryRequest) {
            this.helloRetryRequest = helloRetryRequest;
            return this;
        }

        /**
         * Sets whether the handshake resumed an earlier session.
         *
         * @param resumed whether it did
         * @return this builder
         */
        public Builder resumed(boolean resumed) {
            this.resumed = resumed;
            return this;
        }

        /**
         * Sets whether the server accepted the client's early data (RFC 8446 §4.2.10).
         *
         * @param earlyDataAccepted whether it did
         * @return this builder
         */
        public Builder earlyDataAccepted(boolean earlyDataAccepted) {
            this.earlyDataAccepted = earlyDataAccepted;
            return this;
        }

        /**
         * Sets the identity of the external PSK that authenticated the handshake (RFC 8446 §4.2.11).
         *
         * @param externalPskIdentity the identity, copied when built; {@code null} for none
         * @return this builder
         */
        public Builder externalPskIdentity(byte[] externalPskIdentity) {
            this.externalPskIdentity = externalPskIdentity;
            return this;
        }

        /**
         * Sets the protocol; {@value SessionInfo#PROTOCOL} unless set.
         *
         * @param protocol {@value SessionInfo#PROTOCOL} or {@value SessionInfo#TLS12}
         * @return this builder
         */
        public Builder protocol(String protocol) {
            if (!PROTOCOL.equals(protocol) && !TLS12.equals(protocol)) {
                throw new IllegalArgumentException("protocol must be " + PROTOCOL + " or " + TLS12 + ": " + protocol);
            }
            this.protocol = protocol;
            return this;
        }

        /**
         * Builds the description.
         *
         * @return the session info
         * @throws NullPointerException when the cipher suite is missing
         * @throws IllegalArgumentException when both an external PSK identity and resumed are set
         */
        public SessionInfo build() {
            return new SessionInfo(this);
        }
    }
}
