package dev.tls13.netty;

import dev.tls13.error.TlsException;
import dev.tls13.netty.RegionStreamer.RegionWrite;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.UnsupportedMessageTypeException;
import io.netty.handler.ssl.SslClosedEngineException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The plaintext written to a {@link Tls13Handler} and not yet sealed: buffers and {@link FileRegion}s in
 * write order, each with its promise.
 *
 * <p>Until {@link #handshakeComplete} the queue <em>holds</em>: every entry was written before the
 * handshake completed, the buffers together may not exceed a cap, and a flush is only remembered. A client with
 * 0-RTT keys (RFC 8446 §2.3, §4.2.10) is the exception: a flush sends the longest prefix of the queued buffers that
 * the ticket's max_early_data_size allows as early data at once, and the queue keeps each of those buffers until
 * the handshake says whether the server accepted them; if it did not, they are sent again as 1-RTT data ahead of
 * every later write ({@link #sendEarly}). After it, a flush seals the buffers
 * queued so far into one output buffer (coalescing: records span writes, up to the wrap size) and writes
 * it; each promise follows that write:
 * <pre>
 *   write(a) write(b) write(c) flush()   ──▶  seal(a|b|c) ──▶ [record][record] ──ctx.write──▶ a, b, c done
 * </pre>
 * A region is sent by the {@link RegionStreamer}, chunk by chunk; what is queued behind it waits for it.
 *
 * <p>The plaintext held here (buffers, plus what queued regions have still to read) is reflected in a
 * user-defined writability bit of the channel: without it a slow reader's application would see the
 * channel writable while that plaintext grows (docs/architecture.md §10).
 */
final class OutboundQueue implements RegionStreamer.Owner {

    /** The user-defined writability bit of the channel's outbound buffer that reflects the held plaintext. */
    static final int HELD_PLAINTEXT_WRITABILITY = 29;

    /** A queued write: a buffer or a region. */
    sealed interface Entry permits PendingWrite, RegionWrite {
        /**
         * Releases what the write holds and fails its promise.
         *
         * @param cause why
         */
        void fail(Throwable cause);
    }

    private final ChannelHandlerContext ctx;
    private final ByteBufAllocator alloc;
    private final RecordSealer sealer;
    private final RegionStreamer streamer;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    /** An emptied {@link PendingWrite} for the next write, so that writes allocate no holder. */
    private PendingWrite spare;
    /** Plaintext held: queued buffers plus what queued regions still have to read. */
    private long heldBytes;
    /**
     * The part of {@link #heldBytes} that regions have still to read: it counts against writability but not
     * against the cap before the handshake, which bounds memory, and a queued region holds none.
     */
    private long unreadRegionBytes;
    /** How many regions the queue holds; while none, flushes take the buffers-only path. */
    private int queuedRegions;
    /** With regions queued: how many entries at the head have been flushed. */
    private int flushedEntries;
    /** {@link #drain} is running: a write completing inside it must not start it again. */
    private boolean draining;
    /** Before the handshake completed: nothing is sealed yet. */
    private boolean holding = true;
    /** The application flushed while holding: send everything once the handshake completes. */
    private boolean flushedWhileHolding;
    /**
     * The writes sent as 0-RTT data, in order, each still holding its buffer from where it started and the write of
     * its records, until the handshake tells whether the server accepted them; {@code null} until the first.
     */
    private ArrayDeque<PendingWrite> sentEarly;

    /**
     * Creates the queue of one channel.
     *
     * @param ctx the handler's context: records are written through it, and its channel carries the bit
     * @param alloc allocates the coalescing buffers and region chunks
     * @param sealer seals plaintext into records
     */
    OutboundQueue(ChannelHandlerContext ctx, ByteBufAllocator alloc, RecordSealer sealer) {
        this.ctx = ctx;
        this.alloc = alloc;
        this.sealer = sealer;
        this.streamer = new RegionStreamer(ctx, alloc, sealer, this);
    }

    /**
     * Takes ownership of a message written to the handler and queues it, a buffer or a region. Any other type is
     * released and its promise failed with {@link UnsupportedMessageTypeException}, and so is every message once the
     * connection is closed for writing ({@link SslClosedEngineException}).
     *
     * @param msg the message
     * @param promise completed when its records are written
     * @param maxHeldBytes the cap on buffered plaintext before the handshake completes
     * @param closedForWriting whether close_notify was sent or the handler released everything
     */
    void write(Object msg, ChannelPromise promise, long maxHeldBytes, boolean closedForWriting) {
        if (!(msg instanceof ByteBuf) && !(msg instanceof FileRegion)) {
            UnsupportedMessageTypeException cause = new UnsupportedMessageTypeException(msg, ByteBuf.class,
                    FileRegion.class);
            ReferenceCountUtil.safeRelease(msg);
            promise.setFailure(cause);
        } else if (closedForWriting) {
            if (msg instanceof ByteBuf) {
                ((ByteBuf) msg).release();
            } else {
                ReferenceCountUtil.safeRelease(msg);
            }
            promise.setFailure(new SslClosedEngineException("TLS connection closed for writing"));
        } else if (msg instanceof ByteBuf) {
            add((ByteBuf) msg, promise, maxHeldBytes);
        } else {
            add((FileRegion) msg, promise);
        }
    }

    /**
     * Takes ownership of {@code buf} and queues it. While holding, a write that would make the queued
     * buffers exceed {@code maxHeldBytes} is released and its promise failed.
     *
     * @param buf the plaintext
     * @param promise completed when its records are written
     * @param maxHeldBytes the cap on buffered plaintext before the handshake completes
     */
    void add(ByteBuf buf, ChannelPromise promise, long maxHeldBytes) {
        int bytes = buf.readableBytes();
        if (holding && heldBytes - unreadRegionBytes + bytes > maxHeldBytes) {
            buf.release();
            promise.setFailure(new SSLException("more than " + maxHeldBytes
                    + " bytes written before the TLS handshake completed"));
            return;
        }
        PendingWrite w = spare;
        if (w == null) {
            w = new PendingWrite();
        } else {
            spare = null;
        }
        w.buf = buf;
        w.promise = promise;
        entries.add(w);
        heldBytes += bytes;
        updateWritability();
    }

    /**
     * Takes ownership of {@code region} and queues it like a buffer; its bytes are read only when it is
     * flushed and the channel takes them. They count against writability, so the application sees
     * back-pressure while a large file is sent, but not against the cap: it bounds memory, and a queued
     * region holds none.
     *
     * @param region the region
     * @param promise completed when the records of all its bytes are written
     */
    void add(FileRegion region, ChannelPromise promise) {
        RegionWrite w = new RegionWrite(region, promise);
        entries.add(w);
        queuedRegions++;
        heldBytes += w.remaining;
        unreadRegionBytes += w.remaining;
        updateWritability();
    }

    /** @return whether nothing is queued, nor kept as sent 0-RTT data */
    boolean isEmpty() {
        return entries.isEmpty() && (sentEarly == null || sentEarly.isEmpty());
    }

    /**
     * The application flushed: seals and writes everything queued (regions as far as the channel takes
     * them), or while holding, remembers to do so when the handshake completes.
     *
     * @throws TlsException when sealing failed; the writes concerned failed, and the failure path ran
     */
    void flush() throws TlsException {
        if (holding) {
            flushedWhileHolding = true;
            sendEarly();
            return;
        }
        if (entries.isEmpty()) {
            return;
        }
        if (queuedRegions != 0) {
            flushedEntries = entries.size();
            // Called back from inside a drain (a listener of a write it made flushes): that drain goes on
            // with the entries flushed now.
            if (!draining) {
                drain();
            }
            return;
        }
        wrapBuffers(entries.size());
    }

    /**
     * The handshake started: writes flushed before it (e.g. in the event-loop turn of {@code connect()}) go out as
     * 0-RTT data now, right after the ClientHello, when the connection offers it ({@link #sendEarly}).
     *
     * @return whether early records were written: the caller flushes
     * @throws TlsException when sealing failed; the writes concerned failed, and the failure path ran
     */
    boolean handshakeStarted() throws TlsException {
        return flushedWhileHolding && sendEarly();
    }

    /**
     * While holding, with 0-RTT keys in force: seals the longest prefix of the queued buffers that fits what the
     * ticket's max_early_data_size leaves (RFC 8446 §4.2.10: plaintext bytes counted) as early data, in one write,
     * and keeps each of those buffers (retained, from where it started) until {@link #handshakeComplete} tells the
     * outcome. A region, or a buffer that does not fit whole, ends the prefix and everything behind it waits for
     * the handshake, so the peer receives the data in the order written.
     *
     * @return whether early records were written
     * @throws TlsException when sealing failed; the writes concerned failed, and the failure path ran
     */
    private boolean sendEarly() throws TlsException {
        if (!holding || entries.isEmpty()) {
            return false;
        }
        long allowance = sealer.earlyDataAllowance();
        if (allowance <= 0) {
            return false;
        }
        int count = 0;
        long bytes = 0;
        for (Entry e : entries) {
            if (!(e instanceof PendingWrite) || ((PendingWrite) e).buf.readableBytes() > allowance - bytes) {
                break;
            }
            bytes += ((PendingWrite) e).buf.readableBytes();
            count++;
        }
        if (count == 0) {
            return false;
        }
        if (sentEarly == null) {
            sentEarly = new ArrayDeque<>();
        }
        ChannelPromise written = ctx.newPromise();
        CompositeByteBuf plaintext = alloc.compositeBuffer(count);
        for (int i = 0; i < count; i++) {
            PendingWrite w = (PendingWrite) entries.poll();
            // The queue keeps w.buf as it is, for the resend a rejection needs; the records are sealed from a
            // duplicate. Both stay counted as held plaintext until the outcome.
            plaintext.addComponent(true, w.buf.retainedDuplicate());
            w.earlyWrite = written;
            sentEarly.add(w);
        }
        ByteBuf output;
        try {
            output = sealer.sealEarly(plaintext);
        } catch (TlsException e) {
            // Every write fails, those in sentEarly included, each buffer released once; then the failure path.
            failAll(e);
            sealer.sealFailed(e);
            throw e;
        } finally {
            plaintext.release();
        }
        if (output == null) {
            written.trySuccess();
            return false;
        }
        ctx.write(output, written);
        return true;
    }

    /**
     * The handshake completed: the queue stops holding, and the cap no longer applies. Writes sent as 0-RTT data
     * are settled: accepted, each promise follows the write of its early records; rejected (RFC 8446 §4.2.10: the
     * server skipped those records unread, so it has processed none of them), they return to the head of the
     * queue, in order, to be sent as 1-RTT data before any later write, their promises following that write;
     * rejected and not {@code resendable} (another ALPN protocol, §4.2.10), they fail.
     *
     * @param earlyDataAccepted whether the server accepted the 0-RTT data
     * @param resendable whether rejected early data may be sent again
     * @return whether the application flushed while it held: then the held writes are due now
     */
    boolean handshakeComplete(boolean earlyDataAccepted, boolean resendable) {
        holding = false;
        boolean due = flushedWhileHolding;
        flushedWhileHolding = false;
        ArrayDeque<PendingWrite> early = sentEarly;
        if (early == null || early.isEmpty()) {
            return due;
        }
        if (!earlyDataAccepted && resendable) {
            PendingWrite w;
            while ((w = early.pollLast()) != null) {
                w.earlyWrite = null;
                entries.addFirst(w);
            }
            return true;
        }
        // Detached and uncounted before any promise completes: a listener may write and flush at once.
        sentEarly = null;
        for (PendingWrite w : early) {
            heldBytes -= w.buf.readableBytes();
        }
        updateWritability();
        SSLException notResent = earlyDataAccepted ? null : new SSLException("0-RTT data rejected and not resent: "
                + "the connection selected another ALPN protocol than the data was written for (RFC 8446 §4.2.10)");
        for (PendingWrite w : early) {
            if (notResent != null) {
                w.fail(notResent);
                continue;
            }
            w.buf.release();
            ChannelPromise promise = w.promise;
            w.earlyWrite.addListener(f -> {
                if (f.isSuccess()) {
                    promise.trySuccess();
                } else {
                    promise.tryFailure(f.cause());
                }
            });
        }
        return due;
    }

    /**
     * Before close_notify: after the handshake, seals and writes everything queued; but the rest of a region
     * the channel has not taken yet fails, as a transport's close() fails a region it has not written yet:
     * reading it into memory now would defeat the back-pressure. Before the handshake, everything fails.
     *
     * @return {@code false} when sealing failed: the failure path ran, and no close_notify follows
     */
    boolean closeOutbound() {
        if (holding) {
            failAll(new SslClosedEngineException("TLS connection closed before the handshake completed"));
            return true;
        }
        try {
            flush();
        } catch (TlsException e) {
            return false;
        }
        if (!entries.isEmpty()) {
            failAll(new SslClosedEngineException("TLS connection closed before the write was sent"));
        }
        return true;
    }

    /**
     * Fails every queued write with {@code cause}, releasing what it holds, and resets the counts.
     *
     * @param cause why; may be {@code null} only when nothing is queued
     */
    void failAll(Throwable cause) {
        Entry w;
        if (sentEarly != null) {
            while ((w = sentEarly.poll()) != null) {
                w.fail(cause);
            }
        }
        while ((w = entries.poll()) != null) {
            w.fail(cause);
        }
        queuedRegions = 0;
        flushedEntries = 0;
        unreadRegionBytes = 0;
        heldBytes = 0;
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
        if (heldBytes > marks.high()) {
            if (out.getUserDefinedWritability(HELD_PLAINTEXT_WRITABILITY)) {
                out.setUserDefinedWritability(HELD_PLAINTEXT_WRITABILITY, false);
            }
        } else if (heldBytes < marks.low() && !out.getUserDefinedWritability(HELD_PLAINTEXT_WRITABILITY)) {
            out.setUserDefinedWritability(HELD_PLAINTEXT_WRITABILITY, true);
        }
    }

    /** Keeps a dequeued write's holder, emptied, for the next write. */
    private void recycle(PendingWrite w) {
        w.buf = null;
        w.promise = null;
        spare = w;
    }

    /**
     * Seals the {@code count} buffers at the head of the queue into one output buffer and writes it; each
     * promise follows that write.
     */
    private void wrapBuffers(int count) throws TlsException {
        ByteBuf plaintext;
        // The common case, one write per flush, allocates no list: only coalesced writes need one.
        ChannelPromise single = null;
        List<ChannelPromise> promises = null;
        if (count == 1) {
            PendingWrite w = (PendingWrite) entries.poll();
            plaintext = w.buf;
            single = w.promise;
            recycle(w);
        } else {
            // Writes are coalesced: records span the buffers of several writes, up to the wrap size.
            promises = new ArrayList<>(count);
            CompositeByteBuf composite = alloc.compositeBuffer(count);
            for (int i = 0; i < count; i++) {
                PendingWrite w = (PendingWrite) entries.poll();
                composite.addComponent(true, w.buf);
                promises.add(w.promise);
                recycle(w);
            }
            plaintext = composite;
        }
        ByteBuf output;
        try {
            heldBytes = entries.isEmpty() ? 0 : heldBytes - plaintext.readableBytes();
            updateWritability();
            output = sealer.seal(plaintext);
        } catch (TlsException e) {
            if (single != null) {
                single.tryFailure(e);
            } else {
                for (ChannelPromise p : promises) {
                    p.tryFailure(e);
                }
            }
            sealer.sealFailed(e);
            throw e;
        } finally {
            plaintext.release();
        }
        ChannelPromise writePromise = single != null && !single.isVoid() ? single
                : aggregate(single != null ? List.of(single) : promises);
        if (output == null) {
            writePromise.trySuccess();
        } else {
            ctx.write(output, writePromise);
        }
    }

    /** @return a promise for one write whose outcome completes every promise of {@code all} */
    private ChannelPromise aggregate(List<ChannelPromise> all) {
        ChannelPromise writePromise = ctx.newPromise();
        writePromise.addListener(f -> {
            for (ChannelPromise p : all) {
                if (f.isSuccess()) {
                    p.trySuccess();
                } else {
                    p.tryFailure(f.cause());
                }
            }
        });
        return writePromise;
    }

    /**
     * Sends the flushed entries in order while regions are queued: runs of buffers as by
     * {@link #wrapBuffers}, regions through the streamer. Stops at a region while the channel does not take
     * more; the completion of a chunk's write continues ({@link #chunkWritten}), so reading the file keeps
     * pace with the transport.
     */
    private void drain() throws TlsException {
        draining = true;
        try {
            while (flushedEntries > 0) {
                Entry head = entries.peek();
                if (head instanceof RegionWrite) {
                    if (!streamer.stream((RegionWrite) head)) {
                        return;
                    }
                    entries.poll();
                    queuedRegions--;
                    flushedEntries--;
                } else {
                    int run = 0;
                    for (Entry e : entries) {
                        if (run == flushedEntries || e instanceof RegionWrite) {
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

    @Override
    public void regionBytesTaken(long bytes) {
        heldBytes -= bytes;
        unreadRegionBytes -= bytes;
        updateWritability();
    }

    @Override
    public void chunkWritten() {
        if (draining || flushedEntries == 0) {
            return;
        }
        try {
            drain();
        } catch (TlsException e) {
            ctx.fireExceptionCaught(e);
            return;
        }
        ctx.flush();
    }

    /**
     * Like Netty's own transports, which fail the write with the IOException and close the channel: the
     * peer has part of the region and every later byte would be misplaced. The channel is closed without
     * close_notify, so the peer sees a truncated stream and not a clean end (RFC 8446 §6.1).
     */
    @Override
    public void regionUnreadable(RegionWrite region, IOException cause) {
        entries.remove(region);
        queuedRegions--;
        region.fail(cause);
        failAll(new IOException("not sent: a FileRegion written before it could not be read", cause));
        ctx.close();
    }

    /**
     * A queued plaintext write and its promise. Mutable so that the queue can reuse one instance
     * ({@link #spare}): with one write per flush, the record path then allocates no object of ours.
     */
    static final class PendingWrite implements Entry {
        ByteBuf buf;
        ChannelPromise promise;
        /** The write of the 0-RTT records this write went out in, while kept for the outcome; else {@code null}. */
        ChannelFuture earlyWrite;

        @Override
        public void fail(Throwable cause) {
            buf.release();
            promise.tryFailure(cause);
        }
    }
}
