package dev.tls13.netty;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.Tls13SessionTicketKey;
import dev.tls13.connection.SessionInfo;
import dev.tls13.error.TlsException;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.wire.AlertDescription;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

/**
 * Our client's 0-RTT through the handlers, against our server (RFC 8446 §2.3, §4.2.10; docs/architecture.md §15):
 * writes flushed before the handshake completes go out as early data right after the ClientHello, up to the
 * ticket's max_early_data_size; accepted, the server's pipeline gets them as {@link Tls13EarlyData}; rejected (a
 * server without 0-RTT, a HelloRetryRequest), the client sends them again as 1-RTT data, so the server's
 * application gets each byte exactly once and in order. Each connection is a fresh {@link ChannelPair} on shared
 * contexts: the first one leaves a ticket in the client context's cache.
 */
class ZeroRttClientLoopbackTest {

    private static Tls13SessionTicketKey randomKey() {
        SecureRandom random = new SecureRandom();
        byte[] name = new byte[Tls13SessionTicketKey.NAME_SIZE];
        byte[] key = new byte[Tls13SessionTicketKey.KEY_SIZE];
        random.nextBytes(name);
        random.nextBytes(key);
        return new Tls13SessionTicketKey(name, key);
    }

    /** A full handshake and one message, so that the server's tickets reach the client context's cache. */
    private static void prime(Tls13Context client, Tls13Context server) {
        ChannelPair pair = new ChannelPair().start(client, server);
        try {
            pair.shuttle();
            pair.client.writeAndFlush(ByteBufUtil.writeAscii(pair.client.alloc(), "ping"));
            pair.shuttle();
            assertEquals("ping", pair.serverApp.received.toString(US_ASCII));
            assertFalse(pair.clientHandler.session().earlyDataAccepted(), "no ticket yet: no 0-RTT");
            assertTrue(client.sessionCache().size() > 0, "a ticket for the next connection");
        } finally {
            pair.finish();
        }
    }

    private static ChannelFuture write(EmbeddedChannel channel, String text) {
        return channel.writeAndFlush(ByteBufUtil.writeAscii(channel.alloc(), text));
    }

    /** How many buffers the client's handler wrote to the transport so far (ClientHello, early records, ...). */
    private static long writes(ChannelPair pair) {
        return pair.clientWire.operations.stream().filter(o -> o.startsWith("write")).count();
    }

    private static void assertHandshakes(ChannelPair pair) {
        assertTrue(pair.clientHandler.handshakeFuture().isSuccess(),
                () -> "client: " + pair.clientHandler.handshakeFuture().cause());
        assertTrue(pair.serverHandler.handshakeFuture().isSuccess(),
                () -> "server: " + pair.serverHandler.handshakeFuture().cause());
        assertTrue(pair.clientApp.exceptions.isEmpty(), pair.clientApp.exceptions::toString);
        assertTrue(pair.serverApp.exceptions.isEmpty(), pair.serverApp.exceptions::toString);
    }

    @Test
    void acceptedEarlyWritesReachTheServerAsEarlyDataWithTheExactBytes() {
        Tls13Context client = ChannelPair.clientContext().earlyData(true).build();
        Tls13Context server = ChannelPair.serverContext().maxEarlyData(1024).build();
        prime(client, server);
        ChannelPair pair = new ChannelPair().start(client, server);
        try {
            ChannelFuture first = write(pair.client, "GET /1 ");
            ChannelFuture second = write(pair.client, "GET /2");
            assertEquals(3, writes(pair), "the ClientHello, then one 0-RTT write per flush");
            assertFalse(first.isDone(), "sent, but the outcome is not known yet");
            pair.shuttle();
            assertHandshakes(pair);
            assertTrue(pair.clientHandler.session().earlyDataAccepted());
            assertTrue(pair.clientHandler.session().resumed());
            assertTrue(pair.serverHandler.session().earlyDataAccepted());
            assertEquals("GET /1 GET /2", pair.serverApp.receivedEarly.toString(US_ASCII));
            assertEquals(0, pair.serverApp.received.readableBytes(), "nothing twice, nothing as 1-RTT data");
            List<String> events = pair.serverApp.events;
            assertEquals("early data", events.get(0));
            assertTrue(events.lastIndexOf("early data") < events.indexOf("SslHandshakeCompletionEvent success"),
                    () -> "0-RTT data before the handshake completes: " + events);
            assertTrue(first.isSuccess() && second.isSuccess());

            ChannelFuture later = write(pair.client, "after");
            pair.shuttle();
            assertTrue(later.isSuccess());
            assertEquals("after", pair.serverApp.received.toString(US_ASCII), "1-RTT data after the handshake");
        } finally {
            pair.finish();
        }
    }

