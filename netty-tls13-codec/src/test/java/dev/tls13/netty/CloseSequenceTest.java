package dev.tls13.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link CloseSequence} on an {@link EmbeddedChannel} with frozen time: the timeouts and the close future's events. */
class CloseSequenceTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final List<Object> events = new ArrayList<>();
    private ChannelHandlerContext ctx;
    private CloseSequence closing;

    private void start(long flushTimeoutMillis, long readTimeoutMillis) {
        channel.freezeTime();
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter(), new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                events.add(evt);
            }
        });
        ctx = channel.pipeline().firstContext();
        closing = new CloseSequence(channel.eventLoop().newPromise(), flushTimeoutMillis, readTimeoutMillis);
    }

    @AfterEach
    void finish() {
        channel.finishAndReleaseAll();
    }

    private void advance(long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
    }

    @Test
    void closesOnceTheLastWriteIsFlushed() {
        start(3000, 0);
        ChannelPromise flushed = channel.newPromise();
        ChannelPromise closed = channel.newPromise();
        closing.closeAfter(ctx, flushed, closed);
        assertTrue(channel.isOpen(), "waits for the write");
        flushed.setSuccess();
        channel.runPendingTasks();
        assertFalse(channel.isOpen());
        assertTrue(closed.isSuccess());
    }

    @Test
    void closesAnywayWhenTheLastWriteIsNotFlushedWithinTheFlushTimeout() {
        start(3000, 0);
        ChannelPromise closed = channel.newPromise();
        closing.closeAfter(ctx, channel.newPromise(), closed);
        advance(2999);
        assertTrue(channel.isOpen());
        advance(1);
        assertFalse(channel.isOpen());
        assertTrue(closed.isSuccess());
    }

    @Test
    void writesCloseNotifyThenWaitsForThePeersUpToTheReadTimeout() {
        start(3000, 5000);
        ChannelPromise closed = channel.newPromise();
        closing.close(ctx, Unpooled.wrappedBuffer(new byte[] {21}), closed);
        assertEquals(1, channel.outboundMessages().size(), "close_notify written and flushed");
        advance(4999);
        assertTrue(channel.isOpen(), "waiting for the peer's close_notify");
        advance(1);
        assertFalse(channel.isOpen());
        assertTrue(closed.isSuccess());
    }

    @Test
    void closesAsSoonAsThePeersCloseNotifyArrives() {
        start(3000, 5000);
        ChannelPromise closed = channel.newPromise();
        closing.close(ctx, null, closed);
        assertTrue(channel.isOpen());
        closing.closeNotifyReceived(ctx);
        channel.runPendingTasks();
        assertFalse(channel.isOpen());
        assertTrue(closed.isSuccess());
        assertTrue(closing.future().isSuccess());
    }

    @Test
    void closeOutboundWritesCloseNotifyAndKeepsTheChannelOpen() {
        start(3000, 0);
        ChannelPromise written = channel.newPromise();
        closing.closeOutbound(ctx, Unpooled.wrappedBuffer(new byte[] {21}), written);
        assertTrue(written.isSuccess());
        assertTrue(channel.isOpen());
        ChannelPromise again = channel.newPromise();
        closing.closeOutbound(ctx, null, again);
        assertTrue(again.isSuccess(), "nothing more to send");
    }

    @Test
    void theChannelClosingFirstFailsTheCloseFutureWithClosedChannelException() {
        start(3000, 0);
        closing.channelInactive(ctx);
        assertInstanceOf(ClosedChannelException.class, closing.future().cause());
        assertEquals(1, events.size());
        SslCloseCompletionEvent event = (SslCloseCompletionEvent) events.get(0);
        assertSame(closing.future().cause(), event.cause());
        closing.channelInactive(ctx);
        assertEquals(1, events.size(), "once");
    }

    @Test
    void aFailureAfterTheHandshakeFailsTheCloseFutureAndItsEventFollowsWhenTheChannelCloses() {
        start(3000, 0);
        SSLException cause = new SSLException("certificate_required");
        closing.connectionFailed(cause);
        assertSame(cause, closing.future().cause());
        assertEquals(List.of(), events, "not yet");
        closing.channelInactive(ctx);
        assertEquals(1, events.size());
        assertSame(cause, ((SslCloseCompletionEvent) events.get(0)).cause());
        closing.channelInactive(ctx);
        assertEquals(1, events.size(), "once");
    }

    @Test
    void theFirstOutcomeWins() {
        start(3000, 0);
        closing.closeNotifyReceived(ctx);
        closing.connectionFailed(new SSLException("late"));
        closing.fail(ctx, new SSLException("removed"));
        closing.channelInactive(ctx);
        assertTrue(closing.future().isSuccess());
        assertEquals(List.of(SslCloseCompletionEvent.SUCCESS), events);
        assertSame(SslCloseCompletionEvent.SUCCESS, events.get(0), "the singleton, which consumers compare by identity");
    }
}
