package dev.tls13.crypto;

import java.util.Arrays;
import javax.crypto.SecretKey;

/**
 * A raw secret key that, unlike {@code SecretKeySpec} on Java 17, can be destroyed: {@link #destroy()}
 * zeroes the only copy we hold. Providers receive clones from {@link #getEncoded()}.
 */
final class RawSecretKey implements SecretKey {

    private static final long serialVersionUID = 1L;

    private final String algorithm;
    private final byte[] key;
    private volatile boolean destroyed;

    RawSecretKey(String algorithm, byte[] key) {
        this.algorithm = algorithm;
        this.key = key.clone();
    }

    @Override
    public String getAlgorithm() {
        return algorithm;
    }

    @Override
    public String getFormat() {
        return "RAW";
    }

    @Override
    public byte[] getEncoded() {
        if (destroyed) {
            throw new IllegalStateException("key destroyed");
        }
        return key.clone();
    }

    @Override
    public void destroy() {
        Arrays.fill(key, (byte) 0);
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }
}
