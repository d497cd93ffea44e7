package dev.tls13.handshake;

import dev.tls13.wire.SignatureScheme;
import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.util.List;
import java.util.Objects;

/**
 * A certificate chain and the private key of its leaf: what a server (or a client answering a
 * CertificateRequest) sends in Certificate and signs CertificateVerify with (RFC 8446 §4.4.2, §4.4.3).
 *
 * @param chain the chain, leaf first, each certificate certifying the one before it (RFC 8446 §4.4.2)
 * @param key the leaf's private key
 */
public record CertifiedKey(List<X509Certificate> chain, PrivateKey key) {

    /**
     * Checks the configuration: a non-empty chain and a key that TLS 1.3 can sign with and that is of
     * the same type (same curve, same RSA modulus) as the leaf's public key.
     *
     * @param chain the chain, leaf first; copied
     * @param key the leaf's private key
     * @throws IllegalArgumentException if the chain is empty, the key is of a type TLS 1.3 cannot
     *         use, or it does not belong to the leaf certificate
     */
    public CertifiedKey {
        Objects.requireNonNull(key, "key");
        chain = List.copyOf(Objects.requireNonNull(chain, "chain"));
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("the certificate chain is empty");
        }
        List<SignatureScheme> keySchemes = SignatureSchemes.forKey(key);
        if (keySchemes.isEmpty()) {
            throw new IllegalArgumentException("a " + key.getAlgorithm() + " private key cannot sign in TLS 1.3"
                    + " (usable: RSA, RSASSA-PSS, EC P-256/P-384/P-521, Ed25519, Ed448)");
        }
        PublicKey leafKey = chain.get(0).getPublicKey();
        boolean sameType = SignatureSchemes.forKey(leafKey).stream().anyMatch(keySchemes::contains);
        if (!sameType || !sameRsaModulus(key, leafKey)) {
            throw new IllegalArgumentException("the private key (" + key.getAlgorithm()
                    + ") does not belong to the leaf certificate " + chain.get(0).getSubjectX500Principal()
                    + " (" + leafKey.getAlgorithm() + ")");
        }
    }

    /**
     * Convenience constructor.
     *
     * @param key the leaf's private key
     * @param chain the chain, leaf first
     * @return the certified key
     * @throws IllegalArgumentException as the canonical constructor
     */
    public static CertifiedKey of(PrivateKey key, X509Certificate... chain) {
        return new CertifiedKey(List.of(chain), key);
    }

    /**
     * The end-entity certificate.
     *
     * @return the first certificate of the chain
     */
    public X509Certificate leaf() {
        return chain.get(0);
    }

    /**
     * The CertificateVerify schemes this key can sign with, in our preference order.
     *
     * @return the schemes, never empty
     */
    public List<SignatureScheme> schemes() {
        return SignatureSchemes.forKey(key);
    }

    /** Never prints key material. */
    @Override
    public String toString() {
        return "CertifiedKey[leaf=" + leaf().getSubjectX500Principal() + ", chain=" + chain.size()
                + ", key=" + key.getAlgorithm() + "]";
    }

    private static boolean sameRsaModulus(PrivateKey key, PublicKey leafKey) {
        if (key instanceof RSAKey && leafKey instanceof RSAKey) {
            BigInteger a = ((RSAKey) key).getModulus();
            BigInteger b = ((RSAKey) leafKey).getModulus();
            return a == null || a.equals(b);
        }
        return true;
    }
}
