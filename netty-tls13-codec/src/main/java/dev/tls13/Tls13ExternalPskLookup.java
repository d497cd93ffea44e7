package dev.tls13;

/**
 * A server's lookup of external PSKs (RFC 8446 §4.2.11; docs/architecture.md §15) in the application's own store,
 * beside or instead of the fixed list of {@link Tls13ContextBuilder#externalPsks}
 * ({@link Tls13ContextBuilder#externalPskLookup}).
 *
 * <p>For each identity a ClientHello offers, in order and at most for the first 8, the server tries the fixed list,
 * then whether the identity is one of its own session tickets (a ticket our keys open is never passed to the
 * lookup), and only then asks the lookup. The first identity that resolves to a usable PSK whose binder verifies is
 * selected; so one ClientHello causes at most 8 calls. A PSK found here is used only with the cipher suite the
 * server chose from the suites (it must have that suite's hash, RFC 8446 §4.2.11): the suite is chosen before the
 * lookup is asked, so a SHA-384 PSK needs a server that prefers TLS_AES_256_GCM_SHA384 or a client that offers only
 * it (the fixed list, known in advance, steers the suite choice instead).
 *
 * <p>Imported PSKs (RFC 9258, {@link Tls13ExternalPsk#imported}): when an offered identity is an ImportedIdentity
 * for TLS 1.3 and the hash of the chosen suite, the lookup is asked with its external_identity (not the whole
 * ImportedIdentity), and only an EPSK to import that has the ImportedIdentity's context is used; for any other
 * identity only a PSK that is not imported is used. An identity imported for the other hash is not asked about.
 *
 * <p>Called on an event loop during the handshake, possibly concurrently: it should answer quickly (an in-memory
 * map, a local cache in front of a remote store). An exception fails the handshake with an internal_error alert and
 * a {@code TlsException} whose failure is {@code TlsFailure.Internal}; it never hangs the connection.
 */
@FunctionalInterface
public interface Tls13ExternalPskLookup {

    /**
     * Finds the PSK a client names.
     *
     * @param identity the PskIdentity.identity the client sent, or for an RFC 9258 ImportedIdentity its
     *        external_identity (1 to 65,535 bytes, not secret: it travels in clear),
     *        a copy the method may keep
     * @return the PSK, whose identity must equal {@code identity}; or {@code null} when the application knows none
     *         (the identity is then ignored: a certificate handshake, or handshake_failure on a server without a
     *         certificate). The handshake copies the key and zeroes its copy; the returned object stays the caller's
     * @throws Exception when the store cannot answer: the handshake fails with internal_error
     */
    Tls13ExternalPsk find(byte[] identity) throws Exception;
}
