package dev.tls13.wire;

import dev.tls13.error.InvalidMessage;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes and encodes the TLS 1.2 handshake messages whose format differs from TLS 1.3's or that TLS 1.3
 * does not have (RFC 5246 §7.4, RFC 8422 §5, RFC 5077 §3.3): HelloRequest, NewSessionTicket, Certificate,
 * ServerKeyExchange (ECDHE), CertificateRequest, ServerHelloDone, CertificateVerify (the TLS 1.3 shape),
 * ClientKeyExchange (ECDHE) and Finished (12 bytes); a ClientHello (a renegotiation attempt) is decoded by
 * {@link HandshakeCodec}. Strict like {@link HandshakeCodec}: every length is checked against its RFC bounds and
 * what remains before use, anything left over is an error, and a malformed message is decode_error.
 */
public final class Tls12HandshakeCodec {

    /** Finished.verify_data length of every TLS 1.2 suite of ours (RFC 5246 §7.4.9). */
    public static final int VERIFY_DATA_LENGTH = 12;

    private Tls12HandshakeCodec() {
    }

    /**
     * Decodes one whole TLS 1.2 handshake message, header included.
     *
     * @param message exactly one message: its readable bytes are the 4-byte header and the body; borrowed,
     *        and its indices are left unchanged
     * @return the decoded message
     * @throws TlsException decode_error for malformed bytes, unexpected_message for a type this codec does not know;
     *         illegal_parameter for an explicit curve in ServerKeyExchange
     */
    public static HandshakeMessage decode(ByteBuf message) throws TlsException {
        ByteBuf in = message.duplicate();
        int type = Codec.u8(in);
        int length = Codec.u24(in);
        if (length > in.readableBytes()) {
            throw TlsException.invalid(InvalidMessage.TRUNCATED,
                    "handshake length " + length + ", " + in.readableBytes() + " bytes follow");
        }
        if (length < in.readableBytes()) {
            throw TlsException.invalid(InvalidMessage.TRAILING_DATA,
                    (in.readableBytes() - length) + " bytes after the handshake message");
        }
        if (type == 0x01) {
            // A ClientHello after a TLS 1.2 handshake is a renegotiation attempt, which the server answers with
            // no_renegotiation (docs/architecture.md §16); its format is the same in both versions.
            return HandshakeCodec.decode(message);
        }
        HandshakeMessage m;
        switch (type) {
            case 0x00:
                m = new HelloRequest();
                break;
            case 0x04:
                // RFC 5077 §3.3: ticket_lifetime_hint, then opaque ticket<0..2^16-1>.
                m = new Tls12NewSessionTicket(Codec.u32(in), Codec.opaque(in, 2, 0, 0xFFFF, "ticket"));
                break;
            case 0x0B:
                m = certificate(in);
                break;
            case 0x0C:
                m = serverKeyExchange(in);
                break;
            case 0x0D:
                m = certificateRequest(in);
                break;
            case 0x0E:
                m = new ServerHelloDone();
                break;
            case 0x0F:
                m = new CertificateVerify(SignatureScheme.of(Codec.u16(in)),
                        Codec.opaque(in, 2, 0, 0xFFFF, "signature"));
                break;
            case 0x10:
                m = new ClientKeyExchange(Codec.opaque(in, 1, 1, 0xFF, "ecdh_Yc"));
                break;
            case 0x14:
                // RFC 5246 §7.4.9: verify_data_length is 12 for every suite that does not say otherwise.
                if (in.readableBytes() != VERIFY_DATA_LENGTH) {
                    throw TlsException.invalid(in.readableBytes() < VERIFY_DATA_LENGTH ? InvalidMessage.TRUNCATED
                            : InvalidMessage.TRAILING_DATA, "verify_data is " + in.readableBytes() + " bytes, not 12");
                }
                m = new Finished(Codec.bytes(in, VERIFY_DATA_LENGTH));
                break;
            default:
                throw TlsException.invalid(InvalidMessage.UNKNOWN_HANDSHAKE_TYPE,
                        "TLS 1.2 " + HandshakeType.of(type));
        }
        Codec.end(in, m.type().toString());
        return m;
    }

    private static Tls12Certificate certificate(ByteBuf in) throws TlsException {
        ByteBuf list = Codec.vector(in, 3, 0, 0xFFFFFF, 1, "certificate_list");
        List<byte[]> certificates = new ArrayList<>();
        while (list.isReadable()) {
            certificates.add(Codec.opaque(list, 3, 1, 0xFFFFFF, "ASN.1Cert"));
        }
        return new Tls12Certificate(certificates);
    }

    private static ServerKeyExchange serverKeyExchange(ByteBuf in) throws TlsException {
        int curveType = Codec.u8(in);
        if (curveType != ServerKeyExchange.NAMED_CURVE) {
            // RFC 8422 §5.4: explicit_prime and explicit_char2 are deprecated and never offered by us (we send
            // only named curves in supported_groups): a parameter we did not allow.
            throw TlsException.misbehaved(PeerMisbehaved.ILLEGAL_PARAMETER, "ECCurveType " + curveType);
        }
        NamedGroup group = NamedGroup.of(Codec.u16(in));
        byte[] point = Codec.opaque(in, 1, 1, 0xFF, "ECPoint");
        SignatureScheme scheme = SignatureScheme.of(Codec.u16(in));
        byte[] signature = Codec.opaque(in, 2, 0, 0xFFFF, "signature");
        return new ServerKeyExchange(group, point, scheme, signature);
    }

