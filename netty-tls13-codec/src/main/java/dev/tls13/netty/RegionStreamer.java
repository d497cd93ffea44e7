package dev.tls13.netty;

import dev.tls13.error.TlsException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * Sends {@link FileRegion} writes as TLS records, reading each region only as fast as the channel takes
 * the records, so that a large file on a slow reader holds no more than about the write-buffer high water
 * mark in memory (docs/architecture.md §10):
 * <pre>
 *   region ──read {@link #CHUNK}──▶ chunk ──seal──▶ records ──ctx.write──▶ ... write completes
 *      ▲                                                                          │
 *      └──── again while the bytes in flight stay below the high water mark ◀─────┘
 * </pre>
 * The regions wait in the {@link OutboundQueue}, in order with the buffers around them; the queue hands
 * this class the region at its head and resumes when told that a chunk's write completed.
 */
final class RegionStreamer {

    /**
     * Plaintext read from a region per step: four full records. Each chunk costs a promise, an output
     * buffer, and in {@code transferTo} an 8 KiB bounce buffer and one 8 KiB file read more than it keeps
     * (see {@link RegionWrite#write}); 64 KiB spreads that over eight useful reads.
     */
    static final int CHUNK = 64 * 1024;

    /** The queue that holds the regions: what the streamer tells it. */
    interface Owner {
        /**
         * Bytes of a queued region no longer wait to be read: read into a chunk, or dropped after a chunk's
         * write failed. They stop counting as held plaintext.
         *
         * @param bytes the number of bytes
         */
        void regionBytesTaken(long bytes);

        /** A chunk's write completed successfully: the channel may take more, so the queue may go on. */
        void chunkWritten();

        /**
         * A region could not be read (the file was truncated, or the region broke): the queue fails it and
         * everything behind it.
         *
         * @param region the region, at the head of the queue
         * @param cause why
         */
        void regionUnreadable(RegionWrite region, IOException cause);
    }

    private final ChannelHandlerContext ctx;
    private final ByteBufAllocator alloc;
    private final RecordSealer sealer;
    private final Owner owner;
    /** Region plaintext sealed and written whose write has not completed yet, over all regions. */
    private long bytesInFlight;

    RegionStreamer(ChannelHandlerContext ctx, ByteBufAllocator alloc, RecordSealer sealer, Owner owner) {
        this.ctx = ctx;
        this.alloc = alloc;
        this.sealer = sealer;
        this.owner = owner;
    }

    /**
     * Reads, seals and writes the next chunks of a region while the channel takes them.
     *
     * @param w the region at the head of the queue
     * @return {@code true} when the region is done (read to its end, or a chunk's write failed) and
     *         released, so it leaves the queue; {@code false} when it waits for chunk writes to complete, or
     *         it was failed (the queue with it)
     * @throws TlsException when sealing failed; {@link RecordSealer#sealFailed} has run
     */
    boolean stream(RegionWrite w) throws TlsException {
        // At least one chunk is always in flight, however low the mark is set.
        long highWaterMark = ctx.channel().config().getWriteBufferHighWaterMark();
        while (w.remaining > 0) {
            if (w.released) {
                // A listener of a write made here closed the connection, which failed the queue.
                return false;
            }
            if (w.writeFailed) {
                // The transport failed a chunk (the promise carries why): the rest is not worth reading.
                owner.regionBytesTaken(w.remaining);
                w.releaseRegion();
                return true;
            }
            if (bytesInFlight > 0 && bytesInFlight >= highWaterMark) {
                return false;
            }
            if (!sendChunk(w)) {
                return false;
            }
        }
        if (w.released) {
            return false;
        }
        w.releaseRegion();
        if (w.total == 0) {
            w.promise.trySuccess();
        }
        return true;
    }

    /** @return {@code false} when the region could not be read (the owner failed the queue) */
    private boolean sendChunk(RegionWrite w) throws TlsException {
        int size = (int) Math.min(CHUNK, w.remaining);
        ByteBuf chunk = alloc.heapBuffer(size);
        ByteBuf records;
        try {
            try {
                w.read(chunk, size);
            } catch (IOException | RuntimeException e) {
                owner.regionUnreadable(w, e instanceof IOException ? (IOException) e
                        : new IOException("FileRegion could not be read", e));
                return false;
            }
            w.remaining -= size;
            owner.regionBytesTaken(size);
            records = sealer.seal(chunk);
        } catch (TlsException e) {
            // The region is still queued: the failure path fails its promise and releases it.
            sealer.sealFailed(e);
            throw e;
        } finally {
            chunk.release();
        }
        bytesInFlight += size;
        ChannelPromise written = ctx.newPromise();
        written.addListener(f -> chunkWritten(w, size, f));
        if (records == null) {
            written.trySuccess();
        } else {
            ctx.write(records, written);
        }
        return true;
    }

    /** A chunk's write completed: account for it, report progress, complete the region's promise, go on. */
    private void chunkWritten(RegionWrite w, int size, Future<?> f) {
        bytesInFlight -= size;
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
        owner.chunkWritten();
    }

    /**
     * A queued region and how far it was sent. It is released once, when read to its end or when it fails;
     * its promise completes when the writes of all its chunks have.
     */
    static final class RegionWrite implements OutboundQueue.Entry, WritableByteChannel {
        final FileRegion region;
        final ChannelPromise promise;
        /** Bytes to send: from what the region reports transferred already, as Netty's transports do. */
        final long total;
        /** Bytes not read yet. */
        long remaining;
        /** The next position to read, relative to the region's start. */
        private long position;
        /** Bytes whose encrypted chunk was written. */
        private long acknowledged;
        private boolean writeFailed;
        private boolean released;
        private ByteBuf target;
        private int targetLimit;

        /** Takes ownership of {@code region}. */
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
            if (!released) {
                released = true;
                region.release();
            }
        }

        @Override
        public void fail(Throwable cause) {
            releaseRegion();
            promise.tryFailure(cause);
        }
    }
}
