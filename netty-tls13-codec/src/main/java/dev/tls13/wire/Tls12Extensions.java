package dev.tls13.wire;

import dev.tls13.error.InvalidMessage;
import dev.tls13.error.TlsException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/**
 * The TLS 1.2 extensions of our profile, carried as {@link Extension.UnknownExtension} values so that every
 * TLS 1.3 extension block keeps decoding and re-encoding byte for byte: extended_master_secret (RFC 7627 §5.1,
 * empty), renegotiation_info (RFC 5746 §3.2, {@code opaque renegotiated_connection<0..255>}) and
 * ec_point_formats (RFC 8422 §5.1.2, {@code ECPointFormat ec_point_format_list<1..2^8-1>}). The parsers check
 * the peer's bytes; a malformed body is decode_error.
 */
public final class Tls12Extensions {

    /** ECPointFormat uncompressed (RFC 8422 §5.1.2), the only format of our profile. */
    public static final int UNCOMPRESSED = 0;

    private static final Extension EXTENDED_MASTER_SECRET =
            new Extension.UnknownExtension(ExtensionType.EXTENDED_MASTER_SECRET, new byte[0]);
    private static final Extension EMPTY_RENEGOTIATION_INFO =
            new Extension.UnknownExtension(ExtensionType.RENEGOTIATION_INFO, new byte[] {0});
    private static final Extension EC_POINT_FORMATS_UNCOMPRESSED =
            new Extension.UnknownExtension(ExtensionType.EC_POINT_FORMATS, new byte[] {1, UNCOMPRESSED});
    private static final Extension EMPTY_SESSION_TICKET =
            new Extension.UnknownExtension(ExtensionType.SESSION_TICKET, new byte[0]);

    private Tls12Extensions() {
    }

    /** @return extended_master_secret with its empty body (RFC 7627 §5.1) */
    public static Extension extendedMasterSecret() {
        return EXTENDED_MASTER_SECRET;
    }

    /** @return renegotiation_info with an empty renegotiated_connection, as on an initial handshake (RFC 5746 §3.4) */
    public static Extension emptyRenegotiationInfo() {
        return EMPTY_RENEGOTIATION_INFO;
    }

    /** @return ec_point_formats listing uncompressed only (RFC 8422 §5.1.2) */
    public static Extension ecPointFormatsUncompressed() {
        return EC_POINT_FORMATS_UNCOMPRESSED;
    }

    /**
     * @return SessionTicket with an empty body: a client asking for a ticket, or a server that will send one (RFC
     *         5077 §3.2)
     */
    public static Extension emptySessionTicket() {
        return EMPTY_SESSION_TICKET;
    }

    /**
     * A client's SessionTicket carrying a ticket (RFC 5077 §3.2: the extension_data is the ticket itself).
     *
     * @param ticket the ticket; copied
     * @return the extension
     */
    public static Extension sessionTicketExtension(byte[] ticket) {
        return new Extension.UnknownExtension(ExtensionType.SESSION_TICKET, ticket.clone());
    }

    /**
     * The ticket of a received SessionTicket (RFC 5077 §3.2).
     *
     * @param e the extension, of type session_ticket
     * @return the ticket, empty when the extension is empty; the extension's own array
     */
    public static byte[] sessionTicket(Extension e) {
        return data(e, ExtensionType.SESSION_TICKET);
    }

    /**
     * Checks a received extended_master_secret: RFC 7627 §5.1 defines its extension_data as empty.
     *
     * @param e the extension, of type extended_master_secret
     * @throws TlsException decode_error when the body is not empty
     */
    public static void checkExtendedMasterSecret(Extension e) throws TlsException {
        if (data(e, ExtensionType.EXTENDED_MASTER_SECRET).length != 0) {
            throw TlsException.invalid(InvalidMessage.TRAILING_DATA, "extended_master_secret body (RFC 7627 §5.1)");
        }
    }

    /**
     * Parses a received renegotiation_info.
     *
     * @param e the extension, of type renegotiation_info
     * @return renegotiated_connection, 0..255 bytes
     * @throws TlsException decode_error when malformed
     */
    public static byte[] renegotiatedConnection(Extension e) throws TlsException {
        ByteBuf in = Unpooled.wrappedBuffer(data(e, ExtensionType.RENEGOTIATION_INFO));
        byte[] value = Codec.opaque(in, 1, 0, 0xFF, "renegotiated_connection");
        Codec.end(in, "renegotiation_info");
        return value;
    }

    /**
     * Parses a received ec_point_formats.
     *
     * @param e the extension, of type ec_point_formats
     * @return the ECPointFormat codes, 1..255 of them
     * @throws TlsException decode_error when malformed
     */
    public static List<Integer> ecPointFormats(Extension e) throws TlsException {
        ByteBuf in = Unpooled.wrappedBuffer(data(e, ExtensionType.EC_POINT_FORMATS));
        ByteBuf list = Codec.vector(in, 1, 1, 0xFF, 1, "ec_point_format_list");
        Codec.end(in, "ec_point_formats");
        List<Integer> formats = new ArrayList<>(list.readableBytes());
        while (list.isReadable()) {
            formats.add((int) list.readUnsignedByte());
        }
        return formats;
    }

    private static byte[] data(Extension e, ExtensionType type) {
        if (!e.type().equals(type) || !(e instanceof Extension.UnknownExtension u)) {
            throw new IllegalArgumentException("not an opaque " + type + ": " + e);
        }
        return u.data();
    }
}
