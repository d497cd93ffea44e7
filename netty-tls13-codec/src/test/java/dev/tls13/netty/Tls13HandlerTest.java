package dev.tls13.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.connection.SessionInfo;
import dev.tls13.error.InvalidMessage;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.testing.TestPki.KeyType;
import dev.tls13.testing.TestPki;
import dev.tls13.wire.AlertDescription;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.UnsupportedMessageTypeException;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.ReferenceCounted;
import io.netty.util.concurrent.Future;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Tls13Handler} keeps the contract of Netty's SslHandler (docs/architecture.md §9), on EmbeddedChannel pairs. */
class Tls13HandlerTest {

    private ChannelPair pair = new ChannelPair();

    @AfterEach
    void finish() {
        pair.finish();
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    /** [type, length] of every record in a byte stream. */
    private static List<int[]> records(ByteBuf buf) {
        List<int[]> result = new ArrayList<>();
        int i = buf.readerIndex();
        while (i + 5 <= buf.writerIndex()) {
            int length = buf.getUnsignedShort(i + 3);
            result.add(new int[] {buf.getUnsignedByte(i), length});
            i += 5 + length;
        }
        assertEquals(buf.writerIndex(), i, "whole records");
        return result;
    }

    private static TlsFailure failureOf(Throwable t) {
        Throwable cause = t instanceof DecoderException ? t.getCause() : t;
        return assertInstanceOf(TlsException.class, cause).failure();
    }

    @Test
    void handshakeSucceedsOnBothSidesAndFiresTheSuccessSingletonBeforeTheFirstRead() {
        pair.start();
        pair.client.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII));
        pair.shuttle();

