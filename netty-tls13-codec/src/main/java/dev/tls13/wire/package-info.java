/**
 * The TLS 1.3 wire format (RFC 8446 §3, §4, §B): code points, one Java record per handshake message and
 * extension, alerts, and {@link dev.tls13.wire.HandshakeCodec}, which decodes and encodes them.
 *
 * <pre>
 * message bytes (ByteBuf, borrowed) ─► HandshakeCodec.decode ─► HandshakeMessage (byte[], lists, code points)
 * HandshakeMessage ─► HandshakeCodec.encode ─► byte[]: exactly the bytes it was decoded from
 * </pre>
 *
 * <p>Rules:
 * <ul>
 *   <li>Decoding is strict: every length is checked against what remains before it is used, trailing
 *       bytes are an error, empty vectors and duplicate extensions RFC 8446 forbids are refused, and a
 *       known extension is accepted only in the messages RFC 8446 §4.2 lists it for. Failures raise the reasons
 *       of {@code dev.tls13.error} ({@code InvalidMessage}, {@code PeerMisbehaved}).</li>
 *   <li>Re-encoding is exact: unknown extensions and code points, extension order and legacy fields are
 *       kept, because transcript hashes and PSK binders cover the bytes as sent.</li>
 *   <li>Code points ({@code CipherSuite}, {@code NamedGroup}, {@code SignatureScheme}, {@code ExtensionType},
 *       {@code HandshakeType}, {@code AlertDescription}, {@code ContentType}) are records of their numeric
 *       code, so unknown values survive.</li>
 *   <li>Messages hold no {@code ByteBuf} (docs/architecture.md §6 rule 3); records holding
 *       {@code byte[]} share the arrays, so treat them as immutable.</li>
 *   <li>Imports: error and netty-buffer only; {@code dev.tls13.error} imports this package for
 *       {@code AlertDescription}.</li>
 *   <li>Internal: no compatibility promise; public only because other packages of this library use it.</li>
 * </ul>
 */
package dev.tls13.wire;
