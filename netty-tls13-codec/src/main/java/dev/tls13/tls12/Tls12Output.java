package dev.tls13.tls12;

import dev.tls13.crypto.AeadAlgorithm;
import dev.tls13.error.TlsException;
import dev.tls13.handshake.HandshakeSummary;
import dev.tls13.handshake.ResumptionTicket;
import dev.tls13.keys.Tls12MasterSecret;
import dev.tls13.wire.AlertDescription;

/**
 * The effects of the TLS 1.2 state machine, applied by the driver in call order (docs/architecture.md §5,
 * §16). Unlike TLS 1.3, keys change with ChangeCipherSpec (RFC 5246 §7.1): the client sends its CCS and then
 * installs its write keys; it installs its read keys when the server's CCS arrives.
 */
public interface Tls12Output {

    /**
     * Queues one encoded handshake message (4-byte header included). The state has already added exactly
     * these bytes to its transcript.
     *
     * @param encodedMessage the message bytes; the output keeps the array
     */
    void sendHandshake(byte[] encodedMessage);

    /** Queues a ChangeCipherSpec record (RFC 5246 §7.1), under the keys in force. */
    void sendChangeCipherSpec();

    /**
     * Switches the write direction to TLS 1.2 keys after everything queued so far. Takes ownership of
     * {@code key} and {@code iv}: the output zeroes them once the record protection holds copies.
     *
     * @param aead the suite's AEAD
     * @param key the write key
     * @param iv the write IV: the 4-byte salt, or 12 bytes for ChaCha20-Poly1305
     */
    void installWriteKeys(AeadAlgorithm aead, byte[] key, byte[] iv);

    /**
     * Switches the read direction to TLS 1.2 keys for the next record. Takes ownership of {@code key} and
     * {@code iv}.
     *
     * @param aead the suite's AEAD
     * @param key the read key
     * @param iv the read IV
     * @throws TlsException when a handshake message is split across the key change (unexpected_message)
     */
    void installReadKeys(AeadAlgorithm aead, byte[] key, byte[] iv) throws TlsException;

    /**
     * Queues a warning alert, e.g. no_renegotiation in answer to a HelloRequest (RFC 5246 §7.4.1.1).
     *
     * @param description the alert
     */
    void sendWarningAlert(AlertDescription description);

    /**
     * The master secret of the connection, for RFC 5705 exporters. Takes ownership.
     *
     * @param secret the master secret
     * @param clientRandom ClientHello.random
     * @param serverRandom ServerHello.random
     */
    void exporter(Tls12MasterSecret secret, byte[] clientRandom, byte[] serverRandom);

    /**
     * The handshake has completed. Called once.
     *
     * @param summary what was negotiated
     */
    void handshakeComplete(HandshakeSummary summary);

    /**
     * A TLS 1.2 session ticket the client received (RFC 5077 §3.3), for the session cache. Takes ownership; an
     * output without a cache destroys it.
     *
     * @param ticket the ticket with its session
     */
    default void tls12SessionTicket(ResumptionTicket ticket) {
        ticket.destroy();
    }

    /** @return whether key-log lines are wanted */
    boolean keyLogEnabled();

    /**
     * One NSS key log line ({@code CLIENT_RANDOM <client random> <master secret>}), only when
     * {@link #keyLogEnabled()}.
     *
     * @param line the line, without a newline
     */
    void keyLog(String line);
}
