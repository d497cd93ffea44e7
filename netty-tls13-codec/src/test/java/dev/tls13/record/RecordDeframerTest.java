package dev.tls13.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.error.InvalidMessage;
import dev.tls13.error.PeerIncompatible;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.testing.Hex;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.ContentType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RecordDeframer}: framing at every split, limits and "not TLS" detection (RFC 8446 §5.1, §5.2). */
class RecordDeframerTest {

    /** handshake, change_cipher_spec, protected record, alert, empty and largest application_data, handshake. */
    private static byte[] stream() {
        ByteBuf b = Unpooled.buffer();
        try {
            b.writeBytes(Hex.decode("16030100050100000100"));
            b.writeBytes(Hex.decode("140303000101"));
            b.writeBytes(Hex.decode("1703030011")).writeZero(17);
            b.writeBytes(Hex.decode("15030300020100"));
            b.writeBytes(Hex.decode("1703030000"));
            b.writeBytes(Hex.decode("1703034100")).writeZero(Records.MAX_CIPHERTEXT_LENGTH);
            b.writeBytes(Hex.decode("1603030003020000"));
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    private static List<String> frame(byte[] data, int... cuts) throws TlsException {
        RecordDeframer deframer = new RecordDeframer();
        ByteBuf cumulation = Unpooled.buffer();
        List<String> records = new ArrayList<>();
        try {
            int from = 0;
            for (int i = 0; i <= cuts.length; i++) {
                int to = i < cuts.length ? cuts[i] : data.length;
                cumulation.writeBytes(data, from, to - from);
                from = to;
                for (ByteBuf r; (r = deframer.next(cumulation)) != null; ) {
                    try {
                        records.add(Records.contentType(r) + ":" + r.readableBytes() + ":" + ByteBufUtil.hashCode(r));
                    } finally {
                        r.release();
                    }
                }
                cumulation.discardReadBytes();
            }
            assertEquals(0, cumulation.readableBytes(), "bytes left over");
        } finally {
            cumulation.release();
        }
        return records;
    }

    @Test
    void yieldsTheSameRecordsForEverySplitOfAMixedStream() throws Exception {
        byte[] data = stream();
        List<String> whole = frame(data);
        assertEquals(7, whole.size());
        assertTrue(whole.get(0).startsWith("handshake:10:"));
        assertTrue(whole.get(4).startsWith("application_data:5:"));
        // Every single cut point, and every pair of cut points in the small records at the start.
        for (int cut = 1; cut < data.length; cut++) {
            assertEquals(whole, frame(data, cut), "cut at " + cut);
        }
        for (int a = 1; a < 60; a++) {
            for (int b = a + 1; b < 60; b++) {
                assertEquals(whole, frame(data, a, b), "cuts at " + a + ", " + b);
            }
        }
    }

    @Test
    void yieldsTheSameRecordsFedOneByteAtATime() throws Exception {
        byte[] data = stream();
        int[] cuts = new int[data.length - 1];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        assertEquals(frame(data), frame(data, cuts));
    }

    @Test
    void consumesNothingUntilTheRecordIsWhole() throws Exception {
        ByteBuf cumulation = Unpooled.wrappedBuffer(Hex.decode("16030300050100000100"));
        try {
            RecordDeframer deframer = new RecordDeframer();
            cumulation.writerIndex(9);
            assertNull(deframer.next(cumulation));
            assertEquals(0, cumulation.readerIndex());
            cumulation.writerIndex(10);
            ByteBuf r = deframer.next(cumulation);
            assertEquals("16030300050100000100", ByteBufUtil.hexDump(r));
            r.release();
            assertEquals(10, cumulation.readerIndex());
        } finally {
            cumulation.release();
        }
    }

    @Test
    void rejectsACiphertextRecordLongerThan2To14Plus256AsSoonAsTheHeaderArrives() {
        assertFailure("1703034101", 0, InvalidMessage.RECORD_OVERFLOW, AlertDescription.RECORD_OVERFLOW);
    }

    @Test
    void rejectsAPlaintextRecordLongerThan2To14() {
        assertFailure("1603034001", 0, InvalidMessage.RECORD_OVERFLOW, AlertDescription.RECORD_OVERFLOW);
        assertFailure("1503034001", 0, InvalidMessage.RECORD_OVERFLOW, AlertDescription.RECORD_OVERFLOW);
    }

    @Test
    void rejectsAnUnknownContentType() {
        assertFailure("1303030001ff", 1, InvalidMessage.UNKNOWN_CONTENT_TYPE, AlertDescription.UNEXPECTED_MESSAGE);
        assertFailure("1803030001ff", 1, InvalidMessage.UNKNOWN_CONTENT_TYPE, AlertDescription.UNEXPECTED_MESSAGE);
    }

    @Test
    void rejectsEmptyHandshakeAndMalformedAlertAndChangeCipherSpecRecords() {
        assertFailure("1603030000", 0, InvalidMessage.EMPTY_HANDSHAKE_RECORD, AlertDescription.UNEXPECTED_MESSAGE);
        assertFailure("1503030000", 0, InvalidMessage.EMPTY_ALERT_RECORD, AlertDescription.UNEXPECTED_MESSAGE);
        assertFailure("150303000301000a", 0, InvalidMessage.BAD_ALERT, AlertDescription.DECODE_ERROR);
        assertFailure("140303000102", 0, InvalidMessage.BAD_CHANGE_CIPHER_SPEC, AlertDescription.UNEXPECTED_MESSAGE);
        assertFailure("14030300020101", 0, InvalidMessage.BAD_CHANGE_CIPHER_SPEC, AlertDescription.UNEXPECTED_MESSAGE);
    }

    @Test
    void tls12ProtectedRecordsOfEveryTypeWaitForTheirProtection() throws Exception {
        // RFC 5246 §6.2.3: after ChangeCipherSpec an alert is 2 bytes of content in an 8-byte explicit nonce and a
        // 16-byte tag under outer type alert; its content rules apply once opened (Tls12ReadProtection).
        ByteBuf cumulation = Unpooled.buffer();
        try {
            cumulation.writeBytes(Hex.decode("1503030000" + "150303001a")).writeZero(26)
                    .writeBytes(Hex.decode("1603034100")).writeZero(Records.MAX_CIPHERTEXT_LENGTH)
                    .writeBytes(Hex.decode("1603034101"));
            RecordDeframer deframer = new RecordDeframer();
            deframer.tls12Protected();
            for (int length : new int[] {0, 26, Records.MAX_CIPHERTEXT_LENGTH}) {
                ByteBuf r = deframer.next(cumulation);
                assertEquals(Records.HEADER_LENGTH + length, r.readableBytes());
                r.release();
            }
            TlsException e = assertThrows(TlsException.class, () -> deframer.next(cumulation));
            assertEquals(InvalidMessage.RECORD_OVERFLOW, ((TlsFailure.Invalid) e.failure()).reason());
        } finally {
            cumulation.release();
        }
    }

    @Test
    void acceptsAnEmptyApplicationDataRecord() throws Exception {
        assertEquals(1, frame(Hex.decode("1603030001011703030000"), 6).size() - 1);
    }

    @Test
    void reportsPlaintextHttpAsNotATlsRecord() {
        byte[] http = "GET / HTTP/1.1\r\nHost: example\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        TlsException e = failure(http);
        assertEquals(new TlsFailure.Invalid(InvalidMessage.NOT_A_TLS_RECORD,
                "first bytes 47 45 54 20 2f are ASCII text (plaintext HTTP?)"), e.failure());
        assertTrue(e.getMessage().contains("plaintext HTTP?"), e.getMessage());
    }

    @Test
    void reportsAWrongMajorVersionOnTheFirstRecordAsNotATlsRecord() {
        TlsException e = failure(Hex.decode("160201000401000000"));
        assertInstanceOf(TlsFailure.Invalid.class, e.failure());
        assertEquals(InvalidMessage.NOT_A_TLS_RECORD, ((TlsFailure.Invalid) e.failure()).reason());
        assertTrue(!e.getMessage().contains("HTTP"), e.getMessage());
    }

    @Test
    void rejectsAnSslV2ClientHelloWithProtocolVersion() {
        // SSL 2.0 record: 2-byte length with the high bit set, msg_type 1 (client_hello), version 3.1.
        TlsException e = failure(Hex.decode("802e0103010015000000100700c0"));
        assertEquals(new TlsFailure.Incompatible(PeerIncompatible.SSLV2_HELLO, ""), e.failure());
        assertEquals(AlertDescription.PROTOCOL_VERSION, e.failure().alert());
    }

    @Test
    void appliesTheNotTlsChecksOnlyToTheFirstRecord() throws Exception {
        ByteBuf cumulation = Unpooled.wrappedBuffer(Hex.decode("16030300050100000100" + "1303030000"));
        try {
            RecordDeframer deframer = new RecordDeframer();
            deframer.next(cumulation).release();
            TlsException e = assertThrows(TlsException.class, () -> deframer.next(cumulation));
            assertEquals(InvalidMessage.UNKNOWN_CONTENT_TYPE, ((TlsFailure.Invalid) e.failure()).reason());
        } finally {
            cumulation.release();
        }
    }

    private static TlsException failure(byte[] data) {
        ByteBuf cumulation = Unpooled.wrappedBuffer(data);
        try {
            return assertThrows(TlsException.class, () -> new RecordDeframer().next(cumulation));
        } finally {
            cumulation.release();
        }
    }

    /** After a valid first record, {@code hex} (with {@code extra} more zero bytes) must fail this way. */
    private static void assertFailure(String hex, int extra, InvalidMessage reason, AlertDescription alert) {
        ByteBuf cumulation = Unpooled.buffer();
        try {
            cumulation.writeBytes(Hex.decode("16030300050100000100")).writeBytes(Hex.decode(hex)).writeZero(extra);
            RecordDeframer deframer = new RecordDeframer();
            ByteBuf first = deframer.next(cumulation);
            first.release();
            int before = cumulation.readerIndex();
            TlsException e = assertThrows(TlsException.class, () -> deframer.next(cumulation), hex);
            assertEquals(reason, ((TlsFailure.Invalid) e.failure()).reason(), hex);
            assertEquals(alert, e.failure().alert(), hex);
            assertEquals(before, cumulation.readerIndex());
        } catch (TlsException e) {
            throw new AssertionError(e);
        } finally {
            cumulation.release();
        }
    }
}
