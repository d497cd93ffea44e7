package dev.tls13.handshake;

import dev.tls13.crypto.SignatureAlgorithm;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.wire.SignatureScheme;
import java.io.IOException;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What TLS 1.3 allows for each signature scheme (RFC 8446 §4.2.3) and which schemes a key can use.
 *
 * <p>Two lists are negotiated: {@code signature_algorithms} governs CertificateVerify, and
 * {@code signature_algorithms_cert} (or, when absent, {@code signature_algorithms}) governs the
 * signatures inside certificate chains. RSASSA-PKCS1-v1_5 and SHA-1 schemes may appear only for
 * chains: RFC 8446 §4.2.3 forbids them in CertificateVerify.
 */
public final class SignatureSchemes {

    /**
     * The schemes we offer in {@code signature_algorithms} and accept in CertificateVerify, in
     * preference order: ECDSA first (small and fast), then EdDSA, then RSA-PSS.
     */
    public static final List<SignatureScheme> DEFAULT = List.of(
            SignatureScheme.ECDSA_SECP256R1_SHA256,
            SignatureScheme.ECDSA_SECP384R1_SHA384,
            SignatureScheme.ECDSA_SECP521R1_SHA512,
            SignatureScheme.ED25519,
            SignatureScheme.ED448,
            SignatureScheme.RSA_PSS_RSAE_SHA256,
            SignatureScheme.RSA_PSS_RSAE_SHA384,
            SignatureScheme.RSA_PSS_RSAE_SHA512,
            SignatureScheme.RSA_PSS_PSS_SHA256,
            SignatureScheme.RSA_PSS_PSS_SHA384,
            SignatureScheme.RSA_PSS_PSS_SHA512);

    /**
     * The schemes we accept in certificate chains ({@code signature_algorithms_cert}): {@link #DEFAULT}
     * plus RSASSA-PKCS1-v1_5 with SHA-2, which most CAs still use (RFC 8446 §4.2.3). No SHA-1.
     */
    public static final List<SignatureScheme> DEFAULT_CERT = concat(DEFAULT, List.of(
            SignatureScheme.RSA_PKCS1_SHA256,
            SignatureScheme.RSA_PKCS1_SHA384,
            SignatureScheme.RSA_PKCS1_SHA512));

    private static final List<SignatureScheme> KNOWN = concat(DEFAULT_CERT, List.of(
            SignatureScheme.RSA_PKCS1_SHA1,
            SignatureScheme.ECDSA_SHA1));

    private static final ECParameterSpec P256 = namedCurve("secp256r1");
    private static final ECParameterSpec P384 = namedCurve("secp384r1");
    private static final ECParameterSpec P521 = namedCurve("secp521r1");

    private SignatureSchemes() {
    }

    /**
     * The algorithm that implements a scheme.
     *
     * @param scheme a scheme, known or not
     * @return its algorithm, or {@code null} for SHA-1 schemes, legacy and unknown codes
     */
    public static SignatureAlgorithm algorithm(SignatureScheme scheme) {
        switch (scheme.code()) {
            case 0x0401:
                return SignatureAlgorithm.RSA_PKCS1_SHA256;
            case 0x0501:
                return SignatureAlgorithm.RSA_PKCS1_SHA384;
            case 0x0601:
                return SignatureAlgorithm.RSA_PKCS1_SHA512;
            case 0x0403:
                return SignatureAlgorithm.ECDSA_SECP256R1_SHA256;
            case 0x0503:
                return SignatureAlgorithm.ECDSA_SECP384R1_SHA384;
            case 0x0603:
                return SignatureAlgorithm.ECDSA_SECP521R1_SHA512;
            case 0x0804:
                return SignatureAlgorithm.RSA_PSS_RSAE_SHA256;
            case 0x0805:
                return SignatureAlgorithm.RSA_PSS_RSAE_SHA384;
            case 0x0806:
                return SignatureAlgorithm.RSA_PSS_RSAE_SHA512;
            case 0x0807:
                return SignatureAlgorithm.ED25519;
            case 0x0808:
                return SignatureAlgorithm.ED448;
            case 0x0809:
                return SignatureAlgorithm.RSA_PSS_PSS_SHA256;
            case 0x080A:
                return SignatureAlgorithm.RSA_PSS_PSS_SHA384;
            case 0x080B:
                return SignatureAlgorithm.RSA_PSS_PSS_SHA512;
            default:
                return null;
        }
    }

