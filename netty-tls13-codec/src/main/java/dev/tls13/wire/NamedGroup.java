package dev.tls13.wire;

import java.util.List;
import java.util.Locale;

/**
 * A key exchange group, RFC 8446 §4.2.7, plus the hybrid post-quantum groups.
 *
 * <p>An open value type: any 16-bit code survives decoding and re-encoding, the constants
 * only give the known values a name.
 *
 * @param code the 16-bit wire value
 */
public record NamedGroup(int code) {

    public static final NamedGroup SECP256R1 = new NamedGroup(0x0017);
    public static final NamedGroup SECP384R1 = new NamedGroup(0x0018);
    public static final NamedGroup SECP521R1 = new NamedGroup(0x0019);
    public static final NamedGroup X25519 = new NamedGroup(0x001D);
    public static final NamedGroup X448 = new NamedGroup(0x001E);
    public static final NamedGroup FFDHE2048 = new NamedGroup(0x0100);
    public static final NamedGroup FFDHE3072 = new NamedGroup(0x0101);
    public static final NamedGroup FFDHE4096 = new NamedGroup(0x0102);
    public static final NamedGroup FFDHE6144 = new NamedGroup(0x0103);
    public static final NamedGroup FFDHE8192 = new NamedGroup(0x0104);
    /** Hybrid SecP256r1MLKEM768 (draft-ietf-tls-ecdhe-mlkem). */
    public static final NamedGroup SECP256R1MLKEM768 = new NamedGroup(0x11EB);
    /** Hybrid X25519MLKEM768 (draft-ietf-tls-ecdhe-mlkem). */
    public static final NamedGroup X25519MLKEM768 = new NamedGroup(0x11EC);
    /** Hybrid SecP384r1MLKEM1024 (draft-ietf-tls-ecdhe-mlkem). */
    public static final NamedGroup SECP384R1MLKEM1024 = new NamedGroup(0x11ED);

    /** Every group with a name, for {@link #forName}. */
    private static final List<NamedGroup> KNOWN = List.of(SECP256R1, SECP384R1, SECP521R1, X25519, X448, FFDHE2048,
            FFDHE3072, FFDHE4096, FFDHE6144, FFDHE8192, SECP256R1MLKEM768, X25519MLKEM768, SECP384R1MLKEM1024);

    /**
     * Checks the range of the code.
     *
     * @throws IllegalArgumentException when {@code code} does not fit in 16 bits
     */
    public NamedGroup {
        if (code < 0 || code > 0xFFFF) {
            throw new IllegalArgumentException("NamedGroup out of range: " + code);
        }
    }

    /**
     * Returns the constant for a known code, or a new value for an unknown one.
     *
     * @param code the wire value
     * @return the value type for {@code code}
     */
    public static NamedGroup of(int code) {
        switch (code) {
            case 0x0017:
                return SECP256R1;
            case 0x0018:
                return SECP384R1;
            case 0x0019:
                return SECP521R1;
            case 0x001D:
                return X25519;
            case 0x001E:
                return X448;
            case 0x0100:
                return FFDHE2048;
            case 0x0101:
                return FFDHE3072;
            case 0x0102:
                return FFDHE4096;
            case 0x0103:
                return FFDHE6144;
            case 0x0104:
                return FFDHE8192;
            case 0x11EB:
                return SECP256R1MLKEM768;
            case 0x11EC:
                return X25519MLKEM768;
            case 0x11ED:
                return SECP384R1MLKEM1024;
            default:
                return new NamedGroup(code);
        }
    }

    /**
     * Returns the RFC name of a known code, or {@code null} for an unknown one.
     *
     * @return the name, or {@code null}
     */
    public String knownName() {
        switch (code) {
            case 0x0017:
                return "secp256r1";
            case 0x0018:
                return "secp384r1";
            case 0x0019:
                return "secp521r1";
            case 0x001D:
                return "x25519";
            case 0x001E:
                return "x448";
            case 0x0100:
                return "ffdhe2048";
            case 0x0101:
                return "ffdhe3072";
            case 0x0102:
                return "ffdhe4096";
            case 0x0103:
                return "ffdhe6144";
            case 0x0104:
                return "ffdhe8192";
            case 0x11EB:
                return "SecP256r1MLKEM768";
            case 0x11EC:
                return "X25519MLKEM768";
            case 0x11ED:
                return "SecP384r1MLKEM1024";
            default:
                return null;
        }
    }

    /**
     * The group a name stands for: its RFC 8446 §4.2.7 name ({@code x25519}, {@code secp256r1},
     * {@code ffdhe2048}, …) or the hybrid groups' draft names, and the spellings OpenSSL and NIST use
     * ({@code prime256v1} and {@code P-256} for secp256r1, {@code P-384}, {@code P-521}). Case and
     * surrounding blanks do not matter. The one place names become groups: the builder, the examples'
     * options and the JSSE provider all read names through it. Whether a group is supported is the
     * caller's question.
     *
     * @param name a group name
     * @return the group
     * @throws IllegalArgumentException for a name that is no group's
     */
    public static NamedGroup forName(String name) {
        String wanted = name.trim();
        switch (wanted.toLowerCase(Locale.ROOT)) {
            case "prime256v1":
            case "p-256":
                return SECP256R1;
            case "p-384":
                return SECP384R1;
            case "p-521":
                return SECP521R1;
            default:
                break;
        }
        for (NamedGroup group : KNOWN) {
            if (group.knownName().equalsIgnoreCase(wanted)) {
                return group;
            }
        }
        throw new IllegalArgumentException("unknown named group '" + name + "'");
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
