package dev.tls13.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.error.InvalidMessage;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The strict readers and writers of RFC 8446 §3's presentation language. */
class CodecTest {

    /** Reads from a buffer holding {@code bytes}. */
    private interface Read {
        void read(ByteBuf in) throws TlsException;
    }

    private static void withBuf(byte[] bytes, Read read) throws TlsException {
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        try {
            read.read(in);
        } finally {
            in.release();
        }
    }

    private static InvalidMessage fails(byte[] bytes, Read read) {
        TlsException e = assertThrows(TlsException.class, () -> withBuf(bytes, read));
        assertEquals(AlertDescription.DECODE_ERROR, e.failure().alert());
        return assertInstanceOf(TlsFailure.Invalid.class, e.failure()).reason();
    }

    private static byte[] write(Consumer<ByteBuf> writer) {
        ByteBuf out = Unpooled.buffer();
        try {
            writer.accept(out);
            byte[] b = new byte[out.readableBytes()];
            out.readBytes(b);
            return b;
        } finally {
            out.release();
        }
    }

    private static void rejectsWrite(Consumer<ByteBuf> writer) {
        ByteBuf out = Unpooled.buffer();
        try {
            Executable e = () -> writer.accept(out);
            assertThrows(IllegalArgumentException.class, e);
        } finally {
            out.release();
        }
    }

    @Test
    void readsBigEndianIntegersOfEveryWidth() throws TlsException {
        withBuf(new byte[] {(byte) 0xFE, 1, 2, 3, 4, 5, (byte) 0xF6, 7, 8, 9}, in -> {
            assertEquals(0xFE, Codec.u8(in));
            assertEquals(0x0102, Codec.u16(in));
            assertEquals(0x030405, Codec.u24(in));
            assertEquals(0xF6070809L, Codec.u32(in));
            Codec.end(in, "test");
        });
    }

    @Test
    void integerReadsPastTheEndAreTruncated() {
        assertEquals(InvalidMessage.TRUNCATED, fails(new byte[0], Codec::u8));
        assertEquals(InvalidMessage.TRUNCATED, fails(new byte[1], Codec::u16));
        assertEquals(InvalidMessage.TRUNCATED, fails(new byte[2], Codec::u24));
        assertEquals(InvalidMessage.TRUNCATED, fails(new byte[3], Codec::u32));
        assertEquals(InvalidMessage.TRUNCATED, fails(new byte[31], in -> Codec.bytes(in, 32)));
    }

    @Test
    void vectorLongerThanWhatRemainsIsTruncatedBeforeAnyByteIsRead() {
        byte[] bytes = {0, 5, 1, 2, 3, 4};
        assertEquals(InvalidMessage.TRUNCATED, fails(bytes, in -> {
            try {
                Codec.opaque(in, 2, 0, 0xFFFF, "v");
            } finally {
                assertEquals(2, in.readerIndex()); // only the length prefix was consumed
            }
        }));
    }

    @Test
    void vectorLengthsAreCheckedAgainstTheirBoundsAndElementSize() {
        assertEquals(InvalidMessage.EMPTY_VECTOR, fails(new byte[] {0}, in -> Codec.opaque(in, 1, 1, 255, "v")));
        assertEquals(InvalidMessage.BAD_VECTOR_LENGTH,
                fails(new byte[] {1, 0}, in -> Codec.opaque(in, 1, 2, 255, "v")));
        assertEquals(InvalidMessage.BAD_VECTOR_LENGTH,
                fails(new byte[] {3, 0, 0, 0}, in -> Codec.opaque(in, 1, 0, 2, "v")));
        assertEquals(InvalidMessage.BAD_VECTOR_LENGTH,
                fails(new byte[] {0, 3, 0, 0, 0}, in -> Codec.vector(in, 2, 2, 0xFFFE, 2, "v")));
        assertEquals(InvalidMessage.BAD_VECTOR_LENGTH,
                fails(new byte[] {0, 0, 3, 0, 0, 0}, in -> Codec.vector(in, 3, 4, 0xFFFFFF, 1, "v")));
    }

    @Test
    void nestedReaderCannotReadPastItsVectorEvenWhenTheOuterBufferHasMore() {
        byte[] bytes = {0, 2, 0x11, 0x22, 0x33, 0x44};
        assertEquals(InvalidMessage.TRUNCATED, fails(bytes, in -> {
            ByteBuf inner = Codec.vector(in, 2, 0, 0xFFFF, 1, "v");
            assertEquals(0x1122, Codec.u16(inner));
            assertEquals(4, in.readerIndex()); // the outer reader is already past the vector
            Codec.u8(inner);
        }));
    }

    @Test
    void bytesLeftAfterAStructureAreTrailingData() {
        assertEquals(InvalidMessage.TRAILING_DATA, fails(new byte[] {1, 2, 3}, in -> {
            Codec.u16(in);
            Codec.end(in, "test");
        }));
    }

    @Test
    void writersBackPatchLengthPrefixesOfEveryWidth() {
        byte[] body = {9, 8, 7};
        assertArrayEquals(new byte[] {3, 9, 8, 7}, write(out -> Codec.writeOpaque(out, 1, 0, 255, body, "v")));
        assertArrayEquals(new byte[] {0, 3, 9, 8, 7}, write(out -> Codec.writeOpaque(out, 2, 0, 0xFFFF, body, "v")));
        assertArrayEquals(new byte[] {0, 0, 3, 9, 8, 7},
                write(out -> Codec.writeOpaque(out, 3, 0, 0xFFFFFF, body, "v")));
        byte[] nested = write(out -> {
            int outer = Codec.beginVector(out, 2);
            Codec.writeU8(out, 0xAA);
            Codec.writeOpaque(out, 1, 0, 255, body, "inner");
            Codec.endVector(out, outer, 2, 0, 0xFFFF, "outer");
        });
        assertArrayEquals(new byte[] {0, 5, (byte) 0xAA, 3, 9, 8, 7}, nested);
        assertArrayEquals(new byte[] {(byte) 0xFF, 1, 2, 1, 2, 3, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF},
                write(out -> {
                    Codec.writeU8(out, 0xFF);
                    Codec.writeU16(out, 0x0102);
                    Codec.writeU24(out, 0x010203);
                    Codec.writeU32(out, 0x7FFFFFFFL);
                }));
    }

    @Test
    void writersRejectValuesThatDoNotFit() {
        rejectsWrite(out -> Codec.writeU8(out, 256));
        rejectsWrite(out -> Codec.writeU8(out, -1));
        rejectsWrite(out -> Codec.writeU16(out, 0x10000));
        rejectsWrite(out -> Codec.writeU24(out, 0x1000000));
        rejectsWrite(out -> Codec.writeU32(out, 0x100000000L));
        rejectsWrite(out -> Codec.writeU32(out, -1));
        rejectsWrite(out -> Codec.writeOpaque(out, 1, 0, 255, new byte[256], "v"));
        rejectsWrite(out -> Codec.writeOpaque(out, 1, 1, 255, new byte[0], "v"));
        rejectsWrite(out -> Codec.writeOpaque(out, 2, 0, 32, new byte[33], "v"));
    }

    @Test
    void hexAbbreviatesLongArrays() {
        assertEquals("00ff10", Codec.hex(new byte[] {0, (byte) 0xFF, 0x10}));
        String longHex = Codec.hex(new byte[100]);
        assertTrue(longHex.endsWith("...(100 bytes)"), longHex);
        assertEquals(64 + "...(100 bytes)".length(), longHex.length());
    }
}
