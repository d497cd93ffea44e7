package dev.tls13.handshake;

/**
 * The server's lookup of an external PSK by the identity a client offered (RFC 8446 §4.2.11; docs/architecture.md
 * §15): the internal form of the public {@code dev.tls13.Tls13ExternalPskLookup}, which a context adapts to it.
 * Asked only for identities that are neither a configured PSK nor a ticket our keys open, at most
 * {@link Resumption#MAX_IDENTITIES_TRIED} times per ClientHello.
 */
@FunctionalInterface
public interface ExternalPskLookup {

    /**
     * Finds the PSK with this identity.
     *
     * @param identity a PskIdentity.identity, owned by the callee (a copy)
     * @return the PSK, borrowed (the handshake copies its key), or {@code null} when none has this identity
     * @throws Exception when the lookup fails: the handshake then fails with internal_error
     */
    ExternalPsk find(byte[] identity) throws Exception;
}
