package dev.tls13.handshake;

import static dev.tls13.handshake.HandshakeHarness.decode;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tls13.error.TlsException;
import dev.tls13.handshake.HandshakeHarness.Pair;
import dev.tls13.testing.TestPki.KeyType;
import dev.tls13.wire.Certificate;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.CertificateRequest;
import dev.tls13.wire.CertificateVerify;
import dev.tls13.wire.ClientHello;
import dev.tls13.wire.EncryptedExtensions;
import dev.tls13.wire.EndOfEarlyData;
import dev.tls13.wire.Extension;
import dev.tls13.wire.Extensions;
import dev.tls13.wire.Finished;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.HandshakeMessage;
import dev.tls13.wire.KeyUpdate;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.NewSessionTicket;
import dev.tls13.wire.ServerHello;
import dev.tls13.wire.SignatureScheme;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The table test of docs/architecture.md §11: every state of both machines, fed every handshake message type it
 * does not accept, fails with unexpected_message.
 */
class UnexpectedMessageTest {

    private static Map<String, HandshakeMessage> samples;

    /** One sample of every TLS 1.3 handshake message type. */
    static synchronized Map<String, HandshakeMessage> samples() throws TlsException {
        if (samples == null) {
            samples = makeSamples();
        }
        return samples;
    }

    private static Map<String, HandshakeMessage> makeSamples() throws TlsException {
        Pair pair = Pair.start(HandshakeHarness.client(), HandshakeHarness.server());
        Map<String, HandshakeMessage> m = new LinkedHashMap<>();
        m.put("ClientHello", decode(pair.clientOut.sent().get(0)));
        m.put("ServerHello", new ServerHello(0x0303, new byte[32], new byte[0],
                CipherSuite.TLS_AES_128_GCM_SHA256, Extensions.of(
                        new Extension.SupportedVersionsServerHello(0x0304))));
        m.put("NewSessionTicket", new NewSessionTicket(60, 1, new byte[1], new byte[] {1}, Extensions.EMPTY));
        m.put("EndOfEarlyData", new EndOfEarlyData());
        m.put("EncryptedExtensions", new EncryptedExtensions(Extensions.EMPTY));
        m.put("Certificate", new Certificate(new byte[0], List.of()));
        m.put("CertificateRequest", new CertificateRequest(new byte[0],
                Extensions.of(new Extension.SignatureAlgorithms(List.of(SignatureScheme.ED25519)))));
        m.put("CertificateVerify", new CertificateVerify(SignatureScheme.ED25519, new byte[64]));
        m.put("Finished", new Finished(new byte[32]));
        m.put("KeyUpdate", new KeyUpdate(false));
        return m;
    }

    /** Adds a case for each message type {@code s} does not accept, named by the state's class. */
    private static void add(List<Arguments> l, Set<String> accepted, HandshakeState s) throws TlsException {
        for (Map.Entry<String, HandshakeMessage> e : samples().entrySet()) {
            if (!accepted.contains(e.getKey())) {
                String side = s.getClass().getEnclosingClass().getSimpleName();
                l.add(Arguments.of(side + "." + s.getClass().getSimpleName(), e.getKey(), s, e.getValue()));
            }
        }
    }

    private static Pair clientAuthPair() throws TlsException {
        return Pair.start(HandshakeNegotiationTest.clientWithCredentials(
                List.of(HandshakeNegotiationTest.clientCertificate(KeyType.EC_P256))),
                HandshakeNegotiationTest.serverWithClientAuth(ClientAuth.REQUIRE, false));
    }

    /**
     * The states of one client-auth handshake, in order: the client after 0..6 server messages (SH, EE,
     * CR, Certificate, CertificateVerify, Finished), then the server after 1..4 client messages (CH,
     * Certificate, CertificateVerify, Finished). A refused message leaves a state unchanged, so the
     * earlier states stay usable for this test although their transcript moved on.
     */
    private static List<HandshakeState> walk() throws TlsException {
        Pair pair = clientAuthPair();
        List<HandshakeState> clients = new ArrayList<>();
        List<HandshakeState> servers = new ArrayList<>();
        clients.add(pair.client);
        pair.toServer();
        servers.add(pair.server);
        while (pair.serverOut.delivered < pair.serverOut.sent().size()) {
            pair.toClient();
            clients.add(pair.client);
        }
        while (pair.clientOut.delivered < pair.clientOut.sent().size()) {
            pair.toServer();
            servers.add(pair.server);
        }
        clients.addAll(servers);
        return clients;
    }

