package dev.tls13.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * {@link JcaAead}'s per-thread AES-GCM ciphers (two per direction, keys handed to a successor on destruction): every
 * record must be what a cipher of its own gives, however keys alternate, get evicted, handed over or wiped.
 */
class SharedGcmCipherTest {

    private static final byte[] AAD = {23, 3, 3, 0, 33};
    private final Random random = new Random(14);

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** AES-GCM with a fresh JCA cipher: the reference. */
    private static byte[] reference(byte[] key, byte[] nonce, byte[] plaintext) throws Exception {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        c.updateAAD(AAD);
        return c.doFinal(plaintext);
    }

    private static byte[] seal(Aead aead, byte[] nonce, byte[] plaintext) throws Exception {
        byte[] out = new byte[plaintext.length + 16];
        aead.seal(nonce, AAD, plaintext, 0, plaintext.length, out, 0);
        return out;
    }

    private static byte[] open(Aead aead, byte[] nonce, byte[] ciphertext) throws Exception {
        byte[] out = new byte[ciphertext.length - 16];
        aead.open(nonce, AAD, ciphertext, 0, ciphertext.length, out, 0);
        return out;
    }

    @Test
    void threeKeysAlternatingOnOneThreadEachSealAndOpenAsTheirOwnCipherWould() throws Exception {
        List<byte[]> keys = new ArrayList<>();
        List<Aead> aeads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            keys.add(bytes(i == 2 ? 32 : 16));
            aeads.add(Aeads.create(i == 2 ? AeadAlgorithm.AES_256_GCM : AeadAlgorithm.AES_128_GCM, keys.get(i)));
        }
        // More keys than ciphers per direction, in an order that evicts and returns: 0 1 0 2 1 2 0 ...
        int[] order = {0, 1, 0, 2, 1, 2, 0, 0, 1, 2, 2, 1, 0};
        for (int n = 0; n < order.length; n++) {
            int k = order[n];
            byte[] nonce = bytes(12);
            byte[] plaintext = bytes(1 + n * 7);
            byte[] sealed = seal(aeads.get(k), nonce, plaintext);
            assertArrayEquals(reference(keys.get(k), nonce, plaintext), sealed, "record " + n);
            // Opened by another key's turn: the opening ciphers alternate the same way.
            int other = order[(n + 1) % order.length];
            assertArrayEquals(plaintext, open(aeads.get(k), nonce, sealed));
            byte[] otherNonce = bytes(12);
            assertArrayEquals(plaintext, open(aeads.get(other), otherNonce,
                    reference(keys.get(other), otherNonce, plaintext)));
        }
        for (Aead aead : aeads) {
            aead.destroy();
        }
    }

    @Test
    void aSuccessorHandedTheCipherSealsCorrectlyEvenWithTheHandoverNonce() throws Throwable {
        // Each handover or wipe keys the cipher under the next "wipe nonce", a counter in the first bytes that starts
        // at zero in a new thread's ciphers. There the successor's first record below uses exactly that nonce (the
        // counter moves by two per round: the handover, then the wipe of the retry), which the JDK refuses as a reuse
        // of key and nonce: the AEAD must wipe and retry rather than fail, and seal correctly.
        Throwable[] failure = new Throwable[1];
        Thread fresh = new Thread(() -> {
            try {
                handOverAndSealWithTheHandoverNonce();
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        fresh.start();
        fresh.join();
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    private void handOverAndSealWithTheHandoverNonce() throws Exception {
        Aead current = Aeads.create(AeadAlgorithm.AES_128_GCM, bytes(16));
        byte[] plaintext = bytes(40);
        for (int i = 1; i <= 40; i++) {
            byte[] nextKey = bytes(16);
            Aead next = Aeads.create(AeadAlgorithm.AES_128_GCM, nextKey);
            seal(current, bytes(12), plaintext);
            current.destroyReplacedBy(next);
            Aead destroyed = current;
            assertThrows(IllegalStateException.class, () -> seal(destroyed, new byte[12], plaintext));
            byte[] handoverNonce = new byte[12];
            handoverNonce[0] = (byte) (2 * i - 1);
            assertArrayEquals(reference(nextKey, handoverNonce, plaintext), seal(next, handoverNonce, plaintext),
                    "handover " + i);
            byte[] nonce = bytes(12);
            assertArrayEquals(reference(nextKey, nonce, plaintext), seal(next, nonce, plaintext));
            current = next;
        }
        current.destroyReplacedBy(null);
        Aead last = current;
        assertThrows(IllegalStateException.class, () -> seal(last, new byte[12], plaintext));
    }

    @Test
    void anOpeningKeyHandedToItsSuccessorOpensTheSuccessorsRecords() throws Exception {
        byte[] handshakeKey = bytes(16);
        byte[] applicationKey = bytes(16);
        Aead handshake = Aeads.create(AeadAlgorithm.AES_128_GCM, handshakeKey);
        Aead application = Aeads.create(AeadAlgorithm.AES_128_GCM, applicationKey);
        byte[] nonce = bytes(12);
        byte[] plaintext = bytes(100);
        assertArrayEquals(plaintext, open(handshake, nonce, reference(handshakeKey, nonce, plaintext)));
        handshake.destroyReplacedBy(application);
        assertArrayEquals(plaintext, open(application, nonce, reference(applicationKey, nonce, plaintext)));
        byte[] tampered = reference(applicationKey, nonce, plaintext);
        tampered[3] ^= 1;
        assertThrows(AEADBadTagException.class, () -> open(application, nonce, tampered));
        application.destroy();
    }
}
