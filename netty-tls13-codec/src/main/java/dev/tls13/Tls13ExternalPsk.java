package dev.tls13;

import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.handshake.ExternalPsk;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import javax.security.auth.Destroyable;

/**
 * A pre-shared key provisioned outside TLS (RFC 8446 §2.2, §4.2.11; docs/architecture.md §15): an identity both
 * sides know it by, the key, and the hash it is used with. A client offers one
 * ({@link Tls13ContextBuilder#externalPsk}), a server accepts the ones it knows
 * ({@link Tls13ContextBuilder#externalPsks}, or {@link Tls13ContextBuilder#externalPskLookup} for the application's
 * own store); the same shape as {@code openssl s_client/s_server -psk HEX
 * -psk_identity ID} and GnuTLS's {@code --pskusername/--pskkey}.
 *
 * <p>The key must be secret and high-entropy (RFC 8446 §2.2): a password is not a PSK, since an attacker who
 * observed one handshake can test guesses against its binder offline. RFC 8446 §4.2.11 binds a PSK to one hash: it
 * is used only with cipher suites of that hash (SHA-256 by default, as OpenSSL and GnuTLS assume). The key is copied
 * in and zeroed by {@link #destroy()}; a context keeps its own copy, which each handshake copies again and zeroes
 * when done. {@link #toString()} never shows the identity or the key.
 *
 * <p>{@link #imported} makes an EPSK to import (RFC 9258, docs/architecture.md §15) instead: the PSK is then never
 * used as it is, but only as PSKs derived from it for TLS 1.3 and one KDF each.
 */
public final class Tls13ExternalPsk implements Destroyable {

    private final ExternalPsk psk;

    private Tls13ExternalPsk(byte[] identity, byte[] key, HashAlgorithm hash, byte[] context) {
        this.psk = new ExternalPsk(identity, key, hash, context);
    }

    /**
     * An external PSK used with SHA-256 suites (TLS_AES_128_GCM_SHA256, TLS_CHACHA20_POLY1305_SHA256, the CCM
     * suites).
     *
     * @param identity the identity, 1 to 65,535 bytes; copied
     * @param key the key, at least 1 byte (use 32 random bytes); copied, so the caller may zero its array
     * @return the PSK
     * @throws IllegalArgumentException for an empty or too long identity, or an empty key
     */
    public static Tls13ExternalPsk of(byte[] identity, byte[] key) {
        return of(identity, key, "SHA-256");
    }

    /**
     * An external PSK whose identity is a string, sent in UTF-8 (what {@code openssl -psk_identity} and GnuTLS's
     * {@code --pskusername} send), used with SHA-256 suites.
     *
     * @param identity the identity, not empty
     * @param key the key; copied
     * @return the PSK
     * @throws IllegalArgumentException for an empty identity or key
     */
    public static Tls13ExternalPsk of(String identity, byte[] key) {
        return of(Objects.requireNonNull(identity, "identity").getBytes(StandardCharsets.UTF_8), key);
    }

    /**
     * An external PSK used with the suites of {@code hash}.
     *
     * @param identity the identity, 1 to 65,535 bytes; copied
     * @param key the key, at least 1 byte; copied
     * @param hash {@code "SHA-256"} or {@code "SHA-384"} (TLS_AES_256_GCM_SHA384 only)
     * @return the PSK
     * @throws IllegalArgumentException for another hash, an empty or too long identity, or an empty key
     */
    public static Tls13ExternalPsk of(byte[] identity, byte[] key, String hash) {
        return new Tls13ExternalPsk(identity, key, hashOf(hash), null);
    }

