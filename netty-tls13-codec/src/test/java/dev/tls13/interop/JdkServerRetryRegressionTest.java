package dev.tls13.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tls13.Tls13Context;
import dev.tls13.interop.NettySide.Options;
import dev.tls13.interop.NettySide.Peer;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.KeyType;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Regression test for an interop finding: a JDK 17 server in middlebox compatibility mode sends
 * change_cipher_spec after its HelloRetryRequest and again after its ServerHello; RFC 8446 §5 says a peer
 * MUST drop an unprotected change_cipher_spec received after the first ClientHello and before the peer's
 * Finished. TlsConnection accepted only one per connection; it now limits only consecutive ones.
 */
class JdkServerRetryRegressionTest {

    @Test
    void clientDropsChangeCipherSpecAfterHelloRetryRequestAndAgainAfterServerHello() throws Exception {
        TestPki.Issued leaf = TestPki.leaf(KeyType.EC_P256).dns("interop.test").build();
        NettySide server = NettySide.server(Peer.JDK, leaf, new Options().denyGroups("x25519"));
        OurSide client = new OurSide(Tls13Context.forClient()
                .trustManager(TestPki.ca(KeyType.EC_P256).certificate())
                .namedGroups("x25519", "secp384r1").keyShares(1).build());
        try (Loopback loopback = new Loopback();
             Loopback.Connection connection = loopback.connect(server, client, "interop.test")) {
            Negotiated ours = connection.handshakes()[0];
            assertEquals(Boolean.TRUE, ours.helloRetryRequest());
            assertEquals("secp384r1", ours.group());
            byte[] data = new byte[5000];
            new Random(3).nextBytes(data);
            assertArrayEquals(data, connection.echo(data));
        }
    }
}
