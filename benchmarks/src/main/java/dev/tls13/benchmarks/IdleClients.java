package dev.tls13.benchmarks;

import dev.tls13.Tls13Context;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The client side of the load benchmark's idle-connection measurement ({@code benchmarks/load.sh}): opens
 * {@code N} TLS 1.3 connections to a server, sends one HTTP/1.1 request on each and reads its response (so
 * the server's pipeline is in its steady state), prints {@code connected N} and holds them all open until its
 * standard input closes. Not a benchmark of the client: it runs in its own process, pinned away from the
 * server, whose memory the script measures.
 *
 * <pre>java -cp benchmarks.jar dev.tls13.benchmarks.IdleClients HOST PORT N</pre>
 *
 * <p>The client trusts any certificate: it talks only to the benchmark's own server on loopback.
 */
public final class IdleClients {

    /** Handshakes in flight at once: enough to be quick, few enough not to overflow the accept backlog. */
    private static final int IN_FLIGHT = 100;

    private IdleClients() {
    }

    /**
     * Connects, reports, holds.
     *
     * @param args host, port and number of connections
     * @throws Exception if a connection fails
     */
    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int n = Integer.parseInt(args[2]);
        Tls13Context context = Tls13Context.forClient()
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .endpointIdentificationAlgorithm(null)
                .applicationProtocols("http/1.1")
                .namedGroups("x25519")
                .build();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        CountDownLatch answered = new CountDownLatch(n);
        List<Channel> channels = new ArrayList<>(n);
        byte[] request = ("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        try {
            Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(context.newHandler(ch.alloc(), host, port))
                                    .addLast(new FirstResponse(request, () -> {
                                        inFlight.release();
                                        answered.countDown();
                                    }));
                        }
                    });
            for (int i = 0; i < n; i++) {
                inFlight.acquire();
                ChannelFuture connect = bootstrap.connect(host, port);
                channels.add(connect.channel());
                connect.addListener(f -> {
                    if (!f.isSuccess()) {
                        System.err.println("connect failed: " + f.cause());
                        System.exit(1);
                    }
                });
            }
            if (!answered.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("not every connection got its response");
            }
            System.out.println("connected " + n);
            System.out.flush();
            while (System.in.read() >= 0) {
                // Holds the connections until the script closes our standard input.
            }
        } finally {
            for (Channel channel : channels) {
                channel.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * Sends the request once the handshake is done and counts the connection as established when the first
     * bytes of the response arrive; everything read is dropped (a 1 KiB response fits in one record).
     */
    private static final class FirstResponse extends ChannelInboundHandlerAdapter {
        private final byte[] request;
        private final Runnable onAnswer;
        private boolean answered;

        FirstResponse(byte[] request, Runnable onAnswer) {
            this.request = request;
            this.onAnswer = onAnswer;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent) {
                SslHandshakeCompletionEvent event = (SslHandshakeCompletionEvent) evt;
                if (!event.isSuccess()) {
                    System.err.println("handshake failed: " + event.cause());
                    System.exit(1);
                }
                ByteBuf buf = ctx.alloc().buffer(request.length).writeBytes(request);
                ctx.writeAndFlush(buf);
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            if (!answered) {
                answered = true;
                onAnswer.run();
            }
        }
    }
}
