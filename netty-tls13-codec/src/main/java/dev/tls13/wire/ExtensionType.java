package dev.tls13.wire;

/**
 * A TLS extension type, RFC 8446 §4.2 (and the RFCs it cites).
 *
 * <p>An open value type: any 16-bit code survives decoding and re-encoding, the constants
 * only give the known values a name.
 *
 * @param code the 16-bit wire value
 */
public record ExtensionType(int code) {

    public static final ExtensionType SERVER_NAME = new ExtensionType(0x0000);
    public static final ExtensionType MAX_FRAGMENT_LENGTH = new ExtensionType(0x0001);
    public static final ExtensionType STATUS_REQUEST = new ExtensionType(0x0005);
    public static final ExtensionType SUPPORTED_GROUPS = new ExtensionType(0x000A);
    /** RFC 8422; TLS 1.2 only, tolerated in a ClientHello. */
    public static final ExtensionType EC_POINT_FORMATS = new ExtensionType(0x000B);
    public static final ExtensionType SIGNATURE_ALGORITHMS = new ExtensionType(0x000D);
    public static final ExtensionType USE_SRTP = new ExtensionType(0x000E);
    public static final ExtensionType HEARTBEAT = new ExtensionType(0x000F);
    public static final ExtensionType APPLICATION_LAYER_PROTOCOL_NEGOTIATION = new ExtensionType(0x0010);
    public static final ExtensionType SIGNED_CERTIFICATE_TIMESTAMP = new ExtensionType(0x0012);
    public static final ExtensionType CLIENT_CERTIFICATE_TYPE = new ExtensionType(0x0013);
    public static final ExtensionType SERVER_CERTIFICATE_TYPE = new ExtensionType(0x0014);
    public static final ExtensionType PADDING = new ExtensionType(0x0015);
    /** RFC 7366; TLS 1.2 only. */
    public static final ExtensionType ENCRYPT_THEN_MAC = new ExtensionType(0x0016);
    /** RFC 7627; TLS 1.2 only. */
    public static final ExtensionType EXTENDED_MASTER_SECRET = new ExtensionType(0x0017);
    public static final ExtensionType RECORD_SIZE_LIMIT = new ExtensionType(0x001C);
    /** RFC 5077; TLS 1.2 only. */
    public static final ExtensionType SESSION_TICKET = new ExtensionType(0x0023);
    public static final ExtensionType PRE_SHARED_KEY = new ExtensionType(0x0029);
    public static final ExtensionType EARLY_DATA = new ExtensionType(0x002A);
    public static final ExtensionType SUPPORTED_VERSIONS = new ExtensionType(0x002B);
    public static final ExtensionType COOKIE = new ExtensionType(0x002C);
    public static final ExtensionType PSK_KEY_EXCHANGE_MODES = new ExtensionType(0x002D);
    public static final ExtensionType CERTIFICATE_AUTHORITIES = new ExtensionType(0x002F);
    public static final ExtensionType OID_FILTERS = new ExtensionType(0x0030);
    public static final ExtensionType POST_HANDSHAKE_AUTH = new ExtensionType(0x0031);
    public static final ExtensionType SIGNATURE_ALGORITHMS_CERT = new ExtensionType(0x0032);
    public static final ExtensionType KEY_SHARE = new ExtensionType(0x0033);
    /** RFC 5746; TLS 1.2 only. */
    public static final ExtensionType RENEGOTIATION_INFO = new ExtensionType(0xFF01);

    /**
     * Checks the range of the code.
     *
     * @throws IllegalArgumentException when {@code code} does not fit in 16 bits
     */
    public ExtensionType {
        if (code < 0 || code > 0xFFFF) {
            throw new IllegalArgumentException("ExtensionType out of range: " + code);
        }
    }

    /**
     * Returns the constant for a known code, or a new value for an unknown one.
     *
     * @param code the wire value
     * @return the value type for {@code code}
     */
    public static ExtensionType of(int code) {
        switch (code) {
            case 0x0000:
                return SERVER_NAME;
            case 0x0001:
                return MAX_FRAGMENT_LENGTH;
            case 0x0005:
                return STATUS_REQUEST;
            case 0x000A:
                return SUPPORTED_GROUPS;
            case 0x000B:
                return EC_POINT_FORMATS;
            case 0x000D:
                return SIGNATURE_ALGORITHMS;
            case 0x000E:
                return USE_SRTP;
            case 0x000F:
                return HEARTBEAT;
            case 0x0010:
                return APPLICATION_LAYER_PROTOCOL_NEGOTIATION;
            case 0x0012:
                return SIGNED_CERTIFICATE_TIMESTAMP;
            case 0x0013:
                return CLIENT_CERTIFICATE_TYPE;
            case 0x0014:
                return SERVER_CERTIFICATE_TYPE;
            case 0x0015:
                return PADDING;
            case 0x0016:
                return ENCRYPT_THEN_MAC;
            case 0x0017:
                return EXTENDED_MASTER_SECRET;
            case 0x001C:
                return RECORD_SIZE_LIMIT;
            case 0x0023:
                return SESSION_TICKET;
            case 0x0029:
                return PRE_SHARED_KEY;
            case 0x002A:
                return EARLY_DATA;
            case 0x002B:
                return SUPPORTED_VERSIONS;
            case 0x002C:
                return COOKIE;
            case 0x002D:
                return PSK_KEY_EXCHANGE_MODES;
            case 0x002F:
                return CERTIFICATE_AUTHORITIES;
            case 0x0030:
                return OID_FILTERS;
            case 0x0031:
                return POST_HANDSHAKE_AUTH;
            case 0x0032:
                return SIGNATURE_ALGORITHMS_CERT;
            case 0x0033:
                return KEY_SHARE;
            case 0xFF01:
                return RENEGOTIATION_INFO;
            default:
                return new ExtensionType(code);
        }
    }

    /**
     * Returns the RFC name of a known code, or {@code null} for an unknown one.
     *
     * @return the name, or {@code null}
     */
    public String knownName() {
        switch (code) {
            case 0x0000:
                return "server_name";
            case 0x0001:
                return "max_fragment_length";
            case 0x0005:
                return "status_request";
            case 0x000A:
                return "supported_groups";
            case 0x000B:
                return "ec_point_formats";
            case 0x000D:
                return "signature_algorithms";
            case 0x000E:
                return "use_srtp";
            case 0x000F:
                return "heartbeat";
            case 0x0010:
                return "application_layer_protocol_negotiation";
            case 0x0012:
                return "signed_certificate_timestamp";
            case 0x0013:
                return "client_certificate_type";
            case 0x0014:
                return "server_certificate_type";
            case 0x0015:
                return "padding";
            case 0x0016:
                return "encrypt_then_mac";
            case 0x0017:
                return "extended_master_secret";
            case 0x001C:
                return "record_size_limit";
            case 0x0023:
                return "session_ticket";
            case 0x0029:
                return "pre_shared_key";
            case 0x002A:
                return "early_data";
            case 0x002B:
                return "supported_versions";
            case 0x002C:
                return "cookie";
            case 0x002D:
                return "psk_key_exchange_modes";
            case 0x002F:
                return "certificate_authorities";
            case 0x0030:
                return "oid_filters";
            case 0x0031:
                return "post_handshake_auth";
            case 0x0032:
                return "signature_algorithms_cert";
            case 0x0033:
                return "key_share";
            case 0xFF01:
                return "renegotiation_info";
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
        return name != null ? name : String.format("unknown(0x%04X)", code);
    }
}
