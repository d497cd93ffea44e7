package dev.tls13.handshake;

import java.nio.ByteBuffer;
import java.security.Principal;
import java.security.cert.Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

/**
 * What an {@link javax.net.ssl.X509ExtendedTrustManager} sees of a handshake in progress when
 * {@link CertificateChecks} calls its {@code SSLEngine} overloads: the peer's host and port, a handshake session
 * for TLS 1.3, and {@link SSLParameters} with neither algorithm constraints nor endpoint identification. Not an
 * engine: every record-layer method throws.
 *
 * <p>Why: the JDK's trust manager ({@code X509TrustManagerImpl}) applies {@code jdk.tls.disabledAlgorithms} to a
 * chain only in these overloads, through the engine's handshake session and {@code getSSLParameters()}
 * ({@code X509ExtendedTrustManager}'s documented contract: the engine's algorithm constraints and endpoint
 * identification). Its two-argument methods apply {@code jdk.certpath.disabledAlgorithms} alone, so a policy such
 * as {@code RSA keySize < 3072} that a user put in {@code jdk.tls.disabledAlgorithms} accepted on our connections
 * what the JDK's own engine refused. Through this view the JDK runs exactly its engine's check (the TLS
 * constraints plus the certificate path ones), so the verdicts are the JDK's by construction, on every JDK
 * version, with public API only (docs/architecture.md §8, certificates).
 *
 * <p>What is deliberately left out: the session is a plain {@link SSLSession}, not an
 * {@code ExtendedSSLSession}, so the JDK neither restricts certificate signatures to the local
 * {@code signature_algorithms_cert} list (RFC 8446 §4.4.2.2 lets an endpoint accept others; the verdicts measured
 * against the JDK's engine are the same, {@code WeakCertificateVerdictTest}) nor looks for stapled OCSP
 * responses; and the parameters name no endpoint identification algorithm, since {@link CertificateChecks} checks
 * the host name itself (it would otherwise be checked twice, the JDK's way needing SNI state we do not expose).
 */
final class TrustManagerEngineView extends SSLEngine {

    private static final String PROTOCOL = "TLSv1.3";

    private final boolean clientMode;
    private final HandshakeSession session;

    /**
     * @param peerHost the peer's host name or address as we know it, or {@code null}
     * @param peerPort the peer's port, or -1
     * @param clientMode whether our end is the client (it checks the server's chain)
     */
    TrustManagerEngineView(String peerHost, int peerPort, boolean clientMode) {
        super(peerHost, peerPort);
        this.clientMode = clientMode;
        this.session = new HandshakeSession(peerHost, peerPort);
    }

    @Override
    public SSLSession getHandshakeSession() {
        return session;
    }

    @Override
    public SSLSession getSession() {
        return session;
    }

    /** A new copy each time, as engines return: TLS 1.3, no algorithm constraints, no endpoint identification. */
    @Override
    public SSLParameters getSSLParameters() {
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(new String[] {PROTOCOL});
        return parameters;
    }

    @Override
    public boolean getUseClientMode() {
        return clientMode;
    }

    @Override
    public String[] getEnabledProtocols() {
        return new String[] {PROTOCOL};
    }

    @Override
    public String[] getSupportedProtocols() {
        return new String[] {PROTOCOL};
    }

    @Override
    public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
        return SSLEngineResult.HandshakeStatus.NEED_TASK;
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) {
        throw notAnEngine();
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) {
        throw notAnEngine();
    }

    @Override
    public Runnable getDelegatedTask() {
        return null;
    }

    @Override
    public void closeInbound() {
        throw notAnEngine();
    }

    @Override
    public boolean isInboundDone() {
        return false;
    }

    @Override
    public void closeOutbound() {
        throw notAnEngine();
    }

    @Override
    public boolean isOutboundDone() {
        return false;
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return new String[0];
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return new String[0];
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        throw notAnEngine();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        throw notAnEngine();
    }

    @Override
    public void beginHandshake() {
        throw notAnEngine();
    }

    @Override
    public void setUseClientMode(boolean mode) {
        throw notAnEngine();
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        throw notAnEngine();
    }

    @Override
    public boolean getNeedClientAuth() {
        return false;
    }

    @Override
    public void setWantClientAuth(boolean want) {
        throw notAnEngine();
    }

    @Override
    public boolean getWantClientAuth() {
        return false;
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
        throw notAnEngine();
    }

    @Override
    public boolean getEnableSessionCreation() {
        return false;
    }

    @Override
    public String toString() {
        return "TrustManagerEngineView[" + (clientMode ? "client" : "server") + ", peer " + getPeerHost() + ":"
                + getPeerPort() + "]";
    }

    private static UnsupportedOperationException notAnEngine() {
        return new UnsupportedOperationException("a view of a TLS 1.3 handshake for a trust manager, not an engine");
    }

    /** The handshake in progress, as far as a trust manager needs it; the peer is not verified yet. */
    private static final class HandshakeSession implements SSLSession {
        private final String peerHost;
        private final int peerPort;
        private final long created = System.currentTimeMillis();
        private final Map<String, Object> values = new ConcurrentHashMap<>();

        HandshakeSession(String peerHost, int peerPort) {
            this.peerHost = peerHost;
            this.peerPort = peerPort;
        }

        @Override
        public byte[] getId() {
            return new byte[0];
        }

        @Override
        public SSLSessionContext getSessionContext() {
            return null;
        }

        @Override
        public long getCreationTime() {
            return created;
        }

        @Override
        public long getLastAccessedTime() {
            return created;
        }

        @Override
        public void invalidate() {
        }

        @Override
        public boolean isValid() {
            return false;
        }

        @Override
        public void putValue(String name, Object value) {
            values.put(name, value);
        }

        @Override
        public Object getValue(String name) {
            return values.get(name);
        }

        @Override
        public void removeValue(String name) {
            values.remove(name);
        }

        @Override
        public String[] getValueNames() {
            return values.keySet().toArray(new String[0]);
        }

        @Override
        public Certificate[] getPeerCertificates() throws SSLPeerUnverifiedException {
            throw new SSLPeerUnverifiedException("the peer's chain is being checked");
        }

        @Override
        public Certificate[] getLocalCertificates() {
            return null;
        }

        @Override
        public Principal getPeerPrincipal() throws SSLPeerUnverifiedException {
            throw new SSLPeerUnverifiedException("the peer's chain is being checked");
        }

        @Override
        public Principal getLocalPrincipal() {
            return null;
        }

        @Override
        public String getCipherSuite() {
            return "SSL_NULL_WITH_NULL_NULL";
        }

        @Override
        public String getProtocol() {
            return PROTOCOL;
        }

        @Override
        public String getPeerHost() {
            return peerHost;
        }

        @Override
        public int getPeerPort() {
            return peerPort;
        }

        @Override
        public int getPacketBufferSize() {
            return 16709;
        }

        @Override
        public int getApplicationBufferSize() {
            return 16384;
        }
    }
}
