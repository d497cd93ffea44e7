package dev.tls13.tls12;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.AeadAlgorithm;
import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.JcaCryptoProvider;
import dev.tls13.crypto.KeyExchange;
import dev.tls13.crypto.KeyExchangeAlgorithm;
import dev.tls13.crypto.SignatureAlgorithm;
import dev.tls13.error.TlsException;
import dev.tls13.handshake.CertifiedKey;
import dev.tls13.handshake.ClientConfig;
import dev.tls13.handshake.HandshakeSummary;
import dev.tls13.handshake.SignatureSchemes;
import dev.tls13.keys.Tls12MasterSecret;
import dev.tls13.record.Tls12CipherSuiteParams;
import dev.tls13.testing.Hex;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import dev.tls13.tls12.Tls12ClientHandshake.Tls12ClientState;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.CertificateVerify;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.ClientKeyExchange;
import dev.tls13.wire.Extension;
import dev.tls13.wire.ExtensionType;
import dev.tls13.wire.Extensions;
import dev.tls13.wire.Finished;
import dev.tls13.wire.HandshakeMessage;
import dev.tls13.wire.HelloRequest;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.ServerHello;
import dev.tls13.wire.ServerHelloDone;
import dev.tls13.wire.ServerKeyExchange;
import dev.tls13.wire.SignatureScheme;
import dev.tls13.wire.Tls12Certificate;
import dev.tls13.wire.Tls12CertificateRequest;
import dev.tls13.wire.Tls12Extensions;
import dev.tls13.wire.Tls12HandshakeCodec;
import io.netty.buffer.Unpooled;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The TLS 1.2 client state machine against a scripted server built from the same primitives (docs/architecture.md
 * §16): the full handshake for ECDSA and RSA suites, client authentication, and every refusal of the brief with
 * its alert.
 */
class Tls12ClientHandshakeTest {

    private static final CryptoProvider CRYPTO = JcaCryptoProvider.instance();
    private static final byte[] CLIENT_HELLO = Hex.decode("010000040a0b0c0d");
    private static final List<SignatureScheme> OFFERED_SCHEMES = concat(SignatureSchemes.DEFAULT, List.of(
            SignatureScheme.RSA_PKCS1_SHA256, SignatureScheme.RSA_PKCS1_SHA384, SignatureScheme.RSA_PKCS1_SHA512));

    /** Records the effects in order. */
    static class Recording implements Tls12Output {
        final List<Object> effects = new ArrayList<>();
        final List<byte[]> sent = new ArrayList<>();
        HandshakeSummary summary;
        Tls12MasterSecret exporter;
        byte[] readKey;
        byte[] writeKey;

        @Override
        public void sendHandshake(byte[] encodedMessage) {
            sent.add(encodedMessage);
            effects.add("handshake " + (encodedMessage[0] & 0xFF));
        }

        @Override
        public void sendChangeCipherSpec() {
            effects.add("ccs");
        }

        @Override
        public void installWriteKeys(AeadAlgorithm aead, byte[] key, byte[] iv) {
            writeKey = key.clone();
            effects.add("write keys " + aead);
        }

        @Override
        public void installReadKeys(AeadAlgorithm aead, byte[] key, byte[] iv) {
            readKey = key.clone();
            effects.add("read keys " + aead);
        }

        @Override
        public void sendWarningAlert(AlertDescription description) {
            effects.add("warning " + description);
        }

        @Override
        public void exporter(Tls12MasterSecret secret, byte[] clientRandom, byte[] serverRandom) {
            exporter = secret;
            effects.add("exporter");
        }

        @Override
        public void handshakeComplete(HandshakeSummary summary) {
            this.summary = summary;
            effects.add("complete");
        }

        @Override
        public boolean keyLogEnabled() {
            return true;
        }

        @Override
        public void keyLog(String line) {
            effects.add("keylog " + line.substring(0, line.indexOf(' ')));
        }
    }

    /** A scripted TLS 1.2 server: what it sends, computed with our primitives and its own transcript. */
    static final class Server {
        final Tls12CipherSuiteParams suite;
        final Issued leaf;
        final byte[] clientRandom = filled(32, 0x11);
        final byte[] serverRandom = filled(32, 0x22);
        final MessageDigest transcript;
        final KeyExchange kx;
        final NamedGroup group;
        final ClientConfig config;
        Tls12MasterSecret master;
        final java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
        byte[] messagesBeforeCertificateVerify;

