package dev.tls13.handshake;

import dev.tls13.keys.PskType;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.Extension;
import dev.tls13.wire.NewSessionTicket;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.security.auth.Destroyable;

/**
 * A client's ticket, kept for one later resumption (RFC 8446 §4.6.1, §2.2): the NewSessionTicket's ticket and
 * ticket_age_add, the PSK derived from it, and what the session it resumes negotiated (the suite, whose hash the
 * PSK is bound to, ALPN, SNI, the server's certificate chain, which a resumed session still reports).
 *
 * <p>Deliberately small (docs/architecture.md §15): the certificate list is shared with the session and every
 * other ticket of it, so a cached ticket costs its own object, the ticket bytes and the PSK. Used at most once
 * (RFC 8446 Appendix C.4): the handshake that offers it destroys it. {@link #destroy()} zeroes the PSK and is
 * safe from any thread; the other methods are read-only. {@link #toString()} never shows the PSK.
 *
 * <p>A client's offer of an external PSK (RFC 8446 §4.2.11) takes the same shape, built by {@link ExternalPsk}
 * for each handshake ({@link #external}): the identity in place of the ticket, no age, no early data, no server
 * name or certificates; its {@link #pskType()} selects the "ext binder" label. An imported PSK (RFC 9258) is offered
 * the same way, one per target KDF, with the ImportedIdentity as the identity, the derived ipskx as the PSK and the
 * "imp binder" label; {@link #externalIdentity()} keeps the EPSK's identity, which the session reports.
 */
public final class ResumptionTicket implements Destroyable {

    /**
     * RFC 8446 §4.6.1: "Clients MUST NOT cache tickets for longer than 7 days, regardless of the ticket_lifetime".
     */
    public static final long MAX_LIFETIME_SECONDS = 604_800;
    private static final long U32 = 0xFFFF_FFFFL;

    private final byte[] ticket;
    private final byte[] psk;
    private final CipherSuite cipherSuite;
    private final int ticketAgeAdd;
    private final int lifetimeSeconds;
    private final int maxEarlyData;
    private final long receivedMillis;
    private final String applicationProtocol;
    private final String serverName;
    private final List<X509Certificate> peerCertificates;
    private final PskType pskType;
    private final byte[] externalIdentity;
    private final boolean tls12;
    private volatile boolean destroyed;

    private ResumptionTicket(NewSessionTicket nst, byte[] psk, HandshakeSummary session, long receivedMillis) {
        this.ticket = nst.ticket().clone();
        this.psk = psk;
        this.cipherSuite = session.cipherSuite();
        this.ticketAgeAdd = (int) nst.ticketAgeAdd();
        // RFC 8446 §4.6.1: a larger lifetime is the server's mistake; capping it keeps the client's MUST.
        this.lifetimeSeconds = (int) Math.min(nst.ticketLifetime(), MAX_LIFETIME_SECONDS);
        this.maxEarlyData = (int) nst.extensions().find(Extension.MaxEarlyData.class)
                .map(Extension.MaxEarlyData::maxEarlyDataSize).orElse(0L).longValue();
        this.receivedMillis = receivedMillis;
        this.applicationProtocol = session.applicationProtocol();
        this.serverName = session.serverName();
        this.peerCertificates = session.peerCertificates();
        this.pskType = PskType.RESUMPTION;
        this.externalIdentity = null;
        this.tls12 = false;
    }

    private ResumptionTicket(byte[] ticket, byte[] masterSecret, long lifetimeHint, HandshakeSummary session,
                             long receivedMillis) {
        this.ticket = ticket.clone();
        this.psk = masterSecret;
        this.cipherSuite = session.cipherSuite();
        this.ticketAgeAdd = 0;
        // RFC 5077 §3.3: a lifetime_hint of 0 leaves the lifetime unspecified; the 7 days a client may keep a TLS
        // 1.3 ticket (and the cache's timeout) bound it then as always.
        this.lifetimeSeconds = (int) (lifetimeHint == 0 ? MAX_LIFETIME_SECONDS
                : Math.min(lifetimeHint, MAX_LIFETIME_SECONDS));
        this.maxEarlyData = 0;
        this.receivedMillis = receivedMillis;
        this.applicationProtocol = session.applicationProtocol();
        this.serverName = session.serverName();
        this.peerCertificates = session.peerCertificates();
        this.pskType = PskType.RESUMPTION;
        this.externalIdentity = null;
        this.tls12 = true;
    }

