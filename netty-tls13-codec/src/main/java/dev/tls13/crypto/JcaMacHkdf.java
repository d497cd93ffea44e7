package dev.tls13.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF (RFC 5869) over the JCA's {@code javax.crypto.Mac} by name ({@code HmacSHA256}, {@code HmacSHA384}), so
 * the first installed provider that has it computes every HMAC: the JCA-only mode of
 * {@link JcaOnlyCryptoProvider}. The default provider's {@link JcaHkdf} computes HMAC itself over the JCA's
 * digest, which allocates less and wipes its pads, but is our code, not the provider's.
 *
 * <p>One {@link Mac} per thread and hash, re-keyed per call (calls do not nest). The key objects and the
 * Mac's internal pads are the provider's: we cannot wipe them, as with any JCA key. An empty key (HKDF's absent
 * salt, RFC 5869 §2.2) is passed as HashLen zero bytes, the same HMAC key (RFC 2104 §2 pads keys with zeros)
 * that {@link SecretKeySpec} and FIPS providers' minimum key lengths accept.
 */
final class JcaMacHkdf implements Hkdf {

    private static final ThreadLocal<Mac[]> MACS =
            ThreadLocal.withInitial(() -> new Mac[HashAlgorithm.values().length]);

    private final HashAlgorithm hash;

    JcaMacHkdf(HashAlgorithm hash) {
        this.hash = Objects.requireNonNull(hash, "hash");
        mac();
    }

    private Mac mac() {
        Mac[] macs = MACS.get();
        Mac mac = macs[hash.ordinal()];
        if (mac == null) {
            try {
                mac = Mac.getInstance(hash.hmacName());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("no JCA provider offers " + hash.hmacName(), e);
            }
            macs[hash.ordinal()] = mac;
        }
        return mac;
    }

    @Override
    public HashAlgorithm hash() {
        return hash;
    }

    @Override
    public byte[] extract(byte[] salt, byte[] ikm) {
        return hmac(salt, ikm);
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
        Mac mac = init(prk);
        byte[] out = new byte[length];
        byte[] t = new byte[0];
        try {
            // RFC 5869 §2.3: T(i) = HMAC(PRK, T(i-1) | info | i).
            for (int i = 1, done = 0; done < length; i++) {
                mac.update(t);
                mac.update(info);
                mac.update((byte) i);
                Arrays.fill(t, (byte) 0);
                t = mac.doFinal();
                int n = Math.min(hashLen, length - done);
                System.arraycopy(t, 0, out, done, n);
                done += n;
            }
        } finally {
            Arrays.fill(t, (byte) 0);
        }
        return out;
    }

    @Override
    public byte[] hmac(byte[] key, byte[] data) {
        return init(key).doFinal(data);
    }

    private Mac init(byte[] key) {
        Mac mac = mac();
        byte[] k = key.length == 0 ? new byte[hash.length()] : key;
        try {
            mac.init(new SecretKeySpec(k, hash.hmacName()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hash.hmacName() + " refuses a " + k.length + "-byte key", e);
        }
        return mac;
    }
}