        Server(Tls12CipherSuiteParams suite, KeyType keyType, NamedGroup group, List<CertifiedKey> clientKeys) {
            this.suite = suite;
            this.group = group;
            Issued ca = TestPki.ca(keyType);
            this.leaf = TestPki.leaf(keyType).issuer(ca).dns("example.com").build();
            this.transcript = CRYPTO.digest(suite.prfHash());
            this.kx = CRYPTO.generateKeyExchange(Tls12ClientHandshake.keyExchange(group));
            this.config = ClientConfig.builder(CRYPTO, TestPki.trustManager(ca.certificate()))
                    .clientCredentials(clientKeys).build();
            update(CLIENT_HELLO);
        }

        void update(byte[] m) {
            transcript.update(m);
            raw.write(m, 0, m.length);
        }

        Tls12ClientContext context() {
            return new Tls12ClientContext(config, "example.com", Tls12CipherSuiteParams.ALL,
                    List.of(NamedGroup.X25519, NamedGroup.SECP256R1), OFFERED_SCHEMES, List.of(), clientRandom);
        }

        ServerHello serverHello(Extension... extensions) {
            return new ServerHello(0x0303, serverRandom, new byte[0], suite.suite(), Extensions.of(extensions));
        }

        ServerHello serverHello() {
            return serverHello(Tls12Extensions.extendedMasterSecret(), Tls12Extensions.emptyRenegotiationInfo(),
                    Tls12Extensions.ecPointFormatsUncompressed());
        }

        byte[] encode(HandshakeMessage m) {
            return m instanceof ServerHello sh ? encodeServerHello(sh) : Tls12HandshakeCodec.encode(m);
        }

        Tls12Certificate certificate() throws Exception {
            List<byte[]> chain = new ArrayList<>();
            for (X509Certificate c : leaf.chain()) {
                chain.add(c.getEncoded());
            }
            return new Tls12Certificate(chain);
        }

        ServerKeyExchange serverKeyExchange(SignatureScheme scheme) throws Exception {
            ServerKeyExchange unsigned = new ServerKeyExchange(group, kx.publicKey(), scheme, new byte[0]);
            byte[] params = unsigned.encodedParams();
            byte[] signed = new byte[64 + params.length];
            System.arraycopy(clientRandom, 0, signed, 0, 32);
            System.arraycopy(serverRandom, 0, signed, 32, 32);
            System.arraycopy(params, 0, signed, 64, params.length);
            byte[] signature;
            if (scheme.equals(SignatureScheme.RSA_PKCS1_SHA256)) {
                // Our provider signs no PKCS#1 v1.5 (TLS 1.3 never does): the JCA signs for this scripted server.
                java.security.Signature rsa = java.security.Signature.getInstance("SHA256withRSA");
                rsa.initSign(leaf.privateKey());
                rsa.update(signed);
                signature = rsa.sign();
            } else {
                signature = CRYPTO.sign(SignatureSchemes.algorithm(scheme), leaf.privateKey(), signed);
            }
            return new ServerKeyExchange(group, kx.publicKey(), scheme, signature);
        }

        SignatureScheme scheme() {
            return suite.ecdsa() ? SignatureScheme.ECDSA_SECP256R1_SHA256 : SignatureScheme.RSA_PKCS1_SHA256;
        }

        /** Feeds a message to the client, adding it to this server's transcript as it goes. */
        Tls12ClientState feed(Tls12ClientState state, HandshakeMessage m, Recording out) throws TlsException {
            byte[] bytes = encode(m);
            Tls12ClientState next = Tls12ClientHandshake.handle(state, decode(bytes), bytes, 0, bytes.length, out);
            if (!(m instanceof HelloRequest)) {
                update(bytes);
            }
            return next;
        }

        /** Runs the client from the ServerHello through ServerHelloDone; returns the state after its flight. */
        Tls12ClientState toClientFlight(Recording out, HandshakeMessage... extra) throws Exception {
            ServerHello sh = serverHello();
            byte[] shBytes = encode(sh);
            update(shBytes);
            Tls12ClientState state = Tls12ClientHandshake.afterServerHello(context(), sh, CLIENT_HELLO, shBytes);
            state = feed(state, certificate(), out);
            state = feed(state, serverKeyExchange(scheme()), out);
            for (HandshakeMessage m : extra) {
                state = feed(state, m, out);
            }
            state = feed(state, new ServerHelloDone(), out);
            // The client's flight, as the server reads it.
            for (byte[] m : out.sent) {
                if ((m[0] & 0xFF) == 15) {
                    messagesBeforeCertificateVerify = raw.toByteArray();
                    update(m);
                } else if ((m[0] & 0xFF) == 16) {
                    ClientKeyExchange cke = (ClientKeyExchange) decode(m);
                    update(m);
                    byte[] pms = kx.decapsulate(cke.publicKey());
                    master = Tls12MasterSecret.extended(CRYPTO, suite.prfHash(), pms, hash());
                } else if ((m[0] & 0xFF) == 20) {
                    Finished f = (Finished) decode(m);
                    assertTrue(master.verifyFinished(true, hash(), f.verifyData()), "client Finished");
                    update(m);
                } else {
                    update(m);
                }
            }
            return state;
        }

