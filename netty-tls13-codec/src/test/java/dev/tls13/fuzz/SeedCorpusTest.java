package dev.tls13.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.connection.SessionInfo;
import dev.tls13.connection.TlsConnection;
import dev.tls13.error.TlsException;
import dev.tls13.testing.Hex;
import dev.tls13.testing.Rfc8448.Step;
import dev.tls13.testing.Rfc8448.Trace;
import io.netty.buffer.ByteBuf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * The committed seed corpus of the fuzz targets is generated, and this test proves it is current:
 * it regenerates every seed (the RFC 8448 messages and records, and conversations recorded between
 * our client and server with the fuzzing providers) and compares it with the committed file. Run with
 * {@code -Dtls13.fuzz.writeSeeds=true} to rewrite the files under src/test/resources.
 */
class SeedCorpusTest {

    static final String RESOURCES = "src/test/resources/dev/tls13/fuzz/";

    @Test
    void committedSeedsAreTheGeneratedOnes() throws Exception {
        Map<String, byte[]> seeds = seeds();
        boolean write = Boolean.getBoolean("tls13.fuzz.writeSeeds");
        for (Map.Entry<String, byte[]> e : seeds.entrySet()) {
            if (write) {
                Path p = Path.of(RESOURCES + e.getKey());
                Files.createDirectories(p.getParent());
                Files.write(p, e.getValue());
                continue;
            }
            try (InputStream in = SeedCorpusTest.class.getResourceAsStream(e.getKey())) {
                assertNotNull(in, "seed " + e.getKey()
                        + " is committed (regenerate with -Dtls13.fuzz.writeSeeds=true)");
                assertArrayEquals(e.getValue(), in.readAllBytes(), "seed " + e.getKey() + " is current");
            }
        }
    }

    @Test
    void recordedConversationsCompleteEveryConfiguration() throws Exception {
        for (int c = 0; c < StateMachineTarget.CLIENT_MODES; c++) {
            for (int s = 0; s < StateMachineTarget.SERVER_MODES; s++) {
                assertTrue(StateMachineTarget.converse(c, s).completed(),
                        "client mode " + c + ", server mode " + s + ": handshake, data and close_notify both ways");
            }
        }
    }

    /** The resumption seeds: server mode, and 1 when the client sends 0-RTT data. */
    private static final int[][] RESUMED = {{32, 0}, {32, 1}, {34, 1}};

    @Test
    void resumptionSeedsResumeAndCarryAcceptedEarlyData() throws Exception {
        for (int[] resumed : RESUMED) {
            StateMachineTarget.Conversation c = StateMachineTarget.converseResumed(0, resumed[0], resumed[1] != 0);
            String what = "server mode " + resumed[0] + (resumed[1] != 0 ? " with early data" : "");
            assertTrue(c.completed(), what);
            assertTrue(c.serverSession().resumed(), what + ": the ticket opened and its binder verified");
            boolean accepted = resumed[1] != 0 && !c.serverSession().helloRetryRequest();
            assertEquals(accepted, c.serverSession().earlyDataAccepted(), what);
            assertEquals(accepted ? 18 : 0, c.earlyBytes(), what + ": the request as 0-RTT data");
        }
        // Replaying the seed to a fresh server resumes too: the fuzzer starts from an accepted ticket.
        StateMachineTarget.Conversation c = StateMachineTarget.converseResumed(0, 32, true);
        FuzzSupport.Sink sink = new FuzzSupport.Sink();
        TlsConnection server = FuzzSupport.startServer(32, sink);
        ByteBuf in = FuzzSupport.ALLOC.buffer().writeBytes(c.clientSent());
        try {
            server.receive(in);
        } finally {
            in.release();
            server.release();
        }
        assertTrue(sink.complete && sink.session.resumed() && sink.session.earlyDataAccepted(),
                "the recorded client bytes alone resume a fresh server with 0-RTT");
        assertEquals(18, sink.earlyBytes);
    }

    @Test
    void recordedTls12ConversationsComplete() throws Exception {
        for (int c = 0; c < StateMachineTarget.TLS12_CLIENT_MODES; c += 3) {
            for (int s = 0; s < StateMachineTarget.TLS12_SERVER_MODES; s += 17) {
                StateMachineTarget.Conversation conversation = StateMachineTarget.converse(c, s, true);
                assertTrue(conversation.completed(), "TLS 1.2 client mode " + c + ", server mode " + s
                        + ": handshake, data and close_notify both ways");
                assertEquals((s & 32) != 0 ? SessionInfo.PROTOCOL : SessionInfo.TLS12, conversation.protocol(),
                        "TLS 1.2 client mode " + c + ", server mode " + s);
            }
        }
    }

