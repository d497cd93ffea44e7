package dev.tls13.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.error.TlsException;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.EncryptedExtensions;
import dev.tls13.wire.Extension;
import dev.tls13.wire.HandshakeType;
import dev.tls13.wire.NamedGroup;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The server's acceptance of 0-RTT data (RFC 8446 §4.2.10, §8; docs/architecture.md §15) at the state-machine level,
 * driven by {@link RawClient}: accepted only when every condition holds, otherwise skipped in a 1-RTT handshake;
 * EndOfEarlyData only where it belongs.
 */
class ZeroRttServerTest {

    private static final long MAX = 1000;

    private static ServerConfig server(Consumer<HandshakeHarness.ServerSpec> change) {
        return HandshakeHarness.server(s -> {
            s.maxEarlyData = MAX;
            change.accept(s);
        });
    }

    /** A full handshake against {@code config}, then a second one with early_data offering its first ticket. */
    private static RawClient zeroRtt(ServerConfig config, Consumer<RawClient> first, Consumer<RawClient> second)
            throws TlsException {
        RawClient full = new RawClient(config);
        first.accept(full);
        full.handshake();
        RawClient client = new RawClient(config);
        client.offers.add(full.tickets.get(0).offer(config.crypto().clock().millis()));
        client.extra.add(new Extension.EarlyData());
        second.accept(client);
        return client.handshake();
    }

    private static RawClient zeroRtt(ServerConfig config, Consumer<RawClient> second) throws TlsException {
        return zeroRtt(config, c -> { }, second);
    }