    private ResumptionTicket(byte[] identity, byte[] psk, CipherSuite suite, PskType type, byte[] externalIdentity) {
        this.tls12 = false;
        this.ticket = identity;
        this.psk = psk;
        this.cipherSuite = suite;
        this.ticketAgeAdd = 0;
        this.lifetimeSeconds = (int) MAX_LIFETIME_SECONDS;
        this.maxEarlyData = 0;
        this.receivedMillis = 0;
        this.applicationProtocol = null;
        this.serverName = null;
        this.peerCertificates = List.of();
        this.pskType = type;
        this.externalIdentity = externalIdentity;
    }

    /**
     * Takes ownership of {@code psk}: a one-use offer of an external PSK (RFC 8446 §4.2.11).
     *
     * @param identity the identity, borrowed (held, not modified)
     * @param psk the key, zeroed by {@link #destroy()}
     * @param suite a suite with the PSK's hash; only its hash is used
     * @return the offer
     */
    static ResumptionTicket external(byte[] identity, byte[] psk, CipherSuite suite) {
        return new ResumptionTicket(identity, psk, suite, PskType.EXTERNAL, identity);
    }

    /**
     * Takes ownership of {@code ipsk}: a one-use offer of a PSK imported for one target KDF (RFC 9258 §5.1).
     *
     * @param importedIdentity the serialized ImportedIdentity, the identity on the wire; held, not modified
     * @param ipsk the imported PSK, ipskx; zeroed by {@link #destroy()}
     * @param suite a suite of the target KDF's hash; only its hash is used
     * @param externalIdentity the EPSK's identity, which the session reports; held, not modified
     * @return the offer
     */
    static ResumptionTicket imported(byte[] importedIdentity, byte[] ipsk, CipherSuite suite,
                                     byte[] externalIdentity) {
        return new ResumptionTicket(importedIdentity, ipsk, suite, PskType.IMPORTED, externalIdentity);
    }

    /**
     * Takes ownership of {@code psk}: a ticket for the session {@code session} describes.
     *
     * @param nst the NewSessionTicket (its ticket bytes are copied: the listener sees the same message)
     * @param psk the PSK derived from it (RFC 8446 §4.6.1), zeroed by {@link #destroy()}
     * @param session what the connection that received the ticket negotiated
     * @param receivedMillis when the ticket was received, for its age (RFC 8446 §4.2.11.1)
     * @return the ticket
     */
    public static ResumptionTicket of(NewSessionTicket nst, byte[] psk, HandshakeSummary session,
                                      long receivedMillis) {
        Objects.requireNonNull(nst, "nst");
        Objects.requireNonNull(psk, "psk");
        Objects.requireNonNull(session, "session");
        return new ResumptionTicket(nst, psk, session, receivedMillis);
    }

    /**
     * Takes ownership of {@code masterSecret}: a TLS 1.2 session ticket (RFC 5077 §3.3) for the session
     * {@code session} describes. Our client completes no TLS 1.2 handshake without the extended master secret
     * (RFC 7627 §5.2), so every such session has it.
     *
     * @param ticket the NewSessionTicket's ticket; copied
     * @param masterSecret the session's 48-byte master secret, zeroed by {@link #destroy()}
     * @param lifetimeHint ticket_lifetime_hint in seconds, 0 for unspecified
     * @param session what the connection that received the ticket negotiated
     * @param receivedMillis when the ticket was received
     * @return the ticket
     */
    public static ResumptionTicket tls12(byte[] ticket, byte[] masterSecret, long lifetimeHint,
                                         HandshakeSummary session, long receivedMillis) {
        Objects.requireNonNull(masterSecret, "masterSecret");
        Objects.requireNonNull(session, "session");
        return new ResumptionTicket(ticket, masterSecret, lifetimeHint, session, receivedMillis);
    }

    /** @return whether this is a TLS 1.2 session ticket (RFC 5077), offered in SessionTicket, not as a PSK */
    public boolean tls12() {
        return tls12;
    }

    /**
     * @return a TLS 1.2 ticket's bytes, borrowed
     * @throws IllegalStateException for a TLS 1.3 ticket
     */
    public byte[] tls12Ticket() {
        requireTls12();
        return ticket;
    }

