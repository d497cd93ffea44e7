package dev.tls13.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tls13.Tls13Context;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.KeyType;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;

/**
 * Regression test for an interop finding: a JDK 17 client whose read key reaches jdk.tls.keyLimits sends a KeyUpdate(update_requested) for
 * every record it reads until our answer arrives, so with much data in flight towards it (here a 1 MiB echo
 * it streams, limit 64 KiB; with the default limit after 2^37 bytes) it sends a burst of KeyUpdates and no
 * application data; TlsConnection failed when Limits.maxKeyUpdates was 8. RFC 8446 §4.6.3 expects several
 * KeyUpdates to reach a silent peer; the default is now 128 (a burst is as long as our records in flight).
 */
class KeyUpdateFloodRegressionTest {

    @Test
    void serverKeepsUpWithAClientThatRequestsKeyUpdatesWhileOnlyReading() throws Exception {
        TestPki.Issued leaf = TestPki.leaf(KeyType.EC_P256).dns("interop.test").build();
        try (Loopback loopback = new Loopback();
             Loopback.Server server = loopback.listen(new OurSide(Tls13Context.forServer(leaf.privateKey(),
                     leaf.chain().toArray(new X509Certificate[0])).build()));
             JdkProcess client = JdkProcess.client(TestPki.ca(KeyType.EC_P256).certificate(), server.port(),
                     1 << 20, 5, true)) {
            try {
                client.awaitLine("ECHO OK ");
            } catch (Exception e) {
                throw new Loopback.InteropFailure(e.getMessage() + server.failures(), e);
            }
            assertEquals(0, client.awaitExit());
        }
    }
}
