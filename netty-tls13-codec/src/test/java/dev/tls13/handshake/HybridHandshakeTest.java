package dev.tls13.handshake;

import static dev.tls13.handshake.HandshakeHarness.HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.KeyExchangeAlgorithm;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.handshake.HandshakeHarness.Pair;
import dev.tls13.handshake.HandshakeHarness.Recorder;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.ClientHello;
import dev.tls13.wire.Extension;
import dev.tls13.wire.ExtensionType;
import dev.tls13.wire.Extensions;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.HandshakeMessage;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.ServerHello;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hybrid groups in the handshake (draft-ietf-tls-ecdhe-mlkem): the defaults, every hybrid with every suite,
 * HelloRetryRequest into and out of a hybrid, and bad hybrid shares refused with illegal_parameter by both sides.
 * No other peer here has SecP256r1MLKEM768 or SecP384r1MLKEM1024, so our client against our server is their
 * proof, with the known answers of {@code HybridKeyExchangeTest} and {@code WycheproofMlKemTest}.
 */
class HybridHandshakeTest {

    static final List<NamedGroup> HYBRIDS = List.of(NamedGroup.X25519MLKEM768, NamedGroup.SECP256R1MLKEM768,
            NamedGroup.SECP384R1MLKEM1024);

    private static ClientConfig defaultClient() {
        return HandshakeHarness.client(c -> {
            c.groups = null;
            c.shares = 0;
        });
    }

    private static ServerConfig defaultServer() {
        return HandshakeHarness.server(c -> c.groups = null);
    }

    private static ClientHello firstClientHello(Pair pair) throws TlsException {
        return (ClientHello) HandshakeHarness.decode(pair.clientOut.sent().get(0));
    }

    private static List<Extension.KeyShareEntry> shares(ClientHello hello) {
        return hello.extensions().find(Extension.KeyShareClientHello.class).orElseThrow().entries();
    }

    @Test
    void byDefaultTheClientSharesX25519Mlkem768AndX25519AndListsTheHybridsFirst() throws Exception {
        Pair pair = Pair.start(defaultClient(), defaultServer()).run().assertConnectedWithMatchingKeys();
        ClientHello hello = firstClientHello(pair);
        assertEquals(ConfigDefaults.NAMED_GROUPS,
                hello.extensions().find(Extension.SupportedGroups.class).orElseThrow().groups());
        List<Extension.KeyShareEntry> shares = shares(hello);
        assertEquals(List.of(NamedGroup.X25519MLKEM768, NamedGroup.X25519),
                shares.stream().map(Extension.KeyShareEntry::group).toList());
        assertEquals(1216, shares.get(0).keyExchange().length);
        assertEquals(32, shares.get(1).keyExchange().length);
        assertEquals(NamedGroup.X25519MLKEM768, pair.clientOut.session().namedGroup());
        assertEquals(NamedGroup.X25519MLKEM768, pair.serverOut.session().namedGroup());
        assertFalse(pair.clientOut.session().helloRetryRequest());
        ServerHello sh = (ServerHello) HandshakeHarness.decode(pair.serverOut.sent().get(0));
        assertEquals(1120, sh.extensions().find(Extension.KeyShareServerHello.class).orElseThrow().entry()
                .keyExchange().length);
    }

    @Test
    void aClassicalServerTakesTheX25519ShareWithoutHelloRetryRequest() throws Exception {
        Pair pair = Pair.start(defaultClient(), HandshakeHarness.server()).run().assertConnectedWithMatchingKeys();
        assertEquals(NamedGroup.X25519, pair.clientOut.session().namedGroup());
        assertFalse(pair.clientOut.session().helloRetryRequest());
    }

    @Test
    void aClassicalClientGetsAClassicalGroupFromTheDefaultServerWithoutHelloRetryRequest() throws Exception {
        Pair pair = Pair.start(HandshakeHarness.client(), defaultServer()).run().assertConnectedWithMatchingKeys();
        assertEquals(NamedGroup.X25519, pair.serverOut.session().namedGroup());
        assertFalse(pair.serverOut.session().helloRetryRequest());
    }

    @Test
    void theServerPrefersAHybridByItsOwnOrderAndThatOrderIsConfigurable() throws Exception {
        ClientConfig client = HandshakeHarness.client(c -> {
            c.groups = List.of(NamedGroup.X25519, NamedGroup.SECP256R1MLKEM768, NamedGroup.X25519MLKEM768);
            c.shares = 3;
        });
        Pair hybrid = Pair.start(client, defaultServer()).run().assertConnectedWithMatchingKeys();
        assertEquals(NamedGroup.X25519MLKEM768, hybrid.serverOut.session().namedGroup());
        Pair classical = Pair.start(client, HandshakeHarness.server(c -> c.groups = List.of(NamedGroup.X25519,
                NamedGroup.X25519MLKEM768))).run().assertConnectedWithMatchingKeys();
        assertEquals(NamedGroup.X25519, classical.serverOut.session().namedGroup());
    }

