package dev.tls13.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tls13.error.InvalidMessage;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.testing.Rfc8448;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** Alert messages (RFC 8446 §6) are exactly two bytes: level and description. */
class AlertTest {

    private static Alert decode(byte[] bytes) throws TlsException {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            return Alert.decode(buf);
        } finally {
            buf.release();
        }
    }

    @Test
    void decodesTheCloseNotifyOfEveryRfc8448Trace() throws TlsException {
        for (Rfc8448.Trace trace : Rfc8448.Trace.values()) {
            for (String who : new String[] {"client", "server"}) {
                byte[] payload = Rfc8448.one(trace, who, "send alert record").bytes("payload");
                Alert alert = decode(payload);
                assertEquals(Alert.CLOSE_NOTIFY, alert);
                assertArrayEquals(payload, alert.encode());
            }
        }
    }

    @Test
    void everyDescriptionCodeRoundTripsAtBothLevels() throws TlsException {
        for (int code = 0; code <= 0xFF; code++) {
            for (AlertLevel level : AlertLevel.values()) {
                Alert alert = new Alert(level, AlertDescription.of(code));
                byte[] bytes = alert.encode();
                assertArrayEquals(new byte[] {(byte) level.code(), (byte) code}, bytes);
                assertEquals(alert, decode(bytes));
                ByteBuf out = Unpooled.buffer();
                try {
                    alert.encode(out);
                    assertEquals(2, out.readableBytes());
                    assertEquals(level.code(), out.getUnsignedByte(0));
                    assertEquals(code, out.getUnsignedByte(1));
                } finally {
                    out.release();
                }
            }
        }
    }

    @Test
    void fatalAlertHasLevelTwo() {
        assertArrayEquals(new byte[] {2, 40}, Alert.fatal(AlertDescription.HANDSHAKE_FAILURE).encode());
        assertArrayEquals(new byte[] {1, 0}, Alert.CLOSE_NOTIFY.encode());
    }

    @Test
    void alertThatIsNotExactlyTwoBytesIsADecodeError() {
        for (byte[] bad : new byte[][] {{}, {2}, {2, 40, 0}, {1, 0, 1, 0}}) {
            TlsException e = assertThrows(TlsException.class, () -> decode(bad));
            assertEquals(InvalidMessage.BAD_ALERT,
                    assertInstanceOf(TlsFailure.Invalid.class, e.failure()).reason());
            assertEquals(AlertDescription.DECODE_ERROR, e.failure().alert());
        }
    }

    @Test
    void alertWithAnUnknownLevelIsAnIllegalParameter() {
        for (int level : new int[] {0, 3, 255}) {
            TlsException e = assertThrows(TlsException.class, () -> decode(new byte[] {(byte) level, 0}));
            assertEquals(PeerMisbehaved.UNKNOWN_ALERT_LEVEL,
                    assertInstanceOf(TlsFailure.Misbehaved.class, e.failure()).reason());
            assertEquals(AlertDescription.ILLEGAL_PARAMETER, e.failure().alert());
        }
    }

    @Test
    void decodingLeavesTheReaderIndexAlone() throws TlsException {
        ByteBuf buf = Unpooled.wrappedBuffer(new byte[] {2, 80});
        try {
            assertEquals(Alert.fatal(AlertDescription.INTERNAL_ERROR), Alert.decode(buf));
            assertEquals(0, buf.readerIndex());
        } finally {
            buf.release();
        }
    }
}
