package dev.tls13.jsse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.testing.TestPki;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.Test;

/**
 * The {@code SSLEngine} contract of {@link Tls13SslEngine}, driven in memory against the JDK's engine:
 * one record per unwrap, underflow and overflow, FINISHED exactly once, gathering wrap, close_notify,
 * sessions, SSLParameters, ALPN and the engine-aware key and trust manager call-backs.
 */
class Tls13SslEngineTest {

    private static final SNIHostName SNI = new SNIHostName("sni.example");
    private static final TestPki.Issued LEAF = Contexts.serverLeaf(TestPki.KeyType.EC_P256);

    /** Records which engine and handshake session the key manager was called with. */
    private static final class RecordingKeyManager extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager delegate;
        final List<SSLEngine> engines = new ArrayList<>();
        final List<List<?>> requestedNames = new ArrayList<>();

        RecordingKeyManager(X509ExtendedKeyManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            engines.add(engine);
            requestedNames.add(((ExtendedSSLSession) engine.getHandshakeSession()).getRequestedServerNames());
            return delegate.chooseEngineServerAlias(keyType, issuers, engine);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            engines.add(engine);
            return delegate.chooseEngineClientAlias(keyType, issuers, engine);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return delegate.getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return delegate.chooseClientAlias(keyType, issuers, socket);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return delegate.getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return delegate.chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return delegate.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return delegate.getPrivateKey(alias);
        }
    }

    private static KeyManager[] keyManagers(TestPki.Issued leaf) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("key", leaf.privateKey(), new char[0], leaf.chain().toArray(new X509Certificate[0]));
        KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
        factory.init(store, new char[0]);
        return factory.getKeyManagers();
    }

    private static TrustManager[] trustManagers() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("anchor", Contexts.ANCHOR);
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(store);
        return factory.getTrustManagers();
    }

    private static SSLContext ours(KeyManager[] keys) throws Exception {
        SSLContext context = SSLContext.getInstance("TLSv1.3", new Tls13Provider());
        context.init(keys, trustManagers(), null);
        return context;
    }

    private static SSLContext jdk(KeyManager[] keys) throws Exception {
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(keys, trustManagers(), null);
        return context;
    }

    /** Moves bytes between two engines until both stop handshaking; counts FINISHED per engine. */
    private static final class Pair {
        final SSLEngine client;
        final SSLEngine server;
        final ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
        final ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
        int clientFinished;
        int serverFinished;

        Pair(SSLEngine client, SSLEngine server) {
            this.client = client;
            this.server = server;
        }

        void handshake() throws SSLException {
            client.beginHandshake();
            server.beginHandshake();
            for (int i = 0; i < 100; i++) {
                boolean progress = step(client, toServer, toClient, true) | step(server, toClient, toServer, false);
                if (!progress && client.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
                        && server.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING) {
                    return;
                }
            }
            throw new AssertionError("handshake did not finish");
        }

        private boolean step(SSLEngine engine, ByteBuffer out, ByteBuffer in, boolean isClient) throws SSLException {
            boolean progress = false;
            for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                // The JDK's engine has delegated tasks; ours never does.
                assertFalse(engine instanceof Tls13SslEngine);
                task.run();
                progress = true;
            }
            while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                SSLEngineResult r = engine.wrap(ByteBuffer.allocate(0), out);
                count(r, isClient);
                progress = true;
            }
            in.flip();
            try {
                while (in.hasRemaining() && engine.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP) {
                    SSLEngineResult r = engine.unwrap(in, ByteBuffer.allocate(1 << 15));
                    count(r, isClient);
                    if (r.getStatus() == Status.BUFFER_UNDERFLOW) {
                        break;
                    }
                    progress = true;
                }
            } finally {
                in.compact();
            }
            return progress;
        }

        private void count(SSLEngineResult r, boolean isClient) {
            if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
                if (isClient) {
                    clientFinished++;
                } else {
                    serverFinished++;
                }
            }
        }
    }

    private static Pair ourServerJdkClient(SSLEngine server) throws Exception {
        SSLEngine client = jdk(null).createSSLEngine("localhost", 443);
        client.setUseClientMode(true);
        SSLParameters parameters = client.getSSLParameters();
        parameters.setServerNames(List.of(SNI));
        client.setSSLParameters(parameters);
        server.setUseClientMode(false);
        return new Pair(client, server);
    }

    @Test
    void reportsNotHandshakingAndFullBufferSizesBeforeTheHandshake() throws Exception {
        SSLEngine engine = ours(keyManagers(LEAF)).createSSLEngine();
        assertEquals(HandshakeStatus.NOT_HANDSHAKING, engine.getHandshakeStatus());
        assertNull(engine.getApplicationProtocol());
        assertNull(engine.getHandshakeSession());
        assertNull(engine.getDelegatedTask());
        SSLSession session = engine.getSession();
        assertTrue(session.getApplicationBufferSize() >= 16384);
        assertTrue(session.getPacketBufferSize() >= 16384 + 256 + 5);
        assertEquals("SSL_NULL_WITH_NULL_NULL", session.getCipherSuite());
        assertArrayEquals(new String[] {"TLSv1.3", "TLSv1.2"}, engine.getSupportedProtocols());
        assertArrayEquals(new String[] {"TLSv1.3", "TLSv1.2"}, engine.getEnabledProtocols());
    }

    /** Exchanges one message each way over a pair whose handshake completed. */
    private static void exchange(Pair pair) throws SSLException {
        ByteBuffer wire = ByteBuffer.allocate(1 << 16);
        pair.client.wrap(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)), wire);
        wire.flip();
        ByteBuffer plain = ByteBuffer.allocate(1 << 15);
        pair.server.unwrap(wire, plain);
        plain.flip();
        assertEquals("ping", StandardCharsets.US_ASCII.decode(plain).toString());
        wire.clear();
        pair.server.wrap(ByteBuffer.wrap("pong".getBytes(StandardCharsets.US_ASCII)), wire);
        wire.flip();
        plain.clear();
        pair.client.unwrap(wire, plain);
        plain.flip();
        assertEquals("pong", StandardCharsets.US_ASCII.decode(plain).toString());
    }

    private static void assertTls12(Pair pair) {
        SSLSession client = pair.client.getSession();
        SSLSession server = pair.server.getSession();
        assertEquals("TLSv1.2", client.getProtocol());
        assertEquals("TLSv1.2", server.getProtocol());
        assertEquals(client.getCipherSuite(), server.getCipherSuite());
        assertTrue(server.getCipherSuite().startsWith("TLS_ECDHE_ECDSA_WITH_"), server.getCipherSuite());
        assertEquals(LEAF.certificate(), server.getLocalCertificates()[0]);
    }

    @Test
    void ourServerSpeaksTls12ToAJdkClientRestrictedToIt() throws Exception {
        Pair pair = ourServerJdkClient(ours(keyManagers(LEAF)).createSSLEngine());
        pair.client.setEnabledProtocols(new String[] {"TLSv1.2"});
        pair.handshake();
        assertEquals(1, pair.serverFinished);
        assertTls12(pair);
        exchange(pair);
    }

    @Test
    void ourServerRestrictedToTls13RefusesAJdkTls12Client() throws Exception {
        SSLEngine server = ours(keyManagers(LEAF)).createSSLEngine();
        server.setEnabledProtocols(new String[] {"TLSv1.3"});
        Pair pair = ourServerJdkClient(server);
        pair.client.setEnabledProtocols(new String[] {"TLSv1.2"});
        assertThrows(SSLException.class, pair::handshake);
        // The alert our engine wraps after the failure, as the JDK's client reads it.
        ByteBuffer alert = ByteBuffer.allocate(1 << 10);
        pair.server.wrap(ByteBuffer.allocate(0), alert);
        alert.flip();
        SSLException received = assertThrows(SSLException.class,
                () -> pair.client.unwrap(alert, ByteBuffer.allocate(1 << 15)));
        assertTrue(String.valueOf(received.getMessage()).contains("protocol_version"), received::toString);
    }

    @Test
    void ourClientSpeaksTls12ToAJdkServerRestrictedToIt() throws Exception {
        SSLEngine server = jdk(keyManagers(LEAF)).createSSLEngine();
        server.setUseClientMode(false);
        server.setEnabledProtocols(new String[] {"TLSv1.2"});
        SSLEngine client = ours(null).createSSLEngine("localhost", 443);
        client.setUseClientMode(true);
        Pair pair = new Pair(client, server);
        pair.handshake();
        assertEquals(1, pair.clientFinished);
        assertTls12(pair);
        exchange(pair);
    }

    @Test
    void ourTls12OnlyClientAgainstOurServerAndTheJdksServer() throws Exception {
        for (SSLContext serverContext : List.of(ours(keyManagers(LEAF)), jdk(keyManagers(LEAF)))) {
            SSLEngine server = serverContext.createSSLEngine();
            server.setUseClientMode(false);
            SSLEngine client = ours(null).createSSLEngine("localhost", 443);
            client.setUseClientMode(true);
            client.setEnabledProtocols(new String[] {"TLSv1.2"});
            Pair pair = new Pair(client, server);
            pair.handshake();
            assertTls12(pair);
            exchange(pair);
        }
    }

    @Test
    void finishesOnceConsumesOneRecordPerUnwrapAndExchangesData() throws Exception {
        Tls13SslEngine server = (Tls13SslEngine) ours(keyManagers(LEAF)).createSSLEngine();
        Pair pair = ourServerJdkClient(server);
        pair.client.beginHandshake();
        pair.client.wrap(ByteBuffer.allocate(0), pair.toServer);
        pair.toServer.flip();
        int helloLength = pair.toServer.remaining();
        // Less than a record: nothing consumed.
        ByteBuffer partial = pair.toServer.duplicate();
        partial.limit(helloLength - 1);
        SSLEngineResult underflow = server.unwrap(partial, ByteBuffer.allocate(1 << 15));
        assertEquals(Status.BUFFER_UNDERFLOW, underflow.getStatus());
        assertEquals(0, underflow.bytesConsumed());
        assertEquals(HandshakeStatus.NEED_UNWRAP, underflow.getHandshakeStatus());
        pair.toServer.compact();
        pair.handshake();
        assertEquals(1, pair.serverFinished, "FINISHED reported exactly once by our engine");
        assertEquals(HandshakeStatus.NOT_HANDSHAKING, server.getHandshakeStatus());
        assertNull(server.getHandshakeSession());
        assertEquals("", server.getApplicationProtocol(), "no ALPN negotiated");
        SSLSession session = server.getSession();
        assertEquals("TLSv1.3", session.getProtocol());
        assertEquals(pair.client.getSession().getCipherSuite(), session.getCipherSuite());
        assertTrue(session.getCipherSuite().startsWith("TLS_AES_"));
        assertEquals(LEAF.certificate(), session.getLocalCertificates()[0]);
        assertEquals(List.of(SNI), ((ExtendedSSLSession) session).getRequestedServerNames());

        // Two records from the JDK client: one unwrap consumes exactly the first.
        byte[] data = new byte[20_000];
        new Random(1).nextBytes(data);
        ByteBuffer wire = ByteBuffer.allocate(1 << 16);
        ByteBuffer plain = ByteBuffer.wrap(data);
        while (plain.hasRemaining()) {
            pair.client.wrap(plain, wire);
        }
        wire.flip();
        int first = 5 + ((wire.get(3) & 0xFF) << 8 | wire.get(4) & 0xFF);
        SSLEngineResult overflow = server.unwrap(wire, ByteBuffer.allocate(100));
        assertEquals(Status.BUFFER_OVERFLOW, overflow.getStatus());
        assertEquals(0, overflow.bytesConsumed());
        // Overflow is judged on the largest plaintext a record may carry (its padding is unknown before
        // decryption), so leave room for one more record.
        ByteBuffer received = ByteBuffer.allocate(data.length + server.getSession().getApplicationBufferSize());
        ByteBuffer[] dsts = {ByteBuffer.allocate(1000), received, ByteBuffer.allocate(1)};
        SSLEngineResult one = server.unwrap(wire, dsts, 1, 1);
        assertEquals(Status.OK, one.getStatus());
        assertEquals(first, one.bytesConsumed());
        assertEquals(0, dsts[0].position(), "outside offset/length untouched");
        for (int i = 0; i < 10 && wire.hasRemaining(); i++) {
            SSLEngineResult r = server.unwrap(wire, received);
            assertEquals(Status.OK, r.getStatus(), r + " with " + received.remaining() + " free, "
                    + wire.remaining() + " to read");
        }
        assertFalse(wire.hasRemaining());
        assertEquals(data.length, received.position());
        assertArrayEquals(data, java.util.Arrays.copyOf(received.array(), data.length));

        // Gathering wrap from several sources with offset and length.
        ByteBuffer[] srcs = {ByteBuffer.wrap(new byte[] {9}), ByteBuffer.wrap(data, 0, 700),
            ByteBuffer.wrap(data, 700, 300), ByteBuffer.wrap(new byte[] {9})};
        ByteBuffer tiny = ByteBuffer.allocate(10);
        assertEquals(Status.BUFFER_OVERFLOW, server.wrap(srcs, 1, 2, tiny).getStatus());
        ByteBuffer sealed = ByteBuffer.allocate(1 << 15);
        SSLEngineResult wrapped = server.wrap(srcs, 1, 2, sealed);
        assertEquals(1000, wrapped.bytesConsumed());
        assertEquals(1, srcs[0].remaining());
        assertEquals(1, srcs[3].remaining());
        sealed.flip();
        ByteBuffer echoed = ByteBuffer.allocate(1 << 15);
        // The server's NewSessionTickets, written after its handshake, come first (RFC 8446 §4.6.1).
        pair.toClient.flip();
        while (pair.toClient.hasRemaining()) {
            assertEquals(0, pair.client.unwrap(pair.toClient, echoed).bytesProduced());
        }
        pair.client.unwrap(sealed, echoed);
        echoed.flip();
        byte[] back = new byte[echoed.remaining()];
        echoed.get(back);
        assertArrayEquals(java.util.Arrays.copyOf(data, 1000), back);

        // close_notify both ways.
        pair.client.closeOutbound();
        ByteBuffer clientAlert = ByteBuffer.allocate(1 << 15);
        pair.client.wrap(ByteBuffer.allocate(0), clientAlert);
        clientAlert.flip();
        assertFalse(server.isInboundDone());
        assertEquals(Status.CLOSED, server.unwrap(clientAlert, ByteBuffer.allocate(1 << 15)).getStatus());
        assertTrue(server.isInboundDone());
        assertFalse(server.isOutboundDone(), "TLS 1.3 half-close: our side may still send");
        server.closeOutbound();
        assertEquals(HandshakeStatus.NEED_WRAP, server.getHandshakeStatus());
        ByteBuffer alert = ByteBuffer.allocate(1 << 15);
        SSLEngineResult closed = server.wrap(ByteBuffer.allocate(0), alert);
        assertEquals(Status.CLOSED, closed.getStatus());
        assertTrue(closed.bytesProduced() > 0);
        assertTrue(server.isOutboundDone());
        alert.flip();
        assertEquals(Status.CLOSED, pair.client.unwrap(alert, ByteBuffer.allocate(1 << 15)).getStatus());
        server.closeInbound();
    }

    @Test
    void callsTheKeyManagerWithTheEngineAfterReadingTheRequestedServerName() throws Exception {
        RecordingKeyManager keys = new RecordingKeyManager((X509ExtendedKeyManager) keyManagers(LEAF)[0]);
        SSLEngine server = ours(new KeyManager[] {keys}).createSSLEngine();
        Pair pair = ourServerJdkClient(server);
        pair.handshake();
        assertFalse(keys.engines.isEmpty());
        assertTrue(keys.engines.stream().allMatch(e -> e == server));
        assertEquals(List.of(SNI), keys.requestedNames.get(0));
    }

    @Test
    void serverSelectorChoosesTheProtocolFromTheClientsList() throws Exception {
        SSLEngine server = ours(keyManagers(LEAF)).createSSLEngine();
        List<List<String>> offered = new ArrayList<>();
        server.setHandshakeApplicationProtocolSelector((engine, protocols) -> {
            offered.add(protocols);
            return "http/1.1";
        });
        Pair pair = ourServerJdkClient(server);
        SSLParameters parameters = pair.client.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"h2", "http/1.1"});
        pair.client.setSSLParameters(parameters);
        pair.handshake();
        assertEquals(List.of(List.of("h2", "http/1.1")), offered);
        assertEquals("http/1.1", server.getApplicationProtocol());
        assertEquals("http/1.1", pair.client.getApplicationProtocol());
    }

    @Test
    void serverSelectorReturningNullFailsTheHandshakeWithNoApplicationProtocol() throws Exception {
        SSLEngine server = ours(keyManagers(LEAF)).createSSLEngine();
        server.setHandshakeApplicationProtocolSelector((engine, protocols) -> null);
        Pair pair = ourServerJdkClient(server);
        SSLParameters parameters = pair.client.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"h2"});
        pair.client.setSSLParameters(parameters);
        SSLException failure = assertThrows(SSLException.class, pair::handshake);
        SSLException clientSide = assertThrows(SSLException.class, () -> {
            while (server.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                server.wrap(ByteBuffer.allocate(0), pair.toClient);
            }
            pair.toClient.flip();
            pair.client.unwrap(pair.toClient, ByteBuffer.allocate(1 << 15));
        });
        assertTrue((failure.getMessage() + clientSide.getMessage()).contains("no_application_protocol"),
                failure + " / " + clientSide);
    }

    @Test
    void clientEndpointIdentificationRejectsAServerCertificateForAnotherHost() throws Exception {
        SSLEngine client = ours(null).createSSLEngine("other.example", 443);
        client.setUseClientMode(true);
        SSLParameters parameters = client.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        client.setSSLParameters(parameters);
        SSLEngine server = jdk(keyManagers(LEAF)).createSSLEngine();
        server.setUseClientMode(false);
        Pair pair = new Pair(client, server);
        SSLException failure = assertThrows(SSLException.class, pair::handshake);
        assertTrue(failure.getMessage().contains("other.example"), failure.toString());
    }

    @Test
    void clientAuthenticatesWithTheKeyManagersCertificateWhenTheServerNeedsOne() throws Exception {
        RecordingKeyManager keys = new RecordingKeyManager((X509ExtendedKeyManager) keyManagers(Contexts.CLIENT)[0]);
        SSLEngine client = ours(new KeyManager[] {keys}).createSSLEngine("localhost", 443);
        client.setUseClientMode(true);
        SSLEngine server = jdk(keyManagers(LEAF)).createSSLEngine();
        server.setUseClientMode(false);
        server.setNeedClientAuth(true);
        Pair pair = new Pair(client, server);
        pair.handshake();
        assertEquals(1, pair.clientFinished);
        assertTrue(keys.engines.contains(client));
        assertEquals(Contexts.CLIENT.certificate(), server.getSession().getPeerCertificates()[0]);
        assertEquals(LEAF.certificate().getSubjectX500Principal(), client.getSession().getPeerPrincipal());
    }

    @Test
    void sslParametersRoundTripAndTls13AndTls12AreEnabled() throws Exception {
        SSLContext context = ours(null);
        assertArrayEquals(new String[] {"TLSv1.3", "TLSv1.2"}, context.getDefaultSSLParameters().getProtocols());
        assertArrayEquals(new String[] {"TLSv1.3", "TLSv1.2"}, context.getSupportedSSLParameters().getProtocols());
        assertTrue(List.of(context.getSupportedSSLParameters().getCipherSuites()).contains("TLS_AES_128_CCM_SHA256"));
        SSLEngine engine = context.createSSLEngine();
        SSLParameters parameters = new SSLParameters(new String[] {"TLS_AES_256_GCM_SHA384", "TLS_RSA_WITH_NULL"},
                new String[] {"TLSv1.2", "TLSv1.3"});
        parameters.setNeedClientAuth(true);
        parameters.setServerNames(List.of(new SNIHostName("a.example")));
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setApplicationProtocols(new String[] {"h2"});
        engine.setSSLParameters(parameters);
        SSLParameters back = engine.getSSLParameters();
        assertArrayEquals(new String[] {"TLS_AES_256_GCM_SHA384"}, back.getCipherSuites());
        assertArrayEquals(new String[] {"TLSv1.3", "TLSv1.2"}, back.getProtocols());
        assertTrue(back.getNeedClientAuth());
        assertEquals(List.of(new SNIHostName("a.example")), back.getServerNames());
        assertEquals("HTTPS", back.getEndpointIdentificationAlgorithm());
        assertArrayEquals(new String[] {"h2"}, back.getApplicationProtocols());
        engine.setEnabledProtocols(new String[] {"TLSv1.2", "TLSv1.1"});
        assertArrayEquals(new String[] {"TLSv1.2"}, engine.getEnabledProtocols());
        engine.setEnabledProtocols(new String[] {"TLSv1.1"});
        assertEquals(0, engine.getEnabledProtocols().length);
        assertThrows(IllegalArgumentException.class, () -> engine.setEnabledProtocols(new String[] {"TLSv9"}));
        engine.setWantClientAuth(true);
        assertFalse(engine.getNeedClientAuth());
        assertTrue(engine.getWantClientAuth());
        assertNotNull(context.getServerSessionContext());
    }

    @Test
    void groupNamesAreReadAsTheCodecReadsThem() {
        assertEquals(List.of("secp256r1", "x25519", "secp384r1"),
                Tls13SslContextSpi.groups(List.of("prime256v1", "P-256", "X25519", "p-384")));
        assertThrows(IllegalArgumentException.class, () -> new Tls13Provider(List.of("ffdhe2048")));
        assertThrows(IllegalArgumentException.class, () -> new Tls13Provider(List.of()));
    }

    @Test
    void anEmptyServerNameListSendsNoServerName() throws Exception {
        RecordingKeyManager keys = new RecordingKeyManager((X509ExtendedKeyManager) keyManagers(LEAF)[0]);
        SSLEngine server = ours(new KeyManager[] {keys}).createSSLEngine();
        server.setUseClientMode(false);
        SSLEngine client = ours(null).createSSLEngine("localhost", 443);
        client.setUseClientMode(true);
        SSLParameters parameters = client.getSSLParameters();
        parameters.setServerNames(List.of());
        client.setSSLParameters(parameters);
        new Pair(client, server).handshake();
        assertEquals(List.of(), keys.requestedNames.get(0));
        assertEquals(List.of(), ((ExtendedSSLSession) server.getSession()).getRequestedServerNames());
        assertEquals("TLSv1.3", client.getSession().getProtocol());
    }

    @Test
    void serverWithoutCertificateSendsHandshakeFailure() throws Exception {
        SSLEngine server = ours(null).createSSLEngine();
        Pair pair = ourServerJdkClient(server);
        SSLException failure = assertThrows(SSLException.class, pair::handshake);
        assertTrue(failure.getMessage().contains("certificate"), failure.toString());
        assertEquals(HandshakeStatus.NEED_WRAP, server.getHandshakeStatus());
        ByteBuffer alert = ByteBuffer.allocate(1 << 15);
        assertEquals(Status.CLOSED, server.wrap(ByteBuffer.allocate(0), alert).getStatus());
        assertTrue(server.isOutboundDone());
        assertTrue(server.isInboundDone());
        alert.flip();
        SSLException clientSide = assertThrows(SSLException.class,
                () -> pair.client.unwrap(alert, ByteBuffer.allocate(1 << 15)));
        assertTrue(clientSide.getMessage().contains("handshake_failure"), clientSide.toString());
    }
    // ---- resumption through the SSLContext's session contexts (docs/architecture.md §15) ------------------

    /**
     * One connection between a client engine for localhost:443 (or for no peer) and a server engine, handshake
     * and then the server's NewSessionTickets delivered to the client (they follow the handshake, RFC 8446 §4.6.1).
     */
    private static Pair resumptionConnection(SSLContext clientContext, SSLContext serverContext, boolean withPeer)
            throws SSLException {
        SSLEngine client = withPeer ? clientContext.createSSLEngine("localhost", 443) : clientContext.createSSLEngine();
        client.setUseClientMode(true);
        SSLEngine server = serverContext.createSSLEngine();
        server.setUseClientMode(false);
        Pair pair = new Pair(client, server);
        pair.handshake();
        for (int i = 0; i < 4; i++) {
            pair.server.wrap(ByteBuffer.allocate(0), pair.toClient);
        }
        pair.toClient.flip();
        while (pair.toClient.hasRemaining()) {
            SSLEngineResult r = pair.client.unwrap(pair.toClient, ByteBuffer.allocate(1 << 15));
            assertEquals(0, r.bytesProduced(), "tickets only");
            if (r.getStatus() != Status.OK) {
                break;
            }
        }
        pair.toClient.compact();
        assertEquals(1, pair.clientFinished);
        return pair;
    }

    private static boolean resumed(SSLEngine engine) {
        return ((Tls13Session) engine.getSession()).resumed();
    }

    @Test
    void aClientEngineWithPeerHostAndPortResumesThroughItsSslContext() throws Exception {
        SSLContext clientContext = ours(null);
        SSLContext serverContext = ours(keyManagers(LEAF));
        Pair first = resumptionConnection(clientContext, serverContext, true);
        assertFalse(resumed(first.client));
        assertFalse(resumed(first.server));
        assertSame(clientContext.getClientSessionContext(), first.client.getSession().getSessionContext());
        assertSame(serverContext.getServerSessionContext(), first.server.getSession().getSessionContext());
        Pair second = resumptionConnection(clientContext, serverContext, true);
        assertTrue(resumed(second.client), "a ticket from the first connection, kept in the SSLContext");
        assertTrue(resumed(second.server), "another engine of the same SSLContext opened the ticket");
        assertArrayEquals(first.client.getSession().getPeerCertificates(),
                second.client.getSession().getPeerCertificates(), "the original server chain");
        assertFalse(resumed(resumptionConnection(clientContext, serverContext, false).client),
                "an engine without the peer's host and port neither offers nor keeps tickets");
        assertFalse(resumed(resumptionConnection(clientContext, ours(keyManagers(LEAF)), true).client),
                "another server SSLContext has another ticket key: a full handshake");
    }

    @Test
    void theSessionContextsSizeAndTimeoutGovernResumption() throws Exception {
        SSLContext clientContext = ours(null);
        SSLContext serverContext = ours(keyManagers(LEAF));
        SSLSessionContext clientSessions = clientContext.getClientSessionContext();
        assertEquals(0, clientSessions.getSessionCacheSize(), "the JDK's vocabulary: 0 is no limit");
        assertEquals(86_400, clientSessions.getSessionTimeout());
        resumptionConnection(clientContext, serverContext, true);
        clientSessions.setSessionCacheSize(1);
        assertFalse(resumed(resumptionConnection(clientContext, serverContext, true).client),
                "a new size replaces the cache and its tickets");
        assertTrue(resumed(resumptionConnection(clientContext, serverContext, true).client));
        serverContext.getServerSessionContext().setSessionTimeout(60);
        Pair shortLived = resumptionConnection(clientContext, serverContext, true);
        assertTrue(resumed(shortLived.server), "a shorter lifetime applies to tickets issued from now on");
        assertThrows(IllegalArgumentException.class, () -> clientSessions.setSessionTimeout(-1));
    }

    @Test
    void theJdkClientResumesAgainstOurServerEngines() throws Exception {
        SSLContext jdkClient = jdk(null);
        SSLContext serverContext = ours(keyManagers(LEAF));
        assertFalse(resumed(resumptionConnection(jdkClient, serverContext, true).server));
        assertTrue(resumed(resumptionConnection(jdkClient, serverContext, true).server),
                "the JDK offered our ticket and our server engine accepted it");
    }

    @Test
    void ourClientEngineResumesAgainstTheJdkServer() throws Exception {
        SSLContext clientContext = ours(null);
        SSLContext jdkServer = jdk(keyManagers(LEAF));
        assertFalse(resumed(resumptionConnection(clientContext, jdkServer, true).client));
        assertTrue(resumed(resumptionConnection(clientContext, jdkServer, true).client),
                "the JDK server issues tickets because our client sends psk_key_exchange_modes");
    }
}
