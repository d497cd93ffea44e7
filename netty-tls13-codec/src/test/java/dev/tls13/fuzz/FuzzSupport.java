package dev.tls13.fuzz;

import dev.tls13.connection.ClientSessionCache;
import dev.tls13.connection.Limits;
import dev.tls13.connection.SessionInfo;
import dev.tls13.connection.TlsConnection;
import dev.tls13.crypto.Aead;
import dev.tls13.crypto.AeadAlgorithm;
import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.crypto.DeterministicCryptoProvider;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.handshake.CertificateSelector;
import dev.tls13.handshake.CertifiedKey;
import dev.tls13.handshake.ClientAuth;
import dev.tls13.handshake.ClientConfig;
import dev.tls13.handshake.ConfigDefaults;
import dev.tls13.handshake.ExternalPsk;
import dev.tls13.handshake.ServerConfig;
import dev.tls13.handshake.SessionTicketKeys;
import dev.tls13.testing.ForwardingProvider;
import dev.tls13.testing.Rfc8448;
import dev.tls13.testing.TestPki;
import dev.tls13.tls12.Tls12ClientDriver;
import dev.tls13.tls12.Tls12ServerDriver;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.NamedGroup;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.math.BigInteger;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * What the state-machine fuzz targets share: a deterministic crypto provider with a {@link NullAead},
 * fixed client and server configurations (the RFC 8448 RSA certificate and key, so the server's
 * CertificateVerify and hence every transcript is the same on every run), and the crash rule.
 *
 * <p>Determinism matters: the committed seeds are whole conversations recorded from our client and
 * server, and they stay valid (Finished included) only while each side's own messages are the same
 * bytes on every run.
 */
final class FuzzSupport {