    /**
     * An external PSK (EPSK) to import (RFC 9258), with SHA-256 as the hash of the import, RFC 9258 §5.1's default
     * for an EPSK that has none.
     *
     * <p>Importing binds the key to its use: a client offers not the EPSK but, for each hash of its TLS 1.3 suites
     * (SHA-256 first), a PSK derived from it for TLS 1.3 and that KDF, {@code ipskx = HKDF-Expand-Label(
     * HKDF-Extract(0, key), "derived psk", Hash(ImportedIdentity), L)}, whose identity is the ImportedIdentity
     * {external_identity = {@code identity}, {@code context}, target_protocol TLS 1.3, target_kdf} and whose binder
     * uses "imp binder" (RFC 9258 §5.1, §5.2). So one EPSK can serve every suite, is never used with two hashes
     * (RFC 8446 §4.2.11's restriction, which RFC 9258 §1 lifts by diversification), and its imported PSKs cannot be
     * mistaken for the raw key in TLS 1.2 or another protocol. Both peers must import, with the same identity, key,
     * context and hash: a peer that uses the same key and identity as a plain {@link #of} PSK agrees on no PSK with
     * this one.
     *
     * <p>The context (RFC 9258 §5.1) may carry what the EPSK is bound to, such as the peers' roles or identities
     * against Selfie-style reflection (RFC 9258 Appendix A); like the identity it travels in clear in every
     * ClientHello. A server takes an ImportedIdentity only with the context of its EPSK of that external identity:
     * another context is an unknown PSK. {@code SessionInfo.externalPskIdentity()} reports {@code identity}, the
     * external identity, and the server's {@link Tls13ExternalPskLookup} is asked with it too.
     *
     * @param identity the external identity, 1 byte or more; copied
     * @param key the EPSK, at least 1 byte (use 32 random bytes); copied
     * @param context the context, possibly empty; copied. Identity and context together must leave an
     *        ImportedIdentity of at most 65,535 bytes (RFC 8446 §4.2.11's identity)
     * @return the EPSK
     * @throws IllegalArgumentException for an empty identity or key, or an identity and context too long together
     */
    public static Tls13ExternalPsk imported(byte[] identity, byte[] key, byte[] context) {
        return imported(identity, key, context, "SHA-256");
    }

    /**
     * An external PSK to import (RFC 9258) whose hash for the import is {@code hash} (RFC 9258 §5.1: "The hash
     * function used for HKDF ... is that which is associated with the EPSK"); otherwise as
     * {@link #imported(byte[], byte[], byte[])}. The hash does not restrict the suites: the client still offers an
     * imported PSK for each hash of its suites.
     *
     * @param identity the external identity; copied
     * @param key the EPSK; copied
     * @param context the context, possibly empty; copied
     * @param hash {@code "SHA-256"} or {@code "SHA-384"}
     * @return the EPSK
     * @throws IllegalArgumentException for another hash, an empty identity or key, or fields too long
     */
    public static Tls13ExternalPsk imported(byte[] identity, byte[] key, byte[] context, String hash) {
        return new Tls13ExternalPsk(identity, key, hashOf(hash), Objects.requireNonNull(context, "context"));
    }

    private static HashAlgorithm hashOf(String hash) {
        return switch (Objects.requireNonNull(hash, "hash")) {
            case "SHA-256" -> HashAlgorithm.SHA256;
            case "SHA-384" -> HashAlgorithm.SHA384;
            default -> throw new IllegalArgumentException("an external PSK's hash is SHA-256 or SHA-384: " + hash);
        };
    }

    /**
     * @return the hash the PSK is used with, {@code "SHA-256"} or {@code "SHA-384"}; for an EPSK to import, the hash
     *         of the import
     */
    public String hash() {
        return psk.hash().jcaName();
    }

    /** @return whether this is an EPSK to import (RFC 9258), made by {@link #imported} */
    public boolean isImported() {
        return psk.imported();
    }

    /** The handshake's view, shared with the configurations built from it. */
    ExternalPsk handshakePsk() {
        return psk;
    }

    /**
     * Zeroes the key. Contexts built earlier hold their own copy, which stays usable; a builder given this object
     * refuses to build afterwards.
     */
    @Override
    public void destroy() {
        psk.destroy();
    }

    /** @return whether {@link #destroy()} was called */
    @Override
    public boolean isDestroyed() {
        return psk.isDestroyed();
    }

    /** @return the hash only; never the identity's bytes nor the key */
    @Override
    public String toString() {
        return "Tls13ExternalPsk[" + hash() + (isImported() ? ", imported" : "")
                + (isDestroyed() ? ", destroyed]" : "]");
    }
}
