package dev.tls13.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.interop.NettySide.Options;
import dev.tls13.interop.NettySide.Peer;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.KeyType;
import io.netty.handler.ssl.OpenSsl;
import java.security.cert.X509Certificate;
import java.util.Random;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The interop harness without our codec: the JDK and BoringSSL peers talk to each other through it, and the
 * limits of the peers that shape the interop matrix are checked rather than assumed.
 */
class PeerBaselineTest {

    private static final String HOST = "interop.test";
    private static Loopback loopback;
    private static X509Certificate anchor;

    @BeforeAll
    static void start() {
        loopback = new Loopback();
        anchor = TestPki.ca(KeyType.EC_P256).certificate();
    }

    @AfterAll
    static void stop() {
        loopback.close();
    }

    private static TestPki.Issued leaf(KeyType type) {
        return TestPki.leaf(type).dns(HOST).ip("127.0.0.1").build();
    }

    @Test
    void boringSslIsAvailableFromNettyTcnative() {
        assertTrue(OpenSsl.isAvailable(), () -> "netty-tcnative-boringssl-static: " + OpenSsl.unavailabilityCause());
        assertTrue(OpenSsl.versionString().contains("BoringSSL"), OpenSsl.versionString());
    }

    @Test
    void jdkAndBoringSslInteroperateThroughTheHarnessBothWays() throws Exception {
        for (Peer server : Peer.values()) {
            Peer client = server == Peer.JDK ? Peer.BORINGSSL : Peer.JDK;
            NettySide s = NettySide.server(server, leaf(KeyType.EC_P256), new Options().alpn("h2", "http/1.1"));
            NettySide c = NettySide.client(client, anchor, new Options().alpn("h2", "http/1.1"));
            try (Loopback.Connection connection = loopback.connect(s, c, HOST)) {
                Negotiated[] n = connection.handshakes();
                for (Negotiated side : n) {
                    assertEquals("TLSv1.3", side.protocol());
                    assertEquals("h2", side.applicationProtocol());
                }
                assertEquals(n[0].cipherSuite(), n[1].cipherSuite());
                assertEquals(HOST, n[1].serverName(), "SNI seen by the " + server + " server");
                byte[] data = new byte[40_000];
                new Random(1).nextBytes(data);
                assertArrayEquals(data, connection.echo(data));
            }
        }
    }

    /**
     * Of draft-ietf-tls-ecdhe-mlkem's hybrids this BoringSSL (netty-tcnative 2.0.84) has X25519MLKEM768 only, so
     * SecP256r1MLKEM768 and SecP384r1MLKEM1024 are proven by our client against our server
     * ({@code HybridHandshakeTest}) and known answers.
     */
    @Test
    void boringSslHasX25519Mlkem768ButNotTheOtherHybrids() throws Exception {
        NettySide.client(Peer.BORINGSSL, anchor, new Options().groups("X25519MLKEM768"));
        for (String group : new String[] {"SecP256r1MLKEM768", "SecP384r1MLKEM1024"}) {
            SSLException e = assertThrows(SSLException.class,
                    () -> NettySide.client(Peer.BORINGSSL, anchor, new Options().groups(group)), group);
            assertTrue(e.getMessage().contains("UNSUPPORTED_ELLIPTIC_CURVE"), e.getMessage());
        }
    }

    @Test
    void boringSslHasNoX448() {
        SSLException e = assertThrows(SSLException.class,
                () -> NettySide.client(Peer.BORINGSSL, anchor, new Options().groups("x448")));
        assertTrue(e.getMessage().contains("UNSUPPORTED_ELLIPTIC_CURVE"), e.getMessage());
    }

    @Test
    void boringSslThroughTcnativeCannotServeEd25519() throws Exception {
        NettySide s = NettySide.server(Peer.BORINGSSL, leaf(KeyType.ED25519), new Options());
        NettySide c = NettySide.client(Peer.JDK, anchor, new Options());
        try (Loopback.Connection connection = loopback.connect(s, c, HOST)) {
            Exception e = assertThrows(Exception.class, connection::handshakes);
            assertTrue(e.getMessage().contains("Unable to find key material"), e.getMessage());
        }
    }

    @Test
    void boringSslClientDoesNotOfferEd25519() throws Exception {
        NettySide s = NettySide.server(Peer.JDK, leaf(KeyType.ED25519), new Options());
        NettySide c = NettySide.client(Peer.BORINGSSL, anchor, new Options());
        try (Loopback.Connection connection = loopback.connect(s, c, HOST)) {
            Exception e = assertThrows(Exception.class, connection::handshakes);
            assertTrue(e.getMessage().contains("No available authentication scheme"), e.getMessage());
        }
    }
}
