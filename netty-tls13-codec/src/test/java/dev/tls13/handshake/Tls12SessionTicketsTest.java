package dev.tls13.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.error.TlsException;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.KeyType;
import dev.tls13.wire.CipherSuite;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TLS 1.2 session tickets (RFC 5077, docs/architecture.md §16) share the TLS 1.3 tickets' settings and keys but
 * not their format: a TLS 1.2 ticket never opens as a TLS 1.3 PSK identity, nor the reverse.
 */
class Tls12SessionTicketsTest {

    private static final List<X509Certificate> CLIENT = TestPki.leaf(KeyType.EC_P256)
            .issuer(TestPki.ca(KeyType.EC_P256)).dns("client.example").build().chain();

    private static Tls12TicketState state(ServerConfig config, byte[] master) {
        return new Tls12TicketState(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
                config.crypto().clock().millis(), 3600, true, master, "h2", HandshakeHarness.HOST,
                List.of(CLIENT.get(0)));
    }

    @Test
    void aSealedStateOpensWithEverythingItCarries() {
        ServerConfig config = HandshakeHarness.server();
        byte[] master = new byte[48];
        master[0] = 42;
        byte[] ticket = Tls12SessionTickets.seal(config, state(config, master.clone()));
        Tls12TicketState opened = Tls12SessionTickets.open(config, ticket);
        assertNotNull(opened);
        assertArrayEquals(master, opened.masterSecret());
        assertEquals(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, opened.suite());
        assertTrue(opened.extendedMasterSecret());
        assertEquals("h2", opened.applicationProtocol());
        assertEquals(HandshakeHarness.HOST, opened.serverName());
        assertEquals(CLIENT.get(0), opened.peerCertificates().get(0));
        assertEquals(3600, opened.lifetimeSeconds());
        opened.destroy();
        assertArrayEquals(new byte[48], opened.masterSecret(), "destroy zeroes the master secret");
        // Only the suite and the issue time: never the master secret (a search for "42" here failed when the
        // issue time contained those digits).
        assertEquals("Tls12TicketState[" + opened.suite() + ", issued " + opened.issuedMillis() + "]",
                opened.toString());
    }

    @Test
    void aTls12TicketIsNoTls13PskAndATls13TicketNoTls12Session() throws TlsException {
        ServerConfig config = HandshakeHarness.server();
        byte[] tls12 = Tls12SessionTickets.seal(config, state(config, new byte[48]));
        assertNull(config.sessionTickets().open(config.crypto(), tls12));
        // Offered as a TLS 1.3 PSK identity: not accepted, a full handshake.
        RawClient client = new RawClient(config);
        client.offers.add(new RawClient.Offer(tls12, 0, new byte[32], HashAlgorithm.SHA256));
        client.handshake();
        assertTrue(client.server.isConnected());
        assertFalse(client.pskAccepted);

        byte[] tls13 = client.tickets.get(0).message().ticket();
        assertNotNull(config.sessionTickets().open(config.crypto(), tls13), "a real TLS 1.3 ticket");
        assertNull(Tls12SessionTickets.open(config, tls13));
    }
}
