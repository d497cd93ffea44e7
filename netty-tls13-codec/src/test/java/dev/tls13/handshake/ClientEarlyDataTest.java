package dev.tls13.handshake;

import static dev.tls13.handshake.HandshakeHarness.CRYPTO;
import static dev.tls13.handshake.HandshakeHarness.HOST;
import static dev.tls13.handshake.HandshakeHarness.client;
import static dev.tls13.handshake.HandshakeHarness.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.error.TlsException;
import dev.tls13.handshake.HandshakeHarness.ChangeCipherSpec;
import dev.tls13.handshake.HandshakeHarness.EarlyKeys;
import dev.tls13.handshake.HandshakeHarness.Effect;
import dev.tls13.handshake.HandshakeHarness.EndEarlyData;
import dev.tls13.handshake.HandshakeHarness.Pair;
import dev.tls13.handshake.HandshakeHarness.Recorder;
import dev.tls13.handshake.HandshakeHarness.Sent;
import dev.tls13.handshake.HandshakeHarness.Ticket;
import dev.tls13.keys.EarlySecret;
import dev.tls13.keys.TrafficKeys;
import dev.tls13.keys.TrafficSecret;
import dev.tls13.keys.Transcript;
import dev.tls13.record.CipherSuiteParams;
import dev.tls13.testing.Hex;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.ClientHello;
import dev.tls13.wire.Extension;
import dev.tls13.wire.ExtensionType;
import dev.tls13.wire.Extensions;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.NewSessionTicket;
import dev.tls13.wire.ProtocolVersion;
import dev.tls13.wire.ServerHello;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A client offering 0-RTT (RFC 8446 §2.3, §4.2.10; docs/architecture.md §15): early_data in the ClientHello only
 * when enabled and the ticket allows it, the CCS and the early keys right after the ClientHello, and the
 * outcome when our server (which accepts no 0-RTT) resumes without it or retries.
 */
class ClientEarlyDataTest {

    /** A full handshake with our server, then a real ticket of it, re-issued with max_early_data_size. */
    private static ResumptionTicket ticket(ClientConfig config, long maxEarlyData) throws TlsException {
        return ticket(config, server(), maxEarlyData);
    }

    private static ResumptionTicket ticket(ClientConfig config, ServerConfig server, long maxEarlyData)
            throws TlsException {
        Pair pair = Pair.start(config, server).run().assertConnectedWithMatchingKeys();
        Ticket t = null;
        for (Effect e : pair.clientOut.effects) {
            if (e instanceof Ticket) {
                t = (Ticket) e;
            }
        }
        NewSessionTicket nst = t.ticket();
        Extensions extensions = maxEarlyData > 0
                ? new Extensions(List.of(new Extension.MaxEarlyData(maxEarlyData))) : Extensions.EMPTY;
        NewSessionTicket allowing = new NewSessionTicket(nst.ticketLifetime(), nst.ticketAgeAdd(), nst.ticketNonce(),
                nst.ticket(), extensions);
        HandshakeSummary session = pair.clientOut.session();
        pair.client.destroy();
        pair.server.destroy();
        return ResumptionTicket.of(allowing, t.psk(), session, CRYPTO.clock().millis());
    }

    private static ClientConfig earlyDataClient() {
        return client(c -> c.earlyData = true);
    }

    @Test
    void offersEarlyDataBeforeThePskThenSendsTheCcsAndInstallsTheEarlyKeys() throws Exception {
        ClientConfig config = earlyDataClient();
        ResumptionTicket ticket = ticket(config, 16384);
        byte[] psk = ticket.psk().clone();
        Recorder out = new Recorder();
        HandshakeState state = ClientHandshake.start(config, HOST, HOST, ticket, out);
        byte[] encoded = out.sent().get(0);
        ClientHello hello = (ClientHello) HandshakeHarness.decode(encoded);
        List<ExtensionType> types = new ArrayList<>();
        hello.extensions().forEach(e -> types.add(e.type()));
        assertEquals(ExtensionType.EARLY_DATA, types.get(types.size() - 2), "early_data, then pre_shared_key");
        assertEquals(ExtensionType.PRE_SHARED_KEY, types.get(types.size() - 1));
        // RFC 8446 §D.4 and §2.3: ClientHello, the CCS, then the early keys for the 0-RTT records.
        assertTrue(out.effects.get(0) instanceof Sent);
        assertTrue(out.effects.get(1) instanceof ChangeCipherSpec);
        EarlyKeys keys = (EarlyKeys) out.effects.get(2);
        CipherSuiteParams params = CipherSuiteParams.find(ticket.cipherSuite()).orElseThrow();
        Transcript transcript = Transcript.of(CRYPTO, params.hash());
        transcript.add(encoded);
        EarlySecret early = EarlySecret.withPsk(CRYPTO, params.hash(), psk);
        TrafficSecret secret = early.clientEarlyTrafficSecret(transcript.currentHash());
        TrafficKeys expected = secret.keys(params.aead());
        assertEquals(Hex.encode(expected.key()), keys.key(), "keys from client_early_traffic_secret (§7.1)");
        assertEquals(Hex.encode(expected.iv()), keys.iv());
        assertEquals(16384, keys.maxEarlyDataSize(), "the ticket's max_early_data_size bounds what is sent");
        assertTrue(out.keyLog.get(0).startsWith("CLIENT_EARLY_TRAFFIC_SECRET " + Hex.encode(hello.random()) + " "),
                out.keyLog.get(0));
        expected.destroy();
        secret.destroy();
        early.destroy();
        state.destroy();
    }

