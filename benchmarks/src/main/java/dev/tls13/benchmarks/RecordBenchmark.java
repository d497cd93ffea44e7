package dev.tls13.benchmarks;

import dev.tls13.crypto.AeadAlgorithm;
import dev.tls13.crypto.JcaCryptoProvider;
import dev.tls13.error.TlsException;
import dev.tls13.record.CipherSuiteParams;
import dev.tls13.record.HandshakeJoiner;
import dev.tls13.record.ReadProtection;
import dev.tls13.record.Records;
import dev.tls13.record.WriteProtection;
import dev.tls13.wire.ContentType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Record protection throughput: one TLS 1.3 record sealed or opened per operation, by our record layer
 * ({@link WriteProtection}, {@link ReadProtection}) and by the raw crypto underneath it (the JCA's
 * {@link Cipher} for AES-GCM and ChaCha20-Poly1305, BouncyCastle's {@link CCMBlockCipher} for AES-CCM)
 * on {@code byte[]}, which is the ceiling our framing can at best reach.
 *
 * <ul>
 *   <li>{@code seal}: the plaintext buffer is sealed as one application_data record into an output
 *       buffer that is cleared on every operation.</li>
 *   <li>{@code open}: {@link ReadProtection#open(ByteBuf, ByteBufAllocator)} decrypts in place, or into a
 *       new pooled buffer (released at once) where the AEAD is faster out of place, as the connection does;
 *       it advances the sequence number, so
 *       every operation first copies the next of {@value #RING} pre-sealed records (sequence numbers
 *       0 to {@value #RING}&nbsp;-&nbsp;1) into a reused buffer and then opens it; after the last one the
 *       reader's sequence number is set back to 0. {@code copyOnly} does the same copy without opening,
 *       so the open alone costs {@code 1/open - 1/copyOnly} seconds (see README.md).</li>
 *   <li>{@code jcaSeal}, {@code jcaOpen}: the same AEAD work on {@code byte[]}: a fresh nonce per
 *       operation, the 5-byte header as AAD, the content plus the one-byte inner type as plaintext,
 *       {@code doFinal} (or {@code processPacket}) into a preallocated array. {@code jcaOpen} decrypts
 *       out of place from a ring of {@value #RING} pre-sealed ciphertexts, so it needs no copy.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class RecordBenchmark {

    /** Records pre-sealed for the open benchmarks; a power of two. */
    static final int RING = 16;

    private static final JcaCryptoProvider CRYPTO = JcaCryptoProvider.instance();

    /** Our record layer: a writer and a reader for one suite, and buffers of one type. */
    @State(Scope.Thread)
    public static class Ours {

        /** The TLS 1.3 cipher suite (RFC 8446 §B.4). */
        @Param({"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"})
        public String suite;

        /** Content bytes per record. */
        @Param({"64", "1024", "16384"})
        public int size;

        /** {@code heap} or {@code direct} pooled Netty buffers, for plaintext, records and output. */
        @Param({"heap", "direct"})
        public String bufferType;

        private static final MethodHandle SET_READ_SEQUENCE = readSequenceSetter();

        WriteProtection writer;
        ReadProtection reader;
        ByteBuf plaintext;
        ByteBuf out;
        /** Pre-sealed records at sequence numbers 0 to RING - 1, heap copies. */
        byte[][] ring;
        int recordLength;
        /** Where records are copied to before they are opened in place. */
        ByteBuf work;
        int next;

        /**
         * Installs the keys, allocates the buffers and seals and checks the ring of records.
         *
         * @throws TlsException never in practice
         */
        @Setup(Level.Trial)
        public void setUp() throws TlsException {
            CipherSuiteParams params = suite(suite);
            byte[] key = bytes(params.aead().keyLength(), 1);
            byte[] iv = bytes(AeadAlgorithm.NONCE_LENGTH, 2);
            ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
            boolean direct = switch (bufferType) {
                case "heap" -> false;
                case "direct" -> true;
                default -> throw new IllegalArgumentException("bufferType heap or direct, got " + bufferType);
            };
            int capacity = Records.HEADER_LENGTH + Records.MAX_CIPHERTEXT_LENGTH;
            plaintext = direct ? alloc.directBuffer(size) : alloc.heapBuffer(size);
            plaintext.writeBytes(bytes(size, 3));
            out = direct ? alloc.directBuffer(capacity) : alloc.heapBuffer(capacity);
            work = direct ? alloc.directBuffer(capacity) : alloc.heapBuffer(capacity);

            writer = WriteProtection.install(CRYPTO.aead(params.aead(), key), iv);
            // The ring comes from a second writer with the same key, so the measured writer starts at 0 too.
            WriteProtection ringWriter = WriteProtection.install(CRYPTO.aead(params.aead(), key), iv);
            reader = ReadProtection.install(new HandshakeJoiner().aligned(), CRYPTO.aead(params.aead(), key), iv);
            ring = new byte[RING][];
            ByteBuf record = alloc.heapBuffer(capacity);
            try {
                for (int i = 0; i < RING; i++) {
                    record.clear();
                    plaintext.readerIndex(0);
                    ringWriter.seal(ContentType.APPLICATION_DATA, plaintext, record);
                    ring[i] = new byte[record.readableBytes()];
                    record.getBytes(0, ring[i]);
                }
            } finally {
                record.release();
                ringWriter.destroy();
            }
            plaintext.readerIndex(0);
            recordLength = ring[0].length;
            // Fail here rather than measure garbage: every ring record must open to the plaintext.
            for (int i = 0; i < RING; i++) {
                copyNext();
                if (!ContentType.APPLICATION_DATA.equals(reader.open(work)) || !work.equals(plaintext)) {
                    throw new IllegalStateException("ring record " + i + " did not open to the plaintext");
                }
            }
            next = 0;
            rewindReader();
        }

        /** Copies the next ring record into {@link #work}; rewinds the reader after the last one. */
        ByteBuf copyNext() {
            int i = next;
            next = (i + 1) & (RING - 1);
            work.setBytes(0, ring[i]);
            work.setIndex(0, recordLength);
            return work;
        }

        void rewindReader() {
            try {
                SET_READ_SEQUENCE.invokeExact(reader, 0L);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        /** Destroys the keys and releases the buffers. */
        @TearDown(Level.Trial)
        public void tearDown() {
            writer.destroy();
            reader.destroy();
            plaintext.release();
            out.release();
            work.release();
        }

        /**
         * The TLS 1.3 ReadProtection's package-private test hook that sets the sequence number (RFC 8446 §5.3).
         * The benchmark uses it to replay the ring; the codec has no public way to do so, on purpose.
         */
        private static MethodHandle readSequenceSetter() {
            try {
                Class<?> tls13 = Class.forName("dev.tls13.record.Tls13ReadProtection");
                MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(tls13, MethodHandles.lookup());
                return lookup.findVirtual(tls13, "sequenceNumber",
                        MethodType.methodType(void.class, long.class))
                        .asType(MethodType.methodType(void.class, ReadProtection.class, long.class));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("Tls13ReadProtection.sequenceNumber(long) not found", e);
            }
        }
    }

    /** The raw AEAD on {@code byte[]}: JCA Cipher for GCM and ChaCha20-Poly1305, BouncyCastle for CCM. */
    @State(Scope.Thread)
    public static class Ceiling {

        /** The TLS 1.3 cipher suite (RFC 8446 §B.4). */
        @Param({"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"})
        public String suite;

        /** Content bytes per record; the AEAD input is one byte longer (the inner content type). */
        @Param({"64", "1024", "16384"})
        public int size;

        AeadAlgorithm algorithm;
        Cipher cipher;
        SecretKeySpec jcaKey;
        CCMBlockCipher ccm;
        KeyParameter bcKey;
        byte[] iv;
        /** The AAD: an application_data record header of the right length (RFC 8446 §5.2). */
        byte[] header;
        byte[] nonce = new byte[AeadAlgorithm.NONCE_LENGTH];
        long sequence;
        byte[] in;
        byte[] out;
        byte[][] ring;
        byte[][] ringNonces;
        int next;

        /**
         * Creates the cipher and key objects once and seals and checks the ring of ciphertexts.
         *
         * @throws GeneralSecurityException never in practice
         * @throws InvalidCipherTextException never in practice
         */
        @Setup(Level.Trial)
        public void setUp() throws GeneralSecurityException, InvalidCipherTextException {
            algorithm = suite(suite).aead();
            byte[] key = bytes(algorithm.keyLength(), 1);
            iv = bytes(AeadAlgorithm.NONCE_LENGTH, 2);
            switch (algorithm) {
                case AES_128_GCM, AES_256_GCM -> {
                    cipher = Cipher.getInstance("AES/GCM/NoPadding");
                    jcaKey = new SecretKeySpec(key, "AES");
                }
                case CHACHA20_POLY1305 -> {
                    cipher = Cipher.getInstance("ChaCha20-Poly1305");
                    jcaKey = new SecretKeySpec(key, "ChaCha20");
                }
                default -> {
                    ccm = new CCMBlockCipher(AESEngine.newInstance());
                    bcKey = new KeyParameter(key);
                }
            }
            int innerLength = size + 1;
            int ciphertextLength = innerLength + algorithm.tagLength();
            header = new byte[] {0x17, 0x03, 0x03, (byte) (ciphertextLength >>> 8), (byte) ciphertextLength};
            in = bytes(innerLength, 3);
            in[size] = 0x17;
            out = new byte[ciphertextLength];
            ring = new byte[RING][];
            ringNonces = new byte[RING][];
            for (int i = 0; i < RING; i++) {
                ringNonces[i] = nonce(iv, i, new byte[AeadAlgorithm.NONCE_LENGTH]);
                ring[i] = new byte[ciphertextLength];
                seal(ringNonces[i], in, ring[i]);
            }
            sequence = RING;
            for (int i = 0; i < RING; i++) {
                if (open(ringNonces[i], ring[i], out) != innerLength
                        || !Arrays.equals(in, 0, innerLength, out, 0, innerLength)) {
                    throw new IllegalStateException("ring ciphertext " + i + " did not open to the plaintext");
                }
            }
        }

        int seal(byte[] nonce, byte[] plaintext, byte[] dst) throws GeneralSecurityException,
                InvalidCipherTextException {
            if (cipher != null) {
                cipher.init(Cipher.ENCRYPT_MODE, jcaKey, spec(nonce));
                cipher.updateAAD(header);
                return cipher.doFinal(plaintext, 0, plaintext.length, dst, 0);
            }
            ccm.init(true, new AEADParameters(bcKey, algorithm.tagLength() * 8, nonce));
            ccm.processAADBytes(header, 0, header.length);
            return ccm.processPacket(plaintext, 0, plaintext.length, dst, 0);
        }

        int open(byte[] nonce, byte[] ciphertext, byte[] dst) throws GeneralSecurityException,
                InvalidCipherTextException {
            if (cipher != null) {
                cipher.init(Cipher.DECRYPT_MODE, jcaKey, spec(nonce));
                cipher.updateAAD(header);
                return cipher.doFinal(ciphertext, 0, ciphertext.length, dst, 0);
            }
            ccm.init(false, new AEADParameters(bcKey, algorithm.tagLength() * 8, nonce));
            ccm.processAADBytes(header, 0, header.length);
            return ccm.processPacket(ciphertext, 0, ciphertext.length, dst, 0);
        }

        private AlgorithmParameterSpec spec(byte[] nonce) {
            return algorithm == AeadAlgorithm.CHACHA20_POLY1305
                    ? new IvParameterSpec(nonce) : new GCMParameterSpec(128, nonce);
        }
    }

    /**
     * Seals one record with our {@link WriteProtection}.
     *
     * @param s the state
     * @return the output buffer, so the work is not dead code
     * @throws TlsException never in practice
     */
    @Benchmark
    public ByteBuf seal(Ours s) throws TlsException {
        ByteBuf out = s.out;
        out.clear();
        s.plaintext.readerIndex(0);
        s.writer.seal(ContentType.APPLICATION_DATA, s.plaintext, out);
        return out;
    }

    /**
     * Copies the next pre-sealed record into the work buffer and opens it with our {@link ReadProtection}.
     *
     * @param s the state
     * @return the content type, so the work is not dead code
     * @throws TlsException never in practice
     */
    @Benchmark
    public ContentType open(Ours s) throws TlsException {
        ByteBuf record = s.copyNext();
        ByteBuf content = s.reader.open(record, PooledByteBufAllocator.DEFAULT);
        if (content != record) {
            content.release();
        }
        if (s.next == 0) {
            s.rewindReader();
        }
        return s.reader.contentType();
    }

    /**
     * The copy part of {@link #open} alone, to be subtracted from it.
     *
     * @param s the state
     * @return the work buffer
     */
    @Benchmark
    public ByteBuf copyOnly(Ours s) {
        return s.copyNext();
    }

    /**
     * Seals one record's worth of plaintext with the raw AEAD on {@code byte[]}.
     *
     * @param c the state
     * @return the ciphertext length
     * @throws Exception never in practice
     */
    @Benchmark
    public int jcaSeal(Ceiling c) throws Exception {
        nonce(c.iv, c.sequence++, c.nonce);
        return c.seal(c.nonce, c.in, c.out);
    }

    /**
     * Opens one of the pre-sealed ciphertexts with the raw AEAD on {@code byte[]}, out of place.
     *
     * @param c the state
     * @return the plaintext length
     * @throws Exception never in practice
     */
    @Benchmark
    public int jcaOpen(Ceiling c) throws Exception {
        int i = c.next;
        c.next = (i + 1) & (RING - 1);
        return c.open(c.ringNonces[i], c.ring[i], c.out);
    }

    static CipherSuiteParams suite(String name) {
        for (CipherSuiteParams p : CipherSuiteParams.ALL) {
            if (name.equals(p.suite().knownName())) {
                return p;
            }
        }
        throw new IllegalArgumentException("not a TLS 1.3 suite: " + name);
    }

    /** RFC 8446 §5.3: the sequence number, big-endian and left-padded, XORed into the IV. */
    static byte[] nonce(byte[] iv, long sequence, byte[] nonce) {
        System.arraycopy(iv, 0, nonce, 0, 4);
        for (int i = 0; i < 8; i++) {
            nonce[11 - i] = (byte) (iv[11 - i] ^ (sequence >>> (8 * i)));
        }
        return nonce;
    }

    static byte[] bytes(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }
}
