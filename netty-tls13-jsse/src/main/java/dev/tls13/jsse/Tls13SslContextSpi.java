package dev.tls13.jsse;

import dev.tls13.Tls13ContextBuilder;
import java.security.KeyManagementException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
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
 * speak TLS 1.3 and TLS 1.2 (both enabled by default), with the key and trust managers given to {@code init}.
 * Engines only: the socket factories are not supported.
 */
public final class Tls13SslContextSpi extends SSLContextSpi {

    /** The groups of a provider created without a list: the codec's supported groups, its default order. */
    static final List<String> DEFAULT_GROUPS = Tls13ContextBuilder.supportedNamedGroups();
    static final String PROTOCOL = "TLSv1.3";
    /** TLS 1.2 (docs/architecture.md §16), enabled by default beside TLS 1.3 as in the codec. */
    static final String TLS12 = "TLSv1.2";
    /** The protocols an engine supports and enables by default, in the JDK's order. */
    static final List<String> PROTOCOLS = List.of(PROTOCOL, TLS12);
    /** Every TLS 1.3 suite the codec implements (RFC 8446 §B.4), by IANA name. */
    static final List<String> SUPPORTED_SUITES = Tls13ContextBuilder.supportedCipherSuites();
    /** The suites enabled by default (the codec's: the CCM suites are opt-in). */
    static final List<String> DEFAULT_SUITES = Tls13ContextBuilder.defaultCipherSuites();

    private final List<String> namedGroups;
    private final Tls13SessionContext clientSessions = new Tls13SessionContext(true, null);
    private final Tls13SessionContext serverSessions = new Tls13SessionContext(false, new SecureRandom());
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
     * @param namedGroups group names: X25519MLKEM768, SecP256r1MLKEM768, SecP384r1MLKEM1024, x25519, secp256r1,
     *        secp384r1, secp521r1, x448 (also spelled P-256, prime256v1, P-384, P-521; case does not matter)
     * @throws IllegalArgumentException for an unknown name or an empty list
     */
    public Tls13SslContextSpi(List<String> namedGroups) {
        this.namedGroups = groups(namedGroups);
    }

    /** The RFC 8446 names of the groups, checked and without repeats, in order. */
    static List<String> groups(List<String> names) {
        List<String> groups = new ArrayList<>();
        for (String name : names) {
            String group = Tls13ContextBuilder.namedGroupName(name);
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
        return new SSLParameters(names(DEFAULT_SUITES), PROTOCOLS.toArray(new String[0]));
    }

    /** Overridden because the inherited one would create a socket. */
    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
        return new SSLParameters(names(SUPPORTED_SUITES), PROTOCOLS.toArray(new String[0]));
    }

    static String[] names(List<String> suites) {
        return suites.toArray(new String[0]);
    }

    List<String> namedGroups() {
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