    @Test
    void rejectedByOurServerTheHandshakeResumesAndReportsNotAccepted() throws Exception {
        ClientConfig config = earlyDataClient();
        ServerConfig server = server();
        ResumptionTicket ticket = ticket(config, server, 16384);
        Recorder clientOut = new Recorder();
        HandshakeState c = ClientHandshake.start(config, HOST, HOST, ticket, clientOut);
        Pair pair = new Pair(c, clientOut, ServerHandshake.start(server), new Recorder()).run()
                .assertConnectedWithMatchingKeys();
        assertTrue(pair.clientOut.session().resumed());
        assertFalse(pair.clientOut.session().earlyDataAccepted());
        // RFC 8446 §4.2.10: EncryptedExtensions without early_data: the early keys go, no EndOfEarlyData.
        assertEquals(1, pair.clientOut.count(EndEarlyData.class));
        assertNull(endEarlyData(pair.clientOut).endOfEarlyData());
        pair.client.destroy();
        pair.server.destroy();
    }

    @Test
    void aHelloRetryRequestRejectsTheEarlyDataAndClientHello2OffersNone() throws Exception {
        ClientConfig config = earlyDataClient();
        // The client shares x25519; this server (same ticket keys) wants P-256: HelloRetryRequest.
        ServerConfig p256 = server(s -> s.groups = List.of(NamedGroup.SECP256R1));
        ResumptionTicket ticket = ticket(config, p256, 16384);
        Recorder clientOut = new Recorder();
        HandshakeState c = ClientHandshake.start(config, HOST, HOST, ticket, clientOut);
        Pair pair = new Pair(c, clientOut, ServerHandshake.start(p256), new Recorder());
        pair.toServer();
        pair.toClient();
        // RFC 8446 §4.1.2: "Removing the "early_data" extension ... Early data is not permitted after a HRR".
        assertNull(endEarlyData(clientOut).endOfEarlyData());
        ClientHello second = (ClientHello) HandshakeHarness.decode(clientOut.sent().get(1));
        assertFalse(second.extensions().contains(ExtensionType.EARLY_DATA));
        assertEquals(1, clientOut.count(ChangeCipherSpec.class), "one CCS, right after ClientHello1");
        pair.run().assertConnectedWithMatchingKeys();
        assertTrue(pair.clientOut.session().resumed());
        assertFalse(pair.clientOut.session().earlyDataAccepted());
        assertEquals(1, clientOut.count(EndEarlyData.class));
        pair.client.destroy();
        pair.server.destroy();
    }

    @Test
    void noEarlyDataWithATicketThatAllowsNoneOrWhenNotEnabled() throws Exception {
        ClientConfig enabled = earlyDataClient();
        assertOffersNone(enabled, ticket(enabled, 0));
        ClientConfig disabled = client();
        assertOffersNone(disabled, ticket(disabled, 16384));
    }

