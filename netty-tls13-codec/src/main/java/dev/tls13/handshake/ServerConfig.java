package dev.tls13.handshake;

import dev.tls13.crypto.CryptoProvider;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.SignatureScheme;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Everything a server handshake needs that is the same for every connection of one context.
 * Immutable; built by {@link #builder(CryptoProvider, CertificateSelector)}, so a new setting gets a
 * default instead of changing every caller.
 */
public final class ServerConfig {

    private final CryptoProvider crypto;
    private final List<CipherSuite> cipherSuites;
    private final List<NamedGroup> namedGroups;
    private final List<SignatureScheme> signatureSchemes;
    private final CertificateSelector certificates;
    private final List<String> applicationProtocols;
    private final boolean failOnAlpnMismatch;
    private final boolean helloRetryRequestCookie;
    private final ClientAuth clientAuth;
    private final X509ExtendedTrustManager clientTrustManager;
    private final boolean certificateAuthorities;
    private final SessionTickets sessionTickets;
    private final boolean pskKe;
    private final long maxEarlyData;
    private final AntiReplay antiReplay;
    /** External PSKs by identity (RFC 8446 §4.2.11); empty for none. */
    private final Map<ByteBuffer, ExternalPsk> externalPsks;
    /** EPSKs to import (RFC 9258) by external_identity; empty for none. */
    private final Map<ByteBuffer, ExternalPsk> importedPsks;
    /** The application's lookup of further external PSKs; {@code null} for none. */
    private final ExternalPskLookup externalPskLookup;
    private final boolean tls13;
    private final Tls12ServerContinuation tls12;
    private final List<CipherSuite> tls12CipherSuites;
    private final boolean extendedMasterSecretRequired;

    private ServerConfig(Builder b) {
        crypto = Objects.requireNonNull(b.crypto, "crypto");
        Map<ByteBuffer, ExternalPsk> psks = new HashMap<>();
        Map<ByteBuffer, ExternalPsk> imports = new HashMap<>();
        for (ExternalPsk psk : b.externalPsks) {
            // An EPSK to import is found by the external_identity inside an ImportedIdentity, never by the identity
            // on the wire (RFC 9258 §5.1), so the two kinds are kept apart.
            if ((psk.imported() ? imports : psks).put(ByteBuffer.wrap(psk.identity()), psk) != null) {
                throw new IllegalArgumentException("two external PSKs with one identity");
            }
        }
        externalPsks = Collections.unmodifiableMap(psks);
        importedPsks = Collections.unmodifiableMap(imports);
        externalPskLookup = b.externalPskLookup;
        // docs/architecture.md §15: a server with external PSKs may have no certificate (a PSK-only server).
        certificates = externalPsks.isEmpty() && importedPsks.isEmpty() && externalPskLookup == null
                ? Objects.requireNonNull(b.certificates, "certificates")
                : b.certificates;
        clientAuth = Objects.requireNonNull(b.clientAuth, "clientAuth");
        cipherSuites = List.copyOf(b.cipherSuites);
        namedGroups = List.copyOf(b.namedGroups);
        signatureSchemes = List.copyOf(b.signatureSchemes);
        applicationProtocols = List.copyOf(b.applicationProtocols);
        if (cipherSuites.isEmpty() || namedGroups.isEmpty() || signatureSchemes.isEmpty()) {
            throw new IllegalArgumentException("cipher suites, groups and signature schemes must not be empty");
        }
        if (clientAuth != ClientAuth.NONE && b.clientTrustManager == null) {
            throw new IllegalArgumentException("client authentication needs a trust manager");
        }
        clientTrustManager = b.clientTrustManager;
        failOnAlpnMismatch = b.failOnAlpnMismatch;
        helloRetryRequestCookie = b.helloRetryRequestCookie;
        certificateAuthorities = b.certificateAuthorities;
        // A copy of a configuration keeps its key ring, so tickets of one stay valid with the other.
        SessionTicketKeys keys = b.sessionTicketKeys != null ? b.sessionTicketKeys
                : SessionTicketKeys.rotating(crypto, SessionTicketKeys.DEFAULT_ROTATION, b.sessionTicketLifetime);
        // A copy keeps its store as well, so a ticket is used once whichever copy sees it.
        TicketStore store = b.sessionTicketStore != null ? b.sessionTicketStore
                : b.sessionTicketStoreEntries > 0 ? new SessionTicketStore(b.sessionTicketStoreEntries) : null;
        sessionTickets = new SessionTickets(b.sessionTicketCount, b.sessionTicketLifetime, keys, store);
        pskKe = b.pskKe;
        maxEarlyData = b.maxEarlyData;
        // RFC 8446 §8: 0-RTT without anti-replay lets anyone who recorded a ClientHello replay its early data.
        if (maxEarlyData > 0 && b.antiReplay == null) {
            throw new IllegalArgumentException("0-RTT (maxEarlyData) needs an anti-replay check (RFC 8446 §8)");
        }
        antiReplay = b.antiReplay;
        tls13 = b.tls13;
        tls12 = b.tls12;
        tls12CipherSuites = List.copyOf(b.tls12CipherSuites);
        extendedMasterSecretRequired = b.extendedMasterSecretRequired;
        if (tls12 != null && tls12CipherSuites.isEmpty()) {
            throw new IllegalArgumentException("TLS 1.2 enabled without a TLS 1.2 cipher suite");
        }
        if (!tls13 && tls12 == null) {
            throw new IllegalArgumentException("neither TLS 1.3 nor TLS 1.2 is enabled");
        }
    }

    /**
     * Starts a configuration with the defaults: the GCM and ChaCha20 suites, {@link ConfigDefaults#NAMED_GROUPS}
     * (the hybrids, preferred when offered, then x25519, secp256r1, secp384r1, secp521r1 and x448),
     * {@link SignatureSchemes#DEFAULT}, no ALPN (and no_application_protocol
     * for a client whose ALPN list shares nothing with ours once some are set), no HelloRetryRequest cookie,
     * no client authentication, certificate_authorities in a CertificateRequest.
     *
     * @param crypto the crypto provider
     * @param certificates the server's certificates and keys, and the selection among them
     * @return a new builder
     */
    public static Builder builder(CryptoProvider crypto, CertificateSelector certificates) {
        return new Builder(crypto, certificates);
    }

    /**
     * Starts a builder holding this configuration's settings, to build a copy that differs in some.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder(crypto, certificates).cipherSuites(cipherSuites).namedGroups(namedGroups)
                .signatureSchemes(signatureSchemes).applicationProtocols(applicationProtocols)
                .failOnAlpnMismatch(failOnAlpnMismatch).helloRetryRequestCookie(helloRetryRequestCookie)
                .clientAuth(clientAuth).clientTrustManager(clientTrustManager)
                .certificateAuthorities(certificateAuthorities)
                .sessionTickets(sessionTickets.count(), sessionTickets.lifetime())
                .sessionTicketKeys(sessionTickets.keys()).sessionTicketStore(sessionTickets.store()).pskKe(pskKe)
                .maxEarlyData(maxEarlyData).antiReplay(antiReplay)
                .externalPsks(allExternalPsks()).externalPskLookup(externalPskLookup)
                .tls13(tls13).tls12(tls12)
                .tls12CipherSuites(tls12CipherSuites).extendedMasterSecretRequired(extendedMasterSecretRequired);
    }

    /** @return the crypto provider */
    public CryptoProvider crypto() {
        return crypto;
    }

    /** @return the suites accepted, in the server's preference order */
    public List<CipherSuite> cipherSuites() {
        return cipherSuites;
    }

    /**
     * The groups accepted, in the server's preference order; a client that offers a preferred group
     * without a key share for it gets a HelloRetryRequest.
     *
     * @return the groups
     */
    public List<NamedGroup> namedGroups() {
        return namedGroups;
    }

    /** @return the schemes we are willing to sign with, and accept from clients */
    public List<SignatureScheme> signatureSchemes() {
        return signatureSchemes;
    }

    /**
     * The server's certificates and keys, and the selection among them.
     *
     * @return the selector, or {@code null} for a server that authenticates with external PSKs only
     */
    public CertificateSelector certificates() {
        return certificates;
    }

    /** @return the ALPN protocols we accept, in preference order; empty to ignore ALPN */
    public List<String> applicationProtocols() {
        return applicationProtocols;
    }

    /**
     * Whether a client whose ALPN list shares nothing with ours gets no_application_protocol
     * (RFC 7301 §3.2) rather than a handshake without ALPN.
     *
     * @return {@code true} to fail the handshake
     */
    public boolean failOnAlpnMismatch() {
        return failOnAlpnMismatch;
    }

    /** @return whether a HelloRetryRequest carries a cookie (RFC 8446 §4.2.2) */
    public boolean helloRetryRequestCookie() {
        return helloRetryRequestCookie;
    }

    /** @return whether to ask for a client certificate */
    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** @return the trust manager that validates the client's chain; {@code null} only when clientAuth is NONE */
    public X509ExtendedTrustManager clientTrustManager() {
        return clientTrustManager;
    }

    /**
     * Whether a CertificateRequest lists the client trust anchors' names in certificate_authorities
     * (RFC 8446 §4.2.4).
     *
     * @return {@code true} to list them
     */
    public boolean certificateAuthorities() {
        return certificateAuthorities;
    }

    /** @return the key ring of the session tickets (docs/architecture.md §15) */
    public SessionTicketKeys sessionTicketKeys() {
        return sessionTickets.keys();
    }

    /**
     * Whether a resumption may use psk_ke, without (EC)DHE (RFC 8446 §4.2.9), when the client lists it: no forward
     * secrecy for the resumed session, in exchange for no key exchange.
     *
     * @return {@code true} to select psk_ke whenever the client offers it
     */
    public boolean pskKe() {
        return pskKe;
    }

    /**
     * The max_early_data_size our tickets allow (RFC 8446 §4.6.1): how many bytes of 0-RTT data a client resuming
     * with one of them may send; 0 when this server accepts no early data.
     *
     * @return the limit in bytes, 0 to 2^32 - 1
     */
    public long maxEarlyData() {
        return maxEarlyData;
    }

    /**
     * The anti-replay check of 0-RTT data (RFC 8446 §8); copies of this configuration share it.
     *
     * @return the check, or {@code null} when none is set (then no early data is accepted)
     */
    public AntiReplay antiReplay() {
        return antiReplay;
    }

    /**
     * The external PSK with this identity (RFC 8446 §4.2.11).
     *
     * @param identity a PskIdentity.identity, borrowed
     * @return the PSK, or {@code null} when none has this identity
     */
    ExternalPsk externalPsk(byte[] identity) {
        return externalPsks.isEmpty() ? null : externalPsks.get(ByteBuffer.wrap(identity));
    }

    /**
     * The EPSK to import with this external_identity (RFC 9258 §5.1).
     *
     * @param externalIdentity an ImportedIdentity.external_identity, borrowed
     * @return the EPSK, or {@code null} when none has this identity
     */
    ExternalPsk importedPsk(byte[] externalIdentity) {
        return importedPsks.isEmpty() ? null : importedPsks.get(ByteBuffer.wrap(externalIdentity));
    }

    private List<ExternalPsk> allExternalPsks() {
        List<ExternalPsk> all = new ArrayList<>(externalPsks.values());
        all.addAll(importedPsks.values());
        return List.copyOf(all);
    }

    /** @return the application's lookup of external PSKs, or {@code null} for none */
    ExternalPskLookup externalPskLookup() {
        return externalPskLookup;
    }

    /** @return whether any external PSK is configured in the fixed list */
    public boolean hasExternalPsks() {
        return !externalPsks.isEmpty();
    }

    /** @return whether session tickets are stateful and single-use (a {@link SessionTicketStore}) */
    public boolean singleUseTickets() {
        return sessionTickets.store() != null;
    }

    /** @return the NewSessionTicket setting and its key ring (docs/architecture.md §15) */
    SessionTickets sessionTickets() {
        return sessionTickets;
    }

    /**
     * Whether TLS 1.3 is enabled (the default). A server with TLS 1.2 only answers every client with TLS 1.2 and
     * sends no downgrade sentinel (RFC 8446 §4.1.3: it is for servers that could have negotiated TLS 1.3).
     *
     * @return {@code true} when a client offering TLS 1.3 gets it
     */
    public boolean tls13() {
        return tls13;
    }

    /**
     * The TLS 1.2 server's entry point (docs/architecture.md §16), or {@code null} when TLS 1.2 is not enabled.
     *
     * @return the continuation for ClientHellos that negotiate TLS 1.2
     */
    public Tls12ServerContinuation tls12() {
        return tls12;
    }

    /**
     * The TLS 1.2 suites accepted, in the server's preference order (default
     * {@link ConfigDefaults#TLS12_CIPHER_SUITES}); only those of the profile are ever chosen.
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
     * Collects the settings of a {@link ServerConfig}. Mutable, not thread-safe; {@link #build()} checks
     * and copies, so one builder can build several configurations.
     */
    public static final class Builder {
        private CryptoProvider crypto;
        private CertificateSelector certificates;
        private List<CipherSuite> cipherSuites = ConfigDefaults.CIPHER_SUITES;
        private List<NamedGroup> namedGroups = ConfigDefaults.NAMED_GROUPS;
        private List<SignatureScheme> signatureSchemes = SignatureSchemes.DEFAULT;
        private List<String> applicationProtocols = List.of();
        private boolean failOnAlpnMismatch = true;
        private boolean helloRetryRequestCookie;
        private ClientAuth clientAuth = ClientAuth.NONE;
        private X509ExtendedTrustManager clientTrustManager;
        private boolean certificateAuthorities = true;
        private int sessionTicketCount = SessionTickets.DEFAULT_COUNT;
        private Duration sessionTicketLifetime = SessionTickets.DEFAULT_LIFETIME;
        private SessionTicketKeys sessionTicketKeys;
        private boolean pskKe;
        private long maxEarlyData;
        private AntiReplay antiReplay;
        private List<ExternalPsk> externalPsks = List.of();
        private ExternalPskLookup externalPskLookup;
        private int sessionTicketStoreEntries;
        private TicketStore sessionTicketStore;
        private boolean tls13 = true;
        private Tls12ServerContinuation tls12;
        private List<CipherSuite> tls12CipherSuites = ConfigDefaults.TLS12_CIPHER_SUITES;
        private boolean extendedMasterSecretRequired = true;

        private Builder(CryptoProvider crypto, CertificateSelector certificates) {
            this.crypto = crypto;
            this.certificates = certificates;
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
         * Sets the server's certificates and the selection among them.
         *
         * @param certificates the selector
         * @return this builder
         */
        public Builder certificates(CertificateSelector certificates) {
            this.certificates = certificates;
            return this;
        }

        /**
         * Sets the suites accepted.
         *
         * @param cipherSuites TLS 1.3 suites, in the server's preference order; not empty
         * @return this builder
         */
        public Builder cipherSuites(List<CipherSuite> cipherSuites) {
            this.cipherSuites = cipherSuites;
            return this;
        }

        /**
         * Sets the groups accepted.
         *
         * @param namedGroups the groups, in the server's preference order; not empty
         * @return this builder
         */
        public Builder namedGroups(List<NamedGroup> namedGroups) {
            this.namedGroups = namedGroups;
            return this;
        }

        /**
         * Sets the schemes we sign with and accept from clients.
         *
         * @param signatureSchemes the schemes, in preference order; not empty
         * @return this builder
         */
        public Builder signatureSchemes(List<SignatureScheme> signatureSchemes) {
            this.signatureSchemes = signatureSchemes;
            return this;
        }

        /**
         * Sets the ALPN protocols accepted (RFC 7301).
         *
         * @param applicationProtocols the protocols, in preference order; empty to ignore ALPN
         * @return this builder
         */
        public Builder applicationProtocols(List<String> applicationProtocols) {
            this.applicationProtocols = applicationProtocols;
            return this;
        }

        /**
         * Sets whether an ALPN mismatch fails the handshake with no_application_protocol (RFC 7301 §3.2).
         *
         * @param failOnAlpnMismatch {@code true} to fail, {@code false} to carry on without ALPN
         * @return this builder
         */
        public Builder failOnAlpnMismatch(boolean failOnAlpnMismatch) {
            this.failOnAlpnMismatch = failOnAlpnMismatch;
            return this;
        }

        /**
         * Sets whether a HelloRetryRequest carries a cookie (RFC 8446 §4.2.2).
         *
         * @param helloRetryRequestCookie whether to send one
         * @return this builder
         */
        public Builder helloRetryRequestCookie(boolean helloRetryRequestCookie) {
            this.helloRetryRequestCookie = helloRetryRequestCookie;
            return this;
        }

        /**
         * Sets whether to ask for a client certificate (RFC 8446 §4.3.2).
         *
         * @param clientAuth NONE, OPTIONAL or REQUIRE; the last two need {@link #clientTrustManager}
         * @return this builder
         */
        public Builder clientAuth(ClientAuth clientAuth) {
            this.clientAuth = clientAuth;
            return this;
        }

        /**
         * Sets the trust manager that validates the client's chain.
         *
         * @param clientTrustManager the trust manager, or {@code null} when clientAuth is NONE
         * @return this builder
         */
        public Builder clientTrustManager(X509ExtendedTrustManager clientTrustManager) {
            this.clientTrustManager = clientTrustManager;
            return this;
        }

        /**
         * Sets whether a CertificateRequest lists the client trust anchors' names (RFC 8446 §4.2.4).
         *
         * @param certificateAuthorities whether to send certificate_authorities
         * @return this builder
         */
        public Builder certificateAuthorities(boolean certificateAuthorities) {
            this.certificateAuthorities = certificateAuthorities;
            return this;
        }

        /**
         * Sets how many NewSessionTickets the server sends after each handshake and their lifetime
         * (RFC 8446 §4.6.1); only a client that sent psk_key_exchange_modes with psk_dhe_ke gets them.
         *
         * @param count tickets per handshake, 0 to 255; 0 sends none (default 2)
         * @param lifetime the ticket_lifetime, 1 s to 7 days (default 2 hours)
         * @return this builder
         * @throws IllegalArgumentException when out of range
         */
        public Builder sessionTickets(int count, Duration lifetime) {
            SessionTickets.check(count, lifetime);
            this.sessionTicketCount = count;
            this.sessionTicketLifetime = lifetime;
            return this;
        }

        /**
         * Sets the key ring that seals and opens session tickets; without one, each built configuration generates
         * its own keys and rotates them hourly.
         *
         * @param keys the ring, shared by the configurations built with it; {@code null} for a new one per build
         * @return this builder
         */
        public Builder sessionTicketKeys(SessionTicketKeys keys) {
            this.sessionTicketKeys = keys;
            return this;
        }

        /**
         * Sets whether a resumption may use psk_ke (no (EC)DHE, RFC 8446 §4.2.9) when the client lists it
         * (default {@code false}: psk_dhe_ke only).
         *
         * @param pskKe whether to select psk_ke when offered
         * @return this builder
         */
        public Builder pskKe(boolean pskKe) {
            this.pskKe = pskKe;
            return this;
        }

        /**
         * Sets the max_early_data_size of the tickets this server issues (RFC 8446 §4.6.1, §4.2.10): with more
         * than 0, each NewSessionTicket carries the early_data extension and a client may send that much 0-RTT data
         * when it resumes (default 0: no early data).
         *
         * @param maxEarlyData the limit in bytes, 0 to 2^32 - 1
         * @return this builder
         * @throws IllegalArgumentException when out of range
         */
        public Builder maxEarlyData(long maxEarlyData) {
            if (maxEarlyData < 0 || maxEarlyData > 0xFFFFFFFFL) {
                throw new IllegalArgumentException("max early data must be 0 to 2^32 - 1: " + maxEarlyData);
            }
            this.maxEarlyData = maxEarlyData;
            return this;
        }

        /**
         * Sets the anti-replay check of 0-RTT data (RFC 8446 §8), required when {@link #maxEarlyData} is above 0.
         * Configurations built with one check share it, so a replayed ClientHello is caught whichever copy
         * handles it.
         *
         * @param antiReplay the check, or {@code null} for none
         * @return this builder
         */
        public Builder antiReplay(AntiReplay antiReplay) {
            this.antiReplay = antiReplay;
            return this;
        }

        /**
         * Makes the session tickets stateful and single-use (RFC 8446 §8.1; docs/architecture.md §15): the client
         * gets a random id, the sealed state stays in a bounded store of this size, and a ticket resumes at most one
         * handshake (a second use gets a full handshake). Each entry costs about
         * {@value SessionTicketStore#ESTIMATED_BYTES_PER_ENTRY} bytes of heap without a client chain; when full,
         * the oldest ticket is evicted.
         *
         * @param maxEntries the most tickets held, at least 1; 0 for stateless tickets (the default)
         * @return this builder
         * @throws IllegalArgumentException when negative
         */
        public Builder sessionTicketStore(int maxEntries) {
            if (maxEntries < 0) {
                throw new IllegalArgumentException("session ticket store size must not be negative: " + maxEntries);
            }
            this.sessionTicketStoreEntries = maxEntries;
            this.sessionTicketStore = null;
            return this;
        }

        /**
         * Makes the session tickets stateful and single-use with this store (RFC 8446 §8.1): a fleet's shared store,
         * or the store of the configuration this builder copies ({@link ServerConfig#toBuilder()}), so a ticket is
         * used once whichever configuration sees it.
         *
         * @param store the store, or {@code null} for the {@link #sessionTicketStore(int)} setting
         * @return this builder
         */
        public Builder sessionTicketStore(TicketStore store) {
            this.sessionTicketStore = store;
            return this;
        }

        /**
         * Sets whether TLS 1.3 is enabled (default {@code true}); turning it off needs {@link #tls12}.
         *
         * @param enabled whether a client offering TLS 1.3 gets it
         * @return this builder
         */
        public Builder tls13(boolean enabled) {
            this.tls13 = enabled;
            return this;
        }

        /**
         * Sets the external PSKs a client may offer by identity (RFC 8446 §4.2.11). With at least one, the
         * certificate selector may be {@code null}: a client that offers none of them then gets handshake_failure.
         *
         * @param psks the PSKs, shared with the configurations built (not copied); distinct identities
         * @return this builder
         */
        public Builder externalPsks(List<ExternalPsk> psks) {
            this.externalPsks = List.copyOf(psks);
            return this;
        }

        /**
         * Sets the application's lookup of external PSKs (RFC 8446 §4.2.11), asked for offered identities that are
         * neither in {@link #externalPsks} nor a ticket our keys open. With one, the certificate selector may be
         * {@code null} as with {@link #externalPsks}.
         *
         * @param lookup the lookup, or {@code null} for none (the default)
         * @return this builder
         */
        public Builder externalPskLookup(ExternalPskLookup lookup) {
            this.externalPskLookup = lookup;
            return this;
        }

        /**
         * Enables TLS 1.2 with the TLS 1.2 server's entry point (docs/architecture.md §16); {@code null} (the
         * default) turns it off.
         *
         * @param continuation the entry point, {@code Tls12ServerDriver::afterClientHello}
         * @return this builder
         */
        public Builder tls12(Tls12ServerContinuation continuation) {
            this.tls12 = continuation;
            return this;
        }

        /**
         * Sets the TLS 1.2 suites accepted, in preference order (docs/architecture.md §16).
         *
         * @param suites the suites; those outside the TLS 1.2 profile are never chosen
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
         * Checks the settings and builds the configuration.
         *
         * @return the configuration
         * @throws NullPointerException when the crypto provider, the certificates or clientAuth is missing
         * @throws IllegalArgumentException when the suites, groups or schemes are empty, or client
         *         authentication has no trust manager, or early data is allowed without an anti-replay check, or
         *         neither TLS 1.3 nor TLS 1.2 is enabled
         */
        public ServerConfig build() {
            return new ServerConfig(this);
        }
    }
}
