package dev.tls13.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.tls13.Tls13Context;
import dev.tls13.connection.SessionInfo;
import dev.tls13.connection.TlsConnection;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.testing.TestPki;
import dev.tls13.wire.AlertDescription;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Certificates with weak algorithms (MD5 and SHA-1 signatures, small RSA keys, curves the JDK disables or
 * lacks) get the verdict the JDK's own TLS 1.3 engine gives through an {@link SSLEngine}, which applies
 * {@code jdk.certpath.disabledAlgorithms} and {@code jdk.tls.disabledAlgorithms}: each case is run in the same
 * test through a JDK {@code SSLEngine} and through our connection, with the same trust anchor, in both roles
 * (the server's chain checked by a client, a client's chain checked by a server requiring one). RFC 8446
 * §4.4.2.4 requires an MD5 signature to be refused and allows a trust anchor's own signature to be anything.
 */
class WeakCertificateVerdictTest {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private static final KeyPair RSA_2048 = rsa(2048);
    private static final KeyPair RSA_2048_CA = rsa(2048);
    private static final KeyPair EC_P256 = ec("secp256r1");
    private static final KeyPair EC_P256_CA = ec("secp256r1");
    private static final TestPki.Issued GOOD_SERVER = TestPki.leaf(TestPki.KeyType.EC_P256)
            .issuer(TestPki.ca(TestPki.KeyType.EC_P256)).dns("localhost").build();

