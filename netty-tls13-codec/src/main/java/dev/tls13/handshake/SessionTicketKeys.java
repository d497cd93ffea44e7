package dev.tls13.handshake;

import dev.tls13.crypto.CryptoProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The key ring of a server's session tickets (docs/architecture.md §15): the current key seals new tickets, the
 * current and the previous keys open them. Either generated and rotated by the server itself (each key is
 * current for the rotation period, then kept for one ticket lifetime more so that every ticket it sealed stays
 * usable, then forgotten), or supplied by the application, for a fleet that shares keys, and replaced at run
 * time with {@link #set}.
 *
 * <p>Thread-safe: connections of every event loop read the ring; a rotation or a {@link #set} publishes a new
 * immutable snapshot. Keys are never zeroed while a snapshot may still be in use; a forgotten key's array is
 * left to the garbage collector like any key held by a {@code javax.crypto} object.
 */
public final class SessionTicketKeys {

    static final int NAME_LENGTH = 16;
    static final int KEY_LENGTH = 32;
    /** How long an automatically generated key seals tickets: a stolen key exposes an hour of new tickets. */
    static final Duration DEFAULT_ROTATION = Duration.ofHours(1);

    /** One key: its name, its AES-256-GCM key, and when it stopped being current (Long.MAX_VALUE: current). */
    record Key(byte[] name, byte[] key, long createdMillis, long retiredMillis) {
        Key retired(long now) {
            return new Key(name, key, createdMillis, now);
        }

        boolean named(byte[] n, int offset) {
            return Arrays.equals(name, 0, NAME_LENGTH, n, offset, offset + NAME_LENGTH);
        }
    }

    /** An immutable state of the ring; {@code keys.get(0)} is current. */
    private record Ring(List<Key> keys, boolean automatic) {
    }

    private final CryptoProvider crypto;
    private final long rotationMillis;
    private final long keepMillis;
    private volatile Ring ring;

    private SessionTicketKeys(CryptoProvider crypto, long rotationMillis, long keepMillis, Ring ring) {
        this.crypto = crypto;
        this.rotationMillis = rotationMillis;
        this.keepMillis = keepMillis;
        this.ring = ring;
    }

    /**
     * A ring that generates its keys and rotates them.
     *
     * @param crypto the random source and clock
     * @param rotation how long a key seals new tickets, at least 1 s
     * @param ticketLifetime how long a retired key still opens tickets: the ticket lifetime
     * @return the ring; its first key is generated on first use
     */
    public static SessionTicketKeys rotating(CryptoProvider crypto, Duration rotation, Duration ticketLifetime) {
        Objects.requireNonNull(crypto, "crypto");
        if (rotation.toSeconds() < 1) {
            throw new IllegalArgumentException("ticket key rotation must be at least 1 s: " + rotation);
        }
        // The first key is generated when the first ticket is sealed: building a configuration draws no random
        // bytes (deterministic providers of tests replay exact random streams) and a server that never issues a
        // ticket never holds a key.
        return new SessionTicketKeys(crypto, rotation.toMillis(), ticketLifetime.toMillis(),
                new Ring(List.of(), true));
    }

    /**
     * A ring of the application's keys: the first seals, all open; no rotation.
     *
     * @param crypto the clock
     * @param names the key names, 16 bytes each; copied
     * @param keys the AES-256-GCM keys, 32 bytes each, in the same order; copied
     * @return the ring
     */
    public static SessionTicketKeys supplied(CryptoProvider crypto, List<byte[]> names, List<byte[]> keys) {
        return new SessionTicketKeys(crypto, 0, 0, new Ring(copy(crypto, names, keys), false));
    }

    /**
     * Replaces the keys at run time (Netty: {@code OpenSslSessionContext.setTicketKeys}): the first seals from now
     * on, all open; tickets sealed under a key not in the list are no longer accepted. Automatic rotation stops.
     *
     * @param names the key names, 16 bytes each; copied
     * @param keys the AES-256-GCM keys, 32 bytes each, in the same order; copied
     */
    public void set(List<byte[]> names, List<byte[]> keys) {
        ring = new Ring(copy(crypto, names, keys), false);
    }

    /** The key that seals a ticket now, generated or rotated first when it is due. */
    Key current() {
        Ring r = ring;
        if (r.automatic()) {
            long now = crypto.clock().millis();
            if (due(r, now)) {
                r = rotate(now);
            }
        }
        return r.keys().get(0);
    }

    private boolean due(Ring r, long now) {
        return r.keys().isEmpty() || now - r.keys().get(0).createdMillis() >= rotationMillis;
    }

    /** The key named by the 16 bytes at {@code offset} of {@code ticket}, or {@code null}. */
    Key find(byte[] ticket, int offset) {
        if (ticket.length - offset < NAME_LENGTH) {
            return null;
        }
        Ring r = ring;
        long now = r.automatic() ? crypto.clock().millis() : 0;
        for (Key k : r.keys()) {
            if (k.named(ticket, offset)) {
                return r.automatic() && now - k.retiredMillis() > keepMillis ? null : k;
            }
        }
        return null;
    }

    /** @return the number of keys held, for tests */
    int size() {
        return ring.keys().size();
    }

    private synchronized Ring rotate(long now) {
        Ring r = ring;
        if (!r.automatic() || !due(r, now)) {
            return r;
        }
        List<Key> keys = new ArrayList<>();
        keys.add(generate(crypto, now));
        for (Key k : r.keys()) {
            Key old = k.retiredMillis() == Long.MAX_VALUE ? k.retired(now) : k;
            // A retired key opens tickets for one lifetime more, the longest any of its tickets is valid.
            if (now - old.retiredMillis() <= keepMillis) {
                keys.add(old);
            }
        }
        Ring next = new Ring(List.copyOf(keys), true);
        ring = next;
        return next;
    }

    private static Key generate(CryptoProvider crypto, long now) {
        byte[] name = new byte[NAME_LENGTH];
        byte[] key = new byte[KEY_LENGTH];
        crypto.nextBytes(name);
        crypto.nextBytes(key);
        return new Key(name, key, now, Long.MAX_VALUE);
    }

    private static List<Key> copy(CryptoProvider crypto, List<byte[]> names, List<byte[]> keys) {
        if (names.isEmpty() || names.size() != keys.size()) {
            throw new IllegalArgumentException("one or more ticket keys, each with a name");
        }
        long now = crypto.clock().millis();
        List<Key> l = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).length != NAME_LENGTH || keys.get(i).length != KEY_LENGTH) {
                throw new IllegalArgumentException("ticket key names are 16 bytes and keys 32 bytes");
            }
            l.add(new Key(names.get(i).clone(), keys.get(i).clone(), now, Long.MAX_VALUE));
        }
        return List.copyOf(l);
    }
}
