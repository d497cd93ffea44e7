package dev.tls13.ecosys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.Tls13SessionTicketKey;
import dev.tls13.netty.Tls13Handler;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * A fleet sharing session ticket keys ({@link Tls13SessionTicketKey}, {@code sessionTicketKeys},
 * {@link Tls13Context#setTicketKeys}): a ticket of one server resumes on another with the same keys, and keys
 * replaced at run time end the old tickets (a full handshake, no error). One port serves whichever context is
 * current, so the JDK client, which resumes by host and port, offers its latest ticket each time.
 */
class TicketKeyFleetTest {

    private static final byte[] RESPONSE = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"
            .getBytes(StandardCharsets.US_ASCII);

    private static Tls13SessionTicketKey randomKey() {
        SecureRandom random = new SecureRandom();
        byte[] name = new byte[Tls13SessionTicketKey.NAME_SIZE];
        byte[] key = new byte[Tls13SessionTicketKey.KEY_SIZE];
        random.nextBytes(name);
        random.nextBytes(key);
        return new Tls13SessionTicketKey(name, key);
    }

    @Test
    void serversWithTheSameKeysResumeEachOthersTicketsAndNewKeysEndTheOldOnes() throws Exception {
        Issued leaf = TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P256)).dns("localhost").build();
        X509Certificate[] chain = leaf.chain().toArray(new X509Certificate[0]);
        Tls13SessionTicketKey k1 = randomKey();
        Tls13SessionTicketKey k2 = randomKey();
        Tls13Context a = Tls13Context.forServer(leaf.privateKey(), chain).sessionTicketKeys(k1).build();
        Tls13Context b = Tls13Context.forServer(leaf.privateKey(), chain).sessionTicketKeys(k1).build();
        AtomicReference<Tls13Context> current = new AtomicReference<>(a);
        BlockingQueue<Tls13Handler> handlers = new LinkedBlockingQueue<>();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            Tls13Handler handler = current.get().newHandler(ch.alloc());
                            ch.pipeline().addLast(handler, new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ((ByteBuf) msg).release();
                                    ctx.writeAndFlush(Unpooled.wrappedBuffer(RESPONSE))
                                            .addListener(ChannelFutureListener.CLOSE);
                                }
                            });
                            handlers.add(handler);
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            SSLContext jdk = jdkClient();
            try {
                assertFalse(connect(jdk, port, handlers), "first contact: a full handshake with server a");
                current.set(b);
                assertTrue(connect(jdk, port, handlers), "server b opens server a's ticket: the same key");
                b.setTicketKeys(k2);
                assertFalse(connect(jdk, port, handlers), "k1 withdrawn: the ticket is unusable, a full handshake");
                assertTrue(connect(jdk, port, handlers), "the ticket sealed under k2 resumes");
            } finally {
                server.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void ticketKeysAreCheckedAndAServerSetting() {
        assertThrows(IllegalArgumentException.class, () -> new Tls13SessionTicketKey(new byte[15], new byte[32]));
        assertThrows(IllegalArgumentException.class, () -> new Tls13SessionTicketKey(new byte[16], new byte[16]));
        Tls13SessionTicketKey key = randomKey();
        assertEquals(key, new Tls13SessionTicketKey(key.name(), key.key()));
        assertFalse(key.toString().contains(java.util.HexFormat.of().formatHex(key.key())), "the key is never shown");
        assertThrows(IllegalStateException.class, () -> Tls13Context.forClient().build().setTicketKeys(key));
        assertThrows(IllegalArgumentException.class, () -> Tls13Context.forClient().sessionTicketLifetime(
                java.time.Duration.ofDays(8)));
    }

    private static SSLContext jdkClient() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", TestPki.ca(KeyType.EC_P256).certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext jdk = SSLContext.getInstance("TLSv1.3");
        jdk.init(null, tmf.getTrustManagers(), null);
        return jdk;
    }

    /** One request on a new connection; returns whether our server resumed it. */
    private static boolean connect(SSLContext jdk, int port, BlockingQueue<Tls13Handler> handlers) throws Exception {
        try (SSLSocket socket = (SSLSocket) jdk.getSocketFactory().createSocket("localhost", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // Reading takes in the NewSessionTickets that come before the response.
            assertTrue(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).endsWith("ok\n"));
        }
        Tls13Handler ours = handlers.poll(20, TimeUnit.SECONDS);
        assertNotNull(ours);
        assertTrue(ours.handshakeFuture().await(20, TimeUnit.SECONDS));
        assertTrue(ours.handshakeFuture().isSuccess(), () -> String.valueOf(ours.handshakeFuture().cause()));
        return ours.session().resumed();
    }
}
