package dev.tls13.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.StacklessClosedChannelException;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;

/**
 * How a {@link Tls13Handler}'s TLS session ends (RFC 8446 §6.1), as Netty's {@code SslHandler} does it:
 * <ul>
 *   <li>{@code close()} writes close_notify, then closes the channel once it is written or after the
 *       flush timeout (3 s by default), and with a read timeout (none by default) only once the peer's
 *       close_notify arrived or that timeout passed;</li>
 *   <li>{@code closeOutbound()} writes close_notify and keeps the channel open (half-close);</li>
 *   <li>the close future succeeds with the peer's close_notify, fails when the connection fails after the
 *       handshake, when the channel closes first, or when the handler is removed; each outcome fires
 *       Netty's {@link SslCloseCompletionEvent} once.</li>
 * </ul>
 * Preparing close_notify (sealing what was written before it) is the handler's: this class sends it.
 * Its methods run on the event loop and take the handler's context as {@code ctx}.
 */
final class CloseSequence {

    /** The handler's logger, so that existing logging configuration keeps seeing these lines. */
    private static final InternalLogger LOGGER = InternalLoggerFactory.getInstance(Tls13Handler.class);

    private final Promise<Channel> closePromise;
    private volatile long flushTimeoutMillis;
    private volatile long readTimeoutMillis;
    /** {@link #connectionFailed} failed the close promise; {@link #channelInactive} fires its event. */
    private boolean failedByError;

    /**
     * Creates the sequence of one handler.
     *
     * @param closePromise the close future, completed only here
     * @param flushTimeoutMillis how long closing waits for close_notify to be written
     * @param readTimeoutMillis how long closing waits for the peer's close_notify, 0 not at all
     */
    CloseSequence(Promise<Channel> closePromise, long flushTimeoutMillis, long readTimeoutMillis) {
        this.closePromise = closePromise;
        this.flushTimeoutMillis = flushTimeoutMillis;
        this.readTimeoutMillis = readTimeoutMillis;
    }

    /** @return the close future */
    Future<Channel> future() {
        return closePromise;
    }

    /** @return how long closing waits for close_notify to be written, in milliseconds */
    long flushTimeoutMillis() {
        return flushTimeoutMillis;
    }

    /** @param millis how long closing waits for close_notify to be written, not negative */
    void flushTimeoutMillis(long millis) {
        flushTimeoutMillis = millis;
    }

    /** @return how long closing waits for the peer's close_notify, in milliseconds (0: not at all) */
    long readTimeoutMillis() {
        return readTimeoutMillis;
    }

    /** @param millis how long closing waits for the peer's close_notify, not negative (0: not at all) */
    void readTimeoutMillis(long millis) {
        readTimeoutMillis = millis;
    }

    /** The peer's close_notify arrived: it sends nothing more (RFC 8446 §6.1). */
    void closeNotifyReceived(ChannelHandlerContext ctx) {
        if (closePromise.trySuccess(ctx.channel())) {
            ctx.fireUserEventTriggered(SslCloseCompletionEvent.SUCCESS);
        }
    }

    /**
     * The connection failed after the handshake (e.g. the server's certificate_required, which a TLS 1.3
     * client reads only after its Finished, RFC 8446 §4.4.2.4): the session ends with this failure, not
     * with a close_notify, and the application learns why. The event follows on channelInactive.
     */
    void connectionFailed(Throwable cause) {
        if (closePromise.tryFailure(cause)) {
            failedByError = true;
        }
    }

    /**
     * Fails the close future, unless done, and fires the event.
     *
     * @param cause why the session ended without the peer's close_notify
     */
    void fail(ChannelHandlerContext ctx, Throwable cause) {
        if (closePromise.tryFailure(cause)) {
            ctx.fireUserEventTriggered(new SslCloseCompletionEvent(cause));
        }
    }

