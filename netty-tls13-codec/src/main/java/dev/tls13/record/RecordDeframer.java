package dev.tls13.record;

import dev.tls13.error.InvalidMessage;
import dev.tls13.error.PeerIncompatible;
import dev.tls13.error.TlsException;
import dev.tls13.wire.ContentType;
import io.netty.buffer.ByteBuf;

/**
 * Splits the inbound byte stream into whole records (RFC 8446 §5.1). It peeks at the 5-byte header and
 * consumes nothing until the whole record is in the cumulation; limits are checked as soon as the
 * header is visible, before waiting for the body.
 *
 * <p>The outer type tells protected from plaintext records: TLS 1.3 sends every protected record as
 * application_data (RFC 8446 §5.2), so an application_data record may be up to 2^14 + 256 bytes and
 * every other type, always plaintext, at most 2^14 (RFC 8446 §5.1). {@link ReadProtection#plaintext()}
 * applies the 2^14 limit to application_data records that arrive before read keys. The content rules
 * of plaintext records (no empty handshake fragment, one two-byte alert per record, change_cipher_spec
 * is the byte 1) are checked here too. TLS 1.2 protects every record after ChangeCipherSpec under its real
 * outer type (RFC 5246 §6.2.3): once {@link #tls12Protected()} says so, every type has the ciphertext limit and
 * the content rules wait for {@link ReadProtection}, which checks them on the opened content.
 *
 * <p>Not thread-safe; one per connection.
 */
public final class RecordDeframer {

    private boolean first = true;
    private boolean tls12Protected;

    /** Creates a deframer whose first record gets the "is this TLS at all" checks. */
    public RecordDeframer() {
    }

    /**
     * From now on every record is TLS 1.2 ciphertext under its real outer type (RFC 5246 §6.2.3): an encrypted
     * alert or handshake record is checked after decryption ({@code Tls12ReadProtection}), not here, and may be
     * as long as an application_data record.
     */
    public void tls12Protected() {
        tls12Protected = true;
    }

    /**
     * Takes the next whole record off the cumulation.
     *
     * @param cumulation the received bytes (borrowed); its reader index advances past the record
     * @return the whole record, header included, as a retained slice (owned by the caller), or
     *         {@code null} when the cumulation does not hold a whole record yet (nothing consumed)
     * @throws TlsException for an unknown content type, an oversized or malformed record, or a first
     *         record that is not TLS at all
     */
    public ByteBuf next(ByteBuf cumulation) throws TlsException {
        int readable = cumulation.readableBytes();
        if (readable < Records.HEADER_LENGTH) {
            return null;
        }
        int start = cumulation.readerIndex();
        int type = cumulation.getUnsignedByte(start);
        if (first) {
            checkFirstRecord(cumulation, start, type);
        }
        if (!Records.isKnownType(type)) {
            throw TlsException.invalid(InvalidMessage.UNKNOWN_CONTENT_TYPE, ContentType.of(type).toString());
        }
        int length = cumulation.getUnsignedShort(start + 3);
        boolean ciphertext = type == Records.APPLICATION_DATA || tls12Protected;
        int max = ciphertext ? Records.MAX_CIPHERTEXT_LENGTH : Records.MAX_PLAINTEXT_LENGTH;
        if (length > max) {
            throw TlsException.invalid(InvalidMessage.RECORD_OVERFLOW,
                    ContentType.of(type) + " record of " + length + " bytes, limit " + max);
        }
        if (readable - Records.HEADER_LENGTH < length) {
            return null;
        }
        if (!ciphertext) {
            Records.checkContent(type, cumulation, start + Records.HEADER_LENGTH, length);
        }
        first = false;
        return cumulation.readRetainedSlice(Records.HEADER_LENGTH + length);
    }

    /**
     * A peer speaking another protocol should get a readable error, not "unknown content type": the
     * first byte must be a TLS content type and legacy_record_version's major byte 3 (RFC 8446 §5.1,
     * Appendix D). An SSL 2.0 ClientHello (RFC 6101 Appendix E.2: two-byte length with the high bit
     * set, then message type 1) is a peer that cannot do TLS 1.3: protocol_version.
     */
    private static void checkFirstRecord(ByteBuf buf, int start, int type) throws TlsException {
        if ((type & 0x80) != 0 && buf.getUnsignedByte(start + 2) == 1) {
            throw TlsException.incompatible(PeerIncompatible.SSLV2_HELLO);
        }
        if (!Records.isKnownType(type) || buf.getUnsignedByte(start + 1) != 0x03) {
            throw TlsException.invalid(InvalidMessage.NOT_A_TLS_RECORD, describe(buf, start));
        }
    }

    private static String describe(ByteBuf buf, int start) {
        StringBuilder hex = new StringBuilder("first bytes");
        boolean ascii = true;
        for (int i = 0; i < Records.HEADER_LENGTH; i++) {
            int b = buf.getUnsignedByte(start + i);
            hex.append(String.format(" %02x", b));
            ascii &= (b >= 0x20 && b < 0x7F) || b == '\r' || b == '\n' || b == '\t';
        }
        if (ascii) {
            hex.append(" are ASCII text (plaintext HTTP?)");
        }
        return hex.toString();
    }
}
