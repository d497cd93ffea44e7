package dev.tls13.netty;

import dev.tls13.Tls13Context;
import dev.tls13.Tls13KeyLog;
import dev.tls13.connection.SessionInfo;
import dev.tls13.connection.TlsConnection;
import dev.tls13.error.TlsException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.channel.StacklessClosedChannelException;
import io.netty.channel.WriteBufferWaterMark;
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
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
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

    private final Tls13Context context;
    private ByteBufAllocator alloc;
    private final String peerHost;
    private final int peerPort;
    private final LazyChannelPromise handshakePromise = new LazyChannelPromise();
    private final LazyChannelPromise sslClosePromise = new LazyChannelPromise();
    /** {@link #fail} failed {@link #sslClosePromise}; channelInactive fires its event. */
    private boolean closeFailedByError;
    private final ArrayDeque<Pending> pendingWrites = new ArrayDeque<>();
    /** An emptied {@link PendingWrite} for the next write, so that writes allocate no holder. */
    private PendingWrite spareWrite;

    private volatile long handshakeTimeoutMillis;
    private volatile long closeNotifyFlushTimeoutMillis;
    private volatile long closeNotifyReadTimeoutMillis;
    private volatile int wrapDataSize;
    private volatile long maxPendingWriteBytes;
    private volatile SessionInfo session;

    private ChannelHandlerContext ctx;
    private TlsConnection connection;
    /** Plaintext held: queued buffers plus what queued regions still have to read. */
    private long pendingBytes;
    /**
     * The part of {@link #pendingBytes} that regions have still to read: it counts against writability
     * but not against {@link #maxPendingWriteBytes}, which bounds memory, and a queued region holds none.
     */
    private long pendingRegionBytes;
    /** How many regions {@link #pendingWrites} holds; while none, flushes take the buffers-only path. */
    private int queuedRegions;
    /** With regions queued: how many entries at the head of {@link #pendingWrites} have been flushed. */
    private int flushedEntries;
    /** Region plaintext encrypted and written to the channel whose write has not completed yet. */
    private long regionBytesInFlight;
    /** {@link #drainWithRegions} is running: a write completing inside it must not start it again. */
    private boolean draining;
    /**
     * The user-defined writability bit of the channel's outbound buffer that reflects the plaintext this
     * handler holds (written, not yet flushed or before the handshake): without it a slow reader's
     * application would see the channel writable while that plaintext grows (docs/architecture.md §10).
     */
    private static final int HELD_PLAINTEXT_WRITABILITY = 29;
    /**
     * Plaintext read from a {@link FileRegion} per step: four full records. Each chunk costs a promise,
     * an output buffer, and in {@code transferTo} an 8 KiB bounce buffer and one 8 KiB file read more
     * than it keeps (see {@code RegionWrite#write}); 64 KiB spreads that over eight useful reads.
     */
    static final int REGION_CHUNK = 64 * 1024;
    private boolean handshakeStarted;
    private boolean flushedBeforeHandshake;
    private boolean needsFlush;
    private boolean firedChannelRead;
    private boolean released;
    private io.netty.util.concurrent.ScheduledFuture<?> handshakeTimeout;

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
        this.alloc = null;
        this.peerHost = peerHost;
        this.peerPort = peerPort;
        this.handshakeTimeoutMillis = context.handshakeTimeoutMillis();
        this.closeNotifyFlushTimeoutMillis = context.closeNotifyFlushTimeoutMillis();
        this.closeNotifyReadTimeoutMillis = context.closeNotifyReadTimeoutMillis();
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
        return sslClosePromise;
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
        if (released || connection == null || !connection.isHandshakeComplete()) {
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
        return closeNotifyFlushTimeoutMillis;
    }

    /**
     * Sets how long closing waits for close_notify to be written before closing anyway.
     *
     * @param timeout the timeout
     * @param unit its unit
     */
    public final void setCloseNotifyFlushTimeout(long timeout, TimeUnit unit) {
        closeNotifyFlushTimeoutMillis = nonNegative(unit.toMillis(timeout));
    }

    /** @return how long closing waits for the peer's close_notify, in milliseconds (0: not at all) */
    public final long getCloseNotifyReadTimeoutMillis() {
        return closeNotifyReadTimeoutMillis;
    }

    /**
     * Sets how long closing waits for the peer's close_notify after sending ours.
     *
     * @param timeout the timeout, 0 not to wait
     * @param unit its unit
     */
    public final void setCloseNotifyReadTimeout(long timeout, TimeUnit unit) {
        closeNotifyReadTimeoutMillis = nonNegative(unit.toMillis(timeout));
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
        ChannelHandlerContext c = requireContext();
        if (c.executor().inEventLoop()) {
            closeOutbound0(promise);
        } else {
            c.executor().execute(() -> closeOutbound0(promise));
        }
        return promise;
    }

    private void closeOutbound0(ChannelPromise promise) {
        ByteBuf output = prepareCloseNotify();
        if (output == null) {
            promise.trySuccess();
            return;
        }
        ctx.writeAndFlush(output, promise);
    }

    /**
     * Updates our write keys with a KeyUpdate (RFC 8446 §4.6.3), optionally asking the peer to update
     * its keys too.
     *
     * @param requestPeerUpdate whether to set update_requested
     * @return completes when the KeyUpdate is written; fails before the handshake completed
     */
    public Future<Void> updateKeys(boolean requestPeerUpdate) {
        ChannelHandlerContext c = requireContext();
        Promise<Void> promise = c.executor().newPromise();
        if (c.executor().inEventLoop()) {
            updateKeys0(requestPeerUpdate, promise);
        } else {
            c.executor().execute(() -> updateKeys0(requestPeerUpdate, promise));
        }
        return promise;
    }

    private void updateKeys0(boolean requestPeerUpdate, Promise<Void> promise) {
        if (released || connection == null || !connection.isHandshakeComplete() || connection.isOutboundClosed()) {
            promise.tryFailure(new IllegalStateException("KeyUpdate needs a connected TLS session open for writing"));
            return;
        }
        try {
            // Data written before the KeyUpdate goes out under the old keys.
            wrapPending();
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

    // ---- lifecycle ----

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        if (alloc == null) {
            alloc = ctx.alloc();
        }
        connection = context.newConnection(alloc, peerHost, new Events());
        if (ctx.channel().isActive()) {
            startHandshake();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        startHandshake();
        ctx.fireChannelActive();
    }

    private void startHandshake() {
        if (handshakeStarted || released) {
            return;
        }
        handshakeStarted = true;
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
            if (handshakePromise.isDone() || released) {
                return;
            }
            SslHandshakeTimeoutException cause = new SslHandshakeTimeoutException(
                    "TLS handshake timed out after " + millis + " ms");
            // Tell the peer we give up, then fail like any other handshake failure.
            connection.closeOutbound();
            fail(cause);
        }, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        // The exceptions (stack traces included) are created only when a promise or a write needs them:
        // after a completed handshake and close with nothing pending, none is.
        failPendingWrites(pendingWrites.isEmpty() ? null
                : new SSLException("pending write on removal of Tls13Handler"));
        SSLException cause = null;
        if (!handshakePromise.isDone()) {
            cause = removedCause();
            if (handshakePromise.tryFailure(cause)) {
                ctx.fireUserEventTriggered(new SslHandshakeCompletionEvent(cause));
            }
        }
        if (!sslClosePromise.isDone()) {
            if (cause == null) {
                cause = removedCause();
            }
            if (sslClosePromise.tryFailure(cause)) {
                ctx.fireUserEventTriggered(new SslCloseCompletionEvent(cause));
            }
        }
        releaseAll();
    }

    private static SSLException removedCause() {
        return new SSLException("Tls13Handler removed before the TLS connection was closed");
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        // Each exception is created only when a promise or a write needs it, without a stack trace (the
        // channel's close is the cause, not this frame): a peer that just closes costs no stack walk.
        ClosedChannelException closed = null;
        if (!handshakePromise.isDone()) {
            closed = channelClosed();
            closed.addSuppressed(new SSLHandshakeException(
                    "Connection closed while the TLS handshake was in progress"));
            if (handshakePromise.tryFailure(closed)) {
                ctx.fireUserEventTriggered(new SslHandshakeCompletionEvent(closed));
            }
        }
        if (!sslClosePromise.isDone()) {
            // Only this handler completes the promise, on the event loop: not done means it fails now.
            ClosedChannelException closeCause = channelClosed();
            if (sslClosePromise.tryFailure(closeCause)) {
                ctx.fireUserEventTriggered(new SslCloseCompletionEvent(closeCause));
            }
        } else if (closeFailedByError) {
            closeFailedByError = false;
            ctx.fireUserEventTriggered(new SslCloseCompletionEvent(sslClosePromise.cause()));
        }
        if (closed == null && !pendingWrites.isEmpty()) {
            closed = channelClosed();
        }
        failPendingWrites(closed);
        releaseAll();
        super.channelInactive(ctx);
    }

    private static ClosedChannelException channelClosed() {
        return StacklessClosedChannelException.newInstance(Tls13Handler.class, "channelInactive(...)");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (released || (connection != null && connection.failure() != null) || !ctx.channel().isActive()) {
            failPendingWrites(cause);
            releaseAll();
        }
        ctx.fireExceptionCaught(cause);
    }

    // ---- inbound ----

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (released || connection == null || !handshakeStarted) {
            if (released || connection == null) {
                in.skipBytes(in.readableBytes());
            }
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
        if (ctx != null && !released && !ctx.channel().config().isAutoRead()
                && (!handshakePromise.isDone() || !firedChannelRead)) {
            ctx.read();
        }
    }

    /** Receives the connection's events; each runs inside {@code connection.receive}. */
    private final class Events implements TlsConnection.Listener {
        @Override
        public void handshakeComplete(SessionInfo info) {
            session = info;
            if (handshakeTimeout != null) {
                handshakeTimeout.cancel(false);
                handshakeTimeout = null;
            }
            if (LOGGER.isDebugEnabled()) {
                LOGGER.debug("{} HANDSHAKEN: {} {} {}", ctx.channel(), info.protocol(), info.cipherSuite(),
                        info.namedGroup());
            }
            handshakePromise.trySuccess(ctx.channel());
            ctx.fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
            if (flushedBeforeHandshake && !released) {
                flushedBeforeHandshake = false;
                try {
                    wrapPending();
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
            if (sslClosePromise.trySuccess(ctx.channel())) {
                ctx.fireUserEventTriggered(SslCloseCompletionEvent.SUCCESS);
            }
        }
    }

    // ---- outbound ----

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (!(msg instanceof ByteBuf)) {
            if (msg instanceof FileRegion) {
                writeRegion((FileRegion) msg, promise);
                return;
            }
            UnsupportedMessageTypeException cause = new UnsupportedMessageTypeException(msg, ByteBuf.class,
                    FileRegion.class);
            ReferenceCountUtil.safeRelease(msg);
            promise.setFailure(cause);
            return;
        }
        ByteBuf buf = (ByteBuf) msg;
        if (released || connection == null || connection.isOutboundClosed()) {
            buf.release();
            promise.setFailure(new SslClosedEngineException("TLS connection closed for writing"));
            return;
        }
        int bytes = buf.readableBytes();
        if (!connection.isHandshakeComplete() && pendingBytes - pendingRegionBytes + bytes > maxPendingWriteBytes) {
            buf.release();
            promise.setFailure(new SSLException("more than " + maxPendingWriteBytes
                    + " bytes written before the TLS handshake completed"));
            return;
        }
        PendingWrite w = spareWrite;
        if (w == null) {
            w = new PendingWrite();
        } else {
            spareWrite = null;
        }
        w.buf = buf;
        w.promise = promise;
        pendingWrites.add(w);
        pendingBytes += bytes;
        updateWritability();
    }

    /**
     * Queues a region like a buffer; its bytes are read only when it is flushed and the channel takes
     * them ({@link #streamRegion}). Its remaining bytes count against writability, so the application
     * sees back-pressure while a large file is sent, but not against the cap before the handshake: the
     * cap bounds memory and a queued region holds none.
     */
    private void writeRegion(FileRegion region, ChannelPromise promise) {
        if (released || connection == null || connection.isOutboundClosed()) {
            ReferenceCountUtil.safeRelease(region);
            promise.setFailure(new SslClosedEngineException("TLS connection closed for writing"));
            return;
        }
        RegionWrite w = new RegionWrite(region, promise);
        pendingWrites.add(w);
        queuedRegions++;
        pendingBytes += w.remaining;
        pendingRegionBytes += w.remaining;
        updateWritability();
    }

    /**
     * Turns the channel unwritable above the high water mark of held plaintext, writable below the low.
     * The bit is read first and set only when it changes: setting it is a compare-and-set on the outbound
     * buffer, and this runs on every write and flush.
     */
    private void updateWritability() {
        ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        if (out == null) {
            return;
        }
        WriteBufferWaterMark marks = ctx.channel().config().getWriteBufferWaterMark();
        if (pendingBytes > marks.high()) {
            if (out.getUserDefinedWritability(HELD_PLAINTEXT_WRITABILITY)) {
                out.setUserDefinedWritability(HELD_PLAINTEXT_WRITABILITY, false);
            }
        } else if (pendingBytes < marks.low() && !out.getUserDefinedWritability(HELD_PLAINTEXT_WRITABILITY)) {
            out.setUserDefinedWritability(HELD_PLAINTEXT_WRITABILITY, true);
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) throws Exception {
        if (released || connection == null) {
            ctx.flush();
            return;
        }
        if (!connection.isHandshakeComplete()) {
            flushedBeforeHandshake = true;
            ctx.flush();
            return;
        }
        try {
            wrapPending();
        } catch (TlsException e) {
            ctx.fireExceptionCaught(e);
            return;
        }
        ctx.flush();
    }

    /**
     * Encrypts every queued write and writes it. Buffers only (the common case): one output buffer, each
     * promise follows that write. With regions queued, see {@link #drainWithRegions}.
     */
    private void wrapPending() throws TlsException {
        if (pendingWrites.isEmpty() || released) {
            return;
        }
        if (queuedRegions != 0) {
            flushedEntries = pendingWrites.size();
            // Called back from inside a drain (a listener of a write it made flushes): that drain goes on
            // with the entries flushed now.
            if (!draining) {
                drainWithRegions();
            }
            return;
        }
        wrapBuffers(pendingWrites.size());
    }

    /**
     * The failure of sealing application data. A RuntimeException there is our bug or a broken
     * {@code CryptoProvider}; it becomes an internal TlsException that fails the writes and closes the
     * channel (without an alert: the record layer's state is unknown), so no write promise is left waiting.
     */
    private static TlsException sealFailure(Exception e) {
        return e instanceof TlsException ? (TlsException) e
                : TlsException.internal("sealing application data failed", e);
    }

    /** Keeps a dequeued write's holder, emptied, for the next write. */
    private void recycle(PendingWrite w) {
        w.buf = null;
        w.promise = null;
        spareWrite = w;
    }

    /**
     * Encrypts the {@code count} buffers at the head of the queue into one output buffer and writes it;
     * each promise follows that write.
     */
    private void wrapBuffers(int count) throws TlsException {
        ByteBuf plaintext;
        // The common case, one write per flush, allocates no list: only coalesced writes need one.
        ChannelPromise single = null;
        List<ChannelPromise> promises = null;
        if (count == 1) {
            PendingWrite w = (PendingWrite) pendingWrites.poll();
            plaintext = w.buf;
            single = w.promise;
            recycle(w);
        } else {
            // Writes are coalesced: records span the buffers of several writes, up to the wrap size.
            promises = new ArrayList<>(count);
            CompositeByteBuf composite = alloc.compositeBuffer(count);
            for (int i = 0; i < count; i++) {
                PendingWrite w = (PendingWrite) pendingWrites.poll();
                composite.addComponent(true, w.buf);
                promises.add(w.promise);
                recycle(w);
            }
            plaintext = composite;
        }
        try {
            pendingBytes = pendingWrites.isEmpty() ? 0 : pendingBytes - plaintext.readableBytes();
            updateWritability();
            connection.writeApplicationData(plaintext, wrapDataSize);
        } catch (TlsException | RuntimeException e) {
            TlsException failure = sealFailure(e);
            if (single != null) {
                single.tryFailure(failure);
            } else {
                for (ChannelPromise p : promises) {
                    p.tryFailure(failure);
                }
            }
            fail(failure);
            throw failure;
        } finally {
            plaintext.release();
        }
        ByteBuf output = connection.pollOutput();
        ChannelPromise writePromise;
        if (single != null && !single.isVoid()) {
            writePromise = single;
        } else {
            List<ChannelPromise> all = single != null ? List.of(single) : promises;
            writePromise = ctx.newPromise();
            writePromise.addListener(f -> {
                for (ChannelPromise p : all) {
                    if (f.isSuccess()) {
                        p.trySuccess();
                    } else {
                        p.tryFailure(f.cause());
                    }
                }
            });
        }
        if (output == null) {
            writePromise.trySuccess();
        } else {
            ctx.write(output, writePromise);
        }
    }

    /**
     * Sends the flushed writes in order while regions are queued: runs of buffers as by
     * {@link #wrapBuffers}, regions chunk by chunk. Stops at a region while its chunks in flight reach
     * the channel's high water mark; the completion of a chunk's write continues
     * ({@link #regionChunkWritten}), so reading the file keeps pace with the transport.
     */
    private void drainWithRegions() throws TlsException {
        draining = true;
        try {
            while (flushedEntries > 0 && !released) {
                Pending head = pendingWrites.peek();
                if (head instanceof RegionWrite) {
                    if (!streamRegion((RegionWrite) head)) {
                        return;
                    }
                    pendingWrites.poll();
                    queuedRegions--;
                    flushedEntries--;
                } else {
                    int run = 0;
                    for (Pending p : pendingWrites) {
                        if (run == flushedEntries || p instanceof RegionWrite) {
                            break;
                        }
                        run++;
                    }
                    flushedEntries -= run;
                    wrapBuffers(run);
                }
            }
        } finally {
            draining = false;
        }
    }

    /**
     * Reads, encrypts and writes the next chunks of a region while the channel takes them.
     *
     * @return {@code true} when the region is done (read to its end, released) and leaves the queue;
     *         {@code false} when it waits for chunk writes to complete, or reading it failed and the
     *         queue was failed
     */
    private boolean streamRegion(RegionWrite w) throws TlsException {
        // At least one chunk is always in flight, however low the mark is set.
        long highWaterMark = ctx.channel().config().getWriteBufferHighWaterMark();
        while (w.remaining > 0) {
            if (pendingWrites.peek() != w) {
                // A listener of a write made here closed the connection, which failed the queue.
                return false;
            }
            if (w.writeFailed) {
                // The transport failed a chunk (the promise carries why): the rest is not worth reading.
                pendingBytes -= w.remaining;
                pendingRegionBytes -= w.remaining;
                updateWritability();
                w.releaseRegion();
                return true;
            }
            if (regionBytesInFlight > 0 && regionBytesInFlight >= highWaterMark) {
                return false;
            }
            int size = (int) Math.min(REGION_CHUNK, w.remaining);
            ByteBuf chunk = alloc.heapBuffer(size);
            ByteBuf output;
            try {
                try {
                    w.read(chunk, size);
                } catch (IOException | RuntimeException e) {
                    failUnreadableRegion(e);
                    return false;
                }
                w.remaining -= size;
                pendingBytes -= size;
                pendingRegionBytes -= size;
                updateWritability();
                connection.writeApplicationData(chunk, wrapDataSize);
            } catch (TlsException | RuntimeException e) {
                TlsException failure = sealFailure(e);
                fail(failure);
                throw failure;
            } finally {
                chunk.release();
            }
            output = connection.pollOutput();
            regionBytesInFlight += size;
            ChannelPromise chunkPromise = ctx.newPromise();
            chunkPromise.addListener(f -> regionChunkWritten(w, size, f));
            if (output == null) {
                chunkPromise.trySuccess();
            } else {
                ctx.write(output, chunkPromise);
            }
        }
        if (pendingWrites.peek() != w) {
            return false;
        }
        w.releaseRegion();
        if (w.total == 0) {
            w.promise.trySuccess();
        }
        return true;
    }

    /**
     * A region ended before its count (the file was truncated) or could not be read. Like Netty's own
     * transports, which fail the write with the IOException and close the channel: the peer has part of
     * the region and every later byte would be misplaced. The channel is closed without close_notify,
     * so the peer sees a truncated stream and not a clean end (RFC 8446 §6.1).
     */
    private void failUnreadableRegion(Exception e) {
        IOException cause = e instanceof IOException ? (IOException) e
                : new IOException("FileRegion could not be read", e);
        RegionWrite w = (RegionWrite) pendingWrites.poll();
        queuedRegions--;
        w.fail(cause);
        failPendingWrites(new IOException("not sent: a FileRegion written before it could not be read", cause));
        ctx.close();
    }

    /** A chunk's write completed: account for it, complete the region's promise, send more. */
    private void regionChunkWritten(RegionWrite w, int size, Future<?> f) {
        regionBytesInFlight -= size;
        if (!f.isSuccess()) {
            w.writeFailed = true;
            w.promise.tryFailure(f.cause());
            return;
        }
        w.acknowledged += size;
        if (w.promise instanceof ChannelProgressivePromise) {
            ((ChannelProgressivePromise) w.promise).tryProgress(w.acknowledged, w.total);
        }
        if (w.acknowledged == w.total) {
            w.promise.trySuccess();
        }
        if (draining || released || flushedEntries == 0 || connection == null) {
            return;
        }
        try {
            drainWithRegions();
        } catch (TlsException e) {
            ctx.fireExceptionCaught(e);
            return;
        }
        ctx.flush();
    }

    /** Writes the records the connection has queued (flights, alerts); flushes now or at read complete. */
    private void writeOutput(boolean flush) {
        if (connection == null || released) {
            return;
        }
        ByteBuf output = connection.pollOutput();
        if (output != null) {
            ctx.write(output).addListener(f -> {
                if (!f.isSuccess() && !released) {
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
    }

    /**
     * Fails every queued write with {@code cause} and resets the counts; {@code cause} may be null only
     * when nothing is queued.
     */
    private void failPendingWrites(Throwable cause) {
        Pending w;
        while ((w = pendingWrites.poll()) != null) {
            w.fail(cause);
        }
        queuedRegions = 0;
        flushedEntries = 0;
        pendingRegionBytes = 0;
        pendingBytes = 0;
        updateWritability();
    }

    /**
     * The failure path of docs/architecture.md §7: write and flush the fatal alert the connection queued, fail the
     * handshake and fire the failed event if it was running, release everything, close.
     */
    private void fail(Throwable cause) {
        if (released) {
            return;
        }
        ByteBuf alert = connection == null ? null : connection.pollOutput();
        ChannelFuture flushed = alert == null ? ctx.newSucceededFuture() : ctx.writeAndFlush(alert);
        if (handshakePromise.tryFailure(cause)) {
            ctx.fireUserEventTriggered(new SslHandshakeCompletionEvent(cause));
        } else if (sslClosePromise.tryFailure(cause)) {
            // After the handshake (e.g. the server's certificate_required, which a TLS 1.3 client only
            // reads after its Finished, RFC 8446 §4.4.2.4): the TLS session ends with this failure, not
            // with a close_notify, and the application learns why. The event follows on channelInactive.
            closeFailedByError = true;
        }
        failPendingWrites(cause);
        releaseAll();
        safeClose(flushed, ctx.newPromise());
    }

    private void releaseAll() {
        if (released) {
            return;
        }
        released = true;
        if (handshakeTimeout != null) {
            handshakeTimeout.cancel(false);
            handshakeTimeout = null;
        }
        if (connection != null) {
            connection.release();
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
        if (released || connection == null || !handshakeStarted || !ctx.channel().isActive()) {
            ctx.close(promise);
            return;
        }
        ByteBuf output = prepareCloseNotify();
        ChannelFuture flushed = output == null ? ctx.newSucceededFuture() : ctx.writeAndFlush(output);
        safeClose(flushed, promise);
    }

    /** Encrypts what is pending (after the handshake) and queues close_notify; returns the output. */
    private ByteBuf prepareCloseNotify() {
        if (released || connection == null || connection.isOutboundClosed()) {
            return null;
        }
        if (connection.isHandshakeComplete()) {
            try {
                wrapPending();
            } catch (TlsException e) {
                return null;
            }
            if (!pendingWrites.isEmpty()) {
                // A region still waits for the channel to take its chunks: reading the rest into memory
                // now would defeat the back-pressure, so the rest is aborted, as a transport's close()
                // fails a region it has not written yet.
                failPendingWrites(new SslClosedEngineException("TLS connection closed before the write was sent"));
            }
        } else {
            failPendingWrites(new SslClosedEngineException("TLS connection closed before the handshake completed"));
        }
        connection.closeOutbound();
        return connection.pollOutput();
    }

    /**
     * Closes once {@code flushed} completes, or after the flush timeout; then optionally waits for the
     * peer's close_notify (read timeout) before closing.
     */
    private void safeClose(ChannelFuture flushed, ChannelPromise promise) {
        ChannelHandlerContext c = ctx;
        if (!c.channel().isActive()) {
            c.close(promise);
            return;
        }
        io.netty.util.concurrent.ScheduledFuture<?> flushTimeout = null;
        long flushMillis = closeNotifyFlushTimeoutMillis;
        if (!flushed.isDone() && flushMillis > 0) {
            flushTimeout = c.executor().schedule(() -> {
                if (!flushed.isDone()) {
                    LOGGER.warn("{} Last write attempt timed out; force-closing the connection.", c.channel());
                    closeAndNotify(c, promise);
                }
            }, flushMillis, TimeUnit.MILLISECONDS);
        }
        io.netty.util.concurrent.ScheduledFuture<?> cancelOnFlush = flushTimeout;
        flushed.addListener(f -> {
            if (cancelOnFlush != null) {
                cancelOnFlush.cancel(false);
            }
            long readMillis = closeNotifyReadTimeoutMillis;
            if (readMillis <= 0 || sslClosePromise.isDone() || !c.channel().isActive()) {
                closeAndNotify(c, promise);
                return;
            }
            io.netty.util.concurrent.ScheduledFuture<?> readTimeout = c.executor().schedule(() -> {
                if (!sslClosePromise.isDone()) {
                    LOGGER.debug("{} did not receive close_notify in {} ms; force-closing.", c.channel(), readMillis);
                }
                closeAndNotify(c, promise);
            }, readMillis, TimeUnit.MILLISECONDS);
            sslClosePromise.addListener(x -> {
                readTimeout.cancel(false);
                closeAndNotify(c, promise);
            });
        });
    }

    private static void closeAndNotify(ChannelHandlerContext c, ChannelPromise promise) {
        if (promise.isDone()) {
            return;
        }
        c.close(c.newPromise()).addListener(f -> {
            if (f.isSuccess()) {
                promise.trySuccess();
            } else {
                promise.tryFailure(f.cause());
            }
        });
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

    /** A queued write: a buffer or a region. */
    private sealed interface Pending permits PendingWrite, RegionWrite {
        /** Releases what the write holds and fails its promise. */
        void fail(Throwable cause);
    }

    /**
     * A queued plaintext write and its promise. Mutable so that the handler can reuse one instance
     * ({@link #spareWrite}): with one write per flush, the record path then allocates no object of ours.
     */
    private static final class PendingWrite implements Pending {
        ByteBuf buf;
        ChannelPromise promise;

        @Override
        public void fail(Throwable cause) {
            buf.release();
            promise.tryFailure(cause);
        }
    }

    /**
     * A queued region and how far it was sent. It is released once, when read to its end or when it
     * fails; its promise completes when the writes of all its chunks have.
     */
    private static final class RegionWrite implements Pending, WritableByteChannel {
        final FileRegion region;
        final ChannelPromise promise;
        /** Bytes to send: from what the region reports transferred already, as Netty's transports do. */
        final long total;
        long remaining;
        /** The next position to read, relative to the region's start. */
        long position;
        /** Bytes whose encrypted chunk was written. */
        long acknowledged;
        boolean writeFailed;
        private boolean regionReleased;
        private ByteBuf target;
        private int targetLimit;

        RegionWrite(FileRegion region, ChannelPromise promise) {
            this.region = region;
            this.promise = promise;
            this.position = region.transferred();
            this.total = Math.max(0, region.count() - position);
            this.remaining = total;
        }

        /** Appends the next {@code size} bytes of the region to {@code chunk}. */
        void read(ByteBuf chunk, int size) throws IOException {
            target = chunk;
            targetLimit = chunk.writerIndex() + size;
            try {
                while (chunk.writerIndex() < targetLimit) {
                    long n = region.transferTo(this, position);
                    if (n <= 0) {
                        // DefaultFileRegion throws for a truncated file itself; other regions may return 0
                        // or -1, which must not make the loop spin.
                        throw new IOException("FileRegion ended at byte " + position + " of " + region.count());
                    }
                    position += n;
                }
            } finally {
                target = null;
            }
        }

        /**
         * Accepts what fits into the chunk being filled. A short write is what makes the JDK's
         * {@code FileChannel.transferTo} into a non-file, non-socket channel stop (it reads the file in
         * 8 KiB steps until the target takes less than it read), so filling a chunk costs at most one
         * read of the file beyond the chunk's bytes.
         */
        @Override
        public int write(ByteBuffer src) {
            int n = Math.min(src.remaining(), targetLimit - target.writerIndex());
            int limit = src.limit();
            src.limit(src.position() + n);
            target.writeBytes(src);
            src.limit(limit);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
            // Only the region's reads go through this channel; there is nothing to close.
        }

        void releaseRegion() {
            if (!regionReleased) {
                regionReleased = true;
                region.release();
            }
        }

        @Override
        public void fail(Throwable cause) {
            releaseRegion();
            promise.tryFailure(cause);
        }
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
