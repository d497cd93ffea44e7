package dev.tls13.handshake;

import dev.tls13.crypto.Aead;
import dev.tls13.crypto.AeadAlgorithm;
import dev.tls13.crypto.CryptoProvider;
import dev.tls13.keys.ResumptionMasterSecret;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.Extension;
import dev.tls13.wire.Extensions;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.NewSessionTicket;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The server's stateless session tickets (RFC 8446 §4.6.1, docs/architecture.md §15): the session state a
 * resumption needs, sealed with AES-256-GCM under the current key of a {@link SessionTicketKeys} ring, so the
 * server keeps nothing per ticket.
 *
 * <pre>
 *   ticket = key_name (16) || nonce (12) || AES-256-GCM(key, nonce, aad = key_name, state) (state + 16)
 *   state  = version (1) || cipher_suite (2) || issued_ms (8) || ticket_age_add (4) || lifetime_s (4)
 *            || max_early_data (4) || psk<1..255> || alpn<0..255> || sni<0..2^16-1>
 *            || peer_chain: count (1), each certificate<1..2^24-1>
 * </pre>
 *
 * <p>TLS 1.2 tickets (RFC 5077, docs/architecture.md §16) are sealed the same way under the same keys, with
 * key_name || 0x0303 as additional data, so that neither protocol's ticket opens as the other's:
 * <pre>
 *   state  = format 2 (1) || version 0x0303 (2) || cipher_suite (2) || issued_ms (8) || lifetime_s (4)
 *            || extended_master_secret (1) || master_secret<1..255> || alpn<0..255> || sni<0..2^16-1>
 *            || peer_chain as above
 * </pre>
 *
 * <p>With a {@link SessionTicketStore} the tickets are stateful and single-use instead: the sealed state stays in
 * the store and the client gets a random id for it, which opens it once.
 *
 * <p>Immutable and thread-safe; the store has its own lock. An {@link Aead} is not thread-safe, so each thread seals
 * with an AEAD of its own for the current key and opens with another for the last key it opened with
 * ({@link #SEALING}, {@link #OPENING}), kept across handshakes: creating, keying and wiping an AEAD per ticket was
 * about a third of the garbage of issuing two tickets (JFR, docs/architecture.md §15). Such an AEAD is destroyed
 * when its thread moves to another key; it holds a copy of a ticket key no longer than the thread lives, as the
 * ring's own snapshots may (see {@link SessionTicketKeys}).
 */
final class SessionTickets {

    /** RFC 8446 §4.6.1: "Servers MUST NOT use any value greater than 604800 seconds (7 days)". */
    static final Duration MAX_LIFETIME = Duration.ofDays(7);
    static final int DEFAULT_COUNT = 2;
    static final Duration DEFAULT_LIFETIME = Duration.ofHours(2);
    private static final int NAME_LENGTH = SessionTicketKeys.NAME_LENGTH;
    private static final int NONCE_LENGTH = 12;
    private static final int TAG_LENGTH = AeadAlgorithm.AES_256_GCM.tagLength();
    private static final int FORMAT = 1;
    private static final int FIXED_STATE_LENGTH = 1 + 2 + 8 + 4 + 4 + 4;
    /** The format byte of a TLS 1.2 state; a TLS 1.3 state has {@link #FORMAT}. */
    private static final int FORMAT_TLS12 = 2;
    private static final int TLS12_VERSION = 0x0303;
    private static final int TLS12_FIXED_STATE_LENGTH = 1 + 2 + 2 + 8 + 4 + 1;
    private static final int TLS12_MASTER_SECRET_LENGTH = 48;
    /**
     * The most DER bytes of client certificates a ticket carries: a larger chain gets no ticket rather than a
     * ticket too big for NewSessionTicket's ticket<1..2^16-1> or for a client's cache.
     */
    static final int MAX_PEER_CHAIN_BYTES = 16 * 1024;

    /**
     * The session state a ticket carries, once opened. {@link #destroy()} zeroes the PSK.
     *
     * @param suite the cipher suite of the original handshake (its hash is the PSK's, RFC 8446 §4.2.11)
     * @param issuedMillis when the ticket was issued, on our clock
     * @param ticketAgeAdd the ticket's ticket_age_add
     * @param lifetimeSeconds the ticket's ticket_lifetime
     * @param maxEarlyData the max_early_data_size the ticket allowed, 0 for no 0-RTT (RFC 8446 §4.6.1)
     * @param psk the resumption PSK
     * @param applicationProtocol the ALPN protocol of the original handshake, or {@code null}
     * @param serverName the SNI of the original handshake, or {@code null}
     * @param peerCertificates the client's chain of the original handshake, leaf first; empty for none
     */
    record State(CipherSuite suite, long issuedMillis, long ticketAgeAdd, long lifetimeSeconds, long maxEarlyData,
                 byte[] psk,
                 String applicationProtocol, String serverName, List<X509Certificate> peerCertificates) {
        void destroy() {
            Arrays.fill(psk, (byte) 0);
        }
    }

    /** This thread's AEAD for sealing tickets, with the key and provider it was made for. */
    private static final ThreadLocal<TicketAead> SEALING = new ThreadLocal<>();
    /** This thread's AEAD for opening tickets, apart from {@link #SEALING}: after a rotation the keys differ. */
    private static final ThreadLocal<TicketAead> OPENING = new ThreadLocal<>();

    /** A thread's ticket AEAD: made by {@code crypto} for {@code key}. */
    private record TicketAead(CryptoProvider crypto, SessionTicketKeys.Key key, Aead aead) {
    }

    private final int count;
    private final long lifetimeSeconds;
    private final SessionTicketKeys keys;
    private final TicketStore store;

    SessionTickets(int count, Duration lifetime, SessionTicketKeys keys) {
        this(count, lifetime, keys, null);
    }

    SessionTickets(int count, Duration lifetime, SessionTicketKeys keys, TicketStore store) {
        check(count, lifetime);
        this.count = count;
        this.lifetimeSeconds = lifetime.toSeconds();
        this.keys = Objects.requireNonNull(keys, "keys");
        this.store = store;
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

    /** @return how many tickets a server sends after each handshake */
    int count() {
        return count;
    }

    /** @return the ticket lifetime */
    Duration lifetime() {
        return Duration.ofSeconds(lifetimeSeconds);
    }

    /** @return the key ring */
    SessionTicketKeys keys() {
        return keys;
    }

    /** @return the single-use ticket store, or {@code null} for stateless tickets */
    TicketStore store() {
        return store;
    }

    /**
     * Sends this setting's NewSessionTickets after a completed handshake (RFC 8446 §4.6.1), one after a resumption
     * with our own ticket, each with a distinct
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
               long maxEarlyData, HandshakeOutput out) {
        byte[][] chain = encodedChain(session.peerCertificates());
        if (chain == null) {
            return;
        }
        long issued = crypto.clock().millis();
        SessionTicketKeys.Key key = keys.current();
        // As OpenSSL does: a client that resumed with one of our tickets spent one ticket, and gets one back, so its
        // supply stays as a full handshake left it (RFC 8446 Appendix C.4 asks it to use each ticket once); a full or
        // external-PSK handshake gets the configured count.
        int n = session.resumed() && session.externalPskIdentity() == null ? Math.min(count, 1) : count;
        for (int i = 0; i < n; i++) {
            // A one-byte counter is a distinct nonce per ticket of the connection, all RFC 8446 §4.6.1 asks.
            byte[] nonce = {(byte) i};
            byte[] ageAdd = new byte[4];
            crypto.nextBytes(ageAdd);
            long ticketAgeAdd = ByteBuffer.wrap(ageAdd).getInt() & 0xFFFFFFFFL;
            byte[] psk = resumption.ticketPsk(nonce);
            byte[] state = encodeState(session, issued, ticketAgeAdd, maxEarlyData, psk, chain);
            Arrays.fill(psk, (byte) 0);
            byte[] ticket;
            try {
                ticket = seal(crypto, key, state);
            } finally {
                Arrays.fill(state, (byte) 0);
            }
            if (store != null) {
                // RFC 8446 §8.1: a single-use ticket; the client holds only an id for the state we keep.
                byte[] id = new byte[SessionTicketStore.ID_LENGTH];
                crypto.nextBytes(id);
                try {
                    store.put(id.clone(), ticket, issued + lifetimeSeconds * 1000);
                } catch (Exception e) {
                    // A shared store out of reach (Tls13SessionTicketStore): this ticket is not sent, the connection
                    // goes on; the client resumes with another ticket or makes a full handshake.
                    continue;
                }
                ticket = id;
            }
            // RFC 8446 §4.6.1: early_data in a NewSessionTicket carries max_early_data_size; without it the client
            // must not send 0-RTT data with this ticket.
            Extensions extensions = maxEarlyData > 0
                    ? new Extensions(List.of(new Extension.MaxEarlyData(maxEarlyData))) : Extensions.EMPTY;
            out.sendHandshake(HandshakeCodec.encode(new NewSessionTicket(lifetimeSeconds, ticketAgeAdd, nonce,
                    ticket, extensions)));
        }
    }

    /**
     * Opens a ticket: finds its key by name, authenticates and decrypts it, and parses the state. Any failure
     * (truncated, tampered, unknown or forgotten key, malformed state; with a store, an id unknown or used already)
     * gives {@code null}, never an exception: an unusable ticket means a full handshake (RFC 8446 §4.2.11).
     *
     * @param crypto the provider
     * @param ticket the PskIdentity's identity; borrowed
     * @return the state, owned by the caller (who destroys it), or {@code null}
     */
    State open(CryptoProvider crypto, byte[] ticket) {
        byte[] state = unseal(crypto, ticket, false);
        if (state == null) {
            return null;
        }
        try {
            return decodeState(state);
        } catch (CertificateException | RuntimeException e) {
            // A ticket that does not parse is just not used.
            return null;
        } finally {
            Arrays.fill(state, (byte) 0);
        }
    }

    /**
     * Takes a single-use ticket out of the store, finds its key by name and authenticates and decrypts it.
     *
     * @param tls12 whether a TLS 1.2 ticket is expected: its additional data differs from a TLS 1.3 ticket's
     * @return the decrypted state, owned by the caller (who zeroes it), or {@code null} for any failure
     */
    private byte[] unseal(CryptoProvider crypto, byte[] ticket, boolean tls12) {
        if (store != null) {
            // A single-use ticket: taken out of the store by this first attempt, whatever its outcome. Only an id's
            // length is asked for, so a shared store never sees arbitrary peer bytes of other lengths.
            if (ticket.length != SessionTicketStore.ID_LENGTH) {
                return null;
            }
            try {
                ticket = store.take(ticket.clone());
            } catch (Exception e) {
                // A store that cannot answer cannot vouch that this is the ticket's first use: a full handshake
                // (RFC 8446 §4.2.11: the server may decline any PSK; §8.1: no resumption, so no 0-RTT replay).
                return null;
            }
            if (ticket == null) {
                return null;
            }
        }
        if (ticket.length < NAME_LENGTH + NONCE_LENGTH + TAG_LENGTH + Math.min(FIXED_STATE_LENGTH,
                TLS12_FIXED_STATE_LENGTH)) {
            return null;
        }
        SessionTicketKeys.Key key = keys.find(ticket, 0);
        if (key == null) {
            return null;
        }
        byte[] nonce = Arrays.copyOfRange(ticket, NAME_LENGTH, NAME_LENGTH + NONCE_LENGTH);
        int sealed = ticket.length - NAME_LENGTH - NONCE_LENGTH;
        byte[] state = new byte[sealed - TAG_LENGTH];
        try {
            aead(OPENING, crypto, key).open(nonce, tls12 ? tls12Aad(key) : key.name(), ticket,
                    NAME_LENGTH + NONCE_LENGTH, sealed, state, 0);
            byte[] opened = state;
            state = null;
            return opened;
        } catch (GeneralSecurityException | RuntimeException e) {
            // A ticket that does not authenticate is just not used.
            return null;
        } finally {
            if (state != null) {
                Arrays.fill(state, (byte) 0);
            }
        }
    }

    /**
     * The additional data of a TLS 1.2 ticket: key_name followed by the protocol version 0x0303. A TLS 1.2 ticket
     * therefore never authenticates as a TLS 1.3 ticket (whose additional data is key_name alone) nor the reverse,
     * on top of the version each state carries.
     */
    private static byte[] tls12Aad(SessionTicketKeys.Key key) {
        byte[] aad = Arrays.copyOf(key.name(), NAME_LENGTH + 2);
        aad[NAME_LENGTH] = 0x03;
        aad[NAME_LENGTH + 1] = 0x03;
        return aad;
    }

    /**
     * Seals a TLS 1.2 session into a ticket (RFC 5077 §4's recommended shape) under the current key. With a store,
     * the sealed state stays in the store and the returned ticket is a random id that opens it once.
     *
     * @param crypto the provider
     * @param session the session; its master secret is borrowed
     * @return the ticket, or {@code null} when the client's chain is too large for a ticket or the store failed
     */
    byte[] sealTls12(CryptoProvider crypto, Tls12TicketState session) {
        byte[][] chain = encodedChain(session.peerCertificates());
        if (chain == null) {
            return null;
        }
        byte[] alpn = bytes(session.applicationProtocol());
        byte[] sni = bytes(session.serverName());
        byte[] master = session.masterSecret();
        int length = TLS12_FIXED_STATE_LENGTH + 1 + master.length + 1 + alpn.length + 2 + sni.length + 1;
        for (byte[] c : chain) {
            length += 3 + c.length;
        }
        ByteBuffer b = ByteBuffer.allocate(length);
        b.put((byte) FORMAT_TLS12).putShort((short) TLS12_VERSION).putShort((short) session.suite().code())
                .putLong(session.issuedMillis()).putInt((int) session.lifetimeSeconds())
                .put((byte) (session.extendedMasterSecret() ? 1 : 0));
        b.put((byte) master.length).put(master);
        b.put((byte) alpn.length).put(alpn);
        b.putShort((short) sni.length).put(sni);
        b.put((byte) chain.length);
        for (byte[] c : chain) {
            b.put((byte) (c.length >>> 16)).putShort((short) c.length).put(c);
        }
        byte[] state = b.array();
        byte[] ticket;
        try {
            SessionTicketKeys.Key key = keys.current();
            ticket = seal(crypto, key, tls12Aad(key), state);
        } finally {
            Arrays.fill(state, (byte) 0);
        }
        if (store != null) {
            byte[] id = new byte[SessionTicketStore.ID_LENGTH];
            crypto.nextBytes(id);
            try {
                store.put(id.clone(), ticket, session.issuedMillis() + session.lifetimeSeconds() * 1000);
            } catch (Exception e) {
                // A shared store out of reach (Tls13SessionTicketStore): no ticket this time, as for TLS 1.3.
                return null;
            }
            return id;
        }
        return ticket;
    }

    /**
     * Opens a TLS 1.2 ticket (RFC 5077 §3.2). Any failure (truncated, tampered, unknown or forgotten key, a TLS 1.3
     * ticket, malformed state, expired) gives {@code null}, never an exception: RFC 5077 §3.1 has the server
     * fall back to a full handshake for a ticket it cannot use.
     *
     * @param crypto the provider
     * @param ticket the SessionTicket extension's ticket; borrowed
     * @return the state, owned by the caller (who destroys it), or {@code null}
     */
    Tls12TicketState openTls12(CryptoProvider crypto, byte[] ticket) {
        byte[] state = unseal(crypto, ticket, true);
        if (state == null) {
            return null;
        }
        Tls12TicketState session = null;
        try {
            session = decodeTls12State(state);
            if (session == null) {
                return null;
            }
            long now = crypto.clock().millis();
            long age = now - session.issuedMillis();
            // RFC 5077 §4: the server checks the ticket's age against its lifetime; one issued "in the future" of
            // our clock is as unusable.
            if (age < 0 || age > session.lifetimeSeconds() * 1000) {
                return null;
            }
            Tls12TicketState valid = session;
            session = null;
            return valid;
        } catch (CertificateException | RuntimeException e) {
            return null;
        } finally {
            Arrays.fill(state, (byte) 0);
            if (session != null) {
                session.destroy();
            }
        }
    }

    private static Tls12TicketState decodeTls12State(byte[] state) throws CertificateException {
        ByteBuffer b = ByteBuffer.wrap(state);
        if (b.get() != FORMAT_TLS12 || (b.getShort() & 0xFFFF) != TLS12_VERSION) {
            return null;
        }
        CipherSuite suite = CipherSuite.of(b.getShort() & 0xFFFF);
        long issued = b.getLong();
        long lifetime = b.getInt() & 0xFFFFFFFFL;
        boolean ems = b.get() != 0;
        byte[] master = new byte[b.get() & 0xFF];
        b.get(master);
        try {
            byte[] alpn = new byte[b.get() & 0xFF];
            b.get(alpn);
            byte[] sni = new byte[b.getShort() & 0xFFFF];
            b.get(sni);
            List<X509Certificate> chain = decodeChain(b);
            if (b.hasRemaining() || master.length != TLS12_MASTER_SECRET_LENGTH) {
                Arrays.fill(master, (byte) 0);
                return null;
            }
            return new Tls12TicketState(suite, issued, lifetime, ems, master, string(alpn), string(sni), chain);
        } catch (CertificateException | RuntimeException e) {
            Arrays.fill(master, (byte) 0);
            throw e;
        }
    }

    private static List<X509Certificate> decodeChain(ByteBuffer b) throws CertificateException {
        int certificates = b.get() & 0xFF;
        List<X509Certificate> chain = new ArrayList<>(certificates);
        CertificateFactory factory = certificates == 0 ? null : CertificateFactory.getInstance("X.509");
        for (int i = 0; i < certificates; i++) {
            int length = (b.get() & 0xFF) << 16 | b.getShort() & 0xFFFF;
            byte[] der = new byte[length];
            b.get(der);
            chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
        }
        return List.copyOf(chain);
    }

    private byte[] encodeState(HandshakeSummary session, long issued, long ticketAgeAdd, long maxEarlyData,
                               byte[] psk, byte[][] chain) {
        byte[] alpn = bytes(session.applicationProtocol());
        byte[] sni = bytes(session.serverName());
        int length = FIXED_STATE_LENGTH + 1 + psk.length + 1 + alpn.length + 2 + sni.length + 1;
        for (byte[] c : chain) {
            length += 3 + c.length;
        }
        ByteBuffer b = ByteBuffer.allocate(length);
        b.put((byte) FORMAT).putShort((short) session.cipherSuite().code()).putLong(issued)
                .putInt((int) ticketAgeAdd).putInt((int) lifetimeSeconds).putInt((int) maxEarlyData);
        b.put((byte) psk.length).put(psk);
        b.put((byte) alpn.length).put(alpn);
        b.putShort((short) sni.length).put(sni);
        b.put((byte) chain.length);
        for (byte[] c : chain) {
            b.put((byte) (c.length >>> 16)).putShort((short) c.length).put(c);
        }
        return b.array();
    }

    /** Parses a decrypted state; throws a RuntimeException when malformed (only a bug of ours or a key leak). */
    private static State decodeState(byte[] state) throws CertificateException {
        ByteBuffer b = ByteBuffer.wrap(state);
        if (b.get() != FORMAT) {
            return null;
        }
        CipherSuite suite = CipherSuite.of(b.getShort() & 0xFFFF);
        long issued = b.getLong();
        long ageAdd = b.getInt() & 0xFFFFFFFFL;
        long lifetime = b.getInt() & 0xFFFFFFFFL;
        long maxEarlyData = b.getInt() & 0xFFFFFFFFL;
        byte[] psk = new byte[b.get() & 0xFF];
        b.get(psk);
        byte[] alpn = new byte[b.get() & 0xFF];
        b.get(alpn);
        byte[] sni = new byte[b.getShort() & 0xFFFF];
        b.get(sni);
        List<X509Certificate> chain = decodeChain(b);
        if (b.hasRemaining() || psk.length == 0) {
            Arrays.fill(psk, (byte) 0);
            return null;
        }
        return new State(suite, issued, ageAdd, lifetime, maxEarlyData, psk, string(alpn), string(sni), chain);
    }

    private static byte[] seal(CryptoProvider crypto, SessionTicketKeys.Key key, byte[] state) {
        return seal(crypto, key, key.name(), state);
    }

    private static byte[] seal(CryptoProvider crypto, SessionTicketKeys.Key key, byte[] aad, byte[] state) {
        byte[] ticket = new byte[NAME_LENGTH + NONCE_LENGTH + state.length + TAG_LENGTH];
        byte[] name = key.name();
        System.arraycopy(name, 0, ticket, 0, NAME_LENGTH);
        byte[] nonce = new byte[NONCE_LENGTH];
        crypto.nextBytes(nonce);
        System.arraycopy(nonce, 0, ticket, NAME_LENGTH, NONCE_LENGTH);
        try {
            aead(SEALING, crypto, key).seal(nonce, aad, state, 0, state.length, ticket, NAME_LENGTH + NONCE_LENGTH);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing a session ticket failed", e);
        }
        return ticket;
    }

    /**
     * This thread's AEAD of {@code slot} for {@code key}: the one kept when it was made by {@code crypto} for this
     * key, else a new one (a dedicated one, see {@link CryptoProvider#dedicatedAead}), which replaces the old one
     * after destroying it.
     */
    private static Aead aead(ThreadLocal<TicketAead> slot, CryptoProvider crypto, SessionTicketKeys.Key key) {
        TicketAead kept = slot.get();
        if (kept != null && kept.key() == key && kept.crypto() == crypto) {
            return kept.aead();
        }
        slot.remove();
        if (kept != null) {
            kept.aead().destroy();
        }
        Aead aead = crypto.dedicatedAead(AeadAlgorithm.AES_256_GCM, key.key());
        slot.set(new TicketAead(crypto, key, aead));
        return aead;
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

    private static String string(byte[] b) {
        return b.length == 0 ? null : new String(b, StandardCharsets.UTF_8);
    }

    /**
     * Whether a ClientHello allows tickets: it sent psk_key_exchange_modes with a mode we accept, psk_dhe_ke, or
     * psk_ke when enabled (RFC 8446 §4.2.9). Like the JDK and BoringSSL, and unlike OpenSSL and GnuTLS, we send no
     * ticket to a client that could not use it.
     *
     * @param config the configuration
     * @param hello the ClientHello's extensions
     * @return whether to issue tickets
     */
    static boolean wanted(ServerConfig config, Extensions hello) {
        return hello.find(Extension.PskKeyExchangeModes.class).map(m -> m.modes().contains(
                Extension.PskKeyExchangeModes.PSK_DHE_KE)
                || config.pskKe() && m.modes().contains(Extension.PskKeyExchangeModes.PSK_KE)).orElse(false);
    }
}
