package dev.tls13.examples.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.examples.IntegrationCerts;
import dev.tls13.netty.Tls13Handler;
import dev.tls13.netty.Tls13ProtocolNegotiationHandler;
import dev.tls13.testing.TestPki.Issued;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the README's "ALPN, optional TLS, key log and exporters" snippets ({@link NettyHelpers}) over
 * loopback connections; {@code ReadmeSnippetsTest} checks that the README quotes them unchanged.
 */
class NettyHelpersTest {

    private static final Issued SERVER = IntegrationCerts.server();
    private static final X509Certificate CA = IntegrationCerts.ca().certificate();

    private EventLoopGroup group;
    /** The channels the server accepted, in order. */
    private final BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();

    @BeforeEach
    void startGroup() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterEach
    void stopGroup() throws InterruptedException {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }

    @Test
    void alpnServerServesH2ToAnH2ClientAndHttp11ToAnHttp11Client() throws Exception {
        Tls13Context serverTls = serverContext("h2", "http/1.1");
        Channel server = listen(NettyHelpers::alpnServer, serverTls);
        int port = port(server);

        // An HTTP/2 client: Netty's frame codec, one GET on a new stream.
        H2Get h2 = new H2Get();
        Tls13Context h2Tls = Tls13Context.forClient().trustManager(CA).applicationProtocols("h2").build();
        Channel h2Client = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(h2Tls.newHandler(ch.alloc(), "localhost", port),
                                Http2FrameCodecBuilder.forClient().build(), h2);
                    }
                }).connect(new InetSocketAddress("127.0.0.1", port)).sync().channel();
        Tls13Handler h2Handler = h2Client.pipeline().get(Tls13Handler.class);
        h2Handler.handshakeFuture().sync();
        assertEquals("h2", h2Handler.applicationProtocol());
        h2Client.eventLoop().submit(() -> h2.get("localhost:" + port, "/")).sync();
        assertEquals("200 h2", h2.response.get(20, TimeUnit.SECONDS));
        Channel h2Accepted = accepted.poll(20, TimeUnit.SECONDS);
        assertNotNull(h2Accepted.pipeline().get(Http2FrameCodec.class), h2Accepted.pipeline().names()::toString);
        assertNull(h2Accepted.pipeline().get(HttpServerCodec.class), h2Accepted.pipeline().names()::toString);
        assertNull(h2Accepted.pipeline().get(Tls13ProtocolNegotiationHandler.class), "it removed itself");

        // An HTTP/1.1 client: the fallback would give the same, so it offers http/1.1 explicitly.
        Tls13Context http1Tls = Tls13Context.forClient().trustManager(CA).applicationProtocols("http/1.1").build();
        Channel http1Client = NettyTls.connect(group, http1Tls, port);
        assertEquals("http/1.1", http1Client.pipeline().get(Tls13Handler.class).applicationProtocol());
        assertEquals("http/1.1", get(http1Client).get(20, TimeUnit.SECONDS));
        Channel http1Accepted = accepted.poll(20, TimeUnit.SECONDS);
        assertNotNull(http1Accepted.pipeline().get(HttpServerCodec.class), http1Accepted.pipeline().names()::toString);
        assertNull(http1Accepted.pipeline().get(Http2FrameCodec.class), http1Accepted.pipeline().names()::toString);

        h2Client.close().sync();
        http1Client.close().sync();
        awaitClosed(h2Accepted, http1Accepted);
        server.close().sync();
    }

    @Test
    void optionalTlsServesAPlaintextAndATlsClientOnOnePort() throws Exception {
        Channel server = listen(NettyHelpers::optionalTlsServer, serverContext("http/1.1"));
        int port = port(server);

        String plain;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            // The server closes after its answer: read to the end.
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            try (InputStream in = socket.getInputStream()) {
                in.transferTo(response);
            }
            plain = response.toString(StandardCharsets.US_ASCII);
        }
        assertTrue(plain.startsWith("HTTP/1.1 200 OK\r\n"), plain);
        assertTrue(plain.endsWith("\r\n\r\nhttp"), plain);
        Channel plainAccepted = accepted.poll(20, TimeUnit.SECONDS);

        Tls13Context clientTls = Tls13Context.forClient().trustManager(CA).build();
        Channel tlsClient = NettyTls.connect(group, clientTls, port);
        // SchemeReply says https only when OptionalTls13Handler put a Tls13Handler in front of it.
        assertEquals("https", get(tlsClient).get(20, TimeUnit.SECONDS));
        Channel tlsAccepted = accepted.poll(20, TimeUnit.SECONDS);

        tlsClient.close().sync();
        awaitClosed(plainAccepted, tlsAccepted);
        server.close().sync();
    }

    @Test
    void keyLogWritesTheFiveSecretsOfAConnection(@TempDir Path dir) throws Exception {
        Path keyLog = dir.resolve("sslkeylog.txt");
        Channel server = NettyTls.startServer(group, serverContext("http/1.1"));
        Channel client = NettyTls.connect(group, NettyHelpers.keyLoggingClient(CA, keyLog), port(server));
        client.close().sync();
        server.close().sync();

        List<String> lines = Files.readAllLines(keyLog, StandardCharsets.US_ASCII);
        assertEquals(Set.of("CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET"),
                lines.stream().map(line -> line.split(" ")[0]).collect(Collectors.toSet()), lines::toString);
        assertEquals(5, lines.size(), lines::toString);
        assertEquals(1, lines.stream().map(line -> line.split(" ")[1]).distinct().count(),
                "one client random: " + lines);
    }

    @Test
    void exporterGivesBothEndsTheSameBytesAndEachConnectionOthers() throws Exception {
        Channel server = listen(NettyHelpers::optionalTlsServer, serverContext("http/1.1"));
        Tls13Context clientTls = Tls13Context.forClient().trustManager(CA).build();

        byte[][] bindings = new byte[2][];
        for (int i = 0; i < bindings.length; i++) {
            Channel client = NettyTls.connect(group, clientTls, port(server));
            Channel serverEnd = accepted.poll(20, TimeUnit.SECONDS);
            // The server finishes its handshake when the client's Finished arrives, after the client's.
            Tls13Handler serverTls = awaitTlsHandler(serverEnd);
            serverTls.handshakeFuture().sync();

            bindings[i] = NettyHelpers.channelBinding(client);
            assertEquals(32, bindings[i].length);
            assertArrayEquals(bindings[i], NettyHelpers.channelBinding(serverEnd));
            assertFalse(Arrays.equals(bindings[i], serverTls.exportKeyingMaterial("EXPERIMENTAL-other",
                    null, 32)), "another label, other bytes");
            client.close().sync();
            awaitClosed(serverEnd);
        }
        assertFalse(Arrays.equals(bindings[0], bindings[1]), "each connection has its own secrets");
        server.close().sync();
    }

    private static Tls13Context serverContext(String... protocols) {
        return Tls13Context.forServer(SERVER.privateKey(), SERVER.chain().toArray(new X509Certificate[0]))
                .applicationProtocols(protocols).build();
    }

    /** A server on 127.0.0.1 whose accepted channels the setup configures and the test can inspect. */
    private Channel listen(BiConsumer<Channel, Tls13Context> setup, Tls13Context serverTls) throws Exception {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted.add(ch);
                        setup.accept(ch, serverTls);
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    private static int port(Channel server) {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** The Tls13Handler OptionalTls13Handler puts in place once the client's first bytes arrived. */
    private static Tls13Handler awaitTlsHandler(Channel channel) throws Exception {
        return channel.eventLoop().submit(() -> channel.pipeline().get(Tls13Handler.class)).get(20, TimeUnit.SECONDS);
    }

    /** GET / on a channel set up by {@link NettyTls#connect}; completes with the response body. */
    private static CompletableFuture<String> get(Channel client) {
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
        return body;
    }

    /** Waits until the server has closed its ends (and released their TLS state) before the leak check. */
    private static void awaitClosed(Channel... channels) throws InterruptedException {
        for (Channel channel : channels) {
            assertTrue(channel.closeFuture().await(20, TimeUnit.SECONDS), channel + " closes");
        }
    }

    /** An HTTP/2 client on Netty's frame codec: one GET, completed with the status and the body. */
    private static final class H2Get extends Http2ChannelDuplexHandler {
        final CompletableFuture<String> response = new CompletableFuture<>();
        private final StringBuilder received = new StringBuilder();
        private ChannelHandlerContext ctx;

        @Override
        protected void handlerAdded0(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        /** Sends the request; on the event loop. */
        void get(String authority, String path) {
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("GET").scheme("https")
                    .authority(authority).path(path), true).stream(newStream()));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame) {
                    received.append(((Http2HeadersFrame) msg).headers().status()).append(' ');
                } else if (msg instanceof Http2DataFrame) {
                    received.append(((Http2DataFrame) msg).content().toString(StandardCharsets.UTF_8));
                    if (((Http2DataFrame) msg).isEndStream()) {
                        response.complete(received.toString());
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            response.completeExceptionally(cause);
            ctx.close();
        }
    }
}
