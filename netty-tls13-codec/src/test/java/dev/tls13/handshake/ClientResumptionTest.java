package dev.tls13.handshake;

import static dev.tls13.handshake.HandshakeHarness.CRYPTO;
import static dev.tls13.handshake.HandshakeHarness.HOST;
import static dev.tls13.handshake.HandshakeHarness.client;
import static dev.tls13.handshake.HandshakeHarness.server;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.Encapsulation;
import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.error.TlsException;
import dev.tls13.handshake.HandshakeHarness.Pair;
import dev.tls13.handshake.HandshakeHarness.Recorder;
import dev.tls13.handshake.HandshakeHarness.Ticket;
import dev.tls13.keys.EarlySecret;
import dev.tls13.keys.HandshakeSecret;
import dev.tls13.keys.PskType;
import dev.tls13.keys.TrafficSecret;
import dev.tls13.keys.Transcript;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.Certificate;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.ClientHello;
import dev.tls13.wire.EncryptedExtensions;
import dev.tls13.wire.Extension;
import dev.tls13.wire.ExtensionType;
import dev.tls13.wire.Extensions;
import dev.tls13.wire.Finished;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.HandshakeMessage;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.NewSessionTicket;
import dev.tls13.wire.ProtocolVersion;
import dev.tls13.wire.ServerHello;
import dev.tls13.testing.ForwardingProvider;
import dev.tls13.testing.Hex;
import dev.tls13.testing.Rfc8448;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The client's side of resumption (RFC 8446 §2.2, §4.2.11; docs/architecture.md §15): the PSK offer in the
 * ClientHello, its binder recomputed independently, and the ServerHello checks, against a scripted server
 * that accepts the PSK (our ServerHandshake does not resume in this branch) and against our full-handshake
 * server, which declines it.
 */
class ClientResumptionTest {

    private static final long AGE_ADD = 0xFFFF_FF00L;

    /** A full handshake, then a NewSessionTicket: the ticket and a copy of its PSK. */
    private record Issued(ResumptionTicket ticket, byte[] psk, HandshakeSummary original) {
    }

    private static Issued issue(ClientConfig config, CipherSuite suite) throws TlsException {
        Pair pair = Pair.start(config, server(s -> s.suites = List.of(suite))).run()
                .assertConnectedWithMatchingKeys();
        NewSessionTicket nst = new NewSessionTicket(7200, AGE_ADD, new byte[] {7}, "ticket-bytes".getBytes(),
                Extensions.EMPTY);
        byte[] encoded = HandshakeCodec.encode(nst);
        pair.client = pair.client.on(HandshakeHarness.decode(encoded), encoded, pair.clientOut);
        Ticket t = (Ticket) pair.clientOut.effects.get(pair.clientOut.effects.size() - 1);
        HandshakeSummary session = pair.clientOut.session();
        pair.client.destroy();
        pair.server.destroy();
        return new Issued(ResumptionTicket.of(t.ticket(), t.psk().clone(), session, CRYPTO.clock().millis()),
                t.psk(), session);
    }

    private static Issued issue(ClientConfig config) throws TlsException {
        return issue(config, CipherSuite.TLS_AES_128_GCM_SHA256);
    }

    private static Extension.PreSharedKeyClientHello offered(ClientHello hello) {
        return hello.extensions().find(Extension.PreSharedKeyClientHello.class).orElseThrow();
    }

    private static byte[] hash(HashAlgorithm algorithm, byte[] bytes, int length) throws Exception {
        MessageDigest digest = MessageDigest.getInstance(algorithm.jcaName());
        digest.update(bytes, 0, length);
        return digest.digest();
    }

    private static byte[] expectedBinder(HashAlgorithm hash, byte[] psk, byte[] truncatedHash) {
        EarlySecret early = EarlySecret.withPsk(CRYPTO, hash, psk);
        try {
            return early.binder(PskType.RESUMPTION, truncatedHash);
        } finally {
            early.destroy();
        }
    }

