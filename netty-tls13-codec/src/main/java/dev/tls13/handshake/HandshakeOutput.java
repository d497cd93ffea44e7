package dev.tls13.handshake;

import dev.tls13.error.TlsException;
import dev.tls13.keys.ExporterSecret;
import dev.tls13.keys.TrafficKeys;
import dev.tls13.wire.NewSessionTicket;

/**
 * The effects of the handshake state machines (docs/architecture.md §5). The connection driver implements it;
 * state-machine tests use a recording implementation.
 *
 * <p>Effects are recorded in call order and applied in that order: each handshake message is sealed
 * with the write keys in force at its position (ServerHello in plaintext, EncryptedExtensions …
 * Finished under the handshake keys), so a state never has to care about what is still pending
 * when it switches keys.
 */
public interface HandshakeOutput {

    /**
     * Queues one encoded handshake message (4-byte header included) in the current flight. The
     * state has already added exactly these bytes to its transcript.
     *
     * @param encodedMessage the message bytes; the output keeps the array, the caller must not change it
     */
    void sendHandshake(byte[] encodedMessage);

    /** Queues the dummy change_cipher_spec record of middlebox compatibility mode (RFC 8446 §D.4). */
    void sendChangeCipherSpec();

    /**
     * Switches the write direction to new keys after everything queued so far (RFC 8446 §7.3).
     * Takes ownership of {@code keys}: the output destroys them once the record protection holds them.
     *
     * @param keys the new traffic keys
     */
    void installWriteKeys(TrafficKeys keys);

    /**
     * A server rejects the client's early data (RFC 8446 §4.2.10): from now on the driver skips records whose
     * outer type is application_data and that the read keys in force cannot open (with the handshake keys:
     * they are 0-RTT records; before any read keys, after a HelloRetryRequest: every such record), up to a
     * bound, until one opens. Installing read keys afterwards ends the skipping, so a server calls this after
     * {@link #installReadKeys} for the 1-RTT case and before its second ClientHello after a HelloRetryRequest.
     */
    void skipEarlyData();

    /**
     * A server accepted the client's early data (RFC 8446 §4.2.10) and installed the client_early_traffic_secret's
     * keys: until the next read keys, application_data records are 0-RTT data, delivered as such (not as 1-RTT
     * data) and counted; more than {@code maxEarlyDataSize} bytes of it is unexpected_message (§4.2.10).
     *
     * @param maxEarlyDataSize the max_early_data_size of the ticket the client resumed with
     */
    void acceptEarlyData(long maxEarlyDataSize);

    /**
     * A client offering 0-RTT (RFC 8446 §2.3, §4.2.10) installs its early write keys (from
     * client_early_traffic_secret, §7.1) beside the write keys in force, after the ClientHello (and the
     * middlebox CCS): early application data and EndOfEarlyData are sealed with them, the handshake flight is
     * not. Takes ownership of {@code keys}.
     *
     * @param keys the early traffic keys
     * @param maxEarlyDataSize the ticket's max_early_data_size: the most application bytes to send under them
     * @param applicationProtocol the ALPN protocol of the ticket's session, which the early data is written for
     *        (RFC 8446 §4.2.10: rejected early data may be resent only if the new connection selects it), or
     *        {@code null}
     */
    void installEarlyWriteKeys(TrafficKeys keys, long maxEarlyDataSize, String applicationProtocol);

    /**
     * Ends a client's 0-RTT: with {@code encodedEndOfEarlyData} (the server accepted, §4.5; the state has
     * added it to the transcript) the message is sealed under the early keys before anything queued after it;
     * with {@code null} the server rejected the early data (or sent a HelloRetryRequest, §4.1.2). Either way
     * the early keys are destroyed.
     *
     * @param encodedEndOfEarlyData the encoded EndOfEarlyData, or {@code null} when rejected
     */
    void endEarlyData(byte[] encodedEndOfEarlyData);

    /**
     * Switches the read direction to new keys for the next record. The driver refuses
     * (PeerMisbehaved.KEY_CHANGE_NOT_ALIGNED) when a partial handshake message is pending, because a
     * message must not span a key change (RFC 8446 §5.1). Takes ownership of {@code keys}.
     *
     * @param keys the new traffic keys
     * @throws TlsException if the key change is not on a record boundary
     */
    void installReadKeys(TrafficKeys keys) throws TlsException;

    /**
     * The handshake has completed (the state is now a connected state). Called once.
     *
     * @param summary what was negotiated
     */
    void handshakeComplete(HandshakeSummary summary);

    /**
     * The exporter master secret of the connection (RFC 8446 §7.5), for exportKeyingMaterial.
     * Takes ownership.
     *
     * @param exporter the secret
     */
    void exporterSecret(ExporterSecret exporter);

    /**
     * Whether key-log lines are wanted; states skip formatting secrets when not.
     *
     * @return {@code true} when {@link #keyLog(String)} has a consumer
     */
    boolean keyLogEnabled();

    /**
     * One NSS key log line (RFC 9850 format: LABEL client_random secret), only when
     * {@link #keyLogEnabled()}.
     *
     * @param line the line, without a newline
     */
    void keyLog(String line);

    /**
     * A client received a NewSessionTicket after the handshake (RFC 8446 §4.6.1). Kept for
     * resumption; never an error.
     *
     * @param ticket the ticket
     * @param psk the PSK derived from the resumption master secret and the ticket nonce; owned by the callee
     */
    void sessionTicket(NewSessionTicket ticket, byte[] psk);
}
