package dev.tls13.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.DeterministicCryptoProvider;
import dev.tls13.crypto.KeyExchange;
import dev.tls13.crypto.KeyExchangeAlgorithm;
import dev.tls13.handshake.HandshakeHarness.Keys;
import dev.tls13.handshake.HandshakeHarness.Recorder;
import dev.tls13.handshake.HandshakeHarness.Ticket;
import dev.tls13.testing.Hex;
import dev.tls13.testing.Rfc8448;
import dev.tls13.testing.Rfc8448.Step;
import dev.tls13.testing.Rfc8448.Trace;
import dev.tls13.testing.TestPki;
import dev.tls13.wire.CertificateVerify;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.ClientHello;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.SignatureScheme;

import java.math.BigInteger;
import java.net.Socket;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

import org.junit.jupiter.api.Test;

/**
 * The state machines replaying RFC 8448 §3 (a simple 1-RTT handshake): as the client, byte for byte;
 * as the server, the ServerHello, Certificate and the handshake keys byte for byte.
 */
class Rfc8448HandshakeTest {

    private static final Trace TRACE = Trace.SIMPLE_1RTT;

    private static byte[] message(String who, String name) {
        return message(TRACE, who, name);
    }

    private static byte[] message(Trace trace, String who, String name) {
        String step = "construct a" + (name.startsWith("E") ? "n " : " ") + name + " handshake";
        return Rfc8448.one(trace, who, step).bytes(name);
    }

    private static Keys keys(boolean write, String who, String step) {
        return keys(TRACE, write, who, step);
    }

    private static Keys keys(Trace trace, boolean write, String who, String step) {
        Step s = Rfc8448.one(trace, who, step);
        return new Keys(write, Hex.encode(s.bytes("key expanded")), Hex.encode(s.bytes("iv expanded")));
    }

    private static X509Certificate traceCertificate() throws Exception {
        return certificateOf(message("server", "Certificate"));
    }

    /** The first certificate of an encoded Certificate message with an empty context. */
    private static X509Certificate certificateOf(byte[] m) throws Exception {
        // header(4) context length(1)=0 list length(3) cert_data length(3) cert_data
        int length = (m[8] & 0xFF) << 16 | (m[9] & 0xFF) << 8 | m[10] & 0xFF;
        byte[] der = new byte[length];
        System.arraycopy(m, 11, der, 0, length);
        return TestPki.toJdk(der);
    }

