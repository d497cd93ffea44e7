package dev.tls13.netty;

import dev.tls13.connection.TlsConnection;
import dev.tls13.error.TlsException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.PromiseNotifier;
import javax.net.ssl.SSLException;

/**
 * The records a {@link Tls13Handler} writes for its connection (docs/architecture.md §4): those the connection
 * queues by itself (flights, alerts, KeyUpdates, close_notify), written at once or at the end of the read
 * batch, and the application's plaintext, which it seals as the {@link OutboundQueue}'s {@link RecordSealer}.
 *
 * <p>A failure met while sealing takes the handler's failure path (docs/architecture.md §7), whether the connection
 * throws it or only records it: sealing inside {@code pollOutput()} or {@code closeOutbound()} (a broken
 * {@code CryptoProvider}) makes the connection's failure sticky without throwing, and the channel must not then
 * stay open with writes rejected and reads discarded. A RuntimeException while sealing application data is our
 * bug or a broken provider; it becomes an internal TlsException that fails the writes and closes the channel, so
 * no write promise is left waiting.
 */
final class ConnectionOutput implements RecordSealer {

    private final Tls13Handler handler;
    private final ChannelHandlerContext ctx;
    private final HandshakeSequence handshake;
    /** Records were written while reading; the end of the read batch flushes them once. */
    private boolean needsFlush;

    /**
     * Creates the output of one handler.
     *
     * @param handler the handler, whose connection and failure path this uses
     * @param ctx the handler's context
     * @param handshake the handler's handshake sequence, failed when writing the connection's records fails
     */
    ConnectionOutput(Tls13Handler handler, ChannelHandlerContext ctx, HandshakeSequence handshake) {
        this.handler = handler;
        this.ctx = ctx;
        this.handshake = handshake;
    }

    /**
     * Takes the records the connection queued.
     *
     * @return the records (owned), or {@code null} when there are none
     * @throws TlsException the connection's new failure, after the failure path wrote what was sealed before it
     */
    ByteBuf poll() throws TlsException {
        TlsConnection connection = handler.connection();
        ByteBuf output = connection.pollOutput();
        TlsException failure = connection.failure();
        if (failure != null && !handler.isReleased()) {
            handler.fail(failure, output);
            throw failure;
        }
        return output;
    }

    /**
     * Seals close_notify after the data written so far (RFC 8446 §6.1): after the handshake the queued writes are
     * sealed first, before it they fail ({@link OutboundQueue#closeOutbound}).
     *
     * @param queue the handler's queue of writes
     * @return the records up to close_notify (owned), or {@code null} when it was sent before or sealing the
     *         writes failed (the failure path ran)
     * @throws TlsException when sealing close_notify failed; the failure path ran
     */
    ByteBuf closeNotify(OutboundQueue queue) throws TlsException {
        TlsConnection connection = handler.connection();
        if (handler.isReleased() || connection.isOutboundClosed() || !queue.closeOutbound()) {
            return null;
        }
        connection.closeOutbound();
        return poll();
    }

    /**
     * Sends close_notify without closing the channel: {@link #closeNotify}, then {@link CloseSequence#closeOutbound}.
     *
     * @param queue the handler's queue of writes
     * @param closing the handler's close sequence
     * @param promise completed when close_notify is written; failed when sealing it failed
     */
    void closeOutbound(OutboundQueue queue, CloseSequence closing, ChannelPromise promise) {
        ByteBuf closeNotify;
        try {
            closeNotify = closeNotify(queue);
        } catch (TlsException e) {
            promise.tryFailure(e);
            return;
        }
        closing.closeOutbound(ctx, closeNotify, promise);
    }

    /**
     * Sends a KeyUpdate (RFC 8446 §4.6.3) after the data written so far, which goes out under the old keys; a
     * failure to seal it takes the failure path.
     *
     * @param queue the handler's queue of writes
     * @param requestPeerUpdate whether to set update_requested
     * @param promise completed when the KeyUpdate is written
     */
    void updateKeys(OutboundQueue queue, boolean requestPeerUpdate, Promise<Void> promise) {
        ByteBuf keyUpdate;
        try {
            queue.flush();
            handler.connection().updateKeys(requestPeerUpdate);
            keyUpdate = poll();
        } catch (TlsException e) {
            promise.tryFailure(e);
            handler.fail(e);
            return;
        }
        if (keyUpdate == null) {
            promise.trySuccess(null);
        } else {
            ctx.writeAndFlush(keyUpdate).addListener(new PromiseNotifier<>(promise));
        }
    }

    /**
     * Writes the records the connection queued.
     *
     * @param flush whether to flush now; else the end of the read batch does
     * @throws TlsException as {@link #poll()}
     */
    void write(boolean flush) throws TlsException {
        if (handler.isReleased()) {
            return;
        }
        ByteBuf output = poll();
        if (output == null) {
            return;
        }
        ctx.write(output).addListener(f -> {
            if (!f.isSuccess() && !handler.isReleased()) {
                handshake.fail(ctx, new SSLException("failure when writing TLS control frames", f.cause()));
                ctx.close();
            }
        });
        if (flush) {
            ctx.flush();
        } else {
            needsFlush = true;
        }
    }

    /** Asks the end of the read batch to flush: records were written while reading. */
    void flushAtReadComplete() {
        needsFlush = true;
    }

    /** The read batch ended: flushes what was written during it, once. */
    void readComplete() {
        if (needsFlush) {
            needsFlush = false;
            ctx.flush();
        }
    }

    @Override
    public ByteBuf seal(ByteBuf plaintext) throws TlsException {
        return seal(plaintext, false);
    }

    @Override
    public long earlyDataAllowance() {
        return handler.isReleased() ? 0 : handler.connection().earlyDataAllowance();
    }

    @Override
    public ByteBuf sealEarly(ByteBuf plaintext) throws TlsException {
        return seal(plaintext, true);
    }

    private ByteBuf seal(ByteBuf plaintext, boolean early) throws TlsException {
        TlsConnection connection = handler.connection();
        try {
            if (early) {
                connection.writeEarlyData(plaintext, handler.getWrapDataSize());
            } else {
                connection.writeApplicationData(plaintext, handler.getWrapDataSize());
            }
        } catch (RuntimeException e) {
            throw TlsException.internal("sealing application data failed", e);
        }
        ByteBuf output = connection.pollOutput();
        TlsException failure = connection.failure();
        if (failure != null) {
            // The queue fails the writes it took first, then the failure path runs (sealFailed).
            if (output != null) {
                output.release();
            }
            throw failure;
        }
        return output;
    }

    @Override
    public void sealFailed(TlsException cause) {
        handler.fail(cause);
    }
}
