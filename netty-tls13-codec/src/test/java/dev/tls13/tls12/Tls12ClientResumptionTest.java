package dev.tls13.tls12;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.crypto.JcaCryptoProvider;
import dev.tls13.error.TlsException;
import dev.tls13.handshake.ClientConfig;
import dev.tls13.handshake.HandshakeSummary;
import dev.tls13.handshake.ResumptionTicket;
import dev.tls13.record.Tls12CipherSuiteParams;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import dev.tls13.tls12.Tls12ClientHandshake.Tls12ClientState;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.Extension;
import dev.tls13.wire.Extensions;
import dev.tls13.wire.Finished;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.HandshakeMessage;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.ServerHello;
import dev.tls13.wire.SignatureScheme;
import dev.tls13.wire.Tls12Extensions;
import dev.tls13.wire.Tls12HandshakeCodec;
import dev.tls13.wire.Tls12NewSessionTicket;
import io.netty.buffer.Unpooled;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TLS 1.2 session tickets on the client state machine (RFC 5077, docs/architecture.md §16), against a scripted
 * server that holds the session's master secret: the abbreviated handshake when our session_id is echoed (the
 * server's Finished verified before ours is sent), a full handshake and a dropped ticket otherwise, the
 * NewSessionTicket a SessionTicket in ServerHello promises, and the refusals, each with its alert.
 */
class Tls12ClientResumptionTest {

    private static final CryptoProvider CRYPTO = JcaCryptoProvider.instance();
    private static final Tls12CipherSuiteParams SUITE = Tls12CipherSuiteParams.ECDHE_ECDSA_AES_128_GCM_SHA256;
    private static final Issued CA = TestPki.ca(KeyType.EC_P256);
    private static final List<X509Certificate> SERVER_CHAIN = TestPki.leaf(KeyType.EC_P256).issuer(CA)
            .dns("example.com").build().chain();
    private static final byte[] CLIENT_HELLO = {1, 0, 0, 0};

    /** Collects the tickets the client hands to its cache. */
    private static final class Recording extends Tls12ClientHandshakeTest.Recording {
        final List<ResumptionTicket> cached = new ArrayList<>();

        @Override
        public void tls12SessionTicket(ResumptionTicket ticket) {
            cached.add(ticket);
        }
    }

    /** A scripted server resuming the session of a ticket: its master secret and transcript. */
    private static final class Script {
        final Recording out = new Recording();
        final MessageDigest transcript = CRYPTO.digest(HashAlgorithm.SHA256);
        final byte[] clientRandom = new byte[32];
        final byte[] serverRandom = new byte[32];
        final byte[] sessionId = new byte[32];
        final byte[] master = new byte[48];
        final ResumptionTicket offered;
        dev.tls13.keys.Tls12MasterSecret serverMaster;
        Tls12ClientState state;

        Script() {
            Arrays.fill(clientRandom, (byte) 0x11);
            Arrays.fill(serverRandom, (byte) 0x22);
            Arrays.fill(sessionId, (byte) 0x33);
            Arrays.fill(master, (byte) 0x44);
            HandshakeSummary original = new HandshakeSummary(SUITE.suite(), NamedGroup.X25519,
                    SignatureScheme.ECDSA_SECP256R1_SHA256, null, null, "example.com", SERVER_CHAIN, List.of(),
                    false, false, false);
            offered = ResumptionTicket.tls12(new byte[] {9, 9, 9}, master.clone(), 3600, original,
                    CRYPTO.clock().millis());
            serverMaster = dev.tls13.keys.Tls12MasterSecret.resumed(CRYPTO, HashAlgorithm.SHA256, master);
            transcript.update(CLIENT_HELLO);
        }

        Tls12ClientContext context() {
            ClientConfig config = ClientConfig.builder(CRYPTO, TestPki.trustManager(CA.certificate())).build();
            return new Tls12ClientContext(config, "example.com", List.of(SUITE), List.of(NamedGroup.X25519),
                    List.of(SignatureScheme.ECDSA_SECP256R1_SHA256), List.of(), clientRandom, sessionId, true,
                    offered, true);
        }

        ServerHello serverHello(byte[] echo, CipherSuite suite, boolean ticket) {
            List<Extension> extensions = new ArrayList<>(List.of(Tls12Extensions.extendedMasterSecret(),
                    Tls12Extensions.emptyRenegotiationInfo()));
            if (ticket) {
                extensions.add(Tls12Extensions.emptySessionTicket());
            }
            return new ServerHello(0x0303, serverRandom, echo, suite, new Extensions(extensions));
        }

        void hello(ServerHello sh) throws TlsException {
            byte[] encoded = HandshakeCodec.encode(sh);
            transcript.update(encoded);
            state = Tls12ClientHandshake.afterServerHello(context(), sh, CLIENT_HELLO, encoded);
        }

        void send(HandshakeMessage m) throws TlsException {
            byte[] encoded = Tls12HandshakeCodec.encode(m);
            state = Tls12ClientHandshake.handle(state, Tls12HandshakeCodec.decode(Unpooled.wrappedBuffer(encoded)),
                    encoded, 0, encoded.length, out);
            transcript.update(encoded);
        }

        byte[] hash() throws Exception {
            return ((MessageDigest) transcript.clone()).digest();
        }

        Finished serverFinished() throws Exception {
            return new Finished(serverMaster.verifyData(false, hash()));
        }
    }

