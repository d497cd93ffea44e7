package dev.tls13.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.AeadAlgorithm;
import dev.tls13.crypto.JcaCryptoProvider;
import dev.tls13.testing.Hex;
import dev.tls13.testing.Rfc8448;
import dev.tls13.wire.ContentType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * RFC 8448 replayed through the record layer: every record of every trace is sealed (or written in
 * plaintext) byte for byte as printed, and opened back to its payload and content type.
 */
class RecordRfc8448Test {

    private static final String CLIENT = "client";
    private static final String SERVER = "server";

    @ParameterizedTest
    @EnumSource(Rfc8448.Trace.class)
    void sealsAndOpensEveryRecordOfTheTraceByteForByte(Rfc8448.Trace trace) throws Exception {
        Map<String, WriteProtection> writers = new HashMap<>();
        Map<String, ReadProtection> readers = new HashMap<>();
        writers.put(CLIENT, WriteProtection.plaintext());
        writers.put(SERVER, WriteProtection.plaintext());
        readers.put(CLIENT, ReadProtection.plaintext());
        readers.put(SERVER, ReadProtection.plaintext());
        int protectedRecords = 0;
        int plaintextRecords = 0;
        try {
            for (Rfc8448.Step step : trace.steps()) {
                String name = step.step();
                if (name.startsWith("derive ") && name.contains("traffic keys") && step.has("key expanded")) {
                    // "derive write" by X gives X's sending keys; "derive read" by X gives the other side's.
                    String sender = name.startsWith("derive write") ? step.who() : other(step.who());
                    install(sender, step.bytes("key expanded"), step.bytes("iv expanded"), writers, readers);
                } else if (name.startsWith("send ") && step.has("complete record")) {
                    byte[] complete = step.bytes("complete record");
                    byte[] payload = step.bytes("payload");
                    ContentType type = typeOf(name);
                    if (complete[0] == 0x17) {
                        protectedRecords++;
                    } else {
                        plaintextRecords++;
                    }
                    checkRecord(complete, payload, type, writers.get(step.who()), readers.get(step.who()));
                }
            }
        } finally {
            writers.values().forEach(WriteProtection::destroy);
            readers.values().forEach(ReadProtection::destroy);
        }
        // Counted from the RFC: e.g. section 3 sends ClientHello and ServerHello in plaintext, then the
        // server flight, client Finished, NewSessionTicket, one application_data each way and two alerts.
        int[] expected = expectedProtectedAndPlaintext(trace);
        assertEquals(expected[0], protectedRecords, "protected records");
        assertEquals(expected[1], plaintextRecords, "plaintext records");
    }

    private static void checkRecord(byte[] complete, byte[] payload, ContentType type, WriteProtection writer,
            ReadProtection reader) throws Exception {
        boolean isProtected = complete[0] == 0x17;
        if (!ContentType.CHANGE_CIPHER_SPEC.equals(type)) {
            assertEquals(isProtected, writer.isProtected(), "writer state for " + type);
        }
        WriteProtection w = isProtected || writer.isProtected() ? writer
                : complete[2] == 0x01 ? WriteProtection.initialPlaintext() : WriteProtection.plaintext();
        ByteBuf in = Unpooled.wrappedBuffer(payload);
        ByteBuf out = Unpooled.buffer();
        ByteBuf wire = Unpooled.wrappedBuffer(complete);
        ByteBuf record = null;
        try {
            long seq = w.sequenceNumber();
            w.seal(type, in, out);
            assertEquals(Hex.encode(complete), ByteBufUtil.hexDump(out), type + " record");
            assertEquals(isProtected ? seq + 1 : seq, w.sequenceNumber());

            record = new RecordDeframer().next(wire);
            assertNotNull(record);
            assertEquals(0, wire.readableBytes());
            long readSeq = reader.sequenceNumber();
            ContentType opened = reader.open(record);
            assertEquals(type, opened);
            assertArrayEquals(payload, ByteBufUtil.getBytes(record));
            assertEquals(isProtected ? readSeq + 1 : readSeq, reader.sequenceNumber());
        } finally {
            in.release();
            out.release();
            wire.release();
            if (record != null) {
                record.release();
            }
        }
    }

    private static void install(String sender, byte[] key, byte[] iv, Map<String, WriteProtection> writers,
            Map<String, ReadProtection> readers) throws Exception {
        JcaCryptoProvider crypto = JcaCryptoProvider.instance();
        writers.put(sender, WriteProtection.install(crypto.aead(AeadAlgorithm.AES_128_GCM, key), iv)).destroy();
        HandshakeJoiner joiner = new HandshakeJoiner();
        assertNull(joiner.next());
        readers.put(sender, ReadProtection.install(joiner.aligned(), crypto.aead(AeadAlgorithm.AES_128_GCM, key), iv))
                .destroy();
    }

    private static ContentType typeOf(String stepName) {
        if (stepName.startsWith("send handshake record")) {
            return ContentType.HANDSHAKE;
        } else if (stepName.startsWith("send application_data record")) {
            return ContentType.APPLICATION_DATA;
        } else if (stepName.startsWith("send alert record")) {
            return ContentType.ALERT;
        } else if (stepName.startsWith("send change_cipher_spec record")) {
            return ContentType.CHANGE_CIPHER_SPEC;
        }
        throw new IllegalArgumentException(stepName);
    }

    private static int[] expectedProtectedAndPlaintext(Rfc8448.Trace trace) {
        switch (trace) {
            case SIMPLE_1RTT:
                return new int[] {7, 2};
            case RESUMED_0RTT:
                // Early data and EndOfEarlyData under the client early traffic key.
                return new int[] {8, 2};
            case HELLO_RETRY_REQUEST:
                // ClientHello, HelloRetryRequest, second ClientHello, ServerHello.
                return new int[] {4, 4};
            case CLIENT_AUTH:
                return new int[] {4, 2};
            case COMPAT_MODE:
                // Plus one change_cipher_spec each way, never protected.
                return new int[] {4, 4};
            default:
                throw new IllegalArgumentException(trace.toString());
        }
    }

    private static String other(String who) {
        return CLIENT.equals(who) ? SERVER : CLIENT;
    }
}
