package dev.tls13.keys;

import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.crypto.Hkdf;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The primitives one connection's key schedule shares from stage to stage: HKDF and the negotiated
 * hash. Confined to the connection's thread like the stages that hold it (a provider's {@link Hkdf}
 * need not be thread-safe).
 */
final class KeyDerivation {

    private final CryptoProvider provider;
    private final HashAlgorithm hash;
    private final Hkdf hkdf;
    /**
     * Hash("") per hash algorithm, a constant: computed once, when the class initialises (which publishes it
     * safely), rather than once per connection (a digest instance and its state, about 0.4 KB per handshake, JFR).
     * Shared, so never handed out for writing: {@link HkdfLabel#expand} only reads its context.
     */
    private static final byte[][] EMPTY_HASHES = emptyHashes();

    KeyDerivation(CryptoProvider provider, HashAlgorithm hash) {
        this.provider = provider;
        this.hash = hash;
        this.hkdf = provider.hkdf(hash);
        if (hkdf.hash() != hash) {
            throw new IllegalStateException("provider returned HKDF for " + hkdf.hash() + ", not " + hash);
        }
    }

    HashAlgorithm hash() {
        return hash;
    }

    int hashLength() {
        return hash.length();
    }

    Hkdf hkdf() {
        return hkdf;
    }

    byte[] extract(byte[] salt, byte[] ikm) {
        return hkdf.extract(salt, ikm);
    }

    byte[] expandLabel(byte[] secret, byte[] fullLabel, byte[] context, int length) {
        return HkdfLabel.expand(hkdf, secret, fullLabel, context, length);
    }

    /** Derive-Secret (RFC 8446 §7.1) given the transcript hash, which must be HashLen bytes. */
    byte[] deriveSecret(byte[] secret, byte[] fullLabel, byte[] transcriptHash) {
        HkdfLabel.checkLength(transcriptHash, hash.length(), "transcript hash");
        return HkdfLabel.expand(hkdf, secret, fullLabel, transcriptHash, hash.length());
    }

    /** Derive-Secret(Secret, Label, "") — the transcript of no messages hashes to Hash(""). */
    byte[] deriveSecretEmpty(byte[] secret, byte[] fullLabel) {
        return HkdfLabel.expand(hkdf, secret, fullLabel, emptyHash(), hash.length());
    }

    byte[] hmac(byte[] key, byte[] data) {
        return hkdf.hmac(key, data);
    }

    /**
     * Hash(data). The digest is not kept: this runs once or twice per connection (Hash("") and each
     * exporter's context), and a kept digest cost every idle connection about 230 bytes.
     */
    byte[] digest(byte[] data) {
        MessageDigest digest = provider.digest(hash);
        return digest.digest(data);
    }

    private byte[] emptyHash() {
        return EMPTY_HASHES[hash.ordinal()];
    }

    private static byte[][] emptyHashes() {
        HashAlgorithm[] all = HashAlgorithm.values();
        byte[][] hashes = new byte[all.length][];
        for (HashAlgorithm h : all) {
            try {
                hashes[h.ordinal()] = MessageDigest.getInstance(h.jcaName()).digest();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("no JCA provider offers " + h.jcaName(), e);
            }
        }
        return hashes;
    }
}
