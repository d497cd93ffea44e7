package dev.tls13.negative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.negative.Duel.Profile;
import dev.tls13.negative.Duel.Unit;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.ClientHello;
import dev.tls13.wire.Extension;
import dev.tls13.wire.Extensions;
import dev.tls13.wire.Finished;
import dev.tls13.wire.HandshakeCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A server that does not accept 0-RTT skips the early data of a ClientHello with early_data (RFC 8446 §4.2.10):
 * records that the handshake key cannot open are discarded, the first one that opens is the client's second
 * flight; after a HelloRetryRequest every application_data record before the second ClientHello is discarded;
 * beyond 16 KiB the server ends with unexpected_message (§4.6.1). Early data here is sealed under a key the
 * server does not have, as a client's 0-RTT records are for a server without the ticket's PSK.
 */
class RejectedEarlyDataTest {

    private static final String CLIENT_HANDSHAKE = "CLIENT_HANDSHAKE_TRAFFIC_SECRET";
    private final Random random = new Random(0x0e7d);

    /** The ClientHello {@code encoded} with an early_data extension added (what a client offering 0-RTT sends). */
    private static byte[] withEarlyData(byte[] encoded) throws TlsException {
        ByteBuf buf = Unpooled.wrappedBuffer(encoded);
        ClientHello hello;
        try {
            hello = (ClientHello) HandshakeCodec.decode(buf);
        } finally {
            buf.release();
        }
        List<Extension> extensions = new ArrayList<>(hello.extensions().list());
        extensions.add(new Extension.EarlyData());
        return HandshakeCodec.encode(new ClientHello(hello.legacyVersion(), hello.random(), hello.legacySessionId(),
                hello.cipherSuites(), new Extensions(extensions)));
    }

    /** Sends the puppet client's ClientHello to the victim server with early_data added. */
    private static void helloWithEarlyData(Duel d) throws TlsException {
        Unit hello = d.queue.poll();
        assertNotNull(hello);
        assertEquals(1, hello.handshakeType(), "the ClientHello comes first");
        assertNull(d.deliver(new Unit(22, withEarlyData(hello.content()), Epoch.PLAINTEXT)));
    }

    /** A 0-RTT record of {@code length} bytes of data under a key the server does not know. */
    private byte[] earlyDataRecord(Epoch unknownKey, int length) {
        byte[] inner = new byte[length + 1];
        random.nextBytes(inner);
        inner[length] = 23;
        return unknownKey.sealInner(inner);
    }

    private Epoch unknownKey() {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        return Epoch.of("client_early_traffic_secret", secret);
    }

    @Test
    void skipsRecordsTheHandshakeKeyCannotOpenThenTakesTheFirstThatOpensAsTheSecondFlight() throws TlsException {
        try (Duel d = Duel.start(false, Profile.PLAIN)) {
            helloWithEarlyData(d);
            assertTrue(d.hasSecret(CLIENT_HANDSHAKE), "the server answered with a 1-RTT ServerHello");
            Epoch early = unknownKey();
            for (int i = 0; i < 4; i++) {
                assertNull(d.deliverRaw(earlyDataRecord(early, 1000)), "early data record " + i + " skipped");
            }
            // The first record that opens is the client's second flight: a (wrong) Finished is checked, so the
            // failure is decrypt_error for the Finished, not bad_record_mac for the record.
            TlsException e = d.deliver(new Unit(22, HandshakeCodec.encode(new Finished(new byte[32])),
                    CLIENT_HANDSHAKE));
            assertNotNull(e);
            assertEquals(PeerMisbehaved.BAD_FINISHED, ((TlsFailure.Misbehaved) e.failure()).reason());
            d.assertFatalAlertOnTheWire(e, AlertDescription.DECRYPT_ERROR, true);
        }
    }

