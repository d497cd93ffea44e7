package dev.tls13.jsse;

import dev.tls13.connection.SessionInfo;
import dev.tls13.connection.TlsConnection;
import java.security.Principal;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSessionBindingEvent;
import javax.net.ssl.SSLSessionBindingListener;
import javax.net.ssl.SSLSessionContext;

/**
 * The session of one {@link Tls13SslEngine}: the handshake session while the handshake runs (what the
 * JDK's trust and key managers read through {@code engine.getHandshakeSession()}), then the negotiated
 * session. Before the handshake completes it reports the JDK's "null" cipher suite and protocol.
 */
final class Tls13Session extends ExtendedSSLSession {

    /** What an unfinished session reports, as the JDK does. */
    static final String NULL_CIPHER_SUITE = "SSL_NULL_WITH_NULL_NULL";
    /** The largest record a peer may send: the header and a TLSCiphertext fragment (RFC 8446 §5.2). */
    static final int PACKET_BUFFER_SIZE = TlsConnection.MAX_RECORD_LENGTH;
    /**
     * What callers size unwrap's destination by: one record's plaintext (at most 2^14 bytes, RFC 8446
     * §5.1) and the 256 bytes a TLSCiphertext may add to it (RFC 8446 §5.2), a margin callers are used to.
     */
    static final int APPLICATION_BUFFER_SIZE = TlsConnection.MAX_PLAINTEXT_LENGTH + 256;

    /** The JCA names of the signature algorithms we verify (RFC 8446 §4.2.3 code points). */
    private static final String[] LOCAL_SIGNATURE_ALGORITHMS = {
        "SHA256withECDSA", "SHA384withECDSA", "SHA512withECDSA", "RSASSA-PSS", "Ed25519", "Ed448",
        "SHA256withRSA", "SHA384withRSA", "SHA512withRSA", "SHA1withRSA", "SHA1withECDSA",
    };

    private final Tls13SslEngine engine;
    private final long creationTime = System.currentTimeMillis();
    private final Map<String, Object> values = new ConcurrentHashMap<>();
    /** Set once the handshake completed: what it negotiated, as the JSSE API reports it. */
    private volatile SessionInfo negotiated;
    private volatile List<X509Certificate> peerCertificates = List.of();
    private volatile List<SNIServerName> requestedServerNames = List.of();
    private volatile String[] peerSignatureAlgorithms = LOCAL_SIGNATURE_ALGORITHMS;
    private volatile boolean valid = true;

    Tls13Session(Tls13SslEngine engine) {
        this.engine = engine;
    }

    void complete(SessionInfo info) {
        negotiated = info;
        peerCertificates = info.peerCertificates();
    }

    void peerCertificates(X509Certificate[] chain) {
        peerCertificates = List.of(chain);
    }

    void requestedServerNames(List<SNIServerName> names) {
        requestedServerNames = List.copyOf(names);
    }

    void peerSignatureAlgorithms(String[] names) {
        peerSignatureAlgorithms = names.clone();
    }

    boolean isComplete() {
        return negotiated != null;
    }

    /** @return the negotiated ALPN protocol, or {@code null} (also before completion) */
    String applicationProtocol() {
        SessionInfo current = negotiated;
        return current == null ? null : current.applicationProtocol();
    }

    /** @return whether the handshake resumed an earlier session with a ticket (RFC 8446 §2.2) */
    boolean resumed() {
        SessionInfo current = negotiated;
        return current != null && current.resumed();
    }

    /** @return the negotiated group's RFC 8446 name, or {@code null} before completion */
    String namedGroup() {
        SessionInfo current = negotiated;
        return current == null ? null : current.namedGroup();
    }

    static String[] localSignatureAlgorithms() {
        return LOCAL_SIGNATURE_ALGORITHMS.clone();
    }

    @Override
    public String[] getLocalSupportedSignatureAlgorithms() {
        return LOCAL_SIGNATURE_ALGORITHMS.clone();
    }

    @Override
    public String[] getPeerSupportedSignatureAlgorithms() {
        return peerSignatureAlgorithms.clone();
    }

    @Override
    public List<SNIServerName> getRequestedServerNames() {
        return requestedServerNames;
    }

    @Override
    public List<byte[]> getStatusResponses() {
        return Collections.emptyList();
    }

    @Override
    public byte[] getId() {
        // TLS 1.3 has no session ids (RFC 8446 §4.1.2: legacy_session_id is only for compatibility).
        return new byte[0];
    }

