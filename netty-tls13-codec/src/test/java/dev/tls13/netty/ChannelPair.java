package dev.tls13.netty;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.Tls13ContextBuilder;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslCompletionEvent;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** A client and a server {@link EmbeddedChannel} with our handlers; the test shuttles the bytes. */
final class ChannelPair {

    static final String HOST = "localhost";

    final EmbeddedChannel client = new EmbeddedChannel();
    final EmbeddedChannel server = new EmbeddedChannel();
    final Wire clientWire = new Wire();
    final Wire serverWire = new Wire();
    final Recorder clientApp = new Recorder();
    final Recorder serverApp = new Recorder();
    Tls13Handler clientHandler;
    Tls13Handler serverHandler;

    /** The server leaf, issued by the cached EC P-256 test CA, for "localhost". */
    static Issued serverCertificate() {
        return TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P256)).dns(HOST).build();
    }

    static Tls13ContextBuilder serverContext() {
        Issued leaf = serverCertificate();
        return Tls13Context.forServer(leaf.privateKey(), leaf.chain().toArray(new X509Certificate[0]));
    }

    static Tls13ContextBuilder clientContext() {
        return Tls13Context.forClient().trustManager(TestPki.ca(KeyType.EC_P256).certificate());
    }

    /** Adds the handlers; both channels are already active, so the client sends its ClientHello now. */
    ChannelPair start(Tls13Context clientContext, Tls13Context serverContext) {
        return start(clientContext, serverContext, HOST);
    }

    /** Adds the handlers, the client's for {@code peerHost}. */
    ChannelPair start(Tls13Context clientContext, Tls13Context serverContext, String peerHost) {
        serverHandler = serverContext.newHandler(server.alloc());
        server.pipeline().addLast(serverWire, serverHandler, serverApp);
        clientHandler = clientContext.newHandler(client.alloc(), peerHost, 443);
        client.pipeline().addLast(clientWire, clientHandler, clientApp);
        return this;
    }

    ChannelPair start() {
        return start(clientContext().build(), serverContext().build());
    }

    /** Moves bytes both ways until neither side has anything more to send. */
    void shuttle() {
        boolean moved;
        do {
            moved = move(client, server) | move(server, client);
        } while (moved);
    }

    /** Moves every buffer {@code from} wrote to {@code to}'s inbound side. */
    static boolean move(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        ByteBuf buf;
        while ((buf = from.readOutbound()) != null) {
            moved = true;
            if (to.isOpen()) {
                to.writeInbound(buf);
            } else {
                buf.release();
            }
        }
        return moved;
    }

    /** Concatenates (and releases) everything a channel wrote. */
    static ByteBuf drain(EmbeddedChannel channel) {
        ByteBuf all = Unpooled.buffer();
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            all.writeBytes(buf);
            buf.release();
        }
        return all;
    }

    /**
     * Starts the pair, runs the handshake and one message each way, then finishes: both ends must succeed and see
     * no exception.
     */
    void connectAndExchange(Tls13Context clientContext, Tls13Context serverContext) {
        start(clientContext, serverContext);
        try {
            shuttle();
            assertTrue(clientHandler.handshakeFuture().isSuccess(),
                    () -> "client: " + clientHandler.handshakeFuture().cause());
            assertTrue(serverHandler.handshakeFuture().isSuccess(),
                    () -> "server: " + serverHandler.handshakeFuture().cause());
            client.writeAndFlush(ByteBufUtil.writeAscii(client.alloc(), "ping"));
            shuttle();
            server.writeAndFlush(ByteBufUtil.writeAscii(server.alloc(), "pong"));
            shuttle();
            assertEquals("ping", serverApp.received.toString(US_ASCII));
            assertEquals("pong", clientApp.received.toString(US_ASCII));
            assertTrue(clientApp.exceptions.isEmpty(), clientApp.exceptions::toString);
            assertTrue(serverApp.exceptions.isEmpty(), serverApp.exceptions::toString);
        } finally {
            finish();
        }
    }

    void finish() {
        clientApp.release();
        serverApp.release();
        client.finishAndReleaseAll();
        server.finishAndReleaseAll();
    }

    /** At the head of the pipeline: records the outbound operations our handler makes, in order. */
    static final class Wire extends ChannelDuplexHandler {
        final List<String> operations = new ArrayList<>();
        int reads;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            operations.add("write " + ((ByteBuf) msg).readableBytes());
            ctx.write(msg, promise);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            operations.add("flush");
            ctx.flush();
        }

        @Override
        public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
            operations.add("close");
            ctx.close(promise);
        }

        @Override
        public void read(ChannelHandlerContext ctx) {
            reads++;
            ctx.read();
        }
    }

    /** After our handler: what the application sees. */
    static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<String> events = new ArrayList<>();
        final List<Object> userEvents = new ArrayList<>();
        final List<Throwable> exceptions = new ArrayList<>();
        final ByteBuf received = Unpooled.buffer();
        /** What arrived as 0-RTT data ({@link Tls13EarlyData}), apart from {@link #received}. */
        final ByteBuf receivedEarly = Unpooled.buffer();
        int reads;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Tls13EarlyData) {
                Tls13EarlyData early = (Tls13EarlyData) msg;
                try {
                    events.add("early data");
                    receivedEarly.writeBytes(early.content());
                } finally {
                    early.release();
                }
                return;
            }
            ByteBuf buf = (ByteBuf) msg;
            try {
                reads++;
                if (events.isEmpty() || !events.get(events.size() - 1).equals("read")) {
                    events.add("read");
                }
                received.writeBytes(buf);
            } finally {
                buf.release();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            userEvents.add(evt);
            if (evt instanceof SslCompletionEvent) {
                SslCompletionEvent e = (SslCompletionEvent) evt;
                events.add(evt.getClass().getSimpleName() + (e.isSuccess() ? " success" : " failure"));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            exceptions.add(cause);
            events.add("exception");
        }

        void release() {
            received.release();
            receivedEarly.release();
        }
    }
}
