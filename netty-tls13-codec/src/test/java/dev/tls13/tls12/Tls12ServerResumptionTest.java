package dev.tls13.tls12;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.crypto.KeyExchange;
import dev.tls13.error.TlsException;
import dev.tls13.handshake.CertificateSelector;
import dev.tls13.handshake.CertifiedKey;
import dev.tls13.handshake.ServerConfig;
import dev.tls13.handshake.SessionTicketKeys;
import dev.tls13.handshake.Tls12SessionTickets;
import dev.tls13.handshake.Tls12TicketState;
import dev.tls13.testing.ForwardingProvider;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import dev.tls13.tls12.Tls12ServerHandshake.Tls12ServerState;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.ClientHello;
import dev.tls13.wire.ClientKeyExchange;
import dev.tls13.wire.Extension;
import dev.tls13.wire.ExtensionType;
import dev.tls13.wire.Extensions;
import dev.tls13.wire.Finished;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.HandshakeMessage;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.ServerHello;
import dev.tls13.wire.ServerKeyExchange;
import dev.tls13.wire.SignatureScheme;
import dev.tls13.wire.Tls12Extensions;
import dev.tls13.wire.Tls12HandshakeCodec;
import dev.tls13.wire.Tls12NewSessionTicket;
import io.netty.buffer.Unpooled;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TLS 1.2 session tickets on the server state machine (RFC 5077, docs/architecture.md §16), against a scripted
 * client: the ticket before our ChangeCipherSpec, the abbreviated handshake, and every ticket that must give a full
 * handshake instead (tampered, truncated, unknown key, expired, TLS 1.3, other suite or SNI, no EMS), the EMS abort,
 * key rotation and single use.
 */
class Tls12ServerResumptionTest {

