package dev.tls13.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.error.TlsException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ticket key ring (docs/architecture.md §15): rotation, retention for one ticket lifetime, replacement. */
class SessionTicketKeysTest {

    private static RawClient.Offer offer(RawClient issuedBy, int ticket, ResumptionTest.ClockedCrypto crypto) {
        return issuedBy.tickets.get(ticket).offer(crypto.now.toEpochMilli());
    }

    private static boolean resumes(ServerConfig config, RawClient.Offer offer) throws TlsException {
        RawClient client = new RawClient(config);
        client.offers.add(offer);
        return client.handshake().pskAccepted;
    }

    @Test
    void aRotatedKeyOpensItsTicketsForOneLifetimeThenIsForgotten() throws TlsException {
        ResumptionTest.ClockedCrypto crypto = new ResumptionTest.ClockedCrypto();
        SessionTicketKeys keys = SessionTicketKeys.rotating(crypto, Duration.ofHours(1), Duration.ofHours(2));
        ServerConfig config = HandshakeHarness.server(s -> {
            s.crypto = crypto;
            s.ticketKeys = keys;
        });
        assertEquals(0, keys.size(), "no key before the first ticket");
        RawClient early = new RawClient(config).handshake();
        assertEquals(1, keys.size());
        byte[] firstName = java.util.Arrays.copyOf(early.tickets.get(0).message().ticket(), 16);
        crypto.advance(Duration.ofMinutes(61));
        RawClient later = new RawClient(config).handshake();
        byte[] secondName = java.util.Arrays.copyOf(later.tickets.get(0).message().ticket(), 16);
        assertFalse(java.util.Arrays.equals(firstName, secondName), "a new key after the rotation period");
        assertEquals(2, keys.size());
        // The retired key still opens its tickets while they are valid.
        assertTrue(resumes(config, offer(early, 1, crypto)));
        assertNotNull(keys.find(early.tickets.get(0).message().ticket(), 0), "kept for one lifetime");
        crypto.advance(Duration.ofMinutes(121));
        keys.current();
        assertNull(keys.find(early.tickets.get(0).message().ticket(), 0), "forgotten after a lifetime retired");
        assertNotNull(keys.find(later.tickets.get(0).message().ticket(), 0),
                "retired at the last rotation, still kept");
    }

    @Test
    void suppliedKeysSealWithTheFirstOpenWithAllAndSetReplacesThem() throws TlsException {
        byte[] name1 = new byte[16];
        byte[] name2 = new byte[16];
        name2[0] = 2;
        byte[] key1 = new byte[32];
        byte[] key2 = new byte[32];
        HandshakeHarness.CRYPTO.nextBytes(key1);
        HandshakeHarness.CRYPTO.nextBytes(key2);
        SessionTicketKeys keys = SessionTicketKeys.supplied(HandshakeHarness.CRYPTO, List.of(name1), List.of(key1));
        ServerConfig config = HandshakeHarness.server(s -> s.ticketKeys = keys);
        RawClient a = new RawClient(config).handshake();
        assertTrue(resumes(config, a.tickets.get(0).offer(System.currentTimeMillis())));
        // Rotation by the fleet: the new key seals, the old one still opens.
        keys.set(List.of(name2, name1), List.of(key2, key1));
        RawClient b = new RawClient(config).handshake();
        assertEquals(2, b.tickets.get(0).message().ticket()[0]);
        assertTrue(resumes(config, a.tickets.get(1).offer(System.currentTimeMillis())));
        // The old key withdrawn: its tickets give full handshakes, never an error.
        keys.set(List.of(name2), List.of(key2));
        RawClient c = new RawClient(config);
        c.offers.add(a.tickets.get(1).offer(System.currentTimeMillis()));
        assertFalse(c.handshake().pskAccepted);
        assertTrue(c.server.isConnected());
        assertTrue(resumes(config, b.tickets.get(1).offer(System.currentTimeMillis())));
    }

    @Test
    void keysOfTheWrongSizeOrNoKeysAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> SessionTicketKeys.supplied(HandshakeHarness.CRYPTO, List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> SessionTicketKeys.supplied(HandshakeHarness.CRYPTO,
                List.of(new byte[15]), List.of(new byte[32])));
        assertThrows(IllegalArgumentException.class, () -> SessionTicketKeys.supplied(HandshakeHarness.CRYPTO,
                List.of(new byte[16]), List.of(new byte[16])));
        assertThrows(IllegalArgumentException.class,
                () -> SessionTicketKeys.rotating(HandshakeHarness.CRYPTO, Duration.ZERO, Duration.ofHours(2)));
    }
}
