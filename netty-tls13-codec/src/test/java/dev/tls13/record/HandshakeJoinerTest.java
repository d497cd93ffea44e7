package dev.tls13.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.error.InvalidMessage;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.ContentType;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link HandshakeJoiner}: reassembly, caps before allocation, alignment and interleaving (RFC 8446 §5.1). */
class HandshakeJoinerTest {

    private static byte[] message(int type, int bodyLength, long seed) {
        byte[] m = new byte[4 + bodyLength];
        new Random(seed).nextBytes(m);
        m[0] = (byte) type;
        m[1] = (byte) (bodyLength >>> 16);
        m[2] = (byte) (bodyLength >>> 8);
        m[3] = (byte) bodyLength;
        return m;
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuf b = Unpooled.buffer();
        try {
            for (byte[] p : parts) {
                b.writeBytes(p);
            }
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    /** Feeds {@code data} cut at {@code cuts}, one record per piece, and collects every message. */
    private static List<byte[]> join(HandshakeJoiner joiner, byte[] data, int... cuts) throws TlsException {
        List<byte[]> messages = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : data.length;
            ByteBuf record = Unpooled.wrappedBuffer(data, from, to - from);
            try {
                joiner.add(record);
                assertEquals(to - from, record.readableBytes(), "add() leaves the record's indices alone");
            } finally {
                record.release();
            }
            from = to;
            for (ByteBuf m; (m = joiner.next()) != null; ) {
                try {
                    messages.add(ByteBufUtil.getBytes(m));
                } finally {
                    m.release();
                }
            }
        }
        return messages;
    }

    @Test
    void joinsCertificateSplitAcrossThreeRecords() throws Exception {
        byte[] cert = message(0x0B, 40_000, 1);
        HandshakeJoiner joiner = new HandshakeJoiner();
        try {
            List<byte[]> out = join(joiner, cert, 2, Records.MAX_PLAINTEXT_LENGTH + 2);
            assertEquals(1, out.size());
            assertEquals(ByteBufUtil.hexDump(cert), ByteBufUtil.hexDump(out.get(0)));
            assertFalse(joiner.hasPending());
        } finally {
            joiner.release();
        }
    }

    @Test
    void splitsThreeMessagesInOneRecordWithoutCopying() throws Exception {
        byte[] ee = message(0x08, 10, 2);
        byte[] cert = message(0x0B, 300, 3);
        byte[] fin = message(0x14, 32, 4);
        byte[] record = concat(ee, cert, fin);
        ByteBuf buf = Unpooled.wrappedBuffer(record);
        HandshakeJoiner joiner = new HandshakeJoiner();
        try {
            joiner.add(buf);
            byte[][] expected = {ee, cert, fin};
            for (byte[] e : expected) {
                ByteBuf m = joiner.next();
                assertNotNull(m);
                try {
                    assertEquals(ByteBufUtil.hexDump(e), ByteBufUtil.hexDump(m));
                    // A slice of the record itself: same memory, nothing copied.
                    assertTrue(m.unwrap() == buf || m.unwrap() == buf.unwrap(), "slice of the record");
                } finally {
                    m.release();
                }
            }
            assertNull(joiner.next());
            assertFalse(joiner.hasPending());
        } finally {
            buf.release();
            joiner.release();
        }
    }

    @Test
    void reassemblesMessagesAtEverySplitPoint() throws Exception {
        byte[] a = message(0x08, 7, 5);
        byte[] b = message(0x0B, 50, 6);
        byte[] c = message(0x14, 0, 7);
        byte[] d = message(0x0F, 20, 8);
        byte[] data = concat(a, b, c, d);
        for (int x = 1; x < data.length; x++) {
            for (int y = x + 1; y < data.length; y += 3) {
                HandshakeJoiner joiner = new HandshakeJoiner();
                try {
                    List<byte[]> out = join(joiner, data, x, y);
                    assertEquals(4, out.size(), "cuts " + x + ", " + y);
                    assertEquals(ByteBufUtil.hexDump(data), ByteBufUtil.hexDump(concat(out.toArray(new byte[0][]))));
                    assertFalse(joiner.hasPending());
                } finally {
                    joiner.release();
                }
            }
        }
    }

    @Test
    void rejectsAnOverCapHeaderBeforeAllocatingAnything() throws Exception {
        int[] allocations = {0};
        ByteBufAllocator counting = new AbstractByteBufAllocator(false) {
            @Override
            protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
                allocations[0]++;
                return UnpooledByteBufAllocator.DEFAULT.heapBuffer(initialCapacity, maxCapacity);
            }

            @Override
            protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
                allocations[0]++;
                return UnpooledByteBufAllocator.DEFAULT.directBuffer(initialCapacity, maxCapacity);
            }

            @Override
            public boolean isDirectBufferPooled() {
                return false;
            }
        };
        // A ClientHello claiming 16 MiB, whose header is split over two records, and one whose header is whole.
        byte[] header = {0x01, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0, 0};
        HandshakeJoiner joiner = new HandshakeJoiner(counting, 1000, 2000);
        try {
            TlsException e = assertThrows(TlsException.class, () -> join(joiner, header, 2));
            assertEquals(new TlsFailure.Invalid(InvalidMessage.HANDSHAKE_MESSAGE_TOO_LARGE,
                    "client_hello of 16777219 bytes, limit 1000"), e.failure());
            assertEquals(AlertDescription.DECODE_ERROR, e.failure().alert());
        } finally {
            joiner.release();
        }
        // Only the 4-byte header buffer for the split header was allocated, never the claimed size.
        assertTrue(allocations[0] <= 1, "allocations: " + allocations[0]);