    private static Pair helloRetryPair() throws TlsException {
        return Pair.start(HandshakeNegotiationTest.clientWith(HandshakeHarness.SUITES,
                List.of(NamedGroup.X25519, NamedGroup.SECP256R1), 1),
                HandshakeNegotiationTest.serverWith(HandshakeHarness.SUITES, List.of(NamedGroup.SECP256R1), false));
    }

    private static HandshakeState serverAfterHelloRetryRequest() throws TlsException {
        Pair pair = helloRetryPair();
        pair.toServer();
        return pair.server;
    }

    private static HandshakeState clientAfterHelloRetryRequest() throws TlsException {
        Pair pair = helloRetryPair();
        pair.toServer();
        pair.toClient();
        return pair.client;
    }

    private static List<Arguments> cases;

    static synchronized Stream<Arguments> cases() throws TlsException {
        if (cases == null) {
            cases = makeCases();
        }
        return cases.stream();
    }

    private static List<HandshakeState> resumedStates() throws TlsException {
        try {
            return ClientResumptionTest.resumedStates();
        } catch (TlsException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A server that accepted 0-RTT (RFC 8446 §4.2.10): only EndOfEarlyData may come next (§4.5). */
    private static HandshakeState serverExpectingEndOfEarlyData() throws TlsException {
        ServerConfig config = HandshakeHarness.server(s -> {
            s.maxEarlyData = 100;
            s.antiReplay = (key, expires) -> true;
        });
        RawClient full = new RawClient(config).handshake();
        RawClient client = new RawClient(config);
        client.offers.add(full.tickets.get(0).offer(config.crypto().clock().millis()));
        client.extra.add(new Extension.EarlyData());
        client.handshake();
        return ServerHandshake.start(config).on(HandshakeHarness.decode(client.firstHello), client.firstHello,
                new HandshakeHarness.Recorder());
    }

    private static List<Arguments> makeCases() throws TlsException {
        List<Arguments> l = new ArrayList<>();
        List<HandshakeState> walk = walk();
        add(l, Set.of("ServerHello"), walk.get(0));
        add(l, Set.of("EncryptedExtensions"), walk.get(1));
        add(l, Set.of("Certificate", "CertificateRequest"), walk.get(2));
        add(l, Set.of("Certificate"), walk.get(3));
        add(l, Set.of("CertificateVerify"), walk.get(4));
        add(l, Set.of("Finished"), walk.get(5));
        add(l, Set.of("KeyUpdate", "NewSessionTicket"), walk.get(6));
        add(l, Set.of("ServerHello"), clientAfterHelloRetryRequest());
        add(l, Set.of("ClientHello"), ServerHandshake.start(HandshakeHarness.server()));
        add(l, Set.of("ClientHello"), serverAfterHelloRetryRequest());
        add(l, Set.of("Certificate"), walk.get(7));
        add(l, Set.of("CertificateVerify"), walk.get(8));
        add(l, Set.of("Finished"), walk.get(9));
        add(l, Set.of("KeyUpdate"), walk.get(10));
        List<HandshakeState> resumed = resumedStates();
        add(l, Set.of("Finished"), resumed.get(0));
        add(l, Set.of("KeyUpdate", "NewSessionTicket"), resumed.get(1));
        add(l, Set.of("EndOfEarlyData"), serverExpectingEndOfEarlyData());
        return l;
    }

    /** One dynamic test per case: the leak-checking extension then runs once around the whole table. */
    @TestFactory
    Stream<DynamicTest> everyStateRefusesEveryMessageItDoesNotExpect() throws TlsException {
        return cases().map(a -> {
            HandshakeState state = (HandshakeState) a.get()[2];
            HandshakeMessage message = (HandshakeMessage) a.get()[3];
            byte[] encoded = HandshakeCodec.encode(message);
            return DynamicTest.dynamicTest(a.get()[0] + " refuses " + a.get()[1], () -> Failures.assertUnexpected(
                    () -> state.on(message, encoded, new HandshakeHarness.Recorder())));
        });
    }

    @Test
    void theTableCoversEveryStateOfBothMachines() throws TlsException {
        Set<String> covered = new TreeSet<>();
        cases().forEach(a -> covered.add((String) a.get()[0]));
        Set<String> all = new TreeSet<>();
        for (Class<?> side : List.of(ClientHandshake.class, ServerHandshake.class)) {
            for (Class<?> type : side.getDeclaredClasses()) {
                if (HandshakeState.class.isAssignableFrom(type) && type.isRecord()) {
                    all.add(side.getSimpleName() + "." + type.getSimpleName());
                }
            }
        }
        assertEquals(17, all.size(), all.toString());
        assertEquals(all, covered);
    }
}