    /** Every hybrid with every suite, our client against our server (both roles are ours). */
    @TestFactory
    Stream<DynamicTest> everyHybridWithEverySuite() {
        List<DynamicTest> tests = new ArrayList<>();
        for (CipherSuite suite : HandshakeNegotiationTest.ALL_SUITES) {
            for (NamedGroup group : HYBRIDS) {
                tests.add(DynamicTest.dynamicTest(suite + " with " + group, () -> {
                    Pair pair = Pair.start(HandshakeNegotiationTest.clientWith(List.of(suite), List.of(group), 1),
                            HandshakeHarness.server(c -> {
                                c.suites = HandshakeNegotiationTest.ALL_SUITES;
                                c.groups = null;
                            })).run().assertConnectedWithMatchingKeys();
                    assertEquals(suite, pair.serverOut.session().cipherSuite());
                    assertEquals(group, pair.clientOut.session().namedGroup());
                    assertEquals(group, pair.serverOut.session().namedGroup());
                    assertFalse(pair.clientOut.session().helloRetryRequest());
                }));
            }
        }
        return tests.stream();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void helloRetryRequestIntoEachHybrid(boolean cookie) throws Exception {
        for (NamedGroup group : HYBRIDS) {
            // The client shares x25519 only; the server wants the hybrid and asks for it.
            Pair pair = Pair.start(HandshakeHarness.client(c -> {
                c.groups = List.of(NamedGroup.X25519, group);
                c.shares = 1;
            }), HandshakeHarness.server(c -> {
                c.groups = List.of(group, NamedGroup.X25519);
                c.cookie = cookie;
            })).run().assertConnectedWithMatchingKeys();
            assertTrue(pair.clientOut.session().helloRetryRequest(), group.toString());
            assertTrue(pair.serverOut.session().helloRetryRequest(), group.toString());
            assertEquals(group, pair.clientOut.session().namedGroup());
            ClientHello second = (ClientHello) HandshakeHarness.decode(pair.clientOut.sent().get(1));
            assertEquals(List.of(group), shares(second).stream().map(Extension.KeyShareEntry::group).toList());
            assertEquals(KeyExchangeAlgorithm.valueOf(group.toString().toUpperCase()).clientShareLength(),
                    shares(second).get(0).keyExchange().length);
        }
    }

    @Test
    void helloRetryRequestOutOfAHybridToAClassicalGroup() throws Exception {
        Pair pair = Pair.start(HandshakeHarness.client(c -> {
            c.groups = List.of(NamedGroup.SECP384R1MLKEM1024, NamedGroup.SECP256R1);
            c.shares = 1;
        }), HandshakeHarness.server(c -> c.groups = List.of(NamedGroup.SECP256R1))).run()
                .assertConnectedWithMatchingKeys();
        assertTrue(pair.clientOut.session().helloRetryRequest());
        assertEquals(NamedGroup.SECP256R1, pair.clientOut.session().namedGroup());
    }

    // ------------------------------------------------------------------ bad hybrid shares

    private static void assertIllegalShare(PeerMisbehaved reason, Executable step) {
        TlsFailure f = Failures.failure(step);
        assertInstanceOf(TlsFailure.Misbehaved.class, f, f.toString());
        assertEquals(reason, ((TlsFailure.Misbehaved) f).reason(), f.toString());
        assertEquals(AlertDescription.ILLEGAL_PARAMETER, f.alert());
    }

    /** The default ClientHello with its X25519MLKEM768 share changed, given to a default server. */
    private static void serverGets(UnaryOperator<byte[]> change) throws TlsException {
        Recorder out = new Recorder();
        ClientHandshake.start(defaultClient(), HOST, HOST, out);
        ClientHello ch = (ClientHello) HandshakeHarness.decode(out.sent().get(0));
        List<Extension.KeyShareEntry> entries = new ArrayList<>();
        for (Extension.KeyShareEntry e : shares(ch)) {
            entries.add(e.group().equals(NamedGroup.X25519MLKEM768)
                    ? new Extension.KeyShareEntry(e.group(), change.apply(e.keyExchange().clone())) : e);
        }
        List<Extension> extensions = new ArrayList<>();
        for (Extension e : ch.extensions()) {
            extensions.add(e.type().equals(ExtensionType.KEY_SHARE) ? new Extension.KeyShareClientHello(entries) : e);
        }
        byte[] m = HandshakeCodec.encode(new ClientHello(ch.legacyVersion(), ch.random(), ch.legacySessionId(),
                ch.cipherSuites(), new Extensions(extensions)));
        ServerHandshake.start(defaultServer()).on(HandshakeHarness.decode(m), m, new Recorder());
    }

    @Test
    void theServerRefusesAHybridShareOfTheWrongLength() {
        assertIllegalShare(PeerMisbehaved.INVALID_KEY_SHARE, () -> serverGets(s -> Arrays.copyOf(s, 1215)));
        assertIllegalShare(PeerMisbehaved.INVALID_KEY_SHARE, () -> serverGets(s -> Arrays.copyOf(s, 1217)));
    }

    @Test
    void theServerRefusesAnEncapsulationKeyFailingTheModulusCheck() {
        assertIllegalShare(PeerMisbehaved.INVALID_KEY_SHARE, () -> serverGets(s -> {
            s[0] = (byte) 0xFF;
            s[1] |= 0x0F;
            return s;
        }));
    }

    @Test
    void theServerRefusesAnAllZeroX25519Part() {
        assertIllegalShare(PeerMisbehaved.ZERO_SHARED_SECRET, () -> serverGets(s -> {
            Arrays.fill(s, 1184, 1216, (byte) 0);
            return s;
        }));
    }

    /** A default pair whose server has answered; its ServerHello's share is changed before the client sees it. */
    private static void clientGets(NamedGroup group, UnaryOperator<byte[]> change) throws TlsException {
        Pair pair = Pair.start(HandshakeHarness.client(c -> {
            c.groups = List.of(group);
            c.shares = 1;
        }), defaultServer());
        pair.toServer();
        byte[] m = pair.pendingFromServer().get(0);
        ServerHello sh = (ServerHello) HandshakeHarness.decode(m);
        Extension.KeyShareEntry entry = sh.extensions().find(Extension.KeyShareServerHello.class).orElseThrow().entry();
        List<Extension> extensions = new ArrayList<>();
        for (Extension e : sh.extensions()) {
            extensions.add(e.type().equals(ExtensionType.KEY_SHARE) ? new Extension.KeyShareServerHello(
                    new Extension.KeyShareEntry(group, change.apply(entry.keyExchange().clone()))) : e);
        }
        byte[] changed = HandshakeCodec.encode(new ServerHello(sh.legacyVersion(), sh.random(),
                sh.legacySessionIdEcho(), sh.cipherSuite(), new Extensions(extensions)));
        HandshakeMessage decoded = HandshakeHarness.decode(changed);
        pair.client = pair.client.on(decoded, changed, pair.clientOut);
    }

    @Test
    void theClientRefusesAHybridShareOfTheWrongLength() {
        for (NamedGroup group : HYBRIDS) {
            assertIllegalShare(PeerMisbehaved.INVALID_KEY_SHARE,
                    () -> clientGets(group, s -> Arrays.copyOf(s, s.length - 1)));
            assertIllegalShare(PeerMisbehaved.INVALID_KEY_SHARE,
                    () -> clientGets(group, s -> Arrays.copyOf(s, s.length + 1)));
        }
    }

    @Test
    void theClientRefusesAnInvalidEcdhPart() {
        assertIllegalShare(PeerMisbehaved.ZERO_SHARED_SECRET, () -> clientGets(NamedGroup.X25519MLKEM768, s -> {
            Arrays.fill(s, 1088, 1120, (byte) 0);
            return s;
        }));
        for (NamedGroup group : List.of(NamedGroup.SECP256R1MLKEM768, NamedGroup.SECP384R1MLKEM1024)) {
            assertIllegalShare(PeerMisbehaved.INVALID_KEY_SHARE, () -> clientGets(group, s -> {
                s[5] ^= 1;
                return s;
            }));
        }
    }

    @Test
    void aTamperedCiphertextIsNoIllegalParameterButTheHandshakeFails() {
        TlsFailure f = Failures.failure(() -> {
            Pair pair = Pair.start(defaultClient(), defaultServer());
            pair.toServer();
            List<byte[]> pending = pair.pendingFromServer();
            for (int i = 0; i < pending.size(); i++) {
                byte[] m = pending.get(i);
                if (i == 0) {
                    ServerHello sh = (ServerHello) HandshakeHarness.decode(m);
                    Extension.KeyShareEntry entry = sh.extensions().find(Extension.KeyShareServerHello.class)
                            .orElseThrow().entry();
                    byte[] share = entry.keyExchange().clone();
                    share[10] ^= 1;
                    Extension.KeyShareServerHello changed = new Extension.KeyShareServerHello(
                            new Extension.KeyShareEntry(entry.group(), share));
                    m = HandshakeCodec.encode(new ServerHello(sh.legacyVersion(), sh.random(),
                            sh.legacySessionIdEcho(), sh.cipherSuite(), Extensions.of(changed,
                                    sh.extensions().find(Extension.SupportedVersionsServerHello.class).orElseThrow())));
                }
                pair.client = pair.client.on(HandshakeHarness.decode(m), m, pair.clientOut);
            }
        });
        // ML-KEM's implicit rejection gives the client another secret (FIPS 203 §7.3) instead of an error, so the
        // share is not refused as illegal_parameter; the handshake fails at the server's authentication
        // (decrypt_error here, where messages travel in the clear; bad_record_mac on the first encrypted record
        // in the record layer).
        assertEquals(AlertDescription.DECRYPT_ERROR, f.alert(), f.toString());
    }
}
