package dev.tls13.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.ECPoint;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;

/**
 * Signing and verification for each {@link SignatureAlgorithm} through the JCA (Java 17's SunEC and
 * SunRsaSign):
 * <ul>
 *   <li>ECDSA P-256/384/521 with SHA-256/384/512, DER-encoded signatures as TLS carries them; the
 *       key's curve must be the scheme's (RFC 8446 §4.2.3). SunEC signs on P-384 and P-521 with the same
 *       JDK-8208698 arithmetic as its ECDH (written not to branch on secrets, no documented
 *       guarantee).</li>
 *   <li>RSASSA-PSS with MGF1 over the same hash and a salt as long as the hash (RFC 8446 §4.2.3):
 *       {@code rsa_pss_rsae_*} on rsaEncryption keys (JCA algorithm "RSA"), {@code rsa_pss_pss_*} on
 *       RSASSA-PSS keys (JCA algorithm "RSASSA-PSS"). SunRsaSign blinds private-key operations.</li>
 *   <li>RSASSA-PKCS1-v1_5: verification only, for certificate signatures; TLS 1.3 never signs a
 *       CertificateVerify with it (RFC 8446 §4.2.3).</li>
 *   <li>Ed25519 and Ed448 (RFC 8032) with SunEC's EdDSA (JEP 339), whose stated goal is timing
 *       independent of secrets. Signatures must be exactly 64/114 bytes: Java 17's SunEC would
 *       accept trailing bytes.</li>
 * </ul>
 * ECDSA P-256, the most common CertificateVerify scheme, runs on our own code instead: verification on
 * {@link P256Verifier} (public inputs only), signing on {@link P256} (constant-time, for keys whose scalar
 * the key object gives out; others, such as hardware keys, stay on the JCA). ECDSA P-384 and P-521 signatures
 * are verified by BouncyCastle's lightweight {@code ECDSASigner} after a strict DER decoding here, not by
 * SunEC: Wycheproof showed JDK 17's SunEC accepting an s encoded without its leading zero byte and rejecting
 * valid signatures whose x(R) is at least n (x mod n = r). A {@link Signature} is created per call (it is
 * stateful and not thread-safe); the PSS parameters are shared immutable constants.
 */
final class Signatures {

