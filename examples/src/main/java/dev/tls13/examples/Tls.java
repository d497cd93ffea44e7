package dev.tls13.examples;

import dev.tls13.Tls13Context;
import dev.tls13.Tls13ContextBuilder;
import dev.tls13.Tls13KeyLog;
import dev.tls13.connection.SessionInfo;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.netty.Tls13Handler;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.File;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The only class of the examples that talks to the TLS implementation: builds the server and client
 * handlers from the command line settings and reads back what a handshake negotiated.
 */
final class Tls {
    private Tls() {
    }

    /** How the client decides whether to trust the server. */
    enum Trust {
        /** The system trust store, with host name verification. */
        SYSTEM,
        /** The certificates of a PEM file, with host name verification. */
        PEM,
        /** The given certificates, with host name verification. */
        CERTIFICATES,
        /** Anything: no chain validation and no host name verification. */
        INSECURE
    }

    /**
     * Where a context appends the secrets of its connections as NSS key log lines, for Wireshark.
     *
     * @param file the file {@code --keylog} named, or {@code null}
     * @param fromEnvironment without a file: whether the file named by {@code $SSLKEYLOGFILE}, if set, is used
     */
    record KeyLog(Path file, boolean fromEnvironment) {
        /** No key log, whatever the environment says. */
        static final KeyLog NONE = new KeyLog(null, false);

        /**
         * The key log of a command: the file of {@code --keylog}, else {@code $SSLKEYLOGFILE} as curl and the
         * browsers understand it.
         *
         * @param file the value of {@code --keylog}, or {@code null} when it was not given
         * @return the setting
         */
        static KeyLog option(String file) {
            return file == null ? new KeyLog(null, true) : new KeyLog(Path.of(file), false);
        }

        /** @return the file the lines go to, or {@code null} when there is no key log */
        String target() {
            if (file != null) {
                return file.toString();
            }
            String variable = fromEnvironment ? System.getenv(Tls13KeyLog.SSLKEYLOGFILE) : null;
            return variable == null || variable.isBlank() ? null : variable;
        }

        /** The warning a command prints when it logs secrets: they decrypt every connection. */
        String warning() {
            return "WARNING: appending the TLS secrets to the key log " + target() + " ("
                    + (file != null ? "--keylog" : Tls13KeyLog.SSLKEYLOGFILE) + "): anyone who can read it can"
                    + " decrypt these connections.";
        }

        Tls13KeyLog writer() {
            if (file != null) {
                return Tls13KeyLog.toFile(file);
            }
            // disabled() when the variable is unset: the builder then treats it as no key log at all.
            return fromEnvironment ? Tls13KeyLog.fromEnvironment() : Tls13KeyLog.disabled();
        }
    }

    /**
     * Server settings.
     *
     * @param certChainPem the certificate chain file, or {@code null} to use {@code key}/{@code chain}
     * @param keyPem the private key file, or {@code null}
     * @param key the private key when no files are given
     * @param chain the certificate chain when no files are given
     * @param applicationProtocols ALPN protocols in preference order, may be empty
     * @param cipherSuites the cipher suites, empty for the defaults
     * @param groups the groups, empty for the defaults
     * @param moreChains further chains (with {@code serverName} null) the server chooses among by the
     *        client's signature_algorithms
     * @param byServerName chains served only to clients whose SNI matches their {@code serverName}
     * @param clientAuth {@code none}, {@code optional} or {@code require}
     * @param trustPem the CA certificates that validate client certificates, or {@code null} for the system's
     * @param keyLog where the secrets go, {@link KeyLog#NONE} for nowhere
     * @param protocols {@code TLSv1.3} and/or {@code TLSv1.2} ({@link #protocols}), empty for the defaults: both on
     *        our handler, TLS 1.3 on Netty's engines
     */
    record ServerSettings(File certChainPem, File keyPem, PrivateKey key, List<X509Certificate> chain,
                          List<String> applicationProtocols, List<String> cipherSuites, List<String> groups,
                          List<PemChain> moreChains, List<PemChain> byServerName, String clientAuth,
                          File trustPem, KeyLog keyLog, List<String> protocols) {
        /** Settings with the default protocols. */
        ServerSettings(File certChainPem, File keyPem, PrivateKey key, List<X509Certificate> chain,
                       List<String> applicationProtocols, List<String> cipherSuites, List<String> groups,
                       List<PemChain> moreChains, List<PemChain> byServerName, String clientAuth,
                       File trustPem, KeyLog keyLog) {
            this(certChainPem, keyPem, key, chain, applicationProtocols, cipherSuites, groups, moreChains,
                    byServerName, clientAuth, trustPem, keyLog, List.of());
        }

        /** Settings with one chain, no chains by server name, no client authentication and no key log. */
        ServerSettings(File certChainPem, File keyPem, PrivateKey key, List<X509Certificate> chain,
                       List<String> applicationProtocols, List<String> cipherSuites, List<String> groups) {
            this(certChainPem, keyPem, key, chain, applicationProtocols, cipherSuites, groups, List.of(), List.of(),
                    "none", null, KeyLog.NONE);
        }
    }

