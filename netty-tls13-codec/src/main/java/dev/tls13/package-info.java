/**
 * The entry points: {@link dev.tls13.Tls13Context}, an immutable configuration shared by every channel that
 * uses it (like Netty's {@code SslContext}), built by {@link dev.tls13.Tls13ContextBuilder}, and
 * {@link dev.tls13.Tls13KeyLog}, the consumer of NSS key log lines (RFC 9850).
 *
 * <pre>
 * Tls13Context.forServer(...) / forClient() → Tls13ContextBuilder → build() → Tls13Context (immutable)
 *   ├─ newHandler(alloc[, peerHost, peerPort])   → dev.tls13.netty.Tls13Handler, one per channel
 *   └─ newConnection(alloc, peerHost, listener)  → dev.tls13.connection.TlsConnection, for adapters
 * </pre>
 *
 * <p>Rules:
 * <ul>
 *   <li>Public API (docs/architecture.md §14): every public type of this package is meant for users and
 *       keeps its compatibility.</li>
 *   <li>This package translates the user's vocabulary ({@code SslContextBuilder}'s names, PEM files, key and
 *       trust managers, Netty's {@code ClientAuth}) into the immutable configurations of
 *       {@code dev.tls13.handshake} and the {@code Limits} of {@code dev.tls13.connection}, once, at
 *       {@code build()}. Caller mistakes throw {@link java.lang.IllegalArgumentException} naming the
 *       problem, from the builder rather than from a connection.</li>
 *   <li>Imports: any package of this library. Besides {@code dev.tls13.netty}, it is the only package that
 *       may import {@code io.netty.channel} ({@code Tls13KeyLog} names the channel of a line; enforced by
 *       {@code ArchitectureTest}). Nothing below {@code dev.tls13.netty} imports it; this package and
 *       {@code dev.tls13.netty} depend on each other ({@code newHandler} returns a handler that reads its
 *       context).</li>
 * </ul>
 */
package dev.tls13;
