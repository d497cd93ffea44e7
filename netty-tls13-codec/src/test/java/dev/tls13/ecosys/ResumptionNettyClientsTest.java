package dev.tls13.ecosys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.netty.Tls13Handler;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Netty's own {@code SslHandler} as the client, on the JDK's engine and on BoringSSL (netty-tcnative), resuming
 * with our server's tickets: one client {@code SslContext}, two connections to the same host and port, the second
 * resumed (our {@code session().resumed()}) and {@code SSLSession.getPeerCertificates()} still the server's chain.
 */
class ResumptionNettyClientsTest {

    private static final byte[] RESPONSE = "ok\n".getBytes(StandardCharsets.US_ASCII);

    /** Answers the first bytes with "ok" and closes. */
    private static final class Responder extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ((ByteBuf) msg).release();
            ctx.writeAndFlush(Unpooled.wrappedBuffer(RESPONSE)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Sends one line once the handshake is done and collects the answer until the channel closes. */
    private static final class Request extends ChannelInboundHandlerAdapter {
        final StringBuilder received = new StringBuilder();
        final CompletableFuture<String> done = new CompletableFuture<>();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof io.netty.handler.ssl.SslHandshakeCompletionEvent e && e.isSuccess()) {
                ctx.writeAndFlush(Unpooled.copiedBuffer("hello\n", StandardCharsets.US_ASCII));
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            received.append(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.complete(received.toString());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.completeExceptionally(cause);
            ctx.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void sslHandlerClientResumesOnTheSecondConnection(SslProvider provider) throws Exception {
        if (provider == SslProvider.OPENSSL) {
            assertTrue(OpenSsl.isAvailable(), () -> "BoringSSL unavailable: " + OpenSsl.unavailabilityCause());
        }
        Issued leaf = TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P256)).dns("localhost").build();
        Tls13Context context = Tls13Context.forServer(leaf.privateKey(), leaf.chain().toArray(new X509Certificate[0]))
                .build();
        SslContext client = SslContextBuilder.forClient().sslProvider(provider).protocols("TLSv1.3")
                .trustManager(TestPki.ca(KeyType.EC_P256).certificate()).build();
        BlockingQueue<Tls13Handler> handlers = new LinkedBlockingQueue<>();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            Tls13Handler handler = context.newHandler(ch.alloc());
                            ch.pipeline().addLast(handler, new Responder());
                            handlers.add(handler);
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            try {
                for (int i = 0; i < 2; i++) {
                    Request request = new Request();
                    SslHandler[] ssl = new SslHandler[1];
                    new Bootstrap().group(group).channel(NioSocketChannel.class)
                            .handler(new ChannelInitializer<SocketChannel>() {
                                @Override
                                protected void initChannel(SocketChannel ch) {
                                    ssl[0] = client.newHandler(ch.alloc(), "localhost", port);
                                    ch.pipeline().addLast(ssl[0], request);
                                }
                            }).connect("127.0.0.1", port).sync();
                    assertEquals("ok\n", request.done.get(20, TimeUnit.SECONDS));
                    assertEquals(leaf.chain().get(0), ssl[0].engine().getSession().getPeerCertificates()[0],
                            "a resumed session still names the server's certificate");
                    Tls13Handler ours = handlers.poll(20, TimeUnit.SECONDS);
                    assertNotNull(ours);
                    assertTrue(ours.handshakeFuture().isSuccess(), () -> String.valueOf(ours.handshakeFuture().cause()));
                    if (i == 0) {
                        assertFalse(ours.session().resumed(), "first connection: a full handshake");
                    } else {
                        assertTrue(ours.session().resumed(), provider + " resumes with our ticket");
                    }
                }
            } finally {
                server.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
