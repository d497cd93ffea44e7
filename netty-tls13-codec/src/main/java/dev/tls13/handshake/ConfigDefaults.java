package dev.tls13.handshake;

import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.NamedGroup;
import java.util.List;

/**
 * The settings a {@link ClientConfig} or {@link ServerConfig} builder starts from, and the defaults of
 * {@code Tls13ContextBuilder}: written once, so a caller states only what differs. Internal.
 */
public final class ConfigDefaults {

    /** The GCM and ChaCha20 suites, in preference order; the CCM suites are opt-in. */
    public static final List<CipherSuite> CIPHER_SUITES = List.of(CipherSuite.TLS_AES_128_GCM_SHA256,
            CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_CHACHA20_POLY1305_SHA256);
    /** The groups, in preference order. */
    public static final List<NamedGroup> NAMED_GROUPS = List.of(NamedGroup.X25519, NamedGroup.SECP256R1,
            NamedGroup.SECP384R1, NamedGroup.SECP521R1, NamedGroup.X448);

    private ConfigDefaults() {
    }
}