    @Test
    void clientHelloOffersTheTicketLastWithObfuscatedAgeAndABinderOverTheTruncatedHello() throws Exception {
        ClientConfig config = client();
        Issued issued = issue(config);
        Recorder out = new Recorder();
        HandshakeState state = ClientHandshake.start(config, HOST, HOST, issued.ticket(), out);
        byte[] encoded = out.sent().get(0);
        ClientHello hello = (ClientHello) HandshakeHarness.decode(encoded);
        List<Extension> extensions = new ArrayList<>();
        hello.extensions().forEach(extensions::add);
        // RFC 8446 §4.2.11: pre_shared_key "MUST be the last extension in the ClientHello".
        assertEquals(ExtensionType.PRE_SHARED_KEY, extensions.get(extensions.size() - 1).type());
        Extension.PreSharedKeyClientHello psk = offered(hello);
        assertEquals(1, psk.identities().size());
        assertArrayEquals("ticket-bytes".getBytes(), psk.identities().get(0).identity());
        long age = (psk.identities().get(0).obfuscatedTicketAge() - AGE_ADD) & 0xFFFF_FFFFL;
        assertTrue(age < 60_000, "age in ms (RFC 8446 §4.2.11.1): " + age);
        int truncated = encoded.length - psk.bindersLength();
        byte[] binder = expectedBinder(HashAlgorithm.SHA256, issued.psk(),
                hash(HashAlgorithm.SHA256, encoded, truncated));
        assertArrayEquals(binder, psk.binders().get(0));
        assertEquals(List.of(Extension.PskKeyExchangeModes.PSK_DHE_KE),
                hello.extensions().find(Extension.PskKeyExchangeModes.class).orElseThrow().modes());
        assertTrue(hello.extensions().contains(ExtensionType.KEY_SHARE), "psk_dhe_ke keeps the key shares");
        state.destroy();
        assertTrue(issued.ticket().isDestroyed(), "the PSK is zeroed when the handshake ends");
    }

    @Test
    void ticketForASuiteWeDoNotOfferOrAnotherServerNameIsNotOfferedAndIsDestroyed() throws Exception {
        Issued sha384 = issue(client(), CipherSuite.TLS_AES_256_GCM_SHA384);
        ClientConfig sha256Only = client(c -> c.suites = List.of(CipherSuite.TLS_AES_128_GCM_SHA256));
        Recorder out = new Recorder();
        ClientHandshake.start(sha256Only, HOST, HOST, sha384.ticket(), out).destroy();
        ClientHello hello = (ClientHello) HandshakeHarness.decode(out.sent().get(0));
        assertFalse(hello.extensions().contains(ExtensionType.PRE_SHARED_KEY));
        assertTrue(sha384.ticket().isDestroyed());

        Issued other = issue(client());
        Recorder out2 = new Recorder();
        ClientHandshake.start(client(), "other.example", HOST, other.ticket(), out2).destroy();
        hello = (ClientHello) HandshakeHarness.decode(out2.sent().get(0));
        // RFC 8446 §4.6.1: resume only with the SNI of the original session.
        assertFalse(hello.extensions().contains(ExtensionType.PRE_SHARED_KEY));
        assertTrue(other.ticket().isDestroyed());
    }

    /**
     * A server that accepts the PSK: ServerHello (pre_shared_key, key_share unless psk_ke), EncryptedExtensions,
     * Finished, all under the keys RFC 8446 §7.1 derives from the PSK.
     */
    private static final class ResumingServer {
        final Transcript transcript = Transcript.of(CRYPTO, HashAlgorithm.SHA256);
        final List<byte[]> flight = new ArrayList<>();
        TrafficSecret clientHandshake;

