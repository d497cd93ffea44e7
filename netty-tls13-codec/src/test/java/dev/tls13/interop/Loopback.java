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
        Server listening = listen(server);
        try {
            return dial(listening.port(), client, host, listening);
        } catch (InterruptedException | RuntimeException e) {
            listening.close();
            throw e;
        }
    }

    /**
     * Starts a server that accepts one connection and echoes what it reads.
     *
     * @param side the server's TLS end
     * @return the listening server
     * @throws InterruptedException if interrupted while binding
     */
    Server listen(TlsSide side) throws InterruptedException {
        Promise<Probe> probe = group.next().newPromise();
        Promise<Channel> child = group.next().newPromise();
        RecordTap tap = new RecordTap();
        Channel listener = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tap);
                        side.install(ch, null, 0);
                        Probe p = new Probe(side, true, ch.eventLoop());
                        ch.pipeline().addLast(p);
                        child.trySuccess(ch);
                        probe.trySuccess(p);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        return new Server(listener, probe, child, tap);
    }

    /**
     * Connects a client to a port on 127.0.0.1.
     *
     * @param port the server's port
     * @param side the client's TLS end (its application end collects)
     * @param host the host name the client is told it connects to
     * @param server the in-process server behind the port, or {@code null} when it is elsewhere
     * @return the connection, handshake in progress
     * @throws InterruptedException if interrupted while connecting
     */
    Connection dial(int port, TlsSide side, String host, Server server) throws InterruptedException {
        Probe[] probe = new Probe[1];
        RecordTap tap = new RecordTap();
        Channel channel = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tap);
                        side.install(ch, host, port);
                        probe[0] = new Probe(side, false, ch.eventLoop());
                        ch.pipeline().addLast(probe[0]);
                    }
                })
                .connect(new InetSocketAddress("127.0.0.1", port)).sync().channel();
        return new Connection(channel, probe[0], tap, server);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * Waits for a future within {@link #TIMEOUT_SECONDS}.
     *
     * @param future the future
     * @param what what it stands for, for the failure message
     * @param forReport the connection whose ends' failures a failure message shows, or {@code null}
     * @param <T> the result type
     * @return the result
     * @throws Exception the future's failure, or a timeout
     */
    static <T> T await(Future<T> future, String what, Connection forReport) throws Exception {
        String report = forReport == null ? "" : forReport.failures();
        if (!future.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new TimeoutException(what + " timed out after " + TIMEOUT_SECONDS + " s" + report);
        }
        if (!future.isSuccess()) {
            throw new InteropFailure(what + " failed" + (forReport == null ? "" : forReport.failures()),
                    future.cause());
        }
        return future.getNow();
    }

    /** A server accepting one connection, with the records on its socket tapped. */
    static final class Server implements AutoCloseable {
        private final Channel listener;
        private final Future<Probe> probe;
        private final Future<Channel> child;
        private final RecordTap tap;

        Server(Channel listener, Future<Probe> probe, Future<Channel> child, RecordTap tap) {
            this.listener = listener;
            this.probe = probe;
            this.child = child;
            this.tap = tap;
        }

        int port() {
            return ((InetSocketAddress) listener.localAddress()).getPort();
        }

        /** The records at the server's socket ({@code <} from the client). @return the tap */
        RecordTap tap() {
            return tap;
        }

        /** The accepted channel's probe, once a client connected. @return the future probe */
        Future<Probe> probe() {
            return probe;
        }

        Future<Channel> child() {
            return child;
        }

        /** The server's first exception and its records, for failure messages. @return a description */
        String failures() {
            Throwable failure = probe.isSuccess() ? probe.getNow().failure() : null;
            return "; server saw: " + Connection.describe(failure) + "; records at the server: " + tap.transcript();
        }

        @Override
        public void close() {
            if (child.isSuccess()) {
                child.getNow().close().awaitUninterruptibly(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            listener.close().awaitUninterruptibly(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** One client connection, to an in-process one-connection server or to another process. */
    static final class Connection implements AutoCloseable {
        private final Channel client;
        private final Probe clientProbe;
        private final RecordTap tap;
        private final Server server;
        private int sent;

        Connection(Channel client, Probe clientProbe, RecordTap tap, Server server) {
            this.client = client;
            this.clientProbe = clientProbe;
            this.tap = tap;
            this.server = server;
        }

        Channel client() {
            return client;
        }

        /** The accepted server channel; call after {@link #handshakes()}. @return the channel */
        Channel serverChild() {
            return server.child().getNow();
        }

        /** The records seen at the client's socket (see {@link RecordTap}). @return the tap */
        RecordTap tap() {
            return tap;
        }

        /**
         * Waits for the client's handshake.
         *
         * @return what the client negotiated
         * @throws Exception the failure of either end, with both ends' exceptions in the message
         */
        Negotiated clientHandshake() throws Exception {
            return await(clientProbe.handshake(), "client handshake");
        }

        /**
         * Waits for both handshakes (of an in-process server).
         *
         * @return {client, server} negotiated parameters
         * @throws Exception the failure of either end, with both ends' exceptions in the message
         */
        Negotiated[] handshakes() throws Exception {
            Negotiated clientResult = clientHandshake();
            Probe serverProbe = await(server.probe(), "server accept");
            Negotiated serverResult = await(serverProbe.handshake(), "server handshake");
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
            return Loopback.await(future, what, this);
        }

        /** Both ends' first exceptions and the records on the wire, for failure messages. @return a description */
        String failures() {
            Throwable c = clientProbe.failure();
            Throwable s = server != null && server.probe().isSuccess() ? server.probe().getNow().failure() : null;
            return "; client saw: " + describe(c) + "; server saw: " + (server == null ? "(another process)"
                    : describe(s)) + "; records at the client: " + tap.transcript();
        }

        static String describe(Throwable t) {
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
            if (server != null) {
                server.close();
            }
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
