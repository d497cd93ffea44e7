/**
 * TLS 1.2 (RFC 5246) in the conservative profile of issue 16: ECDHE only, AEAD suites only, the extended
 * master secret required (RFC 7627), no renegotiation (RFC 5746). The client state machine
 * ({@link dev.tls13.tls12.Tls12ClientHandshake}) continues after a ServerHello that selected TLS 1.2, the server
 * state machine ({@link dev.tls13.tls12.Tls12ServerHandshake}) after a ClientHello that negotiated it; their
 * effects go through {@link dev.tls13.tls12.Tls12Output}. Keys come from {@link dev.tls13.keys.Tls12MasterSecret},
 * records are protected by the TLS 1.2 implementations of {@link dev.tls13.record.ReadProtection} and
 * {@link dev.tls13.record.WriteProtection}, messages are decoded by {@link dev.tls13.wire.Tls12HandshakeCodec}
 * (docs/architecture.md §16).
 *
 * <p>Imports: crypto, error, handshake (configuration, certificate checks, signature schemes, the summary),
 * keys, record ({@code Tls12CipherSuiteParams} only), wire; never connection or {@code io.netty.channel}.
 */
package dev.tls13.tls12;
