package dev.tls13.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tls13.Tls13Context;
import dev.tls13.Tls13ContextBuilder;
import dev.tls13.interop.NettySide.Options;
import dev.tls13.interop.NettySide.Peer;
import dev.tls13.netty.Tls13Handler;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.KeyType;
import io.netty.channel.Channel;
import io.netty.handler.ssl.OpenSsl;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * In-process interop over real loopback TCP: our {@link Tls13Handler} against Netty's {@code SslHandler} with
 * the JDK's engine and with BoringSSL, in both directions, over every cipher suite × group × server
 * certificate each peer supports (BoringSSL's X25519MLKEM768 included), plus both ends' default settings
 * (which group, whether a HelloRetryRequest), the post-quantum hybrid forced and reached through a
 * HelloRetryRequest, ALPN, SNI, HelloRetryRequest, KeyUpdate and a 1 MiB echo.
 *
 * <p>Every combination is one connection; each is checked on both ends (protocol and suite from the peer's
 * {@code SSLSession}; suite, group, signature scheme and HelloRetryRequest from our {@code session()}) and
 * by echoing random data. All combinations run even when some fail, so one run shows the whole matrix: it
 * is printed, written to {@code target/interop-matrix.md} ({@code interop-matrix-jca.md} when our end takes every
 * primitive from the JCA, the second run), and the test fails if any combination failed.
 *
 * <p>Where BoringSSL ignores configuration (its TLS 1.3 suites), the combination is forced from our side:
 * our client offers only that suite, or our server accepts only it. The JDK 17 engine cannot restrict its
 * groups and shares x25519 and secp256r1 (one key share per kind of group), so a JDK client against our
 * server restricted to another group goes through a HelloRetryRequest, which the combination asserts.
 */
class InteropMatrixTest {

    private static final String HOST = "interop.test";
    private static final List<String> SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");
    private static final Map<Peer, List<String>> GROUPS = new EnumMap<>(Map.of(
            Peer.JDK, List.of("x25519", "secp256r1", "secp384r1", "secp521r1", "x448"),
            // BoringSSL has no x448 (PeerBaselineTest.boringSslHasNoX448); of the hybrids of
            // draft-ietf-tls-ecdhe-mlkem it has X25519MLKEM768 only (PeerBaselineTest).
            Peer.BORINGSSL, List.of("x25519", "secp256r1", "secp384r1", "secp521r1", "X25519MLKEM768")));
    private static final Map<Peer, List<KeyType>> CERTIFICATES = new EnumMap<>(Map.of(
            Peer.JDK, List.of(KeyType.RSA_2048, KeyType.EC_P256, KeyType.EC_P384, KeyType.ED25519),
            // tcnative can neither serve nor (by default) accept Ed25519 (PeerBaselineTest).
            Peer.BORINGSSL, List.of(KeyType.RSA_2048, KeyType.EC_P256, KeyType.EC_P384)));
    private static final int SMALL_ECHO = 20_000;
    private static final int ONE_MIB = 1 << 20;
    private static final int KEY_UPDATE_RECORD_MAX = 38;

    private final Map<KeyType, TestPki.Issued> leaves = new EnumMap<>(KeyType.class);
    private final X509Certificate anchor = TestPki.ca(KeyType.EC_P256).certificate();
    private final Random random = new Random(0x7153);

    /** Which end of the connection is ours. */
    private enum Direction {
        OUR_CLIENT, OUR_SERVER;

        String describe(Peer peer) {
            return this == OUR_CLIENT ? "our client -> " + peer + " server" : peer + " client -> our server";
        }
    }

    /** One row of the result table. */
    private record Row(Peer peer, Direction direction, String kind, String suite, String group, String certificate,
                       boolean passed, String detail) {
    }

    /** The body of one combination; returns a short note for the table. */
    private interface Body {
        String run() throws Exception;
    }

    /** Our crypto: the default provider, or every primitive from the JCA ({@code jcaProvidersOnly()}). */
    enum Crypto { DEFAULT, JCA }

    private Crypto crypto = Crypto.DEFAULT;

    /** Whether our end offers the hybrid groups: not in the JCA-only mode, whose JCA has no ML-KEM. */
    private boolean offersHybrids() {
        return crypto == Crypto.DEFAULT;
    }

    @ParameterizedTest(name = "our crypto: {0}")
    @EnumSource(Crypto.class)
    void interoperatesWithJdkAndBoringSslInEveryCombinationBothWays(Crypto crypto) throws IOException {
        this.crypto = crypto;
        assertTrue(OpenSsl.isAvailable(), () -> "BoringSSL unavailable: " + OpenSsl.unavailabilityCause());
        List<Row> rows = new ArrayList<>();
        try (Loopback loopback = new Loopback()) {
            for (Peer peer : Peer.values()) {
                for (Direction direction : Direction.values()) {
                    for (String suite : SUITES) {
                        for (String group : GROUPS.get(peer)) {
                            if (!offersHybrids() && group.contains("MLKEM")) {
                                // The JCA-only mode has no ML-KEM (JDK 17's JCA lacks it): it refuses the
                                // hybrids by configuration (CryptoModeOptionTest), so there is no such row.
                                continue;
                            }
                            for (KeyType certificate : CERTIFICATES.get(peer)) {
                                rows.add(matrix(loopback, peer, direction, suite, group, certificate));
                            }
                        }
                    }
                    rows.add(defaults(loopback, peer, direction));
                    if (peer == Peer.BORINGSSL && offersHybrids()) {
                        rows.add(hybridForced(loopback, direction));
                        rows.add(helloRetryRequestIntoTheHybrid(loopback, direction));
                    }
                    rows.add(alpn(loopback, peer, direction));
                    rows.add(sni(loopback, peer, direction));
                    rows.add(helloRetryRequest(loopback, peer, direction));
                    rows.add(keyUpdate(loopback, peer, direction));
                    if (peer == Peer.JDK) {
                        rows.add(peerInitiatedKeyUpdate(loopback, direction));
                    }
                    rows.add(bigEcho(loopback, peer, direction));
                }
            }
        }
        report(rows, crypto);
    }

    // ---- the combinations ----

    private Row matrix(Loopback loopback, Peer peer, Direction direction, String suite, String group,
                       KeyType certificate) {
        return run(peer, direction, "handshake+echo", suite, group, certificate.name(), () -> {
            TlsSide server;
            TlsSide client;
            if (direction == Direction.OUR_CLIENT) {
                server = NettySide.server(peer, leaf(certificate), jdkSuite(peer, suite));
                client = ours(Tls13Context.forClient().trustManager(anchor).cipherSuites(suite).namedGroups(group));
            } else {
                server = ours(Tls13Context.forServer(leaf(certificate).privateKey(), chain(certificate))
                        .cipherSuites(suite).namedGroups(group));
                client = NettySide.client(peer, anchor,
                        peer == Peer.JDK ? new Options().ciphers(suite) : new Options().groups(group));
            }
            // The JDK 17 client shares x25519 and secp256r1 only; restricted to another group, our server must ask.
            boolean hrr = direction == Direction.OUR_SERVER && peer == Peer.JDK
                    && !group.equals("x25519") && !group.equals("secp256r1");
            try (Loopback.Connection connection = loopback.connect(server, client, HOST)) {
                Negotiated[] both = checkedHandshakes(connection, direction, suite);
                Negotiated ours = ours(both, direction);
                assertEquals(group, ours.group(), "group");
                assertEquals(hrr, ours.helloRetryRequest(), "HelloRetryRequest");
                assertSchemeFits(certificate, ours.scheme());
                echo(connection, SMALL_ECHO);
                return ours.scheme() + (hrr ? ", via HRR" : "");
            }
        });
    }

    /**
     * Both ends as shipped. Our client shares X25519MLKEM768 and x25519 and lists the hybrids first; our server
     * prefers a hybrid. BoringSSL (Netty 4.2.18's default) shares X25519MLKEM768 and x25519 too, so the two
     * agree on the hybrid; the JDK has no hybrid and takes x25519. Neither needs a HelloRetryRequest.
     */
    private Row defaults(Loopback loopback, Peer peer, Direction direction) {
        String expected = peer == Peer.BORINGSSL && offersHybrids() ? "X25519MLKEM768" : "x25519";
        boolean hybridShare = direction == Direction.OUR_CLIENT ? offersHybrids() : peer == Peer.BORINGSSL;
        return run(peer, direction, "defaults", "default", expected, "EC_P256", () -> {
            try (Loopback.Connection connection = connect(loopback, peer, direction, b -> b, new Options())) {
                Negotiated ours = ours(checkedHandshakes(connection, direction, null), direction);
                assertEquals(expected, ours.group(), "group");
                assertEquals(Boolean.FALSE, ours.helloRetryRequest(), "HelloRetryRequest");
                int clientHello = connection.tap().firstLength(RecordTap.Way.OUT);
                if (hybridShare) {
                    // 1216 bytes of X25519MLKEM768 share, 32 of x25519, the rest of the ClientHello.
                    assertTrue(clientHello > 1216 + 32 + 100, "a ClientHello with the hybrid share: " + clientHello);
                }
                echo(connection, SMALL_ECHO);
                return ours.group() + ", no HRR, ClientHello record " + clientHello + " bytes";
            }
        });
    }

    /**
     * X25519MLKEM768 with BoringSSL restricted to it ({@code OpenSslContextOption.GROUPS}): its server against our
     * default client (our first share is the hybrid, so no HelloRetryRequest), its client (sharing only the
     * hybrid) against our default server.
     */
    private Row hybridForced(Loopback loopback, Direction direction) {
        return run(Peer.BORINGSSL, direction, "hybrid only", "default", "X25519MLKEM768", "EC_P256", () -> {
            try (Loopback.Connection connection = connect(loopback, Peer.BORINGSSL, direction, b -> b,
                    new Options().groups("X25519MLKEM768"))) {
                Negotiated ours = ours(checkedHandshakes(connection, direction, null), direction);
                assertEquals("X25519MLKEM768", ours.group(), "group");
                assertEquals(Boolean.FALSE, ours.helloRetryRequest(), "HelloRetryRequest");
                echo(connection, SMALL_ECHO);
                return "BoringSSL restricted to X25519MLKEM768";
            }
        });
    }

    /**
     * A HelloRetryRequest into X25519MLKEM768, asked of our client: it shares x25519 only and BoringSSL's server
     * accepts only the hybrid. The other way round cannot be arranged: BoringSSL's client sends an
     * X25519MLKEM768 share whenever it lists the group, even after x25519 (a 1413-byte ClientHello), so that row
     * checks instead that our server's preference picks the hybrid over the x25519 the client listed first,
     * without a HelloRetryRequest. Our server's HelloRetryRequest into a hybrid is proven against our client
     * ({@code HybridHandshakeTest}).
     */
    private Row helloRetryRequestIntoTheHybrid(Loopback loopback, Direction direction) {
        boolean ourClient = direction == Direction.OUR_CLIENT;
        return run(Peer.BORINGSSL, direction, ourClient ? "HelloRetryRequest" : "server preference", "default",
                ourClient ? "x25519 -> X25519MLKEM768" : "x25519, X25519MLKEM768", "EC_P256", () -> {
                    Customizer customizer = ourClient ? b -> b.namedGroups("x25519", "X25519MLKEM768").keyShares(1)
                            : b -> b;
                    Options theirs = ourClient ? new Options().groups("X25519MLKEM768")
                            : new Options().groups("x25519", "X25519MLKEM768");
                    try (Loopback.Connection connection = connect(loopback, Peer.BORINGSSL, direction, customizer,
                            theirs)) {
                        Negotiated ours = ours(checkedHandshakes(connection, direction, null), direction);
                        assertEquals(ourClient, ours.helloRetryRequest(), "HelloRetryRequest");
                        assertEquals("X25519MLKEM768", ours.group(), "group");
                        echo(connection, SMALL_ECHO);
                        return ourClient ? "retried with " + ours.group()
                                : "our server chose " + ours.group() + " over the x25519 listed first, no HRR";
                    }
                });
    }

    private Row alpn(Loopback loopback, Peer peer, Direction direction) {
        return run(peer, direction, "ALPN", "default", "default", "EC_P256", () -> {
            try (Loopback.Connection connection = connect(loopback, peer, direction,
                    b -> b.applicationProtocols("h2", "http/1.1"), new Options().alpn("h2", "http/1.1"))) {
                Negotiated[] both = checkedHandshakes(connection, direction, null);
                assertEquals("h2", both[0].applicationProtocol(), "client's ALPN");
                assertEquals("h2", both[1].applicationProtocol(), "server's ALPN");
                echo(connection, SMALL_ECHO);
                return "h2 on both ends";
            }
        });
    }

    private Row sni(Loopback loopback, Peer peer, Direction direction) {
        return run(peer, direction, "SNI", "default", "default", "EC_P256", () -> {
            try (Loopback.Connection connection = connect(loopback, peer, direction, b -> b, new Options())) {
                Negotiated[] both = checkedHandshakes(connection, direction, null);
                assertEquals(HOST, both[1].serverName(), "the name the server received");
                echo(connection, SMALL_ECHO);
                return "server saw " + both[1].serverName();
            }
        });
    }

    private Row helloRetryRequest(Loopback loopback, Peer peer, Direction direction) {
        return run(peer, direction, "HelloRetryRequest", "default", "x25519 -> secp384r1", "EC_P256", () -> {
            Options theirs;
            Customizer customizer;
            if (direction == Direction.OUR_CLIENT) {
                // We share only x25519 (first); the server does not accept it and asks for secp384r1.
                customizer = b -> b.namedGroups("x25519", "secp384r1").keyShares(1);
                theirs = peer == Peer.JDK ? new Options().denyGroups("x25519") : new Options().groups("secp384r1");
            } else {
                // Their client shares x25519 (the JDK also secp256r1); our server prefers secp384r1, which the
                // client offered but did not share.
                customizer = b -> b.namedGroups("secp384r1", "x25519");
                theirs = peer == Peer.JDK ? new Options() : new Options().groups("x25519", "secp384r1");
            }
            try (Loopback.Connection connection = connect(loopback, peer, direction, customizer, theirs)) {
                Negotiated ours = ours(checkedHandshakes(connection, direction, null), direction);
                assertEquals(Boolean.TRUE, ours.helloRetryRequest(), "HelloRetryRequest");
                assertEquals("secp384r1", ours.group(), "group after the retry");
                echo(connection, SMALL_ECHO);
                return "retried with " + ours.group();
            }
        });
    }

    private Row keyUpdate(Loopback loopback, Peer peer, Direction direction) {
        return run(peer, direction, "KeyUpdate", "default", "default", "EC_P256", () -> {
            try (Loopback.Connection connection = connect(loopback, peer, direction, b -> b, new Options())) {
                checkedHandshakes(connection, direction, null);
                boolean ourClient = direction == Direction.OUR_CLIENT;
                Channel ourChannel = ourClient ? connection.client() : connection.serverChild();
                Tls13Handler handler = ourChannel.pipeline().get(Tls13Handler.class);
                RecordTap.Way fromUs = ourClient ? RecordTap.Way.OUT : RecordTap.Way.IN;
                RecordTap.Way fromPeer = ourClient ? RecordTap.Way.IN : RecordTap.Way.OUT;
                echo(connection, 1000);
                int mark = connection.tap().mark();
                // update_requested: the peer must answer with its own KeyUpdate, so the echo that follows is
                // sealed by the peer under its new keys and by us under ours (RFC 8446 §4.6.3).
                connection.await(handler.updateKeys(true), "KeyUpdate(update_requested)");
                echo(connection, 70_000);
                connection.await(handler.updateKeys(false), "KeyUpdate(update_not_requested)");
                echo(connection, 70_000);
                connection.await(handler.updateKeys(true), "second KeyUpdate(update_requested)");
                // The answer is due before the peer's next application data (RFC 8446 §4.6.3), and BoringSSL
                // sends it only then: the first echo proves the peer has read our KeyUpdate, the second one
                // makes it write after that.
                echo(connection, 1000);
                echo(connection, 1000);
                // On the wire a KeyUpdate is the only protected record this small (5 bytes of message, its type
                // and the tag: 22 bytes, 38 with the JDK's 16 bytes of padding); echoed data never is.
                assertEquals(3, connection.tap().countSince(mark, fromUs, KEY_UPDATE_RECORD_MAX),
                        "our KeyUpdate records: " + connection.tap().transcript());
                assertEquals(2, connection.tap().countSince(mark, fromPeer, KEY_UPDATE_RECORD_MAX),
                        "the peer's answers to update_requested: " + connection.tap().transcript());
                return "ours sent 3 (2 update_requested), " + peer + " answered 2" + (peer == Peer.JDK
                        ? "; for the JDK's own see 'KeyUpdate by peer'" : "; tcnative has no API to initiate one");
            }
        });
    }

    /**
     * The JDK updates its keys on its own only after {@code jdk.tls.keyLimits} bytes, read once per JVM, so
     * this JDK end runs in a child JVM ({@link JdkKeyUpdatePeer}, every 64 KiB) and echoes 1 MiB with us. The
     * JDK client sends 16 KiB requests and reads each echo before the next (a client streaming 1 MiB while
     * it reads sends bursts of KeyUpdates: see KeyUpdateFloodRegressionTest).
     */
    private Row peerInitiatedKeyUpdate(Loopback loopback, Direction direction) {
        return run(Peer.JDK, direction, "KeyUpdate by peer", "default", "default", "EC_P256", () -> {
            RecordTap tap;
            RecordTap.Way fromPeer;
            String suite;
            if (direction == Direction.OUR_CLIENT) {
                try (JdkProcess server = JdkProcess.server(leaf(KeyType.EC_P256))) {
                    int port = server.port();
                    try (Loopback.Connection connection = loopback.dial(port,
                            ours(Tls13Context.forClient().trustManager(anchor)), HOST, null)) {
                        Negotiated ours = connection.clientHandshake();
                        echo(connection, ONE_MIB);
                        suite = ours.cipherSuite();
                        tap = connection.tap();
                    }
                    assertEquals(suite, server.awaitLine("SUITE "), "the JDK server's suite");
                    assertEquals(0, server.awaitExit(), "the JDK server's exit status; output: " + server.output());
                }
                fromPeer = RecordTap.Way.IN;
            } else {
                try (Loopback.Server server = loopback.listen(ours(Tls13Context.forServer(
                        leaf(KeyType.EC_P256).privateKey(), chain(KeyType.EC_P256))));
                     JdkProcess client = JdkProcess.client(anchor, server.port(), ONE_MIB, random.nextLong(), false)) {
                    try {
                        suite = client.awaitLine("ECHO OK ");
                    } catch (Exception e) {
                        throw new Loopback.InteropFailure(e.getMessage() + server.failures(), e);
                    }
                    assertEquals(0, client.awaitExit(), "the JDK client's exit status; output: " + client.output());
                    Probe probe = Loopback.await(server.probe(), "server accept", null);
                    Negotiated ours = Loopback.await(probe.handshake(), "server handshake", null);
                    assertEquals(suite, ours.cipherSuite(), "the suite seen by both ends");
                    tap = server.tap();
                }
                fromPeer = RecordTap.Way.IN;
            }
            int updates = tap.countSince(0, fromPeer, KEY_UPDATE_RECORD_MAX);
            // 1 MiB at one KeyUpdate per 64 KiB: about 16, depending on how the JDK counts.
            assertTrue(updates >= 8, "KeyUpdates from the JDK: " + updates + "; " + tap.transcript());
            return "JDK sent " + updates + " KeyUpdates while echoing 1 MiB (" + suite + ")";
        });
    }

    private Row bigEcho(Loopback loopback, Peer peer, Direction direction) {
        return run(peer, direction, "1 MiB echo", "default", "default", "EC_P256", () -> {
            try (Loopback.Connection connection = connect(loopback, peer, direction, b -> b, new Options())) {
                checkedHandshakes(connection, direction, null);
                echo(connection, ONE_MIB);
                return "1048576 bytes equal";
            }
        });
    }

    // ---- helpers ----

    /** Adjusts our builder for a feature case. */
    private interface Customizer {
        Tls13ContextBuilder apply(Tls13ContextBuilder builder);
    }

    private Loopback.Connection connect(Loopback loopback, Peer peer, Direction direction, Customizer ours,
                                        Options theirs) throws Exception {
        TestPki.Issued leaf = leaf(KeyType.EC_P256);
        if (direction == Direction.OUR_CLIENT) {
            return loopback.connect(NettySide.server(peer, leaf, theirs),
                    ours(ours.apply(Tls13Context.forClient().trustManager(anchor))), HOST);
        }
        return loopback.connect(ours(ours.apply(Tls13Context.forServer(leaf.privateKey(), chain(KeyType.EC_P256)))),
                NettySide.client(peer, anchor, theirs), HOST);
    }

    private OurSide ours(Tls13ContextBuilder builder) {
        return new OurSide((crypto == Crypto.JCA ? builder.jcaProvidersOnly() : builder).build());
    }

    private static Negotiated ours(Negotiated[] both, Direction direction) {
        return direction == Direction.OUR_CLIENT ? both[0] : both[1];
    }

    private static Options jdkSuite(Peer peer, String suite) {
        return peer == Peer.JDK ? new Options().ciphers(suite) : new Options();
    }

    /** Both handshakes, then what both ends must agree on: TLS 1.3 and the same (expected) suite. */
    private static Negotiated[] checkedHandshakes(Loopback.Connection connection, Direction direction, String suite)
            throws Exception {
        Negotiated[] both = connection.handshakes();
        assertEquals("TLSv1.3", both[0].protocol(), "client's protocol");
        assertEquals("TLSv1.3", both[1].protocol(), "server's protocol");
        assertEquals(both[0].cipherSuite(), both[1].cipherSuite(), "suite seen by client and server");
        if (suite != null) {
            assertEquals(suite, both[0].cipherSuite(), "suite");
        }
        Negotiated ours = ours(both, direction);
        assertTrue(ours.group() != null && ours.scheme() != null, "our session reports group and scheme");
        return both;
    }

    private static void assertSchemeFits(KeyType certificate, String scheme) {
        switch (certificate) {
            case RSA_2048:
                assertTrue(scheme.startsWith("rsa_pss_rsae_"), "RSA certificate signed with " + scheme);
                break;
            case EC_P256:
                assertEquals("ecdsa_secp256r1_sha256", scheme);
                break;
            case EC_P384:
                assertEquals("ecdsa_secp384r1_sha384", scheme);
                break;
            case ED25519:
                assertEquals("ed25519", scheme);
                break;
            default:
                fail("no expectation for " + certificate);
        }
    }

    private void echo(Loopback.Connection connection, int length) throws Exception {
        byte[] data = new byte[length];
        random.nextBytes(data);
        assertArrayEquals(data, connection.echo(data), "echoed bytes");
    }

    private TestPki.Issued leaf(KeyType type) {
        return leaves.computeIfAbsent(type, t -> TestPki.leaf(t).dns(HOST).ip("127.0.0.1").build());
    }

    private X509Certificate[] chain(KeyType type) {
        return leaf(type).chain().toArray(new X509Certificate[0]);
    }

    private static Row run(Peer peer, Direction direction, String kind, String suite, String group,
                           String certificate, Body body) {
        try {
            return new Row(peer, direction, kind, suite, group, certificate, true, body.run());
        } catch (Throwable t) {
            StringWriter trace = new StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            System.out.println("interop FAILED: " + direction.describe(peer) + " " + kind + " " + suite + " "
                    + group + " " + certificate + "\n" + trace);
            return new Row(peer, direction, kind, suite, group, certificate, false,
                    String.valueOf(t).replace('\n', ' ').replace('|', '/'));
        }
    }

    // ---- reporting ----

    private static void report(List<Row> rows, Crypto crypto) throws IOException {
        StringBuilder table = new StringBuilder();
        String format = "%-4s %-32s %-18s %-29s %-20s %-9s %s%n";
        table.append(String.format(format, "ok", "direction", "case", "suite", "group", "cert", "detail"));
        for (Row row : rows) {
            table.append(String.format(format, row.passed() ? "PASS" : "FAIL", row.direction().describe(row.peer()),
                    row.kind(), row.suite(), row.group(), row.certificate(), row.detail()));
        }
        System.out.print(table);

        StringBuilder md = new StringBuilder("# Interop matrix (our crypto: " + crypto + ")\n\n");
        md.append("| peer | direction | passed | failed |\n|---|---|---:|---:|\n");
        for (Peer peer : Peer.values()) {
            for (Direction direction : Direction.values()) {
                List<Row> part = rows.stream().filter(r -> r.peer() == peer && r.direction() == direction)
                        .collect(Collectors.toList());
                long passed = part.stream().filter(Row::passed).count();
                md.append("| ").append(peer).append(" | ").append(direction.describe(peer)).append(" | ")
                        .append(passed).append(" | ").append(part.size() - passed).append(" |\n");
            }
        }
        md.append("\n| result | direction | case | suite | group | certificate | detail |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (Row row : rows) {
            md.append("| ").append(row.passed() ? "pass" : "**FAIL**").append(" | ")
                    .append(row.direction().describe(row.peer())).append(" | ").append(row.kind()).append(" | ")
                    .append(row.suite()).append(" | ").append(row.group()).append(" | ").append(row.certificate())
                    .append(" | ").append(row.detail()).append(" |\n");
        }
        Path target = Path.of("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve(crypto == Crypto.DEFAULT ? "interop-matrix.md" : "interop-matrix-jca.md"),
                md, StandardCharsets.UTF_8);

        List<Row> failed = rows.stream().filter(r -> !r.passed()).collect(Collectors.toList());
        System.out.println("interop (" + crypto + "): " + (rows.size() - failed.size()) + " combinations passed, "
                + failed.size() + " failed");
        if (!failed.isEmpty()) {
            fail(failed.size() + " of " + rows.size() + " interop combinations failed:\n" + failed.stream()
                    .map(r -> r.direction().describe(r.peer()) + " " + r.kind() + " " + r.suite() + " " + r.group()
                            + " " + r.certificate() + ": " + r.detail())
                    .collect(Collectors.joining("\n")));
        }
    }
}
