package dev.tls13.crypto;

/**
 * The signature algorithms behind the TLS 1.3 signature schemes (RFC 8446 §4.2.3). The
 * {@code RSA_PKCS1_*} ones verify certificate signatures only; TLS 1.3 never uses them in
 * CertificateVerify.
 */
public enum SignatureAlgorithm {
    /** RSASSA-PKCS1-v1_5 with SHA-256 (certificates only). */
    RSA_PKCS1_SHA256,
    /** RSASSA-PKCS1-v1_5 with SHA-384 (certificates only). */
    RSA_PKCS1_SHA384,
    /** RSASSA-PKCS1-v1_5 with SHA-512 (certificates only). */
    RSA_PKCS1_SHA512,
    /** ECDSA on P-256 with SHA-256. */
    ECDSA_SECP256R1_SHA256,
    /** ECDSA on P-384 with SHA-384. */
    ECDSA_SECP384R1_SHA384,
    /** ECDSA on P-521 with SHA-512. */
    ECDSA_SECP521R1_SHA512,
    /** RSASSA-PSS with SHA-256, MGF1 SHA-256, salt 32, on an rsaEncryption key. */
    RSA_PSS_RSAE_SHA256,
    /** RSASSA-PSS with SHA-384, MGF1 SHA-384, salt 48, on an rsaEncryption key. */
    RSA_PSS_RSAE_SHA384,
    /** RSASSA-PSS with SHA-512, MGF1 SHA-512, salt 64, on an rsaEncryption key. */
    RSA_PSS_RSAE_SHA512,
    /** RSASSA-PSS with SHA-256 on an RSASSA-PSS key. */
    RSA_PSS_PSS_SHA256,
    /** RSASSA-PSS with SHA-384 on an RSASSA-PSS key. */
    RSA_PSS_PSS_SHA384,
    /** RSASSA-PSS with SHA-512 on an RSASSA-PSS key. */
    RSA_PSS_PSS_SHA512,
    /** Ed25519 (RFC 8032). */
    ED25519,
    /** Ed448 (RFC 8032). */
    ED448
}