        assertTrue(pair.clientHandler.handshakeFuture().isSuccess());
        assertSame(pair.client, pair.clientHandler.handshakeFuture().getNow());
        assertTrue(pair.serverHandler.handshakeFuture().isSuccess());
        assertSame(pair.server, pair.serverHandler.handshakeFuture().getNow());
        assertSame(SslHandshakeCompletionEvent.SUCCESS, pair.clientApp.userEvents.get(0));
        assertSame(SslHandshakeCompletionEvent.SUCCESS, pair.serverApp.userEvents.get(0));
        assertEquals(List.of("SslHandshakeCompletionEvent success", "read"), pair.serverApp.events);
        assertEquals("hello", pair.serverApp.received.toString(StandardCharsets.US_ASCII));
        assertTrue(pair.serverApp.exceptions.isEmpty());
        assertTrue(pair.clientApp.exceptions.isEmpty());
    }

    @Test
    void sessionDescribesTheNegotiatedParametersOnBothSides() {
        pair.start();
        assertNull(pair.clientHandler.session(), "no session before the handshake");
        pair.shuttle();
        SessionInfo client = pair.clientHandler.session();
        SessionInfo server = pair.serverHandler.session();
        assertEquals("TLSv1.3", client.protocol());
        assertEquals("TLS_AES_128_GCM_SHA256", client.cipherSuite());
        assertEquals("X25519MLKEM768", client.namedGroup(), "the default: a hybrid, shared in the first ClientHello");
        assertEquals(client.cipherSuite(), server.cipherSuite());
        assertEquals(ChannelPair.HOST, server.serverName(), "the server saw the client's SNI");
        assertEquals(ChannelPair.serverCertificate().certificate().getSubjectX500Principal(),
                client.peerCertificates().get(0).getSubjectX500Principal());
        assertTrue(server.peerCertificates().isEmpty());
        assertNull(pair.clientHandler.applicationProtocol());
        assertFalse(client.helloRetryRequest());
    }

    @Test
    void negotiatesTheServersPreferredApplicationProtocol() {
        pair.start(ChannelPair.clientContext().applicationProtocols("http/1.1", "h2").build(),
                ChannelPair.serverContext().applicationProtocols("h2", "http/1.1").build());
        pair.shuttle();
        assertEquals("h2", pair.clientHandler.applicationProtocol());
        assertEquals("h2", pair.serverHandler.applicationProtocol());
    }

    @Test
    void transfersOneMebibyteEachWayByteForByte() {
        pair.start();
        pair.shuttle();
        byte[] up = random(1 << 20);
        byte[] down = random((1 << 20) + 7);
        pair.client.writeAndFlush(Unpooled.wrappedBuffer(up));
        pair.server.writeAndFlush(Unpooled.wrappedBuffer(down));
        pair.shuttle();
        assertArrayEquals(up, ByteBufUtil.getBytes(pair.serverApp.received));
        assertArrayEquals(down, ByteBufUtil.getBytes(pair.clientApp.received));
    }

    @Test
    void coalescesManySmallWritesIntoOneRecordAndCompletesEveryPromise() {
        pair.start();
        pair.shuttle();
        List<ChannelFuture> writes = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            writes.add(pair.client.write(Unpooled.wrappedBuffer(random(10))));
        }
        pair.client.flush();
        ByteBuf wire = ChannelPair.drain(pair.client);
        try {
            List<int[]> recs = records(wire);
            assertEquals(1, recs.size(), "10000 bytes fit one record");
            assertEquals(0x17, recs.get(0)[0]);
            for (ChannelFuture f : writes) {
                assertTrue(f.isSuccess());
            }
        } finally {
            wire.release();
        }
    }

    @Test
    void splitsLargeWritesIntoRecordsOfTheWrapSize() {
        pair.start();
        pair.shuttle();
        pair.clientHandler.setWrapDataSize(1000);
        pair.client.writeAndFlush(Unpooled.wrappedBuffer(random(2500)));
        ByteBuf wire = ChannelPair.drain(pair.client);
        try {
            assertEquals(3, records(wire).size());
            pair.server.writeInbound(wire.retain());
        } finally {
            wire.release();
        }
        assertEquals(2500, pair.serverApp.received.readableBytes());
    }

    @Test
    void queuesWritesBeforeTheHandshakeAndSendsThemAfter() {
        pair.start();
        ChannelFuture early = pair.client.writeAndFlush(Unpooled.wrappedBuffer(random(100)));
        assertFalse(early.isDone(), "held until the handshake completes");
        pair.shuttle();
        assertTrue(early.isSuccess());
        assertEquals(100, pair.serverApp.received.readableBytes());
    }

    @Test
    void failsWritesBeyondThePendingCapBeforeTheHandshake() {
        pair.start(ChannelPair.clientContext().maxPendingWriteBytes(150).build(),
                ChannelPair.serverContext().build());
        ChannelFuture first = pair.client.write(Unpooled.wrappedBuffer(random(100)));
        ChannelFuture second = pair.client.write(Unpooled.wrappedBuffer(random(100)));
        assertFalse(first.isDone());
        assertInstanceOf(SSLException.class, second.cause());
        pair.client.flush();
        pair.shuttle();
        assertTrue(first.isSuccess());
        assertEquals(100, pair.serverApp.received.readableBytes());
    }

    @Test
    void rejectsWritesThatAreNotByteBufsAndReleasesThem() {
        pair.start();
        pair.shuttle();
        ByteBuf inside = Unpooled.buffer(4);
        ReferenceCounted message = new io.netty.util.AbstractReferenceCounted() {
            @Override
            protected void deallocate() {
                inside.release();
            }

            @Override
            public ReferenceCounted touch(Object hint) {
                return this;
            }
        };
        ChannelFuture f = pair.client.writeAndFlush(message);
        assertInstanceOf(UnsupportedMessageTypeException.class, f.cause());
        assertEquals(0, message.refCnt());
        assertEquals(0, inside.refCnt());
    }

    @Test
    void completesTheHandshakeWithAutoReadOff() {
        pair.client.config().setAutoRead(false);
        pair.server.config().setAutoRead(false);
        pair.start();
        pair.shuttle();
        assertTrue(pair.clientHandler.handshakeFuture().isSuccess());
        assertTrue(pair.serverHandler.handshakeFuture().isSuccess());
        assertTrue(pair.clientWire.reads >= 2, "the client asked for the server's flights: " + pair.clientWire.reads);
        assertTrue(pair.serverWire.reads >= 2, "the server asked for the client's flights: " + pair.serverWire.reads);
    }

    @Test
    void handshakeTimesOutWithSslHandshakeTimeoutException() {
        pair.client.freezeTime();
        pair.start();
        pair.clientHandler.handshakeFuture();
        pair.client.advanceTimeBy(9, TimeUnit.SECONDS);
        pair.client.runScheduledPendingTasks();
        assertFalse(pair.clientHandler.handshakeFuture().isDone());
        pair.client.advanceTimeBy(1, TimeUnit.SECONDS);
        pair.client.runScheduledPendingTasks();
        pair.client.runPendingTasks();
        Future<?> handshake = pair.clientHandler.handshakeFuture();
        assertInstanceOf(SslHandshakeTimeoutException.class, handshake.cause());
        assertTrue(pair.clientApp.events.contains("SslHandshakeCompletionEvent failure"));
        assertFalse(pair.client.isOpen(), "closed after the timeout");
    }

    @Test
    void closeSendsCloseNotifyAndThePeerSeesItsCloseFutureSucceed() {
        pair.start();
        pair.shuttle();
        pair.client.writeAndFlush(Unpooled.wrappedBuffer(random(10)));
        pair.client.close();
        assertFalse(pair.client.isOpen());
        pair.shuttle();
        assertEquals(10, pair.serverApp.received.readableBytes(), "data written before close arrives first");
        assertTrue(pair.serverHandler.sslCloseFuture().isSuccess());
        assertTrue(pair.serverApp.userEvents.contains(SslCloseCompletionEvent.SUCCESS));
        List<Object> serverEvents = pair.serverApp.userEvents;
        assertSame(SslCloseCompletionEvent.SUCCESS, serverEvents.get(serverEvents.size() - 1));
        assertInstanceOf(ClosedChannelException.class, pair.clientHandler.sslCloseFuture().cause());
        List<String> ops = pair.clientWire.operations;
        assertTrue(ops.lastIndexOf("flush") < ops.indexOf("close"), "close_notify flushed before close: " + ops);
    }

    @Test
    void closeOutboundSendsCloseNotifyButKeepsTheChannelOpen() {
        pair.start();
        pair.shuttle();
        ChannelFuture closeNotify = pair.clientHandler.closeOutbound();
        pair.shuttle();
        assertTrue(closeNotify.isSuccess());
        assertTrue(pair.client.isOpen());
        assertTrue(pair.serverHandler.sslCloseFuture().isSuccess());
        ChannelFuture late = pair.client.writeAndFlush(Unpooled.wrappedBuffer(random(1)));
        assertInstanceOf(SSLException.class, late.cause());
        pair.server.writeAndFlush(Unpooled.wrappedBuffer(random(3)));
        pair.shuttle();
        assertEquals(3, pair.clientApp.received.readableBytes(), "the other direction still works");
    }

    @Test
    void channelClosedMidHandshakeFailsTheHandshakeWithClosedChannelException() {
        pair.start();
        ChannelPair.move(pair.client, pair.server);
        pair.server.close();
        pair.client.close();
        assertInstanceOf(ClosedChannelException.class, pair.clientHandler.handshakeFuture().cause());
        assertInstanceOf(ClosedChannelException.class, pair.serverHandler.handshakeFuture().cause());
        assertTrue(pair.serverApp.events.contains("SslHandshakeCompletionEvent failure"));
    }

    @Test
    void serverWithoutACommonSuiteWritesTheFatalAlertBeforeClosing() {
        pair.start(ChannelPair.clientContext().cipherSuites("TLS_AES_128_GCM_SHA256").build(),
                ChannelPair.serverContext().cipherSuites("TLS_AES_256_GCM_SHA384").build());
        ChannelPair.move(pair.client, pair.server);

        ByteBuf wire = ChannelPair.drain(pair.server);
        try {
            assertArrayEquals(new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x02,
                (byte) AlertDescription.HANDSHAKE_FAILURE.code()}, ByteBufUtil.getBytes(wire));
            List<String> ops = pair.serverWire.operations;
            assertEquals(List.of("write 7", "flush", "close"), ops);
            pair.client.writeInbound(wire.retain());
        } finally {
            wire.release();
        }
        assertFalse(pair.server.isOpen());
        assertEquals(1, pair.serverApp.exceptions.size());
        assertInstanceOf(DecoderException.class, pair.serverApp.exceptions.get(0));
        assertInstanceOf(SSLException.class, pair.serverApp.exceptions.get(0).getCause());
        assertInstanceOf(TlsException.class, pair.serverHandler.handshakeFuture().cause());
        assertEquals(List.of("SslHandshakeCompletionEvent failure", "exception", "SslCloseCompletionEvent failure"),
                pair.serverApp.events);

        assertEquals(new TlsFailure.AlertReceived(AlertDescription.HANDSHAKE_FAILURE),
                failureOf(pair.clientHandler.handshakeFuture().cause()));
        assertFalse(pair.client.isOpen());
        ByteBuf clientWire = ChannelPair.drain(pair.client);
        try {
            assertFalse(clientWire.isReadable(), "no alert answers a fatal alert (RFC 8446 §6.2)");
        } finally {
            clientWire.release();
        }
    }

    @Test
    void clientRejectingTheServerCertificateSendsItsAlertBeforeClosing() {
        Tls13Context client = Tls13Context.forClient().trustManager(TestPki.ca(KeyType.RSA_2048).certificate()).build();
        pair.start(client, ChannelPair.serverContext().build());
        pair.shuttle();
        TlsFailure clientFailure = failureOf(pair.clientHandler.handshakeFuture().cause());
        assertInstanceOf(TlsFailure.CertificateRejected.class, clientFailure);
        assertFalse(pair.client.isOpen());
        List<String> ops = pair.clientWire.operations;
        int close = ops.indexOf("close");
        assertTrue(close > 1 && ops.get(close - 1).equals("flush") && ops.get(close - 2).startsWith("write"),
                "alert written and flushed before close: " + ops);
        // The server decrypted that alert: it failed with exactly the client's alert.
        assertEquals(new TlsFailure.AlertReceived(clientFailure.alert()),
                failureOf(pair.serverHandler.handshakeFuture().cause()));
        assertInstanceOf(DecoderException.class, pair.clientApp.exceptions.get(0));
    }

    @Test
    void plaintextHttpToAServerFailsAsNotATlsRecordAndCloses() {
        pair.start();
        pair.server.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII));
        assertFalse(pair.server.isOpen());
        TlsFailure failure = failureOf(pair.serverApp.exceptions.get(0));
        assertEquals(InvalidMessage.NOT_A_TLS_RECORD, ((TlsFailure.Invalid) failure).reason());
        assertTrue(pair.serverHandler.handshakeFuture().cause().getMessage().contains("ASCII"));
    }

    @Test
    void keyUpdatesInBothDirectionsKeepDataFlowing() {
        pair.start();
        pair.shuttle();
        Future<Void> clientUpdate = pair.clientHandler.updateKeys(true);
        pair.shuttle();
        assertTrue(clientUpdate.isSuccess());
        pair.client.writeAndFlush(Unpooled.wrappedBuffer(random(5000)));
        pair.server.writeAndFlush(Unpooled.wrappedBuffer(random(6000)));
        pair.shuttle();
        Future<Void> serverUpdate = pair.serverHandler.updateKeys(false);
        pair.server.writeAndFlush(Unpooled.wrappedBuffer(random(7000)));
        pair.client.writeAndFlush(Unpooled.wrappedBuffer(random(8000)));
        pair.shuttle();
        assertTrue(serverUpdate.isSuccess());
        assertEquals(13000, pair.serverApp.received.readableBytes());
        assertEquals(13000, pair.clientApp.received.readableBytes());
        assertTrue(pair.clientApp.exceptions.isEmpty() && pair.serverApp.exceptions.isEmpty());
    }

    @Test
    void keyUpdateBeforeTheHandshakeFails() {
        pair.start();
        assertInstanceOf(IllegalStateException.class, pair.clientHandler.updateKeys(false).cause());
    }

    @Test
    void flushesTheServerFlightOncePerReadBatch() {
        pair.start();
        ByteBuf hello = ChannelPair.drain(pair.client);
        int half = hello.readableBytes() / 2;
        pair.server.pipeline().fireChannelRead(hello.readRetainedSlice(half));
        pair.server.pipeline().fireChannelRead(hello.readRetainedSlice(hello.readableBytes()));
        hello.release();
        assertFalse(pair.serverWire.operations.contains("flush"), "nothing flushed inside the read batch");
        pair.server.pipeline().fireChannelReadComplete();
        List<String> ops = pair.serverWire.operations;
        assertEquals(2, ops.size(), ops::toString);
        assertTrue(ops.get(0).startsWith("write "), ops::toString);
        assertEquals("flush", ops.get(1));
    }

    @Test
    void corruptedRecordAfterTheHandshakeSendsBadRecordMacAndReachesExceptionCaught() {
        pair.start();
        pair.shuttle();
        pair.client.writeAndFlush(Unpooled.wrappedBuffer(random(100)));
        ByteBuf record = ChannelPair.drain(pair.client);
        try {
            record.setByte(record.writerIndex() - 1, record.getByte(record.writerIndex() - 1) ^ 1);
            pair.server.writeInbound(record.retain());
        } finally {
            record.release();
        }
        assertEquals(AlertDescription.BAD_RECORD_MAC, failureOf(pair.serverApp.exceptions.get(0)).alert());
        assertEquals(List.of("SslHandshakeCompletionEvent success", "exception", "SslCloseCompletionEvent failure"),
                pair.serverApp.events);
        assertFalse(pair.server.isOpen());
        pair.shuttle();
        assertEquals(new TlsFailure.AlertReceived(AlertDescription.BAD_RECORD_MAC),
                failureOf(pair.clientApp.exceptions.get(0)));
        assertEquals(0, pair.serverApp.received.readableBytes());
    }

    @Test
    void removingTheHandlerMidHandshakeFailsItsFuturesAndReleasesEverything() {
        pair.start();
        pair.client.write(Unpooled.wrappedBuffer(random(10)));
        ChannelFuture pending = pair.client.write(Unpooled.wrappedBuffer(random(10)));
        pair.client.pipeline().remove(pair.clientHandler);
        assertInstanceOf(SSLException.class, pair.clientHandler.handshakeFuture().cause());
        assertInstanceOf(SSLException.class, pair.clientHandler.sslCloseFuture().cause());
        assertInstanceOf(SSLException.class, pending.cause());
        assertTrue(pair.clientApp.events.contains("SslHandshakeCompletionEvent failure"));
    }

    @Test
    void closeWaitsForThePeersCloseNotifyUpToTheReadTimeout() {
        pair.client.freezeTime();
        pair.start();
        pair.shuttle();
        pair.clientHandler.setCloseNotifyReadTimeout(5, TimeUnit.SECONDS);
        // Through the pipeline: EmbeddedChannel.close() itself cancels every scheduled task.
        ChannelFuture closed = pair.client.pipeline().close();
        assertTrue(pair.client.isOpen(), "waiting for the peer's close_notify");
        ChannelPair.move(pair.client, pair.server);
        pair.client.advanceTimeBy(4, TimeUnit.SECONDS);
        pair.client.runScheduledPendingTasks();
        assertTrue(pair.client.isOpen());
        pair.client.advanceTimeBy(1, TimeUnit.SECONDS);
        pair.client.runScheduledPendingTasks();
        pair.client.runPendingTasks();
        assertFalse(pair.client.isOpen());
        assertTrue(closed.isSuccess());
    }

    @Test
    void closeCompletesAsSoonAsThePeersCloseNotifyArrives() {
        pair.start();
        pair.shuttle();
        pair.clientHandler.setCloseNotifyReadTimeout(5, TimeUnit.SECONDS);
        ChannelFuture closed = pair.client.pipeline().close();
        assertTrue(pair.client.isOpen());
        ChannelPair.move(pair.client, pair.server);
        pair.serverHandler.closeOutbound();
        ChannelPair.move(pair.server, pair.client);
        pair.client.runPendingTasks();
        assertTrue(pair.clientHandler.sslCloseFuture().isSuccess());
        assertFalse(pair.client.isOpen());
        assertTrue(closed.isSuccess());
    }

    @Test
    void handlerBuiltWithoutAnAllocatorUsesTheChannelsAndTellsTlsFromPlaintext() {
        Tls13Handler server = new Tls13Handler(ChannelPair.serverContext().build());
        pair.server.pipeline().addLast(pair.serverWire, server, pair.serverApp);
        pair.clientHandler = new Tls13Handler(ChannelPair.clientContext().build(), ChannelPair.HOST, 443);
        pair.client.pipeline().addLast(pair.clientWire, pair.clientHandler, pair.clientApp);
        ByteBuf hello = pair.client.readOutbound();
        try {
            assertTrue(Tls13Handler.isTlsRecord(hello));
            assertFalse(Tls13Handler.isTlsRecord(Unpooled.wrappedBuffer("GET / HTTP/1.1".getBytes(
                    StandardCharsets.US_ASCII))));
            pair.server.writeInbound(hello.retain());
        } finally {
            hello.release();
        }
        pair.shuttle();
        assertTrue(server.handshakeFuture().isSuccess());
        assertTrue(pair.clientHandler.handshakeFuture().isSuccess());
    }

    @Test
    void decryptsRecordsThatArriveInReadOnlyBuffers() {
        pair.start();
        pair.shuttle();
        byte[] data = random(3000);
        pair.client.writeAndFlush(Unpooled.wrappedBuffer(data));
        ByteBuf record = ChannelPair.drain(pair.client);
        pair.server.writeInbound(record.asReadOnly());
        assertArrayEquals(data, ByteBufUtil.getBytes(pair.serverApp.received));
        assertTrue(pair.serverApp.exceptions.isEmpty());
    }
}
