package dev.tls13.benchmarks;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import dev.tls13.Tls13Context;
import dev.tls13.netty.Tls13Handler;
import dev.tls13.testing.TestPki;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import javax.crypto.Cipher;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The three TLS stacks compared in one run: our {@link Tls13Handler}, Netty's {@link SslHandler} with the
 * JDK's engine and {@code SslHandler} with BoringSSL (netty-tcnative-boringssl-static). Both ends of a
 * pair always run the same stack, configured the same way.
 */
public enum Stack {
    /** Our {@link Tls13Handler}. */
    OURS,
    /** {@code SslHandler} with {@code SslProvider.JDK} (SunJSSE). */
    JDK,
    /** {@code SslHandler} with {@code SslProvider.OPENSSL} (BoringSSL through netty-tcnative). */
    OPENSSL,
    /**
     * Our {@link Tls13Handler} in its JCA-only mode ({@code jcaProvidersOnly()}) with Amazon Corretto Crypto
     * Provider installed as the first JCA provider (ACCP has no ChaCha20-Poly1305: that suite falls back to
     * SunJCE). Run it as a parameter value ({@code -p stack=OURS_ACCP}); JMH forks a JVM per value, so ACCP
     * is installed only where it is measured.
     */
    OURS_ACCP;

    /** The protocol name of TLS 1.3, as {@code SslContextBuilder.protocols} takes it. */
    static final String TLS13 = "TLSv1.3";

    /** The protocol name of TLS 1.2 (issue 16's benchmarks restrict both ends of every stack to it). */
    static final String TLS12 = "TLSv1.2";

    /** The host name in every server certificate and the one every client verifies. */
    static final String HOST = "localhost";

    /**
     * The peer port each new client handler is given, a different one every time. The JDK's engine (and
     * any engine with a client session cache) keys cached sessions by peer host and port: with one fixed
     * port, every handshake after the first resumed the previous session with a PSK, skipping the
     * certificate, its signature and its verification, and the JDK column measured resumptions (2.5x
     * faster than full handshakes on JDK 17) against our full handshakes.
     */
    private static final AtomicInteger PEER_PORT = new AtomicInteger();

    private static int nextPeerPort() {
        return 1 + Math.floorMod(PEER_PORT.getAndIncrement(), 65535);
    }

    /**
     * A client and a server context of one stack.
     *
     * @param stack the stack
     * @param client creates client handlers
     * @param server creates server handlers
     */
    record Contexts(Stack stack, HandlerFactory client, HandlerFactory server) {
    }

    /** Creates one end's handler. */
    interface HandlerFactory {
        ChannelHandler newHandler(ByteBufAllocator alloc);
    }

    /**
     * What kind of handshake the contexts give (issue 14's resumption benchmarks).
     * <ul>
     * <li>{@code FULL}: a full handshake every time (each client handler gets a new peer port, so no session
     *     cache ever hits); servers issue their default tickets.</li>
     * <li>{@code FULL_NO_TICKETS}: the same with our server issuing none ({@code sessionTicketCount(0)}), to
     *     measure what issuing costs; OURS only.</li>
     * <li>{@code RESUMED}: every client handler is for the same peer (host, port 443), so after the first
     *     handshake each one resumes with a ticket from the one before (psk_dhe_ke).</li>
     * <li>{@code RESUMED_PSK_KE}: the same with psk_ke enabled on both ends (no key exchange); OURS only.</li>
     * </ul>
     */
    public enum Mode {
        /** Full handshakes, default tickets. */
        FULL,
        /** Full handshakes, no tickets issued (ours). */
        FULL_NO_TICKETS,
        /** Resumed handshakes, psk_dhe_ke. */
        RESUMED,
        /** Resumed handshakes, psk_ke (ours). */
        RESUMED_PSK_KE;

        boolean resumes() {
            return this == RESUMED || this == RESUMED_PSK_KE;
        }
    }

    /**
     * Builds a client and a server context for full handshakes.
     *
     * @param suite the TLS 1.3 cipher suite both ends are restricted to, or {@code null} for the default
     * @param group the named group both ends are restricted to, or {@code null}
     * @param keyType the server certificate's key type
     * @return the contexts
     * @throws SSLException if a context cannot be built
     */
    Contexts contexts(String suite, String group, TestPki.KeyType keyType) throws SSLException {
        return contexts(suite, group, keyType, Mode.FULL, null, TLS13);
    }