    /**
     * A certificate chain and its key, from PEM files, optionally for a server name.
     *
     * @param serverName the SNI host name or {@code *.domain} pattern it serves, or {@code null} for any
     * @param certChainPem the chain, leaf first
     * @param keyPem the leaf's private key
     */
    record PemChain(String serverName, File certChainPem, File keyPem) {
    }

    /**
     * Client settings.
     *
     * @param trust how to validate the server
     * @param trustPem the PEM file for {@link Trust#PEM}
     * @param trusted the certificates for {@link Trust#CERTIFICATES}
     * @param applicationProtocols ALPN protocols in preference order, may be empty
     * @param serverName the SNI name to send instead of the peer host, or {@code null}
     * @param cipherSuites the cipher suites, empty for the defaults
     * @param groups the groups, empty for the defaults
     * @param clientChain the client certificate chain and key to present when asked, or {@code null}
     * @param keyLog where the secrets go, {@link KeyLog#NONE} for nowhere
     * @param protocols {@code TLSv1.3} and/or {@code TLSv1.2} ({@link #protocols}), empty for the default (both)
     */
    record ClientSettings(Trust trust, File trustPem, List<X509Certificate> trusted,
                          List<String> applicationProtocols, String serverName,
                          List<String> cipherSuites, List<String> groups, PemChain clientChain, KeyLog keyLog,
                          List<String> protocols) {
        /** Settings with the default protocols. */
        ClientSettings(Trust trust, File trustPem, List<X509Certificate> trusted,
                       List<String> applicationProtocols, String serverName,
                       List<String> cipherSuites, List<String> groups, PemChain clientChain, KeyLog keyLog) {
            this(trust, trustPem, trusted, applicationProtocols, serverName, cipherSuites, groups, clientChain, keyLog,
                    List.of());
        }

        /** Settings without a client certificate and without a key log. */
        ClientSettings(Trust trust, File trustPem, List<X509Certificate> trusted,
                       List<String> applicationProtocols, String serverName,
                       List<String> cipherSuites, List<String> groups) {
            this(trust, trustPem, trusted, applicationProtocols, serverName, cipherSuites, groups, null, KeyLog.NONE);
        }
    }

    /**
     * The TLS implementation a server runs on: ours, or Netty's {@link SslHandler} on the JDK's engine or on
     * BoringSSL (netty-tcnative), so that the load benchmark (benchmarks/load.sh) drives the same server code on
     * each.
     */
    enum Engine {
        /** Our {@link Tls13Handler}. */
        OURS,
        /** {@link SslHandler} with {@link SslProvider#JDK}. */
        JDK,
        /** {@link SslHandler} with {@link SslProvider#OPENSSL} (BoringSSL). */
        OPENSSL
    }

    /** Makes one server handler per accepted channel. */
    interface ServerFactory {
        ChannelHandler newHandler(ByteBufAllocator alloc);
    }

    /** Makes one client handler per connection. */
    interface ClientFactory {
        Tls13Handler newHandler(ByteBufAllocator alloc, String peerHost, int peerPort);
    }

