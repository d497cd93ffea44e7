package dev.tls13.wire;

/**
 * A TLS alert description, RFC 8446 §6 (plus RFC 8446-era registry values).
 *
 * <p>An open value type: any 8-bit code survives decoding and re-encoding, the constants
 * only give the known values a name.
 *
 * @param code the 8-bit wire value
 */
public record AlertDescription(int code) {

    public static final AlertDescription CLOSE_NOTIFY = new AlertDescription(0x00);
    public static final AlertDescription UNEXPECTED_MESSAGE = new AlertDescription(0x0A);
    public static final AlertDescription BAD_RECORD_MAC = new AlertDescription(0x14);
    public static final AlertDescription DECRYPTION_FAILED_RESERVED = new AlertDescription(0x15);
    public static final AlertDescription RECORD_OVERFLOW = new AlertDescription(0x16);
    public static final AlertDescription DECOMPRESSION_FAILURE_RESERVED = new AlertDescription(0x1E);
    public static final AlertDescription HANDSHAKE_FAILURE = new AlertDescription(0x28);
    public static final AlertDescription NO_CERTIFICATE_RESERVED = new AlertDescription(0x29);
    public static final AlertDescription BAD_CERTIFICATE = new AlertDescription(0x2A);
    public static final AlertDescription UNSUPPORTED_CERTIFICATE = new AlertDescription(0x2B);
    public static final AlertDescription CERTIFICATE_REVOKED = new AlertDescription(0x2C);
    public static final AlertDescription CERTIFICATE_EXPIRED = new AlertDescription(0x2D);
    public static final AlertDescription CERTIFICATE_UNKNOWN = new AlertDescription(0x2E);
    public static final AlertDescription ILLEGAL_PARAMETER = new AlertDescription(0x2F);
    public static final AlertDescription UNKNOWN_CA = new AlertDescription(0x30);
    public static final AlertDescription ACCESS_DENIED = new AlertDescription(0x31);
    public static final AlertDescription DECODE_ERROR = new AlertDescription(0x32);
    public static final AlertDescription DECRYPT_ERROR = new AlertDescription(0x33);
    public static final AlertDescription EXPORT_RESTRICTION_RESERVED = new AlertDescription(0x3C);
    public static final AlertDescription PROTOCOL_VERSION = new AlertDescription(0x46);
    public static final AlertDescription INSUFFICIENT_SECURITY = new AlertDescription(0x47);
    public static final AlertDescription INTERNAL_ERROR = new AlertDescription(0x50);
    public static final AlertDescription INAPPROPRIATE_FALLBACK = new AlertDescription(0x56);
    public static final AlertDescription USER_CANCELED = new AlertDescription(0x5A);
    public static final AlertDescription NO_RENEGOTIATION_RESERVED = new AlertDescription(0x64);
    public static final AlertDescription MISSING_EXTENSION = new AlertDescription(0x6D);
    public static final AlertDescription UNSUPPORTED_EXTENSION = new AlertDescription(0x6E);
    public static final AlertDescription CERTIFICATE_UNOBTAINABLE_RESERVED = new AlertDescription(0x6F);
    public static final AlertDescription UNRECOGNIZED_NAME = new AlertDescription(0x70);
    public static final AlertDescription BAD_CERTIFICATE_STATUS_RESPONSE = new AlertDescription(0x71);
    public static final AlertDescription BAD_CERTIFICATE_HASH_VALUE_RESERVED = new AlertDescription(0x72);
    public static final AlertDescription UNKNOWN_PSK_IDENTITY = new AlertDescription(0x73);
    public static final AlertDescription CERTIFICATE_REQUIRED = new AlertDescription(0x74);
    public static final AlertDescription NO_APPLICATION_PROTOCOL = new AlertDescription(0x78);

    /**
     * Checks the range of the code.
     *
     * @throws IllegalArgumentException when {@code code} does not fit in 8 bits
     */
    public AlertDescription {
        if (code < 0 || code > 0xFF) {
            throw new IllegalArgumentException("AlertDescription out of range: " + code);
        }
    }

