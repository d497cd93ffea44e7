package dev.tls13.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF (RFC 5869) over the JCA's HMAC.
 *
 * <p>The {@link Mac} objects live per thread and hash, not per connection: a Mac is re-keyed on every
 * call anyway, and one per connection kept about 600 bytes (the Mac, its digest and its two key pads)
 * alive in every idle connection for the rare KeyUpdate. After each call the Mac is re-keyed with an
 * all-zero key, so its pads (the secret XOR a constant) do not outlive the call. Calls do not nest, so
 * one Mac per thread suffices; instances of this class hold no state and are thread-safe.
 */
final class JcaHkdf implements Hkdf {

    private static final ThreadLocal<Mac[]> MACS =
            ThreadLocal.withInitial(() -> new Mac[HashAlgorithm.values().length]);

    /** Per hash, the all-zero key a Mac is left keyed with between calls. */
    private static final SecretKeySpec[] SCRUB_KEYS = new SecretKeySpec[HashAlgorithm.values().length];

    static {
        for (HashAlgorithm hash : HashAlgorithm.values()) {
            SCRUB_KEYS[hash.ordinal()] = new SecretKeySpec(new byte[hash.length()], hash.hmacName());
        }
    }

    private final HashAlgorithm hash;

    JcaHkdf(HashAlgorithm hash) {
        this.hash = hash;
        mac();
    }

    /** This thread's Mac for the hash, created on first use. */
    private Mac mac() {
        Mac[] macs = MACS.get();
        Mac mac = macs[hash.ordinal()];
        if (mac == null) {
            try {
                mac = Mac.getInstance(hash.hmacName());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("JCA lacks " + hash.hmacName(), e);
            }
            macs[hash.ordinal()] = mac;
        }
        return mac;
    }

    /** Overwrites the key pads the Mac derived from the last key. */
    private void scrub(Mac mac) {
        try {
            mac.init(SCRUB_KEYS[hash.ordinal()]);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC failed", e);
        }
    }

    @Override
    public HashAlgorithm hash() {
        return hash;
    }

    @Override
    public byte[] extract(byte[] salt, byte[] ikm) {
        // RFC 5869 §2.2: an absent salt is HashLen zeros; SecretKeySpec refuses an empty key.
        byte[] key = salt.length == 0 ? new byte[hash.length()] : salt;
        return hmac(key, ikm);
    }

    @Override
    public byte[] expand(byte[] prk, byte[] info, int length) {
        int hashLen = hash.length();
        if (length < 0 || length > 255 * hashLen) {
            throw new IllegalArgumentException("HKDF-Expand length out of range: " + length);
        }
        if (prk.length < hashLen) {
            throw new IllegalArgumentException("PRK shorter than HashLen");
        }
        byte[] out = new byte[length];
        byte[] t = new byte[0];
        Mac mac = mac();
        try {
            mac.init(new SecretKeySpec(prk, hash.hmacName()));
            int done = 0;
            for (int i = 1; done < length; i++) {
                mac.update(t);
                mac.update(info);
                mac.update((byte) i);
                byte[] next = mac.doFinal();
                Arrays.fill(t, (byte) 0);
                t = next;
                int n = Math.min(hashLen, length - done);
                System.arraycopy(t, 0, out, done, n);
                done += n;
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC failed", e);
        } finally {
            Arrays.fill(t, (byte) 0);
            scrub(mac);
        }
        return out;
    }

    @Override
    public byte[] hmac(byte[] key, byte[] data) {
        Mac mac = mac();
        try {
            mac.init(new SecretKeySpec(key, hash.hmacName()));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC failed", e);
        } finally {
            scrub(mac);
        }
    }
}
