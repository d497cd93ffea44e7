package dev.tls13.jsse;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * A small harness: a Netty echo server and a client, each with an {@link SslHandler} from a given
 * {@link SslContext}, over real loopback TCP (127.0.0.1, an ephemeral port). The client sends a payload
 * after its handshake and waits until the whole echo came back.
 */
final class Loopback implements AutoCloseable {

    static final String HOST = "localhost";
    private static final long TIMEOUT_SECONDS = 20;

    /** What one end saw once its handshake completed. */
    record End(boolean ours, String protocol, String cipherSuite, String applicationProtocol, String peerSubject,
               String namedGroup) {
        static End of(SslHandler handler) {
            SSLSession session = handler.engine().getSession();
            String peer;
            try {
                peer = ((X509Certificate) session.getPeerCertificates()[0]).getSubjectX500Principal().getName();
            } catch (SSLPeerUnverifiedException e) {
                peer = null;
            }
            boolean ours = session instanceof Tls13Session;
            String group = ours ? ((Tls13Session) session).namedGroup() : null;
            return new End(ours, session.getProtocol(), session.getCipherSuite(), handler.applicationProtocol(),
                    peer, group);
        }
    }

    /** The outcome of one connection. */
    record Outcome(End server, End client, byte[] echoed) {
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

    Outcome run(SslContext serverContext, SslContext clientContext, byte[] payload) throws Exception {
        CompletableFuture<End> serverEnd = new CompletableFuture<>();
        CompletableFuture<End> clientEnd = new CompletableFuture<>();
        CompletableFuture<byte[]> echoed = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler ssl = serverContext.newHandler(ch.alloc());
                        ch.pipeline().addLast(ssl, new ChannelInboundHandlerAdapter() {
                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                if (evt instanceof SslHandshakeCompletionEvent) {
                                    complete(serverEnd, (SslHandshakeCompletionEvent) evt, ssl);
                                }
                                ctx.fireUserEventTriggered(evt);
                            }

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ctx.writeAndFlush(msg);
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                serverEnd.completeExceptionally(cause);
                                ctx.close();
                            }
                        });
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        Channel client = null;
        try {
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            client = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            SslHandler ssl = clientContext.newHandler(ch.alloc(), HOST, port);
                            ByteArrayOutputStream received = new ByteArrayOutputStream();
                            ch.pipeline().addLast(ssl, new ChannelInboundHandlerAdapter() {
                                @Override
                                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                    if (evt instanceof SslHandshakeCompletionEvent) {
                                        complete(clientEnd, (SslHandshakeCompletionEvent) evt, ssl);
                                        if (((SslHandshakeCompletionEvent) evt).isSuccess()) {
                                            for (int i = 0; i < payload.length; i += 65536) {
                                                int n = Math.min(65536, payload.length - i);
                                                ctx.write(ctx.alloc().buffer(n).writeBytes(payload, i, n));
                                            }
                                            ctx.flush();
                                        }
                                    }
                                    ctx.fireUserEventTriggered(evt);
                                }

                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ByteBuf data = (ByteBuf) msg;
                                    try {
                                        data.readBytes(received, data.readableBytes());
                                    } catch (java.io.IOException e) {
                                        echoed.completeExceptionally(e);
                                    } finally {
                                        data.release();
                                    }
                                    if (received.size() >= payload.length) {
                                        echoed.complete(received.toByteArray());
                                    }
                                }

                                @Override
                                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                    clientEnd.completeExceptionally(cause);
                                    echoed.completeExceptionally(cause);
                                    ctx.close();
                                }

                                @Override
                                public void channelInactive(ChannelHandlerContext ctx) {
                                    echoed.completeExceptionally(new IllegalStateException("closed after "
                                            + received.size() + " of " + payload.length + " bytes"));
                                }
                            });
                        }
                    }).connect(new InetSocketAddress("127.0.0.1", port)).sync().channel();
            End c = clientEnd.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            End s = serverEnd.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            byte[] data = payload.length == 0 ? new byte[0] : echoed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return new Outcome(s, c, data);
        } finally {
            if (client != null) {
                client.close().sync();
            }
            server.close().sync();
        }
    }

    private static void complete(CompletableFuture<End> end, SslHandshakeCompletionEvent event, SslHandler ssl) {
        if (event.isSuccess()) {
            end.complete(End.of(ssl));
        } else {
            end.completeExceptionally(event.cause());
        }
    }

    @Override
    public void close() throws InterruptedException {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
}
