package dev.tls13.handshake;

import static dev.tls13.handshake.HandshakeHarness.GROUPS;
import static dev.tls13.handshake.HandshakeHarness.HOST;
import static dev.tls13.handshake.HandshakeHarness.SUITES;
import static dev.tls13.handshake.HandshakeHarness.certified;
import static dev.tls13.handshake.HandshakeHarness.serverCertificate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.error.PeerIncompatible;
import dev.tls13.error.TlsFailure;
import dev.tls13.handshake.HandshakeHarness.ChangeCipherSpec;
import dev.tls13.handshake.HandshakeHarness.Pair;
import dev.tls13.handshake.HandshakeHarness.Recorder;
import dev.tls13.handshake.HandshakeHarness.Sent;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.ClientHello;
import dev.tls13.wire.EncryptedExtensions;
import dev.tls13.wire.Extension;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.ServerHello;
import dev.tls13.wire.SignatureScheme;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What client and server negotiate: suites, groups, certificates, HRR, ALPN, SNI, middlebox mode, client auth. */
class HandshakeNegotiationTest {

    static final List<CipherSuite> ALL_SUITES = List.of(CipherSuite.TLS_AES_128_GCM_SHA256,
            CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
            CipherSuite.TLS_AES_128_CCM_SHA256, CipherSuite.TLS_AES_128_CCM_8_SHA256);
    static final List<NamedGroup> ALL_GROUPS = List.of(NamedGroup.X25519, NamedGroup.SECP256R1,
            NamedGroup.SECP384R1, NamedGroup.SECP521R1, NamedGroup.X448);

    static ClientConfig clientWith(List<CipherSuite> suites, List<NamedGroup> groups, int shares) {
        return HandshakeHarness.client(c -> {
            c.suites = suites;
            c.groups = groups;
            c.shares = shares;
        });
    }

    static ServerConfig serverWith(List<CipherSuite> suites, List<NamedGroup> groups, boolean cookie) {
        return HandshakeHarness.server(c -> {
            c.suites = suites;
            c.groups = groups;
            c.cookie = cookie;
        });
    }

    static ClientConfig clientAlpn(String... protocols) {
        return HandshakeHarness.client(c -> c.alpn = List.of(protocols));
    }

    static ServerConfig serverAlpn(boolean fail, String... protocols) {
        return HandshakeHarness.server(c -> {
            c.alpn = List.of(protocols);
            c.failOnAlpnMismatch = fail;
        });
    }

    /** One dynamic test per suite and group (the leak-checking extension runs once around them all). */
    @TestFactory
    Stream<DynamicTest> completesWithEverySuiteAndGroup() {
        List<DynamicTest> tests = new ArrayList<>();
        for (CipherSuite suite : ALL_SUITES) {
            for (NamedGroup group : ALL_GROUPS) {
                tests.add(DynamicTest.dynamicTest(suite + " with " + group, () -> {
                    Pair pair = Pair.start(clientWith(List.of(suite), List.of(group), 1),
                            serverWith(ALL_SUITES, ALL_GROUPS, false)).run().assertConnectedWithMatchingKeys();
                    assertEquals(suite, pair.clientOut.session().cipherSuite());
                    assertEquals(suite, pair.serverOut.session().cipherSuite());
                    assertEquals(group, pair.clientOut.session().namedGroup());
                    assertEquals(group, pair.serverOut.session().namedGroup());
                    assertFalse(pair.clientOut.session().helloRetryRequest());
                }));
            }
        }
        return tests.stream();
    }

