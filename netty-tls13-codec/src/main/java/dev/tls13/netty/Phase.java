package dev.tls13.netty;

/**
 * Where a {@link Tls13Handler} is in its life. It only moves forward, and only through the methods of
 * this enum:
 * <pre>
 *   NEW ──start()──▶ HANDSHAKING ──completeHandshake()──▶ OPEN
 *    │                    │                                  │
 *    └────────────────────┴──────────── release() ───────────┴──▶ CLOSED
 * </pre>
 * Whether our close_notify was sent is not a phase but the connection's own fact
 * ({@code TlsConnection#isOutboundClosed}): it also turns true when the connection fails on its own, and
 * it may come before the handshake completes ({@code closeOutbound()} while handshaking), so a CLOSING
 * phase between OPEN and CLOSED would copy it, and sometimes wrongly.
 */
enum Phase {
    /** The handshake has not started: the channel is not active yet. Received bytes wait in the cumulation. */
    NEW,
    /** The handshake runs: writes are held, up to the cap, until it completes. */
    HANDSHAKING,
    /** The handshake completed: writes are sealed as they are flushed. */
    OPEN,
    /**
     * Released (failure, channel closed, handler removed): the connection's buffers and secrets are gone,
     * received bytes are discarded and writes fail.
     */
    CLOSED;

    /** @return the phase once the handshake has been started: only NEW moves (to HANDSHAKING) */
    Phase start() {
        return this == NEW ? HANDSHAKING : this;
    }

    /** @return the phase once the connection reported its handshake complete: only HANDSHAKING moves (to OPEN) */
    Phase completeHandshake() {
        return this == HANDSHAKING ? OPEN : this;
    }

    /** @return CLOSED, from every phase */
    Phase release() {
        return CLOSED;
    }

    /** @return whether the handshake has started and nothing was released: the connection runs */
    boolean isRunning() {
        return this == HANDSHAKING || this == OPEN;
    }
}
