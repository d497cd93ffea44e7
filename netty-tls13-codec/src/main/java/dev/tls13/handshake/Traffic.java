package dev.tls13.handshake;

import dev.tls13.crypto.AeadAlgorithm;
import dev.tls13.error.TlsException;
import dev.tls13.keys.ResumptionMasterSecret;
import dev.tls13.keys.TrafficSecret;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.HandshakeMessage;
import dev.tls13.wire.KeyUpdate;
import dev.tls13.wire.NewSessionTicket;

/**
 * The post-handshake half of a connected state, the same on both sides (RFC 8446 §4.6): the current
 * application traffic secrets of each direction and the resumption master secret. Immutable: a key
 * update returns a new value and destroys the replaced secret.
 *
 * @param aead the suite's AEAD
 * @param client whether we are the client (only a client accepts NewSessionTicket)
 * @param read the peer's current application traffic secret
 * @param write our current application traffic secret
 * @param resumption the resumption master secret (RFC 8446 §7.1)
 * @param clientRandom for key-log lines
 */
record Traffic(AeadAlgorithm aead, boolean client, TrafficSecret read, TrafficSecret write,
               ResumptionMasterSecret resumption, byte[] clientRandom) {

    /**
     * Handles one post-handshake message.
     *
     * @param message the message
     * @param out where effects go
     * @return the traffic state afterwards
     * @throws TlsException unexpected_message for a message not allowed after the handshake
     */
    Traffic on(HandshakeMessage message, HandshakeOutput out) throws TlsException {
        if (message instanceof KeyUpdate) {
            // RFC 8446 §4.6.3: the receiver updates its receiving keys and, if update_requested, sends
            // its own KeyUpdate(update_not_requested) before any further data, then updates its sending keys.
            TrafficSecret nextRead = read.next();
            read.destroy();
            Secrets.keyLog(out, nextRead, clientRandom);
            out.installReadKeys(nextRead.keys(aead));
            Traffic updated = new Traffic(aead, client, nextRead, write, resumption, clientRandom);
            return ((KeyUpdate) message).updateRequested() ? updated.updateWrite(false, out) : updated;
        }
        if (client && message instanceof NewSessionTicket) {
            // RFC 8446 §4.6.1: PSK = HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce,
            // Hash.length).
            NewSessionTicket ticket = (NewSessionTicket) message;
            out.sessionTicket(ticket, resumption.ticketPsk(ticket.ticketNonce()));
            return this;
        }
        // RFC 8446 §4.6.2: a CertificateRequest after the handshake needs post_handshake_auth, which we
        // never offer; a server never receives NewSessionTicket; nothing else follows the handshake.
        throw TlsException.unexpected(client ? "KeyUpdate or NewSessionTicket" : "KeyUpdate",
                message.type().toString());
    }

    /**
     * Sends KeyUpdate and switches to the next write secret (RFC 8446 §4.6.3, §7.2).
     *
     * @param requestPeerUpdate whether to set update_requested
     * @param out where effects go
     * @return the traffic state afterwards
     */
    Traffic updateWrite(boolean requestPeerUpdate, HandshakeOutput out) {
        out.sendHandshake(HandshakeCodec.encode(new KeyUpdate(requestPeerUpdate)));
        TrafficSecret nextWrite = write.next();
        write.destroy();
        Secrets.keyLog(out, nextWrite, clientRandom);
        out.installWriteKeys(nextWrite.keys(aead));
        return new Traffic(aead, client, read, nextWrite, resumption, clientRandom);
    }

    /** Destroys every secret held. */
    void destroy() {
        read.destroy();
        write.destroy();
        resumption.destroy();
    }
}
