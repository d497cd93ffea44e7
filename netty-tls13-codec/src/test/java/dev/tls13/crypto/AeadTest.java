package dev.tls13.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tls13.testing.Hex;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The AEADs behind {@link Aead}: known answers, every call shape, tampering, destruction. */
class AeadTest {

    private static final byte[] AAD = Hex.decode("1703030020");

    @Test
    void aes128GcmMatchesTheRfc8448ServerFinishedRecordOfSection3() throws Exception {
        // RFC 8448 §3: server handshake key/iv, sequence number 0 -> nonce = iv; the EE..Finished record.
        byte[] key = Hex.decode("3fce516009c21727d0f2e4e86ee403bc");
        byte[] iv = Hex.decode("5d313eb2671276ee13000b30");
        Aead aead = Aeads.create(AeadAlgorithm.AES_128_GCM, key);
        byte[] pt = Hex.decode("0000");
        byte[] ct = new byte[pt.length + 16];
        assertEquals(18, aead.seal(iv, AAD, pt, 0, pt.length, ct, 0));
        byte[] back = new byte[2];
        assertEquals(2, aead.open(iv, AAD, ct, 0, ct.length, back, 0));
        assertArrayEquals(pt, back);
    }

    @Test
    void chaCha20Poly1305MatchesRfc8439Section282() throws Exception {
        byte[] key = Hex.decode("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
        byte[] nonce = Hex.decode("070000004041424344454647");
        byte[] aad = Hex.decode("50515253c0c1c2c3c4c5c6c7");
        byte[] pt = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future,"
                + " sunscreen would be it.").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Aead aead = Aeads.create(AeadAlgorithm.CHACHA20_POLY1305, key);
        byte[] out = new byte[pt.length + 16];
        aead.seal(nonce, aad, pt, 0, pt.length, out, 0);
        assertEquals("d31a8d34648e60db7b86afbc53ef7ec2", Hex.encode(Arrays.copyOf(out, 16)));
        assertEquals("1ae10b594f09e26a7e902ecbd0600691", Hex.encode(Arrays.copyOfRange(out, pt.length, out.length)));
    }

