package dev.tls13.connection;

import dev.tls13.record.HandshakeJoiner;

/**
 * The limits a {@link TlsConnection} enforces on its peer and on itself (docs/architecture.md §10). Immutable.
 *
 * @param maxHandshakeMessageSize cap on any handshake message but ClientHello and Certificate, header included
 * @param maxClientHelloSize cap on a ClientHello, header included
 * @param maxCertificateMessageSize cap on a Certificate message, header included
 * @param keyUpdateAfterRecords how many records are sealed under one write key before we update it
 *        with a KeyUpdate (RFC 8446 §5.5); the default stays well below the AES-GCM limit of 2^24.5
 *        full-size records, and the same count is used for every suite
 * @param maxEmptyRecords consecutive empty application_data records tolerated without real data
 * @param maxWarningAlerts consecutive user_canceled warning alerts tolerated without real data
 * @param maxKeyUpdates consecutive KeyUpdate messages tolerated without application data in between
 */
public record Limits(int maxHandshakeMessageSize, int maxClientHelloSize, int maxCertificateMessageSize,
                     long keyUpdateAfterRecords, int maxEmptyRecords, int maxWarningAlerts, int maxKeyUpdates) {

    /**
     * The defaults: 64 KiB messages, ClientHellos with a full 64 KiB extensions block
     * ({@link HandshakeJoiner#DEFAULT_MAX_CLIENT_HELLO_LENGTH}), 256 KiB certificates, a KeyUpdate every
     * 2^23 records, 8 empty records, 4 warning alerts and 128 KeyUpdates in a row. A JDK peer that
     * reaches its key limit sends a KeyUpdate(update_requested) for every record it reads until our
     * answer arrives, so a legitimate burst is as long as the number of our records in flight (found by the interop
     * tests: more than 32 with a 1 MiB echo under load). Each KeyUpdate costs one HKDF expansion, so
     * 128 still stops a flood long before it costs anything.
     */
    public static final Limits DEFAULT = new Limits(HandshakeJoiner.DEFAULT_MAX_MESSAGE_LENGTH,
            HandshakeJoiner.DEFAULT_MAX_CLIENT_HELLO_LENGTH, HandshakeJoiner.DEFAULT_MAX_CERTIFICATE_LENGTH,
            1L << 23, 8, 4, 128);

    /**
     * Checks the ranges.
     *
     * @param maxHandshakeMessageSize cap on any handshake message but ClientHello and Certificate
     * @param maxClientHelloSize cap on a ClientHello
     * @param maxCertificateMessageSize cap on a Certificate message
     * @param keyUpdateAfterRecords records per write key before an automatic KeyUpdate
     * @param maxEmptyRecords consecutive empty records tolerated
     * @param maxWarningAlerts consecutive warning alerts tolerated
     * @param maxKeyUpdates consecutive KeyUpdates tolerated
     */
    public Limits {
        if (maxHandshakeMessageSize < 64 || maxClientHelloSize < 64 || maxCertificateMessageSize < 64) {
            throw new IllegalArgumentException("handshake message caps must be at least 64 bytes");
        }
        if (keyUpdateAfterRecords < 1 || maxEmptyRecords < 0 || maxWarningAlerts < 0 || maxKeyUpdates < 1) {
            throw new IllegalArgumentException("limits out of range");
        }
    }

    /**
     * Limits whose ClientHello cap is {@code maxHandshakeMessageSize}, as before ClientHello had a cap of its own.
     *
     * @param maxHandshakeMessageSize cap on any handshake message but ClientHello and Certificate
     * @param maxCertificateMessageSize cap on a Certificate message
     * @param keyUpdateAfterRecords records per write key before an automatic KeyUpdate
     * @param maxEmptyRecords consecutive empty records tolerated
     * @param maxWarningAlerts consecutive warning alerts tolerated
     * @param maxKeyUpdates consecutive KeyUpdates tolerated
     */
    public Limits(int maxHandshakeMessageSize, int maxCertificateMessageSize, long keyUpdateAfterRecords,
                  int maxEmptyRecords, int maxWarningAlerts, int maxKeyUpdates) {
        this(maxHandshakeMessageSize, maxHandshakeMessageSize, maxCertificateMessageSize, keyUpdateAfterRecords,
                maxEmptyRecords, maxWarningAlerts, maxKeyUpdates);
    }

    /**
     * A copy with other handshake message caps; the ClientHello's stays.
     *
     * @param message cap on any handshake message but ClientHello and Certificate
     * @param certificate cap on a Certificate message
     * @return the new limits
     */
    public Limits withHandshakeMessageSizes(int message, int certificate) {
        return new Limits(message, maxClientHelloSize, certificate, keyUpdateAfterRecords, maxEmptyRecords,
                maxWarningAlerts, maxKeyUpdates);
    }

    /**
     * A copy with another ClientHello cap.
     *
     * @param clientHello cap on a ClientHello, header included
     * @return the new limits
     */
    public Limits withClientHelloSize(int clientHello) {
        return new Limits(maxHandshakeMessageSize, clientHello, maxCertificateMessageSize, keyUpdateAfterRecords,
                maxEmptyRecords, maxWarningAlerts, maxKeyUpdates);
    }

    /**
     * A copy with another automatic KeyUpdate interval.
     *
     * @param records records per write key
     * @return the new limits
     */
    public Limits withKeyUpdateAfterRecords(long records) {
        return new Limits(maxHandshakeMessageSize, maxClientHelloSize, maxCertificateMessageSize, records,
                maxEmptyRecords, maxWarningAlerts, maxKeyUpdates);
    }
}
