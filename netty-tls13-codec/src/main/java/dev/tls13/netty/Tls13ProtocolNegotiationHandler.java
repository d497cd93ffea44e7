package dev.tls13.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLException;

/**
 * Configures the pipeline for the application protocol negotiated by ALPN (RFC 7301) once our
 * {@link Tls13Handler}'s handshake completes: the equivalent of Netty's
 * {@code ApplicationProtocolNegotiationHandler}, which only finds Netty's own {@code SslHandler}.
 * Place it after the {@link Tls13Handler}:
 * <pre>{@code
 * pipeline.addLast(context.newHandler(ch.alloc()), new Tls13ProtocolNegotiationHandler("http/1.1") {
 *     protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
 *         if ("h2".equals(protocol)) {
 *             ctx.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(), new MyHttp2Handler());
 *         } else {
 *             ctx.pipeline().addLast(new HttpServerCodec(), new MyHttp1Handler());
 *         }
 *     }
 * });
 * }</pre>
 * It behaves like Netty's handler:
 * <ul>
 *   <li>messages read before it removes itself are buffered, and passed on (followed by
 *       {@code channelReadComplete}) once it is removed, the input shut down or the channel inactive;</li>
 *   <li>on the first read, without a {@link Tls13Handler} in the pipeline, it removes itself without
 *       calling {@link #configurePipeline};</li>
 *   <li>on a successful {@link SslHandshakeCompletionEvent} it calls {@link #configurePipeline} with the
 *       handler's {@link Tls13Handler#applicationProtocol()}, or the fallback protocol when none was
 *       negotiated, then removes itself;</li>
 *   <li>a failed handshake reaches it as {@code DecoderException(SSLException)} in {@link #exceptionCaught},
 *       which calls {@link #handshakeFailure} (log and close) and removes itself; any other exception is
 *       logged, passed on and closes the channel.</li>
 * </ul>
 */
public abstract class Tls13ProtocolNegotiationHandler extends ChannelInboundHandlerAdapter {

    private static final InternalLogger LOGGER =
            InternalLoggerFactory.getInstance(Tls13ProtocolNegotiationHandler.class);

    private final String fallbackProtocol;
    private final List<Object> bufferedMessages = new ArrayList<>();
    private ChannelHandlerContext ctx;
    private boolean tlsHandlerChecked;

    /**
     * Creates a handler.
     *
     * @param fallbackProtocol the protocol to configure when ALPN negotiated none, e.g. {@code "http/1.1"}
     */
    protected Tls13ProtocolNegotiationHandler(String fallbackProtocol) {
        this.fallbackProtocol = Objects.requireNonNull(fallbackProtocol, "fallbackProtocol");
    }

    /** @return the protocol configured when ALPN negotiated none */
    protected final String fallbackProtocol() {
        return fallbackProtocol;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        super.handlerAdded(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
        fireBufferedMessages();
        super.handlerRemoved(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        // Held until the pipeline is configured for the protocol, so the new handlers see every byte.
        bufferedMessages.add(msg);
        if (!tlsHandlerChecked) {
            tlsHandlerChecked = true;
            if (ctx.pipeline().get(Tls13Handler.class) == null) {
                // No TLS here: no handshake event will come. Like Netty's handler, step aside unconfigured.
                removeSelfIfPresent(ctx);
            }
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent) {
            SslHandshakeCompletionEvent handshakeEvent = (SslHandshakeCompletionEvent) evt;
            try {
                if (handshakeEvent.isSuccess()) {
                    Tls13Handler tls = ctx.pipeline().get(Tls13Handler.class);
                    if (tls == null) {
                        throw new IllegalStateException("cannot find a Tls13Handler in the pipeline (required for "
                                + "application-level protocol negotiation)");
                    }
                    String protocol = tls.applicationProtocol();
                    configurePipeline(ctx, protocol != null ? protocol : fallbackProtocol);
                }
                // A failed handshake is handled in exceptionCaught, where its DecoderException arrives.
            } catch (Throwable cause) {
                exceptionCaught(ctx, cause);
            } finally {
                if (handshakeEvent.isSuccess()) {
                    removeSelfIfPresent(ctx);
                }
            }
        }
        if (evt instanceof ChannelInputShutdownEvent) {
            fireBufferedMessages();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        fireBufferedMessages();
        super.channelInactive(ctx);
    }

    private void fireBufferedMessages() {
        if (bufferedMessages.isEmpty()) {
            return;
        }
        List<Object> messages = new ArrayList<>(bufferedMessages);
        bufferedMessages.clear();
        if (ctx == null) {
            messages.forEach(ReferenceCountUtil::release);
            return;
        }
        for (Object msg : messages) {
            ctx.fireChannelRead(msg);
        }
        ctx.fireChannelReadComplete();
    }

    private void removeSelfIfPresent(ChannelHandlerContext ctx) {
        if (!ctx.isRemoved()) {
            ctx.pipeline().remove(this);
        }
    }

    /**
     * Adds the handlers of the negotiated protocol; called once, on the event loop, after a successful
     * handshake. The handler removes itself afterwards (and then passes on the messages it buffered).
     *
     * @param ctx this handler's context
     * @param protocol the negotiated protocol, or the fallback protocol when ALPN negotiated none
     * @throws Exception to fail: it is handled by {@link #exceptionCaught}
     */
    protected abstract void configurePipeline(ChannelHandlerContext ctx, String protocol) throws Exception;

    /**
     * Called when the TLS handshake failed; logs a warning and closes the channel. Override to react
     * differently.
     *
     * @param ctx this handler's context
     * @param cause why the handshake failed
     * @throws Exception if the override fails
     */
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        LOGGER.warn("{} TLS handshake failed:", ctx.channel(), cause);
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        Throwable wrapped;
        if (cause instanceof DecoderException && (wrapped = cause.getCause()) instanceof SSLException) {
            try {
                handshakeFailure(ctx, wrapped);
                return;
            } finally {
                removeSelfIfPresent(ctx);
            }
        }
        LOGGER.warn("{} Failed to select the application-level protocol:", ctx.channel(), cause);
        ctx.fireExceptionCaught(cause);
        ctx.close();
    }
}
