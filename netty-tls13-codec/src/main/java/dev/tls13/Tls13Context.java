package dev.tls13;

import dev.tls13.connection.ClientSessionCache;
import dev.tls13.connection.Limits;
import dev.tls13.connection.TlsConnection;
import dev.tls13.crypto.CryptoProvider;
import dev.tls13.error.TlsException;
import dev.tls13.handshake.CertificateSelector;
import dev.tls13.handshake.ClientAuth;
import dev.tls13.handshake.ClientConfig;
import dev.tls13.handshake.ExternalPsk;
import dev.tls13.handshake.ExternalPskLookup;
import dev.tls13.handshake.SessionTicketStore;
import dev.tls13.handshake.TicketStore;
import dev.tls13.handshake.Negotiation;
import dev.tls13.handshake.AntiReplay;
import dev.tls13.handshake.ServerConfig;
import dev.tls13.handshake.SessionTicketKeys;
import dev.tls13.handshake.TrustManagers;
import dev.tls13.netty.Tls13Handler;
import dev.tls13.tls12.Tls12ClientDriver;
import dev.tls13.tls12.Tls12ServerDriver;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.Extension;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.SignatureScheme;
import io.netty.buffer.ByteBufAllocator;
import java.io.File;
import java.io.InputStream;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The configuration of TLS 1.3 connections: immutable, thread-safe, and shared by every channel that
 * uses it (like Netty's {@code SslContext}). Each channel gets its own handler from
 * {@link #newHandler(ByteBufAllocator)}.
 *
 * <pre>{@code
 * // server
 * Tls13Context server = Tls13Context.forServer(new File("chain.pem"), new File("key.pem"))
 *         .applicationProtocols("h2", "http/1.1")
 *         .build();
 * ch.pipeline().addLast(server.newHandler(ch.alloc()));
 *
 * // client: trusts the system's CAs and verifies the host name
 * Tls13Context client = Tls13Context.forClient().build();
 * ch.pipeline().addLast(client.newHandler(ch.alloc(), "example.com", 443));
 * }</pre>
 *
 * <p>The handler fires Netty's {@code SslHandshakeCompletionEvent} and {@code SslCloseCompletionEvent},
 * and offers {@code handshakeFuture()}, {@code session()} and {@code applicationProtocol()}.
 */
public final class Tls13Context {

    private final boolean server;
    private final ClientConfig clientConfig;
    /** The in-memory 0-RTT filter's size: 20-second windows of 2,500 0-RTT handshakes per second. */
    static final int DEFAULT_ANTI_REPLAY_ENTRIES = 50_000;
    private final ServerConfig serverConfig;
    private final String serverName;
    private final boolean sendServerName;
    private final Limits limits;
    private final long handshakeTimeoutMillis;
    private final long closeNotifyFlushTimeoutMillis;
    private final long closeNotifyReadTimeoutMillis;
    private final int wrapDataSize;
    private final long maxPendingWriteBytes;
    private final Tls13KeyLog keyLog;
    /** A client's session tickets (docs/architecture.md §15); {@code null} on a server or when turned off. */
    private final ClientSessionCache sessionCache;

    Tls13Context(Tls13ContextBuilder b) {
        server = b.server;
        List<NamedGroup> groups = Negotiation.runnableGroups(b.namedGroups, b.cryptoProvider,
                b.namedGroups != Tls13ContextBuilder.DEFAULT_GROUPS);
        if (b.keyShares > groups.size()) {
            throw new IllegalArgumentException("keyShares (" + b.keyShares + ") exceeds the number of groups ("
                    + groups.size() + ")");
        }
        if (server) {
            List<ExternalPsk> psks = copies(b.externalPsks);
            // docs/architecture.md §15: a server with external PSKs may have no certificate at all.
            if (b.keys.isEmpty() && ((psks.isEmpty() && b.externalPskLookup == null)
                    || !b.keysByServerName.isEmpty())) {
                throw new IllegalArgumentException("a server needs a certificate chain and its private key:"
                        + " use forServer(...) or keyManager(...), or external PSKs only: forPskServer(...)"
                        + " or externalPskLookup(...)"
                        + (b.keysByServerName.isEmpty() ? "" : " (the default for clients whose server name"
                        + " matches no keyManagerForServerName pattern)"));
            }
            X509ExtendedTrustManager clientTrust = b.clientAuth == ClientAuth.NONE ? b.trustManager
                    : b.trustManager != null ? b.trustManager : TrustManagers.systemDefault();
            CertificateSelector selector = b.keys.isEmpty() ? null
                    : new CertificateSelector(b.keys, b.keysByServerName, b.signatureSchemes);
            serverConfig = ServerConfig.builder(b.cryptoProvider, selector).cipherSuites(b.cipherSuites)
                    .namedGroups(groups).signatureSchemes(b.signatureSchemes)
                    .applicationProtocols(b.applicationProtocols)
                    .failOnAlpnMismatch(b.failOnApplicationProtocolMismatch)
                    .helloRetryRequestCookie(b.helloRetryRequestCookie).clientAuth(b.clientAuth)
                    .clientTrustManager(clientTrust).certificateAuthorities(b.certificateAuthorities)
                    .sessionTickets(b.sessionTicketCount, b.sessionTicketLifetime)
                    .sessionTicketKeys(b.sessionTicketKeys.isEmpty()
                            ? SessionTicketKeys.rotating(b.cryptoProvider, b.sessionTicketKeyRotation,
                                    b.sessionTicketLifetime)
                            : SessionTicketKeys.supplied(b.cryptoProvider, names(b.sessionTicketKeys),
                                    keys(b.sessionTicketKeys)))
                    .pskKe(serverAcceptsPskKe(b.pskKeyExchangeModes)).sessionTicketStore(b.sessionTicketStore)
                    .sessionTicketStore(ticketStore(b.sharedSessionTicketStore))
                    .maxEarlyData(b.maxEarlyData).antiReplay(antiReplay(b)).externalPsks(psks)
                    .externalPskLookup(externalPskLookup(b.externalPskLookup))
                    .tls13(b.tls13).tls12(b.tls12 ? Tls12ServerDriver::afterClientHello : null)
                    .tls12CipherSuites(b.tls12CipherSuites)
                    .extendedMasterSecretRequired(b.extendedMasterSecretRequired).build();
            clientConfig = null;
        } else {
            X509ExtendedTrustManager trust = b.trustManager != null ? b.trustManager : TrustManagers.systemDefault();
            ClientConfig.Builder client = ClientConfig.builder(b.cryptoProvider, trust).cipherSuites(b.cipherSuites)
                    .namedGroups(groups).signatureSchemes(b.signatureSchemes)
                    .applicationProtocols(b.applicationProtocols)
                    .endpointIdentificationAlgorithm(b.endpointIdentificationAlgorithm)
                    .middleboxCompatibility(b.middleboxCompatibility).clientCredentials(b.keys)
                    .pskKeyExchangeModes(b.pskKeyExchangeModes)
                    .tls12(b.tls12 ? Tls12ClientDriver::afterServerHello : null).tls13(b.tls13)
                    .tls12CipherSuites(b.tls12CipherSuites)
                    .extendedMasterSecretRequired(b.extendedMasterSecretRequired).earlyData(b.earlyData)
                    // Without trust of the application's own, a declined PSK fails rather than trusting the system
                    // store nobody asked for (Tls13ContextBuilder.externalPsk).
                    .externalPsk(b.externalPsk == null ? null : copy(b.externalPsk), b.trustManager == null);
            if (b.keyShares > 0) {
                client.keyShareCount(b.keyShares);
            }
            clientConfig = client.build();
            serverConfig = null;
        }
        serverName = b.serverName;
        sendServerName = b.sendServerName;
        limits = new Limits(b.maxHandshakeMessageSize, b.maxClientHelloSize, b.maxCertificateMessageSize,
                b.keyUpdateAfterRecords, Limits.DEFAULT.maxEmptyRecords(), Limits.DEFAULT.maxWarningAlerts(),
                Limits.DEFAULT.maxKeyUpdates());
        handshakeTimeoutMillis = b.handshakeTimeoutMillis;
        closeNotifyFlushTimeoutMillis = b.closeNotifyFlushTimeoutMillis;
        closeNotifyReadTimeoutMillis = b.closeNotifyReadTimeoutMillis;
        wrapDataSize = b.wrapDataSize;
        maxPendingWriteBytes = b.maxPendingWriteBytes;
        keyLog = b.keyLog;
        if (server) {
            sessionCache = null;
        } else if (b.sessionCache != null) {
            sessionCache = b.sessionCache;
        } else {
            sessionCache = b.sessionCacheSize == 0 ? null
                    : new ClientSessionCache(b.sessionCacheSize, b.sessionTimeoutSeconds);
        }
    }

    /**
     * Starts a client configuration: trusts the system's CAs unless {@code trustManager(...)} says
     * otherwise, and verifies the server's host name ({@code HTTPS}) when a peer host is given.
     *
     * @return a new builder
     */
    public static Tls13ContextBuilder forClient() {
        return new Tls13ContextBuilder(false);
    }

    /**
     * Starts a server configuration with a certificate chain and an unencrypted key from PEM files.
     *
     * @param certChainPem the chain, leaf first
     * @param keyPem the leaf's private key
     * @return a new builder
     */
    public static Tls13ContextBuilder forServer(File certChainPem, File keyPem) {
        return new Tls13ContextBuilder(true).keyManager(certChainPem, keyPem);
    }

    /**
     * Starts a server configuration with a certificate chain and a key from PEM files.
     *
     * @param certChainPem the chain, leaf first
     * @param keyPem the leaf's private key
     * @param keyPassword the key's password, or {@code null} when it is not encrypted
     * @return a new builder
     */
    public static Tls13ContextBuilder forServer(File certChainPem, File keyPem, String keyPassword) {
        return new Tls13ContextBuilder(true).keyManager(certChainPem, keyPem, keyPassword);
    }

    /**
     * Starts a server configuration with a certificate chain and a key from PEM streams (not closed).
     *
     * @param certChainPem the chain, leaf first
     * @param keyPem the leaf's private key
     * @param keyPassword the key's password, or {@code null} when it is not encrypted
     * @return a new builder
     */
    public static Tls13ContextBuilder forServer(InputStream certChainPem, InputStream keyPem, String keyPassword) {
        return new Tls13ContextBuilder(true).keyManager(certChainPem, keyPem, keyPassword);
    }

    /**
     * Starts a server configuration with a certificate chain and its key.
     *
     * @param key the leaf's private key
     * @param certChain the chain, leaf first
     * @return a new builder
     */
    public static Tls13ContextBuilder forServer(PrivateKey key, X509Certificate... certChain) {
        return new Tls13ContextBuilder(true).keyManager(key, certChain);
    }

    /**
     * Starts a server configuration with every chain and key of a key manager factory.
     *
     * @param keyManagerFactory an initialised factory
     * @return a new builder
     */
    public static Tls13ContextBuilder forServer(KeyManagerFactory keyManagerFactory) {
        return new Tls13ContextBuilder(true).keyManager(keyManagerFactory);
    }

    /**
     * Starts a server configuration without a certificate that authenticates with external PSKs only (RFC 8446
     * §4.2.11; like {@code openssl s_server -nocert -psk}): a client that offers none of them gets handshake_failure.
     *
     * @param psks the PSKs accepted, with distinct identities: at least one, unless the builder is given an
     *        {@link Tls13ContextBuilder#externalPskLookup}
     * @return a new builder
     */
    public static Tls13ContextBuilder forPskServer(Tls13ExternalPsk... psks) {
        return new Tls13ContextBuilder(true).externalPsks(psks);
    }

    /**
     * Replaces a server's session ticket keys at run time, without a restart (Netty:
     * {@code OpenSslSessionContext.setTicketKeys}): the first key seals new tickets from now on, every key opens
     * tickets sealed under it, tickets under any other key are no longer accepted (those clients get a full
     * handshake). Automatic rotation stops. Safe to call from any thread; handshakes in progress use either the
     * old or the new keys.
     *
     * @param keys the keys, the current one first; at least one
     * @throws IllegalStateException for a client context
     * @throws IllegalArgumentException without keys
     */
    public void setTicketKeys(Tls13SessionTicketKey... keys) {
        if (!server) {
            throw new IllegalStateException("session ticket keys are a server setting");
        }
        List<Tls13SessionTicketKey> list = List.of(keys);
        serverConfig.sessionTicketKeys().set(names(list), keys(list));
    }

    /**
     * A server always accepts psk_dhe_ke when it resumes, and psk_ke when listed too (RFC 8446 §4.2.9): a list
     * without psk_dhe_ke is refused rather than quietly ignored.
     */
    /**
     * The server's 0-RTT anti-replay check (RFC 8446 §8): the application's store, or a bounded in-memory filter on
     * the provider's clock (the clock ticket ages are measured with). Defaulting rather than refusing to build: a
     * single server is then safe, and only a fleet needs to configure something (docs/security.md).
     */
    private static AntiReplay antiReplay(Tls13ContextBuilder b) {
        Tls13AntiReplay spi = b.antiReplay;
        if (spi == null && (b.sessionTicketStore > 0 || b.sharedSessionTicketStore != null)) {
            // Single-use tickets are the anti-replay defence themselves (RFC 8446 §8.1): a replayed ClientHello's
            // ticket was taken from the store by the first one, so it is not even resumed.
            return (key, expiresAtMillis) -> true;
        }
        return spi != null ? spi::firstUse
                : AntiReplay.inMemory(DEFAULT_ANTI_REPLAY_ENTRIES, b.cryptoProvider.clock());
    }

    /**
     * The handshake's view of the application's PSK lookup: its PSK objects are used as they are (each handshake
     * copies the key and zeroes its copy), so a key the application destroys is not used afterwards.
     */
    private static ExternalPskLookup externalPskLookup(Tls13ExternalPskLookup spi) {
        if (spi == null) {
            return null;
        }
        return identity -> {
            Tls13ExternalPsk found = spi.find(identity);
            return found == null ? null : found.handshakePsk();
        };
    }

    /** The handshake's view of the application's single-use ticket store (RFC 8446 §8.1), or {@code null}. */
    private static TicketStore ticketStore(Tls13SessionTicketStore spi) {
        if (spi == null) {
            return null;
        }
        if (spi instanceof InMemoryTicketStore memory) {
            return memory.store;
        }
        return new TicketStore() {
            @Override
            public void put(byte[] id, byte[] sealedState, long expiresAtMillis) throws Exception {
                spi.put(id, sealedState, expiresAtMillis);
            }

            @Override
            public byte[] take(byte[] id) throws Exception {
                return spi.take(id);
            }
        };
    }

    /** {@link Tls13SessionTicketStore#inMemory}: the bounded store of {@code sessionTicketStore(n)}, shareable. */
    static final class InMemoryTicketStore implements Tls13SessionTicketStore {
        private final SessionTicketStore store;

        InMemoryTicketStore(int maxEntries) {
            this.store = new SessionTicketStore(maxEntries);
        }

        @Override
        public void put(byte[] id, byte[] sealedState, long expiresAtMillis) {
            store.put(id, sealedState, expiresAtMillis);
        }

        @Override
        public byte[] take(byte[] id) {
            return store.take(id);
        }

        /** @return how many tickets it holds */
        int size() {
            return store.size();
        }
    }

    /** The context's own copy of an external PSK (RFC 8446 §4.2.11). */
    private static ExternalPsk copy(Tls13ExternalPsk psk) {
        if (psk.isDestroyed()) {
            throw new IllegalArgumentException("the external PSK was destroyed");
        }
        return psk.handshakePsk().copy();
    }

    private static List<ExternalPsk> copies(List<Tls13ExternalPsk> psks) {
        List<ExternalPsk> l = new java.util.ArrayList<>(psks.size());
        for (Tls13ExternalPsk p : psks) {
            l.add(copy(p));
        }
        return l;
    }

    private static boolean serverAcceptsPskKe(List<Integer> modes) {
        if (!modes.contains(Extension.PskKeyExchangeModes.PSK_DHE_KE)) {
            throw new IllegalArgumentException("a server's pskKeyExchangeModes must include psk_dhe_ke: " + modes);
        }
        return modes.contains(Extension.PskKeyExchangeModes.PSK_KE);
    }

    private static List<byte[]> names(List<Tls13SessionTicketKey> keys) {
        List<byte[]> l = new java.util.ArrayList<>(keys.size());
        for (Tls13SessionTicketKey k : keys) {
            l.add(k.name());
        }
        return l;
    }

    private static List<byte[]> keys(List<Tls13SessionTicketKey> keys) {
        List<byte[]> l = new java.util.ArrayList<>(keys.size());
        for (Tls13SessionTicketKey k : keys) {
            l.add(k.key());
        }
        return l;
    }

    /**
     * Whether a client context may send 0-RTT early data ({@link Tls13ContextBuilder#earlyData(boolean)}).
     *
     * @return {@code false} on a server and unless enabled
     */
    public boolean earlyData() {
        return !server && clientConfig.earlyData();
    }

    /** @return whether this context makes server handlers */
    public boolean isServer() {
        return server;
    }

    /** @return whether this context makes client handlers */
    public boolean isClient() {
        return !server;
    }

    /** @return the ALPN protocols, in preference order (empty when ALPN is not used) */
    public List<String> applicationProtocols() {
        return server ? serverConfig.applicationProtocols() : clientConfig.applicationProtocols();
    }

    /** @return the enabled cipher suites by IANA name, in preference order */
    public List<String> cipherSuites() {
        List<CipherSuite> suites = server ? serverConfig.cipherSuites() : clientConfig.cipherSuites();
        return suites.stream().map(CipherSuite::knownName).toList();
    }

    /**
     * The TLS 1.2 cipher suites (docs/architecture.md §16), used when TLS 1.2 is enabled.
     *
     * @return the names, in preference order
     */
    public List<String> tls12CipherSuites() {
        List<CipherSuite> suites = server ? serverConfig.tls12CipherSuites() : clientConfig.tls12CipherSuites();
        return suites.stream().map(CipherSuite::knownName).toList();
    }

    /** @return the enabled groups by name, in preference order */
    public List<String> namedGroups() {
        List<NamedGroup> groups = server ? serverConfig.namedGroups() : clientConfig.namedGroups();
        return groups.stream().map(NamedGroup::knownName).toList();
    }

    /** @return the enabled CertificateVerify signature schemes by name, in preference order */
    public List<String> signatureSchemes() {
        List<SignatureScheme> schemes = server ? serverConfig.signatureSchemes() : clientConfig.signatureSchemes();
        return schemes.stream().map(SignatureScheme::knownName).toList();
    }

    /**
     * The crypto provider this context's connections take every primitive from: the default one, the JCA-only
     * one of {@link Tls13ContextBuilder#jcaProvidersOnly()} (or {@value Tls13ContextBuilder#CRYPTO_PROPERTY}
     * {@code =jca}), or the one given to {@link Tls13ContextBuilder#cryptoProvider(CryptoProvider)}, so an
     * application (or an audit) can check which mode a context really runs in.
     *
     * @return the provider
     */
    public CryptoProvider cryptoProvider() {
        return server ? serverConfig.crypto() : clientConfig.crypto();
    }

    /** @return the handshake timeout handlers start with, in milliseconds (0: none) */
    public long handshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    /** @return how long a closing handler waits for close_notify to be written, in milliseconds */
    public long closeNotifyFlushTimeoutMillis() {
        return closeNotifyFlushTimeoutMillis;
    }

    /** @return how long a closing handler waits for the peer's close_notify, in milliseconds (0: not at all) */
    public long closeNotifyReadTimeoutMillis() {
        return closeNotifyReadTimeoutMillis;
    }

    /** @return the largest plaintext per record written */
    public int wrapDataSize() {
        return wrapDataSize;
    }

    /** @return the cap on plaintext queued before the handshake completes */
    public long maxPendingWriteBytes() {
        return maxPendingWriteBytes;
    }

    /** @return the consumer of NSS key log lines, or {@code null} when secrets are not logged */
    public Tls13KeyLog keyLog() {
        return keyLog;
    }

    /** @return the limits this context's connections enforce (handshake message sizes, KeyUpdate interval, …) */
    public Limits limits() {
        return limits;
    }

    /**
     * Creates the handler of one channel. A client handler sends no SNI and verifies no host name.
     *
     * @param alloc allocates the handler's buffers (normally {@code channel.alloc()})
     * @return a new handler, to add to the channel's pipeline
     */
    public Tls13Handler newHandler(ByteBufAllocator alloc) {
        return new Tls13Handler(this, alloc, null, -1);
    }

    /**
     * Creates the handler of one channel to a known peer. A client sends {@code peerHost} as SNI (unless
     * {@code serverName(...)} overrides it or it is an IP address, RFC 6066 §3) and, with endpoint
     * identification on (the default), verifies the server's certificate against it.
     *
     * @param alloc allocates the handler's buffers (normally {@code channel.alloc()})
     * @param peerHost the host name or address of the peer, or {@code null}
     * @param peerPort the peer's port (with {@code peerHost}, the key of the client's session cache), or -1
     * @return a new handler, to add to the channel's pipeline
     */
    public Tls13Handler newHandler(ByteBufAllocator alloc, String peerHost, int peerPort) {
        return new Tls13Handler(this, alloc, peerHost, peerPort);
    }

    /**
     * Creates the sans-IO connection behind a handler; for adapters ({@link Tls13Handler}, an
     * {@code SSLEngine}). Most users want {@link #newHandler}.
     *
     * @param alloc allocates the connection's buffers
     * @param peerHost the peer's host (client: SNI and host name verification), or {@code null}
     * @param listener receives the connection's events
     * @return the connection, not started
     */
    public TlsConnection newConnection(ByteBufAllocator alloc, String peerHost, TlsConnection.Listener listener) {
        return newConnection(alloc, peerHost, -1, listener);
    }

    /**
     * Creates the sans-IO connection behind a handler to a known peer; for adapters. A client connection with a
     * peer host and port resumes from this context's session cache ({@link #sessionCache()}) and keeps the
     * tickets it receives there; one without them never resumes.
     *
     * @param alloc allocates the connection's buffers
     * @param peerHost the peer's host (client: SNI, host name verification, session cache key), or {@code null}
     * @param peerPort the peer's port (client: session cache key), or -1
     * @param listener receives the connection's events
     * @return the connection, not started
     */
    public TlsConnection newConnection(ByteBufAllocator alloc, String peerHost, int peerPort,
                                       TlsConnection.Listener listener) {
        Objects.requireNonNull(alloc, "alloc");
        if (server) {
            return TlsConnection.server(serverConfig, alloc, listener, limits);
        }
        String host = peerHost == null || peerHost.isEmpty() ? null : peerHost;
        String verifyHost = clientConfig.endpointIdentificationAlgorithm() == null ? null
                : host != null ? host : serverName;
        return TlsConnection.client(clientConfig, serverNameFor(peerHost), verifyHost, alloc, listener, limits,
                sessionCache, host, peerPort);
    }

    /**
     * A client's session tickets, by peer host and port, shared by every connection of this context
     * (docs/architecture.md §15).
     *
     * @return the cache, or {@code null} on a server or when {@code sessionCacheSize(0)} turned it off
     */
    public ClientSessionCache sessionCache() {
        return sessionCache;
    }

    /**
     * The server_name (SNI, RFC 6066) a client connection to {@code peerHost} sends: the builder's
     * {@code serverName(...)} if set, else the peer host, and none when {@code sendServerName(false)} or
     * when the name is an IP literal (RFC 6066 §3 does not permit them).
     *
     * @param peerHost the peer's host name or address, or {@code null}
     * @return the host name sent, or {@code null} when none is
     * @throws IllegalStateException on a server context
     */
    public String serverNameFor(String peerHost) {
        if (server) {
            throw new IllegalStateException("a server context sends no server_name");
        }
        String sni = serverName != null ? serverName : peerHost == null || peerHost.isEmpty() ? null : peerHost;
        return !sendServerName || sni == null || Negotiation.isIpLiteral(sni) ? null : sni;
    }

    /**
     * Continues a connection paused at its accept step ({@link TlsConnection#accepting}) with this server
     * context's configuration: the server chooses its configuration after reading the ClientHello
     * ({@link TlsConnection#clientHello()}), e.g. by server name. The connection keeps the limits it was
     * created with. Then call {@link TlsConnection#receive} again.
     *
     * @param connection a connection whose {@link TlsConnection#awaitingConfiguration()} is {@code true}
     * @throws TlsException when the handshake refuses the ClientHello (sticky; the alert is queued)
     * @throws IllegalStateException on a client context, or when the connection is not awaiting a configuration
     */
    public void accept(TlsConnection connection) throws TlsException {
        if (!server) {
            throw new IllegalStateException("a client context cannot accept a ClientHello");
        }
        connection.accept(serverConfig);
    }
}
