package dev.tls13.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.JcaCryptoProvider;
import dev.tls13.error.TlsException;
import dev.tls13.keys.ExporterSecret;
import dev.tls13.keys.TrafficKeys;
import dev.tls13.testing.Hex;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.Extension;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.HandshakeMessage;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.NewSessionTicket;
import dev.tls13.wire.SignatureScheme;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import javax.net.ssl.X509ExtendedTrustManager;

/**
 * An in-memory handshake driver for tests: recording outputs, and a shuttle that moves each side's
 * messages to the other, decoding them with {@link HandshakeCodec} as the connection driver does.
 * Key changes are bookkeeping only (no record protection here), but every key installed is kept so
 * tests can check that one side's write keys are the other side's read keys, in order.
 */
final class HandshakeHarness {

    static final String HOST = "localhost";
    static final List<CipherSuite> SUITES = List.of(CipherSuite.TLS_AES_128_GCM_SHA256,
            CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_CHACHA20_POLY1305_SHA256);
    static final List<NamedGroup> GROUPS = List.of(NamedGroup.X25519, NamedGroup.SECP256R1, NamedGroup.SECP384R1);
    static final CryptoProvider CRYPTO = JcaCryptoProvider.instance();

    private HandshakeHarness() {
    }

    /** One effect recorded by {@link Recorder}. */
    sealed interface Effect {
    }

    /** sendHandshake. */
    record Sent(byte[] message) implements Effect {
    }

    /** sendChangeCipherSpec. */
    record ChangeCipherSpec() implements Effect {
    }

    /** installWriteKeys or installReadKeys, with copies of the key and IV as hex. */
    record Keys(boolean write, String key, String iv) implements Effect {
    }

    /** skipEarlyData. */
    record SkipEarlyData() implements Effect {
    }

    /** acceptEarlyData. */
    record AcceptEarlyData(long maxEarlyDataSize) implements Effect {
    }

    /** installEarlyWriteKeys: the keys as hex, the ticket's max_early_data_size and ALPN protocol. */
    record EarlyKeys(String key, String iv, long maxEarlyDataSize, String applicationProtocol) implements Effect {
    }

    /** endEarlyData: the EndOfEarlyData sealed under the early keys, or {@code null} when rejected. */
    record EndEarlyData(byte[] endOfEarlyData) implements Effect {
    }

    /** handshakeComplete. */
    record Complete(HandshakeSummary session) implements Effect {
    }

    /** sessionTicket. */
    record Ticket(NewSessionTicket ticket, byte[] psk) implements Effect {
    }

    /** A recording {@link HandshakeOutput}. */
    static final class Recorder implements HandshakeOutput {
        final List<Effect> effects = new ArrayList<>();
        final List<String> keyLog = new ArrayList<>();
        final List<ExporterSecret> exporters = new ArrayList<>();
        final boolean keyLogEnabled;
        /** How many Sent effects the shuttle has delivered. */
        int delivered;

        Recorder(boolean keyLogEnabled) {
            this.keyLogEnabled = keyLogEnabled;
        }

        Recorder() {
            this(true);
        }

        @Override
        public void sendHandshake(byte[] encodedMessage) {
            effects.add(new Sent(encodedMessage));
        }

        @Override
        public void sendChangeCipherSpec() {
            effects.add(new ChangeCipherSpec());
        }

        @Override
        public void installWriteKeys(TrafficKeys keys) {
            effects.add(new Keys(true, Hex.encode(keys.key()), Hex.encode(keys.iv())));
            keys.destroy();
        }

        @Override
        public void installReadKeys(TrafficKeys keys) {
            effects.add(new Keys(false, Hex.encode(keys.key()), Hex.encode(keys.iv())));
            keys.destroy();
        }

        @Override
        public void skipEarlyData() {
            effects.add(new SkipEarlyData());
        }

        @Override
        public void acceptEarlyData(long maxEarlyDataSize) {
            effects.add(new AcceptEarlyData(maxEarlyDataSize));
        }

        @Override
        public void installEarlyWriteKeys(TrafficKeys keys, long maxEarlyDataSize, String applicationProtocol) {
            effects.add(new EarlyKeys(Hex.encode(keys.key()), Hex.encode(keys.iv()), maxEarlyDataSize,
                    applicationProtocol));
            keys.destroy();
        }

        @Override
        public void endEarlyData(byte[] encodedEndOfEarlyData) {
            effects.add(new EndEarlyData(encodedEndOfEarlyData));
        }

        @Override
        public void handshakeComplete(HandshakeSummary session) {
            effects.add(new Complete(session));
        }

        @Override
        public void exporterSecret(ExporterSecret exporter) {
            exporters.add(exporter);
        }

