package dev.tls13.wire;

import java.util.Objects;

/**
 * TLS 1.2 NewSessionTicket (RFC 5077 §3.3): the server's ticket, sent just before its ChangeCipherSpec.
 *
 * @param ticketLifetimeHint ticket_lifetime_hint in seconds (u32; 0: unspecified)
 * @param ticket the ticket, 0..2^16-1 bytes; empty when the server decided not to issue one
 */
public record Tls12NewSessionTicket(long ticketLifetimeHint, byte[] ticket) implements HandshakeMessage {

    /** Checks for {@code null}. */
    public Tls12NewSessionTicket {
        Objects.requireNonNull(ticket, "ticket");
    }

    @Override
    public HandshakeType type() {
        return HandshakeType.NEW_SESSION_TICKET;
    }

    @Override
    public String toString() {
        return "Tls12NewSessionTicket[lifetimeHint=" + ticketLifetimeHint + ", ticket=" + ticket.length + " bytes]";
    }
}
