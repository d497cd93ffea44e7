package dev.tls13.netty;

import dev.tls13.Tls13Context;
import dev.tls13.Tls13KeyLog;
import dev.tls13.connection.SessionInfo;
import dev.tls13.connection.TlsConnection;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * Receives the events of a {@link Tls13Handler}'s connection, each inside a call to the connection, and turns
 * them into pipeline events: decrypted records become {@code channelRead}s, the peer's close_notify goes to the
 * {@link CloseSequence}, key log lines to the context's {@link Tls13KeyLog}, and the handshake's completion back to
 * the handler, which releases the writes it held.
 */
final class ConnectionEvents implements TlsConnection.Listener {

    private final Tls13Handler handler;
    private final ChannelHandlerContext ctx;
    private final CloseSequence closing;
    /** This read batch delivered plaintext to the application. */
    private boolean firedChannelRead;

    /**
     * Creates the listener of one handler's connection.
     *
     * @param handler the handler
     * @param ctx the handler's context
     * @param closing the handler's close sequence
     */
    ConnectionEvents(Tls13Handler handler, ChannelHandlerContext ctx, CloseSequence closing) {
        this.handler = handler;
        this.ctx = ctx;
        this.closing = closing;
    }

    /** @return whether this read batch delivered plaintext to the application */
    boolean firedChannelRead() {
        return firedChannelRead;
    }

    /** The read batch ended. */
    void readComplete() {
        firedChannelRead = false;
    }

    @Override
    public void handshakeComplete(SessionInfo info) {
        handler.handshakeCompleted(info);
    }

    @Override
    public void applicationData(ByteBuf data) {
        firedChannelRead = true;
        ctx.fireChannelRead(data);
    }

    @Override
    public void earlyData(ByteBuf data) {
        // Marked, so the application can keep 0-RTT data apart from 1-RTT data (RFC 8446 §8, §E.5).
        firedChannelRead = true;
        ctx.fireChannelRead(new Tls13EarlyData(data));
    }

    @Override
    public boolean keyLogEnabled() {
        Tls13Context context = handler.context();
        return context != null && context.keyLog() != null;
    }

    @Override
    public void keyLog(String line) {
        Tls13Context context = handler.context();
        Tls13KeyLog log = context == null ? null : context.keyLog();
        if (log != null) {
            log.log(ctx.channel(), line);
        }
    }

    @Override
    public void closeNotifyReceived() {
        closing.closeNotifyReceived(ctx);
    }
}
