package dev.tls13.wire;

import java.util.Objects;

/**
 * NewSessionTicket (RFC 8446 §4.6.1).
 *
 * @param ticketLifetime ticket_lifetime in seconds (u32; at most 604800, checked by the handshake)
 * @param ticketAgeAdd ticket_age_add (u32)
 * @param ticketNonce ticket_nonce, 0..255 bytes
 * @param ticket the ticket, 1..2^16-1 bytes
 * @param extensions the extension block (early_data carries max_early_data_size)
 */
public record NewSessionTicket(long ticketLifetime, long ticketAgeAdd, byte[] ticketNonce, byte[] ticket,
                               Extensions extensions) implements HandshakeMessage {

    /** Checks for {@code null}. */
    public NewSessionTicket {
        Objects.requireNonNull(ticketNonce, "ticketNonce");
        Objects.requireNonNull(ticket, "ticket");
        Objects.requireNonNull(extensions, "extensions");
    }

    @Override
    public HandshakeType type() {
        return HandshakeType.NEW_SESSION_TICKET;
    }

    @Override
    public String toString() {
        return "NewSessionTicket[lifetime=" + ticketLifetime + ", ageAdd=" + ticketAgeAdd + ", nonce="
                + Codec.hex(ticketNonce) + ", ticket=" + Codec.hex(ticket) + ", extensions=" + extensions + "]";
    }
}
