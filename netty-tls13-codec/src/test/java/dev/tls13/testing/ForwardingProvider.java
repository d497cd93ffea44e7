package dev.tls13.testing;

import dev.tls13.crypto.Aead;
import dev.tls13.crypto.AeadAlgorithm;
import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.Encapsulation;
import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.crypto.Hkdf;
import dev.tls13.crypto.InvalidKeyShareException;
import dev.tls13.crypto.JcaCryptoProvider;
import dev.tls13.crypto.KeyExchange;
import dev.tls13.crypto.KeyExchangeAlgorithm;
import dev.tls13.crypto.SignatureAlgorithm;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;

/** A provider that forwards every call (to the JCA provider by default), for tests to override one method of. */
public class ForwardingProvider implements CryptoProvider {

    private final CryptoProvider delegate;

    /** Forwards to {@link JcaCryptoProvider#instance()}. */
    public ForwardingProvider() {
        this(JcaCryptoProvider.instance());
    }

    /** @param delegate the provider every call goes to */
    public ForwardingProvider(CryptoProvider delegate) {
        this.delegate = delegate;
    }

    @Override
    public Hkdf hkdf(HashAlgorithm hash) {
        return delegate.hkdf(hash);
    }

    @Override
    public MessageDigest digest(HashAlgorithm hash) {
        return delegate.digest(hash);
    }

    @Override
    public Aead aead(AeadAlgorithm algorithm, byte[] key) {
        return delegate.aead(algorithm, key);
    }

    @Override
    public KeyExchange generateKeyExchange(KeyExchangeAlgorithm algorithm) {
        return delegate.generateKeyExchange(algorithm);
    }

    @Override
    public Encapsulation encapsulate(KeyExchangeAlgorithm algorithm, byte[] clientShare)
            throws InvalidKeyShareException {
        return delegate.encapsulate(algorithm, clientShare);
    }

    @Override
    public byte[] sign(SignatureAlgorithm algorithm, PrivateKey key, byte[] message) throws GeneralSecurityException {
        return delegate.sign(algorithm, key, message);
    }

    @Override
    public boolean verify(SignatureAlgorithm algorithm, PublicKey key, byte[] message, byte[] signature)
            throws GeneralSecurityException {
        return delegate.verify(algorithm, key, message, signature);
    }

    @Override
    public void nextBytes(byte[] out) {
        delegate.nextBytes(out);
    }

    @Override
    public Clock clock() {
        return delegate.clock();
    }
}
