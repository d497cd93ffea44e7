package dev.tls13.examples.grpc;

import dev.tls13.Tls13Context;
import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.InternalNettyChannelCredentials;
import io.grpc.netty.InternalNettyServerCredentials;
import io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.InternalProtocolNegotiators;
import io.netty.channel.ChannelHandler;
import io.netty.util.AsciiString;
import java.net.URI;

/**
 * gRPC credentials that run our TLS 1.3 ({@link dev.tls13.netty.Tls13Handler}) under grpc-netty, through
 * its {@code @Internal} negotiator API (the one ALTS and S2A use). They need the unshaded
 * {@code io.grpc:grpc-netty}, since they hand gRPC our Netty handler; the internal API is not stable
 * across gRPC minor versions, so this glue is tested against the gRPC version the build pins.
 */
public final class Tls13Credentials {

    private static final AsciiString HTTPS = AsciiString.of("https");

    private Tls13Credentials() {
    }

    /**
     * Server credentials for {@code NettyServerBuilder.forAddress(address, credentials)}.
     *
     * @param tls a server context whose ALPN list contains {@code h2}
     * @return the credentials
     */
    public static ServerCredentials server(Tls13Context tls) {
        if (!tls.isServer()) {
            throw new IllegalArgumentException("a server context is required");
        }
        return InternalNettyServerCredentials.create(new Negotiator(tls, false));
    }

    /**
     * Channel credentials for {@code NettyChannelBuilder.forAddress(host, port, credentials)}; the host
     * of the channel's authority is the server name sent and verified.
     *
     * @param tls a client context whose ALPN list contains {@code h2}
     * @return the credentials
     */
    public static ChannelCredentials client(Tls13Context tls) {
        if (!tls.isClient()) {
            throw new IllegalArgumentException("a client context is required");
        }
        Negotiator negotiator = new Negotiator(tls, true);
        return InternalNettyChannelCredentials.create(new InternalProtocolNegotiator.ClientFactory() {
            @Override
            public InternalProtocolNegotiator.ProtocolNegotiator newNegotiator() {
                return negotiator;
            }

            @Override
            public int getDefaultPort() {
                return 443;
            }
        });
    }

    /** Builds the stages for each new transport; stateless, so one instance serves them all. */
    private static final class Negotiator implements InternalProtocolNegotiator.ProtocolNegotiator {
        private final Tls13Context tls;
        private final boolean client;

        Negotiator(Tls13Context tls, boolean client) {
            this.tls = tls;
            this.client = client;
        }

        @Override
        public AsciiString scheme() {
            return HTTPS;
        }

        @Override
        public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
            ChannelHandler afterTls = InternalProtocolNegotiators.grpcNegotiationHandler(grpcHandler);
            String host = null;
            int port = -1;
            if (client) {
                URI authority = URI.create("//" + grpcHandler.getAuthority());
                host = authority.getHost();
                port = authority.getPort();
            }
            ChannelHandler tlsStage = new Tls13GrpcHandler(afterTls, tls, host, port,
                    grpcHandler.getNegotiationLogger());
            // gRPC's own stages start on channelActive; so does ours (a client is not connected yet).
            return InternalProtocolNegotiators.waitUntilActiveHandler(tlsStage, grpcHandler.getNegotiationLogger());
        }

        @Override
        public void close() {
            // Nothing shared to release: the context is owned by the caller.
        }
    }
}