    @Test
    void aes128Ccm8MatchesNistSp80038cExample3() throws Exception {
        byte[] key = Hex.decode("404142434445464748494a4b4c4d4e4f");
        byte[] nonce = Hex.decode("101112131415161718191a1b");
        byte[] aad = Hex.decode("000102030405060708090a0b0c0d0e0f10111213");
        byte[] pt = Hex.decode("202122232425262728292a2b2c2d2e2f3031323334353637");
        Aead aead = Aeads.create(AeadAlgorithm.AES_128_CCM_8, key);
        byte[] out = new byte[pt.length + 8];
        assertEquals(out.length, aead.seal(nonce, aad, pt, 0, pt.length, out, 0));
        assertEquals("e3b201a9f5b71a7a9b1ceaeccd97e70b6176aad9a4428aa5484392fbc1b09951", Hex.encode(out));
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void everyCallShapeProducesTheSameCiphertextAndOpensInPlace(AeadAlgorithm alg) throws Exception {
        Random random = new Random(alg.ordinal());
        byte[] key = new byte[alg.keyLength()];
        random.nextBytes(key);
        Aead aead = Aeads.create(alg, key);
        // A second instance computes references: the JDK refuses to encrypt twice under one nonce.
        Aead other = Aeads.create(alg, key);
        int tag = alg.tagLength();
        assertEquals(tag, aead.tagLength());
        for (int len : new int[] {0, 1, 15, 16, 17, 255, 4096, 16385}) {
            byte[] pt = new byte[len];
            random.nextBytes(pt);
            byte[] nonceA = nonce(random);
            byte[] expected = new byte[len + tag];
            assertEquals(len + tag, aead.seal(nonceA, AAD, pt, 0, len, expected, 0));

            // In place in an array, at an offset.
            byte[] nonceB = nonce(random);
            byte[] ref = new byte[len + tag];
            other.seal(nonceB, AAD, pt, 0, len, ref, 0);
            byte[] inPlace = new byte[len + tag + 7];
            System.arraycopy(pt, 0, inPlace, 7, len);
            aead.seal(nonceB.clone(), AAD, inPlace, 7, len, inPlace, 7);
            assertArrayEquals(ref, Arrays.copyOfRange(inPlace, 7, inPlace.length));
            assertEquals(len, aead.open(nonceB, AAD, inPlace, 7, len + tag, inPlace, 7));
            assertArrayEquals(pt, Arrays.copyOfRange(inPlace, 7, 7 + len));

            // In place in direct and heap ByteBuffers.
            for (boolean direct : new boolean[] {true, false}) {
                byte[] nonceC = nonce(random);
                other.seal(nonceC, AAD, pt, 0, len, ref, 0);
                ByteBuffer buf = direct ? ByteBuffer.allocateDirect(len + tag) : ByteBuffer.allocate(len + tag);
                buf.put(pt).flip();
                ByteBuffer dst = buf.duplicate();
                dst.limit(len + tag);
                assertEquals(len + tag, aead.seal(nonceC, AAD, buf, dst));
                byte[] sealed = new byte[len + tag];
                buf.clear();
                buf.get(sealed);
                assertArrayEquals(ref, sealed);
                buf.clear();
                ByteBuffer plain = buf.duplicate();
                assertEquals(len, aead.open(nonceC, AAD, buf, plain));
                byte[] opened = new byte[len];
                plain.flip();
                plain.get(opened);
                assertArrayEquals(pt, opened);
            }
        }
        aead.destroy();
        other.destroy();
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void rejectsAnyFlippedBitOfCiphertextTagOrAad(AeadAlgorithm alg) throws Exception {
        Aead aead = Aeads.create(alg, new byte[alg.keyLength()]);
        byte[] nonce = nonce(new Random(7));
        byte[] pt = new byte[40];
        byte[] ct = new byte[pt.length + alg.tagLength()];
        aead.seal(nonce, AAD, pt, 0, pt.length, ct, 0);
        for (int bit = 0; bit < ct.length * 8; bit += 3) {
            byte[] bad = ct.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            byte[] out = new byte[pt.length];
            assertThrows(AEADBadTagException.class, () -> aead.open(nonce, AAD, bad, 0, bad.length, out, 0));
        }
        // Failed attempts do not prevent opening under the same nonce (RFC 8446 §4.2.10 trial decryption).
        byte[] plain = new byte[pt.length];
        assertEquals(pt.length, aead.open(nonce, AAD, ct, 0, ct.length, plain, 0));
        assertEquals(pt.length, aead.open(nonce, AAD, ct, 0, ct.length, plain, 0));
        byte[] badAad = AAD.clone();
        badAad[4] ^= 1;
        assertThrows(AEADBadTagException.class,
                () -> aead.open(nonce, badAad, ct, 0, ct.length, new byte[pt.length], 0));
        assertThrows(AEADBadTagException.class,
                () -> aead.open(nonce, AAD, ct, 0, alg.tagLength() - 1, new byte[pt.length], 0));
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void refusesUseAfterDestroy(AeadAlgorithm alg) {
        Aead aead = Aeads.create(alg, new byte[alg.keyLength()]);
        aead.destroy();
        aead.destroy();
        assertThrows(IllegalStateException.class,
                () -> aead.seal(new byte[12], AAD, new byte[1], 0, 1, new byte[1 + alg.tagLength()], 0));
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void rejectsKeysOfTheWrongLength(AeadAlgorithm alg) {
        assertThrows(IllegalArgumentException.class, () -> Aeads.create(alg, new byte[alg.keyLength() + 1]));
    }

    @Test
    void ccm8TagIsEightBytesShorterThanCcm() throws Exception {
        byte[] key = new byte[16];
        Aead ccm = Aeads.create(AeadAlgorithm.AES_128_CCM, key);
        Aead ccm8 = Aeads.create(AeadAlgorithm.AES_128_CCM_8, key);
        byte[] a = new byte[116];
        byte[] b = new byte[116];
        assertEquals(116, ccm.seal(new byte[12], AAD, new byte[100], 0, 100, a, 0));
        assertEquals(108, ccm8.seal(new byte[12], AAD, new byte[100], 0, 100, b, 0));
    }

    private static byte[] nonce(Random random) {
        byte[] n = new byte[AeadAlgorithm.NONCE_LENGTH];
        random.nextBytes(n);
        return n;
    }
}
