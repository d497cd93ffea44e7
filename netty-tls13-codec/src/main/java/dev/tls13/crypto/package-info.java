/**
 * The cryptography the TLS core needs, and nothing else (docs/architecture.md §8): the
 * {@link dev.tls13.crypto.CryptoProvider} SPI and its default, {@link dev.tls13.crypto.JcaCryptoProvider},
 * which chooses per algorithm by measured speed, garbage and side-channel safety:
 *
 * <pre>
 * AES-GCM                  JCA; one sealing and one opening Cipher per thread, shared by every key
 * ChaCha20-Poly1305        JCA; one Cipher per key
 * AES-CCM, AES-CCM_8       BouncyCastle's lightweight CCM (the JDK has none)
 * HKDF, HMAC               our HMAC (RFC 2104) over the JCA's MessageDigest, state per thread
 * X25519, X448             BouncyCastle's RFC 7748 code (constant-time by design)
 * secp256r1 ECDHE          P256 on P256Field: ours, constant-time, 6-9x faster than SunEC on JDK 17
 * secp384r1, secp521r1     JCA (SunEC); the peer's point validated by EcCurve first
 * ML-KEM-768, ML-KEM-1024  MlKem on MlKemPoly: ours, from FIPS 203, constant-time, scratch per thread, over
 *                          BouncyCastle's Keccak; in the hybrid groups X25519MLKEM768, SecP256r1MLKEM768,
 *                          SecP384r1MLKEM1024 (HybridKeyExchange) with the ECDH above
 * ECDSA P-256              signing: P256 (constant-time); verification: P256Verifier (public inputs only)
 * RSA-PSS, EdDSA, others   JCA
 * PEM                      BouncyCastle's PEMParser (PemReader)
 * </pre>
 *
 * <p>Rules:
 * <ul>
 *   <li>Imports: the JDK ({@code java.*}, {@code javax.*}) and BouncyCastle only, nothing of this library
 *       (enforced by {@code CryptoPackageDependenciesTest}).</li>
 *   <li>Key exchange is KEM-shaped: the client generates a {@link dev.tls13.crypto.KeyExchange}, the server
 *       encapsulates against its share ({@link dev.tls13.crypto.CryptoProvider#encapsulate}), the client
 *       decapsulates the server's share; for (EC)DH encapsulation is a fresh key pair and its agreement.</li>
 *   <li>Providers are thread-safe; the objects they return ({@link dev.tls13.crypto.Aead},
 *       {@link dev.tls13.crypto.KeyExchange}, the digests) are not, and are used by one connection's
 *       thread.</li>
 *   <li>Nothing of ours is allocated per record: keys and parameter specs are made once per traffic key,
 *       ciphers are re-initialised per record. Per-thread state either holds no secret or is zeroed (or,
 *       for a JCA cipher, re-keyed with zeros) before the call that used it returns or its key is
 *       destroyed.</li>
 *   <li>Code that handles a secret ({@code P256}, {@code P256Field}, {@code MlKem}, {@code MlKemPoly}) has no
 *       branch, loop bound or array index that depends on the secret; {@code P256Verifier} branches freely and
 *       must only ever be given public values.</li>
 *   <li>Byte arrays passed in are borrowed unless a method says it copies them; keys are copied in, and
 *       {@code destroy()} zeroes what this library holds.</li>
 *   <li>Internal: no compatibility promise; public only because other packages of this library use it
 *       (and {@code Tls13ContextBuilder.cryptoProvider} accepts a provider, for tests).</li>
 * </ul>
 */
package dev.tls13.crypto;
