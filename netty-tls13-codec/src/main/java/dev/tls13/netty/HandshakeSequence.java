package dev.tls13.netty;

import dev.tls13.connection.SessionInfo;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLHandshakeException;

/**
 * How a {@link Tls13Handler} reports its handshake, as Netty's {@code SslHandler} does (docs/architecture.md §9):
 * the handshake future, which completes with the channel or fails with the cause; Netty's
 * {@link SslHandshakeCompletionEvent}, fired once with the outcome ({@code SUCCESS} on success); the session
 * negotiated; and the timeout, 10 s by default, that bounds the handshake from its start
 * ({@link SslHandshakeTimeoutException}). The counterpart of {@link CloseSequence}; its methods run on the event
 * loop and take the handler's context as {@code ctx}.
 */
final class HandshakeSequence {

    /** The handler's logger, so that existing logging configuration keeps seeing these lines. */
    private static final InternalLogger LOGGER = InternalLoggerFactory.getInstance(Tls13Handler.class);

    private final Promise<Channel> promise;
    private volatile long timeoutMillis;
    private volatile SessionInfo session;
    private ScheduledFuture<?> timeout;

    /**
     * Creates the sequence of one handler.
     *
     * @param promise the handshake future, completed only here
     * @param timeoutMillis the handshake timeout, 0 for none
     */
    HandshakeSequence(Promise<Channel> promise, long timeoutMillis) {
        this.promise = promise;
        this.timeoutMillis = timeoutMillis;
    }

    /** @return the handshake future */
    Future<Channel> future() {
        return promise;
    }

    /** @return whether the handshake succeeded or failed */
    boolean isDone() {
        return promise.isDone();
    }

    /** @return what the handshake negotiated, or {@code null} before it completed */
    SessionInfo session() {
        return session;
    }

    /** @return the handshake timeout in milliseconds (0: none) */
    long timeoutMillis() {
        return timeoutMillis;
    }

    /** @param millis the handshake timeout for a handshake not yet started, not negative (0: none) */
    void timeoutMillis(long millis) {
        timeoutMillis = millis;
    }

    /**
     * Starts the timeout, unless there is none or the handshake is over. When it passes first,
     * {@code onTimeout} runs with the exception to fail the handshake with.
     *
     * @param onTimeout the handler's failure path
     */
    void startTimeout(ChannelHandlerContext ctx, Consumer<SslHandshakeTimeoutException> onTimeout) {
        long millis = timeoutMillis;
        if (millis <= 0 || promise.isDone()) {
            return;
        }
        timeout = ctx.executor().schedule(() -> {
            if (!promise.isDone()) {
                onTimeout.accept(new SslHandshakeTimeoutException("TLS handshake timed out after " + millis + " ms"));
            }
        }, millis, TimeUnit.MILLISECONDS);
    }

    /** Stops the timeout, if it runs. */
    void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    /**
     * The handshake completed: stops the timeout, completes the future and fires {@code SUCCESS}.
     *
     * @param info what was negotiated
     */
    void succeed(ChannelHandlerContext ctx, SessionInfo info) {
        session = info;
        cancelTimeout();
        if (LOGGER.isDebugEnabled()) {
            LOGGER.debug("{} HANDSHAKEN: {} {} {}", ctx.channel(), info.protocol(), info.cipherSuite(),
                    info.namedGroup());
        }
        promise.trySuccess(ctx.channel());
        ctx.fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
    }

    /**
     * The channel closed: fails a running handshake with a {@link ClosedChannelException} that carries an
     * {@code SSLHandshakeException}, as {@code SslHandler} does. The exception is created only when needed, without
     * a stack trace.
     *
     * @return the exception, or {@code null} when the handshake was over
     */
    ClosedChannelException channelClosed(ChannelHandlerContext ctx) {
        if (promise.isDone()) {
            return null;
        }
        ClosedChannelException closed = CloseSequence.channelClosed();
        closed.addSuppressed(new SSLHandshakeException("Connection closed while the TLS handshake was in progress"));
        fail(ctx, closed);
        return closed;
    }

    /**
     * Fails the handshake, unless it is over, and fires the failed event.
     *
     * @param cause why
     * @return whether the handshake was still running
     */
    boolean fail(ChannelHandlerContext ctx, Throwable cause) {
        if (!promise.tryFailure(cause)) {
            return false;
        }
        ctx.fireUserEventTriggered(new SslHandshakeCompletionEvent(cause));
        return true;
    }
}
