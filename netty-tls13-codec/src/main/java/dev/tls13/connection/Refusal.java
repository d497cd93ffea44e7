package dev.tls13.connection;

import dev.tls13.wire.AlertDescription;

/**
 * Why a server's application refuses a client at the accept step ({@link TlsConnection#refuse}), after
 * reading its ClientHello and before the handshake runs.
 *
 * <p>Each constant chooses its fatal alert in {@link #alert()}, a {@code switch} with no {@code default}:
 * a new reason does not compile until it has one (docs/architecture.md §7). Callers name a reason, never an
 * alert.
 */
public enum Refusal {
    /** No configuration fits this ClientHello (no usable certificate, a failing key manager): handshake_failure. */
    NO_CONFIGURATION("no configuration for this client"),
    /** The server does not serve the requested server_name (RFC 6066 §3): unrecognized_name. */
    UNKNOWN_SERVER_NAME("no configuration for the requested server name"),
    /** The application turns this client away, whatever it offers (RFC 8446 §6.2): access_denied. */
    ACCESS_DENIED("access denied"),
    /** The application accepts none of the client's ALPN protocols (RFC 7301 §3.2): no_application_protocol. */
    NO_APPLICATION_PROTOCOL("no acceptable application protocol"),
    /** The client offers no protocol version the server serves (RFC 8446 §4.2.1): protocol_version. */
    UNSUPPORTED_VERSION("no protocol version the server serves"),
    /** Choosing the configuration failed on our side (the selector threw): internal_error. */
    SELECTION_FAILED("choosing the configuration failed");

    private final String description;

    Refusal(String description) {
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
     * The fatal alert this reason sends, in a plaintext record (no keys exist yet).
     *
     * @return the alert description
     */
    AlertDescription alert() {
        return switch (this) {
            case NO_CONFIGURATION -> AlertDescription.HANDSHAKE_FAILURE;
            case UNKNOWN_SERVER_NAME -> AlertDescription.UNRECOGNIZED_NAME;
            case ACCESS_DENIED -> AlertDescription.ACCESS_DENIED;
            case NO_APPLICATION_PROTOCOL -> AlertDescription.NO_APPLICATION_PROTOCOL;
            case UNSUPPORTED_VERSION -> AlertDescription.PROTOCOL_VERSION;
            case SELECTION_FAILED -> AlertDescription.INTERNAL_ERROR;
        };
    }
}
