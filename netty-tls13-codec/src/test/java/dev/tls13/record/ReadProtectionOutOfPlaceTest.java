package dev.tls13.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.Aead;
import dev.tls13.crypto.AeadAlgorithm;
import dev.tls13.crypto.JcaCryptoProvider;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.wire.ContentType;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ReadProtection#open(ByteBuf, ByteBufAllocator)} decrypting direct records into a new heap buffer
 * when the AEAD says it is faster out of place (the JDK's AES-GCM from JDK 18 on): same content, type and
 * sequence as in place, the new buffer released on every failure, heap records in place. An AEAD wrapper
 * forces the preference, so the path runs on every JDK.
 */
class ReadProtectionOutOfPlaceTest {

    private static final JcaCryptoProvider CRYPTO = JcaCryptoProvider.instance();

    static Stream<AeadAlgorithm> algorithms() {
        return Stream.of(AeadAlgorithm.values());
    }

    /** Delegates to a real AEAD and answers {@link #opensFasterOutOfPlace()} as told. */
    private record Preferring(Aead delegate, boolean outOfPlace) implements Aead {
        @Override
        public AeadAlgorithm algorithm() {
            return delegate.algorithm();
        }

        @Override
        public int seal(byte[] nonce, byte[] aad, byte[] in, int inOff, int inLen, byte[] out, int outOff)
                throws GeneralSecurityException {
            return delegate.seal(nonce, aad, in, inOff, inLen, out, outOff);
        }

        @Override
        public int open(byte[] nonce, byte[] aad, byte[] in, int inOff, int inLen, byte[] out, int outOff)
                throws GeneralSecurityException {
            return delegate.open(nonce, aad, in, inOff, inLen, out, outOff);
        }

        @Override
        public int seal(byte[] nonce, byte[] aad, ByteBuffer plaintext, ByteBuffer out)
                throws GeneralSecurityException {
            return delegate.seal(nonce, aad, plaintext, out);
        }

        @Override
        public int open(byte[] nonce, byte[] aad, ByteBuffer ciphertext, ByteBuffer out)
                throws GeneralSecurityException {
            return delegate.open(nonce, aad, ciphertext, out);
        }

        @Override
        public boolean opensFasterOutOfPlace() {
            return outOfPlace;
        }

        @Override
        public void destroy() {
            delegate.destroy();
        }
    }

    /** Hands out unpooled heap buffers and remembers each, so a test can check they were all released. */
    private static final class RecordingAllocator extends AbstractByteBufAllocator {
        final List<ByteBuf> handedOut = new ArrayList<>();

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            ByteBuf buf = Unpooled.buffer(initialCapacity, maxCapacity);
            handedOut.add(buf);
            return buf;
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            throw new AssertionError("the record layer asked for direct memory");
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }

    private static final class Keys implements AutoCloseable {
        final WriteProtection writer;
        final ReadProtection reader;

        Keys(AeadAlgorithm algorithm, boolean outOfPlace) throws TlsException {
            Random random = new Random(algorithm.ordinal());
            byte[] key = new byte[algorithm.keyLength()];
            byte[] iv = new byte[AeadAlgorithm.NONCE_LENGTH];
            random.nextBytes(key);
            random.nextBytes(iv);
            writer = WriteProtection.install(CRYPTO.aead(algorithm, key), iv, PaddingPolicy.toMultipleOf(64));
            reader = ReadProtection.install(new HandshakeJoiner().aligned(),
                    new Preferring(CRYPTO.aead(algorithm, key), outOfPlace), iv);
        }

        /** @return a direct record sealing {@code data} as {@code type}, as a socket read delivers it */
        ByteBuf sealDirect(ContentType type, byte[] data) throws TlsException {
            ByteBuf heap = seal(type, data);
            try {
                return Unpooled.directBuffer(heap.readableBytes()).writeBytes(heap);
            } finally {
                heap.release();
            }
        }

        /** @return a heap record sealing {@code data} as {@code type} */
        ByteBuf seal(ContentType type, byte[] data) throws TlsException {
            ByteBuf out = Unpooled.buffer();
            ByteBuf plaintext = Unpooled.wrappedBuffer(data);
            try {
                writer.seal(type, plaintext, out);
            } finally {
                plaintext.release();
            }
            return out;
        }

        @Override
        public void close() {
            writer.destroy();
            reader.destroy();
        }
    }

    private static byte[] random(int length, long seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void opensDirectRecordsIntoANewHeapBufferWithTheSameContent(AeadAlgorithm algorithm) throws Exception {
        RecordingAllocator alloc = new RecordingAllocator();
        try (Keys keys = new Keys(algorithm, true)) {
            for (int length : new int[] {1, 15, 16, 17, 1024, Records.MAX_PLAINTEXT_LENGTH}) {
                byte[] data = random(length, length);
                ByteBuf record = keys.sealDirect(ContentType.APPLICATION_DATA, data);
                long sequence = keys.reader.sequenceNumber();
                ByteBuf content = keys.reader.open(record, alloc);
                try {
                    assertNotSame(record, content, "decrypted into a new buffer");
                    assertSame(alloc.handedOut.get(alloc.handedOut.size() - 1), content);
                    assertTrue(content.hasArray(), "on the heap, where the JCA is fastest");
                    assertEquals(1, record.refCnt(), "the record stays the caller's");
                    assertEquals(ContentType.APPLICATION_DATA, keys.reader.contentType());
                    assertArrayEquals(data, ByteBufUtil.getBytes(content));
                    assertEquals(sequence + 1, keys.reader.sequenceNumber());
                } finally {
                    content.release();
                    record.release();
                }
            }
            ByteBuf record = keys.sealDirect(ContentType.HANDSHAKE, random(5000, 7));
            ByteBuf content = keys.reader.open(record, alloc);
            try {
                assertEquals(ContentType.HANDSHAKE, keys.reader.contentType());
                assertArrayEquals(random(5000, 7), ByteBufUtil.getBytes(content));
            } finally {
                content.release();
                record.release();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void heapRecordsStayInPlaceAndAllocateNothing(AeadAlgorithm algorithm) throws Exception {
        RecordingAllocator alloc = new RecordingAllocator();
        try (Keys keys = new Keys(algorithm, true)) {
            byte[] data = random(3000, 9);
            ByteBuf record = keys.seal(ContentType.APPLICATION_DATA, data);
            try {
                assertSame(record, keys.reader.open(record, alloc));
                assertArrayEquals(data, ByteBufUtil.getBytes(record));
                assertTrue(alloc.handedOut.isEmpty());
            } finally {
                record.release();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void releasesTheNewBufferWhenAuthenticationFails(AeadAlgorithm algorithm) throws Exception {
        RecordingAllocator alloc = new RecordingAllocator();
        try (Keys keys = new Keys(algorithm, true)) {
            ByteBuf record = keys.sealDirect(ContentType.APPLICATION_DATA, random(300, 3));
            int last = record.writerIndex() - 1;
            record.setByte(last, record.getByte(last) ^ 1);
            long sequence = keys.reader.sequenceNumber();
            try {
                TlsException e = assertThrows(TlsException.class, () -> keys.reader.open(record, alloc));
                assertInstanceOf(TlsFailure.DecryptFailed.class, e.failure());
            } finally {
                record.release();
            }
            assertEquals(1, alloc.handedOut.size());
            assertEquals(0, alloc.handedOut.get(0).refCnt(), "the new buffer was released");
            assertEquals(sequence, keys.reader.sequenceNumber(), "a failed record does not count");
        }
    }

    @Test
    void releasesTheNewBufferWhenTheContentIsInvalid() throws Exception {
        RecordingAllocator alloc = new RecordingAllocator();
        try (Keys keys = new Keys(AeadAlgorithm.AES_128_GCM, true)) {
            // Authentic, but an alert of three bytes breaks RFC 8446 §6 (decode_error after decryption).
            ByteBuf record = keys.sealDirect(ContentType.ALERT, new byte[] {2, 40, 0});
            try {
                assertThrows(TlsException.class, () -> keys.reader.open(record, alloc));
            } finally {
                record.release();
            }
            assertEquals(1, alloc.handedOut.size());
            assertEquals(0, alloc.handedOut.get(0).refCnt(), "the new buffer was released");
        }
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void staysInPlaceAndAllocatesNothingWhenTheAeadPrefersInPlace(AeadAlgorithm algorithm) throws Exception {
        RecordingAllocator alloc = new RecordingAllocator();
        try (Keys keys = new Keys(algorithm, false)) {
            byte[] data = random(1000, 5);
            ByteBuf record = keys.sealDirect(ContentType.APPLICATION_DATA, data);
            try {
                assertSame(record, keys.reader.open(record, alloc));
                assertArrayEquals(data, ByteBufUtil.getBytes(record));
                assertTrue(alloc.handedOut.isEmpty());
            } finally {
                record.release();
            }
        }
    }

    @Test
    void unprotectedRecordsStayInPlace() throws Exception {
        RecordingAllocator alloc = new RecordingAllocator();
        try (Keys keys = new Keys(AeadAlgorithm.AES_128_GCM, true)) {
            // RFC 8446 §5: change_cipher_spec is never protected.
            ByteBuf ccs = Unpooled.directBuffer(6).writeBytes(new byte[] {20, 3, 3, 0, 1, 1});
            try {
                assertSame(ccs, keys.reader.open(ccs, alloc));
                assertEquals(ContentType.CHANGE_CIPHER_SPEC, keys.reader.contentType());
                assertEquals(1, ccs.readableBytes());
                assertTrue(alloc.handedOut.isEmpty());
            } finally {
                ccs.release();
            }
        }
    }
}