        ResumingServer(byte[] clientHelloBytes, byte[] psk, CipherSuite suite, int selectedIdentity,
                       boolean keyShare) throws Exception {
            ClientHello hello = (ClientHello) HandshakeHarness.decode(clientHelloBytes);
            transcript.add(clientHelloBytes);
            List<Extension> extensions = new ArrayList<>();
            extensions.add(new Extension.SupportedVersionsServerHello(ProtocolVersion.TLS_1_3));
            byte[] shared = null;
            if (keyShare) {
                Extension.KeyShareEntry share = hello.extensions().find(Extension.KeyShareClientHello.class)
                        .orElseThrow().entries().get(0);
                Encapsulation e = Negotiation.encapsulate(CRYPTO, share.group(), share.keyExchange());
                extensions.add(new Extension.KeyShareServerHello(new Extension.KeyShareEntry(share.group(),
                        e.share())));
                shared = e.sharedSecret();
            }
            extensions.add(new Extension.PreSharedKeyServerHello(selectedIdentity));
            byte[] random = new byte[32];
            CRYPTO.nextBytes(random);
            send(new ServerHello(Negotiation.LEGACY_VERSION, random, hello.legacySessionId(), suite,
                    new Extensions(extensions)));
            EarlySecret early = EarlySecret.withPsk(CRYPTO, HashAlgorithm.SHA256, psk);
            HandshakeSecret hs = shared == null ? early.handshakeSecretWithoutKeyExchange()
                    : early.handshakeSecret(shared);
            early.destroy();
            byte[] helloHash = transcript.currentHash();
            TrafficSecret server = hs.serverHandshakeTrafficSecret(helloHash);
            clientHandshake = hs.clientHandshakeTrafficSecret(helloHash);
            hs.destroy();
            send(new EncryptedExtensions(Extensions.EMPTY));
            send(new Finished(server.finishedVerifyData(transcript.currentHash())));
            server.destroy();
        }

        void send(HandshakeMessage m) {
            byte[] encoded = HandshakeCodec.encode(m);
            transcript.add(encoded);
            flight.add(encoded);
        }

        /** Delivers messages {@code from} (inclusive) to {@code to} (exclusive) of the flight. */
        HandshakeState deliver(HandshakeState client, Recorder out, int from, int to) throws TlsException {
            for (int i = from; i < to; i++) {
                client = client.on(HandshakeHarness.decode(flight.get(i)), flight.get(i), out);
            }
            return client;
        }
    }

    private static void assertResumes(ClientConfig config, boolean keyShare) throws Exception {
        Issued issued = issue(config);
        Recorder out = new Recorder();
        HandshakeState client = ClientHandshake.start(config, HOST, HOST, issued.ticket(), out);
        ResumingServer server = new ResumingServer(out.sent().get(0), issued.psk(),
                CipherSuite.TLS_AES_128_GCM_SHA256, 0, keyShare);
        client = server.deliver(client, out, 0, 3);
        assertInstanceOf(ClientHandshake.ConnectedByPsk.class, client);
        assertTrue(issued.ticket().isDestroyed(), "the ticket's PSK is zeroed once used");
        HandshakeSummary session = out.session();
        assertTrue(session.resumed());
        assertEquals(issued.original().peerCertificates(), session.peerCertificates(),
                "a resumed session reports the original chain");
        assertNull(session.peerSignatureScheme());
        assertEquals(keyShare ? NamedGroup.X25519 : null, session.namedGroup());
        // The client's Finished verifies under the PSK-derived handshake secret.
        byte[] finished = out.sent().get(out.sent().size() - 1);
        Finished f = (Finished) HandshakeHarness.decode(finished);
        assertTrue(server.clientHandshake.verifyFinished(server.transcript.currentHash(), f.verifyData()));
        // Key log: the four handshake and application secrets and the exporter, with their usual labels.
        assertEquals(5, out.keyLog.size(), String.join("\n", out.keyLog));
        assertTrue(out.keyLog.get(0).startsWith("CLIENT_HANDSHAKE_TRAFFIC_SECRET "), out.keyLog.get(0));
        client.destroy();
        server.clientHandshake.destroy();
    }