    /** Every seed, by resource path relative to this package. */
    static Map<String, byte[]> seeds() throws TlsException, IOException {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        // Each seed costs a leak check (several GCs) in regression mode: one seed per distinct message and
        // per trace and direction, not every combination.
        Set<String> distinctMessages = new HashSet<>();
        for (Trace trace : Trace.values()) {
            String name = "rfc8448-" + trace.name().toLowerCase(Locale.ROOT).replace('_', '-');
            for (String who : List.of("client", "server")) {
                List<byte[]> records = new ArrayList<>();
                List<byte[]> messages = new ArrayList<>();
                for (Step s : trace.steps()) {
                    if (!s.who().equals(who)) {
                        continue;
                    }
                    if (s.has("complete record")) {
                        records.add(s.bytes("complete record"));
                    }
                    if (s.step().startsWith("construct a")) {
                        for (String field : s.fields().keySet()) {
                            messages.add(s.bytes(field));
                            if (distinctMessages.add(Hex.encode(s.bytes(field)))) {
                                seeds.put("HandshakeCodecFuzzTestInputs/fuzz/" + name + "-" + who + "-"
                                        + messages.size() + "-" + field, s.bytes(field));
                            }
                        }
                    }
                }
                byte[] allRecords = concat(records);
                byte[] allMessages = concat(messages);
                if (who.equals("server")) {
                    seeds.put("DeframerFuzzTestInputs/fuzz/" + name + "-server-chunk256", prefix(255, allRecords));
                    seeds.put("HandshakeJoinerFuzzTestInputs/fuzz/" + name + "-server-fragments255",
                            fragments(allMessages, 255));
                    if (trace != Trace.COMPAT_MODE) {
                        seeds.put("ClientFuzzTestInputs/fuzz/" + name + "-server-records", prefix(0, allRecords));
                    }
                } else {
                    seeds.put("ServerFuzzTestInputs/fuzz/" + name + "-client-records", prefix(0, allRecords));
                    if (trace == Trace.SIMPLE_1RTT) {
                        seeds.put("DeframerFuzzTestInputs/fuzz/" + name + "-client-chunk7", prefix(6, allRecords));
                        seeds.put("HandshakeJoinerFuzzTestInputs/fuzz/" + name + "-client-fragments5",
                                fragments(allMessages, 5));
                    }
                }
            }
        }
        // KeyUpdate is the one message type RFC 8448 does not show.
        seeds.put("HandshakeCodecFuzzTestInputs/fuzz/key-update-requested", new byte[] {0x18, 0, 0, 1, 1});
        // Server modes: 0 plain, 1 client auth, 2 HelloRetryRequest, 6 HelloRetryRequest with cookie; the
        // client in middlebox compatibility mode against the plain server; and the client with the default
        // groups (X25519MLKEM768 and x25519 shares) against a server with the default groups (X25519MLKEM768)
        // and against the plain server (x25519).
        // With an external PSK (client mode 4): a server that does not know it (its identity tried as a ticket, then
        // a full handshake), one that accepts it, and one that accepts it after a HelloRetryRequest (binder over
        // message_hash and the HelloRetryRequest).
        int[][] pairs = {{0, 0}, {0, 1}, {0, 2}, {0, 6}, {1, 0}, {2, 8}, {2, 0}, {4, 0}, {4, 16}, {4, 18}};
        for (int[] pair : pairs) {
            StateMachineTarget.Conversation conversation = StateMachineTarget.converse(pair[0], pair[1]);
            String name = "conversation-client" + pair[0] + "-server" + pair[1];
            seeds.put("ClientFuzzTestInputs/fuzz/" + name, prefix(pair[0], conversation.serverSent()));
            seeds.put("ServerFuzzTestInputs/fuzz/" + name, prefix(pair[1], conversation.clientSent()));
        }
        // Resumption (server mode 32: a fixed ticket key, 0-RTT on): a ClientHello with a real ticket of that key
        // and a correct binder, so the server reaches ticket opening, the state's checks, binder verification and a
        // resumed handshake; the same with 0-RTT data (early keys, acceptance, EndOfEarlyData); and against server
        // mode 34, which sends a HelloRetryRequest: the early data is skipped, the ticket offered again with a binder
        // over message_hash and the HelloRetryRequest.
        for (int[] resumed : RESUMED) {
            boolean early = resumed[1] != 0;
            StateMachineTarget.Conversation conversation = StateMachineTarget.converseResumed(0, resumed[0], early);
            seeds.put("ServerFuzzTestInputs/fuzz/resumed" + (early ? "-early-data" : "") + "-client0-server"
                    + resumed[0], prefix(resumed[0], conversation.clientSent()));
        }
        // TLS 1.2 (docs/architecture.md §16), our client against a TLS 1.2-only server: plain, with a client
        // certificate (CertificateRequest, Certificate, CertificateVerify), P-256 preferred, the client offering an
        // external PSK (ignored by TLS 1.2); and one server with TLS 1.3 too, so the server target starts from a
        // ClientHello that the dispatch sends either way.
        int[][] tls12Pairs = {{0, 0}, {0, 1}, {0, 2}, {2, 0}, {4, 0}, {0, 32}};
        for (int[] pair : tls12Pairs) {
            StateMachineTarget.Conversation conversation = StateMachineTarget.converse(pair[0], pair[1], true);
            String name = "conversation-client" + pair[0] + "-server" + pair[1];
            seeds.put("Tls12ClientFuzzTestInputs/fuzz/" + name, prefix(pair[0], conversation.serverSent()));
            seeds.put("Tls12ServerFuzzTestInputs/fuzz/" + name, prefix(pair[1], conversation.clientSent()));
        }
        return seeds;
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }

    private static byte[] prefix(int first, byte[] rest) {
        byte[] out = new byte[rest.length + 1];
        out[0] = (byte) first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    /** The joiner target's format: a length byte, then that many bytes, repeated. */
    private static byte[] fragments(byte[] stream, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int off = 0; off < stream.length; off += size) {
            int n = Math.min(size, stream.length - off);
            out.write(n);
            out.write(stream, off, n);
        }
        return out.toByteArray();
    }
}
