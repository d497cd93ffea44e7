package dev.tls13.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link OptionalTls13Handler}: TLS and plaintext clients on one server pipeline. */
class OptionalTls13HandlerTest {

    private static EventLoopGroup group;

    @BeforeAll
    static void startGroup() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopGroup() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Replies "tls:" or "plain:" (what the detector chose), then echoes every byte. */
    private static final class TaggedEcho extends ChannelInboundHandlerAdapter {
        private boolean tagged;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!tagged) {
                tagged = true;
                boolean tls = ctx.pipeline().get(Tls13Handler.class) != null;
                boolean plain = ctx.pipeline().get("plaintext-marker") != null;
                ctx.write(Unpooled.copiedBuffer(tls ? "tls:" : plain ? "plain:" : "none:", StandardCharsets.US_ASCII));
            }
            ctx.writeAndFlush(msg);
        }
    }

    /** The plaintext handler the detector installs; passes everything on. */
    private static final class PlaintextMarker extends ChannelInboundHandlerAdapter {
    }

    private static final class Detector extends OptionalTls13Handler {
        Detector(Tls13Context context) {
            super(context);
        }

        @Override
        protected String newTlsHandlerName() {
            return "tls";
        }

        @Override
        protected String newPlaintextHandlerName() {
            return "plaintext-marker";
        }

        @Override
        protected ChannelHandler newPlaintextHandler(ChannelHandlerContext ctx) {
            return new PlaintextMarker();
        }
    }

    /** Collects {@code expected} bytes as text. */
    private static final class Collector extends ChannelInboundHandlerAdapter {
        final CompletableFuture<String> done = new CompletableFuture<>();
        private final ByteBuf received = Unpooled.buffer();
        private final int expected;

        Collector(int expected) {
            this.expected = expected;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            received.writeBytes(buf);
            buf.release();
            if (received.readableBytes() >= expected) {
                done.complete(received.toString(StandardCharsets.US_ASCII));
                received.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!done.isDone()) {
                received.release();
                done.completeExceptionally(new IllegalStateException("closed early"));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.completeExceptionally(cause);
            ctx.close();
        }
    }

    @Test
    void servesATlsClientAndAPlaintextClientOnTheSamePort() throws Exception {
        Tls13Context serverContext = ChannelPair.serverContext().build();
        Tls13Context clientContext = ChannelPair.clientContext().build();
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new Detector(serverContext), new TaggedEcho());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        InetSocketAddress address = (InetSocketAddress) server.localAddress();
        String message = "hello over one port";
        Channel tlsClient = null;
        Channel plainClient = null;
        try {
            Collector tlsCollector = new Collector(("tls:" + message).length());
            tlsClient = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(clientContext.newHandler(ch.alloc(), ChannelPair.HOST, 443),
                                    tlsCollector);
                        }
                    }).connect(address).sync().channel();
            Collector plainCollector = new Collector(("plain:" + message).length());
            plainClient = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(plainCollector)
                    .connect(address).sync().channel();

            tlsClient.writeAndFlush(Unpooled.copiedBuffer(message, StandardCharsets.US_ASCII));
            plainClient.writeAndFlush(Unpooled.copiedBuffer(message, StandardCharsets.US_ASCII));

            assertEquals("tls:" + message, tlsCollector.done.get(10, TimeUnit.SECONDS));
            assertEquals("plain:" + message, plainCollector.done.get(10, TimeUnit.SECONDS));
            assertTrue(tlsClient.pipeline().get(Tls13Handler.class).handshakeFuture().isSuccess());
        } finally {
            if (tlsClient != null) {
                tlsClient.close().sync();
            }
            if (plainClient != null) {
                plainClient.close().sync();
            }
            server.close().sync();
        }
    }

    @Test
    void waitsForAFullRecordHeaderAndPassesEveryByteToThePlaintextHandler() {
        ChannelPair.Recorder app = new ChannelPair.Recorder();
        EmbeddedChannel channel = new EmbeddedChannel(new Detector(ChannelPair.serverContext().build()), app);
        try {
            channel.writeInbound(Unpooled.copiedBuffer("GET", StandardCharsets.US_ASCII));
            assertNotNull(channel.pipeline().get(OptionalTls13Handler.class), "3 bytes cannot decide");
            assertEquals(0, app.reads);

            channel.writeInbound(Unpooled.copiedBuffer(" / HTTP/1.1\r\n", StandardCharsets.US_ASCII));

            assertNull(channel.pipeline().get(OptionalTls13Handler.class));
            assertNotNull(channel.pipeline().get("plaintext-marker"));
            assertNull(channel.pipeline().get(Tls13Handler.class));
            assertEquals("GET / HTTP/1.1\r\n", app.received.toString(StandardCharsets.US_ASCII));
        } finally {
            app.release();
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void replacesItselfWithTheTls13HandlerWhichReceivesTheClientHello() {
        ChannelPair pair = new ChannelPair();
        try {
            pair.server.pipeline().addLast(new Detector(ChannelPair.serverContext().build()), pair.serverApp);
            pair.clientHandler = ChannelPair.clientContext().build()
                    .newHandler(pair.client.alloc(), ChannelPair.HOST, 443);
            pair.client.pipeline().addLast(pair.clientHandler, pair.clientApp);
            pair.shuttle();

            Tls13Handler serverTls = (Tls13Handler) pair.server.pipeline().get("tls");
            assertNotNull(serverTls);
            assertNull(pair.server.pipeline().get(OptionalTls13Handler.class));
            assertTrue(serverTls.handshakeFuture().isSuccess());
            assertTrue(pair.clientHandler.handshakeFuture().isSuccess());
        } finally {
            pair.finish();
        }
    }

    @Test
    void withoutAPlaintextHandlerItJustRemovesItself() {
        ChannelPair.Recorder app = new ChannelPair.Recorder();
        EmbeddedChannel channel = new EmbeddedChannel(new OptionalTls13Handler(ChannelPair.serverContext().build()),
                app);
        try {
            channel.writeInbound(Unpooled.copiedBuffer("plain text", StandardCharsets.US_ASCII));

            assertNull(channel.pipeline().get(OptionalTls13Handler.class));
            assertEquals("plain text", app.received.toString(StandardCharsets.US_ASCII));
        } finally {
            app.release();
            channel.finishAndReleaseAll();
        }
    }
}