    private static AlertDescription alert(org.junit.jupiter.api.function.Executable step) {
        return assertThrows(TlsException.class, step).failure().alert();
    }

    @Test
    void anEchoedSessionIdResumesAndOurFinishedFollowsTheServers() throws Exception {
        Script s = new Script();
        s.hello(s.serverHello(s.sessionId, SUITE.suite(), true));
        assertTrue(s.offered.isDestroyed(), "the offered ticket is used once");
        s.send(new Tls12NewSessionTicket(7200, new byte[] {1, 2, 3, 4}));
        s.state = s.state.onChangeCipherSpec(s.out);
        s.send(s.serverFinished());
        assertTrue(s.state.isConnected());
        // After the server's Finished: our CCS, write keys, Finished over everything through the server's.
        assertEquals(List.of("keylog CLIENT_RANDOM", "read keys AES_128_GCM", "ccs", "write keys AES_128_GCM",
                "handshake 20", "exporter", "complete"), s.out.effects);
        Finished ours = (Finished) Tls12HandshakeCodec.decode(Unpooled.wrappedBuffer(s.out.sent.get(0)));
        assertTrue(s.serverMaster.verifyFinished(true, s.hash(), ours.verifyData()));
        assertTrue(s.out.summary.resumed());
        assertEquals(SERVER_CHAIN, s.out.summary.peerCertificates(), "the original chain");
        assertEquals(1, s.out.cached.size());
        ResumptionTicket fresh = s.out.cached.get(0);
        assertTrue(fresh.tls12());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, fresh.tls12Ticket());
        assertArrayEquals(s.master, fresh.tls12MasterSecret(), "the same session");
        assertEquals(7200, fresh.lifetimeSeconds());
        fresh.destroy();
        s.out.exporter.destroy();
        s.serverMaster.destroy();
    }

    @Test
    void aWrongServerFinishedInTheAbbreviatedHandshakeIsDecryptError() throws Exception {
        Script s = new Script();
        s.hello(s.serverHello(s.sessionId, SUITE.suite(), false));
        s.state = s.state.onChangeCipherSpec(s.out);
        byte[] verifyData = s.serverFinished().verifyData();
        verifyData[0] ^= 1;
        assertEquals(AlertDescription.DECRYPT_ERROR, alert(() -> s.send(new Finished(verifyData))));
        assertTrue(s.out.effects.stream().noneMatch(e -> e.toString().startsWith("write keys")),
                "nothing of ours after a wrong Finished");
        s.state.destroy();
        s.serverMaster.destroy();
    }

    @Test
    void withoutTheEchoTheTicketIsDroppedAndTheHandshakeIsFull() throws Exception {
        Script s = new Script();
        s.hello(s.serverHello(new byte[0], SUITE.suite(), true));
        assertInstanceOf(Tls12ClientHandshake.ExpectCertificate.class, s.state);
        assertTrue(s.offered.isDestroyed());
        s.serverMaster.destroy();
    }

    @Test
    void refusals() throws Exception {
        Script promised = new Script();
        promised.hello(promised.serverHello(promised.sessionId, SUITE.suite(), true));
        // RFC 5077 §3.3: a SessionTicket in ServerHello promises a NewSessionTicket before the CCS.
        assertEquals(AlertDescription.UNEXPECTED_MESSAGE, alert(() -> promised.state.onChangeCipherSpec(
                promised.out)));
        promised.state.destroy();

        Script unpromised = new Script();
        unpromised.hello(unpromised.serverHello(unpromised.sessionId, SUITE.suite(), false));
        assertEquals(AlertDescription.UNEXPECTED_MESSAGE,
                alert(() -> unpromised.send(new Tls12NewSessionTicket(1, new byte[] {1}))));
        unpromised.state.destroy();

        // RFC 5246 §7.4.1.3: a resumed session keeps its suite.
        Script otherSuite = new Script();
        assertEquals(AlertDescription.ILLEGAL_PARAMETER, alert(() -> otherSuite.hello(new ServerHello(0x0303,
                otherSuite.serverRandom, otherSuite.sessionId, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
                Extensions.of(Tls12Extensions.extendedMasterSecret())))));
        assertTrue(otherSuite.offered.isDestroyed());

        // RFC 5077 §3.2: the server's SessionTicket is empty.
        Script nonEmpty = new Script();
        assertEquals(AlertDescription.ILLEGAL_PARAMETER, alert(() -> nonEmpty.hello(new ServerHello(0x0303,
                nonEmpty.serverRandom, new byte[0], SUITE.suite(), Extensions.of(
                        Tls12Extensions.extendedMasterSecret(), Tls12Extensions.sessionTicketExtension(
                                new byte[] {1}))))));

        // RFC 7627 §5.3: a resumed ServerHello without extended_master_secret is handshake_failure.
        Script noEms = new Script();
        assertEquals(AlertDescription.HANDSHAKE_FAILURE, alert(() -> noEms.hello(new ServerHello(0x0303,
                noEms.serverRandom, noEms.sessionId, SUITE.suite(), Extensions.EMPTY))));
        assertFalse(noEms.offered.tls12() && !noEms.offered.isDestroyed());
        for (Script s : List.of(promised, unpromised, otherSuite, nonEmpty, noEms)) {
            s.serverMaster.destroy();
        }
    }
}
