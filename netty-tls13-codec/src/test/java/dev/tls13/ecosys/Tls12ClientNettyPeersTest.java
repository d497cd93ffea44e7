package dev.tls13.ecosys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.Tls13ContextBuilder;
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
import io.netty.handler.ssl.ClientAuth;
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
 * engine and BoringSSL (netty-tcnative), RSA and ECDSA P-256 certificates (the JDK also ECDSA P-384, P-521 and an
 * RSA-PSS key), data both ways; both with {@code ClientAuth.REQUIRE} and our client's ECDSA or RSA certificate; and
 * the same servers with TLS 1.3 enabled still negotiate TLS 1.3.
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
        "JDK, EC_P384, TLSv1.2", "JDK, EC_P521, TLSv1.2", "JDK, RSASSA_PSS_2048, TLSv1.2",
        "JDK, EC_P256, TLSv1.3", "OPENSSL, RSA_2048, TLSv1.3"})
    void ourClientAgainstSslHandler(SslProvider provider, KeyType keyType, String protocol) throws Exception {
        exchange(provider, keyType, protocol, null);
    }

    @ParameterizedTest(name = "{0} requires a certificate, ours is {1}")
    @CsvSource({"JDK, EC_P256", "JDK, RSA_2048", "OPENSSL, EC_P256", "OPENSSL, RSA_2048"})
    void ourClientWithACertificateAgainstSslHandler(SslProvider provider, KeyType clientType) throws Exception {
        Issued client = TestPki.leaf(clientType).issuer(TestPki.ca(clientType)).commonName("client").build();
        SslHandler theirs = exchange(provider, KeyType.EC_P256, "TLSv1.2", client);
        assertEquals(client.certificate(), theirs.engine().getSession().getPeerCertificates()[0]);
    }

    /**
     * Runs one connection of our client (with {@code client}'s certificate unless null) to an SslHandler server of
     * {@code provider} with a {@code keyType} certificate and {@code protocol} enabled (TLSv1.2 alone, or both); with
     * a {@code client} the server requires a client certificate. Checks the protocol and suite on both ends, the
     * certificate our client saw, and an echo.
     */
    private static SslHandler exchange(SslProvider provider, KeyType keyType, String protocol, Issued client)
            throws Exception {
        Issued leaf = TestPki.leaf(keyType).issuer(TestPki.ca(keyType)).dns("localhost").build();
        SslContextBuilder serverBuilder = SslContextBuilder.forServer(leaf.privateKey(),
                leaf.chain().toArray(new X509Certificate[0])).sslProvider(provider)
                .protocols("TLSv1.2".equals(protocol) ? new String[] {"TLSv1.2"} : new String[] {"TLSv1.3", "TLSv1.2"});
        if (client != null) {
            serverBuilder.clientAuth(ClientAuth.REQUIRE).trustManager(client.chain().get(1));
        }
        SslContext serverContext = serverBuilder.build();
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
        Tls13ContextBuilder builder = Tls13Context.forClient().protocols("TLSv1.3", "TLSv1.2")
                .trustManager(TestPki.ca(keyType).certificate());
        if (client != null) {
            builder.keyManager(client.privateKey(), client.chain().toArray(new X509Certificate[0]));
        }
        Tls13Context context = builder.build();
        Tls13Handler ours = context.newHandler(ByteBufAllocator.DEFAULT, "localhost", port);
        CompletableFuture<String> echoed = new CompletableFuture<>();
        Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
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
            assertEquals(leaf.certificate(), ours.session().peerCertificates().get(0));
            SslHandler theirs = serverHandler.get(20, TimeUnit.SECONDS);
            assertTrue(theirs.handshakeFuture().await(20, TimeUnit.SECONDS));
            assertEquals(protocol, theirs.engine().getSession().getProtocol());
            assertEquals(ours.session().cipherSuite(), theirs.engine().getSession().getCipherSuite());
            channel.writeAndFlush(Unpooled.copiedBuffer("ping over " + protocol, StandardCharsets.UTF_8)).sync();
            assertEquals("ping over " + protocol, echoed.get(20, TimeUnit.SECONDS));
            return theirs;
        } finally {
            channel.close().sync();
            server.close().sync();
        }
    }
}
