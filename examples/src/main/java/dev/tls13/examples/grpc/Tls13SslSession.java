package dev.tls13.examples.grpc;

import dev.tls13.connection.SessionInfo;
import java.security.Principal;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

/**
 * A read-only {@link SSLSession} view of a completed handshake's {@link SessionInfo}, for frameworks that
 * expect one (gRPC's {@code Grpc.TRANSPORT_ATTR_SSL_SESSION} and channelz). Our connections are not
 * resumable through the JDK's session cache, so the id is empty and there is no session context.
 */
final class Tls13SslSession implements SSLSession {

    /** TLSPlaintext.length limit, RFC 8446 §5.1. */
    private static final int MAX_PLAINTEXT = 1 << 14;
    /** Header, plaintext, content type and the largest expansion TLSCiphertext allows, RFC 8446 §5.2. */
    private static final int MAX_RECORD = 5 + MAX_PLAINTEXT + 256;

    private final SessionInfo info;
    private final String peerHost;
    private final int peerPort;
    private final long creationTime = System.currentTimeMillis();
    private final Map<String, Object> values = new ConcurrentHashMap<>();

    Tls13SslSession(SessionInfo info, String peerHost, int peerPort) {
        this.info = info;
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
        return creationTime;
    }

    @Override
    public long getLastAccessedTime() {
        return creationTime;
    }

    @Override
    public void invalidate() {
        // Nothing to invalidate: the view is not in any session cache.
    }

    @Override
    public boolean isValid() {
        return true;
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
        return values.keySet().toArray(String[]::new);
    }

    @Override
    public Certificate[] getPeerCertificates() throws SSLPeerUnverifiedException {
        if (info.peerCertificates().isEmpty()) {
            throw new SSLPeerUnverifiedException("the peer sent no certificate");
        }
        return info.peerCertificates().toArray(Certificate[]::new);
    }

    @Override
    public Certificate[] getLocalCertificates() {
        return info.localCertificates().isEmpty() ? null : info.localCertificates().toArray(Certificate[]::new);
    }

    @Override
    public Principal getPeerPrincipal() throws SSLPeerUnverifiedException {
        return ((X509Certificate) getPeerCertificates()[0]).getSubjectX500Principal();
    }

    @Override
    public Principal getLocalPrincipal() {
        return info.localCertificates().isEmpty() ? null : info.localCertificates().get(0).getSubjectX500Principal();
    }

    @Override
    public String getCipherSuite() {
        return info.cipherSuite();
    }

    @Override
    public String getProtocol() {
        return info.protocol();
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
        return MAX_RECORD;
    }

    @Override
    public int getApplicationBufferSize() {
        return MAX_PLAINTEXT;
    }

    /** @return the handshake this view describes */
    SessionInfo info() {
        return info;
    }
}
