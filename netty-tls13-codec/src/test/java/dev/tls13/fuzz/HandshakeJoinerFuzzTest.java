package dev.tls13.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tls13.error.TlsException;
import dev.tls13.record.HandshakeJoiner;
import dev.tls13.wire.ContentType;
import io.netty.buffer.ByteBuf;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Fuzzes {@link HandshakeJoiner} with handshake record fragments. The input is a sequence of
 * fragments, each a length byte followed by up to that many bytes. Small caps (1 KiB per message,
 * 2 KiB for Certificate) make the limit paths reachable. Invariants: only {@link TlsException} comes
 * out; every message is a 4-byte header plus its announced body, within its cap; the messages
 * concatenated are exactly a prefix of the fragments concatenated; nothing leaks.
 */
class HandshakeJoinerFuzzTest {

    static final int MAX_MESSAGE = 1024;
    static final int MAX_CERTIFICATE = 2048;

    @FuzzTest(maxDuration = "20s")
    void fuzz(byte[] input) {
        HandshakeJoiner joiner = new HandshakeJoiner(FuzzSupport.ALLOC, MAX_MESSAGE, MAX_CERTIFICATE);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        ByteArrayOutputStream messages = new ByteArrayOutputStream();
        try {
            int off = 0;
            while (off < input.length) {
                int length = Math.min(input[off] & 0xFF, input.length - off - 1);
                ByteBuf fragment = FuzzSupport.ALLOC.buffer(length).writeBytes(input, off + 1, length);
                off += 1 + length;
                stream.write(input, off - length, length);
                try {
                    joiner.checkNotInterleaved(ContentType.HANDSHAKE);
                    joiner.add(fragment);
                    assertEquals(0, fragment.readerIndex(), "the fragment's indices are untouched");
                } finally {
                    fragment.release();
                }
                ByteBuf message;
                while ((message = joiner.next()) != null) {
                    try {
                        int type = message.getUnsignedByte(message.readerIndex());
                        int body = message.getUnsignedMedium(message.readerIndex() + 1);
                        assertEquals(4 + body, message.readableBytes(), "message = header + announced length");
                        assertTrue(body <= (type == 11 ? MAX_CERTIFICATE : MAX_MESSAGE), "message within its cap");
                        byte[] bytes = new byte[message.readableBytes()];
                        message.getBytes(message.readerIndex(), bytes);
                        messages.writeBytes(bytes);
                    } finally {
                        message.release();
                    }
                }
            }
        } catch (TlsException expected) {
            // A typed failure (a message above its cap) is the only acceptable outcome.
        } finally {
            joiner.release();
        }
        byte[] joined = messages.toByteArray();
        assertArrayEquals(Arrays.copyOf(stream.toByteArray(), joined.length), joined,
                "messages are the fragments' bytes, in order");
    }
}
