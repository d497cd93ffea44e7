package dev.tls13.examples.dropin;

import dev.tls13.jsse.Tls13Provider;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;

/**
 * Netty {@link SslContext}s whose engines are ours ({@link Tls13Provider}, module {@code netty-tls13-jsse}):
 * every {@code SslContext} consumer (Netty's {@code SslHandler}, Reactor Netty's {@code secure(...)},
 * gRPC's {@code NettySslContext*Credentials}) then runs our TLS 1.3 with no other change. The code
 * between the {@code tag} comments is quoted verbatim in the README ("Drop-in SslContext").
 */
public final class DropInSslContext {

    private DropInSslContext() {
    }

    /**
     * A server context offering HTTP/2 and HTTP/1.1 by ALPN.
     *
     * @param key the server's private key
     * @param chain its certificate chain, leaf first
     * @return the context
     * @throws SSLException if Netty cannot build it
     */
    public static SslContext server(PrivateKey key, X509Certificate... chain) throws SSLException {
        // tag::dropin-server[]
        SslContext serverContext = SslContextBuilder.forServer(key, chain)
                .sslProvider(SslProvider.JDK)
                .sslContextProvider(new Tls13Provider())
                .protocols("TLSv1.3")
                .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(Protocol.ALPN,
                        SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                .build();
        // end::dropin-server[]
        return serverContext;
    }

    /**
     * A client context offering HTTP/2 and HTTP/1.1 by ALPN, trusting one CA.
     *
     * @param caCertificate the CA that issued the server's certificate
     * @return the context
     * @throws SSLException if Netty cannot build it
     */
    public static SslContext client(X509Certificate caCertificate) throws SSLException {
        // tag::dropin-client[]
        SslContext clientContext = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .sslContextProvider(new Tls13Provider())
                .protocols("TLSv1.3")
                .trustManager(caCertificate)
                .applicationProtocolConfig(new ApplicationProtocolConfig(Protocol.ALPN,
                        SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                .build();
        // end::dropin-client[]
        return clientContext;
    }
}
