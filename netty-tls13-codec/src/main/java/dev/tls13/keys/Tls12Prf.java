package dev.tls13.keys;

import dev.tls13.crypto.Hkdf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The TLS 1.2 PRF (RFC 5246 §5): {@code PRF(secret, label, seed) = P_<hash>(secret, label + seed)} with
 * {@code P_hash(secret, seed) = HMAC(secret, A(1) + seed) + HMAC(secret, A(2) + seed) + ...},
 * {@code A(0) = seed}, {@code A(i) = HMAC(secret, A(i-1))}. The hash is the cipher suite's PRF hash: SHA-256
 * for every suite of ours but the *_SHA384 ones (RFC 5289 §3). It runs on the HMAC of our {@link Hkdf}, so it
 * shares its per-thread, self-wiping state (docs/architecture.md §8); intermediate values are zeroed here.
 */
final class Tls12Prf {

    private Tls12Prf() {
    }

    /**
     * PRF(secret, label, seed)[0..length).
     *
     * @param hkdf the HMAC of the PRF hash
     * @param secret the secret (borrowed)
     * @param label the ASCII label, e.g. "master secret"
     * @param seed the seed (borrowed)
     * @param length how many bytes
     * @return a new array of {@code length} bytes, owned by the caller
     */
    static byte[] prf(Hkdf hkdf, byte[] secret, String label, byte[] seed, int length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative PRF length");
        }
        byte[] labelBytes = label.getBytes(StandardCharsets.US_ASCII);
        byte[] labelAndSeed = new byte[labelBytes.length + seed.length];
        System.arraycopy(labelBytes, 0, labelAndSeed, 0, labelBytes.length);
        System.arraycopy(seed, 0, labelAndSeed, labelBytes.length, seed.length);
        int hashLength = hkdf.hash().length();
        byte[] out = new byte[length];
        byte[] a = labelAndSeed;
        byte[] block = new byte[hashLength + labelAndSeed.length];
        System.arraycopy(labelAndSeed, 0, block, hashLength, labelAndSeed.length);
        try {
            int done = 0;
            while (done < length) {
                byte[] next = hkdf.hmac(secret, a);
                if (a != labelAndSeed) {
                    Arrays.fill(a, (byte) 0);
                }
                a = next;
                System.arraycopy(a, 0, block, 0, hashLength);
                byte[] chunk = hkdf.hmac(secret, block);
                int n = Math.min(hashLength, length - done);
                System.arraycopy(chunk, 0, out, done, n);
                Arrays.fill(chunk, (byte) 0);
                done += n;
            }
        } finally {
            if (a != labelAndSeed) {
                Arrays.fill(a, (byte) 0);
            }
            Arrays.fill(block, 0, hashLength, (byte) 0);
        }
        return out;
    }

    /** @return {@code a + b}, a new array */
    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