    @Override
    public SSLSessionContext getSessionContext() {
        // The engine's mode decides it (a client's session belongs to the client session context), and the
        // mode is fixed once the handshake starts.
        return engine.sessionContext();
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
        valid = false;
    }

    @Override
    public boolean isValid() {
        return valid && negotiated != null;
    }

    @Override
    public void putValue(String name, Object value) {
        Object old = values.put(name, value);
        if (old instanceof SSLSessionBindingListener) {
            ((SSLSessionBindingListener) old).valueUnbound(new SSLSessionBindingEvent(this, name));
        }
        if (value instanceof SSLSessionBindingListener) {
            ((SSLSessionBindingListener) value).valueBound(new SSLSessionBindingEvent(this, name));
        }
    }

    @Override
    public Object getValue(String name) {
        return values.get(name);
    }

    @Override
    public void removeValue(String name) {
        Object old = values.remove(name);
        if (old instanceof SSLSessionBindingListener) {
            ((SSLSessionBindingListener) old).valueUnbound(new SSLSessionBindingEvent(this, name));
        }
    }

    @Override
    public String[] getValueNames() {
        return values.keySet().toArray(new String[0]);
    }

    @Override
    public Certificate[] getPeerCertificates() throws SSLPeerUnverifiedException {
        List<X509Certificate> chain = peerCertificates;
        if (chain.isEmpty()) {
            throw new SSLPeerUnverifiedException("peer not authenticated");
        }
        return chain.toArray(new Certificate[0]);
    }

    @Override
    public Certificate[] getLocalCertificates() {
        SessionInfo current = negotiated;
        if (current == null || current.localCertificates().isEmpty()) {
            return null;
        }
        return current.localCertificates().toArray(new Certificate[0]);
    }

    @Override
    public Principal getPeerPrincipal() throws SSLPeerUnverifiedException {
        return ((X509Certificate) getPeerCertificates()[0]).getSubjectX500Principal();
    }

    @Override
    public Principal getLocalPrincipal() {
        Certificate[] local = getLocalCertificates();
        return local == null ? null : ((X509Certificate) local[0]).getSubjectX500Principal();
    }

    @Override
    public String getCipherSuite() {
        SessionInfo current = negotiated;
        return current == null ? NULL_CIPHER_SUITE : current.cipherSuite();
    }

    @Override
    public String getProtocol() {
        // The JDK's X509TrustManagerImpl reads the protocol of the handshake session to choose the
        // TLS 1.2+ algorithm constraints, so a running TLS 1.3 handshake already reports TLSv1.3.
        // A completed session names its own protocol: TLSv1.2 when a client context enabled it and the server chose it.
        SessionInfo current = negotiated;
        if (current != null) {
            return current.protocol();
        }
        return engine.isHandshaking() ? Tls13SslContextSpi.PROTOCOL : "NONE";
    }

    @Override
    public String getPeerHost() {
        return engine.getPeerHost();
    }

    @Override
    public int getPeerPort() {
        return engine.getPeerPort();
    }

    @Override
    public int getPacketBufferSize() {
        return PACKET_BUFFER_SIZE;
    }

    @Override
    public int getApplicationBufferSize() {
        return APPLICATION_BUFFER_SIZE;
    }

    @Override
    public String toString() {
        return "Tls13Session[" + getProtocol() + ", " + getCipherSuite() + "]";
    }

    /** Builds the JCA names of peer-offered schemes, keeping only those we know. */
    static String[] jcaNames(List<Integer> codes) {
        List<String> names = new ArrayList<>();
        for (int code : codes) {
            String name = jcaName(code);
            if (name != null && !names.contains(name)) {
                names.add(name);
            }
        }
        return names.toArray(new String[0]);
    }

    private static String jcaName(int code) {
        switch (code) {
            case 0x0401: return "SHA256withRSA";
            case 0x0501: return "SHA384withRSA";
            case 0x0601: return "SHA512withRSA";
            case 0x0201: return "SHA1withRSA";
            case 0x0203: return "SHA1withECDSA";
            case 0x0403: return "SHA256withECDSA";
            case 0x0503: return "SHA384withECDSA";
            case 0x0603: return "SHA512withECDSA";
            case 0x0804: case 0x0805: case 0x0806: case 0x0809: case 0x080a: case 0x080b: return "RSASSA-PSS";
            case 0x0807: return "Ed25519";
            case 0x0808: return "Ed448";
            default: return null;
        }
    }
}
