package dev.tls13.keys;

import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.HashAlgorithm;
import java.util.Arrays;
import java.util.Objects;

/**
 * The PSK importer of RFC 9258 (docs/architecture.md §15): an external PSK (EPSK) turned into one imported PSK per
 * target protocol and KDF, each with its own identity, so that one EPSK is never used with two hashes or protocols
 * (RFC 9258 §1, §5.1). Only TLS 1.3 is a target (§5.1: "External PSKs MUST NOT be imported for (D)TLS 1.2 or prior
 * versions").
 *
 * <p>For a target KDF, the identity on the wire is the serialized ImportedIdentity (§5.1):
 * <pre>
 * struct {
 *     opaque external_identity&lt;1...2^16-1&gt;;
 *     opaque context&lt;0..2^16-1&gt;;
 *     uint16 target_protocol;
 *     uint16 target_kdf;
 * } ImportedIdentity;
 * </pre>
 * and the PSK is {@code ipskx = HKDF-Expand-Label(HKDF-Extract(0, epsk), "derived psk", Hash(ImportedIdentity), L)},
 * with HKDF and Hash those of the EPSK's hash (SHA-256 when it has none), L the target KDF's output length. Binders
 * of an imported PSK use the "imp binder" label ({@link PskType#IMPORTED}, §5.2).
 */
public final class PskImporter {

    /** RFC 9258 §5.1: target_protocol of TLS 1.3, its version number. */
    public static final int TLS13 = 0x0304;
    /** IANA "TLS KDF Identifiers" (RFC 9258 §10): HKDF_SHA256. */
    public static final int HKDF_SHA256 = 0x0001;
    /** IANA "TLS KDF Identifiers" (RFC 9258 §10): HKDF_SHA384. */
    public static final int HKDF_SHA384 = 0x0002;

    private static final int MAX_FIELD = 0xFFFF;
    private static final byte[] DERIVED_PSK = HkdfLabel.label("derived psk");

    private PskImporter() {
    }

    /**
     * A parsed ImportedIdentity (RFC 9258 §5.1).
     *
     * @param externalIdentity the EPSK's identity, 1 to 65,535 bytes
     * @param context the context, 0 to 65,535 bytes
     * @param targetProtocol the protocol version the PSK was imported for
     * @param targetKdf the KDF identifier it was imported for
     */
    public record ImportedIdentity(byte[] externalIdentity, byte[] context, int targetProtocol, int targetKdf) {

        /**
         * @return the hash of {@link #targetKdf} when the identity is for TLS 1.3 with a KDF we know, or
         *         {@code null}: then it is not an identity of ours (RFC 9258 §5.1)
         */
        public HashAlgorithm tls13TargetHash() {
            return targetProtocol == TLS13 ? hashOf(targetKdf) : null;
        }
    }

    /**
     * The KDF identifier of a hash (IANA "TLS KDF Identifiers").
     *
     * @param hash the hash of a TLS 1.3 suite
     * @return HKDF_SHA256 or HKDF_SHA384
     */
    public static int kdfId(HashAlgorithm hash) {
        return switch (hash) {
            case SHA256 -> HKDF_SHA256;
            case SHA384 -> HKDF_SHA384;
        };
    }

    /**
     * The hash of a KDF identifier.
     *
     * @param kdfId a target_kdf
     * @return the hash, or {@code null} for an identifier we do not implement
     */
    public static HashAlgorithm hashOf(int kdfId) {
        return switch (kdfId) {
            case HKDF_SHA256 -> HashAlgorithm.SHA256;
            case HKDF_SHA384 -> HashAlgorithm.SHA384;
            default -> null;
        };
    }

    /**
     * Serializes the ImportedIdentity for TLS 1.3 and {@code target} (RFC 9258 §5.1): the PskIdentity.identity the
     * client sends.
     *
     * @param externalIdentity the EPSK's identity, 1 to 65,535 bytes; borrowed
     * @param context the context, 0 to 65,535 bytes; borrowed
     * @param target the hash of the target KDF
     * @return the encoding, owned by the caller
     * @throws IllegalArgumentException for a field out of range, or an encoding too long for a PskIdentity
     *         (RFC 8446 §4.2.11: {@code opaque identity<1..2^16-1>})
     */
    public static byte[] importedIdentity(byte[] externalIdentity, byte[] context, HashAlgorithm target) {
        checkFields(externalIdentity, context);
        int length = 2 + externalIdentity.length + 2 + context.length + 4;
        if (length > MAX_FIELD) {
            throw new IllegalArgumentException("an ImportedIdentity of " + length
                    + " bytes does not fit a PSK identity (at most 65535)");
        }
        byte[] out = new byte[length];
        int i = putVector(out, 0, externalIdentity);
        i = putVector(out, i, context);
        i = putU16(out, i, TLS13);
        putU16(out, i, kdfId(target));
        return out;
    }