    @Test
    void serverPicksTheSuiteByItsOwnPreference() throws Exception {
        Pair pair = Pair.start(clientWith(ALL_SUITES, GROUPS, 1),
                serverWith(List.of(CipherSuite.TLS_CHACHA20_POLY1305_SHA256, CipherSuite.TLS_AES_128_GCM_SHA256),
                        GROUPS, false)).run().assertConnectedWithMatchingKeys();
        assertEquals(CipherSuite.TLS_CHACHA20_POLY1305_SHA256, pair.clientOut.session().cipherSuite());
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void authenticatesServerCertificatesOfEveryKeyType(KeyType type) throws Exception {
        Pair pair = Pair.start(HandshakeHarness.client(), HandshakeHarness.server(List.of(certified(
                serverCertificate(type)))))
                .run().assertConnectedWithMatchingKeys();
        SignatureScheme scheme = pair.clientOut.session().peerSignatureScheme();
        assertTrue(SignatureSchemes.forKey(pair.clientOut.session().peerCertificates().get(0).getPublicKey())
                .contains(scheme), scheme.toString());
    }

    @Test
    void serverChoosesAmongItsCertificatesByTheClientsSignatureAlgorithms() throws Exception {
        List<CertifiedKey> keys = List.of(certified(serverCertificate(KeyType.EC_P256)),
                certified(serverCertificate(KeyType.RSA_2048)), certified(serverCertificate(KeyType.ED25519)));
        for (SignatureScheme wanted : List.of(SignatureScheme.ED25519, SignatureScheme.RSA_PSS_RSAE_SHA384,
                SignatureScheme.ECDSA_SECP256R1_SHA256)) {
            ClientConfig c = HandshakeHarness.client(spec -> {
                spec.schemes = List.of(wanted);
                spec.certSchemes = SignatureSchemes.DEFAULT_CERT;
            });
            Pair pair = Pair.start(c, HandshakeHarness.server(keys)).run().assertConnectedWithMatchingKeys();
            assertEquals(wanted, pair.clientOut.session().peerSignatureScheme());
        }
    }

    @ParameterizedTest(name = "cookie {0}")
    @ValueSource(booleans = {false, true})
    void helloRetryRequestWhenTheClientHasNoShareForTheServersGroup(boolean cookie) throws Exception {
        Pair pair = Pair.start(clientWith(SUITES, List.of(NamedGroup.X25519, NamedGroup.SECP256R1), 1),
                serverWith(SUITES, List.of(NamedGroup.SECP256R1, NamedGroup.X25519), cookie));
        pair.toServer();
        ServerHello retry = (ServerHello) HandshakeHarness.decode(pair.pendingFromServer().get(0));
        assertTrue(retry.isHelloRetryRequest());
        assertEquals(cookie, retry.extensions().find(Extension.Cookie.class).isPresent());
        pair.run().assertConnectedWithMatchingKeys();
        assertTrue(pair.clientOut.session().helloRetryRequest());
        assertTrue(pair.serverOut.session().helloRetryRequest());
        assertEquals(NamedGroup.SECP256R1, pair.clientOut.session().namedGroup());
        ClientHello second = (ClientHello) HandshakeHarness.decode(pair.clientOut.sent().get(1));
        assertEquals(cookie, second.extensions().find(Extension.Cookie.class).isPresent());
        assertEquals(List.of(NamedGroup.SECP256R1), second.extensions().find(Extension.KeyShareClientHello.class)
                .orElseThrow().entries().stream().map(Extension.KeyShareEntry::group).toList());
    }

    @Test
    void middleboxModeSendsSessionIdAndOneCcsEachWay() throws Exception {
        Pair pair = Pair.start(HandshakeHarness.client(), HandshakeHarness.server()).run()
                .assertConnectedWithMatchingKeys();
        ClientHello hello = (ClientHello) HandshakeHarness.decode(pair.clientOut.sent().get(0));
        assertEquals(32, hello.legacySessionId().length);
        assertEquals(1, pair.clientOut.count(ChangeCipherSpec.class));
        assertEquals(1, pair.serverOut.count(ChangeCipherSpec.class));
        // the server's CCS directly follows its ServerHello
        assertInstanceOf(Sent.class, pair.serverOut.effects.get(0));
        assertInstanceOf(ChangeCipherSpec.class, pair.serverOut.effects.get(1));
    }

    @Test
    void middleboxModeAfterHelloRetryRequestSendsTheCcsBeforeTheSecondClientHelloOnly() throws Exception {
        Pair pair = Pair.start(clientWith(SUITES, List.of(NamedGroup.X25519, NamedGroup.SECP256R1), 1),
                serverWith(SUITES, List.of(NamedGroup.SECP256R1), false)).run().assertConnectedWithMatchingKeys();
        assertEquals(1, pair.clientOut.count(ChangeCipherSpec.class));
        assertEquals(1, pair.serverOut.count(ChangeCipherSpec.class));
        assertInstanceOf(ChangeCipherSpec.class, pair.clientOut.effects.get(1));
        assertInstanceOf(Sent.class, pair.clientOut.effects.get(2));
    }

    @Test
    void withoutMiddleboxModeThereIsNoSessionIdAndNoCcs() throws Exception {
        ClientConfig c = HandshakeHarness.client(spec -> spec.middlebox = false);
        Pair pair = Pair.start(c, HandshakeHarness.server()).run().assertConnectedWithMatchingKeys();
        ClientHello hello = (ClientHello) HandshakeHarness.decode(pair.clientOut.sent().get(0));
        assertEquals(0, hello.legacySessionId().length);
        assertEquals(0, pair.clientOut.count(ChangeCipherSpec.class));
        assertEquals(0, pair.serverOut.count(ChangeCipherSpec.class));
    }

    @Test
    void alpnServerPicksItsFirstProtocolThatTheClientOffered() throws Exception {
        Pair pair = Pair.start(clientAlpn("http/1.1", "h2"), serverAlpn(true, "h2", "http/1.1"))
                .run().assertConnectedWithMatchingKeys();
        assertEquals("h2", pair.clientOut.session().applicationProtocol());
        assertEquals("h2", pair.serverOut.session().applicationProtocol());
    }

    @Test
    void alpnMismatchFailsWithNoApplicationProtocolWhenConfigured() throws Exception {
        Pair pair = Pair.start(clientAlpn("http/1.1"), serverAlpn(true, "h2"));
        TlsFailure f = Failures.failure(pair::run);
        assertEquals(AlertDescription.NO_APPLICATION_PROTOCOL, f.alert());
        assertEquals(PeerIncompatible.NO_APPLICATION_PROTOCOL, ((TlsFailure.Incompatible) f).reason());
    }

    @Test
    void alpnMismatchContinuesWithoutAProtocolWhenAllowed() throws Exception {
        Pair pair = Pair.start(clientAlpn("http/1.1"), serverAlpn(false, "h2")).run()
                .assertConnectedWithMatchingKeys();
        assertNull(pair.clientOut.session().applicationProtocol());
        assertNull(pair.serverOut.session().applicationProtocol());
        EncryptedExtensions ee = (EncryptedExtensions) HandshakeHarness.decode(pair.serverOut.sent().get(1));
        assertTrue(ee.extensions().find(Extension.Alpn.class).isEmpty());
    }

    @Test
    void serverNameIsSentReceivedAndAcknowledged() throws Exception {
        Pair pair = Pair.start(HandshakeHarness.client(), HandshakeHarness.server()).run();
        ClientHello hello = (ClientHello) HandshakeHarness.decode(pair.clientOut.sent().get(0));
        assertEquals(HOST, hello.extensions().find(Extension.ServerName.class).orElseThrow().hostName()
                .orElseThrow());
        assertEquals(HOST, pair.serverOut.session().serverName());
        EncryptedExtensions ee = (EncryptedExtensions) HandshakeHarness.decode(pair.serverOut.sent().get(1));
        assertTrue(ee.extensions().find(Extension.ServerName.class).orElseThrow().names().isEmpty());
    }

    @Test
    void noServerNameForAnIpLiteralNorWhenNoneIsGiven() throws Exception {
        for (String name : new String[] {"127.0.0.1", "::1", null}) {
            Recorder out = new Recorder();
            HandshakeState server = ServerHandshake.start(HandshakeHarness.server());
            ClientHandshake.start(HandshakeHarness.client(), name, null, out);
            ClientHello hello = (ClientHello) HandshakeHarness.decode(out.sent().get(0));
            assertTrue(hello.extensions().find(Extension.ServerName.class).isEmpty(), String.valueOf(name));
            Recorder serverOut = new Recorder();
            server.on(hello, out.sent().get(0), serverOut);
            EncryptedExtensions ee = (EncryptedExtensions) HandshakeHarness.decode(serverOut.sent().get(1));
            assertTrue(ee.extensions().find(Extension.ServerName.class).isEmpty());
        }
    }

    static ServerConfig serverWithClientAuth(ClientAuth auth, boolean authorities) {
        return HandshakeHarness.server(c -> {
            c.clientAuth = auth;
            c.clientTrust = TestPki.trustManager(TestPki.ca(KeyType.RSA_2048).certificate());
            c.certificateAuthorities = authorities;
        });
    }

    static ClientConfig clientWithCredentials(List<CertifiedKey> credentials) {
        return HandshakeHarness.client(c -> c.credentials = credentials);
    }

    static CertifiedKey clientCertificate(KeyType type) {
        Issued issued = TestPki.leaf(type).issuer(TestPki.ca(KeyType.RSA_2048)).commonName("client").build();
        return certified(issued);
    }

    @ParameterizedTest
    @EnumSource(value = ClientAuth.class, names = {"OPTIONAL", "REQUIRE"})
    void clientAuthenticatesWithACertificateWhenAsked(ClientAuth auth) throws Exception {
        CertifiedKey credential = clientCertificate(KeyType.EC_P384);
        Pair pair = Pair.start(clientWithCredentials(List.of(credential)), serverWithClientAuth(auth, true))
                .run().assertConnectedWithMatchingKeys();
        assertEquals(credential.chain(), pair.serverOut.session().peerCertificates());
        assertEquals(SignatureScheme.ECDSA_SECP384R1_SHA384, pair.serverOut.session().peerSignatureScheme());
        assertEquals(credential.chain(), pair.clientOut.session().localCertificates());
        assertEquals(SignatureScheme.ECDSA_SECP384R1_SHA384, pair.clientOut.session().localSignatureScheme());
    }

    @Test
    void optionalClientAuthAcceptsAClientWithoutCertificate() throws Exception {
        Pair pair = Pair.start(HandshakeHarness.client(), serverWithClientAuth(ClientAuth.OPTIONAL, false))
                .run().assertConnectedWithMatchingKeys();
        assertTrue(pair.serverOut.session().peerCertificates().isEmpty());
        assertNull(pair.serverOut.session().peerSignatureScheme());
        assertNull(pair.clientOut.session().localSignatureScheme());
    }

    @Test
    void requiredClientAuthRejectsAClientWithoutCertificate() throws Exception {
        Pair pair = Pair.start(HandshakeHarness.client(), serverWithClientAuth(ClientAuth.REQUIRE, false));
        TlsFailure f = Failures.failure(pair::run);
        assertEquals(AlertDescription.CERTIFICATE_REQUIRED, f.alert());
    }

    @Test
    void clientSendsNoCertificateWhenNoneIsFromARequestedAuthority() throws Exception {
        Issued otherCa = TestPki.newCa("Other CA", TestPki.keyPair(KeyType.EC_P256));
        CertifiedKey foreign = certified(TestPki.leaf(KeyType.EC_P256).issuer(otherCa).commonName("c").build());
        Pair pair = Pair.start(clientWithCredentials(List.of(foreign)),
                serverWithClientAuth(ClientAuth.OPTIONAL, true)).run().assertConnectedWithMatchingKeys();
        assertTrue(pair.serverOut.session().peerCertificates().isEmpty());
    }
}
