package dev.tls13;

/**
 * A server's store of single-use session tickets (RFC 8446 §8.1; docs/architecture.md §15), for a fleet of servers to
 * share ({@link Tls13ContextBuilder#sessionTicketStore(Tls13SessionTicketStore)}): a ticket then resumes at most one
 * handshake on any server of the fleet, which makes the store the 0-RTT anti-replay defence as well. Without one,
 * {@link Tls13ContextBuilder#sessionTicketStore(int)} keeps a bounded store in the context's memory, which makes
 * tickets single-use on that server only.
 *
 * <p>The server seals the session state as for a stateless ticket (AES-256-GCM under the ticket key ring, so the
 * fleet shares the ticket keys too: {@link Tls13ContextBuilder#sessionTicketKeys}) and {@link #put}s the sealed bytes
 * under a random 16-byte id, which is all the client's NewSessionTicket carries. When a client offers an id, the
 * server {@link #take}s it before anything else, whatever comes of it, so a replayed or reused ticket finds
 * nothing. The store sees no secret: the sealed state opens only with the ticket keys.
 *
 * <p>What a fleet operator must provide:
 * <ul>
 * <li><b>An atomic take</b>: remove-and-return in one step (Redis {@code GETDEL}, a database {@code DELETE ...
 *     RETURNING}); of two servers taking one id at once, only one may get the state. A get followed by a delete
 *     lets a replayed ClientHello's 0-RTT data be accepted twice (RFC 8446 §8).</li>
 * <li><b>A bounded size</b>: a client can make a server issue tickets at will (each handshake issues
 *     {@code sessionTicketCount} of them), so the store must evict or refuse when full rather than grow; an evicted
 *     ticket only costs its client a full handshake.</li>
 * <li><b>Expiry</b>: {@link #put} gives the time a ticket's lifetime ends; the entry need not be kept longer (a
 *     ticket past it fails the server's lifetime check anyway). A Redis {@code SET id state PXAT expiresAtMillis}
 *     does both.</li>
 * </ul>
 *
 * <p>Failures: an exception from {@link #take} is taken as an unknown ticket, so the client gets a full handshake
 * (never resumption, never early data: a store that cannot answer cannot vouch for a single use); an exception from
 * {@link #put} means that ticket is not sent (the connection goes on, the client just has one ticket fewer). Both are
 * called on an event loop (put after the handshake, take while reading the ClientHello), possibly concurrently: they
 * should answer quickly.
 */
public interface Tls13SessionTicketStore {

    /** The length of a ticket id: 128 random bits. */
    int ID_LENGTH = 16;

    /**
     * Stores the sealed session state of a new ticket.
     *
     * @param id the ticket id, {@value #ID_LENGTH} random bytes, which the client presents; the store's to keep
     * @param sealedState the sealed session state (about 140 bytes, more with a client certificate chain, at most
     *        about 16 KiB); the store's to keep
     * @param expiresAtMillis when the ticket's lifetime ends (epoch milliseconds on the context's clock): the entry
     *        may be forgotten then
     * @throws Exception when the store cannot keep it: this ticket is not sent
     */
    void put(byte[] id, byte[] sealedState, long expiresAtMillis) throws Exception;

    /**
     * Removes and returns the state stored under {@code id}, atomically (see the class comment): each id is taken at
     * most once across everything that shares the store.
     *
     * @param id an id a client offered, {@value #ID_LENGTH} bytes (other lengths are never asked for); the store's
     *        to keep
     * @return the sealed state, or {@code null} when unknown, taken already, expired or evicted
     * @throws Exception when the store cannot answer: the client gets a full handshake
     */
    byte[] take(byte[] id) throws Exception;

    /**
     * The default store of {@link Tls13ContextBuilder#sessionTicketStore(int)}: in this process's memory, bounded
     * (the oldest ticket is evicted when full), about 300 bytes per ticket without a client chain. Shared by
     * whatever is built with it, e.g. several contexts of one process.
     *
     * @param maxEntries the most tickets held at once, at least 1
     * @return a new, empty store
     * @throws IllegalArgumentException when below 1
     */
    static Tls13SessionTicketStore inMemory(int maxEntries) {
        return new Tls13Context.InMemoryTicketStore(maxEntries);
    }
}
