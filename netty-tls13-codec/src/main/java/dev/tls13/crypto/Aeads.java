package dev.tls13.crypto;

/** Creates the AEAD implementation for each algorithm (JCA for GCM and ChaCha20, BouncyCastle for CCM). */
final class Aeads {
    private Aeads() {
    }

    static Aead create(AeadAlgorithm algorithm, byte[] key) {
        throw new UnsupportedOperationException("not yet: " + algorithm);
    }
}
