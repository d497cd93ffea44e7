package dev.tls13.handshake;

import dev.tls13.crypto.CryptoProvider;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.SignatureScheme;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Everything a server handshake needs that is the same for every connection of one context.
 * Immutable; built by {@code Tls13Context}.
 *
 * @param crypto the crypto provider
 * @param cipherSuites the suites accepted, in the server's preference order
 * @param namedGroups the groups accepted, in the server's preference order; a client that offers a
 *        preferred group without a key share for it gets a HelloRetryRequest
 * @param signatureSchemes the schemes we are willing to sign with, and accept from clients
 * @param certificates the server's certificates and keys, and the selection among them
 * @param applicationProtocols ALPN protocols we accept, in preference order; empty to ignore ALPN
 * @param failOnAlpnMismatch whether a client whose ALPN list shares nothing with ours gets
 *        no_application_protocol (RFC 7301 §3.2) rather than a handshake without ALPN
 * @param helloRetryRequestCookie whether a HelloRetryRequest carries a cookie (RFC 8446 §4.2.2)
 * @param clientAuth whether to ask for a client certificate
 * @param clientTrustManager validates the client's chain; required unless {@code clientAuth} is NONE
 * @param certificateAuthorities whether a CertificateRequest lists the client trust anchors'
 *        names in certificate_authorities (RFC 8446 §4.2.4)
 */
public record ServerConfig(CryptoProvider crypto, List<CipherSuite> cipherSuites, List<NamedGroup> namedGroups,
                           List<SignatureScheme> signatureSchemes, CertificateSelector certificates,
                           List<String> applicationProtocols, boolean failOnAlpnMismatch,
                           boolean helloRetryRequestCookie, ClientAuth clientAuth,
                           X509ExtendedTrustManager clientTrustManager, boolean certificateAuthorities) {

    /** Checks and copies. */
    public ServerConfig {
        Objects.requireNonNull(crypto, "crypto");
        Objects.requireNonNull(certificates, "certificates");
        Objects.requireNonNull(clientAuth, "clientAuth");
        cipherSuites = List.copyOf(cipherSuites);
        namedGroups = List.copyOf(namedGroups);
        signatureSchemes = List.copyOf(signatureSchemes);
        applicationProtocols = List.copyOf(applicationProtocols);
        if (cipherSuites.isEmpty() || namedGroups.isEmpty() || signatureSchemes.isEmpty()) {
            throw new IllegalArgumentException("cipher suites, groups and signature schemes must not be empty");
        }
        if (clientAuth != ClientAuth.NONE && clientTrustManager == null) {
            throw new IllegalArgumentException("client authentication needs a trust manager");
        }
    }
}
