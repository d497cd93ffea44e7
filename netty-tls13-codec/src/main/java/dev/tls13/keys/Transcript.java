package dev.tls13.keys;

import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.HashAlgorithm;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The running transcript hash of RFC 8446 §4.4.1: the hash of the handshake messages so far, each
 * fed whole with its 4-byte header (type, uint24 length), as sent and received.
 *
 * <p>A client does not know the hash before the ServerHello (or HelloRetryRequest) selects the cipher
 * suite, so a transcript can start {@linkplain #buffering buffering} the raw bytes and switch to
 * hashing on {@link #selectHash}. While buffering, {@link #currentHash(HashAlgorithm)} hashes the
 * bytes with any algorithm (for a PSK binder or client_early_traffic_secret computed with the PSK's
 * hash before the server has chosen).
 *
 * <p>{@link #currentHash()} does not disturb the running state: it finishes a clone of the running
 * digest (measured 3 to 5 times cheaper per handshake than keeping the bytes and re-hashing them at
 * each of the ~7 points where the schedule needs a hash). If the provider's digest cannot be cloned,
 * the transcript keeps the bytes instead and hashes them afresh each time. Not thread-safe; the
 * transcript holds no secrets.
 */
public final class Transcript {

    /** RFC 8446 §4.4.1: the synthetic message that replaces ClientHello1 after a HelloRetryRequest. */
    private static final int MESSAGE_HASH = 254;
    private static final int CLIENT_HELLO = 1;
    private static final int SERVER_HELLO = 2;
    private static final int HEADER_LENGTH = 4;
    private static final byte[] EMPTY = new byte[0];

    private final CryptoProvider provider;
    private HashAlgorithm hash;
    /**
     * Whether the digests of a class can be cloned, learned once per class: a trial clone per transcript was a
     * digest's worth of garbage per handshake.
     */
    private static final Map<Class<?>, Boolean> CLONEABLE = new ConcurrentHashMap<>();

    /** The running digest once the hash is known and the digest can be cloned; else null. */
    private MessageDigest running;
    /**
     * The last hash {@link #currentHash(HashAlgorithm)} returned from the running digest and the {@link #total}
     * it covered: both ends ask twice at the same point (after the server's Finished, for the application secrets
     * and for the client's Finished), and each answer cost a clone of the digest.
     */
    private byte[] lastHash;
    private long lastHashTotal = -1;
    /**
     * The bytes fed so far, while no running digest is in use. Allocated at the exact size of the first
     * add (usually the whole ClientHello, the only message a client buffers), then grown by doubling.
     */
    private byte[] buffer = EMPTY;
    private int buffered;
    /** The first header fed and the total fed, to check the HelloRetryRequest precondition. */
    private final byte[] firstHeader = new byte[HEADER_LENGTH];
    private long total;

    private Transcript(CryptoProvider provider) {
        this.provider = Objects.requireNonNull(provider, "provider");
    }

    /**
     * A transcript whose hash is not known yet: it keeps the raw bytes until {@link #selectHash}.
     *
     * @param provider the provider of the digest
     * @return an empty transcript
     */
    public static Transcript buffering(CryptoProvider provider) {
        return new Transcript(provider);
    }

    /**
     * A transcript that hashes with a known algorithm from the start (a server, which chooses the
     * suite while reading the ClientHello).
     *
     * @param provider the provider of the digest
     * @param hash the cipher suite's hash
     * @return an empty transcript
     */
    public static Transcript of(CryptoProvider provider, HashAlgorithm hash) {
        Transcript t = new Transcript(provider);
        t.selectHash(hash);
        return t;
    }

    /**
     * Fixes the hash algorithm and hashes what was buffered so far. Selecting the algorithm already
     * selected does nothing.
     *
     * @param hash the cipher suite's hash
     * @throws IllegalStateException if a different hash was selected before
     */
    public void selectHash(HashAlgorithm hash) {
        Objects.requireNonNull(hash, "hash");
        if (this.hash != null) {
            if (this.hash != hash) {
                throw new IllegalStateException("transcript hash already " + this.hash + ", not " + hash);
            }
            return;
        }
        this.hash = hash;
        MessageDigest digest = provider.digest(hash);
        Boolean cloneable = CLONEABLE.get(digest.getClass());
        if (cloneable == null) {
            cloneable = isCloneable(digest);
            CLONEABLE.put(digest.getClass(), cloneable);
        }
        if (cloneable) {
            digest.update(buffer, 0, buffered);
            running = digest;
            buffer = EMPTY;
            buffered = 0;
        }
    }

    /** @return whether the hash algorithm is known */
    public boolean hashSelected() {
        return hash != null;
    }

    /**
     * Returns the selected hash.
     *
     * @return the hash
     * @throws IllegalStateException if none is selected yet
     */
    public HashAlgorithm hash() {
        if (hash == null) {
            throw new IllegalStateException("transcript hash not selected yet");
        }
        return hash;
    }

    /**
     * Adds a handshake message, header included (or a part of one, for a truncated ClientHello whose
     * binders follow in a second call).
     *
     * @param message the bytes; borrowed, not retained
     */
    public void add(byte[] message) {
        add(message, 0, message.length);
    }

    /**
     * Adds {@code length} bytes of a handshake message from {@code offset}.
     *
     * @param bytes the array; borrowed, not retained
     * @param offset where the bytes start
     * @param length how many bytes
     */
    public void add(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        for (int i = 0; total + i < HEADER_LENGTH && i < length; i++) {
            firstHeader[(int) total + i] = bytes[offset + i];
        }
        total += length;
        if (running != null) {
            running.update(bytes, offset, length);
        } else {
            append(bytes, offset, length);
        }
    }

    /**
     * Returns Transcript-Hash of everything added so far, leaving the running hash undisturbed.
     *
     * @return a new array of HashLen bytes
     * @throws IllegalStateException if the hash is not selected yet
     */
    public byte[] currentHash() {
        return currentHash(hash());
    }

    /**
     * Returns the hash of everything added so far under {@code algorithm}. While buffering, any
     * algorithm may be used (a client hashing its ClientHello for a PSK before the server chose the
     * suite); once a hash is selected, only that one.
     *
     * @param algorithm the hash to use
     * @return a new array of HashLen bytes
     * @throws IllegalStateException if another hash is already selected
     */
    public byte[] currentHash(HashAlgorithm algorithm) {
        if (hash != null && hash != algorithm) {
            throw new IllegalStateException("transcript hash is " + hash + ", not " + algorithm);
        }
        if (running != null) {
            if (lastHash == null || lastHashTotal != total) {
                lastHash = cloneOf(running).digest();
                lastHashTotal = total;
            }
            return lastHash.clone();
        }
        MessageDigest digest = provider.digest(algorithm);
        digest.update(buffer, 0, buffered);
        return digest.digest();
    }

    /**
     * Returns the hash under {@code algorithm} of everything added so far followed by {@code length} bytes of
     * {@code bytes}, without adding them: a PSK binder's hash over the truncated ClientHello (RFC 8446 §4.2.11.2),
     * before the whole message is added at once (adding the two parts separately grew the buffer for the binders).
     *
     * @param algorithm the hash to use, as for {@link #currentHash(HashAlgorithm)}
     * @param bytes the array; borrowed, not retained
     * @param offset where the bytes start
     * @param length how many bytes
     * @return a new array of HashLen bytes
     * @throws IllegalStateException if another hash is already selected
     */
    public byte[] hashWith(HashAlgorithm algorithm, byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (hash != null && hash != algorithm) {
            throw new IllegalStateException("transcript hash is " + hash + ", not " + algorithm);
        }
        MessageDigest digest;
        if (running != null) {
            digest = cloneOf(running);
        } else {
            digest = provider.digest(algorithm);
            digest.update(buffer, 0, buffered);
        }
        digest.update(bytes, offset, length);
        return digest.digest();
    }

    /**
     * Applies the HelloRetryRequest rule of RFC 8446 §4.4.1 and adds the HelloRetryRequest: the
     * ClientHello1 added so far is replaced by the synthetic message
     * {@code message_hash(254) || uint24(HashLen) || Hash(ClientHello1)}, then {@code helloRetryRequest}
     * is added. The HelloRetryRequest selects the suite, so the hash must be selected first.
     *
     * @param helloRetryRequest the whole HelloRetryRequest message with its header; borrowed
     * @throws IllegalStateException if no hash is selected or the transcript is not exactly one ClientHello
     * @throws IllegalArgumentException if the message is not a ServerHello-typed message
     */
    public void addHelloRetryRequest(byte[] helloRetryRequest) {
        addHelloRetryRequest(helloRetryRequest, 0, helloRetryRequest.length);
    }

    /**
     * {@link #addHelloRetryRequest(byte[])} with the HelloRetryRequest at {@code offset} in {@code bytes}.
     *
     * @param bytes the array holding the whole HelloRetryRequest with its header; borrowed
     * @param offset where the message starts
     * @param length the message's length
     * @throws IllegalStateException if no hash is selected or the transcript is not exactly one ClientHello
     * @throws IllegalArgumentException if the message is not a ServerHello-typed message
     */
    public void addHelloRetryRequest(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        HashAlgorithm h = hash();
        if (total < HEADER_LENGTH || (firstHeader[0] & 0xFF) != CLIENT_HELLO
                || total != HEADER_LENGTH + uint24(firstHeader, 1)) {
            throw new IllegalStateException("the transcript must hold exactly ClientHello1 before a HelloRetryRequest");
        }
        if (length < HEADER_LENGTH || (bytes[offset] & 0xFF) != SERVER_HELLO) {
            throw new IllegalArgumentException("a HelloRetryRequest is a server_hello handshake message");
        }
        byte[] clientHello1Hash = currentHash();
        if (running != null) {
            running.reset();
        } else {
            buffered = 0;
        }
        total = 0;
        lastHashTotal = -1;
        byte[] header = {(byte) MESSAGE_HASH, 0, 0, (byte) h.length()};
        add(header);
        add(clientHello1Hash);
        add(bytes, offset, length);
    }

    /** @return the selected hash only */
    @Override
    public String toString() {
        return "Transcript[" + (hash == null ? "buffering" : hash) + ", " + total + " bytes]";
    }

    private void append(byte[] bytes, int offset, int length) {
        int needed = buffered + length;
        if (needed < 0) {
            throw new IllegalStateException("transcript too long");
        }
        if (needed > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(needed, buffer.length * 2));
        }
        System.arraycopy(bytes, offset, buffer, buffered, length);
        buffered = needed;
    }

    private static int uint24(byte[] b, int at) {
        return (b[at] & 0xFF) << 16 | (b[at + 1] & 0xFF) << 8 | b[at + 2] & 0xFF;
    }

    private static boolean isCloneable(MessageDigest digest) {
        try {
            digest.clone();
            return true;
        } catch (CloneNotSupportedException e) {
            return false;
        }
    }

    private static MessageDigest cloneOf(MessageDigest digest) {
        try {
            return (MessageDigest) digest.clone();
        } catch (CloneNotSupportedException e) {
            // selectHash only keeps a running digest after a successful clone, so this cannot happen.
            throw new IllegalStateException("digest stopped being cloneable", e);
        }
    }
}
