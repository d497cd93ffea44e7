package dev.tls13.netty;

import dev.tls13.Tls13Context;
import dev.tls13.Tls13KeyLog;
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
import io.netty.handler.codec.UnsupportedMessageTypeException;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslClosedEngineException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * The TLS 1.3 handler of one channel: records in, plaintext out, and the reverse for writes. It keeps
 * the contract of Netty's {@code SslHandler} (docs/architecture.md §9) so that frameworks keyed on its events and
 * behaviour work unchanged:
 * <ul>
 *   <li>the handshake starts when the handler is added to an active channel, else on channelActive (a
 *       client sends its ClientHello); {@link #handshakeFuture()} completes with the channel, and Netty's
 *       {@link SslHandshakeCompletionEvent} fires (the {@code SUCCESS} singleton on success) before the
 *       first decrypted {@code channelRead};</li>
 *   <li>the handshake times out after 10 s by default ({@link SslHandshakeTimeoutException});</li>
 *   <li>writes before the handshake completes are queued (up to a cap) and sent after it; writes are
 *       coalesced into records of up to the wrap size (16 KiB); a write's promise completes when its
 *       encrypted bytes are written;</li>
 *   <li>{@link FileRegion} writes (e.g. {@code DefaultFileRegion}, which Reactor Netty's {@code sendFile}
 *       writes when it finds no {@code SslHandler}) are encrypted too, in order with the buffers around
 *       them: the region is read in chunks only as fast as the channel takes the records, so a large
 *       file on a slow reader holds no more than about the write-buffer high water mark in memory;
 *       other message types are released and their promise failed with
 *       {@link UnsupportedMessageTypeException};</li>
 *   <li>handshake flights produced while reading are flushed once per read batch; with
 *       {@code AUTO_READ=false} the handler calls {@code ctx.read()} while the handshake needs input;</li>
 *   <li>inbound TLS errors reach {@code exceptionCaught} as {@code DecoderException(SSLException)}, after
 *       the fatal alert was written and flushed, the handshake failed and everything released; the
 *       channel is then closed;</li>
 *   <li>{@code close()} sends close_notify first (waiting at most the flush timeout, 3 s), after the
 *       writes made so far; but the rest of a region the channel has not taken yet is not sent: its
 *       promise fails, as with Netty's transports or {@code SslHandler} under a {@code ChunkedWriteHandler}
 *       (close in the write's listener to send it all); the peer's close_notify completes
 *       {@link #sslCloseFuture()} and fires {@link SslCloseCompletionEvent#SUCCESS};</li>
 *   <li>a channel closed mid-handshake fails the handshake with {@link ClosedChannelException}.</li>
 * </ul>
 * One per channel; not sharable. Create it with {@link Tls13Context#newHandler}.
 *
 * <p>Inside, the handler wires pipeline events to its parts: the {@code Phase} it is in, the
 * {@code OutboundQueue} of plaintext writes (with the {@code RegionStreamer} for regions) and the
 * {@code CloseSequence}.
 */
public class Tls13Handler extends ByteToMessageDecoder implements ChannelOutboundHandler {

    private static final InternalLogger LOGGER = InternalLoggerFactory.getInstance(Tls13Handler.class);

    /**
     * Records are decrypted in place in the cumulation (docs/architecture.md §6), so a read-only inbound buffer is
     * copied first; everything else is merged as by {@link ByteToMessageDecoder#MERGE_CUMULATOR}.
     */
    private static final Cumulator WRITABLE_MERGE_CUMULATOR = (alloc, cumulation, in) -> {
        ByteBuf writable = in;
        if (in.isReadOnly()) {
            try {
                writable = alloc.heapBuffer(in.readableBytes()).writeBytes(in);
            } finally {
                in.release();
            }
        }
        return MERGE_CUMULATOR.cumulate(alloc, cumulation, writable);
    };

    /** What the tests of region streaming size their regions by. */
    static final int REGION_CHUNK = RegionStreamer.CHUNK;

    private final Tls13Context context;
    private final String peerHost;
    private final int peerPort;
    private final LazyChannelPromise handshakePromise = new LazyChannelPromise();
    private final CloseSequence closing;

    private volatile long handshakeTimeoutMillis;
    private volatile int wrapDataSize;
    private volatile long maxPendingWriteBytes;
    private volatile SessionInfo session;

    private ByteBufAllocator alloc;
    private ChannelHandlerContext ctx;
    private TlsConnection connection;
    private OutboundQueue queue;
    private Phase phase = Phase.NEW;
    /** Records were written while reading; channelReadComplete flushes them once (docs/architecture.md §4). */
    private boolean needsFlush;
    /** This read batch delivered plaintext to the application. */
    private boolean firedChannelRead;
    private ScheduledFuture<?> handshakeTimeout;

    /**
     * Creates a handler that allocates from its channel's allocator and knows nothing of its peer.
     *
     * @param context the configuration
     */
    public Tls13Handler(Tls13Context context) {
        this(context, null, -1);
    }

    /**
     * Creates a handler that allocates from its channel's allocator.
     *
     * @param context the configuration
     * @param peerHost the peer's host (client: SNI and host name verification), or {@code null}
     * @param peerPort the peer's port, or -1
     */
    public Tls13Handler(Tls13Context context, String peerHost, int peerPort) {
        setCumulator(WRITABLE_MERGE_CUMULATOR);
        this.context = Objects.requireNonNull(context, "context");
        this.peerHost = peerHost;
        this.peerPort = peerPort;
        this.closing = new CloseSequence(new LazyChannelPromise(), context.closeNotifyFlushTimeoutMillis(),
                context.closeNotifyReadTimeoutMillis());
        this.handshakeTimeoutMillis = context.handshakeTimeoutMillis();
        this.wrapDataSize = context.wrapDataSize();
        this.maxPendingWriteBytes = context.maxPendingWriteBytes();
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
        this(context, peerHost, peerPort);
        this.alloc = Objects.requireNonNull(alloc, "alloc");
    }

    /**
     * Whether the first bytes of a buffer look like a TLS record (for detectors that choose between TLS
     * and plaintext); needs at least 5 readable bytes.
     *
     * @param buffer the received bytes (borrowed, indices unchanged)
     * @return {@code true} when they start a TLS record
     * @throws IllegalArgumentException when fewer than 5 bytes are readable
     */
    public static boolean isTlsRecord(ByteBuf buffer) {
        return SslHandler.isEncrypted(buffer, false);
    }

    /** @return the configuration this handler was made from */
    public Tls13Context context() {
        return context;
    }

    /** @return the peer host given at creation, or {@code null} */
    public String peerHost() {
        return peerHost;
    }

    /** @return the peer port given at creation, or -1 */
    public int peerPort() {
        return peerPort;
    }

    /**
     * The handshake's outcome: completes with the channel, or fails with the cause.
     *
     * @return the future (the same object every time)
     */
    public Future<Channel> handshakeFuture() {
        return handshakePromise;
    }

    /**
     * Succeeds when the peer's close_notify arrives; fails with {@link ClosedChannelException} when the
     * channel closes first.
     *
     * @return the future (the same object every time)
     */
    public Future<Channel> sslCloseFuture() {
        return closing.future();
    }

    /** @return what the handshake negotiated, or {@code null} before it completed */
    public SessionInfo session() {
        return session;
    }

    /** @return the ALPN protocol negotiated (RFC 7301), or {@code null} */
    public String applicationProtocol() {
        SessionInfo s = session;
        return s == null ? null : s.applicationProtocol();
    }

    /**
     * Exports keying material from this connection (RFC 8446 §7.5): {@code HKDF-Expand-Label(
     * Derive-Secret(exporter_master_secret, label, ""), "exporter", Hash(context_value), length)}. Both
     * sides of a connection export the same bytes for the same arguments; OpenSSL calls this
     * {@code SSL_export_keying_material}.
     *
     * <p>Runs on the channel's event loop; from another thread it waits for the event loop.
     *
     * @param label the label (RFC 5705 §4), e.g. {@code "EXPORTER-my-protocol"}
     * @param context the context value, or {@code null}: TLS 1.3 treats "no context" exactly like an
     *        empty context (RFC 8446 §7.5), so both give the same bytes
     * @param length the number of bytes, at most 255 times the hash length
     * @return the keying material, owned by the caller
     * @throws IllegalStateException before the handshake completed or after the connection was closed
     * @throws IllegalArgumentException when the label or length is out of range
     */
    public byte[] exportKeyingMaterial(String label, byte[] context, int length) {
        Objects.requireNonNull(label, "label");
        byte[] contextValue = context == null ? new byte[0] : context.clone();
        ChannelHandlerContext c = requireContext();
        if (c.executor().inEventLoop()) {
            return exportKeyingMaterial0(label, contextValue, length);
        }
        // TlsConnection is confined to the event loop, and release() destroys the exporter secret there.
        Future<byte[]> f = c.executor().submit(() -> exportKeyingMaterial0(label, contextValue, length));
        f.awaitUninterruptibly();
        if (!f.isSuccess()) {
            Throwable cause = f.cause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new IllegalStateException("keying material export failed", cause);
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
        return handshakeTimeoutMillis;
    }

    /**
     * Sets the handshake timeout; takes effect for a handshake not yet started.
     *
     * @param timeout the timeout, 0 for none
     * @param unit its unit
     */
    public void setHandshakeTimeout(long timeout, TimeUnit unit) {
        setHandshakeTimeoutMillis(Objects.requireNonNull(unit, "unit").toMillis(timeout));
    }

    /**
     * Sets the handshake timeout; takes effect for a handshake not yet started.
     *
     * @param millis the timeout in milliseconds, 0 for none
     */
    public void setHandshakeTimeoutMillis(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("handshake timeout must not be negative: " + millis);
        }
        handshakeTimeoutMillis = millis;
    }

    /** @return how long closing waits for close_notify to be written, in milliseconds */
    public final long getCloseNotifyFlushTimeoutMillis() {
        return closing.flushTimeoutMillis();
    }

    /**
     * Sets how long closing waits for close_notify to be written before closing anyway.
     *
     * @param timeout the timeout
     * @param unit its unit
     */
    public final void setCloseNotifyFlushTimeout(long timeout, TimeUnit unit) {
        closing.flushTimeoutMillis(nonNegative(unit.toMillis(timeout)));
    }

    /** @return how long closing waits for the peer's close_notify, in milliseconds (0: not at all) */
    public final long getCloseNotifyReadTimeoutMillis() {
        return closing.readTimeoutMillis();
    }

    /**
     * Sets how long closing waits for the peer's close_notify after sending ours.
     *
     * @param timeout the timeout, 0 not to wait
     * @param unit its unit
     */
    public final void setCloseNotifyReadTimeout(long timeout, TimeUnit unit) {
        closing.readTimeoutMillis(nonNegative(unit.toMillis(timeout)));
    }

    /**
     * Sets the largest plaintext per record written; smaller writes are coalesced up to it.
     *
     * @param bytes 1 to 16384
     */
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

    /**
     * Sets the cap on plaintext queued before the handshake completes; writes beyond it fail.
     *
     * @param bytes the cap
     */
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
     * Sends close_notify after the data written so far, without closing the channel (TLS half-close,
     * RFC 8446 §6.1). Later writes fail, and so does the rest of a region the channel has not taken yet
     * (as with {@code close()}).
     *
     * @return the future of the close_notify write
     */
    public ChannelFuture closeOutbound() {
        ChannelHandlerContext c = requireContext();
        return closeOutbound(c.newPromise());
    }

    /**
     * Sends close_notify after the data written so far, without closing the channel.
     *
     * @param promise completed when close_notify is written
     * @return {@code promise}
     */
    public ChannelFuture closeOutbound(ChannelPromise promise) {
        runInEventLoop(() -> closing.closeOutbound(ctx, prepareCloseNotify(), promise));
        return promise;
    }

    /**
     * Updates our write keys with a KeyUpdate (RFC 8446 §4.6.3), optionally asking the peer to update
     * its keys too.
     *
     * @param requestPeerUpdate whether to set update_requested
     * @return completes when the KeyUpdate is written; fails before the handshake completed
     */
    public Future<Void> updateKeys(boolean requestPeerUpdate) {
        Promise<Void> promise = requireContext().executor().newPromise();
        runInEventLoop(() -> updateKeys0(requestPeerUpdate, promise));
        return promise;
    }

    private void updateKeys0(boolean requestPeerUpdate, Promise<Void> promise) {
        if (phase != Phase.OPEN || connection.isOutboundClosed()) {
            promise.tryFailure(new IllegalStateException("KeyUpdate needs a connected TLS session open for writing"));
            return;
        }
        try {
            // Data written before the KeyUpdate goes out under the old keys.
            queue.flush();
            connection.updateKeys(requestPeerUpdate);
        } catch (TlsException e) {
            promise.tryFailure(e);
            fail(e);
            return;
        }
        ByteBuf output = connection.pollOutput();
        if (output == null) {
            promise.trySuccess(null);
            return;
        }
        ctx.writeAndFlush(output).addListener(f -> {
            if (f.isSuccess()) {
                promise.trySuccess(null);
            } else {
                promise.tryFailure(f.cause());
            }
        });
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
        queue = new OutboundQueue(ctx, alloc, new Sealer());
        connection = newConnection();
        if (ctx.channel().isActive()) {
            startHandshake();
        }
    }

    /** Creates this channel's connection: the one place it is made. */
    private TlsConnection newConnection() {
        return context.newConnection(alloc, peerHost, new Events());
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
        applyHandshakeTimeout();
        try {
            connection.start();
        } catch (TlsException e) {
            fail(e);
            return;
        }
        writeOutput(true);
        readIfNeeded();
    }

    private void applyHandshakeTimeout() {
        long millis = handshakeTimeoutMillis;
        if (millis <= 0 || handshakePromise.isDone()) {
            return;
        }
        handshakeTimeout = ctx.executor().schedule(() -> {
            if (handshakePromise.isDone() || phase == Phase.CLOSED) {
                return;
            }
            SslHandshakeTimeoutException cause = new SslHandshakeTimeoutException(
                    "TLS handshake timed out after " + millis + " ms");
            // Tell the peer we give up, then fail like any other handshake failure.
            connection.closeOutbound();
            fail(cause);
        }, millis, TimeUnit.MILLISECONDS);
    }

    private void cancelHandshakeTimeout() {
        if (handshakeTimeout != null) {
            handshakeTimeout.cancel(false);
            handshakeTimeout = null;
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        // The exceptions (stack traces included) are created only when a promise or a write needs them:
        // after a completed handshake and close with nothing pending, none is.
        queue.failAll(queue.isEmpty() ? null : new SSLException("pending write on removal of Tls13Handler"));
        SSLException cause = null;
        if (!handshakePromise.isDone()) {
            cause = removedCause();
            if (handshakePromise.tryFailure(cause)) {
                ctx.fireUserEventTriggered(new SslHandshakeCompletionEvent(cause));
            }
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
        ClosedChannelException closed = null;
        if (!handshakePromise.isDone()) {
            closed = CloseSequence.channelClosed();
            closed.addSuppressed(new SSLHandshakeException(
                    "Connection closed while the TLS handshake was in progress"));
            if (handshakePromise.tryFailure(closed)) {
                ctx.fireUserEventTriggered(new SslHandshakeCompletionEvent(closed));
            }
        }
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
    private void fail(Throwable cause) {
        if (phase == Phase.CLOSED) {
            return;
        }
        ByteBuf alert = connection.pollOutput();
        ChannelFuture flushed = alert == null ? ctx.newSucceededFuture() : ctx.writeAndFlush(alert);
        if (handshakePromise.tryFailure(cause)) {
            ctx.fireUserEventTriggered(new SslHandshakeCompletionEvent(cause));
        } else {
            closing.connectionFailed(cause);
        }
        queue.failAll(cause);
        releaseAll();
        closing.closeAfter(ctx, flushed, ctx.newPromise());
    }

    private void releaseAll() {
        if (phase == Phase.CLOSED) {
            return;
        }
        phase = phase.release();
        cancelHandshakeTimeout();
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
            connection.receive(in);
        } catch (TlsException e) {
            fail(e);
            throw e;
        }
        // Flights produced while reading are flushed once, in channelReadComplete (docs/architecture.md §4).
        writeOutput(false);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        discardSomeReadBytes();
        if (needsFlush) {
            needsFlush = false;
            ctx.flush();
        }
        readIfNeeded();
        firedChannelRead = false;
        ctx.fireChannelReadComplete();
    }

    /**
     * With AUTO_READ off nobody else asks for the records the handshake needs; and a read batch that
     * delivered nothing to the application must not leave it waiting (like SslHandler's readIfNeeded).
     */
    private void readIfNeeded() {
        if (phase != Phase.CLOSED && !ctx.channel().config().isAutoRead()
                && (!handshakePromise.isDone() || !firedChannelRead)) {
            ctx.read();
        }
    }

    /** Receives the connection's events; each runs inside {@code connection.receive}. */
    private final class Events implements TlsConnection.Listener {
        @Override
        public void handshakeComplete(SessionInfo info) {
            session = info;
            phase = phase.completeHandshake();
            boolean heldWritesDue = queue.handshakeComplete();
            cancelHandshakeTimeout();
            if (LOGGER.isDebugEnabled()) {
                LOGGER.debug("{} HANDSHAKEN: {} {} {}", ctx.channel(), info.protocol(), info.cipherSuite(),
                        info.namedGroup());
            }
            handshakePromise.trySuccess(ctx.channel());
            ctx.fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
            if (heldWritesDue && phase == Phase.OPEN) {
                try {
                    queue.flush();
                } catch (TlsException e) {
                    // The connection is failed; receive() rethrows it once this callback returns.
                    return;
                }
                // Flushed once at the end of the read batch, with the rest of the flight.
                needsFlush = true;
            }
        }

        @Override
        public void applicationData(ByteBuf data) {
            firedChannelRead = true;
            ctx.fireChannelRead(data);
        }

        @Override
        public boolean keyLogEnabled() {
            return context.keyLog() != null;
        }

        @Override
        public void keyLog(String line) {
            Tls13KeyLog log = context.keyLog();
            if (log != null) {
                log.log(ctx.channel(), line);
            }
        }

        @Override
        public void closeNotifyReceived() {
            closing.closeNotifyReceived(ctx);
        }
    }

    // ---- outbound ----

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (!(msg instanceof ByteBuf) && !(msg instanceof FileRegion)) {
            UnsupportedMessageTypeException cause = new UnsupportedMessageTypeException(msg, ByteBuf.class,
                    FileRegion.class);
            ReferenceCountUtil.safeRelease(msg);
            promise.setFailure(cause);
            return;
        }
        if (phase == Phase.CLOSED || connection.isOutboundClosed()) {
            if (msg instanceof ByteBuf) {
                ((ByteBuf) msg).release();
            } else {
                ReferenceCountUtil.safeRelease(msg);
            }
            promise.setFailure(new SslClosedEngineException("TLS connection closed for writing"));
            return;
        }
        if (msg instanceof ByteBuf) {
            queue.add((ByteBuf) msg, promise, maxPendingWriteBytes);
        } else {
            queue.add((FileRegion) msg, promise);
        }
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

    /** Writes the records the connection has queued (flights, alerts); flushes now or at read complete. */
    private void writeOutput(boolean flush) {
        if (phase == Phase.CLOSED) {
            return;
        }
        ByteBuf output = connection.pollOutput();
        if (output == null) {
            return;
        }
        ctx.write(output).addListener(f -> {
            if (!f.isSuccess() && phase != Phase.CLOSED) {
                SSLException cause = new SSLException("failure when writing TLS control frames", f.cause());
                if (handshakePromise.tryFailure(cause)) {
                    ctx.fireUserEventTriggered(new SslHandshakeCompletionEvent(cause));
                }
                ctx.close();
            }
        });
        if (flush) {
            ctx.flush();
        } else {
            needsFlush = true;
        }
    }

    /**
     * Seals with the connection's write keys; a failure runs {@link #fail}. A RuntimeException while
     * sealing is our bug or a broken {@code CryptoProvider}; it becomes an internal TlsException that fails
     * the writes and closes the channel (without an alert: the record layer's state is unknown), so no
     * write promise is left waiting.
     */
    private final class Sealer implements RecordSealer {
        @Override
        public ByteBuf seal(ByteBuf plaintext) throws TlsException {
            try {
                connection.writeApplicationData(plaintext, wrapDataSize);
            } catch (RuntimeException e) {
                throw TlsException.internal("sealing application data failed", e);
            }
            return connection.pollOutput();
        }

        @Override
        public void sealFailed(TlsException cause) {
            fail(cause);
        }
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
        closing.close(ctx, prepareCloseNotify(), promise);
    }

    /**
     * Queues close_notify after the data written so far (RFC 8446 §6.1): after the handshake the queued
     * writes are sealed first, before it they fail ({@link OutboundQueue#closeOutbound}).
     *
     * @return the records up to close_notify (owned), or {@code null} when it was sent before or sealing failed
     */
    private ByteBuf prepareCloseNotify() {
        if (phase == Phase.CLOSED || connection.isOutboundClosed() || !queue.closeOutbound()) {
            return null;
        }
        connection.closeOutbound();
        return connection.pollOutput();
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
        ctx.read();
    }

    /**
     * A promise usable before the handler is added: it notifies on the channel's executor once known
     * (like SslHandler's LazyChannelPromise).
     */
    private final class LazyChannelPromise extends DefaultPromise<Channel> {
        @Override
        protected EventExecutor executor() {
            ChannelHandlerContext c = ctx;
            return c == null ? ImmediateEventExecutor.INSTANCE : c.executor();
        }

        @Override
        protected void checkDeadLock() {
            if (ctx != null) {
                super.checkDeadLock();
            }
        }
    }
}
