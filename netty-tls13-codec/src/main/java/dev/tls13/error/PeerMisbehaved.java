package dev.tls13.error;

import dev.tls13.wire.AlertDescription;

/**
 * Ways a peer breaks the rules of RFC 8446 with well-formed messages.
 *
 * <p>Each constant chooses its alert in {@link #alert()}, a {@code switch} with no {@code default}:
 * a new reason does not compile until it has one (docs/architecture.md §7).
 */
public enum PeerMisbehaved {
    /** Extension not allowed in this message (RFC 8446 §4.2). */
    EXTENSION_NOT_ALLOWED("Extension not allowed in this message (RFC 8446 §4.2)"),
    /** Extension in a response that the request did not offer (RFC 8446 §4.2). */
    UNSOLICITED_EXTENSION("Extension in a response that the request did not offer (RFC 8446 §4.2)"),
    /** Server chose a cipher suite we did not offer (RFC 8446 §4.1.3). */
    UNOFFERED_CIPHER_SUITE("Server chose a cipher suite we did not offer (RFC 8446 §4.1.3)"),
    /** Key share or HelloRetryRequest for a group we did not offer (RFC 8446 §4.2.8). */
    UNOFFERED_GROUP("Key share or HelloRetryRequest for a group we did not offer (RFC 8446 §4.2.8)"),
    /** Signature scheme we did not offer (RFC 8446 §4.4.3). */
    UNOFFERED_SIGNATURE_SCHEME("Signature scheme we did not offer (RFC 8446 §4.4.3)"),
    /** Server selected a version we did not offer (RFC 8446 §4.2.1). */
    UNOFFERED_VERSION("Server selected a version we did not offer (RFC 8446 §4.2.1)"),
    /** legacy_session_id_echo differs from what we sent (RFC 8446 §4.1.3). */
    SESSION_ID_MISMATCH("legacy_session_id_echo differs from what we sent (RFC 8446 §4.1.3)"),
    /** legacy_version is not 0x0303 where RFC 8446 requires it. */
    WRONG_LEGACY_VERSION("legacy_version is not 0x0303 where RFC 8446 requires it"),
    /** ServerHello.random carries the downgrade sentinel (RFC 8446 §4.1.3). */
    DOWNGRADE_DETECTED("ServerHello.random carries the downgrade sentinel (RFC 8446 §4.1.3)"),
    /** A second HelloRetryRequest (RFC 8446 §4.1.4). */
    SECOND_HELLO_RETRY_REQUEST("A second HelloRetryRequest (RFC 8446 §4.1.4)"),
    /** HelloRetryRequest would not change the ClientHello (RFC 8446 §4.1.4). */
    HELLO_RETRY_REQUEST_CHANGES_NOTHING("HelloRetryRequest would not change the ClientHello (RFC 8446 §4.1.4)"),
    /** ServerHello cipher suite differs from the HelloRetryRequest's (RFC 8446 §4.1.4). */
    HELLO_RETRY_REQUEST_SUITE_CHANGED("ServerHello cipher suite differs from the HelloRetryRequest's (RFC 8446 §4.1.4)"),
    /** HelloRetryRequest asks for a group we already sent a share for (RFC 8446 §4.2.8). */
    KEY_SHARE_ALREADY_SENT("HelloRetryRequest asks for a group we already sent a share for (RFC 8446 §4.2.8)"),
    /** Second ClientHello changed more than RFC 8446 §4.1.2 allows. */
    SECOND_CLIENT_HELLO_CHANGED("Second ClientHello changed more than RFC 8446 §4.1.2 allows"),
    /** Key share is not a valid public value for its group (RFC 8446 §4.2.8.2). */
    INVALID_KEY_SHARE("Key share is not a valid public value for its group (RFC 8446 §4.2.8.2)"),
    /** (EC)DHE shared secret is all zeros (RFC 8446 §7.4.2). */
    ZERO_SHARED_SECRET("(EC)DHE shared secret is all zeros (RFC 8446 §7.4.2)"),
    /** A mandatory extension is missing (RFC 8446 §9.2). */
    MISSING_EXTENSION("A mandatory extension is missing (RFC 8446 §9.2)"),
    /** Finished verify_data does not match (RFC 8446 §4.4.4). */
    BAD_FINISHED("Finished verify_data does not match (RFC 8446 §4.4.4)"),
    /** CertificateVerify signature does not verify (RFC 8446 §4.4.3). */
    BAD_SIGNATURE("CertificateVerify signature does not verify (RFC 8446 §4.4.3)"),
    /** PSK binder does not verify (RFC 8446 §4.2.11). */
    BAD_BINDER("PSK binder does not verify (RFC 8446 §4.2.11)"),
    /** change_cipher_spec where RFC 8446 §5 forbids it. */
    UNEXPECTED_CHANGE_CIPHER_SPEC("change_cipher_spec where RFC 8446 §5 forbids it"),
    /** Too many consecutive empty records. */
    TOO_MANY_EMPTY_RECORDS("Too many consecutive empty records"),
    /** Too many change_cipher_spec records. */
    TOO_MANY_CHANGE_CIPHER_SPECS("Too many change_cipher_spec records"),
    /** Too many consecutive warning alerts. */
    TOO_MANY_WARNING_ALERTS("Too many consecutive warning alerts"),
    /** Too many consecutive KeyUpdate messages without application data. */
    TOO_MANY_KEY_UPDATES("Too many consecutive KeyUpdate messages without application data"),
    /** Handshake message continues across a key change (RFC 8446 §5.1). */
    KEY_CHANGE_NOT_ALIGNED("Handshake message continues across a key change (RFC 8446 §5.1)"),
    /** Application data before the handshake completed. */
    APPLICATION_DATA_BEFORE_HANDSHAKE("Application data before the handshake completed"),
    /** More accepted early data than max_early_data_size, or rejected than we skip (RFC 8446 §4.2.10, §4.6.1). */
    TOO_MUCH_EARLY_DATA("More early data than max_early_data_size, or rejected early data than the server skips"
            + " (RFC 8446 §4.2.10, §4.6.1)"),
    /** Data after close_notify (RFC 8446 §6.1). */
    DATA_AFTER_CLOSE_NOTIFY("Data after close_notify (RFC 8446 §6.1)"),
    /** Alert level is neither warning nor fatal. */
    UNKNOWN_ALERT_LEVEL("Alert level is neither warning nor fatal"),
    /** certificate_request_context does not match (RFC 8446 §4.4.2). */
    BAD_CERTIFICATE_REQUEST_CONTEXT("certificate_request_context does not match (RFC 8446 §4.4.2)"),
    /** KeyUpdate request_update is neither 0 nor 1 (RFC 8446 §4.6.3). */
    ILLEGAL_KEY_UPDATE("KeyUpdate request_update is neither 0 nor 1 (RFC 8446 §4.6.3)"),
    /** Server sent an empty Certificate (RFC 8446 §4.4.2.4). */
    EMPTY_CERTIFICATE("Server sent an empty Certificate (RFC 8446 §4.4.2.4)"),
    /** Server selected a PSK identity we did not offer (RFC 8446 §4.2.11). */
    INVALID_PSK_IDENTITY("Server selected a PSK identity we did not offer (RFC 8446 §4.2.11)"),
    /** early_data where it was not offered (RFC 8446 §4.2.10). */
    EARLY_DATA_NOT_ALLOWED("early_data where it was not offered (RFC 8446 §4.2.10)"),
    /** TLS 1.2 ServerHello or ClientHello without extended_master_secret, which we require (RFC 7627 §5.2). */
    MISSING_EXTENDED_MASTER_SECRET("TLS 1.2 hello without extended_master_secret (RFC 7627 §5.2)"),
    /** renegotiation_info is not empty on an initial TLS 1.2 handshake (RFC 5746 §3.4). */
    BAD_RENEGOTIATION_INFO("renegotiation_info is not empty on an initial TLS 1.2 handshake (RFC 5746 §3.4)"),
    /** TLS_FALLBACK_SCSV in a TLS 1.2 ClientHello while we support TLS 1.3 (RFC 7507 §3). */
    INAPPROPRIATE_FALLBACK("TLS_FALLBACK_SCSV in a ClientHello for an older version than ours (RFC 7507 §3)"),
    /** More renegotiation attempts than we answer with no_renegotiation (docs/architecture.md §16). */
    TOO_MANY_RENEGOTIATION_ATTEMPTS("Too many TLS 1.2 renegotiation attempts after no_renegotiation"),
    /** A field holds a value RFC 8446 forbids here. */
    ILLEGAL_PARAMETER("A field holds a value RFC 8446 forbids here");