    /** The client's states of a resumed handshake after EncryptedExtensions and after Finished (for §11's table). */
    static List<HandshakeState> resumedStates() throws Exception {
        ClientConfig config = client();
        Issued issued = issue(config);
        Recorder out = new Recorder();
        HandshakeState client = ClientHandshake.start(config, HOST, HOST, issued.ticket(), out);
        ResumingServer server = new ResumingServer(out.sent().get(0), issued.psk(),
                CipherSuite.TLS_AES_128_GCM_SHA256, 0, true);
        HandshakeState afterEe = server.deliver(client, out, 0, 2);
        HandshakeState connected = server.deliver(afterEe, out, 2, 3);
        server.clientHandshake.destroy();
        return List.of(afterEe, connected);
    }

    @Test
    void resumesWithPskDheKeAndReportsTheOriginalCertificates() throws Exception {
        assertResumes(client(), true);
    }

    @Test
    void resumesWithPskKeOnlyWhenOffered() throws Exception {
        assertResumes(client(c -> c.pskModes = List.of(Extension.PskKeyExchangeModes.PSK_KE)), false);
    }

    private static void assertRefused(AlertDescription alert, ClientConfig config, CipherSuite suite,
                                      int selected, boolean keyShare, int deliverUpTo) throws Exception {
        Issued issued = issue(config);
        Recorder out = new Recorder();
        HandshakeState client = ClientHandshake.start(config, HOST, HOST, issued.ticket(), out);
        ResumingServer server = new ResumingServer(out.sent().get(0), issued.psk(), suite, selected, keyShare);
        try {
            Failures.assertAlert(alert, () -> server.deliver(client, out, 0, deliverUpTo));
        } finally {
            client.destroy();
            server.clientHandshake.destroy();
        }
        assertTrue(issued.ticket().isDestroyed());
    }

    @Test
    void selectedIdentityOutOfRangeIsIllegalParameter() throws Exception {
        assertRefused(AlertDescription.ILLEGAL_PARAMETER, client(), CipherSuite.TLS_AES_128_GCM_SHA256, 1, true, 1);
    }

    @Test
    void suiteWithAnotherHashThanThePsksIsIllegalParameter() throws Exception {
        assertRefused(AlertDescription.ILLEGAL_PARAMETER, client(), CipherSuite.TLS_AES_256_GCM_SHA384, 0, true, 1);
    }

    @Test
    void pskKeWithoutOurOfferIsIllegalParameter() throws Exception {
        assertRefused(AlertDescription.ILLEGAL_PARAMETER, client(), CipherSuite.TLS_AES_128_GCM_SHA256, 0, false, 1);
    }

    @Test
    void pskDheKeWhenWeOfferedOnlyPskKeIsIllegalParameter() throws Exception {
        assertRefused(AlertDescription.ILLEGAL_PARAMETER,
                client(c -> c.pskModes = List.of(Extension.PskKeyExchangeModes.PSK_KE)),
                CipherSuite.TLS_AES_128_GCM_SHA256, 0, true, 1);
    }

    @Test
    void certificateInAResumedHandshakeIsUnexpectedMessage() throws Exception {
        ClientConfig config = client();
        Issued issued = issue(config);
        Recorder out = new Recorder();
        HandshakeState client = ClientHandshake.start(config, HOST, HOST, issued.ticket(), out);
        ResumingServer server = new ResumingServer(out.sent().get(0), issued.psk(),
                CipherSuite.TLS_AES_128_GCM_SHA256, 0, true);
        HandshakeState afterEe = server.deliver(client, out, 0, 2);
        byte[] certificate = HandshakeCodec.encode(Messages.certificate(new byte[0],
                issued.original().peerCertificates()));
        try {
            Failures.assertUnexpected(() -> afterEe.on(HandshakeHarness.decode(certificate), certificate, out));
        } finally {
            afterEe.destroy();
            server.clientHandshake.destroy();
        }
    }

