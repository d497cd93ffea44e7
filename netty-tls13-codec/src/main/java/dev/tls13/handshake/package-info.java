/**
 * The TLS 1.3 handshake state machines (RFC 8446 §2, §4; docs/architecture.md §5) and the steps they share:
 * negotiation, certificate selection and validation, signatures, the key-schedule steps, post-handshake
 * messages.
 *
 * <pre>
 * client  ExpectServerHello ─(HelloRetryRequest)─► ExpectServerHelloAfterRetry
 *           ─► ExpectEncryptedExtensions ─► ExpectCertificateOrCertificateRequest ─► ExpectCertificate
 *           ─► ExpectCertificateVerify ─► ExpectFinished ─► Connected
 * server  ExpectClientHello ─(HelloRetryRequest)─► ExpectSecondClientHello ─► (ServerHello … Finished sent)
 *           ─► [ExpectClientCertificate ─► [ExpectClientCertificateVerify]] ─► ExpectClientFinished ─► Connected
 *
 * driver:  state = state.on(message, encoded, offset, length, out)      effects ─► HandshakeOutput, in order
 * </pre>
 *
 * <p>Rules:
 * <ul>
 *   <li>One source file per side ({@link dev.tls13.handshake.ClientHandshake},
 *       {@link dev.tls13.handshake.ServerHandshake}), states as records in protocol order, each named for
 *       what it expects next; a record's components are that state's data, so nothing is nullable.</li>
 *   <li>Inside {@code on}: check that the message is the one this state accepts (anything else is
 *       unexpected_message), decode and validate it touching no state, then update the transcript, derive
 *       keys, emit effects and return the next state. The driver alone performs the state change.</li>
 *   <li>Effects go only through {@link dev.tls13.handshake.HandshakeOutput}; a state never sees a record,
 *       a buffer or a channel. The message bytes it is given are borrowed for the call.</li>
 *   <li>Proof tokens ({@code Proofs.FinishedVerified}, {@code CertificateVerified},
 *       {@code SignatureVerified}) are created only by the verifying methods of {@code Proofs}, and the
 *       connected states require them. Read keys are installed only on a record boundary: the driver
 *       asks {@code dev.tls13.record.HandshakeJoiner} for its {@code Aligned} proof.</li>
 *   <li>Secrets: each key-schedule stage is destroyed as soon as the next exists; a state destroys key
 *       shares and secrets once it has advanced past them, and {@code destroy()} destroys the rest when
 *       the connection ends.</li>
 *   <li>Imports: crypto, error, keys, wire, and from {@code dev.tls13.record} only the
 *       {@code CipherSuiteParams} type; never connection, netty or {@code io.netty.channel}.</li>
 *   <li>Internal: no compatibility promise; public only because other packages of this library use it.</li>
 * </ul>
 */
package dev.tls13.handshake;
