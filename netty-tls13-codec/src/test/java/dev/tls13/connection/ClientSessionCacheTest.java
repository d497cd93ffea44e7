package dev.tls13.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.JcaCryptoProvider;
import dev.tls13.handshake.ClientConfig;
import dev.tls13.handshake.HandshakeSummary;
import dev.tls13.handshake.ResumptionTicket;
import dev.tls13.handshake.TrustManagers;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.ClientHello;
import dev.tls13.wire.ExtensionType;
import dev.tls13.wire.Extensions;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.NewSessionTicket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The client session cache (docs/architecture.md §15): bounds, expiry, single use, PSKs zeroed. */
class ClientSessionCacheTest {

    private static final HandshakeSummary SESSION = new HandshakeSummary(CipherSuite.TLS_AES_128_GCM_SHA256,
            NamedGroup.X25519, null, null, null, "example.com", List.of(), List.of(), false, false, false);

    private static ResumptionTicket ticket(long lifetimeSeconds, long receivedMillis) {
        NewSessionTicket nst = new NewSessionTicket(lifetimeSeconds, 1, new byte[0], new byte[200],
                Extensions.EMPTY);
        return ResumptionTicket.of(nst, new byte[32], SESSION, receivedMillis);
    }

    @Test
    void tls12AndTls13TicketsShareTheServersEntryAndAreTakenByKind() {
        ClientSessionCache cache = new ClientSessionCache(100, 0);
        ResumptionTicket tls13 = ticket(3600, 1_000);
        HandshakeSummary tls12Session = new HandshakeSummary(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
                NamedGroup.X25519, null, null, null, "example.com", List.of(), List.of(), false, false, false);
        ResumptionTicket tls12 = ResumptionTicket.tls12(new byte[100], new byte[48], 0, tls12Session, 2_000);
        // RFC 5077 §3.3: a lifetime_hint of 0 is unspecified, not "discard": the 7-day cap applies.
        assertEquals(ResumptionTicket.MAX_LIFETIME_SECONDS, tls12.lifetimeSeconds());
        cache.put("example.com", 443, tls13);
        cache.put("example.com", 443, tls12);
        assertEquals(2, cache.size());
        assertSame(tls13, cache.take("example.com", 443, 3_000), "a TLS 1.3 offer skips the newer TLS 1.2 ticket");
        assertSame(tls12, cache.take("example.com", 443, 3_000, true));
        assertNull(cache.take("example.com", 443, 3_000, true));
        assertEquals(0, cache.size());
        tls12.destroy();
        assertTrue(tls12.isDestroyed());
        assertThrows(IllegalStateException.class, tls12::tls12MasterSecret, "zeroed and unusable once destroyed");
        assertThrows(IllegalStateException.class, tls13::tls12Ticket, "not a TLS 1.2 ticket");
    }

    @Test
    void eachTicketIsHandedOutOnceNewestFirstAndOnlyForItsServer() {
        ClientSessionCache cache = new ClientSessionCache(100, 0);
        ResumptionTicket older = ticket(3600, 1_000);
        ResumptionTicket newer = ticket(3600, 2_000);
        cache.put("Example.com", 443, older);
        cache.put("example.com", 443, newer);
        assertEquals(2, cache.size());
        assertNull(cache.take("example.com", 8443, 3_000), "another port is another server");
        assertNull(cache.take("other.example", 443, 3_000));
        assertSame(newer, cache.take("EXAMPLE.com", 443, 3_000), "host names compare without case");
        assertSame(older, cache.take("example.com", 443, 3_000));
        assertNull(cache.take("example.com", 443, 3_000), "RFC 8446 Appendix C.4: each ticket used once");
        assertEquals(0, cache.size());
        assertFalse(newer.isDestroyed(), "the caller owns a taken ticket");
    }