    @Test
    void serverThatDeclinesThePskGetsAFullHandshakeAndTheTicketIsDiscarded() throws Exception {
        ClientConfig config = client();
        Issued issued = issue(config);
        Recorder clientOut = new Recorder();
        HandshakeState c = ClientHandshake.start(config, HOST, HOST, issued.ticket(), clientOut);
        Pair pair = new Pair(c, clientOut, ServerHandshake.start(server()), new Recorder()).run()
                .assertConnectedWithMatchingKeys();
        assertInstanceOf(ClientHandshake.Connected.class, pair.client);
        assertFalse(pair.clientOut.session().resumed());
        assertTrue(issued.ticket().isDestroyed());
        pair.client.destroy();
        pair.server.destroy();
    }

    @Test
    void afterHelloRetryRequestThePskIsOfferedAgainWithABinderOverTheNewTranscript() throws Exception {
        ClientConfig config = client();
        Issued issued = issue(config);
        Recorder clientOut = new Recorder();
        HandshakeState c = ClientHandshake.start(config, HOST, HOST, issued.ticket(), clientOut);
        // The client shares x25519; this server wants P-256: HelloRetryRequest (RFC 8446 §4.1.4).
        Pair pair = new Pair(c, clientOut, ServerHandshake.start(server(s -> s.groups = List.of(NamedGroup.SECP256R1))),
                new Recorder());
        byte[] hello1 = pair.toServer();
        byte[] retry = pair.toClient();
        byte[] hello2 = clientOut.sent().get(clientOut.sent().size() - 1);
        ClientHello second = (ClientHello) HandshakeHarness.decode(hello2);
        Extension.PreSharedKeyClientHello psk = offered(second);
        assertArrayEquals(offered((ClientHello) HandshakeHarness.decode(hello1)).identities().get(0).identity(),
                psk.identities().get(0).identity());
        Transcript transcript = Transcript.of(CRYPTO, HashAlgorithm.SHA256);
        transcript.add(hello1);
        transcript.addHelloRetryRequest(retry);
        transcript.add(hello2, 0, hello2.length - psk.bindersLength());
        assertArrayEquals(expectedBinder(HashAlgorithm.SHA256, issued.psk(), transcript.currentHash()),
                psk.binders().get(0), "binder over message_hash, HelloRetryRequest and truncated ClientHello2");
        pair.run().assertConnectedWithMatchingKeys();
        assertTrue(pair.clientOut.session().helloRetryRequest());
        assertTrue(issued.ticket().isDestroyed());
        pair.client.destroy();
        pair.server.destroy();
    }

    @Test
    void afterHelloRetryRequestForAnotherHashThePskIsDropped() throws Exception {
        ClientConfig config = client();
        Issued issued = issue(config, CipherSuite.TLS_AES_256_GCM_SHA384);
        Recorder clientOut = new Recorder();
        HandshakeState c = ClientHandshake.start(config, HOST, HOST, issued.ticket(), clientOut);
        Pair pair = new Pair(c, clientOut, ServerHandshake.start(server(s -> {
            s.groups = List.of(NamedGroup.SECP256R1);
            s.suites = List.of(CipherSuite.TLS_AES_128_GCM_SHA256);
        })), new Recorder());
        assertTrue(((ClientHello) HandshakeHarness.decode(pair.toServer())).extensions()
                .contains(ExtensionType.PRE_SHARED_KEY));
        pair.toClient();
        // RFC 8446 §4.1.4: a PSK whose hash is not the HelloRetryRequest suite's is removed from ClientHello2.
        ClientHello second = (ClientHello) HandshakeHarness.decode(
                clientOut.sent().get(clientOut.sent().size() - 1));
        assertFalse(second.extensions().contains(ExtensionType.PRE_SHARED_KEY));
        assertTrue(issued.ticket().isDestroyed());
        pair.run().assertConnectedWithMatchingKeys();
        pair.client.destroy();
        pair.server.destroy();
    }

