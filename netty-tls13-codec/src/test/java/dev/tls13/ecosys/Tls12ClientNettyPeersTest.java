package dev.tls13.ecosys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.netty.Tls13Handler;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Our client with TLS 1.2 enabled against Netty's own SslHandler servers restricted to TLSv1.2: the JDK's
 * engine and BoringSSL (netty-tcnative), RSA and ECDSA certificates, data both ways; and the same servers with
 * TLS 1.3 enabled still negotiate TLS 1.3.
 */
class Tls12ClientNettyPeersTest {

    private static EventLoopGroup group;

    @BeforeAll
    static void setUp() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterAll
    static void tearDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({
        "JDK, EC_P256, TLSv1.2", "JDK, RSA_2048, TLSv1.2", "OPENSSL, EC_P256, TLSv1.2", "OPENSSL, RSA_2048, TLSv1.2",
        "JDK, EC_P256, TLSv1.3", "OPENSSL, RSA_2048, TLSv1.3"})
    void ourClientAgainstSslHandler(SslProvider provider, KeyType keyType, String protocol) throws Exception {
        Issued leaf = TestPki.leaf(keyType).issuer(TestPki.ca(keyType)).dns("localhost").build();
        SslContext serverContext = SslContextBuilder.forServer(leaf.privateKey(),
                leaf.chain().toArray(new X509Certificate[0])).sslProvider(provider)
                .protocols("TLSv1.2".equals(protocol) ? new String[] {"TLSv1.2"} : new String[] {"TLSv1.3", "TLSv1.2"})
                .build();
        CompletableFuture<SslHandler> serverHandler = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler ssl = serverContext.newHandler(ch.alloc());
                        serverHandler.complete(ssl);
                        ch.pipeline().addLast(ssl, new SimpleChannelInboundHandler<ByteBuf>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                ctx.writeAndFlush(msg.retainedDuplicate());
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        Tls13Context context = Tls13Context.forClient().protocols("TLSv1.3", "TLSv1.2")
                .trustManager(TestPki.ca(keyType).certificate()).build();
        Tls13Handler ours = context.newHandler(ByteBufAllocator.DEFAULT, "localhost", port);
        CompletableFuture<String> echoed = new CompletableFuture<>();
        Channel client = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(ours, new SimpleChannelInboundHandler<ByteBuf>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                echoed.complete(msg.toString(StandardCharsets.UTF_8));
                            }
                        });
                    }
                }).connect("127.0.0.1", port).sync().channel();
        try {
            assertTrue(ours.handshakeFuture().await(20, TimeUnit.SECONDS));
            assertTrue(ours.handshakeFuture().isSuccess(), () -> String.valueOf(ours.handshakeFuture().cause()));
            assertEquals(protocol, ours.session().protocol());
            SslHandler theirs = serverHandler.get(20, TimeUnit.SECONDS);
            assertTrue(theirs.handshakeFuture().await(20, TimeUnit.SECONDS));
            assertEquals(protocol, theirs.engine().getSession().getProtocol());
            assertEquals(ours.session().cipherSuite(), theirs.engine().getSession().getCipherSuite());
            client.writeAndFlush(Unpooled.copiedBuffer("ping over " + protocol, StandardCharsets.UTF_8)).sync();
            assertEquals("ping over " + protocol, echoed.get(20, TimeUnit.SECONDS));
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }
}
