package dev.tls13.crypto;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;

/** Signing and verification for each signature algorithm. */
final class Signatures {
    private Signatures() {
    }

    static byte[] sign(SignatureAlgorithm algorithm, PrivateKey key, byte[] message, SecureRandom random)
            throws GeneralSecurityException {
        throw new UnsupportedOperationException("not yet: " + algorithm);
    }

    static boolean verify(SignatureAlgorithm algorithm, PublicKey key, byte[] message, byte[] signature)
            throws GeneralSecurityException {
        throw new UnsupportedOperationException("not yet: " + algorithm);
    }
}
