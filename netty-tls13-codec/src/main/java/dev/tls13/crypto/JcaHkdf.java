package dev.tls13.crypto;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;

/**
 * HKDF (RFC 5869) over our own HMAC (RFC 2104) on the JCA's {@link MessageDigest}.
 *
 * <p>HMAC is computed here rather than with {@code javax.crypto.Mac} because the Mac allocates on every
 * call: its {@code SecretKeySpec} clones the key, {@code Mac.init} clones it again, {@code doFinal}
 * returns a new array, and re-keying it with a zero key to scrub its pads cost another init (about
 * 11 KB per handshake). Here only the returned arrays are allocated.
 *
 * <p>The digest and the scratch arrays (the two key pads and two HashLen blocks) live per thread and
 * hash, not per connection: they are needed only during a call, and keeping them per connection would
 * keep several hundred bytes alive in every idle connection for the rare KeyUpdate. Calls do not nest, so one set
 * per thread suffices. Every call zeroes the pads and blocks before it returns, so nothing derived from
 * a key (the key XOR a constant, a hashed key, an intermediate hash) outlives the call; the digest
 * resets itself after each {@code digest}, and is reset again if a call fails half-way. Instances of
 * this class hold no state and are thread-safe.
 */
final class JcaHkdf implements Hkdf {

    /** RFC 2104 §2: the inner and outer pad bytes. */
    private static final byte IPAD = 0x36;
    private static final byte OPAD = 0x5c;

    private static final ThreadLocal<Hmac[]> HMACS =
            ThreadLocal.withInitial(() -> new Hmac[HashAlgorithm.values().length]);

    private final HashAlgorithm hash;

    JcaHkdf(HashAlgorithm hash) {
        this.hash = Objects.requireNonNull(hash, "hash");
        hmacState();
    }

    /** This thread's HMAC state for the hash, created on first use. */
    private Hmac hmacState() {
        Hmac[] hmacs = HMACS.get();
        Hmac h = hmacs[hash.ordinal()];
        if (h == null) {
            h = new Hmac(hash);
            hmacs[hash.ordinal()] = h;
        }
        return h;
    }

    @Override
    public HashAlgorithm hash() {
        return hash;
    }

    @Override
    public byte[] extract(byte[] salt, byte[] ikm) {
        // RFC 5869 §2.2: an absent salt is HashLen zeros. HMAC pads its key with zeros to the block size
        // (RFC 2104 §2), so HashLen zeros and the empty key are the same key.
        return hmac(salt, ikm);
    }

    @Override
    public byte[] expand(byte[] prk, byte[] info, int length) {
        return expand(prk, info, 0, info.length, length);
    }

    @Override
    public byte[] expand(byte[] prk, byte[] info, int infoOffset, int infoLength, int length) {
        int hashLen = hash.length();
        if (length < 0 || length > 255 * hashLen) {
            throw new IllegalArgumentException("HKDF-Expand length out of range: " + length);
        }
        if (prk.length < hashLen) {
            throw new IllegalArgumentException("PRK shorter than HashLen");
        }
        Objects.checkFromIndexSize(infoOffset, infoLength, info.length);
        byte[] out = new byte[length];
        Hmac h = hmacState();
        try {
            h.key(prk);
            // RFC 5869 §2.3: T(i) = HMAC-Hash(PRK, T(i-1) | info | i), T(0) empty; OKM = the first L bytes.
            int done = 0;
            for (int i = 1; done < length; i++) {
                MessageDigest d = h.digest;
                d.update(h.ipad);
                if (i > 1) {
                    d.update(h.block, 0, hashLen);
                }
                d.update(info, infoOffset, infoLength);
                d.update((byte) i);
                h.finish(h.block, 0);
                int n = Math.min(hashLen, length - done);
                System.arraycopy(h.block, 0, out, done, n);
                done += n;
            }
        } finally {
            h.clear();
        }
        return out;
    }

    @Override
    public byte[] hmac(byte[] key, byte[] data) {
        byte[] out = new byte[hash.length()];
        Hmac h = hmacState();
        try {
            h.key(key);
            h.digest.update(h.ipad);
            h.digest.update(data);
            h.finish(out, 0);
        } finally {
            h.clear();
        }
        return out;
    }

    /** The per-thread state of HMAC with one hash: the digest and the scratch arrays, zero between calls. */
    private static final class Hmac {
        final MessageDigest digest;
        final int hashLen;
        /** K XOR ipad and K XOR opad, each one block long (RFC 2104 §2). */
        final byte[] ipad;
        final byte[] opad;
        /** The inner hash (and first a hashed long key). */
        final byte[] inner;
        /** HKDF-Expand's T(i). */
        final byte[] block;

        Hmac(HashAlgorithm hash) {
            try {
                digest = MessageDigest.getInstance(hash.jcaName());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("JCA lacks " + hash.jcaName(), e);
            }
            hashLen = hash.length();
            // RFC 4634 §1 (and FIPS 180-4): SHA-256 works on 64-byte blocks, SHA-384 on 128-byte blocks.
            int blockLen = switch (hash) {
                case SHA256 -> 64;
                case SHA384 -> 128;
            };
            ipad = new byte[blockLen];
            opad = new byte[blockLen];
            inner = new byte[hashLen];
            block = new byte[hashLen];
        }

        /** Derives the pads from {@code key}; a key longer than a block is hashed first (RFC 2104 §2). */
        void key(byte[] key) {
            byte[] k = key;
            int kLen = key.length;
            if (kLen > ipad.length) {
                digest.update(key);
                digestInto(inner, 0);
                k = inner;
                kLen = hashLen;
            }
            for (int i = 0; i < kLen; i++) {
                ipad[i] = (byte) (k[i] ^ IPAD);
                opad[i] = (byte) (k[i] ^ OPAD);
            }
            Arrays.fill(ipad, kLen, ipad.length, IPAD);
            Arrays.fill(opad, kLen, opad.length, OPAD);
        }

        /**
         * Finishes the inner hash the caller has fed (ipad, then the message) and writes
         * H(K XOR opad || inner) to {@code out} at {@code offset}.
         */
        void finish(byte[] out, int offset) {
            digestInto(inner, 0);
            digest.update(opad);
            digest.update(inner, 0, hashLen);
            digestInto(out, offset);
        }

        private void digestInto(byte[] out, int offset) {
            try {
                digest.digest(out, offset, hashLen);
            } catch (DigestException e) {
                throw new IllegalStateException("digest failed", e);
            }
        }

        /** Zeroes everything derived from the key and drops any half-fed input. */
        void clear() {
            digest.reset();
            Arrays.fill(ipad, (byte) 0);
            Arrays.fill(opad, (byte) 0);
            Arrays.fill(inner, (byte) 0);
            Arrays.fill(block, (byte) 0);
        }
    }
}
