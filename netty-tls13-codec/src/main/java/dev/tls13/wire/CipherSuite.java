package dev.tls13.wire;

/**
 * A cipher suite, RFC 8446 §B.4 (TLS 1.3 suites are named; legacy codes survive as unknown).
 *
 * <p>An open value type: any 16-bit code survives decoding and re-encoding, the constants
 * only give the known values a name.
 *
 * @param code the 16-bit wire value
 */
public record CipherSuite(int code) {

    public static final CipherSuite TLS_AES_128_GCM_SHA256 = new CipherSuite(0x1301);
    public static final CipherSuite TLS_AES_256_GCM_SHA384 = new CipherSuite(0x1302);
    public static final CipherSuite TLS_CHACHA20_POLY1305_SHA256 = new CipherSuite(0x1303);
    public static final CipherSuite TLS_AES_128_CCM_SHA256 = new CipherSuite(0x1304);
    public static final CipherSuite TLS_AES_128_CCM_8_SHA256 = new CipherSuite(0x1305);
    /** RFC 5746 signalling value, seen in TLS 1.2-capable ClientHellos. */
    public static final CipherSuite TLS_EMPTY_RENEGOTIATION_INFO_SCSV = new CipherSuite(0x00FF);
    /** RFC 7507 signalling value. */
    public static final CipherSuite TLS_FALLBACK_SCSV = new CipherSuite(0x5600);

    /** TLS 1.2: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 (RFC 5289). */
    public static final CipherSuite TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 = new CipherSuite(0xC02B);
    /** TLS 1.2: TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 (RFC 5289). */
    public static final CipherSuite TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 = new CipherSuite(0xC02C);
    /** TLS 1.2: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (RFC 5289). */
    public static final CipherSuite TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 = new CipherSuite(0xC02F);
    /** TLS 1.2: TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (RFC 5289). */
    public static final CipherSuite TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 = new CipherSuite(0xC030);
    /** TLS 1.2: TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 (RFC 7905). */
    public static final CipherSuite TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 = new CipherSuite(0xCCA8);
    /** TLS 1.2: TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 (RFC 7905). */
    public static final CipherSuite TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 = new CipherSuite(0xCCA9);
    /** TLS 1.2: TLS_ECDHE_ECDSA_WITH_AES_128_CCM (RFC 7251). */
    public static final CipherSuite TLS_ECDHE_ECDSA_WITH_AES_128_CCM = new CipherSuite(0xC0AC);
    /** TLS 1.2: TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8 (RFC 7251). */
    public static final CipherSuite TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8 = new CipherSuite(0xC0AE);

    /**
     * Checks the range of the code.
     *
     * @throws IllegalArgumentException when {@code code} does not fit in 16 bits
     */
    public CipherSuite {
        if (code < 0 || code > 0xFFFF) {
            throw new IllegalArgumentException("CipherSuite out of range: " + code);
        }
    }

    /**
     * Returns the constant for a known code, or a new value for an unknown one.
     *
     * @param code the wire value
     * @return the value type for {@code code}
     */
    public static CipherSuite of(int code) {
        switch (code) {
            case 0x1301:
                return TLS_AES_128_GCM_SHA256;
            case 0x1302:
                return TLS_AES_256_GCM_SHA384;
            case 0x1303:
                return TLS_CHACHA20_POLY1305_SHA256;
            case 0x1304:
                return TLS_AES_128_CCM_SHA256;
            case 0x1305:
                return TLS_AES_128_CCM_8_SHA256;
            case 0x00FF:
                return TLS_EMPTY_RENEGOTIATION_INFO_SCSV;
            case 0x5600:
                return TLS_FALLBACK_SCSV;
            case 0xC02B:
                return TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256;
            case 0xC02C:
                return TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384;
            case 0xC02F:
                return TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256;
            case 0xC030:
                return TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384;
            case 0xCCA8:
                return TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256;
            case 0xCCA9:
                return TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256;
            case 0xC0AC:
                return TLS_ECDHE_ECDSA_WITH_AES_128_CCM;
            case 0xC0AE:
                return TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8;
            default:
                return new CipherSuite(code);
        }
    }

    /**
     * Returns the RFC name of a known code, or {@code null} for an unknown one.
     *
     * @return the name, or {@code null}
     */
    public String knownName() {
        switch (code) {
            case 0x1301:
                return "TLS_AES_128_GCM_SHA256";
            case 0x1302:
                return "TLS_AES_256_GCM_SHA384";
            case 0x1303:
                return "TLS_CHACHA20_POLY1305_SHA256";
            case 0x1304:
                return "TLS_AES_128_CCM_SHA256";
            case 0x1305:
                return "TLS_AES_128_CCM_8_SHA256";
            case 0x00FF:
                return "TLS_EMPTY_RENEGOTIATION_INFO_SCSV";
            case 0x5600:
                return "TLS_FALLBACK_SCSV";
            case 0xC02B:
                return "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
            case 0xC02C:
                return "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384";
            case 0xC02F:
                return "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
            case 0xC030:
                return "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384";
            case 0xCCA8:
                return "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256";
            case 0xCCA9:
                return "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256";
            case 0xC0AC:
                return "TLS_ECDHE_ECDSA_WITH_AES_128_CCM";
            case 0xC0AE:
                return "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8";
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
