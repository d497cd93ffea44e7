package dev.tls13.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import org.junit.jupiter.api.Test;

/** No copy of a private scalar outlives the call that needed it. */
class PrivateScalarWipeTest {

    /** RFC 6979 Appendix A.2.5's P-256 key. */
    private static final BigInteger X =
            new BigInteger("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721", 16);
    private static final BigInteger UX =
            new BigInteger("60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6", 16);
    private static final BigInteger UY =
            new BigInteger("7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299", 16);

    /**
     * {@link EcCurve#writeFixed} turns a JCA key's scalar into bytes through {@link BigInteger#toByteArray}; that
     * copy is zeroed (it was left for the garbage collector once per signature).
     */
    @Test
    void theScalarsIntermediateCopyIsZeroed() throws Exception {
        CapturingInteger s = new CapturingInteger(X);
        ECPrivateKey key = (ECPrivateKey) KeyFactory.getInstance("EC")
                .generatePrivate(new ECPrivateKeySpec(X, EcCurve.SECP256R1.params()));
        ECPrivateKey leaky = new ECPrivateKey() {
            private static final long serialVersionUID = 1L;

            @Override
            public BigInteger getS() {
                return s;
            }

            @Override
            public String getAlgorithm() {
                return "EC";
            }

            @Override
            public String getFormat() {
                return key.getFormat();
            }

            @Override
            public byte[] getEncoded() {
                return key.getEncoded();
            }

            @Override
            public ECParameterSpec getParams() {
                return key.getParams();
            }
        };
        byte[] message = "CertificateVerify".getBytes(StandardCharsets.US_ASCII);
        byte[] signature = JcaCryptoProvider.instance().sign(SignatureAlgorithm.ECDSA_SECP256R1_SHA256, leaky, message);
        PublicKey publicKey = KeyFactory.getInstance("EC")
                .generatePublic(new ECPublicKeySpec(new ECPoint(UX, UY), EcCurve.SECP256R1.params()));
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(publicKey);
        verifier.update(message);
        assertTrue(verifier.verify(signature));
        assertTrue(s.copies > 0, "the scalar was read through toByteArray");
        assertArrayEquals(new byte[s.last.length], s.last, "the copy is zeroed");
    }

    /** A BigInteger that keeps the last array {@link #toByteArray} handed out. */
    private static final class CapturingInteger extends BigInteger {
        private static final long serialVersionUID = 1L;
        private transient byte[] last;
        private int copies;

        CapturingInteger(BigInteger value) {
            super(value.toByteArray());
        }

        @Override
        public byte[] toByteArray() {
            last = super.toByteArray();
            copies++;
            return last;
        }
    }

    @Test
    void writeFixedZeroesItsCopyOnTheErrorPathToo() {
        CapturingInteger tooLong = new CapturingInteger(BigInteger.ONE.shiftLeft(300));
        assertThrows(IllegalArgumentException.class, () -> EcCurve.writeFixed(tooLong, new byte[32], 0, 32));
        assertArrayEquals(new byte[tooLong.last.length], tooLong.last);
    }
}
