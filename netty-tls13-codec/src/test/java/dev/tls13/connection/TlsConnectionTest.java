package dev.tls13.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.crypto.JcaCryptoProvider;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.keys.TrafficKeys;
import dev.tls13.record.WriteProtection;
import dev.tls13.testing.TestPki;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.ContentType;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.KeyUpdate;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The record layer of {@link TlsConnection}, driven by {@link ToyHandshake}, without Netty channels. */
class TlsConnectionTest {

    private final Side client = new Side();
    private final Side server = new Side();

    /** One end: its connection, its receive cumulation and what its listener saw. */
    private static final class Side implements TlsConnection.Listener {
        TlsConnection connection;
        ByteBuf inbound = Unpooled.buffer();
        final List<String> events = new ArrayList<>();
        final ByteBuf received = Unpooled.buffer();
        SessionInfo session;

        @Override
        public void handshakeComplete(SessionInfo info) {
            session = info;
            events.add("handshake");
        }

        @Override
        public void applicationData(ByteBuf data) {
            try {
                events.add("data " + data.readableBytes());
                received.writeBytes(data);
            } finally {
                data.release();
            }
        }

        @Override
        public void closeNotifyReceived() {
            events.add("close_notify");
        }

        void release() {
            if (connection != null) {
                connection.release();
            }
            inbound.release();
            received.release();
        }
    }

    @AfterEach
    void releaseBoth() {
        client.release();
        server.release();
    }

    private void create(Limits limits) throws TlsException {
        client.connection = TlsConnection.withHandshake(true, JcaCryptoProvider.instance(),
                PooledByteBufAllocator.DEFAULT, client, limits, ToyHandshake::startClient);
        server.connection = TlsConnection.withHandshake(false, JcaCryptoProvider.instance(),
                PooledByteBufAllocator.DEFAULT, server, limits, ToyHandshake::startServer);
        client.connection.start();
        server.connection.start();
    }

    /** Moves everything {@code from} has queued to {@code to}; returns the number of bytes moved. */
    private static int pump(Side from, Side to) throws TlsException {
        ByteBuf output = from.connection.pollOutput();
        if (output == null) {
            return 0;
        }
        int n = output.readableBytes();
        to.inbound.writeBytes(output);
        output.release();
        to.connection.receive(to.inbound);
        to.inbound.discardReadBytes();
        return n;
    }

    private void handshake() throws TlsException {
        create(Limits.DEFAULT);
        pump(client, server);
        pump(server, client);
        assertTrue(client.connection.isHandshakeComplete());
        assertTrue(server.connection.isHandshakeComplete());
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static void send(Side side, byte[] data) throws TlsException {
        side.connection.writeApplicationData(Unpooled.wrappedBuffer(data), 16384);
    }

    /** Parses the record headers of a sealed stream: [type, length] pairs. */
    private static List<int[]> records(ByteBuf buf) {
        List<int[]> result = new ArrayList<>();
        int i = buf.readerIndex();
        while (i < buf.writerIndex()) {
            int type = buf.getUnsignedByte(i);
            int length = buf.getUnsignedShort(i + 3);
            result.add(new int[] {type, length, buf.getUnsignedShort(i + 1)});
            i += 5 + length;
        }
        assertEquals(buf.writerIndex(), i, "records end exactly at the end of the output");
        return result;
    }

    @Test
    void handshakeCompletesOnBothSidesAndReportsTheSession() throws TlsException {
        handshake();
        assertEquals(List.of("handshake"), client.events);
        assertEquals(List.of("handshake"), server.events);
        SessionInfo expected = SessionInfo.builder("TLS_AES_128_GCM_SHA256", "x25519").applicationProtocol("toy")
                .build();
        assertEquals(expected, client.connection.session());
        assertSame(client.connection.session(), client.session, "the listener gets what session() returns");
        assertEquals(expected, server.session);
    }

    @Test
    void initialClientHelloRecordCarriesLegacyVersion0301AndLaterRecords0303() throws TlsException {
        create(Limits.DEFAULT);
        ByteBuf hello = client.connection.pollOutput();
        try {
            List<int[]> recs = records(hello);
            assertEquals(1, recs.size());
            assertEquals(0x16, recs.get(0)[0]);
            assertEquals(0x0301, recs.get(0)[2]);
            server.inbound.writeBytes(hello);
        } finally {
            hello.release();
        }
        server.connection.receive(server.inbound);
        ByteBuf answer = server.connection.pollOutput();
        try {
            for (int[] r : records(answer)) {
                assertEquals(0x0303, r[2]);
            }
        } finally {
            answer.release();
        }
    }

    @Test
    void applicationDataFlowsBothWaysByteForByte() throws TlsException {
        handshake();
        byte[] toServer = random(100_000);
        byte[] toClient = random(33_333);
        send(client, toServer);
        send(server, toClient);
        pump(client, server);
        pump(server, client);
        assertArrayEquals(toServer, ByteBufUtil.getBytes(server.received));
        assertArrayEquals(toClient, ByteBufUtil.getBytes(client.received));
    }

    @Test
    void sealsApplicationDataIntoRecordsOfAtMostTheMaximumFragment() throws TlsException {
        handshake();
        client.connection.writeApplicationData(Unpooled.wrappedBuffer(random(40_000)), 16384);
        ByteBuf out = client.connection.pollOutput();
        try {
            List<int[]> recs = records(out);
            assertEquals(3, recs.size(), "40000 bytes in records of 16384");
            for (int[] r : recs) {
                assertEquals(0x17, r[0]);
                assertTrue(r[1] <= 16384 + 256);
            }
        } finally {
            out.release();
        }
    }

    @Test
    void deliversEachRecordAsItsOwnSliceWithoutWaitingForLaterRecords() throws TlsException {
        handshake();
        send(client, random(20_000));
        ByteBuf out = client.connection.pollOutput();
        try {
            // Everything but the last byte: the first record is whole, the second is not.
            server.inbound.writeBytes(out, out.readableBytes() - 1);
            server.connection.receive(server.inbound);
            assertEquals(List.of("handshake", "data 16384"), server.events);
            server.inbound.writeBytes(out);
            server.connection.receive(server.inbound);
            assertEquals(List.of("handshake", "data 16384", "data 3616"), server.events);
        } finally {
            out.release();
        }
    }

    @Test
    void rejectsApplicationDataBeforeTheHandshakeWithAnUnexpectedMessageAlert() throws TlsException {
        create(Limits.DEFAULT);
        server.inbound.writeBytes(new byte[] {0x17, 0x03, 0x03, 0x00, 0x01, 0x42});
        TlsException e = assertThrows(TlsException.class, () -> server.connection.receive(server.inbound));
        assertEquals(PeerMisbehaved.APPLICATION_DATA_BEFORE_HANDSHAKE, ((TlsFailure.Misbehaved) e.failure()).reason());
        ByteBuf alert = server.connection.pollOutput();
        try {
            assertArrayEquals(new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x0A}, ByteBufUtil.getBytes(alert));
        } finally {
            alert.release();
        }
    }