    @Test
    void writesBeyondTheTicketsLimitWaitForTheHandshakeAndFollowInOrder() {
        Tls13Context client = ChannelPair.clientContext().earlyData(true).build();
        Tls13Context server = ChannelPair.serverContext().maxEarlyData(10).build();
        prime(client, server);
        ChannelPair pair = new ChannelPair().start(client, server);
        try {
            ChannelFuture a = write(pair.client, "12345");
            ChannelFuture b = write(pair.client, "6789+");
            // Plaintext bytes count (RFC 8446 §4.2.10): 10 sent, so the next write waits, and so does the one after
            // it, which would fit on its own.
            ChannelFuture c = write(pair.client, "x");
            ChannelFuture d = write(pair.client, "");
            assertEquals(3, writes(pair));
            pair.shuttle();
            assertHandshakes(pair);
            assertTrue(pair.clientHandler.session().earlyDataAccepted());
            assertEquals("123456789+", pair.serverApp.receivedEarly.toString(US_ASCII));
            assertEquals("x", pair.serverApp.received.toString(US_ASCII));
            assertTrue(a.isSuccess() && b.isSuccess() && c.isSuccess() && d.isSuccess());
        } finally {
            pair.finish();
        }
    }

    @Test
    void rejectedByAServerWithout0RttTheBytesArriveOnceAsOneRttDataInOrderWithLaterWrites() {
        Tls13SessionTicketKey key = randomKey();
        Tls13Context client = ChannelPair.clientContext().earlyData(true).build();
        Tls13Context issuing = ChannelPair.serverContext().sessionTicketKeys(key).maxEarlyData(16).build();
        Tls13Context rejecting = ChannelPair.serverContext().sessionTicketKeys(key).build();
        prime(client, issuing);
        ChannelPair pair = new ChannelPair().start(client, rejecting);
        try {
            ChannelFuture a = write(pair.client, "GET /1 ");
            ChannelFuture b = write(pair.client, "GET /2 ");
            ChannelFuture c = write(pair.client, "and more than the ticket allows");
            assertEquals(3, writes(pair), "a and b went out as 0-RTT data, c waits");
            pair.shuttle();
            assertHandshakes(pair);
            SessionInfo session = pair.clientHandler.session();
            assertTrue(session.resumed(), "the ticket itself was fine");
            assertFalse(session.earlyDataAccepted());
            assertFalse(pair.serverHandler.session().earlyDataAccepted());
            // RFC 8446 §4.2.10: the server skipped the 0-RTT records; the handler sent them again, first.
            assertEquals(0, pair.serverApp.receivedEarly.readableBytes());
            assertEquals("GET /1 GET /2 and more than the ticket allows", pair.serverApp.received.toString(US_ASCII));
            assertTrue(a.isSuccess() && b.isSuccess() && c.isSuccess());

            write(pair.client, "; later");
            pair.shuttle();
            assertEquals("GET /1 GET /2 and more than the ticket allows; later",
                    pair.serverApp.received.toString(US_ASCII));
        } finally {
            pair.finish();
        }
    }

