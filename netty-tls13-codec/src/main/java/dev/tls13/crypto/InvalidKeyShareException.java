package dev.tls13.crypto;

import java.security.GeneralSecurityException;

/**
 * The peer's key share is unusable: not a valid public value for its group, or it yields an
 * all-zero shared secret (RFC 8446 §4.2.8.2, §7.4.2). The handshake maps it to illegal_parameter.
 */
public final class InvalidKeyShareException extends GeneralSecurityException {

    private static final long serialVersionUID = 1L;

    /** What was wrong with the share. */
    public enum Kind {
        /** Wrong length, not on the curve, identity, or otherwise not a valid public key. */
        INVALID_PUBLIC_VALUE,
        /** X25519/X448 agreement produced all zeros (a small-order point). */
        ZERO_SHARED_SECRET
    }

    private final Kind kind;

    /**
     * @param kind what was wrong
     * @param message detail for the log
     */
    public InvalidKeyShareException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    /** @return what was wrong with the share */
    public Kind kind() {
        return kind;
    }

    /** Peer-triggered: no stack trace. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
