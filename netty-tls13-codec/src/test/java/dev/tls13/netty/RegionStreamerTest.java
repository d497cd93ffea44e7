package dev.tls13.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.error.TlsException;
import dev.tls13.netty.RegionStreamer.RegionWrite;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.FileRegion;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.AbstractReferenceCounted;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RegionStreamer} without a handshake: a {@link FramingSealer} stands in for the connection and an
 * {@link EmbeddedChannel} for the transport, whose writes complete only when it is flushed, like a socket
 * that takes the records only when the peer reads.
 */
class RegionStreamerTest {

    private static final int CHUNK = RegionStreamer.CHUNK;

    @TempDir
    Path dir;

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final FramingSealer sealer = new FramingSealer();
    private final RecordingOwner owner = new RecordingOwner();
    private final ByteBuf received = Unpooled.buffer();
    private RegionStreamer streamer;

    @AfterEach
    void finish() {
        received.release();
        channel.finishAndReleaseAll();
    }

    /** Adds {@code handlers} at the head, then the streamer's handler. */
    private RegionStreamer streamer(io.netty.channel.ChannelHandler... handlers) {
        channel.pipeline().addLast(handlers);
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter());
        ChannelHandlerContext ctx = channel.pipeline().lastContext();
        streamer = new RegionStreamer(ctx, channel.alloc(), sealer, owner);
        return streamer;
    }

    private byte[] content(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private DefaultFileRegion region(byte[] content) throws IOException {
        Path f = Files.createTempFile(dir, "region", ".bin");
        Files.write(f, content);
        return new DefaultFileRegion(f.toFile(), 0, content.length);
    }

    /** Streams until the region is done, letting the channel take what was written whenever it waits. */
    private void streamToTheEnd(RegionWrite w) throws TlsException {
        for (int rounds = 0; !streamer.stream(w); rounds++) {
            assertTrue(rounds < 10_000, "no progress");
            channel.flush();
        }
        channel.flush();
    }

    @Test
    void sendsEveryByteInOrderInChunksAndReleasesTheRegion() throws Exception {
        streamer();
        byte[] content = content(3 * CHUNK + 5, 1);
        DefaultFileRegion region = region(content);
        ChannelPromise promise = channel.newPromise();
        RegionWrite w = new RegionWrite(region, promise);

        streamToTheEnd(w);

        assertEquals(List.of(CHUNK, CHUNK, CHUNK, 5), FramingSealer.unframe(channel, received));
        assertArrayEquals(content, ByteBufUtil.getBytes(received));
        assertTrue(promise.isSuccess());
        assertEquals(0, region.refCnt(), "released once");
        assertEquals(content.length, owner.taken);
        assertEquals(4, owner.chunksWritten);
    }

    @Test
    void readsNoFurtherAheadThanTheHighWaterMarkUntilTheChannelTakesTheRecords() throws Exception {
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1, 2 * CHUNK + 1));
        streamer();
        byte[] content = content(8 * CHUNK, 2);
        DefaultFileRegion region = region(content);
        ChannelPromise promise = channel.newPromise();
        RegionWrite w = new RegionWrite(region, promise);

        assertFalse(streamer.stream(w), "waits for the channel");
        assertEquals(3 * CHUNK, region.transferred(), "read until the chunks in flight reach the mark");
        assertFalse(streamer.stream(w));
        assertEquals(3 * CHUNK, region.transferred(), "nothing more while no write completed");
        assertEquals(3 * CHUNK, owner.taken, "what was read no longer counts as held");

        channel.flush();
        assertEquals(3, owner.chunksWritten);
        assertFalse(promise.isDone(), "the region's promise waits for its last chunk");
        assertFalse(streamer.stream(w));
        assertEquals(6 * CHUNK, region.transferred());
        streamToTheEnd(w);
        FramingSealer.unframe(channel, received);
        assertArrayEquals(content, ByteBufUtil.getBytes(received));
        assertTrue(promise.isSuccess());
        assertEquals(0, region.refCnt());
    }

    @Test
    void sendsOneChunkAtATimeWhenTheHighWaterMarkIsBelowAChunk() throws Exception {
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1, 2));
        streamer();
        DefaultFileRegion region = region(content(2 * CHUNK, 3));
        RegionWrite w = new RegionWrite(region, channel.newPromise());
        assertFalse(streamer.stream(w));
        assertEquals(CHUNK, region.transferred(), "at least one chunk is always in flight");
        streamToTheEnd(w);
        assertEquals(0, region.refCnt());
    }

    @Test
    void theChunksInFlightOfOneRegionHoldBackTheNext() throws Exception {
        streamer();
        DefaultFileRegion first = region(content(CHUNK, 4));
        DefaultFileRegion second = region(content(CHUNK, 5));
        RegionWrite w1 = new RegionWrite(first, channel.newPromise());
        RegionWrite w2 = new RegionWrite(second, channel.newPromise());
        assertTrue(streamer.stream(w1), "read to its end");
        assertFalse(w1.promise.isDone(), "but its chunk is not written yet");
        assertFalse(streamer.stream(w2));
        assertEquals(0, second.transferred(), "the first region's chunk fills the channel");
        channel.flush();
        assertTrue(w1.promise.isSuccess());
        streamToTheEnd(w2);
        assertTrue(w2.promise.isSuccess());
        assertEquals(List.of(CHUNK, CHUNK), FramingSealer.unframe(channel, received));
    }

    @Test
    void reportsProgressAsChunkWritesComplete() throws Exception {
        streamer();
        int size = 2 * CHUNK + 10;
        DefaultFileRegion region = region(content(size, 6));
        ChannelProgressivePromise promise = channel.newProgressivePromise();
        List<Long> progress = new ArrayList<>();
        promise.addListener(new ChannelProgressiveFutureListener() {
            @Override
            public void operationProgressed(ChannelProgressiveFuture future, long done, long total) {
                assertEquals(size, total);
                progress.add(done);
            }

            @Override
            public void operationComplete(ChannelProgressiveFuture future) {
                progress.add(-1L);
            }
        });
        streamToTheEnd(new RegionWrite(region, promise));
        assertEquals(List.of((long) CHUNK, 2L * CHUNK, (long) size, -1L), progress);
    }

    @Test
    void sendsOnlyWhatTheRegionHasNotTransferredYet() throws Exception {
        streamer();
        byte[] content = content(1000, 7);
        DefaultFileRegion region = region(content);
        region.transferTo(new Taking(100), 0);
        assertEquals(100, region.transferred());
        ChannelPromise promise = channel.newPromise();
        streamToTheEnd(new RegionWrite(region, promise));
        FramingSealer.unframe(channel, received);
        assertArrayEquals(Arrays.copyOfRange(content, 100, 1000), ByteBufUtil.getBytes(received));
        assertTrue(promise.isSuccess());
    }

    @Test
    void fillsChunksFromARegionWhoseTransfersDoNotAlignWithThem() throws Exception {
        streamer();
        byte[] content = content(2 * CHUNK + 77, 8);
        MemoryRegion region = new MemoryRegion(content, 10_000);
        ChannelPromise promise = channel.newPromise();
        streamToTheEnd(new RegionWrite(region, promise));
        assertEquals(List.of(CHUNK, CHUNK, 77), FramingSealer.unframe(channel, received));
        assertArrayEquals(content, ByteBufUtil.getBytes(received));
        assertTrue(region.partialWrites > 0, "the chunk took part of a transfer");
        assertTrue(promise.isSuccess());
        assertEquals(0, region.refCnt());
    }

    @Test
    void anEmptyRegionCompletesAtOnceWithoutARecord() throws Exception {
        streamer();
        DefaultFileRegion region = region(new byte[0]);
        ChannelPromise promise = channel.newPromise();
        assertTrue(streamer.stream(new RegionWrite(region, promise)));
        assertTrue(promise.isSuccess());
        assertEquals(0, region.refCnt());
        assertEquals(0, sealer.seals);
        assertNull(channel.readOutbound());
    }

    @Test
    void aFailedChunkWriteFailsTheRegionAndDropsTheRestUnread() throws Exception {
        IOException reset = new IOException("connection reset");
        streamer(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ((ByteBuf) msg).release();
                promise.setFailure(reset);
            }
        });
        DefaultFileRegion region = region(content(4 * CHUNK, 9));
        ChannelPromise promise = channel.newPromise();
        assertTrue(streamer.stream(new RegionWrite(region, promise)), "done with the region");
        assertSame(reset, promise.cause());
        assertEquals(CHUNK, region.transferred(), "the rest is not read");
        assertEquals(4 * CHUNK, owner.taken, "nor held");
        assertEquals(0, region.refCnt());
        assertEquals(0, owner.chunksWritten);
    }

    @Test
    void aTruncatedFileIsReportedUnreadableAfterTheChunksBeforeIt() throws Exception {
        streamer();
        byte[] content = content(CHUNK + 100, 10);
        Path f = Files.createTempFile(dir, "region", ".bin");
        Files.write(f, content);
        DefaultFileRegion region = new DefaultFileRegion(f.toFile(), 0, 3 * CHUNK);
        RegionWrite w = new RegionWrite(region, channel.newPromise());
        assertFalse(streamer.stream(w));
        channel.flush();
        assertFalse(streamer.stream(w));
        assertSame(w, owner.unreadable);
        assertInstanceOf(IOException.class, owner.unreadableCause);
        assertEquals(List.of(CHUNK), FramingSealer.unframe(channel, received), "the first chunk went out");
        w.fail(owner.unreadableCause);
        assertEquals(0, region.refCnt());
    }

    @Test
    void aRegionThatStopsShortIsReportedUnreadableInsteadOfSpinning() throws Exception {
        streamer();
        MemoryRegion region = new MemoryRegion(new byte[1000], 300);
        region.count = 2000;
        RegionWrite w = new RegionWrite(region, channel.newPromise());
        assertFalse(streamer.stream(w));
        assertSame(w, owner.unreadable);
        assertTrue(owner.unreadableCause.getMessage().contains("ended at byte 1000"), owner.unreadableCause::getMessage);
        assertEquals(0, sealer.seals);
        w.fail(owner.unreadableCause);
        assertEquals(0, region.refCnt());
    }

    @Test
    void aSealFailureRunsTheFailurePathAndLeavesTheRegionToIt() throws Exception {
        streamer();
        sealer.failWith = TlsException.internal("broken", new IllegalStateException());
        DefaultFileRegion region = region(content(100, 11));
        RegionWrite w = new RegionWrite(region, channel.newPromise());
        TlsException thrown = assertThrows(TlsException.class, () -> streamer.stream(w));
        assertSame(sealer.failWith, thrown);
        assertEquals(List.of(sealer.failWith), sealer.failures);
        assertEquals(1, region.refCnt(), "still queued: the failure path fails it");
        w.fail(thrown);
        assertEquals(0, region.refCnt());
        assertSame(thrown, w.promise.cause());
    }

    @Test
    void stopsWhenTheQueueWasFailedWhileAChunkWasWritten() throws Exception {
        // Completes every write as it is made, so the owner hears of it inside stream().
        streamer(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ctx.write(msg);
                promise.setSuccess();
            }
        });
        DefaultFileRegion region = region(content(4 * CHUNK, 12));
        RegionWrite w = new RegionWrite(region, channel.newPromise());
        // As when a listener of that write closes the channel: the queue fails everything in it.
        owner.onChunkWritten = () -> w.fail(new IOException("closed"));
        assertFalse(streamer.stream(w));
        assertEquals(CHUNK, region.transferred());
        assertEquals(0, region.refCnt(), "released once");
        assertInstanceOf(IOException.class, w.promise.cause());
    }

    /** Records what the streamer tells its queue. */
    private static final class RecordingOwner implements RegionStreamer.Owner {
        long taken;
        int chunksWritten;
        RegionWrite unreadable;
        IOException unreadableCause;
        Runnable onChunkWritten;

        @Override
        public void regionBytesTaken(long bytes) {
            taken += bytes;
        }

        @Override
        public void chunkWritten() {
            chunksWritten++;
            if (onChunkWritten != null) {
                onChunkWritten.run();
            }
        }

        @Override
        public void regionUnreadable(RegionWrite region, IOException cause) {
            unreadable = region;
            unreadableCause = cause;
        }
    }

    /** A channel that takes at most {@code limit} bytes in all, and discards them. */
    private static final class Taking implements WritableByteChannel {
        private int limit;

        Taking(int limit) {
            this.limit = limit;
        }

        @Override
        public int write(ByteBuffer src) {
            int n = Math.min(limit, src.remaining());
            src.position(src.position() + n);
            limit -= n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
            // Nothing to close.
        }
    }

    /**
     * A region over an array that offers at most {@code step} bytes per transfer and counts the transfers
     * its target took only part of; past the array's end it transfers nothing (as some regions do).
     */
    private static final class MemoryRegion extends AbstractReferenceCounted implements FileRegion {
        private final byte[] content;
        private final int step;
        long count;
        long transferred;
        int partialWrites;

        MemoryRegion(byte[] content, int step) {
            this.content = content;
            this.step = step;
            this.count = content.length;
        }

        @Override
        public long position() {
            return 0;
        }

        @Override
        @Deprecated
        public long transfered() {
            return transferred;
        }

        @Override
        public long transferred() {
            return transferred;
        }

        @Override
        public long count() {
            return count;
        }

        @Override
        public long transferTo(WritableByteChannel target, long position) throws IOException {
            int n = (int) Math.min(step, content.length - position);
            if (n <= 0) {
                return 0;
            }
            int written = target.write(ByteBuffer.wrap(content, (int) position, n));
            if (written < n) {
                partialWrites++;
            }
            transferred += written;
            return written;
        }

        @Override
        public FileRegion retain() {
            super.retain();
            return this;
        }

        @Override
        public FileRegion retain(int increment) {
            super.retain(increment);
            return this;
        }

        @Override
        public FileRegion touch() {
            return this;
        }

        @Override
        public FileRegion touch(Object hint) {
            return this;
        }

        @Override
        protected void deallocate() {
            // Nothing to free.
        }
    }
}