    /**
     * The scheme whose wire code names an algorithm.
     *
     * @param algorithm the algorithm
     * @return its scheme
     */
    public static SignatureScheme scheme(SignatureAlgorithm algorithm) {
        return switch (algorithm) {
            case RSA_PKCS1_SHA256 -> SignatureScheme.RSA_PKCS1_SHA256;
            case RSA_PKCS1_SHA384 -> SignatureScheme.RSA_PKCS1_SHA384;
            case RSA_PKCS1_SHA512 -> SignatureScheme.RSA_PKCS1_SHA512;
            case ECDSA_SECP256R1_SHA256 -> SignatureScheme.ECDSA_SECP256R1_SHA256;
            case ECDSA_SECP384R1_SHA384 -> SignatureScheme.ECDSA_SECP384R1_SHA384;
            case ECDSA_SECP521R1_SHA512 -> SignatureScheme.ECDSA_SECP521R1_SHA512;
            case RSA_PSS_RSAE_SHA256 -> SignatureScheme.RSA_PSS_RSAE_SHA256;
            case RSA_PSS_RSAE_SHA384 -> SignatureScheme.RSA_PSS_RSAE_SHA384;
            case RSA_PSS_RSAE_SHA512 -> SignatureScheme.RSA_PSS_RSAE_SHA512;
            case RSA_PSS_PSS_SHA256 -> SignatureScheme.RSA_PSS_PSS_SHA256;
            case RSA_PSS_PSS_SHA384 -> SignatureScheme.RSA_PSS_PSS_SHA384;
            case RSA_PSS_PSS_SHA512 -> SignatureScheme.RSA_PSS_PSS_SHA512;
            case ED25519 -> SignatureScheme.ED25519;
            case ED448 -> SignatureScheme.ED448;
        };
    }

    /**
     * Whether a scheme may sign a CertificateVerify. RFC 8446 §4.2.3: RSASSA-PKCS1-v1_5 and SHA-1
     * schemes "MUST NOT" be used there (they may only appear for certificates), and unknown codes
     * have no algorithm.
     *
     * @param scheme a scheme
     * @return {@code true} for ECDSA with SHA-2, RSA-PSS and EdDSA schemes
     */
    public static boolean allowedInCertificateVerify(SignatureScheme scheme) {
        SignatureAlgorithm algorithm = algorithm(scheme);
        return algorithm != null
                && algorithm != SignatureAlgorithm.RSA_PKCS1_SHA256
                && algorithm != SignatureAlgorithm.RSA_PKCS1_SHA384
                && algorithm != SignatureAlgorithm.RSA_PKCS1_SHA512;
    }

