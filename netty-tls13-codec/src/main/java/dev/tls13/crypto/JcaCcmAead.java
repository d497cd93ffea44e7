package dev.tls13.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-128-CCM with a 16- or 8-byte tag through the JCA's {@code AES/CCM/NoPadding} by name, for
 * {@link JcaOnlyCryptoProvider}: only where an installed provider has it (BouncyCastle's and FIPS providers
 * do, the JDK does not). The nonce and tag length go in a {@link GCMParameterSpec}, the JDK's one AEAD parameter
 * type, which the providers that offer CCM accept for it. One {@link Cipher} per key; CCM authenticates the
 * whole input before it returns anything, so the record layer's in-place use is safe.
 */
final class JcaCcmAead implements Aead {

    private static final String TRANSFORMATION = "AES/CCM/NoPadding";

    private final AeadAlgorithm algorithm;
    private final Cipher cipher;
    private SecretKeySpec key;
    private byte[] scratch = new byte[0];

    JcaCcmAead(AeadAlgorithm algorithm, byte[] key) {
        this.algorithm = algorithm;
        this.key = new SecretKeySpec(key, "AES");
        try {
            this.cipher = Cipher.getInstance(TRANSFORMATION);
        } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
            throw new IllegalStateException("no JCA provider offers " + TRANSFORMATION + " for " + algorithm, e);
        }
    }

    /**
     * Whether an installed provider offers AES-CCM.
     *
     * @return {@code true} when {@code AES/CCM/NoPadding} is available
     */
    static boolean available() {
        try {
            Cipher.getInstance(TRANSFORMATION);
            return true;
        } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
            return false;
        }
    }

    @Override
    public AeadAlgorithm algorithm() {
        return algorithm;
    }

    private void init(int mode, byte[] nonce, byte[] aad) throws GeneralSecurityException {
        if (key == null) {
            throw new IllegalStateException("AEAD destroyed");
        }
        cipher.init(mode, key, new GCMParameterSpec(algorithm.tagLength() * 8, nonce));
        cipher.updateAAD(aad);
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
        if (inLen < algorithm.tagLength()) {
            throw new AEADBadTagException("ciphertext shorter than the tag");
        }
        init(Cipher.DECRYPT_MODE, nonce, aad);
        return cipher.doFinal(in, inOff, inLen, out, outOff);
    }

    @Override
    public int seal(byte[] nonce, byte[] aad, ByteBuffer plaintext, ByteBuffer out) throws GeneralSecurityException {
        int inLen = plaintext.remaining();
        int outLen = inLen + algorithm.tagLength();
        if (out.remaining() < outLen) {
            throw new ShortBufferException("need " + outLen + " bytes");
        }
        byte[] buf = scratch(outLen);
        plaintext.get(buf, 0, inLen);
        int n = seal(nonce, aad, buf, 0, inLen, buf, 0);
        out.put(buf, 0, n);
        Arrays.fill(buf, 0, outLen, (byte) 0);
        return n;
    }

    @Override
    public int open(byte[] nonce, byte[] aad, ByteBuffer ciphertext, ByteBuffer out) throws GeneralSecurityException {
        int inLen = ciphertext.remaining();
        byte[] buf = scratch(inLen);
        ciphertext.get(buf, 0, inLen);
        try {
            int n = open(nonce, aad, buf, 0, inLen, buf, 0);
            if (out.remaining() < n) {
                throw new ShortBufferException("need " + n + " bytes");
            }
            out.put(buf, 0, n);
            return n;
        } finally {
            Arrays.fill(buf, 0, inLen, (byte) 0);
        }
    }

    private byte[] scratch(int length) {
        if (scratch.length < length) {
            scratch = new byte[length];
        }
        return scratch;
    }

    @Override
    public void destroy() {
        // The provider keeps its own copy of the key; dropping ours is what the JCA allows.
        key = null;
        Arrays.fill(scratch, (byte) 0);
    }
}
