package dev.tls13.benchmarks;

import dev.tls13.netty.Tls13Handler;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

/**
 * A client and a server {@link EmbeddedChannel} on the calling thread, each with one TLS handler and a
 * {@link Sink} behind it. Nothing moves by itself: {@link #shuttle()} carries every outbound buffer of one
 * channel into the other's inbound side (as {@code channelRead} + {@code channelReadComplete}, like one
 * socket read per buffer) until neither has anything left to send.
 */
final class Pair {

    /** Counts and releases the application data a channel receives; nothing reaches the channel's queue. */
    static final class Sink extends ChannelInboundHandlerAdapter {
        long bytes;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf) {
                bytes += ((ByteBuf) msg).readableBytes();
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public boolean isSharable() {
            return false;
        }
    }

    final EmbeddedChannel client;
    final EmbeddedChannel server;
    final ChannelHandler clientHandler;
    final ChannelHandler serverHandler;
    final Sink clientSink = new Sink();
    final Sink serverSink = new Sink();

    /**
     * Creates both channels and handlers; the client's handler sends its first flight as soon as it is
     * added, so call {@link #shuttle()} (or {@link #handshake()}) next.
     *
     * @param contexts the stack's contexts
     */
    Pair(Stack.Contexts contexts) {
        server = new EmbeddedChannel();
        serverHandler = contexts.server().newHandler(server.alloc());
        server.pipeline().addLast(serverHandler, serverSink);
        client = new EmbeddedChannel();
        clientHandler = contexts.client().newHandler(client.alloc());
        client.pipeline().addLast(clientHandler, clientSink);
    }

    /**
     * Carries records both ways until both channels are quiet.
     *
     * @return the number of buffers carried
     */
    int shuttle() {
        int moved = 0;
        for (;;) {
            int round = carry(client, server) + carry(server, client);
            if (round == 0) {
                return moved;
            }
            moved += round;
        }
    }

    /**
     * Carries every pending outbound buffer of {@code from} into {@code to}.
     *
     * @return how many buffers were carried
     */
    static int carry(EmbeddedChannel from, EmbeddedChannel to) {
        int n = 0;
        Object msg;
        while ((msg = from.readOutbound()) != null) {
            to.writeInbound(msg);
            n++;
        }
        return n;
    }

    /**
     * Runs the handshake to completion (including anything sent after it, such as session tickets).
     *
     * @throws IllegalStateException if either end did not complete it
     */
    void handshake() {
        shuttle();
        check(handshakeFuture(clientHandler), "client");
        check(handshakeFuture(serverHandler), "server");
    }

    static void check(Future<?> future, String side) {
        if (!future.isDone() || !future.isSuccess()) {
            throw new IllegalStateException(side + " handshake did not complete: " + future.cause(), future.cause());
        }
    }

    static Future<?> handshakeFuture(ChannelHandler handler) {
        return handler instanceof Tls13Handler
                ? ((Tls13Handler) handler).handshakeFuture()
                : ((SslHandler) handler).handshakeFuture();
    }

    /** Closes both channels without a TLS close exchange and releases whatever they still hold. */
    void discard() {
        client.finishAndReleaseAll();
        server.finishAndReleaseAll();
    }
}
