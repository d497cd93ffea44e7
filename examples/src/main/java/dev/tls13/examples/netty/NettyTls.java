package dev.tls13.examples.netty;

import dev.tls13.Tls13Context;
import dev.tls13.netty.Tls13Handler;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Our TLS in a plain Netty pipeline, server and client. The code between the {@code tag} comments is
 * quoted verbatim in the README ("Use with Netty"); a test checks that they stay identical.
 */
public final class NettyTls {

    private NettyTls() {
    }

    /**
     * Binds an HTTPS/1.1 server on 127.0.0.1 and a free port that answers with the negotiated cipher suite.
     *
     * @param group the event loops
     * @param serverTls a server context
     * @return the bound server channel
     * @throws InterruptedException if interrupted while binding
     */
    public static Channel startServer(EventLoopGroup group, Tls13Context serverTls) throws InterruptedException {
        // tag::netty-server[]
        // One immutable context shared by every channel, one handler per channel, first in the pipeline.
        ServerBootstrap server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(serverTls.newHandler(ch.alloc()), new HttpServerCodec(),
                                new HttpObjectAggregator(65536), new CipherSuiteReply());
                    }
                });
        // end::netty-server[]
        return server.bind("127.0.0.1", 0).sync().channel();
    }

    /**
     * Connects to {@code localhost:port} and waits for the handshake.
     *
     * @param group the event loops
     * @param clientTls a client context
     * @param port the server's port
     * @return the connected channel after a successful handshake
     * @throws Exception if the connection or the handshake fails
     */
    public static Channel connect(EventLoopGroup group, Tls13Context clientTls, int port) throws Exception {
        // tag::netty-client[]
        // The host given to newHandler is sent as SNI and verified against the server's certificate.
        Bootstrap client = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(clientTls.newHandler(ch.alloc(), "localhost", port),
                                new HttpClientCodec(), new HttpObjectAggregator(65536));
                    }
                });
        Channel channel = client.connect(new InetSocketAddress("127.0.0.1", port)).sync().channel();
        // Like SslHandler: a handshake future (and Netty's SslHandshakeCompletionEvent), then what was negotiated.
        Tls13Handler tls = channel.pipeline().get(Tls13Handler.class);
        Future<Channel> handshake = tls.handshakeFuture().sync();
        System.out.println(tls.session().cipherSuite() + " " + tls.session().namedGroup());
        // end::netty-client[]
        return handshake.getNow();
    }

    /** Answers every request with the cipher suite of the connection it came on. */
    static final class CipherSuiteReply extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            Tls13Handler tls = ctx.pipeline().get(Tls13Handler.class);
            FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK,
                    Unpooled.copiedBuffer(tls.session().cipherSuite().toString(), StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            HttpUtil.setContentLength(response, response.content().readableBytes());
            ctx.writeAndFlush(response);
        }
    }
}
