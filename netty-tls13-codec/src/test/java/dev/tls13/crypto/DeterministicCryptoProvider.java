package dev.tls13.crypto;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * A {@link CryptoProvider} for tests that behaves the same on every run, so RFC 8448 traces and
 * state-machine transcripts replay byte for byte (docs/architecture.md §8):
 * <ul>
 *   <li>{@link #nextBytes} hands out the configured byte arrays in order, then a stream derived from
 *       the seed (SHA-256 of a label, the seed and a counter);</li>
 *   <li>{@link #generateKeyExchange} uses the configured private keys of that algorithm in order,
 *       then private keys derived from the seed (for a hybrid: the ML-KEM seed, then the ECDH part's key);</li>
 *   <li>{@link #encapsulate} takes the server's (EC)DH key pair from {@link #generateKeyExchange} as well (so a
 *       configured key of that algorithm is used), and the ML-KEM message of a hybrid from another seeded
 *       stream;</li>
 *   <li>{@link #sign} draws the randomness of signatures from another seeded stream (PSS salts; for
 *       P-256, the fresh bytes mixed into the hedged nonce), so signatures are reproducible too;</li>
 *   <li>{@link #clock} is fixed ({@link #DEFAULT_INSTANT} unless configured);</li>
 *   <li>everything else delegates to {@link JcaCryptoProvider#instance()}.</li>
 * </ul>
 * Thread-safe (synchronized), like every provider.
 */
public final class DeterministicCryptoProvider implements CryptoProvider {

    /**
     * The default fixed time: 2019-01-01, after RFC 8448 was published and inside the validity of its
     * certificates (2016-07-30 to 2026-07-30).
     */
    public static final Instant DEFAULT_INSTANT = Instant.parse("2019-01-01T00:00:00Z");

    private final CryptoProvider delegate = JcaCryptoProvider.instance();
    private final ArrayDeque<byte[]> randoms;
    private final Map<KeyExchangeAlgorithm, ArrayDeque<byte[]>> privateKeys;
    private final Stream randomStream;
    private final Stream keyStream;
    private final SecureRandom encapsulationRandom;
    private final SecureRandom signingRandom;
    private final Clock clock;

    private DeterministicCryptoProvider(Builder builder) {
        this.randoms = new ArrayDeque<>(builder.randoms);
        this.privateKeys = new EnumMap<>(KeyExchangeAlgorithm.class);
        for (Map.Entry<KeyExchangeAlgorithm, ArrayDeque<byte[]>> e : builder.privateKeys.entrySet()) {
            privateKeys.put(e.getKey(), new ArrayDeque<>(e.getValue()));
        }
        this.randomStream = new Stream("random", builder.seed);
        this.keyStream = new Stream("key exchange", builder.seed);
        this.encapsulationRandom = new StreamSecureRandom(new Stream("ML-KEM encapsulation", builder.seed));
        this.signingRandom = new StreamSecureRandom(new Stream("signing", builder.seed));
        this.clock = builder.clock;
    }

    /** @return a builder with no queued values, seed 0 and {@link #DEFAULT_INSTANT} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Hkdf hkdf(HashAlgorithm hash) {
        return delegate.hkdf(hash);
    }

    @Override
    public MessageDigest digest(HashAlgorithm hash) {
        return delegate.digest(hash);
    }

    @Override
    public Aead aead(AeadAlgorithm algorithm, byte[] key) {
        return delegate.aead(algorithm, key);
    }

    /**
     * Returns the key pair of the next configured private key for {@code algorithm}, or of one derived
     * from the seed when none is left.
     */
    @Override
    public synchronized KeyExchange generateKeyExchange(KeyExchangeAlgorithm algorithm) {
        ArrayDeque<byte[]> queue = privateKeys.get(algorithm);
        byte[] key = queue == null ? null : queue.poll();
        if (key == null) {
            key = derivePrivateKey(algorithm);
        }
        try {
            return KeyExchanges.fromPrivateKey(algorithm, key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * The server's side with a key pair from {@link #generateKeyExchange} and, for a hybrid, the ML-KEM message
     * from a seeded stream.
     */
    @Override
    public synchronized Encapsulation encapsulate(KeyExchangeAlgorithm algorithm, byte[] clientShare)
            throws InvalidKeyShareException {
        return KeyExchanges.encapsulate(algorithm, clientShare, this::generateKeyExchange, encapsulationRandom);
    }

    private byte[] derivePrivateKey(KeyExchangeAlgorithm algorithm) {
        switch (algorithm) {
            case X25519MLKEM768:
            case SECP256R1MLKEM768:
            case SECP384R1MLKEM1024: {
                byte[] seed = new byte[MlKem.SEED_LENGTH];
                keyStream.fill(seed);
                byte[] ecdh = derivePrivateKey(HybridKeyExchange.Layout.of(algorithm).ecdh());
                byte[] key = Arrays.copyOf(seed, seed.length + ecdh.length);
                System.arraycopy(ecdh, 0, key, seed.length, ecdh.length);
                Arrays.fill(seed, (byte) 0);
                Arrays.fill(ecdh, (byte) 0);
                return key;
            }
            case X25519:
            case X448:
                byte[] k = new byte[algorithm.clientShareLength()];
                keyStream.fill(k);
                return k;
            default:
                EcCurve curve = EcCurve.of(algorithm);
                // 8 extra bytes make the bias of the reduction negligible; the result is in [1, n - 1].
                byte[] wide = new byte[curve.fieldLength() + 8];
                keyStream.fill(wide);
                BigInteger n = curve.params().getOrder();
                BigInteger s = new BigInteger(1, wide).mod(n.subtract(BigInteger.ONE)).add(BigInteger.ONE);
                byte[] out = new byte[curve.fieldLength()];
                EcCurve.writeFixed(s, out, 0, out.length);
                return out;
        }
    }

    @Override
    public synchronized byte[] sign(SignatureAlgorithm algorithm, PrivateKey key, byte[] message)
            throws GeneralSecurityException {
        return Signatures.sign(algorithm, key, message, signingRandom);
    }

    @Override
    public boolean verify(SignatureAlgorithm algorithm, PublicKey key, byte[] message, byte[] signature)
            throws GeneralSecurityException {
        return delegate.verify(algorithm, key, message, signature);
    }

    /**
     * Copies the next configured array into {@code out}, or fills it from the seeded stream when none
     * is left.
     *
     * @throws IllegalStateException if the next configured array's length differs from {@code out}'s
     */
    @Override
    public synchronized void nextBytes(byte[] out) {
        byte[] next = randoms.poll();
        if (next == null) {
            randomStream.fill(out);
            return;
        }
        if (next.length != out.length) {
            throw new IllegalStateException("configured random has " + next.length + " bytes, "
                    + out.length + " requested");
        }
        System.arraycopy(next, 0, out, 0, out.length);
    }

    @Override
    public Clock clock() {
        return clock;
    }

    /** @return how many configured random arrays have not been handed out yet */
    public synchronized int pendingRandoms() {
        return randoms.size();
    }

    /**
     * @param algorithm the algorithm
     * @return how many configured private keys of {@code algorithm} have not been used yet
     */
    public synchronized int pendingPrivateKeys(KeyExchangeAlgorithm algorithm) {
        ArrayDeque<byte[]> queue = privateKeys.get(algorithm);
        return queue == null ? 0 : queue.size();
    }

    /** Configures a {@link DeterministicCryptoProvider}. */
    public static final class Builder {
        private final ArrayDeque<byte[]> randoms = new ArrayDeque<>();
        private final Map<KeyExchangeAlgorithm, ArrayDeque<byte[]>> privateKeys =
                new EnumMap<>(KeyExchangeAlgorithm.class);
        private long seed;
        private Clock clock = Clock.fixed(DEFAULT_INSTANT, ZoneOffset.UTC);

        private Builder() {
        }

        /**
         * Queues arrays for {@link #nextBytes}, handed out in order; each must match the length asked for.
         *
         * @param values the arrays; copied
         * @return this
         */
        public Builder random(byte[]... values) {
            for (byte[] v : values) {
                randoms.add(v.clone());
            }
            return this;
        }

        /**
         * Queues an ephemeral private key for {@link #generateKeyExchange}: the RFC 7748 scalar for
         * X25519/X448, the big-endian scalar for the NIST curves, for a hybrid the 64-byte ML-KEM seed then its
         * ECDH part's key.
         *
         * @param algorithm the algorithm it is for
         * @param privateKey the key; copied
         * @return this
         */
        public Builder ephemeralPrivateKey(KeyExchangeAlgorithm algorithm, byte[] privateKey) {
            privateKeys.computeIfAbsent(algorithm, a -> new ArrayDeque<>()).add(privateKey.clone());
            return this;
        }

        /**
         * @param value the seed of the streams used once the queues are empty
         * @return this
         */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /**
         * @param value the clock to report
         * @return this
         */
        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        /**
         * @param value the instant of a fixed UTC clock
         * @return this
         */
        public Builder instant(Instant value) {
            return clock(Clock.fixed(value, ZoneOffset.UTC));
        }

        /** @return the provider */
        public DeterministicCryptoProvider build() {
            return new DeterministicCryptoProvider(this);
        }
    }

    /** SHA-256(label || seed || counter) blocks, concatenated. */
    private static final class Stream {
        private final byte[] label;
        private final long seed;
        private long counter;
        private byte[] block = new byte[0];
        private int used;

        Stream(String label, long seed) {
            this.label = label.getBytes(StandardCharsets.US_ASCII);
            this.seed = seed;
        }

        synchronized void fill(byte[] out) {
            for (int i = 0; i < out.length; i++) {
                if (used == block.length) {
                    block = nextBlock();
                    used = 0;
                }
                out[i] = block[used++];
            }
        }

        private byte[] nextBlock() {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                sha.update(label);
                sha.update(ByteBuffer.allocate(16).putLong(seed).putLong(counter++).array());
                return sha.digest();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A {@link SecureRandom} that reads a {@link Stream}: deterministic, for tests only. */
    private static final class StreamSecureRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;

        StreamSecureRandom(Stream stream) {
            super(new StreamSpi(stream), null);
        }
    }

    private static final class StreamSpi extends SecureRandomSpi {
        private static final long serialVersionUID = 1L;
        private final transient Stream stream;

        StreamSpi(Stream stream) {
            this.stream = stream;
        }

        @Override
        protected void engineSetSeed(byte[] seed) {
            // Deterministic by design: external seed material is ignored.
        }

        @Override
        protected void engineNextBytes(byte[] bytes) {
            stream.fill(bytes);
        }

        @Override
        protected byte[] engineGenerateSeed(int numBytes) {
            byte[] out = new byte[numBytes];
            stream.fill(out);
            return out;
        }
    }
}
