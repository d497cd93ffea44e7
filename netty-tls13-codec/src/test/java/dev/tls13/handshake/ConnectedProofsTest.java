package dev.tls13.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.handshake.ClientAuthentication.NoCertificate;
import dev.tls13.handshake.ClientAuthentication.NotRequested;
import dev.tls13.handshake.ClientAuthentication.Verified;
import dev.tls13.handshake.HandshakeHarness.Pair;
import dev.tls13.testing.TestPki.KeyType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The connected states cannot be built without their proofs (docs/architecture.md §5): no {@code null} token,
 * and a server whose setting is REQUIRE cannot be connected without a verified client signature. The
 * tokens come from real handshakes, since only {@link Proofs} issues them.
 */
class ConnectedProofsTest {

    private static ServerHandshake.Connected server(Pair pair) {
        return assertInstanceOf(ServerHandshake.Connected.class, pair.server);
    }

    private static Pair handshake(ClientAuth auth, List<CertifiedKey> credentials) throws Exception {
        return Pair.start(HandshakeNegotiationTest.clientWithCredentials(credentials),
                HandshakeNegotiationTest.serverWithClientAuth(auth, false)).run().assertConnectedWithMatchingKeys();
    }

    @Test
    void clientConnectedRefusesAMissingProof() throws Exception {
        Pair pair = Pair.start(HandshakeHarness.client(), HandshakeHarness.server()).run()
                .assertConnectedWithMatchingKeys();
        ClientHandshake.Connected c = assertInstanceOf(ClientHandshake.Connected.class, pair.client);

        assertThrows(NullPointerException.class,
                () -> new ClientHandshake.Connected(c.traffic(), c.session(), null, c.chain(), c.signature()));
        assertThrows(NullPointerException.class,
                () -> new ClientHandshake.Connected(c.traffic(), c.session(), c.finished(), null, c.signature()));
        assertThrows(NullPointerException.class,
                () -> new ClientHandshake.Connected(c.traffic(), c.session(), c.finished(), c.chain(), null));
        ClientHandshake.Connected copy = new ClientHandshake.Connected(c.traffic(), c.session(), c.finished(),
                c.chain(), c.signature());
        assertTrue(copy.isConnected(), "control: with every proof it is built");
    }

    @Test
    void serverConnectedRefusesAMissingProof() throws Exception {
        ServerHandshake.Connected s = server(handshake(ClientAuth.NONE, List.of()));
        assertInstanceOf(NotRequested.class, s.client());

        assertThrows(NullPointerException.class, () -> new ServerHandshake.Connected(s.traffic(), s.session(), null,
                ClientAuth.NONE, s.client()));
        assertThrows(NullPointerException.class, () -> new ServerHandshake.Connected(s.traffic(), s.session(),
                s.finished(), ClientAuth.NONE, null));
        assertTrue(new ServerHandshake.Connected(s.traffic(), s.session(), s.finished(), ClientAuth.NONE,
                s.client()).isConnected(), "control: with every proof it is built");
    }

    @Test
    void requiredClientAuthCannotBeConnectedWithoutAVerifiedSignature() throws Exception {
        ServerHandshake.Connected none = server(handshake(ClientAuth.NONE, List.of()));
        ServerHandshake.Connected anonymous = server(handshake(ClientAuth.OPTIONAL, List.of()));
        NoCertificate noCertificate = assertInstanceOf(NoCertificate.class, anonymous.client());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ServerHandshake.Connected(none.traffic(), none.session(), none.finished(),
                        ClientAuth.REQUIRE, new NotRequested()));
        assertEquals("client authentication REQUIRE is not satisfied by NotRequested", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new ServerHandshake.Connected(anonymous.traffic(), anonymous.session(), anonymous.finished(),
                        ClientAuth.REQUIRE, noCertificate));
        // The other mismatches are refused too: a CertificateRequest we sent must have been answered.
        assertThrows(IllegalArgumentException.class,
                () -> new ServerHandshake.Connected(none.traffic(), none.session(), none.finished(),
                        ClientAuth.OPTIONAL, new NotRequested()));
        assertThrows(IllegalArgumentException.class,
                () -> new ServerHandshake.Connected(anonymous.traffic(), anonymous.session(), anonymous.finished(),
                        ClientAuth.NONE, noCertificate));
    }

    @Test
    void requiredClientAuthConnectsWithTheVerifiedChainAndSignature() throws Exception {
        CertifiedKey credential = HandshakeNegotiationTest.clientCertificate(KeyType.EC_P256);
        ServerHandshake.Connected s = server(handshake(ClientAuth.REQUIRE, List.of(credential)));
        Verified verified = assertInstanceOf(Verified.class, s.client());
        assertEquals(credential.chain(), verified.chain());
        assertEquals(credential.chain(), s.session().peerCertificates());
        assertEquals(verified.signatureScheme(), s.session().peerSignatureScheme());

        assertThrows(NullPointerException.class, () -> new Verified(verified.certificate(), null));
        assertThrows(NullPointerException.class, () -> new Verified(null, verified.signature()));
        assertThrows(NullPointerException.class, () -> new NoCertificate(null));
        assertThrows(IllegalArgumentException.class, () -> new NoCertificate(verified.certificate()),
                "a client that sent a certificate is not anonymous");
    }
}
