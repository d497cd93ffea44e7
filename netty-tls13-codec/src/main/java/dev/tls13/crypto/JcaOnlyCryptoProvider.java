package dev.tls13.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;

/**
 * A provider that takes every primitive from the installed JCA providers by its standard name, so whichever
 * provider comes first in {@link java.security.Security#getProviders()} does the work: a FIPS-validated one,
 * Amazon Corretto Crypto Provider (ACCP), Conscrypt or the JDK's own (docs/architecture.md §8).
 *
 * <ul>
 *   <li>AEADs: {@code AES/GCM/NoPadding} and {@code ChaCha20-Poly1305} (the same record-path code as the default
 *       provider, {@link JcaAead}), {@code AES/CCM/NoPadding} where a provider has it ({@link JcaCcmAead}; the
 *       JDK does not, so the CCM suites fail without one).</li>
 *   <li>HKDF: {@code HmacSHA256} / {@code HmacSHA384} ({@link JcaMacHkdf}); transcript hashes by
 *       {@link MessageDigest}.</li>
 *   <li>Key exchange: {@code XDH} for X25519 and X448 ({@link JcaXdhKeyExchange}), {@code EC} and {@code ECDH}
 *       for secp256r1, secp384r1 and secp521r1 ({@link EcdhKeyExchange}); the peer's NIST point is still
 *       validated by us ({@link EcCurve}) before the provider sees it.</li>
 *   <li>Signatures: {@code SHA256withECDSA} etc. (DER), {@code RSASSA-PSS}, {@code Ed25519} / {@code Ed448},
 *       {@code SHA256withRSA} etc. for certificates ({@link Signatures#signWithJca}, {@link
 *       Signatures#verifyWithJca}); ECDSA signatures are checked to be strict DER first.</li>
 *   <li>Randomness: one {@link SecureRandom}, the first provider's default algorithm.</li>
 * </ul>
 *
 * <p>What the default provider does better is given up: our constant-time P-256 and its hedged ECDSA nonces
 * (the provider's nonce generation applies), the P-256 and P-384/P-521 verifiers that Wycheproof found stricter
 * than JDK 17's SunEC, BouncyCastle's faster X25519, and the wiping of HMAC pads and private scalars we cannot
 * reach inside a provider. Thread-safe and shareable; use {@link #instance()}.
 */
public final class JcaOnlyCryptoProvider implements CryptoProvider {

    private static final JcaOnlyCryptoProvider INSTANCE = new JcaOnlyCryptoProvider();

    private final SecureRandom random = new SecureRandom();

    private JcaOnlyCryptoProvider() {
    }

    /** @return the shared instance */
    public static JcaOnlyCryptoProvider instance() {
        return INSTANCE;
    }

    @Override
    public Hkdf hkdf(HashAlgorithm hash) {
        return new JcaMacHkdf(hash);
    }

    @Override
    public Aead aead(AeadAlgorithm algorithm, byte[] key) {
        return Aeads.create(algorithm, key, JcaCcmAead::new);
    }

    @Override
    public Aead dedicatedAead(AeadAlgorithm algorithm, byte[] key) {
        return Aeads.createDedicated(algorithm, key, JcaCcmAead::new);
    }

    @Override
    public KeyExchange generateKeyExchange(KeyExchangeAlgorithm algorithm) {
        switch (algorithm) {
            case X25519:
            case X448:
                return JcaXdhKeyExchange.generate(algorithm, random);
            case SECP256R1:
            case SECP384R1:
            case SECP521R1:
                return EcdhKeyExchange.generate(algorithm, random);
            default:
                throw new IllegalArgumentException("no JCA key exchange for " + algorithm);
        }
    }

    /** The JCA of JDK 17 has no ML-KEM, so the hybrid groups are not offered in this mode. */
    @Override
    public boolean supports(KeyExchangeAlgorithm algorithm) {
        return !algorithm.isHybrid();
    }

    @Override
    public Encapsulation encapsulate(KeyExchangeAlgorithm algorithm, byte[] clientShare)
            throws InvalidKeyShareException {
        if (!supports(algorithm)) {
            throw new IllegalArgumentException("no JCA key exchange for " + algorithm);
        }
        return KeyExchanges.encapsulate(algorithm, clientShare, this::generateKeyExchange, random);
    }

    @Override
    public byte[] sign(SignatureAlgorithm algorithm, PrivateKey key, byte[] message) throws GeneralSecurityException {
        return Signatures.signWithJca(algorithm, key, message, random);
    }

    @Override
    public boolean verify(SignatureAlgorithm algorithm, PublicKey key, byte[] message, byte[] signature)
            throws GeneralSecurityException {
        return Signatures.verifyWithJca(algorithm, key, message, signature);
    }

    @Override
    public void nextBytes(byte[] out) {
        random.nextBytes(out);
    }

    @Override
    public Clock clock() {
        return Clock.systemUTC();
    }

    @Override
    public String toString() {
        return "JcaOnlyCryptoProvider";
    }
}
