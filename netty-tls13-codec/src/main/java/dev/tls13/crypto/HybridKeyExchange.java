package dev.tls13.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.Function;

/**
 * A hybrid group of draft-ietf-tls-ecdhe-mlkem: one KEM made of an ECDH and ML-KEM (FIPS 203), whose shares
 * and secret are the two parts' concatenated, with no length prefixes:
 *
 * <pre>
 * group               client share            server share            shared secret
 * X25519MLKEM768      ek(1184) || x25519(32)   c(1088) || x25519(32)   K(32) || x25519(32)
 * SecP256r1MLKEM768   point(65) || ek(1184)    point(65) || c(1088)    ecdh(32) || K(32)
 * SecP384r1MLKEM1024  point(97) || ek(1568)    point(97) || c(1568)    ecdh(48) || K(32)
 * </pre>
 *
 * Only X25519MLKEM768 puts ML-KEM first. Each part is validated as on its own: the exact total length first,
 * then the ECDH part as a plain share of its group (a point on the curve; a non-zero X25519 secret,
 * RFC 8446 §7.4.2) and the ML-KEM part by FIPS 203 §7.2's modulus check (encapsulation key) or its exact
 * length (ciphertext); any failure is {@link InvalidKeyShareException}, which the handshake maps to
 * illegal_parameter. The ECDH parts run on the same code as the plain groups ({@link KeyExchanges}).
 *
 * <p>This object is the client's side; {@link #encapsulate} is the server's.
 */
final class HybridKeyExchange implements KeyExchange {

    /**
     * How a hybrid group is put together.
     *
     * @param ecdh the ECDH part's algorithm
     * @param kem the ML-KEM parameter set
     * @param kemFirst whether ML-KEM comes first in shares and secret
     */
    record Layout(KeyExchangeAlgorithm ecdh, MlKem kem, boolean kemFirst) {

        static Layout of(KeyExchangeAlgorithm algorithm) {
            switch (algorithm) {
                case X25519MLKEM768:
                    return new Layout(KeyExchangeAlgorithm.X25519, MlKem.ML_KEM_768, true);
                case SECP256R1MLKEM768:
                    return new Layout(KeyExchangeAlgorithm.SECP256R1, MlKem.ML_KEM_768, false);
                case SECP384R1MLKEM1024:
                    return new Layout(KeyExchangeAlgorithm.SECP384R1, MlKem.ML_KEM_1024, false);
                default:
                    throw new IllegalArgumentException("not a hybrid group: " + algorithm);
            }
        }

        /** @return {@code kemPart || ecdhPart} or {@code ecdhPart || kemPart}, in this group's order */
        byte[] concatenate(byte[] kemPart, byte[] ecdhPart) {
            byte[] first = kemFirst ? kemPart : ecdhPart;
            byte[] second = kemFirst ? ecdhPart : kemPart;
            byte[] out = Arrays.copyOf(first, first.length + second.length);
            System.arraycopy(second, 0, out, first.length, second.length);
            return out;
        }

        /** @return where the ML-KEM part starts in a share */
        int kemOffset() {
            return kemFirst ? 0 : ecdh.clientShareLength();
        }

        /** @return where the ECDH part starts in a share whose ML-KEM part is {@code kemLength} bytes */
        int ecdhOffset(int kemLength) {
            return kemFirst ? kemLength : 0;
        }

        /** @return the ECDH part of a share whose ML-KEM part is {@code kemLength} bytes */
        byte[] ecdhPart(byte[] share, int kemLength) {
            int from = ecdhOffset(kemLength);
            return Arrays.copyOfRange(share, from, from + ecdh.clientShareLength());
        }

        /** @return the combined secret, zeroing both parts */
        byte[] secret(byte[] kemSecret, byte[] ecdhSecret) {
            try {
                return concatenate(kemSecret, ecdhSecret);
            } finally {
                Arrays.fill(kemSecret, (byte) 0);
                Arrays.fill(ecdhSecret, (byte) 0);
            }
        }
    }

    private final KeyExchangeAlgorithm algorithm;
    private final Layout layout;
    private final MlKem.DecapsulationKey kem;
    private final KeyExchange ecdh;
    private final byte[] publicKey;
    private boolean destroyed;

    private HybridKeyExchange(KeyExchangeAlgorithm algorithm, MlKem.DecapsulationKey kem, KeyExchange ecdh) {
        this.algorithm = algorithm;
        this.layout = Layout.of(algorithm);
        this.kem = kem;
        this.ecdh = ecdh;
        // The encapsulation key goes straight into the share: no copy of its 1184 or 1568 bytes.
        this.publicKey = new byte[algorithm.clientShareLength()];
        kem.encapsulationKey(publicKey, layout.kemOffset());
        byte[] ecdhPublic = ecdh.publicKey();
        System.arraycopy(ecdhPublic, 0, publicKey, layout.ecdhOffset(kem.kem().encapsulationKeyLength()),
                ecdhPublic.length);
    }

