package dev.tls13.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;

/**
 * AES-GCM and ChaCha20-Poly1305 through the JCA. The key object is created once; each record
 * re-initialises a cipher with its key and nonce, which the JCA requires (through a reused parameter spec,
 * see {@link GcmNonce}). AES-GCM ciphers live per thread (two encrypting, two decrypting, see {@link SharedPair}),
 * not per key: an idle connection then holds only its key bytes, not four JCA ciphers with their expanded AES
 * keys and GHASH state (about 0.9 KB each on JDK 17, measured with {@code IdleMemory}); the JDK re-expands
 * the AES key only when the key differs from the previous one on that cipher. ChaCha20-Poly1305 keeps a
 * cipher per key, because the JDK refuses to re-initialise a ChaCha20 cipher with its previous key and
 * nonce, which a shared decrypting cipher could see from two ends of a connection in one thread.
 * In-place calls are allowed; in-place GCM decryption goes through a per-thread array because the JDK
 * decrypts more slowly when input and output share an array
 * (see {@link #open(byte[], byte[], byte[], int, int, byte[], int)}).
 *
 * <p>A dedicated AES-GCM AEAD ({@link Aeads#createDedicated}) keeps ciphers of its own instead, for a long-lived
 * key that one thread uses between records of other keys (session tickets, docs/architecture.md §15): through the
 * shared ciphers every such use re-expanded the ticket key and then the next record's key, and each
 * {@link #destroy()} re-keyed the cipher with zeros, about 1.5 KB of garbage apiece on JDK 17 (JFR).
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
    /**
     * Whether the JDK's AES-GCM decrypts in place (input and output in one array) at full speed: on
     * JDK 17 it does (3.55 us per 16 KiB record, against 3.78 us through another array and back,
     * measured); on JDK 25 it is 1.8 times slower than out of place. Versions in between were not
     * measured and take the JDK 25 path, whose worst case is the 0.2 us copy.
     */
    private static final boolean GCM_IN_PLACE_FAST = Runtime.version().feature() <= 17;
    private static final String GCM = "AES/GCM/NoPadding";
    /**
     * The all-zero key that wipes a shared cipher, one object for every wipe (the JDK copies a key's bytes during
     * {@code init} and keeps no reference to it); it is never destroyed.
     */
    private static final RawSecretKey ZERO_KEY = new RawSecretKey("AES", new byte[16]);
    /** This thread's AES-GCM ciphers for sealing, shared by every key. */
    private static final ThreadLocal<SharedPair> GCM_SEAL =
            ThreadLocal.withInitial(() -> new SharedPair(Cipher.ENCRYPT_MODE));
    /** This thread's AES-GCM ciphers for opening, shared by every key. */
    private static final ThreadLocal<SharedPair> GCM_OPEN =
            ThreadLocal.withInitial(() -> new SharedPair(Cipher.DECRYPT_MODE));

    /** A per-thread AES-GCM cipher and the AEAD whose key it holds. */
    private static final class Shared {
        final Cipher cipher = newCipher(GCM);
        final GcmNonce spec = new GcmNonce();
        /** Nonce of the next wipe or handover, counting, so they never repeat a key and nonce. */
        final byte[] wipeNonce = new byte[AeadAlgorithm.NONCE_LENGTH];
        /** {@link Cipher#ENCRYPT_MODE} or {@link Cipher#DECRYPT_MODE}: what this cipher is for. */
        final int mode;
        /** The AEAD whose key the cipher holds, or {@code null} after a wipe. */
        JcaAead owner;
        /**
         * Whether the owner's key came by a handover ({@link #destroyReplacedBy}) under the wipe nonce, so the
         * JDK's refusal of the owner's first nonce is that nonce's, not a reuse by the owner.
         */
        boolean handedOver;

        Shared(int mode) {
            this.mode = mode;
        }
    }

    /**
     * A thread's two AES-GCM ciphers for one direction. Two, because one thread often serves two connections
     * at a time: a proxy's inbound and outbound connection on one event loop (Netty's usual proxy layout), a client
     * and server in one process. With one cipher their records alternated keys and the JDK expanded the AES key
     * again at nearly every record (about 1.2 KB of garbage each on JDK 17, JFR); a key takes the cipher it already
     * holds, else a wiped one, else the one used less recently.
     */
    private static final class SharedPair {
        final Shared first;
        final Shared second;
        Shared recent;

        SharedPair(int mode) {
            first = new Shared(mode);
            second = new Shared(mode);
            recent = first;
        }

        Shared pick(JcaAead aead) {
            Shared s;
            if (first.owner == aead) {
                s = first;
            } else if (second.owner == aead) {
                s = second;
            } else if (first.owner == null || second.owner == null) {
                // One was wiped (its key's connection closed): take it and leave the other's key in place.
                s = first.owner == null ? first : second;
            } else {
                s = recent == first ? second : first;
            }
            recent = s;
            return s;
        }
    }

    /**
     * A GCM parameter spec whose nonce is set per record. The JDK (17 and 25, read from their bytecode)
     * takes a spec's nonce only through {@code getIV()} during {@code init}, which hands out a copy, so one
     * instance serves every record; a new spec per record cost the object and the copy its constructor
     * makes, 56 bytes twice per message.
     */
    private static final class GcmNonce extends GCMParameterSpec {
        private byte[] nonce;

        GcmNonce() {
            super(GCM_TAG_BITS, new byte[AeadAlgorithm.NONCE_LENGTH]);
        }

        GcmNonce of(byte[] recordNonce) {
            nonce = recordNonce;
            return this;
        }

        @Override
        public byte[] getIV() {
            return nonce.clone();
        }
    }

    /** {@link GcmNonce} for ChaCha20-Poly1305, whose nonce the JDK reads through {@code getIV()} alike. */
    private static final class IvNonce extends IvParameterSpec {
        private byte[] nonce;

        IvNonce() {
            super(new byte[AeadAlgorithm.NONCE_LENGTH]);
        }

        IvNonce of(byte[] recordNonce) {
            nonce = recordNonce;
            return this;
        }

        @Override
        public byte[] getIV() {
            return nonce.clone();
        }
    }

    private final AeadAlgorithm algorithm;
    private final boolean gcm;
    /** Whether AES-GCM uses ciphers of this AEAD's own rather than the thread's, see the class comment. */
    private final boolean dedicated;
    private final RawSecretKey key;
    private final Cipher cipher;
    private final IvNonce chachaSpec;
    /** The nonce of the last ChaCha20 initialisation, see {@link #init}. */
    private final byte[] lastNonce = new byte[AeadAlgorithm.NONCE_LENGTH];
    private boolean destroyed;
    /**
     * The thread whose shared AES-GCM ciphers {@link #sealPair} and {@link #openPair} are. Looking a
     * {@code ThreadLocal} up per record was about 4% of a 1 KiB record's round trip on JDK 17 (JFR); a
     * connection's AEAD is used by its event-loop thread, so remembering that thread's ciphers here costs
     * one comparison per record. They are the thread's anyway, so an idle connection holds nothing more.
     */
    private Thread sharedThread;
    private SharedPair sealPair;
    private SharedPair openPair;
    /** A dedicated AEAD's own ciphers, see {@link #dedicated}. */
    private Shared sealOwn;
    private Shared openOwn;

    JcaAead(AeadAlgorithm algorithm, byte[] key) {
        this(algorithm, key, false);
    }

    JcaAead(AeadAlgorithm algorithm, byte[] key, boolean dedicated) {
        this.algorithm = algorithm;
        this.gcm = algorithm != AeadAlgorithm.CHACHA20_POLY1305;
        this.dedicated = dedicated && gcm;
        this.key = new RawSecretKey(gcm ? "AES" : "ChaCha20", key);
        this.cipher = gcm ? null : newCipher("ChaCha20-Poly1305");
        this.chachaSpec = gcm ? null : new IvNonce();
    }

    private static Cipher newCipher(String transformation) {
        try {
            return Cipher.getInstance(transformation);
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
        return init(Cipher.ENCRYPT_MODE, nonce, aad).doFinal(in, inOff, inLen, out, outOff);
    }

    /**
     * One cipher pass over both parts: {@code update} the content, {@code doFinal} the trailer. Saves the
     * copy of the content into the record (0.18 us of 1.9 us per 16 KiB AES-GCM record on JDK 25,
     * measured; the JDK's GCM is as fast in two calls as in one). ChaCha20-Poly1305, a stream cipher,
     * encrypts what each call gives it.
     */
    @Override
    public int seal(byte[] nonce, byte[] aad, byte[] in, int inOff, int inLen, byte[] trailer, int trailerLen,
                    byte[] out, int outOff) throws GeneralSecurityException {
        Cipher c = init(Cipher.ENCRYPT_MODE, nonce, aad);
        int n = c.update(in, inOff, inLen, out, outOff);
        return n + c.doFinal(trailer, 0, trailerLen, out, outOff + n);
    }

    @Override
    public int open(byte[] nonce, byte[] aad, byte[] in, int inOff, int inLen, byte[] out, int outOff)
            throws GeneralSecurityException {
        checkTag(inLen);
        Cipher c = init(Cipher.DECRYPT_MODE, nonce, aad);
        if (gcm && in == out && !GCM_IN_PLACE_FAST) {
            // When input and output share an array, the JDK's GCM decrypts without its fastest
            // intrinsic (JDK 25: 3.5 us instead of 1.8 us per 16 KiB record measured here). Decrypting
            // into another array and copying back costs about 0.2 us.
            byte[] tmp = scratch(inLen);
            int n = c.doFinal(in, inOff, inLen, tmp, 0);
            System.arraycopy(tmp, 0, out, outOff, n);
            return n;
        }
        if (!gcm && CHACHA_NEEDS_ZERO_OFFSET && inOff != 0) {
            byte[] tmp = scratch(inLen);
            System.arraycopy(in, inOff, tmp, 0, inLen);
            return c.doFinal(tmp, 0, inLen, out, outOff);
        }
        return c.doFinal(in, inOff, inLen, out, outOff);
    }

    /**
     * On JDK 18 and later (measured on 25) the JDK's AES-GCM decrypts with its combined AES and GHASH
     * intrinsic only when output and input are different arrays, so the record layer decrypts into a new
     * buffer rather than through {@link #SCRATCH} and back.
     */
    @Override
    public boolean opensFasterOutOfPlace() {
        return gcm && !GCM_IN_PLACE_FAST;
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
        return init(Cipher.ENCRYPT_MODE, nonce, aad).doFinal(plaintext, out);
    }

    @Override
    public int open(byte[] nonce, byte[] aad, ByteBuffer ciphertext, ByteBuffer out) throws GeneralSecurityException {
        checkTag(ciphertext.remaining());
        return init(Cipher.DECRYPT_MODE, nonce, aad).doFinal(ciphertext, out);
    }

    private void checkTag(int inLen) throws AEADBadTagException {
        if (inLen < algorithm.tagLength()) {
            throw new AEADBadTagException("ciphertext shorter than the tag");
        }
    }

    private Cipher init(int mode, byte[] nonce, byte[] aad) throws GeneralSecurityException {
        if (destroyed) {
            throw new IllegalStateException("AEAD destroyed");
        }
        if (gcm) {
            Shared shared = shared(mode);
            try {
                shared.cipher.init(mode, key, shared.spec.of(nonce));
            } catch (InvalidAlgorithmParameterException e) {
                if (shared.owner == this && !shared.handedOver) {
                    throw e;
                }
                // The JDK refuses to encrypt under the previous key and nonce of a cipher. From another
                // AEAD with equal key bytes (deterministic tests, a connection to itself) that is not a
                // reuse by this key: clear the cipher's memory of it and key it again.
                wipe(shared);
                shared.cipher.init(mode, key, shared.spec.of(nonce));
            }
            // The spec keeps no connection's nonce once the JDK has copied it.
            shared.spec.of(null);
            shared.owner = this;
            shared.handedOver = false;
            shared.cipher.updateAAD(aad);
            return shared.cipher;
        }
        if (mode == Cipher.DECRYPT_MODE && Arrays.equals(nonce, lastNonce)) {
            // The JDK's ChaCha20 refuses any re-init with the previous key and nonce, decryption
            // included. Opening twice under one nonce is legitimate (a server skipping rejected early
            // data tries each record at the same sequence number, RFC 8446 §4.2.10), so step aside
            // through another nonce; encryption keeps the JDK's guard against nonce reuse.
            lastNonce[0] ^= 1;
            cipher.init(mode, key, chachaSpec.of(lastNonce));
        }
        System.arraycopy(nonce, 0, lastNonce, 0, AeadAlgorithm.NONCE_LENGTH);
        cipher.init(mode, key, chachaSpec.of(nonce));
        chachaSpec.of(null);
        cipher.updateAAD(aad);
        return cipher;
    }

    /** This thread's shared AES-GCM cipher for {@code mode}, see {@link #sharedThread}; or our own, dedicated. */
    private Shared shared(int mode) {
        if (dedicated) {
            if (mode == Cipher.ENCRYPT_MODE) {
                if (sealOwn == null) {
                    sealOwn = new Shared(Cipher.ENCRYPT_MODE);
                }
                return sealOwn;
            }
            if (openOwn == null) {
                openOwn = new Shared(Cipher.DECRYPT_MODE);
            }
            return openOwn;
        }
        Thread current = Thread.currentThread();
        if (current != sharedThread) {
            sharedThread = current;
            sealPair = null;
            openPair = null;
        }
        if (mode == Cipher.ENCRYPT_MODE) {
            SharedPair p = sealPair;
            if (p == null) {
                p = GCM_SEAL.get();
                sealPair = p;
            }
            return p.pick(this);
        }
        SharedPair p = openPair;
        if (p == null) {
            p = GCM_OPEN.get();
            openPair = p;
        }
        return p.pick(this);
    }

    private AlgorithmParameterSpec spec(byte[] nonce) {
        return gcm ? new GCMParameterSpec(GCM_TAG_BITS, nonce) : new IvParameterSpec(nonce);
    }

    @Override
    public void destroy() {
        destroyReplacedBy(null);
    }

    /**
     * As {@link #destroy()}, but a shared AES-GCM cipher that still holds this key is keyed with {@code successor}'s
     * key rather than with zeros: that forgets ours just as well (the JDK zeroes its copy of the previous key when the
     * key changes, and drops its expanded key), and the successor's first record then finds its own key expanded
     * already. The zero-key wipe expanded a key nobody uses, about 1.2 KB of garbage on JDK 17 (JFR), twice per
     * handshake per end (handshake to application keys, each direction).
     */
    @Override
    public void destroyReplacedBy(Aead successor) {
        if (destroyed) {
            return;
        }
        destroyed = true;
        key.destroy();
        sharedThread = null;
        sealPair = null;
        openPair = null;
        // A cipher keeps its own expanded key; re-keying it overwrites that state. A shared GCM cipher is re-keyed
        // when it still holds this key (connections are destroyed on their event loop); otherwise another key has
        // already replaced ours in it.
        if (dedicated) {
            if (sealOwn != null) {
                wipeIfOwned(sealOwn, null);
            }
            if (openOwn != null) {
                wipeIfOwned(openOwn, null);
            }
        } else if (gcm) {
            JcaAead next = successor instanceof JcaAead j && j.gcm && !j.dedicated && !j.destroyed ? j : null;
            SharedPair seal = GCM_SEAL.get();
            SharedPair open = GCM_OPEN.get();
            wipeIfOwned(seal.first, next);
            wipeIfOwned(seal.second, next);
            wipeIfOwned(open.first, next);
            wipeIfOwned(open.second, next);
        } else {
            wipe(cipher);
        }
    }

    /** Wipes a shared cipher that holds this key, or hands it to {@code next}, see {@link #wipe(Shared, JcaAead)}. */
    private void wipeIfOwned(Shared shared, JcaAead next) {
        if (shared.owner == this) {
            wipe(shared, next);
        }
    }

    private static void wipe(Shared shared) {
        wipe(shared, null);
    }

    /**
     * Keys a shared cipher with zeros in encryption mode, which replaces the expanded key and also the JDK's memory
     * of the last encryption key and nonce (which only an encryption init replaces); or hands it to {@code next},
     * the connection's next key in this direction, keyed in the mode it will be used in (so a decrypting cipher
     * never holds a live key in the JDK's memory of encryption keys, which only a wipe replaces there). Under the
     * wipe nonce either way: should the next key's first record use that nonce, the JDK refuses it and
     * {@link #init} wipes and retries ({@link Shared#handedOver}).
     */
    private static void wipe(Shared shared, JcaAead next) {
        shared.owner = next;
        shared.handedOver = next != null;
        for (int i = 0; i < 8 && ++shared.wipeNonce[i] == 0; i++) {
            // carry into the next byte
        }
        try {
            if (next == null) {
                shared.cipher.init(Cipher.ENCRYPT_MODE, ZERO_KEY, shared.spec.of(shared.wipeNonce));
            } else {
                shared.cipher.init(shared.mode, next.key, shared.spec.of(shared.wipeNonce));
            }
        } catch (GeneralSecurityException e) {
            if (next != null) {
                // The handover failed; the zeros still replace the key that was there.
                wipe(shared, null);
            } else {
                // Best effort only: the key bytes we own are zeroed.
                shared.owner = null;
            }
        } finally {
            shared.spec.of(null);
        }
    }

    private void wipe(Cipher c) {
        byte[] zeros = new byte[algorithm.keyLength()];
        try {
            c.init(Cipher.DECRYPT_MODE, new RawSecretKey(key.getAlgorithm(), zeros),
                    spec(new byte[AeadAlgorithm.NONCE_LENGTH]));
        } catch (GeneralSecurityException e) {
            // Best effort only: the key bytes we own are already zeroed.
        }
    }
}
