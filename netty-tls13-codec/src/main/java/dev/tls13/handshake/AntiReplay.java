package dev.tls13.handshake;

import java.time.Clock;

/**
 * The server's anti-replay check for 0-RTT data (RFC 8446 §8; docs/architecture.md §15): early data is accepted
 * only when the check says its ClientHello was not seen before. The internal form of the public
 * {@code dev.tls13.Tls13AntiReplay}, which a context adapts to it.
 */
@FunctionalInterface
public interface AntiReplay {

    /**
     * Records {@code key} and says whether this is its first use (RFC 8446 §8.2). Called from event loops,
     * concurrently: an implementation is thread-safe.
     *
     * @param key the ClientHello's identifier, SHA-256 of its ticket (its first PSK identity); borrowed, copy it
     *        to keep it
     * @param expiresAtMillis when a replay of the ClientHello would fail our freshness check anyway, on the
     *        context's clock (the crypto provider's): the key need not be kept longer
     * @return {@code true} to accept the early data; {@code false} when the key was seen, or when the check cannot
     *         tell (a full store): the early data is then rejected and the handshake goes on in 1-RTT
     */
    boolean firstUse(byte[] key, long expiresAtMillis);

    /**
     * A bounded in-memory ClientHello-recording filter (RFC 8446 §8.2) for one server: it rejects 0-RTT when
     * full rather than forget a key that might still be replayed.
     *
     * @param maxEntries how many ClientHellos it remembers at once, at least 1
     * @param clock the clock of the expiry times it is given
     * @return a new filter
     */
    static AntiReplay inMemory(int maxEntries, Clock clock) {
        return new ClientHelloRecorder(maxEntries, clock);
    }
}
