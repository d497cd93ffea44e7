package dev.tls13.keys;

import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.HashAlgorithm;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.security.auth.Destroyable;

/**
 * The first stage of the TLS 1.3 key schedule (RFC 8446 §7.1): Early Secret = HKDF-Extract(0, PSK),
 * or HKDF-Extract(0, 0) when no PSK is used.
 *
 * <p>It offers exactly what RFC 8446 derives from the Early Secret: the PSK binder (§4.2.11.2),
 * client_early_traffic_secret and early_exporter_master_secret (only with a PSK), and the step to the
 * {@link HandshakeSecret}.
 *
 * <p>Convention for every stage of this package: deriving never destroys the stage it is called on.
 * The owner (the handshake state machine) calls {@link #destroy()} once it has advanced past the stage.
 * Stages are not thread-safe; they are confined to the connection's thread.
 * {@link #toString()} never shows the secret.
 */
public final class EarlySecret implements Destroyable {

    private final KeyDerivation derivation;
    private final boolean withPsk;
    private final SecretBytes secret;

    private EarlySecret(KeyDerivation derivation, boolean withPsk, byte[] secret) {
        this.derivation = derivation;
        this.withPsk = withPsk;
        this.secret = new SecretBytes(secret);
    }

    /**
     * Early Secret = HKDF-Extract(0, PSK), for a resumption or external PSK.
     *
     * @param provider the crypto provider; one HKDF instance is created and shared by all later stages
     * @param hash the hash of the cipher suite (the PSK's hash, RFC 8446 §4.2.11)
     * @param psk the PSK; borrowed, not retained (the caller zeroes it when done)
     * @return the early secret, owned by the caller
     */
    public static EarlySecret withPsk(CryptoProvider provider, HashAlgorithm hash, byte[] psk) {
        if (psk.length == 0) {
            throw new IllegalArgumentException("empty PSK");
        }
        KeyDerivation derivation = new KeyDerivation(provider, hash);
        return new EarlySecret(derivation, true, derivation.extract(new byte[hash.length()], psk));
    }

    /**
     * Early Secret = HKDF-Extract(0, 0): a full handshake without a PSK (RFC 8446 §7.1, "if a given
     * secret is not available, then the 0-value ... is used").
     *
     * @param provider the crypto provider; one HKDF instance is created and shared by all later stages
     * @param hash the hash of the negotiated cipher suite
     * @return the early secret, owned by the caller
     */
    public static EarlySecret withoutPsk(CryptoProvider provider, HashAlgorithm hash) {
        KeyDerivation derivation = new KeyDerivation(provider, hash);
        return new EarlySecret(derivation, false, derivation.extract(new byte[hash.length()], new byte[hash.length()]));
    }

    /** @return the cipher suite's hash */
    public HashAlgorithm hash() {
        return derivation.hash();
    }

    /** @return whether this early secret was extracted from a PSK */
    public boolean hasPsk() {
        return withPsk;
    }

    /**
     * Computes a PSK binder (RFC 8446 §4.2.11.2): HMAC(finished_key, Transcript-Hash(Truncate(ClientHello1)))
     * where finished_key comes from binder_key = Derive-Secret(Early Secret, "ext binder" | "res binder", "").
     * After a HelloRetryRequest the hash also covers the message_hash message and the HelloRetryRequest.
     *
     * @param type the PSK's origin, which selects the binder key label
     * @param truncatedHelloHash the transcript hash up to and excluding the binders list, HashLen bytes
     * @return the binder, HashLen bytes, owned by the caller
     * @throws IllegalStateException if this early secret has no PSK
     */
    public byte[] binder(PskType type, byte[] truncatedHelloHash) {
        HkdfLabel.checkLength(truncatedHelloHash, derivation.hashLength(), "truncated ClientHello hash");
        byte[] binderKey = binderKey(type);
        byte[] finishedKey = derivation.expandLabel(binderKey, HkdfLabel.FINISHED, HkdfLabel.empty(),
                derivation.hashLength());
        try {
            return derivation.hmac(finishedKey, truncatedHelloHash);
        } finally {
            Arrays.fill(binderKey, (byte) 0);
            Arrays.fill(finishedKey, (byte) 0);
        }
    }

