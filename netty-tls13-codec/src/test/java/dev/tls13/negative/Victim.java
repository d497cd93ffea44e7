package dev.tls13.negative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.connection.TlsConnection;
import dev.tls13.error.TlsException;
import dev.tls13.netty.Tls13Handler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.util.ArrayList;
import java.util.List;

/** Our side under attack: the sans-IO connection, or the Netty handler in an EmbeddedChannel. */
interface Victim {

    void start() throws TlsException;

    /** Takes the readable bytes of {@code in} (borrowed). @throws TlsException the failure they caused */
    void receive(ByteBuf in) throws TlsException;

    /** @return what our side wrote since the last call (owned by the caller), or {@code null} */
    ByteBuf pollOutput();

    TlsException failure();

    boolean isHandshakeComplete();

    boolean hasOutput();

    /** Checks what only an I/O victim can show after a failure: the close, the future, the event. */
    default void assertFailureReported(TlsException e) {
    }

    void release();

    /** The sans-IO connection. */
    final class Connection implements Victim {
        final TlsConnection connection;

        Connection(Tls13Context context, String peerHost, TlsConnection.Listener listener) {
            connection = context.newConnection(PooledByteBufAllocator.DEFAULT, peerHost, listener);
        }

        @Override
        public void start() throws TlsException {
            connection.start();
        }

        @Override
        public void receive(ByteBuf in) throws TlsException {
            connection.receive(in);
        }

        @Override
        public ByteBuf pollOutput() {
            return connection.pollOutput();
        }

        @Override
        public TlsException failure() {
            return connection.failure();
        }

        @Override
        public boolean isHandshakeComplete() {
            return connection.isHandshakeComplete();
        }

        @Override
        public boolean hasOutput() {
            return connection.hasOutput();
        }

        @Override
        public void release() {
            connection.release();
        }
    }

    /** The Netty handler; its key log goes to the listener like the connection's. */
    final class Handler extends ChannelInboundHandlerAdapter implements Victim {
        final EmbeddedChannel channel = new EmbeddedChannel();
        final Tls13Handler handler;
        final List<Object> events = new ArrayList<>();
        final List<Throwable> caught = new ArrayList<>();
        private boolean completeBeforeFailure;

        Handler(Tls13Context context, String peerHost) {
            handler = peerHost == null ? context.newHandler(channel.alloc())
                    : context.newHandler(channel.alloc(), peerHost, 443);
        }

        @Override
        public void start() {
            channel.pipeline().addLast(handler, this);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            caught.add(cause);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            io.netty.util.ReferenceCountUtil.release(msg);
        }

        @Override
        public void receive(ByteBuf in) throws TlsException {
            completeBeforeFailure = isHandshakeComplete();
            ByteBuf copy = Unpooled.copiedBuffer(in);
            in.skipBytes(in.readableBytes());
            if (channel.isOpen()) {
                channel.writeInbound(copy);
                channel.runPendingTasks();
            } else {
                copy.release();
            }
            TlsException e = failure();
            if (e != null) {
                throw e;
            }
        }

        @Override
        public ByteBuf pollOutput() {
            ByteBuf all = null;
            ByteBuf b;
            while ((b = channel.readOutbound()) != null) {
                if (all == null) {
                    all = Unpooled.buffer();
                }
                all.writeBytes(b);
                b.release();
            }
            return all;
        }

        @Override
        public TlsException failure() {
            Throwable t = handler.handshakeFuture().cause();
            if (t == null && !caught.isEmpty()) {
                t = caught.get(0);
            }
            while (t != null && !(t instanceof TlsException)) {
                t = t.getCause();
            }
            return (TlsException) t;
        }

        @Override
        public boolean isHandshakeComplete() {
            return handler.handshakeFuture().isSuccess();
        }

        @Override
        public boolean hasOutput() {
            return !channel.outboundMessages().isEmpty();
        }

        @Override
        public void assertFailureReported(TlsException e) {
            assertFalse(channel.isOpen(), "the channel is closed after the alert");
            if (!completeBeforeFailure) {
                assertEquals(e, handler.handshakeFuture().cause(), "the handshake future fails with it");
                SslHandshakeCompletionEvent event = (SslHandshakeCompletionEvent) events.stream()
                        .filter(SslHandshakeCompletionEvent.class::isInstance).reduce((a, b) -> b).orElseThrow();
                assertFalse(event.isSuccess());
                assertEquals(e, event.cause(), "the failed SslHandshakeCompletionEvent carries it");
            } else {
                assertTrue(caught.stream().anyMatch(t -> t == e || t.getCause() == e), "exceptionCaught saw it");
            }
        }

        @Override
        public void release() {
            channel.finishAndReleaseAll();
        }
    }
}
