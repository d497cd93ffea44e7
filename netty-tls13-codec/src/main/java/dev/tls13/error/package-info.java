/**
 * Why a TLS connection failed, and the one place the alert for it is chosen (docs/architecture.md §7).
 *
 * <pre>
 * TlsException (checked, extends SSLException, no stack trace)
 *   └─ TlsFailure (sealed)                                     alert() ─► the fatal alert to send
 *        Misbehaved(PeerMisbehaved)     Incompatible(PeerIncompatible)     Invalid(InvalidMessage)
 *        CertificateRejected(CertificateError)     UnexpectedMessage     DecryptFailed
 *        AlertReceived (sends nothing, RFC 8446 §6.2)     Internal (internal_error)
 * </pre>
 *
 * <p>Rules:
 * <ul>
 *   <li>Call sites raise a reason, never an alert. Each reason enum maps its constants to alerts with a
 *       {@code switch} expression without {@code default}, so a new reason does not compile until it
 *       names its alert.</li>
 *   <li>{@link dev.tls13.error.TlsException} records no stack trace: peers trigger it cheaply and often.
 *       A wrapped cause keeps its own.</li>
 *   <li>Caller mistakes are not {@code TlsException}s: they throw {@link java.lang.IllegalArgumentException}
 *       or {@link java.lang.IllegalStateException} and send no alert.</li>
 *   <li>Imports: {@code dev.tls13.wire} ({@code AlertDescription}) and {@code javax.net.ssl} only.
 *       {@code dev.tls13.wire} imports this package in turn (its decoders raise reasons through
 *       {@code TlsException}): the one mutual pair of the core.</li>
 *   <li>Internal: no compatibility promise; public only because other packages of this library use it.
 *       Users meet {@code TlsException} as the {@link javax.net.ssl.SSLException} that failed a
 *       handshake or a connection.</li>
 * </ul>
 */
package dev.tls13.error;