    /** The channel closed: fails the close future if still open, or fires the event a failure left pending. */
    void channelInactive(ChannelHandlerContext ctx) {
        if (!closePromise.isDone()) {
            // Only the handler completes the promise, on the event loop: not done means it fails now.
            fail(ctx, channelClosed());
        } else if (failedByError) {
            failedByError = false;
            ctx.fireUserEventTriggered(new SslCloseCompletionEvent(closePromise.cause()));
        }
    }

    /**
     * The cause of a failure by the channel's close: created only when a promise or a write needs it,
     * without a stack trace (the channel's close is the cause, not this frame), so that a peer that just
     * closes costs no stack walk.
     */
    static ClosedChannelException channelClosed() {
        return StacklessClosedChannelException.newInstance(Tls13Handler.class, "channelInactive(...)");
    }

    /**
     * Writes close_notify and keeps the channel open.
     *
     * @param closeNotify the records up to close_notify (owned), or {@code null} when it was sent before
     * @param promise completed when they are written
     */
    void closeOutbound(ChannelHandlerContext ctx, ByteBuf closeNotify, ChannelPromise promise) {
        if (closeNotify == null) {
            promise.trySuccess();
            return;
        }
        ctx.writeAndFlush(closeNotify, promise);
    }

    /**
     * Writes close_notify, then closes the channel as {@link #closeAfter} does.
     *
     * @param closeNotify the records up to close_notify (owned), or {@code null} when there are none
     * @param promise completed when the channel is closed
     */
    void close(ChannelHandlerContext ctx, ByteBuf closeNotify, ChannelPromise promise) {
        closeAfter(ctx, closeNotify == null ? ctx.newSucceededFuture() : ctx.writeAndFlush(closeNotify), promise);
    }

    /**
     * Closes once {@code flushed} completes, or after the flush timeout; then optionally waits for the
     * peer's close_notify (read timeout) before closing.
     *
     * @param flushed the write of our last records (close_notify or a fatal alert)
     * @param promise completed when the channel is closed
     */
    void closeAfter(ChannelHandlerContext ctx, ChannelFuture flushed, ChannelPromise promise) {
        if (!ctx.channel().isActive()) {
            ctx.close(promise);
            return;
        }
        ScheduledFuture<?> flushTimeout = null;
        long flushMillis = flushTimeoutMillis;
        if (!flushed.isDone() && flushMillis > 0) {
            flushTimeout = ctx.executor().schedule(() -> {
                if (!flushed.isDone()) {
                    LOGGER.warn("{} Last write attempt timed out; force-closing the connection.", ctx.channel());
                    closeAndNotify(ctx, promise);
                }
            }, flushMillis, TimeUnit.MILLISECONDS);
        }
        ScheduledFuture<?> cancelOnFlush = flushTimeout;
        flushed.addListener(f -> {
            if (cancelOnFlush != null) {
                cancelOnFlush.cancel(false);
            }
            awaitPeerCloseNotify(ctx, promise);
        });
    }

    private void awaitPeerCloseNotify(ChannelHandlerContext ctx, ChannelPromise promise) {
        long readMillis = readTimeoutMillis;
        if (readMillis <= 0 || closePromise.isDone() || !ctx.channel().isActive()) {
            closeAndNotify(ctx, promise);
            return;
        }
        ScheduledFuture<?> readTimeout = ctx.executor().schedule(() -> {
            if (!closePromise.isDone()) {
                LOGGER.debug("{} did not receive close_notify in {} ms; force-closing.", ctx.channel(), readMillis);
            }
            closeAndNotify(ctx, promise);
        }, readMillis, TimeUnit.MILLISECONDS);
        closePromise.addListener(x -> {
            readTimeout.cancel(false);
            closeAndNotify(ctx, promise);
        });
    }

    private static void closeAndNotify(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (promise.isDone()) {
            return;
        }
        ctx.close(ctx.newPromise()).addListener(f -> {
            if (f.isSuccess()) {
                promise.trySuccess();
            } else {
                promise.tryFailure(f.cause());
            }
        });
    }
}
