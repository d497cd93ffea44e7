package dev.tls13.crypto;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.EllipticCurve;
import java.util.Arrays;

/**
 * The three NIST prime curves TLS 1.3 uses for ECDHE and ECDSA, with the public-value checks of
 * RFC 8446 §4.2.8.2. All three have cofactor 1, so a point that is on the curve and not the identity
 * lies in the prime-order group: no subgroup check is needed (SEC 1 v2 §3.2.2.1).
 */
enum EcCurve {
    /** NIST P-256. */
    SECP256R1("secp256r1", 32),
    /** NIST P-384. */
    SECP384R1("secp384r1", 48),
    /** NIST P-521. */
    SECP521R1("secp521r1", 66);

    /** First byte of an uncompressed point, the only form TLS 1.3 allows (RFC 8446 §4.2.8.2). */
    private static final byte UNCOMPRESSED = 0x04;

    private final String jcaName;
    private final int fieldLength;
    private final ECParameterSpec params;
    private final BigInteger p;
    private final BigInteger a;
    private final BigInteger b;

    EcCurve(String jcaName, int fieldLength) {
        this.jcaName = jcaName;
        this.fieldLength = fieldLength;
        try {
            AlgorithmParameters ap = AlgorithmParameters.getInstance("EC");
            ap.init(new ECGenParameterSpec(jcaName));
            this.params = ap.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCA lacks curve " + jcaName, e);
        }
        EllipticCurve curve = params.getCurve();
        this.p = ((ECFieldFp) curve.getField()).getP();
        this.a = curve.getA();
        this.b = curve.getB();
    }

    /** @return the curve of an ECDHE algorithm */
    static EcCurve of(KeyExchangeAlgorithm algorithm) {
        switch (algorithm) {
            case SECP256R1:
                return SECP256R1;
            case SECP384R1:
                return SECP384R1;
            case SECP521R1:
                return SECP521R1;
            default:
                throw new IllegalArgumentException("not a NIST curve: " + algorithm);
        }
    }

    /** @return the JCA / SEC 2 name */
    String jcaName() {
        return jcaName;
    }

    /** @return the byte length of a field element (and of the ECDH shared secret, RFC 8446 §7.4.2) */
    int fieldLength() {
        return fieldLength;
    }

    /** @return the domain parameters */
    ECParameterSpec params() {
        return params;
    }

    /** @return whether {@code other} describes this curve (same field, coefficients, generator, order) */
    boolean matches(ECParameterSpec other) {
        return other != null
                && params.getCurve().equals(other.getCurve())
                && params.getGenerator().equals(other.getGenerator())
                && params.getOrder().equals(other.getOrder())
                && params.getCofactor() == other.getCofactor();
    }

    /**
     * Decodes and fully validates a peer's UncompressedPointRepresentation (RFC 8446 §4.2.8.2):
     * exact length, legacy_form 4, both coordinates in [0, p), and the curve equation. The identity
     * has no uncompressed encoding, and (0, 0) fails the equation because b is not zero.
     *
     * @param encoded the key_exchange bytes
     * @return the point
     * @throws InvalidKeyShareException if any check fails
     */
    ECPoint decodeUncompressed(byte[] encoded) throws InvalidKeyShareException {
        if (encoded.length != 1 + 2 * fieldLength) {
            throw invalid("share length " + encoded.length + ", expected " + (1 + 2 * fieldLength));
        }
        if (encoded[0] != UNCOMPRESSED) {
            throw invalid("point not in uncompressed form");
        }
        BigInteger x = new BigInteger(1, slice(encoded, 1));
        BigInteger y = new BigInteger(1, slice(encoded, 1 + fieldLength));
        if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
            throw invalid("coordinate not below the field prime");
        }
        BigInteger left = y.multiply(y).mod(p);
        BigInteger right = x.multiply(x).add(a).multiply(x).add(b).mod(p);
        if (!left.equals(right)) {
            throw invalid("point not on " + jcaName);
        }
        return new ECPoint(x, y);
    }

    /** @return the uncompressed encoding 0x04 || x || y of {@code point}, coordinates left-padded */
    byte[] encodeUncompressed(ECPoint point) {
        byte[] out = new byte[1 + 2 * fieldLength];
        out[0] = UNCOMPRESSED;
        writeFixed(point.getAffineX(), out, 1, fieldLength);
        writeFixed(point.getAffineY(), out, 1 + fieldLength, fieldLength);
        return out;
    }

    /**
     * Writes the unsigned big-endian value of {@code v} into exactly {@code length} bytes. Callers pass private
     * scalars ({@link P256#privateScalar}) and shared secrets, so the intermediate copy {@link
     * BigInteger#toByteArray} makes is zeroed before returning; {@code v} itself is immutable and cannot be.
     */
    static void writeFixed(BigInteger v, byte[] out, int offset, int length) {
        byte[] raw = v.toByteArray();
        try {
            int skip = 0;
            while (skip < raw.length - 1 && raw[skip] == 0 && raw.length - skip > length) {
                skip++;
            }
            int n = raw.length - skip;
            if (n > length) {
                throw new IllegalArgumentException("value longer than " + length + " bytes");
            }
            System.arraycopy(raw, skip, out, offset + length - n, n);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    private byte[] slice(byte[] encoded, int offset) {
        byte[] out = new byte[fieldLength];
        System.arraycopy(encoded, offset, out, 0, fieldLength);
        return out;
    }

    private static InvalidKeyShareException invalid(String message) {
        return new InvalidKeyShareException(InvalidKeyShareException.Kind.INVALID_PUBLIC_VALUE, message);
    }
}
