package dev.tls13.keys;

import dev.tls13.crypto.AeadAlgorithm;
import java.util.Arrays;
import javax.security.auth.Destroyable;

/**
 * The write key and write IV of one direction and generation (RFC 8446 §7.3), for one AEAD.
 *
 * <p>A final class rather than a record: it holds secrets, so it has no value equality and its
 * {@link #toString()} shows no bytes. The accessors return the arrays themselves (no copy) so that
 * record protection can hand them on without another secret copy lying around; the caller must not
 * modify them, and {@link #destroy()} zeroes them.
 */
public final class TrafficKeys implements Destroyable {

    private final AeadAlgorithm algorithm;
    private final byte[] key;
    private final byte[] iv;
    private boolean destroyed;

    /** Takes ownership of {@code key} and {@code iv}. */
    TrafficKeys(AeadAlgorithm algorithm, byte[] key, byte[] iv) {
        HkdfLabel.checkLength(key, algorithm.keyLength(), "key");
        HkdfLabel.checkLength(iv, AeadAlgorithm.NONCE_LENGTH, "iv");
        this.algorithm = algorithm;
        this.key = key;
        this.iv = iv;
    }

    /** @return the AEAD these keys are for */
    public AeadAlgorithm algorithm() {
        return algorithm;
    }

    /**
     * Returns the write key, {@code algorithm().keyLength()} bytes.
     *
     * @return the key array itself; do not modify it
     * @throws IllegalStateException if destroyed
     */
    public byte[] key() {
        checkLive();
        return key;
    }

    /**
     * Returns the write IV, from which each record's nonce is formed (RFC 8446 §5.3).
     *
     * @return the 12-byte IV array itself; do not modify it
     * @throws IllegalStateException if destroyed
     */
    public byte[] iv() {
        checkLive();
        return iv;
    }

    /** Zeroes the key and the IV; the accessors fail afterwards. */
    @Override
    public void destroy() {
        Arrays.fill(key, (byte) 0);
        Arrays.fill(iv, (byte) 0);
        destroyed = true;
    }

    /** @return whether {@link #destroy()} was called */
    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    /** @return the algorithm only; never the key or IV */
    @Override
    public String toString() {
        return "TrafficKeys[" + algorithm + (destroyed ? ", destroyed]" : "]");
    }

    private void checkLive() {
        if (destroyed) {
            throw new IllegalStateException("traffic keys already destroyed");
        }
    }
}
