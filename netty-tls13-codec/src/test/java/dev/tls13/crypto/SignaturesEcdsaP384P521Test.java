package dev.tls13.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.testing.Hex;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Regression tests for the two ECDSA P-384/P-521 verification bugs Wycheproof found in the JCA path
 * (JDK 17's SunEC): a valid signature whose x(R) is at least n was rejected, and an s encoded without its
 * leading zero byte (a negative DER INTEGER) was accepted. {@link Signatures} now decodes the DER strictly
 * itself and verifies with BouncyCastle.
 */
class SignaturesEcdsaP384P521Test {

    private static final byte[] MESSAGE = "CertificateVerify content".getBytes(StandardCharsets.US_ASCII);

    /** Wycheproof ecdsa_secp384r1_sha384_test tcId 499 and 382, ecdsa_secp521r1_sha512_test tcId 537 and 419. */
    @Test
    void validSignaturesWhoseRIsXMinusTheOrderVerify() throws Exception {
        // P-384, r = 2 with x(R) = n + 2, message "hello, world".
        assertTrue(verify(SignatureAlgorithm.ECDSA_SECP384R1_SHA384,
                "3076301006072a8648ce3d020106052b810400220362000401b54a697305092bac2939fb906d7471b411c4eb"
                        + "a8654169166a5da3810e1fc96795df921f7abbf519be4a027435176ca19012a3518773d508106d4153adee43"
                        + "c3c384fa62ce36a4addea08f593ec9c76b09a6b9c69d29bd7d47eb48e167dd2f",
                "68656c6c6f2c20776f726c64",
                "3036020102023100ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db2"
                        + "48b0a77aecec196accc52970"));
        // P-384, k G with a large x coordinate, message "123400".
        assertTrue(verify(SignatureAlgorithm.ECDSA_SECP384R1_SHA384,
                "3076301006072a8648ce3d020106052b81040022036200044bf4e52f958427ebb5915fb8c9595551b4d3a3fd"
                        + "ab67badd9d6c3093f425ba43630df71f42f0eb7ceaa94d9f6448a85dd30331588249fd2fdc0b309ec7ed8481"
                        + "bc16f27800c13d7db700fc82e1b1c8545aa0c0d3b56e3bfe789fc18a916887c2",
                "313233343030",
                "304d0218389cb27e0bc8d21fa7e5f24cb74f58851313e696333ad68b023100ffffffffffffffffffffffffff"
                        + "ffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52970"));
        // P-521, r = 1 with x(R) = n + 1, message "hello, world".
        assertTrue(verify(SignatureAlgorithm.ECDSA_SECP521R1_SHA512,
                "30819b301006072a8648ce3d020106052b8104002303818600040049bbb2d3267a6eab2c59fac5b138b9e9c3"
                        + "83db6637fcfe5d9f430e4c4c2ba0332340975448bd86c92a55c1a8288adf7f774096022419aa8c497499dafe"
                        + "e7b9325700bb52fd444ec497ce228135f2498d40fb84eb6f674df1245d3aaac3c75b55ff5fff8e90b6f0189a"
                        + "3132cb9fd8d6e74fda5866fe2b9fc7484c628fde97e0b00f2b67",
                "68656c6c6f2c20776f726c64",
                "3047020101024201fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa518687"
                        + "83bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386406"));
        // P-521, k G with a large x coordinate, message "123400".
        assertTrue(verify(SignatureAlgorithm.ECDSA_SECP521R1_SHA512,
                "30819b301006072a8648ce3d020106052b81040023038186000400491cd6c5f93b7414d6d45cfe3d264bd077"
                        + "fc4427a4b0afede76cac537a7ca5ee2c44564258260f7691b81fdfecebfd03ba672277875c5b311ea920e74f"
                        + "b3978af50144a353a251b4297894161bae12d16a89c33b719f904cfccc277df78cea5379198642fd549df919"
                        + "904dc0cf3662eeab01ef11b8e3cb49b51b853d98f042600c0997",
                "313233343030",
                "3067022105ae79787c40d069948033feb708f65a2fc44a36477663b851449048e16ec79bf5024201ffffffff"
                        + "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5"
                        + "d03bb5c9b8899c47aebb6fb71e91386406"));
    }

    /** Wycheproof ecdsa_secp384r1_sha384_test tcId 6: s without its leading zero, which SunEC accepted. */
    @Test
    void aNegativeSIsNotASignature() throws Exception {
        assertFalse(verify(SignatureAlgorithm.ECDSA_SECP384R1_SHA384,
                "3076301006072a8648ce3d020106052b81040022036200042da57dda1089276a543f9ffdac0bff0d976cad71"
                        + "eb7280e7d9bfd9fee4bdb2f20f47ff888274389772d98cc5752138aa4b6d054d69dcf3e25ec49df870715e34"
                        + "883b1836197d76f8ad962e78f6571bbc7407b0d6091f9e4d88f014274406174f",
                "313233343030",
                "3064023012b30abef6b5476fe6b612ae557c0425661e26b44b1bfe19daf2ca28e3113083ba8e4ae4cc45a032"
                        + "0abd3394f1c548d70230e7bf25603e2d07076ff30b7a2abec473da8b11c572b35fc631991d5de62ddca7525a"
                        + "aba89325dfd04fecc47bff426f82"));
    }

    /** The JDK's signatures verify; every non-DER re-encoding of the same (r, s) does not. */
    @ParameterizedTest
    @EnumSource(value = SignatureAlgorithm.class, names = {"ECDSA_SECP384R1_SHA384", "ECDSA_SECP521R1_SHA512"})
    void onlyTheDerEncodingOfASignatureVerifies(SignatureAlgorithm algorithm) throws Exception {
        boolean p384 = algorithm == SignatureAlgorithm.ECDSA_SECP384R1_SHA384;
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(p384 ? "secp384r1" : "secp521r1"));
        KeyPair pair = generator.generateKeyPair();
        BigInteger n = (p384 ? EcCurve.SECP384R1 : EcCurve.SECP521R1).params().getOrder();
        // Sign until r has its top bit set (a leading zero byte in DER) on P-384; P-521's r never does.
        byte[] der;
        BigInteger[] rs;
        do {
            Signature signer = Signature.getInstance(p384 ? "SHA384withECDSA" : "SHA512withECDSA");
            signer.initSign(pair.getPrivate());
            signer.update(MESSAGE);
            der = signer.sign();
            rs = Signatures.decodeEcdsaSignature(der, n);
        } while (p384 && rs[0].bitLength() % 8 != 0);
        assertTrue(JcaCryptoProvider.instance().verify(algorithm, pair.getPublic(), MESSAGE, der));
        byte[] r = rs[0].toByteArray();
        byte[] s = rs[1].toByteArray();
        assertArrayEquals(der, encode(r, s));

        PublicKey key = pair.getPublic();
        // P-384's SEQUENCE fits the short form, P-521's needs 0x81: one length byte more is BER either way.
        assertRefused(algorithm, key, encode(r, s, p384 ? 1 : 2, new byte[0]), "a longer length form than needed");
        byte[] padded = new byte[r.length + 1];
        System.arraycopy(r, 0, padded, 1, r.length);
        assertRefused(algorithm, key, encode(padded, s), "a non-minimal INTEGER");
        if (p384) {
            assertRefused(algorithm, key, encode(Arrays.copyOfRange(r, 1, r.length), s),
                    "a negative INTEGER (its leading zero missing)");
        }
        assertRefused(algorithm, key, encode(r, s, 0, new byte[] {0}), "a byte after s inside the SEQUENCE");
        assertRefused(algorithm, key, Arrays.copyOf(der, der.length + 1), "a byte after the SEQUENCE");
        assertRefused(algorithm, key, encode(rs[0].add(n).toByteArray(), s), "r + n");
        assertRefused(algorithm, key, encode(r, rs[1].flipBit(0).toByteArray()), "another s");
        assertNull(Signatures.decodeEcdsaSignature(encode(new byte[] {0}, s), n), "r = 0");
        assertNull(Signatures.decodeEcdsaSignature(encode(r, n.toByteArray()), n), "s = n");
    }

    private static void assertRefused(SignatureAlgorithm algorithm, PublicKey key, byte[] signature, String what)
            throws Exception {
        assertFalse(JcaCryptoProvider.instance().verify(algorithm, key, MESSAGE, signature), what);
    }

    /** SEQUENCE { INTEGER r, INTEGER s } with the given content bytes, in DER's length form. */
    private static byte[] encode(byte[] r, byte[] s) {
        return encode(r, s, 0, new byte[0]);
    }

    /**
     * SEQUENCE { INTEGER r, INTEGER s } followed by {@code extra} inside the SEQUENCE; the SEQUENCE's length in
     * {@code lengthBytes} bytes of the long form, or in DER's shortest form when 0.
     */
    private static byte[] encode(byte[] r, byte[] s, int lengthBytes, byte[] extra) {
        int content = 2 + r.length + 2 + s.length + extra.length;
        int n = lengthBytes != 0 ? lengthBytes : content >= 0x80 ? 1 : 0;
        byte[] out = new byte[2 + n + content];
        out[0] = 0x30;
        if (n == 0) {
            out[1] = (byte) content;
        } else {
            out[1] = (byte) (0x80 | n);
            for (int i = 0; i < n; i++) {
                out[2 + i] = (byte) (content >> (8 * (n - 1 - i)));
            }
        }
        int pos = 2 + n;
        out[pos] = 0x02;
        out[pos + 1] = (byte) r.length;
        System.arraycopy(r, 0, out, pos + 2, r.length);
        pos += 2 + r.length;
        out[pos] = 0x02;
        out[pos + 1] = (byte) s.length;
        System.arraycopy(s, 0, out, pos + 2, s.length);
        System.arraycopy(extra, 0, out, pos + 2 + s.length, extra.length);
        return out;
    }

    private static boolean verify(SignatureAlgorithm algorithm, String spki, String message, String signature)
            throws Exception {
        PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Hex.decode(spki)));
        return JcaCryptoProvider.instance().verify(algorithm, key, Hex.decode(message), Hex.decode(signature));
    }
}
