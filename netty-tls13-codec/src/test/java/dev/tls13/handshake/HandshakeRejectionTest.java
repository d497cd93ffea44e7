package dev.tls13.handshake;

import static dev.tls13.handshake.HandshakeHarness.CRYPTO;
import static dev.tls13.handshake.HandshakeHarness.HOST;
import static dev.tls13.handshake.HandshakeHarness.SUITES;
import static dev.tls13.handshake.HandshakeHarness.certified;
import static dev.tls13.handshake.HandshakeHarness.client;
import static dev.tls13.handshake.HandshakeHarness.decode;
import static dev.tls13.handshake.HandshakeHarness.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.tls13.crypto.KeyExchangeAlgorithm;
import dev.tls13.error.CertificateError;
import dev.tls13.error.PeerIncompatible;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.handshake.HandshakeHarness.Pair;
import dev.tls13.handshake.HandshakeHarness.Recorder;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.KeyType;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.Certificate;
import dev.tls13.wire.CertificateRequest;
import dev.tls13.wire.CertificateVerify;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.ClientHello;
import dev.tls13.wire.EncryptedExtensions;
import dev.tls13.wire.Extension;
import dev.tls13.wire.ExtensionType;
import dev.tls13.wire.Extensions;
import dev.tls13.wire.Finished;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.HandshakeMessage;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.ProtocolVersion;
import dev.tls13.wire.ServerHello;
import dev.tls13.wire.SignatureScheme;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Peer input each state machine must refuse, each with the alert RFC 8446 names. */
class HandshakeRejectionTest {

    // ------------------------------------------------------------------ helpers

    /** A pair whose server has answered the ClientHello; its flight is pending. */
    private static Pair serverFlight(ClientConfig client, ServerConfig server) throws TlsException {
        Pair pair = Pair.start(client, server);
        pair.toServer();
        return pair;
    }

    private static Pair serverFlight() throws TlsException {
        return serverFlight(client(), server());
    }

    /** Feeds the server's pending messages to the client, replacing message {@code index}. */
    private static void feedClient(Pair pair, int index, UnaryOperator<HandshakeMessage> change) throws TlsException {
        List<byte[]> pending = pair.pendingFromServer();
        for (int i = 0; i < pending.size(); i++) {
            byte[] m = pending.get(i);
            if (i == index) {
                m = HandshakeCodec.encode(change.apply(decode(m)));
            }
            pair.client = pair.client.on(decode(m), m, pair.clientOut);
        }
    }

    private static void feedClient(Pair pair, int index, HandshakeMessage replacement) throws TlsException {
        feedClient(pair, index, m -> replacement);
    }

    private static ServerHello withExtensions(ServerHello sh, Extensions extensions) {
        return new ServerHello(sh.legacyVersion(), sh.random(), sh.legacySessionIdEcho(), sh.cipherSuite(), extensions);
    }

    private static ClientHello withExtensions(ClientHello ch, List<Extension> extensions) {
        return new ClientHello(ch.legacyVersion(), ch.random(), ch.legacySessionId(), ch.cipherSuites(),
                new Extensions(extensions));
    }

    private static List<Extension> without(Extensions extensions, ExtensionType type) {
        List<Extension> l = new ArrayList<>();
        for (Extension e : extensions) {
            if (!e.type().equals(type)) {
                l.add(e);
            }
        }
        return l;
    }

    private static void assertMisbehaved(PeerMisbehaved reason, AlertDescription alert, Executable step) {
        TlsFailure f = Failures.failure(step);
        assertInstanceOf(TlsFailure.Misbehaved.class, f, f.toString());
        assertEquals(reason, ((TlsFailure.Misbehaved) f).reason(), f.toString());
        assertEquals(alert, f.alert());
    }

    private static void assertIncompatible(PeerIncompatible reason, AlertDescription alert, Executable step) {
        TlsFailure f = Failures.failure(step);
        assertInstanceOf(TlsFailure.Incompatible.class, f, f.toString());
        assertEquals(reason, ((TlsFailure.Incompatible) f).reason(), f.toString());
        assertEquals(alert, f.alert());
    }

