package dev.tls13.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;

/**
 * AES-GCM and ChaCha20-Poly1305 through the JCA. The {@link Cipher} and the key object are created
 * once; each record re-initialises the cipher with its nonce, which the JCA requires (a new parameter
 * spec per record is the only allocation of ours). In-place calls are allowed; in-place GCM decryption
 * goes through a per-thread array because the JDK decrypts more slowly when input and output share an
 * array (see {@link #open(byte[], byte[], byte[], int, int, byte[], int)}).
 */
final class JcaAead implements Aead {

    private static final int GCM_TAG_BITS = 128;
    /** A TLS record's ciphertext at most (RFC 8446 §5.2); larger inputs grow the array. */
    private static final int SCRATCH_LENGTH = (1 << 14) + 256;
    /**
     * Per-thread output array for in-place GCM decryption, see {@link #open(byte[], byte[], byte[], int, int,
     * byte[], int)}. Per thread rather than per key, so idle connections do not hold one each.
     */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[SCRATCH_LENGTH]);
    /**
     * JDK 17's ChaCha20-Poly1305 decrypts straight from the caller's array only when the ciphertext
     * starts at offset 0; at any other offset (a record's body always starts after its 5-byte header)
     * it copies the whole ciphertext into a fresh, growing buffer, about 33 KB of garbage per 16 KiB
     * record (measured with -prof gc). Copying into this thread's array at offset 0 first avoids that.
     * JDK 25 has no such copy (measured), so there the input is used where it is.
     */
    private static final boolean CHACHA_NEEDS_ZERO_OFFSET = Runtime.version().feature() < 25;

    private final AeadAlgorithm algorithm;
    private final boolean gcm;
    private final RawSecretKey key;
    private final Cipher cipher;
    /** The nonce of the last ChaCha20 initialisation, see {@link #init}. */
    private final byte[] lastNonce = new byte[AeadAlgorithm.NONCE_LENGTH];
    private boolean destroyed;

    JcaAead(AeadAlgorithm algorithm, byte[] key) {
        this.algorithm = algorithm;
        this.gcm = algorithm != AeadAlgorithm.CHACHA20_POLY1305;
        this.key = new RawSecretKey(gcm ? "AES" : "ChaCha20", key);
        String transformation = gcm ? "AES/GCM/NoPadding" : "ChaCha20-Poly1305";
        try {
            this.cipher = Cipher.getInstance(transformation);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCA lacks " + transformation, e);
        }
    }

    @Override
    public AeadAlgorithm algorithm() {
        return algorithm;
    }

    @Override
    public int seal(byte[] nonce, byte[] aad, byte[] in, int inOff, int inLen, byte[] out, int outOff)
            throws GeneralSecurityException {
        init(Cipher.ENCRYPT_MODE, nonce, aad);
        return cipher.doFinal(in, inOff, inLen, out, outOff);
    }

    @Override
    public int open(byte[] nonce, byte[] aad, byte[] in, int inOff, int inLen, byte[] out, int outOff)
            throws GeneralSecurityException {
        checkTag(inLen);
        init(Cipher.DECRYPT_MODE, nonce, aad);
        if (gcm && in == out) {
            // When input and output share an array, the JDK's GCM decrypts without its fastest
            // intrinsic (JDK 25: 4.3 us instead of 2.3 us per 16 KiB record measured here; JDK 17:
            // no difference). Decrypting into another array and copying back costs about 0.2 us.
            byte[] tmp = scratch(inLen);
            int n = cipher.doFinal(in, inOff, inLen, tmp, 0);
            System.arraycopy(tmp, 0, out, outOff, n);
            return n;
        }
        if (!gcm && CHACHA_NEEDS_ZERO_OFFSET && inOff != 0) {
            byte[] tmp = scratch(inLen);
            System.arraycopy(in, inOff, tmp, 0, inLen);
            return cipher.doFinal(tmp, 0, inLen, out, outOff);
        }
        return cipher.doFinal(in, inOff, inLen, out, outOff);
    }

    private static byte[] scratch(int length) {
        byte[] a = SCRATCH.get();
        if (a.length < length) {
            a = new byte[Math.max(length, SCRATCH_LENGTH)];
            SCRATCH.set(a);
        }
        return a;
    }

    @Override
    public int seal(byte[] nonce, byte[] aad, ByteBuffer plaintext, ByteBuffer out) throws GeneralSecurityException {
        init(Cipher.ENCRYPT_MODE, nonce, aad);
        return cipher.doFinal(plaintext, out);
    }

    @Override
    public int open(byte[] nonce, byte[] aad, ByteBuffer ciphertext, ByteBuffer out) throws GeneralSecurityException {
        checkTag(ciphertext.remaining());
        init(Cipher.DECRYPT_MODE, nonce, aad);
        return cipher.doFinal(ciphertext, out);
    }

    private void checkTag(int inLen) throws AEADBadTagException {
        if (inLen < algorithm.tagLength()) {
            throw new AEADBadTagException("ciphertext shorter than the tag");
        }
    }

    private void init(int mode, byte[] nonce, byte[] aad) throws GeneralSecurityException {
        if (destroyed) {
            throw new IllegalStateException("AEAD destroyed");
        }
        if (!gcm) {
            if (mode == Cipher.DECRYPT_MODE && Arrays.equals(nonce, lastNonce)) {
                // The JDK's ChaCha20 refuses any re-init with the previous key and nonce, decryption
                // included. Opening twice under one nonce is legitimate (a server skipping rejected early
                // data tries each record at the same sequence number, RFC 8446 §4.2.10), so step aside
                // through another nonce; encryption keeps the JDK's guard against nonce reuse.
                lastNonce[0] ^= 1;
                cipher.init(mode, key, spec(lastNonce));
            }
            System.arraycopy(nonce, 0, lastNonce, 0, AeadAlgorithm.NONCE_LENGTH);
        }
        cipher.init(mode, key, spec(nonce));
        cipher.updateAAD(aad);
    }

    private AlgorithmParameterSpec spec(byte[] nonce) {
        return gcm ? new GCMParameterSpec(GCM_TAG_BITS, nonce) : new IvParameterSpec(nonce);
    }

    @Override
    public void destroy() {
        if (destroyed) {
            return;
        }
        destroyed = true;
        key.destroy();
        // The cipher keeps its own expanded key; re-keying it with zeros overwrites that state.
        byte[] zeros = new byte[algorithm.keyLength()];
        try {
            cipher.init(Cipher.DECRYPT_MODE, new RawSecretKey(key.getAlgorithm(), zeros),
                    spec(new byte[AeadAlgorithm.NONCE_LENGTH]));
        } catch (GeneralSecurityException e) {
            // Best effort only: the key bytes we own are already zeroed.
        }
    }
}
