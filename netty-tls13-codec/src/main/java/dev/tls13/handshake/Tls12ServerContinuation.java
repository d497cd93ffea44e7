package dev.tls13.handshake;

import dev.tls13.error.TlsException;
import dev.tls13.wire.ClientHello;

/**
 * How a server continues with a ClientHello that negotiates TLS 1.2 (docs/architecture.md §16). The TLS 1.2 state
 * machine lives in {@code dev.tls13.tls12}, which builds on this package, so the server is handed its entry point
 * through {@link ServerConfig} instead of naming it; a configuration without one speaks TLS 1.3 only.
 */
@FunctionalInterface
public interface Tls12ServerContinuation {

    /**
     * Answers a ClientHello that negotiated TLS 1.2 with the server's first flight and returns the first TLS 1.2
     * state. The caller has checked the version negotiation only and added nothing to a transcript.
     *
     * @param config the server configuration
     * @param hello the ClientHello
     * @param encoded the array holding its exact bytes, header included; borrowed for the call
     * @param offset where the message starts
     * @param length its length
     * @param out where effects go; the connection driver's output, which takes TLS 1.2 effects too
     * @return the next state
     * @throws TlsException when the ClientHello is refused
     */
    HandshakeState afterClientHello(ServerConfig config, ClientHello hello, byte[] encoded, int offset, int length,
                                    HandshakeOutput out) throws TlsException;
}
