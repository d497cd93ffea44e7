package dev.tls13.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.testing.TestPki;
import dev.tls13.wire.AlertDescription;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The accept step of {@link TlsConnection}: a server created without a configuration reads up to the
 * ClientHello, pauses with it, and then either continues with the configuration its caller chose or refuses
 * the client with the alert of a typed reason.
 */
class AcceptStepTest {

    private static final TestPki.Issued LEAF = TestPki.leaf(TestPki.KeyType.EC_P256)
            .issuer(TestPki.ca(TestPki.KeyType.EC_P256)).dns("localhost").build();
    /** Counts the live buffers of the server connection (instrumented unpooled heap buffers). */
    private final UnpooledByteBufAllocator serverAlloc = new UnpooledByteBufAllocator(false);
    private final End client = new End();
    private final End server = new End();

    /** One end: its connection, its receive cumulation and what its listener saw. */
    private static final class End implements TlsConnection.Listener {
        TlsConnection connection;
        final ByteBuf inbound = Unpooled.buffer();
        final ByteBuf received = Unpooled.buffer();
        int completions;

        @Override
        public void handshakeComplete(SessionInfo session) {
            completions++;
        }

        @Override
        public void applicationData(ByteBuf data) {
            try {
                received.writeBytes(data);
            } finally {
                data.release();
            }
        }

