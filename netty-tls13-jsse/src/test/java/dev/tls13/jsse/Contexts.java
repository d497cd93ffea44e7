package dev.tls13.jsse;

import dev.tls13.testing.TestPki;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;

/** Netty {@link SslContext}s for our engine (through {@link Tls13Provider}), the JDK's and BoringSSL's. */
final class Contexts {

    /** Which TLS implementation is under an {@code SslHandler}. */
    enum Impl { OURS, JDK, BORINGSSL }

    static final X509Certificate ANCHOR = TestPki.ca(TestPki.KeyType.EC_P256).certificate();
    static final TestPki.Issued CLIENT = TestPki.leaf(TestPki.KeyType.EC_P256).commonName("client-1").build();
    static final ApplicationProtocolConfig ALPN = new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, "h2", "http/1.1");

    private Contexts() {
    }

    static TestPki.Issued serverLeaf(TestPki.KeyType type) {
        return TestPki.leaf(type).dns(Loopback.HOST).build();
    }

    /**
     * A server context.
     *
     * @param suites the cipher suites (OURS and JDK; BoringSSL ignores them), or {@code null} for the defaults
     * @param groups our named groups (only for OURS), or {@code null} for the defaults
     */
    static SslContext server(Impl impl, TestPki.Issued leaf, List<String> suites, List<String> groups, boolean alpn,
                             boolean mtls) throws SSLException {
        SslContextBuilder builder = SslContextBuilder.forServer(leaf.privateKey(),
                leaf.chain().toArray(new X509Certificate[0]));
        configure(builder, impl, suites, groups, alpn);
        if (mtls) {
            builder.clientAuth(ClientAuth.REQUIRE).trustManager(ANCHOR);
        }
        return builder.build();
    }

    static SslContext client(Impl impl, List<String> suites, List<String> groups, boolean alpn, boolean mtls)
            throws SSLException {
        SslContextBuilder builder = SslContextBuilder.forClient().trustManager(ANCHOR);
        configure(builder, impl, suites, groups, alpn);
        if (mtls) {
            builder.keyManager(CLIENT.privateKey(), CLIENT.chain().toArray(new X509Certificate[0]));
        }
        return builder.build();
    }

    private static void configure(SslContextBuilder builder, Impl impl, List<String> suites, List<String> groups,
                                  boolean alpn) {
        builder.protocols("TLSv1.3");
        switch (impl) {
            case OURS:
                builder.sslProvider(SslProvider.JDK)
                        .sslContextProvider(groups == null ? new Tls13Provider() : new Tls13Provider(groups));
                if (suites != null) {
                    builder.ciphers(suites);
                }
                break;
            case JDK:
                // Netty's JDK defaults leave out TLS_CHACHA20_POLY1305_SHA256: name the suites explicitly.
                builder.sslProvider(SslProvider.JDK);
                if (suites != null) {
                    builder.ciphers(suites);
                }
                break;
            default:
                builder.sslProvider(SslProvider.OPENSSL);
                break;
        }
        if (alpn) {
            builder.applicationProtocolConfig(ALPN);
        }
    }
}