        byte[] hash() {
            try {
                return ((MessageDigest) transcript.clone()).digest();
            } catch (CloneNotSupportedException e) {
                throw new AssertionError(e);
            }
        }

        Finished serverFinished() {
            return new Finished(master.verifyData(false, hash()));
        }
    }

    /**
     * A TLS 1.2 ServerHello (RFC 5246 §7.4.1.3), whose extension block may be short or empty, unlike the TLS 1.3
     * one our codec writes.
     */
    static byte[] encodeServerHello(ServerHello sh) {
        var ext = Unpooled.buffer();
        for (Extension e : sh.extensions()) {
            // server_name: the empty acknowledgement, or a one-host list as a misbehaving server would send it.
            byte[] data = e instanceof Extension.ServerName sni ? serverNameBody(sni)
                    : ((Extension.UnknownExtension) e).data();
            ext.writeShort(e.type().code()).writeShort(data.length).writeBytes(data);
        }
        var body = Unpooled.buffer();
        body.writeShort(sh.legacyVersion()).writeBytes(sh.random()).writeByte(sh.legacySessionIdEcho().length)
                .writeBytes(sh.legacySessionIdEcho()).writeShort(sh.cipherSuite().code()).writeByte(0)
                .writeShort(ext.readableBytes()).writeBytes(ext);
        var all = Unpooled.buffer().writeByte(2).writeMedium(body.readableBytes()).writeBytes(body);
        byte[] bytes = io.netty.buffer.ByteBufUtil.getBytes(all);
        ext.release();
        body.release();
        all.release();
        return bytes;
    }

    private static byte[] serverNameBody(Extension.ServerName sni) {
        if (sni.names().isEmpty()) {
            return new byte[0];
        }
        byte[] host = sni.names().get(0).name();
        var b = Unpooled.buffer().writeShort(host.length + 3).writeByte(0).writeShort(host.length).writeBytes(host);
        byte[] bytes = io.netty.buffer.ByteBufUtil.getBytes(b);
        b.release();
        return bytes;
    }

    static HandshakeMessage decode(byte[] bytes) throws TlsException {
        var buf = Unpooled.wrappedBuffer(bytes);
        try {
            return bytes[0] == 2 ? dev.tls13.wire.HandshakeCodec.decode(buf) : Tls12HandshakeCodec.decode(buf);
        } finally {
            buf.release();
        }
    }

    static Server server(Tls12CipherSuiteParams suite) {
        return new Server(suite, suite.ecdsa() ? KeyType.EC_P256 : KeyType.RSA_2048, NamedGroup.X25519, List.of());
    }

    @ParameterizedTest
    @EnumSource(value = SuiteName.class)
    void fullHandshake(SuiteName name) throws Exception {
        Server server = server(name.params);
        Recording out = new Recording();
        Tls12ClientState state = server.toClientFlight(out);
        assertInstanceOf(Tls12ClientHandshake.ExpectChangeCipherSpec.class, state);
        assertEquals(List.of("handshake 16", "keylog CLIENT_RANDOM", "ccs", "write keys " + name.params.aead(),
                "handshake 20"), out.effects);
        state = state.onChangeCipherSpec(out);
        state = server.feed(state, server.serverFinished(), out);
        assertTrue(state.isConnected());
        assertEquals(List.of("read keys " + name.params.aead(), "exporter", "complete"),
                out.effects.subList(5, out.effects.size()));
        HandshakeSummary s = out.summary;
        assertEquals(name.params.suite(), s.cipherSuite());
        assertEquals(NamedGroup.X25519, s.namedGroup());
        assertEquals(server.scheme(), s.peerSignatureScheme());
        assertEquals(server.leaf.chain(), s.peerCertificates());
        // Keys: the client writes with client_write_key and reads with server_write_key (RFC 5246 §6.3).
        var keys = server.master.keyBlock(server.clientRandom, server.serverRandom, name.params.aead().keyLength(),
                name.params.fixedIvLength());
        assertArrayEquals(keys.clientWriteKey(), out.writeKey);
        assertArrayEquals(keys.serverWriteKey(), out.readKey);
        assertArrayEquals(server.master.export("EXPERIMENTAL-x", null, server.clientRandom, server.serverRandom, 16),
                out.exporter.export("EXPERIMENTAL-x", null, server.clientRandom, server.serverRandom, 16));
    }