    @Test
    void aHelloRetryRequestRejectsTheEarlyDataAndTheBytesArriveOnceAsOneRttData() {
        Tls13Context client = ChannelPair.clientContext().namedGroups("x25519", "secp256r1").keyShares(1)
                .earlyData(true).build();
        Tls13Context server = ChannelPair.serverContext().namedGroups("secp256r1").maxEarlyData(1024).build();
        prime(client, server);
        ChannelPair pair = new ChannelPair().start(client, server);
        try {
            ChannelFuture a = write(pair.client, "idempotent");
            pair.shuttle();
            assertHandshakes(pair);
            assertTrue(pair.serverHandler.session().helloRetryRequest());
            assertTrue(pair.clientHandler.session().resumed());
            assertFalse(pair.clientHandler.session().earlyDataAccepted());
            // RFC 8446 §4.1.2, §4.2.10: no early data after a HelloRetryRequest; the server skipped the records.
            assertEquals(0, pair.serverApp.receivedEarly.readableBytes(), "none delivered as early data");
            assertEquals("idempotent", pair.serverApp.received.toString(US_ASCII));
            assertTrue(a.isSuccess());
        } finally {
            pair.finish();
        }
    }

    @Test
    void rejectedWithAnotherAlpnProtocolTheEarlyWritesFailInsteadOfBeingResent() {
        Tls13SessionTicketKey key = randomKey();
        Tls13Context client = ChannelPair.clientContext().applicationProtocols("h2", "http/1.1").earlyData(true)
                .build();
        Tls13Context issuing = ChannelPair.serverContext().sessionTicketKeys(key).applicationProtocols("h2")
                .maxEarlyData(1024).build();
        Tls13Context rejecting = ChannelPair.serverContext().sessionTicketKeys(key)
                .applicationProtocols("http/1.1").build();
        prime(client, issuing);
        ChannelPair pair = new ChannelPair().start(client, rejecting);
        try {
            ChannelFuture early = write(pair.client, "PRI * HTTP/2.0");
            pair.shuttle();
            assertHandshakes(pair);
            assertEquals("http/1.1", pair.clientHandler.applicationProtocol());
            assertFalse(pair.clientHandler.session().earlyDataAccepted());
            // RFC 8446 §4.2.10: early data written for h2 "MUST NOT" be resent automatically on http/1.1.
            assertInstanceOf(SSLException.class, early.cause());
            assertEquals(0, pair.serverApp.received.readableBytes());
            assertEquals(0, pair.serverApp.receivedEarly.readableBytes());
            ChannelFuture next = write(pair.client, "GET / HTTP/1.1");
            pair.shuttle();
            assertTrue(next.isSuccess());
            assertEquals("GET / HTTP/1.1", pair.serverApp.received.toString(US_ASCII));
        } finally {
            pair.finish();
        }
    }

    @Test
    void aTicketWithoutEarlyDataSendsNoneAndTheWritesWaitForTheHandshake() {
        Tls13Context client = ChannelPair.clientContext().earlyData(true).build();
        Tls13Context server = ChannelPair.serverContext().build();
        prime(client, server);
        ChannelPair pair = new ChannelPair().start(client, server);
        try {
            ChannelFuture a = write(pair.client, "held");
            assertEquals(1, writes(pair), "the ClientHello only");
            assertFalse(a.isDone());
            pair.shuttle();
            assertHandshakes(pair);
            assertTrue(pair.clientHandler.session().resumed());
            assertFalse(pair.clientHandler.session().earlyDataAccepted());
            assertEquals(0, pair.serverApp.receivedEarly.readableBytes());
            assertEquals("held", pair.serverApp.received.toString(US_ASCII));
            assertTrue(a.isSuccess());
        } finally {
            pair.finish();
        }
    }

    @Test
    void withEarlyDataOffTheWritesWaitForTheHandshake() {
        Tls13Context client = ChannelPair.clientContext().build();
        Tls13Context server = ChannelPair.serverContext().maxEarlyData(1024).build();
        prime(client, server);
        ChannelPair pair = new ChannelPair().start(client, server);
        try {
            write(pair.client, "held");
            assertEquals(1, writes(pair), "the ClientHello only");
            pair.shuttle();
            assertHandshakes(pair);
            assertFalse(pair.clientHandler.session().earlyDataAccepted());
            assertEquals("held", pair.serverApp.received.toString(US_ASCII));
        } finally {
            pair.finish();
        }
    }