    private static void assertCertificate(CertificateError reason, Executable step) {
        TlsFailure f = Failures.failure(step);
        assertInstanceOf(TlsFailure.CertificateRejected.class, f, f.toString());
        assertEquals(reason, ((TlsFailure.CertificateRejected) f).reason(), f.toString());
        assertEquals(reason.alert(), f.alert());
    }

    private static ClientConfig clientGroups(List<NamedGroup> groups, int shares) {
        return HandshakeNegotiationTest.clientWith(SUITES, groups, shares);
    }

    private static ServerConfig serverGroups(List<NamedGroup> groups, boolean cookie) {
        return HandshakeNegotiationTest.serverWith(SUITES, groups, cookie);
    }

    private static ServerHello helloRetryRequest(ClientHello ch, CipherSuite suite, Extension... extensions) {
        return new ServerHello(0x0303, ServerHello.helloRetryRequestRandom(), ch.legacySessionId(), suite,
                Extensions.of(extensions));
    }

    private static Extension tls13() {
        return new Extension.SupportedVersionsServerHello(ProtocolVersion.TLS_1_3);
    }

    // ------------------------------------------------------------------ client: HelloRetryRequest

    @Test
    void clientRejectsASecondHelloRetryRequestAsUnexpected() throws Exception {
        Pair pair = serverFlight(clientGroups(List.of(NamedGroup.X25519, NamedGroup.SECP256R1), 1),
                serverGroups(List.of(NamedGroup.SECP256R1), false));
        byte[] retry = pair.toClient();
        assertMisbehaved(PeerMisbehaved.SECOND_HELLO_RETRY_REQUEST, AlertDescription.UNEXPECTED_MESSAGE,
                () -> pair.client.on(decode(retry), retry, pair.clientOut));
    }

    @Test
    void clientRejectsAHelloRetryRequestThatChangesNothing() throws Exception {
        Pair pair = Pair.start(client(), server());
        ClientHello ch = (ClientHello) decode(pair.clientOut.sent().get(0));
        byte[] hrr = HandshakeCodec.encode(helloRetryRequest(ch, CipherSuite.TLS_AES_128_GCM_SHA256, tls13()));
        assertMisbehaved(PeerMisbehaved.HELLO_RETRY_REQUEST_CHANGES_NOTHING, AlertDescription.ILLEGAL_PARAMETER,
                () -> pair.client.on(decode(hrr), hrr, pair.clientOut));
    }

    @Test
    void clientRejectsAHelloRetryRequestForAnUnofferedGroup() throws Exception {
        Pair pair = Pair.start(client(), server());
        ClientHello ch = (ClientHello) decode(pair.clientOut.sent().get(0));
        byte[] hrr = HandshakeCodec.encode(helloRetryRequest(ch, CipherSuite.TLS_AES_128_GCM_SHA256,
                new Extension.KeyShareHelloRetryRequest(NamedGroup.X448), tls13()));
        assertMisbehaved(PeerMisbehaved.UNOFFERED_GROUP, AlertDescription.ILLEGAL_PARAMETER,
                () -> pair.client.on(decode(hrr), hrr, pair.clientOut));
    }

    @Test
    void clientRejectsAHelloRetryRequestForAGroupItAlreadySharedFor() throws Exception {
        Pair pair = Pair.start(client(), server());
        ClientHello ch = (ClientHello) decode(pair.clientOut.sent().get(0));
        byte[] hrr = HandshakeCodec.encode(helloRetryRequest(ch, CipherSuite.TLS_AES_128_GCM_SHA256,
                new Extension.KeyShareHelloRetryRequest(NamedGroup.X25519), tls13()));
        assertMisbehaved(PeerMisbehaved.KEY_SHARE_ALREADY_SENT, AlertDescription.ILLEGAL_PARAMETER,
                () -> pair.client.on(decode(hrr), hrr, pair.clientOut));
    }

