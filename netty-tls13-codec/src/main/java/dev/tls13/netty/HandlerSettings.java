package dev.tls13.netty;

import dev.tls13.Tls13Context;
import dev.tls13.connection.Limits;
import dev.tls13.connection.TlsConnection;

/**
 * What a {@link Tls13Handler} takes from a context besides its TLS configuration: the timeouts, the wrap size
 * and the pending-write cap of docs/architecture.md §9, and the limits of §10 its connection enforces. A handler
 * in accept mode has them before any context is chosen.
 *
 * @param handshakeTimeoutMillis the handshake timeout, 0 for none
 * @param closeNotifyFlushTimeoutMillis how long closing waits for close_notify to be written
 * @param closeNotifyReadTimeoutMillis how long closing waits for the peer's close_notify, 0 not at all
 * @param wrapDataSize the largest plaintext per record written
 * @param maxPendingWriteBytes the cap on plaintext queued before the handshake completes
 * @param limits the limits the connection enforces
 */
record HandlerSettings(long handshakeTimeoutMillis, long closeNotifyFlushTimeoutMillis,
                       long closeNotifyReadTimeoutMillis, int wrapDataSize, long maxPendingWriteBytes, Limits limits) {

    /** Those of a context built with {@code Tls13ContextBuilder}'s defaults: 10 s, 3 s, 0, 16 KiB, 1 MiB. */
    static final HandlerSettings DEFAULT = new HandlerSettings(10_000, 3_000, 0, TlsConnection.MAX_PLAINTEXT_LENGTH,
            1024 * 1024, Limits.DEFAULT);

    /**
     * Reads the settings of a context.
     *
     * @param context the context
     * @return its settings
     */
    static HandlerSettings of(Tls13Context context) {
        return new HandlerSettings(context.handshakeTimeoutMillis(), context.closeNotifyFlushTimeoutMillis(),
                context.closeNotifyReadTimeoutMillis(), context.wrapDataSize(), context.maxPendingWriteBytes(),
                context.limits());
    }

    /**
     * A copy with another handshake timeout.
     *
     * @param millis the timeout, 0 for none
     * @return the new settings
     */
    HandlerSettings withHandshakeTimeoutMillis(long millis) {
        return new HandlerSettings(millis, closeNotifyFlushTimeoutMillis, closeNotifyReadTimeoutMillis, wrapDataSize,
                maxPendingWriteBytes, limits);
    }
}
