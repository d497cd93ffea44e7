package dev.tls13;

/**
 * The anti-replay store of a server that accepts 0-RTT early data (RFC 8446 §8; docs/architecture.md §15), for a
 * fleet to plug in a store its servers share ({@link Tls13ContextBuilder#antiReplay}). Without one, a server
 * context keeps a bounded in-memory ClientHello-recording filter (§8.2) of its own, which catches replays to this
 * server only: an attacker who replays a ClientHello to each server of a fleet gets its early data accepted once
 * per server unless the servers share this store.
 *
 * <p>The server asks only for a ClientHello it would otherwise accept early data from: a resumption with the first
 * PSK identity, from a ticket that allowed early data, with the original suite and ALPN, no HelloRetryRequest, and
 * a ticket age within 10 seconds of ours (the freshness window of §8.3). A {@code false} answer means a 1-RTT
 * handshake: the early data is skipped, and a client sends it again after the handshake.
 */
@FunctionalInterface
public interface Tls13AntiReplay {

    /**
     * Records {@code key} and says whether it is new: an atomic insert-if-absent (a shared store: Redis
     * {@code SET key 1 NX PXAT expiresAtMillis}, or a database insert on a unique key). Called on an event loop
     * during the handshake, so it should answer quickly; it may be called concurrently.
     *
     * @param key the ClientHello's identifier: SHA-256 of its ticket (its first PSK identity), 32 bytes. A replayed
     *        ClientHello carries the same ticket; keying by the ticket also lets each ticket carry 0-RTT data only
     *        once per window, as single-use tickets would (§8.1). Borrowed (copy it to keep it)
     * @param expiresAtMillis when the key may be forgotten (epoch milliseconds on the context's clock): a replay
     *        after that fails the freshness check anyway, so the store holds one freshness window of ClientHellos
     * @return {@code true} when the key was not recorded before (accept the early data); {@code false} when it was,
     *         or when the store cannot tell (full, unreachable): refusing then is safe, accepting is not. An
     *         exception counts as {@code false}: the handshake goes on without early data
     */
    boolean firstUse(byte[] key, long expiresAtMillis);
}
