package dev.tls13.tls12;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.AeadAlgorithm;
import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.crypto.JcaCryptoProvider;
import dev.tls13.crypto.KeyExchange;
import dev.tls13.crypto.KeyExchangeAlgorithm;
import dev.tls13.error.TlsException;
import dev.tls13.handshake.CertificateSelector;
import dev.tls13.handshake.CertifiedKey;
import dev.tls13.handshake.ClientAuth;
import dev.tls13.handshake.ServerConfig;
import dev.tls13.keys.Tls12MasterSecret;
import dev.tls13.testing.Hex;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import dev.tls13.tls12.Tls12ServerHandshake.Tls12ServerState;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.CertificateVerify;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.ClientHello;
import dev.tls13.wire.ClientKeyExchange;
import dev.tls13.wire.Extension;
import dev.tls13.wire.Extensions;
import dev.tls13.wire.Finished;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.HandshakeMessage;
import dev.tls13.wire.HelloRequest;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.ServerHello;
import dev.tls13.wire.ServerKeyExchange;
import dev.tls13.wire.SignatureScheme;
import dev.tls13.wire.Tls12Certificate;
import dev.tls13.wire.Tls12CertificateRequest;
import dev.tls13.wire.Tls12Extensions;
import dev.tls13.wire.Tls12HandshakeCodec;
import io.netty.buffer.Unpooled;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The TLS 1.2 server state machine against a scripted client built from the same primitives
 * (docs/architecture.md §16): the flight it sends and its order of effects, and the refusals that need a client in
 * the middle of the handshake (early ChangeCipherSpec, Finished without CCS, a wrong Finished, bad points, a bad
 * client CertificateVerify, renegotiation), each with its alert.
 */
class Tls12ServerHandshakeTest {

    private static final CryptoProvider CRYPTO = JcaCryptoProvider.instance();

    /** A scripted TLS 1.2 client: its ClientHello, its transcript, its key exchange. */
    private static final class Client {
        final Tls12ClientHandshakeTest.Recording out = new Tls12ClientHandshakeTest.Recording();
        final MessageDigest transcript = CRYPTO.digest(HashAlgorithm.SHA256);
        final List<byte[]> messages = new ArrayList<>();
        final KeyExchange kx;
        final ServerConfig config;
        Tls12ServerState state;
        byte[] preMasterSecret;
        ServerKeyExchange ske;

        Client(NamedGroup group, ServerConfig config) throws TlsException {
            this.config = config;
            this.kx = CRYPTO.generateKeyExchange(Tls12ClientHandshake.keyExchange(group));
            byte[] random = new byte[32];
            random[0] = 7;
            ClientHello hello = new ClientHello(0x0303, random, new byte[0],
                    List.of(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256), Extensions.of(
                            // The certificate's curve too (RFC 8422 §5.1, §5.3); the server still prefers x25519.
                            new Extension.SupportedGroups(group.equals(NamedGroup.SECP256R1) ? List.of(group)
                                    : List.of(group, NamedGroup.SECP256R1)),
                            new Extension.SignatureAlgorithms(List.of(SignatureScheme.ECDSA_SECP256R1_SHA256)),
                            Tls12Extensions.extendedMasterSecret(), Tls12Extensions.emptyRenegotiationInfo()));
            byte[] encoded = HandshakeCodec.encode(hello);
            add(encoded);
            state = Tls12ServerHandshake.afterClientHello(config, hello, encoded, 0, encoded.length, out);
            for (byte[] m : out.sent) {
                add(m);
                if (m[0] == 12) {
                    ske = (ServerKeyExchange) Tls12HandshakeCodec.decode(Unpooled.wrappedBuffer(m));
                }
            }
        }

        void add(byte[] m) {
            transcript.update(m);
            messages.add(m);
        }

        byte[] hash() throws Exception {
            return ((MessageDigest) transcript.clone()).digest();
        }

        /** Sends one message to the server's state. */
        void send(HandshakeMessage m) throws TlsException {
            byte[] encoded = Tls12HandshakeCodec.encode(m);
            state = state.on(Tls12HandshakeCodec.decode(Unpooled.wrappedBuffer(encoded)), encoded, 0, encoded.length,
                    out);
            add(encoded);
        }

        void sendClientKeyExchange() throws Exception {
            preMasterSecret = kx.decapsulate(ske.publicKey());
            send(new ClientKeyExchange(kx.publicKey()));
        }