    private static final CipherSuite SUITE = CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256;
    private static final Issued LEAF = TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P256))
            .dns("example.com").build();

    /** A provider whose clock tests move. */
    static final class Clocked extends ForwardingProvider {
        Instant now = Instant.now();

        @Override
        public Clock clock() {
            return Clock.fixed(now, ZoneOffset.UTC);
        }
    }

    /** A scripted TLS 1.2 client offering a ticket (or an empty SessionTicket) to the server's state machine. */
    private static final class Script {
        final Tls12ClientHandshakeTest.Recording out = new Tls12ClientHandshakeTest.Recording();
        final MessageDigest transcript;
        final CryptoProvider crypto;
        final byte[] sessionId;
        Tls12ServerState state;

        Script(ServerConfig config, byte[] ticket, List<CipherSuite> suites, boolean ems, String sni)
                throws TlsException {
            this.crypto = config.crypto();
            this.transcript = crypto.digest(HashAlgorithm.SHA256);
            sessionId = new byte[ticket == null || ticket.length == 0 ? 0 : 32];
            Arrays.fill(sessionId, (byte) 0x5A);
            byte[] random = new byte[32];
            crypto.nextBytes(random);
            List<Extension> extensions = new ArrayList<>(List.of(
                    // The certificate's curve too (RFC 8422 §5.1, §5.3); the server still prefers x25519.
                    new Extension.SupportedGroups(List.of(NamedGroup.X25519, NamedGroup.SECP256R1)),
                    new Extension.SignatureAlgorithms(List.of(SignatureScheme.ECDSA_SECP256R1_SHA256)),
                    Tls12Extensions.emptyRenegotiationInfo()));
            if (ems) {
                extensions.add(Tls12Extensions.extendedMasterSecret());
            }
            if (sni != null) {
                extensions.add(Extension.ServerName.of(sni));
            }
            if (ticket != null) {
                extensions.add(Tls12Extensions.sessionTicketExtension(ticket));
            }
            ClientHello hello = new ClientHello(0x0303, random, sessionId, suites, new Extensions(extensions));
            byte[] encoded = HandshakeCodec.encode(hello);
            transcript.update(encoded);
            state = Tls12ServerHandshake.afterClientHello(config, hello, encoded, 0, encoded.length, out);
        }

        Script(ServerConfig config, byte[] ticket) throws TlsException {
            this(config, ticket, List.of(SUITE), true, null);
        }

        ServerHello serverHello() throws TlsException {
            return (ServerHello) HandshakeCodec.decode(Unpooled.wrappedBuffer(out.sent.get(0)));
        }

        boolean resumed() throws TlsException {
            // RFC 5077 §3.4: the server accepts the ticket by echoing the client's session_id.
            return sessionId.length > 0 && Arrays.equals(sessionId, serverHello().legacySessionIdEcho());
        }

        void hashSent(int from, int to) {
            for (byte[] m : out.sent.subList(from, to)) {
                transcript.update(m);
            }
        }

        byte[] hash() throws Exception {
            return ((MessageDigest) transcript.clone()).digest();
        }

        void send(HandshakeMessage m) throws TlsException {
            byte[] encoded = Tls12HandshakeCodec.encode(m);
            state = state.on(Tls12HandshakeCodec.decode(Unpooled.wrappedBuffer(encoded)), encoded, 0, encoded.length,
                    out);
            transcript.update(encoded);
        }

        static HandshakeMessage decode(byte[] m) throws TlsException {
            return m[0] == 2 ? HandshakeCodec.decode(Unpooled.wrappedBuffer(m))
                    : Tls12HandshakeCodec.decode(Unpooled.wrappedBuffer(m));
        }

        /** Completes a full handshake; returns the master secret, owned by the caller. */
        FullHandshake full() throws Exception {
            int flight = out.sent.size();
            hashSent(0, flight);
            ServerKeyExchange ske = (ServerKeyExchange) decode(out.sent.get(2));
            KeyExchange kx = crypto.generateKeyExchange(Tls12ClientHandshake.keyExchange(NamedGroup.X25519));
            byte[] pms = kx.decapsulate(ske.publicKey());
            send(new ClientKeyExchange(kx.publicKey()));
            kx.destroy();
            dev.tls13.keys.Tls12MasterSecret master = dev.tls13.keys.Tls12MasterSecret.extended(crypto,
                    HashAlgorithm.SHA256, pms, hash());
            state = state.onChangeCipherSpec(out);
            send(new Finished(master.verifyData(true, hash())));
            assertTrue(state.isConnected());
            return new FullHandshake(master, flight);
        }

        /** The ticket of the NewSessionTicket sent at or after index {@code from}, or {@code null}. */
        Tls12NewSessionTicket ticket(int from) throws TlsException {
            for (byte[] m : out.sent.subList(from, out.sent.size())) {
                if (m[0] == 4) {
                    return (Tls12NewSessionTicket) decode(m);
                }
            }
            return null;
        }
    }

    /** A full handshake's master secret and where its second server flight starts. */
    private record FullHandshake(dev.tls13.keys.Tls12MasterSecret master, int secondFlight) {
    }

    private static ServerConfig.Builder config(CryptoProvider crypto) {
        return ServerConfig.builder(crypto, new CertificateSelector(List.of(CertifiedKey.of(LEAF.privateKey(),
                LEAF.chain().toArray(new X509Certificate[0]))))).tls13(false)
                .tls12(Tls12ServerDriver::afterClientHello);
    }

    private static AlertDescription alert(org.junit.jupiter.api.function.Executable step) {
        return assertThrows(TlsException.class, step).failure().alert();
    }

    /** A full handshake with an empty SessionTicket; returns its ticket and master secret. */
    private static Issuance issue(ServerConfig config) throws Exception {
        Script s = new Script(config, new byte[0]);
        assertTrue(s.serverHello().extensions().get(ExtensionType.SESSION_TICKET).isPresent());
        FullHandshake h = s.full();
        Tls12NewSessionTicket nst = s.ticket(h.secondFlight());
        assertNotNull(nst);
        return new Issuance(nst.ticket(), h.master());
    }

    private record Issuance(byte[] ticket, dev.tls13.keys.Tls12MasterSecret master) {
    }

    @Test
    void aFullHandshakeSendsTheTicketBeforeItsChangeCipherSpecAndItResumes() throws Exception {
        ServerConfig config = config(new ForwardingProvider()).sessionTickets(1, Duration.ofHours(1)).build();
        Script first = new Script(config, new byte[0]);
        assertEquals(0, first.serverHello().legacySessionIdEcho().length);
        FullHandshake h = first.full();
        // RFC 5077 §3.3: NewSessionTicket, then ChangeCipherSpec and Finished, which covers the ticket message.
        List<Object> effects = first.out.effects;
        int nst = effects.indexOf("handshake 4");
        assertTrue(nst > 0 && effects.get(nst + 1).equals("ccs") && effects.get(nst + 3).equals("handshake 20"),
                effects.toString());
        Tls12NewSessionTicket ticket = first.ticket(h.secondFlight());
        assertEquals(3600, ticket.ticketLifetimeHint());
        first.hashSent(h.secondFlight(), h.secondFlight() + 1);
        byte[] serverFinished = first.out.sent.get(first.out.sent.size() - 1);
        assertTrue(h.master().verifyFinished(false, first.hash(),
                ((Finished) Script.decode(serverFinished)).verifyData()));
        first.out.exporter.destroy();

        Script second = new Script(config, ticket.ticket());
        assertTrue(second.resumed());
        // The abbreviated handshake: ServerHello, a fresh ticket, CCS, Finished; no certificate, no key exchange.
        assertEquals(List.of("handshake 2", "keylog CLIENT_RANDOM", "handshake 4", "ccs",
                "write keys AES_128_GCM", "handshake 20"), second.out.effects);
        assertFalse(second.serverHello().extensions().get(ExtensionType.SERVER_NAME).isPresent());
        Tls12NewSessionTicket fresh = second.ticket(0);
        assertFalse(Arrays.equals(ticket.ticket(), fresh.ticket()));
        second.hashSent(0, 2);
        assertTrue(h.master().verifyFinished(false, second.hash(),
                ((Finished) Script.decode(second.out.sent.get(2))).verifyData()));
        second.hashSent(2, 3);
        second.state = second.state.onChangeCipherSpec(second.out);
        second.send(new Finished(h.master().verifyData(true, second.hash())));
        assertTrue(second.state.isConnected());
        assertTrue(second.out.summary.resumed());
        assertEquals(SUITE, second.out.summary.cipherSuite());
        second.out.exporter.destroy();

        // The fresh ticket resumes too: it sealed the same master secret.
        Script third = new Script(config, fresh.ticket());
        assertTrue(third.resumed());
        third.state.destroy();
        h.master().destroy();
    }

    @Test
    void aWrongClientFinishedInTheAbbreviatedHandshakeIsDecryptError() throws Exception {
        ServerConfig config = config(new ForwardingProvider()).build();
        Issuance issued = issue(config);
        Script s = new Script(config, issued.ticket());
        assertTrue(s.resumed());
        // RFC 5246 §7.4.9: a Finished before the client's CCS is unexpected; a wrong one is decrypt_error.
        assertEquals(AlertDescription.UNEXPECTED_MESSAGE, alert(() -> s.send(new Finished(new byte[12]))));
        s.state = s.state.onChangeCipherSpec(s.out);
        assertEquals(AlertDescription.DECRYPT_ERROR, alert(() -> s.send(new Finished(new byte[12]))));
        s.state.destroy();
        issued.master().destroy();
    }

    @Test
    void anUnusableTicketGivesAFullHandshakeNeverAnAlert() throws Exception {
        Clocked crypto = new Clocked();
        ServerConfig config = config(crypto).sessionTickets(2, Duration.ofHours(1)).build();
        Issuance issued = issue(config);
        byte[] ticket = issued.ticket();
        byte[] tampered = ticket.clone();
        tampered[tampered.length - 1] ^= 1;
        byte[] otherKeyName = ticket.clone();
        otherKeyName[0] ^= 1;
        byte[] unknownServer = issue(config(crypto).build()).ticket();
        for (byte[] bad : List.of(tampered, Arrays.copyOf(ticket, ticket.length - 1), Arrays.copyOf(ticket, 20),
                otherKeyName, unknownServer, new byte[] {1})) {
            Script s = new Script(config, bad);
            assertFalse(s.resumed());
            assertEquals("handshake 11", s.out.effects.get(1), "a full handshake: Certificate follows");
            s.state.destroy();
        }
        // Another suite offered, or another SNI: a full handshake (RFC 5246 §7.4.1.2, RFC 6066 §3).
        Script otherSuite = new Script(config, ticket, List.of(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384),
                true, null);
        assertFalse(otherSuite.resumed());
        otherSuite.state.destroy();
        Script otherName = new Script(config, ticket, List.of(SUITE), true, "other.example.com");
        assertFalse(otherName.resumed());
        otherName.state.destroy();
        // Past its lifetime (RFC 5077 §4).
        crypto.now = crypto.now.plus(Duration.ofMinutes(61));
        Script expired = new Script(config, ticket);
        assertFalse(expired.resumed());
        expired.state.destroy();
        crypto.now = crypto.now.minus(Duration.ofMinutes(2));
        Script valid = new Script(config, ticket);
        assertTrue(valid.resumed(), "still within its lifetime");
        valid.state.destroy();
        issued.master().destroy();
    }

    @Test
    void extendedMasterSecretRules() throws Exception {
        ServerConfig config = config(new ForwardingProvider()).build();
        Issuance issued = issue(config);
        // RFC 7627 §5.3: an original session with EMS and a ClientHello without it: abort, handshake_failure.
        assertEquals(AlertDescription.HANDSHAKE_FAILURE,
                alert(() -> new Script(config, issued.ticket(), List.of(SUITE), false, null)));
        // An original session without EMS (sealed by hand: we never make one) is not resumed.
        byte[] master = new byte[48];
        Tls12TicketState legacy = new Tls12TicketState(SUITE, config.crypto().clock().millis(), 3600, false, master,
                null, null, List.of());
        Script s = new Script(config, Tls12SessionTickets.seal(config, legacy));
        assertFalse(s.resumed());
        s.state.destroy();
        Tls12TicketState extended = new Tls12TicketState(SUITE, config.crypto().clock().millis(), 3600, true, master,
                null, null, List.of());
        Script t = new Script(config, Tls12SessionTickets.seal(config, extended));
        assertTrue(t.resumed());
        t.state.destroy();
        issued.master().destroy();
    }

    @Test
    void aPreviousKeyStillOpensItsTicketsUntilItIsRemoved() throws Exception {
        byte[] name1 = new byte[16];
        byte[] name2 = new byte[16];
        name2[0] = 2;
        byte[] key1 = new byte[32];
        byte[] key2 = new byte[32];
        key2[0] = 2;
        SessionTicketKeys keys = SessionTicketKeys.supplied(new ForwardingProvider(), List.of(name1), List.of(key1));
        ServerConfig config = config(new ForwardingProvider()).sessionTicketKeys(keys).build();
        Issuance issued = issue(config);
        assertArrayEquals(name1, Arrays.copyOf(issued.ticket(), 16));
        keys.set(List.of(name2, name1), List.of(key2, key1));
        Script s = new Script(config, issued.ticket());
        assertTrue(s.resumed(), "the previous key opens");
        assertArrayEquals(name2, Arrays.copyOf(s.ticket(0).ticket(), 16), "the current key seals");
        s.state.destroy();
        keys.set(List.of(name2), List.of(key2));
        Script t = new Script(config, issued.ticket());
        assertFalse(t.resumed(), "a removed key opens nothing");
        t.state.destroy();
        issued.master().destroy();
    }

    @Test
    void withTheSingleUseStoreATicketResumesOnce() throws Exception {
        ServerConfig config = config(new ForwardingProvider()).sessionTicketStore(16).build();
        Issuance issued = issue(config);
        assertEquals(16, issued.ticket().length, "the client holds an id only");
        Script s = new Script(config, issued.ticket());
        assertTrue(s.resumed());
        s.state.destroy();
        Script t = new Script(config, issued.ticket());
        assertFalse(t.resumed(), "used once");
        t.state.destroy();
        issued.master().destroy();
    }

    @Test
    void withoutTicketsNoSessionTicketIsAnsweredAndNoTicketSent() throws Exception {
        ServerConfig config = config(new ForwardingProvider()).sessionTickets(0, Duration.ofHours(1)).build();
        Script s = new Script(config, new byte[0]);
        assertFalse(s.serverHello().extensions().get(ExtensionType.SESSION_TICKET).isPresent());
        FullHandshake h = s.full();
        assertEquals(null, s.ticket(h.secondFlight()));
        s.out.exporter.destroy();
        h.master().destroy();
    }
}
