package dev.tls13.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.FileRegion;
import io.netty.channel.WriteBufferWaterMark;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Tls13Handler} encrypts {@link FileRegion} writes (Reactor Netty's {@code sendFile} writes a
 * {@link DefaultFileRegion} when it sees no {@code SslHandler}): in order with buffers, with bounded
 * read-ahead, and releasing every region exactly once on every path.
 */
class Tls13HandlerFileRegionTest {

    @TempDir
    Path dir;

    private final ChannelPair pair = new ChannelPair();

    @AfterEach
    void finish() {
        pair.finish();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private Path file(byte[] content) throws IOException {
        Path f = Files.createTempFile(dir, "region", ".bin");
        Files.write(f, content);
        return f;
    }

    private static DefaultFileRegion region(Path file, long count) {
        return new DefaultFileRegion(file.toFile(), 0, count);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 16383, 16384, 16385, (1 << 20) + 3})
    void sendsARegionBetweenBuffersAndThePeerDecryptsExactlyItsBytesInOrder(int size) throws IOException {
        pair.start();
        pair.shuttle();
        byte[] content = random(size, size);
        DefaultFileRegion region = region(file(content), size);
        ChannelFuture before = pair.client.write(Unpooled.wrappedBuffer(new byte[] {'<'}));
        ChannelFuture sent = pair.client.write(region);
        ChannelFuture after = pair.client.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'>'}));
        pair.shuttle();

        assertTrue(before.isSuccess());
        assertTrue(sent.isSuccess(), () -> String.valueOf(sent.cause()));
        assertTrue(after.isSuccess());
        assertEquals(0, region.refCnt(), "released once");
        byte[] expected = new byte[size + 2];
        expected[0] = '<';
        System.arraycopy(content, 0, expected, 1, size);
        expected[size + 1] = '>';
        assertArrayEquals(expected, ByteBufUtil.getBytes(pair.serverApp.received));
        assertTrue(pair.serverApp.exceptions.isEmpty());
    }

    @Test
    void sendsManyRegionsAndBuffersInWriteOrderWithRecordsOfAtMostTheWrapSize() throws IOException {
        pair.start();
        pair.shuttle();
        int[] sizes = {0, 1, 16383, 16384, 16385, (1 << 20) + 3};
        ByteBuf expected = Unpooled.buffer();
        List<ChannelFuture> futures = new ArrayList<>();
        List<FileRegion> regions = new ArrayList<>();
        try {
            for (int size : sizes) {
                byte[] content = random(size, 31L * size);
                DefaultFileRegion region = region(file(content), size);
                regions.add(region);
                byte[] marker = ("[" + size + "]").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                futures.add(pair.client.write(Unpooled.wrappedBuffer(marker)));
                futures.add(pair.client.write(region));
                expected.writeBytes(marker).writeBytes(content);
            }
            pair.client.flush();
            ChannelPair.move(pair.client, pair.server);
            for (ChannelFuture f : futures) {
                assertTrue(f.isSuccess(), () -> String.valueOf(f.cause()));
            }
            for (FileRegion r : regions) {
                assertEquals(0, r.refCnt());
            }
            assertEquals(expected, pair.serverApp.received);
            assertTrue(pair.serverApp.exceptions.isEmpty());
        } finally {
            expected.release();
        }
    }

    @Test
    void writesRecordsOfFullSizeFromARegion() throws IOException {
        pair.start();
        pair.shuttle();
        int size = 3 * Tls13Handler.REGION_CHUNK + 5;
        pair.client.writeAndFlush(region(file(random(size, 7)), size));
        ByteBuf wire = ChannelPair.drain(pair.client);
        try {
            int records = 0;
            int i = wire.readerIndex();
            while (i < wire.writerIndex()) {
                int length = wire.getUnsignedShort(i + 3);
                assertTrue(length <= 16384 + 256, "record of " + length);
                records++;
                i += 5 + length;
            }
            // 64 KiB chunks of four full records each; the 5 bytes left make one more.
            assertEquals(3 * 4 + 1, records);
        } finally {
            wire.release();
        }
    }

    @Test
    void queuesARegionWrittenBeforeTheHandshakeAndSendsItAfter() throws IOException {
        pair.start(ChannelPair.clientContext().maxPendingWriteBytes(100).build(),
                ChannelPair.serverContext().build());
        byte[] content = random(200_000, 3);
        DefaultFileRegion region = region(file(content), content.length);
        // The cap on queued plaintext bounds memory; a queued region holds none, so it may exceed it.
        ChannelFuture sent = pair.client.writeAndFlush(region);
        assertFalse(sent.isDone());
        assertFalse(pair.client.isWritable(), "the region's bytes count as held plaintext");
        ChannelFuture small = pair.client.writeAndFlush(Unpooled.wrappedBuffer(random(50, 4)));
        assertFalse(small.isDone(), "a buffer after the region is still within the cap");
        pair.shuttle();
        assertTrue(sent.isSuccess());
        assertTrue(small.isSuccess());
        assertEquals(0, region.refCnt());
        assertTrue(pair.client.isWritable());
        assertEquals(content.length + 50, pair.serverApp.received.readableBytes());
        assertArrayEquals(content, ByteBufUtil.getBytes(pair.serverApp.received, 0, content.length));
    }

    @Test
    void reportsProgressOnAProgressivePromise() throws IOException {
        pair.start();
        pair.shuttle();
        int size = 2 * Tls13Handler.REGION_CHUNK + 10;
        DefaultFileRegion region = region(file(random(size, 5)), size);
        List<Long> progress = new ArrayList<>();
        ChannelProgressivePromise promise = pair.client.newProgressivePromise();
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
        pair.client.writeAndFlush(region, promise);
        pair.shuttle();
        assertTrue(promise.isSuccess());
        assertEquals(List.of((long) Tls13Handler.REGION_CHUNK, 2L * Tls13Handler.REGION_CHUNK, (long) size, -1L),
                progress);
    }

    @Test
    void closeSendsAnUnflushedRegionBeforeCloseNotifyLikeABuffer() throws IOException {
        pair.start();
        pair.shuttle();
        // Within what the channel takes at once; a larger rest is aborted (see the test with Holder).
        byte[] content = random(50_000, 1);
        DefaultFileRegion region = region(file(content), content.length);
        ChannelFuture sent = pair.client.write(region);
        pair.client.close();
        pair.shuttle();
        assertTrue(sent.isSuccess());
        assertEquals(0, region.refCnt());
        assertArrayEquals(content, ByteBufUtil.getBytes(pair.serverApp.received));
        assertTrue(pair.serverHandler.sslCloseFuture().isSuccess());
    }

    @Test
    void closeBeforeTheHandshakeFailsAQueuedRegionAndReleasesIt() throws IOException {
        pair.start();
        DefaultFileRegion region = region(file(random(1000, 1)), 1000);
        ChannelFuture sent = pair.client.writeAndFlush(region);
        pair.client.close();
        assertInstanceOf(SSLException.class, sent.cause());
        assertEquals(0, region.refCnt());
    }

    @Test
    void theChannelClosingUnderneathFailsAnUnflushedRegionAndReleasesIt() throws IOException {
        pair.start();
        pair.shuttle();
        DefaultFileRegion region = region(file(random(1000, 1)), 1000);
        ChannelFuture sent = pair.client.write(region);
        // As when the peer resets the connection: the transport closes, our close() is not involved.
        pair.client.unsafe().close(pair.client.voidPromise());
        pair.client.runPendingTasks();
        assertInstanceOf(java.nio.channels.ClosedChannelException.class, sent.cause());
        assertEquals(0, region.refCnt());
    }

    @Test
    void handshakeFailureFailsAQueuedRegionAndReleasesIt() throws IOException {
        // The client trusts another CA, so it rejects the server's certificate.
        pair.start(ChannelPair.clientContext().trustManager(
                dev.tls13.testing.TestPki.ca(dev.tls13.testing.TestPki.KeyType.RSA_2048).certificate()).build(),
                ChannelPair.serverContext().build());
        DefaultFileRegion region = region(file(random(1000, 2)), 1000);
        ChannelFuture sent = pair.client.writeAndFlush(region);
        pair.shuttle();
        assertFalse(pair.clientHandler.handshakeFuture().isSuccess());
        assertFalse(sent.isSuccess());
        assertEquals(0, region.refCnt());
    }

    @Test
    void removingTheHandlerFailsAQueuedRegionAndReleasesIt() throws IOException {
        pair.start();
        DefaultFileRegion region = region(file(random(1000, 3)), 1000);
        ChannelFuture sent = pair.client.write(region);
        pair.client.pipeline().remove(pair.clientHandler);
        assertInstanceOf(SSLException.class, sent.cause());
        assertEquals(0, region.refCnt());
    }

    @Test
    void aRegionWrittenAfterCloseOutboundIsReleasedAndFails() throws IOException {
        pair.start();
        pair.shuttle();
        pair.clientHandler.closeOutbound();
        DefaultFileRegion region = region(file(random(10, 3)), 10);
        ChannelFuture sent = pair.client.writeAndFlush(region);
        assertInstanceOf(SSLException.class, sent.cause());
        assertEquals(0, region.refCnt());
    }

    @Test
    void aTruncatedFileFailsTheWriteWithIOExceptionAndClosesWithoutCloseNotify() throws IOException {
        pair.start();
        pair.shuttle();
        int size = 3 * Tls13Handler.REGION_CHUNK;
        Path file = file(random(size, 9));
        DefaultFileRegion region = region(file, size);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(Tls13Handler.REGION_CHUNK + 100);
        }
        ChannelFuture sent = pair.client.write(region);
        ChannelFuture behind = pair.client.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
        assertInstanceOf(IOException.class, sent.cause());
        assertInstanceOf(IOException.class, behind.cause());
        assertEquals(0, region.refCnt());
        assertFalse(pair.client.isOpen());
        pair.shuttle();
        // The peer got the first chunk, and no close_notify: the stream ends truncated, not cleanly.
        assertEquals(Tls13Handler.REGION_CHUNK, pair.serverApp.received.readableBytes());
        assertFalse(pair.serverHandler.sslCloseFuture().isDone());
    }

    @Test
    void aRegionThatStopsShortFailsWithIOExceptionInsteadOfSpinning() {
        pair.start();
        pair.shuttle();
        ShortRegion region = new ShortRegion(100_000, 40_000);
        ChannelFuture sent = pair.client.writeAndFlush(region);
        assertInstanceOf(IOException.class, sent.cause());
        assertEquals(0, region.refCnt());
        assertFalse(pair.client.isOpen());
    }

    @Test
    void readsNoFurtherAheadThanTheHighWaterMarkWhileTheChannelDoesNotTakeTheRecords() throws IOException {
        pair.client.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8 * 1024, 16 * 1024));
        Holder holder = new Holder();
        pair.client.pipeline().addFirst(holder);
        pair.start();
        pair.shuttle();
        int size = 4 << 20;
        byte[] content = random(size, 11);
        DefaultFileRegion region = region(file(content), size);
        holder.holding = true;
        ChannelFuture sent = pair.client.writeAndFlush(region);
        // A bound of one chunk plus the mark, with room for the record overhead.
        long bound = Tls13Handler.REGION_CHUNK + 16 * 1024 + 1024;
        ChannelFuture after = pair.client.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'!'}));
        assertTrue(region.transferred() <= Tls13Handler.REGION_CHUNK, "read ahead: " + region.transferred());
        assertTrue(holder.heldBytes() <= bound);
        assertFalse(pair.client.isWritable(), "the unread rest of the region keeps the channel unwritable");
        assertFalse(after.isDone(), "the buffer written after the region waits for it");

        int rounds = 0;
        while (!sent.isDone()) {
            holder.passHeld();
            rounds++;
            assertTrue(holder.heldBytes() <= bound, "held " + holder.heldBytes());
            assertTrue(region.transferred() <= holder.delivered + bound,
                    "read " + region.transferred() + ", delivered " + holder.delivered);
            assertTrue(rounds < 1000);
        }
        holder.holding = false;
        holder.passHeld();
        assertTrue(sent.isSuccess());
        assertTrue(after.isSuccess());
        assertTrue(rounds >= size / Tls13Handler.REGION_CHUNK - 1, "streamed in steps: " + rounds);
        assertTrue(pair.client.isWritable());
        assertEquals(0, region.refCnt());
        pair.shuttle();
        assertEquals(size + 1, pair.serverApp.received.readableBytes());
        assertArrayEquals(content, ByteBufUtil.getBytes(pair.serverApp.received, 0, size));
    }

    @Test
    void closingWhileARegionWaitsForTheChannelFailsTheRestAndReleasesIt() throws IOException {
        Holder holder = new Holder();
        pair.client.pipeline().addFirst(holder);
        pair.start();
        pair.shuttle();
        int size = 1 << 20;
        DefaultFileRegion region = region(file(random(size, 13)), size);
        holder.holding = true;
        ChannelFuture sent = pair.client.writeAndFlush(region);
        assertTrue(region.transferred() < size);
        holder.holding = false;
        pair.client.close();
        holder.passHeld();
        assertFalse(sent.isSuccess());
        assertEquals(0, region.refCnt());
    }

    @Test
    void aListenerOfTheRegionThatWritesAndFlushesWhileTheRegionIsSentKeepsTheOrder() throws IOException {
        // Completes every write as it is made, so the region's promise completes inside the handler's drain.
        pair.client.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ctx.write(msg);
                promise.setSuccess();
            }
        });
        pair.start();
        pair.shuttle();
        int size = 3 * Tls13Handler.REGION_CHUNK + 1;
        byte[] content = random(size, 17);
        DefaultFileRegion region = region(file(content), size);
        ChannelFuture[] next = new ChannelFuture[1];
        ChannelFuture sent = pair.client.write(region).addListener(f ->
                next[0] = pair.client.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'!'})));
        ChannelFuture last = pair.client.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'.'}));
        pair.shuttle();
        assertTrue(sent.isSuccess());
        assertTrue(next[0].isSuccess());
        assertTrue(last.isSuccess());
        assertEquals(0, region.refCnt());
        byte[] expected = java.util.Arrays.copyOf(content, size + 2);
        expected[size] = '.';
        expected[size + 1] = '!';
        assertArrayEquals(expected, ByteBufUtil.getBytes(pair.serverApp.received));
    }

    @Test
    void aListenerThatClosesWhileTheNextRegionIsSentFailsItAndReleasesIt() throws IOException {
        pair.client.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ctx.write(msg);
                promise.setSuccess();
            }
        });
        pair.start();
        pair.shuttle();
        DefaultFileRegion first = region(file(random(100, 18)), 100);
        DefaultFileRegion second = region(file(random(1 << 20, 19)), 1 << 20);
        ChannelFuture firstSent = pair.client.write(first).addListener(f -> pair.client.close());
        ChannelFuture secondSent = pair.client.writeAndFlush(second);
        assertTrue(firstSent.isSuccess());
        assertFalse(secondSent.isSuccess());
        assertEquals(0, first.refCnt());
        assertEquals(0, second.refCnt());
        assertFalse(pair.client.isOpen());
    }

    /** Holds the handler's writes (a peer that does not read); passes them on when told to. */
    private static final class Holder extends ChannelOutboundHandlerAdapter {
        final ArrayDeque<Object[]> held = new ArrayDeque<>();
        boolean holding;
        long delivered;
        private ChannelHandlerContext ctx;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (holding) {
                held.add(new Object[] {msg, promise});
            } else {
                ctx.write(msg, promise);
            }
        }

        long heldBytes() {
            long n = 0;
            for (Object[] w : held) {
                n += ((ByteBuf) w[0]).readableBytes();
            }
            return n;
        }

        /** Passes what is held now and flushes; completing those writes makes the handler write more. */
        void passHeld() {
            int n = held.size();
            for (int i = 0; i < n; i++) {
                Object[] w = held.poll();
                delivered += ((ByteBuf) w[0]).readableBytes();
                ctx.write(w[0], (ChannelPromise) w[1]);
            }
            ctx.flush();
        }
    }

    /** A region whose source ends before its count: transferTo returns 0, as some regions do. */
    private static final class ShortRegion extends io.netty.util.AbstractReferenceCounted implements FileRegion {
        private final long count;
        private final long available;
        private long transferred;

        ShortRegion(long count, long available) {
            this.count = count;
            this.available = available;
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
        public long transferTo(java.nio.channels.WritableByteChannel target, long position) throws IOException {
            long n = Math.min(available - position, 1000);
            if (n <= 0) {
                return 0;
            }
            int written = target.write(java.nio.ByteBuffer.wrap(new byte[(int) n]));
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