    @Test
    void failureIsStickyAndLaterInputIsDiscarded() throws TlsException {
        create(Limits.DEFAULT);
        server.inbound.writeBytes(new byte[] {0x17, 0x03, 0x03, 0x00, 0x01, 0x42});
        TlsException first = assertThrows(TlsException.class, () -> server.connection.receive(server.inbound));
        ByteBuf alert = server.connection.pollOutput();
        alert.release();
        server.inbound.writeBytes(new byte[] {0x16, 0x03, 0x03, 0x00, 0x01});
        server.connection.receive(server.inbound);
        assertFalse(server.inbound.isReadable(), "input after the failure is discarded");
        assertSame(first, server.connection.failure());
        assertNull(server.connection.pollOutput(), "one alert only");
    }

    @Test
    void dropsAChangeCipherSpecDuringTheHandshakeButNotTwoInARow() throws TlsException {
        create(Limits.DEFAULT);
        byte[] ccs = {0x14, 0x03, 0x03, 0x00, 0x01, 0x01};
        server.inbound.writeBytes(ccs);
        server.connection.receive(server.inbound);
        assertFalse(server.connection.hasOutput());
        server.inbound.writeBytes(ccs);
        TlsException e = assertThrows(TlsException.class, () -> server.connection.receive(server.inbound));
        assertEquals(PeerMisbehaved.TOO_MANY_CHANGE_CIPHER_SPECS, ((TlsFailure.Misbehaved) e.failure()).reason());
    }

    @Test
    void rejectsChangeCipherSpecAfterTheHandshake() throws TlsException {
        handshake();
        server.inbound.writeBytes(new byte[] {0x14, 0x03, 0x03, 0x00, 0x01, 0x01});
        TlsException e = assertThrows(TlsException.class, () -> server.connection.receive(server.inbound));
        assertEquals(PeerMisbehaved.UNEXPECTED_CHANGE_CIPHER_SPEC, ((TlsFailure.Misbehaved) e.failure()).reason());
        ByteBuf alert = server.connection.pollOutput();
        try {
            assertEquals(0x17, alert.getUnsignedByte(0), "the alert is protected with the write keys in force");
            client.inbound.writeBytes(alert);
        } finally {
            alert.release();
        }
        TlsException atClient = assertThrows(TlsException.class, () -> client.connection.receive(client.inbound));
        assertEquals(new TlsFailure.AlertReceived(AlertDescription.UNEXPECTED_MESSAGE), atClient.failure());
        assertNull(client.connection.pollOutput(), "no alert answers a fatal alert (RFC 8446 §6.2)");
    }

