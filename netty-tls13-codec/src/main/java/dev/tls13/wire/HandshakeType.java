package dev.tls13.wire;

/**
 * A handshake message type, RFC 8446 §4.
 *
 * <p>An open value type: any 8-bit code survives decoding and re-encoding, the constants
 * only give the known values a name.
 *
 * @param code the 8-bit wire value
 */
public record HandshakeType(int code) {

    public static final HandshakeType HELLO_REQUEST_RESERVED = new HandshakeType(0x00);
    public static final HandshakeType CLIENT_HELLO = new HandshakeType(0x01);
    public static final HandshakeType SERVER_HELLO = new HandshakeType(0x02);
    public static final HandshakeType HELLO_VERIFY_REQUEST_RESERVED = new HandshakeType(0x03);
    public static final HandshakeType NEW_SESSION_TICKET = new HandshakeType(0x04);
    public static final HandshakeType END_OF_EARLY_DATA = new HandshakeType(0x05);
    public static final HandshakeType HELLO_RETRY_REQUEST_RESERVED = new HandshakeType(0x06);
    public static final HandshakeType ENCRYPTED_EXTENSIONS = new HandshakeType(0x08);
    public static final HandshakeType CERTIFICATE = new HandshakeType(0x0B);
    public static final HandshakeType SERVER_KEY_EXCHANGE_RESERVED = new HandshakeType(0x0C);
    public static final HandshakeType CERTIFICATE_REQUEST = new HandshakeType(0x0D);
    public static final HandshakeType SERVER_HELLO_DONE_RESERVED = new HandshakeType(0x0E);
    public static final HandshakeType CERTIFICATE_VERIFY = new HandshakeType(0x0F);
    public static final HandshakeType CLIENT_KEY_EXCHANGE_RESERVED = new HandshakeType(0x10);
    public static final HandshakeType FINISHED = new HandshakeType(0x14);
    public static final HandshakeType CERTIFICATE_URL_RESERVED = new HandshakeType(0x15);
    public static final HandshakeType CERTIFICATE_STATUS_RESERVED = new HandshakeType(0x16);
    public static final HandshakeType SUPPLEMENTAL_DATA_RESERVED = new HandshakeType(0x17);
    public static final HandshakeType KEY_UPDATE = new HandshakeType(0x18);
    public static final HandshakeType MESSAGE_HASH = new HandshakeType(0xFE);

    /**
     * Checks the range of the code.
     *
     * @throws IllegalArgumentException when {@code code} does not fit in 8 bits
     */
    public HandshakeType {
        if (code < 0 || code > 0xFF) {
            throw new IllegalArgumentException("HandshakeType out of range: " + code);
        }
    }

    /**
     * Returns the constant for a known code, or a new value for an unknown one.
     *
     * @param code the wire value
     * @return the value type for {@code code}
     */
    public static HandshakeType of(int code) {
        switch (code) {
            case 0x00:
                return HELLO_REQUEST_RESERVED;
            case 0x01:
                return CLIENT_HELLO;
            case 0x02:
                return SERVER_HELLO;
            case 0x03:
                return HELLO_VERIFY_REQUEST_RESERVED;
            case 0x04:
                return NEW_SESSION_TICKET;
            case 0x05:
                return END_OF_EARLY_DATA;
            case 0x06:
                return HELLO_RETRY_REQUEST_RESERVED;
            case 0x08:
                return ENCRYPTED_EXTENSIONS;
            case 0x0B:
                return CERTIFICATE;
            case 0x0C:
                return SERVER_KEY_EXCHANGE_RESERVED;
            case 0x0D:
                return CERTIFICATE_REQUEST;
            case 0x0E:
                return SERVER_HELLO_DONE_RESERVED;
            case 0x0F:
                return CERTIFICATE_VERIFY;
            case 0x10:
                return CLIENT_KEY_EXCHANGE_RESERVED;
            case 0x14:
                return FINISHED;
            case 0x15:
                return CERTIFICATE_URL_RESERVED;
            case 0x16:
                return CERTIFICATE_STATUS_RESERVED;
            case 0x17:
                return SUPPLEMENTAL_DATA_RESERVED;
            case 0x18:
                return KEY_UPDATE;
            case 0xFE:
                return MESSAGE_HASH;
            default:
                return new HandshakeType(code);
        }
    }

    /**
     * Returns the RFC name of a known code, or {@code null} for an unknown one.
     *
     * @return the name, or {@code null}
     */
    public String knownName() {
        switch (code) {
            case 0x00:
                return "hello_request_reserved";
            case 0x01:
                return "client_hello";
            case 0x02:
                return "server_hello";
            case 0x03:
                return "hello_verify_request_reserved";
            case 0x04:
                return "new_session_ticket";
            case 0x05:
                return "end_of_early_data";
            case 0x06:
                return "hello_retry_request_reserved";
            case 0x08:
                return "encrypted_extensions";
            case 0x0B:
                return "certificate";
            case 0x0C:
                return "server_key_exchange_reserved";
            case 0x0D:
                return "certificate_request";
            case 0x0E:
                return "server_hello_done_reserved";
            case 0x0F:
                return "certificate_verify";
            case 0x10:
                return "client_key_exchange_reserved";
            case 0x14:
                return "finished";
            case 0x15:
                return "certificate_url_reserved";
            case 0x16:
                return "certificate_status_reserved";
            case 0x17:
                return "supplemental_data_reserved";
            case 0x18:
                return "key_update";
            case 0xFE:
                return "message_hash";
            default:
                return null;
        }
    }

    /** Whether the code has a name here. @return {@code true} for a known code */
    public boolean isKnown() {
        return knownName() != null;
    }

    @Override
    public String toString() {
        String name = knownName();
        return name != null ? name : String.format("unknown(0x%02X)", code);
    }
}
