package dev.tls13.keys;

import java.util.Arrays;

/** A secret array that is zeroed by {@link #destroy()} and refuses to be used afterwards. */
final class SecretBytes {

    private final byte[] bytes;
    private boolean destroyed;

    /** Takes ownership of {@code bytes}. */
    SecretBytes(byte[] bytes) {
        this.bytes = bytes;
    }

    /** @return the live array (not a copy) for derivations; fails once destroyed */
    byte[] get() {
        if (destroyed) {
            throw new IllegalStateException("secret already destroyed");
        }
        return bytes;
    }

    /** @return the array itself, even after destruction, so tests can see that it was zeroed */
    byte[] raw() {
        return bytes;
    }

    void destroy() {
        Arrays.fill(bytes, (byte) 0);
        destroyed = true;
    }

    boolean isDestroyed() {
        return destroyed;
    }
}
