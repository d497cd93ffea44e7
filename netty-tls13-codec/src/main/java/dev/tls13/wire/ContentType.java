package dev.tls13.wire;

/**
 * A TLS record content type, RFC 8446 §5.1.
 *
 * <p>An open value type: any 8-bit code survives decoding and re-encoding, the constants
 * only give the known values a name.
 *
 * @param code the 8-bit wire value
 */
public record ContentType(int code) {

    public static final ContentType INVALID = new ContentType(0x00);
    public static final ContentType CHANGE_CIPHER_SPEC = new ContentType(0x14);
    public static final ContentType ALERT = new ContentType(0x15);
    public static final ContentType HANDSHAKE = new ContentType(0x16);
    public static final ContentType APPLICATION_DATA = new ContentType(0x17);
    /** RFC 6520; not used by TLS 1.3 but named so it can be rejected by name. */
    public static final ContentType HEARTBEAT = new ContentType(0x18);

    /**
     * Checks the range of the code.
     *
     * @throws IllegalArgumentException when {@code code} does not fit in 8 bits
     */
    public ContentType {
        if (code < 0 || code > 0xFF) {
            throw new IllegalArgumentException("ContentType out of range: " + code);
        }
    }

    /**
     * Returns the constant for a known code, or a new value for an unknown one.
     *
     * @param code the wire value
     * @return the value type for {@code code}
     */
    public static ContentType of(int code) {
        switch (code) {
            case 0x00:
                return INVALID;
            case 0x14:
                return CHANGE_CIPHER_SPEC;
            case 0x15:
                return ALERT;
            case 0x16:
                return HANDSHAKE;
            case 0x17:
                return APPLICATION_DATA;
            case 0x18:
                return HEARTBEAT;
            default:
                return new ContentType(code);
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
                return "invalid";
            case 0x14:
                return "change_cipher_spec";
            case 0x15:
                return "alert";
            case 0x16:
                return "handshake";
            case 0x17:
                return "application_data";
            case 0x18:
                return "heartbeat";
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