    /** A trust anchor and the chain presented (leaf, intermediates, anchor), with the leaf's key. */
    record Case(String name, X509Certificate anchor, PrivateKey leafKey, X509Certificate leaf,
                List<X509Certificate> intermediates) {

        /** @return the chain an end presents: the leaf, the intermediates, the anchor */
        X509Certificate[] presented() {
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(leaf);
            chain.addAll(intermediates);
            chain.add(anchor);
            return chain.toArray(new X509Certificate[0]);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                chain("sha256WithRsa2048 (control)", RSA_2048_CA, "SHA256withRSA", "SHA256withRSA", RSA_2048),
                chain("md5WithRsaLeaf", RSA_2048_CA, "SHA256withRSA", "MD5withRSA", RSA_2048),
                chain("sha1WithRsaLeaf", RSA_2048_CA, "SHA256withRSA", "SHA1withRSA", RSA_2048),
                chain("sha1WithEcdsaLeaf", EC_P256_CA, "SHA256withECDSA", "SHA1withECDSA", EC_P256),
                chain("md5SignedTrustAnchor", RSA_2048_CA, "MD5withRSA", "SHA256withRSA", RSA_2048),
                chain("rsa1024Leaf", RSA_2048_CA, "SHA256withRSA", "SHA256withRSA", rsa(1024)),
                chain("rsa1024Ca", rsa(1024), "SHA256withRSA", "SHA256withRSA", RSA_2048),
                chain("rsa512Ca", rsa(512), "SHA256withRSA", "SHA256withRSA", RSA_2048),
                chain("secp192r1Ca", ec("secp192r1"), "SHA256withECDSA", "SHA256withECDSA", EC_P256),
                chain("brainpoolP256r1Ca", ec("brainpoolP256r1"), "SHA256withECDSA", "SHA256withECDSA", EC_P256))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aServerChainGetsTheJdkEnginesVerdict(Case c) throws Exception {
        serverChainVerdict(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aClientChainGetsTheJdkEnginesVerdict(Case c) throws Exception {
        clientChainVerdict(c);
    }

    /**
     * Runs the case's chain as a server's through a JDK client engine and through our client, asserts the same
     * verdict (and MD5's alert).
     *
     * @param c the case
     * @return the verdict both gave
     */
    static Verdict serverChainVerdict(Case c) throws Exception {
        Tls13Context server = Tls13Context.forServer(c.leafKey(), c.presented()).build();

        SSLEngine jdkClient = jdkContext(null, c.anchor()).createSSLEngine("localhost", 443);
        jdkClient.setUseClientMode(true);
        identifyEndpoint(jdkClient);
        JdkEnd jdk = new JdkEnd(jdkClient);
        run(jdk, ours(server, null));

        Tls13Context ourClient = Tls13Context.forClient().trustManager(c.anchor()).build();
        OurEnd us = ours(ourClient, "localhost");
        run(us, ours(server, null));

        return assertSameVerdict(c, "server chain", jdk, us);
    }

    /**
     * Runs the case's chain as a client's through a JDK server engine requiring one and through our server,
     * asserts the same verdict (and MD5's alert).
     *
     * @param c the case
     * @return the verdict both gave
     */
    static Verdict clientChainVerdict(Case c) throws Exception {
        Tls13Context client = Tls13Context.forClient().trustManager(TestPki.ca(TestPki.KeyType.EC_P256).certificate())
                .keyManager(c.leafKey(), c.presented()).build();

        SSLEngine jdkServer = jdkContext(GOOD_SERVER, c.anchor()).createSSLEngine();
        jdkServer.setUseClientMode(false);
        jdkServer.setNeedClientAuth(true);
        JdkEnd jdk = new JdkEnd(jdkServer);
        run(ours(client, "localhost"), jdk);

        Tls13Context ourServer = Tls13Context.forServer(GOOD_SERVER.privateKey(),
                GOOD_SERVER.chain().toArray(new X509Certificate[0])).clientAuth(ClientAuth.REQUIRE)
                .trustManager(c.anchor()).build();
        OurEnd us = ours(ourServer, null);
        run(ours(client, "localhost"), us);

        return assertSameVerdict(c, "client chain", jdk, us);
    }

    private static Verdict assertSameVerdict(Case c, String role, JdkEnd jdk, OurEnd us) {
        String detail = c.name() + ", " + role + ": JDK " + jdk.failure + ", ours " + us.failure;
        assertNotEquals(Verdict.UNDECIDED, jdk.verdict(), detail);
        assertEquals(jdk.verdict(), us.verdict(), detail);
        if (c.leaf().getSigAlgName().startsWith("MD5")) {
            // RFC 8446 §4.4.2.4: MUST abort with bad_certificate (the JDK's engine sends unsupported_certificate).
            assertEquals(AlertDescription.BAD_CERTIFICATE, us.failure.failure().alert(), detail);
        }
        System.out.println("weak certificates: " + c.name() + ", " + role + ": " + jdk.verdict());
        return jdk.verdict();
    }

    // ------------------------------------------------------------------ the two ends and the shuttle

    /** One end of an in-memory connection. */
    private interface End {
        void take(byte[] data);

        byte[] give();

        boolean complete();

        boolean failed();
    }

    /** What the end decided about its peer's chain: accepted (handshake complete) or refused by itself. */
    enum Verdict { ACCEPTED, REFUSED, UNDECIDED }

    /** The JDK's TLS 1.3 engine. */
    private static final class JdkEnd implements End {
        private final SSLEngine engine;
        private final ByteBuffer in = ByteBuffer.allocate(1 << 18);
        private final ByteBuffer app;
        private final ByteBuf out = Unpooled.buffer();
        private boolean finished;
        Exception failure;

        JdkEnd(SSLEngine engine) throws SSLException {
            this.engine = engine;
            this.app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize() + 1024);
            engine.beginHandshake();
        }

        @Override
        public void take(byte[] data) {
            in.put(data);
            pump();
        }

        @Override
        public byte[] give() {
            pump();
            try {
                return ByteBufUtil.getBytes(out);
            } finally {
                out.clear();
            }
        }

        /** Unwraps what has arrived and wraps what the engine wants to send, until neither progresses. */
        private void pump() {
            if (failure != null) {
                return;
            }
            in.flip();
            try {
                ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
                for (boolean progress = true; progress; ) {
                    runTasks();
                    SSLEngineResult r;
                    if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                        net.clear();
                        r = engine.wrap(ByteBuffer.allocate(0), net);
                        net.flip();
                        out.writeBytes(net);
                        progress = r.bytesProduced() > 0;
                    } else if (in.hasRemaining()) {
                        r = engine.unwrap(in, app);
                        app.clear();
                        progress = r.bytesConsumed() > 0 && r.getStatus() == SSLEngineResult.Status.OK;
                    } else {
                        break;
                    }
                    finished |= r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED;
                }
            } catch (SSLException e) {
                failure = e;
            } finally {
                in.compact();
            }
        }

        private void runTasks() {
            for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                task.run();
            }
        }

        @Override
        public boolean complete() {
            return finished;
        }

        @Override
        public boolean failed() {
            return failure != null;
        }

        void release() {
            out.release();
        }

        Verdict verdict() {
            if (failure != null) {
                // An alert from the peer is the peer's verdict, not this engine's.
                return failure.getMessage() != null && failure.getMessage().startsWith("Received fatal alert")
                        ? Verdict.UNDECIDED : Verdict.REFUSED;
            }
            return finished ? Verdict.ACCEPTED : Verdict.UNDECIDED;
        }
    }

    /** Our connection. */
    private static final class OurEnd implements End, TlsConnection.Listener {
        private final TlsConnection connection;
        private final ByteBuf inbound = Unpooled.buffer();
        private boolean completed;
        TlsException failure;

        OurEnd(Tls13Context context, String host) {
            connection = context.newConnection(UnpooledByteBufAllocator.DEFAULT, host, this);
            try {
                connection.start();
            } catch (TlsException e) {
                failure = e;
            }
        }

        @Override
        public void take(byte[] data) {
            if (failure != null) {
                return;
            }
            inbound.writeBytes(data);
            try {
                connection.receive(inbound);
            } catch (TlsException e) {
                failure = e;
            }
            inbound.discardReadBytes();
        }