    private static PrivateKey traceServerKey() throws Exception {
        Map<String, String> k = Rfc8448.rsaServerKey();
        return KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateCrtKeySpec(n(k, "modulus"),
                n(k, "public exponent"), n(k, "private exponent"), n(k, "prime1"), n(k, "prime2"),
                n(k, "exponent1"), n(k, "exponent2"), n(k, "coefficient")));
    }

    private static BigInteger n(Map<String, String> key, String name) {
        return new BigInteger(key.get(name), 16);
    }

    /**
     * Trusts exactly one certificate, checking its validity at a fixed date (the trace's certificate
     * expired in 2026).
     */
    static final class PinnedTrustManager extends X509ExtendedTrustManager {
        private final X509Certificate anchor;
        private final Date date;

        PinnedTrustManager(X509Certificate anchor, Instant date) {
            this.anchor = anchor;
            this.date = Date.from(date);
        }

        private void check(X509Certificate[] chain) throws CertificateException {
            if (chain.length == 0 || !chain[0].equals(anchor)) {
                throw new CertificateException("not the pinned certificate");
            }
            chain[0].checkValidity(date);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[] {anchor};
        }
    }

    @Test
    void clientReplaysSection3ByteForByte() throws Exception {
        byte[] clientHelloBytes = message("client", "ClientHello");
        ClientHello hello = (ClientHello) HandshakeHarness.decode(clientHelloBytes);
        DeterministicCryptoProvider crypto = DeterministicCryptoProvider.builder()
                .ephemeralPrivateKey(KeyExchangeAlgorithm.X25519,
                        Rfc8448.one(TRACE, "client", "create an ephemeral").bytes("private key"))
                .build();
        KeyExchange share = crypto.generateKeyExchange(KeyExchangeAlgorithm.X25519);
        ClientConfig config = ClientConfig.builder(crypto,
                        new PinnedTrustManager(traceCertificate(), DeterministicCryptoProvider.DEFAULT_INSTANT))
                .cipherSuites(hello.cipherSuites()).namedGroups(List.of(NamedGroup.X25519))
                .signatureSchemesCert(List.of()).endpointIdentificationAlgorithm(null)
                .middleboxCompatibility(false).build();
        Recorder out = new Recorder();
        HandshakeState state = ClientHandshake.start(config, hello, List.of(share), null, out);
        assertArrayEquals(clientHelloBytes, out.sent().get(0));

        for (String name : List.of("ServerHello", "EncryptedExtensions", "Certificate", "CertificateVerify",
                "Finished")) {
            byte[] m = message("server", name);
            state = state.on(HandshakeHarness.decode(m), m, out);
        }
        assertTrue(state.isConnected());
        assertEquals(2, out.sent().size());
        assertArrayEquals(message("client", "Finished"), out.sent().get(1));
        assertEquals(List.of(
                flip(keys(true, "server", "derive write traffic keys for handshake data")),
                flip(keys(true, "server", "derive write traffic keys for application data"))), out.keys(false));
        assertEquals(List.of(
                flip(keys(false, "server", "derive read traffic keys for handshake data")),
                keys(true, "client", "derive write traffic keys for application data")), out.keys(true));
        HandshakeSummary session = out.session();
        assertEquals(CipherSuite.TLS_AES_128_GCM_SHA256, session.cipherSuite());
        assertEquals(SignatureScheme.RSA_PSS_RSAE_SHA256, session.peerSignatureScheme());
        assertEquals("server", session.serverName());

        byte[] ticket = message("server", "NewSessionTicket");
        state = state.on(HandshakeHarness.decode(ticket), ticket, out);
        Ticket t = (Ticket) out.effects.get(out.effects.size() - 1);
        assertArrayEquals(Rfc8448.one(TRACE, "server", "generate resumption secret").bytes("expanded"), t.psk());
        assertTrue(state.isConnected());
    }

    /**
     * Runs a client from a trace's ClientHello and x25519 key through the server's messages, trusting
     * the trace's server certificate.
     */
    private static Recorder replayClient(Trace trace, List<String> serverMessages, List<CertifiedKey> credentials)
            throws Exception {
        byte[] clientHelloBytes = message(trace, "client", "ClientHello");
        ClientHello hello = (ClientHello) HandshakeHarness.decode(clientHelloBytes);
        DeterministicCryptoProvider crypto = DeterministicCryptoProvider.builder()
                .ephemeralPrivateKey(KeyExchangeAlgorithm.X25519,
                        Rfc8448.one(trace, "client", "create an ephemeral").bytes("private key"))
                .build();
        X509Certificate anchor = certificateOf(message(trace, "server", "Certificate"));
        ClientConfig config = ClientConfig.builder(crypto,
                        new PinnedTrustManager(anchor, DeterministicCryptoProvider.DEFAULT_INSTANT))
                .cipherSuites(hello.cipherSuites()).namedGroups(List.of(NamedGroup.X25519))
                .signatureSchemesCert(List.of()).endpointIdentificationAlgorithm(null)
                .middleboxCompatibility(false).clientCredentials(credentials).build();
        Recorder out = new Recorder();
        HandshakeState state = ClientHandshake.start(config, hello,
                List.of(crypto.generateKeyExchange(KeyExchangeAlgorithm.X25519)), null, out);
        assertArrayEquals(clientHelloBytes, out.sent().get(0));
        for (String name : serverMessages) {
            byte[] m = message(trace, "server", name);
            state = state.on(HandshakeHarness.decode(m), m, out);
        }
        assertTrue(state.isConnected());
        return out;
    }

    @Test
    void clientReplaysSection7CompatibilityModeWithOneChangeCipherSpecBeforeItsFinished() throws Exception {
        Recorder out = replayClient(Trace.COMPAT_MODE, List.of("ServerHello", "EncryptedExtensions", "Certificate",
                "CertificateVerify", "Finished"), List.of());
        assertEquals(32, ((ClientHello) HandshakeHarness.decode(out.sent().get(0))).legacySessionId().length);
        assertEquals(1, out.count(HandshakeHarness.ChangeCipherSpec.class));
        int ccs = out.effects.indexOf(new HandshakeHarness.ChangeCipherSpec());
        assertTrue(out.effects.get(ccs + 1) instanceof Keys, "the CCS precedes the handshake write keys");
        assertArrayEquals(message(Trace.COMPAT_MODE, "client", "Finished"), out.sent().get(1));
    }

    @Test
    void clientReplaysSection6ServerFlightWithCertificateRequestAndAnswersWithoutCredentials() throws Exception {
        // The trace does not publish the client's private key, so this client has no credential: it verifies
        // the trace's ECDSA server flight with its CertificateRequest and answers with an empty Certificate.
        Recorder out = replayClient(Trace.CLIENT_AUTH, List.of("ServerHello", "EncryptedExtensions",
                "CertificateRequest", "Certificate", "CertificateVerify", "Finished"), List.of());
        assertEquals(3, out.sent().size());
        assertArrayEquals(Hex.decode("0b00000400000000"), out.sent().get(1));
        assertEquals(SignatureScheme.ECDSA_SECP256R1_SHA256, out.session().peerSignatureScheme());
        assertTrue(out.session().localCertificates().isEmpty());
        assertEquals(List.of(
                flip(keys(Trace.CLIENT_AUTH, true, "server", "derive write traffic keys for handshake data")),
                flip(keys(Trace.CLIENT_AUTH, true, "server", "derive write traffic keys for application data"))),
                out.keys(false));
    }

    private static Keys flip(Keys k) {
        return new Keys(!k.write(), k.key(), k.iv());
    }

    @Test
    void serverReplaysSection3ServerHelloCertificateAndHandshakeKeys() throws Exception {
        byte[] serverHello = message("server", "ServerHello");
        byte[] serverRandom = new byte[32];
        System.arraycopy(serverHello, 6, serverRandom, 0, 32);
        DeterministicCryptoProvider crypto = DeterministicCryptoProvider.builder()
                .random(serverRandom)
                .ephemeralPrivateKey(KeyExchangeAlgorithm.X25519,
                        Rfc8448.one(TRACE, "server", "create an ephemeral").bytes("private key"))
                .build();
        CertifiedKey traceKey = new CertifiedKey(List.of(traceCertificate()), traceServerKey());
        ServerConfig config = ServerConfig.builder(crypto, new CertificateSelector(List.of(traceKey)))
                .cipherSuites(List.of(CipherSuite.TLS_AES_128_GCM_SHA256)).namedGroups(List.of(NamedGroup.X25519))
                .failOnAlpnMismatch(false).certificateAuthorities(false).build();
        Recorder out = new Recorder();
        byte[] clientHello = message("client", "ClientHello");
        HandshakeState state = ServerHandshake.start(config).on(HandshakeHarness.decode(clientHello), clientHello,
                out);
        List<byte[]> sent = out.sent();
        assertArrayEquals(serverHello, sent.get(0));
        // Our EncryptedExtensions acknowledges server_name only; the trace's also carries supported_groups
        // and record_size_limit, so it, the CertificateVerify over it (RSA-PSS is randomised anyway) and
        // the Finished differ. The Certificate message does not depend on them.
        assertArrayEquals(message("server", "Certificate"), sent.get(2));
        Keys serverHandshakeWrite = keys(true, "server", "derive write traffic keys for handshake data");
        Keys serverHandshakeRead = keys(false, "server", "derive read traffic keys for handshake data");
        assertEquals(serverHandshakeWrite, out.keys(true).get(0));
        assertEquals(serverHandshakeRead, out.keys(false).get(0));
        assertEquals(SignatureScheme.RSA_PSS_RSAE_SHA256,
                ((CertificateVerify) HandshakeHarness.decode(sent.get(3))).algorithm());
        assertTrue(state.allowsChangeCipherSpec());
    }
}