    private static int indexOf(List<HandshakeHarness.Effect> effects, Class<?> type) {
        for (int i = 0; i < effects.size(); i++) {
            if (type.isInstance(effects.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /** Resumed, early data rejected: no early_data in EncryptedExtensions, and the skipping of §4.2.10. */
    private static void assertRejected(RawClient client) {
        assertTrue(client.server.isConnected());
        assertFalse(client.earlyDataAccepted);
        assertFalse(client.session.earlyDataAccepted());
        assertEquals(-1, indexOf(client.serverOut.effects, HandshakeHarness.AcceptEarlyData.class));
        assertTrue(indexOf(client.serverOut.effects, HandshakeHarness.SkipEarlyData.class) >= 0,
                "rejected early data is skipped (RFC 8446 §4.2.10)");
    }

    @Test
    void acceptedWithTheEarlyKeyUntilEndOfEarlyData() throws TlsException {
        RawClient client = zeroRtt(server(s -> { }), c -> { });
        assertTrue(client.server.isConnected());
        assertTrue(client.pskAccepted);
        assertTrue(client.earlyDataAccepted, "EncryptedExtensions carries early_data (RFC 8446 §4.2.10)");
        assertTrue(client.session.earlyDataAccepted());
        assertTrue(client.session.resumed());
        List<HandshakeHarness.Effect> effects = client.serverOut.effects;
        int accept = indexOf(effects, HandshakeHarness.AcceptEarlyData.class);
        assertEquals(new HandshakeHarness.AcceptEarlyData(MAX), effects.get(accept), "the ticket's limit");
        // The read keys installed just before are client_early_traffic_secret's.
        HandshakeHarness.Keys early = (HandshakeHarness.Keys) effects.get(accept - 1);
        assertFalse(early.write());
        assertEquals(client.earlyKey, early.key());
        assertEquals(-1, indexOf(effects, HandshakeHarness.SkipEarlyData.class));
        // After EndOfEarlyData: the client's handshake key, then its application key.
        long readKeys = effects.subList(accept, effects.size()).stream()
                .filter(e -> e instanceof HandshakeHarness.Keys k && !k.write()).count();
        assertEquals(2, readKeys);
        assertTrue(client.serverOut.keyLog.stream().anyMatch(l -> l.startsWith("CLIENT_EARLY_TRAFFIC_SECRET ")));
        assertEquals(1, client.tickets.size(), "the client's Finished, over EndOfEarlyData, verified: a ticket");
    }

    @Test
    void offWhenMaxEarlyDataIsZeroAndTicketsCarryNoEarlyData() throws TlsException {
        RawClient client = zeroRtt(HandshakeHarness.server(), c -> { });
        assertTrue(client.pskAccepted);
        assertRejected(client);
    }

    @Test
    void rejectedForATicketThatAllowedNoEarlyData() throws TlsException {
        SessionTicketKeys keys = SessionTicketKeys.rotating(HandshakeHarness.CRYPTO, Duration.ofHours(1),
                Duration.ofHours(2));
        ServerConfig without = HandshakeHarness.server(s -> s.ticketKeys = keys);
        ServerConfig with = server(s -> s.ticketKeys = keys);
        RawClient full = new RawClient(without).handshake();
        RawClient client = new RawClient(with);
        client.offers.add(full.tickets.get(0).offer(with.crypto().clock().millis()));
        client.extra.add(new Extension.EarlyData());
        client.handshake();
        assertTrue(client.pskAccepted);
        assertRejected(client);
    }

    @Test
    void rejectedForAnotherSuiteOfTheSameHash() throws TlsException {
        RawClient client = zeroRtt(server(s -> { }), c -> { },
                c -> c.suites = List.of(CipherSuite.TLS_CHACHA20_POLY1305_SHA256));
        assertTrue(client.pskAccepted, "the PSK is usable: same hash (RFC 8446 §4.2.11)");
        assertEquals(CipherSuite.TLS_CHACHA20_POLY1305_SHA256, client.session.cipherSuite());
        assertRejected(client);
    }

    @Test
    void rejectedForAnotherAlpnProtocol() throws TlsException {
        RawClient client = zeroRtt(server(s -> s.alpn = List.of("h2", "http/1.1")), c -> c.alpn = List.of("h2"),
                c -> c.alpn = List.of("http/1.1"));
        assertTrue(client.pskAccepted);
        assertEquals("http/1.1", client.session.applicationProtocol());
        assertRejected(client);
        RawClient same = zeroRtt(server(s -> s.alpn = List.of("h2", "http/1.1")), c -> c.alpn = List.of("h2"),
                c -> c.alpn = List.of("h2"));
        assertTrue(same.earlyDataAccepted, "the same protocol: accepted");
    }

    @Test
    void rejectedWhenThePskIsNotTheFirstIdentity() throws TlsException {
        ServerConfig config = server(s -> { });
        RawClient full = new RawClient(config).handshake();
        RawClient client = new RawClient(config);
        byte[] unknown = new byte[120];
        config.crypto().nextBytes(unknown);
        client.offers.add(new RawClient.Offer(unknown, 0, new byte[32], dev.tls13.crypto.HashAlgorithm.SHA256));
        client.offers.add(full.tickets.get(0).offer(config.crypto().clock().millis()));
        client.extra.add(new Extension.EarlyData());
        client.handshake();
        assertEquals(1, client.selectedIdentity);
        assertRejected(client);
    }

    @Test
    void rejectedAfterAHelloRetryRequest() throws TlsException {
        ServerConfig config = server(s -> s.groups = List.of(NamedGroup.SECP256R1));
        RawClient client = zeroRtt(config, c -> c.group = NamedGroup.SECP256R1,
                c -> c.supportedGroups = List.of(NamedGroup.X25519, NamedGroup.SECP256R1));
        assertTrue(client.helloRetryRequest);
        assertTrue(client.pskAccepted);
        assertRejected(client);
        // RFC 8446 §4.2.10: after a HelloRetryRequest the server skips every application_data record before the
        // second ClientHello, then reads with the handshake key.
        assertTrue(indexOf(client.serverOut.effects, HandshakeHarness.SkipEarlyData.class)
                < indexOf(client.serverOut.effects, HandshakeHarness.Keys.class));
    }

    @Test
    void earlyDataInTheSecondClientHelloIsIllegalParameter() {
        ServerConfig config = server(s -> s.groups = List.of(NamedGroup.SECP256R1));
        TlsException e = assertThrows(TlsException.class, () -> zeroRtt(config, c -> c.group = NamedGroup.SECP256R1,
                c -> {
                    c.supportedGroups = List.of(NamedGroup.X25519, NamedGroup.SECP256R1);
                    c.earlyDataInSecondHello = true;
                }));
        // RFC 8446 §4.1.2: "Early data is not permitted after a HelloRetryRequest".
        assertEquals(AlertDescription.ILLEGAL_PARAMETER, e.failure().alert());
    }

    @Test
    void freshnessWindowOfTenSeconds() throws TlsException {
        ResumptionTest.ClockedCrypto crypto = new ResumptionTest.ClockedCrypto();
        ServerConfig config = server(s -> s.crypto = crypto);
        RawClient full = new RawClient(config).handshake();
        RawClient.Offer good = full.tickets.get(0).offer(crypto.now.toEpochMilli());

        RawClient near = new RawClient(config);
        near.offers.add(new RawClient.Offer(good.identity(), good.obfuscatedTicketAge() + 9_000, good.psk(),
                good.hash()));
        near.extra.add(new Extension.EarlyData());
        assertTrue(near.handshake().earlyDataAccepted, "9 s off: within the window");

        RawClient stale = new RawClient(config);
        stale.offers.add(new RawClient.Offer(full.tickets.get(1).message().ticket(),
                full.tickets.get(1).offer(crypto.now.toEpochMilli()).obfuscatedTicketAge() - 11_000,
                full.tickets.get(1).psk(), good.hash()));
        stale.extra.add(new Extension.EarlyData());
        stale.handshake();
        assertFalse(stale.earlyDataAccepted, "11 s off: not fresh (RFC 8446 §8.3)");
        assertFalse(stale.session.earlyDataAccepted());
    }

    @Test
    void aReplayedClientHelloIsRejectedNotAcceptedTwice() throws TlsException {
        ServerConfig config = server(s -> { });
        RawClient client = zeroRtt(config, c -> { });
        assertTrue(client.earlyDataAccepted);
        // The same ClientHello bytes again, as an attacker who recorded them would send (RFC 8446 §8).
        HandshakeHarness.Recorder out = new HandshakeHarness.Recorder();
        HandshakeState replay = ServerHandshake.start(config);
        replay.on(HandshakeHarness.decode(client.firstHello), client.firstHello, out);
        assertEquals(-1, indexOf(out.effects, HandshakeHarness.AcceptEarlyData.class));
        assertTrue(indexOf(out.effects, HandshakeHarness.SkipEarlyData.class) >= 0);
        for (byte[] m : out.sent()) {
            if ((m[0] & 0xFF) == HandshakeType.ENCRYPTED_EXTENSIONS.code()) {
                assertFalse(((EncryptedExtensions) HandshakeHarness.decode(m)).extensions()
                        .find(Extension.EarlyData.class).isPresent());
            }
        }
        replay.destroy();
    }

    @Test
    void aFullAntiReplayStoreRejects() throws TlsException {
        RawClient client = zeroRtt(server(s -> s.antiReplay = (key, expires) -> false), c -> { });
        assertTrue(client.pskAccepted);
        assertRejected(client);
    }

    @Test
    void aFailingAntiReplayStoreMeansNoEarlyDataButAHandshake() throws TlsException {
        RawClient client = zeroRtt(server(s -> s.antiReplay = (key, expires) -> {
            throw new IllegalStateException("store unreachable");
        }), c -> { });
        assertTrue(client.pskAccepted);
        assertRejected(client);
    }

    @Test
    void noEndOfEarlyDataBeforeFinishedIsUnexpectedMessage() {
        TlsException e = assertThrows(TlsException.class,
                () -> zeroRtt(server(s -> { }), c -> c.sendEndOfEarlyData = false));
        assertEquals(AlertDescription.UNEXPECTED_MESSAGE, e.failure().alert());
    }

    @Test
    void endOfEarlyDataWithoutAcceptedEarlyDataIsUnexpectedMessage() {
        TlsException resumed = assertThrows(TlsException.class,
                () -> zeroRtt(HandshakeHarness.server(), c -> c.forceEndOfEarlyData = true));
        assertEquals(AlertDescription.UNEXPECTED_MESSAGE, resumed.failure().alert());
        TlsException full = assertThrows(TlsException.class, () -> {
            RawClient c = new RawClient(HandshakeHarness.server());
            c.forceEndOfEarlyData = true;
            c.handshake();
        });
        assertEquals(AlertDescription.UNEXPECTED_MESSAGE, full.failure().alert());
    }

    @Test
    void zeroRttNeedsAnAntiReplayCheck() {
        ServerConfig config = HandshakeHarness.server();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config.toBuilder().maxEarlyData(100).antiReplay(null).build());
        assertTrue(e.getMessage().contains("anti-replay"));
    }
}
