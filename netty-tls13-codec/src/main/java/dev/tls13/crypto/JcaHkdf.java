package dev.tls13.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF (RFC 5869) over the JCA's HMAC. The {@link Mac} is created once and re-keyed per call, so
 * an instance is not thread-safe; the key schedule owns one per connection.
 */
final class JcaHkdf implements Hkdf {

    private final HashAlgorithm hash;
    private final Mac mac;

    JcaHkdf(HashAlgorithm hash) {
        this.hash = hash;
        try {
            this.mac = Mac.getInstance(hash.hmacName());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCA lacks " + hash.hmacName(), e);
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
        }
        return out;
    }

    @Override
    public byte[] hmac(byte[] key, byte[] data) {
        try {
            mac.init(new SecretKeySpec(key, hash.hmacName()));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC failed", e);
        }
    }
}
