package dev.tls13.netty;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.Tls13SessionTicketKey;
import dev.tls13.connection.ClientSessionCache;
import dev.tls13.connection.SessionInfo;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.ssl.ClientAuth;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Session resumption between our client and our server handlers (RFC 8446 §2.2, §4.2.11, §4.6.1;
 * docs/architecture.md §15): every connection is a fresh {@link ChannelPair} on shared contexts, so the client
 * context's session cache and the server context's ticket keys carry over from one connection to the next.
 */
class ResumptionLoopbackTest {

    /** Both ends of one completed connection. */
    private record Outcome(SessionInfo client, SessionInfo server, long ticketsInCache) {
    }

    private static Tls13SessionTicketKey randomKey() {
        SecureRandom random = new SecureRandom();
        byte[] name = new byte[Tls13SessionTicketKey.NAME_SIZE];
        byte[] key = new byte[Tls13SessionTicketKey.KEY_SIZE];
        random.nextBytes(name);
        random.nextBytes(key);
        return new Tls13SessionTicketKey(name, key);
    }

    /** One connection, run to completion, with an application message each way; the server's tickets delivered. */
    private static Outcome connect(Tls13Context client, Tls13Context server) {
        return connect(client, server, true);
    }

    /**
     * One connection; with {@code deliverTickets} false the server's flight after the client's Finished (its
     * NewSessionTickets) is dropped, so the client context gains no ticket from this connection.
     */
    private static Outcome connect(Tls13Context client, Tls13Context server, boolean deliverTickets) {
        ChannelPair pair = new ChannelPair().start(client, server);
        try {
            if (deliverTickets) {
                pair.shuttle();
            } else {
                ChannelPair.move(pair.client, pair.server); // ClientHello
                ChannelPair.move(pair.server, pair.client); // ServerHello .. Finished, or a HelloRetryRequest
                ChannelPair.move(pair.client, pair.server); // Finished, or the second ClientHello
                if (!pair.serverHandler.handshakeFuture().isDone()) {
                    ChannelPair.move(pair.server, pair.client);
                    ChannelPair.move(pair.client, pair.server);
                }
                ChannelPair.drain(pair.server).release();
            }
            assertTrue(pair.clientHandler.handshakeFuture().isSuccess(),
                    () -> "client: " + pair.clientHandler.handshakeFuture().cause());
            assertTrue(pair.serverHandler.handshakeFuture().isSuccess(),
                    () -> "server: " + pair.serverHandler.handshakeFuture().cause());
            if (deliverTickets) {
                pair.client.writeAndFlush(ByteBufUtil.writeAscii(pair.client.alloc(), "ping"));
                pair.shuttle();
                pair.server.writeAndFlush(ByteBufUtil.writeAscii(pair.server.alloc(), "pong"));
                pair.shuttle();
                assertEquals("ping", pair.serverApp.received.toString(US_ASCII));
                assertEquals("pong", pair.clientApp.received.toString(US_ASCII));
            }
            assertTrue(pair.clientApp.exceptions.isEmpty(), pair.clientApp.exceptions::toString);
            assertTrue(pair.serverApp.exceptions.isEmpty(), pair.serverApp.exceptions::toString);
            SessionInfo c = pair.clientHandler.session();
            SessionInfo s = pair.serverHandler.session();
            assertEquals(c.resumed(), s.resumed(), "both ends agree whether the session was resumed");
            assertEquals(c.cipherSuite(), s.cipherSuite());
            return new Outcome(c, s, client.sessionCache() == null ? 0 : client.sessionCache().size());
        } finally {
            pair.finish();
        }
    }

    private static X509Certificate[] chain(Issued issued) {
        return issued.chain().toArray(new X509Certificate[0]);
    }

    @Test
    void pskDheKeResumesWithTheOriginalServerChain() {
        Tls13Context client = ChannelPair.clientContext().build();
        Tls13Context server = ChannelPair.serverContext().build();
        Outcome full = connect(client, server);
        assertFalse(full.client().resumed());
        assertEquals(2, full.ticketsInCache(), "the server issues two tickets by default");
        Outcome resumed = connect(client, server);
        assertTrue(resumed.client().resumed());
        assertTrue(resumed.server().resumed());
        assertEquals(SessionInfo.Authentication.CERTIFICATE, full.client().authentication());
        assertEquals(SessionInfo.Authentication.RESUMPTION, resumed.client().authentication());
        assertEquals(SessionInfo.Authentication.RESUMPTION, resumed.server().authentication());
        assertNull(resumed.server().externalPskIdentity(), "a ticket is no external PSK");
        assertEquals(full.client().namedGroup(), resumed.client().namedGroup(), "psk_dhe_ke: a fresh share");
        assertEquals(full.client().peerCertificates(), resumed.client().peerCertificates(),
                "the original server chain");
        assertFalse(resumed.client().peerCertificates().isEmpty());
        assertTrue(resumed.server().peerCertificates().isEmpty(), "no client certificate in either handshake");
    }