    private final String description;

    PeerMisbehaved(String description) {
        this.description = description;
    }

    /**
     * A readable description of the reason.
     *
     * @return the description
     */
    public String description() {
        return description;
    }

    /**
     * The alert RFC 8446 names for this reason.
     *
     * @return the alert to send
     */
    public AlertDescription alert() {
        return switch (this) {
            case EXTENSION_NOT_ALLOWED -> AlertDescription.ILLEGAL_PARAMETER;
            case UNOFFERED_CIPHER_SUITE -> AlertDescription.ILLEGAL_PARAMETER;
            case UNOFFERED_GROUP -> AlertDescription.ILLEGAL_PARAMETER;
            case UNOFFERED_SIGNATURE_SCHEME -> AlertDescription.ILLEGAL_PARAMETER;
            case UNOFFERED_VERSION -> AlertDescription.ILLEGAL_PARAMETER;
            case SESSION_ID_MISMATCH -> AlertDescription.ILLEGAL_PARAMETER;
            case WRONG_LEGACY_VERSION -> AlertDescription.ILLEGAL_PARAMETER;
            case DOWNGRADE_DETECTED -> AlertDescription.ILLEGAL_PARAMETER;
            case HELLO_RETRY_REQUEST_CHANGES_NOTHING -> AlertDescription.ILLEGAL_PARAMETER;
            case HELLO_RETRY_REQUEST_SUITE_CHANGED -> AlertDescription.ILLEGAL_PARAMETER;
            case KEY_SHARE_ALREADY_SENT -> AlertDescription.ILLEGAL_PARAMETER;
            case SECOND_CLIENT_HELLO_CHANGED -> AlertDescription.ILLEGAL_PARAMETER;
            case INVALID_KEY_SHARE -> AlertDescription.ILLEGAL_PARAMETER;
            case ZERO_SHARED_SECRET -> AlertDescription.ILLEGAL_PARAMETER;
            case UNKNOWN_ALERT_LEVEL -> AlertDescription.ILLEGAL_PARAMETER;
            case BAD_CERTIFICATE_REQUEST_CONTEXT -> AlertDescription.ILLEGAL_PARAMETER;
            case ILLEGAL_KEY_UPDATE -> AlertDescription.ILLEGAL_PARAMETER;
            case INVALID_PSK_IDENTITY -> AlertDescription.ILLEGAL_PARAMETER;
            case ILLEGAL_PARAMETER -> AlertDescription.ILLEGAL_PARAMETER;
            case UNSOLICITED_EXTENSION -> AlertDescription.UNSUPPORTED_EXTENSION;
            case EARLY_DATA_NOT_ALLOWED -> AlertDescription.UNSUPPORTED_EXTENSION;
            case SECOND_HELLO_RETRY_REQUEST -> AlertDescription.UNEXPECTED_MESSAGE;
            case UNEXPECTED_CHANGE_CIPHER_SPEC -> AlertDescription.UNEXPECTED_MESSAGE;
            case TOO_MANY_EMPTY_RECORDS -> AlertDescription.UNEXPECTED_MESSAGE;
            case TOO_MANY_CHANGE_CIPHER_SPECS -> AlertDescription.UNEXPECTED_MESSAGE;
            case TOO_MANY_WARNING_ALERTS -> AlertDescription.UNEXPECTED_MESSAGE;
            case TOO_MANY_KEY_UPDATES -> AlertDescription.UNEXPECTED_MESSAGE;
            case KEY_CHANGE_NOT_ALIGNED -> AlertDescription.UNEXPECTED_MESSAGE;
            case APPLICATION_DATA_BEFORE_HANDSHAKE -> AlertDescription.UNEXPECTED_MESSAGE;
            case TOO_MUCH_EARLY_DATA -> AlertDescription.UNEXPECTED_MESSAGE;
            case DATA_AFTER_CLOSE_NOTIFY -> AlertDescription.UNEXPECTED_MESSAGE;
            case MISSING_EXTENSION -> AlertDescription.MISSING_EXTENSION;
            case BAD_FINISHED -> AlertDescription.DECRYPT_ERROR;
            case BAD_SIGNATURE -> AlertDescription.DECRYPT_ERROR;
            case BAD_BINDER -> AlertDescription.DECRYPT_ERROR;
            case EMPTY_CERTIFICATE -> AlertDescription.DECODE_ERROR;
            case MISSING_EXTENDED_MASTER_SECRET -> AlertDescription.HANDSHAKE_FAILURE;
            case BAD_RENEGOTIATION_INFO -> AlertDescription.HANDSHAKE_FAILURE;
            case INAPPROPRIATE_FALLBACK -> AlertDescription.INAPPROPRIATE_FALLBACK;
            case TOO_MANY_RENEGOTIATION_ATTEMPTS -> AlertDescription.UNEXPECTED_MESSAGE;
        };
    }
}
