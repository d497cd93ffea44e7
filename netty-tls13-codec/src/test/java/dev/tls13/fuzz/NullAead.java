package dev.tls13.fuzz;

import dev.tls13.crypto.Aead;
import dev.tls13.crypto.AeadAlgorithm;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;

import javax.crypto.AEADBadTagException;

/**
 * An AEAD that does not encrypt: sealing copies the plaintext and appends an all-zero tag, opening
 * checks that the tag is all zero and copies the rest. With it, a fuzzer can write "encrypted"
 * records, so fuzzed handshake messages after the ServerHello reach the parsers and state machines.
 * The record layer still sees the real algorithm's tag length.
 */
final class NullAead implements Aead {

    private final AeadAlgorithm algorithm;

    NullAead(AeadAlgorithm algorithm) {
        this.algorithm = algorithm;
    }

    @Override
    public AeadAlgorithm algorithm() {
        return algorithm;
    }

    @Override
    public int seal(byte[] nonce, byte[] aad, byte[] in, int inOff, int inLen, byte[] out, int outOff) {
        System.arraycopy(in, inOff, out, outOff, inLen);
        Arrays.fill(out, outOff + inLen, outOff + inLen + tagLength(), (byte) 0);
        return inLen + tagLength();
    }

    @Override
    public int open(byte[] nonce, byte[] aad, byte[] in, int inOff, int inLen, byte[] out, int outOff)
            throws GeneralSecurityException {
        int length = inLen - tagLength();
        if (length < 0) {
            throw new AEADBadTagException("shorter than the tag");
        }
        for (int i = inOff + length; i < inOff + inLen; i++) {
            if (in[i] != 0) {
                throw new AEADBadTagException("tag is not zero");
            }
        }
        System.arraycopy(in, inOff, out, outOff, length);
        return length;
    }

    @Override
    public int seal(byte[] nonce, byte[] aad, ByteBuffer plaintext, ByteBuffer out) {
        int length = plaintext.remaining();
        out.put(plaintext);
        for (int i = 0; i < tagLength(); i++) {
            out.put((byte) 0);
        }
        return length + tagLength();
    }

    @Override
    public int open(byte[] nonce, byte[] aad, ByteBuffer ciphertext, ByteBuffer out) throws GeneralSecurityException {
        int length = ciphertext.remaining() - tagLength();
        if (length < 0) {
            throw new AEADBadTagException("shorter than the tag");
        }
        for (int i = ciphertext.position() + length; i < ciphertext.limit(); i++) {
            if (ciphertext.get(i) != 0) {
                throw new AEADBadTagException("tag is not zero");
            }
        }
        ByteBuffer body = ciphertext.duplicate();
        body.limit(body.position() + length);
        out.put(body);
        ciphertext.position(ciphertext.limit());
        return length;
    }

    @Override
    public void destroy() {
    }
}
