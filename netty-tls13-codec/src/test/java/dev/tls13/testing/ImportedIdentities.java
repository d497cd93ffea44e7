package dev.tls13.testing;

import java.io.ByteArrayOutputStream;

/** RFC 9258 §5.1 ImportedIdentity structures serialized by hand, independently of {@code keys.PskImporter}. */
public final class ImportedIdentities {

    private ImportedIdentities() {
    }

    /**
     * Serializes {@code struct { opaque external_identity<1...2^16-1>; opaque context<0..2^16-1>;
     * uint16 target_protocol; uint16 target_kdf; } ImportedIdentity}, with any protocol and KDF (for refusals).
     *
     * @param identity the external identity
     * @param context the context
     * @param protocol target_protocol
     * @param kdf target_kdf
     * @return the encoding
     */
    public static byte[] encode(byte[] identity, byte[] context, int protocol, int kdf) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(identity.length >>> 8);
        out.write(identity.length);
        out.writeBytes(identity);
        out.write(context.length >>> 8);
        out.write(context.length);
        out.writeBytes(context);
        out.write(protocol >>> 8);
        out.write(protocol);
        out.write(kdf >>> 8);
        out.write(kdf);
        return out.toByteArray();
    }
}
