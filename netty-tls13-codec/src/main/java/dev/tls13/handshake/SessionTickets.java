package dev.tls13.handshake;

import dev.tls13.crypto.Aead;
import dev.tls13.crypto.AeadAlgorithm;
import dev.tls13.crypto.CryptoProvider;
import dev.tls13.keys.ResumptionMasterSecret;
import dev.tls13.wire.Extension;
import dev.tls13.wire.Extensions;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.NewSessionTicket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The server's stateless session tickets (RFC 8446 §4.6.1, docs/architecture.md §15): the session state a
 * resumption needs, sealed with AES-256-GCM under a ticket key, so the server keeps nothing per ticket.
 *
 * <pre>
 *   ticket = key_name (16) || nonce (12) || AES-256-GCM(key, nonce, aad = key_name, state) (state + 16)
 *   state  = version (1) || cipher_suite (2) || issued_ms (8) || ticket_age_add (4) || lifetime_s (4)
 *            || max_early_data (4) || psk<1..255> || alpn<0..255> || sni<0..2^16-1>
 *            || peer_chain: count (1), each certificate<1..2^24-1>
 * </pre>
 *
 * <p>The key (32 random bytes) and its name (16 random bytes) are generated when the configuration is built.
 * Immutable and thread-safe: each seal creates its own {@link Aead}, which is not thread-safe, and destroys it.
 */
final class SessionTickets {

    /** RFC 8446 §4.6.1: "Servers MUST NOT use any value greater than 604800 seconds (7 days)". */
    static final Duration MAX_LIFETIME = Duration.ofDays(7);
    static final int DEFAULT_COUNT = 2;
    static final Duration DEFAULT_LIFETIME = Duration.ofHours(2);
    static final int NAME_LENGTH = 16;
    private static final int NONCE_LENGTH = 12;
    private static final int KEY_LENGTH = 32;
    private static final int FORMAT = 1;
    /**
     * The most DER bytes of client certificates a ticket carries: a larger chain gets no ticket rather than a
     * ticket too big for NewSessionTicket's ticket<1..2^16-1> or for a client's cache.
     */
    static final int MAX_PEER_CHAIN_BYTES = 16 * 1024;

    private final int count;
    private final long lifetimeSeconds;
    private final byte[] name;
    private final byte[] key;

    private SessionTickets(int count, Duration lifetime, byte[] name, byte[] key) {
        this.count = count;
        this.lifetimeSeconds = lifetime.toSeconds();
        this.name = name;
        this.key = key;
    }

    /**
     * Tickets with a fresh random key.
     *
     * @param crypto the random source
     * @param count how many tickets after each handshake, 0 for none
     * @param lifetime the ticket lifetime, 1 s to 7 days
     * @return the tickets setting
     */
    static SessionTickets generate(CryptoProvider crypto, int count, Duration lifetime) {
        check(count, lifetime);
        byte[] name = new byte[NAME_LENGTH];
        byte[] key = new byte[KEY_LENGTH];
        crypto.nextBytes(name);
        crypto.nextBytes(key);
        return new SessionTickets(count, lifetime, name, key);
    }

    /** @return how many tickets a server sends after each handshake */
    int count() {
        return count;
    }

    /** @return the ticket lifetime */
    Duration lifetime() {
        return Duration.ofSeconds(lifetimeSeconds);
    }

    /** This setting with another count and lifetime, keeping the key (a copy of a configuration). */
    SessionTickets with(int newCount, Duration newLifetime) {
        check(newCount, newLifetime);
        return new SessionTickets(newCount, newLifetime, name, key);
    }