    @Test
    void keepsAtMostFourTicketsPerServerDroppingTheOldest() {
        ClientSessionCache cache = new ClientSessionCache(100, 0);
        List<ResumptionTicket> tickets = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            tickets.add(ticket(3600, 1_000 + i));
            cache.put("h", 1, tickets.get(i));
        }
        assertEquals(ClientSessionCache.MAX_TICKETS_PER_PEER, cache.size());
        assertTrue(tickets.get(0).isDestroyed() && tickets.get(1).isDestroyed(), "evicted PSKs are zeroed");
        assertSame(tickets.get(5), cache.take("h", 1, 2_000));
    }

    @Test
    void sizeBoundEvictsTheLeastRecentlyUsedServerFirst() {
        ClientSessionCache cache = new ClientSessionCache(2, 0);
        ResumptionTicket a = ticket(3600, 1_000);
        ResumptionTicket b = ticket(3600, 1_000);
        ResumptionTicket c = ticket(3600, 1_000);
        cache.put("a", 1, a);
        cache.put("b", 1, b);
        cache.put("c", 1, c);
        assertEquals(2, cache.size());
        assertTrue(a.isDestroyed());
        assertNull(cache.take("a", 1, 1_500));
        assertSame(b, cache.take("b", 1, 1_500));
        assertSame(c, cache.take("c", 1, 1_500));
    }

    @Test
    void expiredTicketsAreDroppedByLifetimeTimeoutAndSevenDays() {
        ClientSessionCache cache = new ClientSessionCache(100, 60);
        ResumptionTicket shortLived = ticket(10, 0);
        cache.put("h", 1, shortLived);
        assertNull(cache.take("h", 1, 10_000), "ticket_lifetime 10 s");
        assertTrue(shortLived.isDestroyed());

        ResumptionTicket longLived = ticket(3600, 0);
        cache.put("h", 1, longLived);
        assertNull(cache.take("h", 1, 60_000), "the cache's timeout of 60 s comes first");
        assertTrue(longLived.isDestroyed());

        ClientSessionCache untimed = new ClientSessionCache(100, 0);
        ResumptionTicket tooLong = ticket(4_000_000_000L, 0);
        assertEquals(ResumptionTicket.MAX_LIFETIME_SECONDS, tooLong.lifetimeSeconds());
        untimed.put("h", 1, tooLong);
        assertNull(untimed.take("h", 1, ResumptionTicket.MAX_LIFETIME_SECONDS * 1000),
                "RFC 8446 §4.6.1: never longer than 7 days");

        ResumptionTicket zero = ticket(0, 0);
        untimed.put("h", 1, zero);
        assertTrue(zero.isDestroyed(), "RFC 8446 §4.6.1: lifetime 0 is discarded at once");
        assertEquals(0, untimed.size());

        ResumptionTicket future = ticket(3600, 5_000);
        untimed.put("h", 1, future);
        assertNull(untimed.take("h", 1, 4_000), "a clock that went backwards drops the ticket");
    }

    @Test
    void clearZeroesEveryPsk() {
        ClientSessionCache cache = new ClientSessionCache(100, 0);
        ResumptionTicket t = ticket(3600, 0);
        cache.put("h", 1, t);
        cache.clear();
        assertTrue(t.isDestroyed());
        assertEquals(0, cache.size());
        assertThrows(IllegalArgumentException.class, () -> new ClientSessionCache(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ClientSessionCache(1, -1));
    }

    @Test
    void aCachedTicketRetainsUnderOneKilobyte() {
        ResumptionTicket t = ticket(3600, 0);
        // 200 ticket bytes, as OpenSSL's; the certificate list is shared with the session.
        assertTrue(t.retainedBytes() < 1024, "retained " + t.retainedBytes());
    }

    @Test
    void threadsPuttingAndTakingKeepTheCountConsistent() throws Exception {
        ClientSessionCache cache = new ClientSessionCache(50, 0);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> taken = new ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                String host = "h" + (thread % 2);
                taken.add(pool.submit(() -> {
                    start.await();
                    int n = 0;
                    for (int i = 0; i < 2_000; i++) {
                        cache.put(host, 1, ticket(3600, 1_000));
                        if (cache.take(host, 1, 1_000) != null) {
                            n++;
                        }
                    }
                    return n;
                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> f : taken) {
                total += f.get(30, TimeUnit.SECONDS);
            }
            assertEquals(4 * 2_000 - cache.size(), total, "every ticket put is taken once or still cached");
            assertTrue(cache.size() <= 2 * ClientSessionCache.MAX_TICKETS_PER_PEER);
        } finally {
            pool.shutdownNow();
        }
    }

    private static ClientHello startAndReadClientHello(ClientSessionCache cache, String host, int port)
            throws Exception {
        ClientConfig config = ClientConfig.builder(JcaCryptoProvider.instance(), TrustManagers.systemDefault())
                .build();
        TlsConnection connection = TlsConnection.client(config, "example.com", "example.com",
                UnpooledByteBufAllocator.DEFAULT, new TlsConnection.Listener() {
                    @Override
                    public void applicationData(ByteBuf data) {
                        data.release();
                    }

                    @Override
                    public void closeNotifyReceived() {
                    }
                }, Limits.DEFAULT, cache, host, port);
        connection.start();
        ByteBuf out = connection.pollOutput();
        try {
            // One plaintext record: a 5-byte header, then the ClientHello.
            return (ClientHello) HandshakeCodec.decode(out.skipBytes(5));
        } finally {
            out.release();
            connection.release();
        }
    }

    @Test
    void aConnectionOffersACachedTicketOnlyWhenItHasAHostAndAPort() throws Exception {
        ClientSessionCache cache = new ClientSessionCache(100, 0);
        ResumptionTicket ticket = ResumptionTicket.of(new NewSessionTicket(3600, 1, new byte[0], new byte[200],
                Extensions.EMPTY), new byte[32], SESSION, System.currentTimeMillis());
        cache.put("example.com", 443, ticket);
        ClientHello withoutPort = startAndReadClientHello(cache, "example.com", -1);
        assertFalse(withoutPort.extensions().contains(ExtensionType.PRE_SHARED_KEY));
        ClientHello withoutHost = startAndReadClientHello(cache, null, 443);
        assertFalse(withoutHost.extensions().contains(ExtensionType.PRE_SHARED_KEY));
        assertEquals(1, cache.size(), "neither connection touched the cache");
        ClientHello keyed = startAndReadClientHello(cache, "example.com", 443);
        assertTrue(keyed.extensions().contains(ExtensionType.PRE_SHARED_KEY));
        assertEquals(0, cache.size());
        assertTrue(ticket.isDestroyed(), "the connection's release destroyed the offered ticket");
    }
}
