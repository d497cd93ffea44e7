package dev.tls13.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;

/**
 * The cryptography the TLS core needs, and nothing else (docs/architecture.md §8). The default implementation
 * uses the JCA and BouncyCastle; tests use a deterministic one so RFC 8448 traces replay exactly.
 * Implementations are thread-safe; the objects they return are not.
 */
public interface CryptoProvider {

    /**
     * @param hash the hash
     * @return HKDF for that hash
     */
    Hkdf hkdf(HashAlgorithm hash);

    /**
     * A digest from the installed JCA providers (both of ours take it from there).
     *
     * @param hash the hash
     * @return a new digest, for the running transcript hash
     */
    default MessageDigest digest(HashAlgorithm hash) {
        try {
            return MessageDigest.getInstance(hash.jcaName());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no JCA provider offers " + hash.jcaName(), e);
        }
    }

    /**
     * Creates an AEAD for one direction's traffic key.
     *
     * @param algorithm the AEAD
     * @param key the key, {@code algorithm.keyLength()} bytes; copied, the caller may zero it
     * @return the AEAD
     */
    Aead aead(AeadAlgorithm algorithm, byte[] key);

    /**
     * Creates an AEAD for a long-lived key that one thread uses for many messages between records of other keys,
     * such as a session ticket key (docs/architecture.md §15). Where {@link #aead} shares per-thread ciphers among
     * all keys, this one may keep its own, so that using it does not re-key the record ciphers and back.
     *
     * @param algorithm the AEAD
     * @param key the key, {@code algorithm.keyLength()} bytes; copied, the caller may zero it
     * @return the AEAD; {@link #aead} unless overridden
     */
    default Aead dedicatedAead(AeadAlgorithm algorithm, byte[] key) {
        return aead(algorithm, key);
    }

    /**
     * Generates an ephemeral key pair: the client's side of a key exchange, whose public value goes into the
     * ClientHello's key_share (RFC 8446 §4.2.8).
     *
     * @param algorithm the group's algorithm
     * @return the key pair
     */
    KeyExchange generateKeyExchange(KeyExchangeAlgorithm algorithm);

    /**
     * The server's side of a key exchange: validates the client's share and encapsulates against it. For
     * (EC)DHE that is a fresh ephemeral key pair and its agreement; for a hybrid group, ML-KEM.Encaps and the
     * agreement of its ECDH part (docs/architecture.md §8).
     *
     * @param algorithm the group's algorithm
     * @param clientShare the client's key_exchange bytes; borrowed
     * @return the server's key_exchange bytes and the shared secret, owned by the caller
     * @throws InvalidKeyShareException if the client's share is invalid (wrong length, not a point, an
     *         encapsulation key failing FIPS 203 §7.2's check) or yields an all-zero secret
     */
    Encapsulation encapsulate(KeyExchangeAlgorithm algorithm, byte[] clientShare) throws InvalidKeyShareException;

    /**
     * Whether this provider runs a key exchange algorithm; a context leaves the groups it does not out of its
     * defaults and refuses them when configured.
     *
     * @param algorithm the algorithm
     * @return {@code true} unless overridden
     */
    default boolean supports(KeyExchangeAlgorithm algorithm) {
        return true;
    }

    /**
     * Signs a message (the CertificateVerify content of RFC 8446 §4.4.3).
     *
     * @param algorithm the scheme's algorithm
     * @param key the private key, of the type the algorithm needs
     * @param message the content to sign
     * @return the signature
     * @throws GeneralSecurityException if the key does not fit the algorithm or the provider fails
     */
    byte[] sign(SignatureAlgorithm algorithm, PrivateKey key, byte[] message) throws GeneralSecurityException;

    /**
     * Verifies a signature.
     *
     * @param algorithm the scheme's algorithm
     * @param key the public key
     * @param message the signed content
     * @param signature the signature
     * @return whether it verifies; a malformed signature is {@code false}, not an exception
     * @throws GeneralSecurityException if the key does not fit the algorithm
     */
    boolean verify(SignatureAlgorithm algorithm, PublicKey key, byte[] message, byte[] signature)
            throws GeneralSecurityException;

    /**
     * Fills {@code out} with random bytes (ClientHello/ServerHello random, session ids).
     *
     * @param out the array to fill
     */
    void nextBytes(byte[] out);

    /** @return the clock, for ticket ages and certificate validity */
    Clock clock();
}