    enum SuiteName {
        ECDSA_AES128(Tls12CipherSuiteParams.ECDHE_ECDSA_AES_128_GCM_SHA256),
        ECDSA_AES256(Tls12CipherSuiteParams.ECDHE_ECDSA_AES_256_GCM_SHA384),
        ECDSA_CHACHA(Tls12CipherSuiteParams.ECDHE_ECDSA_CHACHA20_POLY1305_SHA256),
        ECDSA_CCM_8(Tls12CipherSuiteParams.ECDHE_ECDSA_AES_128_CCM_8),
        RSA_AES128(Tls12CipherSuiteParams.ECDHE_RSA_AES_128_GCM_SHA256),
        RSA_AES256(Tls12CipherSuiteParams.ECDHE_RSA_AES_256_GCM_SHA384);

        final Tls12CipherSuiteParams params;

        SuiteName(Tls12CipherSuiteParams params) {
            this.params = params;
        }
    }

    @Test
    void secp256r1KeyExchange() throws Exception {
        Server server = new Server(Tls12CipherSuiteParams.ECDHE_ECDSA_AES_128_GCM_SHA256, KeyType.EC_P256,
                NamedGroup.SECP256R1, List.of());
        Recording out = new Recording();
        Tls12ClientState state = server.toClientFlight(out).onChangeCipherSpec(out);
        assertTrue(server.feed(state, server.serverFinished(), out).isConnected());
        assertEquals(NamedGroup.SECP256R1, out.summary.namedGroup());
    }

