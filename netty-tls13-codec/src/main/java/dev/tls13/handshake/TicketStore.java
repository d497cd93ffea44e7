package dev.tls13.handshake;

/**
 * The server's store of single-use session tickets (RFC 8446 §8.1; docs/architecture.md §15): the internal form of
 * the public {@code dev.tls13.Tls13SessionTicketStore}, which a context adapts to it. {@link SessionTicketStore} is
 * the default, bounded and in memory.
 */
public interface TicketStore {

    /**
     * Stores the sealed session state of a new ticket under its id.
     *
     * @param id the ticket id, {@link SessionTicketStore#ID_LENGTH} random bytes; owned by the store
     * @param sealedState the session state sealed under the ticket key ring; owned by the store
     * @param expiresAtMillis when the ticket's lifetime ends, on the context's clock: the entry may be dropped then
     * @throws Exception when the store cannot keep it: the ticket is then not sent
     */
    void put(byte[] id, byte[] sealedState, long expiresAtMillis) throws Exception;

    /**
     * Removes and returns the sealed state stored under {@code id}, atomically: of concurrent or repeated calls with
     * one id, at most one gets the state.
     *
     * @param id a PskIdentity's identity of {@link SessionTicketStore#ID_LENGTH} bytes; owned by the store
     * @return the sealed state, owned by the caller, or {@code null} when unknown, taken already, expired or evicted
     * @throws Exception when the store cannot answer: the ticket is then not used (a full handshake)
     */
    byte[] take(byte[] id) throws Exception;
}
