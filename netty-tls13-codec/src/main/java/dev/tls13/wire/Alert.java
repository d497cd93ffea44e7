package dev.tls13.wire;

import dev.tls13.error.InvalidMessage;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import io.netty.buffer.ByteBuf;

import java.util.Locale;
import java.util.Objects;

/**
 * An alert message (RFC 8446 §6): level and description, exactly two bytes.
 *
 * @param level the level
 * @param description the description (unknown codes are kept)
 */
public record Alert(AlertLevel level, AlertDescription description) {

    /** The size of an alert message. */
    public static final int LENGTH = 2;

    /** close_notify, sent with level warning (RFC 8446 §6.1). */
    public static final Alert CLOSE_NOTIFY = new Alert(AlertLevel.WARNING, AlertDescription.CLOSE_NOTIFY);

    /** Checks for {@code null}. */
    public Alert {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(description, "description");
    }

    /**
     * A fatal alert.
     *
     * @param description the description
     * @return the alert
     */
    public static Alert fatal(AlertDescription description) {
        return new Alert(AlertLevel.FATAL, description);
    }

    /**
     * Decodes the plaintext of an alert record.
     *
     * @param in the record's content: exactly two readable bytes; borrowed, indices unchanged
     * @return the alert
     * @throws TlsException with {@link InvalidMessage#BAD_ALERT} unless there are exactly two bytes,
     *         {@link PeerMisbehaved#UNKNOWN_ALERT_LEVEL} when the level is neither 1 nor 2
     */
    public static Alert decode(ByteBuf in) throws TlsException {
        if (in.readableBytes() != LENGTH) {
            throw TlsException.invalid(InvalidMessage.BAD_ALERT, in.readableBytes() + " bytes");
        }
        int level = in.getUnsignedByte(in.readerIndex());
        AlertDescription description = AlertDescription.of(in.getUnsignedByte(in.readerIndex() + 1));
        switch (level) {
            case 1:
                return new Alert(AlertLevel.WARNING, description);
            case 2:
                return new Alert(AlertLevel.FATAL, description);
            default:
                throw TlsException.misbehaved(PeerMisbehaved.UNKNOWN_ALERT_LEVEL, "level " + level);
        }
    }

    /**
     * Writes the two bytes.
     *
     * @param out where to write; borrowed
     */
    public void encode(ByteBuf out) {
        out.writeByte(level.code()).writeByte(description.code());
    }

    /**
     * The two bytes.
     *
     * @return a new array
     */
    public byte[] encode() {
        return new byte[] {(byte) level.code(), (byte) description.code()};
    }

    @Override
    public String toString() {
        return level.name().toLowerCase(Locale.ROOT) + " " + description;
    }
}
