package dev.tls13.jsse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.jsse.Contexts.Impl;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.KeyType;
import io.netty.handler.ssl.SslContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The in-process interop matrix through the adapter: {@code SslHandler} over our engine against
 * {@code SslHandler} over the JDK's and BoringSSL's engines, in both directions, over cipher suites ×
 * named groups × server certificate types, each combination one loopback connection with an echo.
 *
 * <p>The combination is forced from our side (our engine's enabled suites and our provider's groups),
 * because BoringSSL ignores TLS 1.3 suite configuration and the JDK 17 engine cannot restrict its groups;
 * a peer client that did not share a key for our group goes through a HelloRetryRequest. Every
 * combination runs even when some fail; the failures are listed together.
 */
class AdapterInteropMatrixTest {

    private static final List<String> SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");
    private static final Map<Impl, List<String>> GROUPS = new EnumMap<>(Map.of(
            Impl.JDK, List.of("x25519", "secp256r1", "secp384r1", "secp521r1"),
            Impl.BORINGSSL, List.of("x25519", "secp256r1", "secp384r1")));
    private static final Map<Impl, List<KeyType>> CERTIFICATES = new EnumMap<>(Map.of(
            Impl.JDK, List.of(KeyType.RSA_2048, KeyType.EC_P256, KeyType.EC_P384, KeyType.ED25519),
            // tcnative can neither serve nor, by default, accept Ed25519.
            Impl.BORINGSSL, List.of(KeyType.RSA_2048, KeyType.EC_P256, KeyType.EC_P384)));
    private static final int ECHO = 20_000;

    @Test
    void everySuiteGroupAndCertificateInteroperatesThroughTheAdapterBothWays() throws Exception {
        Map<KeyType, TestPki.Issued> leaves = new EnumMap<>(KeyType.class);
        byte[] payload = new byte[ECHO];
        new Random(0x7153).nextBytes(payload);
        List<String> failures = new ArrayList<>();
        int combinations = 0;
        try (Loopback loopback = new Loopback()) {
            for (Impl peer : List.of(Impl.JDK, Impl.BORINGSSL)) {
                for (boolean ourServer : new boolean[] {true, false}) {
                    for (String suite : SUITES) {
                        for (String group : GROUPS.get(peer)) {
                            for (KeyType type : CERTIFICATES.get(peer)) {
                                combinations++;
                                TestPki.Issued leaf = leaves.computeIfAbsent(type, Contexts::serverLeaf);
                                String name = (ourServer ? peer + " client -> our server" : "our client -> " + peer
                                        + " server") + " " + suite + " " + group + " " + type;
                                try {
                                    check(run(loopback, peer, ourServer, suite, group, leaf, payload), ourServer, suite,
                                            group, payload);
                                } catch (Exception | AssertionError e) {
                                    failures.add(name + ": " + e);
                                }
                            }
                        }
                    }
                }
            }
        }
        assertEquals(2 * SUITES.size() * (GROUPS.get(Impl.JDK).size() * CERTIFICATES.get(Impl.JDK).size()
                + GROUPS.get(Impl.BORINGSSL).size() * CERTIFICATES.get(Impl.BORINGSSL).size()), combinations);
        assertTrue(failures.isEmpty(), failures.size() + " of " + combinations + " combinations failed:\n"
                + String.join("\n", failures));
    }

    private static Loopback.Outcome run(Loopback loopback, Impl peer, boolean ourServer, String suite, String group,
                                        TestPki.Issued leaf, byte[] payload) throws Exception {
        List<String> suites = List.of(suite);
        List<String> groups = List.of(group);
        SslContext server = ourServer
                ? Contexts.server(Impl.OURS, leaf, suites, groups, false, false)
                : Contexts.server(peer, leaf, suites, null, false, false);
        SslContext client = ourServer
                ? Contexts.client(peer, suites, null, false, false)
                : Contexts.client(Impl.OURS, suites, groups, false, false);
        return loopback.run(server, client, payload);
    }

    private static void check(Loopback.Outcome outcome, boolean ourServer, String suite, String group,
                              byte[] payload) {
        Loopback.End ours = ourServer ? outcome.server() : outcome.client();
        Loopback.End peer = ourServer ? outcome.client() : outcome.server();
        assertTrue(ours.ours());
        assertEquals("TLSv1.3", ours.protocol());
        assertEquals("TLSv1.3", peer.protocol());
        assertEquals(suite, ours.cipherSuite());
        assertEquals(suite, peer.cipherSuite());
        assertEquals(Tls13SslContextSpi.groups(List.of(group)).get(0), ours.namedGroup());
        assertTrue(Arrays.equals(payload, outcome.echoed()), "echo differs");
    }
}
