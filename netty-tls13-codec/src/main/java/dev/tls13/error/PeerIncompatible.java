package dev.tls13.error;

import dev.tls13.wire.AlertDescription;

/**
 * Ways a conforming peer shares nothing with our configuration.
 *
 * <p>Each constant chooses its alert in {@link #alert()}, a {@code switch} with no {@code default}:
 * a new reason does not compile until it has one (docs/architecture.md §7).
 */
public enum PeerIncompatible {
    /** Peer does not support TLS 1.3. */
    NO_TLS13("Peer does not support TLS 1.3"),
    /** SSLv2-compatible ClientHello (refused with TLS 1.2 enabled too, docs/architecture.md §16). */
    SSLV2_HELLO("SSLv2-compatible ClientHello (not supported)"),
    /** No cipher suite in common. */
    NO_COMMON_CIPHER_SUITE("No cipher suite in common"),
    /** No key exchange group in common. */
    NO_COMMON_GROUP("No key exchange group in common"),
    /** No signature scheme in common. */
    NO_COMMON_SIGNATURE_SCHEME("No signature scheme in common"),
    /** No application protocol in common (RFC 7301). */
    NO_APPLICATION_PROTOCOL("No application protocol in common (RFC 7301)"),
    /** No certificate for the requested server name (RFC 6066). */
    NO_CERTIFICATE_FOR_SERVER_NAME("No certificate for the requested server name (RFC 6066)"),
    /** Client certificate required but none was sent (RFC 8446 §4.4.2.4). */
    CERTIFICATE_REQUIRED("Client certificate required but none was sent (RFC 8446 §4.4.2.4)"),
    /** A TLS 1.2 client sent no certificate although one is required (RFC 5246 §7.4.6). */
    TLS12_CERTIFICATE_REQUIRED("Client certificate required but none was sent (RFC 5246 §7.4.6)"),
    /** No psk_key_exchange_modes in common. */
    NO_PSK_DHE_MODE("No psk_key_exchange_modes in common"),
    /** No external PSK in common, and no certificate to authenticate with instead (RFC 8446 §4.2.11). */
    NO_PSK_IN_COMMON("No external PSK in common, and no certificate to fall back on (RFC 8446 §4.2.11)");

    private final String description;

    PeerIncompatible(String description) {
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
            case NO_TLS13 -> AlertDescription.PROTOCOL_VERSION;
            case SSLV2_HELLO -> AlertDescription.PROTOCOL_VERSION;
            case NO_COMMON_CIPHER_SUITE -> AlertDescription.HANDSHAKE_FAILURE;
            case NO_COMMON_GROUP -> AlertDescription.HANDSHAKE_FAILURE;
            case NO_COMMON_SIGNATURE_SCHEME -> AlertDescription.HANDSHAKE_FAILURE;
            case NO_PSK_DHE_MODE -> AlertDescription.HANDSHAKE_FAILURE;
            case NO_PSK_IN_COMMON -> AlertDescription.HANDSHAKE_FAILURE;
            case NO_APPLICATION_PROTOCOL -> AlertDescription.NO_APPLICATION_PROTOCOL;
            case NO_CERTIFICATE_FOR_SERVER_NAME -> AlertDescription.UNRECOGNIZED_NAME;
            case CERTIFICATE_REQUIRED -> AlertDescription.CERTIFICATE_REQUIRED;
            // RFC 5246 §7.4.6: the server "MAY ... respond with a fatal handshake_failure alert"; TLS 1.2 has no
            // certificate_required.
            case TLS12_CERTIFICATE_REQUIRED -> AlertDescription.HANDSHAKE_FAILURE;
        };
    }
}
