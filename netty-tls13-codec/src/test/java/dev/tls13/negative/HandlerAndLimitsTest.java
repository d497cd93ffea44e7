package dev.tls13.negative;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.connection.Limits;
import dev.tls13.connection.TlsConnection;
import dev.tls13.error.InvalidMessage;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.negative.Duel.Profile;
import dev.tls13.netty.Tls13Handler;
import dev.tls13.wire.AlertDescription;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Hostile input through the Netty handler, and the allocation bound of the handshake message cap. */
class HandlerAndLimitsTest {

    @AfterAll
    static void summary() {
        Tally.print();
    }

    /** Records the user events the handler fires. */
    private static final class Events extends ChannelInboundHandlerAdapter {
        final List<Object> events = new ArrayList<>();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }
    }

    private static ByteBuf drainOutbound(EmbeddedChannel ch) {
        ByteBuf all = Unpooled.buffer();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            all.writeBytes(b);
            b.release();
        }
        return all;
    }

    /** Feeds bytes; the handler's failure reaches the pipeline's end, where EmbeddedChannel rethrows it. */
    private static void feed(EmbeddedChannel ch, ByteBuf bytes) {
        try {
            ch.writeInbound(bytes);
        } catch (io.netty.handler.codec.DecoderException expected) {
            assertInstanceOf(TlsException.class, expected.getCause(), "the pipeline sees the typed exception");
        }
    }

    @Test
    void plaintextHttpToTheTlsServerIsANotATlsRecordFailureWithADecodeErrorAlertAndAClose() {
        Tls13Context server = Duel.serverContext(Profile.PLAIN).build();
        EmbeddedChannel ch = new EmbeddedChannel();
        Tls13Handler handler = server.newHandler(ch.alloc());
        Events events = new Events();
        ch.pipeline().addLast(handler, events);
        feed(ch, Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII));
        ch.runPendingTasks();
        assertFalse(ch.isOpen(), "the channel is closed");
        Throwable cause = handler.handshakeFuture().cause();
        TlsException e = assertInstanceOf(TlsException.class, cause);
        assertEquals(new TlsFailure.Invalid(InvalidMessage.NOT_A_TLS_RECORD, "").reason(),
                ((TlsFailure.Invalid) e.failure()).reason());
        assertTrue(e.getMessage().toLowerCase().contains("tls"), e.getMessage());
        ByteBuf wire = drainOutbound(ch);
        try {
            assertArrayEquals(new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 50}, ByteBufUtil.getBytes(wire),
                    "a plaintext fatal decode_error alert reached the wire");
        } finally {
            wire.release();
        }
        SslHandshakeCompletionEvent event = (SslHandshakeCompletionEvent) events.events.stream()
                .filter(SslHandshakeCompletionEvent.class::isInstance).findFirst().orElseThrow();
        assertFalse(event.isSuccess());
        assertEquals(cause, event.cause());
        Tally.count(AlertDescription.DECODE_ERROR.toString());
    }

    @Test
    void sslv2ClientHelloThroughTheHandlerIsAProtocolVersionFailure() {
        Tls13Context server = Duel.serverContext(Profile.PLAIN).build();
        EmbeddedChannel ch = new EmbeddedChannel();
        Tls13Handler handler = server.newHandler(ch.alloc());
        ch.pipeline().addLast(handler);
        // RFC 6101 E.2: a 2-byte length with the high bit set, msg_type 1, version 3.3.
        feed(ch, Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, 0x2E, 0x01, 0x03, 0x03, 0x00, 0x15}));
        ch.runPendingTasks();
        assertFalse(ch.isOpen());
        TlsException e = assertInstanceOf(TlsException.class, handler.handshakeFuture().cause());
        assertEquals(AlertDescription.PROTOCOL_VERSION, e.failure().alert());
        ByteBuf wire = drainOutbound(ch);
        try {
            assertArrayEquals(new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 70}, ByteBufUtil.getBytes(wire));
        } finally {
            wire.release();
        }
        Tally.count(AlertDescription.PROTOCOL_VERSION.toString());
    }

    @Test
    void serverWhosePeerStopsMidHandshakeTimesOutFailsTheFutureAndCloses() {
        try (Duel d = Duel.start(false, Profile.PLAIN, true)) {
            Victim.Handler victim = (Victim.Handler) d.victim;
            victim.channel.freezeTime();
            d.deliverNext();
            ByteBuf flight = victim.pollOutput();
            assertNotNull(flight, "the server answered the ClientHello");
            flight.release();
            // The client now goes silent instead of sending its Finished.
            victim.channel.advanceTimeBy(victim.handler.getHandshakeTimeoutMillis() + 1,
                    java.util.concurrent.TimeUnit.MILLISECONDS);
            victim.channel.runPendingTasks();
            victim.channel.runScheduledPendingTasks();
            assertFalse(victim.channel.isOpen(), "closed after the timeout");
            assertInstanceOf(javax.net.ssl.SSLHandshakeException.class, victim.handler.handshakeFuture().cause());
            assertTrue(victim.events.stream().anyMatch(e -> e instanceof SslHandshakeCompletionEvent
                    && !((SslHandshakeCompletionEvent) e).isSuccess()));
            ByteBuf rest = victim.pollOutput();
            if (rest != null) {
                rest.release();
            }
        }
        Tally.count("handshake timeout");
    }

    /** Counts the largest buffer anyone asked for, including growth through ensureWritable. */
    private static final class CountingAllocator extends AbstractByteBufAllocator {
        private final UnpooledByteBufAllocator delegate = new UnpooledByteBufAllocator(false);
        int largest;

        CountingAllocator() {
            super(false);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            largest = Math.max(largest, initialCapacity);
            return delegate.heapBuffer(initialCapacity, maxCapacity);
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            largest = Math.max(largest, initialCapacity);
            return delegate.directBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
            return delegate.compositeHeapBuffer(maxNumComponents);
        }

        @Override
        public int calculateNewCapacity(int minNewCapacity, int maxCapacity) {
            largest = Math.max(largest, minNewCapacity);
            return super.calculateNewCapacity(minNewCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }

    @Test
    void handshakeMessagesAboveTheCapFailWithDecodeErrorBeforeAnyLargeAllocation() throws TlsException {
        int[] announced = {Limits.DEFAULT.maxClientHelloSize() + 1, 1 << 20, 0xFFFFFF};
        for (int length : announced) {
            CountingAllocator alloc = new CountingAllocator();
            TlsConnection server = Duel.serverContext(Profile.PLAIN).build().newConnection(alloc, null,
                    new TlsConnection.Listener() {
                        @Override
                        public void handshakeComplete(dev.tls13.connection.SessionInfo session) {
                        }

                        @Override
                        public void applicationData(ByteBuf data) {
                            data.release();
                        }

                        @Override
                        public void closeNotifyReceived() {
                        }
                    });
            ByteBuf in = Unpooled.buffer();
            try {
                server.start();
                // A ClientHello header announcing `length` bytes, followed by one full record of its body.
                byte[] body = new byte[16384];
                body[0] = 1;
                body[1] = (byte) (length >>> 16);
                body[2] = (byte) (length >>> 8);
                body[3] = (byte) length;
                in.writeBytes(Duel.plainRecord(22, body));
                TlsException e = null;
                try {
                    server.receive(in);
                } catch (TlsException failure) {
                    e = failure;
                }
                assertNotNull(e, "over the cap of " + length);
                assertEquals(AlertDescription.DECODE_ERROR, e.failure().alert());
                assertTrue(alloc.largest <= 16 * 1024 + 512, "largest allocation " + alloc.largest);
                ByteBuf alert = server.pollOutput();
                try {
                    assertArrayEquals(new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 50}, ByteBufUtil.getBytes(alert));
                } finally {
                    alert.release();
                }
            } finally {
                in.release();
                server.release();
            }
            Tally.count(AlertDescription.DECODE_ERROR.toString());
        }
    }
}
