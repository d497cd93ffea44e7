package dev.tls13.handshake;

import dev.tls13.crypto.PemReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Builds the {@link X509ExtendedTrustManager} that validates peer chains, from the sources
 * {@code SslContextBuilder.trustManager(...)} accepts: PEM trust anchors, certificates, a
 * {@link KeyStore}, a {@link TrustManagerFactory}, or the JDK's default trust store.
 *
 * <p>All trust managers built here use the JDK's PKIX implementation
 * ({@link TrustManagerFactory#getDefaultAlgorithm()}). Configuration mistakes are
 * {@link IllegalArgumentException}s.
 */
public final class TrustManagers {

    private TrustManagers() {
    }

    /**
     * Trusts the certificates of a PEM file.
     *
     * @param trustedCertificatesPem PEM with one or more {@code CERTIFICATE} blocks
     * @return the trust manager
     * @throws IllegalArgumentException if the file cannot be read or holds no certificate
     */
    public static X509ExtendedTrustManager fromPem(File trustedCertificatesPem) {
        return fromCertificates(PemReader.readCertificates(trustedCertificatesPem));
    }

    /**
     * Trusts the certificates of a PEM stream (not closed).
     *
     * @param trustedCertificatesPem PEM with one or more {@code CERTIFICATE} blocks
     * @return the trust manager
     * @throws IllegalArgumentException if the stream holds no certificate
     */
    public static X509ExtendedTrustManager fromPem(InputStream trustedCertificatesPem) {
        return fromCertificates(PemReader.readCertificates(trustedCertificatesPem));
    }

    /**
     * Trusts exactly the given certificates as anchors.
     *
     * @param trustedCertificates the anchors
     * @return the trust manager
     * @throws IllegalArgumentException if there is none
     */
    public static X509ExtendedTrustManager fromCertificates(X509Certificate... trustedCertificates) {
        return fromCertificates(List.of(trustedCertificates));
    }

    /**
     * Trusts exactly the given certificates as anchors.
     *
     * @param trustedCertificates the anchors
     * @return the trust manager
     * @throws IllegalArgumentException if there is none
     */
    public static X509ExtendedTrustManager fromCertificates(Collection<X509Certificate> trustedCertificates) {
        if (trustedCertificates.isEmpty()) {
            throw new IllegalArgumentException("no trusted certificate given");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (X509Certificate certificate : trustedCertificates) {
                store.setCertificateEntry("trusted-" + i++, Objects.requireNonNull(certificate, "certificate"));
            }
            return fromKeyStore(store);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot build a trust store from the certificates: " + e, e);
        }
    }

    /**
     * Trusts the certificate entries of a key store.
     *
     * @param trustStore the key store (loaded)
     * @return the trust manager
     * @throws IllegalArgumentException if the key store cannot be used
     */
    public static X509ExtendedTrustManager fromKeyStore(KeyStore trustStore) {
        Objects.requireNonNull(trustStore, "trustStore");
        return defaultAlgorithm(trustStore);
    }

    /**
     * The JDK's default trust (its {@code cacerts}, or {@code javax.net.ssl.trustStore} when set).
     *
     * @return the trust manager
     */
    public static X509ExtendedTrustManager systemDefault() {
        return defaultAlgorithm(null);
    }

    /**
     * Takes the X.509 trust manager of an initialised factory.
     *
     * @param factory an initialised factory
     * @return its first X.509 trust manager, wrapped if it is not an {@link X509ExtendedTrustManager}
     * @throws IllegalArgumentException if it has no X.509 trust manager
     */
    public static X509ExtendedTrustManager fromFactory(TrustManagerFactory factory) {
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager) {
                return wrap((X509TrustManager) manager);
            }
        }
        throw new IllegalArgumentException("the TrustManagerFactory " + factory.getAlgorithm()
                + " has no X509TrustManager");
    }

    /**
     * Adapts a plain {@link X509TrustManager}: the engine and socket variants call the two-argument
     * methods (the TLS 1.3 core checks host names itself).
     *
     * @param manager any X.509 trust manager
     * @return {@code manager} itself if already extended, else an adapter
     */
    public static X509ExtendedTrustManager wrap(X509TrustManager manager) {
        if (manager instanceof X509ExtendedTrustManager) {
            return (X509ExtendedTrustManager) manager;
        }
        return new ExtendedAdapter(Objects.requireNonNull(manager, "manager"));
    }

    private static X509ExtendedTrustManager defaultAlgorithm(KeyStore trustStore) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trustStore);
            return fromFactory(factory);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot initialise the " + TrustManagerFactory.getDefaultAlgorithm()
                    + " trust manager: " + e, e);
        }
    }

    /** Gives a plain X509TrustManager the extended interface. */
    private static final class ExtendedAdapter extends X509ExtendedTrustManager {
        private final X509TrustManager delegate;

        ExtendedAdapter(X509TrustManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }

        @Override
        public String toString() {
            return "X509ExtendedTrustManager(" + delegate + ")";
        }
    }
}
