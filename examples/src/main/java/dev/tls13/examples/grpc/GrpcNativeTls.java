package dev.tls13.examples.grpc;

import dev.tls13.Tls13Context;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.netty.handler.ssl.ClientAuth;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * gRPC over our TLS 1.3 with mutual authentication, through {@link Tls13Credentials}. The code between
 * the {@code tag} comments is quoted verbatim in the README ("Use with gRPC"); a test checks that they
 * stay identical.
 */
public final class GrpcNativeTls {

    private GrpcNativeTls() {
    }

    /**
     * The server's context: its certificate, ALPN {@code h2}, and client certificates required.
     *
     * @param key the server's private key
     * @param chain its certificate chain, leaf first
     * @param clientCa the CA that issues client certificates
     * @return the context
     */
    public static Tls13Context serverContext(PrivateKey key, X509Certificate[] chain, X509Certificate clientCa) {
        // tag::grpc-server-context[]
        Tls13Context serverTls = Tls13Context.forServer(key, chain)
                .applicationProtocols("h2")
                .clientAuth(ClientAuth.REQUIRE)
                .trustManager(clientCa)
                .build();
        // end::grpc-server-context[]
        return serverTls;
    }

    /**
     * The client's context: ALPN {@code h2}, the server's CA, and a client certificate.
     *
     * @param serverCa the CA that issued the server's certificate
     * @param key the client's private key
     * @param chain its certificate chain, leaf first
     * @return the context
     */
    public static Tls13Context clientContext(X509Certificate serverCa, PrivateKey key, X509Certificate[] chain) {
        // tag::grpc-client-context[]
        Tls13Context clientTls = Tls13Context.forClient()
                .applicationProtocols("h2")
                .trustManager(serverCa)
                .keyManager(key, chain)
                .build();
        // end::grpc-client-context[]
        return clientTls;
    }

    /**
     * Starts the {@link Greeter} on 127.0.0.1 and a free port.
     *
     * @param serverTls a server context with ALPN {@code h2} (and client authentication, for mTLS)
     * @return the running server
     * @throws IOException if it cannot bind
     */
    public static Server startServer(Tls13Context serverTls) throws IOException {
        // tag::grpc-server[]
        Server server = NettyServerBuilder
                .forAddress(new InetSocketAddress("127.0.0.1", 0), Tls13Credentials.server(serverTls))
                .addService(Greeter.service())
                .build()
                .start();
        // end::grpc-server[]
        return server;
    }

    /**
     * Opens a channel to {@code localhost:port}.
     *
     * @param clientTls a client context with ALPN {@code h2}, trusting the server's CA
     * @param port the server's port
     * @return the channel; shut it down when done
     */
    public static ManagedChannel openChannel(Tls13Context clientTls, int port) {
        // tag::grpc-channel[]
        ManagedChannel channel = NettyChannelBuilder
                .forAddress("localhost", port, Tls13Credentials.client(clientTls))
                .build();
        // end::grpc-channel[]
        return channel;
    }

    /**
     * One unary call.
     *
     * @param channel the channel
     * @param name the name to greet
     * @return the answer
     */
    public static String sayHello(Channel channel, String name) {
        return ClientCalls.blockingUnaryCall(channel, Greeter.SAY_HELLO, CallOptions.DEFAULT, name);
    }

    /**
     * One server-streaming call.
     *
     * @param channel the channel
     * @param count how many messages to ask for
     * @return the messages, in order
     */
    public static List<String> count(Channel channel, int count) {
        List<String> messages = new ArrayList<>();
        Iterator<String> it = ClientCalls.blockingServerStreamingCall(channel, Greeter.COUNT, CallOptions.DEFAULT,
                Integer.toString(count));
        it.forEachRemaining(messages::add);
        return messages;
    }
}