    @Test
    void mutualTlsResumptionCarriesTheOriginalClientChain() {
        Issued clientCa = TestPki.newCa("client CA", TestPki.generate(KeyType.EC_P256));
        Issued clientLeaf = TestPki.leaf(KeyType.EC_P256).issuer(clientCa).commonName("client").build();
        Tls13Context client = ChannelPair.clientContext()
                .keyManager(clientLeaf.privateKey(), chain(clientLeaf)).build();
        Tls13Context server = ChannelPair.serverContext().clientAuth(ClientAuth.REQUIRE)
                .trustManager(clientCa.certificate()).build();
        Outcome full = connect(client, server);
        assertFalse(full.server().resumed());
        assertEquals(clientLeaf.chain(), full.server().peerCertificates());
        Outcome resumed = connect(client, server);
        assertTrue(resumed.server().resumed());
        assertEquals(clientLeaf.chain(), resumed.server().peerCertificates(), "the client chain from the ticket");
        assertEquals(full.client().peerCertificates(), resumed.client().peerCertificates());
    }

    @Test
    void pskKeWhenBothEndsEnableItHasNoNamedGroup() {
        Tls13Context client = ChannelPair.clientContext().pskKeyExchangeModes("psk_dhe_ke", "psk_ke").build();
        Tls13Context server = ChannelPair.serverContext().pskKeyExchangeModes("psk_dhe_ke", "psk_ke").build();
        assertFalse(connect(client, server).client().resumed());
        Outcome resumed = connect(client, server);
        assertTrue(resumed.client().resumed());
        assertNull(resumed.client().namedGroup(), "psk_ke: no key exchange");
        assertNull(resumed.server().namedGroup());
    }

    @Test
    void pskKeOnOnlyOneEndIsPskDheKe() {
        Tls13Context client = ChannelPair.clientContext().pskKeyExchangeModes("psk_dhe_ke", "psk_ke").build();
        Tls13Context server = ChannelPair.serverContext().build();
        Outcome full = connect(client, server);
        Outcome resumed = connect(client, server);
        assertTrue(resumed.server().resumed());
        assertEquals(full.server().namedGroup(), resumed.server().namedGroup(), "a key share: psk_dhe_ke");
    }

    @Test
    void resumesAfterAHelloRetryRequest() {
        Tls13Context client = ChannelPair.clientContext().namedGroups("x25519", "secp256r1").keyShares(1).build();
        Tls13Context server = ChannelPair.serverContext().namedGroups("secp256r1").build();
        Outcome full = connect(client, server);
        assertTrue(full.server().helloRetryRequest());
        Outcome resumed = connect(client, server);
        assertTrue(resumed.server().helloRetryRequest(), "the client still shares x25519 only");
        assertTrue(resumed.client().resumed(), "the PSK offered again in the second ClientHello");
        assertEquals("secp256r1", resumed.client().namedGroup());
    }

    @Test
    void eachTicketIsUsedOnce() {
        Tls13Context client = ChannelPair.clientContext().build();
        Tls13Context server = ChannelPair.serverContext().sessionTicketCount(2).build();
        assertEquals(2, connect(client, server).ticketsInCache());
        Outcome second = connect(client, server, false);
        assertTrue(second.client().resumed());
        assertEquals(1, second.ticketsInCache(), "the offered ticket left the cache");
        Outcome third = connect(client, server, false);
        assertTrue(third.client().resumed(), "the second ticket");
        assertEquals(0, third.ticketsInCache());
        assertFalse(connect(client, server, false).client().resumed(), "no ticket left: a full handshake");
    }

    @Test
    void withOneTicketTheThirdConnectionIsFull() {
        Tls13Context client = ChannelPair.clientContext().build();
        Tls13Context server = ChannelPair.serverContext().sessionTicketCount(1).build();
        assertEquals(1, connect(client, server).ticketsInCache());
        assertTrue(connect(client, server, false).client().resumed());
        assertFalse(connect(client, server, false).client().resumed());
    }

    @Test
    void rotatedTicketKeysGiveAFullHandshakeThenResumeAgain() {
        Tls13Context client = ChannelPair.clientContext().build();
        Tls13Context server = ChannelPair.serverContext().build();
        connect(client, server);
        server.setTicketKeys(randomKey());
        Outcome afterRotation = connect(client, server);
        assertFalse(afterRotation.client().resumed(), "the ticket's key is gone: a full handshake, no alert");
        assertTrue(connect(client, server).client().resumed(), "a ticket under the new key");
    }

