package dev.tls13.crypto;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.function.Function;

/**
 * The default provider: the JCA where the JDK is fast and complete, BouncyCastle where it is not
 * (docs/architecture.md §8). Thread-safe and shareable; use {@link #instance()}.
 */
public final class JcaCryptoProvider implements CryptoProvider {

    private static final JcaCryptoProvider INSTANCE = new JcaCryptoProvider();

    private final SecureRandom random = new SecureRandom();
    private final Function<KeyExchangeAlgorithm, KeyExchange> ephemeral = a -> KeyExchanges.generate(a, random);

    private JcaCryptoProvider() {
    }

    /** @return the shared instance */
    public static JcaCryptoProvider instance() {
        return INSTANCE;
    }

    @Override
    public Hkdf hkdf(HashAlgorithm hash) {
        return new JcaHkdf(hash);
    }

    @Override
    public Aead aead(AeadAlgorithm algorithm, byte[] key) {
        return Aeads.create(algorithm, key);
    }

    @Override
    public Aead dedicatedAead(AeadAlgorithm algorithm, byte[] key) {
        return Aeads.createDedicated(algorithm, key, BcCcmAead::new);
    }

    @Override
    public KeyExchange generateKeyExchange(KeyExchangeAlgorithm algorithm) {
        return KeyExchanges.generate(algorithm, random);
    }

    @Override
    public Encapsulation encapsulate(KeyExchangeAlgorithm algorithm, byte[] clientShare)
            throws InvalidKeyShareException {
        return KeyExchanges.encapsulate(algorithm, clientShare, ephemeral, random);
    }

    @Override
    public byte[] sign(SignatureAlgorithm algorithm, PrivateKey key, byte[] message) throws GeneralSecurityException {
        return Signatures.sign(algorithm, key, message, random);
    }

    @Override
    public boolean verify(SignatureAlgorithm algorithm, PublicKey key, byte[] message, byte[] signature)
            throws GeneralSecurityException {
        return Signatures.verify(algorithm, key, message, signature);
    }

    @Override
    public void nextBytes(byte[] out) {
        random.nextBytes(out);
    }

    @Override
    public Clock clock() {
        return Clock.systemUTC();
    }
}
