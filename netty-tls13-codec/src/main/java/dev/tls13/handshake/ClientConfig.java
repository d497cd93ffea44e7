package dev.tls13.handshake;

import dev.tls13.crypto.CryptoProvider;
import dev.tls13.record.CipherSuiteParams;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.Extension;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.SignatureScheme;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Everything a client handshake needs that is the same for every connection of one context.
 * Immutable; built by {@link #builder(CryptoProvider, X509ExtendedTrustManager)}, so a new setting gets a
 * default instead of changing every caller.
 */
public final class ClientConfig {

    private static final List<Integer> PSK_MODES = List.of(Extension.PskKeyExchangeModes.PSK_KE,
            Extension.PskKeyExchangeModes.PSK_DHE_KE);

    private final CryptoProvider crypto;
    private final List<CipherSuite> cipherSuites;
    private final List<NamedGroup> namedGroups;
    private final List<NamedGroup> keyShareGroups;
    private final List<SignatureScheme> signatureSchemes;
    private final List<SignatureScheme> signatureSchemesCert;
    private final List<String> applicationProtocols;
    private final X509ExtendedTrustManager trustManager;
    private final String endpointIdentificationAlgorithm;
    private final boolean middleboxCompatibility;
    private final List<CertifiedKey> clientCredentials;
    private final List<Integer> pskKeyExchangeModes;
    private final Tls12Continuation tls12;
    private final boolean tls13;
    private final List<CipherSuite> tls12CipherSuites;
    private final boolean extendedMasterSecretRequired;
    private final ExternalPsk externalPsk;
    private final boolean externalPskRequired;
    private final boolean earlyData;

    private ClientConfig(Builder b) {
        crypto = Objects.requireNonNull(b.crypto, "crypto");
        trustManager = Objects.requireNonNull(b.trustManager, "trustManager");
        cipherSuites = List.copyOf(b.cipherSuites);
        namedGroups = List.copyOf(b.namedGroups);
        signatureSchemes = List.copyOf(b.signatureSchemes);
        signatureSchemesCert = List.copyOf(b.signatureSchemesCert);
        applicationProtocols = List.copyOf(b.applicationProtocols);
        clientCredentials = List.copyOf(b.clientCredentials);
        if (cipherSuites.isEmpty() || namedGroups.isEmpty() || signatureSchemes.isEmpty()) {
            throw new IllegalArgumentException("cipher suites, groups and signature schemes must not be empty");
        }
        if (b.keyShareGroups != null) {
            keyShareGroups = List.copyOf(b.keyShareGroups);
            if (keyShareGroups.isEmpty() || !namedGroups.containsAll(keyShareGroups)
                    || keyShareGroups.stream().distinct().count() != keyShareGroups.size()) {
                throw new IllegalArgumentException("key share groups must be distinct groups of namedGroups: "
                        + keyShareGroups);
            }
        } else if (!b.keyShareCountSet) {
            keyShareGroups = ConfigDefaults.keyShareGroups(namedGroups);
        } else if (b.keyShareCount < 1 || b.keyShareCount > namedGroups.size()) {
            throw new IllegalArgumentException("keyShareCount must be between 1 and the number of groups");
        } else {
            keyShareGroups = namedGroups.subList(0, b.keyShareCount);
        }
        endpointIdentificationAlgorithm = b.endpointIdentificationAlgorithm;
        middleboxCompatibility = b.middleboxCompatibility;
        tls12 = b.tls12;
        tls13 = b.tls13;
        if (!tls13 && tls12 == null) {
            throw new IllegalArgumentException("neither TLS 1.3 nor TLS 1.2 is enabled");
        }
        if (!tls13 && b.externalPsk != null) {
            throw new IllegalArgumentException("an external PSK needs TLS 1.3 (RFC 8446 §4.2.11)");
        }
        tls12CipherSuites = List.copyOf(b.tls12CipherSuites);
        extendedMasterSecretRequired = b.extendedMasterSecretRequired;
        if (tls12 != null && tls12CipherSuites.isEmpty()) {
            throw new IllegalArgumentException("TLS 1.2 enabled without a TLS 1.2 cipher suite");
        }
        pskKeyExchangeModes = List.copyOf(b.pskKeyExchangeModes);
        earlyData = b.earlyData;
        if (pskKeyExchangeModes.isEmpty() || pskKeyExchangeModes.stream().distinct().count()
                != pskKeyExchangeModes.size() || !PSK_MODES.containsAll(pskKeyExchangeModes)) {
            throw new IllegalArgumentException("PSK key exchange modes must be distinct psk_ke (0) or psk_dhe_ke (1): "
                    + pskKeyExchangeModes);
        }
        externalPsk = b.externalPsk;
        externalPskRequired = b.externalPsk != null && b.externalPskRequired;
        // RFC 8446 §4.2.11: a PSK is used only with a suite of its hash, so one must be offered. An EPSK to import
        // is offered for the hashes of our suites, whatever its own (RFC 9258 §5.1: that is the import's hash).
        if (externalPsk != null && !externalPsk.imported() && cipherSuites.stream().noneMatch(
                suite -> CipherSuiteParams.find(suite).map(CipherSuiteParams::hash).orElse(null)
                        == externalPsk.hash())) {
            throw new IllegalArgumentException("the external PSK's hash " + externalPsk.hash()
                    + " is the hash of no configured cipher suite");
        }
    }

    /**
     * Starts a configuration with the defaults: the GCM and ChaCha20 suites, {@link ConfigDefaults#NAMED_GROUPS}
     * (the hybrids, then x25519, secp256r1, secp384r1, secp521r1 and x448) with key shares for
     * X25519MLKEM768 and x25519 ({@link ConfigDefaults#keyShareGroups}), {@link SignatureSchemes#DEFAULT} and
     * {@link SignatureSchemes#DEFAULT_CERT}, no ALPN, host name verification ({@code "HTTPS"}), middlebox
     * compatibility mode, no client certificate.
     *
     * @param crypto the crypto provider
     * @param trustManager validates the server's chain
     * @return a new builder
     */
    public static Builder builder(CryptoProvider crypto, X509ExtendedTrustManager trustManager) {
        return new Builder(crypto, trustManager);
    }

    /**
     * Starts a builder holding this configuration's settings, to build a copy that differs in some.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder(crypto, trustManager).cipherSuites(cipherSuites).namedGroups(namedGroups)
                .keyShareGroups(keyShareGroups).signatureSchemes(signatureSchemes)
                .signatureSchemesCert(signatureSchemesCert).applicationProtocols(applicationProtocols)
                .endpointIdentificationAlgorithm(endpointIdentificationAlgorithm)
                .middleboxCompatibility(middleboxCompatibility).clientCredentials(clientCredentials)
                .pskKeyExchangeModes(pskKeyExchangeModes).tls12(tls12).tls13(tls13).tls12CipherSuites(tls12CipherSuites)
                .extendedMasterSecretRequired(extendedMasterSecretRequired).earlyData(earlyData)
                .externalPsk(externalPsk, externalPskRequired);
    }

    /** @return the crypto provider */
    public CryptoProvider crypto() {
        return crypto;
    }

    /** @return the suites offered, in preference order (TLS 1.3 suites only) */
    public List<CipherSuite> cipherSuites() {
        return cipherSuites;
    }

    /** @return the groups offered in supported_groups, in preference order */
    public List<NamedGroup> namedGroups() {
        return namedGroups;
    }

    /** @return the groups that get a key share in the first ClientHello, in that order */
    public List<NamedGroup> keyShareGroups() {
        return keyShareGroups;
    }

    /** @return how many groups get a key share in the first ClientHello */
    public int keyShareCount() {
        return keyShareGroups.size();
    }

    /** @return the schemes offered in signature_algorithms (for CertificateVerify) */
    public List<SignatureScheme> signatureSchemes() {
        return signatureSchemes;
    }

    /** @return the schemes offered in signature_algorithms_cert (for certificate chains); empty to omit */
    public List<SignatureScheme> signatureSchemesCert() {
        return signatureSchemesCert;
    }

    /** @return the ALPN protocols offered, in preference order; empty to omit */
    public List<String> applicationProtocols() {
        return applicationProtocols;
    }

    /** @return the trust manager that validates the server's chain */
    public X509ExtendedTrustManager trustManager() {
        return trustManager;
    }

    /** @return {@code "HTTPS"} to verify the host name, or {@code null} not to */
    public String endpointIdentificationAlgorithm() {
        return endpointIdentificationAlgorithm;
    }

    /** @return whether to use middlebox compatibility mode (RFC 8446 §D.4) */
    public boolean middleboxCompatibility() {
        return middleboxCompatibility;
    }

    /** @return the certificates we can present when the server asks; empty for none */
    public List<CertifiedKey> clientCredentials() {
        return clientCredentials;
    }

    /** @return how to continue after a TLS 1.2 ServerHello, or {@code null} when only TLS 1.3 is offered */
    public Tls12Continuation tls12() {
        return tls12;
    }

    /**
     * @return whether TLS 1.3 is offered; {@code false} for a TLS 1.2-only client, whose ClientHello carries none
     *         of TLS 1.3's extensions (no supported_versions, key_share, psk_key_exchange_modes or PSK)
     */
    public boolean tls13() {
        return tls13;
    }

    /**
     * The TLS 1.2 suites offered after the TLS 1.3 ones when TLS 1.2 is enabled, in preference order (default
     * {@link ConfigDefaults#TLS12_CIPHER_SUITES}; the CCM suites are opt-in).
     *
     * @return the suites
     */
    public List<CipherSuite> tls12CipherSuites() {
        return tls12CipherSuites;
    }

    /**
     * Whether a TLS 1.2 peer must use the extended master secret (RFC 7627), default {@code true}: without it the
     * handshake fails with handshake_failure (RFC 7627 §5.2); when {@code false}, such a peer gets the RFC 5246
     * §8.1 master secret and the session exports no keying material (RFC 7627 §5.4).
     *
     * @return whether the extended master secret is required
     */
    public boolean extendedMasterSecretRequired() {
        return extendedMasterSecretRequired;
    }

    /**
     * The PskKeyExchangeMode values sent in psk_key_exchange_modes (RFC 8446 §4.2.9), always sent so that
     * servers issue tickets (JDK and BoringSSL servers issue none otherwise).
     *
     * @return {@code [psk_dhe_ke]} by default; psk_ke (0) only when configured
     */
    public List<Integer> pskKeyExchangeModes() {
        return pskKeyExchangeModes;
    }

    /**
     * The external PSK offered in every ClientHello (RFC 8446 §4.2.11; docs/architecture.md §15), in place of a
     * cached ticket.
     *
     * @return the PSK, or {@code null} for none
     */
    public ExternalPsk externalPsk() {
        return externalPsk;
    }

    /**
     * Whether a server that does not select the external PSK fails the handshake (handshake_failure) rather than
     * getting a certificate-authenticated handshake: so when the application configured no trust of its own.
     *
     * @return {@code true} when the external PSK is the only way to authenticate the server
     */
    public boolean externalPskRequired() {
        return externalPskRequired;
    }

    /**
     * Whether the client may send 0-RTT early data with a ticket that allows it (RFC 8446 §4.2.10,
     * docs/architecture.md §15).
     *
     * @return {@code false} by default
     */
    public boolean earlyData() {
        return earlyData;
    }

    /**
     * Collects the settings of a {@link ClientConfig}. Mutable, not thread-safe; {@link #build()} checks
     * and copies, so one builder can build several configurations.
     */
    public static final class Builder {
        private CryptoProvider crypto;
        private X509ExtendedTrustManager trustManager;
        private List<CipherSuite> cipherSuites = ConfigDefaults.CIPHER_SUITES;
        private List<NamedGroup> namedGroups = ConfigDefaults.NAMED_GROUPS;
        private int keyShareCount;
        private boolean keyShareCountSet;
        private List<NamedGroup> keyShareGroups;
        private List<SignatureScheme> signatureSchemes = SignatureSchemes.DEFAULT;
        private List<SignatureScheme> signatureSchemesCert = SignatureSchemes.DEFAULT_CERT;
        private List<String> applicationProtocols = List.of();
        private String endpointIdentificationAlgorithm = CertificateChecks.HTTPS;
        private boolean middleboxCompatibility = true;
        private List<CertifiedKey> clientCredentials = List.of();
        private List<Integer> pskKeyExchangeModes = List.of(Extension.PskKeyExchangeModes.PSK_DHE_KE);
        private Tls12Continuation tls12;
        private boolean tls13 = true;
        private List<CipherSuite> tls12CipherSuites = ConfigDefaults.TLS12_CIPHER_SUITES;
        private boolean extendedMasterSecretRequired = true;
        private ExternalPsk externalPsk;
        private boolean externalPskRequired;
        private boolean earlyData;

        private Builder(CryptoProvider crypto, X509ExtendedTrustManager trustManager) {
            this.crypto = crypto;
            this.trustManager = trustManager;
        }

        /**
         * Sets the crypto provider.
         *
         * @param crypto the provider
         * @return this builder
         */
        public Builder crypto(CryptoProvider crypto) {
            this.crypto = crypto;
            return this;
        }

        /**
         * Sets the trust manager that validates the server's chain.
         *
         * @param trustManager the trust manager
         * @return this builder
         */
        public Builder trustManager(X509ExtendedTrustManager trustManager) {
            this.trustManager = trustManager;
            return this;
        }

        /**
         * Sets the suites offered.
         *
         * @param cipherSuites TLS 1.3 suites, in preference order; not empty
         * @return this builder
         */
        public Builder cipherSuites(List<CipherSuite> cipherSuites) {
            this.cipherSuites = cipherSuites;
            return this;
        }

        /**
         * Sets the groups offered in supported_groups.
         *
         * @param namedGroups the groups, in preference order; not empty
         * @return this builder
         */
        public Builder namedGroups(List<NamedGroup> namedGroups) {
            this.namedGroups = namedGroups;
            return this;
        }

        /**
         * Sends key shares for the first {@code keyShareCount} groups, instead of the default
         * ({@link ConfigDefaults#keyShareGroups}: the first group, plus the first classical one after a hybrid).
         *
         * @param keyShareCount between 1 and the number of groups
         * @return this builder
         */
        public Builder keyShareCount(int keyShareCount) {
            this.keyShareCount = keyShareCount;
            this.keyShareCountSet = true;
            this.keyShareGroups = null;
            return this;
        }

        /**
         * Sends key shares for exactly these groups, in this order.
         *
         * @param keyShareGroups distinct groups of {@link #namedGroups}; not empty
         * @return this builder
         */
        public Builder keyShareGroups(List<NamedGroup> keyShareGroups) {
            this.keyShareGroups = keyShareGroups;
            this.keyShareCountSet = false;
            return this;
        }

        /**
         * Sets the schemes offered in signature_algorithms (for CertificateVerify).
         *
         * @param signatureSchemes the schemes, in preference order; not empty
         * @return this builder
         */
        public Builder signatureSchemes(List<SignatureScheme> signatureSchemes) {
            this.signatureSchemes = signatureSchemes;
            return this;
        }

        /**
         * Sets the schemes offered in signature_algorithms_cert (for certificate chains).
         *
         * @param signatureSchemesCert the schemes; empty to omit the extension
         * @return this builder
         */
        public Builder signatureSchemesCert(List<SignatureScheme> signatureSchemesCert) {
            this.signatureSchemesCert = signatureSchemesCert;
            return this;
        }

        /**
         * Sets the ALPN protocols offered (RFC 7301).
         *
         * @param applicationProtocols the protocols, in preference order; empty to omit ALPN
         * @return this builder
         */
        public Builder applicationProtocols(List<String> applicationProtocols) {
            this.applicationProtocols = applicationProtocols;
            return this;
        }

        /**
         * Sets whether the server's certificate is checked against the host name.
         *
         * @param endpointIdentificationAlgorithm {@code "HTTPS"} to verify the host name, or {@code null} not to
         * @return this builder
         */
        public Builder endpointIdentificationAlgorithm(String endpointIdentificationAlgorithm) {
            this.endpointIdentificationAlgorithm = endpointIdentificationAlgorithm;
            return this;
        }

        /**
         * Sets whether to use middlebox compatibility mode (RFC 8446 §D.4).
         *
         * @param middleboxCompatibility whether to send a session id and a change_cipher_spec
         * @return this builder
         */
        public Builder middleboxCompatibility(boolean middleboxCompatibility) {
            this.middleboxCompatibility = middleboxCompatibility;
            return this;
        }

        /**
         * Sets the certificates we can present when the server asks (RFC 8446 §4.4.2.3).
         *
         * @param clientCredentials the certificates and keys; empty for none
         * @return this builder
         */
        public Builder clientCredentials(List<CertifiedKey> clientCredentials) {
            this.clientCredentials = clientCredentials;
            return this;
        }

        /**
         * The PSK key exchange modes offered (RFC 8446 §4.2.9), in preference order.
         *
         * @param modes {@link Extension.PskKeyExchangeModes#PSK_DHE_KE} and/or
         *        {@link Extension.PskKeyExchangeModes#PSK_KE}; default psk_dhe_ke only
         * @return this builder
         */
        public Builder pskKeyExchangeModes(List<Integer> modes) {
            this.pskKeyExchangeModes = modes;
            return this;
        }

        /**
         * Offers TLS 1.2 besides TLS 1.3 (docs/architecture.md §16): the ClientHello then carries the TLS 1.2
         * suites, versions and extensions, and a TLS 1.2 ServerHello continues in {@code continuation}.
         *
         * @param continuation the TLS 1.2 client's entry point, or {@code null} for TLS 1.3 only
         * @return this builder
         */
        public Builder tls12(Tls12Continuation continuation) {
            this.tls12 = continuation;
            return this;
        }

        /**
         * Sets whether TLS 1.3 is offered (default {@code true}); turning it off needs {@link #tls12} and makes a
         * TLS 1.2-only client (docs/architecture.md §16).
         *
         * @param enabled whether to offer TLS 1.3
         * @return this builder
         */
        public Builder tls13(boolean enabled) {
            this.tls13 = enabled;
            return this;
        }

        /**
         * Sets the TLS 1.2 suites offered when TLS 1.2 is enabled, in preference order (docs/architecture.md §16).
         *
         * @param suites suites of the TLS 1.2 profile ({@code Tls12CipherSuiteParams}); not empty with TLS 1.2
         * @return this builder
         */
        public Builder tls12CipherSuites(List<CipherSuite> suites) {
            this.tls12CipherSuites = suites;
            return this;
        }

        /**
         * Sets whether a TLS 1.2 peer must use the extended master secret (RFC 7627 §5.2; default {@code true}).
         * It is offered (client) or accepted (server) either way.
         *
         * @param required {@code false} to let a peer without it connect with the RFC 5246 §8.1 master secret
         * @return this builder
         */
        public Builder extendedMasterSecretRequired(boolean required) {
            this.extendedMasterSecretRequired = required;
            return this;
        }

        /**
         * Sets the external PSK offered in every ClientHello (RFC 8446 §4.2.11), and whether the handshake fails
         * when the server does not select it.
         *
         * @param psk the PSK, shared with the configurations built (not copied), or {@code null} for none
         * @param required {@code true} to fail with handshake_failure when the server declines it, {@code false}
         *        to accept a certificate-authenticated handshake instead
         * @return this builder
         */
        public Builder externalPsk(ExternalPsk psk, boolean required) {
            this.externalPsk = psk;
            this.externalPskRequired = required;
            return this;
        }

        /**
         * Whether 0-RTT early data may be sent with a ticket that allows it (RFC 8446 §4.2.10).
         *
         * @param enabled {@code true} to allow it; default {@code false}
         * @return this builder
         */
        public Builder earlyData(boolean enabled) {
            this.earlyData = enabled;
            return this;
        }

        /**
         * Checks the settings and builds the configuration.
         *
         * @return the configuration
         * @throws NullPointerException when the crypto provider or the trust manager is missing
         * @throws IllegalArgumentException when the suites, groups or schemes are empty, or the key share
         *         count is out of range
         */
        public ClientConfig build() {
            return new ClientConfig(this);
        }
    }
}