    @Test
    void aClientOfferingTls12TooSendsEarlyDataAndFailsWithProtocolVersionWhenTheServerAnswersTls12()
            throws Exception {
        Tls13Context client = ChannelPair.clientContext().protocols("TLSv1.3", "TLSv1.2").earlyData(true).build();
        Tls13Context server = ChannelPair.serverContext().maxEarlyData(1024).build();
        prime(client, server);
        // The same host and port now answer with TLS 1.2 only (Netty's SslHandler on the JDK engine).
        Issued leaf = ChannelPair.serverCertificate();
        SslContext tls12 = SslContextBuilder.forServer(leaf.privateKey(), leaf.chain().toArray(new X509Certificate[0]))
                .sslProvider(SslProvider.JDK).protocols("TLSv1.2").build();
        EmbeddedChannel clientChannel = new EmbeddedChannel();
        EmbeddedChannel serverChannel = new EmbeddedChannel();
        ChannelPair.Wire wire = new ChannelPair.Wire();
        ChannelPair.Recorder serverApp = new ChannelPair.Recorder();
        try {
            serverChannel.pipeline().addLast(tls12.newHandler(serverChannel.alloc()), serverApp);
            Tls13Handler handler = client.newHandler(clientChannel.alloc(), ChannelPair.HOST, 443);
            clientChannel.pipeline().addLast(wire, handler);
            ChannelFuture a = write(clientChannel, "held");
            // RFC 8446 Appendix D.3: the TLS 1.3 ticket says the server speaks TLS 1.3, so 0-RTT goes out although
            // TLS 1.2 is offered too: the ClientHello, the compatibility change_cipher_spec and the early record.
            assertTrue(wire.operations.stream().filter(o -> o.startsWith("write")).count() >= 2,
                    wire.operations::toString);
            // The client's pipeline rethrows its failure on the ServerHello (EmbeddedChannel.checkException).
            assertThrows(DecoderException.class, () -> {
                boolean moved;
                do {
                    moved = ChannelPair.move(clientChannel, serverChannel)
                            | ChannelPair.move(serverChannel, clientChannel);
                } while (moved);
            });
            // RFC 8446 §4.2.10: "A client that attempts to send 0-RTT data MUST fail a connection if it receives a
            // ServerHello with TLS 1.2 or older", with protocol_version.
            assertTrue(handler.handshakeFuture().isDone());
            TlsException failure = assertInstanceOf(TlsException.class, handler.handshakeFuture().cause());
            assertEquals(AlertDescription.PROTOCOL_VERSION, failure.failure().alert());
            assertTrue(a.isDone());
            assertFalse(a.isSuccess(), "the early write fails with the connection");
            assertFalse(clientChannel.isOpen());
            assertEquals(0, serverApp.received.readableBytes());
        } finally {
            serverApp.release();
            clientChannel.finishAndReleaseAll();
            serverChannel.finishAndReleaseAll();
        }
    }

    @Test
    void aTls12OnlyClientSendsNoEarlyDataAndATls13ServerAnswersTls12() {
        Tls13Context client = ChannelPair.clientContext().earlyData(true).build();
        Tls13Context server = ChannelPair.serverContext().maxEarlyData(1024).build();
        prime(client, server);
        Tls13Context tls12Client = ChannelPair.clientContext().protocols("TLSv1.2").earlyData(true)
                .sessionCache(client.sessionCache()).build();
        ChannelPair pair = new ChannelPair().start(tls12Client, server);
        try {
            ChannelFuture a = write(pair.client, "held");
            assertEquals(1, writes(pair), "a TLS 1.2 ClientHello alone: no TLS 1.3 ticket, no 0-RTT");
            pair.shuttle();
            assertHandshakes(pair);
            assertEquals(SessionInfo.TLS12, pair.clientHandler.session().protocol());
            assertEquals(SessionInfo.TLS12, pair.serverHandler.session().protocol());
            assertFalse(pair.clientHandler.session().resumed());
            assertTrue(a.isSuccess());
            assertEquals("held", pair.serverApp.received.toString(US_ASCII));
            assertEquals(0, pair.serverApp.receivedEarly.readableBytes());
        } finally {
            pair.finish();
        }
    }
}
