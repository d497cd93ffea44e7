package dev.tls13.examples;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.Future;
import java.io.File;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
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
     * Server settings.
     *
     * @param certChainPem the certificate chain file, or {@code null} to use {@code key}/{@code chain}
     * @param keyPem the private key file, or {@code null}
     * @param key the private key when no files are given
     * @param chain the certificate chain when no files are given
     * @param applicationProtocols ALPN protocols in preference order, may be empty
     * @param cipherSuites the cipher suites, empty for the defaults
     * @param groups the groups, empty for the defaults
     */
    record ServerSettings(File certChainPem, File keyPem, PrivateKey key, List<X509Certificate> chain,
                          List<String> applicationProtocols, List<String> cipherSuites, List<String> groups) {
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
     */
    record ClientSettings(Trust trust, File trustPem, List<X509Certificate> trusted,
                          List<String> applicationProtocols, String serverName,
                          List<String> cipherSuites, List<String> groups) {
    }

    /** Makes one server handler per accepted channel. */
    interface ServerFactory {
        ChannelHandler newHandler(ByteBufAllocator alloc);
    }

    /** Makes one client handler per connection. */
    interface ClientFactory {
        ChannelHandler newHandler(ByteBufAllocator alloc, String peerHost, int peerPort);
    }

    static ServerFactory server(ServerSettings settings) throws Exception {
        SslContextBuilder builder = settings.certChainPem() != null
                ? SslContextBuilder.forServer(settings.certChainPem(), settings.keyPem())
                : SslContextBuilder.forServer(settings.key(), settings.chain().toArray(new X509Certificate[0]));
        SslContext context = common(builder, settings.applicationProtocols(), settings.cipherSuites()).build();
        return context::newHandler;
    }

    static ClientFactory client(ClientSettings settings) throws Exception {
        SslContextBuilder builder = SslContextBuilder.forClient();
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
                break;
        }
        SslContext context = common(builder, settings.applicationProtocols(), settings.cipherSuites()).build();
        return (alloc, host, port) -> {
            SslHandler handler = context.newHandler(alloc, host, port);
            if (settings.serverName() != null) {
                SSLEngine engine = handler.engine();
                SSLParameters parameters = engine.getSSLParameters();
                parameters.setServerNames(List.of(new SNIHostName(settings.serverName())));
                engine.setSSLParameters(parameters);
            }
            return handler;
        };
    }

    private static SslContextBuilder common(SslContextBuilder builder, List<String> alpn, List<String> suites) {
        builder.sslProvider(SslProvider.JDK).protocols("TLSv1.3");
        if (!suites.isEmpty()) {
            builder.ciphers(suites);
        }
        if (!alpn.isEmpty()) {
            builder.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
        }
        return builder;
    }

    static Future<Channel> handshakeFuture(ChannelPipeline pipeline) {
        return pipeline.get(SslHandler.class).handshakeFuture();
    }

    static Negotiated negotiated(ChannelPipeline pipeline) {
        SslHandler handler = pipeline.get(SslHandler.class);
        SSLSession session = handler.engine().getSession();
        String serverName = null;
        if (session instanceof ExtendedSSLSession && !handler.engine().getUseClientMode()) {
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
            peer.clear();
        }
        return new Negotiated(session.getProtocol(), session.getCipherSuite(), "(unknown)", null,
                handler.applicationProtocol(), serverName, false, peer);
    }

    /** A readable reason for a failed handshake or connection, naming the alert when there is one. */
    static String describeFailure(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof DecoderException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }
}
