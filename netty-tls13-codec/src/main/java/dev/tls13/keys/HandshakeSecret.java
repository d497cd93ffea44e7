package dev.tls13.keys;

import dev.tls13.crypto.HashAlgorithm;
import java.util.Arrays;
import javax.security.auth.Destroyable;

/**
 * The second stage of the key schedule (RFC 8446 §7.1): Handshake Secret, from which the handshake
 * traffic secrets and the {@link MasterSecret} are derived. Deriving never destroys this stage; the
 * owner calls {@link #destroy()} when it has advanced. Not thread-safe; {@link #toString()} never
 * shows the secret.
 */
public final class HandshakeSecret implements Destroyable {

    private final KeyDerivation derivation;
    private final SecretBytes secret;

    /** Takes ownership of {@code secret}. */
    HandshakeSecret(KeyDerivation derivation, byte[] secret) {
        this.derivation = derivation;
        this.secret = new SecretBytes(secret);
    }

    /** @return the cipher suite's hash */
    public HashAlgorithm hash() {
        return derivation.hash();
    }

    /**
     * client_handshake_traffic_secret = Derive-Secret(Handshake Secret, "c hs traffic",
     * ClientHello...ServerHello), RFC 8446 §7.1.
     *
     * @param helloHash the transcript hash through ServerHello, HashLen bytes
     * @return the secret, owned by the caller
     */
    public TrafficSecret clientHandshakeTrafficSecret(byte[] helloHash) {
        byte[] s = derivation.deriveSecret(secret.get(), HkdfLabel.C_HS_TRAFFIC, helloHash);
        return new TrafficSecret(derivation, TrafficSecret.Kind.CLIENT_HANDSHAKE, 0, s);
    }

    /**
     * server_handshake_traffic_secret = Derive-Secret(Handshake Secret, "s hs traffic",
     * ClientHello...ServerHello), RFC 8446 §7.1.
     *
     * @param helloHash the transcript hash through ServerHello, HashLen bytes
     * @return the secret, owned by the caller
     */
    public TrafficSecret serverHandshakeTrafficSecret(byte[] helloHash) {
        byte[] s = derivation.deriveSecret(secret.get(), HkdfLabel.S_HS_TRAFFIC, helloHash);
        return new TrafficSecret(derivation, TrafficSecret.Kind.SERVER_HANDSHAKE, 0, s);
    }

    /**
     * Master Secret = HKDF-Extract(Derive-Secret(Handshake Secret, "derived", ""), 0), RFC 8446 §7.1.
     * This stage stays usable until destroyed.
     *
     * @return the next stage, owned by the caller
     */
    public MasterSecret masterSecret() {
        byte[] derived = derivation.deriveSecretEmpty(secret.get(), HkdfLabel.DERIVED);
        try {
            return new MasterSecret(derivation, derivation.extract(derived, new byte[derivation.hashLength()]));
        } finally {
            Arrays.fill(derived, (byte) 0);
        }
    }

    /** Zeroes the secret; every derivation fails afterwards. */
    @Override
    public void destroy() {
        secret.destroy();
    }

    /** @return whether {@link #destroy()} was called */
    @Override
    public boolean isDestroyed() {
        return secret.isDestroyed();
    }

    /** @return the hash only; never the secret */
    @Override
    public String toString() {
        return "HandshakeSecret[" + derivation.hash() + (isDestroyed() ? ", destroyed]" : "]");
    }

    /** @return the secret array itself, also after destruction; for tests */
    byte[] bytes() {
        return secret.raw();
    }
}
