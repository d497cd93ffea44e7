package dev.tls13;

import dev.tls13.connection.ClientSessionCache;
import dev.tls13.connection.Limits;
import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.JcaCryptoProvider;
import dev.tls13.crypto.JcaOnlyCryptoProvider;
import dev.tls13.crypto.PemReader;
import dev.tls13.handshake.CertificateChecks;
import dev.tls13.handshake.CertificateSelector;
import dev.tls13.handshake.CertifiedKey;
import dev.tls13.handshake.ClientAuth;
import dev.tls13.handshake.ConfigDefaults;
import dev.tls13.handshake.SignatureSchemes;
import dev.tls13.handshake.TrustManagers;
import dev.tls13.record.HandshakeJoiner;
import dev.tls13.record.Records;
import dev.tls13.record.Tls12CipherSuiteParams;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.Extension;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.SignatureScheme;
import java.io.File;
import java.io.InputStream;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * Builds a {@link Tls13Context}, with the vocabulary of Netty's {@code SslContextBuilder}. Mutable and
 * not thread-safe; {@link #build()} takes a snapshot, so one builder can build several contexts.
 * Caller mistakes (an unknown cipher suite name, a server without a certificate, a key that does not
 * match its certificate …) throw {@link IllegalArgumentException} with a message naming the problem.
 */
public final class Tls13ContextBuilder {

    /**
     * The system property that chooses the default crypto: {@code jca} for {@link #jcaProvidersOnly()},
     * {@code default} (or unset) for the default provider.
     */
    public static final String CRYPTO_PROPERTY = "dev.tls13.crypto";
    /** The cipher suites enabled by default, in preference order; the CCM suites are opt-in. */
    static final List<CipherSuite> DEFAULT_CIPHER_SUITES = ConfigDefaults.CIPHER_SUITES;
    /** The groups enabled by default, in preference order. */
    static final List<NamedGroup> DEFAULT_GROUPS = ConfigDefaults.NAMED_GROUPS;
    private static final List<CipherSuite> ALL_SUITES = List.of(CipherSuite.TLS_AES_128_GCM_SHA256,
            CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
            CipherSuite.TLS_AES_128_CCM_SHA256, CipherSuite.TLS_AES_128_CCM_8_SHA256);
    /** The groups with a key exchange here (RFC 8446 §4.2.7): the defaults, in the same order. */
    private static final List<NamedGroup> SUPPORTED_GROUPS = DEFAULT_GROUPS;
    /** The JCA key algorithms of the certificates a TLS 1.3 peer can sign with (RFC 8446 §4.2.3). */
    private static final List<String> KEY_TYPES = List.of("EC", "RSA", "RSASSA-PSS", "EdDSA", "Ed25519", "Ed448");

    final boolean server;
    final List<CertifiedKey> keys = new ArrayList<>();
    final Map<String, List<CertifiedKey>> keysByServerName = new LinkedHashMap<>();
    X509ExtendedTrustManager trustManager;
    ClientAuth clientAuth = ClientAuth.NONE;
    boolean certificateAuthorities = true;
    String endpointIdentificationAlgorithm = "HTTPS";
    String serverName;
    boolean sendServerName = true;
    List<String> applicationProtocols = List.of();
    boolean failOnApplicationProtocolMismatch = true;
    List<CipherSuite> cipherSuites = DEFAULT_CIPHER_SUITES;
    List<CipherSuite> tls12CipherSuites = ConfigDefaults.TLS12_CIPHER_SUITES;
    boolean extendedMasterSecretRequired = true;
    List<NamedGroup> namedGroups = DEFAULT_GROUPS;
    /** 0: the default, key shares for X25519MLKEM768 and x25519 (ConfigDefaults.keyShareGroups). */
    int keyShares;
    List<SignatureScheme> signatureSchemes = SignatureSchemes.DEFAULT;
    boolean middleboxCompatibility = true;
    boolean tls12 = true;
    boolean tls13 = true;
    boolean helloRetryRequestCookie;
    long handshakeTimeoutMillis = 10_000;
    long closeNotifyFlushTimeoutMillis = 3_000;
    long closeNotifyReadTimeoutMillis;
    int wrapDataSize = Records.MAX_PLAINTEXT_LENGTH;
    int maxHandshakeMessageSize = HandshakeJoiner.DEFAULT_MAX_MESSAGE_LENGTH;
    int maxClientHelloSize = HandshakeJoiner.DEFAULT_MAX_CLIENT_HELLO_LENGTH;
    int maxCertificateMessageSize = HandshakeJoiner.DEFAULT_MAX_CERTIFICATE_LENGTH;
    long maxPendingWriteBytes = 1024 * 1024;
    long keyUpdateAfterRecords = Limits.DEFAULT.keyUpdateAfterRecords();
    CryptoProvider cryptoProvider = defaultCryptoProvider();
    Tls13KeyLog keyLog;
    List<Integer> pskKeyExchangeModes = List.of(Extension.PskKeyExchangeModes.PSK_DHE_KE);
    long sessionCacheSize = ClientSessionCache.DEFAULT_SIZE;
    long sessionTimeoutSeconds = ClientSessionCache.DEFAULT_TIMEOUT_SECONDS;
    ClientSessionCache sessionCache;
    boolean earlyData;
    int sessionTicketCount = 2;
    Duration sessionTicketLifetime = Duration.ofHours(2);
    List<Tls13SessionTicketKey> sessionTicketKeys = List.of();
    Duration sessionTicketKeyRotation = Duration.ofHours(1);
    int maxEarlyData;
    Tls13AntiReplay antiReplay;
    Tls13ExternalPsk externalPsk;
    List<Tls13ExternalPsk> externalPsks = List.of();
    Tls13ExternalPskLookup externalPskLookup;
    int sessionTicketStore;
    Tls13SessionTicketStore sharedSessionTicketStore;

    Tls13ContextBuilder(boolean server) {
        this.server = server;
    }

    /**
     * Adds a certificate chain and its key from PEM files (PKCS#8, PKCS#1 RSA, SEC1 EC, Ed25519/Ed448).
     * Repeatable: a server chooses among its chains by the client's signature_algorithms.
     *
     * @param certChainPem the chain, leaf first
     * @param keyPem the leaf's private key, unencrypted
     * @return this builder
     */
    public Tls13ContextBuilder keyManager(File certChainPem, File keyPem) {
        return keyManager(certChainPem, keyPem, null);
    }

    /**
     * Adds a certificate chain and its key from PEM files.
     *
     * @param certChainPem the chain, leaf first
     * @param keyPem the leaf's private key
     * @param keyPassword the password of an encrypted key, or {@code null}
     * @return this builder
     */
    public Tls13ContextBuilder keyManager(File certChainPem, File keyPem, String keyPassword) {
        Objects.requireNonNull(certChainPem, "certChainPem");
        Objects.requireNonNull(keyPem, "keyPem");
        List<X509Certificate> chain = PemReader.readCertificates(certChainPem);
        PrivateKey key = PemReader.readPrivateKey(keyPem, password(keyPassword));
        keys.add(new CertifiedKey(chain, key));
        return this;
    }

    /**
     * Adds a certificate chain and its key from PEM streams (not closed).
     *
     * @param certChainPem the chain, leaf first
     * @param keyPem the leaf's private key
     * @param keyPassword the password of an encrypted key, or {@code null}
     * @return this builder
     */
    public Tls13ContextBuilder keyManager(InputStream certChainPem, InputStream keyPem, String keyPassword) {
        Objects.requireNonNull(certChainPem, "certChainPem");
        Objects.requireNonNull(keyPem, "keyPem");
        List<X509Certificate> chain = PemReader.readCertificates(certChainPem);
        PrivateKey key = PemReader.readPrivateKey(keyPem, password(keyPassword));
        keys.add(new CertifiedKey(chain, key));
        return this;
    }

    /**
     * Adds a certificate chain and its key.
     *
     * @param key the leaf's private key
     * @param certChain the chain, leaf first
     * @return this builder
     */
    public Tls13ContextBuilder keyManager(PrivateKey key, X509Certificate... certChain) {
        Objects.requireNonNull(key, "key");
        keys.add(new CertifiedKey(List.of(certChain), key));
        return this;
    }

    /**
     * Adds every chain and key of an initialised key manager factory (each alias of its X.509 key manager).
     *
     * @param keyManagerFactory an initialised factory
     * @return this builder
     */
    public Tls13ContextBuilder keyManager(KeyManagerFactory keyManagerFactory) {
        Objects.requireNonNull(keyManagerFactory, "keyManagerFactory");
        for (KeyManager manager : keyManagerFactory.getKeyManagers()) {
            if (manager instanceof X509KeyManager) {
                return keyManager((X509KeyManager) manager);
            }
        }
        throw new IllegalArgumentException("the key manager factory has no X509KeyManager");
    }

    /**
     * Adds every chain and key of an X.509 key manager: each alias it offers for a TLS 1.3 key type.
     *
     * @param keyManager the key manager
     * @return this builder
     */
    public Tls13ContextBuilder keyManager(X509KeyManager keyManager) {
        Objects.requireNonNull(keyManager, "keyManager");
        Set<String> aliases = new LinkedHashSet<>();
        for (String type : KEY_TYPES) {
            String[] found = server ? keyManager.getServerAliases(type, null) : keyManager.getClientAliases(type, null);
            if (found != null) {
                aliases.addAll(List.of(found));
            }
        }
        int added = 0;
        for (String alias : aliases) {
            X509Certificate[] chain = keyManager.getCertificateChain(alias);
            PrivateKey key = keyManager.getPrivateKey(alias);
            if (chain != null && chain.length > 0 && key != null) {
                keys.add(new CertifiedKey(List.of(chain), key));
                added++;
            }
        }
        if (added == 0) {
            throw new IllegalArgumentException("the key manager holds no certificate chain with a private key");
        }
        return this;
    }

    /**
     * Adds a certificate chain and its key from PEM files that a server sends only to clients whose
     * server_name (SNI, RFC 6066 §3) matches {@code hostPattern}: an exact host name
     * ({@code www.example.com}) or a wildcard of one left-most label ({@code *.example.com} matches
     * {@code a.example.com}, not {@code example.com} nor {@code a.b.example.com}). Case does not matter.
     * Repeatable, also per name (the client's signature_algorithms then choose among the name's chains).
     * An exact name wins over a wildcard; a client whose name matches no pattern, or that sends none, gets
     * the default chains of {@code forServer(...)} / {@link #keyManager(File, File)}, which a server
     * always needs. The server acknowledges the name in EncryptedExtensions only when it matched.
     *
     * @param hostPattern the host name or {@code *.domain} pattern
     * @param certChainPem the chain, leaf first
     * @param keyPem the leaf's private key, unencrypted
     * @return this builder
     * @throws IllegalArgumentException on a client builder, or when the pattern or the files are invalid
     */
    public Tls13ContextBuilder keyManagerForServerName(String hostPattern, File certChainPem, File keyPem) {
        return keyManagerForServerName(hostPattern, certChainPem, keyPem, null);
    }

    /**
     * Adds a certificate chain and its key from PEM files for the clients whose server_name matches
     * {@code hostPattern}; see {@link #keyManagerForServerName(String, File, File)}.
     *
     * @param hostPattern the host name or {@code *.domain} pattern
     * @param certChainPem the chain, leaf first
     * @param keyPem the leaf's private key
     * @param keyPassword the password of an encrypted key, or {@code null}
     * @return this builder
     */
    public Tls13ContextBuilder keyManagerForServerName(String hostPattern, File certChainPem, File keyPem,
                                                       String keyPassword) {
        Objects.requireNonNull(certChainPem, "certChainPem");
        Objects.requireNonNull(keyPem, "keyPem");
        List<X509Certificate> chain = PemReader.readCertificates(certChainPem);
        PrivateKey key = PemReader.readPrivateKey(keyPem, password(keyPassword));
        return addForServerName(hostPattern, new CertifiedKey(chain, key));
    }

    /**
     * Adds a certificate chain and its key for the clients whose server_name matches {@code hostPattern};
     * see {@link #keyManagerForServerName(String, File, File)}.
     *
     * @param hostPattern the host name or {@code *.domain} pattern
     * @param key the leaf's private key
     * @param certChain the chain, leaf first
     * @return this builder
     */
    public Tls13ContextBuilder keyManagerForServerName(String hostPattern, PrivateKey key,
                                                       X509Certificate... certChain) {
        Objects.requireNonNull(key, "key");
        return addForServerName(hostPattern, new CertifiedKey(List.of(certChain), key));
    }

    private Tls13ContextBuilder addForServerName(String hostPattern, CertifiedKey key) {
        if (!server) {
            throw new IllegalArgumentException("keyManagerForServerName is for servers: a client presents the"
                    + " chains of keyManager(...) when asked");
        }
        String pattern = CertificateSelector.normalizeHostPattern(hostPattern);
        keysByServerName.computeIfAbsent(pattern, p -> new ArrayList<>()).add(key);
        return this;
    }

    /**
     * Whether a server's CertificateRequest lists the distinguished names of its trust anchors in
     * certificate_authorities (RFC 8446 §4.2.4), so that a client with several chains picks one the
     * server accepts (default {@code true}). Turn it off when the trust store is large (each name adds
     * to the CertificateRequest) or its names are private.
     *
     * @param send whether to send certificate_authorities
     * @return this builder
     */
    public Tls13ContextBuilder certificateAuthorities(boolean send) {
        certificateAuthorities = send;
        return this;
    }

    /**
     * Trusts the certificates of a PEM file (client: to validate servers; server: to validate clients).
     *
     * @param trustedCertsPem PEM with one or more certificates
     * @return this builder
     */
    public Tls13ContextBuilder trustManager(File trustedCertsPem) {
        trustManager = TrustManagers.fromPem(Objects.requireNonNull(trustedCertsPem, "trustedCertsPem"));
        return this;
    }

    /**
     * Trusts the certificates of a PEM stream (not closed).
     *
     * @param trustedCertsPem PEM with one or more certificates
     * @return this builder
     */
    public Tls13ContextBuilder trustManager(InputStream trustedCertsPem) {
        trustManager = TrustManagers.fromPem(Objects.requireNonNull(trustedCertsPem, "trustedCertsPem"));
        return this;
    }

    /**
     * Trusts exactly these certificates as anchors.
     *
     * @param trustedCerts the anchors
     * @return this builder
     */
    public Tls13ContextBuilder trustManager(X509Certificate... trustedCerts) {
        trustManager = TrustManagers.fromCertificates(trustedCerts);
        return this;
    }

    /**
     * Trusts the certificate entries of a loaded key store.
     *
     * @param trustStore the key store
     * @return this builder
     */
    public Tls13ContextBuilder trustManager(KeyStore trustStore) {
        trustManager = TrustManagers.fromKeyStore(Objects.requireNonNull(trustStore, "trustStore"));
        return this;
    }

    /**
     * Uses the X.509 trust manager of an initialised factory.
     *
     * @param trustManagerFactory the factory
     * @return this builder
     */
    public Tls13ContextBuilder trustManager(TrustManagerFactory trustManagerFactory) {
        trustManager = TrustManagers.fromFactory(Objects.requireNonNull(trustManagerFactory, "trustManagerFactory"));
        return this;
    }

    /**
     * Uses this trust manager (a plain {@link X509TrustManager} is adapted).
     *
     * @param trustManager the trust manager
     * @return this builder
     */
    public Tls13ContextBuilder trustManager(X509TrustManager trustManager) {
        this.trustManager = TrustManagers.wrap(Objects.requireNonNull(trustManager, "trustManager"));
        return this;
    }

    /**
     * Whether a server asks for a client certificate (default NONE). A server that asks validates the
     * client's chain with {@code trustManager(...)}, or with the system trust store when none is set.
     *
     * @param clientAuth Netty's client authentication mode
     * @return this builder
     */
    public Tls13ContextBuilder clientAuth(io.netty.handler.ssl.ClientAuth clientAuth) {
        Objects.requireNonNull(clientAuth, "clientAuth");
        switch (clientAuth) {
            case NONE:
                this.clientAuth = ClientAuth.NONE;
                break;
            case OPTIONAL:
                this.clientAuth = ClientAuth.OPTIONAL;
                break;
            case REQUIRE:
                this.clientAuth = ClientAuth.REQUIRE;
                break;
            default:
                throw new IllegalArgumentException("unknown client auth mode " + clientAuth);
        }
        return this;
    }

    /**
     * The client's endpoint identification (default {@code "HTTPS"}: the server certificate must match
     * the peer host given to {@code newHandler}; {@code "LDAPS"} checks the same way, as the JDK does);
     * {@code null} or empty disables host name verification.
     *
     * @param algorithm {@code "HTTPS"}, {@code "LDAPS"} or {@code null}
     * @return this builder
     * @throws IllegalArgumentException for another algorithm
     */
    public Tls13ContextBuilder endpointIdentificationAlgorithm(String algorithm) {
        if (!CertificateChecks.isSupportedEndpointIdentification(algorithm)) {
            throw new IllegalArgumentException("unsupported endpoint identification algorithm '" + algorithm
                    + "' (HTTPS, LDAPS or null)");
        }
        endpointIdentificationAlgorithm = algorithm == null || algorithm.isEmpty() ? null
                : algorithm.toUpperCase(Locale.ROOT);
        return this;
    }

    /**
     * The SNI host name a client sends, overriding the peer host given to {@code newHandler}.
     *
     * @param sniHostName the host name, or {@code null} to use the peer host
     * @return this builder
     */
    public Tls13ContextBuilder serverName(String sniHostName) {
        serverName = sniHostName;
        return this;
    }

    /**
     * Whether a client sends server_name (SNI, RFC 6066) at all (default {@code true}). Without it the
     * server cannot choose its certificate by name; the peer host is still verified. An IP address is
     * never sent, whatever this says (RFC 6066 §3).
     *
     * @param send whether to send the SNI host name
     * @return this builder
     */
    public Tls13ContextBuilder sendServerName(boolean send) {
        sendServerName = send;
        return this;
    }

    /**
     * The ALPN protocols (RFC 7301), in preference order: offered by a client, accepted by a server.
     *
     * @param protocols the protocol names, e.g. {@code "h2", "http/1.1"}
     * @return this builder
     */
    public Tls13ContextBuilder applicationProtocols(String... protocols) {
        return applicationProtocols(List.of(protocols));
    }

    /**
     * The ALPN protocols (RFC 7301), in preference order.
     *
     * @param protocols the protocol names
     * @return this builder
     */
    public Tls13ContextBuilder applicationProtocols(Iterable<String> protocols) {
        List<String> list = new ArrayList<>();
        for (String p : protocols) {
            if (p == null || p.isEmpty() || p.length() > 255) {
                throw new IllegalArgumentException("an ALPN protocol name must have 1 to 255 characters: " + p);
            }
            list.add(p);
        }
        applicationProtocols = List.copyOf(list);
        return this;
    }

    /**
     * Whether a server refuses a client whose ALPN list shares nothing with ours, with
     * no_application_protocol (default {@code true}), rather than continuing without ALPN.
     *
     * @param fail whether to fail the handshake
     * @return this builder
     */
    public Tls13ContextBuilder failOnApplicationProtocolMismatch(boolean fail) {
        failOnApplicationProtocolMismatch = fail;
        return this;
    }

    /**
     * The cipher suites, by IANA name, in preference order (default TLS_AES_128_GCM_SHA256,
     * TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256; the CCM suites are opt-in). As with
     * {@code SslContextBuilder.ciphers}, one list may name TLS 1.3 and TLS 1.2 suites
     * ({@link #supportedTls12CipherSuites()}, e.g. TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256): each version uses the
     * named suites of its own, in the order given, and a version none of whose suites is named keeps its
     * defaults. TLS_ECDHE_ECDSA_WITH_AES_128_CCM and _CCM_8 (RFC 7251) are offered and accepted only when named,
     * like CCM in TLS 1.3. The TLS 1.2 suites matter only with {@link #protocols(String...)} including TLSv1.2.
     *
     * @param suites the names
     * @return this builder
     */
    public Tls13ContextBuilder cipherSuites(String... suites) {
        return cipherSuites(List.of(suites));
    }

    /**
     * The cipher suites, by IANA name, in preference order; TLS 1.3 and TLS 1.2 names as for
     * {@link #cipherSuites(String...)}.
     *
     * @param suites the names
     * @return this builder
     */
    public Tls13ContextBuilder cipherSuites(Iterable<String> suites) {
        List<CipherSuite> list = new ArrayList<>();
        List<CipherSuite> tls12List = new ArrayList<>();
        for (String name : suites) {
            Tls12CipherSuiteParams tls12 = tls12CipherSuite(name);
            if (tls12 != null) {
                tls12List.add(tls12.suite());
            } else {
                list.add(cipherSuite(name));
            }
        }
        if (list.isEmpty() && tls12List.isEmpty()) {
            throw new IllegalArgumentException("at least one cipher suite is required");
        }
        if (!list.isEmpty()) {
            cipherSuites = List.copyOf(list);
        }
        if (!tls12List.isEmpty()) {
            tls12CipherSuites = List.copyOf(tls12List);
        }
        return this;
    }

    /**
     * The key exchange groups, in preference order: the hybrids X25519MLKEM768, SecP256r1MLKEM768,
     * SecP384r1MLKEM1024 (draft-ietf-tls-ecdhe-mlkem), then x25519, secp256r1, secp384r1, secp521r1, x448 (also
     * spelled P-256, prime256v1, P-384, P-521; case does not matter). That is the default order; a server
     * picks its most preferred group that the client supports.
     *
     * @param groups the names
     * @return this builder
     */
    public Tls13ContextBuilder namedGroups(String... groups) {
        List<NamedGroup> list = new ArrayList<>();
        for (String name : groups) {
            list.add(namedGroup(name));
        }
        namedGroups = nonEmpty(list, "named group");
        return this;
    }

    /**
     * How many of the first groups a client sends a key share for; the server asks with a HelloRetryRequest
     * when it prefers another offered group. By default a client sends one share for its first group and,
     * when that is a hybrid, one for its first classical group too: X25519MLKEM768 and x25519 with the default
     * groups, so a server without post-quantum groups needs no HelloRetryRequest.
     *
     * @param count 1 to the number of groups
     * @return this builder
     */
    public Tls13ContextBuilder keyShares(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("keyShares must be at least 1: " + count);
        }
        keyShares = count;
        return this;
    }

    /**
     * The signature schemes for CertificateVerify, by RFC 8446 name (e.g. ecdsa_secp256r1_sha256,
     * rsa_pss_rsae_sha256, ed25519), in preference order.
     *
     * @param schemes the names
     * @return this builder
     */
    public Tls13ContextBuilder signatureSchemes(String... schemes) {
        List<SignatureScheme> list = new ArrayList<>();
        for (String name : schemes) {
            SignatureScheme scheme = SignatureSchemes.byName(Objects.requireNonNull(name, "scheme name"));
            if (!SignatureSchemes.allowedInCertificateVerify(scheme)) {
                throw new IllegalArgumentException("signature scheme " + name
                        + " is not allowed in TLS 1.3 CertificateVerify (RFC 8446 §4.2.3)");
            }
            list.add(scheme);
        }
        signatureSchemes = nonEmpty(list, "signature scheme");
        return this;
    }

    /**
     * The protocol versions to offer, in {@code SslContextBuilder}'s vocabulary: {@code "TLSv1.3"} and
     * {@code "TLSv1.2"}; both by default, on a client and on a server, as Netty's default. A client with both offers
     * TLS 1.2 too and completes whichever the server picks (docs/architecture.md §16: ECDHE with AEAD suites only,
     * the extended master secret required); a client with {@code "TLSv1.2"} alone sends a TLS 1.2 ClientHello
     * (legacy_version 0x0303, the TLS 1.2 suites, no supported_versions, key shares or PSK, so no resumption with
     * TLS 1.3 tickets, no 0-RTT and no external PSK). A server with both answers a client that offers TLS 1.3 with
     * TLS 1.3 and one that offers only TLS 1.2 with TLS 1.2 (its ServerHello.random then carries the RFC 8446 §4.1.3
     * downgrade sentinel); a server with {@code "TLSv1.2"} alone speaks TLS 1.2 to every client, and one with
     * {@code "TLSv1.3"} alone refuses a TLS 1.2 client with protocol_version. {@code SessionInfo.protocol()} says
     * which version a connection negotiated.
     *
     * @param protocols the versions
     * @return this builder
     * @throws IllegalArgumentException for an unknown name or an empty list
     */
    public Tls13ContextBuilder protocols(String... protocols) {
        boolean v13 = false;
        boolean v12 = false;
        for (String p : protocols) {
            switch (Objects.requireNonNull(p, "protocol")) {
                case "TLSv1.3" -> v13 = true;
                case "TLSv1.2" -> v12 = true;
                default -> throw new IllegalArgumentException("unsupported protocol '" + p
                        + "' (supported: TLSv1.3, TLSv1.2)");
            }
        }
        if (!v13 && !v12) {
            throw new IllegalArgumentException("no protocol enabled");
        }
        tls13 = v13;
        tls12 = v12;
        return this;
    }

    /**
     * Whether a TLS 1.2 peer must use the extended master secret (RFC 7627), default {@code true}. Both sides
     * always offer or accept it; a peer without it fails the handshake with handshake_failure (RFC 7627 §5.2).
     * With {@code false}, for old peers, such a peer connects with the RFC 5246 §8.1 master secret, which is not
     * bound to the handshake: that session's {@code exportKeyingMaterial} throws {@link IllegalStateException}
     * (RFC 7627 §5.4: it "MUST disable [RFC5705]"). Only used with {@link #protocols(String...)} including TLSv1.2.
     *
     * @param required {@code false} to let peers without the extended master secret connect
     * @return this builder
     */
    public Tls13ContextBuilder extendedMasterSecretRequired(boolean required) {
        extendedMasterSecretRequired = required;
        return this;
    }

    /**
     * Middlebox compatibility mode of a client (RFC 8446 §D.4, default {@code true}).
     *
     * @param enabled whether to send a legacy session id and a dummy change_cipher_spec
     * @return this builder
     */
    public Tls13ContextBuilder middleboxCompatibility(boolean enabled) {
        middleboxCompatibility = enabled;
        return this;
    }

    /**
     * Whether a server's HelloRetryRequest carries a cookie (RFC 8446 §4.2.2, default {@code false}).
     *
     * @param enabled whether to send a cookie
     * @return this builder
     */
    public Tls13ContextBuilder helloRetryRequestCookie(boolean enabled) {
        helloRetryRequestCookie = enabled;
        return this;
    }

    /**
     * The handshake timeout (default 10 s; 0 disables it).
     *
     * @param timeout the timeout
     * @param unit its unit
     * @return this builder
     */
    public Tls13ContextBuilder handshakeTimeout(long timeout, TimeUnit unit) {
        handshakeTimeoutMillis = millis(timeout, unit, "handshakeTimeout");
        return this;
    }

    /**
     * How long closing waits for close_notify to be written before closing anyway (default 3 s).
     *
     * @param timeout the timeout
     * @param unit its unit
     * @return this builder
     */
    public Tls13ContextBuilder closeNotifyFlushTimeout(long timeout, TimeUnit unit) {
        closeNotifyFlushTimeoutMillis = millis(timeout, unit, "closeNotifyFlushTimeout");
        return this;
    }

    /**
     * How long closing waits for the peer's close_notify after sending ours (default 0: not at all).
     *
     * @param timeout the timeout
     * @param unit its unit
     * @return this builder
     */
    public Tls13ContextBuilder closeNotifyReadTimeout(long timeout, TimeUnit unit) {
        closeNotifyReadTimeoutMillis = millis(timeout, unit, "closeNotifyReadTimeout");
        return this;
    }

    /**
     * The largest plaintext per record written (default 16384); small writes are coalesced up to it.
     *
     * @param bytes 1 to 16384
     * @return this builder
     */
    public Tls13ContextBuilder wrapDataSize(int bytes) {
        if (bytes < 1 || bytes > Records.MAX_PLAINTEXT_LENGTH) {
            throw new IllegalArgumentException("wrapDataSize must be between 1 and 16384: " + bytes);
        }
        wrapDataSize = bytes;
        return this;
    }

    /**
     * The cap on a received ClientHello (default 66,124 bytes: a full 64 KiB extensions block, RFC 8446
     * §4.1.2, with the fields before it). A server only.
     *
     * @param bytes the cap, header included
     * @return this builder
     */
    public Tls13ContextBuilder maxClientHelloSize(int bytes) {
        if (bytes < 64) {
            throw new IllegalArgumentException("maxClientHelloSize too small: " + bytes);
        }
        maxClientHelloSize = bytes;
        return this;
    }

    /**
     * The cap on a received handshake message other than ClientHello and Certificate (default 64 KiB).
     *
     * @param bytes the cap, header included
     * @return this builder
     */
    public Tls13ContextBuilder maxHandshakeMessageSize(int bytes) {
        if (bytes < 64) {
            throw new IllegalArgumentException("maxHandshakeMessageSize too small: " + bytes);
        }
        maxHandshakeMessageSize = bytes;
        return this;
    }

    /**
     * The cap on a received Certificate message (default 256 KiB).
     *
     * @param bytes the cap, header included
     * @return this builder
     */
    public Tls13ContextBuilder maxCertificateMessageSize(int bytes) {
        if (bytes < 64) {
            throw new IllegalArgumentException("maxCertificateMessageSize too small: " + bytes);
        }
        maxCertificateMessageSize = bytes;
        return this;
    }

    /**
     * The cap on plaintext queued before the handshake completes (default 1 MiB); writes beyond it fail.
     *
     * @param bytes the cap
     * @return this builder
     */
    public Tls13ContextBuilder maxPendingWriteBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("maxPendingWriteBytes must not be negative: " + bytes);
        }
        maxPendingWriteBytes = bytes;
        return this;
    }

    /**
     * How many records are sealed under one write key before an automatic KeyUpdate (RFC 8446 §5.5;
     * default 2^23, below the AES-GCM limit).
     *
     * @param records the interval
     * @return this builder
     */
    public Tls13ContextBuilder keyUpdateAfterRecords(long records) {
        if (records < 1) {
            throw new IllegalArgumentException("keyUpdateAfterRecords must be positive: " + records);
        }
        keyUpdateAfterRecords = records;
        return this;
    }

    /**
     * The crypto provider (default: the JCA with BouncyCastle for CCM and our own P-256, or the JCA alone when
     * the system property {@value #CRYPTO_PROPERTY} is {@code jca}; see {@link #jcaProvidersOnly()}).
     *
     * @param provider the provider
     * @return this builder
     */
    public Tls13ContextBuilder cryptoProvider(CryptoProvider provider) {
        cryptoProvider = Objects.requireNonNull(provider, "provider");
        return this;
    }

    /**
     * Takes every primitive from the installed JCA providers by its standard name (AES/GCM, ChaCha20-Poly1305,
     * AES/CCM where a provider has it, XDH, EC/ECDH, SHA256withECDSA, RSASSA-PSS, Ed25519, HmacSHA256 ...), so
     * the first provider in the JCA's order does the work: a FIPS-validated provider, Amazon Corretto Crypto
     * Provider or Conscrypt installed first takes over. The default instead runs P-256 on our own
     * constant-time code and X25519, X448 and AES-CCM on BouncyCastle (docs/architecture.md §8). The same as
     * the system property {@value #CRYPTO_PROPERTY}{@code =jca}.
     *
     * @return this builder
     */
    public Tls13ContextBuilder jcaProvidersOnly() {
        cryptoProvider = JcaOnlyCryptoProvider.instance();
        return this;
    }

    /** The provider {@value #CRYPTO_PROPERTY} names, read when a builder is created. */
    private static CryptoProvider defaultCryptoProvider() {
        String mode = System.getProperty(CRYPTO_PROPERTY, "default").trim().toLowerCase(Locale.ROOT);
        switch (mode) {
            case "default":
            case "":
                return JcaCryptoProvider.instance();
            case "jca":
                return JcaOnlyCryptoProvider.instance();
            default:
                throw new IllegalArgumentException(CRYPTO_PROPERTY + "=" + mode + ": expected jca or default");
        }
    }

    /**
     * The PSK key exchange modes for resumption (RFC 8446 §4.2.9): {@code "psk_dhe_ke"} (a PSK with a fresh
     * (EC)DHE exchange, forward secret; the default, alone) and {@code "psk_ke"} (the PSK alone: cheaper, but the
     * resumed connection's keys depend on the ticket's PSK only, so whoever learns it can decrypt that connection:
     * no forward secrecy). A client offers them in this order, always, so that servers issue session tickets
     * (OpenSSL's {@code -allow_no_dhe_kex} adds psk_ke). A server accepts the modes listed, and must list
     * psk_dhe_ke; with psk_ke listed it selects psk_ke whenever the client offers it (an operator enables it to
     * save the key exchange), psk_dhe_ke otherwise.
     *
     * @param modes one or both of {@code "psk_dhe_ke"} and {@code "psk_ke"}, RFC 8446's names
     * @return this builder
     */
    public Tls13ContextBuilder pskKeyExchangeModes(String... modes) {
        Objects.requireNonNull(modes, "modes");
        List<Integer> list = new ArrayList<>();
        for (String mode : modes) {
            int code = switch (Objects.requireNonNull(mode, "mode")) {
                case "psk_dhe_ke" -> Extension.PskKeyExchangeModes.PSK_DHE_KE;
                case "psk_ke" -> Extension.PskKeyExchangeModes.PSK_KE;
                default -> throw new IllegalArgumentException("unknown PSK key exchange mode " + mode
                        + ": expected psk_dhe_ke or psk_ke");
            };
            if (list.contains(code)) {
                throw new IllegalArgumentException("PSK key exchange mode named twice: " + mode);
            }
            list.add(code);
        }
        pskKeyExchangeModes = nonEmpty(list, "PSK key exchange mode");
        return this;
    }

    /**
     * How many session tickets a client context keeps for resumption, in all (Netty's and the JDK's
     * {@code sessionCacheSize}; default {@value ClientSessionCache#DEFAULT_SIZE}, the JDK's). The cache is keyed
     * by peer host and port, so only connections made with both ({@code newHandler(alloc, host, port)})
     * resume; at most {@value ClientSessionCache#MAX_TICKETS_PER_PEER} tickets are kept per server, each
     * used once. {@code 0} turns resumption off: no ticket is kept or offered. Ignored by a server.
     *
     * @param size the most tickets kept, or 0 for none
     * @return this builder
     */
    public Tls13ContextBuilder sessionCacheSize(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("sessionCacheSize must not be negative: " + size);
        }
        sessionCacheSize = size;
        return this;
    }

    /**
     * Makes a client context keep and offer its tickets in {@code cache} instead of a cache of its own, so
     * several contexts resume each other's sessions (the JSSE adapter builds a context per engine and shares
     * its {@code SSLContext}'s cache this way). The cache's own size and timeout apply;
     * {@link #sessionCacheSize} and {@link #sessionTimeout} are then ignored. Ignored by a server.
     *
     * @param cache the shared cache, or {@code null} for a cache of the context's own (the default)
     * @return this builder
     */
    public Tls13ContextBuilder sessionCache(ClientSessionCache cache) {
        sessionCache = cache;
        return this;
    }

    /**
     * How long a client context keeps a session ticket, in seconds (Netty's and the JDK's
     * {@code sessionTimeout}; default {@value ClientSessionCache#DEFAULT_TIMEOUT_SECONDS}, 24 hours, the
     * JDK's). A ticket is never kept beyond its ticket_lifetime nor 7 days (RFC 8446 §4.6.1); {@code 0} means
     * those limits only. Ignored by a server.
     *
     * @param seconds the timeout, or 0 for the ticket's own lifetime
     * @return this builder
     */
    public Tls13ContextBuilder sessionTimeout(long seconds) {
        if (seconds < 0) {
            throw new IllegalArgumentException("sessionTimeout must not be negative: " + seconds);
        }
        sessionTimeoutSeconds = seconds;
        return this;
    }

    /**
     * Whether a client context sends 0-RTT early data (RFC 8446 §2.3, §4.2.10); off by default. When on, a
     * connection that resumes with a ticket whose NewSessionTicket allowed early data (max_early_data_size
     * &gt; 0), for a suite and ALPN protocol we offer, offers early_data, and the application's writes flushed
     * before the handshake completes (those of the event-loop turn that connects included) go out as early data
     * right after the ClientHello, in order, up to the ticket's max_early_data_size in plaintext bytes; a write that
     * does not fit whole, and everything after it, waits for the handshake as without this setting.
     * {@code SessionInfo.earlyDataAccepted()} says whether the server accepted it; the promises of the early writes
     * complete once that is known. When the server rejects the early data (no early_data in its
     * EncryptedExtensions, or a HelloRetryRequest), the handler sends the same bytes again as ordinary data, before
     * any later write: this is safe because a server that rejects early data skips those records without reading
     * them (RFC 8446 §4.2.10), so nothing arrives twice. The only exception is a connection that selects another
     * ALPN protocol than the ticket's, for which the data was not written: §4.2.10 forbids the resend, and those
     * writes fail with an {@code SSLException}. Offered also when TLS 1.2 is offered too ({@link #protocols}, the
     * default): a TLS 1.3 ticket from the server is the knowledge that it speaks TLS 1.3 that RFC 8446 Appendix D.3
     * asks for, and should the server answer TLS 1.2 all the same, the connection fails with protocol_version (RFC
     * 8446 §4.2.10: "A client that attempts to send 0-RTT data MUST fail a connection if it receives a ServerHello
     * with TLS 1.2 or older") and the early writes fail. Never offered by a TLS 1.2-only client.
     *
     * <p>Accepted 0-RTT data is not forward secret and can be replayed by an attacker (RFC 8446 §8, Appendix E.5):
     * a server's anti-replay defence limits but cannot exclude it, so enable this only when everything written
     * before the handshake completes is safe to process twice (idempotent requests). Ignored by a server.
     *
     * @param enabled {@code true} to send 0-RTT data with tickets that permit it
     * @return this builder
     */
    public Tls13ContextBuilder earlyData(boolean enabled) {
        earlyData = enabled;
        return this;
    }

    /**
     * Logs every connection's secrets in the NSS key log format (RFC 9850); {@code null} (the default)
     * logs nothing. For debugging only: the lines decrypt the traffic. See {@link Tls13KeyLog#toFile} and
     * {@link Tls13KeyLog#fromEnvironment()} for an {@code SSLKEYLOGFILE} writer.
     *
     * @param keyLog the consumer of the lines, or {@code null} / {@link Tls13KeyLog#disabled()} for none
     * @return this builder
     */
    public Tls13ContextBuilder keyLog(Tls13KeyLog keyLog) {
        // Tls13KeyLog.disabled() (e.g. fromEnvironment() without SSLKEYLOGFILE) formats no secret at all.
        this.keyLog = keyLog == Tls13KeyLog.disabled() ? null : keyLog;
        return this;
    }

    /**
     * How many NewSessionTickets a server sends after each handshake (RFC 8446 §4.6.1; default 2, 0 for none). After
     * a handshake that resumed with one of its tickets the server sends one, to replace the ticket the client spent
     * (RFC 8446 Appendix C.4: each ticket is used once), as OpenSSL does; a client that wants more makes a full
     * handshake.
     * Only a client that sent psk_key_exchange_modes with psk_dhe_ke gets tickets (RFC 8446 §4.2.9), as with the
     * JDK and BoringSSL. Tickets are sent once the client's Finished verified, so after client authentication they
     * carry the client's identity. A client context ignores this setting.
     *
     * @param count tickets per handshake, 0 to 255
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Tls13ContextBuilder sessionTicketCount(int count) {
        if (count < 0 || count > 255) {
            throw new IllegalArgumentException("session ticket count must be 0 to 255: " + count);
        }
        sessionTicketCount = count;
        return this;
    }

    /**
     * The lifetime of the session tickets a server issues, its ticket_lifetime (RFC 8446 §4.6.1; default 2 hours,
     * at most 7 days). A client context ignores this setting.
     *
     * @param lifetime the lifetime, 1 second to 7 days
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Tls13ContextBuilder sessionTicketLifetime(Duration lifetime) {
        // RFC 8446 §4.6.1: "Servers MUST NOT use any value greater than 604800 seconds (7 days)".
        if (lifetime.toSeconds() < 1 || lifetime.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("session ticket lifetime must be 1 s to 7 days: " + lifetime);
        }
        sessionTicketLifetime = lifetime;
        return this;
    }

    /**
     * The keys that seal and open a server's session tickets, for a fleet of servers that resume each other's
     * sessions (the counterpart of Netty's {@code OpenSslSessionContext.setTicketKeys}): the first key seals new
     * tickets, every key opens tickets sealed under it. Without keys (the default) the server generates its own
     * and rotates them every {@link #sessionTicketKeyRotation rotation period}. Replace them at run time with
     * {@link Tls13Context#setTicketKeys}. A client context ignores this setting.
     *
     * @param keys the keys, the current one first; none for generated keys
     * @return this builder
     */
    public Tls13ContextBuilder sessionTicketKeys(Tls13SessionTicketKey... keys) {
        for (Tls13SessionTicketKey k : keys) {
            Objects.requireNonNull(k, "keys");
        }
        sessionTicketKeys = List.of(keys);
        return this;
    }

    /**
     * How long a generated session ticket key seals new tickets (default 1 hour) before a new one takes over;
     * a retired key still opens tickets for one ticket lifetime. A shorter period limits what a stolen key
     * exposes. Ignored when {@link #sessionTicketKeys keys are supplied}, and by a client context.
     *
     * @param rotation the period, at least 1 second
     * @return this builder
     */
    public Tls13ContextBuilder sessionTicketKeyRotation(Duration rotation) {
        if (rotation.toSeconds() < 1) {
            throw new IllegalArgumentException("session ticket key rotation must be at least 1 s: " + rotation);
        }
        sessionTicketKeyRotation = rotation;
        return this;
    }

    /**
     * How many bytes of 0-RTT early data a server accepts from a client resuming with one of its tickets
     * (RFC 8446 §2.3, §4.2.10; default 0: none). With more than 0, the tickets carry early_data with this
     * max_early_data_size. Early data is not forward secret and can be replayed (RFC 8446 §8, §E.5): enable it
     * only for an application that refuses non-idempotent requests arriving as early data. A client context
     * ignores this setting.
     *
     * @param bytes the max_early_data_size, 0 for none
     * @return this builder
     * @throws IllegalArgumentException when negative
     */
    public Tls13ContextBuilder maxEarlyData(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("max early data must not be negative: " + bytes);
        }
        maxEarlyData = bytes;
        return this;
    }

    /**
     * The store that catches replayed 0-RTT ClientHellos (RFC 8446 §8), for a fleet of servers that share one.
     * Without it (the default) a server context keeps its own in-memory filter (§8.2) of 50,000 ClientHellos, each
     * for its 20-second freshness window (2,500 0-RTT handshakes per second; beyond, early data is rejected, never
     * accepted unchecked), which protects one server only. Ignored unless {@link #maxEarlyData} is above 0, and by
     * a client context.
     *
     * @param antiReplay the shared store, or {@code null} for the in-memory filter
     * @return this builder
     */
    public Tls13ContextBuilder antiReplay(Tls13AntiReplay antiReplay) {
        this.antiReplay = antiReplay;
        return this;
    }

    /**
     * Makes a server's session tickets stateful and single-use (RFC 8446 §8.1): each ticket is a random 16-byte id
     * for the sealed session state, which the server keeps in a bounded in-memory store and removes when the ticket
     * is presented, so a ticket resumes at most one handshake and a replayed or reused ticket gets a full handshake.
     * When full, the oldest ticket is evicted. Each entry costs about 300 bytes of heap without a client certificate
     * chain (measured: 286 bytes; the chain's DER more with one). The store is per context: a fleet whose servers
     * resume each other's sessions shares a store through {@link #sessionTicketStore(Tls13SessionTicketStore)}, or
     * keeps stateless tickets. It also keeps 0-RTT data from being replayed, so with a store and no
     * {@link #antiReplay} the in-memory ClientHello filter is not used. Default 0: stateless tickets. Ignored by a
     * client.
     *
     * @param maxEntries the most tickets held, or 0 for stateless tickets
     * @return this builder
     * @throws IllegalArgumentException when negative
     */
    public Tls13ContextBuilder sessionTicketStore(int maxEntries) {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("sessionTicketStore must not be negative: " + maxEntries);
        }
        sessionTicketStore = maxEntries;
        sharedSessionTicketStore = null;
        return this;
    }

    /**
     * Makes a server's session tickets stateful and single-use (RFC 8446 §8.1) with a store of the application's,
     * which a fleet of servers shares so that a ticket resumes at most one handshake across the fleet (with shared
     * {@link #sessionTicketKeys}, since the stored state is sealed under them). {@link Tls13SessionTicketStore} says
     * what such a store must guarantee (an atomic take, a bounded size, expiry) and what its failures mean (a full
     * handshake; a ticket not sent). Like {@link #sessionTicketStore(int)}, which this replaces, the store is the 0-RTT
     * anti-replay defence: without an {@link #antiReplay} the in-memory ClientHello filter is not used. Ignored by a
     * client.
     *
     * @param store the store, or {@code null} for stateless tickets
     * @return this builder
     */
    public Tls13ContextBuilder sessionTicketStore(Tls13SessionTicketStore store) {
        sharedSessionTicketStore = store;
        sessionTicketStore = 0;
        return this;
    }

    /**
     * The external PSK a client offers in every ClientHello (RFC 8446 §4.2.11), in place of a cached session
     * ticket, with obfuscated_ticket_age 0 and an "ext binder"; psk_dhe_ke unless {@link #pskKeyExchangeModes} lists
     * psk_ke (and the server allows it). A server that selects it authenticates with it: no certificate is sent or
     * verified, and the session reports no peer certificates and {@code resumed() == false}. A server that does not
     * select it gets a certificate handshake when this builder has a {@code trustManager(...)}; without one the
     * handshake fails with handshake_failure, because the system trust store was not asked for and a PSK client
     * usually talks to a PSK-only server. The context keeps its own copy of the key. Ignored by a server. An EPSK
     * made by {@link Tls13ExternalPsk#imported} is offered as RFC 9258 imported PSKs instead, one per hash of the
     * TLS 1.3 suites, SHA-256 first, each with an "imp binder".
     *
     * @param psk the PSK, or {@code null} for none (the default)
     * @return this builder
     */
    public Tls13ContextBuilder externalPsk(Tls13ExternalPsk psk) {
        this.externalPsk = psk;
        return this;
    }

    /**
     * The external PSKs a server accepts, by identity (RFC 8446 §4.2.11, like {@code openssl s_server -psk}). The
     * first offered identity that is one of them, with the hash of the suite the server chose, is selected after its
     * binder verified (a wrong binder is decrypt_error); unknown identities are ignored. With PSKs configured, a
     * server needs no certificate ({@code Tls13Context.forPskServer()}): a client that offers none of them then gets
     * handshake_failure, while a server with a certificate answers it with a full handshake. External PSKs allow no
     * 0-RTT, and a server with {@code clientAuth(REQUIRE)} does not accept them (they carry no certificate). The
     * context keeps its own copies of the keys. Ignored by a client.
     *
     * <p>An EPSK made by {@link Tls13ExternalPsk#imported} is accepted only as RFC 9258 imported PSKs: an offered
     * ImportedIdentity naming its identity and context, for TLS 1.3 and the chosen suite's hash, its binder under
     * "imp binder"; it and a plain PSK may share an identity.
     *
     * @param psks the PSKs, with distinct identities (EPSKs to import among themselves); none to accept none
     * @return this builder
     */
    public Tls13ContextBuilder externalPsks(Tls13ExternalPsk... psks) {
        for (Tls13ExternalPsk p : psks) {
            Objects.requireNonNull(p, "psks");
        }
        externalPsks = List.of(psks);
        return this;
    }

    /**
     * A server's lookup of external PSKs in the application's own store (RFC 8446 §4.2.11), beside or instead of
     * {@link #externalPsks}: asked for each offered identity (at most 8 per ClientHello) that is neither one of those
     * nor a session ticket of this server, which are tried first (see {@link Tls13ExternalPskLookup} for the order,
     * the suite and the threading). A PSK it returns is used as a configured one would be: binder checked in constant
     * time, no 0-RTT, not with {@code clientAuth(REQUIRE)}, named by {@code SessionInfo.externalPskIdentity()}. An
     * identity it does not know ({@code null}) is ignored; an exception fails the handshake with internal_error. With
     * a lookup a server needs no certificate ({@code Tls13Context.forPskServer().externalPskLookup(...)}). Ignored
     * by a client.
     *
     * @param lookup the lookup, or {@code null} for none (the default)
     * @return this builder
     */
    public Tls13ContextBuilder externalPskLookup(Tls13ExternalPskLookup lookup) {
        this.externalPskLookup = lookup;
        return this;
    }

    /**
     * Checks the configuration and builds the immutable context.
     *
     * @return the context
     * @throws IllegalArgumentException when the configuration is incomplete or inconsistent
     */
    public Tls13Context build() {
        return new Tls13Context(this);
    }

    /** @return the TLS 1.2 suite of the profile with this IANA name, or {@code null} */
    private static Tls12CipherSuiteParams tls12CipherSuite(String name) {
        String wanted = Objects.requireNonNull(name, "cipher suite name").trim();
        for (Tls12CipherSuiteParams p : Tls12CipherSuiteParams.ALL) {
            if (p.suite().knownName().equalsIgnoreCase(wanted)) {
                return p;
            }
        }
        return null;
    }

    static CipherSuite cipherSuite(String name) {
        Objects.requireNonNull(name, "cipher suite name");
        String wanted = name.trim();
        for (CipherSuite suite : ALL_SUITES) {
            if (suite.knownName().equalsIgnoreCase(wanted)) {
                return suite;
            }
        }
        throw new IllegalArgumentException("unknown cipher suite '" + name + "' (known: "
                + String.join(", ", ALL_SUITES.stream().map(CipherSuite::knownName).toList()) + "; TLS 1.2: "
                + String.join(", ", supportedTls12CipherSuites()) + ")");
    }

    static NamedGroup namedGroup(String name) {
        Objects.requireNonNull(name, "group name");
        NamedGroup group = null;
        try {
            group = NamedGroup.forName(name);
        } catch (IllegalArgumentException unknown) {
            // Reported below with the list of supported names.
        }
        if (group == null || !SUPPORTED_GROUPS.contains(group)) {
            throw new IllegalArgumentException("unknown or unsupported named group '" + name
                    + "' (supported: " + String.join(", ", supportedNamedGroups())
                    + "; or P-256, prime256v1, P-384, P-521)");
        }
        return group;
    }

    /**
     * The RFC 8446 §4.2.7 name of a supported key exchange group given in any spelling
     * {@link #namedGroups} accepts ({@code P-256} and {@code prime256v1} are {@code secp256r1}), for
     * callers that take group names from users.
     *
     * @param name a group name
     * @return the group's RFC name, e.g. {@code secp256r1}
     * @throws IllegalArgumentException for an unknown group or one without a key exchange here
     */
    public static String namedGroupName(String name) {
        return namedGroup(name).knownName();
    }

    /**
     * The supported key exchange groups by RFC 8446 or IANA name, in the default preference order; they are
     * also the default.
     *
     * @return X25519MLKEM768, SecP256r1MLKEM768, SecP384r1MLKEM1024, x25519, secp256r1, secp384r1, secp521r1,
     *         x448
     */
    public static List<String> supportedNamedGroups() {
        return SUPPORTED_GROUPS.stream().map(NamedGroup::knownName).toList();
    }

    /**
     * Every TLS 1.3 cipher suite implemented here, by IANA name (RFC 8446 §B.4).
     *
     * @return the names, the defaults first
     */
    public static List<String> supportedCipherSuites() {
        return ALL_SUITES.stream().map(CipherSuite::knownName).toList();
    }

    /**
     * The cipher suites enabled by default, by IANA name, in preference order (the CCM suites are opt-in).
     *
     * @return the names
     */
    public static List<String> defaultCipherSuites() {
        return DEFAULT_CIPHER_SUITES.stream().map(CipherSuite::knownName).toList();
    }

    /**
     * Every TLS 1.2 cipher suite of the profile (docs/architecture.md §16: ECDHE with AEAD), by IANA name, which
     * {@link #cipherSuites(String...)} accepts besides the TLS 1.3 ones.
     *
     * @return the names, the defaults first, then TLS_ECDHE_ECDSA_WITH_AES_128_CCM and _CCM_8
     */
    public static List<String> supportedTls12CipherSuites() {
        List<String> names = new ArrayList<>(defaultTls12CipherSuites());
        for (Tls12CipherSuiteParams p : Tls12CipherSuiteParams.ALL) {
            if (!names.contains(p.suite().knownName())) {
                names.add(p.suite().knownName());
            }
        }
        return List.copyOf(names);
    }

    /**
     * The TLS 1.2 cipher suites enabled by default when TLS 1.2 is, by IANA name, in preference order (the CCM
     * suites are opt-in).
     *
     * @return the names
     */
    public static List<String> defaultTls12CipherSuites() {
        return ConfigDefaults.TLS12_CIPHER_SUITES.stream().map(CipherSuite::knownName).toList();
    }

    /**
     * The JCA key algorithms whose certificates TLS 1.3 can use, in the order {@link #keyManager(X509KeyManager)}
     * asks a key manager for them: the key types to pass to {@code X509KeyManager.chooseServerAlias} and
     * {@code chooseClientAlias}.
     *
     * @return EC, RSA, RSASSA-PSS, EdDSA, Ed25519, Ed448
     */
    public static List<String> keyTypes() {
        return KEY_TYPES;
    }

    private static <T> List<T> nonEmpty(List<T> list, String what) {
        if (list.isEmpty()) {
            throw new IllegalArgumentException("at least one " + what + " is needed");
        }
        return List.copyOf(new LinkedHashSet<>(list));
    }

    private static char[] password(String password) {
        return password == null ? null : password.toCharArray();
    }

    private static long millis(long timeout, TimeUnit unit, String what) {
        Objects.requireNonNull(unit, "unit");
        if (timeout < 0) {
            throw new IllegalArgumentException(what + " must not be negative: " + timeout);
        }
        return unit.toMillis(timeout);
    }
}
