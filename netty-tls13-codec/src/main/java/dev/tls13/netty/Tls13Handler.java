package dev.tls13.netty;

import dev.tls13.Tls13Context;
import dev.tls13.Tls13KeyLog;
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
import io.netty.handler.ssl.SslClosedEngineException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.AsyncMapping;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
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
 *   <li>a channel closed mid-handshake fails the handshake with {@link ClosedChannelException};</li>
 *   <li>a server handler made from a selector ({@link #Tls13Handler(AsyncMapping, Tls13Context)}) chooses its
 *       context from the client's ClientHello (the accept step, docs/architecture.md §13): it reads nothing
 *       while the selector runs, and a failed or empty answer refuses the client with an alert and fails the
 *       handshake like any other failure.</li>
 * </ul>
 * One per channel; not sharable. Create it with {@link Tls13Context#newHandler}.
 *
 * <p>Inside, the handler wires pipeline events to its parts: the {@code Phase} it is in, the
 * {@code HandshakeSequence} (future, timeout, events), the {@code OutboundQueue} of plaintext writes (with the
 * {@code RegionStreamer} for regions), the {@code CloseSequence} and, in accept mode, the {@code AcceptStep}.
 */
public class Tls13Handler extends ByteToMessageDecoder implements ChannelOutboundHandler {

    /** What the tests of region streaming size their regions by. */
    static final int REGION_CHUNK = RegionStreamer.CHUNK;

    /** Fixed, or in accept mode {@code null} until the selector chose. */
    private volatile Tls13Context context;
    /** {@code null} unless the handler is in accept mode. */
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
    private OutboundQueue queue;
    private Phase phase = Phase.NEW;
    /** Records were written while reading; channelReadComplete flushes them once (docs/architecture.md §4). */
    private boolean needsFlush;
    /** This read batch delivered plaintext to the application. */
    private boolean firedChannelRead;

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
        this(Objects.requireNonNull(context, "context"), null, HandlerSettings.of(context), null, peerHost,
                peerPort);
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

    /**
     * Creates a server handler in accept mode, which allocates from its channel's allocator; see
     * {@link #Tls13Handler(AsyncMapping, Tls13Context, ByteBufAllocator)}.
     *
     * @param selector chooses the server context from what the client offered
     * @param settings the context whose handler settings and limits apply
     */
    public Tls13Handler(AsyncMapping<? super ClientHelloInfo, ? extends Tls13Context> selector,
                        Tls13Context settings) {
        this(selector, HandlerSettings.of(Objects.requireNonNull(settings, "settings")), null);
    }

    /**
     * Creates a server handler in accept mode (docs/architecture.md §13): it reads the client's ClientHello, then
     * asks {@code selector}, once and on the event loop, for the server context to continue with, e.g. by
     * {@link ClientHelloInfo#serverName()}, as Netty's {@code SniHandler} does with its {@link AsyncMapping}. While
     * the answer is pending nothing is read; the handshake timeout runs. A failed answer (or a selector that
     * throws) refuses the client with internal_error; none ({@code null}) with unrecognized_name when the client
     * sent a server_name (RFC 6066 §3), else handshake_failure; a client context with internal_error. Refused,
     * the handshake fails like any other: the alert is flushed, the handshake future fails with the refusal's
     * {@code SSLException} (the selector's failure as its cause), {@code exceptionCaught} receives it in a
     * {@code DecoderException}, and the channel closes.
     *
     * <p>{@code settings} gives the handler settings (timeouts, wrap size, pending-write cap, which the setters
     * change as on any handler) and the limits of the whole connection: they apply from the first byte, before a
     * context is chosen. Its TLS configuration is not used. The chosen context gives everything else, its key
     * log included, and {@link #context()} from then on.
     *
     * @param selector chooses the server context from what the client offered
     * @param settings the context whose handler settings and limits apply
     * @param alloc allocates the handler's buffers
     */
    public Tls13Handler(AsyncMapping<? super ClientHelloInfo, ? extends Tls13Context> selector,
                        Tls13Context settings, ByteBufAllocator alloc) {
        this(selector, HandlerSettings.of(Objects.requireNonNull(settings, "settings")),
                Objects.requireNonNull(alloc, "alloc"));
    }

    /** A handler in accept mode with settings that come from no context ({@link Tls13SniHandler}'s). */
    Tls13Handler(AsyncMapping<? super ClientHelloInfo, ? extends Tls13Context> selector, HandlerSettings settings,
                 ByteBufAllocator alloc) {
        this(null, new AcceptStep(Objects.requireNonNull(selector, "selector"), settings.limits()), settings, alloc,
                null, -1);
    }

    private Tls13Handler(Tls13Context context, AcceptStep accept, HandlerSettings settings, ByteBufAllocator alloc,
                         String peerHost, int peerPort) {
        setCumulator(WritableMergeCumulator.INSTANCE);
        this.context = context;
        this.accept = accept;
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

    /** @return the configuration: the one given at creation, or in accept mode the chosen one ({@code null} before) */
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

    /** @return the handshake's outcome, completing with the channel or failing with the cause (the same object every time) */
    public Future<Channel> handshakeFuture() {
        return handshake.future();
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
        return handshake.session();
    }

    /** @return the ALPN protocol negotiated (RFC 7301), or {@code null} */
    public String applicationProtocol() {
        SessionInfo s = handshake.session();
        return s == null ? null : s.applicationProtocol();
    }

    /**
     * Exports keying material from this connection (RFC 8446 §7.5): {@code HKDF-Expand-Label(
     * Derive-Secret(exporter_master_secret, label, ""), "exporter", Hash(context_value), length)}. Both
     * sides of a connection export the same bytes for the same arguments; OpenSSL calls this
     * {@code SSL_export_keying_material}. Runs on the channel's event loop; from another thread it waits for it.
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
        return handshake.timeoutMillis();
    }

    /**
     * Sets the handshake timeout (0: none); takes effect for a handshake not yet started.
     *
     * @param timeout the timeout
     * @param unit its unit
     */
    public void setHandshakeTimeout(long timeout, TimeUnit unit) {
        setHandshakeTimeoutMillis(Objects.requireNonNull(unit, "unit").toMillis(timeout));
    }

    /** @param millis the handshake timeout (0: none), for a handshake not yet started */
    public void setHandshakeTimeoutMillis(long millis) {
        handshake.timeoutMillis(nonNegative(millis));
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
     * Sets how long closing waits for the peer's close_notify after sending ours (0: not at all).
     *
     * @param timeout the timeout
     * @param unit its unit
     */
    public final void setCloseNotifyReadTimeout(long timeout, TimeUnit unit) {
        closing.readTimeoutMillis(nonNegative(unit.toMillis(timeout)));
    }

    /** @param bytes the largest plaintext per record written, 1 to 16384; smaller writes are coalesced up to it */
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

    /** @param bytes the cap on plaintext queued before the handshake completes; writes beyond it fail */
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
        return closeOutbound(requireContext().newPromise());
    }

    /**
     * Sends close_notify after the data written so far, without closing the channel.
     *
     * @param promise completed when close_notify is written; failed when sealing it failed
     * @return {@code promise}
     */
    public ChannelFuture closeOutbound(ChannelPromise promise) {
        runInEventLoop(() -> {
            ByteBuf closeNotify;
            try {
                closeNotify = prepareCloseNotify();
            } catch (TlsException e) {
                promise.tryFailure(e);
                return;
            }
            closing.closeOutbound(ctx, closeNotify, promise);
        });
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
        ByteBuf output;
        try {
            // Data written before the KeyUpdate goes out under the old keys.
            queue.flush();
            connection.updateKeys(requestPeerUpdate);
            output = pollOutput();
        } catch (TlsException e) {
            promise.tryFailure(e);
            fail(e);
            return;
        }
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
        return accept != null ? TlsConnection.accepting(alloc, new Events(), accept.limits())
                : context.newConnection(alloc, peerHost, new Events());
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
            writeOutput(true);
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
        ClosedChannelException closed = null;
        if (!handshake.isDone()) {
            closed = CloseSequence.channelClosed();
            closed.addSuppressed(new SSLHandshakeException(
                    "Connection closed while the TLS handshake was in progress"));
            handshake.fail(ctx, closed);
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
        if (phase != Phase.CLOSED) {
            fail(cause, connection.pollOutput());
        }
    }

    /** The failure path, with the last records (owned; the fatal alert among them) already taken. */
    private void fail(Throwable cause, ByteBuf lastRecords) {
        ChannelFuture flushed = lastRecords == null ? ctx.newSucceededFuture() : ctx.writeAndFlush(lastRecords);
        if (!handshake.fail(ctx, cause)) {
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
            receive(in);
            // Flights produced while reading are flushed once, in channelReadComplete (docs/architecture.md §4).
            writeOutput(false);
        } catch (SSLException e) {
            fail(e);
            throw e;
        }
    }

    /** Gives the connection the whole records of {@code in}; in accept mode, asks the selector once it paused. */
    private void receive(ByteBuf in) throws SSLException {
        if (accept == null) {
            connection.receive(in);
            return;
        }
        if (accept.isWaiting()) {
            accept.checkHeld(in);
            return;
        }
        int start = in.readerIndex();
        connection.receive(in);
        accept.received(in.readerIndex() - start);
        if (connection.awaitingConfiguration() && !accept.asked()) {
            Future<Tls13Context> answer = accept.ask(ctx, connection.clientHello(), this::answered);
            if (answer != null) {
                continueWith(answer);
                connection.receive(in);
            }
        }
    }

    /** Continues the paused connection with the selector's choice, or refuses the client (docs/architecture.md §13). */
    private void continueWith(Future<Tls13Context> answer) throws TlsException {
        Tls13Context chosen = AcceptStep.chosen(answer, connection);
        // Set first: accept() derives the handshake secrets, which go to the chosen context's key log.
        context = chosen;
        chosen.accept(connection);
    }

    /** The selector answered after decode returned: goes on from the records held in the cumulation. */
    private void answered(Future<Tls13Context> answer) {
        if (phase == Phase.CLOSED) {
            // The failure path ran while the selector was busy (timeout, close, removal).
            return;
        }
        try {
            continueWith(answer);
            connection.receive(internalBuffer());
            writeOutput(true);
        } catch (SSLException e) {
            fail(e);
            ctx.fireExceptionCaught(new DecoderException(e));
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
     * delivered nothing to the application must not leave it waiting (like SslHandler's readIfNeeded). While
     * a selector runs, nothing is read.
     */
    private void readIfNeeded() {
        if (phase != Phase.CLOSED && !ctx.channel().config().isAutoRead() && (accept == null || !accept.isWaiting())
                && (!handshake.isDone() || !firedChannelRead)) {
            ctx.read();
        }
    }

    /** The record bytes of the ClientHello, for {@link Tls13SniHandler}'s cap; 0 unless in accept mode. */
    int clientHelloBytes() {
        return accept == null ? 0 : accept.clientHelloBytes();
    }

    /** Receives the connection's events; each runs inside a call to the connection. */
    private final class Events implements TlsConnection.Listener {
        @Override
        public void handshakeComplete(SessionInfo info) {
            phase = phase.completeHandshake();
            boolean heldWritesDue = queue.handshakeComplete();
            handshake.succeed(ctx, info);
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
            Tls13Context c = context;
            return c != null && c.keyLog() != null;
        }

        @Override
        public void keyLog(String line) {
            Tls13Context c = context;
            Tls13KeyLog log = c == null ? null : c.keyLog();
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
    private void writeOutput(boolean flush) throws TlsException {
        if (phase == Phase.CLOSED) {
            return;
        }
        ByteBuf output = pollOutput();
        if (output == null) {
            return;
        }
        ctx.write(output).addListener(f -> {
            if (!f.isSuccess() && phase != Phase.CLOSED) {
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

    /**
     * Takes the records the connection queued. Sealing them can fail inside the connection (a broken
     * {@code CryptoProvider}), which makes its failure sticky without throwing it: here that failure takes the
     * failure path, so that the channel does not stay open with writes rejected and reads discarded.
     *
     * @return the records (owned), or {@code null} when there are none
     * @throws TlsException the connection's new failure, after the failure path wrote what was sealed before it
     */
    private ByteBuf pollOutput() throws TlsException {
        ByteBuf output = connection.pollOutput();
        TlsException failure = connection.failure();
        if (failure != null && phase != Phase.CLOSED) {
            fail(failure, output);
            throw failure;
        }
        return output;
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
        ByteBuf closeNotify;
        try {
            closeNotify = prepareCloseNotify();
        } catch (TlsException e) {
            // The failure path is closing the channel.
            closeNotify = null;
        }
        closing.close(ctx, closeNotify, promise);
    }

    /**
     * Queues close_notify after the data written so far (RFC 8446 §6.1): after the handshake the queued
     * writes are sealed first, before it they fail ({@link OutboundQueue#closeOutbound}).
     *
     * @return the records up to close_notify (owned), or {@code null} when it was sent before or sealing the
     *         writes failed
     * @throws TlsException when sealing close_notify failed; the failure path ran
     */
    private ByteBuf prepareCloseNotify() throws TlsException {
        if (phase == Phase.CLOSED || connection.isOutboundClosed() || !queue.closeOutbound()) {
            return null;
        }
        connection.closeOutbound();
        return pollOutput();
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
