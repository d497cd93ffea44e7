package dev.tls13.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Provider;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.TrustManagerFactorySpi;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustManagersTest {

    private static final Issued CA = TestPki.ca(KeyType.EC_P384);
    private static final Issued TRUSTED = TestPki.leaf(KeyType.EC_P256).issuer(CA).dns("example.com").build();
    private static final Issued UNTRUSTED = TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.ED25519))
            .dns("example.com").build();

    private static X509Certificate[] array(List<X509Certificate> chain) {
        return chain.toArray(new X509Certificate[0]);
    }

    private static void assertTrustsOnlyTheCa(X509ExtendedTrustManager manager) {
        assertDoesNotThrow(() -> manager.checkServerTrusted(array(TRUSTED.chain()), "UNKNOWN"));
        assertThrows(CertificateException.class, () -> manager.checkServerTrusted(array(UNTRUSTED.chain()),
                "UNKNOWN"));
        assertArrayEquals(new X509Certificate[] {CA.certificate()}, manager.getAcceptedIssuers());
    }

    @Test
    void trustsTheCertificatesOfAPemStream() {
        String pem = TestPki.pem(List.of(CA.certificate()));
        assertTrustsOnlyTheCa(TrustManagers.fromPem(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void trustsTheCertificatesOfAPemFile(@TempDir Path dir) throws Exception {
        File file = dir.resolve("ca.pem").toFile();
        Files.writeString(file.toPath(), TestPki.pem(List.of(CA.certificate())));
        assertTrustsOnlyTheCa(TrustManagers.fromPem(file));
    }

    @Test
    void trustsGivenCertificates() {
        assertTrustsOnlyTheCa(TrustManagers.fromCertificates(CA.certificate()));
        assertThrows(IllegalArgumentException.class, () -> TrustManagers.fromCertificates());
    }

    @Test
    void trustsTheCertificateEntriesOfAKeyStore() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", CA.certificate());
        assertTrustsOnlyTheCa(TrustManagers.fromKeyStore(store));
    }

    @Test
    void takesTheTrustManagerOfAnInitialisedFactory() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", CA.certificate());
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(store);
        assertTrustsOnlyTheCa(TrustManagers.fromFactory(factory));
    }

    @Test
    void systemDefaultDoesNotTrustTestCertificates() {
        X509ExtendedTrustManager system = TrustManagers.systemDefault();
        assertThrows(CertificateException.class, () -> system.checkServerTrusted(array(TRUSTED.chain()),
                "UNKNOWN"));
    }

    @Test
    void wrapsAPlainX509TrustManagerFromAFactory() throws Exception {
        RecordingTrustManager plain = new RecordingTrustManager();
        TrustManagerFactory factory = new TrustManagerFactory(new TrustManagerFactorySpi() {
            @Override
            protected void engineInit(KeyStore ks) {
            }

            @Override
            protected void engineInit(ManagerFactoryParameters spec) {
            }

            @Override
            protected TrustManager[] engineGetTrustManagers() {
                return new TrustManager[] {new TrustManager() { }, plain};
            }
        }, new Provider("test", "1", "test") { }, "test") { };
        X509ExtendedTrustManager extended = TrustManagers.fromFactory(factory);
        extended.checkServerTrusted(array(TRUSTED.chain()), "UNKNOWN", (SSLEngine) null);
        extended.checkClientTrusted(array(TRUSTED.chain()), "EC", (SSLEngine) null);
        assertEquals(List.of("server UNKNOWN", "client EC"), plain.calls);
        plain.reject = true;
        assertThrows(CertificateException.class, () -> extended.checkServerTrusted(array(TRUSTED.chain()),
                "UNKNOWN", (java.net.Socket) null));
    }

    @Test
    void keepsAnExtendedTrustManagerAsIs() {
        X509ExtendedTrustManager manager = TestPki.trustManager(CA.certificate());
        assertSame(manager, TrustManagers.wrap(manager));
    }

    @Test
    void rejectsAFactoryWithoutX509TrustManager() {
        TrustManagerFactory factory = new TrustManagerFactory(new TrustManagerFactorySpi() {
            @Override
            protected void engineInit(KeyStore ks) {
            }

            @Override
            protected void engineInit(ManagerFactoryParameters spec) {
            }

            @Override
            protected TrustManager[] engineGetTrustManagers() {
                return new TrustManager[0];
            }
        }, new Provider("test", "1", "test") { }, "test") { };
        String message = assertThrows(IllegalArgumentException.class, () -> TrustManagers.fromFactory(factory))
                .getMessage();
        assertTrue(message.contains("no X509TrustManager"), message);
    }

    @Test
    void rejectsPemWithoutCertificates() {
        assertThrows(IllegalArgumentException.class, () -> TrustManagers.fromPem(
                new ByteArrayInputStream("nothing here".getBytes(StandardCharsets.US_ASCII))));
    }

    private static final class RecordingTrustManager implements X509TrustManager {
        final List<String> calls = new ArrayList<>();
        boolean reject;

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            calls.add("client " + authType);
            if (reject) {
                throw new CertificateException("rejected");
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            calls.add("server " + authType);
            if (reject) {
                throw new CertificateException("rejected");
            }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