    private static Tls12CertificateRequest certificateRequest(ByteBuf in) throws TlsException {
        ByteBuf types = Codec.vector(in, 1, 1, 0xFF, 1, "certificate_types");
        List<Integer> certificateTypes = new ArrayList<>(types.readableBytes());
        while (types.isReadable()) {
            certificateTypes.add((int) types.readUnsignedByte());
        }
        ByteBuf schemes = Codec.vector(in, 2, 2, 0xFFFE, 2, "supported_signature_algorithms");
        List<SignatureScheme> signatureSchemes = new ArrayList<>(schemes.readableBytes() / 2);
        while (schemes.isReadable()) {
            signatureSchemes.add(SignatureScheme.of(schemes.readUnsignedShort()));
        }
        ByteBuf names = Codec.vector(in, 2, 0, 0xFFFF, 1, "certificate_authorities");
        List<byte[]> authorities = new ArrayList<>();
        while (names.isReadable()) {
            authorities.add(Codec.opaque(names, 2, 1, 0xFFFF, "DistinguishedName"));
        }
        return new Tls12CertificateRequest(certificateTypes, signatureSchemes, authorities);
    }

    /**
     * Encodes a TLS 1.2 message, header included.
     *
     * @param m a message {@link #decode} returns
     * @return the bytes
     * @throws IllegalArgumentException when a field does not fit its wire type or RFC bounds, or the message
     *         is not one this codec encodes
     */
    public static byte[] encode(HandshakeMessage m) {
        ByteBuf out = Unpooled.buffer(256);
        try {
            Codec.writeU8(out, m.type().code());
            int mark = Codec.beginVector(out, 3);
            encodeBody(m, out);
            Codec.endVector(out, mark, 3, 0, 0xFFFFFF, m.type().toString());
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    private static void encodeBody(HandshakeMessage m, ByteBuf out) {
        if (m instanceof HelloRequest || m instanceof ServerHelloDone) {
            return;
        } else if (m instanceof Tls12NewSessionTicket nst) {
            Codec.writeU32(out, nst.ticketLifetimeHint());
            Codec.writeOpaque(out, 2, 0, 0xFFFF, nst.ticket(), "ticket");
        } else if (m instanceof Tls12Certificate c) {
            int mark = Codec.beginVector(out, 3);
            for (byte[] cert : c.certificates()) {
                Codec.writeOpaque(out, 3, 1, 0xFFFFFF, cert, "ASN.1Cert");
            }
            Codec.endVector(out, mark, 3, 0, 0xFFFFFF, "certificate_list");
        } else if (m instanceof ServerKeyExchange ske) {
            Codec.writeU8(out, ServerKeyExchange.NAMED_CURVE);
            Codec.writeU16(out, ske.namedCurve().code());
            Codec.writeOpaque(out, 1, 1, 0xFF, ske.publicKey(), "ECPoint");
            Codec.writeU16(out, ske.scheme().code());
            Codec.writeOpaque(out, 2, 0, 0xFFFF, ske.signature(), "signature");
        } else if (m instanceof Tls12CertificateRequest cr) {
            int types = Codec.beginVector(out, 1);
            for (int t : cr.certificateTypes()) {
                Codec.writeU8(out, t);
            }
            Codec.endVector(out, types, 1, 1, 0xFF, "certificate_types");
            int schemes = Codec.beginVector(out, 2);
            for (SignatureScheme s : cr.signatureSchemes()) {
                Codec.writeU16(out, s.code());
            }
            Codec.endVector(out, schemes, 2, 2, 0xFFFE, "supported_signature_algorithms");
            int names = Codec.beginVector(out, 2);
            for (byte[] dn : cr.certificateAuthorities()) {
                Codec.writeOpaque(out, 2, 1, 0xFFFF, dn, "DistinguishedName");
            }
            Codec.endVector(out, names, 2, 0, 0xFFFF, "certificate_authorities");
        } else if (m instanceof CertificateVerify cv) {
            Codec.writeU16(out, cv.algorithm().code());
            Codec.writeOpaque(out, 2, 0, 0xFFFF, cv.signature(), "signature");
        } else if (m instanceof ClientKeyExchange cke) {
            Codec.writeOpaque(out, 1, 1, 0xFF, cke.publicKey(), "ecdh_Yc");
        } else if (m instanceof Finished f) {
            if (f.verifyData().length != VERIFY_DATA_LENGTH) {
                throw new IllegalArgumentException("TLS 1.2 verify_data must be 12 bytes");
            }
            out.writeBytes(f.verifyData());
        } else {
            throw new IllegalArgumentException("not a TLS 1.2 message of this codec: " + m.type());
        }
    }
}
