package dev.tls13.record;

import dev.tls13.crypto.AeadAlgorithm;
import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.wire.CipherSuite;
import java.util.List;
import java.util.Optional;

/**
 * What a TLS 1.3 cipher suite means: its AEAD and its hash (RFC 8446 §B.4).
 *
 * @param suite the suite
 * @param aead the record protection algorithm
 * @param hash the hash for HKDF and the transcript
 */
public record CipherSuiteParams(CipherSuite suite, AeadAlgorithm aead, HashAlgorithm hash) {

    /** TLS_AES_128_GCM_SHA256. */
    public static final CipherSuiteParams AES_128_GCM_SHA256 = new CipherSuiteParams(
            CipherSuite.TLS_AES_128_GCM_SHA256, AeadAlgorithm.AES_128_GCM, HashAlgorithm.SHA256);
    /** TLS_AES_256_GCM_SHA384. */
    public static final CipherSuiteParams AES_256_GCM_SHA384 = new CipherSuiteParams(
            CipherSuite.TLS_AES_256_GCM_SHA384, AeadAlgorithm.AES_256_GCM, HashAlgorithm.SHA384);
    /** TLS_CHACHA20_POLY1305_SHA256. */
    public static final CipherSuiteParams CHACHA20_POLY1305_SHA256 = new CipherSuiteParams(
            CipherSuite.TLS_CHACHA20_POLY1305_SHA256, AeadAlgorithm.CHACHA20_POLY1305, HashAlgorithm.SHA256);
    /** TLS_AES_128_CCM_SHA256. */
    public static final CipherSuiteParams AES_128_CCM_SHA256 = new CipherSuiteParams(
            CipherSuite.TLS_AES_128_CCM_SHA256, AeadAlgorithm.AES_128_CCM, HashAlgorithm.SHA256);
    /** TLS_AES_128_CCM_8_SHA256. */
    public static final CipherSuiteParams AES_128_CCM_8_SHA256 = new CipherSuiteParams(
            CipherSuite.TLS_AES_128_CCM_8_SHA256, AeadAlgorithm.AES_128_CCM_8, HashAlgorithm.SHA256);

    /** The five TLS 1.3 suites of RFC 8446 §B.4, in that order. */
    public static final List<CipherSuiteParams> ALL = List.of(AES_128_GCM_SHA256, AES_256_GCM_SHA384,
            CHACHA20_POLY1305_SHA256, AES_128_CCM_SHA256, AES_128_CCM_8_SHA256);

    /**
     * Looks a suite up.
     *
     * @param suite any suite code
     * @return its parameters, or empty for a suite that is not one of the five TLS 1.3 suites
     */
    public static Optional<CipherSuiteParams> find(CipherSuite suite) {
        for (CipherSuiteParams p : ALL) {
            if (p.suite.equals(suite)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * Looks a suite up that must be a TLS 1.3 suite.
     *
     * @param suite one of the five TLS 1.3 suites
     * @return its parameters
     * @throws IllegalArgumentException for any other suite
     */
    public static CipherSuiteParams of(CipherSuite suite) {
        return find(suite).orElseThrow(() -> new IllegalArgumentException("not a TLS 1.3 cipher suite: " + suite));
    }
}
