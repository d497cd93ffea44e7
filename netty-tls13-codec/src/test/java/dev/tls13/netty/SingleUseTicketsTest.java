package dev.tls13.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
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
}
