package dev.tls13.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link DefaultFileRegion} over real NIO loopback sockets between two of our handlers: a reader that
 * stops reading holds the sender's file reads to about the socket buffers and the high water mark,
 * and once it reads again it gets every byte (checked by SHA-256).
 */
class Tls13HandlerFileRegionLoopbackTest {

    private static final int SIZE = 8 << 20;

    @TempDir
    Path dir;

    /** Digests what it reads; reads only when told to (AUTO_READ is off). */
    private static final class Digester extends ChannelInboundHandlerAdapter {
        final CompletableFuture<byte[]> done = new CompletableFuture<>();
        private final MessageDigest sha256;
        private long received;

        Digester() throws NoSuchAlgorithmException {
            sha256 = MessageDigest.getInstance("SHA-256");
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                received += buf.readableBytes();
                sha256.update(buf.nioBuffer());
            } finally {
                buf.release();
            }
            if (received >= SIZE) {
                done.complete(sha256.digest());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.completeExceptionally(cause);
            ctx.close();
        }
    }

    @Test
    void sendsAnEightMebibyteFileToAReaderThatPausesAndReadsNoFurtherAheadThanTheSocketsHold()
            throws Exception {
        byte[] content = new byte[SIZE];
        new Random(8).nextBytes(content);
        Path file = dir.resolve("eight.bin");
        Files.write(file, content);
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(content);

        Tls13Context serverContext = ChannelPair.serverContext().build();
        Tls13Context clientContext = ChannelPair.clientContext().build();
        DefaultFileRegion region = new DefaultFileRegion(file.toFile(), 0, SIZE);
        AtomicReference<ChannelFuture> sent = new AtomicReference<>();
        CompletableFuture<Channel> serverChild = new CompletableFuture<>();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.SO_SNDBUF, 64 * 1024)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(16 * 1024, 32 * 1024))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(serverContext.newHandler(ch.alloc()),
                                    new ChannelInboundHandlerAdapter() {
                                        @Override
                                        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                            if (evt == SslHandshakeCompletionEvent.SUCCESS) {
                                                sent.set(ctx.writeAndFlush(region));
                                                serverChild.complete(ctx.channel());
                                            }
                                            ctx.fireUserEventTriggered(evt);
                                        }
                                    });
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            Digester digester = new Digester();
            Channel client = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.SO_RCVBUF, 64 * 1024)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(clientContext.newHandler(ch.alloc(), "localhost", 443), digester);
                        }
                    }).connect(server.localAddress()).sync().channel();
            try {
                Channel child = serverChild.get(20, TimeUnit.SECONDS);
                // The client's handler reads only until the handshake is done and data arrived: then the
                // sockets fill and the server's chunk writes stop completing.
                long transferred = stalled(child, region).get(10, TimeUnit.SECONDS);
                assertFalse(sent.get().isDone(), "the reader has not taken the file yet");
                assertTrue(transferred < 2 << 20, "read ahead of a paused reader: " + transferred);
                assertFalse(child.isWritable(), "the unread file keeps the sender unwritable");

                client.config().setAutoRead(true);
                assertArrayEquals(expected, digester.done.get(30, TimeUnit.SECONDS));
                assertTrue(sent.get().await(10, TimeUnit.SECONDS));
                assertTrue(sent.get().isSuccess(), () -> String.valueOf(sent.get().cause()));
                assertEquals(0, region.refCnt(), "released once, after the last chunk was read");
            } finally {
                client.close().sync();
                server.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * Completes with the region's read position once it has stayed put for five checks 20 ms apart, made
     * on the channel's event loop (the loop that reads the region), so the test thread only awaits.
     */
    private static CompletableFuture<Long> stalled(Channel channel, DefaultFileRegion region) {
        CompletableFuture<Long> stalled = new CompletableFuture<>();
        long[] last = {-1};
        int[] stableFor = {0};
        ScheduledFuture<?> check = channel.eventLoop().scheduleAtFixedRate(() -> {
            long now = region.transferred();
            stableFor[0] = now == last[0] && now > 0 ? stableFor[0] + 1 : 0;
            last[0] = now;
            if (stableFor[0] == 5) {
                stalled.complete(now);
            }
        }, 20, 20, TimeUnit.MILLISECONDS);
        stalled.whenComplete((v, e) -> check.cancel(false));
        return stalled;
    }
}
