package dev.tls13.wire;

/**
 * ProtocolVersion values (RFC 8446 §4.1.2, §4.2.1), kept as plain {@code int}s so that any 16-bit
 * value (GREASE, future versions) survives decoding and re-encoding.
 */
public final class ProtocolVersion {

    /** TLS 1.0, the legacy_record_version allowed in a first ClientHello record (RFC 8446 §5.1). */
    public static final int TLS_1_0 = 0x0301;
    /** TLS 1.2: legacy_version of every TLS 1.3 hello and the record layer (RFC 8446 §4.1.2). */
    public static final int TLS_1_2 = 0x0303;
    /** TLS 1.3, only ever sent in supported_versions (RFC 8446 §4.2.1). */
    public static final int TLS_1_3 = 0x0304;

    private ProtocolVersion() {
    }
}
