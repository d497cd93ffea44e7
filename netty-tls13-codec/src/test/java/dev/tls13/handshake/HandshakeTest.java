package dev.tls13.handshake;

import static dev.tls13.handshake.HandshakeHarness.HOST;
import static dev.tls13.handshake.HandshakeHarness.client;
import static dev.tls13.handshake.HandshakeHarness.server;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.handshake.HandshakeHarness.Pair;
import dev.tls13.handshake.HandshakeHarness.Recorder;
import dev.tls13.handshake.HandshakeHarness.Ticket;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.ClientHello;
import dev.tls13.wire.Extension;
import dev.tls13.wire.ExtensionType;
import dev.tls13.wire.Extensions;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.NewSessionTicket;
import dev.tls13.wire.SignatureScheme;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Client and server state machines completing handshakes with each other, and what follows. */
class HandshakeTest {

    @Test
    void clientAndServerCompleteAFullHandshakeWithIdenticalKeys() throws Exception {
        Pair pair = Pair.start(client(), server()).run().assertConnectedWithMatchingKeys();
        HandshakeSummary c = pair.clientOut.session();
        HandshakeSummary s = pair.serverOut.session();
        assertEquals(CipherSuite.TLS_AES_128_GCM_SHA256, c.cipherSuite());
        assertEquals(NamedGroup.X25519, c.namedGroup());
        assertEquals(SignatureScheme.ECDSA_SECP256R1_SHA256, c.peerSignatureScheme());
        assertEquals(SignatureScheme.ECDSA_SECP256R1_SHA256, s.localSignatureScheme());
        assertEquals(s.localCertificates(), c.peerCertificates());
        assertEquals(HOST, s.serverName());
        assertFalse(c.helloRetryRequest());
        assertTrue(s.peerCertificates().isEmpty());
        // handshake keys then application keys, each direction
        assertEquals(2, pair.clientOut.keys(true).size());
        assertEquals(2, pair.clientOut.keys(false).size());
        assertEquals(1, pair.clientOut.exporters.size());
        assertEquals(1, pair.serverOut.exporters.size());
        assertArrayEquals(pair.clientOut.exporters.get(0).export("x", new byte[0], 16),
                pair.serverOut.exporters.get(0).export("x", new byte[0], 16));
    }

    @Test
    void keyLogHasTheFiveSecretsOfAFullHandshake() throws Exception {
        Pair pair = Pair.start(client(), server()).run();
        List<String> labels = pair.clientOut.keyLog.stream().map(l -> l.split(" ")[0]).toList();
        assertEquals(List.of("CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET"), labels);
        assertEquals(pair.clientOut.keyLog, pair.serverOut.keyLog);
    }

    @Test
    void keyUpdateFromTheClientWithUpdateRequestedIsAnsweredAndKeysStayInStep() throws Exception {
        Pair pair = Pair.start(client(), server()).run();
        pair.client = pair.client.initiateKeyUpdate(true, pair.clientOut);
        pair.run().assertConnectedWithMatchingKeys();
        assertEquals(3, pair.clientOut.keys(true).size());
        assertEquals(3, pair.clientOut.keys(false).size());
        assertTrue(pair.clientOut.keyLog.get(pair.clientOut.keyLog.size() - 2).startsWith("CLIENT_TRAFFIC_SECRET_1"));
    }

    @Test
    void keyUpdateFromTheServerWithoutUpdateRequestedChangesOneDirection() throws Exception {
        Pair pair = Pair.start(client(), server()).run();
        pair.server = pair.server.initiateKeyUpdate(false, pair.serverOut);
        pair.run().assertConnectedWithMatchingKeys();
        assertEquals(3, pair.serverOut.keys(true).size());
        assertEquals(2, pair.serverOut.keys(false).size());
        pair.server = pair.server.initiateKeyUpdate(true, pair.serverOut);
        pair.run().assertConnectedWithMatchingKeys();
        assertEquals(4, pair.serverOut.keys(true).size());
        assertEquals(3, pair.serverOut.keys(false).size());
    }

    @Test
    void clientAcceptsNewSessionTicketAndDerivesThePsk() throws Exception {
        Pair pair = Pair.start(client(), server()).run();
        NewSessionTicket ticket = new NewSessionTicket(7200, 12345, new byte[] {0, 1}, new byte[] {9, 9, 9},
                Extensions.EMPTY);
        byte[] encoded = HandshakeCodec.encode(ticket);
        pair.client = pair.client.on(HandshakeHarness.decode(encoded), encoded, pair.clientOut);
        assertTrue(pair.client.isConnected());
        Ticket t = (Ticket) pair.clientOut.effects.get(pair.clientOut.effects.size() - 1);
        assertArrayEquals(new byte[] {9, 9, 9}, t.ticket().ticket());
        assertEquals(32, t.psk().length);
    }

    @Test
    void clientHelloAlwaysNamesThePskKeyExchangeModesPskDheKeByDefault() throws Exception {
        Pair pair = Pair.start(client(), server());
        ClientHello hello = (ClientHello) HandshakeHarness.decode(pair.clientOut.sent().get(0));
        assertEquals(List.of(Extension.PskKeyExchangeModes.PSK_DHE_KE),
                hello.extensions().find(Extension.PskKeyExchangeModes.class).orElseThrow().modes());
        assertFalse(hello.extensions().contains(ExtensionType.PRE_SHARED_KEY), "no ticket, no PSK offer");
        pair.run().assertConnectedWithMatchingKeys();

        Pair both = Pair.start(client(c -> c.pskModes = List.of(Extension.PskKeyExchangeModes.PSK_KE,
                Extension.PskKeyExchangeModes.PSK_DHE_KE)), server());
        hello = (ClientHello) HandshakeHarness.decode(both.clientOut.sent().get(0));
        assertEquals(List.of(0, 1), hello.extensions().find(Extension.PskKeyExchangeModes.class).orElseThrow().modes());
        both.run().assertConnectedWithMatchingKeys();
    }

    @Test
    void serverRejectsNewSessionTicketAsUnexpected() throws Exception {
        Pair pair = Pair.start(client(), server()).run();
        byte[] encoded = HandshakeCodec.encode(new NewSessionTicket(1, 1, new byte[0], new byte[] {1},
                Extensions.EMPTY));
        Failures.assertUnexpected(() -> pair.server.on(HandshakeHarness.decode(encoded), encoded, pair.serverOut));
    }

    @Test
    void changeCipherSpecIsToleratedOnlyDuringTheHandshake() throws Exception {
        Pair pair = Pair.start(client(), server());
        assertTrue(pair.client.allowsChangeCipherSpec());
        assertFalse(pair.server.allowsChangeCipherSpec());
        pair.run();
        assertFalse(pair.client.allowsChangeCipherSpec());
        assertFalse(pair.server.allowsChangeCipherSpec());
    }

    @Test
    void keyUpdateBeforeTheHandshakeCompletesIsAnIllegalState() throws Exception {
        Pair pair = Pair.start(client(), server());
        assertThrows(IllegalStateException.class, () -> pair.client.initiateKeyUpdate(false, new Recorder()));
    }
}
