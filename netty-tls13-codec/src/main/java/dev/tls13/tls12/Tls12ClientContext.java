package dev.tls13.tls12;

import dev.tls13.handshake.ClientConfig;
import dev.tls13.handshake.ResumptionTicket;
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
 * @param sessionId ClientHello.session_id, empty for none
 * @param ticketRequested whether the ClientHello sent SessionTicket (RFC 5077 §3.2)
 * @param offeredTicket the TLS 1.2 session ticket offered in SessionTicket, or {@code null}; owned by the handshake
 * @param serverNameSent whether the ClientHello carried server_name, which the ServerHello may then acknowledge
 */
public record Tls12ClientContext(ClientConfig config, String peerHost, List<Tls12CipherSuiteParams> suites,
                                 List<NamedGroup> groups, List<SignatureScheme> signatureSchemes,
                                 List<String> applicationProtocols, byte[] clientRandom, byte[] sessionId,
                                 boolean ticketRequested, ResumptionTicket offeredTicket, boolean serverNameSent) {

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
        Objects.requireNonNull(sessionId, "sessionId");
    }

    /**
     * A context of a ClientHello without session_id and without SessionTicket that carried server_name exactly
     * when {@code peerHost} is set.
     *
     * @param config the client configuration
     * @param peerHost the host to verify the certificate for, or {@code null}
     * @param suites the TLS 1.2 suites offered
     * @param groups the ECDHE groups offered
     * @param signatureSchemes the schemes offered
     * @param applicationProtocols the ALPN protocols offered
     * @param clientRandom ClientHello.random
     */
    public Tls12ClientContext(ClientConfig config, String peerHost, List<Tls12CipherSuiteParams> suites,
                              List<NamedGroup> groups, List<SignatureScheme> signatureSchemes,
                              List<String> applicationProtocols, byte[] clientRandom) {
        this(config, peerHost, suites, groups, signatureSchemes, applicationProtocols, clientRandom, new byte[0],
                false, null, peerHost != null);
    }
}
