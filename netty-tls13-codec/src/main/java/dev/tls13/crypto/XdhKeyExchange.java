package dev.tls13.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.math.ec.rfc7748.X448;

/**
 * X25519 or X448 (RFC 7748) with BouncyCastle's {@code org.bouncycastle.math.ec.rfc7748} code: a
 * Montgomery ladder over fixed-size limb arithmetic that swaps with masks ({@code cswap}) instead of
 * branching on key bits, so it is designed to run in constant time. The private key is a plain
 * array, zeroed by {@link #destroy()}.
 */
final class XdhKeyExchange implements KeyExchange {

    private final KeyExchangeAlgorithm algorithm;
    private final byte[] privateKey;
    private final byte[] publicKey;
    private boolean destroyed;

    private XdhKeyExchange(KeyExchangeAlgorithm algorithm, byte[] privateKey) {
        this.algorithm = algorithm;
        this.privateKey = privateKey;
        this.publicKey = new byte[algorithm.clientShareLength()];
        if (algorithm == KeyExchangeAlgorithm.X25519) {
            X25519.generatePublicKey(privateKey, 0, publicKey, 0);
        } else {
            X448.generatePublicKey(privateKey, 0, publicKey, 0);
        }
    }

    /** @return a new key pair with a private key drawn from {@code random} */
    static XdhKeyExchange generate(KeyExchangeAlgorithm algorithm, SecureRandom random) {
        byte[] k = new byte[scalarLength(algorithm)];
        if (algorithm == KeyExchangeAlgorithm.X25519) {
            X25519.generatePrivateKey(random, k);
        } else {
            X448.generatePrivateKey(random, k);
        }
        return new XdhKeyExchange(algorithm, k);
    }

    /**
     * @param algorithm X25519 or X448
     * @param privateKey the RFC 7748 scalar bytes (32 or 56); copied, clamped when used
     * @return the key pair of that private key
     */
    static XdhKeyExchange fromPrivateKey(KeyExchangeAlgorithm algorithm, byte[] privateKey) {
        if (privateKey.length != scalarLength(algorithm)) {
            throw new IllegalArgumentException(algorithm + " private key must be " + scalarLength(algorithm)
                    + " bytes, got " + privateKey.length);
        }
        return new XdhKeyExchange(algorithm, privateKey.clone());
    }

    private static int scalarLength(KeyExchangeAlgorithm algorithm) {
        switch (algorithm) {
            case X25519:
                return X25519.SCALAR_SIZE;
            case X448:
                return X448.SCALAR_SIZE;
            default:
                throw new IllegalArgumentException("not an XDH algorithm: " + algorithm);
        }
    }

    @Override
    public KeyExchangeAlgorithm algorithm() {
        return algorithm;
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public byte[] decapsulate(byte[] peerPublicKey) throws InvalidKeyShareException {
        if (destroyed) {
            throw new IllegalStateException("key exchange destroyed");
        }
        // RFC 8446 §4.2.8.2: the share is exactly the RFC 7748 u-coordinate, 32 or 56 bytes.
        if (peerPublicKey.length != algorithm.clientShareLength()) {
            throw new InvalidKeyShareException(InvalidKeyShareException.Kind.INVALID_PUBLIC_VALUE,
                    algorithm + " share length " + peerPublicKey.length + ", expected "
                            + algorithm.clientShareLength());
        }
        byte[] shared = new byte[algorithm.sharedSecretLength()];
        boolean nonZero = algorithm == KeyExchangeAlgorithm.X25519
                ? X25519.calculateAgreement(privateKey, 0, peerPublicKey, 0, shared, 0)
                : X448.calculateAgreement(privateKey, 0, peerPublicKey, 0, shared, 0);
        if (!nonZero) {
            // RFC 8446 §7.4.2: a small-order peer point gives all zeros; MUST abort.
            throw new InvalidKeyShareException(InvalidKeyShareException.Kind.ZERO_SHARED_SECRET,
                    algorithm + " shared secret is all zeros");
        }
        return shared;
    }

    @Override
    public void destroy() {
        Arrays.fill(privateKey, (byte) 0);
        destroyed = true;
    }
}
