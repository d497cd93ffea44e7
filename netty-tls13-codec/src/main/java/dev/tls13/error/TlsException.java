package dev.tls13.error;

import javax.net.ssl.SSLException;

/**
 * The one checked exception of the TLS core. It carries a {@link TlsFailure}, from which the alert
 * to send is derived (docs/architecture.md §7).
 *
 * <p>Instances carry no stack trace: most are caused by peer input, which an attacker can trigger
 * cheaply and often. An underlying cause, when there is one, keeps its own trace.
 */
public final class TlsException extends SSLException {

    private static final long serialVersionUID = 1L;

    private final transient TlsFailure failure;

    /**
     * Creates an exception for a failure.
     *
     * @param failure the reason
     */
    public TlsException(TlsFailure failure) {
        super(failure.describe());
        this.failure = failure;
    }

    /**
     * Creates an exception for a failure with an underlying cause.
     *
     * @param failure the reason
     * @param cause what triggered it
     */
    public TlsException(TlsFailure failure, Throwable cause) {
        super(failure.describe(), cause);
        this.failure = failure;
    }

    /**
     * The reason of this failure.
     *
     * @return the failure
     */
    public TlsFailure failure() {
        return failure;
    }

    /** Shorthand for {@code new TlsException(new TlsFailure.Misbehaved(reason, ""))}. */
    public static TlsException misbehaved(PeerMisbehaved reason) {
        return new TlsException(new TlsFailure.Misbehaved(reason, ""));
    }

    /** Shorthand for a {@link TlsFailure.Misbehaved} with detail. */
    public static TlsException misbehaved(PeerMisbehaved reason, String detail) {
        return new TlsException(new TlsFailure.Misbehaved(reason, detail));
    }

    /** Shorthand for a {@link TlsFailure.Incompatible} without detail. */
    public static TlsException incompatible(PeerIncompatible reason) {
        return new TlsException(new TlsFailure.Incompatible(reason, ""));
    }

    /** Shorthand for a {@link TlsFailure.Incompatible} with detail. */
    public static TlsException incompatible(PeerIncompatible reason, String detail) {
        return new TlsException(new TlsFailure.Incompatible(reason, detail));
    }

    /** Shorthand for a {@link TlsFailure.Invalid} without detail. */
    public static TlsException invalid(InvalidMessage reason) {
        return new TlsException(new TlsFailure.Invalid(reason, ""));
    }

    /** Shorthand for a {@link TlsFailure.Invalid} with detail. */
    public static TlsException invalid(InvalidMessage reason, String detail) {
        return new TlsException(new TlsFailure.Invalid(reason, detail));
    }

    /** Shorthand for a {@link TlsFailure.UnexpectedMessage}. */
    public static TlsException unexpected(String expected, String got) {
        return new TlsException(new TlsFailure.UnexpectedMessage(expected, got));
    }

    /** Shorthand for a {@link TlsFailure.Internal}. */
    public static TlsException internal(String message, Throwable cause) {
        return new TlsException(new TlsFailure.Internal(message), cause);
    }

    /** No stack trace: see the class comment. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
