package dev.tls13.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.error.CertificateError;
import dev.tls13.error.PeerIncompatible;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import dev.tls13.wire.AlertDescription;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXReason;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CertificateChecksTest {

    private static final String HOST = "server.example.com";

    private static X509ExtendedTrustManager trusting(Issued ca) {
        return TestPki.trustManager(ca.certificate());
    }

    private static TlsFailure.CertificateRejected rejection(Executable executable) {
        TlsException e = assertThrows(TlsException.class, executable);
        assertTrue(e.failure() instanceof TlsFailure.CertificateRejected, e.failure().toString());
        return (TlsFailure.CertificateRejected) e.failure();
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void defaultPkixTrustManagerAcceptsEveryLeafKeyTypeWithTheTls13AuthType(KeyType type) {
        Issued ca = TestPki.ca(KeyType.EC_P256);
        Issued leaf = TestPki.leaf(type).issuer(ca).dns(HOST).build();
        assertDoesNotThrow(() -> CertificateChecks.checkServer(trusting(ca), leaf.chain(), HOST,
                CertificateChecks.HTTPS));
    }

    @Test
    void theJdkTrustManagerDoesCheckTheAuthTypeSoUnknownIsAcceptedOnPurpose() {
        Issued ca = TestPki.ca(KeyType.EC_P256);
        X509Certificate[] chain = TestPki.leaf(KeyType.RSA_2048).issuer(ca).dns(HOST).build().chain()
                .toArray(new X509Certificate[0]);
        assertThrows(CertificateException.class, () -> trusting(ca).checkServerTrusted(chain, "BOGUS"));
        assertDoesNotThrow(() -> trusting(ca).checkServerTrusted(chain, CertificateChecks.TLS13_SERVER_AUTH_TYPE));
    }

    /** Records what {@link CertificateChecks} hands the trust manager; only the engine overloads are allowed. */
    private static final class EngineOnlyTrustManager extends X509ExtendedTrustManager {
        final List<String> calls = new ArrayList<>();

        private void record(String method, X509Certificate[] chain, String authType, SSLEngine engine) {
            SSLParameters parameters = engine.getSSLParameters();
            SSLSession session = engine.getHandshakeSession();
            calls.add(method + " " + chain.length + " " + authType + " client=" + engine.getUseClientMode()
                    + " host=" + engine.getPeerHost()
                    + " identification=" + parameters.getEndpointIdentificationAlgorithm()
                    + " constraints=" + parameters.getAlgorithmConstraints() + " session=" + session.getProtocol()
                    + "/" + session.getPeerHost() + " extended=" + (session instanceof ExtendedSSLSession));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            record("server", chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            record("client", chain, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            throw new AssertionError("socket overload");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            throw new AssertionError("socket overload");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            throw new AssertionError("two-argument overload: jdk.tls.disabledAlgorithms would not apply");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new AssertionError("two-argument overload: jdk.tls.disabledAlgorithms would not apply");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    @Test
    void theTrustManagerIsAskedThroughItsEngineOverloadWithAViewThatLeavesTheHostNameToUs() throws TlsException {
        Issued ca = TestPki.ca(KeyType.EC_P256);
        Issued leaf = TestPki.leaf(KeyType.EC_P256).issuer(ca).dns(HOST).build();
        EngineOnlyTrustManager manager = new EngineOnlyTrustManager();
        CertificateChecks.checkServer(manager, leaf.chain(), HOST, CertificateChecks.HTTPS);
        CertificateChecks.checkClient(manager, leaf.chain());
        // No endpoint identification and no extra constraints in the view: the JDK applies its TLS and
        // certificate path constraints, and our HostnameMatcher checks the name (no double check).
        assertEquals(List.of(
                "server 2 UNKNOWN client=true host=" + HOST + " identification=null constraints=null session=TLSv1.3/"
                        + HOST + " extended=false",
                "client 2 EC client=false host=null identification=null constraints=null session=TLSv1.3/null"
                        + " extended=false"), manager.calls);
        // The host name is still ours to check after the trust manager accepted.
        assertEquals(CertificateError.HOSTNAME_MISMATCH, rejection(() -> CertificateChecks.checkServer(manager,
                leaf.chain(), "other.example.com", CertificateChecks.HTTPS)).reason());
    }

    @Test
    void theEngineViewIsNotAnEngine() {
        TrustManagerEngineView view = new TrustManagerEngineView(HOST, 443, true);
        assertEquals(443, view.getHandshakeSession().getPeerPort());
        assertSame(view.getSession(), view.getHandshakeSession());
        assertThrows(UnsupportedOperationException.class, view::beginHandshake);
        assertThrows(UnsupportedOperationException.class,
                () -> view.wrap(java.nio.ByteBuffer.allocate(1), java.nio.ByteBuffer.allocate(100)));
        assertThrows(javax.net.ssl.SSLPeerUnverifiedException.class,
                () -> view.getHandshakeSession().getPeerCertificates());
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void defaultPkixTrustManagerAcceptsChainsSignedByEveryCaKeyType(KeyType caType) {
        Issued ca = TestPki.ca(caType);
        Issued leaf = TestPki.leaf(KeyType.EC_P256).issuer(ca).dns(HOST).build();
        assertDoesNotThrow(() -> CertificateChecks.checkServer(trusting(ca), leaf.chain(), HOST,
                CertificateChecks.HTTPS));
    }

    @ParameterizedTest
    @EnumSource(value = KeyType.class, names = {"RSA_2048", "EC_P384", "ED25519"})
    void acceptsTrustedClientChains(KeyType type) {
        Issued ca = TestPki.ca(KeyType.RSA_2048);
        Issued leaf = TestPki.leaf(type).issuer(ca).commonName("client").build();
        assertDoesNotThrow(() -> CertificateChecks.checkClient(trusting(ca), leaf.chain()));
    }

    @Test
    void acceptsALeafSentWithoutItsCa() {
        Issued ca = TestPki.ca(KeyType.EC_P256);
        Issued leaf = TestPki.leaf(KeyType.EC_P256).issuer(ca).dns(HOST).build();
        assertDoesNotThrow(() -> CertificateChecks.checkServer(trusting(ca), List.of(leaf.certificate()), HOST,
                CertificateChecks.HTTPS));
    }

    @Test
    void rejectsAChainFromAnUnknownCaWithUnknownCa() {
        Issued leaf = TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P384)).dns(HOST).build();
        TlsFailure.CertificateRejected failure = rejection(() -> CertificateChecks.checkServer(
                trusting(TestPki.ca(KeyType.EC_P256)), leaf.chain(), HOST, CertificateChecks.HTTPS));
        assertEquals(CertificateError.UNKNOWN_CA, failure.reason());
        assertEquals(AlertDescription.UNKNOWN_CA, failure.alert());
        assertTrue(failure.detail().contains("CN=localhost"), failure.detail());
    }

    @Test
    void rejectsASelfSignedServerCertificateWithUnknownCa() {
        Issued self = TestPki.leaf(KeyType.ED25519).selfSigned().dns(HOST).build();
        assertEquals(CertificateError.UNKNOWN_CA, rejection(() -> CertificateChecks.checkServer(
                trusting(TestPki.ca(KeyType.EC_P256)), self.chain(), HOST, CertificateChecks.HTTPS)).reason());
    }

    @Test
    void rejectsAClientChainFromAnUnknownCaWithUnknownCa() {
        Issued leaf = TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P384)).build();
        assertEquals(CertificateError.UNKNOWN_CA, rejection(() -> CertificateChecks.checkClient(
                trusting(TestPki.ca(KeyType.EC_P256)), leaf.chain())).reason());
    }

    @Test
    void rejectsAnExpiredLeafWithCertificateExpired() {
        Issued ca = TestPki.ca(KeyType.EC_P256);
        Issued leaf = TestPki.leaf(KeyType.EC_P256).issuer(ca).dns(HOST).expired().build();
        TlsFailure.CertificateRejected failure = rejection(() -> CertificateChecks.checkServer(trusting(ca),
                leaf.chain(), HOST, CertificateChecks.HTTPS));
        assertEquals(CertificateError.CERTIFICATE_EXPIRED, failure.reason());
        assertEquals(AlertDescription.CERTIFICATE_EXPIRED, failure.alert());
    }

    @Test
    void rejectsANotYetValidLeafWithCertificateExpired() {
        Issued ca = TestPki.ca(KeyType.EC_P256);
        Issued leaf = TestPki.leaf(KeyType.EC_P256).issuer(ca).dns(HOST).notYetValid().build();
        assertEquals(CertificateError.CERTIFICATE_EXPIRED, rejection(() -> CertificateChecks.checkServer(
                trusting(ca), leaf.chain(), HOST, CertificateChecks.HTTPS)).reason());
    }

    @Test
    void rejectsAnExpiredClientCertificateWithCertificateExpired() {
        Issued ca = TestPki.ca(KeyType.EC_P256);
        Issued leaf = TestPki.leaf(KeyType.EC_P256).issuer(ca).expired().build();
        assertEquals(CertificateError.CERTIFICATE_EXPIRED, rejection(() -> CertificateChecks.checkClient(
                trusting(ca), leaf.chain())).reason());
    }

    @Test
    void rejectsATrustedCertificateForAnotherHostWithBadCertificate() {
        Issued ca = TestPki.ca(KeyType.EC_P256);
        Issued leaf = TestPki.leaf(KeyType.EC_P256).issuer(ca).dns("other.example.com").build();
        TlsFailure.CertificateRejected failure = rejection(() -> CertificateChecks.checkServer(trusting(ca),
                leaf.chain(), HOST, CertificateChecks.HTTPS));
        assertEquals(CertificateError.HOSTNAME_MISMATCH, failure.reason());
        assertEquals(AlertDescription.BAD_CERTIFICATE, failure.alert());
        assertTrue(failure.detail().contains(HOST), failure.detail());
    }

    @Test
    void checksTheHostNameCaseInsensitivelyForHttpsInAnyCase() {
        Issued ca = TestPki.ca(KeyType.EC_P256);
        Issued leaf = TestPki.leaf(KeyType.EC_P256).issuer(ca).dns("other.example.com").build();
        assertEquals(CertificateError.HOSTNAME_MISMATCH, rejection(() -> CertificateChecks.checkServer(trusting(ca),
                leaf.chain(), HOST, "https")).reason());
        assertDoesNotThrow(() -> CertificateChecks.checkServer(trusting(ca), leaf.chain(), "OTHER.example.com",
                "https"));
    }

    @Test
    void skipsTheHostNameWithoutEndpointIdentification() {
        Issued ca = TestPki.ca(KeyType.EC_P256);
        Issued leaf = TestPki.leaf(KeyType.EC_P256).issuer(ca).dns("other.example.com").build();
        assertDoesNotThrow(() -> CertificateChecks.checkServer(trusting(ca), leaf.chain(), HOST, null));
        assertDoesNotThrow(() -> CertificateChecks.checkServer(trusting(ca), leaf.chain(), HOST, ""));
    }

    @Test
    void failsClosedWhenHttpsHasNoHostToCompare() {
        Issued ca = TestPki.ca(KeyType.EC_P256);
        Issued leaf = TestPki.leaf(KeyType.EC_P256).issuer(ca).dns(HOST).build();
        assertEquals(CertificateError.HOSTNAME_MISMATCH, rejection(() -> CertificateChecks.checkServer(trusting(ca),
                leaf.chain(), null, CertificateChecks.HTTPS)).reason());
    }

    @Test
    void refusesAnUnsupportedEndpointIdentificationAlgorithm() {
        Issued ca = TestPki.ca(KeyType.EC_P256);
        Issued leaf = TestPki.leaf(KeyType.EC_P256).issuer(ca).dns(HOST).build();
        assertThrows(IllegalArgumentException.class, () -> CertificateChecks.checkServer(trusting(ca), leaf.chain(),
                HOST, "FTPS"));
        assertTrue(CertificateChecks.isSupportedEndpointIdentification("ldaps"));
        assertTrue(!CertificateChecks.isSupportedEndpointIdentification("FTPS"));
    }

    @Test
    void rejectsALeafWhoseKeyHasNoTls13Scheme() throws Exception {
        KeyPairGenerator dsa = KeyPairGenerator.getInstance("DSA");
        dsa.initialize(2048);
        Issued ca = TestPki.ca(KeyType.EC_P256);
        Issued leaf = TestPki.leaf(dsa.generateKeyPair()).issuer(ca).dns(HOST).build();
        TlsFailure.CertificateRejected failure = rejection(() -> CertificateChecks.checkServer(trusting(ca),
                leaf.chain(), HOST, CertificateChecks.HTTPS));
        assertEquals(CertificateError.UNSUPPORTED_CERTIFICATE, failure.reason());
        assertEquals(AlertDescription.UNSUPPORTED_CERTIFICATE, failure.alert());
    }

    @Test
    void anEmptyServerChainIsADecodeError() {
        TlsException e = assertThrows(TlsException.class, () -> CertificateChecks.checkServer(
                trusting(TestPki.ca(KeyType.EC_P256)), List.of(), HOST, CertificateChecks.HTTPS));
        assertEquals(PeerMisbehaved.EMPTY_CERTIFICATE, ((TlsFailure.Misbehaved) e.failure()).reason());
        assertEquals(AlertDescription.DECODE_ERROR, e.failure().alert());
    }

    @Test
    void anEmptyClientChainIsCertificateRequired() {
        TlsException e = assertThrows(TlsException.class, () -> CertificateChecks.checkClient(
                trusting(TestPki.ca(KeyType.EC_P256)), List.of()));
        assertEquals(PeerIncompatible.CERTIFICATE_REQUIRED, ((TlsFailure.Incompatible) e.failure()).reason());
    }

    @Test
    void insecureTrustManagerAcceptsAnythingIncludingTheWrongHost() {
        X509ExtendedTrustManager insecure = CertificateChecks.insecureTrustManager();
        Issued self = TestPki.leaf(KeyType.EC_P256).selfSigned().dns("nowhere.invalid").expired().build();
        assertDoesNotThrow(() -> CertificateChecks.checkServer(insecure, self.chain(), HOST, CertificateChecks.HTTPS));
        assertDoesNotThrow(() -> CertificateChecks.checkClient(insecure, self.chain()));
        assertEquals(0, insecure.getAcceptedIssuers().length);
        assertTrue(insecure.toString().contains("INSECURE"));
    }

    @Test
    void parsesDerCertDataInOrder() throws Exception {
        Issued leaf = TestPki.leaf(KeyType.EC_P256).dns(HOST).build();
        List<X509Certificate> parsed = CertificateChecks.parse(List.of(leaf.chain().get(0).getEncoded(),
                leaf.chain().get(1).getEncoded()));
        assertEquals(leaf.chain(), parsed);
        assertEquals(List.of(), CertificateChecks.parse(List.of()));
    }

    @Test
    void servesAnEncodingSeenBeforeFromTheCacheAndOnlyForTheSameBytes() throws Exception {
        Issued leaf = TestPki.leaf(KeyType.EC_P256).dns(HOST).build();
        byte[] der = leaf.chain().get(0).getEncoded();
        X509Certificate first = CertificateChecks.parse(List.of(der)).get(0);
        assertEquals(leaf.chain().get(0), first);
        byte[] copy = der.clone();
        assertSame(first, CertificateChecks.parse(List.of(copy)).get(0));
        // The cache kept its own copy: changing the array we passed changes nothing there.
        der[der.length - 1] ^= 1;
        assertSame(first, CertificateChecks.parse(List.of(copy)).get(0));
        // One byte of the signature differs: still DER, parsed anew, not the cached certificate.
        X509Certificate other = CertificateChecks.parse(List.of(der)).get(0);
        assertNotSame(first, other);
        assertArrayEquals(der, other.getEncoded());
    }

    @Test
    void theParsedCertificateCacheStaysBounded() throws Exception {
        byte[] der = TestPki.leaf(KeyType.EC_P256).build().certificate().getEncoded();
        for (int i = 0; i < 200; i++) {
            der[der.length - 1] = (byte) i;
            CertificateChecks.parse(List.of(der));
            assertTrue(CertificateChecks.cachedCertificates() <= CertificateChecks.CACHED_CERTIFICATES_LIMIT,
                    "cache size " + CertificateChecks.cachedCertificates());
        }
    }

    @Test
    void rejectsGarbageCertDataAsUnparseable() throws Exception {
        byte[] der = TestPki.leaf(KeyType.EC_P256).build().certificate().getEncoded();
        byte[] truncated = Arrays.copyOf(der, der.length - 10);
        byte[] trailing = Arrays.copyOf(der, der.length + 1);
        byte[] pem = TestPki.pem(List.of(TestPki.leaf(KeyType.EC_P256).build().certificate()))
                .getBytes(StandardCharsets.US_ASCII);
        byte[] notACertificate = {0x30, 0x03, 0x02, 0x01, 0x00};
        for (byte[] bad : List.of(new byte[0], new byte[] {0x30}, truncated, trailing, pem, notACertificate)) {
            TlsFailure.CertificateRejected failure = rejection(() -> CertificateChecks.parse(List.of(der, bad)));
            assertEquals(CertificateError.UNPARSEABLE, failure.reason());
            assertEquals(AlertDescription.BAD_CERTIFICATE, failure.alert());
            assertTrue(failure.detail().startsWith("certificate 1"), failure.detail());
        }
    }

    @Test
    void classifiesTheValidatorsReasons() {
        assertEquals(CertificateError.CERTIFICATE_REVOKED, CertificateChecks.classify(new CertificateException("x",
                new CertPathValidatorException("r", null, null, -1, CertPathValidatorException.BasicReason.REVOKED))));
        assertEquals(CertificateError.UNKNOWN_CA, CertificateChecks.classify(new CertificateException("x",
                new CertPathValidatorException("r", null, null, -1, PKIXReason.NO_TRUST_ANCHOR))));
        assertEquals(CertificateError.CERTIFICATE_EXPIRED, CertificateChecks.classify(new CertificateException("x",
                new CertificateExpiredException("old"))));
        assertEquals(CertificateError.BAD_CERTIFICATE, CertificateChecks.classify(new CertPathValidatorException(
                "r", null, null, -1, CertPathValidatorException.BasicReason.INVALID_SIGNATURE)));
        assertEquals(CertificateError.UNSUPPORTED_CERTIFICATE, CertificateChecks.classify(
                new CertPathValidatorException("r", null, null, -1,
                        CertPathValidatorException.BasicReason.ALGORITHM_CONSTRAINED)));
        assertEquals(CertificateError.UNPARSEABLE, CertificateChecks.classify(new CertificateParsingException("p")));
        assertEquals(CertificateError.CERTIFICATE_UNKNOWN, CertificateChecks.classify(new CertificateException("?")));
    }
}
