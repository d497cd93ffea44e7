package dev.tls13.error;

import dev.tls13.wire.AlertDescription;

/**
 * Ways bytes from the peer fail to decode (RFC 8446 §3, §4, §5).
 *
 * <p>Each constant chooses its alert in {@link #alert()}, a {@code switch} with no {@code default}:
 * a new reason does not compile until it has one (docs/architecture.md §7).
 */
public enum InvalidMessage {
    /** Message or vector ends before its declared length. */
    TRUNCATED("Message or vector ends before its declared length"),
    /** Bytes left over after a message or vector. */
    TRAILING_DATA("Bytes left over after a message or vector"),
    /** A vector that must not be empty was empty. */
    EMPTY_VECTOR("A vector that must not be empty was empty"),
    /** A vector length is not a multiple of its element size or outside its bounds. */
    BAD_VECTOR_LENGTH("A vector length is not a multiple of its element size or outside its bounds"),
    /** A field holds a value its type does not allow. */
    BAD_VALUE("A field holds a value its type does not allow"),
    /** Not a TLS record (plaintext or another protocol on a TLS port?). */
    NOT_A_TLS_RECORD("Not a TLS record (plaintext or another protocol on a TLS port?)"),
    /** Record of an unknown content type. */
    UNKNOWN_CONTENT_TYPE("Record of an unknown content type"),
    /** Record longer than RFC 8446 §5.1/§5.2 allows. */
    RECORD_OVERFLOW("Record longer than RFC 8446 §5.1/§5.2 allows"),
    /** Handshake message larger than the configured limit. */
    HANDSHAKE_MESSAGE_TOO_LARGE("Handshake message larger than the configured limit"),
    /** Handshake message of an unknown type. */
    UNKNOWN_HANDSHAKE_TYPE("Handshake message of an unknown type"),
    /** Zero-length handshake record (RFC 8446 §5.1). */
    EMPTY_HANDSHAKE_RECORD("Zero-length handshake record (RFC 8446 §5.1)"),
    /** Zero-length alert record (RFC 8446 §5.1). */
    EMPTY_ALERT_RECORD("Zero-length alert record (RFC 8446 §5.1)"),
    /** Another content type arrived inside a fragmented handshake message (RFC 8446 §5.1). */
    HANDSHAKE_INTERLEAVED("Another content type arrived inside a fragmented handshake message (RFC 8446 §5.1)"),
    /** Protected record has no non-zero content type (RFC 8446 §5.4). */
    NO_CONTENT_TYPE("Protected record has no non-zero content type (RFC 8446 §5.4)"),
    /** Alert record is not exactly two bytes. */
    BAD_ALERT("Alert record is not exactly two bytes"),
    /** change_cipher_spec body is not the single byte 0x01 (RFC 8446 §5). */
    BAD_CHANGE_CIPHER_SPEC("change_cipher_spec body is not the single byte 0x01 (RFC 8446 §5)"),
    /** The same extension appears twice in one block (RFC 8446 §4.2). */
    DUPLICATE_EXTENSION("The same extension appears twice in one block (RFC 8446 §4.2)"),
    /** legacy_compression_methods is not exactly {0} (RFC 8446 §4.1.2). */
    ILLEGAL_COMPRESSION("legacy_compression_methods is not exactly {0} (RFC 8446 §4.1.2)"),
    /** pre_shared_key is not the last extension of the ClientHello (RFC 8446 §4.2.11). */
    PSK_NOT_LAST("pre_shared_key is not the last extension of the ClientHello (RFC 8446 §4.2.11)");

    private final String description;

    InvalidMessage(String description) {
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
            case TRUNCATED -> AlertDescription.DECODE_ERROR;
            case TRAILING_DATA -> AlertDescription.DECODE_ERROR;
            case EMPTY_VECTOR -> AlertDescription.DECODE_ERROR;
            case BAD_VECTOR_LENGTH -> AlertDescription.DECODE_ERROR;
            case BAD_VALUE -> AlertDescription.DECODE_ERROR;
            case NOT_A_TLS_RECORD -> AlertDescription.DECODE_ERROR;
            case HANDSHAKE_MESSAGE_TOO_LARGE -> AlertDescription.DECODE_ERROR;
            case BAD_ALERT -> AlertDescription.DECODE_ERROR;
            case UNKNOWN_CONTENT_TYPE -> AlertDescription.UNEXPECTED_MESSAGE;
            case UNKNOWN_HANDSHAKE_TYPE -> AlertDescription.UNEXPECTED_MESSAGE;
            case EMPTY_HANDSHAKE_RECORD -> AlertDescription.UNEXPECTED_MESSAGE;
            case EMPTY_ALERT_RECORD -> AlertDescription.UNEXPECTED_MESSAGE;
            case HANDSHAKE_INTERLEAVED -> AlertDescription.UNEXPECTED_MESSAGE;
            case NO_CONTENT_TYPE -> AlertDescription.UNEXPECTED_MESSAGE;
            case BAD_CHANGE_CIPHER_SPEC -> AlertDescription.UNEXPECTED_MESSAGE;
            case RECORD_OVERFLOW -> AlertDescription.RECORD_OVERFLOW;
            case DUPLICATE_EXTENSION -> AlertDescription.ILLEGAL_PARAMETER;
            case ILLEGAL_COMPRESSION -> AlertDescription.ILLEGAL_PARAMETER;
            case PSK_NOT_LAST -> AlertDescription.ILLEGAL_PARAMETER;
        };
    }
}