    @Test
    void aFleetSharingTicketKeysResumesAcrossServers() {
        Tls13SessionTicketKey key = randomKey();
        Tls13Context client = ChannelPair.clientContext().build();
        Tls13Context a = ChannelPair.serverContext().sessionTicketKeys(key).build();
        Tls13Context b = ChannelPair.serverContext().sessionTicketKeys(key).build();
        Tls13Context other = ChannelPair.serverContext().sessionTicketKeys(randomKey()).build();
        assertFalse(connect(client, a).server().resumed());
        assertTrue(connect(client, b).server().resumed(), "b opens a's ticket");
        assertFalse(connect(client, other).server().resumed(), "another fleet's keys: a full handshake");
    }

    @Test
    void aServerWithoutTheTicketsSuiteHashGivesAFullHandshake() {
        Tls13SessionTicketKey key = randomKey();
        Tls13Context client = ChannelPair.clientContext().build();
        Tls13Context sha256 = ChannelPair.serverContext().cipherSuites("TLS_AES_128_GCM_SHA256")
                .sessionTicketKeys(key).build();
        Tls13Context sha384 = ChannelPair.serverContext().cipherSuites("TLS_AES_256_GCM_SHA384")
                .sessionTicketKeys(key).build();
        assertEquals("TLS_AES_128_GCM_SHA256", connect(client, sha256).client().cipherSuite());
        Outcome other = connect(client, sha384);
        assertFalse(other.server().resumed(), "another hash (RFC 8446 §4.2.11): a full handshake, no alert");
        assertEquals("TLS_AES_256_GCM_SHA384", other.client().cipherSuite());
        Tls13Context chacha = ChannelPair.serverContext().cipherSuites("TLS_CHACHA20_POLY1305_SHA256")
                .sessionTicketKeys(key).build();
        assertFalse(connect(client, chacha).server().resumed(), "the SHA-384 ticket again");
        Outcome sameHash = connect(client, sha256);
        assertTrue(sameHash.server().resumed(), "a SHA-256 ticket from the ChaCha20 server");
        assertEquals("TLS_AES_128_GCM_SHA256", sameHash.client().cipherSuite());
    }

    @Test
    void anotherAlpnListResumesAndNegotiatesAfresh() {
        Tls13SessionTicketKey key = randomKey();
        Tls13Context client = ChannelPair.clientContext().applicationProtocols("h2", "http/1.1").build();
        Tls13Context h2 = ChannelPair.serverContext().applicationProtocols("h2").sessionTicketKeys(key).build();
        Tls13Context http11 = ChannelPair.serverContext().applicationProtocols("http/1.1")
                .sessionTicketKeys(key).build();
        assertEquals("h2", connect(client, h2).client().applicationProtocol());
        Outcome resumed = connect(client, http11);
        assertTrue(resumed.server().resumed(), "ALPN binds only early data (RFC 8446 §4.2.10, §4.6.1)");
        assertEquals("http/1.1", resumed.client().applicationProtocol());
        assertEquals("http/1.1", resumed.server().applicationProtocol());
    }

    @Test
    void aServerIssuingNoTicketsNeverResumes() {
        Tls13Context client = ChannelPair.clientContext().build();
        Tls13Context server = ChannelPair.serverContext().sessionTicketCount(0).build();
        for (int i = 0; i < 3; i++) {
            Outcome outcome = connect(client, server);
            assertFalse(outcome.client().resumed());
            assertEquals(0, outcome.ticketsInCache());
        }
    }

    @Test
    void aClientWithoutACacheNeverOffers() {
        Tls13Context client = ChannelPair.clientContext().sessionCacheSize(0).build();
        Tls13Context server = ChannelPair.serverContext().build();
        for (int i = 0; i < 3; i++) {
            Outcome outcome = connect(client, server);
            assertFalse(outcome.server().resumed());
            assertEquals(0, outcome.ticketsInCache());
        }
    }

    @Test
    void theServerChainSeenOnResumptionIsTheVerifiedOne() {
        Tls13Context client = ChannelPair.clientContext().build();
        Tls13Context server = ChannelPair.serverContext().build();
        List<X509Certificate> first = connect(client, server).client().peerCertificates();
        assertFalse(first.isEmpty());
        for (int i = 0; i < 3; i++) {
            Outcome outcome = connect(client, server);
            assertTrue(outcome.client().resumed(), "each resumed connection brings new tickets");
            assertEquals(first, outcome.client().peerCertificates());
        }
    }
    @Test
    void clientContextsSharingACacheResumeEachOthersSessions() {
        ClientSessionCache shared = new ClientSessionCache(16, 0);
        Tls13Context first = ChannelPair.clientContext().sessionCache(shared).build();
        Tls13Context second = ChannelPair.clientContext().sessionCache(shared).sessionCacheSize(0).build();
        Tls13Context server = ChannelPair.serverContext().build();
        assertFalse(connect(first, server).client().resumed());
        assertEquals(2, shared.size());
        assertTrue(connect(second, server).client().resumed(), "the shared cache wins over sessionCacheSize(0)");
        assertEquals(2, shared.size(), "one ticket used, the one the resumption brought kept");
    }
}
