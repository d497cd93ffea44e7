package dev.tls13.handshake;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded server-side store of single-use session tickets (RFC 8446 §8.1; docs/architecture.md §15): the
 * alternative to stateless tickets. The client's ticket is then a random 16-byte id; the store maps it to the sealed
 * session state a stateless ticket would have carried (so no PSK lies in memory unencrypted, and the key ring's
 * rotation still limits how long a state can be opened). Taking an id removes it: a ticket resumes at most one
 * handshake, and a replayed ClientHello (with or without 0-RTT data) finds nothing and gets a full handshake, which
 * makes the store an anti-replay defence of its own (§8.1).
 *
 * <p>Bounded: when full, the oldest ticket is evicted (its client gets a full handshake). Expired tickets are not
 * swept, they are evicted in turn, and opening one fails its lifetime check. One lock; a handshake takes it once per
 * ticket issued and once per identity tried. Each entry holds the 16-byte id and the sealed state (113 bytes for a
 * SHA-256 session with SNI "localhost" and no ALPN or client chain): measured 286 bytes per entry with the map's
 * overhead ({@link #ESTIMATED_BYTES_PER_ENTRY}).
 *
 * <p>The default {@link TicketStore}: a fleet plugs in a shared one instead (the public
 * {@code Tls13SessionTicketStore}), whose contract this store meets within one process.
 */
public final class SessionTicketStore implements TicketStore {

    /** The length of a ticket id: 128 random bits, unguessable. */
    static final int ID_LENGTH = 16;
    /**
     * Heap per entry without a client chain, rounded up from a measurement: 200,000 entries with a 113-byte sealed
     * state grew the live heap by 286 bytes each (JDK 17, compressed references): the id array and its ByteBuffer
     * key, the sealed state array, the LinkedHashMap entry and its table slot. A client chain adds its DER.
     */
    static final int ESTIMATED_BYTES_PER_ENTRY = 300;

    private final int maxEntries;
    private final LinkedHashMap<ByteBuffer, byte[]> entries;

    /**
     * Creates an empty store.
     *
     * @param maxEntries the most tickets held at once, at least 1
     * @throws IllegalArgumentException when below 1
     */
    public SessionTicketStore(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("a session ticket store needs at least 1 entry: " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.entries = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, byte[]> eldest) {
                return size() > SessionTicketStore.this.maxEntries;
            }
        };
    }

    /**
     * Takes ownership of both arrays: stores the sealed state of a new ticket under its id, evicting the oldest
     * ticket when full.
     *
     * @param id the ticket id, {@link #ID_LENGTH} random bytes
     * @param sealed the sealed state
     * @param expiresAtMillis ignored: expired entries are evicted in turn, and fail the lifetime check if taken
     */
    @Override
    public synchronized void put(byte[] id, byte[] sealed, long expiresAtMillis) {
        entries.put(ByteBuffer.wrap(id), sealed);
    }

    /**
     * Removes and returns the sealed state of a ticket: each id is taken at most once.
     *
     * @param id a PskIdentity's identity; borrowed
     * @return the sealed state, owned by the caller, or {@code null} when unknown, used already or evicted
     */
    @Override
    public synchronized byte[] take(byte[] id) {
        if (id.length != ID_LENGTH) {
            return null;
        }
        return entries.remove(ByteBuffer.wrap(id));
    }

    /** @return the most tickets held at once */
    public int maxEntries() {
        return maxEntries;
    }

    /** @return how many tickets it holds now */
    public synchronized int size() {
        return entries.size();
    }
}
