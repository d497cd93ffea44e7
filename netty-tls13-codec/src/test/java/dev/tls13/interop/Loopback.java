package dev.tls13.interop;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Real TCP connections over 127.0.0.1 on NIO event loops shared by every case. */
final class Loopback implements AutoCloseable {

    /** Bound on every wait for a handshake or for echoed data. */
    static final long TIMEOUT_SECONDS = 20;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

    /**
     * Starts a one-connection server with {@code serverSide}, then connects a client with {@code clientSide}.
     *
     * @param server the server's TLS end (its application end echoes)
     * @param client the client's TLS end (its application end collects)
     * @param host the host name the client is told it connects to (SNI, endpoint identification)
     * @return the connection, handshake in progress
     * @throws InterruptedException if interrupted while binding or connecting
     */
    Connection connect(TlsSide server, TlsSide client, String host) throws InterruptedException {
        Promise<Probe> serverProbe = group.next().newPromise();
        Promise<Channel> serverChild = group.next().newPromise();
        Channel listener = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        server.install(ch, null, 0);
                        Probe probe = new Probe(server, true, ch.eventLoop());
                        ch.pipeline().addLast(probe);
                        serverChild.trySuccess(ch);
                        serverProbe.trySuccess(probe);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        int port = ((InetSocketAddress) listener.localAddress()).getPort();
        Probe[] clientProbe = new Probe[1];
        RecordTap tap = new RecordTap();
        Channel channel;
        try {
            channel = new Bootstrap()
                    .group(group)
                    .channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(tap);
                            client.install(ch, host, port);
                            clientProbe[0] = new Probe(client, false, ch.eventLoop());
                            ch.pipeline().addLast(clientProbe[0]);
                        }
                    })
                    .connect(new InetSocketAddress("127.0.0.1", port)).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            listener.close().syncUninterruptibly();
            throw e;
        }
        return new Connection(listener, channel, clientProbe[0], serverProbe, serverChild, tap);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One client connection to a one-connection server. */
    static final class Connection implements AutoCloseable {
        private final Channel listener;
        private final Channel client;
        private final Probe clientProbe;
        private final Future<Probe> serverProbe;
        private final Future<Channel> serverChild;
        private final RecordTap tap;
        private int sent;

        Connection(Channel listener, Channel client, Probe clientProbe, Future<Probe> serverProbe,
                   Future<Channel> serverChild, RecordTap tap) {
            this.listener = listener;
            this.client = client;
            this.clientProbe = clientProbe;
            this.serverProbe = serverProbe;
            this.serverChild = serverChild;
            this.tap = tap;
        }

        Channel client() {
            return client;
        }

        /** The accepted server channel; call after {@link #handshakes()}. @return the channel */
        Channel serverChild() {
            return serverChild.getNow();
        }

        /**
         * Waits for both handshakes.
         *
         * @return {client, server} negotiated parameters
         * @throws Exception the failure of either end, with both ends' exceptions in the message
         */
        Negotiated[] handshakes() throws Exception {
            Negotiated clientResult = await(clientProbe.handshake(), "client handshake");
            Probe server = await(serverProbe, "server accept");
            Negotiated serverResult = await(server.handshake(), "server handshake");
            return new Negotiated[] {clientResult, serverResult};
        }

        /**
         * Sends bytes from the client and waits until the server's echo of them has come back.
         *
         * @param data the bytes to send
         * @return the bytes echoed back
         * @throws Exception on failure or timeout
         */
        byte[] echo(byte[] data) throws Exception {
            int before = sent;
            sent += data.length;
            ChannelHandlerContext ctx = client.pipeline().context(clientProbe);
            Future<byte[]> received = clientProbe.awaitReceived(ctx, sent);
            client.writeAndFlush(Unpooled.wrappedBuffer(data));
            byte[] all = await(received, "echo of " + data.length + " bytes");
            byte[] last = new byte[data.length];
            System.arraycopy(all, before, last, 0, data.length);
            return last;
        }

        <T> T await(Future<T> future, String what) throws Exception {
            if (!future.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new TimeoutException(what + " timed out after " + TIMEOUT_SECONDS + " s" + failures());
            }
            if (!future.isSuccess()) {
                throw new InteropFailure(what + " failed" + failures(), future.cause());
            }
            return future.getNow();
        }

        /** The records seen at the client's socket (see {@link RecordTap}). @return the tap */
        RecordTap tap() {
            return tap;
        }

        /** Both ends' first exceptions, for failure messages. @return a description */
        String failures() {
            Throwable c = clientProbe.failure();
            Throwable s = serverProbe.isSuccess() ? serverProbe.getNow().failure() : null;
            return "; client saw: " + describe(c) + "; server saw: " + describe(s) + "; records at the client: "
                    + tap.transcript();
        }

        private static String describe(Throwable t) {
            if (t == null) {
                return "nothing";
            }
            StringBuilder b = new StringBuilder(t.toString());
            for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
                b.append(" <- ").append(c);
            }
            return b.toString();
        }

        @Override
        public void close() {
            client.close().awaitUninterruptibly(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (serverChild.isSuccess()) {
                serverChild.getNow().close().awaitUninterruptibly(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            listener.close().awaitUninterruptibly(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** A failed interop step, carrying both ends' exceptions in its message. */
    static final class InteropFailure extends Exception {
        private static final long serialVersionUID = 1L;

        InteropFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
