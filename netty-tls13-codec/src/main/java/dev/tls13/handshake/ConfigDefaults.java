package dev.tls13.handshake;

import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.NamedGroup;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings a {@link ClientConfig} or {@link ServerConfig} builder starts from, and the defaults of
 * {@code Tls13ContextBuilder}: written once, so a caller states only what differs. Internal.
 */
public final class ConfigDefaults {

    /** The GCM and ChaCha20 suites, in preference order; the CCM suites are opt-in. */
    public static final List<CipherSuite> CIPHER_SUITES = List.of(CipherSuite.TLS_AES_128_GCM_SHA256,
            CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_CHACHA20_POLY1305_SHA256);
    /**
     * A TLS 1.2 server's suites, in preference order (docs/architecture.md §16): AES-128-GCM, AES-256-GCM, then
     * ChaCha20-Poly1305, each with ECDSA before RSA; the CCM suites are opt-in.
     */
    public static final List<CipherSuite> TLS12_CIPHER_SUITES = List.of(
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
            CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256);
    /**
     * The groups, in preference order: the three hybrids of draft-ietf-tls-ecdhe-mlkem ahead of the classical
     * groups, so traffic recorded today stays safe from a future quantum computer wherever the peer can, as
     * Chrome, Firefox, Go, rustls, OpenSSL 3.5 and BoringSSL do; a server prefers a hybrid when offered one.
     */
    public static final List<NamedGroup> NAMED_GROUPS = List.of(NamedGroup.X25519MLKEM768,
            NamedGroup.SECP256R1MLKEM768, NamedGroup.SECP384R1MLKEM1024, NamedGroup.X25519, NamedGroup.SECP256R1,
            NamedGroup.SECP384R1, NamedGroup.SECP521R1, NamedGroup.X448);

    private ConfigDefaults() {
    }

    /**
     * The groups a client sends key shares for when not told how many: its first group and, when that is a
     * hybrid, also its first classical group, so a server without post-quantum groups answers without a
     * HelloRetryRequest (RFC 8446 §4.2.8). With the default groups: X25519MLKEM768 and x25519.
     *
     * @param namedGroups the client's groups, in preference order; not empty
     * @return the groups to send shares for, in that order
     */
    public static List<NamedGroup> keyShareGroups(List<NamedGroup> namedGroups) {
        List<NamedGroup> shares = new ArrayList<>(2);
        shares.add(namedGroups.get(0));
        if (Negotiation.isHybrid(namedGroups.get(0))) {
            for (NamedGroup group : namedGroups) {
                if (!Negotiation.isHybrid(group) && Negotiation.keyExchange(group).isPresent()) {
                    shares.add(group);
                    break;
                }
            }
        }
        return List.copyOf(shares);
    }
}