    @Test
    void earlyDataAlsoWhenTls12IsOfferedTooAndATls12ServerHelloIsThenProtocolVersion() throws Exception {
        // RFC 8446 Appendix D.3: the TLS 1.3 ticket is the knowledge that the server speaks TLS 1.3, so 0-RTT goes
        // out with TLS 1.2 offered too; a TLS 1.2 ServerHello then fails the connection (§4.2.10) before the TLS 1.2
        // client is reached.
        ClientConfig enabled = earlyDataClient();
        ClientConfig withTls12 = enabled.toBuilder().tls12((config, host, hello, encodedHello, serverHello,
                encodedServerHello, tls12Offer) -> {
            throw new AssertionError("the TLS 1.2 client must not follow early data");
        }).build();
        Recorder out = new Recorder();
        HandshakeState state = ClientHandshake.start(withTls12, HOST, HOST, ticket(enabled, 16384), out);
        ClientHello hello = (ClientHello) HandshakeHarness.decode(out.sent().get(0));
        assertTrue(hello.extensions().contains(ExtensionType.EARLY_DATA));
        assertEquals(List.of(ProtocolVersion.TLS_1_3, ProtocolVersion.TLS_1_2), hello.extensions()
                .find(Extension.SupportedVersionsClientHello.class).orElseThrow().versions());
        assertEquals(1, out.count(EarlyKeys.class));
        byte[] random = new byte[32];
        random[0] = 1;
        dev.tls13.wire.CipherSuite tls12Suite = hello.cipherSuites().get(hello.cipherSuites().size() - 1);
        byte[] sh = HandshakeCodec.encode(new ServerHello(ProtocolVersion.TLS_1_2, random, hello.legacySessionId(),
                tls12Suite, new Extensions(List.of())));
        TlsException e = assertThrows(TlsException.class,
                () -> state.on(HandshakeHarness.decode(sh), sh, new Recorder()));
        assertEquals(AlertDescription.PROTOCOL_VERSION, e.failure().alert());
        state.destroy();
    }

    @Test
    void theTicketsAlpnIsOfferedFirstAndATicketWithAnAlpnWeDoNotOfferGetsNoEarlyData() throws Exception {
        ClientConfig h2 = client(c -> {
            c.earlyData = true;
            c.alpn = List.of("http/1.1", "h2");
        });
        HandshakeSummary session = new HandshakeSummary(dev.tls13.wire.CipherSuite.TLS_AES_128_GCM_SHA256,
                NamedGroup.X25519, null, null, "h2", HOST, List.of(), List.of(), false, false, false);
        NewSessionTicket nst = new NewSessionTicket(7200, 1, new byte[] {1}, "t".getBytes(),
                new Extensions(List.of(new Extension.MaxEarlyData(1024))));
        Recorder out = new Recorder();
        HandshakeState state = ClientHandshake.start(h2, HOST, HOST,
                ResumptionTicket.of(nst, new byte[32], session, CRYPTO.clock().millis()), out);
        ClientHello hello = (ClientHello) HandshakeHarness.decode(out.sent().get(0));
        assertEquals(List.of("h2", "http/1.1"), hello.extensions().find(Extension.Alpn.class).orElseThrow().names());
        assertTrue(hello.extensions().contains(ExtensionType.EARLY_DATA));
        EarlyKeys keys = (EarlyKeys) out.effects.get(2);
        assertEquals(1024, keys.maxEarlyDataSize());
        assertEquals("h2", keys.applicationProtocol(), "the protocol the early data is written for");
        state.destroy();

        ClientConfig other = client(c -> {
            c.earlyData = true;
            c.alpn = List.of("http/1.1");
        });
        out = new Recorder();
        state = ClientHandshake.start(other, HOST, HOST,
                ResumptionTicket.of(nst, new byte[32], session, CRYPTO.clock().millis()), out);
        hello = (ClientHello) HandshakeHarness.decode(out.sent().get(0));
        assertFalse(hello.extensions().contains(ExtensionType.EARLY_DATA));
        assertEquals(0, out.count(EarlyKeys.class));
        state.destroy();
    }

    private static void assertOffersNone(ClientConfig config, ResumptionTicket ticket) throws TlsException {
        Recorder out = new Recorder();
        HandshakeState state = ClientHandshake.start(config, HOST, HOST, ticket, out);
        ClientHello hello = (ClientHello) HandshakeHarness.decode(out.sent().get(0));
        assertTrue(hello.extensions().contains(ExtensionType.PRE_SHARED_KEY));
        assertFalse(hello.extensions().contains(ExtensionType.EARLY_DATA));
        assertEquals(0, out.count(EarlyKeys.class));
        assertEquals(0, out.count(ChangeCipherSpec.class), "the CCS waits for the second flight");
        state.destroy();
    }

    private static EndEarlyData endEarlyData(Recorder out) {
        for (Effect e : out.effects) {
            if (e instanceof EndEarlyData) {
                return (EndEarlyData) e;
            }
        }
        throw new AssertionError("no endEarlyData effect");
    }
}
