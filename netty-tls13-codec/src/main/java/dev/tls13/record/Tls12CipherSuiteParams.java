package dev.tls13.record;

import dev.tls13.crypto.AeadAlgorithm;
import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.wire.CipherSuite;
import java.util.List;
import java.util.Optional;

/**
 * What a TLS 1.2 cipher suite of our profile means: ECDHE key exchange, the certificate's key type, the AEAD
 * and the PRF hash (RFC 5289 §3, RFC 7905 §2, RFC 7251 §2). Only ECDHE with AEAD suites exist here; CBC, RSA
 * key transport, static and finite-field DH are not in the profile (docs/architecture.md §16).
 *
 * @param suite the suite
 * @param ecdsa true when the server authenticates with an ECDSA key, false for RSA
 * @param aead the record protection algorithm
 * @param prfHash the PRF hash (RFC 5246 §5), also the transcript hash
 */
public record Tls12CipherSuiteParams(CipherSuite suite, boolean ecdsa, AeadAlgorithm aead, HashAlgorithm prfHash) {

    /** TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256. */
    public static final Tls12CipherSuiteParams ECDHE_ECDSA_AES_128_GCM_SHA256 = new Tls12CipherSuiteParams(
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, true, AeadAlgorithm.AES_128_GCM, HashAlgorithm.SHA256);
    /** TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384. */
    public static final Tls12CipherSuiteParams ECDHE_ECDSA_AES_256_GCM_SHA384 = new Tls12CipherSuiteParams(
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, true, AeadAlgorithm.AES_256_GCM, HashAlgorithm.SHA384);
    /** TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256. */
    public static final Tls12CipherSuiteParams ECDHE_ECDSA_CHACHA20_POLY1305_SHA256 = new Tls12CipherSuiteParams(
            CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, true, AeadAlgorithm.CHACHA20_POLY1305,
            HashAlgorithm.SHA256);
    /** TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256. */
    public static final Tls12CipherSuiteParams ECDHE_RSA_AES_128_GCM_SHA256 = new Tls12CipherSuiteParams(
            CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, false, AeadAlgorithm.AES_128_GCM, HashAlgorithm.SHA256);
    /** TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384. */
    public static final Tls12CipherSuiteParams ECDHE_RSA_AES_256_GCM_SHA384 = new Tls12CipherSuiteParams(
            CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, false, AeadAlgorithm.AES_256_GCM, HashAlgorithm.SHA384);
    /** TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256. */
    public static final Tls12CipherSuiteParams ECDHE_RSA_CHACHA20_POLY1305_SHA256 = new Tls12CipherSuiteParams(
            CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, false, AeadAlgorithm.CHACHA20_POLY1305,
            HashAlgorithm.SHA256);
    /** TLS_ECDHE_ECDSA_WITH_AES_128_CCM (RFC 7251): PRF SHA-256, 16-byte tag; opt-in like CCM in TLS 1.3. */
    public static final Tls12CipherSuiteParams ECDHE_ECDSA_AES_128_CCM = new Tls12CipherSuiteParams(
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM, true, AeadAlgorithm.AES_128_CCM, HashAlgorithm.SHA256);
    /** TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8 (RFC 7251): PRF SHA-256, 8-byte tag; opt-in. */
    public static final Tls12CipherSuiteParams ECDHE_ECDSA_AES_128_CCM_8 = new Tls12CipherSuiteParams(
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, true, AeadAlgorithm.AES_128_CCM_8, HashAlgorithm.SHA256);

    /** Every TLS 1.2 suite of the profile. */
    public static final List<Tls12CipherSuiteParams> ALL = List.of(ECDHE_ECDSA_AES_128_GCM_SHA256,
            ECDHE_ECDSA_AES_256_GCM_SHA384, ECDHE_ECDSA_CHACHA20_POLY1305_SHA256, ECDHE_RSA_AES_128_GCM_SHA256,
            ECDHE_RSA_AES_256_GCM_SHA384, ECDHE_RSA_CHACHA20_POLY1305_SHA256, ECDHE_ECDSA_AES_128_CCM,
            ECDHE_ECDSA_AES_128_CCM_8);

    /** The default offer: every suite but the CCM ones, AES-GCM first (the TLS 1.3 order of preference). */
    public static final List<Tls12CipherSuiteParams> DEFAULTS = List.of(ECDHE_ECDSA_AES_128_GCM_SHA256,
            ECDHE_RSA_AES_128_GCM_SHA256, ECDHE_ECDSA_AES_256_GCM_SHA384, ECDHE_RSA_AES_256_GCM_SHA384,
            ECDHE_ECDSA_CHACHA20_POLY1305_SHA256, ECDHE_RSA_CHACHA20_POLY1305_SHA256);

    /**
     * Looks a suite up.
     *
     * @param suite any suite code
     * @return its parameters, or empty for a suite outside the TLS 1.2 profile
     */
    public static Optional<Tls12CipherSuiteParams> find(CipherSuite suite) {
        for (Tls12CipherSuiteParams p : ALL) {
            if (p.suite.equals(suite)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** @return the write IV length of the key block: 12 for ChaCha20-Poly1305 (RFC 7905 §2), else 4 (RFC 5288 §3) */
    public int fixedIvLength() {
        return aead == AeadAlgorithm.CHACHA20_POLY1305 ? AeadAlgorithm.NONCE_LENGTH : Tls12ReadProtection.SALT_LENGTH;
    }
}
