package dev.tls13.interop;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;

/**
 * The application end of one interop connection, after the TLS handler: completes {@link #handshake()} from
 * Netty's {@link SslHandshakeCompletionEvent} (which both our handler and {@code SslHandler} fire), records
 * the first failure, and either echoes what it reads (a server) or collects it (a client).
 */
final class Probe extends ChannelInboundHandlerAdapter {

    private final TlsSide side;
    private final boolean echo;
    private final Promise<Negotiated> handshake;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private volatile Throwable failure;
    private Promise<byte[]> pending;
    private int pendingTotal;

    Probe(TlsSide side, boolean echo, EventExecutor executor) {
        this.side = side;
        this.echo = echo;
        this.handshake = executor.newPromise();
    }

    /** Completes with what this end negotiated, or fails with the handshake's cause. @return the future */
    Future<Negotiated> handshake() {
        return handshake;
    }

    /** The first exception this end saw, or {@code null}. @return the failure */
    Throwable failure() {
        return failure;
    }

    /**
     * Completes once {@code total} bytes in all have been received since the connection started.
     *
     * @param ctx this handler's context
     * @param total the cumulative byte count to wait for
     * @return the first {@code total} received bytes
     */
    Future<byte[]> awaitReceived(ChannelHandlerContext ctx, int total) {
        Promise<byte[]> promise = ctx.executor().newPromise();
        ctx.executor().execute(() -> {
            if (failure != null) {
                promise.tryFailure(failure);
            } else if (!ctx.channel().isActive() && received.size() < total) {
                promise.tryFailure(new ClosedChannelException());
            } else {
                pending = promise;
                pendingTotal = total;
                check();
            }
        });
        return promise;
    }

    private void check() {
        if (pending != null && received.size() >= pendingTotal) {
            byte[] all = received.toByteArray();
            byte[] first = new byte[pendingTotal];
            System.arraycopy(all, 0, first, 0, pendingTotal);
            Promise<byte[]> p = pending;
            pending = null;
            p.trySuccess(first);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent) {
            SslHandshakeCompletionEvent event = (SslHandshakeCompletionEvent) evt;
            if (event.isSuccess()) {
                try {
                    handshake.trySuccess(side.negotiated(ctx.pipeline()));
                } catch (RuntimeException e) {
                    handshake.tryFailure(e);
                }
            } else {
                fail(event.cause());
            }
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (echo) {
            ctx.write(msg);
            return;
        }
        ByteBuf buf = (ByteBuf) msg;
        try {
            buf.readBytes(received, buf.readableBytes());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            buf.release();
        }
        check();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (echo) {
            ctx.flush();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        ClosedChannelException closed = new ClosedChannelException();
        handshake.tryFailure(failure != null ? failure : closed);
        if (pending != null) {
            pending.tryFailure(failure != null ? failure : closed);
            pending = null;
        }
        super.channelInactive(ctx);
    }

    private void fail(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        handshake.tryFailure(cause);
        if (pending != null) {
            pending.tryFailure(cause);
            pending = null;
        }
    }
}