        @Override
        public byte[] give() {
            ByteBuf out = connection.pollOutput();
            if (out == null) {
                return new byte[0];
            }
            try {
                return ByteBufUtil.getBytes(out);
            } finally {
                out.release();
            }
        }

        @Override
        public boolean complete() {
            completed |= connection.isHandshakeComplete();
            return completed;
        }

        @Override
        public boolean failed() {
            return failure != null;
        }

        Verdict verdict() {
            if (failure != null) {
                return failure.failure() instanceof TlsFailure.AlertReceived ? Verdict.UNDECIDED : Verdict.REFUSED;
            }
            return completed ? Verdict.ACCEPTED : Verdict.UNDECIDED;
        }

        void release() {
            complete();
            connection.release();
            inbound.release();
        }

        @Override
        public void handshakeComplete(SessionInfo session) {
        }

        @Override
        public void applicationData(ByteBuf data) {
            data.release();
        }

        @Override
        public void closeNotifyReceived() {
        }
    }

    private static OurEnd ours(Tls13Context context, String host) {
        return new OurEnd(context, host);
    }

    /** Shuttles flights until both ends are done or one has failed and its alert was delivered. */
    private static void run(End client, End server) {
        try {
            for (int i = 0; i < 12 && !(client.complete() && server.complete()); i++) {
                byte[] c = client.give();
                if (c.length > 0) {
                    server.take(c);
                }
                byte[] s = server.give();
                if (s.length > 0) {
                    client.take(s);
                }
                if (client.failed() && server.failed()) {
                    break;
                }
            }
        } finally {
            for (End end : List.of(client, server)) {
                if (end instanceof OurEnd) {
                    ((OurEnd) end).release();
                } else {
                    ((JdkEnd) end).release();
                }
            }
        }
    }

    // ------------------------------------------------------------------ certificates

    private static SSLContext jdkContext(TestPki.Issued own, X509Certificate anchor) throws Exception {
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        KeyManagerFactory keys = null;
        if (own != null) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("own", own.privateKey(), new char[0], own.chain().toArray(new X509Certificate[0]));
            keys = KeyManagerFactory.getInstance("PKIX");
            keys.init(store, new char[0]);
        }
        context.init(keys == null ? null : keys.getKeyManagers(), new TrustManager[] {TestPki.trustManager(anchor)},
                null);
        return context;
    }

    private static void identifyEndpoint(SSLEngine engine) {
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setProtocols(new String[] {"TLSv1.3"});
        engine.setSSLParameters(parameters);
    }

    static Case chain(String name, KeyPair caKeys, String anchorSignature, String leafSignature,
                              KeyPair leafKeys) {
        X500Name caName = new X500Name("CN=Weak Test CA " + name);
        X509Certificate anchor = certificate(caName, caKeys.getPublic(), caName, caKeys, anchorSignature, true);
        X509Certificate leaf = certificate(new X500Name("CN=localhost"), leafKeys.getPublic(), caName, caKeys,
                leafSignature, false);
        assertNotNull(leaf);
        return new Case(name, anchor, leafKeys.getPrivate(), leaf, List.of());
    }

    /** A chain of three: the anchor signs an intermediate CA with its signature, which signs the leaf with its. */
    static Case chainWithIntermediate(String name, KeyPair caKeys, String anchorSignature, KeyPair intermediateKeys,
                                      String intermediateSignature, String leafSignature, KeyPair leafKeys) {
        X500Name caName = new X500Name("CN=Weak Test CA " + name);
        X500Name intermediateName = new X500Name("CN=Weak Test Intermediate " + name);
        X509Certificate anchor = certificate(caName, caKeys.getPublic(), caName, caKeys, anchorSignature, true);
        X509Certificate intermediate = certificate(intermediateName, intermediateKeys.getPublic(), caName, caKeys,
                intermediateSignature, true);
        X509Certificate leaf = certificate(new X500Name("CN=localhost"), leafKeys.getPublic(), intermediateName,
                intermediateKeys, leafSignature, false);
        return new Case(name, anchor, leafKeys.getPrivate(), leaf, List.of(intermediate));
    }

    private static X509Certificate certificate(X500Name subject, PublicKey subjectKey, X500Name issuer,
                                               KeyPair issuerKeys, String signature, boolean ca) {
        try {
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(30))), subject, subjectKey);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (ca) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")));
            }
            return TestPki.toJdk(builder.build(new JcaContentSignerBuilder(signature).setProvider(TestPki.BC)
                    .build(issuerKeys.getPrivate())).getEncoded());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair ec(String curve) {
        try {
            // BouncyCastle has the curves the JDK has dropped (secp192r1, brainpool).
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", TestPki.BC);
            generator.initialize(new ECGenParameterSpec(curve));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