    @Test
    void closeNotifyEndsTheInboundSideAndLaterDataIsIgnored() throws TlsException {
        handshake();
        send(client, random(10));
        client.connection.closeOutbound();
        assertThrows(IllegalStateException.class, () -> send(client, random(1)));
        ByteBuf out = client.connection.pollOutput();
        try {
            server.inbound.writeBytes(out);
        } finally {
            out.release();
        }
        server.inbound.writeBytes(new byte[] {0x17, 0x03, 0x03, 0x00, 0x01, 0x42});
        server.connection.receive(server.inbound);
        assertEquals(List.of("handshake", "data 10", "close_notify"), server.events);
        assertTrue(server.connection.isInboundClosed());
        assertFalse(server.inbound.isReadable());
        assertNull(server.connection.failure());
        send(server, random(5));
        pump(server, client);
        assertEquals(5, client.received.readableBytes(), "half-closed: the other direction still works");
    }

    @Test
    void userCanceledWarningIsToleratedButOtherWarningsAreFatal() throws TlsException {
        handshake();
        server.inbound.writeBytes(new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x5A});
        server.connection.receive(server.inbound);
        assertNull(server.connection.failure());
        server.inbound.writeBytes(new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x2A});
        TlsException e = assertThrows(TlsException.class, () -> server.connection.receive(server.inbound));
        assertEquals(new TlsFailure.AlertReceived(AlertDescription.BAD_CERTIFICATE), e.failure());
    }

    @Test
    void tooManyConsecutiveEmptyRecordsAreUnexpected() throws TlsException {
        handshake();
        // The client's first application record uses sequence number 0 of its deterministic toy key.
        TrafficKeys keys = ToyHandshake.clientKeys();
        WriteProtection forged = WriteProtection.install(
                JcaCryptoProvider.instance().aead(keys.algorithm(), keys.key()), keys.iv());
        keys.destroy();
        ByteBuf records = Unpooled.buffer();
        try {
            for (int i = 0; i < Limits.DEFAULT.maxEmptyRecords(); i++) {
                forged.seal(ContentType.APPLICATION_DATA, Unpooled.EMPTY_BUFFER, records);
            }
            server.inbound.writeBytes(records);
            server.connection.receive(server.inbound);
            assertNull(server.connection.failure(), "a few empty records are allowed");
            records.clear();
            forged.seal(ContentType.APPLICATION_DATA, Unpooled.EMPTY_BUFFER, records);
            server.inbound.writeBytes(records);
        } finally {
            records.release();
            forged.destroy();
        }
        TlsException e = assertThrows(TlsException.class, () -> server.connection.receive(server.inbound));
        assertEquals(PeerMisbehaved.TOO_MANY_EMPTY_RECORDS, ((TlsFailure.Misbehaved) e.failure()).reason());
    }

    @Test
    void peerRequestedKeyUpdateIsAnsweredAndDataKeepsFlowing() throws TlsException {
        handshake();
        client.connection.updateKeys(true);
        send(client, random(1000));
        pump(client, server);
        assertEquals(1000, server.received.readableBytes());
        send(server, random(2000));
        pump(server, client);
        assertEquals(2000, client.received.readableBytes(), "the server answered with its own KeyUpdate");
    }

    @Test
    void updatesKeysAutomaticallyBeforeTheRecordLimit() throws TlsException {
        create(Limits.DEFAULT.withKeyUpdateAfterRecords(3));
        pump(client, server);
        pump(server, client);
        byte[] data = random(10 * 1000);
        for (int i = 0; i < 10; i++) {
            client.connection.writeApplicationData(Unpooled.wrappedBuffer(data, i * 1000, 1000), 16384);
        }
        ByteBuf out = client.connection.pollOutput();
        try {
            // 10 data records and a KeyUpdate after every third one: 13 records, all protected.
            assertEquals(13, records(out).size());
            server.inbound.writeBytes(out);
        } finally {
            out.release();
        }
        server.connection.receive(server.inbound);
        assertArrayEquals(data, ByteBufUtil.getBytes(server.received));
    }

    @Test
    void tooManyKeyUpdatesWithoutDataAreUnexpected() throws TlsException {
        handshake();
        for (int i = 0; i <= Limits.DEFAULT.maxKeyUpdates(); i++) {
            client.connection.updateKeys(false);
        }
        TlsException e = assertThrows(TlsException.class, () -> pump(client, server));
        assertEquals(PeerMisbehaved.TOO_MANY_KEY_UPDATES, ((TlsFailure.Misbehaved) e.failure()).reason());
    }

    @Test
    void refusesAKeyChangeInTheMiddleOfAHandshakeMessage() throws TlsException {
        create(Limits.DEFAULT);
        ByteBuf hello = client.connection.pollOutput();
        hello.release();
        byte[] finished = HandshakeCodec.encode(new dev.tls13.wire.Finished(new byte[] {1, 2, 3}));
        byte[] keyUpdate = HandshakeCodec.encode(new KeyUpdate(false));
        ByteBuf record = Unpooled.buffer();
        record.writeByte(0x16).writeShort(0x0303).writeShort(finished.length + 2);
        record.writeBytes(finished).writeBytes(keyUpdate, 0, 2);
        server.inbound.writeBytes(record);
        record.release();
        TlsException e = assertThrows(TlsException.class, () -> server.connection.receive(server.inbound));
        assertEquals(PeerMisbehaved.KEY_CHANGE_NOT_ALIGNED, ((TlsFailure.Misbehaved) e.failure()).reason());
    }

    @Test
    void writingBeforeTheHandshakeIsACallerMistake() throws TlsException {
        create(Limits.DEFAULT);
        assertThrows(IllegalStateException.class, () -> send(client, random(1)));
        assertThrows(IllegalStateException.class, () -> client.connection.updateKeys(false));
    }

    @Test
    void releaseIsIdempotentAndStopsOutput() throws TlsException {
        handshake();
        send(client, random(10));
        client.connection.release();
        client.connection.release();
        assertNull(client.connection.pollOutput());
        assertTrue(client.connection.isReleased());
    }

    @Test
    void realHandshakeAndDataThroughTheSansIoApiAlone() throws TlsException {
        realHandshakeAndData();
    }

    /**
     * The states read each received handshake message from the record's own array (heap, pooled heap
     * at a non-zero array offset) or from a per-thread copy (direct); a wrong offset or length would
     * corrupt the transcript and fail the Finished check.
     */
    @ParameterizedTest
    @ValueSource(strings = {"unpooled heap", "pooled heap", "direct"})
    void realHandshakeCompletesWithRecordsInHeapPooledHeapOrDirectBuffers(String kind) throws TlsException {
        for (Side side : List.of(client, server)) {
            side.inbound.release();
            side.inbound = switch (kind) {
                case "unpooled heap" -> Unpooled.buffer();
                case "pooled heap" -> PooledByteBufAllocator.DEFAULT.heapBuffer();
                default -> Unpooled.directBuffer();
            };
        }
        realHandshakeAndData();
        assertEquals(List.of("handshake", "data 16384", "data 16384", "data 16384", "data 848"), server.events);
    }

    private void realHandshakeAndData() throws TlsException {
        TestPki.Issued leaf = TestPki.leaf(TestPki.KeyType.EC_P256).issuer(TestPki.ca(TestPki.KeyType.EC_P256))
                .dns("localhost").build();
        Tls13Context serverContext = Tls13Context.forServer(leaf.privateKey(),
                leaf.chain().toArray(new java.security.cert.X509Certificate[0])).applicationProtocols("h2").build();
        Tls13Context clientContext = Tls13Context.forClient()
                .trustManager(TestPki.ca(TestPki.KeyType.EC_P256).certificate()).applicationProtocols("h2").build();
        client.connection = clientContext.newConnection(PooledByteBufAllocator.DEFAULT, "localhost", client);
        server.connection = serverContext.newConnection(PooledByteBufAllocator.DEFAULT, null, server);
        client.connection.start();
        server.connection.start();
        for (int i = 0; i < 4 && !(client.connection.isHandshakeComplete() && server.connection.isHandshakeComplete());
                i++) {
            pump(client, server);
            pump(server, client);
        }
        assertEquals("h2", client.session.applicationProtocol());
        assertEquals("localhost", server.session.serverName());
        byte[] data = random(50_000);
        send(client, data);
        pump(client, server);
        assertArrayEquals(data, ByteBufUtil.getBytes(server.received));
        assertEquals(32, client.connection.exportKeyingMaterial("EXPORTER-test", new byte[0], 32).length);
        assertArrayEquals(client.connection.exportKeyingMaterial("EXPORTER-test", new byte[0], 32),
                server.connection.exportKeyingMaterial("EXPORTER-test", new byte[0], 32));
    }

    @Test
    void sendsNothingAfterItsCloseNotifyEvenWhenThePeerRequestsAKeyUpdate() throws TlsException {
        handshake();
        server.connection.closeOutbound();
        ByteBuf closeNotify = server.connection.pollOutput();
        closeNotify.release();
        client.connection.updateKeys(true);
        pump(client, server);
        assertNull(server.connection.failure());
        assertNull(server.connection.pollOutput(), "no KeyUpdate after close_notify");
    }
}