    @Test
    void clientRejectsAHelloRetryRequestWithAnUnofferedSuite() throws Exception {
        Pair pair = Pair.start(client(), server());
        ClientHello ch = (ClientHello) decode(pair.clientOut.sent().get(0));
        byte[] hrr = HandshakeCodec.encode(helloRetryRequest(ch, CipherSuite.TLS_AES_128_CCM_SHA256,
                new Extension.KeyShareHelloRetryRequest(NamedGroup.SECP256R1), tls13()));
        assertMisbehaved(PeerMisbehaved.UNOFFERED_CIPHER_SUITE, AlertDescription.ILLEGAL_PARAMETER,
                () -> pair.client.on(decode(hrr), hrr, pair.clientOut));
    }

    @Test
    void clientRejectsAServerHelloWhoseSuiteDiffersFromTheHelloRetryRequests() throws Exception {
        Pair pair = serverFlight(clientGroups(List.of(NamedGroup.X25519, NamedGroup.SECP256R1), 1),
                serverGroups(List.of(NamedGroup.SECP256R1), false));
        pair.toClient();
        pair.toServer();
        assertMisbehaved(PeerMisbehaved.HELLO_RETRY_REQUEST_SUITE_CHANGED, AlertDescription.ILLEGAL_PARAMETER,
                () -> feedClient(pair, 0, m -> {
                    ServerHello sh = (ServerHello) m;
                    return new ServerHello(sh.legacyVersion(), sh.random(), sh.legacySessionIdEcho(),
                            CipherSuite.TLS_AES_256_GCM_SHA384, sh.extensions());
                }));
    }

    // ------------------------------------------------------------------ client: ServerHello

    @Test
    void clientRejectsAServerHelloWithAnUnofferedCipherSuite() throws Exception {
        Pair pair = serverFlight();
        assertMisbehaved(PeerMisbehaved.UNOFFERED_CIPHER_SUITE, AlertDescription.ILLEGAL_PARAMETER,
                () -> feedClient(pair, 0, m -> {
                    ServerHello sh = (ServerHello) m;
                    return new ServerHello(sh.legacyVersion(), sh.random(), sh.legacySessionIdEcho(),
                            CipherSuite.TLS_AES_128_CCM_SHA256, sh.extensions());
                }));
    }

    @Test
    void clientRejectsAServerHelloWithAnotherSessionId() throws Exception {
        Pair pair = serverFlight();
        assertMisbehaved(PeerMisbehaved.SESSION_ID_MISMATCH, AlertDescription.ILLEGAL_PARAMETER,
                () -> feedClient(pair, 0, m -> {
                    ServerHello sh = (ServerHello) m;
                    return new ServerHello(sh.legacyVersion(), sh.random(), new byte[32], sh.cipherSuite(),
                            sh.extensions());
                }));
    }

    @Test
    void clientRejectsAServerHelloCarryingTheDowngradeSentinel() throws Exception {
        for (int last = 0; last <= 1; last++) {
            Pair pair = serverFlight();
            byte[] sentinel = {0x44, 0x4F, 0x57, 0x4E, 0x47, 0x52, 0x44, (byte) last};
            assertMisbehaved(PeerMisbehaved.DOWNGRADE_DETECTED, AlertDescription.ILLEGAL_PARAMETER,
                    () -> feedClient(pair, 0, m -> {
                        ServerHello sh = (ServerHello) m;
                        byte[] random = sh.random().clone();
                        System.arraycopy(sentinel, 0, random, 24, 8);
                        return new ServerHello(sh.legacyVersion(), random, sh.legacySessionIdEcho(), sh.cipherSuite(),
                                sh.extensions());
                    }));
        }
    }

    @Test
    void clientRejectsATls12ServerHelloAsNoTls13() throws Exception {
        Pair pair = serverFlight();
        assertIncompatible(PeerIncompatible.NO_TLS13, AlertDescription.PROTOCOL_VERSION,
                () -> feedClient(pair, 0, m -> withExtensions((ServerHello) m,
                        new Extensions(without(((ServerHello) m).extensions(), ExtensionType.SUPPORTED_VERSIONS)))));
    }

