package dev.tls13.handshake;

import dev.tls13.error.TlsException;
import dev.tls13.wire.HandshakeMessage;

/**
 * One state of a handshake state machine (docs/architecture.md §5). The client's states implement the sealed
 * {@code ClientState}, the server's the sealed {@code ServerState}; the driver holds the only
 * reference and performs every state change: {@code state = state.on(message, encoded, offset, length, out)}.
 */
public interface HandshakeState {

    /**
     * Handles one handshake message. Checks first that the message is one this state accepts
     * (anything else: unexpected_message), validates it without touching any state, then updates the
     * transcript, derives keys, emits effects through {@code out}, and returns the next state.
     *
     * @param message the decoded message
     * @param encoded the array holding its exact bytes, 4-byte header included, as received (for the
     *        transcript); borrowed, and valid only during the call (the driver passes the received record's
     *        array or a reused buffer rather than a copy per message)
     * @param offset where the message starts in {@code encoded}
     * @param length the message's length, header included
     * @param out where effects go
     * @return the next state
     * @throws TlsException on any protocol failure; the driver then replaces the state with a failed one
     */
    HandshakeState on(HandshakeMessage message, byte[] encoded, int offset, int length, HandshakeOutput out)
            throws TlsException;

    /**
     * Handles one handshake message given as an array of exactly its bytes; see
     * {@link #on(HandshakeMessage, byte[], int, int, HandshakeOutput)}.
     *
     * @param message the decoded message
     * @param encoded its exact bytes, 4-byte header included; borrowed
     * @param out where effects go
     * @return the next state
     * @throws TlsException on any protocol failure
     */
    default HandshakeState on(HandshakeMessage message, byte[] encoded, HandshakeOutput out) throws TlsException {
        return on(message, encoded, 0, encoded.length, out);
    }

    /**
     * Whether the handshake is complete in this state, so application data may be sent and received.
     *
     * @return {@code true} in the connected state
     */
    boolean isConnected();

    /**
     * Whether an unprotected change_cipher_spec record may arrive now and be dropped: after the first
     * ClientHello and before the peer's Finished (RFC 8446 §5).
     *
     * @return {@code true} while a CCS is tolerated
     */
    boolean allowsChangeCipherSpec();

    /**
     * Starts a KeyUpdate of our write keys (RFC 8446 §4.6.3), optionally asking the peer to update
     * its keys too. Only the connected state supports it.
     *
     * @param requestPeerUpdate whether to set update_requested
     * @param out where effects go
     * @return the next state
     * @throws IllegalStateException when the handshake is not complete
     */
    HandshakeState initiateKeyUpdate(boolean requestPeerUpdate, HandshakeOutput out);

    /**
     * The protocol this state speaks, as {@code SSLSession.getProtocol()} spells it: the driver decodes handshake
     * messages and reports the session by it (docs/architecture.md §16).
     *
     * @return {@code "TLSv1.3"} unless a TLS 1.2 state says otherwise
     */
    default String protocol() {
        return "TLSv1.3";
    }

    /**
     * Handles a change_cipher_spec record as a state change, as TLS 1.2 does (RFC 5246 §7.1). TLS 1.3 states
     * return {@code null}: their driver drops the record or refuses it by {@link #allowsChangeCipherSpec()}.
     *
     * @param out where effects go
     * @return the next state, or {@code null} when the record is not a state change here
     * @throws TlsException when the record is not allowed now
     */
    default HandshakeState onChangeCipherSpec(HandshakeOutput out) throws TlsException {
        return null;
    }

    /** Destroys the secrets this state holds; called when the connection ends in this state. */
    void destroy();
}