    /**
     * The CertificateVerify schemes a key can sign (private key) or verify (public key) with, in
     * the order of {@link #DEFAULT}.
     *
     * <ul>
     *   <li>{@code RSA} (rsaEncryption) keys: rsa_pss_rsae_sha256/384/512 (RFC 8446 §4.2.3), each only
     *       when the modulus is large enough for that hash with a salt of the hash length;</li>
     *   <li>{@code RSASSA-PSS} keys: the rsa_pss_pss scheme of the hash the key is restricted to, or
     *       all three when the key carries no parameters;</li>
     *   <li>EC keys: the single ECDSA scheme of the key's curve (P-256, P-384, P-521), none for other
     *       curves, since TLS 1.3 binds the curve to the hash;</li>
     *   <li>Ed25519 and Ed448 keys: ed25519, ed448.</li>
     * </ul>
     *
     * @param key a private or public key
     * @return the usable schemes, possibly empty (e.g. DSA keys, brainpool curves)
     */
    public static List<SignatureScheme> forKey(Key key) {
        String algorithm = key.getAlgorithm() == null ? "" : key.getAlgorithm().toUpperCase(Locale.ROOT);
        if (algorithm.equals("RSA")) {
            return rsaeSchemes(key);
        }
        if (algorithm.equals("RSASSA-PSS") || algorithm.equals("RSASSAPSS")) {
            return pssSchemes(key);
        }
        if (algorithm.equals("EC") || algorithm.equals("ECDSA")) {
            return ecSchemes(key);
        }
        String edCurve = edCurve(key, algorithm);
        if ("ED25519".equals(edCurve)) {
            return List.of(SignatureScheme.ED25519);
        }
        if ("ED448".equals(edCurve)) {
            return List.of(SignatureScheme.ED448);
        }
        return List.of();
    }

    /**
     * Whether a key can sign or verify with a scheme in CertificateVerify.
     *
     * @param key a private or public key
     * @param scheme the scheme
     * @return {@code true} when {@link #forKey(Key)} contains {@code scheme}
     */
    public static boolean keyCanUse(Key key, SignatureScheme scheme) {
        return forKey(key).contains(scheme);
    }

    /**
     * The schemes that can name the signature on a certificate, as listed in
     * {@code signature_algorithms_cert} (RFC 8446 §4.2.3, §4.4.2.2). ECDSA schemes are matched by hash
     * (the issuer's curve is not known from the certificate alone); RSASSA-PSS signatures match both
     * the rsae and the pss scheme of their hash, since the issuer's key type decides between them.
     *
     * @param certificate a certificate
     * @return the candidate schemes, empty for signature algorithms TLS 1.3 has no scheme for
     */
    public static List<SignatureScheme> ofCertificateSignature(X509Certificate certificate) {
        switch (certificate.getSigAlgOID()) {
            case "1.2.840.113549.1.1.5":
                return List.of(SignatureScheme.RSA_PKCS1_SHA1);
            case "1.2.840.113549.1.1.11":
                return List.of(SignatureScheme.RSA_PKCS1_SHA256);
            case "1.2.840.113549.1.1.12":
                return List.of(SignatureScheme.RSA_PKCS1_SHA384);
            case "1.2.840.113549.1.1.13":
                return List.of(SignatureScheme.RSA_PKCS1_SHA512);
            case "1.2.840.10045.4.1":
                return List.of(SignatureScheme.ECDSA_SHA1);
            case "1.2.840.10045.4.3.2":
                return List.of(SignatureScheme.ECDSA_SECP256R1_SHA256);
            case "1.2.840.10045.4.3.3":
                return List.of(SignatureScheme.ECDSA_SECP384R1_SHA384);
            case "1.2.840.10045.4.3.4":
                return List.of(SignatureScheme.ECDSA_SECP521R1_SHA512);
            case "1.3.101.112":
                return List.of(SignatureScheme.ED25519);
            case "1.3.101.113":
                return List.of(SignatureScheme.ED448);
            case "1.2.840.113549.1.1.10":
                return pssCertificateSignature(certificate.getSigAlgParams());
            default:
                return List.of();
        }
    }