    /** Checks a ticket count and lifetime; IllegalArgumentException when out of range. */
    static void check(int count, Duration lifetime) {
        if (count < 0 || count > 255) {
            throw new IllegalArgumentException("ticket count must be 0 to 255: " + count);
        }
        if (lifetime.toSeconds() < 1 || lifetime.compareTo(MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException("ticket lifetime must be 1 s to 7 days (RFC 8446 §4.6.1): " + lifetime);
        }
    }

    /**
     * Sends this setting's NewSessionTickets after a completed handshake (RFC 8446 §4.6.1), each with a distinct
     * ticket_nonce and a fresh random ticket_age_add; each ticket seals the session with the ticket's PSK,
     * HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length). Nothing is sent
     * when the client's chain is too large for a ticket.
     *
     * @param crypto the provider (random bytes, clock, AEAD)
     * @param resumption the resumption master secret; borrowed
     * @param session what the handshake negotiated, the client's chain included
     * @param out where the messages go
     */
    void issue(CryptoProvider crypto, ResumptionMasterSecret resumption, HandshakeSummary session,
               HandshakeOutput out) {
        byte[][] chain = encodedChain(session.peerCertificates());
        if (chain == null) {
            return;
        }
        long issued = crypto.clock().millis();
        for (int i = 0; i < count; i++) {
            // A one-byte counter is a distinct nonce per ticket of the connection, all RFC 8446 §4.6.1 asks.
            byte[] nonce = {(byte) i};
            byte[] ageAdd = new byte[4];
            crypto.nextBytes(ageAdd);
            long ticketAgeAdd = ByteBuffer.wrap(ageAdd).getInt() & 0xFFFFFFFFL;
            byte[] psk = resumption.ticketPsk(nonce);
            byte[] state = encodeState(session, issued, ticketAgeAdd, psk, chain);
            Arrays.fill(psk, (byte) 0);
            byte[] ticket;
            try {
                ticket = seal(crypto, state);
            } finally {
                Arrays.fill(state, (byte) 0);
            }
            out.sendHandshake(HandshakeCodec.encode(new NewSessionTicket(lifetimeSeconds, ticketAgeAdd, nonce,
                    ticket, Extensions.EMPTY)));
        }
    }

    private byte[] encodeState(HandshakeSummary session, long issued, long ticketAgeAdd, byte[] psk,
                               byte[][] chain) {
        byte[] alpn = bytes(session.applicationProtocol());
        byte[] sni = bytes(session.serverName());
        int length = 1 + 2 + 8 + 4 + 4 + 4 + 1 + psk.length + 1 + alpn.length + 2 + sni.length + 1;
        for (byte[] c : chain) {
            length += 3 + c.length;
        }
        ByteBuffer b = ByteBuffer.allocate(length);
        b.put((byte) FORMAT).putShort((short) session.cipherSuite().code()).putLong(issued)
                .putInt((int) ticketAgeAdd).putInt((int) lifetimeSeconds).putInt(0);
        b.put((byte) psk.length).put(psk);
        b.put((byte) alpn.length).put(alpn);
        b.putShort((short) sni.length).put(sni);
        b.put((byte) chain.length);
        for (byte[] c : chain) {
            b.put((byte) (c.length >>> 16)).putShort((short) c.length).put(c);
        }
        return b.array();
    }

    private byte[] seal(CryptoProvider crypto, byte[] state) {
        byte[] ticket = new byte[NAME_LENGTH + NONCE_LENGTH + state.length + AeadAlgorithm.AES_256_GCM.tagLength()];
        System.arraycopy(name, 0, ticket, 0, NAME_LENGTH);
        byte[] nonce = new byte[NONCE_LENGTH];
        crypto.nextBytes(nonce);
        System.arraycopy(nonce, 0, ticket, NAME_LENGTH, NONCE_LENGTH);
        Aead aead = crypto.aead(AeadAlgorithm.AES_256_GCM, key);
        try {
            aead.seal(nonce, name, state, 0, state.length, ticket, NAME_LENGTH + NONCE_LENGTH);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing a session ticket failed", e);
        } finally {
            aead.destroy();
        }
        return ticket;
    }

    /** The DER encodings of {@code chain}, or {@code null} when they exceed {@link #MAX_PEER_CHAIN_BYTES}. */
    private static byte[][] encodedChain(List<X509Certificate> chain) {
        if (chain.size() > 255) {
            return null;
        }
        byte[][] encoded = new byte[chain.size()][];
        int total = 0;
        for (int i = 0; i < encoded.length; i++) {
            try {
                encoded[i] = chain.get(i).getEncoded();
            } catch (CertificateEncodingException e) {
                return null;
            }
            total += encoded[i].length;
            if (total > MAX_PEER_CHAIN_BYTES) {
                return null;
            }
        }
        return encoded;
    }

    private static byte[] bytes(String s) {
        return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Whether a ClientHello allows tickets: it sent psk_key_exchange_modes with psk_dhe_ke, the one mode we
     * accept (RFC 8446 §4.2.9). Like the JDK and BoringSSL, and unlike OpenSSL and GnuTLS, we send no ticket to
     * a client that could not use it.
     *
     * @param hello the ClientHello's extensions
     * @return whether to issue tickets
     */
    static boolean wanted(Extensions hello) {
        return hello.find(Extension.PskKeyExchangeModes.class)
                .map(m -> m.modes().contains(Extension.PskKeyExchangeModes.PSK_DHE_KE)).orElse(false);
    }
}