    @Test
    void skippingEndsAtTheFirstRecordThatOpens() throws TlsException {
        try (Duel d = Duel.start(false, Profile.PLAIN)) {
            helloWithEarlyData(d);
            Epoch early = unknownKey();
            assertNull(d.deliverRaw(earlyDataRecord(early, 100)));
            // A CCS (middlebox compatibility, RFC 8446 §D.4) may come between; it does not end the skipping.
            assertNull(d.deliverRaw(Duel.plainRecord(20, new byte[] {1})));
            assertNull(d.deliverRaw(earlyDataRecord(early, 100)));
            // Application data under the handshake key opens: it is the client's second flight, where it is
            // unexpected_message, not a skipped record and not bad_record_mac.
            TlsException e = d.deliver(new Unit(23, new byte[] {'x'}, CLIENT_HANDSHAKE));
            assertNotNull(e);
            assertEquals(PeerMisbehaved.APPLICATION_DATA_BEFORE_HANDSHAKE,
                    ((TlsFailure.Misbehaved) e.failure()).reason());
            d.assertFatalAlertOnTheWire(e, AlertDescription.UNEXPECTED_MESSAGE, true);
        }
    }

    @Test
    void moreThanSixteenKibibytesOfEarlyDataIsUnexpectedMessage() throws TlsException {
        try (Duel d = Duel.start(false, Profile.PLAIN)) {
            helloWithEarlyData(d);
            Epoch early = unknownKey();
            // 16,384 bytes of early data in records of 4,096 are within the bound.
            for (int i = 0; i < 4; i++) {
                assertNull(d.deliverRaw(earlyDataRecord(early, 4096)), "record " + i);
            }
            TlsException e = d.deliverRaw(earlyDataRecord(early, 1));
            assertNotNull(e, "one byte more is refused");
            assertEquals(PeerMisbehaved.TOO_MUCH_EARLY_DATA, ((TlsFailure.Misbehaved) e.failure()).reason());
            d.assertFatalAlertOnTheWire(e, AlertDescription.UNEXPECTED_MESSAGE, true);
        }
    }

    @Test
    void withoutEarlyDataARecordThatDoesNotOpenIsBadRecordMac() throws TlsException {
        try (Duel d = Duel.start(false, Profile.PLAIN)) {
            d.deliverNext();
            assertTrue(d.hasSecret(CLIENT_HANDSHAKE));
            TlsException e = d.deliverRaw(earlyDataRecord(unknownKey(), 100));
            assertNotNull(e, "no early_data offered: nothing is skipped");
            d.assertFatalAlertOnTheWire(e, AlertDescription.BAD_RECORD_MAC, true);
        }
    }

    @Test
    void afterAHelloRetryRequestSkipsApplicationDataRecordsUntilTheSecondClientHello() throws TlsException {
        try (Duel d = Duel.start(false, Profile.HELLO_RETRY)) {
            helloWithEarlyData(d);
            assertFalse(d.hasSecret(CLIENT_HANDSHAKE), "a HelloRetryRequest, no handshake keys yet");
            Epoch early = unknownKey();
            for (int i = 0; i < 3; i++) {
                assertNull(d.deliverRaw(earlyDataRecord(early, 2000)), "early data record " + i + " skipped");
            }
            // The client gets the HelloRetryRequest and sends its second ClientHello (without early_data).
            d.victimToPuppet();
            Unit second = d.queue.stream().filter(u -> u.handshakeType() == 1).findFirst().orElseThrow();
            while (d.queue.peek() != second) {
                d.deliverNext();
            }
            d.deliverNext();
            assertTrue(d.hasSecret(CLIENT_HANDSHAKE), "the second ClientHello was answered");
            // New read keys end the skipping: a record they cannot open is bad_record_mac again.
            TlsException e = d.deliverRaw(earlyDataRecord(early, 100));
            assertNotNull(e);
            d.assertFatalAlertOnTheWire(e, AlertDescription.BAD_RECORD_MAC, true);
        }
    }
}
