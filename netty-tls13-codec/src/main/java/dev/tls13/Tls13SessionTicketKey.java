package dev.tls13;

import java.util.Arrays;
import java.util.Objects;

/**
 * A key that seals a server's session tickets (RFC 8446 §4.6.1; docs/architecture.md §15): a 16-byte name that
 * each ticket carries in the clear, so a server finds the key among those it holds, and a 32-byte AES-256-GCM
 * key. Servers of one fleet given the same keys ({@link Tls13ContextBuilder#sessionTicketKeys},
 * {@link Tls13Context#setTicketKeys}) resume each other's sessions.
 *
 * <p>The counterpart of Netty's {@code OpenSslSessionTicketKey}, which holds a name, an HMAC key and an AES key
 * for OpenSSL's AES-128-CBC + HMAC-SHA256 ticket format (RFC 5077 §4). Ours holds one AEAD key instead: an AEAD
 * gives confidentiality and integrity with one key and one pass, there is no MAC-then-encrypt order to get
 * wrong, and the AEAD is the one the record layer already uses (through the context's crypto provider).
 *
 * <p>Immutable; the arrays are copied in and out. {@link #toString()} shows the name only.
 */
public final class Tls13SessionTicketKey {

    /** The length of a key name, in bytes. */
    public static final int NAME_SIZE = 16;
    /** The length of the AES-256-GCM key, in bytes. */
    public static final int KEY_SIZE = 32;

    private final byte[] name;
    private final byte[] key;

    /**
     * Creates a ticket key.
     *
     * @param name the key name, {@link #NAME_SIZE} bytes; copied. Names should be random or at least unique
     *        among the keys of a fleet: a ticket is tried with the key of its name only
     * @param key the AES-256-GCM key, {@link #KEY_SIZE} secret random bytes; copied (the caller may zero its array)
     * @throws IllegalArgumentException when a length is wrong
     */
    public Tls13SessionTicketKey(byte[] name, byte[] key) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(key, "key");
        if (name.length != NAME_SIZE || key.length != KEY_SIZE) {
            throw new IllegalArgumentException("a ticket key needs a " + NAME_SIZE + "-byte name and a " + KEY_SIZE
                    + "-byte key, got " + name.length + " and " + key.length);
        }
        this.name = name.clone();
        this.key = key.clone();
    }

    /** @return a copy of the key name */
    public byte[] name() {
        return name.clone();
    }

    /** @return a copy of the AES-256-GCM key */
    public byte[] key() {
        return key.clone();
    }

    /** @return the name in hexadecimal, never the key */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Tls13SessionTicketKey[");
        for (byte x : name) {
            b.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
        }
        return b.append(']').toString();
    }

    /** Equal when name and key are equal (compared in constant time). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Tls13SessionTicketKey k && Arrays.equals(name, k.name)
                && java.security.MessageDigest.isEqual(key, k.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(name);
    }
}