    @Test
    void clientRejectsAServerHelloSelectingAnotherVersion() throws Exception {
        Pair pair = serverFlight();
        assertMisbehaved(PeerMisbehaved.UNOFFERED_VERSION, AlertDescription.ILLEGAL_PARAMETER,
                () -> feedClient(pair, 0, m -> {
                    List<Extension> l = without(((ServerHello) m).extensions(), ExtensionType.SUPPORTED_VERSIONS);
                    l.add(new Extension.SupportedVersionsServerHello(ProtocolVersion.TLS_1_2));
                    return withExtensions((ServerHello) m, new Extensions(l));
                }));
    }

    @Test
    void clientRejectsAServerHelloWithALegacyVersionOtherThanTls12() throws Exception {
        Pair pair = serverFlight();
        assertMisbehaved(PeerMisbehaved.WRONG_LEGACY_VERSION, AlertDescription.ILLEGAL_PARAMETER,
                () -> feedClient(pair, 0, m -> {
                    ServerHello sh = (ServerHello) m;
                    return new ServerHello(0x0304, sh.random(), sh.legacySessionIdEcho(), sh.cipherSuite(),
                            sh.extensions());
                }));
    }

    @Test
    void clientRejectsAServerHelloWithoutKeyShare() throws Exception {
        Pair pair = serverFlight();
        assertMisbehaved(PeerMisbehaved.MISSING_EXTENSION, AlertDescription.MISSING_EXTENSION,
                () -> feedClient(pair, 0, m -> withExtensions((ServerHello) m,
                        new Extensions(without(((ServerHello) m).extensions(), ExtensionType.KEY_SHARE)))));
    }

    @Test
    void clientRejectsAServerHelloKeyShareForAGroupWithoutClientShare() throws Exception {
        Pair pair = serverFlight();
        assertMisbehaved(PeerMisbehaved.UNOFFERED_GROUP, AlertDescription.ILLEGAL_PARAMETER,
                () -> feedClient(pair, 0, m -> {
                    List<Extension> l = without(((ServerHello) m).extensions(), ExtensionType.KEY_SHARE);
                    l.add(new Extension.KeyShareServerHello(new Extension.KeyShareEntry(NamedGroup.SECP256R1,
                            CRYPTO.generateKeyExchange(KeyExchangeAlgorithm.SECP256R1).publicKey())));
                    return withExtensions((ServerHello) m, new Extensions(l));
                }));
    }

    private static ServerHello withX25519Share(HandshakeMessage m, byte[] share) {
        List<Extension> l = without(((ServerHello) m).extensions(), ExtensionType.KEY_SHARE);
        l.add(new Extension.KeyShareServerHello(new Extension.KeyShareEntry(NamedGroup.X25519, share)));
        return withExtensions((ServerHello) m, new Extensions(l));
    }

    @Test
    void clientRejectsAServerKeyShareOfTheWrongLength() throws Exception {
        Pair pair = serverFlight();
        assertMisbehaved(PeerMisbehaved.INVALID_KEY_SHARE, AlertDescription.ILLEGAL_PARAMETER,
                () -> feedClient(pair, 0, m -> withX25519Share(m, new byte[31])));
    }

    @Test
    void clientRejectsAServerKeyShareGivingAnAllZeroSecret() throws Exception {
        Pair pair = serverFlight();
        assertMisbehaved(PeerMisbehaved.ZERO_SHARED_SECRET, AlertDescription.ILLEGAL_PARAMETER,
                () -> feedClient(pair, 0, m -> withX25519Share(m, new byte[32])));
    }

    @Test
    void clientRejectsAnUnsolicitedServerHelloExtension() throws Exception {
        Pair pair = serverFlight();
        assertMisbehaved(PeerMisbehaved.UNSOLICITED_EXTENSION, AlertDescription.UNSUPPORTED_EXTENSION,
                () -> feedClient(pair, 0, m -> {
                    List<Extension> l = new ArrayList<>(((ServerHello) m).extensions().list());
                    l.add(new Extension.UnknownExtension(ExtensionType.of(0xFFAA), new byte[0]));
                    return withExtensions((ServerHello) m, new Extensions(l));
                }));
    }

