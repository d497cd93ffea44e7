package dev.tls13.error;

import dev.tls13.wire.AlertDescription;

/**
 * Why a certificate chain was rejected; each maps to the RFC 8446 §6.2 alert.
 *
 * <p>Each constant chooses its alert in {@link #alert()}, a {@code switch} with no {@code default}:
 * a new reason does not compile until it has one (docs/architecture.md §7).
 */
public enum CertificateError {
    /** Certificate is corrupt or its signature does not verify. */
    BAD_CERTIFICATE("Certificate is corrupt or its signature does not verify"),
    /** Certificate of an unsupported type or key. */
    UNSUPPORTED_CERTIFICATE("Certificate of an unsupported type or key"),
    /** Certificate was revoked. */
    CERTIFICATE_REVOKED("Certificate was revoked"),
    /** Certificate expired or not yet valid. */
    CERTIFICATE_EXPIRED("Certificate expired or not yet valid"),
    /** Certificate not accepted. */
    CERTIFICATE_UNKNOWN("Certificate not accepted"),
    /** Certificate chain does not lead to a trusted root. */
    UNKNOWN_CA("Certificate chain does not lead to a trusted root"),
    /** Certificate does not match the host name. */
    HOSTNAME_MISMATCH("Certificate does not match the host name"),
    /** Certificate could not be parsed. */
    UNPARSEABLE("Certificate could not be parsed");

    private final String description;

    CertificateError(String description) {
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
            case BAD_CERTIFICATE -> AlertDescription.BAD_CERTIFICATE;
            case HOSTNAME_MISMATCH -> AlertDescription.BAD_CERTIFICATE;
            case UNPARSEABLE -> AlertDescription.BAD_CERTIFICATE;
            case UNSUPPORTED_CERTIFICATE -> AlertDescription.UNSUPPORTED_CERTIFICATE;
            case CERTIFICATE_REVOKED -> AlertDescription.CERTIFICATE_REVOKED;
            case CERTIFICATE_EXPIRED -> AlertDescription.CERTIFICATE_EXPIRED;
            case CERTIFICATE_UNKNOWN -> AlertDescription.CERTIFICATE_UNKNOWN;
            case UNKNOWN_CA -> AlertDescription.UNKNOWN_CA;
        };
    }
}
