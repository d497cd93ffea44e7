package dev.tls13.crypto;

import dev.tls13.crypto.Wycheproof.Decision;
import dev.tls13.crypto.Wycheproof.Group;
import dev.tls13.crypto.Wycheproof.Tally;
import dev.tls13.crypto.Wycheproof.TestFile;
import dev.tls13.crypto.Wycheproof.Vector;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Wycheproof's key agreement vectors through the {@link KeyExchange}s the provider hands the handshake
 * ({@link KeyExchanges#fromPrivateKey}: {@link XdhKeyExchange}, {@link P256KeyExchange} on our {@link P256},
 * {@link EcdhKeyExchange}), fed the peer's value as a key_share carries it (RFC 8446 §4.2.8.2). A valid vector
 * must give its shared secret; an invalid one must be refused with {@link InvalidKeyShareException}, which the
 * handshake maps to illegal_parameter.
 *
 * <p>Acceptable vectors, decided per flag:
 * <ul>
 *   <li>X25519/X448 {@code ZeroSharedSecret}: refused. RFC 8446 §7.4.2 requires the all-zero check.</li>
 *   <li>X25519/X448 twist points, non-canonical and other low-order or special public values whose secret is
 *       not zero: accepted with the vector's secret. RFC 7748 §5 makes the function total on 32/56-byte
 *       strings and asks receivers to accept non-canonical values; TLS adds only the zero check.</li>
 *   <li>NIST curves {@code CompressedPoint}: refused. TLS 1.3 has only the uncompressed form
 *       (RFC 8446 §4.2.8.2).</li>
 *   <li>SubjectPublicKeyInfo files: TLS never carries an ECDH key in one, so these vectors take the path a
 *       certificate's key takes: the JDK's X.509 key decoder (as {@code X509Certificate#getPublicKey}), the
 *       curve check of {@link Signatures} ({@link EcCurve#matches}: named curve's exact parameters), then the
 *       point, uncompressed, through our key exchange. {@code InvalidAsn} (BER where DER is required): the
 *       JDK's decoder decides, as it does for every certificate key; it accepts some (long-form and indefinite
 *       lengths, trailing zeros), which is harmless where TLS meets an SPKI: inside a certificate whose
 *       signature covers those exact bytes. An accepted one must still give the right secret. Explicit curve
 *       parameters that differ from the named curve's in a field ECDH does not use ({@code UnusedParam}):
 *       refused, the key is not on the curve TLS named.</li>
 * </ul>
 */
class WycheproofKeyAgreementTest {

    static final List<String> FILES = List.of("x25519_test", "x448_test",
            "ecdh_secp256r1_ecpoint_test", "ecdh_secp384r1_ecpoint_test", "ecdh_secp521r1_ecpoint_test",
            "ecdh_secp256r1_test", "ecdh_secp384r1_test", "ecdh_secp521r1_test");

    static Stream<String> files() {
        return FILES.stream();
    }

    /**
     * Key pairs by private key: the files use a few dozen private keys each, and building a P-384 or P-521 pair
     * (the public point by BouncyCastle) cost more than the agreements. {@code agree} leaves a pair unchanged.
     */
    private final Map<String, KeyExchange> exchanges = new HashMap<>();

    @AfterEach
    void destroyKeyPairs() {
        exchanges.values().forEach(KeyExchange::destroy);
        exchanges.clear();
    }

    @ParameterizedTest
    @MethodSource("files")
    void everyVectorThroughOurKeyExchange(String name) {
        TestFile file = Wycheproof.load(name);
        Tally tally = new Tally(file);
        for (Group group : file.groups()) {
            KeyExchangeAlgorithm algorithm = algorithm(group.string("curve"));
            boolean spki = "asn".equals(group.fields().get("encoding"));
            for (Vector v : group.tests()) {
                run(algorithm, spki, v, tally);
            }
        }
        tally.finish();
    }

    private static KeyExchangeAlgorithm algorithm(String curve) {
        switch (curve) {
            case "curve25519":
                return KeyExchangeAlgorithm.X25519;
            case "curve448":
                return KeyExchangeAlgorithm.X448;
            case "secp256r1":
                return KeyExchangeAlgorithm.SECP256R1;
            case "secp384r1":
                return KeyExchangeAlgorithm.SECP384R1;
            case "secp521r1":
                return KeyExchangeAlgorithm.SECP521R1;
            default:
                throw new IllegalArgumentException(curve);
        }
    }

    private void run(KeyExchangeAlgorithm algorithm, boolean spki, Vector v, Tally tally) {
        Decision decision = v.acceptable() ? decide(algorithm, spki, v) : null;
        byte[] peer = v.bytes("public");
        String rejection = null;
        if (spki) {
            try {
                peer = shareOf(algorithm, peer);
            } catch (GeneralSecurityException e) {
                rejection = "SubjectPublicKeyInfo refused: " + e.getMessage();
            }
        }
        byte[] expected = v.bytes("shared");
        if (rejection != null) {
            tally.ran(v, false, false, decision, rejection);
            return;
        }
        KeyExchange exchange = exchanges.computeIfAbsent(algorithm + " " + v.fields().get("private"),
                k -> KeyExchanges.fromPrivateKey(algorithm, privateKey(algorithm, v.bytes("private"))));
        try {
            byte[] shared = exchange.decapsulate(peer);
            tally.ran(v, true, Arrays.equals(expected, shared), decision, "shared secret " + hex(shared));
        } catch (InvalidKeyShareException e) {
            boolean zero = e.kind() == InvalidKeyShareException.Kind.ZERO_SHARED_SECRET;
            if (zero != v.hasFlag("ZeroSharedSecret")) {
                tally.failed(v, "refused as " + e.kind() + ": " + e.getMessage());
            } else {
                tally.ran(v, false, false, decision, "refused: " + e.kind() + " " + e.getMessage());
            }
        } catch (RuntimeException e) {
            // A share must be refused with InvalidKeyShareException (illegal_parameter), never anything else.
            tally.failed(v, "threw " + e);
        }
    }

    private static Decision decide(KeyExchangeAlgorithm algorithm, boolean spki, Vector v) {
        if (v.hasFlag("ZeroSharedSecret")) {
            return Decision.reject("all-zero shared secret (RFC 8446 §7.4.2)");
        }
        if (algorithm == KeyExchangeAlgorithm.X25519 || algorithm == KeyExchangeAlgorithm.X448) {
            return Decision.accept("non-zero secret from a twist, low-order or non-canonical value (RFC 7748 §5)");
        }
        if (v.hasFlag("CompressedPoint")) {
            return Decision.reject("compressed point (RFC 8446 §4.2.8.2: uncompressed only)");
        }
        if (spki && v.hasFlag("InvalidAsn")) {
            return Decision.either("BER in the SubjectPublicKeyInfo: the JDK's X.509 decoder decides");
        }
        if (spki && v.hasFlag("UnusedParam")) {
            return Decision.reject("explicit curve parameters differing from the named curve's");
        }
        throw new IllegalStateException("no decision for acceptable " + v);
    }

    /**
     * The key_share bytes of a SubjectPublicKeyInfo, through the path a certificate's EC key takes: the JDK's
     * X.509 decoder, then {@link EcCurve#matches} as {@link Signatures} checks a key against its scheme's curve.
     */
    private static byte[] shareOf(KeyExchangeAlgorithm algorithm, byte[] spki) throws GeneralSecurityException {
        PublicKey key;
        try {
            key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki));
        } catch (RuntimeException e) {
            // The JDK's decoder should throw InvalidKeySpecException; anything else is a refusal too.
            throw new GeneralSecurityException(e.toString(), e);
        }
        EcCurve curve = EcCurve.of(algorithm);
        if (!(key instanceof ECPublicKey) || !curve.matches(((ECPublicKey) key).getParams())) {
            throw new GeneralSecurityException("not a key on " + curve.jcaName());
        }
        return curve.encodeUncompressed(((ECPublicKey) key).getW());
    }

    /**
     * Wycheproof gives NIST-curve private keys as signed big-endian integers (a leading zero byte when the top bit
     * is set, leading zeros dropped); the key exchange takes the field-length scalar.
     */
    private static byte[] privateKey(KeyExchangeAlgorithm algorithm, byte[] raw) {
        if (algorithm == KeyExchangeAlgorithm.X25519 || algorithm == KeyExchangeAlgorithm.X448) {
            return raw;
        }
        byte[] out = new byte[EcCurve.of(algorithm).fieldLength()];
        EcCurve.writeFixed(new BigInteger(1, raw), out, 0, out.length);
        return out;
    }

    private static String hex(byte[] b) {
        return dev.tls13.testing.Hex.encode(b);
    }
}