    // ------------------------------------------------------------------ client: EncryptedExtensions ... Finished

    @Test
    void clientRejectsAnUnsolicitedEncryptedExtension() throws Exception {
        Pair pair = serverFlight();
        assertMisbehaved(PeerMisbehaved.UNSOLICITED_EXTENSION, AlertDescription.UNSUPPORTED_EXTENSION,
                () -> feedClient(pair, 1, new EncryptedExtensions(Extensions.of(Extension.Alpn.of("h2")))));
    }

    @Test
    void clientRejectsAnAlpnReplyItDidNotOffer() throws Exception {
        Pair pair = serverFlight(HandshakeNegotiationTest.clientAlpn("h2"), server());
        assertMisbehaved(PeerMisbehaved.ILLEGAL_PARAMETER, AlertDescription.ILLEGAL_PARAMETER,
                () -> feedClient(pair, 1, new EncryptedExtensions(Extensions.of(Extension.Alpn.of("spdy/1")))));
    }

    @Test
    void clientRejectsAnAlpnReplyWithTwoProtocols() throws Exception {
        Pair pair = serverFlight(HandshakeNegotiationTest.clientAlpn("h2", "http/1.1"), server());
        assertMisbehaved(PeerMisbehaved.ILLEGAL_PARAMETER, AlertDescription.ILLEGAL_PARAMETER,
                () -> feedClient(pair, 1, new EncryptedExtensions(Extensions.of(Extension.Alpn.of("h2", "http/1.1")))));
    }

    @Test
    void clientRejectsAnEmptyServerCertificateWithDecodeError() throws Exception {
        Pair pair = serverFlight();
        assertMisbehaved(PeerMisbehaved.EMPTY_CERTIFICATE, AlertDescription.DECODE_ERROR,
                () -> feedClient(pair, 2, new Certificate(new byte[0], List.of())));
    }

    @Test
    void clientRejectsAServerCertificateWithARequestContext() throws Exception {
        Pair pair = serverFlight();
        assertMisbehaved(PeerMisbehaved.BAD_CERTIFICATE_REQUEST_CONTEXT, AlertDescription.ILLEGAL_PARAMETER,
                () -> feedClient(pair, 2, m -> new Certificate(new byte[] {1}, ((Certificate) m).entries())));
    }

    @Test
    void clientRejectsACertificateRequestWithAContext() throws Exception {
        Pair pair = serverFlight(client(), HandshakeNegotiationTest.serverWithClientAuth(ClientAuth.OPTIONAL, false));
        assertMisbehaved(PeerMisbehaved.BAD_CERTIFICATE_REQUEST_CONTEXT, AlertDescription.ILLEGAL_PARAMETER,
                () -> feedClient(pair, 2, m -> new CertificateRequest(new byte[] {1},
                        ((CertificateRequest) m).extensions())));
    }

    @Test
    void clientRejectsACertificateRequestWithoutSignatureAlgorithms() throws Exception {
        Pair pair = serverFlight(client(), HandshakeNegotiationTest.serverWithClientAuth(ClientAuth.OPTIONAL, false));
        assertMisbehaved(PeerMisbehaved.MISSING_EXTENSION, AlertDescription.MISSING_EXTENSION,
                () -> feedClient(pair, 2, new CertificateRequest(new byte[0],
                        Extensions.of(new Extension.UnknownExtension(ExtensionType.of(0xFFAB), new byte[0])))));
    }