        @Override
        public void closeNotifyReceived() {
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

    private static Tls13Context serverContext(String... protocols) {
        return Tls13Context.forServer(LEAF.privateKey(), LEAF.chain().toArray(new X509Certificate[0]))
                .applicationProtocols(protocols).build();
    }

    /** Starts a client to localhost offering h2 and http/1.1, and an accepting server; returns the ClientHello. */
    private ByteBuf start(Limits serverLimits) throws TlsException {
        return start(serverLimits, true);
    }

    private ByteBuf start(Limits serverLimits, boolean middleboxCompatibility) throws TlsException {
        Tls13Context clientContext = Tls13Context.forClient()
                .trustManager(TestPki.ca(TestPki.KeyType.EC_P256).certificate())
                .middleboxCompatibility(middleboxCompatibility)
                .applicationProtocols("h2", "http/1.1").build();
        client.connection = clientContext.newConnection(UnpooledByteBufAllocator.DEFAULT, "localhost", client);
        client.connection.start();
        server.connection = TlsConnection.accepting(serverAlloc, server, serverLimits);
        server.connection.start();
        return client.connection.pollOutput();
    }

    /** Moves everything {@code from} has queued to {@code to}; returns whether anything moved. */
    private static boolean pump(End from, End to) throws TlsException {
        ByteBuf output = from.connection.pollOutput();
        if (output == null) {
            return false;
        }
        to.inbound.writeBytes(output);
        output.release();
        to.connection.receive(to.inbound);
        to.inbound.discardReadBytes();
        return true;
    }

    private void completeHandshake() throws TlsException {
        for (int i = 0; i < 4 && !(client.connection.isHandshakeComplete()
                && server.connection.isHandshakeComplete()); i++) {
            pump(server, client);
            pump(client, server);
        }
        assertTrue(client.connection.isHandshakeComplete(), "client completed");
        assertTrue(server.connection.isHandshakeComplete(), "server completed");
    }

    /** Re-frames the handshake bytes of one plaintext record as {@code parts} records. */
    private static ByteBuf split(ByteBuf record, int parts) {
        int length = record.getUnsignedShort(record.readerIndex() + 3);
        ByteBuf body = record.slice(record.readerIndex() + 5, length);
        ByteBuf out = Unpooled.buffer();
        int step = (length + parts - 1) / parts;
        for (int from = 0; from < length; from += step) {
            int n = Math.min(step, length - from);
            out.writeByte(22).writeShort(0x0303).writeShort(n).writeBytes(body, from, n);
        }
        return out;
    }

    @Test
    void pausesOnlyOnceAClientHelloSplitAcrossThreeRecordsIsComplete() throws TlsException {
        ByteBuf hello = start(Limits.DEFAULT);
        ByteBuf records = split(hello, 3);
        hello.release();
        int recordLength = records.getUnsignedShort(3) + 5;
        for (int i = 0; i < 2; i++) {
            server.inbound.writeBytes(records, recordLength);
            server.connection.receive(server.inbound);
            assertFalse(server.connection.awaitingConfiguration(), "not paused after record " + (i + 1));
            assertNull(server.connection.clientHello());
        }
        server.inbound.writeBytes(records);
        records.release();
        server.connection.receive(server.inbound);
        assertTrue(server.connection.awaitingConfiguration());
        assertFalse(server.connection.hasOutput(), "nothing is sent before a configuration is chosen");

        ClientHelloInfo info = server.connection.clientHello();
        assertEquals("localhost", info.serverName());
        assertEquals(List.of("h2", "http/1.1"), info.applicationProtocols());
        assertTrue(info.offersTls13());
        assertEquals("TLSv1.3", info.supportedVersionNames().get(0));
        assertEquals(List.of("X25519MLKEM768", "SecP256r1MLKEM768", "SecP384r1MLKEM1024", "x25519", "secp256r1",
                "secp384r1", "secp521r1", "x448"), info.namedGroupNames());
        // The TLS 1.3 suites first, then the TLS 1.2 ones the default client offers too (issue #16).
        assertEquals(List.of(0x1301, 0x1302, 0x1303), info.cipherSuites().subList(0, 3));
        assertEquals(List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"),
                info.cipherSuiteNames().subList(0, 3));
        assertTrue(info.cipherSuites().contains(0xC02B), "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 offered too");
        assertTrue(info.signatureSchemeNames().contains("ecdsa_secp256r1_sha256"), info.toString());
        assertEquals(info.signatureSchemes().size(), info.signatureSchemeNames().size());

        serverContext("h2").accept(server.connection);
        assertFalse(server.connection.awaitingConfiguration());
        assertSame(info, server.connection.clientHello(), "still there after accept");
        completeHandshake();
        assertEquals("h2", client.connection.session().applicationProtocol());
    }

    @Test
    void aPausedConnectionLeavesLaterRecordsInTheCumulationUntilItIsAccepted() throws TlsException {
        ByteBuf hello = start(Limits.DEFAULT, false);
        server.inbound.writeBytes(hello);
        hello.release();
        // A change_cipher_spec right after the ClientHello, as a client in compatibility mode may send one
        // (RFC 8446 §D.4); this client is not in that mode, so it is the only one the server reads.
        byte[] changeCipherSpec = {20, 3, 3, 0, 1, 1};
        server.inbound.writeBytes(changeCipherSpec);
        server.connection.receive(server.inbound);
        assertTrue(server.connection.awaitingConfiguration());
        assertArrayEquals(changeCipherSpec, ByteBufUtil.getBytes(server.inbound), "the next record is not read");
        server.connection.receive(server.inbound);
        assertEquals(changeCipherSpec.length, server.inbound.readableBytes(), "still not read while paused");

        serverContext().accept(server.connection);
        assertTrue(server.connection.hasOutput(), "the server's flight is queued by accept");
        server.connection.receive(server.inbound);
        assertFalse(server.inbound.isReadable(), "read after accept, and tolerated after the ClientHello");
        assertNull(server.connection.failure());
        completeHandshake();

        byte[] data = "after the accept step".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        client.connection.writeApplicationData(Unpooled.wrappedBuffer(data), TlsConnection.MAX_PLAINTEXT_LENGTH);
        pump(client, server);
        assertArrayEquals(data, ByteBufUtil.getBytes(server.received));
        assertEquals(1, server.completions);
        assertEquals("localhost", server.connection.session().serverName());
    }

    @ParameterizedTest
    @EnumSource(Refusal.class)
    void refusingSendsTheReasonsAlertInAPlaintextRecord(Refusal reason) throws TlsException {
        ByteBuf hello = start(Limits.DEFAULT);
        server.inbound.writeBytes(hello);
        hello.release();
        server.connection.receive(server.inbound);
        assertTrue(server.connection.awaitingConfiguration());

        TlsException refused = server.connection.refuse(reason, "test");
        assertSame(refused, server.connection.failure());
        TlsFailure.Refused failure = assertInstanceOf(TlsFailure.Refused.class, refused.failure());
        assertEquals(reason.alert(), failure.alert());
        assertTrue(refused.getMessage().contains("test"), refused.getMessage());
        assertFalse(server.connection.awaitingConfiguration());
        assertTrue(server.connection.isOutboundClosed());
        assertThrows(IllegalStateException.class, () -> serverContext().accept(server.connection));

        ByteBuf alert = server.connection.pollOutput();
        assertArrayEquals(new byte[] {21, 3, 3, 0, 2, 2, (byte) reason.alert().code()}, ByteBufUtil.getBytes(alert));
        client.inbound.writeBytes(alert);
        alert.release();
        TlsException atClient = assertThrows(TlsException.class, () -> client.connection.receive(client.inbound));
        assertEquals(new TlsFailure.AlertReceived(reason.alert()), atClient.failure());
    }

    @Test
    void refusalsMapToTheAlertsTheirRfcsName() {
        assertEquals(AlertDescription.HANDSHAKE_FAILURE, Refusal.NO_CONFIGURATION.alert());
        assertEquals(AlertDescription.UNRECOGNIZED_NAME, Refusal.UNKNOWN_SERVER_NAME.alert());
        assertEquals(AlertDescription.ACCESS_DENIED, Refusal.ACCESS_DENIED.alert());
        assertEquals(AlertDescription.NO_APPLICATION_PROTOCOL, Refusal.NO_APPLICATION_PROTOCOL.alert());
        assertEquals(AlertDescription.PROTOCOL_VERSION, Refusal.UNSUPPORTED_VERSION.alert());
        assertEquals(AlertDescription.INTERNAL_ERROR, Refusal.SELECTION_FAILED.alert());
    }

    @Test
    void aClientHelloOverTheSizeLimitFailsAsOnAConfiguredServer() throws TlsException {
        Tls13Context context = Tls13Context.forServer(LEAF.privateKey(), LEAF.chain().toArray(new X509Certificate[0]))
                .maxClientHelloSize(64).build();
        ByteBuf hello = start(context.limits());
        TlsConnection configured = configuredServer(context);
        try {
            TlsException expected = failureOn(configured, hello.duplicate());
            TlsException actual = failureOn(server.connection, hello.duplicate());
            assertEquals(expected.failure(), actual.failure());
            assertFalse(server.connection.awaitingConfiguration());
            assertNull(server.connection.clientHello());
            assertAlert(expected.failure().alert(), server.connection.pollOutput());
        } finally {
            hello.release();
            configured.release();
        }
    }

    @Test
    void aFirstMessageOtherThanClientHelloFailsAsOnAConfiguredServer() throws TlsException {
        start(Limits.DEFAULT).release();
        // A Finished message (type 20) with a 32-byte verify_data, as the first record.
        ByteBuf finished = Unpooled.buffer().writeByte(22).writeShort(0x0303).writeShort(36)
                .writeByte(20).writeMedium(32).writeZero(32);
        TlsConnection configured = configuredServer(serverContext());
        try {
            TlsException expected = failureOn(configured, finished.duplicate());
            TlsException actual = failureOn(server.connection, finished.duplicate());
            assertEquals(expected.failure(), actual.failure());
            assertInstanceOf(TlsFailure.UnexpectedMessage.class, actual.failure());
            assertNull(server.connection.clientHello());
            assertAlert(AlertDescription.UNEXPECTED_MESSAGE, server.connection.pollOutput());
        } finally {
            finished.release();
            configured.release();
        }
    }

    @Test
    void whatMayPrecedeAClientHelloIsCheckedAsOnAConfiguredServer() throws TlsException {
        start(Limits.DEFAULT).release();
        ByteBuf changeCipherSpec = Unpooled.wrappedBuffer(new byte[] {20, 3, 3, 0, 1, 1});
        TlsConnection configured = configuredServer(serverContext());
        try {
            TlsException expected = failureOn(configured, changeCipherSpec.duplicate());
            assertEquals(expected.failure(), failureOn(server.connection, changeCipherSpec.duplicate()).failure());
        } finally {
            changeCipherSpec.release();
            configured.release();
        }
    }

    @Test
    void aReleasedPausedConnectionHoldsNoBuffer() throws TlsException {
        ByteBuf hello = start(Limits.DEFAULT);
        ByteBuf records = split(hello, 2);
        hello.release();
        server.inbound.writeBytes(records);
        records.release();
        server.connection.receive(server.inbound);
        assertTrue(server.connection.awaitingConfiguration());
        assertTrue(serverAlloc.metric().usedHeapMemory() > 0, "the joined ClientHello is held");
        server.connection.release();
        assertEquals(0, serverAlloc.metric().usedHeapMemory(), "every buffer of the connection is freed");
        assertEquals(1, server.inbound.refCnt(), "no slice of the caller's cumulation is kept");
        assertFalse(server.connection.awaitingConfiguration());
        assertThrows(IllegalStateException.class, () -> server.connection.refuse(Refusal.ACCESS_DENIED));
    }

    @Test
    void acceptAndRefuseAreCallerMistakesUnlessPaused() throws TlsException {
        start(Limits.DEFAULT).release();
        assertThrows(IllegalStateException.class, () -> serverContext().accept(server.connection));
        assertThrows(IllegalStateException.class, () -> server.connection.refuse(Refusal.NO_CONFIGURATION));
        Tls13Context clientContext = Tls13Context.forClient().build();
        assertThrows(IllegalStateException.class, () -> clientContext.accept(server.connection));
        assertNull(server.connection.failure(), "a caller mistake does not fail the connection");
    }

    /** A server created with its configuration, as {@code Tls13Context.newConnection} makes it. */
    private TlsConnection configuredServer(Tls13Context context) throws TlsException {
        TlsConnection connection = context.newConnection(serverAlloc, null, new End());
        connection.start();
        return connection;
    }

    private static TlsException failureOn(TlsConnection connection, ByteBuf bytes) {
        ByteBuf cumulation = Unpooled.buffer().writeBytes(bytes);
        try {
            TlsException e = assertThrows(TlsException.class, () -> connection.receive(cumulation));
            assertNotNull(connection.failure());
            return e;
        } finally {
            cumulation.release();
        }
    }

    private static void assertAlert(AlertDescription description, ByteBuf output) {
        try {
            assertArrayEquals(new byte[] {21, 3, 3, 0, 2, 2, (byte) description.code()}, ByteBufUtil.getBytes(output));
        } finally {
            output.release();
        }
    }
}