        HandshakeJoiner whole = new HandshakeJoiner(counting, 1000, 2000);
        allocations[0] = 0;
        try {
            assertThrows(TlsException.class, () -> join(whole, header));
            assertEquals(0, allocations[0]);
        } finally {
            whole.release();
        }
    }

    @Test
    void appliesTheLargerCapToCertificateOnly() throws Exception {
        HandshakeJoiner joiner = new HandshakeJoiner(ByteBufAllocator.DEFAULT, 100, 1000);
        try {
            assertEquals(1, join(joiner, message(0x0B, 900, 9), 500).size());
            assertThrows(TlsException.class, () -> join(joiner, message(0x0F, 97, 10), 50));
        } finally {
            joiner.release();
        }
        HandshakeJoiner defaults = new HandshakeJoiner();
        try {
            assertEquals(1, join(defaults, message(0x0B, 200_000, 11), 16384, 32768, 49152).size());
            TlsException e = assertThrows(TlsException.class, () -> join(defaults, message(0x08, 70_000, 12), 16384));
            assertEquals(InvalidMessage.HANDSHAKE_MESSAGE_TOO_LARGE, ((TlsFailure.Invalid) e.failure()).reason());
        } finally {
            defaults.release();
        }
    }

    @Test
    void refusesAlignmentWhileAFragmentIsPending() throws Exception {
        byte[] fin = message(0x14, 32, 13);
        HandshakeJoiner joiner = new HandshakeJoiner();
        try {
            assertNotNull(joiner.aligned());
            assertTrue(join(joiner, Arrays.copyOf(fin, 10)).isEmpty());
            assertTrue(joiner.hasPending());
            TlsException e = assertThrows(TlsException.class, joiner::aligned);
            assertEquals(new TlsFailure.Misbehaved(PeerMisbehaved.KEY_CHANGE_NOT_ALIGNED, ""), e.failure());
            assertEquals(AlertDescription.UNEXPECTED_MESSAGE, e.failure().alert());
            assertEquals(1, join(joiner, Arrays.copyOfRange(fin, 10, fin.length)).size());
            assertNotNull(joiner.aligned());
        } finally {
            joiner.release();
        }
    }

    @Test
    void refusesAlignmentWhileAWholeMessageIsNotTaken() throws Exception {
        ByteBuf record = Unpooled.wrappedBuffer(concat(message(0x02, 5, 14), message(0x08, 2, 15)));
        HandshakeJoiner joiner = new HandshakeJoiner();
        try {
            joiner.add(record);
            joiner.next().release();
            assertThrows(TlsException.class, joiner::aligned);
        } finally {
            record.release();
            joiner.release();
        }
    }

    @Test
    void rejectsOtherRecordTypesInsideAFragmentedMessage() throws Exception {
        HandshakeJoiner joiner = new HandshakeJoiner();
        try {
            joiner.checkNotInterleaved(ContentType.APPLICATION_DATA);
            join(joiner, Arrays.copyOf(message(0x0B, 100, 16), 50));
            joiner.checkNotInterleaved(ContentType.HANDSHAKE);
            for (ContentType other : new ContentType[] {ContentType.APPLICATION_DATA, ContentType.ALERT,
                    ContentType.CHANGE_CIPHER_SPEC}) {
                TlsException e = assertThrows(TlsException.class, () -> joiner.checkNotInterleaved(other));
                assertEquals(InvalidMessage.HANDSHAKE_INTERLEAVED, ((TlsFailure.Invalid) e.failure()).reason());
                assertEquals(AlertDescription.UNEXPECTED_MESSAGE, e.failure().alert());
            }
        } finally {
            joiner.release();
        }
    }

    @Test
    void releaseFreesPartialAndUntakenBytes() throws Exception {
        ByteBuf record = Unpooled.buffer().writeBytes(concat(message(0x02, 5, 17), message(0x0B, 100, 18)), 0, 60);
        HandshakeJoiner joiner = new HandshakeJoiner();
        joiner.add(record);
        assertEquals(2, record.refCnt());
        joiner.release();
        assertEquals(1, record.refCnt());
        assertFalse(joiner.hasPending());
        record.release();
    }

    @Test
    void refusesAddingBeforeWholeMessagesAreTaken() throws Exception {
        ByteBuf record = Unpooled.wrappedBuffer(message(0x02, 5, 19));
        HandshakeJoiner joiner = new HandshakeJoiner();
        try {
            joiner.add(record);
            assertThrows(IllegalStateException.class, () -> joiner.add(record));
        } finally {
            record.release();
            joiner.release();
        }
    }
}
