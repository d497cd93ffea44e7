/**
 * The TLS 1.3 record layer (RFC 8446 §5; docs/architecture.md §4, §6): splitting the byte stream into
 * records, protecting and unprotecting them, and joining handshake messages across records.
 *
 * <pre>
 * in:   cumulation ─► RecordDeframer.next ─► record ─► ReadProtection.open ─► content, inner type
 *       handshake content ─► HandshakeJoiner.add / next ─► whole messages
 *       HandshakeJoiner.aligned() ─► Aligned ─► ReadProtection.install(aligned, aead, iv)
 * out:  content ─► WriteProtection.seal / sealFragmented ─► whole records in the caller's buffer
 * </pre>
 *
 * <p>Rules:
 * <ul>
 *   <li>One {@link dev.tls13.record.ReadProtection} or {@link dev.tls13.record.WriteProtection} per
 *       direction and key: sequence number, nonce, AEAD, padding and inner type. A sequence number never
 *       wraps; {@code destroy()} destroys the key and zeroes the IV.</li>
 *   <li>Nothing of ours is allocated per record: nonce, header and AAD arrays are reused, records are
 *       opened in their own memory, and memory without an accessible array goes through one per-thread
 *       array. Where the JCA is faster another way (direct records and AES-GCM on newer JDKs), the
 *       measured way is taken (§8).</li>
 *   <li>Buffers: {@code RecordDeframer.next} returns a retained slice owned by the caller and consumes
 *       nothing until a record is whole; {@code open} borrows the record (and may return a new buffer,
 *       then owned by the caller); {@code HandshakeJoiner} retains or copies what it keeps and
 *       {@code release()} frees it.</li>
 *   <li>Limits are checked on headers, before anything is buffered: record sizes (§10) and handshake
 *       message caps.</li>
 *   <li>Only {@code HandshakeJoiner.aligned()} creates an {@link dev.tls13.record.Aligned}: new read keys
 *       never split a handshake message (RFC 8446 §5.1).</li>
 *   <li>Imports: crypto, error, wire, netty-buffer and {@code io.netty.util}; never handshake, keys,
 *       connection or {@code io.netty.channel}.</li>
 *   <li>Internal: no compatibility promise; public only because other packages of this library use it.</li>
 * </ul>
 */
package dev.tls13.record;
