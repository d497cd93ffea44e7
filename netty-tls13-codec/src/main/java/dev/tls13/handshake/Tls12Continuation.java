package dev.tls13.handshake;

import dev.tls13.error.TlsException;
import dev.tls13.wire.ClientHello;
import dev.tls13.wire.ServerHello;

/**
 * How a client continues after a ServerHello that selected TLS 1.2 (docs/architecture.md §16). The TLS 1.2
 * state machine lives in {@code dev.tls13.tls12}, which builds on this package, so the client is handed its
 * entry point through {@link ClientConfig} instead of naming it; a configuration without one offers TLS 1.3
 * only.
 */
@FunctionalInterface
public interface Tls12Continuation {

    /**
     * Checks a TLS 1.2 ServerHello and returns the first TLS 1.2 state.
     *
     * @param config the client configuration
     * @param peerHost the host the certificate must name, or {@code null}
     * @param clientHello the ClientHello we sent
     * @param encodedClientHello its bytes, header included
     * @param serverHello the ServerHello
     * @param encodedServerHello its bytes, header included
     * @param tls12Offer the TLS 1.2 session ticket offered in SessionTicket (RFC 5077 §3.2), or {@code null}; the
     *        continuation takes ownership
     * @return the next state
     * @throws TlsException when the ServerHello is refused
     */
    HandshakeState afterServerHello(ClientConfig config, String peerHost, ClientHello clientHello,
                                    byte[] encodedClientHello, ServerHello serverHello, byte[] encodedServerHello,
                                    ResumptionTicket tls12Offer) throws TlsException;
}
