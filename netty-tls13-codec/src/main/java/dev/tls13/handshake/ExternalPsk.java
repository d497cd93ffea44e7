package dev.tls13.handshake;

import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.wire.CipherSuite;
import java.util.Arrays;
import java.util.Objects;
import javax.security.auth.Destroyable;

/**
 * A PSK provisioned outside TLS (RFC 8446 §2.2, §4.2.11; docs/architecture.md §15): an identity, the key and the
 * hash it is used with. Binders use the "ext binder" label (§7.1); no ticket age applies (§4.2.11: "For identities
 * established externally, an obfuscated_ticket_age of 0 SHOULD be used, and servers MUST ignore the value").
 *
 * <p>Held by a configuration for all its connections: the key is copied in, handed out as copies that the
 * handshake zeroes, and zeroed by {@link #destroy()}. {@link #toString()} never shows the key.
 */
public final class ExternalPsk implements Destroyable {

    /** RFC 8446 §4.2.11: {@code opaque identity<1..2^16-1>}. */
    public static final int MAX_IDENTITY_LENGTH = 0xFFFF;

    private final byte[] identity;
    private final byte[] key;
    private final HashAlgorithm hash;
    private volatile boolean destroyed;

    /**
     * Creates an external PSK; both arrays are copied.
     *
     * @param identity the PskIdentity.identity, 1 to 65,535 bytes
     * @param key the PSK, at least 1 byte
     * @param hash the hash the PSK is used with (RFC 8446 §4.2.11: only with suites of this hash)
     * @throws IllegalArgumentException for an empty or too long identity, or an empty key
     */
    public ExternalPsk(byte[] identity, byte[] key, HashAlgorithm hash) {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(key, "key");
        this.hash = Objects.requireNonNull(hash, "hash");
        if (identity.length < 1 || identity.length > MAX_IDENTITY_LENGTH) {
            throw new IllegalArgumentException("a PSK identity has 1 to 65535 bytes: " + identity.length);
        }
        if (key.length == 0) {
            throw new IllegalArgumentException("empty PSK");
        }
        this.identity = identity.clone();
        this.key = key.clone();
    }

    /** @return the identity, borrowed: not to be modified */
    byte[] identity() {
        return identity;
    }

    /** @return the hash the PSK is bound to */
    public HashAlgorithm hash() {
        return hash;
    }

    /**
     * A copy of the key for one handshake, which the handshake zeroes.
     *
     * @return the key, owned by the caller
     * @throws IllegalStateException once destroyed
     */
    byte[] key() {
        if (destroyed) {
            throw new IllegalStateException("external PSK destroyed");
        }
        return key.clone();
    }

    /**
     * A client's one-use offer of this PSK (docs/architecture.md §15): a {@link ResumptionTicket} of the external
     * kind, whose "suite" is the TLS 1.3 suite that names this PSK's hash (only the hash is used).
     *
     * @return the offer, owned by the caller, which destroys it
     */
    ResumptionTicket offer() {
        CipherSuite suite = hash == HashAlgorithm.SHA384 ? CipherSuite.TLS_AES_256_GCM_SHA384
                : CipherSuite.TLS_AES_128_GCM_SHA256;
        return ResumptionTicket.external(identity, key(), suite);
    }

    /**
     * A copy with its own key array, for a configuration to own.
     *
     * @return the copy
     * @throws IllegalStateException once destroyed
     */
    public ExternalPsk copy() {
        byte[] k = key();
        try {
            return new ExternalPsk(identity, k, hash);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    /** Zeroes the key; handshakes started afterwards cannot use it. */
    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(key, (byte) 0);
    }

    /** @return whether {@link #destroy()} was called */
    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    /** @return the identity's length and the hash; never the key */
    @Override
    public String toString() {
        return "ExternalPsk[" + identity.length + "-byte identity, " + hash + (destroyed ? ", destroyed]" : "]");
    }
}