        @Override
        public boolean keyLogEnabled() {
            return keyLogEnabled;
        }

        @Override
        public void keyLog(String line) {
            keyLog.add(line);
        }

        @Override
        public void sessionTicket(NewSessionTicket ticket, byte[] psk) {
            effects.add(new Ticket(ticket, psk));
        }

        List<byte[]> sent() {
            List<byte[]> l = new ArrayList<>();
            for (Effect e : effects) {
                if (e instanceof Sent) {
                    l.add(((Sent) e).message());
                }
            }
            return l;
        }

        List<Keys> keys(boolean write) {
            List<Keys> l = new ArrayList<>();
            for (Effect e : effects) {
                if (e instanceof Keys && ((Keys) e).write() == write) {
                    l.add((Keys) e);
                }
            }
            return l;
        }

        long count(Class<? extends Effect> type) {
            return effects.stream().filter(type::isInstance).count();
        }

        HandshakeSummary session() {
            List<HandshakeSummary> l = new ArrayList<>();
            for (Effect e : effects) {
                if (e instanceof Complete) {
                    l.add(((Complete) e).session());
                }
            }
            assertEquals(1, l.size(), "handshakeComplete exactly once");
            return l.get(0);
        }
    }

    /** Decodes one encoded handshake message as the driver does. */
    static HandshakeMessage decode(byte[] encoded) throws TlsException {
        ByteBuf buf = Unpooled.wrappedBuffer(encoded);
        try {
            return HandshakeCodec.decode(buf);
        } finally {
            buf.release();
        }
    }

    /** A client and a server state with their outputs, and the shuttle between them. */
    static final class Pair {
        HandshakeState client;
        HandshakeState server;
        final Recorder clientOut;
        final Recorder serverOut;

        Pair(HandshakeState client, Recorder clientOut, HandshakeState server, Recorder serverOut) {
            this.client = client;
            this.server = server;
            this.clientOut = clientOut;
            this.serverOut = serverOut;
        }

        /** Starts a client with SNI and host verification for {@link #HOST}, and a server. */
        static Pair start(ClientConfig client, ServerConfig server) throws TlsException {
            Recorder clientOut = new Recorder();
            HandshakeState c = ClientHandshake.start(client, HOST, HOST, clientOut);
            return new Pair(c, clientOut, ServerHandshake.start(server), new Recorder());
        }

        /**
         * Delivers the client's next undelivered message to the server.
         *
         * @return the message's bytes
         */
        byte[] toServer() throws TlsException {
            byte[] m = clientOut.sent().get(clientOut.delivered++);
            server = server.on(decode(m), m, serverOut);
            return m;
        }

        /**
         * Delivers the server's next undelivered message to the client.
         *
         * @return the message's bytes
         */
        byte[] toClient() throws TlsException {
            byte[] m = serverOut.sent().get(serverOut.delivered++);
            client = client.on(decode(m), m, clientOut);
            return m;
        }

        /** The server's messages not delivered yet, decoded, without delivering them. */
        List<byte[]> pendingFromServer() {
            List<byte[]> all = serverOut.sent();
            return new ArrayList<>(all.subList(serverOut.delivered, all.size()));
        }

        /** Moves messages both ways until neither side has anything undelivered. */
        Pair run() throws TlsException {
            boolean moved = true;
            while (moved) {
                moved = false;
                while (clientOut.delivered < clientOut.sent().size()) {
                    byte[] m = clientOut.sent().get(clientOut.delivered++);
                    server = server.on(decode(m), m, serverOut);
                    moved = true;
                }
                while (serverOut.delivered < serverOut.sent().size()) {
                    byte[] m = serverOut.sent().get(serverOut.delivered++);
                    client = client.on(decode(m), m, clientOut);
                    moved = true;
                }
            }
            return this;
        }

        /** Both connected, and each side's write keys are the other's read keys, in order. */
        Pair assertConnectedWithMatchingKeys() {
            assertTrue(client.isConnected(), "client connected: " + client.getClass().getSimpleName());
            assertTrue(server.isConnected(), "server connected: " + server.getClass().getSimpleName());
            assertMatchingKeys();
            return this;
        }

        void assertMatchingKeys() {
            assertEquals(clientOut.keys(true), flip(serverOut.keys(false)), "client write = server read");
            assertEquals(serverOut.keys(true), flip(clientOut.keys(false)), "server write = client read");
        }

        private static List<Keys> flip(List<Keys> keys) {
            List<Keys> l = new ArrayList<>();
            for (Keys k : keys) {
                l.add(new Keys(!k.write(), k.key(), k.iv()));
            }
            return l;
        }
    }

