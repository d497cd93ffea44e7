package dev.tls13.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tls13.error.TlsException;
import dev.tls13.record.RecordDeframer;
import io.netty.buffer.ByteBuf;

/**
 * Fuzzes {@link RecordDeframer} with a byte stream arriving in chunks. The first input byte sets the
 * chunk size (1 to 256 bytes); the rest is the stream. Invariants: only {@link TlsException} comes
 * out; every record returned is a whole record (5-byte header plus its announced length, at most
 * 2^14 + 256 bytes of body) cut from the stream in order; nothing leaks.
 */
class DeframerFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void fuzz(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int chunk = 1 + (input[0] & 0xFF);
        RecordDeframer deframer = new RecordDeframer();
        ByteBuf cumulation = FuzzSupport.ALLOC.buffer();
        int consumed = 1;
        try {
            for (int off = 1; off < input.length; off += chunk) {
                cumulation.writeBytes(input, off, Math.min(chunk, input.length - off));
                ByteBuf record;
                while ((record = deframer.next(cumulation)) != null) {
                    try {
                        int length = record.getUnsignedShort(record.readerIndex() + 3);
                        assertEquals(5 + length, record.readableBytes(), "record = header + announced length");
                        assertTrue(length <= (1 << 14) + 256, "record body within the ciphertext limit");
                        for (int i = 0; i < record.readableBytes(); i++) {
                            assertEquals(input[consumed + i], record.getByte(record.readerIndex() + i),
                                    "record bytes are the stream's, in order");
                        }
                        consumed += record.readableBytes();
                    } finally {
                        record.release();
                    }
                }
                cumulation.discardReadBytes();
            }
        } catch (TlsException expected) {
            // A typed failure is the only acceptable outcome for a malformed stream.
        } finally {
            cumulation.release();
        }
    }
}
