/**
 * The Netty side (docs/architecture.md §9): {@link dev.tls13.netty.Tls13Handler}, a duplex handler with
 * the contract of Netty's {@code SslHandler}, and the helpers that do for it what Netty's own do for
 * {@code SslHandler} (which find TLS by that type and never see ours).
 *
 * <pre>
 * [Tls13SniHandler | OptionalTls13Handler] ─► Tls13Handler ─► [Tls13ProtocolNegotiationHandler] ─► application
 *   (replace themselves with a Tls13Handler:      │                 (configures the pipeline for the ALPN protocol)
 *    the SNI handler's is in accept mode)         └─ TlsConnection: the sans-IO core, one per handler
 * </pre>
 *
 * <p>Rules:
 * <ul>
 *   <li>With the root package, the only package that imports {@code io.netty.channel} (enforced by
 *       {@code ArchitectureTest}); the TLS logic stays in the core, the handlers translate between
 *       pipeline events and {@code TlsConnection} calls.</li>
 *   <li>Frameworks rely on the contract: Netty's own {@code SslHandshakeCompletionEvent} and
 *       {@code SslCloseCompletionEvent} (their {@code SUCCESS} singletons), the handshake event before the
 *       first decrypted read, {@code DecoderException(SSLException)} for inbound failures,
 *       {@code ClosedChannelException} for a channel closed mid-handshake, reads driven while
 *       {@code AUTO_READ} is off, the timeouts of §9 and §10.</li>
 *   <li>Everything runs on the channel's event loop; methods callable from other threads hop onto it.</li>
 *   <li>Buffers (§6): a buffer passed to {@code ctx.write} or {@code fireChannelRead} is not touched again;
 *       failure, {@code channelInactive} and removal fail every pending write and release the connection
 *       with its secrets.</li>
 *   <li>Imports: the root package, connection, error, handshake ({@code SessionInfo}) and Netty.</li>
 *   <li>Public API (docs/architecture.md §14): the handlers are for users; their package-private parts
 *       are not.</li>
 * </ul>
 */
package dev.tls13.netty;