    private static final PSSParameterSpec PSS_SHA256 =
            new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, PSSParameterSpec.TRAILER_FIELD_BC);
    private static final PSSParameterSpec PSS_SHA384 =
            new PSSParameterSpec("SHA-384", "MGF1", MGF1ParameterSpec.SHA384, 48, PSSParameterSpec.TRAILER_FIELD_BC);
    private static final PSSParameterSpec PSS_SHA512 =
            new PSSParameterSpec("SHA-512", "MGF1", MGF1ParameterSpec.SHA512, 64, PSSParameterSpec.TRAILER_FIELD_BC);

    /** The key each family accepts. */
    private enum Family {
        RSA_PKCS1, ECDSA, RSA_PSS_RSAE, RSA_PSS_PSS, EDDSA
    }

    /** How one algorithm maps onto the JCA. */
    private static final class Spec {
        final Family family;
        final String jcaName;
        final PSSParameterSpec pss;
        final EcCurve curve;
        final String edCurve;
        final int signatureLength;
        /** For ECDSA on P-384 and P-521: the curve for BouncyCastle's verifier, and the hash's JCA name. */
        final ECDomainParameters ecDomain;
        final String ecHash;

        Spec(Family family, String jcaName, PSSParameterSpec pss, EcCurve curve, String edCurve,
                int signatureLength) {
            this.family = family;
            this.jcaName = jcaName;
            this.pss = pss;
            this.curve = curve;
            this.edCurve = edCurve;
            this.signatureLength = signatureLength;
            boolean bouncyCastleEcdsa = curve == EcCurve.SECP384R1 || curve == EcCurve.SECP521R1;
            this.ecDomain = bouncyCastleEcdsa ? new ECDomainParameters(CustomNamedCurves.getByName(curve.jcaName()))
                    : null;
            this.ecHash = curve == EcCurve.SECP384R1 ? "SHA-384" : curve == EcCurve.SECP521R1 ? "SHA-512" : null;
        }
    }

    private static final Map<SignatureAlgorithm, Spec> SPECS = new EnumMap<>(SignatureAlgorithm.class);

    static {
        for (SignatureAlgorithm algorithm : SignatureAlgorithm.values()) {
            SPECS.put(algorithm, newSpec(algorithm));
        }
    }

    private Signatures() {
    }

    private static Spec spec(SignatureAlgorithm algorithm) {
        Spec spec = SPECS.get(algorithm);
        if (spec == null) {
            throw new IllegalArgumentException("unsupported signature algorithm " + algorithm);
        }
        return spec;
    }

    private static Spec newSpec(SignatureAlgorithm algorithm) {
        switch (algorithm) {
            case RSA_PKCS1_SHA256:
                return new Spec(Family.RSA_PKCS1, "SHA256withRSA", null, null, null, 0);
            case RSA_PKCS1_SHA384:
                return new Spec(Family.RSA_PKCS1, "SHA384withRSA", null, null, null, 0);
            case RSA_PKCS1_SHA512:
                return new Spec(Family.RSA_PKCS1, "SHA512withRSA", null, null, null, 0);
            case ECDSA_SECP256R1_SHA256:
                return new Spec(Family.ECDSA, "SHA256withECDSA", null, EcCurve.SECP256R1, null, 0);
            case ECDSA_SECP384R1_SHA384:
                return new Spec(Family.ECDSA, "SHA384withECDSA", null, EcCurve.SECP384R1, null, 0);
            case ECDSA_SECP521R1_SHA512:
                return new Spec(Family.ECDSA, "SHA512withECDSA", null, EcCurve.SECP521R1, null, 0);
            case RSA_PSS_RSAE_SHA256:
                return new Spec(Family.RSA_PSS_RSAE, "RSASSA-PSS", PSS_SHA256, null, null, 0);
            case RSA_PSS_RSAE_SHA384:
                return new Spec(Family.RSA_PSS_RSAE, "RSASSA-PSS", PSS_SHA384, null, null, 0);
            case RSA_PSS_RSAE_SHA512:
                return new Spec(Family.RSA_PSS_RSAE, "RSASSA-PSS", PSS_SHA512, null, null, 0);
            case RSA_PSS_PSS_SHA256:
                return new Spec(Family.RSA_PSS_PSS, "RSASSA-PSS", PSS_SHA256, null, null, 0);
            case RSA_PSS_PSS_SHA384:
                return new Spec(Family.RSA_PSS_PSS, "RSASSA-PSS", PSS_SHA384, null, null, 0);
            case RSA_PSS_PSS_SHA512:
                return new Spec(Family.RSA_PSS_PSS, "RSASSA-PSS", PSS_SHA512, null, null, 0);
            case ED25519:
                return new Spec(Family.EDDSA, "Ed25519", null, null, "Ed25519", 64);
            case ED448:
                return new Spec(Family.EDDSA, "Ed448", null, null, "Ed448", 114);
            default:
                throw new IllegalArgumentException("unsupported signature algorithm " + algorithm);
        }
    }

    /**
     * Signs {@code message}.
     *
     * @param algorithm the scheme's algorithm; not an {@code RSA_PKCS1_*} one
     * @param key the private key, of the type and curve the algorithm needs
     * @param message the content to sign
     * @param random the randomness for ECDSA nonces and PSS salts
     * @return the signature (DER for ECDSA)
     * @throws IllegalArgumentException for RSASSA-PKCS1-v1_5, which TLS 1.3 never signs with
     * @throws InvalidKeyException if the key does not fit the algorithm
     * @throws GeneralSecurityException if the provider fails
     */
    static byte[] sign(SignatureAlgorithm algorithm, PrivateKey key, byte[] message, SecureRandom random)
            throws GeneralSecurityException {
        Spec spec = spec(algorithm);
        if (spec.family == Family.RSA_PKCS1) {
            // RFC 8446 §4.2.3: RSASSA-PKCS1-v1_5 only appears in certificate signatures.
            throw new IllegalArgumentException("TLS 1.3 never signs with " + algorithm);
        }
        checkKey(algorithm, spec, key);
        if (algorithm == SignatureAlgorithm.ECDSA_SECP256R1_SHA256) {
            byte[] d = P256.privateScalar(key);
            if (d != null) {
                try {
                    return P256.sign(d, MessageDigest.getInstance("SHA-256").digest(message), random);
                } finally {
                    Arrays.fill(d, (byte) 0);
                }
            }
        }
        return jcaSign(spec, key, message, random);
    }

    /** Signs through the JCA's {@link Signature} by the scheme's name, with its PSS parameters where it has them. */
    private static byte[] jcaSign(Spec spec, PrivateKey key, byte[] message, SecureRandom random)
            throws GeneralSecurityException {
        Signature signature = Signature.getInstance(spec.jcaName);
        signature.initSign(key, random);
        if (spec.pss != null) {
            signature.setParameter(spec.pss);
        }
        signature.update(message);
        return signature.sign();
    }

    /**
     * Verifies {@code signature} over {@code message}.
     *
     * @param algorithm the scheme's algorithm
     * @param key the public key
     * @param message the signed content
     * @param signature the peer's signature
     * @return whether it verifies; a malformed signature is {@code false}
     * @throws InvalidKeyException if the key does not fit the algorithm
     * @throws GeneralSecurityException if the provider cannot be set up
     */
    static boolean verify(SignatureAlgorithm algorithm, PublicKey key, byte[] message, byte[] signature)
            throws GeneralSecurityException {
        Spec spec = spec(algorithm);
        checkKey(algorithm, spec, key);
        if (spec.signatureLength > 0 && signature.length != spec.signatureLength) {
            // RFC 8032 §5.1.7/§5.2.7: an EdDSA signature is exactly 64/114 bytes. Java 17's SunEC
            // ignores bytes after them, which would make signatures malleable.
            return false;
        }
        if (algorithm == SignatureAlgorithm.ECDSA_SECP256R1_SHA256 && key instanceof ECPublicKey) {
            // Public inputs only, six times faster than SunEC on Java 17 with a tenth of its garbage
            // (see P256Verifier).
            return P256Verifier.verify((ECPublicKey) key, message, signature, MessageDigest.getInstance("SHA-256"));
        }
        if (spec.ecDomain != null && key instanceof ECPublicKey) {
            return verifyEcdsa(spec, (ECPublicKey) key, message, signature);
        }
        Signature verifier = Signature.getInstance(spec.jcaName);
        verifier.initVerify(key);
        if (spec.pss != null) {
            verifier.setParameter(spec.pss);
        }
        verifier.update(message);
        try {
            return verifier.verify(signature);
        } catch (SignatureException | ProviderException e) {
            // The signature is peer input: bad DER, wrong length or a value >= the modulus is
            // simply a signature that does not verify.
            return false;
        }
    }

    /**
     * Signs {@code message} with the JCA's {@link Signature} by name for every algorithm, ECDSA P-256 included:
     * the signing path of {@link JcaOnlyCryptoProvider}, where the first installed provider that has the
     * algorithm signs.
     *
     * @param algorithm the scheme's algorithm; not an {@code RSA_PKCS1_*} one
     * @param key the private key, of the type and curve the algorithm needs
     * @param message the content to sign
     * @param random the randomness for ECDSA nonces and PSS salts
     * @return the signature (DER for ECDSA)
     * @throws GeneralSecurityException if the key does not fit the algorithm or the provider fails
     */
    static byte[] signWithJca(SignatureAlgorithm algorithm, PrivateKey key, byte[] message, SecureRandom random)
            throws GeneralSecurityException {
        Spec spec = spec(algorithm);
        if (spec.family == Family.RSA_PKCS1) {
            throw new IllegalArgumentException("TLS 1.3 never signs with " + algorithm);
        }
        checkKey(algorithm, spec, key);
        return jcaSign(spec, key, message, random);
    }

    /**
     * Verifies {@code signature} with the JCA's {@link Signature} by name for every algorithm: the verification
     * path of {@link JcaOnlyCryptoProvider}. The checks that are ours stay: the key fits the scheme, EdDSA
     * signatures have their exact length, and an ECDSA signature is strict DER with r and s in [1, n - 1]
     * ({@link #decodeEcdsaSignature}) before the provider sees it, so a lax provider's BER is never accepted.
     *
     * @param algorithm the scheme's algorithm
     * @param key the public key
     * @param message the signed content
     * @param signature the peer's signature
     * @return whether it verifies; a malformed signature is {@code false}
     * @throws GeneralSecurityException if the key does not fit the algorithm or the provider cannot be set up
     */
    static boolean verifyWithJca(SignatureAlgorithm algorithm, PublicKey key, byte[] message, byte[] signature)
            throws GeneralSecurityException {
        Spec spec = spec(algorithm);
        checkKey(algorithm, spec, key);
        if (spec.signatureLength > 0 && signature.length != spec.signatureLength) {
            return false;
        }
        if (spec.family == Family.ECDSA
                && decodeEcdsaSignature(signature, ((ECKey) key).getParams().getOrder()) == null) {
            return false;
        }
        Signature verifier = Signature.getInstance(spec.jcaName);
        verifier.initVerify(key);
        if (spec.pss != null) {
            verifier.setParameter(spec.pss);
        }
        verifier.update(message);
        try {
            return verifier.verify(signature);
        } catch (SignatureException | ProviderException e) {
            return false;
        }
    }

    /**
     * ECDSA verification on P-384 or P-521 (FIPS 186-5 §6.4.2) with BouncyCastle's {@link ECDSASigner}, which
     * compares x(R) mod n with r; public inputs only. The public key is validated as a point of the curve
     * ({@link ECPublicKeyParameters} does: on the curve, not the identity; cofactor 1).
     *
     * @return whether the signature verifies; a malformed signature or an invalid key is false
     */
    private static boolean verifyEcdsa(Spec spec, ECPublicKey key, byte[] message, byte[] signature)
            throws GeneralSecurityException {
        BigInteger[] rs = decodeEcdsaSignature(signature, spec.ecDomain.getN());
        if (rs == null) {
            return false;
        }
        ECPoint w = key.getW();
        if (w == ECPoint.POINT_INFINITY) {
            return false;
        }
        ECPublicKeyParameters publicKey;
        try {
            publicKey = new ECPublicKeyParameters(
                    spec.ecDomain.getCurve().createPoint(w.getAffineX(), w.getAffineY()), spec.ecDomain);
        } catch (IllegalArgumentException e) {
            // A coordinate outside the field, or a point off the curve.
            return false;
        }
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, publicKey);
        // The hash is never longer than n here (SHA-384 on P-384, SHA-512 on P-521): e is the whole digest.
        return verifier.verifySignature(MessageDigest.getInstance(spec.ecHash).digest(message), rs[0], rs[1]);
    }

    /**
     * Decodes {@code ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }} (RFC 3279 §2.2.3) strictly as DER:
     * definite lengths in their shortest form (X.690 §10.1; a P-521 signature may need the one-byte long form
     * 0x81, nothing longer), integers minimal and positive (X.690 §8.3.2), nothing after s; and r, s in
     * [1, n - 1] (FIPS 186-5 §6.4.2 step 1).
     *
     * @param der the signature as TLS carries it (RFC 8446 §4.2.3)
     * @param n the group order
     * @return {r, s}, or null if it is not such a signature
     */
    static BigInteger[] decodeEcdsaSignature(byte[] der, BigInteger n) {
        if (der.length < 2 || der[0] != 0x30) {
            return null;
        }
        int length = der[1] & 0xff;
        int pos = 2;
        if (length == 0x81) {
            if (der.length < 3 || (der[2] & 0xff) < 0x80) {
                return null;
            }
            length = der[2] & 0xff;
            pos = 3;
        } else if (length >= 0x80) {
            return null;
        }
        if (pos + length != der.length) {
            return null;
        }
        int rEnd = integerEnd(der, pos);
        int sEnd = rEnd < 0 ? -1 : integerEnd(der, rEnd);
        if (sEnd != der.length) {
            return null;
        }
        BigInteger r = new BigInteger(1, der, pos + 2, rEnd - pos - 2);
        BigInteger s = new BigInteger(1, der, rEnd + 2, sEnd - rEnd - 2);
        if (r.signum() <= 0 || r.compareTo(n) >= 0 || s.signum() <= 0 || s.compareTo(n) >= 0) {
            return null;
        }
        return new BigInteger[] {r, s};
    }

    /** The end of the minimal non-negative DER INTEGER with a short-form length at {@code offset}, or -1. */
    private static int integerEnd(byte[] der, int offset) {
        if (offset + 2 > der.length || der[offset] != 0x02) {
            return -1;
        }
        int length = der[offset + 1] & 0xff;
        int start = offset + 2;
        if (length == 0 || length >= 0x80 || start + length > der.length) {
            return -1;
        }
        if ((der[start] & 0x80) != 0 || (length > 1 && der[start] == 0 && (der[start + 1] & 0x80) == 0)) {
            return -1;
        }
        return start + length;
    }

    private static void checkKey(SignatureAlgorithm algorithm, Spec spec, Key key) throws InvalidKeyException {
        boolean fits;
        switch (spec.family) {
            case RSA_PKCS1:
            case RSA_PSS_RSAE:
                fits = key instanceof RSAKey && "RSA".equalsIgnoreCase(key.getAlgorithm());
                break;
            case RSA_PSS_PSS:
                fits = key instanceof RSAKey && "RSASSA-PSS".equalsIgnoreCase(key.getAlgorithm());
                break;
            case ECDSA:
                fits = key instanceof ECKey && spec.curve.matches(((ECKey) key).getParams());
                break;
            case EDDSA:
                fits = key instanceof EdECKey
                        ? spec.edCurve.equalsIgnoreCase(((EdECKey) key).getParams().getName())
                        : spec.edCurve.equalsIgnoreCase(key.getAlgorithm());
                break;
            default:
                fits = false;
        }
        if (!fits) {
            String type = key == null ? "no" : key.getAlgorithm();
            throw new InvalidKeyException(type + " key does not fit " + algorithm);
        }
    }
}
