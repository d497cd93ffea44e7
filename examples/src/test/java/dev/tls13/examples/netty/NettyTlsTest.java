package dev.tls13.examples.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.examples.IntegrationCerts;
import dev.tls13.netty.Tls13Handler;
import dev.tls13.testing.TestPki.Issued;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The README's "Use with Netty" snippet: a server and a client on {@code Tls13Handler}, one request. */
class NettyTlsTest {

    @Test
    void clientGetsAnswerOverTheCipherSuiteBothSidesNegotiated() throws Exception {
        Issued cert = IntegrationCerts.server();
        PrivateKey key = cert.privateKey();
        X509Certificate[] chain = cert.chain().toArray(X509Certificate[]::new);
        X509Certificate caCertificate = IntegrationCerts.ca().certificate();
        // tag::netty-contexts[]
        // Also from PEM files: Tls13Context.forServer(new File("chain.pem"), new File("key.pem")).
        Tls13Context serverTls = Tls13Context.forServer(key, chain)
                .applicationProtocols("http/1.1")
                .build();
        // Without trustManager(...), the client trusts the JDK's default trust store.
        Tls13Context clientTls = Tls13Context.forClient()
                .trustManager(caCertificate)
                .applicationProtocols("http/1.1")
                .build();
        // end::netty-contexts[]
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel server = NettyTls.startServer(group, serverTls);
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            // The accepted channel, so that the test can wait until it has closed (and released its TLS state).
            CompletableFuture<Channel> accepted = new CompletableFuture<>();
            server.pipeline().addFirst(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object child) {
                    accepted.complete((Channel) child);
                    ctx.fireChannelRead(child);
                }
            });
            Channel client = NettyTls.connect(group, clientTls, port);
            CompletableFuture<String> body = new CompletableFuture<>();
            client.pipeline().addLast(new SimpleChannelInboundHandler<FullHttpResponse>() {
                @Override
                protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
                    body.complete(response.content().toString(StandardCharsets.UTF_8));
                }
            });
            DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/",
                    Unpooled.EMPTY_BUFFER);
            request.headers().set(HttpHeaderNames.HOST, "localhost");
            client.writeAndFlush(request);
            Tls13Handler tls = client.pipeline().get(Tls13Handler.class);
            assertEquals(tls.session().cipherSuite().toString(), body.get(20, TimeUnit.SECONDS));
            assertEquals("http/1.1", tls.applicationProtocol());
            client.close().sync();
            assertTrue(accepted.get(20, TimeUnit.SECONDS).closeFuture().await(20, TimeUnit.SECONDS),
                    "the server closes its side when the client has gone");
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }
}
