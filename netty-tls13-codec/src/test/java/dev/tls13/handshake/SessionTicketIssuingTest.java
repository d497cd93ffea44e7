package dev.tls13.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.error.TlsException;
import dev.tls13.wire.Extension;
import dev.tls13.wire.NewSessionTicket;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The server's NewSessionTickets (RFC 8446 §4.6.1): when, how many, and what each carries. */
class SessionTicketIssuingTest {

    @Test
    void twoTicketsAfterTheClientFinishedWhenTheClientOffersPskDheKe() throws TlsException {
        RawClient client = new RawClient(HandshakeHarness.server()).handshake();
        assertTrue(client.server.isConnected());
        assertEquals(2, client.tickets.size());
        Set<String> nonces = new HashSet<>();
        for (RawClient.Ticket t : client.tickets) {
            NewSessionTicket nst = t.message();
            assertEquals(7200, nst.ticketLifetime(), "2 hours by default");
            assertTrue(nonces.add(Arrays.toString(nst.ticketNonce())), "a distinct ticket_nonce per ticket");
            assertEquals(0, nst.extensions().size(), "no early_data: we accept no 0-RTT");
            // key name, nonce, at least the fixed fields of the state, the tag
            assertTrue(nst.ticket().length > 16 + 12 + 28 + 16, "sealed state: " + nst.ticket().length);
        }
        assertNotEquals(client.tickets.get(0).message().ticketAgeAdd(), client.tickets.get(1).message().ticketAgeAdd(),
                "a fresh ticket_age_add per ticket");
        assertFalse(Arrays.equals(client.tickets.get(0).psk(), client.tickets.get(1).psk()),
                "each ticket's PSK comes from its own nonce");
    }

    @Test
    void ticketsAreQueuedBeforeTheHandshakeCompletesSoNoApplicationDataPrecedesThem() throws TlsException {
        RawClient client = new RawClient(HandshakeHarness.server()).handshake();
        List<HandshakeHarness.Effect> effects = client.serverOut.effects;
        int complete = -1;
        int lastTicket = -1;
        for (int i = 0; i < effects.size(); i++) {
            if (effects.get(i) instanceof HandshakeHarness.Complete) {
                complete = i;
            }
            if (effects.get(i) instanceof HandshakeHarness.Sent s && (s.message()[0] & 0xFF) == 4) {
                lastTicket = i;
            }
        }
        assertTrue(lastTicket >= 0 && lastTicket < complete, effects.toString());
    }

    @Test
    void noTicketsForAClientWithoutPskKeyExchangeModes() throws TlsException {
        RawClient client = new RawClient(HandshakeHarness.server());
        client.pskModes = List.of();
        client.handshake();
        assertTrue(client.server.isConnected());
        assertEquals(0, client.tickets.size(), "RFC 8446 §4.2.9: it could not use them (as the JDK and BoringSSL)");
    }

    @Test
    void noTicketsForAClientThatOffersOnlyPskKe() throws TlsException {
        RawClient client = new RawClient(HandshakeHarness.server());
        client.pskModes = List.of(Extension.PskKeyExchangeModes.PSK_KE);
        client.handshake();
        assertEquals(0, client.tickets.size(), "psk_ke is not a mode we accept");
    }

    @Test
    void countAndLifetimeAreConfigurable() throws TlsException {
        RawClient none = new RawClient(HandshakeHarness.server(s -> s.ticketCount = 0)).handshake();
        assertTrue(none.server.isConnected());
        assertEquals(0, none.tickets.size());
        RawClient three = new RawClient(HandshakeHarness.server(s -> {
            s.ticketCount = 3;
            s.ticketLifetime = Duration.ofDays(7);
        })).handshake();
        assertEquals(3, three.tickets.size());
        assertEquals(604_800, three.tickets.get(2).message().ticketLifetime());
    }

    @Test
    void ticketsCarryEarlyDataWithMaxEarlyDataSizeWhenZeroRttIsOn() throws TlsException {
        ServerConfig server = HandshakeHarness.server(s -> s.maxEarlyData = 16_384);
        RawClient client = new RawClient(server).handshake();
        assertEquals(2, client.tickets.size());
        for (RawClient.Ticket t : client.tickets) {
            // RFC 8446 §4.6.1: the early_data extension of a NewSessionTicket carries max_early_data_size.
            assertEquals(16_384, t.message().extensions().find(Extension.MaxEarlyData.class).orElseThrow()
                    .maxEarlyDataSize());
            SessionTickets.State state = server.sessionTickets().open(server.crypto(), t.message().ticket());
            assertEquals(16_384, state.maxEarlyData(), "the ticket's state records what it allowed");
            state.destroy();
        }
        ServerConfig config = HandshakeHarness.server(s -> s.maxEarlyData = 0xFFFFFFFFL);
        assertEquals(0xFFFFFFFFL, config.toBuilder().build().maxEarlyData(), "a copy keeps the setting");
        assertThrows(IllegalArgumentException.class, () -> HandshakeHarness.server(s -> s.maxEarlyData = -1));
        assertThrows(IllegalArgumentException.class,
                () -> HandshakeHarness.server(s -> s.maxEarlyData = 0x1_0000_0000L));
    }

    @Test
    void lifetimeOverSevenDaysOrCountOutOfRangeIsRefused() {
        // RFC 8446 §4.6.1: "Servers MUST NOT use any value greater than 604800 seconds (7 days)".
        assertThrows(IllegalArgumentException.class,
                () -> HandshakeHarness.server(s -> s.ticketLifetime = Duration.ofDays(7).plusSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> HandshakeHarness.server(s -> s.ticketLifetime = Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> HandshakeHarness.server(s -> s.ticketCount = 256));
        assertThrows(IllegalArgumentException.class, () -> HandshakeHarness.server(s -> s.ticketCount = -1));
    }
}
