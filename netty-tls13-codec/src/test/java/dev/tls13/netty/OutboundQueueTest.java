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
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OutboundQueue} without a handshake: a {@link FramingSealer} stands in for the connection (one
 * frame per seal), an {@link EmbeddedChannel} for the transport (writes complete when it is flushed).
 */
class OutboundQueueTest {

    @TempDir
    Path dir;

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final FramingSealer sealer = new FramingSealer();
    private final ByteBuf received = Unpooled.buffer();
    private OutboundQueue queue;

    @BeforeEach
    void setUp() {
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter());
        queue = new OutboundQueue(channel.pipeline().lastContext(), channel.alloc(), sealer);
    }

    @AfterEach
    void finish() {
        received.release();
        channel.finishAndReleaseAll();
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    private ChannelPromise add(String s) {
        ChannelPromise promise = channel.newPromise();
        queue.add(ascii(s), promise, Long.MAX_VALUE);
        return promise;
    }

    private String receivedText() {
        return received.toString(StandardCharsets.US_ASCII);
    }

    private boolean heldPlaintextWritable() {
        return channel.unsafe().outboundBuffer().getUserDefinedWritability(OutboundQueue.HELD_PLAINTEXT_WRITABILITY);
    }

    @Test
    void holdsWritesUntilTheHandshakeCompletesAndSendsThemFirstWhenFlushedMeanwhile() throws Exception {
        ChannelPromise a = add("early ");
        queue.flush();
        ChannelPromise b = add("data ");
        queue.flush();
        assertNull(channel.readOutbound(), "nothing is sealed before the handshake completed");
        assertEquals(0, sealer.seals);

        assertTrue(queue.handshakeComplete(false, false), "the application flushed: the held writes are due");
        ChannelPromise c = add("late");
        queue.flush();
        channel.flush();

        assertEquals(List.of(15), FramingSealer.unframe(channel, received), "one seal for all three");
        assertEquals("early data late", receivedText());
        assertTrue(a.isSuccess() && b.isSuccess() && c.isSuccess());
        assertTrue(queue.isEmpty());
    }

    @Test
    void heldWritesAreNotDueWhenTheApplicationDidNotFlush() throws Exception {
        add("held");
        assertFalse(queue.handshakeComplete(false, false));
        assertFalse(queue.handshakeComplete(false, false), "reported once");
        assertFalse(queue.isEmpty());
        queue.flush();
        channel.flush();
        assertEquals(List.of(4), FramingSealer.unframe(channel, received));
    }

    @Test
    void coalescesTheFlushedWritesIntoOneSealAndCompletesEachPromiseWithItsWrite() throws Exception {
        queue.handshakeComplete(false, false);
        List<ChannelPromise> promises = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            promises.add(add("w" + i + ";"));
        }
        queue.flush();
        assertEquals(1, sealer.seals);
        for (ChannelPromise p : promises) {
            assertFalse(p.isDone(), "done only when the records are written");
        }
        channel.flush();
        for (ChannelPromise p : promises) {
            assertTrue(p.isSuccess());
        }
        FramingSealer.unframe(channel, received);
        assertEquals("w0;w1;w2;w3;w4;", receivedText());
    }

    @Test
    void aSingleWriteWithTheVoidPromiseIsSealedAndWrittenToo() throws Exception {
        queue.handshakeComplete(false, false);
        queue.add(ascii("void"), channel.voidPromise(), Long.MAX_VALUE);
        queue.flush();
        channel.flush();
        assertEquals(List.of(4), FramingSealer.unframe(channel, received));
    }

    @Test
    void capsTheBuffersHeldBeforeTheHandshakeButNotTheRegionsOrLaterWrites() throws Exception {
        ChannelPromise within = channel.newPromise();
        queue.add(ascii("123456"), within, 10);
        ChannelPromise region = channel.newPromise();
        DefaultFileRegion file = region(new byte[1000]);
        queue.add(file, region);
        ChannelPromise upToTheCap = channel.newPromise();
        queue.add(ascii("7890"), upToTheCap, 10);
        assertFalse(upToTheCap.isDone(), "the region's 1000 bytes do not count");
        ByteBuf over = ascii("1");
        ChannelPromise beyond = channel.newPromise();
        queue.add(over, beyond, 10);
        assertInstanceOf(SSLException.class, beyond.cause());
        assertEquals(0, over.refCnt(), "released");
        assertFalse(within.isDone());
        assertFalse(region.isDone(), "a region holds no memory while queued");

        queue.handshakeComplete(false, false);
        ChannelPromise after = channel.newPromise();
        queue.add(ascii("x".repeat(100)), after, 10);
        assertFalse(after.isDone(), "the cap applies only before the handshake");
        queue.failAll(new IOException("end of test"));
    }

    @Test
    void theHeldPlaintextTurnsTheChannelUnwritableAboveTheHighMarkAndWritableBelowTheLow() throws Exception {
        add("0123456789");
        assertTrue(channel.isWritable());
        add("0123456789");
        assertFalse(channel.isWritable(), "20 bytes held, above 16");
        assertFalse(heldPlaintextWritable(), "through the held-plaintext bit");
        queue.handshakeComplete(false, false);
        queue.flush();
        // The channel's own buffer now holds the records; the queue holds nothing.
        assertTrue(heldPlaintextWritable(), "sealed and handed to the channel: nothing held");
        channel.flush();
        FramingSealer.unframe(channel, received);
    }

    @Test
    void aQueuedRegionCountsAgainstWritabilityUntilItIsRead() throws Exception {
        DefaultFileRegion file = region(new byte[100]);
        queue.add(file, channel.newPromise());
        assertFalse(heldPlaintextWritable());
        queue.handshakeComplete(false, false);
        queue.flush();
        assertTrue(heldPlaintextWritable(), "read and handed to the channel: nothing held");
        channel.flush();
        assertEquals(List.of(100), FramingSealer.unframe(channel, received));
    }

    @Test
    void sendsRegionsInOrderWithTheBuffersAroundThem() throws Exception {
        channel.config().setWriteBufferWaterMark(WriteBufferWaterMark.DEFAULT);
        queue.handshakeComplete(false, false);
        byte[] content = new byte[2 * RegionStreamer.CHUNK + 3];
        new Random(1).nextBytes(content);
        DefaultFileRegion file = region(content);
        ChannelPromise before = add("<");
        ChannelPromise sent = channel.newPromise();
        queue.add(file, sent);
        ChannelPromise after = add(">");
        queue.flush();
        assertFalse(after.isDone());
        for (int rounds = 0; !after.isDone(); rounds++) {
            assertTrue(rounds < 100, "no progress");
            // Completing the chunk writes makes the queue go on by itself.
            channel.flush();
        }
        assertTrue(before.isSuccess() && sent.isSuccess() && after.isSuccess());
        assertEquals(0, file.refCnt());
        assertEquals(List.of(1, RegionStreamer.CHUNK, RegionStreamer.CHUNK, 3, 1),
                FramingSealer.unframe(channel, received));
        byte[] expected = new byte[content.length + 2];
        expected[0] = '<';
        System.arraycopy(content, 0, expected, 1, content.length);
        expected[expected.length - 1] = '>';
        assertArrayEquals(expected, ByteBufUtil.getBytes(received));
        assertTrue(queue.isEmpty());
    }

    @Test
    void failAllFailsAndReleasesEveryWriteAndMakesTheChannelWritableAgain() throws Exception {
        ByteBuf buf = ascii("0123456789abcdef0");
        ChannelPromise bufPromise = channel.newPromise();
        queue.add(buf, bufPromise, Long.MAX_VALUE);
        DefaultFileRegion file = region(new byte[10]);
        ChannelPromise regionPromise = channel.newPromise();
        queue.add(file, regionPromise);
        assertFalse(channel.isWritable());

        IOException cause = new IOException("closed");
        queue.failAll(cause);

        assertSame(cause, bufPromise.cause());
        assertSame(cause, regionPromise.cause());
        assertEquals(0, buf.refCnt());
        assertEquals(0, file.refCnt());
        assertTrue(queue.isEmpty());
        assertTrue(channel.isWritable());
    }

    @Test
    void aSealFailureFailsTheWritesItTookBeforeTheFailurePathRuns() throws Exception {
        queue.handshakeComplete(false, false);
        ChannelPromise a = add("a");
        ChannelPromise b = add("b");
        sealer.failWith = TlsException.internal("broken", new IllegalStateException());
        List<Boolean> failedFirst = new ArrayList<>();
        sealer.onSealFailed = () -> failedFirst.add(a.cause() == sealer.failWith && b.cause() == sealer.failWith);
        TlsException thrown = assertThrows(TlsException.class, queue::flush);
        assertSame(sealer.failWith, thrown);
        assertEquals(List.of(true), failedFirst);
    }

    @Test
    void anUnreadableRegionFailsItAndEverythingBehindItAndClosesTheChannel() throws Exception {
        queue.handshakeComplete(false, false);
        Path f = Files.createTempFile(dir, "region", ".bin");
        Files.write(f, new byte[10]);
        DefaultFileRegion file = new DefaultFileRegion(f.toFile(), 0, 100);
        ChannelPromise sent = channel.newPromise();
        queue.add(file, sent);
        ChannelPromise behind = add("behind");
        queue.flush();
        assertInstanceOf(IOException.class, sent.cause());
        IOException behindCause = assertInstanceOf(IOException.class, behind.cause());
        assertSame(sent.cause(), behindCause.getCause());
        assertEquals(0, file.refCnt());
        assertTrue(queue.isEmpty());
        assertFalse(channel.isOpen());
    }

    @Test
    void aWriteCompletingInsideTheDrainThatWritesAndFlushesAgainKeepsTheOrder() throws Exception {
        // Completes every write as it is made, so the region's promise completes inside the queue's drain.
        channel.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ctx.write(msg);
                promise.setSuccess();
            }
        });
        channel.config().setWriteBufferWaterMark(WriteBufferWaterMark.DEFAULT);
        queue.handshakeComplete(false, false);
        DefaultFileRegion file = region(new byte[RegionStreamer.CHUNK + 1]);
        ChannelPromise sent = channel.newPromise();
        List<ChannelPromise> next = new ArrayList<>();
        sent.addListener(f -> {
            next.add(add("!"));
            queue.flush();
        });
        queue.add(file, sent);
        ChannelPromise last = add(".");
        queue.flush();
        channel.flush();
        assertTrue(sent.isSuccess() && last.isSuccess() && next.get(0).isSuccess());
        assertEquals(List.of(RegionStreamer.CHUNK, 1, 2), FramingSealer.unframe(channel, received),
                "the write made inside the drain joins the one queued before it");
        assertEquals(".!", received.toString(RegionStreamer.CHUNK + 1, 2, StandardCharsets.US_ASCII));
    }

    private ByteBuf addKept(String s, List<ChannelPromise> promises) {
        ByteBuf buf = ascii(s);
        ChannelPromise promise = channel.newPromise();
        queue.add(buf, promise, Long.MAX_VALUE);
        promises.add(promise);
        return buf;
    }

    @Test
    void withEarlyKeysAFlushSendsThePrefixThatFitsAndAcceptedPromisesFollowTheEarlyWrite() throws Exception {
        sealer.earlyAllowance = 10;
        List<ChannelPromise> p = new ArrayList<>();
        ByteBuf a = addKept("abcd", p);
        addKept("efg", p);
        addKept("hijkl", p);
        addKept("m", p);
        queue.flush();
        assertEquals(1, sealer.earlySeals, "abcd and efg as 0-RTT data in one seal");
        assertEquals(3, sealer.earlyAllowance);
        channel.flush();
        assertEquals(List.of(7), FramingSealer.unframe(channel, received));
        assertEquals("abcdefg", receivedText());
        assertFalse(p.get(0).isDone(), "written, but whether the server accepts it is not known yet");
        assertEquals(1, a.refCnt(), "kept for a resend until the outcome; the sealed duplicate was released");
        assertFalse(p.get(3).isDone(), "m would fit, but it follows hijkl, which does not: it waits");

        assertTrue(queue.handshakeComplete(true, true));
        assertTrue(p.get(0).isSuccess() && p.get(1).isSuccess(), "accepted: the early write succeeded");
        assertEquals(0, a.refCnt(), "released once accepted");
        queue.flush();
        channel.flush();
        assertEquals(List.of(6), FramingSealer.unframe(channel, received));
        assertEquals("abcdefghijklm", receivedText());
        assertTrue(p.get(2).isSuccess() && p.get(3).isSuccess());
        assertEquals(1, sealer.earlySeals);
        assertTrue(queue.isEmpty());
    }

    @Test
    void rejectedEarlyWritesAreSentAgainFirstAndInOrderAndTheirPromisesFollowThatWrite() throws Exception {
        sealer.earlyAllowance = 100;
        List<ChannelPromise> p = new ArrayList<>();
        ByteBuf one = addKept("one ", p);
        queue.flush();
        ByteBuf two = addKept("two ", p);
        queue.flush();
        assertEquals(2, sealer.earlySeals);
        // The server answered without early_data: the early keys are gone, later writes wait.
        sealer.earlyAllowance = 0;
        addKept("three", p);
        queue.flush();
        assertEquals(2, sealer.earlySeals);
        channel.flush();
        assertFalse(p.get(0).isDone() || p.get(1).isDone());

        assertTrue(queue.handshakeComplete(false, true), "the rejected writes are due");
        assertFalse(p.get(0).isDone(), "not before they are sent again");
        queue.flush();
        channel.flush();
        assertEquals(List.of(4, 4, 13), FramingSealer.unframe(channel, received));
        assertEquals("one two one two three", receivedText(), "0-RTT, then the same bytes as 1-RTT data first");
        for (ChannelPromise promise : p) {
            assertTrue(promise.isSuccess());
        }
        assertEquals(0, one.refCnt());
        assertEquals(0, two.refCnt());
        assertTrue(queue.isEmpty());
        assertTrue(heldPlaintextWritable());
    }

    @Test
    void rejectedEarlyWritesThatMayNotBeResentFail() throws Exception {
        sealer.earlyAllowance = 100;
        List<ChannelPromise> p = new ArrayList<>();
        ByteBuf early = addKept("early", p);
        queue.flush();
        channel.flush();
        FramingSealer.unframe(channel, received);
        assertTrue(queue.handshakeComplete(false, false));
        // RFC 8446 §4.2.10: not resent when the connection selected another ALPN protocol.
        assertInstanceOf(SSLException.class, p.get(0).cause());
        assertEquals(0, early.refCnt());
        assertTrue(queue.isEmpty());
        queue.flush();
        assertNull(channel.readOutbound());
    }

    @Test
    void failAllReleasesTheKeptEarlyWritesOnce() throws Exception {
        sealer.earlyAllowance = 100;
        List<ChannelPromise> p = new ArrayList<>();
        ByteBuf early = addKept("early", p);
        queue.flush();
        ByteBuf held = addKept("held", p);
        assertFalse(queue.isEmpty());
        IOException cause = new IOException("closed");
        queue.failAll(cause);
        assertSame(cause, p.get(0).cause());
        assertSame(cause, p.get(1).cause());
        assertEquals(0, early.refCnt());
        assertEquals(0, held.refCnt());
        assertTrue(queue.isEmpty());
        channel.flush();
        FramingSealer.unframe(channel, received);
    }

    @Test
    void writesFlushedBeforeTheHandshakeStartedGoOutEarlyWhenItStartsAndARegionEndsThePrefix() throws Exception {
        List<ChannelPromise> p = new ArrayList<>();
        addKept("first", p);
        ChannelPromise regionPromise = channel.newPromise();
        queue.add(region(new byte[3]), regionPromise);
        addKept("after", p);
        queue.flush();
        assertEquals(0, sealer.seals, "no early keys before the ClientHello");
        sealer.earlyAllowance = 100;
        assertTrue(queue.handshakeStarted());
        assertEquals(1, sealer.earlySeals);
        channel.flush();
        assertEquals(List.of(5), FramingSealer.unframe(channel, received), "the region and what follows it wait");
        assertFalse(queue.handshakeStarted(), "nothing more fits the prefix");
        assertTrue(queue.handshakeComplete(true, true));
        queue.flush();
        for (int rounds = 0; !p.get(1).isDone(); rounds++) {
            assertTrue(rounds < 100, "no progress");
            channel.flush();
        }
        assertEquals(List.of(3, 5), FramingSealer.unframe(channel, received));
        assertEquals("first", received.toString(0, 5, StandardCharsets.US_ASCII));
        assertEquals("after", received.toString(8, 5, StandardCharsets.US_ASCII));
        assertTrue(p.get(0).isSuccess() && regionPromise.isSuccess() && p.get(1).isSuccess());
    }

    private DefaultFileRegion region(byte[] content) throws IOException {
        Path f = Files.createTempFile(dir, "region", ".bin");
        Files.write(f, content);
        return new DefaultFileRegion(f.toFile(), 0, content.length);
    }
}
