/**
 * One TLS 1.3 connection without I/O (docs/architecture.md §3, §4): {@link dev.tls13.connection.TlsConnection}
 * owns the record layer of one connection (deframing, the read and write protections, alerts, the
 * change_cipher_spec rule, the {@link dev.tls13.connection.Limits}) and drives one handshake state machine,
 * applying its effects in the order they were made (§5).
 *
 * <pre>
 * receive(cumulation) ─► RecordDeframer ─► ReadProtection.open ─┬─ application_data ─► Listener.applicationData
 *                                                               ├─ handshake ─► HandshakeJoiner ─► state.on(...)
 *                                                               └─ alert, change_cipher_spec ─► RFC 8446 §5, §6
 * writeApplicationData, updateKeys, closeOutbound, flights ─► WriteProtection ─► pollOutput() ─► caller
 * </pre>
 *
 * <p>Rules:
 * <ul>
 *   <li>Sans-IO: no channel, socket, thread or timer. The owner pushes received bytes and plaintext, takes
 *       records with {@code pollOutput()}, and hears events through {@code TlsConnection.Listener}, whose
 *       callbacks run inside a call to the connection. One caller at a time: the channel's event loop for
 *       {@code Tls13Handler}, the synchronized engine for the JSSE adapter.</li>
 *   <li>Buffers (§6): {@code receive} borrows the cumulation and advances it past whole records only;
 *       {@code pollOutput} returns one buffer owned by the caller; {@code Listener.applicationData} hands
 *       ownership of the plaintext to the listener. {@code release()} frees every buffer and secret; it
 *       is idempotent.</li>
 *   <li>Failure is sticky (§5, §7): the first {@link dev.tls13.error.TlsException} queues the fatal alert
 *       its failure names, sealed with the write keys in force, destroys the handshake state and is
 *       rethrown by later calls; later input is discarded.</li>
 *   <li>The limits of §10 that a peer could abuse are enforced here (flood counters and the automatic
 *       KeyUpdate, from {@link dev.tls13.connection.Limits}) and in {@code dev.tls13.record} (sizes).</li>
 *   <li>Imports: crypto, error, handshake, keys, record, wire and netty-buffer; never
 *       {@code io.netty.channel} (enforced by {@code ArchitectureTest}). No package below it imports it.</li>
 *   <li>Public API for adapters such as the JSSE engine (docs/architecture.md §14); the server's accept step
 *       (§13) lives here.</li>
 * </ul>
 */
package dev.tls13.connection;
