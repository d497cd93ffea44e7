package dev.tls13.negative;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tls13.error.TlsException;
import dev.tls13.negative.Duel.Profile;
import dev.tls13.negative.Duel.Unit;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.CertificateRequest;
import dev.tls13.wire.CertificateVerify;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.EncryptedExtensions;
import dev.tls13.wire.EndOfEarlyData;
import dev.tls13.wire.Extension;
import dev.tls13.wire.Extensions;
import dev.tls13.wire.Finished;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.KeyUpdate;
import dev.tls13.wire.NewSessionTicket;
import dev.tls13.wire.ServerHello;
import dev.tls13.wire.SignatureScheme;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The table of RFC 8446 §4 / docs/architecture.md §11 through the real record layer, in both roles: in every
 * state of every handshake profile (plain, client authentication, HelloRetryRequest), every handshake
 * message type the state does not accept — each TLS 1.3 type, the TLS 1.2 types §B.3 reserves,
 * message_hash and an unknown type — is sealed with the keys of that moment by the hostile peer and
 * must be answered with a fatal unexpected_message alert on the wire.
 */
class StateMatrixTest {

    private static final int CONNECTED = -1;

    @AfterAll
    static void summary() {
        Tally.print();
    }

    /** One sample of each message type: name to encoded message. */
    private static Map<String, byte[]> samples() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (Duel d = Duel.start(false, Profile.PLAIN)) {
            m.put("ClientHello", d.queue.peek().content());
        }
        m.put("ServerHello", HandshakeCodec.encode(new ServerHello(0x0303, new byte[32], new byte[0],
                CipherSuite.TLS_AES_128_GCM_SHA256, Extensions.of(new Extension.SupportedVersionsServerHello(0x0304)))));
        m.put("NewSessionTicket", HandshakeCodec.encode(
                new NewSessionTicket(60, 1, new byte[1], new byte[] {1}, Extensions.EMPTY)));
        m.put("EndOfEarlyData", HandshakeCodec.encode(new EndOfEarlyData()));
        m.put("EncryptedExtensions", HandshakeCodec.encode(new EncryptedExtensions(Extensions.EMPTY)));
        m.put("Certificate", HandshakeCodec.encode(new dev.tls13.wire.Certificate(new byte[0], List.of())));
        m.put("CertificateRequest", HandshakeCodec.encode(new CertificateRequest(new byte[0],
                Extensions.of(new Extension.SignatureAlgorithms(List.of(SignatureScheme.ECDSA_SECP256R1_SHA256))))));
        m.put("CertificateVerify", HandshakeCodec.encode(
                new CertificateVerify(SignatureScheme.ECDSA_SECP256R1_SHA256, new byte[64])));
        m.put("Finished", HandshakeCodec.encode(new Finished(new byte[32])));
        m.put("KeyUpdate", HandshakeCodec.encode(new KeyUpdate(false)));
        // Not TLS 1.3 handshake messages (RFC 8446 §B.3 reserved TLS 1.2 types, message_hash, unassigned).
        int[] others = {0, 3, 6, 12, 14, 16, 21, 22, 23, 25, 254, 99};
        String[] names = {"hello_request", "hello_verify_request", "hello_retry_request_RESERVED",
            "server_key_exchange", "server_hello_done", "client_key_exchange", "certificate_url",
            "certificate_status", "supplemental_data", "compressed_certificate", "message_hash", "unassigned_99"};
        for (int i = 0; i < others.length; i++) {
            m.put(names[i], new byte[] {(byte) others[i], 0, 0, 0});
        }
        return m;
    }

    private static int code(String name, byte[] encoded) {
        return encoded[0] & 0xFF;
    }

    /** What a state accepts, by the message it awaits (RFC 8446 §2, §4; A.1 and A.2). */
    private static Set<Integer> accepted(boolean victimIsClient, int head, int previous) {
        if (victimIsClient) {
            switch (head) {
                case CONNECTED:
                    return Set.of(4, 24);
                case 13:
                    return Set.of(13, 11);
                case 11:
                    return previous == 8 ? Set.of(11, 13) : Set.of(11);
                default:
                    return Set.of(head);
            }
        }
        return head == CONNECTED ? Set.of(24) : Set.of(head);
    }

    /** The handshake types the puppet delivers until the victim is connected, in order. */
    private static List<Integer> script(boolean victimIsClient, Profile profile) {
        List<Integer> types = new ArrayList<>();
        try (Duel d = Duel.start(victimIsClient, profile)) {
            for (int guard = 0; guard < 40 && !(d.victim.isHandshakeComplete() && d.queue.isEmpty()); guard++) {
                if (d.queue.isEmpty()) {
                    d.victimToPuppet();
                    continue;
                }
                Unit u = d.queue.peek();
                if (u.isHandshake()) {
                    types.add(u.handshakeType());
                }
                d.deliverNext();
            }
            assertEquals(true, d.victim.isHandshakeComplete());
        }
        return types;
    }

    @TestFactory
    List<DynamicTest> everyStateRejectsEveryMessageItDoesNotAcceptWithUnexpectedMessage() {
        return matrix(false, Profile.values());
    }

    /** The plain profile's states again with the Netty handler as the victim: future, event and close too. */
    @TestFactory
    List<DynamicTest> throughTheNettyHandlerEveryStateRejectsEveryMessageItDoesNotAccept() {
        return matrix(true, new Profile[] {Profile.PLAIN});
    }

    private static List<DynamicTest> matrix(boolean handler, Profile[] profiles) {
        Map<String, byte[]> samples = samples();
        List<DynamicTest> tests = new ArrayList<>();
        for (boolean victimIsClient : new boolean[] {true, false}) {
            for (Profile profile : profiles) {
                List<Integer> script = script(victimIsClient, profile);
                // Connected: after the last handshake message of the puppet (and its tickets).
                for (int k = 0; k <= script.size(); k++) {
                    int head = k < script.size() ? script.get(k) : CONNECTED;
                    int previous = k == 0 ? -1 : script.get(k - 1);
                    if (victimIsClient && head == 4) {
                        continue;
                    }
                    Set<Integer> ok = accepted(victimIsClient, head, previous);
                    for (Map.Entry<String, byte[]> sample : samples.entrySet()) {
                        if (ok.contains(code(sample.getKey(), sample.getValue()))) {
                            continue;
                        }
                        int messages = k;
                        String name = (handler ? "handler " : "") + (victimIsClient ? "client" : "server") + " " + profile + " awaiting "
                                + (head == CONNECTED ? "nothing (connected)" : "type " + head) + " <- "
                                + sample.getKey();
                        tests.add(DynamicTest.dynamicTest(name,
                                () -> inject(handler, victimIsClient, profile, messages, head, sample.getValue())));
                    }
                }
            }
        }
        return tests;
    }

    private static void inject(boolean handler, boolean victimIsClient, Profile profile, int messages, int head,
                               byte[] message) {
        try (Duel d = Duel.start(victimIsClient, profile, handler)) {
            String epoch;
            if (head == CONNECTED) {
                d.completeHandshake();
                epoch = d.lastEpoch();
            } else {
                d.advance(messages);
                Unit next = d.queue.peek();
                assertEquals(head, next.handshakeType());
                epoch = next.epoch();
            }
            boolean encrypted = d.victimHasWriteKeys();
            TlsException e = d.deliver(new Unit(22, message, epoch));
            d.assertFatalAlertOnTheWire(e, AlertDescription.UNEXPECTED_MESSAGE, encrypted);
        }
        Tally.count("unexpected_message");
    }
}