    /**
     * @return a TLS 1.2 ticket's master secret, borrowed; zeroed once destroyed
     * @throws IllegalStateException for a TLS 1.3 ticket, or once destroyed
     */
    public byte[] tls12MasterSecret() {
        requireTls12();
        return psk();
    }

    private void requireTls12() {
        if (!tls12) {
            throw new IllegalStateException("not a TLS 1.2 ticket");
        }
    }

    /** @return the suite of the session; a resumption must use a suite with its hash (RFC 8446 §4.2.11) */
    public CipherSuite cipherSuite() {
        return cipherSuite;
    }

    /** @return ticket_lifetime in seconds, capped at 7 days; 0 means "do not use" (RFC 8446 §4.6.1) */
    public long lifetimeSeconds() {
        return lifetimeSeconds;
    }

    /** @return when the ticket was received, in the crypto provider's clock's milliseconds */
    public long receivedMillis() {
        return receivedMillis;
    }

    /** @return the ticket's max_early_data_size (RFC 8446 §4.2.10), 0 when it allows no early data */
    public long maxEarlyData() {
        return maxEarlyData & U32;
    }

    /** @return the ALPN protocol of the session, or {@code null} */
    public String applicationProtocol() {
        return applicationProtocol;
    }

    /** @return the SNI host name the session sent, or {@code null} */
    public String serverName() {
        return serverName;
    }

    /** @return the server's certificate chain of the original session, leaf first (shared, unmodifiable) */
    public List<X509Certificate> peerCertificates() {
        return peerCertificates;
    }

    /**
     * When the ticket stops being usable: its lifetime (at most 7 days, RFC 8446 §4.6.1), or sooner when the
     * cache's timeout says so.
     *
     * @param timeoutSeconds the cache's timeout; 0 for none beyond the lifetime
     * @return the expiry, in the clock's milliseconds
     */
    public long expiresMillis(long timeoutSeconds) {
        long seconds = timeoutSeconds > 0 ? Math.min(lifetimeSeconds, timeoutSeconds) : lifetimeSeconds;
        return receivedMillis + seconds * 1000;
    }

    /**
     * obfuscated_ticket_age (RFC 8446 §4.2.11.1): the age in milliseconds plus ticket_age_add, modulo 2^32.
     *
     * @param nowMillis the current time of the clock the ticket was received by
     * @return the u32 value
     */
    long obfuscatedAge(long nowMillis) {
        if (pskType != PskType.RESUMPTION) {
            // RFC 8446 §4.2.11: "For identities established externally, an obfuscated_ticket_age of 0 SHOULD be
            // used" (an imported PSK is external too, RFC 9258 §5.1).
            return 0;
        }
        long age = Math.max(0, nowMillis - receivedMillis);
        return (age + (ticketAgeAdd & U32)) & U32;
    }

    /**
     * @return RESUMPTION for a ticket, EXTERNAL for an external PSK's offer, IMPORTED for an imported one's (it
     *         selects the binder label)
     */
    PskType pskType() {
        return pskType;
    }

    /**
     * @return the identity of an external or imported PSK's offer as configured (for an imported one the EPSK's
     *         external_identity, RFC 9258 §5.1, not the ImportedIdentity on the wire), borrowed; {@code null} for
     *         a ticket
     */
    byte[] externalIdentity() {
        return externalIdentity;
    }

    /** @return the ticket bytes, borrowed (the identity of the PSK offer) */
    byte[] ticket() {
        return ticket;
    }

    /** @return the PSK itself, borrowed; zeroed once destroyed */
    byte[] psk() {
        if (destroyed) {
            throw new IllegalStateException("ticket already used or evicted");
        }
        return psk;
    }

    /** @return the heap this ticket holds besides the shared certificates, roughly, in bytes */
    public int retainedBytes() {
        // Object header and fields (~64 bytes with compressed references), two array headers.
        return 64 + 16 + ticket.length + 16 + psk.length;
    }

    /** Zeroes the PSK; the ticket cannot be offered afterwards. */
    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(psk, (byte) 0);
    }

    /** @return whether {@link #destroy()} was called */
    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    /** @return the suite, lifetime and ticket length; never the PSK */
    @Override
    public String toString() {
        return "ResumptionTicket[" + (tls12 ? "TLS 1.2, " : "") + cipherSuite + ", lifetime=" + lifetimeSeconds
                + "s, ticket=" + ticket.length + " bytes" + (destroyed ? ", destroyed]" : "]");
    }
}
