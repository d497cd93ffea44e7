package dev.tls13.handshake;

import static dev.tls13.handshake.HandshakeHarness.HOST;
import static dev.tls13.handshake.HandshakeHarness.client;
import static dev.tls13.handshake.HandshakeHarness.decode;
import static dev.tls13.handshake.HandshakeHarness.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.tls13.error.PeerIncompatible;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.handshake.HandshakeHarness.Pair;
import dev.tls13.handshake.HandshakeHarness.Recorder;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.ClientHello;
import dev.tls13.wire.Extension;
import dev.tls13.wire.ExtensionType;
import dev.tls13.wire.Extensions;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.ProtocolVersion;
import dev.tls13.wire.ServerHello;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hellos' legacy_version: SSL 3.0 or older is protocol_version (RFC 8446 Appendix D.5); otherwise a
 * server negotiates by supported_versions alone (§4.2.1), and a client requires 0x0303 from a server (§4.1.3).
 */
class LegacyVersionTest {

    private static ClientHello clientHello() throws TlsException {
        Recorder out = new Recorder();
        ClientHandshake.start(client(), HOST, HOST, out);
        return (ClientHello) decode(out.sent().get(0));
    }

    private static ClientHello withLegacyVersion(ClientHello ch, int version) {
        return new ClientHello(version, ch.random(), ch.legacySessionId(), ch.cipherSuites(), ch.extensions());
    }

    private static HandshakeState serverOn(ClientHello hello) throws TlsException {
        byte[] m = HandshakeCodec.encode(hello);
        return ServerHandshake.start(server()).on(decode(m), m, new Recorder());
    }

    private static void assertProtocolVersion(TlsFailure f) {
        assertInstanceOf(TlsFailure.Incompatible.class, f, f.toString());
        assertEquals(PeerIncompatible.NO_TLS13, ((TlsFailure.Incompatible) f).reason(), f.toString());
        assertEquals(AlertDescription.PROTOCOL_VERSION, f.alert());
    }

    @ParameterizedTest(name = "legacy_version {0}")
    @ValueSource(ints = {0x0300, 0x0200, 0x0002, 0x0000})
    void serverRefusesSsl3OrOlderWithProtocolVersionEvenWhenTls13IsOffered(int version) throws Exception {
        ClientHello ch = withLegacyVersion(clientHello(), version);
        assertProtocolVersion(Failures.failure(() -> serverOn(ch)));
    }

    @ParameterizedTest(name = "legacy_version {0}")
    @ValueSource(ints = {0x0301, 0x0302, 0x0304, 0x7F1C, 0xFEFD})
    void serverNegotiatesBySupportedVersionsAloneWhatEverTheNewerLegacyVersion(int version) throws Exception {
        ClientHello ch = withLegacyVersion(clientHello(), version);
        Recorder out = new Recorder();
        byte[] m = HandshakeCodec.encode(ch);
        HandshakeState next = ServerHandshake.start(server()).on(decode(m), m, out);
        ServerHello sh = (ServerHello) decode(out.sent().get(0));
        assertEquals(ProtocolVersion.TLS_1_2, sh.legacyVersion());
        assertEquals(ProtocolVersion.TLS_1_3, sh.extensions().find(Extension.SupportedVersionsServerHello.class)
                .orElseThrow().selectedVersion());
        next.destroy();
    }

    @ParameterizedTest(name = "legacy_version {0}")
    @ValueSource(ints = {0x0300, 0x0301, 0x0303})
    void serverRefusesAnyLegacyVersionWithoutSupportedVersionsWithProtocolVersion(int version) throws Exception {
        ClientHello ch = clientHello();
        List<Extension> l = new ArrayList<>();
        for (Extension e : ch.extensions()) {
            if (!e.type().equals(ExtensionType.SUPPORTED_VERSIONS)) {
                l.add(e);
            }
        }
        ClientHello tls12 = new ClientHello(version, ch.random(), ch.legacySessionId(), ch.cipherSuites(),
                new Extensions(l));
        assertProtocolVersion(Failures.failure(() -> serverOn(tls12)));
    }

    private static TlsFailure clientGetsServerHelloWithLegacyVersion(int version) throws TlsException {
        Pair pair = Pair.start(client(), server());
        pair.toServer();
        byte[] original = pair.pendingFromServer().get(0);
        ServerHello sh = (ServerHello) decode(original);
        byte[] changed = HandshakeCodec.encode(new ServerHello(version, sh.random(), sh.legacySessionIdEcho(),
                sh.cipherSuite(), sh.extensions()));
        return Failures.failure(() -> pair.client.on(decode(changed), changed, pair.clientOut));
    }

    @ParameterizedTest(name = "legacy_version {0}")
    @ValueSource(ints = {0x0300, 0x0002})
    void clientRefusesAServerHelloOfSsl3OrOlderWithProtocolVersion(int version) throws Exception {
        assertProtocolVersion(clientGetsServerHelloWithLegacyVersion(version));
    }

    @ParameterizedTest(name = "legacy_version {0}")
    @ValueSource(ints = {0x0301, 0x0304})
    void clientRefusesAServerHelloWithAnyOtherLegacyVersionThanTls12WithIllegalParameter(int version)
            throws Exception {
        TlsFailure f = clientGetsServerHelloWithLegacyVersion(version);
        assertInstanceOf(TlsFailure.Misbehaved.class, f, f.toString());
        assertEquals(PeerMisbehaved.WRONG_LEGACY_VERSION, ((TlsFailure.Misbehaved) f).reason());
        assertEquals(AlertDescription.ILLEGAL_PARAMETER, f.alert());
    }
}