    @Test
    void clientRejectsAChainFromAnUnknownCa() throws Exception {
        CertifiedKey foreign = certified(TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P384))
                .dns(HOST).build());
        Pair pair = serverFlight(client(), server(List.of(foreign)));
        assertCertificate(CertificateError.UNKNOWN_CA, () -> feedClient(pair, -1, m -> m));
    }

    @Test
    void clientRejectsAnExpiredCertificate() throws Exception {
        CertifiedKey expired = certified(TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P256))
                .dns(HOST).expired().build());
        Pair pair = serverFlight(client(), server(List.of(expired)));
        assertCertificate(CertificateError.CERTIFICATE_EXPIRED, () -> feedClient(pair, -1, m -> m));
    }

    @Test
    void clientRejectsACertificateForAnotherHost() throws Exception {
        Recorder out = new Recorder();
        Pair pair = new Pair(ClientHandshake.start(client(), "other.example", "other.example", out), out,
                ServerHandshake.start(server()), new Recorder());
        pair.toServer();
        assertCertificate(CertificateError.HOSTNAME_MISMATCH, () -> feedClient(pair, -1, m -> m));
    }

    @Test
    void clientRejectsABadCertificateVerifySignature() throws Exception {
        Pair pair = serverFlight();
        assertMisbehaved(PeerMisbehaved.BAD_SIGNATURE, AlertDescription.DECRYPT_ERROR,
                () -> feedClient(pair, 3, m -> {
                    CertificateVerify cv = (CertificateVerify) m;
                    byte[] signature = cv.signature().clone();
                    signature[signature.length / 2] ^= 1;
                    return new CertificateVerify(cv.algorithm(), signature);
                }));
    }

    @Test
    void clientRejectsACertificateVerifyWithAnUnofferedScheme() throws Exception {
        Pair pair = serverFlight();
        assertMisbehaved(PeerMisbehaved.UNOFFERED_SIGNATURE_SCHEME, AlertDescription.ILLEGAL_PARAMETER,
                () -> feedClient(pair, 3, m -> new CertificateVerify(SignatureScheme.RSA_PKCS1_SHA256,
                        ((CertificateVerify) m).signature())));
    }

    @Test
    void clientRejectsABadFinished() throws Exception {
        Pair pair = serverFlight();
        assertMisbehaved(PeerMisbehaved.BAD_FINISHED, AlertDescription.DECRYPT_ERROR,
                () -> feedClient(pair, 4, m -> {
                    byte[] v = ((Finished) m).verifyData().clone();
                    v[0] ^= 1;
                    return new Finished(v);
                }));
    }

    @Test
    void clientRejectsAFinishedOfTheWrongLengthWithDecodeError() throws Exception {
        Pair pair = serverFlight();
        Failures.assertAlert(AlertDescription.DECODE_ERROR, () -> feedClient(pair, 4, new Finished(new byte[31])));
    }

    @Test
    void clientRejectsAPostHandshakeCertificateRequestItDidNotOfferToAnswer() throws Exception {
        Pair pair = Pair.start(client(), server()).run();
        byte[] request = HandshakeCodec.encode(new CertificateRequest(new byte[] {1},
                Extensions.of(new Extension.SignatureAlgorithms(SignatureSchemes.DEFAULT))));
        Failures.assertUnexpected(() -> pair.client.on(decode(request), request, pair.clientOut));
    }

    // ------------------------------------------------------------------ server

    private static HandshakeState serverOn(ClientHello hello) throws TlsException {
        byte[] m = HandshakeCodec.encode(hello);
        return ServerHandshake.start(server()).on(decode(m), m, new Recorder());
    }

    private static ClientHello clientHello() throws TlsException {
        Recorder out = new Recorder();
        ClientHandshake.start(client(), HOST, HOST, out);
        return (ClientHello) decode(out.sent().get(0));
    }

    @Test
    void serverRejectsAClientHelloWithoutSupportedVersionsAsNoTls13() throws Exception {
        ClientHello ch = clientHello();
        assertIncompatible(PeerIncompatible.NO_TLS13, AlertDescription.PROTOCOL_VERSION,
                () -> serverOn(withExtensions(ch, without(ch.extensions(), ExtensionType.SUPPORTED_VERSIONS))));
    }

    @Test
    void serverRejectsAClientHelloOfferingOnlyTls12() throws Exception {
        ClientHello ch = clientHello();
        List<Extension> l = without(ch.extensions(), ExtensionType.SUPPORTED_VERSIONS);
        l.add(new Extension.SupportedVersionsClientHello(List.of(ProtocolVersion.TLS_1_2)));
        assertIncompatible(PeerIncompatible.NO_TLS13, AlertDescription.PROTOCOL_VERSION,
                () -> serverOn(withExtensions(ch, l)));
    }

    @Test
    void serverRejectsAClientHelloMissingAMandatoryExtension() throws Exception {
        ClientHello ch = clientHello();
        for (ExtensionType type : List.of(ExtensionType.SUPPORTED_GROUPS, ExtensionType.KEY_SHARE,
                ExtensionType.SIGNATURE_ALGORITHMS)) {
            assertMisbehaved(PeerMisbehaved.MISSING_EXTENSION, AlertDescription.MISSING_EXTENSION,
                    () -> serverOn(withExtensions(ch, without(ch.extensions(), type))));
        }
    }

    @Test
    void serverRejectsAClientHelloWithNoSuiteInCommon() throws Exception {
        ClientHello ch = clientHello();
        assertIncompatible(PeerIncompatible.NO_COMMON_CIPHER_SUITE, AlertDescription.HANDSHAKE_FAILURE,
                () -> serverOn(new ClientHello(ch.legacyVersion(), ch.random(), ch.legacySessionId(),
                        List.of(CipherSuite.TLS_AES_128_CCM_SHA256), ch.extensions())));
    }

    @Test
    void serverRejectsAClientHelloWithNoGroupInCommon() throws Exception {
        ClientHello ch = clientHello();
        List<Extension> l = without(ch.extensions(), ExtensionType.SUPPORTED_GROUPS);
        l.add(new Extension.SupportedGroups(List.of(NamedGroup.FFDHE2048)));
        l = without(new Extensions(l), ExtensionType.KEY_SHARE);
        l.add(new Extension.KeyShareClientHello(List.of()));
        List<Extension> extensions = l;
        assertIncompatible(PeerIncompatible.NO_COMMON_GROUP, AlertDescription.HANDSHAKE_FAILURE,
                () -> serverOn(withExtensions(ch, extensions)));
    }

    @Test
    void serverRejectsAKeyShareForAGroupNotInSupportedGroups() throws Exception {
        ClientHello ch = clientHello();
        List<Extension> l = without(ch.extensions(), ExtensionType.SUPPORTED_GROUPS);
        l.add(new Extension.SupportedGroups(List.of(NamedGroup.SECP256R1)));
        assertMisbehaved(PeerMisbehaved.ILLEGAL_PARAMETER, AlertDescription.ILLEGAL_PARAMETER,
                () -> serverOn(withExtensions(ch, l)));
    }

    private static Pair afterHelloRetryRequest(boolean cookie) throws TlsException {
        Pair pair = serverFlight(clientGroups(List.of(NamedGroup.X25519, NamedGroup.SECP256R1), 1),
                serverGroups(List.of(NamedGroup.SECP256R1), cookie));
        pair.toClient();
        return pair;
    }

    private static void secondHelloRejected(Pair pair, UnaryOperator<ClientHello> change) throws TlsException {
        byte[] m = HandshakeCodec.encode(change.apply((ClientHello) decode(pair.clientOut.sent().get(1))));
        assertMisbehaved(PeerMisbehaved.SECOND_CLIENT_HELLO_CHANGED, AlertDescription.ILLEGAL_PARAMETER,
                () -> pair.server.on(decode(m), m, pair.serverOut));
    }

    @Test
    void serverRejectsASecondClientHelloThatChangedItsSuites() throws Exception {
        secondHelloRejected(afterHelloRetryRequest(false), ch -> new ClientHello(ch.legacyVersion(), ch.random(),
                ch.legacySessionId(), List.of(CipherSuite.TLS_AES_128_GCM_SHA256), ch.extensions()));
    }

    @Test
    void serverRejectsASecondClientHelloWithAShareForAnotherGroup() throws Exception {
        Pair pair = afterHelloRetryRequest(false);
        ClientHello first = (ClientHello) decode(pair.clientOut.sent().get(0));
        secondHelloRejected(pair, ch -> {
            List<Extension> l = without(ch.extensions(), ExtensionType.KEY_SHARE);
            l.add(first.extensions().find(Extension.KeyShareClientHello.class).orElseThrow());
            return withExtensions(ch, l);
        });
    }

    @Test
    void serverRejectsASecondClientHelloWithoutTheCookie() throws Exception {
        Pair pair = afterHelloRetryRequest(true);
        secondHelloRejected(pair, ch -> withExtensions(ch, without(ch.extensions(), ExtensionType.COOKIE)));
    }

    @Test
    void serverRejectsASecondClientHelloThatStillOffersEarlyData() throws Exception {
        secondHelloRejected(afterHelloRetryRequest(false), ch -> {
            List<Extension> l = new ArrayList<>(ch.extensions().list());
            l.add(new Extension.EarlyData());
            return withExtensions(ch, l);
        });
    }

    @Test
    void serverRejectsASecondClientHelloWithAnotherCookie() throws Exception {
        Pair pair = afterHelloRetryRequest(true);
        secondHelloRejected(pair, ch -> {
            List<Extension> l = without(ch.extensions(), ExtensionType.COOKIE);
            l.add(new Extension.Cookie(new byte[32]));
            return withExtensions(ch, l);
        });
    }

    /** Runs a client-auth handshake up to the client's second flight, pending at the server. */
    private static Pair clientFlight(ClientConfig client, ServerConfig server) throws TlsException {
        Pair pair = serverFlight(client, server);
        while (pair.serverOut.delivered < pair.serverOut.sent().size()) {
            pair.toClient();
        }
        return pair;
    }

    private static void feedServer(Pair pair, int index, UnaryOperator<HandshakeMessage> change) throws TlsException {
        List<byte[]> sent = pair.clientOut.sent();
        for (int i = pair.clientOut.delivered; i < sent.size(); i++) {
            byte[] m = sent.get(i);
            if (i - pair.clientOut.delivered == index) {
                m = HandshakeCodec.encode(change.apply(decode(m)));
            }
            pair.server = pair.server.on(decode(m), m, pair.serverOut);
        }
    }

    @Test
    void serverRejectsABadClientFinished() throws Exception {
        Pair pair = clientFlight(client(), server());
        assertMisbehaved(PeerMisbehaved.BAD_FINISHED, AlertDescription.DECRYPT_ERROR, () -> feedServer(pair, 0, m -> {
            byte[] v = ((Finished) m).verifyData().clone();
            v[3] ^= 0x40;
            return new Finished(v);
        }));
    }

    @Test
    void serverRejectsABadClientCertificateVerify() throws Exception {
        Pair pair = clientFlight(HandshakeNegotiationTest.clientWithCredentials(
                List.of(HandshakeNegotiationTest.clientCertificate(KeyType.ED25519))),
                HandshakeNegotiationTest.serverWithClientAuth(ClientAuth.REQUIRE, false));
        assertMisbehaved(PeerMisbehaved.BAD_SIGNATURE, AlertDescription.DECRYPT_ERROR, () -> feedServer(pair, 1, m -> {
            CertificateVerify cv = (CertificateVerify) m;
            byte[] signature = cv.signature().clone();
            signature[0] ^= 1;
            return new CertificateVerify(cv.algorithm(), signature);
        }));
    }

    @Test
    void serverRejectsAClientChainFromAnUnknownCa() throws Exception {
        CertifiedKey foreign = certified(TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P384))
                .commonName("client").build());
        Pair pair = clientFlight(HandshakeNegotiationTest.clientWithCredentials(List.of(foreign)),
                HandshakeNegotiationTest.serverWithClientAuth(ClientAuth.REQUIRE, false));
        assertCertificate(CertificateError.UNKNOWN_CA, () -> feedServer(pair, -1, m -> m));
    }

    @Test
    void serverRejectsAClientCertificateWithAnotherRequestContext() throws Exception {
        Pair pair = clientFlight(client(), HandshakeNegotiationTest.serverWithClientAuth(ClientAuth.OPTIONAL, false));
        assertMisbehaved(PeerMisbehaved.BAD_CERTIFICATE_REQUEST_CONTEXT, AlertDescription.ILLEGAL_PARAMETER,
                () -> feedServer(pair, 0, m -> new Certificate(new byte[] {7}, List.of())));
    }
}
