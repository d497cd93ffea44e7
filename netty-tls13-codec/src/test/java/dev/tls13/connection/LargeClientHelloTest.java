package dev.tls13.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.error.InvalidMessage;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.record.HandshakeJoiner;
import dev.tls13.testing.LargeClientHellos;
import dev.tls13.testing.TestPki;
import dev.tls13.wire.AlertDescription;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A ClientHello may fill its 64 KiB extensions block (RFC 8446 §4.1.2: hundreds of signature schemes,
 * several post-quantum key shares) and is accepted up to {@link HandshakeJoiner#DEFAULT_MAX_CLIENT_HELLO_LENGTH},
 * through a configured server and through the accept step; every other message but Certificate keeps the
 * 64 KiB cap, and anything above a cap is decode_error before it is buffered (docs/architecture.md §10).
 */
class LargeClientHelloTest {

    private static final TestPki.Issued LEAF = TestPki.leaf(TestPki.KeyType.EC_P256)
            .issuer(TestPki.ca(TestPki.KeyType.EC_P256)).dns("localhost").build();

    private static final TlsConnection.Listener IGNORE = new TlsConnection.Listener() {
        @Override
        public void handshakeComplete(SessionInfo session) {
        }

        @Override
        public void applicationData(ByteBuf data) {
            data.release();
        }

        @Override
        public void closeNotifyReceived() {
        }
    };

    private static Tls13Context serverContext() {
        return Tls13Context.forServer(LEAF.privateKey(), LEAF.chain().toArray(new X509Certificate[0])).build();
    }

    private static byte[] clientHelloOfLength(int total) throws TlsException {
        return LargeClientHellos.ofLength(total);
    }

    /** Feeds the records to {@code server}; returns its output (the ServerHello flight or an alert). */
    private static TlsFailure receive(TlsConnection server, byte[] clientHello) {
        ByteBuf in = LargeClientHellos.records(clientHello);
        try {
            server.receive(in);
            return null;
        } catch (TlsException e) {
            return e.failure();
        } finally {
            in.release();
        }
    }

    private static void assertAnswersWithAServerHello(TlsConnection server) {
        ByteBuf output = server.pollOutput();
        assertNotNull(output, "the server answered");
        try {
            assertEquals(22, output.getUnsignedByte(0), "a handshake record");
            assertEquals(2, output.getUnsignedByte(5), "a ServerHello");
        } finally {
            output.release();
        }
    }

    private static void assertTooLarge(TlsFailure failure) {
        assertNotNull(failure);
        assertInstanceOf(TlsFailure.Invalid.class, failure, failure.toString());
        assertEquals(InvalidMessage.HANDSHAKE_MESSAGE_TOO_LARGE, ((TlsFailure.Invalid) failure).reason());
        assertEquals(AlertDescription.DECODE_ERROR, failure.alert());
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {HandshakeJoiner.DEFAULT_MAX_MESSAGE_LENGTH + 1, 4 + 0xFFFF,
            HandshakeJoiner.DEFAULT_MAX_CLIENT_HELLO_LENGTH})
    void aConfiguredServerAnswersAClientHelloAbove64KiBUpToItsCap(int length) throws Exception {
        TlsConnection server = serverContext().newConnection(UnpooledByteBufAllocator.DEFAULT, null, IGNORE);
        try {
            server.start();
            TlsFailure failure = receive(server, clientHelloOfLength(length));
            assertEquals(null, failure);
            assertAnswersWithAServerHello(server);
        } finally {
            server.release();
        }
    }

    @Test
    void theAcceptStepReadsAClientHelloAt64KiBOfExtensionsAndContinues() throws Exception {
        TlsConnection server = TlsConnection.accepting(UnpooledByteBufAllocator.DEFAULT, IGNORE);
        try {
            server.start();
            assertEquals(null, receive(server, clientHelloOfLength(HandshakeJoiner.DEFAULT_MAX_CLIENT_HELLO_LENGTH)));
            assertTrue(server.awaitingConfiguration());
            serverContext().accept(server);
            assertAnswersWithAServerHello(server);
        } finally {
            server.release();
        }
    }

    @Test
    void aClientHelloAboveItsCapIsADecodeError() throws Exception {
        TlsConnection server = serverContext().newConnection(UnpooledByteBufAllocator.DEFAULT, null, IGNORE);
        try {
            server.start();
            assertTooLarge(receive(server, clientHelloOfLength(HandshakeJoiner.DEFAULT_MAX_CLIENT_HELLO_LENGTH + 1)));
        } finally {
            server.release();
        }
    }

    @Test
    void theClientHelloCapIsConfigurableOnItsOwn() throws Exception {
        Tls13Context tight = Tls13Context.forServer(LEAF.privateKey(), LEAF.chain().toArray(new X509Certificate[0]))
                .maxClientHelloSize(4096).build();
        assertEquals(4096, tight.limits().maxClientHelloSize());
        assertEquals(HandshakeJoiner.DEFAULT_MAX_MESSAGE_LENGTH, tight.limits().maxHandshakeMessageSize());
        TlsConnection server = tight.newConnection(UnpooledByteBufAllocator.DEFAULT, null, IGNORE);
        try {
            server.start();
            assertTooLarge(receive(server, clientHelloOfLength(4097)));
        } finally {
            server.release();
        }
    }

    @Test
    void otherMessagesKeepThe64KiBCap() {
        HandshakeJoiner joiner = new HandshakeJoiner();
        ByteBuf finished = Unpooled.buffer().writeByte(20).writeMedium(HandshakeJoiner.DEFAULT_MAX_MESSAGE_LENGTH);
        try {
            TlsException e = assertThrows(TlsException.class, () -> joiner.add(finished));
            assertTooLarge(e.failure());
        } finally {
            finished.release();
            joiner.release();
        }
        assertEquals(HandshakeJoiner.DEFAULT_MAX_MESSAGE_LENGTH, Limits.DEFAULT.maxHandshakeMessageSize());
        assertFalse(Limits.DEFAULT.maxClientHelloSize() <= Limits.DEFAULT.maxHandshakeMessageSize());
    }
}