    /**
     * Returns the constant for a known code, or a new value for an unknown one.
     *
     * @param code the wire value
     * @return the value type for {@code code}
     */
    public static AlertDescription of(int code) {
        switch (code) {
            case 0x00:
                return CLOSE_NOTIFY;
            case 0x0A:
                return UNEXPECTED_MESSAGE;
            case 0x14:
                return BAD_RECORD_MAC;
            case 0x15:
                return DECRYPTION_FAILED_RESERVED;
            case 0x16:
                return RECORD_OVERFLOW;
            case 0x1E:
                return DECOMPRESSION_FAILURE_RESERVED;
            case 0x28:
                return HANDSHAKE_FAILURE;
            case 0x29:
                return NO_CERTIFICATE_RESERVED;
            case 0x2A:
                return BAD_CERTIFICATE;
            case 0x2B:
                return UNSUPPORTED_CERTIFICATE;
            case 0x2C:
                return CERTIFICATE_REVOKED;
            case 0x2D:
                return CERTIFICATE_EXPIRED;
            case 0x2E:
                return CERTIFICATE_UNKNOWN;
            case 0x2F:
                return ILLEGAL_PARAMETER;
            case 0x30:
                return UNKNOWN_CA;
            case 0x31:
                return ACCESS_DENIED;
            case 0x32:
                return DECODE_ERROR;
            case 0x33:
                return DECRYPT_ERROR;
            case 0x3C:
                return EXPORT_RESTRICTION_RESERVED;
            case 0x46:
                return PROTOCOL_VERSION;
            case 0x47:
                return INSUFFICIENT_SECURITY;
            case 0x50:
                return INTERNAL_ERROR;
            case 0x56:
                return INAPPROPRIATE_FALLBACK;
            case 0x5A:
                return USER_CANCELED;
            case 0x64:
                return NO_RENEGOTIATION_RESERVED;
            case 0x6D:
                return MISSING_EXTENSION;
            case 0x6E:
                return UNSUPPORTED_EXTENSION;
            case 0x6F:
                return CERTIFICATE_UNOBTAINABLE_RESERVED;
            case 0x70:
                return UNRECOGNIZED_NAME;
            case 0x71:
                return BAD_CERTIFICATE_STATUS_RESPONSE;
            case 0x72:
                return BAD_CERTIFICATE_HASH_VALUE_RESERVED;
            case 0x73:
                return UNKNOWN_PSK_IDENTITY;
            case 0x74:
                return CERTIFICATE_REQUIRED;
            case 0x78:
                return NO_APPLICATION_PROTOCOL;
            default:
                return new AlertDescription(code);
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
                return "close_notify";
            case 0x0A:
                return "unexpected_message";
            case 0x14:
                return "bad_record_mac";
            case 0x15:
                return "decryption_failed_reserved";
            case 0x16:
                return "record_overflow";
            case 0x1E:
                return "decompression_failure_reserved";
            case 0x28:
                return "handshake_failure";
            case 0x29:
                return "no_certificate_reserved";
            case 0x2A:
                return "bad_certificate";
            case 0x2B:
                return "unsupported_certificate";
            case 0x2C:
                return "certificate_revoked";
            case 0x2D:
                return "certificate_expired";
            case 0x2E:
                return "certificate_unknown";
            case 0x2F:
                return "illegal_parameter";
            case 0x30:
                return "unknown_ca";
            case 0x31:
                return "access_denied";
            case 0x32:
                return "decode_error";
            case 0x33:
                return "decrypt_error";
            case 0x3C:
                return "export_restriction_reserved";
            case 0x46:
                return "protocol_version";
            case 0x47:
                return "insufficient_security";
            case 0x50:
                return "internal_error";
            case 0x56:
                return "inappropriate_fallback";
            case 0x5A:
                return "user_canceled";
            case 0x64:
                return "no_renegotiation_reserved";
            case 0x6D:
                return "missing_extension";
            case 0x6E:
                return "unsupported_extension";
            case 0x6F:
                return "certificate_unobtainable_reserved";
            case 0x70:
                return "unrecognized_name";
            case 0x71:
                return "bad_certificate_status_response";
            case 0x72:
                return "bad_certificate_hash_value_reserved";
            case 0x73:
                return "unknown_psk_identity";
            case 0x74:
                return "certificate_required";
            case 0x78:
                return "no_application_protocol";
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
