package dev.tls13.jsse;

import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.NamedGroup;
import java.security.KeyManagementException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * The {@code SSLContext} implementation of {@link Tls13Provider}: creates {@link Tls13SslEngine}s that
 * speak TLS 1.3 only, with the key and trust managers given to {@code init}. Engines only: the socket
 * factories are not supported.
 */
public final class Tls13SslContextSpi extends SSLContextSpi {

    static final List<String> DEFAULT_GROUPS = List.of("x25519", "secp256r1", "secp384r1", "secp521r1", "x448");
    static final String PROTOCOL = "TLSv1.3";
    /** Every TLS 1.3 suite we implement (RFC 8446 §B.4), by IANA name. */
    static final List<CipherSuite> SUPPORTED_SUITES = List.of(CipherSuite.TLS_AES_128_GCM_SHA256,
            CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
            CipherSuite.TLS_AES_128_CCM_SHA256, CipherSuite.TLS_AES_128_CCM_8_SHA256);
    /** The suites enabled by default; the CCM suites are opt-in. */
    static final List<CipherSuite> DEFAULT_SUITES = SUPPORTED_SUITES.subList(0, 3);

    private final List<NamedGroup> namedGroups;
    private final Tls13SessionContext clientSessions = new Tls13SessionContext();
    private final Tls13SessionContext serverSessions = new Tls13SessionContext();
    private volatile X509KeyManager keyManager;
    private volatile X509TrustManager trustManager;
    private volatile boolean initialized;

    /** An SPI with the default named groups. */
    public Tls13SslContextSpi() {
        this(DEFAULT_GROUPS);
    }

    /**
     * An SPI whose engines use only the given named groups, in preference order.
     *
     * @param namedGroups group names: x25519, secp256r1, secp384r1, secp521r1, x448
     * @throws IllegalArgumentException for an unknown name or an empty list
     */
    public Tls13SslContextSpi(List<String> namedGroups) {
        this.namedGroups = groups(namedGroups);
    }

    static List<NamedGroup> groups(List<String> names) {
        List<NamedGroup> groups = new ArrayList<>();
        for (String name : names) {
            NamedGroup group;
            switch (name.trim().toLowerCase(Locale.ROOT)) {
                case "x25519": group = NamedGroup.X25519; break;
                case "x448": group = NamedGroup.X448; break;
                case "secp256r1": case "p-256": group = NamedGroup.SECP256R1; break;
                case "secp384r1": case "p-384": group = NamedGroup.SECP384R1; break;
                case "secp521r1": case "p-521": group = NamedGroup.SECP521R1; break;
                default: throw new IllegalArgumentException("unknown named group: " + name);
            }
            if (!groups.contains(group)) {
                groups.add(group);
            }
        }
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("no named group");
        }
        return List.copyOf(groups);
    }

    /**
     * Keeps the first X.509 key manager and trust manager; without a trust manager, the default
     * {@code TrustManagerFactory}'s (the JDK's cacerts) is used.
     */
    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
        X509KeyManager keys = null;
        if (km != null) {
            for (KeyManager manager : km) {
                if (manager instanceof X509KeyManager) {
                    keys = (X509KeyManager) manager;
                    break;
                }
            }
        }
        X509TrustManager trust = null;
        if (tm != null) {
            for (TrustManager manager : tm) {
                if (manager instanceof X509TrustManager) {
                    trust = (X509TrustManager) manager;
                    break;
                }
            }
        }
        if (trust == null) {
            trust = defaultTrustManager();
        }
        keyManager = keys;
        trustManager = trust;
        initialized = true;
    }

    private static X509TrustManager defaultTrustManager() throws KeyManagementException {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager) {
                    return (X509TrustManager) manager;
                }
            }
            throw new KeyManagementException("the default TrustManagerFactory has no X509TrustManager");
        } catch (NoSuchAlgorithmException | KeyStoreException e) {
            throw new KeyManagementException("no default trust manager", e);
        }
    }

    /** Sockets are not supported: this provider is for engines. */
    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
        throw new UnsupportedOperationException("Tls13Provider supports SSLEngine only");
    }

    /** Sockets are not supported: this provider is for engines. */
    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
        throw new UnsupportedOperationException("Tls13Provider supports SSLEngine only");
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
        return engineCreateSSLEngine(null, -1);
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
        if (!initialized) {
            throw new IllegalStateException("SSLContext is not initialized");
        }
        return new Tls13SslEngine(this, host, port);
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
        return serverSessions;
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
        return clientSessions;
    }

    /** Overridden because the inherited one would create a socket (Netty's {@code JdkSslContext} calls it). */
    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
        return new SSLParameters(names(DEFAULT_SUITES), new String[] {PROTOCOL});
    }

    /** Overridden because the inherited one would create a socket. */
    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
        return new SSLParameters(names(SUPPORTED_SUITES), new String[] {PROTOCOL});
    }

    static String[] names(List<CipherSuite> suites) {
        String[] names = new String[suites.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = suites.get(i).knownName();
        }
        return names;
    }

    List<NamedGroup> namedGroups() {
        return namedGroups;
    }

    X509KeyManager keyManager() {
        return keyManager;
    }

    X509TrustManager trustManager() {
        return trustManager;
    }

    Tls13SessionContext sessionContext(boolean client) {
        return client ? clientSessions : serverSessions;
    }
}
