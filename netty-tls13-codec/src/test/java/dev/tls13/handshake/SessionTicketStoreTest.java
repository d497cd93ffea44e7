package dev.tls13.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.error.TlsException;
import dev.tls13.wire.Extension;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Stateful single-use session tickets (RFC 8446 §8.1; docs/architecture.md §15): the client gets a 16-byte id, the
 * server keeps the sealed state in a bounded store and takes it out when the ticket is used, so a second use of a
 * ticket gets a full handshake.
 */
class SessionTicketStoreTest {

    private static ServerConfig withStore(int entries) {
        return HandshakeHarness.server().toBuilder().sessionTicketStore(entries).build();
    }

    @Test
    void aTicketResumesOnceThenGetsAFullHandshake() throws TlsException {
        ServerConfig config = withStore(100);
        assertTrue(config.singleUseTickets());
        RawClient first = new RawClient(config).handshake();
        assertEquals(2, first.tickets.size());
        for (RawClient.Ticket t : first.tickets) {
            assertEquals(SessionTicketStore.ID_LENGTH, t.message().ticket().length, "an id, not the sealed state");
        }
        assertEquals(2, ((SessionTicketStore) config.sessionTickets().store()).size());
        RawClient.Offer offer = first.tickets.get(0).offer(config.crypto().clock().millis());

        RawClient resumed = new RawClient(config);
        resumed.offers.add(offer);
        resumed.handshake();
        assertTrue(resumed.server.isConnected());
        assertTrue(resumed.pskAccepted, "the first use resumes");
        assertTrue(resumed.session.resumed());
        assertEquals(2, ((SessionTicketStore) config.sessionTickets().store()).size(),
                "one taken, one new one for it");

        // A client that breaks RFC 8446 Appendix C.4, or an attacker replaying: the ticket is gone.
        RawClient again = new RawClient(config);
        again.offers.add(offer);
        again.handshake();
        assertTrue(again.server.isConnected());
        assertFalse(again.pskAccepted, "the second use gets a full handshake");
        assertFalse(again.session.resumed());
    }

    @Test
    void statelessTicketsByDefaultResumeMoreThanOnce() throws TlsException {
        ServerConfig config = HandshakeHarness.server();
        assertFalse(config.singleUseTickets());
        RawClient first = new RawClient(config).handshake();
        assertTrue(first.tickets.get(0).message().ticket().length > SessionTicketStore.ID_LENGTH);
        RawClient.Offer offer = first.tickets.get(0).offer(config.crypto().clock().millis());
        for (int i = 0; i < 2; i++) {
            RawClient client = new RawClient(config);
            client.offers.add(offer);
            client.handshake();
            assertTrue(client.pskAccepted, "use " + (i + 1));
        }
    }

    @Test
    void theOldestTicketIsEvictedWhenTheStoreIsFull() throws TlsException {
        ServerConfig config = HandshakeHarness.server(s -> s.ticketCount = 3).toBuilder().sessionTicketStore(2)
                .build();
        RawClient first = new RawClient(config).handshake();
        assertEquals(3, first.tickets.size());
        assertEquals(2, ((SessionTicketStore) config.sessionTickets().store()).size(), "bounded");
        SessionTickets tickets = config.sessionTickets();
        assertNull(tickets.open(config.crypto(), first.tickets.get(0).message().ticket()), "evicted");
        SessionTickets.State state = tickets.open(config.crypto(), first.tickets.get(2).message().ticket());
        assertNotNull(state);
        state.destroy();
        assertNull(tickets.open(config.crypto(), first.tickets.get(2).message().ticket()), "taken once");
        assertEquals(1, ((SessionTicketStore) tickets.store()).size());
    }

    @Test
    void aCopyOfTheConfigurationSharesTheStore() throws TlsException {
        ServerConfig config = withStore(10);
        ServerConfig copy = config.toBuilder().build();
        RawClient first = new RawClient(config).handshake();
        byte[] ticket = first.tickets.get(1).message().ticket();
        SessionTickets.State state = copy.sessionTickets().open(copy.crypto(), ticket);
        assertNotNull(state, "the copy opens the original's ticket");
        state.destroy();
        assertNull(config.sessionTickets().open(config.crypto(), ticket), "and the original cannot use it again");
    }

