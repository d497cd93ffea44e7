package dev.tls13.examples.grpc;

import dev.tls13.jsse.Tls13Provider;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.NettySslContextChannelCredentials;
import io.grpc.netty.NettySslContextServerCredentials;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;

/**
 * gRPC with its public TLS credentials ({@code NettySslContextServerCredentials} /
 * {@code NettySslContextChannelCredentials}) over a Netty {@code SslContext} whose engines are ours
 * ({@link Tls13Provider}); mutual TLS. gRPC's own negotiator then checks ALPN {@code h2} and reports the
 * engine's {@code SSLSession}. ({@code GrpcSslContexts.configure(builder, provider)} is not usable: it
 * accepts only providers gRPC knows by name.) The code between the {@code tag} comments is quoted in
 * the README.
 */
public final class GrpcAdapterTls {

    private GrpcAdapterTls() {
    }

    /**
     * The server's {@code SslContext}: ALPN {@code h2}, client certificates required.
     *
     * @param key the server's private key
     * @param chain its certificate chain, leaf first
     * @param clientCa the CA that issues client certificates
     * @return the context
     * @throws SSLException if Netty cannot build it
     */
    public static SslContext serverContext(PrivateKey key, X509Certificate[] chain, X509Certificate clientCa)
            throws SSLException {
        // tag::grpc-adapter-context[]
        SslContext serverContext = SslContextBuilder.forServer(key, chain)
                .sslProvider(SslProvider.JDK)
                .sslContextProvider(new Tls13Provider())
                .protocols("TLSv1.3")
                .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(Protocol.ALPN,
                        SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2))
                .clientAuth(ClientAuth.REQUIRE)
                .trustManager(clientCa)
                .build();
        // end::grpc-adapter-context[]
        return serverContext;
    }

    /**
     * Starts the {@link Greeter} on 127.0.0.1 and a free port.
     *
     * @param serverContext a server context with ALPN {@code h2}
     * @return the running server
     * @throws IOException if it cannot bind
     */
    public static Server startServer(SslContext serverContext) throws IOException {
        // tag::grpc-adapter-server[]
        Server server = NettyServerBuilder
                .forAddress(new InetSocketAddress("127.0.0.1", 0),
                        NettySslContextServerCredentials.create(serverContext))
                .addService(Greeter.service())
                .build()
                .start();
        // end::grpc-adapter-server[]
        return server;
    }

    /**
     * Opens a channel to {@code localhost:port}.
     *
     * @param clientContext a client context with ALPN {@code h2}
     * @param port the server's port
     * @return the channel; shut it down when done
     */
    public static ManagedChannel openChannel(SslContext clientContext, int port) {
        // tag::grpc-adapter-channel[]
        ManagedChannel channel = NettyChannelBuilder
                .forAddress("localhost", port, NettySslContextChannelCredentials.create(clientContext))
                .build();
        // end::grpc-adapter-channel[]
        return channel;
    }

    /**
     * The client's {@code SslContext}: ALPN {@code h2}, the server's CA, a client certificate.
     *
     * @param serverCa the CA that issued the server's certificate
     * @param key the client's private key
     * @param chain its certificate chain, leaf first
     * @return the context
     * @throws SSLException if Netty cannot build it
     */
    public static SslContext clientContext(X509Certificate serverCa, PrivateKey key, X509Certificate[] chain)
            throws SSLException {
        return SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .sslContextProvider(new Tls13Provider())
                .protocols("TLSv1.3")
                .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(Protocol.ALPN,
                        SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2))
                .trustManager(serverCa)
                .keyManager(key, chain)
                .build();
    }
}
