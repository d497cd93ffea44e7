package dev.tls13.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.XECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;
import javax.security.auth.DestroyFailedException;

/**
 * X25519 and X448 (RFC 7748) through the JCA's {@code XDH} by name, for {@link JcaOnlyCryptoProvider}: key
 * generation, the peer's u-coordinate as a key, and the agreement all come from the first installed provider
 * that has them. The TLS encoding is the raw little-endian u-coordinate (RFC 8446 §4.2.8.2); a share of any
 * other length is refused, and an all-zero shared secret is refused (RFC 8446 §7.4.2), whether the provider
 * returns it or refuses it itself (SunEC throws for small-order points).
 */
final class JcaXdhKeyExchange implements KeyExchange {

    private final KeyExchangeAlgorithm algorithm;
    private final NamedParameterSpec curve;
    private final byte[] publicKey;
    private PrivateKey privateKey;

    private JcaXdhKeyExchange(KeyExchangeAlgorithm algorithm, NamedParameterSpec curve, PrivateKey privateKey,
                              byte[] publicKey) {
        this.algorithm = algorithm;
        this.curve = curve;
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /** @return a new key pair from the JCA, with {@code random} */
    static JcaXdhKeyExchange generate(KeyExchangeAlgorithm algorithm, SecureRandom random) {
        NamedParameterSpec curve = algorithm == KeyExchangeAlgorithm.X25519 ? NamedParameterSpec.X25519
                : NamedParameterSpec.X448;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("XDH");
            generator.initialize(curve, random);
            KeyPair pair = generator.generateKeyPair();
            byte[] u = littleEndian(((XECPublicKey) pair.getPublic()).getU(), algorithm.clientShareLength());
            return new JcaXdhKeyExchange(algorithm, curve, pair.getPrivate(), u);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no JCA provider generates " + curve.getName() + " keys", e);
        }
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
    public byte[] decapsulate(byte[] peerPublicKey) throws InvalidKeyShareException {
        PrivateKey key = privateKey;
        if (key == null) {
            throw new IllegalStateException("key exchange destroyed");
        }
        int length = algorithm.clientShareLength();
        if (peerPublicKey.length != length) {
            throw new InvalidKeyShareException(InvalidKeyShareException.Kind.INVALID_PUBLIC_VALUE,
                    curve.getName() + " share of " + peerPublicKey.length + " bytes");
        }
        byte[] u = peerPublicKey.clone();
        if (algorithm == KeyExchangeAlgorithm.X25519) {
            // RFC 7748 §5: "implementations of X25519 ... MUST mask the most significant bit in the final byte".
            u[length - 1] &= 0x7f;
        }
        reverse(u);
        byte[] secret;
        try {
            PublicKey peer = KeyFactory.getInstance("XDH")
                    .generatePublic(new XECPublicKeySpec(curve, new BigInteger(1, u)));
            KeyAgreement agreement = KeyAgreement.getInstance("XDH");
            agreement.init(key);
            agreement.doPhase(peer, true);
            secret = agreement.generateSecret();
        } catch (InvalidKeyException e) {
            // SunEC refuses a small-order point this way: its secret would be all zeros.
            throw new InvalidKeyShareException(InvalidKeyShareException.Kind.ZERO_SHARED_SECRET,
                    curve.getName() + ": " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new InvalidKeyShareException(InvalidKeyShareException.Kind.INVALID_PUBLIC_VALUE,
                    curve.getName() + ": " + e.getMessage());
        }
        int zero = 0;
        for (byte b : secret) {
            zero |= b;
        }
        if (zero == 0) {
            throw new InvalidKeyShareException(InvalidKeyShareException.Kind.ZERO_SHARED_SECRET,
                    curve.getName() + " shared secret is all zeros");
        }
        return secret;
    }

    @Override
    public void destroy() {
        PrivateKey key = privateKey;
        privateKey = null;
        if (key == null) {
            return;
        }
        try {
            key.destroy();
        } catch (DestroyFailedException e) {
            // JCA keys that cannot be destroyed keep their scalar privately: dropping the reference is all we can do.
            return;
        }
    }

    /** The value as {@code length} little-endian bytes (RFC 7748 §5). */
    private static byte[] littleEndian(BigInteger value, int length) {
        byte[] out = new byte[length];
        EcCurve.writeFixed(value, out, 0, length);
        reverse(out);
        return out;
    }

    private static void reverse(byte[] a) {
        for (int i = 0, j = a.length - 1; i < j; i++, j--) {
            byte t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