    @Test
    void unknownIdsAndIdsOfAnotherLengthAreNotFound() throws TlsException {
        ServerConfig config = withStore(10);
        new RawClient(config).handshake();
        SessionTickets tickets = config.sessionTickets();
        assertNull(tickets.open(config.crypto(), new byte[SessionTicketStore.ID_LENGTH]));
        assertNull(tickets.open(config.crypto(), new byte[200]), "a stateless ticket's length");
        assertEquals(2, ((SessionTicketStore) tickets.store()).size(), "nothing taken");
    }

    @Test
    void aReplayedZeroRttClientHelloIsNotEvenResumedWithoutAReplayFilter() throws TlsException {
        // An anti-replay check that accepts everything: the store alone stops the replay (RFC 8446 §8.1).
        ServerConfig config = HandshakeHarness.server(s -> {
            s.maxEarlyData = 1000;
            s.antiReplay = (key, expires) -> true;
        }).toBuilder().sessionTicketStore(10).build();
        RawClient full = new RawClient(config).handshake();
        RawClient.Offer offer = full.tickets.get(0).offer(config.crypto().clock().millis());
        RawClient first = new RawClient(config);
        first.offers.add(offer);
        first.extra.add(new Extension.EarlyData());
        first.handshake();
        assertTrue(first.earlyDataAccepted, "the first use carries 0-RTT data");
        RawClient replay = new RawClient(config);
        replay.offers.add(offer);
        replay.extra.add(new Extension.EarlyData());
        replay.handshake();
        assertTrue(replay.server.isConnected());
        assertFalse(replay.pskAccepted, "the ticket was taken by the first use");
        assertFalse(replay.earlyDataAccepted);
    }

    @Test
    void aReplayToAnotherServerSharingTheStoreIsNotResumed() throws TlsException {
        // A fleet: two configurations with one key ring and one atomic store (RFC 8446 §8.1 across servers).
        Map<ByteBuffer, byte[]> shared = new ConcurrentHashMap<>();
        TicketStore store = new TicketStore() {
            @Override
            public void put(byte[] id, byte[] sealedState, long expiresAtMillis) {
                shared.put(ByteBuffer.wrap(id), sealedState);
            }

            @Override
            public byte[] take(byte[] id) {
                return shared.remove(ByteBuffer.wrap(id));
            }
        };
        ServerConfig a = HandshakeHarness.server(s -> {
            s.maxEarlyData = 1000;
            s.antiReplay = (key, expires) -> true;
        }).toBuilder().sessionTicketStore(store).build();
        ServerConfig b = a.toBuilder().build();
        assertTrue(b.singleUseTickets());
        RawClient full = new RawClient(a).handshake();
        assertEquals(2, shared.size());
        RawClient.Offer offer = full.tickets.get(0).offer(a.crypto().clock().millis());
        RawClient first = new RawClient(b);
        first.offers.add(offer);
        first.extra.add(new Extension.EarlyData());
        first.handshake();
        assertTrue(first.earlyDataAccepted, "server B accepts server A's ticket with 0-RTT");
        RawClient replay = new RawClient(a);
        replay.offers.add(offer);
        replay.extra.add(new Extension.EarlyData());
        replay.handshake();
        assertTrue(replay.server.isConnected());
        assertFalse(replay.pskAccepted, "server A finds the ticket taken by server B");
        assertFalse(replay.earlyDataAccepted);
    }

    @Test
    void aStoreThatThrowsOnTakeMeansAFullHandshake() throws TlsException {
        ServerConfig config = HandshakeHarness.server().toBuilder().sessionTicketStore(new TicketStore() {
            @Override
            public void put(byte[] id, byte[] sealedState, long expiresAtMillis) {
            }

            @Override
            public byte[] take(byte[] id) throws Exception {
                throw new java.io.IOException("unreachable");
            }
        }).build();
        RawClient full = new RawClient(config).handshake();
        RawClient again = new RawClient(config);
        again.offers.add(full.tickets.get(0).offer(config.crypto().clock().millis()));
        again.handshake();
        assertTrue(again.server.isConnected());
        assertFalse(again.pskAccepted);
    }

    @Test
    void sizesBelowOneAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SessionTicketStore(0));
        assertThrows(IllegalArgumentException.class,
                () -> HandshakeHarness.server().toBuilder().sessionTicketStore(-1));
        assertFalse(HandshakeHarness.server().toBuilder().sessionTicketStore(0).build().singleUseTickets(),
                "0: stateless");
    }
}
