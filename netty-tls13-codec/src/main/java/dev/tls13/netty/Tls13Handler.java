package dev.tls13.netty;

import dev.tls13.Tls13Context;
import dev.tls13.connection.ClientHelloInfo;
import dev.tls13.connection.SessionInfo;
import dev.tls13.connection.TlsConnection;
import dev.tls13.error.TlsException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.UnsupportedMessageTypeException;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.AsyncMapping;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * The TLS 1.3 handler of one channel: records in, plaintext out, and the reverse for writes. It keeps the contract
 * of Netty's {@code SslHandler} (docs/architecture.md §9), so that frameworks keyed on its events and behaviour
 * work unchanged:
 * <ul>
 *   <li>the handshake starts when the handler is added to an active channel, else on channelActive (a client
 *       sends its ClientHello); {@link #handshakeFuture()} completes with the channel, and Netty's
 *       {@link SslHandshakeCompletionEvent} fires ({@code SUCCESS} on success) before the first decrypted
 *       {@code channelRead}; the handshake times out after 10 s by default ({@link SslHandshakeTimeoutException});</li>
 *   <li>writes before the handshake completes are queued (up to a cap) and sent after it; writes are coalesced
 *       into records of up to the wrap size (16 KiB); a write's promise completes when its records are written;
 *       a client context with {@link dev.tls13.Tls13ContextBuilder#earlyData(boolean) earlyData} on that resumes
 *       with a ticket allowing 0-RTT sends the first flushed writes as early data, within the ticket's limit, and
 *       sends them again after the handshake if the server rejected them; their promises complete once the
 *       outcome is known;</li>
 *   <li>{@link FileRegion}s (e.g. the {@code DefaultFileRegion} Reactor Netty's {@code sendFile} writes when it
 *       finds no {@code SslHandler}) are encrypted in order with the buffers around them, read in chunks only as
 *       fast as the channel takes the records, so a large file on a slow reader holds about the write-buffer high
 *       water mark in memory; other message types fail with {@link UnsupportedMessageTypeException};</li>
 *   <li>flights produced while reading are flushed once per read batch; with {@code AUTO_READ=false} the handler
 *       calls {@code ctx.read()} while the handshake needs input;</li>
 *   <li>inbound TLS errors reach {@code exceptionCaught} as {@code DecoderException(SSLException)}, after the fatal
 *       alert was flushed, the handshake failed and everything released; the channel is then closed;</li>
 *   <li>{@code close()} sends close_notify after the writes made so far, waiting at most the flush timeout (3 s),
 *       but the rest of a region the channel has not taken yet fails, as with Netty's transports (close in the
 *       write's listener to send it all); the peer's close_notify completes {@link #sslCloseFuture()} and fires
 *       {@link SslCloseCompletionEvent#SUCCESS}; a channel closed mid-handshake fails the handshake with
 *       {@link ClosedChannelException};</li>
 *   <li>in accept mode ({@link #Tls13Handler(AsyncMapping, Tls13Context)}) a server chooses its context from the
 *       ClientHello (docs/architecture.md §13): nothing is read while the selector runs, and an answer that fails
 *       or gives no server context refuses the client with an alert, failing the handshake as any failure does,
 *       with the refusal (whose cause is the selector's failure).</li>
 * </ul>
 * One per channel; not sharable. Create it with {@link Tls13Context#newHandler}. Inside, it wires pipeline events
 * to its parts: {@code Phase}, {@code HandshakeSequence}, {@code OutboundQueue} (with {@code RegionStreamer}),
 * {@code ConnectionOutput}, {@code ConnectionEvents}, {@code CloseSequence} and, in accept mode, {@code AcceptStep}.
 */
public class Tls13Handler extends ByteToMessageDecoder implements ChannelOutboundHandler {

    /** What the tests of region streaming size their regions by. */
    static final int REGION_CHUNK = RegionStreamer.CHUNK;

    /** {@code null} in accept mode. */
    private final Tls13Context context;
    /** {@code null} unless in accept mode. */
    private final AcceptStep accept;
    private final String peerHost;
    private final int peerPort;
    private final HandshakeSequence handshake;
    private final CloseSequence closing;

    private volatile int wrapDataSize;
    private volatile long maxPendingWriteBytes;

    private ByteBufAllocator alloc;
    private ChannelHandlerContext ctx;
    private TlsConnection connection;
    private ConnectionEvents events;
    private ConnectionOutput output;
    private OutboundQueue queue;
    private Phase phase = Phase.NEW;

    /** Creates a handler from {@code context} that allocates from its channel's allocator and has no peer host. */
    public Tls13Handler(Tls13Context context) {
        this(context, null, -1);
    }

    /** As {@link #Tls13Handler(Tls13Context, ByteBufAllocator, String, int)}, allocating from the channel's. */
    public Tls13Handler(Tls13Context context, String peerHost, int peerPort) {
        this(Objects.requireNonNull(context, "context"), null, HandlerSettings.of(context), null, peerHost, peerPort);
    }

    /**
     * Creates a handler; normally through {@link Tls13Context#newHandler}.
     *
     * @param context the configuration
     * @param alloc allocates the handler's buffers
     * @param peerHost the peer's host (client: SNI and host name verification), or {@code null}
     * @param peerPort the peer's port, or -1
     */
    public Tls13Handler(Tls13Context context, ByteBufAllocator alloc, String peerHost, int peerPort) {
        this(Objects.requireNonNull(context, "context"), null, HandlerSettings.of(context),
                Objects.requireNonNull(alloc, "alloc"), peerHost, peerPort);
    }

    /** As {@link #Tls13Handler(AsyncMapping, Tls13Context, ByteBufAllocator)}, allocating from the channel's. */
    public Tls13Handler(AsyncMapping<? super ClientHelloInfo, ? extends Tls13Context> selector,
                        Tls13Context settings) {
        this(null, Objects.requireNonNull(selector, "selector"),
                HandlerSettings.of(Objects.requireNonNull(settings, "settings")), null, null, -1);
    }

    /**
     * Creates a server handler in accept mode (docs/architecture.md §13): once the client's ClientHello is read,
     * {@code selector} chooses the server context to go on with, e.g. by {@link ClientHelloInfo#serverName()}, as
     * Netty's {@code SniHandler} uses its {@link AsyncMapping}. {@code settings} gives the handler settings and the
     * connection's limits, which apply from the first byte; its TLS configuration is not used. The chosen context
     * gives everything else, its key log included, and is {@link #context()} from then on.
     *
     * @param selector chooses the server context from what the client offered; asked once, on the event loop
     * @param settings the context whose handler settings and limits apply
     * @param alloc allocates the handler's buffers
     */
    public Tls13Handler(AsyncMapping<? super ClientHelloInfo, ? extends Tls13Context> selector,
                        Tls13Context settings, ByteBufAllocator alloc) {
        this(null, Objects.requireNonNull(selector, "selector"), HandlerSettings.of(
                Objects.requireNonNull(settings, "settings")), Objects.requireNonNull(alloc, "alloc"), null, -1);
    }

    /** Every constructor's: a fixed {@code context}, or a {@code selector} (accept mode; {@link Tls13SniHandler}). */
    Tls13Handler(Tls13Context context, AsyncMapping<? super ClientHelloInfo, ? extends Tls13Context> selector,
                 HandlerSettings settings, ByteBufAllocator alloc, String peerHost, int peerPort) {
        setCumulator(WritableMergeCumulator.INSTANCE);
        this.context = context;
        this.accept = selector == null ? null : new AcceptStep(selector, settings.limits(), this::answered);
        this.alloc = alloc;
        this.peerHost = peerHost;
        this.peerPort = peerPort;
        this.handshake = new HandshakeSequence(new LazyChannelPromise(() -> ctx), settings.handshakeTimeoutMillis());
        this.closing = new CloseSequence(new LazyChannelPromise(() -> ctx), settings.closeNotifyFlushTimeoutMillis(),
                settings.closeNotifyReadTimeoutMillis());
        this.wrapDataSize = settings.wrapDataSize();
        this.maxPendingWriteBytes = settings.maxPendingWriteBytes();
    }

    /**
     * Whether a buffer starts with a TLS record, for detectors that choose between TLS and plaintext.
     *
     * @param buffer the received bytes (borrowed, indices unchanged), at least 5
     * @return {@code true} when they start a TLS record
     */
    public static boolean isTlsRecord(ByteBuf buffer) {
        return SslHandler.isEncrypted(buffer, false);
    }

    /** @return the configuration: the one given, or in accept mode the chosen one ({@code null} before) */
    public Tls13Context context() {
        return accept == null ? context : accept.chosen();
    }

    /** @return the peer host given at creation, or {@code null} */
    public String peerHost() {
        return peerHost;
    }

    /** @return the peer port given at creation, or -1 */
    public int peerPort() {
        return peerPort;
    }

    /** @return the handshake's outcome: completes with the channel, or fails with the cause */
    public Future<Channel> handshakeFuture() {
        return handshake.future();
    }

    /** @return succeeds on the peer's close_notify; fails with {@link ClosedChannelException} on an earlier close */
    public Future<Channel> sslCloseFuture() {
        return closing.future();
    }

    /** @return what the handshake negotiated, or {@code null} before it completed */
    public SessionInfo session() {
        return handshake.session();
    }

    /** @return the ALPN protocol negotiated (RFC 7301), or {@code null} */
    public String applicationProtocol() {
        SessionInfo s = handshake.session();
        return s == null ? null : s.applicationProtocol();
    }

    /**
     * Exports keying material from this connection (RFC 8446 §7.5): {@code HKDF-Expand-Label(
     * Derive-Secret(exporter_master_secret, label, ""), "exporter", Hash(context_value), length)}, the same bytes on
     * both sides ({@code SSL_export_keying_material} in OpenSSL). From another thread it waits for the event loop.
     *
     * @param label the label (RFC 5705 §4), e.g. {@code "EXPORTER-my-protocol"}
     * @param context the context value, or {@code null}, which TLS 1.3 treats exactly like an empty one (§7.5); in
     *        a TLS 1.2 session (RFC 5705 §4) no context differs from an empty one
     * @param length the number of bytes, at most 255 times the hash length
     * @return the keying material, owned by the caller
     * @throws IllegalStateException before the handshake completed or after the connection was closed, and for a
     *         TLS 1.2 session without the extended master secret (RFC 7627 §5.4)
     * @throws IllegalArgumentException when the label or length is out of range
     */
    public byte[] exportKeyingMaterial(String label, byte[] context, int length) {
        Objects.requireNonNull(label, "label");
        // Kept null when absent: a TLS 1.2 exporter tells no context from an empty one (RFC 5705 §4).
        byte[] contextValue = context == null ? null : context.clone();
        ChannelHandlerContext c = requireContext();
        if (c.executor().inEventLoop()) {
            return exportKeyingMaterial0(label, contextValue, length);
        }
        // TlsConnection is confined to the event loop, and release() destroys the exporter secret there.
        Future<byte[]> f = c.executor().submit(() -> exportKeyingMaterial0(label, contextValue, length));
        f.awaitUninterruptibly();
        if (!f.isSuccess()) {
            if (f.cause() instanceof RuntimeException) {
                throw (RuntimeException) f.cause();
            }
            throw new IllegalStateException("keying material export failed", f.cause());
        }
        return f.getNow();
    }

    private byte[] exportKeyingMaterial0(String label, byte[] context, int length) {
        if (phase != Phase.OPEN) {
            throw new IllegalStateException("keying material needs a completed TLS handshake on an open connection");
        }
        return connection.exportKeyingMaterial(label, context, length);
    }

    /** @return the handshake timeout in milliseconds (0: none) */
    public long getHandshakeTimeoutMillis() {
        return handshake.timeoutMillis();
    }

    /** Sets the handshake timeout (0: none) of a handshake not yet started. */
    public void setHandshakeTimeout(long timeout, TimeUnit unit) {
        setHandshakeTimeoutMillis(Objects.requireNonNull(unit, "unit").toMillis(timeout));
    }

    /** Sets the handshake timeout in milliseconds (0: none) of a handshake not yet started. */
    public void setHandshakeTimeoutMillis(long millis) {
        handshake.timeoutMillis(nonNegative(millis));
    }

    /** @return how long closing waits for close_notify to be written, in milliseconds */
    public final long getCloseNotifyFlushTimeoutMillis() {
        return closing.flushTimeoutMillis();
    }

    /** Sets how long closing waits for close_notify to be written before closing anyway. */
    public final void setCloseNotifyFlushTimeout(long timeout, TimeUnit unit) {
        closing.flushTimeoutMillis(nonNegative(unit.toMillis(timeout)));
    }

    /** @return how long closing waits for the peer's close_notify, in milliseconds (0: not at all) */
    public final long getCloseNotifyReadTimeoutMillis() {
        return closing.readTimeoutMillis();
    }

    /** Sets how long closing waits for the peer's close_notify after sending ours (0: not at all). */
    public final void setCloseNotifyReadTimeout(long timeout, TimeUnit unit) {
        closing.readTimeoutMillis(nonNegative(unit.toMillis(timeout)));
    }

    /** Sets the largest plaintext per record written, 1 to 16384; smaller writes are coalesced up to it. */
    public final void setWrapDataSize(int bytes) {
        if (bytes < 1 || bytes > 16384) {
            throw new IllegalArgumentException("wrap data size must be between 1 and 16384: " + bytes);
        }
        wrapDataSize = bytes;
    }

    /** @return the largest plaintext per record written */
    public final int getWrapDataSize() {
        return wrapDataSize;
    }

    /** Sets the cap on plaintext queued before the handshake completes; writes beyond it fail. */
    public final void setMaxPendingWriteBytes(long bytes) {
        maxPendingWriteBytes = nonNegative(bytes);
    }

    /** @return the cap on plaintext queued before the handshake completes */
    public final long getMaxPendingWriteBytes() {
        return maxPendingWriteBytes;
    }

    private static long nonNegative(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("must not be negative: " + value);
        }
        return value;
    }

    /**
     * Sends close_notify after the data written so far, without closing the channel (TLS half-close, RFC 8446
     * §6.1), and returns the future of its write. Later writes fail, as does the rest of a region the channel has
     * not taken yet (as with {@code close()}); the future fails when sealing close_notify failed.
     */
    public ChannelFuture closeOutbound() {
        return closeOutbound(requireContext().newPromise());
    }

    /** As {@link #closeOutbound()}, completing {@code promise}, which it returns. */
    public ChannelFuture closeOutbound(ChannelPromise promise) {
        runInEventLoop(() -> output.closeOutbound(queue, closing, promise));
        return promise;
    }

    /**
     * Updates our write keys with a KeyUpdate (RFC 8446 §4.6.3), asking the peer to update its own with
     * {@code requestPeerUpdate}; the returned future completes when it is written, and fails before the handshake.
     */
    public Future<Void> updateKeys(boolean requestPeerUpdate) {
        Promise<Void> promise = requireContext().executor().newPromise();
        runInEventLoop(() -> {
            if (phase != Phase.OPEN || connection.isOutboundClosed()) {
                promise.tryFailure(new IllegalStateException(
                        "KeyUpdate needs a connected TLS session open for writing"));
            } else {
                output.updateKeys(queue, requestPeerUpdate, promise);
            }
        });
        return promise;
    }

    private ChannelHandlerContext requireContext() {
        ChannelHandlerContext c = ctx;
        if (c == null) {
            throw new IllegalStateException("the handler is not in a pipeline");
        }
        return c;
    }

    /** Runs {@code task} now when on the event loop, else on it: the connection is confined to it. */
    private void runInEventLoop(Runnable task) {
        EventExecutor executor = requireContext().executor();
        if (executor.inEventLoop()) {
            task.run();
        } else {
            executor.execute(task);
        }
    }

    // ---- lifecycle ----

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        if (alloc == null) {
            alloc = ctx.alloc();
        }
        events = new ConnectionEvents(this, ctx, closing);
        output = new ConnectionOutput(this, ctx, handshake);
        queue = new OutboundQueue(ctx, alloc, output);
        connection = newConnection();
        if (ctx.channel().isActive()) {
            startHandshake();
        }
    }

    /** Creates this channel's connection: the one place it is made. */
    private TlsConnection newConnection() {
        return accept != null ? TlsConnection.accepting(alloc, events, accept.limits())
                : context.newConnection(alloc, peerHost, peerPort, events);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        startHandshake();
        ctx.fireChannelActive();
    }

    private void startHandshake() {
        if (phase != Phase.NEW) {
            return;
        }
        phase = phase.start();
        handshake.startTimeout(ctx, cause -> {
            if (phase != Phase.CLOSED) {
                // Tell the peer we give up, then fail like any other handshake failure.
                connection.closeOutbound();
                fail(cause);
            }
        });
        try {
            connection.start();
            output.write(true);
            // Writes flushed before the channel was active go out as 0-RTT data now, after the ClientHello.
            if (queue.handshakeStarted()) {
                ctx.flush();
            }
        } catch (TlsException e) {
            fail(e);
            return;
        }
        readIfNeeded();
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        // The exceptions (stack traces included) are created only when a promise or a write needs them:
        // after a completed handshake and close with nothing pending, none is.
        queue.failAll(queue.isEmpty() ? null : new SSLException("pending write on removal of Tls13Handler"));
        SSLException cause = null;
        if (!handshake.isDone()) {
            cause = removedCause();
            handshake.fail(ctx, cause);
        }
        if (!closing.future().isDone()) {
            closing.fail(ctx, cause != null ? cause : removedCause());
        }
        releaseAll();
    }

    private static SSLException removedCause() {
        return new SSLException("Tls13Handler removed before the TLS connection was closed");
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        // Each exception is created only when a promise or a write needs it, without a stack trace.
        ClosedChannelException closed = handshake.channelClosed(ctx);
        closing.channelInactive(ctx);
        if (closed == null && !queue.isEmpty()) {
            closed = CloseSequence.channelClosed();
        }
        queue.failAll(closed);
        releaseAll();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (phase == Phase.CLOSED || connection.failure() != null || !ctx.channel().isActive()) {
            queue.failAll(cause);
            releaseAll();
        }
        ctx.fireExceptionCaught(cause);
    }

    /**
     * The failure path of docs/architecture.md §7: write and flush the fatal alert the connection queued,
     * fail the handshake and fire the failed event if it was running, release everything, close.
     */
    void fail(Throwable cause) {
        if (phase != Phase.CLOSED) {
            fail(cause, connection.pollOutput());
        }
    }

    /** The failure path, with the last records (owned; the fatal alert among them) already taken. */
    void fail(Throwable cause, ByteBuf lastRecords) {
        closing.closeAfter(ctx, failBeforeClose(cause, lastRecords), ctx.newPromise());
    }

    /** The failure path up to the close, which waits for the returned write of the last records. */
    private ChannelFuture failBeforeClose(Throwable cause, ByteBuf lastRecords) {
        ChannelFuture flushed = lastRecords == null ? ctx.newSucceededFuture() : ctx.writeAndFlush(lastRecords);
        if (!handshake.fail(ctx, cause)) {
            closing.connectionFailed(cause);
        }
        queue.failAll(cause);
        releaseAll();
        return flushed;
    }

    private void releaseAll() {
        if (phase == Phase.CLOSED) {
            return;
        }
        phase = phase.release();
        handshake.cancelTimeout();
        // Null only when creating it failed in handlerAdded.
        if (connection != null) {
            connection.release();
        }
    }

    // ---- inbound ----

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (phase == Phase.CLOSED) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (phase == Phase.NEW) {
            // Kept in the cumulation until the handshake starts.
            return;
        }
        try {
            if (accept == null) {
                connection.receive(in);
            } else {
                accept.receive(ctx, connection, in);
            }
            // Flights produced while reading are flushed once, in channelReadComplete (docs/architecture.md §4).
            output.write(false);
        } catch (SSLException e) {
            fail(e);
            throw e;
        }
    }

    /** The selector answered after decode returned: goes on with the records held in the cumulation. */
    private void answered(Future<Tls13Context> answer) {
        if (phase == Phase.CLOSED) {
            // The failure path ran while the selector was busy (timeout, close, removal).
            return;
        }
        try {
            accept.continueWith(answer, connection);
            connection.receive(internalBuffer());
            output.write(true);
        } catch (SSLException e) {
            // As a failed read reports it: exceptionCaught after the handshake failed, before the channel closes.
            ChannelFuture flushed = phase == Phase.CLOSED ? null : failBeforeClose(e, connection.pollOutput());
            ctx.fireExceptionCaught(new DecoderException(e));
            if (flushed != null) {
                closing.closeAfter(ctx, flushed, ctx.newPromise());
            }
            return;
        }
        if (accept.takeSuppressedRead()) {
            ctx.read();
        } else {
            readIfNeeded();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        discardSomeReadBytes();
        output.readComplete();
        readIfNeeded();
        events.readComplete();
        ctx.fireChannelReadComplete();
    }

    /**
     * With AUTO_READ off nobody else asks for the records the handshake needs; and a read batch that
     * delivered nothing to the application must not leave it waiting (like SslHandler's readIfNeeded). While
     * a selector runs, nothing is read.
     */
    private void readIfNeeded() {
        if (phase != Phase.CLOSED && !ctx.channel().config().isAutoRead() && (accept == null || !accept.isWaiting())
                && (!handshake.isDone() || !events.firedChannelRead())) {
            ctx.read();
        }
    }

    /** The connection completed its handshake (inside {@code receive}): the held writes are due. */
    void handshakeCompleted(SessionInfo info) {
        phase = phase.completeHandshake();
        boolean heldWritesDue = queue.handshakeComplete(info.earlyDataAccepted(), connection.earlyDataResendable());
        handshake.succeed(ctx, info);
        if (heldWritesDue && phase == Phase.OPEN) {
            try {
                queue.flush();
            } catch (TlsException e) {
                // The connection is failed; receive() rethrows it once this callback returns.
                return;
            }
            // Flushed once at the end of the read batch, with the rest of the flight.
            output.flushAtReadComplete();
        }
    }

    /** @return the connection, for the handler's parts */
    TlsConnection connection() {
        return connection;
    }

    /** @return whether everything was released (failure, channel closed, handler removed) */
    boolean isReleased() {
        return phase == Phase.CLOSED;
    }

    /** @return the record bytes of the ClientHello in accept mode, for {@link Tls13SniHandler}'s cap; else 0 */
    int clientHelloBytes() {
        return accept == null ? 0 : accept.clientHelloBytes();
    }

    // ---- outbound ----

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        queue.write(msg, promise, maxPendingWriteBytes, phase == Phase.CLOSED || connection.isOutboundClosed());
    }

    @Override
    public void flush(ChannelHandlerContext ctx) throws Exception {
        try {
            queue.flush();
        } catch (TlsException e) {
            ctx.fireExceptionCaught(e);
            return;
        }
        ctx.flush();
    }

    // ---- closing ----

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
        closeOutboundAndChannel(promise);
    }

    @Override
    public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
        closeOutboundAndChannel(promise);
    }

    private void closeOutboundAndChannel(ChannelPromise promise) {
        if (!phase.isRunning() || !ctx.channel().isActive()) {
            ctx.close(promise);
            return;
        }
        ByteBuf closeNotify;
        try {
            closeNotify = output.closeNotify(queue);
        } catch (TlsException e) {
            // The failure path is closing the channel.
            closeNotify = null;
        }
        closing.close(ctx, closeNotify, promise);
    }

    // ---- pass-through ----

    @Override
    public void bind(ChannelHandlerContext ctx, SocketAddress localAddress, ChannelPromise promise) {
        ctx.bind(localAddress, promise);
    }

    @Override
    public void connect(ChannelHandlerContext ctx, SocketAddress remoteAddress, SocketAddress localAddress,
                        ChannelPromise promise) {
        ctx.connect(remoteAddress, localAddress, promise);
    }

    @Override
    public void deregister(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.deregister(promise);
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        // While the selector runs nothing is read (docs/architecture.md §13); the read is made when it answers.
        if (accept == null || !accept.suppressRead()) {
            ctx.read();
        }
    }
}
