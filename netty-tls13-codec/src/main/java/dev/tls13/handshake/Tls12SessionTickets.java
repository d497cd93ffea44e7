package dev.tls13.handshake;

/**
 * The TLS 1.2 server's access to the session tickets of its {@link ServerConfig} (RFC 5077,
 * docs/architecture.md §16): the same settings as TLS 1.3 (ticket count, lifetime, key ring, single-use store),
 * a separate sealed format, so that a TLS 1.2 ticket is never accepted as a TLS 1.3 PSK nor the reverse.
 */
public final class Tls12SessionTickets {

    private Tls12SessionTickets() {
    }

    /**
     * @param config the server configuration
     * @return whether the server issues tickets: a ticket count above 0, as for TLS 1.3
     */
    public static boolean enabled(ServerConfig config) {
        return config.sessionTickets().count() > 0;
    }

    /**
     * @param config the server configuration
     * @return the ticket lifetime in seconds, sent as ticket_lifetime_hint (RFC 5077 §3.3)
     */
    public static long lifetimeSeconds(ServerConfig config) {
        return config.sessionTickets().lifetime().toSeconds();
    }

    /**
     * Seals a session into a ticket under the current key of the ring.
     *
     * @param config the server configuration
     * @param session the session; borrowed
     * @return the ticket, or {@code null} when the client's chain is too large for one or the store failed
     */
    public static byte[] seal(ServerConfig config, Tls12TicketState session) {
        return config.sessionTickets().sealTls12(config.crypto(), session);
    }

    /**
     * Opens a ticket received in a ClientHello's SessionTicket extension.
     *
     * @param config the server configuration
     * @param ticket the ticket; borrowed
     * @return the session, owned by the caller (who destroys it), or {@code null} when the ticket cannot be used
     *         (truncated, tampered, unknown key, TLS 1.3, expired): a full handshake follows (RFC 5077 §3.1)
     */
    public static Tls12TicketState open(ServerConfig config, byte[] ticket) {
        return config.sessionTickets().openTls12(config.crypto(), ticket);
    }
}
