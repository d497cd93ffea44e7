package dev.tls13.netty;

import static dev.tls13.Tls13SessionTicketStore.ID_LENGTH;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.Tls13SessionTicketKey;
import dev.tls13.Tls13SessionTicketStore;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A server context with {@code sessionTicketStore(n)} (RFC 8446 §8.1; docs/architecture.md §15): our client resumes
 * with its single-use tickets as with stateless ones, one ticket per connection.
 */
class SingleUseTicketsTest {

    /** One connection run until nothing moves; returns whether both ends resumed. */
    private static boolean connect(Tls13Context client, Tls13Context server) {
        ChannelPair pair = new ChannelPair().start(client, server);
        try {
            pair.shuttle();
            assertTrue(pair.clientHandler.handshakeFuture().isSuccess(),
                    () -> "client: " + pair.clientHandler.handshakeFuture().cause());
            assertTrue(pair.serverHandler.handshakeFuture().isSuccess(),
                    () -> "server: " + pair.serverHandler.handshakeFuture().cause());
            assertEquals(pair.clientHandler.session().resumed(), pair.serverHandler.session().resumed());
            return pair.clientHandler.session().resumed();
        } finally {
            pair.finish();
        }
    }

    @Test
    void ourClientResumesWithSingleUseTickets() {
        Tls13Context client = ChannelPair.clientContext().build();
        Tls13Context server = ChannelPair.serverContext().sessionTicketStore(100).build();
        assertFalse(connect(client, server));
        assertEquals(2, client.sessionCache().size());
        assertTrue(connect(client, server));
        assertTrue(connect(client, server), "the other ticket, or one of the resumed connection's");
    }

    @Test
    void aStoreWithZeroRttOnAndNoReplayFilter() {
        // The store is the anti-replay defence (RFC 8446 §8.1): the context builds without the in-memory filter
        // (SessionTicketStoreTest shows a replay is refused), and resumes as usual.
        Tls13Context client = ChannelPair.clientContext().build();
        Tls13Context server = ChannelPair.serverContext().maxEarlyData(1024).sessionTicketStore(10).build();
        assertFalse(connect(client, server));
        assertTrue(connect(client, server));
        assertThrows(IllegalArgumentException.class, () -> ChannelPair.serverContext().sessionTicketStore(-1));
    }

    /** A fleet's store as an operator would write it: atomic take (ConcurrentHashMap.remove), bounded, with expiry. */
    private static final class FleetStore implements Tls13SessionTicketStore {
        final Map<ByteBuffer, byte[]> entries = new ConcurrentHashMap<>();
        final List<Long> expiries = new CopyOnWriteArrayList<>();
        final AtomicInteger takes = new AtomicInteger();
        final AtomicInteger found = new AtomicInteger();
        volatile boolean down;

        @Override
        public void put(byte[] id, byte[] sealedState, long expiresAtMillis) throws IOException {
            if (down) {
                throw new IOException("store unreachable");
            }
            assertEquals(ID_LENGTH, id.length);
            if (entries.size() < 1000) {
                entries.put(ByteBuffer.wrap(id), sealedState);
            }
            expiries.add(expiresAtMillis);
        }

        @Override
        public byte[] take(byte[] id) throws IOException {
            takes.incrementAndGet();
            if (down) {
                throw new IOException("store unreachable");
            }
            assertEquals(ID_LENGTH, id.length, "only ids are asked for");
            byte[] state = entries.remove(ByteBuffer.wrap(id));
            if (state != null) {
                found.incrementAndGet();
            }
            return state;
        }
    }

    private static Tls13SessionTicketKey fixedKey() {
        byte[] name = new byte[Tls13SessionTicketKey.NAME_SIZE];
        byte[] key = new byte[Tls13SessionTicketKey.KEY_SIZE];
        Arrays.fill(name, (byte) 1);
        Arrays.fill(key, (byte) 2);
        return new Tls13SessionTicketKey(name, key);
    }

    @Test
    void aFleetSharingAStoreResumesAcrossServersAndUsesEachTicketOnce() {
        FleetStore store = new FleetStore();
        Tls13SessionTicketKey key = fixedKey();
        Tls13Context serverA = ChannelPair.serverContext().sessionTicketKeys(key).sessionTicketStore(store).build();
        Tls13Context serverB = ChannelPair.serverContext().sessionTicketKeys(key).sessionTicketStore(store).build();
        Tls13Context client = ChannelPair.clientContext().build();
        long before = System.currentTimeMillis();
        assertFalse(connect(client, serverA));
        assertEquals(2, store.entries.size(), "server A's two tickets are in the shared store");
        for (long expiry : store.expiries) {
            assertTrue(expiry >= before + 7_200_000 && expiry <= System.currentTimeMillis() + 7_200_000,
                    "expiry is the ticket lifetime (2 h) after issue: " + expiry);
        }
        assertTrue(connect(client, serverB), "server B resumes server A's session");
        assertEquals(1, store.found.get());
        assertEquals(2, store.entries.size(), "one taken, one of B's added for it (one ticket after a resumption)");
        assertTrue(connect(client, serverA));
        assertEquals(2, store.found.get(), "each resumption took one ticket");
        assertEquals(store.takes.get(), store.found.get(), "no ticket was offered twice");
    }

    @Test
    void aStoreThatCannotAnswerMeansAFullHandshake() {
        FleetStore store = new FleetStore();
        Tls13Context server = ChannelPair.serverContext().sessionTicketStore(store).build();
        Tls13Context client = ChannelPair.clientContext().build();
        assertFalse(connect(client, server));
        assertEquals(2, client.sessionCache().size());
        store.down = true;
        assertFalse(connect(client, server), "take threw: the ticket is not used, a full handshake, no alert");
        assertEquals(1, store.takes.get());
        assertEquals(1, client.sessionCache().size(), "put threw: no ticket was sent, the client kept its other one");
        store.down = false;
        assertTrue(connect(client, server), "the store back: the remaining ticket resumes");
    }

    @Test
    void zeroRttWithAFleetStoreAndNoReplayFilterIsAcceptedOnceOnly() {
        FleetStore store = new FleetStore();
        Tls13Context client = ChannelPair.clientContext().earlyData(true).build();
        Tls13Context server = ChannelPair.serverContext().maxEarlyData(1024).sessionTicketStore(store).build();
        assertFalse(connect(client, server));
        ChannelPair pair = new ChannelPair().start(client, server);
        try {
            pair.client.writeAndFlush(ByteBufUtil.writeAscii(pair.client.alloc(), "GET /"));
            pair.shuttle();
            assertTrue(pair.serverHandler.handshakeFuture().isSuccess());
            assertTrue(pair.serverHandler.session().earlyDataAccepted(), "the store is the anti-replay defence");
            assertEquals("GET /", pair.serverApp.receivedEarly.toString(US_ASCII));
        } finally {
            pair.finish();
        }
        assertEquals(1, store.found.get());
    }

    @Test
    void theInMemoryStoreCanBeSharedByContexts() {
        Tls13SessionTicketStore shared = Tls13SessionTicketStore.inMemory(10);
        Tls13SessionTicketKey key = fixedKey();
        Tls13Context serverA = ChannelPair.serverContext().sessionTicketKeys(key).sessionTicketStore(shared).build();
        Tls13Context serverB = ChannelPair.serverContext().sessionTicketKeys(key).sessionTicketStore(shared).build();
        Tls13Context client = ChannelPair.clientContext().build();
        assertFalse(connect(client, serverA));
        assertTrue(connect(client, serverB));
        assertThrows(IllegalArgumentException.class, () -> Tls13SessionTicketStore.inMemory(0));
    }
}
