package dev.tls13.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Creates ephemeral (EC)DHE key pairs (RFC 8446 §4.2.8), choosing per algorithm by speed and by
 * side-channel safety:
 * <ul>
 *   <li>{@code X25519}, {@code X448}: BouncyCastle's RFC 7748 code ({@code org.bouncycastle.math.ec.rfc7748}):
 *       fixed-size limb arithmetic and a Montgomery ladder that uses masked conditional swaps and moves
 *       ({@code cswap}/{@code cmov}) instead of branches on private-key bits, i.e. designed to be
 *       constant-time. Private keys are plain arrays, zeroed by {@code destroy()}. On JDK 17
 *       (shared/NOTES.md) its key generation is ~3x faster than the JCA's XDH and its agreement ~10%
 *       faster. All-zero shared secrets are rejected (RFC 8446 §7.4.2).</li>
 *   <li>{@code SECP256R1}, the NIST curve peers offer most: our own {@link P256} arithmetic, written to
 *       run in constant time (Montgomery field arithmetic without secret-dependent branches, masked table
 *       reads, Jacobian coordinates with the classic incomplete addition formula: the identity on either
 *       side is selected by mask, and its one exceptional input, a point added to itself, the window
 *       structure rules out, as argued at {@code P256#multiply}), 3-4x faster than SunEC on JDK 17 with a
 *       few KB instead of 70 KB of garbage per key pair and agreement, and as fast as SunEC on JDK 25
 *       ({@link P256KeyExchange}).</li>
 *   <li>{@code SECP384R1}, {@code SECP521R1}: the JCA's ECDH ({@code SunEC} on a stock JDK), the
 *       conservative choice. SunEC runs these curves on the Java code of JDK-8208698, whose design goal
 *       was not to branch on secrets (complete formulas, fixed-limb field arithmetic), but SunEC documents
 *       no side-channel guarantee. BouncyCastle's lightweight ECDH would be ~3x faster on JDK 17
 *       (NOTES.md), but we have not established that its Weierstrass arithmetic is constant-time. The
 *       peer's point is fully validated before use (RFC 8446 §4.2.8.2, {@link EcCurve}). SunEC private
 *       keys cannot be destroyed; {@code destroy()} drops the reference.</li>
 *   <li>The hybrids {@code X25519MLKEM768}, {@code SECP256R1MLKEM768}, {@code SECP384R1MLKEM1024}
 *       ({@link HybridKeyExchange}): our ML-KEM ({@link MlKem}) with the ECDH parts above.</li>
 * </ul>
 *
 * <p>Every group is used as a KEM (docs/architecture.md §8): the client generates a key pair,
 * {@link #encapsulate} is the server's side. For the (EC)DH groups encapsulation is a fresh key pair and its
 * agreement with the client's share, exactly what a server did before the hybrids came: those keep their
 * fast paths.
 */
final class KeyExchanges {
    private KeyExchanges() {
    }

    /**
     * @param algorithm the group's algorithm
     * @param random the source of the private key
     * @return a fresh key pair
     */
    static KeyExchange generate(KeyExchangeAlgorithm algorithm, SecureRandom random) {
        switch (algorithm) {
            case X25519MLKEM768:
            case SECP256R1MLKEM768:
            case SECP384R1MLKEM1024:
                return HybridKeyExchange.generate(algorithm,
                        generate(HybridKeyExchange.Layout.of(algorithm).ecdh(), random), random);
            case X25519:
            case X448:
                return XdhKeyExchange.generate(algorithm, random);
            case SECP256R1:
                return P256KeyExchange.generate(random);
            case SECP384R1:
            case SECP521R1:
                return EcdhKeyExchange.generate(algorithm, random);
            default:
                throw new IllegalArgumentException("unsupported key exchange " + algorithm);
        }
    }

    /**
     * The key pair of a fixed private key, for the deterministic test provider (RFC 8448 replays).
     *
     * @param algorithm the group's algorithm
     * @param privateKey the RFC 7748 scalar bytes for X25519/X448, the big-endian scalar for the
     *        NIST curves, or for a hybrid the 64-byte ML-KEM seed d || z followed by its ECDH part's private
     *        key; copied
     * @return the key pair
     * @throws IllegalArgumentException if the key has the wrong length or is out of range
     */
    static KeyExchange fromPrivateKey(KeyExchangeAlgorithm algorithm, byte[] privateKey) {
        switch (algorithm) {
            case X25519MLKEM768:
            case SECP256R1MLKEM768:
            case SECP384R1MLKEM1024: {
                if (privateKey.length <= MlKem.SEED_LENGTH) {
                    throw new IllegalArgumentException(algorithm + " private key must be the ML-KEM seed and an"
                            + " ECDH private key");
                }
                byte[] seed = Arrays.copyOf(privateKey, MlKem.SEED_LENGTH);
                byte[] ecdh = Arrays.copyOfRange(privateKey, MlKem.SEED_LENGTH, privateKey.length);
                try {
                    return HybridKeyExchange.fromSeed(algorithm, seed,
                            fromPrivateKey(HybridKeyExchange.Layout.of(algorithm).ecdh(), ecdh));
                } finally {
                    Arrays.fill(seed, (byte) 0);
                    Arrays.fill(ecdh, (byte) 0);
                }
            }
            case X25519:
            case X448:
                return XdhKeyExchange.fromPrivateKey(algorithm, privateKey);
            case SECP256R1:
                return P256KeyExchange.fromPrivateKey(privateKey);
            case SECP384R1:
            case SECP521R1:
                return EcdhKeyExchange.fromPrivateKey(algorithm, privateKey);
            default:
                throw new IllegalArgumentException("unsupported key exchange " + algorithm);
        }
    }

    /**
     * The server's side of a key exchange (RFC 8446 §4.2.8): for the (EC)DH groups a fresh key pair from
     * {@code ephemeral} and its agreement with the client's share; for a hybrid, ML-KEM.Encaps and that
     * agreement for the ECDH part ({@link HybridKeyExchange#encapsulate}).
     *
     * @param algorithm the group's algorithm
     * @param clientShare the client's key_exchange bytes
     * @param ephemeral makes a fresh (EC)DH key pair of an algorithm; destroyed here
     * @param random the source of the ML-KEM message (hybrids only)
     * @return the server's share and the shared secret, owned by the caller
     * @throws InvalidKeyShareException if the client's share is invalid or yields an all-zero secret
     */
    static Encapsulation encapsulate(KeyExchangeAlgorithm algorithm, byte[] clientShare,
                                     Function<KeyExchangeAlgorithm, KeyExchange> ephemeral, SecureRandom random)
            throws InvalidKeyShareException {
        if (algorithm.isHybrid()) {
            return HybridKeyExchange.encapsulate(algorithm, clientShare, ephemeral, random);
        }
        KeyExchange ours = ephemeral.apply(algorithm);
        try {
            byte[] share = ours.publicKey();
            // (EC)DH as a KEM: the agreement is symmetric, so "decapsulating" the client's share with our fresh
            // key pair gives the secret the client computes from our share.
            return new Encapsulation(share, ours.decapsulate(clientShare));
        } finally {
            ours.destroy();
        }
    }
}
