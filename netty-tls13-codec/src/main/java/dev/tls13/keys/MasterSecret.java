package dev.tls13.keys;

import dev.tls13.crypto.HashAlgorithm;
import javax.security.auth.Destroyable;

/**
 * The last stage of the key schedule (RFC 8446 §7.1): Master Secret, from which the application
 * traffic secrets, exporter_master_secret and resumption_master_secret are derived. Deriving never
 * destroys this stage; the owner calls {@link #destroy()} once it has derived the resumption master
 * secret (the last one, after the client's Finished). Not thread-safe; {@link #toString()} never
 * shows the secret.
 */
public final class MasterSecret implements Destroyable {

    private final KeyDerivation derivation;
    private final SecretBytes secret;

    /** Takes ownership of {@code secret}. */
    MasterSecret(KeyDerivation derivation, byte[] secret) {
        this.derivation = derivation;
        this.secret = new SecretBytes(secret);
    }

    /** @return the cipher suite's hash */
    public HashAlgorithm hash() {
        return derivation.hash();
    }

    /**
     * client_application_traffic_secret_0 = Derive-Secret(Master Secret, "c ap traffic",
     * ClientHello...server Finished), RFC 8446 §7.1.
     *
     * @param serverFinishedHash the transcript hash through the server's Finished, HashLen bytes
     * @return the secret (generation 0), owned by the caller
     */
    public TrafficSecret clientApplicationTrafficSecret(byte[] serverFinishedHash) {
        byte[] s = derivation.deriveSecret(secret.get(), HkdfLabel.C_AP_TRAFFIC, serverFinishedHash);
        return new TrafficSecret(derivation, TrafficSecret.Kind.CLIENT_APPLICATION, 0, s);
    }

    /**
     * server_application_traffic_secret_0 = Derive-Secret(Master Secret, "s ap traffic",
     * ClientHello...server Finished), RFC 8446 §7.1.
     *
     * @param serverFinishedHash the transcript hash through the server's Finished, HashLen bytes
     * @return the secret (generation 0), owned by the caller
     */
    public TrafficSecret serverApplicationTrafficSecret(byte[] serverFinishedHash) {
        byte[] s = derivation.deriveSecret(secret.get(), HkdfLabel.S_AP_TRAFFIC, serverFinishedHash);
        return new TrafficSecret(derivation, TrafficSecret.Kind.SERVER_APPLICATION, 0, s);
    }

    /**
     * exporter_master_secret = Derive-Secret(Master Secret, "exp master", ClientHello...server Finished),
     * RFC 8446 §7.1.
     *
     * @param serverFinishedHash the transcript hash through the server's Finished, HashLen bytes
     * @return the exporter secret, owned by the caller
     */
    public ExporterSecret exporterMasterSecret(byte[] serverFinishedHash) {
        byte[] s = derivation.deriveSecret(secret.get(), HkdfLabel.EXP_MASTER, serverFinishedHash);
        return new ExporterSecret(derivation, false, s);
    }

    /**
     * resumption_master_secret = Derive-Secret(Master Secret, "res master", ClientHello...client Finished),
     * RFC 8446 §7.1.
     *
     * @param clientFinishedHash the transcript hash through the client's Finished, HashLen bytes
     * @return the resumption master secret, owned by the caller
     */
    public ResumptionMasterSecret resumptionMasterSecret(byte[] clientFinishedHash) {
        byte[] s = derivation.deriveSecret(secret.get(), HkdfLabel.RES_MASTER, clientFinishedHash);
        return new ResumptionMasterSecret(derivation, s);
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
        return "MasterSecret[" + derivation.hash() + (isDestroyed() ? ", destroyed]" : "]");
    }

    /** @return the secret array itself, also after destruction; for tests */
    byte[] bytes() {
        return secret.raw();
    }
}
