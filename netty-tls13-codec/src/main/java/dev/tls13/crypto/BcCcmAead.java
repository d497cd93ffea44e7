package dev.tls13.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.ShortBufferException;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.bouncycastle.crypto.modes.CCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * AES-128-CCM with a 16- or 8-byte tag (RFC 6655, RFC 8446 §B.4) through BouncyCastle's lightweight
 * API; the JDK has no CCM. One {@code CCMBlockCipher} per key; BouncyCastle takes its own copy of the
 * nonce on every {@code init}, so the caller's reused nonce array is safe to pass.
 */
final class BcCcmAead implements Aead {

    private final AeadAlgorithm algorithm;
    private final KeyParameter key;
    private final CCMModeCipher ccm;
    private final int macBits;
    private byte[] scratch = new byte[0];
    private boolean destroyed;

    BcCcmAead(AeadAlgorithm algorithm, byte[] key) {
        this.algorithm = algorithm;
        this.key = new KeyParameter(key);
        this.ccm = CCMBlockCipher.newInstance(AESEngine.newInstance());
        this.macBits = algorithm.tagLength() * 8;
    }

    @Override
    public AeadAlgorithm algorithm() {
        return algorithm;
    }

    @Override
    public int seal(byte[] nonce, byte[] aad, byte[] in, int inOff, int inLen, byte[] out, int outOff)
            throws GeneralSecurityException {
        checkRange(out, outOff, inLen + algorithm.tagLength());
        checkNotDestroyed();
        try {
            init(true, nonce, aad);
            return process(in, inOff, inLen, out, outOff);
        } catch (InvalidCipherTextException | RuntimeException e) {
            // BouncyCastle reports misuse (such as a repeated nonce) with runtime exceptions.
            throw new GeneralSecurityException("CCM encryption failed", e);
        }
    }

    @Override
    public int open(byte[] nonce, byte[] aad, byte[] in, int inOff, int inLen, byte[] out, int outOff)
            throws GeneralSecurityException {
        int tagLength = algorithm.tagLength();
        if (inLen < tagLength) {
            throw new AEADBadTagException("ciphertext shorter than the tag");
        }
        checkRange(out, outOff, inLen - tagLength);
        init(false, nonce, aad);
        try {
            return process(in, inOff, inLen, out, outOff);
        } catch (InvalidCipherTextException e) {
            // Unauthenticated plaintext must not survive a failed check.
            Arrays.fill(out, outOff, outOff + inLen - tagLength, (byte) 0);
            throw new AEADBadTagException("CCM tag mismatch");
        }
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
        return n;
    }

    @Override
    public int open(byte[] nonce, byte[] aad, ByteBuffer ciphertext, ByteBuffer out) throws GeneralSecurityException {
        int inLen = ciphertext.remaining();
        byte[] buf = scratch(inLen);
        ciphertext.get(buf, 0, inLen);
        int n = open(nonce, aad, buf, 0, inLen, buf, 0);
        if (out.remaining() < n) {
            throw new ShortBufferException("need " + n + " bytes");
        }
        out.put(buf, 0, n);
        Arrays.fill(buf, 0, inLen, (byte) 0);
        return n;
    }

    private void checkNotDestroyed() {
        if (destroyed) {
            throw new IllegalStateException("AEAD destroyed");
        }
    }

    private void init(boolean encrypt, byte[] nonce, byte[] aad) {
        checkNotDestroyed();
        ccm.init(encrypt, new AEADParameters(key, macBits, nonce));
        ccm.processAADBytes(aad, 0, aad.length);
    }

    /** CCM buffers the whole input until {@code doFinal}, so in-place use is safe. */
    private int process(byte[] in, int inOff, int inLen, byte[] out, int outOff) throws InvalidCipherTextException {
        int n = ccm.processBytes(in, inOff, inLen, out, outOff);
        return n + ccm.doFinal(out, outOff + n);
    }

    private static void checkRange(byte[] out, int off, int len) throws ShortBufferException {
        if (off < 0 || len < 0 || out.length - off < len) {
            throw new ShortBufferException("need " + len + " bytes at offset " + off);
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
        if (destroyed) {
            return;
        }
        destroyed = true;
        // KeyParameter.getKey() exposes its own array; zero it, then re-key the engine with it.
        Arrays.fill(key.getKey(), (byte) 0);
        ccm.init(false, new AEADParameters(key, macBits, new byte[AeadAlgorithm.NONCE_LENGTH]));
        ccm.reset();
        Arrays.fill(scratch, (byte) 0);
    }
}