    /**
     * A fresh key pair: an ML-KEM key pair and the given ECDH one.
     *
     * @param algorithm a hybrid algorithm
     * @param ecdh a fresh key pair of its ECDH part; owned by the result from here
     * @param random the source of the ML-KEM seed
     * @return the key pair
     */
    static HybridKeyExchange generate(KeyExchangeAlgorithm algorithm, KeyExchange ecdh, SecureRandom random) {
        Layout layout = Layout.of(algorithm);
        checkEcdh(layout, ecdh);
        return new HybridKeyExchange(algorithm, layout.kem().generate(random), ecdh);
    }

    /**
     * The key pair of fixed private keys, for known answers and the deterministic test provider.
     *
     * @param algorithm a hybrid algorithm
     * @param kemSeed the ML-KEM seed d || z (64 bytes); copied
     * @param ecdh the ECDH part's key pair; owned by the result from here
     * @return the key pair
     */
    static HybridKeyExchange fromSeed(KeyExchangeAlgorithm algorithm, byte[] kemSeed, KeyExchange ecdh) {
        Layout layout = Layout.of(algorithm);
        checkEcdh(layout, ecdh);
        return new HybridKeyExchange(algorithm, layout.kem().fromSeed(kemSeed), ecdh);
    }

    private static void checkEcdh(Layout layout, KeyExchange ecdh) {
        if (ecdh.algorithm() != layout.ecdh()) {
            throw new IllegalArgumentException("ECDH part " + ecdh.algorithm() + ", expected " + layout.ecdh());
        }
    }

    /**
     * The server's side: ML-KEM.Encaps against the client's encapsulation key and an ECDH agreement of a fresh
     * key pair with the client's ECDH share, after checking both (class comment).
     *
     * @param algorithm a hybrid algorithm
     * @param clientShare the client's key_exchange bytes
     * @param ephemeral makes the fresh ECDH key pair for an algorithm; it is destroyed here
     * @param random the source of the ML-KEM message
     * @return the server's share and the shared secret
     * @throws InvalidKeyShareException if the share is invalid
     */
    static Encapsulation encapsulate(KeyExchangeAlgorithm algorithm, byte[] clientShare,
                                     Function<KeyExchangeAlgorithm, KeyExchange> ephemeral, SecureRandom random)
            throws InvalidKeyShareException {
        Layout layout = Layout.of(algorithm);
        if (clientShare.length != algorithm.clientShareLength()) {
            throw new InvalidKeyShareException(InvalidKeyShareException.Kind.INVALID_PUBLIC_VALUE,
                    algorithm + " share length " + clientShare.length + ", expected " + algorithm.clientShareLength());
        }
        MlKem kem = layout.kem();
        // ML-KEM.Encaps checks the encapsulation key first (FIPS 203 §7.2); it reads the key in the client's share
        // and writes the ciphertext into ours, copying neither.
        byte[] share = new byte[algorithm.serverShareLength()];
        byte[] kemSecret = kem.encapsulate(clientShare, layout.kemOffset(), random, share, layout.kemOffset());
        KeyExchange ours = ephemeral.apply(layout.ecdh());
        byte[] ecdhSecret;
        try {
            ecdhSecret = ours.decapsulate(layout.ecdhPart(clientShare, kem.encapsulationKeyLength()));
            byte[] ecdhPublic = ours.publicKey();
            System.arraycopy(ecdhPublic, 0, share, layout.ecdhOffset(kem.ciphertextLength()), ecdhPublic.length);
        } catch (InvalidKeyShareException | RuntimeException e) {
            Arrays.fill(kemSecret, (byte) 0);
            throw e;
        } finally {
            ours.destroy();
        }
        return new Encapsulation(share, layout.secret(kemSecret, ecdhSecret));
    }

    @Override
    public KeyExchangeAlgorithm algorithm() {
        return algorithm;
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public byte[] decapsulate(byte[] serverShare) throws InvalidKeyShareException {
        if (destroyed) {
            throw new IllegalStateException("key exchange destroyed");
        }
        if (serverShare.length != algorithm.serverShareLength()) {
            throw new InvalidKeyShareException(InvalidKeyShareException.Kind.INVALID_PUBLIC_VALUE,
                    algorithm + " share length " + serverShare.length + ", expected " + algorithm.serverShareLength());
        }
        int ciphertextLength = layout.kem().ciphertextLength();
        byte[] ecdhSecret = ecdh.decapsulate(layout.ecdhPart(serverShare, ciphertextLength));
        byte[] kemSecret;
        try {
            kemSecret = kem.decapsulate(serverShare, layout.kemOffset());
        } catch (RuntimeException e) {
            Arrays.fill(ecdhSecret, (byte) 0);
            throw e;
        }
        return layout.secret(kemSecret, ecdhSecret);
    }

    @Override
    public void destroy() {
        destroyed = true;
        kem.destroy();
        ecdh.destroy();
    }

    /** @return whether both parts were destroyed (for tests) */
    boolean isDestroyed() {
        return destroyed && kem.isDestroyed();
    }
}