    /**
     * Builds a client and a server context.
     *
     * @param suite the TLS 1.3 cipher suite both ends are restricted to, or {@code null} for the default
     *              (BoringSSL ignores TLS 1.3 suite configuration: the caller checks what was negotiated)
     * @param group the named group both ends are restricted to ("x25519", "secp256r1", "X25519MLKEM768"; a
     *              comma-separated list in preference order for several), or {@code null};
     *              for the JDK it must have been set already as {@code jdk.tls.namedGroups} (see
     *              {@link #restrictJdkGroup})
     * @param keyType the server certificate's key type
     * @param mode full or resumed handshakes
     * @param serverChecks counts the client's verifications of the server's chain (a resumed handshake
     *        makes none), or {@code null} not to count
     * @param protocol {@link #TLS13} or {@link #TLS12}: both ends are restricted to it; with TLS 1.2, {@code suite}
     *        names a TLS 1.2 suite (see {@link #tls12Suite})
     * @return the contexts
     * @throws SSLException if a context cannot be built
     */
    Contexts contexts(String suite, String group, TestPki.KeyType keyType, Mode mode, AtomicInteger serverChecks,
            String protocol) throws SSLException {
        if (!protocol.equals(TLS13) && !protocol.equals(TLS12)) {
            throw new IllegalArgumentException("protocol " + protocol + ": " + TLS13 + " or " + TLS12);
        }
        if ((mode == Mode.FULL_NO_TICKETS || mode == Mode.RESUMED_PSK_KE) && this != OURS && this != OURS_ACCP) {
            throw new IllegalStateException(mode + " is a setting of ours only: run -p stack=OURS");
        }
        TestPki.Issued leaf = TestPki.leaf(keyType).dns(HOST).build();
        X509Certificate anchor = leaf.chain().get(leaf.chain().size() - 1);
        // Only when counting: a trust manager instead of the anchor may take another verification path.
        X509ExtendedTrustManager trust = serverChecks == null ? null : CountingTrustManager.of(anchor, serverChecks);
        // Resumed: one peer, so every client handler finds the tickets of the one before.
        IntSupplier port = mode.resumes() ? () -> 443 : Stack::nextPeerPort;
        X509Certificate[] chain = leaf.chain().toArray(new X509Certificate[0]);
        switch (this) {
            case OURS:
            case OURS_ACCP: {
                var server = Tls13Context.forServer(leaf.privateKey(), chain);
                var client = trust == null ? Tls13Context.forClient().trustManager(anchor)
                        : Tls13Context.forClient().trustManager(trust);
                if (mode == Mode.FULL_NO_TICKETS) {
                    server.sessionTicketCount(0);
                }
                if (mode == Mode.RESUMED_PSK_KE) {
                    server.pskKeyExchangeModes("psk_dhe_ke", "psk_ke");
                    client.pskKeyExchangeModes("psk_dhe_ke", "psk_ke");
                }
                if (this == OURS_ACCP) {
                    installAccp();
                    server.jcaProvidersOnly();
                    client.jcaProvidersOnly();
                }
                server.protocols(protocol);
                client.protocols(protocol);
                if (suite != null) {
                    server.cipherSuites(suite);
                    client.cipherSuites(suite);
                }
                if (group != null) {
                    server.namedGroups(group.split(","));
                    client.namedGroups(group.split(","));
                }
                Tls13Context s = server.build();
                Tls13Context c = client.build();
                return new Contexts(this, alloc -> c.newHandler(alloc, HOST, port.getAsInt()), s::newHandler);
            }
            case JDK:
            case OPENSSL: {
                SslProvider provider = this == JDK ? SslProvider.JDK : SslProvider.OPENSSL;
                SslContextBuilder server = SslContextBuilder.forServer(leaf.privateKey(), chain);
                SslContextBuilder client = (trust == null ? SslContextBuilder.forClient().trustManager(anchor)
                        : SslContextBuilder.forClient().trustManager(trust))
                        .endpointIdentificationAlgorithm("HTTPS");
                for (SslContextBuilder b : List.of(server, client)) {
                    b.sslProvider(provider).protocols(protocol);
                    // BoringSSL takes TLS 1.2 suites (not TLS 1.3 ones) from this list.
                    if (suite != null && (this == JDK || protocol.equals(TLS12))) {
                        b.ciphers(List.of(suite));
                    }
                    if (group != null && this == OPENSSL) {
                        b.option(OpenSslContextOption.GROUPS, group.split(","));
                    }
                }
                SslContext s = server.build();
                SslContext c = client.build();
                return new Contexts(this, alloc -> c.newHandler(alloc, HOST, port.getAsInt()), s::newHandler);
            }
            default:
                throw new AssertionError(this);
        }
    }

