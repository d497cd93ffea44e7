package dev.tls13.tls12;

import dev.tls13.handshake.ClientConfig;
import dev.tls13.record.Tls12CipherSuiteParams;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.SignatureScheme;
import java.util.List;
import java.util.Objects;

/**
 * What the client offered in its ClientHello, as far as a TLS 1.2 continuation needs it.
 *
 * @param config the client configuration (trust, endpoint identification, client credentials, crypto)
 * @param peerHost the host to verify the certificate for, or {@code null}
 * @param suites the TLS 1.2 suites offered
 * @param groups the ECDHE groups offered in supported_groups (classical curves only for TLS 1.2)
 * @param signatureSchemes the schemes offered in signature_algorithms, rsa_pkcs1_* included
 * @param applicationProtocols the ALPN protocols offered, empty for none
 * @param clientRandom ClientHello.random
 * @param serverNameOffered whether the ClientHello carried server_name, which the ServerHello may then acknowledge
 */
public record Tls12ClientContext(ClientConfig config, String peerHost, List<Tls12CipherSuiteParams> suites,
                                 List<NamedGroup> groups, List<SignatureScheme> signatureSchemes,
                                 List<String> applicationProtocols, byte[] clientRandom, boolean serverNameOffered) {

    /**
     * A context whose ClientHello sent server_name exactly when a peer host is given (the usual case: the host
     * the certificate must name is the SNI name).
     */
    public Tls12ClientContext(ClientConfig config, String peerHost, List<Tls12CipherSuiteParams> suites,
                              List<NamedGroup> groups, List<SignatureScheme> signatureSchemes,
                              List<String> applicationProtocols, byte[] clientRandom) {
        this(config, peerHost, suites, groups, signatureSchemes, applicationProtocols, clientRandom, peerHost != null);
    }

    /** Checks for {@code null} and copies the lists. */
    public Tls12ClientContext {
        Objects.requireNonNull(config, "config");
        suites = List.copyOf(suites);
        groups = List.copyOf(groups);
        signatureSchemes = List.copyOf(signatureSchemes);
        applicationProtocols = List.copyOf(applicationProtocols);
        if (clientRandom.length != 32) {
            throw new IllegalArgumentException("client random must be 32 bytes");
        }
    }
}
