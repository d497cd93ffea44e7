package dev.tls13.examples.grpc;

import dev.tls13.Tls13Context;
import dev.tls13.netty.Tls13Handler;
import io.grpc.Attributes;
import io.grpc.ChannelLogger;
import io.grpc.Grpc;
import io.grpc.InternalChannelz;
import io.grpc.SecurityLevel;
import io.grpc.Status;
import io.grpc.internal.GrpcAttributes;
import io.grpc.netty.InternalProtocolNegotiationEvent;
import io.grpc.netty.InternalProtocolNegotiators;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;

/**
 * One gRPC negotiation stage (the way gRPC's own TLS stage and ALTS work): installs our
 * {@link Tls13Handler} in front of itself, waits for its handshake, requires ALPN {@code h2}
 * (RFC 9113 §3.2: HTTP/2 over TLS is identified by "h2"), then hands gRPC the security level, an
 * {@code SSLSession} view and the channelz security record, and replaces itself with the next stage.
 */
final class Tls13GrpcHandler extends InternalProtocolNegotiators.ProtocolNegotiationHandler {

    private static final String H2 = "h2";

    private final Tls13Context tls;
    private final String peerHost;
    private final int peerPort;
    private Tls13Handler tlsHandler;

    /**
     * @param next the stage to run after TLS (gRPC's HTTP/2 negotiation handler)
     * @param tls the context of our side
     * @param peerHost the server's host name on a client (SNI and certificate check); {@code null} on a server
     * @param peerPort the server's port on a client, {@code -1} on a server
     * @param logger gRPC's negotiation logger
     */
    Tls13GrpcHandler(ChannelHandler next, Tls13Context tls, String peerHost, int peerPort, ChannelLogger logger) {
        super(next, "Tls13", logger);
        this.tls = tls;
        this.peerHost = peerHost;
        this.peerPort = peerPort;
    }

    @Override
    protected void handlerAdded0(ChannelHandlerContext ctx) {
        tlsHandler = peerHost == null ? tls.newHandler(ctx.alloc()) : tls.newHandler(ctx.alloc(), peerHost, peerPort);
        ctx.pipeline().addBefore(ctx.name(), null, tlsHandler);
    }

    @Override
    protected void userEventTriggered0(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (!(evt instanceof SslHandshakeCompletionEvent)) {
            super.userEventTriggered0(ctx, evt);
            return;
        }
        SslHandshakeCompletionEvent handshake = (SslHandshakeCompletionEvent) evt;
        if (!handshake.isSuccess()) {
            Throwable cause = handshake.cause();
            if (cause instanceof ClosedChannelException) {
                // As gRPC's own TLS stage: a peer that hangs up mid-handshake is "unavailable".
                cause = Status.UNAVAILABLE.withDescription("Connection closed while performing TLS negotiation")
                        .withCause(cause).asRuntimeException();
            }
            ctx.fireExceptionCaught(cause);
            return;
        }
        if (!H2.equals(tlsHandler.applicationProtocol())) {
            ctx.fireExceptionCaught(Status.UNAVAILABLE
                    .withDescription("Failed protocol negotiation: ALPN selected "
                            + tlsHandler.applicationProtocol() + ", gRPC needs h2")
                    .asRuntimeException());
            return;
        }
        Tls13SslSession session = new Tls13SslSession(tlsHandler.session(), peerHost(ctx), peerPort(ctx));
        Attributes attributes = InternalProtocolNegotiationEvent.getAttributes(getProtocolNegotiationEvent())
                .toBuilder()
                .set(GrpcAttributes.ATTR_SECURITY_LEVEL, SecurityLevel.PRIVACY_AND_INTEGRITY)
                .set(Grpc.TRANSPORT_ATTR_SSL_SESSION, session)
                .build();
        replaceProtocolNegotiationEvent(InternalProtocolNegotiationEvent.withSecurity(
                InternalProtocolNegotiationEvent.withAttributes(getProtocolNegotiationEvent(), attributes),
                new InternalChannelz.Security(new InternalChannelz.Tls(session))));
        fireProtocolNegotiationEvent(ctx);
    }

    private String peerHost(ChannelHandlerContext ctx) {
        if (peerHost != null) {
            return peerHost;
        }
        SocketAddress remote = ctx.channel().remoteAddress();
        return remote instanceof InetSocketAddress ? ((InetSocketAddress) remote).getHostString() : null;
    }

    private int peerPort(ChannelHandlerContext ctx) {
        if (peerHost != null) {
            return peerPort;
        }
        SocketAddress remote = ctx.channel().remoteAddress();
        return remote instanceof InetSocketAddress ? ((InetSocketAddress) remote).getPort() : -1;
    }
}
