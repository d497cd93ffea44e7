package dev.tls13.wire;

import java.util.Objects;

/**
 * TLS 1.2 ServerKeyExchange for ECDHE (RFC 8422 §5.4, RFC 5246 §7.4.3): {@code ServerECDHParams} with
 * curve_type named_curve, the named curve and the server's point, signed with a SignatureAndHashAlgorithm
 * (RFC 5246 §7.4.1.4.1). The signature covers {@code client_random ‖ server_random ‖ params}, where params
 * are {@link #encodedParams()}.
 *
 * @param namedCurve the group of the server's ephemeral key
 * @param publicKey the ECPoint (or X25519/X448 public key), 1..255 bytes
 * @param scheme the signature algorithm
 * @param signature the signature, 0..65535 bytes
 */
public record ServerKeyExchange(NamedGroup namedCurve, byte[] publicKey, SignatureScheme scheme, byte[] signature)
        implements HandshakeMessage {

    /** ECCurveType named_curve (RFC 8422 §5.4); explicit curves are deprecated and refused. */
    public static final int NAMED_CURVE = 3;

    /** Checks for {@code null}. */
    public ServerKeyExchange {
        Objects.requireNonNull(namedCurve, "namedCurve");
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(signature, "signature");
    }

    /** @return the ServerECDHParams as on the wire: curve_type, named_curve, opaque point&lt;1..2^8-1&gt; */
    public byte[] encodedParams() {
        byte[] params = new byte[4 + publicKey.length];
        params[0] = NAMED_CURVE;
        params[1] = (byte) (namedCurve.code() >>> 8);
        params[2] = (byte) namedCurve.code();
        params[3] = (byte) publicKey.length;
        System.arraycopy(publicKey, 0, params, 4, publicKey.length);
        return params;
    }

    @Override
    public HandshakeType type() {
        return HandshakeType.SERVER_KEY_EXCHANGE_RESERVED;
    }

    @Override
    public String toString() {
        return "ServerKeyExchange[" + namedCurve + ", point " + Codec.hex(publicKey) + ", " + scheme + ", "
                + signature.length + "-byte signature]";
    }
}