    private static List<SignatureScheme> pssCertificateSignature(byte[] encodedParams) {
        if (encodedParams == null) {
            return List.of();
        }
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("RSASSA-PSS");
            parameters.init(encodedParams);
            String digest = normalizeDigest(parameters.getParameterSpec(PSSParameterSpec.class).getDigestAlgorithm());
            switch (digest) {
                case "SHA256":
                    return List.of(SignatureScheme.RSA_PSS_RSAE_SHA256, SignatureScheme.RSA_PSS_PSS_SHA256);
                case "SHA384":
                    return List.of(SignatureScheme.RSA_PSS_RSAE_SHA384, SignatureScheme.RSA_PSS_PSS_SHA384);
                case "SHA512":
                    return List.of(SignatureScheme.RSA_PSS_RSAE_SHA512, SignatureScheme.RSA_PSS_PSS_SHA512);
                default:
                    return List.of();
            }
        } catch (GeneralSecurityException | IOException e) {
            return List.of();
        }
    }

    /**
     * Checks the scheme of a received CertificateVerify before its signature is verified
     * (RFC 8446 §4.4.3): it must be one we offered in {@code signature_algorithms}, one that TLS 1.3
     * allows in CertificateVerify (§4.2.3), and one the peer's end-entity key can sign with.
     *
     * @param scheme the scheme the peer used
     * @param offered what we sent in {@code signature_algorithms}
     * @param peerKey the public key of the peer's end-entity certificate
     * @return the algorithm to verify the signature with
     * @throws TlsException {@link PeerMisbehaved#UNOFFERED_SIGNATURE_SCHEME} (illegal_parameter) otherwise
     */
    public static SignatureAlgorithm checkPeerCertificateVerifyScheme(SignatureScheme scheme,
                                                                      List<SignatureScheme> offered, PublicKey peerKey)
            throws TlsException {
        if (!offered.contains(scheme) || !allowedInCertificateVerify(scheme)) {
            throw TlsException.misbehaved(PeerMisbehaved.UNOFFERED_SIGNATURE_SCHEME,
                    "CertificateVerify with " + scheme + ", offered " + offered);
        }
        if (!keyCanUse(peerKey, scheme)) {
            throw TlsException.misbehaved(PeerMisbehaved.UNOFFERED_SIGNATURE_SCHEME,
                    "CertificateVerify with " + scheme + " does not fit the certificate's " + peerKey.getAlgorithm()
                            + " key");
        }
        return algorithm(scheme);
    }

    /**
     * Looks a scheme up by its RFC 8446 name, e.g. {@code "ecdsa_secp256r1_sha256"}, ignoring case.
     *
     * @param name the name
     * @return the scheme
     * @throws IllegalArgumentException for a name we do not know
     */
    public static SignatureScheme byName(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (SignatureScheme scheme : KNOWN) {
            if (scheme.knownName().equals(wanted)) {
                return scheme;
            }
        }
        StringBuilder names = new StringBuilder();
        for (SignatureScheme scheme : KNOWN) {
            names.append(names.length() == 0 ? "" : ", ").append(scheme.knownName());
        }
        throw new IllegalArgumentException("unknown signature scheme '" + name + "' (known: " + names + ")");
    }

    private static List<SignatureScheme> rsaeSchemes(Key key) {
        List<SignatureScheme> schemes = new ArrayList<>(3);
        addIfLargeEnough(schemes, key, SignatureScheme.RSA_PSS_RSAE_SHA256, 32);
        addIfLargeEnough(schemes, key, SignatureScheme.RSA_PSS_RSAE_SHA384, 48);
        addIfLargeEnough(schemes, key, SignatureScheme.RSA_PSS_RSAE_SHA512, 64);
        return Collections.unmodifiableList(schemes);
    }

    private static List<SignatureScheme> pssSchemes(Key key) {
        AlgorithmParameterSpec params = key instanceof RSAKey ? ((RSAKey) key).getParams() : null;
        if (!(params instanceof PSSParameterSpec)) {
            List<SignatureScheme> schemes = new ArrayList<>(3);
            addIfLargeEnough(schemes, key, SignatureScheme.RSA_PSS_PSS_SHA256, 32);
            addIfLargeEnough(schemes, key, SignatureScheme.RSA_PSS_PSS_SHA384, 48);
            addIfLargeEnough(schemes, key, SignatureScheme.RSA_PSS_PSS_SHA512, 64);
            return Collections.unmodifiableList(schemes);
        }
        // RFC 8446 §4.2.3 with RFC 4055 §3.1: a key restricted to one hash signs only with that hash,
        // MGF1 over the same hash, and a salt of the hash length (which must not be below the key's minimum).
        PSSParameterSpec pss = (PSSParameterSpec) params;
        String digest = normalizeDigest(pss.getDigestAlgorithm());
        SignatureScheme scheme;
        int hashLength;
        switch (digest) {
            case "SHA256":
                scheme = SignatureScheme.RSA_PSS_PSS_SHA256;
                hashLength = 32;
                break;
            case "SHA384":
                scheme = SignatureScheme.RSA_PSS_PSS_SHA384;
                hashLength = 48;
                break;
            case "SHA512":
                scheme = SignatureScheme.RSA_PSS_PSS_SHA512;
                hashLength = 64;
                break;
            default:
                return List.of();
        }
        AlgorithmParameterSpec mgf = pss.getMGFParameters();
        if (mgf instanceof MGF1ParameterSpec
                && !normalizeDigest(((MGF1ParameterSpec) mgf).getDigestAlgorithm()).equals(digest)) {
            return List.of();
        }
        if (pss.getSaltLength() > hashLength) {
            return List.of();
        }
        List<SignatureScheme> schemes = new ArrayList<>(1);
        addIfLargeEnough(schemes, key, scheme, hashLength);
        return Collections.unmodifiableList(schemes);
    }

    /** RFC 8017 §9.1.1: PSS needs emLen >= hLen + sLen + 2 with sLen = hLen (RFC 8446 §4.2.3). */
    private static void addIfLargeEnough(List<SignatureScheme> schemes, Key key, SignatureScheme scheme,
                                         int hashLength) {
        if (key instanceof RSAKey) {
            BigInteger modulus = ((RSAKey) key).getModulus();
            if (modulus != null) {
                int emLength = (modulus.bitLength() - 1 + 7) / 8;
                if (emLength < 2 * hashLength + 2) {
                    return;
                }
            }
        }
        schemes.add(scheme);
    }

    private static List<SignatureScheme> ecSchemes(Key key) {
        if (!(key instanceof ECKey)) {
            return List.of();
        }
        ECParameterSpec params = ((ECKey) key).getParams();
        if (sameCurve(params, P256)) {
            return List.of(SignatureScheme.ECDSA_SECP256R1_SHA256);
        }
        if (sameCurve(params, P384)) {
            return List.of(SignatureScheme.ECDSA_SECP384R1_SHA384);
        }
        if (sameCurve(params, P521)) {
            return List.of(SignatureScheme.ECDSA_SECP521R1_SHA512);
        }
        return List.of();
    }

    private static String edCurve(Key key, String algorithm) {
        if (key instanceof EdECKey) {
            return ((EdECKey) key).getParams().getName().toUpperCase(Locale.ROOT);
        }
        // Keys from other providers may not implement EdECKey but name the curve as their algorithm.
        if (algorithm.equals("ED25519") || algorithm.equals("ED448")) {
            return algorithm;
        }
        return null;
    }

    private static boolean sameCurve(ECParameterSpec a, ECParameterSpec b) {
        return a != null && b != null
                && a.getCurve().equals(b.getCurve())
                && a.getGenerator().equals(b.getGenerator())
                && a.getOrder().equals(b.getOrder())
                && a.getCofactor() == b.getCofactor();
    }

    private static String normalizeDigest(String name) {
        return name == null ? "" : name.toUpperCase(Locale.ROOT).replace("-", "");
    }

    private static ECParameterSpec namedCurve(String name) {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec(name));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static List<SignatureScheme> concat(List<SignatureScheme> first, List<SignatureScheme> second) {
        List<SignatureScheme> all = new ArrayList<>(first);
        all.addAll(second);
        return List.copyOf(all);
    }
}