    /**
     * Checks a received PSK binder in constant time (RFC 8446 §4.2.11.2). A {@code false} result
     * means the handshake must fail with decrypt_error (the BAD_BINDER reason).
     *
     * @param type the PSK's origin
     * @param truncatedHelloHash the transcript hash up to and excluding the binders list, HashLen bytes
     * @param binder the received binder; any length (a wrong length does not match)
     * @return whether it matches
     * @throws IllegalStateException if this early secret has no PSK
     */
    public boolean verifyBinder(PskType type, byte[] truncatedHelloHash, byte[] binder) {
        byte[] expected = binder(type, truncatedHelloHash);
        try {
            return MessageDigest.isEqual(expected, binder);
        } finally {
            Arrays.fill(expected, (byte) 0);
        }
    }

    /**
     * client_early_traffic_secret = Derive-Secret(Early Secret, "c e traffic", ClientHello), RFC 8446 §7.1.
     *
     * @param clientHelloHash Transcript-Hash(ClientHello), the whole ClientHello with binders, HashLen bytes
     * @return the secret that protects 0-RTT data, owned by the caller
     * @throws IllegalStateException if this early secret has no PSK (0-RTT needs one, RFC 8446 §2.3)
     */
    public TrafficSecret clientEarlyTrafficSecret(byte[] clientHelloHash) {
        byte[] s = derivation.deriveSecret(pskSecret(), HkdfLabel.C_E_TRAFFIC, clientHelloHash);
        return new TrafficSecret(derivation, TrafficSecret.Kind.CLIENT_EARLY, 0, s);
    }

    /**
     * early_exporter_master_secret = Derive-Secret(Early Secret, "e exp master", ClientHello), RFC 8446 §7.1.
     *
     * @param clientHelloHash Transcript-Hash(ClientHello), HashLen bytes
     * @return the early exporter secret, owned by the caller
     * @throws IllegalStateException if this early secret has no PSK
     */
    public ExporterSecret earlyExporterMasterSecret(byte[] clientHelloHash) {
        byte[] s = derivation.deriveSecret(pskSecret(), HkdfLabel.E_EXP_MASTER, clientHelloHash);
        return new ExporterSecret(derivation, true, s);
    }

    /**
     * Handshake Secret = HKDF-Extract(Derive-Secret(Early Secret, "derived", ""), (EC)DHE), RFC 8446 §7.1.
     * This early secret stays usable until destroyed.
     *
     * @param sharedSecret the (EC)DHE shared secret, already checked by the key exchange (RFC 8446
     *        §7.4.2: all-zero X25519/X448 results rejected); borrowed, not retained
     * @return the next stage, owned by the caller
     */
    public HandshakeSecret handshakeSecret(byte[] sharedSecret) {
        if (sharedSecret.length == 0) {
            throw new IllegalArgumentException("empty (EC)DHE shared secret");
        }
        return toHandshakeSecret(sharedSecret);
    }

    /**
     * Handshake Secret with the 0-value in place of the (EC)DHE input, for a PSK-only (psk_ke)
     * handshake (RFC 8446 §7.1, §4.2.9).
     *
     * @return the next stage, owned by the caller
     * @throws IllegalStateException if this early secret has no PSK (a handshake without both has no secret)
     */
    public HandshakeSecret handshakeSecretWithoutKeyExchange() {
        pskSecret();
        return toHandshakeSecret(new byte[derivation.hashLength()]);
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
        return "EarlySecret[" + derivation.hash() + (withPsk ? ", PSK" : "") + (isDestroyed() ? ", destroyed]" : "]");
    }

    /** binder_key = Derive-Secret(Early Secret, "ext binder" | "res binder", ""); owned by the caller. */
    byte[] binderKey(PskType type) {
        return derivation.deriveSecretEmpty(pskSecret(), type.binderLabel());
    }

    /** @return the secret array itself, also after destruction; for tests */
    byte[] bytes() {
        return secret.raw();
    }

    private HandshakeSecret toHandshakeSecret(byte[] ikm) {
        byte[] derived = derivation.deriveSecretEmpty(secret.get(), HkdfLabel.DERIVED);
        try {
            return new HandshakeSecret(derivation, derivation.extract(derived, ikm));
        } finally {
            Arrays.fill(derived, (byte) 0);
        }
    }

    private byte[] pskSecret() {
        if (!withPsk) {
            throw new IllegalStateException("this early secret has no PSK");
        }
        return secret.get();
    }
}