        /** The client's Finished over the transcript so far. */
        Finished finished(Tls12MasterSecret master) throws Exception {
            return new Finished(master.verifyData(true, hash()));
        }
    }

    private static ServerConfig.Builder config(Issued leaf) {
        return ServerConfig.builder(CRYPTO, new CertificateSelector(List.of(CertifiedKey.of(leaf.privateKey(),
                leaf.chain().toArray(new X509Certificate[0]))))).tls13(false)
                .tls12(Tls12ServerDriver::afterClientHello);
    }

    private static Issued leaf() {
        return TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P256)).dns("example.com").build();
    }

    private static AlertDescription alert(org.junit.jupiter.api.function.Executable step) {
        return assertThrows(TlsException.class, step).failure().alert();
    }

    /** A complete handshake; returns the connected client script. */
    private static Client connected(NamedGroup group) throws Exception {
        Client c = new Client(group, config(leaf()).build());
        c.sendClientKeyExchange();
        Tls12MasterSecret master = Tls12MasterSecret.extended(CRYPTO, HashAlgorithm.SHA256, c.preMasterSecret,
                c.hash());
        c.state = c.state.onChangeCipherSpec(c.out);
        c.send(c.finished(master));
        assertTrue(c.state.isConnected());
        // The server's Finished covers our Finished too (RFC 5246 §7.4.9).
        byte[] serverFinished = c.out.sent.get(c.out.sent.size() - 1);
        assertEquals(20, serverFinished[0]);
        assertTrue(master.verifyFinished(false, c.hash(), ((Finished) Tls12HandshakeCodec.decode(
                Unpooled.wrappedBuffer(serverFinished))).verifyData()));
        master.destroy();
        return c;
    }

    @Test
    void theFlightAndTheOrderOfEffects() throws Exception {
        Client c = connected(NamedGroup.X25519);
        // ServerHello Certificate ServerKeyExchange ServerHelloDone; at CKE the key log; at the client's CCS the read
        // keys; after its Finished our CCS, write keys, Finished, the exporter and completion.
        assertEquals(List.of("handshake 2", "handshake 11", "handshake 12", "handshake 14", "keylog CLIENT_RANDOM",
                "read keys " + AeadAlgorithm.AES_128_GCM, "ccs", "write keys " + AeadAlgorithm.AES_128_GCM,
                "handshake 20", "exporter", "complete"),
                c.out.effects);
        ServerHello sh = (ServerHello) HandshakeCodec.decode(Unpooled.wrappedBuffer(c.out.sent.get(0)));
        assertEquals(0x0303, sh.legacyVersion());
        assertEquals(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, sh.cipherSuite());
        assertEquals(0, sh.legacySessionIdEcho().length);
        assertEquals("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", c.out.summary.cipherSuite().toString());
        assertEquals(NamedGroup.X25519, c.out.summary.namedGroup());
        assertEquals(SignatureScheme.ECDSA_SECP256R1_SHA256, c.out.summary.localSignatureScheme());
        assertNotNull(c.out.exporter);
        c.out.exporter.destroy();
    }

    @Test
    void theServerKeyExchangeSignatureCoversBothRandomsAndTheParams() throws Exception {
        Client c = new Client(NamedGroup.SECP256R1, config(leaf()).build());
        Tls12Certificate certificate = (Tls12Certificate) Tls12HandshakeCodec.decode(Unpooled.wrappedBuffer(
                c.out.sent.get(1)));
        X509Certificate leaf = TestPki.toJdk(certificate.certificates().get(0));
        ServerHello sh = (ServerHello) HandshakeCodec.decode(Unpooled.wrappedBuffer(c.out.sent.get(0)));
        byte[] params = c.ske.encodedParams();
        byte[] signed = new byte[64 + params.length];
        signed[0] = 7;
        System.arraycopy(sh.random(), 0, signed, 32, 32);
        System.arraycopy(params, 0, signed, 64, params.length);
        java.security.Signature verifier = java.security.Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(leaf.getPublicKey());
        verifier.update(signed);
        assertTrue(verifier.verify(c.ske.signature()));
        assertEquals(NamedGroup.SECP256R1, c.ske.namedCurve());
        c.state.destroy();
    }

    @Test
    void changeCipherSpecBeforeTheClientKeyExchangeIsUnexpectedMessage() throws Exception {
        Client c = new Client(NamedGroup.X25519, config(leaf()).build());
        assertEquals(AlertDescription.UNEXPECTED_MESSAGE, alert(() -> c.state.onChangeCipherSpec(c.out)));
        assertTrue(c.out.effects.stream().noneMatch(e -> e.toString().startsWith("read keys")));
        c.state.destroy();
    }

    @Test
    void finishedWithoutChangeCipherSpecIsUnexpectedMessage() throws Exception {
        Client c = new Client(NamedGroup.X25519, config(leaf()).build());
        c.sendClientKeyExchange();
        assertEquals(AlertDescription.UNEXPECTED_MESSAGE, alert(() -> c.send(new Finished(new byte[12]))));
        c.state.destroy();
    }

    @Test
    void aWrongFinishedIsDecryptError() throws Exception {
        Client c = new Client(NamedGroup.X25519, config(leaf()).build());
        c.sendClientKeyExchange();
        Tls12MasterSecret master = Tls12MasterSecret.extended(CRYPTO, HashAlgorithm.SHA256, c.preMasterSecret,
                c.hash());
        c.state = c.state.onChangeCipherSpec(c.out);
        byte[] verifyData = c.finished(master).verifyData();
        verifyData[11] ^= 1;
        // RFC 5246 §7.4.9: decrypt_error; nothing of ours follows.
        assertEquals(AlertDescription.DECRYPT_ERROR, alert(() -> c.send(new Finished(verifyData))));
        assertTrue(c.out.effects.stream().noneMatch(e -> e.toString().startsWith("write keys")));
        master.destroy();
        c.state.destroy();
    }

    @Test
    void anOffCurveOrWrongLengthClientPointIsIllegalParameter() throws Exception {
        Client c = new Client(NamedGroup.SECP256R1, config(leaf()).build());
        byte[] offCurve = Hex.decode("04" + "01".repeat(64));
        assertEquals(AlertDescription.ILLEGAL_PARAMETER, alert(() -> c.send(new ClientKeyExchange(offCurve))));
        Client d = new Client(NamedGroup.SECP256R1, config(leaf()).build());
        byte[] shortPoint = new byte[33];
        shortPoint[0] = 4;
        assertEquals(AlertDescription.ILLEGAL_PARAMETER, alert(() -> d.send(new ClientKeyExchange(shortPoint))));
        Client e = new Client(NamedGroup.X25519, config(leaf()).build());
        // RFC 7748 §6.1: the all-zero point gives an all-zero secret.
        assertEquals(AlertDescription.ILLEGAL_PARAMETER, alert(() -> e.send(new ClientKeyExchange(new byte[32]))));
    }

    @Test
    void aRenegotiationClientHelloGetsNoRenegotiationAndIsBounded() throws Exception {
        Client c = connected(NamedGroup.X25519);
        byte[] again = c.messages.get(0);
        HandshakeMessage hello = HandshakeCodec.decode(Unpooled.wrappedBuffer(again));
        int before = c.out.effects.size();
        for (int i = 0; i < Tls12ServerHandshake.MAX_REFUSED_RENEGOTIATIONS; i++) {
            c.state = c.state.on(hello, again, 0, again.length, c.out);
            assertTrue(c.state.isConnected());
        }
        // RFC 5246 §7.2.2: the warning no_renegotiation, once per attempt.
        assertEquals(List.of("warning " + AlertDescription.NO_RENEGOTIATION_RESERVED,
                "warning " + AlertDescription.NO_RENEGOTIATION_RESERVED,
                "warning " + AlertDescription.NO_RENEGOTIATION_RESERVED), c.out.effects.subList(before,
                c.out.effects.size()));
        assertEquals(AlertDescription.UNEXPECTED_MESSAGE, alert(() -> c.state.on(hello, again, 0, again.length,
                c.out)));
        c.out.exporter.destroy();
    }

    @Test
    void afterTheHandshakeAnythingButAClientHelloOrACcsIsUnexpectedMessage() throws Exception {
        Client c = connected(NamedGroup.X25519);
        byte[] request = Tls12HandshakeCodec.encode(new HelloRequest());
        assertEquals(AlertDescription.UNEXPECTED_MESSAGE, alert(() -> c.state.on(new HelloRequest(), request, 0,
                request.length, c.out)));
        assertEquals(AlertDescription.UNEXPECTED_MESSAGE, alert(() -> c.state.onChangeCipherSpec(c.out)));
        c.out.exporter.destroy();
    }

    @Test
    void aClientCertificateVerifyThatDoesNotVerifyIsDecryptError() throws Exception {
        Issued clientLeaf = TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P256)).build();
        ServerConfig server = config(leaf()).clientAuth(ClientAuth.REQUIRE)
                .clientTrustManager(TestPki.trustManager(TestPki.ca(KeyType.EC_P256).certificate())).build();
        Client c = new Client(NamedGroup.X25519, server);
        Tls12CertificateRequest request = (Tls12CertificateRequest) Tls12HandshakeCodec.decode(
                Unpooled.wrappedBuffer(c.out.sent.get(3)));
        assertEquals(List.of(Tls12CertificateRequest.RSA_SIGN, Tls12CertificateRequest.ECDSA_SIGN),
                request.certificateTypes());
        assertTrue(request.signatureSchemes().contains(SignatureScheme.RSA_PKCS1_SHA256));
        List<byte[]> chain = new ArrayList<>();
        for (X509Certificate cert : clientLeaf.chain()) {
            chain.add(cert.getEncoded());
        }
        c.send(new Tls12Certificate(chain));
        c.sendClientKeyExchange();
        byte[] signature = CRYPTO.sign(dev.tls13.crypto.SignatureAlgorithm.ECDSA_SECP256R1_SHA256,
                clientLeaf.privateKey(), "not the handshake".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(AlertDescription.DECRYPT_ERROR, alert(() -> c.send(new CertificateVerify(
                SignatureScheme.ECDSA_SECP256R1_SHA256, signature))));
        // A scheme our CertificateRequest did not list is illegal_parameter (RFC 5246 §7.4.8).
        assertEquals(AlertDescription.ILLEGAL_PARAMETER, alert(() -> c.send(new CertificateVerify(
                SignatureScheme.of(0x0203), signature))));
        c.state.destroy();
    }

    @Test
    void aClientCertificateVerifyOverTheMessagesConnects() throws Exception {
        Issued clientLeaf = TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P256)).build();
        ServerConfig server = config(leaf()).clientAuth(ClientAuth.REQUIRE)
                .clientTrustManager(TestPki.trustManager(TestPki.ca(KeyType.EC_P256).certificate())).build();
        Client c = new Client(NamedGroup.X25519, server);
        List<byte[]> chain = new ArrayList<>();
        for (X509Certificate cert : clientLeaf.chain()) {
            chain.add(cert.getEncoded());
        }
        c.send(new Tls12Certificate(chain));
        c.sendClientKeyExchange();
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (byte[] m : c.messages) {
            all.write(m);
        }
        byte[] signature = CRYPTO.sign(dev.tls13.crypto.SignatureAlgorithm.ECDSA_SECP256R1_SHA256,
                clientLeaf.privateKey(), all.toByteArray());
        Tls12MasterSecret master = Tls12MasterSecret.extended(CRYPTO, HashAlgorithm.SHA256, c.preMasterSecret,
                c.hash());
        c.send(new CertificateVerify(SignatureScheme.ECDSA_SECP256R1_SHA256, signature));
        c.state = c.state.onChangeCipherSpec(c.out);
        c.send(c.finished(master));
        Tls12ServerHandshake.Connected connected = assertInstanceOf(Tls12ServerHandshake.Connected.class, c.state);
        assertNotNull(connected.client());
        assertEquals(SignatureScheme.ECDSA_SECP256R1_SHA256, c.out.summary.peerSignatureScheme());
        assertArrayEquals(clientLeaf.certificate().getEncoded(), c.out.summary.peerCertificates().get(0).getEncoded());
        master.destroy();
        c.out.exporter.destroy();
    }

    @Test
    void connectedRequiresAVerifiedClientWhenAuthenticationIsRequired() throws Exception {
        Client c = connected(NamedGroup.X25519);
        Tls12ServerHandshake.Connected connected = (Tls12ServerHandshake.Connected) c.state;
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Tls12ServerHandshake.Connected(connected.finished(), ClientAuth.REQUIRE, null,
                        connected.summary(), 0));
        c.out.exporter.destroy();
    }

    @Test
    void unusedKeyExchangeAlgorithmsAreNotOffered() {
        // Hybrid groups are TLS 1.3 only: the TLS 1.2 curve table has none.
        assertEquals(null, Tls12ClientHandshake.keyExchange(NamedGroup.X25519MLKEM768));
        assertEquals(KeyExchangeAlgorithm.SECP256R1, Tls12ClientHandshake.keyExchange(NamedGroup.SECP256R1));
    }
}