    static ServerFactory server(ServerSettings settings) {
        Tls13ContextBuilder builder = settings.certChainPem() != null
                ? Tls13Context.forServer(settings.certChainPem(), settings.keyPem())
                : Tls13Context.forServer(settings.key(), settings.chain().toArray(new X509Certificate[0]));
        for (PemChain more : settings.moreChains()) {
            builder.keyManager(more.certChainPem(), more.keyPem());
        }
        for (PemChain named : settings.byServerName()) {
            builder.keyManagerForServerName(named.serverName(), named.certChainPem(), named.keyPem());
        }
        if (settings.trustPem() != null) {
            builder.trustManager(settings.trustPem());
        }
        builder.clientAuth(clientAuth(settings.clientAuth()));
        if (!settings.protocols().isEmpty()) {
            builder.protocols(settings.protocols().toArray(new String[0]));
        }
        Tls13Context context = common(builder, settings.applicationProtocols(), settings.cipherSuites(),
                settings.groups(), settings.keyLog()).build();
        return context::newHandler;
    }

    /**
     * A server on the given engine. Netty's engines get what the load benchmark needs and nothing more: TLS 1.3
     * unless the protocols say otherwise, one chain, ALPN, the suites and groups; the options only our handler
     * has (more chains, chains by server name, client authentication, key log) are refused.
     *
     * @throws SSLException when Netty cannot build the context
     * @throws IllegalArgumentException when {@code settings} asks for what only our handler supports
     */
    static ServerFactory server(ServerSettings settings, Engine engine) throws SSLException {
        if (engine == Engine.OURS) {
            return server(settings);
        }
        if (!settings.moreChains().isEmpty() || !settings.byServerName().isEmpty()
                || !"none".equals(settings.clientAuth()) || settings.keyLog().target() != null) {
            throw new IllegalArgumentException("--engine " + engine.name().toLowerCase(Locale.ROOT)
                    + " serves one chain without client authentication or key log");
        }
        SslContextBuilder builder = settings.certChainPem() != null
                ? SslContextBuilder.forServer(settings.certChainPem(), settings.keyPem())
                : SslContextBuilder.forServer(settings.key(), settings.chain().toArray(new X509Certificate[0]));
        builder.sslProvider(engine == Engine.JDK ? SslProvider.JDK : SslProvider.OPENSSL)
                .protocols(settings.protocols().isEmpty() ? List.of("TLSv1.3") : settings.protocols());
        if (!settings.cipherSuites().isEmpty()) {
            builder.ciphers(settings.cipherSuites());
        }
        if (!settings.applicationProtocols().isEmpty()) {
            builder.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    settings.applicationProtocols()));
        }
        if (!settings.groups().isEmpty()) {
            if (engine == Engine.OPENSSL) {
                builder.option(OpenSslContextOption.GROUPS, settings.groups().toArray(new String[0]));
            } else {
                // The JDK engine takes its groups from this property only (SSLParameters.setNamedGroups is
                // JDK 20+), read once when its TLS classes load: set before the first context is built.
                System.setProperty("jdk.tls.namedGroups", String.join(",", settings.groups()));
            }
        }
        SslContext context = builder.build();
        return context::newHandler;
    }

    static ClientFactory client(ClientSettings settings) {
        Tls13ContextBuilder builder = Tls13Context.forClient().serverName(settings.serverName());
        if (settings.clientChain() != null) {
            // Presented when the server sends a CertificateRequest it fits (RFC 8446 §4.4.2.3).
            builder.keyManager(settings.clientChain().certChainPem(), settings.clientChain().keyPem());
        }
        switch (settings.trust()) {
            case PEM:
                builder.trustManager(settings.trustPem());
                break;
            case CERTIFICATES:
                builder.trustManager(settings.trusted().toArray(new X509Certificate[0]));
                break;
            case INSECURE:
                builder.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
                break;
            default:
                // The builder's default: the system trust store, host name verification ("HTTPS").
                break;
        }
        if (!settings.protocols().isEmpty()) {
            builder.protocols(settings.protocols().toArray(new String[0]));
        }
        Tls13Context context = common(builder, settings.applicationProtocols(), settings.cipherSuites(),
                settings.groups(), settings.keyLog()).build();
        return context::newHandler;
    }

    /**
     * The protocols of the {@code --tls1_3} and {@code --tls1_2} flags, as OpenSSL's {@code -tls1_3} and
     * {@code -tls1_2}: each restricts to its version, both together allow both.
     *
     * @return {@code TLSv1.3} and/or {@code TLSv1.2}, empty without either flag (the defaults)
     */
    static List<String> protocols(Options.Parsed options) {
        List<String> protocols = new ArrayList<>(2);
        if (options.has("tls1_3")) {
            protocols.add("TLSv1.3");
        }
        if (options.has("tls1_2")) {
            protocols.add("TLSv1.2");
        }
        return List.copyOf(protocols);
    }

    /** {@code none}, {@code optional} or {@code require}, as OpenSSL's -verify / -Verify levels. */
    static ClientAuth clientAuth(String name) {
        switch (name == null ? "none" : name.toLowerCase(Locale.ROOT)) {
            case "none":
                return ClientAuth.NONE;
            case "optional":
                return ClientAuth.OPTIONAL;
            case "require":
                return ClientAuth.REQUIRE;
            default:
                throw new IllegalArgumentException("unknown client authentication '" + name
                        + "' (none, optional or require)");
        }
    }

    private static Tls13ContextBuilder common(Tls13ContextBuilder builder, List<String> alpn, List<String> suites,
                                              List<String> groups, KeyLog keyLog) {
        builder.keyLog(keyLog.writer());
        if (!alpn.isEmpty()) {
            builder.applicationProtocols(alpn);
        }
        if (!suites.isEmpty()) {
            builder.cipherSuites(suites);
        }
        if (!groups.isEmpty()) {
            builder.namedGroups(groups.toArray(new String[0]));
        }
        return builder;
    }

    static Negotiated negotiated(ChannelPipeline pipeline) {
        Tls13Handler ours = pipeline.get(Tls13Handler.class);
        return ours != null ? negotiated(ours) : negotiated(pipeline.get(SslHandler.class));
    }

    /** The ALPN protocol the pipeline's TLS handler, ours or Netty's, negotiated; {@code null} for none. */
    static String applicationProtocol(ChannelPipeline pipeline) {
        Tls13Handler ours = pipeline.get(Tls13Handler.class);
        return ours != null ? ours.session().applicationProtocol() : pipeline.get(SslHandler.class)
                .applicationProtocol();
    }

    /** What Netty's handler tells through the JSSE session; it does not name the key exchange group. */
    private static Negotiated negotiated(SslHandler handler) {
        SSLSession session = handler.engine().getSession();
        String serverName = null;
        if (session instanceof ExtendedSSLSession) {
            for (SNIServerName name : ((ExtendedSSLSession) session).getRequestedServerNames()) {
                if (name instanceof SNIHostName) {
                    serverName = ((SNIHostName) name).getAsciiName();
                }
            }
        }
        List<X509Certificate> peer = new ArrayList<>();
        try {
            for (Certificate certificate : session.getPeerCertificates()) {
                peer.add((X509Certificate) certificate);
            }
        } catch (SSLPeerUnverifiedException e) {
            // The client sent no certificate: nothing to show.
        }
        return new Negotiated(session.getProtocol(), session.getCipherSuite(), "(not reported)", null,
                handler.applicationProtocol(), serverName, false, peer,
                handler.engine().getClass().getSimpleName());
    }

    static Negotiated negotiated(Tls13Handler handler) {
        SessionInfo session = handler.session();
        boolean server = handler.context().isServer();
        String scheme = server ? session.localSignatureScheme() : session.peerSignatureScheme();
        return new Negotiated(session.protocol(), session.cipherSuite(), session.namedGroup(),
                scheme, session.applicationProtocol(), session.serverName(),
                session.helloRetryRequest(), session.peerCertificates(),
                handler.context().cryptoProvider().getClass().getSimpleName());
    }

    /** A readable reason for a failed handshake or connection, naming the alert when there is one. */
    static String describeFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof TlsException) {
                TlsFailure reason = ((TlsException) cause).failure();
                // A received alert already names itself in the description.
                return reason.sendsAlert() ? reason.describe() + " (alert " + reason.alert() + " sent)"
                        : reason.describe();
            }
        }
        Throwable cause = failure;
        while (cause instanceof DecoderException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ClosedChannelException) {
            return "the connection was closed";
        }
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }
}