    /** A CA-issued leaf for {@link #HOST}. */
    static Issued serverCertificate(KeyType type) {
        return TestPki.leaf(type).issuer(TestPki.ca(KeyType.EC_P256)).dns(HOST).build();
    }

    static CertifiedKey certified(Issued issued) {
        return new CertifiedKey(issued.chain(), issued.privateKey());
    }

    /** A mutable client configuration with the test defaults, for tests to change one thing. */
    static final class ClientSpec {
        CryptoProvider crypto = CRYPTO;
        List<CipherSuite> suites = SUITES;
        /** The groups; {@code null} for the builder's default (the hybrids first). */
        List<NamedGroup> groups = GROUPS;
        /** How many of the first groups get a share; 0 for the builder's default. */
        int shares = 1;
        List<SignatureScheme> schemes = SignatureSchemes.DEFAULT;
        List<SignatureScheme> certSchemes = List.of();
        List<String> alpn = List.of();
        X509ExtendedTrustManager trust = TestPki.trustManager(TestPki.ca(KeyType.EC_P256).certificate());
        String endpointIdentification = CertificateChecks.HTTPS;
        boolean middlebox = true;
        List<CertifiedKey> credentials = List.of();
        List<Integer> pskModes = List.of(Extension.PskKeyExchangeModes.PSK_DHE_KE);
        boolean earlyData;

        ClientConfig build() {
            ClientConfig.Builder b = ClientConfig.builder(crypto, trust).cipherSuites(suites)
                    .signatureSchemes(schemes).signatureSchemesCert(certSchemes).applicationProtocols(alpn)
                    .endpointIdentificationAlgorithm(endpointIdentification).middleboxCompatibility(middlebox)
                    .clientCredentials(credentials).pskKeyExchangeModes(pskModes).earlyData(earlyData);
            if (groups != null) {
                b.namedGroups(groups);
            }
            if (shares > 0) {
                b.keyShareCount(shares);
            }
            return b.build();
        }
    }

    /** A mutable server configuration with the test defaults. */
    static final class ServerSpec {
        CryptoProvider crypto = CRYPTO;
        List<CipherSuite> suites = SUITES;
        /** The groups; {@code null} for the builder's default (the hybrids first). */
        List<NamedGroup> groups = GROUPS;
        List<SignatureScheme> schemes = SignatureSchemes.DEFAULT;
        List<CertifiedKey> certificates = List.of(certified(serverCertificate(KeyType.EC_P256)));
        List<String> alpn = List.of();
        boolean failOnAlpnMismatch;
        boolean cookie;
        ClientAuth clientAuth = ClientAuth.NONE;
        X509ExtendedTrustManager clientTrust;
        boolean certificateAuthorities;
        int ticketCount = 2;
        java.time.Duration ticketLifetime = java.time.Duration.ofHours(2);
        boolean pskKe;
        long maxEarlyData;
        /** The 0-RTT anti-replay check; {@code null} for a new in-memory filter on this spec's clock per build. */
        AntiReplay antiReplay;
        /** The ticket key ring; {@code null} for a new one per configuration. */
        SessionTicketKeys ticketKeys;

        ServerConfig build() {
            ServerConfig.Builder b = ServerConfig.builder(crypto, new CertificateSelector(certificates));
            if (groups != null) {
                b.namedGroups(groups);
            }
            return b.cipherSuites(suites).signatureSchemes(schemes).applicationProtocols(alpn)
                    .failOnAlpnMismatch(failOnAlpnMismatch).helloRetryRequestCookie(cookie).clientAuth(clientAuth)
                    .clientTrustManager(clientTrust).certificateAuthorities(certificateAuthorities)
                    .sessionTickets(ticketCount, ticketLifetime).pskKe(pskKe).sessionTicketKeys(ticketKeys)
                    .maxEarlyData(maxEarlyData)
                    .antiReplay(antiReplay != null ? antiReplay : AntiReplay.inMemory(1024, crypto.clock())).build();
        }
    }

    /** Client defaults: three suites, x25519 + P-256 + P-384 with one share, middlebox on, trusting the CA. */
    static ClientConfig client() {
        return new ClientSpec().build();
    }

    static ClientConfig client(Consumer<ClientSpec> change) {
        ClientSpec spec = new ClientSpec();
        change.accept(spec);
        return spec.build();
    }

    /** Server defaults: three suites, x25519 first, one ECDSA P-256 certificate, no ALPN, no client auth. */
    static ServerConfig server() {
        return new ServerSpec().build();
    }

    static ServerConfig server(Consumer<ServerSpec> change) {
        ServerSpec spec = new ServerSpec();
        change.accept(spec);
        return spec.build();
    }

    static ServerConfig server(List<CertifiedKey> certificates) {
        return server(s -> s.certificates = certificates);
    }
}
