package dev.tls13.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.AeadAlgorithm;
import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.crypto.JcaCryptoProvider;
import dev.tls13.error.InvalidMessage;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.ContentType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Seal/open of every suite: round trips, tampering, sequence numbers, limits (RFC 8446 §5.2–§5.4). */
class RecordProtectionTest {

    private static final JcaCryptoProvider CRYPTO = JcaCryptoProvider.instance();

    static Stream<CipherSuiteParams> suites() {
        return CipherSuiteParams.ALL.stream();
    }

    static Stream<Arguments> suitesAndPadding() {
        return suites().flatMap(s -> Stream.of(Arguments.of(s, false), Arguments.of(s, true)));
    }

    /** A matched writer and reader for one suite. */
    private static final class Pair implements AutoCloseable {
        final WriteProtection writer;
        final ReadProtection reader;

        Pair(CipherSuiteParams suite, PaddingPolicy padding, long seed) throws TlsException {
            Random random = new Random(seed);
            byte[] key = new byte[suite.aead().keyLength()];
            byte[] iv = new byte[AeadAlgorithm.NONCE_LENGTH];
            random.nextBytes(key);
            random.nextBytes(iv);
            writer = WriteProtection.install(CRYPTO.aead(suite.aead(), key), iv, padding);
            reader = ReadProtection.install(new HandshakeJoiner().aligned(), CRYPTO.aead(suite.aead(), key), iv);
        }

        @Override
        public void close() {
            writer.destroy();
            reader.destroy();
        }
    }

    private static List<Integer> sampledLengths() {
        List<Integer> lengths = new ArrayList<>();
        for (int i = 0; i <= 300; i++) {
            lengths.add(i);
        }
        for (int i = 301; i < Records.MAX_PLAINTEXT_LENGTH - 1; i += 997) {
            lengths.add(i);
        }
        lengths.add(Records.MAX_PLAINTEXT_LENGTH - 1);
        lengths.add(Records.MAX_PLAINTEXT_LENGTH);
        return lengths;
    }

    @ParameterizedTest
    @MethodSource("suitesAndPadding")
    void roundTripsEveryPlaintextLengthUpTo2To14(CipherSuiteParams suite, boolean pad) throws Exception {
        PaddingPolicy padding = pad ? PaddingPolicy.toMultipleOf(64) : PaddingPolicy.none();
        byte[] data = new byte[Records.MAX_PLAINTEXT_LENGTH];
        new Random(1).nextBytes(data);
        int tag = suite.aead().tagLength();
        try (Pair p = new Pair(suite, padding, 2)) {
            RecordDeframer deframer = new RecordDeframer();
            ByteBuf out = Unpooled.buffer();
            try {
                long seq = 0;
                for (int len : sampledLengths()) {
                    ContentType type = len == 0 ? ContentType.APPLICATION_DATA
                            : len % 3 == 0 ? ContentType.HANDSHAKE : ContentType.APPLICATION_DATA;
                    ByteBuf in = Unpooled.wrappedBuffer(data, 0, len);
                    out.clear();
                    p.writer.seal(type, in, out);
                    assertEquals(0, in.readableBytes());
                    in.release();
                    int inner = len + 1;
                    int expectedPad = pad ? Math.min((64 - inner % 64) % 64, Records.MAX_PLAINTEXT_LENGTH - len) : 0;
                    assertEquals(Records.HEADER_LENGTH + inner + expectedPad + tag, out.readableBytes(), "len " + len);
                    assertEquals(out.readableBytes(), p.writer.recordLength(type, len));
                    assertTrue(out.readableBytes() - Records.HEADER_LENGTH <= Records.MAX_CIPHERTEXT_LENGTH);
                    assertEquals(++seq, p.writer.sequenceNumber());

                    ByteBuf record = deframer.next(out);
                    assertNotNull(record);
                    try {
                        assertEquals(type, p.reader.open(record));
                        assertEquals(len, record.readableBytes());
                        assertTrue(sameBytes(record, data, len), "len " + len);
                    } finally {
                        record.release();
                    }
                    assertEquals(seq, p.reader.sequenceNumber());
                }
            } finally {
                out.release();
            }
        }
    }