    /**
     * The TLS 1.2 suite with the same AEAD as a TLS 1.3 suite, for a server key of the given type: RFC 5289's
     * TLS_ECDHE_{ECDSA,RSA}_WITH_AES_*_GCM_* and RFC 7905's ChaCha20-Poly1305 suites.
     *
     * @param tls13Suite a TLS 1.3 suite name
     * @param keyType the server certificate's key type
     * @return the TLS 1.2 suite's standard name
     */
    static String tls12Suite(String tls13Suite, TestPki.KeyType keyType) {
        String auth = keyType.name().startsWith("RSA") ? "RSA" : "ECDSA";
        return switch (tls13Suite) {
            case "TLS_AES_128_GCM_SHA256" -> "TLS_ECDHE_" + auth + "_WITH_AES_128_GCM_SHA256";
            case "TLS_AES_256_GCM_SHA384" -> "TLS_ECDHE_" + auth + "_WITH_AES_256_GCM_SHA384";
            case "TLS_CHACHA20_POLY1305_SHA256" -> "TLS_ECDHE_" + auth + "_WITH_CHACHA20_POLY1305_SHA256";
            default -> throw new IllegalArgumentException("no TLS 1.2 counterpart of " + tls13Suite);
        };
    }

    /**
     * Installs Amazon Corretto Crypto Provider as the JCA's first provider and checks that its native code
     * loaded and passed its self-tests ({@code assertHealthy()}); fails the trial otherwise, so a column is
     * never silently measured on SunJCE.
     */
    static void installAccp() {
        AmazonCorrettoCryptoProvider.install();
        AmazonCorrettoCryptoProvider.INSTANCE.assertHealthy();
        try {
            String gcm = Cipher.getInstance("AES/GCM/NoPadding").getProvider().getName();
            if (!gcm.equals(AmazonCorrettoCryptoProvider.PROVIDER_NAME)) {
                throw new IllegalStateException("AES/GCM comes from " + gcm + ", not ACCP");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Restricts the JDK's engine to one named group. JDK 17 has no per-engine setting
     * ({@code SSLParameters.setNamedGroups} came in JDK 20); the system property is read once, when JSSE
     * first initialises, so this must run before any SSL context exists in this JVM (JMH forks a fresh JVM
     * per parameter combination, and the benchmarks call this first thing in their trial setup).
     *
     * @param group the group name, or {@code null} for the JDK's default list
     */
    static void restrictJdkGroup(String group) {
        if (group != null) {
            System.setProperty("jdk.tls.namedGroups", group);
        }
    }

    /**
     * The protocol a pair actually negotiated, from the client's handler.
     *
     * @param handler the client's TLS handler
     * @return "TLSv1.3" or "TLSv1.2"
     */
    static String negotiatedProtocol(ChannelHandler handler) {
        if (handler instanceof Tls13Handler) {
            return ((Tls13Handler) handler).session().protocol();
        }
        return ((SslHandler) handler).engine().getSession().getProtocol();
    }

    /**
     * The cipher suite a pair actually negotiated, from the client's handler.
     *
     * @param handler the client's TLS handler
     * @return the suite's standard name
     */
    static String negotiatedSuite(ChannelHandler handler) {
        if (handler instanceof Tls13Handler) {
            return Objects.toString(((Tls13Handler) handler).session().cipherSuite());
        }
        return ((SslHandler) handler).engine().getSession().getCipherSuite();
    }
}
