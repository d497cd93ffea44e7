package dev.tls13.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tls13.error.TlsException;
import dev.tls13.testing.Hex;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The TLS 1.2 messages and extensions of our profile (RFC 5246 §7.4, RFC 8422 §5, RFC 7627, RFC 5746). */
class Tls12HandshakeCodecTest {

    private static HandshakeMessage decode(byte[] bytes) throws TlsException {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            return Tls12HandshakeCodec.decode(buf);
        } finally {
            buf.release();
        }
    }

    private static AlertDescription alert(String hex) {
        TlsException e = assertThrows(TlsException.class, () -> decode(Hex.decode(hex)));
        return e.failure().alert();
    }

    private static void roundTrip(HandshakeMessage m, String hex) throws TlsException {
        byte[] encoded = Tls12HandshakeCodec.encode(m);
        assertEquals(hex, Hex.encode(encoded));
        assertArrayEquals(encoded, Tls12HandshakeCodec.encode(decode(encoded)));
    }

    @Test
    void serverKeyExchangeParamsAndSignature() throws TlsException {
        ServerKeyExchange ske = new ServerKeyExchange(NamedGroup.X25519, Hex.decode("0102"),
                SignatureScheme.ECDSA_SECP256R1_SHA256, Hex.decode("aabbcc"));
        // curve_type 3, named_curve 0x001d, point<1..255>, SignatureAndHashAlgorithm 0x0403, signature<0..2^16-1>.
        roundTrip(ske, "0c00000d" + "03001d020102" + "0403" + "0003aabbcc");
        assertEquals("03001d020102", Hex.encode(ske.encodedParams()));
        ServerKeyExchange back = (ServerKeyExchange) decode(Tls12HandshakeCodec.encode(ske));
        assertEquals(NamedGroup.X25519, back.namedCurve());
        assertEquals(SignatureScheme.ECDSA_SECP256R1_SHA256, back.scheme());
    }

    @Test
    void newSessionTicket() throws TlsException {
        // RFC 5077 §3.3: ticket_lifetime_hint u32, ticket<0..2^16-1>; an empty ticket means none after all.
        roundTrip(new Tls12NewSessionTicket(3600, Hex.decode("aabbcc")), "04000009" + "00000e10" + "0003aabbcc");
        roundTrip(new Tls12NewSessionTicket(0, new byte[0]), "04000006" + "00000000" + "0000");
        Tls12NewSessionTicket back = (Tls12NewSessionTicket) decode(Hex.decode("04000009" + "00000e10" + "0003aabbcc"));
        assertEquals(3600, back.ticketLifetimeHint());
        assertEquals("aabbcc", Hex.encode(back.ticket()));
    }

    @Test
    void explicitCurvesAreIllegalParameter() {
        // RFC 8422 §5.4: explicit_prime (1) and explicit_char2 (2) are deprecated; we offered named curves only.
        assertEquals(AlertDescription.ILLEGAL_PARAMETER, alert("0c00000d" + "01001d020102" + "0403" + "0003aabbcc"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "0c00000a03001d000403" + "0000", // empty point
        "0c00000c03001d020102040300", // signature length cut
        "0c00000d03001d020102040300030102", // signature shorter than its length
        "0c00000c03001d0201020403000300", // handshake length says more than follows
        "1000000100", // ClientKeyExchange with an empty point
        "100000020201", // point longer than the body
        "0e00000100", // ServerHelloDone with a body
        "0000000100", // HelloRequest with a body
        "1400000b0102030405060708090a0b", // Finished of 11 bytes
        "1400000d0102030405060708090a0b0c0d", // Finished of 13 bytes
        "0d00000500000100", // CertificateRequest with no certificate types
        "0d0000060140000100", // odd supported_signature_algorithms length
        "0d0000080140000204030001", // certificate_authorities length beyond the body
        "0d00000a01400002040300020000", // an empty DistinguishedName
        "0b000003000001", // certificate_list length beyond the body
        "0b00000600000300000000", // trailing garbage in the handshake
        "040000050000000100", // NewSessionTicket without its ticket length
        "0400000800000e1000030102", // NewSessionTicket ticket shorter than its length
        "04000008000000010001aabb", // NewSessionTicket with a byte after its ticket
    })
    void malformedMessagesAreDecodeErrors(String hex) {
        assertEquals(AlertDescription.DECODE_ERROR, alert(hex));
    }

    @Test
    void aClientHelloIsDecodedAsInTls13ForTheRenegotiationCheck() throws TlsException {
        byte[] random = new byte[32];
        ClientHello hello = new ClientHello(0x0303, random, new byte[0],
                List.of(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256), Extensions.of(
                        Tls12Extensions.extendedMasterSecret(), Tls12Extensions.emptyRenegotiationInfo()));
        ByteBuf in = Unpooled.wrappedBuffer(HandshakeCodec.encode(hello));
        try {
            ClientHello decoded = assertInstanceOf(ClientHello.class, Tls12HandshakeCodec.decode(in));
            assertEquals(hello.cipherSuites(), decoded.cipherSuites());
        } finally {
            in.release();
        }
    }

    @Test
    void unknownAndTls13OnlyTypesAreRefused() {
        // The mapping of UNKNOWN_HANDSHAKE_TYPE, as for TLS 1.3 (docs/architecture.md §7).
        assertEquals(AlertDescription.UNEXPECTED_MESSAGE, alert("08000000"));
        assertEquals(AlertDescription.UNEXPECTED_MESSAGE, alert("18000001" + "00"));
    }

    @Test
    void clientKeyExchangeCertificateVerifyFinishedHelloRequestServerHelloDone() throws TlsException {
        roundTrip(new ClientKeyExchange(Hex.decode("040506")), "10000004" + "03040506");
        roundTrip(new CertificateVerify(SignatureScheme.RSA_PKCS1_SHA256, Hex.decode("0102")), "0f000006" + "0401"
                + "00020102");
        roundTrip(new Finished(Hex.decode("0102030405060708090a0b0c")), "1400000c0102030405060708090a0b0c");
        roundTrip(new HelloRequest(), "00000000");
        roundTrip(new ServerHelloDone(), "0e000000");
        assertThrows(IllegalArgumentException.class, () -> Tls12HandshakeCodec.encode(new Finished(new byte[32])));
    }

    @Test
    void certificateHasNoContextAndNoEntryExtensions() throws TlsException {
        Tls12Certificate c = new Tls12Certificate(List.of(Hex.decode("3001"), Hex.decode("300203")));
        roundTrip(c, "0b00000e" + "00000b" + "0000023001" + "000003300203");
        roundTrip(new Tls12Certificate(List.of()), "0b000003000000");
        Tls12Certificate back = (Tls12Certificate) decode(Tls12HandshakeCodec.encode(c));
        assertEquals(2, back.certificates().size());
        assertArrayEquals(Hex.decode("300203"), back.certificates().get(1));
    }

    @Test
    void certificateRequestOfTls12() throws TlsException {
        Tls12CertificateRequest cr = new Tls12CertificateRequest(
                List.of(Tls12CertificateRequest.RSA_SIGN, Tls12CertificateRequest.ECDSA_SIGN),
                List.of(SignatureScheme.ECDSA_SECP256R1_SHA256, SignatureScheme.RSA_PKCS1_SHA256),
                List.of(Hex.decode("3000")));
        roundTrip(cr, "0d00000f" + "020140" + "000404030401" + "0004" + "00023000");
        Tls12CertificateRequest back = (Tls12CertificateRequest) decode(Tls12HandshakeCodec.encode(cr));
        assertEquals(List.of(1, 64), back.certificateTypes());
        assertEquals(1, back.certificateAuthorities().size());
    }

    @Test
    void theTls12Extensions() throws TlsException {
        Extension ems = Tls12Extensions.extendedMasterSecret();
        assertEquals(ExtensionType.EXTENDED_MASTER_SECRET, ems.type());
        Tls12Extensions.checkExtendedMasterSecret(ems);
        TlsException e = assertThrows(TlsException.class, () -> Tls12Extensions.checkExtendedMasterSecret(
                new Extension.UnknownExtension(ExtensionType.EXTENDED_MASTER_SECRET, new byte[1])));
        assertEquals(AlertDescription.DECODE_ERROR, e.failure().alert());

        assertArrayEquals(new byte[0],
                Tls12Extensions.renegotiatedConnection(Tls12Extensions.emptyRenegotiationInfo()));
        assertArrayEquals(Hex.decode("0102"), Tls12Extensions.renegotiatedConnection(
                new Extension.UnknownExtension(ExtensionType.RENEGOTIATION_INFO, Hex.decode("020102"))));
        for (String bad : new String[] {"", "02", "0001"}) {
            assertThrows(TlsException.class, () -> Tls12Extensions.renegotiatedConnection(
                    new Extension.UnknownExtension(ExtensionType.RENEGOTIATION_INFO, Hex.decode(bad))));
        }
        assertEquals(List.of(0), Tls12Extensions.ecPointFormats(Tls12Extensions.ecPointFormatsUncompressed()));
        assertEquals(List.of(0, 1, 2), Tls12Extensions.ecPointFormats(
                new Extension.UnknownExtension(ExtensionType.EC_POINT_FORMATS, Hex.decode("03000102"))));
        assertThrows(TlsException.class, () -> Tls12Extensions.ecPointFormats(
                new Extension.UnknownExtension(ExtensionType.EC_POINT_FORMATS, Hex.decode("00"))));
        assertThrows(IllegalArgumentException.class, () -> Tls12Extensions.ecPointFormats(ems));
    }

    @Test
    void aServerHelloWithoutSupportedVersionsCarriesTheTls12Extensions() throws TlsException {
        // RFC 5246 §7.4.1.4: ALPN and an empty server_name sit in a TLS 1.2 ServerHello (TLS 1.3 moved them to
        // EncryptedExtensions).
        String hex = "0303" + "00".repeat(32) + "00" + "c02b" + "00"
                + "0016" + "0000" + "0000" + "0010" + "0005" + "0003026832" + "0017" + "0000" + "ff01" + "0001" + "00";
        ByteBuf buf = Unpooled.wrappedBuffer(Hex.decode("02" + String.format("%06x", hex.length() / 2) + hex));
        try {
            ServerHello decoded = (ServerHello) HandshakeCodec.decode(buf);
            assertEquals(ExtensionContext.TLS12_SERVER_HELLO, decoded.extensionContext());
            assertEquals(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, decoded.cipherSuite());
            assertInstanceOf(Extension.Alpn.class,
                    decoded.extensions().get(ExtensionType.APPLICATION_LAYER_PROTOCOL_NEGOTIATION).orElseThrow());
            assertArrayEquals(io.netty.buffer.ByteBufUtil.getBytes(buf), HandshakeCodec.encode(decoded));
        } finally {
            buf.release();
        }
    }

    @Test
    void aTls12ServerHelloWithAnEmptyExtensionBlockReencodes() throws TlsException {
        // RFC 5246 §7.4.1.3: extensions<0..2^16-1>. A Jazzer finding: the encoder applied TLS 1.3's minimum of 6
        // bytes (supported_versions) and threw IllegalArgumentException on what the decoder had accepted.
        String hex = "0303" + "11".repeat(32) + "00" + "c02b" + "00" + "0000";
        ByteBuf buf = Unpooled.wrappedBuffer(Hex.decode("02" + String.format("%06x", hex.length() / 2) + hex));
        try {
            ServerHello decoded = (ServerHello) HandshakeCodec.decode(buf);
            assertEquals(ExtensionContext.TLS12_SERVER_HELLO, decoded.extensionContext());
            assertArrayEquals(io.netty.buffer.ByteBufUtil.getBytes(buf), HandshakeCodec.encode(decoded));
        } finally {
            buf.release();
        }
    }

    @Test
    void aTls13ServerHelloStillRefusesAlpn() {
        String hex = "0303" + "00".repeat(32) + "00" + "1301" + "00"
                + "000f" + "002b" + "0002" + "0304" + "0010" + "0005" + "0003026832";
        ByteBuf buf = Unpooled.wrappedBuffer(Hex.decode("02" + String.format("%06x", hex.length() / 2) + hex));
        try {
            TlsException e = assertThrows(TlsException.class, () -> HandshakeCodec.decode(buf));
            assertEquals(AlertDescription.ILLEGAL_PARAMETER, e.failure().alert());
        } finally {
            buf.release();
        }
    }

    @Test
    void tls12SuiteCodes() {
        assertEquals("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", CipherSuite.of(0xC02B).toString());
        assertEquals(CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, CipherSuite.of(0xCCA8));
        assertEquals(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, CipherSuite.of(0xC0AE));
        assertEquals(0x00FF, CipherSuite.TLS_EMPTY_RENEGOTIATION_INFO_SCSV.code());
        assertEquals(0x5600, CipherSuite.TLS_FALLBACK_SCSV.code());
    }
}