    @Test
    void clientCertificateWithCertificateVerifyOverTheMessages() throws Exception {
        Issued clientLeaf = TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P256)).build();
        CertifiedKey clientKey = CertifiedKey.of(clientLeaf.privateKey(),
                clientLeaf.chain().toArray(new X509Certificate[0]));
        Server server = new Server(Tls12CipherSuiteParams.ECDHE_ECDSA_AES_128_GCM_SHA256, KeyType.EC_P256,
                NamedGroup.X25519, List.of(clientKey));
        Recording out = new Recording();
        Tls12CertificateRequest request = new Tls12CertificateRequest(List.of(Tls12CertificateRequest.ECDSA_SIGN),
                List.of(SignatureScheme.ECDSA_SECP256R1_SHA256), List.of());
        // The server's messages up to ServerHelloDone, for checking the signature independently.
        Tls12ClientState state = server.toClientFlight(out, request);
        assertEquals(List.of(11, 16, 15, 20), out.sent.stream().map(m -> m[0] & 0xFF).toList());
        CertificateVerify cv = (CertificateVerify) decode(out.sent.get(2));
        assertEquals(SignatureScheme.ECDSA_SECP256R1_SHA256, cv.algorithm());
        // RFC 5246 §7.4.8: the signature covers every handshake message before the CertificateVerify.
        assertTrue(CRYPTO.verify(SignatureAlgorithm.ECDSA_SECP256R1_SHA256, clientLeaf.certificate().getPublicKey(),
                server.messagesBeforeCertificateVerify, cv.signature()));
        assertTrue(state instanceof Tls12ClientHandshake.ExpectChangeCipherSpec);
        Tls12Certificate sentChain = (Tls12Certificate) decode(out.sent.get(0));
        assertArrayEquals(clientLeaf.certificate().getEncoded(), sentChain.certificates().get(0));
        state = state.onChangeCipherSpec(out);
        assertTrue(server.feed(state, server.serverFinished(), out).isConnected());
        assertEquals(SignatureScheme.ECDSA_SECP256R1_SHA256, out.summary.localSignatureScheme());
    }

    @Test
    void certificateRequestWithoutAFittingKeyGetsAnEmptyCertificate() throws Exception {
        Server server = server(Tls12CipherSuiteParams.ECDHE_ECDSA_AES_128_GCM_SHA256);
        Recording out = new Recording();
        Tls12CertificateRequest request = new Tls12CertificateRequest(List.of(Tls12CertificateRequest.RSA_SIGN),
                List.of(SignatureScheme.RSA_PKCS1_SHA256), List.of());
        Tls12ClientState state = server.toClientFlight(out, request);
        assertEquals(List.of(11, 16, 20), out.sent.stream().map(m -> m[0] & 0xFF).toList());
        assertEquals(0, ((Tls12Certificate) decode(out.sent.get(0))).certificates().size());
        state = state.onChangeCipherSpec(out);
        assertTrue(server.feed(state, server.serverFinished(), out).isConnected());
        assertNull(out.summary.localSignatureScheme());
    }

    // ------------------------------------------------------------------------------------------------ refusals

    private static AlertDescription alertOf(org.junit.jupiter.api.function.Executable run) {
        return assertThrows(TlsException.class, run).failure().alert();
    }

    private static AlertDescription serverHelloAlert(UnaryOperator<Server> setup, Extension... extensions) {
        Server server = setup.apply(server(Tls12CipherSuiteParams.ECDHE_ECDSA_AES_128_GCM_SHA256));
        ServerHello sh = server.serverHello(extensions);
        return alertOf(() -> Tls12ClientHandshake.afterServerHello(server.context(), sh, CLIENT_HELLO,
                server.encode(sh)));
    }

    @Test
    void serverHelloRefusals() {
        Extension ems = Tls12Extensions.extendedMasterSecret();
        // RFC 7627 §5.2: no extended master secret → handshake_failure.
        assertEquals(AlertDescription.HANDSHAKE_FAILURE, serverHelloAlert(s -> s,
                Tls12Extensions.emptyRenegotiationInfo()));
        // RFC 5746 §3.4: a non-empty renegotiated_connection on an initial handshake → handshake_failure.
        assertEquals(AlertDescription.HANDSHAKE_FAILURE, serverHelloAlert(s -> s, ems,
                new Extension.UnknownExtension(ExtensionType.RENEGOTIATION_INFO, Hex.decode("0c" + "00".repeat(12)))));
        // RFC 5246 §7.4.1.4: an extension we did not offer → unsupported_extension.
        assertEquals(AlertDescription.UNSUPPORTED_EXTENSION, serverHelloAlert(s -> s, ems,
                new Extension.UnknownExtension(ExtensionType.SESSION_TICKET, new byte[0])));
        // RFC 8422 §5.2: the server must accept uncompressed points.
        assertEquals(AlertDescription.ILLEGAL_PARAMETER, serverHelloAlert(s -> s, ems,
                new Extension.UnknownExtension(ExtensionType.EC_POINT_FORMATS, Hex.decode("0101"))));
        assertEquals(AlertDescription.DECODE_ERROR, serverHelloAlert(s -> s,
                new Extension.UnknownExtension(ExtensionType.EXTENDED_MASTER_SECRET, new byte[1])));
    }

    @Test
    void serverNameAcknowledgementFollowsWhatTheClientHelloSentNotThePeerHost() throws Exception {
        // Found by Tls12ClientFuzzTest's seeds: a connection with an SNI name but no peer host (certificate host
        // unchecked) refused the TLS 1.2 server's empty server_name as unsolicited.
        Server server = server(Tls12CipherSuiteParams.ECDHE_ECDSA_AES_128_GCM_SHA256);
        ServerHello sh = server.serverHello(Tls12Extensions.extendedMasterSecret(), Extension.ServerName.acknowledgement());
        Tls12ClientContext sniWithoutPeerHost = new Tls12ClientContext(server.config, null,
                Tls12CipherSuiteParams.ALL, List.of(NamedGroup.X25519), OFFERED_SCHEMES, List.of(),
                server.clientRandom, new byte[0], false, null, true);
        assertNotNull(Tls12ClientHandshake.afterServerHello(sniWithoutPeerHost, sh, CLIENT_HELLO, server.encode(sh)));
        // RFC 5246 §7.4.1.4: not offered → unsupported_extension, whatever the peer host.
        Tls12ClientContext noSni = new Tls12ClientContext(server.config, "example.com", Tls12CipherSuiteParams.ALL,
                List.of(NamedGroup.X25519), OFFERED_SCHEMES, List.of(), server.clientRandom, new byte[0], false, null,
                false);
        assertEquals(AlertDescription.UNSUPPORTED_EXTENSION, alertOf(() -> Tls12ClientHandshake.afterServerHello(
                noSni, sh, CLIENT_HELLO, server.encode(sh))));
        // RFC 6066 §3: the acknowledgement "SHALL be empty".
        ServerHello named = server.serverHello(Tls12Extensions.extendedMasterSecret(),
                Extension.ServerName.of("example.com"));
        assertEquals(AlertDescription.ILLEGAL_PARAMETER, alertOf(() -> Tls12ClientHandshake.afterServerHello(
                sniWithoutPeerHost, named, CLIENT_HELLO, server.encode(named))));
    }

    @Test
    void aClientThatDoesNotRequireEmsContinuesWithoutIt() throws Exception {
        Server server = server(Tls12CipherSuiteParams.ECDHE_ECDSA_AES_128_GCM_SHA256);
        ServerHello sh = server.serverHello(Tls12Extensions.emptyRenegotiationInfo());
        Tls12ClientContext lenient = new Tls12ClientContext(server.config.toBuilder()
                .extendedMasterSecretRequired(false).build(), "example.com", Tls12CipherSuiteParams.ALL,
                List.of(NamedGroup.X25519), OFFERED_SCHEMES, List.of(), server.clientRandom);
        // RFC 7627 §5.2 is the default (serverHelloRefusals); allowed, the handshake goes on to the Certificate.
        assertInstanceOf(Tls12ClientHandshake.ExpectCertificate.class,
                Tls12ClientHandshake.afterServerHello(lenient, sh, CLIENT_HELLO, server.encode(sh)));
    }

    @Test
    void suiteWeDidNotOfferIsIllegalParameter() {
        Server server = server(Tls12CipherSuiteParams.ECDHE_ECDSA_AES_128_GCM_SHA256);
        for (CipherSuite suite : List.of(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM, CipherSuite.of(0xC023),
                CipherSuite.TLS_AES_128_GCM_SHA256)) {
            Tls12ClientContext onlyGcm = new Tls12ClientContext(server.config, "example.com",
                    Tls12CipherSuiteParams.DEFAULTS, List.of(NamedGroup.X25519), OFFERED_SCHEMES, List.of(),
                    server.clientRandom);
            ServerHello sh = new ServerHello(0x0303, server.serverRandom, new byte[0], suite,
                    Extensions.of(Tls12Extensions.extendedMasterSecret()));
            assertEquals(AlertDescription.ILLEGAL_PARAMETER, alertOf(() -> Tls12ClientHandshake.afterServerHello(
                    onlyGcm, sh, CLIENT_HELLO, server.encode(sh))), suite.toString());
        }
    }

    private static Tls12ClientState afterCertificate(Server server, Recording out) throws Exception {
        ServerHello sh = server.serverHello();
        byte[] shBytes = server.encode(sh);
        server.update(shBytes);
        Tls12ClientState state = Tls12ClientHandshake.afterServerHello(server.context(), sh, CLIENT_HELLO, shBytes);
        return server.feed(state, server.certificate(), out);
    }

    @Test
    void badServerKeyExchangeSignatureIsDecryptError() throws Exception {
        Server server = server(Tls12CipherSuiteParams.ECDHE_ECDSA_AES_128_GCM_SHA256);
        Recording out = new Recording();
        Tls12ClientState state = afterCertificate(server, out);
        ServerKeyExchange good = server.serverKeyExchange(SignatureScheme.ECDSA_SECP256R1_SHA256);
        byte[] point = good.publicKey().clone();
        point[0] ^= 1;
        ServerKeyExchange other = new ServerKeyExchange(good.namedCurve(), point, good.scheme(), good.signature());
        assertEquals(AlertDescription.DECRYPT_ERROR, alertOf(() -> server.feed(state, other, out)));
    }

    @Test
    void serverKeyExchangeSchemeRules() throws Exception {
        Server server = server(Tls12CipherSuiteParams.ECDHE_ECDSA_AES_128_GCM_SHA256);
        Recording out = new Recording();
        Tls12ClientState state = afterCertificate(server, out);
        // RFC 5246 §7.4.1.4.1: a scheme we did not offer (SHA-1) → illegal_parameter.
        ServerKeyExchange sha1 = new ServerKeyExchange(NamedGroup.X25519, server.kx.publicKey(),
                SignatureScheme.ECDSA_SHA1, new byte[70]);
        assertEquals(AlertDescription.ILLEGAL_PARAMETER, alertOf(() -> server.feed(state, sha1, out)));
        // An RSA scheme for an ECDHE_ECDSA suite.
        ServerKeyExchange rsa = new ServerKeyExchange(NamedGroup.X25519, server.kx.publicKey(),
                SignatureScheme.RSA_PSS_RSAE_SHA256, new byte[256]);
        assertEquals(AlertDescription.ILLEGAL_PARAMETER, alertOf(() -> server.feed(state, rsa, out)));
    }

    @Test
    void groupWeDidNotOfferIsIllegalParameter() throws Exception {
        Server server = new Server(Tls12CipherSuiteParams.ECDHE_ECDSA_AES_128_GCM_SHA256, KeyType.EC_P256,
                NamedGroup.SECP384R1, List.of());
        Recording out = new Recording();
        Tls12ClientState state = afterCertificate(server, out);
        ServerKeyExchange ske = server.serverKeyExchange(SignatureScheme.ECDSA_SECP256R1_SHA256);
        assertEquals(AlertDescription.ILLEGAL_PARAMETER, alertOf(() -> server.feed(state, ske, out)));
    }

    @Test
    void offCurveAndWrongLengthPointsAreIllegalParameter() throws Exception {
        Server p256 = new Server(Tls12CipherSuiteParams.ECDHE_ECDSA_AES_128_GCM_SHA256, KeyType.EC_P256,
                NamedGroup.SECP256R1, List.of());
        Recording out = new Recording();
        Tls12ClientState state = afterCertificate(p256, out);
        byte[] point = p256.kx.publicKey().clone();
        point[64] ^= 1;
        ServerKeyExchange offCurve = signed(p256, NamedGroup.SECP256R1, point);
        assertEquals(AlertDescription.ILLEGAL_PARAMETER, alertOf(() -> p256.feed(state, offCurve, out)));

        Server x25519 = server(Tls12CipherSuiteParams.ECDHE_ECDSA_AES_128_GCM_SHA256);
        Tls12ClientState state2 = afterCertificate(x25519, out);
        ServerKeyExchange shortPoint = signed(x25519, NamedGroup.X25519, Arrays.copyOf(x25519.kx.publicKey(), 31));
        assertEquals(AlertDescription.ILLEGAL_PARAMETER, alertOf(() -> x25519.feed(state2, shortPoint, out)));
    }

    private static ServerKeyExchange signed(Server server, NamedGroup group, byte[] point) throws Exception {
        ServerKeyExchange unsigned = new ServerKeyExchange(group, point, SignatureScheme.ECDSA_SECP256R1_SHA256,
                new byte[0]);
        byte[] params = unsigned.encodedParams();
        byte[] signed = new byte[64 + params.length];
        System.arraycopy(server.clientRandom, 0, signed, 0, 32);
        System.arraycopy(server.serverRandom, 0, signed, 32, 32);
        System.arraycopy(params, 0, signed, 64, params.length);
        PrivateKey key = server.leaf.privateKey();
        return new ServerKeyExchange(group, point, SignatureScheme.ECDSA_SECP256R1_SHA256,
                CRYPTO.sign(SignatureAlgorithm.ECDSA_SECP256R1_SHA256, key, signed));
    }

    @Test
    void earlyChangeCipherSpecIsUnexpectedMessageInEveryStateBeforeOurFlight() throws Exception {
        Server server = server(Tls12CipherSuiteParams.ECDHE_ECDSA_AES_128_GCM_SHA256);
        Recording out = new Recording();
        ServerHello sh = server.serverHello();
        byte[] shBytes = server.encode(sh);
        server.update(shBytes);
        Tls12ClientState s1 = Tls12ClientHandshake.afterServerHello(server.context(), sh, CLIENT_HELLO, shBytes);
        assertEquals(AlertDescription.UNEXPECTED_MESSAGE, alertOf(() -> s1.onChangeCipherSpec(out)));
        Tls12ClientState s2 = server.feed(s1, server.certificate(), out);
        assertEquals(AlertDescription.UNEXPECTED_MESSAGE, alertOf(() -> s2.onChangeCipherSpec(out)));
        Tls12ClientState s3 = server.feed(s2, server.serverKeyExchange(server.scheme()), out);
        assertEquals(AlertDescription.UNEXPECTED_MESSAGE, alertOf(() -> s3.onChangeCipherSpec(out)));
        assertFalse(out.effects.stream().anyMatch(e -> e.toString().startsWith("read keys")));
        s3.destroy();
    }

    @Test
    void finishedWithoutChangeCipherSpecIsUnexpectedMessage() throws Exception {
        Server server = server(Tls12CipherSuiteParams.ECDHE_ECDSA_AES_128_GCM_SHA256);
        Recording out = new Recording();
        Tls12ClientState state = server.toClientFlight(out);
        assertEquals(AlertDescription.UNEXPECTED_MESSAGE, alertOf(() -> server.feed(state, server.serverFinished(),
                out)));
        state.destroy();
    }

    @Test
    void wrongFinishedIsDecryptError() throws Exception {
        Server server = server(Tls12CipherSuiteParams.ECDHE_RSA_AES_128_GCM_SHA256);
        Recording out = new Recording();
        Tls12ClientState state = server.toClientFlight(out).onChangeCipherSpec(out);
        byte[] wrong = server.serverFinished().verifyData();
        wrong[11] ^= 1;
        assertEquals(AlertDescription.DECRYPT_ERROR, alertOf(() -> server.feed(state, new Finished(wrong), out)));
        assertNull(out.summary);
        state.destroy();
    }

    @Test
    void outOfOrderMessagesAreUnexpected() throws Exception {
        Server server = server(Tls12CipherSuiteParams.ECDHE_ECDSA_AES_128_GCM_SHA256);
        Recording out = new Recording();
        ServerHello sh = server.serverHello();
        byte[] shBytes = server.encode(sh);
        Tls12ClientState s1 = Tls12ClientHandshake.afterServerHello(server.context(), sh, CLIENT_HELLO, shBytes);
        // ServerKeyExchange before Certificate, ServerHelloDone before ServerKeyExchange.
        assertEquals(AlertDescription.UNEXPECTED_MESSAGE, alertOf(() -> server.feed(s1,
                server.serverKeyExchange(server.scheme()), out)));
        Tls12ClientState s2 = server.feed(s1, server.certificate(), out);
        assertEquals(AlertDescription.UNEXPECTED_MESSAGE, alertOf(() -> server.feed(s2, new ServerHelloDone(), out)));
    }

    @Test
    void helloRequestIsIgnoredDuringTheHandshakeAndAnsweredWithNoRenegotiationAfter() throws Exception {
        Server server = server(Tls12CipherSuiteParams.ECDHE_ECDSA_AES_128_GCM_SHA256);
        Recording out = new Recording();
        // RFC 5246 §7.4.1.1: ignored while negotiating, and never part of the transcript (the handshake still
        // completes, so the Finished hashes agree).
        Tls12ClientState state = server.toClientFlight(out, new HelloRequest());
        state = state.onChangeCipherSpec(out);
        Tls12ClientState connected = server.feed(state, server.serverFinished(), out);
        assertTrue(connected.isConnected());
        assertFalse(out.effects.stream().anyMatch(e -> e.toString().startsWith("warning")));
        assertSame(connected, server.feed(connected, new HelloRequest(), out));
        assertEquals("warning " + AlertDescription.NO_RENEGOTIATION_RESERVED, out.effects.get(out.effects.size() - 1));
        assertEquals(AlertDescription.UNEXPECTED_MESSAGE, alertOf(() -> server.feed(connected, new ServerHelloDone(),
                out)));
        assertEquals(AlertDescription.UNEXPECTED_MESSAGE, alertOf(() -> connected.onChangeCipherSpec(out)));
    }

    @Test
    void untrustedChainIsRefused() throws Exception {
        Server server = server(Tls12CipherSuiteParams.ECDHE_ECDSA_AES_128_GCM_SHA256);
        Server other = server(Tls12CipherSuiteParams.ECDHE_ECDSA_AES_128_GCM_SHA256);
        Issued stranger = TestPki.leaf(KeyType.EC_P256).issuer(TestPki.newCa("stranger",
                TestPki.generate(KeyType.EC_P256))).dns("example.com").build();
        List<byte[]> chain = new ArrayList<>();
        for (X509Certificate c : stranger.chain()) {
            chain.add(c.getEncoded());
        }
        Recording out = new Recording();
        ServerHello sh = server.serverHello();
        Tls12ClientState s1 = Tls12ClientHandshake.afterServerHello(server.context(), sh, CLIENT_HELLO,
                server.encode(sh));
        AlertDescription alert = alertOf(() -> server.feed(s1, new Tls12Certificate(chain), out));
        assertTrue(alert.equals(AlertDescription.UNKNOWN_CA) || alert.equals(AlertDescription.BAD_CERTIFICATE),
                alert.toString());
        assertEquals(AlertDescription.DECODE_ERROR, alertOf(() -> other.feed(Tls12ClientHandshake.afterServerHello(
                other.context(), sh, CLIENT_HELLO, other.encode(sh)), new Tls12Certificate(List.of()), out)));
    }

    private static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) v);
        return b;
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> r = new ArrayList<>(a);
        r.addAll(b);
        return List.copyOf(r);
    }
}
