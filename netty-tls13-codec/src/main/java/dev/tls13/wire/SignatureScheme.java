package dev.tls13.wire;

/**
 * A signature scheme, RFC 8446 §4.2.3.
 *
 * <p>An open value type: any 16-bit code survives decoding and re-encoding, the constants
 * only give the known values a name.
 *
 * @param code the 16-bit wire value
 */
public record SignatureScheme(int code) {

    public static final SignatureScheme RSA_PKCS1_SHA256 = new SignatureScheme(0x0401);
    public static final SignatureScheme RSA_PKCS1_SHA384 = new SignatureScheme(0x0501);
    public static final SignatureScheme RSA_PKCS1_SHA512 = new SignatureScheme(0x0601);
    public static final SignatureScheme ECDSA_SECP256R1_SHA256 = new SignatureScheme(0x0403);
    public static final SignatureScheme ECDSA_SECP384R1_SHA384 = new SignatureScheme(0x0503);
    public static final SignatureScheme ECDSA_SECP521R1_SHA512 = new SignatureScheme(0x0603);
    public static final SignatureScheme RSA_PSS_RSAE_SHA256 = new SignatureScheme(0x0804);
    public static final SignatureScheme RSA_PSS_RSAE_SHA384 = new SignatureScheme(0x0805);
    public static final SignatureScheme RSA_PSS_RSAE_SHA512 = new SignatureScheme(0x0806);
    public static final SignatureScheme ED25519 = new SignatureScheme(0x0807);
    public static final SignatureScheme ED448 = new SignatureScheme(0x0808);
    public static final SignatureScheme RSA_PSS_PSS_SHA256 = new SignatureScheme(0x0809);
    public static final SignatureScheme RSA_PSS_PSS_SHA384 = new SignatureScheme(0x080A);
    public static final SignatureScheme RSA_PSS_PSS_SHA512 = new SignatureScheme(0x080B);
    public static final SignatureScheme RSA_PKCS1_SHA1 = new SignatureScheme(0x0201);
    public static final SignatureScheme ECDSA_SHA1 = new SignatureScheme(0x0203);

    /**
     * Checks the range of the code.
     *
     * @throws IllegalArgumentException when {@code code} does not fit in 16 bits
     */
    public SignatureScheme {
        if (code < 0 || code > 0xFFFF) {
            throw new IllegalArgumentException("SignatureScheme out of range: " + code);
        }
    }

    /**
     * Returns the constant for a known code, or a new value for an unknown one.
     *
     * @param code the wire value
     * @return the value type for {@code code}
     */
    public static SignatureScheme of(int code) {
        switch (code) {
            case 0x0401:
                return RSA_PKCS1_SHA256;
            case 0x0501:
                return RSA_PKCS1_SHA384;
            case 0x0601:
                return RSA_PKCS1_SHA512;
            case 0x0403:
                return ECDSA_SECP256R1_SHA256;
            case 0x0503:
                return ECDSA_SECP384R1_SHA384;
            case 0x0603:
                return ECDSA_SECP521R1_SHA512;
            case 0x0804:
                return RSA_PSS_RSAE_SHA256;
            case 0x0805:
                return RSA_PSS_RSAE_SHA384;
            case 0x0806:
                return RSA_PSS_RSAE_SHA512;
            case 0x0807:
                return ED25519;
            case 0x0808:
                return ED448;
            case 0x0809:
                return RSA_PSS_PSS_SHA256;
            case 0x080A:
                return RSA_PSS_PSS_SHA384;
            case 0x080B:
                return RSA_PSS_PSS_SHA512;
            case 0x0201:
                return RSA_PKCS1_SHA1;
            case 0x0203:
                return ECDSA_SHA1;
            default:
                return new SignatureScheme(code);
        }
    }

    /**
     * Returns the RFC name of a known code, or {@code null} for an unknown one.
     *
     * @return the name, or {@code null}
     */
    public String knownName() {
        switch (code) {
            case 0x0401:
                return "rsa_pkcs1_sha256";
            case 0x0501:
                return "rsa_pkcs1_sha384";
            case 0x0601:
                return "rsa_pkcs1_sha512";
            case 0x0403:
                return "ecdsa_secp256r1_sha256";
            case 0x0503:
                return "ecdsa_secp384r1_sha384";
            case 0x0603:
                return "ecdsa_secp521r1_sha512";
            case 0x0804:
                return "rsa_pss_rsae_sha256";
            case 0x0805:
                return "rsa_pss_rsae_sha384";
            case 0x0806:
                return "rsa_pss_rsae_sha512";
            case 0x0807:
                return "ed25519";
            case 0x0808:
                return "ed448";
            case 0x0809:
                return "rsa_pss_pss_sha256";
            case 0x080A:
                return "rsa_pss_pss_sha384";
            case 0x080B:
                return "rsa_pss_pss_sha512";
            case 0x0201:
                return "rsa_pkcs1_sha1";
            case 0x0203:
                return "ecdsa_sha1";
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
