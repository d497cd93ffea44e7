package dev.tls13.ecosys;

import dev.tls13.Tls13Context;
import dev.tls13.connection.SessionInfo;
import dev.tls13.netty.Tls13Handler;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** One request of our client to an external peer over a real socket, for the ecosys tests that need it. */
final class OurClientExchange {

    private OurClientExchange() {
    }

    /** What one connection of our client saw: its session and everything the server sent until it closed. */
    record Exchange(SessionInfo session, String received) {
    }

    /**
     * Connects our client to {@code address} on {@code group} (the session cache key is localhost:443 whatever the
     * address), sends {@code request} once the handshake completed, and reads until the server closes or
     * {@code enough} matches what was received.
     */
    static Exchange connect(EventLoopGroup group, Tls13Context tls, SocketAddress address,
                            Class<? extends Channel> type, String request, Predicate<String> enough) throws Exception {
        return connect(group, tls, address, type, request, enough, 443);
    }

    /**
     * As {@link #connect(EventLoopGroup, Tls13Context, SocketAddress, Class, String, Predicate)}, with the peer port
     * that keys the client's session cache (a port of its own per connection: no resumption between them).
     */
    static Exchange connect(EventLoopGroup group, Tls13Context tls, SocketAddress address,
                            Class<? extends Channel> type, String request, Predicate<String> enough, int peerPort)
            throws Exception {
        CompletableFuture<SessionInfo> session = new CompletableFuture<>();
        CompletableFuture<String> received = new CompletableFuture<>();
        StringBuilder text = new StringBuilder();
        Channel channel = new Bootstrap().group(group).channel(type)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        Tls13Handler tlsHandler = tls.newHandler(ch.alloc(), "localhost", peerPort);
                        ch.pipeline().addLast(tlsHandler, new ChannelInboundHandlerAdapter() {
                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                if (evt instanceof SslCloseCompletionEvent) {
                                    ctx.close();
                                } else if (evt instanceof SslHandshakeCompletionEvent e) {
                                    if (!e.isSuccess()) {
                                        session.completeExceptionally(e.cause());
                                        return;
                                    }
                                    session.complete(tlsHandler.session());
                                    ctx.writeAndFlush(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
                                }
                            }

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ByteBuf data = (ByteBuf) msg;
                                text.append(data.toString(StandardCharsets.US_ASCII));
                                data.release();
                                if (enough.test(text.toString())) {
                                    received.complete(text.toString());
                                }
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                received.complete(text.toString());
                            }
                        });
                    }
                }).connect(address).sync().channel();
        try {
            return new Exchange(session.get(20, TimeUnit.SECONDS), received.get(20, TimeUnit.SECONDS));
        } finally {
            channel.close().sync();
        }
    }
}
