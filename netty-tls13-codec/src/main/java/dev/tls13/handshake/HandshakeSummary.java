package dev.tls13.handshake;

import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.SignatureScheme;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * What a completed handshake negotiated, in wire types, as the state machines report it to the connection
 * driver ({@link HandshakeOutput#handshakeComplete}). Not the users' view: the connection package turns it
 * into the public {@code SessionInfo}, which names things with JDK types only, so this record can gain what
 * later code needs without changing the API. Immutable.
 *
 * @param cipherSuite the negotiated cipher suite
 * @param namedGroup the (EC)DHE group, or {@code null} for a psk_ke resumption (RFC 8446 §4.2.9)
 * @param peerSignatureScheme the scheme of the peer's CertificateVerify, or {@code null} when the
 *        peer did not authenticate with a certificate
 * @param localSignatureScheme the scheme of our CertificateVerify, or {@code null} when we sent none
 * @param applicationProtocol the ALPN protocol (RFC 7301), or {@code null} when none was negotiated
 * @param serverName the SNI host name the client sent (RFC 6066), or {@code null}
 * @param peerCertificates the peer's certificate chain, leaf first; empty when it sent none
 * @param localCertificates the chain we sent, leaf first; empty when we sent none
 * @param helloRetryRequest whether a HelloRetryRequest was part of the handshake
 * @param resumed whether the handshake resumed an earlier session with a PSK
 * @param earlyDataAccepted whether the server accepted the client's 0-RTT data (RFC 8446 §4.2.10)
 * @param externalPskIdentity the identity of the external PSK that authenticated the handshake (RFC 8446 §4.2.11),
 *        or {@code null} when none did (a certificate or a resumption ticket did); owned by the summary, not to be
 *        modified
 */
public record HandshakeSummary(CipherSuite cipherSuite, NamedGroup namedGroup, SignatureScheme peerSignatureScheme,
                               SignatureScheme localSignatureScheme, String applicationProtocol, String serverName,
                               List<X509Certificate> peerCertificates, List<X509Certificate> localCertificates,
                               boolean helloRetryRequest, boolean resumed,
                               boolean earlyDataAccepted, byte[] externalPskIdentity) {

    /** Checks the required components and copies the lists and the identity. */
    public HandshakeSummary {
        Objects.requireNonNull(cipherSuite, "cipherSuite");
        peerCertificates = List.copyOf(peerCertificates);
        localCertificates = List.copyOf(localCertificates);
        externalPskIdentity = externalPskIdentity == null ? null : externalPskIdentity.clone();
    }

    /**
     * A summary of a handshake that no external PSK authenticated.
     *
     * @param cipherSuite the negotiated cipher suite
     * @param namedGroup the (EC)DHE group, or {@code null} for a psk_ke resumption
     * @param peerSignatureScheme the scheme of the peer's CertificateVerify, or {@code null}
     * @param localSignatureScheme the scheme of our CertificateVerify, or {@code null}
     * @param applicationProtocol the ALPN protocol, or {@code null}
     * @param serverName the SNI host name the client sent, or {@code null}
     * @param peerCertificates the peer's certificate chain, leaf first
     * @param localCertificates the chain we sent, leaf first
     * @param helloRetryRequest whether a HelloRetryRequest was part of the handshake
     * @param resumed whether the handshake resumed an earlier session with a ticket
     * @param earlyDataAccepted whether the server accepted the client's 0-RTT data
     */
    public HandshakeSummary(CipherSuite cipherSuite, NamedGroup namedGroup, SignatureScheme peerSignatureScheme,
                            SignatureScheme localSignatureScheme, String applicationProtocol, String serverName,
                            List<X509Certificate> peerCertificates, List<X509Certificate> localCertificates,
                            boolean helloRetryRequest, boolean resumed, boolean earlyDataAccepted) {
        this(cipherSuite, namedGroup, peerSignatureScheme, localSignatureScheme, applicationProtocol, serverName,
                peerCertificates, localCertificates, helloRetryRequest, resumed, earlyDataAccepted, null);
    }

    /**
     * This summary with the peer's authentication, which a server learns only after its own flight.
     *
     * @param scheme the scheme of the peer's CertificateVerify, or {@code null} when it sent none
     * @param chain the peer's validated chain, leaf first; empty when it sent none
     * @return the completed summary
     */
    HandshakeSummary withPeerAuthentication(SignatureScheme scheme, List<X509Certificate> chain) {
        return new HandshakeSummary(cipherSuite, namedGroup, scheme, localSignatureScheme, applicationProtocol,
                serverName, chain, localCertificates, helloRetryRequest, resumed,
                earlyDataAccepted, externalPskIdentity);
    }
}