    /** Unpooled and heap: the fuzz loop must not depend on pool state; leaks still show in paranoid mode. */
    static final ByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);

    static final List<CipherSuite> SUITES = List.of(CipherSuite.TLS_AES_128_GCM_SHA256,
            CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_CHACHA20_POLY1305_SHA256);

    private static final X509Certificate CERTIFICATE;
    private static final PrivateKey KEY;
    /** The external PSK of client mode bit 2 and server mode bit 4 (RFC 8446 §4.2.11). */
    private static final byte[] PSK_IDENTITY = "fuzz".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] PSK_KEY = new byte[32];
    /**
     * The ticket key of server mode bit 5: fixed, so a ticket recorded in a seed opens on every run (with the
     * {@link NullAead} its state is plaintext behind a zero tag, so the fuzzer can also mutate the sealed state).
     */
    private static final byte[] TICKET_KEY_NAME =
            "fuzz ticket key!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] TICKET_KEY = new byte[32];
    /** The max_early_data_size of server mode bit 5's tickets. */
    static final int MAX_EARLY_DATA = 1024;

    static {
        try {
            byte[] m = Rfc8448.one(Rfc8448.Trace.SIMPLE_1RTT, "server", "construct a Certificate handshake")
                    .bytes("Certificate");
            // header(4) context length(1)=0 list length(3) cert_data length(3) cert_data
            int length = (m[8] & 0xFF) << 16 | (m[9] & 0xFF) << 8 | m[10] & 0xFF;
            CERTIFICATE = TestPki.toJdk(Arrays.copyOfRange(m, 11, 11 + length));
            Map<String, String> k = Rfc8448.rsaServerKey();
            KEY = KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateCrtKeySpec(n(k, "modulus"),
                    n(k, "public exponent"), n(k, "private exponent"), n(k, "prime1"), n(k, "prime2"),
                    n(k, "exponent1"), n(k, "exponent2"), n(k, "coefficient")));
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private FuzzSupport() {
    }

    private static BigInteger n(Map<String, String> key, String name) {
        return new BigInteger(key.get(name), 16);
    }

    /** @return a fresh provider: the same randoms and keys on every run, and the null AEAD */
    static CryptoProvider crypto() {
        return new NullAeadProvider(DeterministicCryptoProvider.builder().build());
    }

    /**
     * The client: offers x25519 only in its first key share (so a server preferring P-256 sends a
     * HelloRetryRequest), or the default groups with their shares (X25519MLKEM768 and x25519); accepts any
     * certificate, and has a certificate for client authentication.
     *
     * @param mode bit 0: middlebox compatibility mode; bit 1: the default groups (the hybrids first); bit 2: offer an
     *        external PSK (a certificate handshake when the server does not take it)
     */
    static ClientConfig clientConfig(int mode) {
        return clientConfig(mode, false);
    }

    /** {@link #clientConfig(int)}, offering 0-RTT data with a ticket that allows it when {@code earlyData}. */
    static ClientConfig clientConfig(int mode, boolean earlyData) {
        List<NamedGroup> groups = (mode & 2) != 0 ? ConfigDefaults.NAMED_GROUPS
                : List.of(NamedGroup.X25519, NamedGroup.SECP256R1);
        return ClientConfig.builder(crypto(), AcceptAll.INSTANCE).cipherSuites(SUITES)
                .namedGroups(groups).signatureSchemesCert(List.of())
                .applicationProtocols(List.of("h2", "http/1.1")).endpointIdentificationAlgorithm(null)
                .middleboxCompatibility((mode & 1) != 0).clientCredentials(List.of(CertifiedKey.of(KEY, CERTIFICATE)))
                .externalPsk((mode & 4) != 0 ? externalPsk() : null, false).earlyData(earlyData)
                .build();
    }

    /**
     * The server.
     *
     * @param mode bit 0: request a client certificate (optional); bit 1: prefer P-256 (HelloRetryRequest
     *        for our client); bit 2: HelloRetryRequest cookie; bit 3: the default groups (a hybrid preferred),
     *        instead of bit 1's choice; bit 4: accept the external PSK of client mode bit 2; bit 5: a fixed ticket
     *        key and 0-RTT on (max_early_data_size {@value #MAX_EARLY_DATA}, an anti-replay check that takes every
     *        ClientHello: each run is a fresh server), so recorded tickets resume and their early data is accepted
     */
    static ServerConfig serverConfig(int mode) {
        List<NamedGroup> groups = (mode & 8) != 0 ? ConfigDefaults.NAMED_GROUPS
                : (mode & 2) != 0 ? List.of(NamedGroup.SECP256R1, NamedGroup.X25519)
                : List.of(NamedGroup.X25519, NamedGroup.SECP256R1);
        CryptoProvider crypto = crypto();
        ServerConfig.Builder builder = ServerConfig.builder(crypto,
                        new CertificateSelector(List.of(CertifiedKey.of(KEY, CERTIFICATE))))
                .cipherSuites(SUITES).namedGroups(groups).applicationProtocols(List.of("http/1.1"))
                .failOnAlpnMismatch(false).helloRetryRequestCookie((mode & 4) != 0)
                .clientAuth((mode & 1) != 0 ? ClientAuth.OPTIONAL : ClientAuth.NONE)
                .clientTrustManager(AcceptAll.INSTANCE).certificateAuthorities(false)
                .externalPsks((mode & 16) != 0 ? List.of(externalPsk()) : List.of());
        if ((mode & 32) != 0) {
            builder.sessionTicketKeys(SessionTicketKeys.supplied(crypto, List.of(TICKET_KEY_NAME), List.of(TICKET_KEY)))
                    .maxEarlyData(MAX_EARLY_DATA).antiReplay((key, expiresAtMillis) -> true);
        }
        return builder.build();
    }

    /**
     * The client of the TLS 1.2 target: {@link #clientConfig} with TLS 1.2 offered too (docs/architecture.md §16).
     *
     * @param mode bits 0 to 2 as for {@link #clientConfig}; bit 3: a server without the extended master secret is
     *        allowed (RFC 5246 §8.1 master secret)
     */
    static ClientConfig tls12ClientConfig(int mode) {
        return clientConfig(mode).toBuilder().tls12(Tls12ClientDriver::afterServerHello)
                .extendedMasterSecretRequired((mode & 8) == 0).build();
    }

    /**
     * The server of the TLS 1.2 target: {@link #serverConfig} with TLS 1.2 enabled; our client, which always
     * offers TLS 1.3, gets TLS 1.2 only from a server without TLS 1.3, so that is the usual one.
     *
     * @param mode bits 0 to 4 as for {@link #serverConfig}; bit 5: TLS 1.3 enabled too (a fuzzed ClientHello without
     *        TLS 1.3 in supported_versions gets TLS 1.2 and the downgrade sentinel); bit 6: a client without the
     *        extended master secret is allowed
     */
    static ServerConfig tls12ServerConfig(int mode) {
        return serverConfig(mode).toBuilder().tls13((mode & 32) != 0).tls12(Tls12ServerDriver::afterClientHello)
                .extendedMasterSecretRequired((mode & 64) == 0).build();
    }

    private static ExternalPsk externalPsk() {
        return new ExternalPsk(PSK_IDENTITY, PSK_KEY, HashAlgorithm.SHA256);
    }

    /** @return a started client connection (its ClientHello is queued) */
    static TlsConnection startClient(int mode, Sink sink) throws TlsException {
        return startClient(clientConfig(mode), sink);
    }

    /** @return a started client connection with this configuration (its ClientHello is queued) */
    static TlsConnection startClient(ClientConfig config, Sink sink) throws TlsException {
        TlsConnection c = TlsConnection.client(config, "server", null, ALLOC, sink);
        c.start();
        return c;
    }

    /**
     * A started client that offers a ticket from {@code sessions} (if it holds one) and keeps the tickets it gets.
     *
     * @param earlyData whether it offers 0-RTT data with the ticket
     */
    static TlsConnection startResumingClient(int mode, boolean earlyData, ClientSessionCache sessions, Sink sink)
            throws TlsException {
        TlsConnection c = TlsConnection.client(clientConfig(mode, earlyData), "server", null, ALLOC, sink,
                Limits.DEFAULT, sessions, "server", 443);
        c.start();
        return c;
    }

    /** @return a started server connection */
    static TlsConnection startServer(int mode, Sink sink) throws TlsException {
        return startServer(serverConfig(mode), sink);
    }

    /** @return a started server connection with this configuration */
    static TlsConnection startServer(ServerConfig config, Sink sink) throws TlsException {
        TlsConnection c = TlsConnection.server(config, ALLOC, sink);
        c.start();
        return c;
    }

    /**
     * The crash rule: a peer may make the connection fail only with a typed failure. An internal
     * error caused by a runtime exception (the connection's catch-all for bugs) is a crash.
     */
    static void checkFailure(TlsException e) {
        Throwable cause = e.getCause();
        if (e.failure() instanceof TlsFailure.Internal
                && (cause instanceof RuntimeException || cause instanceof Error)) {
            throw new AssertionError("crash inside the connection: " + e.getMessage(), cause);
        }
    }

    /** Takes and releases everything the connection queued; returns it as bytes. */
    static byte[] drain(TlsConnection c) {
        ByteBuf out = c.pollOutput();
        if (out == null) {
            return new byte[0];
        }
        try {
            byte[] bytes = new byte[out.readableBytes()];
            out.readBytes(bytes);
            return bytes;
        } finally {
            out.release();
        }
    }

    /** A listener that counts and releases. */
    static final class Sink implements TlsConnection.Listener {
        boolean complete;
        boolean closeNotify;
        long applicationBytes;
        long earlyBytes;
        SessionInfo session;

        @Override
        public void handshakeComplete(SessionInfo session) {
            complete = true;
            this.session = session;
        }

        @Override
        public void earlyData(ByteBuf data) {
            earlyBytes += data.readableBytes();
            data.release();
        }

        @Override
        public void applicationData(ByteBuf data) {
            applicationBytes += data.readableBytes();
            data.release();
        }

        @Override
        public void closeNotifyReceived() {
            closeNotify = true;
        }
    }

    /** Delegates everything but {@link #aead}, which returns a {@link NullAead}. */
    static final class NullAeadProvider extends ForwardingProvider {
        NullAeadProvider(CryptoProvider delegate) {
            super(delegate);
        }

        @Override
        public Aead aead(AeadAlgorithm algorithm, byte[] key) {
            return new NullAead(algorithm);
        }
    }

    /** Trusts every chain: the fuzzer's certificates are its own. */
    static final class AcceptAll extends X509ExtendedTrustManager {
        static final AcceptAll INSTANCE = new AcceptAll();

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
