package dev.tls13.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.KeyType;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Our handler on real loopback sockets, against itself and against Netty's SslHandler with the JDK engine. */
class Tls13HandlerLoopbackTest {

    private static EventLoopGroup group;

    @BeforeAll
    static void startGroup() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopGroup() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * Echoes every byte back. With AUTO_READ off it asks for more only after it received data, like
     * Reactor Netty's handlers: the TLS handler must drive the reads the handshake needs.
     */
    private static final class Echo extends ChannelInboundHandlerAdapter {
        private boolean received;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            received = true;
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
            if (received) {
                received = false;
                ctx.read();
            }
        }
    }

    /** Collects {@code expected} bytes, then completes. */
    private static final class Collector extends ChannelInboundHandlerAdapter {
        final CompletableFuture<byte[]> done = new CompletableFuture<>();
        final CompletableFuture<Object> handshakeEvent = new CompletableFuture<>();
        private final ByteBuf received = Unpooled.buffer();
        private final int expected;

        Collector(int expected) {
            this.expected = expected;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent) {
                handshakeEvent.complete(evt);
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            received.writeBytes(buf);
            buf.release();
            if (received.readableBytes() >= expected) {
                done.complete(ByteBufUtil.getBytes(received));
                received.release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.completeExceptionally(cause);
            ctx.close();
        }
    }

    private static Channel server(Function<SocketChannel, ChannelHandler> tls) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tls.apply(ch), new Echo());
                        // Like Reactor Netty: one read; the TLS handler drives the handshake's reads.
                        ch.read();
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    private static byte[] echo(Channel server, Function<SocketChannel, ChannelHandler> tls, byte[] data)
            throws Exception {
        Collector collector = new Collector(data.length);
        Channel client = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tls.apply(ch), collector);
                    }
                }).connect(server.localAddress()).sync().channel();
        try {
            client.writeAndFlush(Unpooled.wrappedBuffer(data));
            byte[] echoed = collector.done.get(20, TimeUnit.SECONDS);
            assertEquals(SslHandshakeCompletionEvent.SUCCESS, collector.handshakeEvent.getNow(null));
            return echoed;
        } finally {
            client.close().sync();
        }
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(42).nextBytes(b);
        return b;
    }

    @Test
    void echoesOneMebibyteBetweenTwoOfOurHandlersOverLoopback() throws Exception {
        Tls13Context serverContext = ChannelPair.serverContext().build();
        Tls13Context clientContext = ChannelPair.clientContext().build();
        Channel server = server(ch -> serverContext.newHandler(ch.alloc()));
        try {
            byte[] data = random(1 << 20);
            assertArrayEquals(data, echo(server, ch -> clientContext.newHandler(ch.alloc(), "localhost", 443), data));
        } finally {
            server.close().sync();
        }
    }

    @Test
    void servesNettysSslHandlerWithTheJdkEngine() throws Exception {
        Tls13Context serverContext = ChannelPair.serverContext().applicationProtocols("h2").build();
        SslContext jdkClient = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).protocols("TLSv1.3")
                .trustManager(TestPki.ca(KeyType.EC_P256).certificate()).build();
        Channel server = server(ch -> serverContext.newHandler(ch.alloc()));
        try {
            byte[] data = random(300_000);
            InetSocketAddress address = (InetSocketAddress) server.localAddress();
            assertArrayEquals(data, echo(server, ch -> jdkClient.newHandler(ch.alloc(), "localhost",
                    address.getPort()), data));
        } finally {
            server.close().sync();
        }
    }

    @Test
    void connectsToNettysSslHandlerWithTheJdkEngine() throws Exception {
        var leaf = ChannelPair.serverCertificate();
        SslContext jdkServer = SslContextBuilder.forServer(leaf.privateKey(),
                leaf.chain().toArray(new java.security.cert.X509Certificate[0]))
                .sslProvider(SslProvider.JDK).protocols("TLSv1.3").build();
        Tls13Context clientContext = ChannelPair.clientContext().build();
        Channel server = server(ch -> jdkServer.newHandler(ch.alloc()));
        try {
            byte[] data = random(300_000);
            Tls13Handler[] handler = new Tls13Handler[1];
            assertArrayEquals(data, echo(server, ch -> {
                handler[0] = clientContext.newHandler(ch.alloc(), "localhost", 443);
                return handler[0];
            }, data));
            Future<Channel> handshake = handler[0].handshakeFuture();
            assertTrue(handshake.isSuccess());
            assertEquals("TLSv1.3", handler[0].session().protocol());
        } finally {
            server.close().sync();
        }
    }
}