    @Test
    void aTicketKeepsMaxEarlyDataAlpnAndSuiteForZeroRtt() throws Exception {
        // RFC 8448 §3's NewSessionTicket carries early_data with max_early_data_size 0x400 (RFC 8446 §4.2.10).
        NewSessionTicket nst = (NewSessionTicket) HandshakeHarness.decode(Rfc8448.find(Rfc8448.Trace.SIMPLE_1RTT,
                "server", "construct a NewSessionTicket").get(0).bytes("NewSessionTicket"));
        HandshakeSummary session = new HandshakeSummary(CipherSuite.TLS_AES_256_GCM_SHA384, NamedGroup.X25519, null,
                null, "h2", "server", List.of(), List.of(), false, false, false);
        ResumptionTicket ticket = ResumptionTicket.of(nst, new byte[48], session, 0);
        assertEquals(0x400, ticket.maxEarlyData());
        assertEquals("h2", ticket.applicationProtocol());
        assertEquals(CipherSuite.TLS_AES_256_GCM_SHA384, ticket.cipherSuite());

        NewSessionTicket without = new NewSessionTicket(nst.ticketLifetime(), nst.ticketAgeAdd(), nst.ticketNonce(),
                nst.ticket(), new Extensions(List.of()));
        assertEquals(0, ResumptionTicket.of(without, new byte[48], session, 0).maxEarlyData());
    }

    @Test
    void rebuildsTheClientHelloOfRfc8448Section4ByteForByteFromTheSection3Ticket() throws Exception {
        byte[] traceHello = Rfc8448.find(Rfc8448.Trace.RESUMED_0RTT, "client", "send handshake record").get(0)
                .bytes("payload");
        ClientHello decoded = (ClientHello) HandshakeHarness.decode(traceHello);
        Extension.PskIdentity identity = offered(decoded).identities().get(0);
        NewSessionTicket nst = (NewSessionTicket) HandshakeHarness.decode(Rfc8448.find(Rfc8448.Trace.SIMPLE_1RTT,
                "server", "construct a NewSessionTicket").get(0).bytes("NewSessionTicket"));
        // The PSK RFC 8448 §4 extracts the early secret from: HKDF-Expand-Label(resumption_master_secret, ...).
        byte[] psk = Rfc8448.find(Rfc8448.Trace.RESUMED_0RTT, "client", "extract secret \"early\"").get(0)
                .bytes("IKM");
        long now = 1_000_000_000L;
        long age = (identity.obfuscatedTicketAge() - nst.ticketAgeAdd()) & 0xFFFF_FFFFL;
        HandshakeSummary session = new HandshakeSummary(CipherSuite.TLS_AES_128_GCM_SHA256, NamedGroup.X25519, null,
                null, null, "server", List.of(), List.of(), false, false, false);
        ResumptionTicket ticket = ResumptionTicket.of(nst, psk.clone(), session, now - age);
        ForwardingProvider fixedClock = new ForwardingProvider() {
            @Override
            public Clock clock() {
                return Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC);
            }
        };
        List<Extension> withoutPsk = new ArrayList<>();
        for (Extension e : decoded.extensions()) {
            if (!e.type().equals(ExtensionType.PRE_SHARED_KEY)) {
                withoutPsk.add(e);
            }
        }
        ClientHello hello = new ClientHello(decoded.legacyVersion(), decoded.random(), decoded.legacySessionId(),
                decoded.cipherSuites(), new Extensions(withoutPsk));
        Recorder out = new Recorder();
        Transcript transcript = Transcript.buffering(fixedClock);
        ClientHandshake.sendWithPsk(out, transcript, hello, ticket, fixedClock);
        assertEquals(Hex.encode(traceHello), Hex.encode(out.sent().get(0)),
                "identity, obfuscated age and binder (RFC 8448 §4 \"calculate PSK binder\")");
        assertArrayEquals(Rfc8448.find(Rfc8448.Trace.RESUMED_0RTT, "client", "derive secret \"tls13 c e traffic\"")
                .get(0).bytes("hash"), transcript.currentHash(HashAlgorithm.SHA256), "the transcript has it all");
        ticket.destroy();
    }
}
