package dev.tls13.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.connection.TlsConnection;
import dev.tls13.crypto.KeyExchange;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.keys.EarlySecret;
import dev.tls13.keys.TrafficKeys;
import dev.tls13.keys.TrafficSecret;
import dev.tls13.keys.Transcript;
import dev.tls13.record.WriteProtection;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.ContentType;
import dev.tls13.wire.Extension;
import dev.tls13.wire.NamedGroup;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A server connection with accepted 0-RTT (RFC 8446 §4.2.10): the early records, sealed under
 * client_early_traffic_secret, reach the listener's {@code earlyData} (never {@code applicationData}) before the
 * handshake completes, and more than max_early_data_size bytes is unexpected_message.
 */
class ZeroRttConnectionTest {

    private static final long MAX = 100;

    /** What the listener got. */
    private static final class Events implements TlsConnection.Listener {
        final List<String> early = new ArrayList<>();
        final List<String> data = new ArrayList<>();

        @Override
        public void earlyData(ByteBuf b) {
            early.add(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }

        @Override
        public void applicationData(ByteBuf b) {
            data.add(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }

        @Override
        public void closeNotifyReceived() {
        }
    }

    /** The client's first flight: its ClientHello with early_data and a ticket, then 0-RTT records. */
    private static ByteBuf flight(ServerConfig config, String... early) throws TlsException {
        RawClient full = new RawClient(config).handshake();
        RawClient client = new RawClient(config);
        RawClient.Offer offer = full.tickets.get(0).offer(config.crypto().clock().millis());
        client.offers.add(offer);
        client.extra.add(new Extension.EarlyData());
        KeyExchange share = config.crypto().generateKeyExchange(Negotiation.keyExchange(NamedGroup.X25519)
                .orElseThrow());
        byte[] random = new byte[32];
        config.crypto().nextBytes(random);
        byte[] hello = client.clientHello(share, NamedGroup.X25519, random, null, null);
        share.destroy();
        ByteBuf out = Unpooled.buffer();
        out.writeByte(ContentType.HANDSHAKE.code()).writeShort(0x0301).writeShort(hello.length).writeBytes(hello);
        Transcript t = Transcript.of(config.crypto(), offer.hash());
        t.add(hello);
        EarlySecret secret = EarlySecret.withPsk(config.crypto(), offer.hash(), offer.psk());
        TrafficSecret traffic = secret.clientEarlyTrafficSecret(t.currentHash());
        TrafficKeys keys = traffic.keys(dev.tls13.crypto.AeadAlgorithm.AES_128_GCM);
        WriteProtection write = WriteProtection.install(config.crypto().aead(keys.algorithm(), keys.key()),
                keys.iv());
        for (String s : early) {
            write.seal(ContentType.APPLICATION_DATA, Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII), out);
        }
        write.destroy();
        keys.destroy();
        traffic.destroy();
        secret.destroy();
        return out;
    }

    private static void drain(TlsConnection connection) {
        ByteBuf b;
        while ((b = connection.pollOutput()) != null) {
            b.release();
        }
    }

    @Test
    void earlyRecordsReachEarlyDataBeforeTheHandshakeCompletes() throws TlsException {
        ServerConfig config = HandshakeHarness.server(s -> s.maxEarlyData = MAX);
        Events events = new Events();
        TlsConnection connection = TlsConnection.server(config, ByteBufAllocator.DEFAULT, events);
        ByteBuf in = flight(config, "GET / HTTP/1.1\r\n", "\r\n");
        try {
            connection.start();
            connection.receive(in);
            assertEquals(List.of("GET / HTTP/1.1\r\n", "\r\n"), events.early);
            assertEquals(List.of(), events.data, "never as 1-RTT data");
            assertFalse(connection.isHandshakeComplete());
            assertEquals(null, connection.failure());
        } finally {
            in.release();
            drain(connection);
            connection.release();
        }
    }

    @Test
    void moreThanMaxEarlyDataSizeIsUnexpectedMessage() throws TlsException {
        ServerConfig config = HandshakeHarness.server(s -> s.maxEarlyData = MAX);
        Events events = new Events();
        TlsConnection connection = TlsConnection.server(config, ByteBufAllocator.DEFAULT, events);
        ByteBuf in = flight(config, "x".repeat(60), "y".repeat(41));
        try {
            connection.start();
            TlsException e = assertThrows(TlsException.class, () -> connection.receive(in));
            // RFC 8446 §4.2.10: more than max_early_data_size bytes of 0-RTT data: unexpected_message.
            assertEquals(AlertDescription.UNEXPECTED_MESSAGE, e.failure().alert());
            assertEquals(PeerMisbehaved.TOO_MUCH_EARLY_DATA, ((TlsFailure.Misbehaved) e.failure()).reason());
            assertEquals(1, events.early.size(), "the first 60 bytes were within the limit");
        } finally {
            in.release();
            drain(connection);
            connection.release();
        }
    }

    @Test
    void exactlyMaxEarlyDataSizeIsAccepted() throws TlsException {
        ServerConfig config = HandshakeHarness.server(s -> s.maxEarlyData = MAX);
        Events events = new Events();
        TlsConnection connection = TlsConnection.server(config, ByteBufAllocator.DEFAULT, events);
        ByteBuf in = flight(config, "x".repeat(60), "y".repeat(40));
        try {
            connection.start();
            connection.receive(in);
            assertEquals(2, events.early.size());
            assertTrue(connection.failure() == null);
        } finally {
            in.release();
            drain(connection);
            connection.release();
        }
    }
}
