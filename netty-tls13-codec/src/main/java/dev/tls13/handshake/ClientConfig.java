package dev.tls13.handshake;

import dev.tls13.crypto.CryptoProvider;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.SignatureScheme;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Everything a client handshake needs that is the same for every connection of one context.
 * Immutable; built by {@code Tls13Context}.
 *
 * @param crypto the crypto provider
 * @param cipherSuites the suites offered, in preference order (TLS 1.3 suites only)
 * @param namedGroups the groups offered in supported_groups, in preference order
 * @param keyShareCount how many of the first {@code namedGroups} get a key share in the first
 *        ClientHello (at least 1)
 * @param signatureSchemes offered in signature_algorithms (for CertificateVerify)
 * @param signatureSchemesCert offered in signature_algorithms_cert (for certificate chains); empty to omit
 * @param applicationProtocols ALPN protocols offered, in preference order; empty to omit
 * @param trustManager validates the server's chain
 * @param endpointIdentificationAlgorithm {@code "HTTPS"} to verify the host name, or {@code null} not to
 * @param middleboxCompatibility whether to use middlebox compatibility mode (RFC 8446 §D.4)
 * @param clientCredentials certificates we can present when the server asks; empty for none
 */
public record ClientConfig(CryptoProvider crypto, List<CipherSuite> cipherSuites, List<NamedGroup> namedGroups,
                           int keyShareCount, List<SignatureScheme> signatureSchemes,
                           List<SignatureScheme> signatureSchemesCert, List<String> applicationProtocols,
                           X509ExtendedTrustManager trustManager, String endpointIdentificationAlgorithm,
                           boolean middleboxCompatibility, List<CertifiedKey> clientCredentials) {

    /** Checks and copies. */
    public ClientConfig {
        Objects.requireNonNull(crypto, "crypto");
        Objects.requireNonNull(trustManager, "trustManager");
        cipherSuites = List.copyOf(cipherSuites);
        namedGroups = List.copyOf(namedGroups);
        signatureSchemes = List.copyOf(signatureSchemes);
        signatureSchemesCert = List.copyOf(signatureSchemesCert);
        applicationProtocols = List.copyOf(applicationProtocols);
        clientCredentials = List.copyOf(clientCredentials);
        if (cipherSuites.isEmpty() || namedGroups.isEmpty() || signatureSchemes.isEmpty()) {
            throw new IllegalArgumentException("cipher suites, groups and signature schemes must not be empty");
        }
        if (keyShareCount < 1 || keyShareCount > namedGroups.size()) {
            throw new IllegalArgumentException("keyShareCount must be between 1 and the number of groups");
        }
    }
}