    /**
     * Checks an external identity and context for {@link #importedIdentity}, for configuration time.
     *
     * @param externalIdentity the EPSK's identity
     * @param context the context
     * @throws IllegalArgumentException when either is out of range or together they do not fit a PSK identity
     */
    public static void checkFields(byte[] externalIdentity, byte[] context) {
        Objects.requireNonNull(externalIdentity, "externalIdentity");
        Objects.requireNonNull(context, "context");
        if (externalIdentity.length < 1 || externalIdentity.length > MAX_FIELD) {
            throw new IllegalArgumentException("an external identity has 1 to 65535 bytes: "
                    + externalIdentity.length);
        }
        if (2 + externalIdentity.length + 2 + context.length + 4 > MAX_FIELD) {
            throw new IllegalArgumentException("external identity and context too long for an ImportedIdentity");
        }
    }

    /**
     * Parses a PskIdentity.identity as an ImportedIdentity (RFC 9258 §5.1).
     *
     * @param identity the identity a client offered; borrowed
     * @return the parsed identity (its arrays are copies), or {@code null} when the bytes are not exactly one
     *         ImportedIdentity with a non-empty external_identity: then it is no imported identity (not an error,
     *         the identity is simply unknown)
     */
    public static ImportedIdentity parse(byte[] identity) {
        int n = identity.length;
        if (n < 2) {
            return null;
        }
        int idLength = u16(identity, 0);
        if (idLength == 0 || 2 + idLength + 2 > n) {
            return null;
        }
        int contextAt = 2 + idLength;
        int contextLength = u16(identity, contextAt);
        if (contextAt + 2 + contextLength + 4 != n) {
            return null;
        }
        int tail = contextAt + 2 + contextLength;
        return new ImportedIdentity(Arrays.copyOfRange(identity, 2, 2 + idLength),
                Arrays.copyOfRange(identity, contextAt + 2, tail), u16(identity, tail), u16(identity, tail + 2));
    }

    /**
     * Derives the imported PSK (RFC 9258 §5.1): {@code epskx = HKDF-Extract(0, epsk)}, then
     * {@code ipskx = HKDF-Expand-Label(epskx, "derived psk", Hash(ImportedIdentity), L)}; HKDF and Hash are the
     * EPSK's hash ("It is not the hash function associated with ImportedIdentity.target_kdf"), L is the target
     * KDF's hash length.
     *
     * @param provider the crypto provider
     * @param epskHash the hash associated with the EPSK (SHA-256 when none is, §5.1)
     * @param epsk the EPSK's key; borrowed, not modified
     * @param importedIdentity the serialized ImportedIdentity, as on the wire; borrowed
     * @param target the target KDF's hash
     * @return ipskx, owned by the caller, who zeroes it
     */
    public static byte[] derive(CryptoProvider provider, HashAlgorithm epskHash, byte[] epsk,
                                byte[] importedIdentity, HashAlgorithm target) {
        if (epsk.length == 0) {
            throw new IllegalArgumentException("empty EPSK");
        }
        KeyDerivation derivation = new KeyDerivation(provider, epskHash);
        // RFC 5869 §2.2: an absent salt is HashLen zeros, which is "0" in RFC 8446's notation.
        byte[] epskx = derivation.extract(new byte[epskHash.length()], epsk);
        try {
            byte[] context = derivation.digest(importedIdentity);
            return derivation.expandLabel(epskx, DERIVED_PSK, context, target.length());
        } finally {
            Arrays.fill(epskx, (byte) 0);
        }
    }

    private static int putVector(byte[] out, int at, byte[] value) {
        int i = putU16(out, at, value.length);
        System.arraycopy(value, 0, out, i, value.length);
        return i + value.length;
    }

    private static int putU16(byte[] out, int at, int value) {
        out[at] = (byte) (value >>> 8);
        out[at + 1] = (byte) value;
        return at + 2;
    }

    private static int u16(byte[] in, int at) {
        return (in[at] & 0xFF) << 8 | in[at + 1] & 0xFF;
    }
}
