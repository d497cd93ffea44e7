package dev.tls13.error;

import dev.tls13.wire.AlertDescription;

/**
 * Why a TLS connection failed. The alert we send is derived here and nowhere else
 * (docs/architecture.md §7): call sites raise a reason, never an alert.
 */
public sealed interface TlsFailure {

    /**
     * The alert this failure sends to the peer.
     *
     * @return the fatal alert description
     */
    AlertDescription alert();

    /**
     * Whether an alert is sent for this failure. A fatal alert from the peer is not answered
     * (RFC 8446 §6.2: the connection is closed without sending one).
     *
     * @return {@code true} when {@link #alert()} goes on the wire
     */
    default boolean sendsAlert() {
        return true;
    }

    /**
     * A human-readable description.
     *
     * @return the message used for the exception
     */
    String describe();

    /**
     * The peer violated a rule of RFC 8446.
     *
     * @param reason what it did
     * @param detail extra context, may be empty
     */
    record Misbehaved(PeerMisbehaved reason, String detail) implements TlsFailure {
        @Override
        public AlertDescription alert() {
            return reason.alert();
        }

        @Override
        public String describe() {
            return withDetail(reason.description(), detail);
        }
    }

    /**
     * The peer is well-behaved but we share nothing to talk with.
     *
     * @param reason what is missing
     * @param detail extra context, may be empty
     */
    record Incompatible(PeerIncompatible reason, String detail) implements TlsFailure {
        @Override
        public AlertDescription alert() {
            return reason.alert();
        }

        @Override
        public String describe() {
            return withDetail(reason.description(), detail);
        }
    }

    /**
     * A message or record could not be decoded.
     *
     * @param reason what was wrong with the bytes
     * @param detail extra context (which message, which field), may be empty
     */
    record Invalid(InvalidMessage reason, String detail) implements TlsFailure {
        @Override
        public AlertDescription alert() {
            return reason.alert();
        }

        @Override
        public String describe() {
            return withDetail(reason.description(), detail);
        }
    }

    /**
     * A message arrived that the current state does not accept (RFC 8446 §4: unexpected_message).
     *
     * @param expected what the state waits for
     * @param got what arrived
     */
    record UnexpectedMessage(String expected, String got) implements TlsFailure {
        @Override
        public AlertDescription alert() {
            return AlertDescription.UNEXPECTED_MESSAGE;
        }

        @Override
        public String describe() {
            return "unexpected message: expected " + expected + ", got " + got;
        }
    }

    /**
     * The peer sent a fatal alert (or an unexpected close_notify). Nothing is sent back.
     *
     * @param description the alert received
     */
    record AlertReceived(AlertDescription description) implements TlsFailure {
        @Override
        public AlertDescription alert() {
            return description;
        }

        @Override
        public boolean sendsAlert() {
            return false;
        }

        @Override
        public String describe() {
            return "received fatal alert: " + description;
        }
    }

    /** A record failed AEAD authentication (RFC 8446 §5.2: bad_record_mac). */
    record DecryptFailed() implements TlsFailure {
        @Override
        public AlertDescription alert() {
            return AlertDescription.BAD_RECORD_MAC;
        }

        @Override
        public String describe() {
            return "record authentication failed (bad_record_mac)";
        }
    }

    /**
     * The peer's certificate chain was not accepted.
     *
     * @param reason why
     * @param detail the validator's message, may be empty
     */
    record CertificateRejected(CertificateError reason, String detail) implements TlsFailure {
        @Override
        public AlertDescription alert() {
            return reason.alert();
        }

        @Override
        public String describe() {
            return withDetail(reason.description(), detail);
        }
    }

    /**
     * The server's application refused the client at the accept step, after reading its ClientHello and
     * before the handshake ran (no configuration for it, a name it does not serve, a client it turns
     * away). The alert is the one the application's reason calls for: that reason type,
     * {@code dev.tls13.connection.Refusal}, maps each of its constants to its alert, since this package
     * cannot see it.
     *
     * @param alert the fatal alert the reason calls for
     * @param detail the reason and the application's words, may be empty
     */
    record Refused(AlertDescription alert, String detail) implements TlsFailure {
        @Override
        public String describe() {
            return withDetail("refused by the server (" + alert + ")", detail);
        }
    }

    /**
     * A failure on our side (crypto provider error, exhausted sequence number).
     *
     * @param message what happened
     */
    record Internal(String message) implements TlsFailure {
        @Override
        public AlertDescription alert() {
            return AlertDescription.INTERNAL_ERROR;
        }

        @Override
        public String describe() {
            return "internal error: " + message;
        }
    }

    private static String withDetail(String description, String detail) {
        return detail.isEmpty() ? description : description + ": " + detail;
    }
}
