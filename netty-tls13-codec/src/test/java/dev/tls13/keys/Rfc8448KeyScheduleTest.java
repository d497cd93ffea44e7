package dev.tls13.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.testing.Rfc8448;
import dev.tls13.testing.Rfc8448.Trace;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The key schedule and transcript against the five RFC 8448 traces, byte for byte. The walk itself
 * lives in {@link Rfc8448Replay}; these tests also pin how many values of each kind were compared, so a
 * trace that stopped matching the walker's patterns cannot pass by checking nothing.
 */
class Rfc8448KeyScheduleTest {

    @Test
    void simpleOneRttHandshakeMatchesSection3ByteForByte() {
        Rfc8448Replay replay = Rfc8448Replay.run(Trace.SIMPLE_1RTT, null);
        Map<String, Integer> expected = fullHandshake();
        // ClientHello, ServerHello, EncryptedExtensions, Certificate, CertificateVerify, Finished x2,
        // then the NewSessionTicket (outside the transcript) with its nonce and PSK.
        expected.put("message", 8);
        expected.put("ticket nonce", 1);
        expected.put("ticket psk", 1);
        assertEquals(expected, replay.checks);
        assertFalse(replay.sawHelloRetryRequest());
    }

    @Test
    void resumptionPskFromSection3TicketNonceIsSection4sPsk() {
        byte[] psk = Rfc8448Replay.run(Trace.SIMPLE_1RTT, null).resumptionPsk;
        assertArrayEquals(Rfc8448.one(Trace.SIMPLE_1RTT, "server", "generate resumption secret").bytes("expanded"),
                psk);
        assertArrayEquals(Rfc8448.one(Trace.RESUMED_0RTT, "client", "extract secret \"early\"").bytes("IKM"), psk);
    }

    @Test
    void resumedZeroRttHandshakeMatchesSection4WithBinderEarlySecretsAndEndOfEarlyData() {
        byte[] psk = Rfc8448Replay.run(Trace.SIMPLE_1RTT, null).resumptionPsk;
        Rfc8448Replay replay = Rfc8448Replay.run(Trace.RESUMED_0RTT, psk);
        Map<String, Integer> expected = fullHandshake();
        expected.put("binder", 1);
        expected.put("binder in ClientHello", 1);
        expected.put("c e traffic", 1);
        expected.put("e exp master", 1);
        // ClientHello, ServerHello, EncryptedExtensions, server Finished, EndOfEarlyData, client Finished.
        expected.put("message", 6);
        // The four of a full handshake plus the client's early data write keys.
        expected.put("traffic keys", 5);
        // The six of a full handshake plus c e traffic and e exp master over the whole ClientHello.
        expected.put("transcript hash", 8);
        assertEquals(expected, replay.checks);
    }

    @Test
    void helloRetryRequestReplacesClientHello1WithMessageHashAsInSection5() {
        Rfc8448Replay replay = Rfc8448Replay.run(Trace.HELLO_RETRY_REQUEST, null);
        Map<String, Integer> expected = fullHandshake();
        expected.put("hello retry request", 1);
        // ClientHello1, HelloRetryRequest, ClientHello2, ServerHello, EE, Certificate, CV, Finished x2.
        expected.put("message", 9);
        assertEquals(expected, replay.checks);
        assertTrue(replay.sawHelloRetryRequest());
    }

    @Test
    void clientAuthenticationTranscriptMatchesSection6() {
        Rfc8448Replay replay = Rfc8448Replay.run(Trace.CLIENT_AUTH, null);
        Map<String, Integer> expected = fullHandshake();
        // ClientHello, ServerHello, EE, CertificateRequest, Certificate, CertificateVerify, Finished,
        // then the client's Certificate, CertificateVerify and Finished.
        expected.put("message", 10);
        assertEquals(expected, replay.checks);
    }

    @Test
    void compatibilityModeTranscriptLeavesOutChangeCipherSpecAsInSection7() {
        Rfc8448Replay replay = Rfc8448Replay.run(Trace.COMPAT_MODE, null);
        Map<String, Integer> expected = fullHandshake();
        expected.put("message", 7);
        assertEquals(expected, replay.checks);
    }

    /** The checks every (EC)DHE handshake of RFC 8448 prints, client and server side together. */
    private static Map<String, Integer> fullHandshake() {
        Map<String, Integer> m = new TreeMap<>();
        m.put("early secret", 1);
        // "derived" before the handshake secret (printed by server and client) and before the master secret.
        m.put("derived secret", 3);
        m.put("handshake secret", 1);
        m.put("master secret", 1);
        for (String label : new String[] {"c hs traffic", "s hs traffic", "c ap traffic", "s ap traffic",
                "exp master", "res master"}) {
            m.put(label, 1);
        }
        // One transcript hash per Derive-Secret above.
        m.put("transcript hash", 6);
        // Server handshake write, server application write, client handshake write (printed as the server's
        // handshake read keys), client application write.
        m.put("traffic keys", 4);
        // Server Finished and client Finished: finished_key and verify_data each.
        m.put("finished", 2);
        return m;
    }
}