    /**
     * Netty's default allocator hands out direct buffers that report a memory address; the writer copies
     * from it by address where Netty can (with Unsafe) and through getBytes() where it cannot (JDK 25 by
     * default): either way the record equals one sealed from a heap copy of the content.
     */
    @ParameterizedTest
    @MethodSource("suites")
    void sealsPooledDirectContentLikeHeapContent(CipherSuiteParams suite) throws Exception {
        byte[] data = new byte[1500];
        new Random(5).nextBytes(data);
        try (Pair p = new Pair(suite, PaddingPolicy.none(), 6); Pair ref = new Pair(suite, PaddingPolicy.none(), 6)) {
            for (int len : new int[] {1, 64, 1024, 1500}) {
                ByteBuf pooled = ByteBufAllocator.DEFAULT.directBuffer(len).writeBytes(data, 0, len);
                ByteBuf src = pooled.retainedDuplicate();
                ByteBuf expected = Unpooled.buffer();
                ByteBuf out = Unpooled.buffer();
                try {
                    seal(ref.writer, ContentType.APPLICATION_DATA, data, 0, len, expected);
                    p.writer.seal(ContentType.APPLICATION_DATA, src, out);
                    assertEquals(0, src.readableBytes(), "content consumed, len " + len);
                    assertTrue(ByteBufUtil.equals(expected, out), "len " + len);
                    ByteBuf record = new RecordDeframer().next(out);
                    try {
                        assertEquals(ContentType.APPLICATION_DATA, p.reader.open(record));
                        assertTrue(sameBytes(record, data, len));
                    } finally {
                        record.release();
                    }
                } finally {
                    pooled.release();
                    src.release();
                    expected.release();
                    out.release();
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("suites")
    void sealsIntoDirectAndCompositeBuffersAndOpensThemInPlace(CipherSuiteParams suite) throws Exception {
        byte[] data = new byte[5000];
        new Random(3).nextBytes(data);
        try (Pair p = new Pair(suite, PaddingPolicy.toMultipleOf(16), 4);
                Pair ref = new Pair(suite, PaddingPolicy.toMultipleOf(16), 4);
                Pair third = new Pair(suite, PaddingPolicy.toMultipleOf(16), 4)) {
            for (int len : new int[] {0, 1, 100, 5000}) {
                ByteBuf direct = Unpooled.directBuffer(16);
                CompositeByteBuf composite = Unpooled.compositeBuffer();
                ByteBuf heap = Unpooled.buffer();
                ByteBuf src = Unpooled.directBuffer(len).writeBytes(data, 0, len);
                try {
                    seal(ref.writer, ContentType.APPLICATION_DATA, data, 0, len, heap);
                    p.writer.seal(ContentType.APPLICATION_DATA, src.duplicate(), direct);
                    assertTrue(ByteBufUtil.equals(heap, direct), "direct, len " + len);
                    // The same record again, by a third writer with the same key, into a composite buffer.
                    composite.addComponent(true, Unpooled.wrappedBuffer(new byte[3]));
                    composite.skipBytes(3);
                    third.writer.seal(ContentType.APPLICATION_DATA, src.duplicate(), composite);
                    assertTrue(ByteBufUtil.equals(heap, composite), "composite, len " + len);

                    ByteBuf record = new RecordDeframer().next(direct);
                    try {
                        assertEquals(ContentType.APPLICATION_DATA, p.reader.open(record));
                        assertTrue(sameBytes(record, data, len));
                    } finally {
                        record.release();
                    }
                    // A record split over two components opens too, at the same sequence number.
                    ((Tls13ReadProtection) p.reader).sequenceNumber(p.reader.sequenceNumber() - 1);
                    int half = heap.readableBytes() / 2;
                    CompositeByteBuf split = Unpooled.compositeBuffer().addComponents(true,
                            heap.retainedSlice(0, half), heap.retainedSlice(half, heap.readableBytes() - half));
                    try {
                        assertEquals(ContentType.APPLICATION_DATA, p.reader.open(split));
                        assertTrue(sameBytes(split, data, len));
                    } finally {
                        split.release();
                    }
                } finally {
                    direct.release();
                    composite.release();
                    heap.release();
                    src.release();
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("suites")
    void rejectsEverySampledSingleBitFlipOfASealedRecord(CipherSuiteParams suite) throws Exception {
        try (Pair p = new Pair(suite, PaddingPolicy.none(), 5)) {
            ByteBuf sealed = Unpooled.buffer();
            ByteBuf payload = Unpooled.wrappedBuffer(new byte[64]);
            p.writer.seal(ContentType.APPLICATION_DATA, payload, sealed);
            payload.release();
            byte[] good = ByteBufUtil.getBytes(sealed);
            sealed.release();
            int rejected = 0;
            for (int bit = 0; bit < good.length * 8; bit += bit < 40 ? 1 : 7) {
                byte[] bad = good.clone();
                bad[bit / 8] ^= (byte) (1 << (bit % 8));
                ByteBuf wire = Unpooled.wrappedBuffer(bad);
                ByteBuf record = null;
                try {
                    record = new RecordDeframer().next(wire);
                    if (record == null) {
                        // A longer length field: the record never completes, nothing is delivered.
                        assertTrue(bit >= 24 && bit < 40, "bit " + bit);
                        rejected++;
                        continue;
                    }
                    ByteBuf r = record;
                    TlsException e = assertThrows(TlsException.class, () -> p.reader.open(r), "bit " + bit);
                    if (bit >= 40) {
                        assertInstanceOf(TlsFailure.DecryptFailed.class, e.failure(), "bit " + bit);
                        assertEquals(AlertDescription.BAD_RECORD_MAC, e.failure().alert());
                    }
                    rejected++;
                } catch (TlsException e) {
                    assertTrue(bit < 40, "bit " + bit + ": " + e.getMessage());
                    rejected++;
                } finally {
                    wire.release();
                    if (record != null) {
                        record.release();
                    }
                }
                assertEquals(0, p.reader.sequenceNumber());
            }
            assertTrue(rejected > 100);
            // The untouched record still opens: failures did not advance the sequence number.
            ByteBuf record = Unpooled.wrappedBuffer(good);
            try {
                assertEquals(ContentType.APPLICATION_DATA, p.reader.open(record));
                assertEquals(64, record.readableBytes());
            } finally {
                record.release();
            }
        }
    }

    @Test
    void ccm8RecordsAreEightBytesShorterThanCcm() throws Exception {
        try (Pair ccm = new Pair(CipherSuiteParams.AES_128_CCM_SHA256, PaddingPolicy.none(), 6);
                Pair ccm8 = new Pair(CipherSuiteParams.AES_128_CCM_8_SHA256, PaddingPolicy.none(), 6)) {
            ByteBuf a = Unpooled.buffer();
            ByteBuf b = Unpooled.buffer();
            try {
                seal(ccm.writer, ContentType.APPLICATION_DATA, new byte[100], a);
                seal(ccm8.writer, ContentType.APPLICATION_DATA, new byte[100], b);
                assertEquals(a.readableBytes() - 8, b.readableBytes());
                assertEquals(5 + 101 + 16, a.readableBytes());
            } finally {
                a.release();
                b.release();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("suites")
    void refusesToWrapTheSequenceNumber(CipherSuiteParams suite) throws Exception {
        try (Pair p = new Pair(suite, PaddingPolicy.none(), 7)) {
            ByteBuf out = Unpooled.buffer();
            try {
                ((Tls13WriteProtection) p.writer).sequenceNumber(-2L);
                ((Tls13ReadProtection) p.reader).sequenceNumber(-2L);
                seal(p.writer, ContentType.APPLICATION_DATA, new byte[3], out);
                assertEquals(-1L, p.writer.sequenceNumber());
                ByteBuf record = out.retainedSlice();
                try {
                    assertEquals(ContentType.APPLICATION_DATA, p.reader.open(record));
                } finally {
                    record.release();
                }
                assertEquals(-1L, p.reader.sequenceNumber());
                int before = out.writerIndex();
                TlsException w = assertThrows(TlsException.class,
                        () -> seal(p.writer, ContentType.APPLICATION_DATA, new byte[3], out));
                assertInstanceOf(TlsFailure.Internal.class, w.failure());
                assertEquals(before, out.writerIndex());
                TlsException r = assertThrows(TlsException.class, () -> p.reader.open(out));
                assertEquals(AlertDescription.INTERNAL_ERROR, r.failure().alert());
            } finally {
                out.release();
            }
        }
    }

    @Test
    void usesTheSequenceNumberInTheNonceSoRecordsCannotBeReordered() throws Exception {
        try (Pair p = new Pair(CipherSuiteParams.AES_128_GCM_SHA256, PaddingPolicy.none(), 8)) {
            ByteBuf first = Unpooled.buffer();
            ByteBuf second = Unpooled.buffer();
            try {
                seal(p.writer, ContentType.APPLICATION_DATA, new byte[10], first);
                seal(p.writer, ContentType.APPLICATION_DATA, new byte[10], second);
                assertTrue(!ByteBufUtil.equals(first, second));
                TlsException e = assertThrows(TlsException.class, () -> p.reader.open(second));
                assertInstanceOf(TlsFailure.DecryptFailed.class, e.failure());
            } finally {
                first.release();
                second.release();
            }
        }
    }

    /**
     * Content and record in one shared array (as pooled heap buffers of one chunk are), content after and
     * before the record, with and without padding: the record opens to the content either way.
     */
    @ParameterizedTest
    @MethodSource("suitesAndPadding")
    void sealsContentSharingTheRecordsArray(CipherSuiteParams suite, boolean pad) throws Exception {
        PaddingPolicy padding = pad ? PaddingPolicy.toMultipleOf(64) : PaddingPolicy.none();
        byte[] content = new byte[3000];
        new Random(9).nextBytes(content);
        for (boolean contentFirst : new boolean[] {true, false}) {
            try (Pair p = new Pair(suite, padding, 10)) {
                ByteBuf shared = Unpooled.buffer(16384, 16384);
                try {
                    int contentAt = contentFirst ? 0 : 8192;
                    int recordAt = contentFirst ? 4096 : 0;
                    ByteBuf plaintext = shared.slice(contentAt, content.length).clear();
                    plaintext.writeBytes(content);
                    ByteBuf out = shared.slice(recordAt, 4096).clear();
                    p.writer.seal(ContentType.APPLICATION_DATA, plaintext, out);
                    assertEquals(content.length, plaintext.readerIndex());
                    ByteBuf record = Unpooled.copiedBuffer(out);
                    try {
                        assertEquals(ContentType.APPLICATION_DATA, p.reader.open(record));
                        assertTrue(sameBytes(record, content, content.length), "content first: " + contentFirst);
                    } finally {
                        record.release();
                    }
                } finally {
                    shared.release();
                }
            }
        }
    }

    @Test
    void rejectsInnerPlaintextWithoutContentType() throws Exception {
        assertInner(new byte[20], PaddingPolicy.none(), InvalidMessage.NO_CONTENT_TYPE);
    }

    @Test
    void rejectsEmptyProtectedHandshakeAndAlertAndOverlongAlert() throws Exception {
        assertInner(new byte[] {0x16}, PaddingPolicy.none(), InvalidMessage.EMPTY_HANDSHAKE_RECORD);
        assertInner(new byte[] {0x15, 0, 0}, PaddingPolicy.none(), InvalidMessage.EMPTY_ALERT_RECORD);
        assertInner(new byte[] {1, 0, 0, 0x15}, PaddingPolicy.none(), InvalidMessage.BAD_ALERT);
        assertInner(new byte[] {1, 0, 0x19, 0}, PaddingPolicy.none(), InvalidMessage.UNKNOWN_CONTENT_TYPE);
    }

    @Test
    void rejectsInnerPlaintextLongerThan2To14PlusOne() throws Exception {
        byte[] inner = new byte[Records.MAX_INNER_PLAINTEXT_LENGTH + 1];
        inner[0] = 0x17;
        assertInner(inner, PaddingPolicy.none(), InvalidMessage.RECORD_OVERFLOW);
    }

    @Test
    void acceptsInnerPlaintextOfExactly2To14PlusOneWithPadding() throws Exception {
        byte[] inner = new byte[Records.MAX_INNER_PLAINTEXT_LENGTH];
        inner[0] = 0x42;
        inner[1] = 0x17;
        ByteBuf record = protectRaw(inner);
        try (Pair p = new Pair(CipherSuiteParams.AES_128_GCM_SHA256, PaddingPolicy.none(), 9)) {
            assertEquals(ContentType.APPLICATION_DATA, p.reader.open(record));
            assertEquals(1, record.readableBytes());
            assertEquals(0x42, record.getByte(record.readerIndex()));
        } finally {
            record.release();
        }
    }

    @Test
    void rejectsProtectedChangeCipherSpec() throws Exception {
        ByteBuf record = protectRaw(new byte[] {1, 0x14});
        try (Pair p = new Pair(CipherSuiteParams.AES_128_GCM_SHA256, PaddingPolicy.none(), 9)) {
            TlsException e = assertThrows(TlsException.class, () -> p.reader.open(record));
            assertEquals(new TlsFailure.Misbehaved(PeerMisbehaved.UNEXPECTED_CHANGE_CIPHER_SPEC,
                    "protected (RFC 8446 §5)"), e.failure());
        } finally {
            record.release();
        }
    }

    @Test
    void rejectsCiphertextShorterThanTheTagAsBadRecordMac() throws Exception {
        ByteBuf record = Unpooled.wrappedBuffer(new byte[] {0x17, 3, 3, 0, 15}, new byte[15]);
        try (Pair p = new Pair(CipherSuiteParams.AES_128_GCM_SHA256, PaddingPolicy.none(), 9)) {
            TlsException e = assertThrows(TlsException.class, () -> p.reader.open(record));
            assertEquals(AlertDescription.BAD_RECORD_MAC, e.failure().alert());
        } finally {
            record.release();
        }
    }

    @Test
    void passesPlaintextChangeCipherSpecAndAlertButNotHandshakeOnceProtected() throws Exception {
        try (Pair p = new Pair(CipherSuiteParams.AES_128_GCM_SHA256, PaddingPolicy.none(), 9)) {
            ByteBuf ccs = Unpooled.wrappedBuffer(new byte[] {0x14, 3, 3, 0, 1, 1});
            ByteBuf alert = Unpooled.wrappedBuffer(new byte[] {0x15, 3, 3, 0, 2, 2, 40});
            ByteBuf hs = Unpooled.wrappedBuffer(new byte[] {0x16, 3, 3, 0, 1, 1});
            try {
                assertEquals(ContentType.CHANGE_CIPHER_SPEC, p.reader.open(ccs));
                assertEquals(1, ccs.readableBytes());
                assertEquals(ContentType.ALERT, p.reader.open(alert));
                assertArrayEquals(new byte[] {2, 40}, ByteBufUtil.getBytes(alert));
                TlsException e = assertThrows(TlsException.class, () -> p.reader.open(hs));
                assertEquals(AlertDescription.UNEXPECTED_MESSAGE, e.failure().alert());
                assertEquals(0, p.reader.sequenceNumber());
            } finally {
                ccs.release();
                alert.release();
                hs.release();
            }
        }
    }

    @Test
    void writesChangeCipherSpecInPlaintextWithoutUsingASequenceNumber() throws Exception {
        try (Pair p = new Pair(CipherSuiteParams.AES_128_GCM_SHA256, PaddingPolicy.none(), 9)) {
            ByteBuf out = Unpooled.buffer();
            try {
                seal(p.writer, ContentType.CHANGE_CIPHER_SPEC, new byte[] {1}, out);
                assertEquals("140303000101", ByteBufUtil.hexDump(out));
                assertEquals(0, p.writer.sequenceNumber());
            } finally {
                out.release();
            }
        }
    }

    @Test
    void plaintextReaderRejectsApplicationDataLongerThan2To14() throws Exception {
        ByteBuf record = Unpooled.buffer();
        record.writeBytes(new byte[] {0x17, 3, 3, 0x40, 0x01}).writeZero(Records.MAX_PLAINTEXT_LENGTH + 1);
        try {
            TlsException e = assertThrows(TlsException.class, () -> ReadProtection.plaintext().open(record));
            assertEquals(AlertDescription.RECORD_OVERFLOW, e.failure().alert());
        } finally {
            record.release();
        }
    }

    @Test
    void refusesToSealMoreThan2To14Bytes() throws Exception {
        try (Pair p = new Pair(CipherSuiteParams.AES_128_GCM_SHA256, PaddingPolicy.none(), 9)) {
            ByteBuf big = Unpooled.buffer().writeZero(Records.MAX_PLAINTEXT_LENGTH + 1);
            ByteBuf out = Unpooled.buffer();
            try {
                assertThrows(IllegalArgumentException.class,
                        () -> p.writer.seal(ContentType.APPLICATION_DATA, big, out));
                assertThrows(IllegalArgumentException.class,
                        () -> WriteProtection.plaintext().seal(ContentType.HANDSHAKE, big, out));
                assertEquals(0, out.readableBytes());
            } finally {
                big.release();
                out.release();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("suites")
    void fragmentsALargePlaintextIntoRecordsOfAtMostTheMaximum(CipherSuiteParams suite) throws Exception {
        byte[] data = new byte[40_000];
        new Random(10).nextBytes(data);
        try (Pair p = new Pair(suite, PaddingPolicy.none(), 11)) {
            for (int max : new int[] {Records.MAX_PLAINTEXT_LENGTH, 1000}) {
                ByteBuf in = Unpooled.wrappedBuffer(data);
                ByteBuf out = Unpooled.buffer();
                ByteBuf joined = Unpooled.buffer();
                try {
                    int expected = p.writer.sealedLength(ContentType.HANDSHAKE, data.length, max);
                    p.writer.sealFragmented(ContentType.HANDSHAKE, in, max, out);
                    assertEquals(expected, out.readableBytes());
                    RecordDeframer deframer = new RecordDeframer();
                    int records = 0;
                    for (ByteBuf r; (r = deframer.next(out)) != null; records++) {
                        try {
                            assertEquals(ContentType.HANDSHAKE, p.reader.open(r));
                            assertTrue(r.readableBytes() <= max);
                            joined.writeBytes(r);
                        } finally {
                            r.release();
                        }
                    }
                    assertEquals((data.length + max - 1) / max, records);
                    assertArrayEquals(data, ByteBufUtil.getBytes(joined));
                } finally {
                    in.release();
                    out.release();
                    joined.release();
                }
            }
        }
    }

    @Test
    void writesPlaintextRecordsFragmentedWithTheirLegacyVersion() throws Exception {
        ByteBuf in = Unpooled.buffer().writeZero(Records.MAX_PLAINTEXT_LENGTH + 10);
        ByteBuf out = Unpooled.buffer();
        try {
            WriteProtection.initialPlaintext().sealFragmented(ContentType.HANDSHAKE, in, Records.MAX_PLAINTEXT_LENGTH,
                    out);
            assertEquals("1603014000", ByteBufUtil.hexDump(out, 0, 5));
            assertEquals("160301000a", ByteBufUtil.hexDump(out, 5 + Records.MAX_PLAINTEXT_LENGTH, 5));
            assertEquals(2 * 5 + Records.MAX_PLAINTEXT_LENGTH + 10, out.readableBytes());
        } finally {
            in.release();
            out.release();
        }
    }

    @Test
    void mapsTheFiveTls13SuitesAndNothingElse() {
        assertEquals(AeadAlgorithm.AES_256_GCM,
                CipherSuiteParams.of(CipherSuite.TLS_AES_256_GCM_SHA384).aead());
        assertEquals(HashAlgorithm.SHA384,
                CipherSuiteParams.of(CipherSuite.TLS_AES_256_GCM_SHA384).hash());
        assertEquals(AeadAlgorithm.AES_128_CCM_8,
                CipherSuiteParams.of(CipherSuite.of(0x1305)).aead());
        assertEquals(5, CipherSuiteParams.ALL.size());
        assertTrue(CipherSuiteParams.find(CipherSuite.of(0xC02F)).isEmpty());
        assertThrows(IllegalArgumentException.class,
                () -> CipherSuiteParams.of(CipherSuite.TLS_EMPTY_RENEGOTIATION_INFO_SCSV));
    }

    /** Encrypts an arbitrary TLSInnerPlaintext as sequence number 0 of the key {@code Pair(GCM, 9)} uses. */
    private static ByteBuf protectRaw(byte[] inner) throws Exception {
        Random random = new Random(9);
        byte[] key = new byte[16];
        byte[] iv = new byte[12];
        random.nextBytes(key);
        random.nextBytes(iv);
        int len = inner.length + 16;
        byte[] record = new byte[5 + len];
        record[0] = 0x17;
        record[1] = 3;
        record[2] = 3;
        record[3] = (byte) (len >>> 8);
        record[4] = (byte) len;
        CRYPTO.aead(AeadAlgorithm.AES_128_GCM, key).seal(iv, Arrays.copyOf(record, 5), inner, 0,
                inner.length, record, 5);
        return Unpooled.wrappedBuffer(record);
    }

    private static void assertInner(byte[] inner, PaddingPolicy padding, InvalidMessage expected) throws Exception {
        ByteBuf record = protectRaw(inner);
        try (Pair p = new Pair(CipherSuiteParams.AES_128_GCM_SHA256, padding, 9)) {
            TlsException e = assertThrows(TlsException.class, () -> p.reader.open(record));
            assertInstanceOf(TlsFailure.Invalid.class, e.failure());
            assertEquals(expected, ((TlsFailure.Invalid) e.failure()).reason());
            assertEquals(0, p.reader.sequenceNumber());
        } finally {
            record.release();
        }
    }

    private static boolean sameBytes(ByteBuf buf, byte[] data, int len) {
        return Arrays.equals(ByteBufUtil.getBytes(buf), Arrays.copyOf(data, len));
    }

    /** Seals {@code data} (or its first {@code len} bytes) through a wrapping buffer that is released. */
    private static void seal(WriteProtection writer, ContentType type, byte[] data, ByteBuf out) throws TlsException {
        seal(writer, type, data, 0, data.length, out);
    }

    private static void seal(WriteProtection writer, ContentType type, byte[] data, int off, int len, ByteBuf out)
            throws TlsException {
        ByteBuf in = Unpooled.wrappedBuffer(data, off, len);
        try {
            writer.seal(type, in, out);
        } finally {
            in.release();
        }
    }
}
