package dev.tls13.wire;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tls13.error.TlsException;
import dev.tls13.testing.Rfc8448;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Shared helpers and the message corpus of the wire tests. */
final class WireTestSupport {

    /** Hash.length of TLS_AES_128_GCM_SHA256, the suite of every RFC 8448 trace. */
    static final int SHA256_LENGTH = 32;

    /**
     * A named encoded handshake message.
     *
     * @param name what it is, for test names
     * @param bytes the whole message, header included
     */
    record Sample(String name, byte[] bytes) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A check of one item that may throw. */
    interface Check<T> {
        void check(T item) throws Throwable;
    }

    private WireTestSupport() {
    }

    /**
     * Runs {@code check} on every item and reports every failure, each labelled with its item
     * (one test per property instead of one per item: the leak check after each test costs GCs).
     */
    static <T> void forEach(List<T> items, Check<T> check) {
        assertFalse(items.isEmpty());
        assertAll(items.stream().map(item -> () -> {
            try {
                check.check(item);
            } catch (Throwable t) {
                throw new AssertionError(item + ": " + t.getMessage(), t);
            }
        }));
    }

    /** Decodes {@code bytes} as one message (Finished checked against SHA-256's length), releasing the buffer. */
    static HandshakeMessage decode(byte[] bytes) throws TlsException {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            return HandshakeCodec.decode(buf, SHA256_LENGTH);
        } finally {
            buf.release();
        }
    }

    /** Asserts that decoding fails and returns the failure. */
    static TlsException decodeFails(byte[] bytes) {
        return assertThrows(TlsException.class, () -> decode(bytes));
    }

    /** Asserts that decoding fails with the given alert. */
    static void assertRejected(byte[] bytes, AlertDescription alert) {
        TlsException e = decodeFails(bytes);
        assertEquals(alert, e.failure().alert(), () -> e.getMessage());
    }

    /** Encodes into a pooled direct buffer (to exercise the ByteBuf path) and copies out. */
    static byte[] encodeViaByteBuf(HandshakeMessage m) {
        ByteBuf out = io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer();
        try {
            HandshakeCodec.encode(m, out);
            byte[] b = new byte[out.readableBytes()];
            out.readBytes(b);
            return b;
        } finally {
            out.release();
        }
    }

    /** Splits concatenated handshake messages by their 4-byte headers. */
    static List<byte[]> split(byte[] payload) {
        List<byte[]> out = new ArrayList<>();
        int i = 0;
        while (i < payload.length) {
            int len = ((payload[i + 1] & 0xFF) << 16) | ((payload[i + 2] & 0xFF) << 8) | (payload[i + 3] & 0xFF);
            out.add(Arrays.copyOfRange(payload, i, i + 4 + len));
            i += 4 + len;
        }
        return out;
    }

    /** Re-frames {@code body} as a message of type {@code type}, header length matching. */
    static byte[] frame(int type, byte[] body) {
        byte[] m = new byte[4 + body.length];
        m[0] = (byte) type;
        m[1] = (byte) (body.length >>> 16);
        m[2] = (byte) (body.length >>> 8);
        m[3] = (byte) body.length;
        System.arraycopy(body, 0, m, 4, body.length);
        return m;
    }

    /** The body of a whole message. */
    static byte[] body(byte[] message) {
        return Arrays.copyOfRange(message, 4, message.length);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    /** The message name of a "construct a(n) X handshake message" step. */
    static String constructedName(Rfc8448.Step step) {
        return step.step().replaceFirst("^construct an? ", "").replace(" handshake message", "");
    }

    /**
     * Every handshake message of the RFC 8448 traces: the "construct" steps (except section 4's
     * ClientHello, which is printed without its binders) and the full section 4 ClientHello.
     */
    static List<Sample> rfc8448Messages() {
        List<Sample> out = new ArrayList<>();
        for (Rfc8448.Trace trace : Rfc8448.Trace.values()) {
            int n = 0;
            for (Rfc8448.Step step : trace.steps()) {
                if (!step.step().startsWith("construct") || step.fields().isEmpty()) {
                    continue;
                }
                String name = constructedName(step);
                if (trace == Rfc8448.Trace.RESUMED_0RTT && name.equals("ClientHello")) {
                    continue;
                }
                out.add(new Sample(trace + " " + step.who() + " #" + (n++) + " " + name, step.bytes(name)));
            }
        }
        out.add(new Sample("RESUMED_0RTT client ClientHello (with binders)", fullResumptionClientHello()));
        return out;
    }

    /** The section 4 ClientHello with its binders: the payload of the first handshake record. */
    static byte[] fullResumptionClientHello() {
        return Rfc8448.find(Rfc8448.Trace.RESUMED_0RTT, "client", "send handshake record").get(0).bytes("payload");
    }

    /** Hand-built messages for the types and forms the traces do not show. */
    static List<Sample> handBuiltMessages() {
        List<Sample> out = new ArrayList<>();
        out.add(new Sample("KeyUpdate update_requested", HandshakeCodec.encode(new KeyUpdate(true))));
        out.add(new Sample("KeyUpdate update_not_requested", HandshakeCodec.encode(new KeyUpdate(false))));
        out.add(new Sample("EndOfEarlyData", HandshakeCodec.encode(new EndOfEarlyData())));
        out.add(new Sample("CertificateRequest post-handshake", HandshakeCodec.encode(certificateRequest())));
        out.add(new Sample("NewSessionTicket with early_data", HandshakeCodec.encode(newSessionTicket())));
        out.add(new Sample("HelloRetryRequest with cookie", HandshakeCodec.encode(helloRetryRequest())));
        out.add(new Sample("ClientHello with every extension", HandshakeCodec.encode(richClientHello())));
        out.add(new Sample("EncryptedExtensions with every extension",
                HandshakeCodec.encode(richEncryptedExtensions())));
        out.add(new Sample("Certificate with OCSP entry", HandshakeCodec.encode(certificateWithStatus())));
        out.add(new Sample("Certificate empty (client without certificate)",
                HandshakeCodec.encode(new Certificate(new byte[0], List.of()))));
        return out;
    }

    static List<Sample> allMessages() {
        List<Sample> all = new ArrayList<>(rfc8448Messages());
        all.addAll(handBuiltMessages());
        return all;
    }

    static CertificateRequest certificateRequest() {
        return new CertificateRequest(new byte[] {1, 2, 3, 4}, Extensions.of(
                new Extension.SignatureAlgorithms(List.of(SignatureScheme.ED25519, SignatureScheme.of(0x0A0A))),
                new Extension.CertificateAuthorities(List.of(new byte[] {0x30, 0x03, 0x31, 0x01, 0x00})),
                new Extension.SignatureAlgorithmsCert(List.of(SignatureScheme.RSA_PSS_RSAE_SHA256)),
                new Extension.StatusRequest(new byte[] {1, 0, 0, 0, 0}),
                new Extension.UnknownExtension(ExtensionType.OID_FILTERS, new byte[] {0, 0}),
                new Extension.UnknownExtension(ExtensionType.of(0xFAFA), new byte[] {9})));
    }

    static NewSessionTicket newSessionTicket() {
        return new NewSessionTicket(604800, 0xFFFFFFFFL, new byte[] {0, 1}, filled(40, 0x5A), Extensions.of(
                new Extension.MaxEarlyData(0xFFFFFFFFL),
                new Extension.UnknownExtension(ExtensionType.of(0x1A1A), new byte[0])));
    }

    static ServerHello helloRetryRequest() {
        return new ServerHello(ProtocolVersion.TLS_1_2, ServerHello.helloRetryRequestRandom(), filled(32, 7),
                CipherSuite.TLS_AES_256_GCM_SHA384, Extensions.of(
                        new Extension.SupportedVersionsServerHello(ProtocolVersion.TLS_1_3),
                        new Extension.KeyShareHelloRetryRequest(NamedGroup.SECP384R1),
                        new Extension.Cookie(filled(100, 0xC0))));
    }

    static ClientHello richClientHello() {
        return new ClientHello(ProtocolVersion.TLS_1_2, filled(32, 0x11), filled(32, 0x22),
                List.of(CipherSuite.of(0x2A2A), CipherSuite.TLS_AES_128_GCM_SHA256,
                        CipherSuite.TLS_AES_128_CCM_8_SHA256, CipherSuite.of(0xC02F),
                        CipherSuite.TLS_EMPTY_RENEGOTIATION_INFO_SCSV),
                Extensions.of(
                        new Extension.UnknownExtension(ExtensionType.of(0x2A2A), new byte[0]),
                        Extension.ServerName.of("example.com"),
                        new Extension.MaxFragmentLength(2),
                        new Extension.StatusRequest(new byte[] {1, 0, 0, 0, 0}),
                        new Extension.SupportedGroups(List.of(NamedGroup.of(0x3A3A), NamedGroup.X25519MLKEM768,
                                NamedGroup.X25519)),
                        new Extension.SignatureAlgorithms(List.of(SignatureScheme.ED25519, SignatureScheme.of(0x0402))),
                        new Extension.SignatureAlgorithmsCert(List.of(SignatureScheme.ECDSA_SECP256R1_SHA256)),
                        Extension.Alpn.of("h2", "http/1.1"),
                        new Extension.KeyShareClientHello(List.of(
                                new Extension.KeyShareEntry(NamedGroup.of(0x3A3A), new byte[] {0}),
                                new Extension.KeyShareEntry(NamedGroup.X25519, filled(32, 0x33)))),
                        new Extension.SupportedVersionsClientHello(List.of(0x4A4A, ProtocolVersion.TLS_1_3,
                                ProtocolVersion.TLS_1_2)),
                        new Extension.Cookie(new byte[] {1}),
                        new Extension.PskKeyExchangeModes(List.of(Extension.PskKeyExchangeModes.PSK_DHE_KE, 0x7F)),
                        new Extension.EarlyData(),
                        new Extension.CertificateAuthorities(List.of(new byte[] {0x30, 0x00})),
                        new Extension.PostHandshakeAuth(),
                        new Extension.RecordSizeLimit(0x4001),
                        new Extension.UnknownExtension(ExtensionType.EC_POINT_FORMATS, new byte[] {1, 0}),
                        new Extension.Padding(new byte[] {0, 0, 0, 1}),
                        new Extension.PreSharedKeyClientHello(
                                List.of(new Extension.PskIdentity(filled(20, 0x44), 0x12345678L),
                                        new Extension.PskIdentity(new byte[] {5}, 0xFFFFFFFFL)),
                                List.of(filled(32, 0x55), filled(48, 0x66)))));
    }

    static EncryptedExtensions richEncryptedExtensions() {
        return new EncryptedExtensions(Extensions.of(
                Extension.ServerName.acknowledgement(),
                new Extension.MaxFragmentLength(4),
                new Extension.SupportedGroups(List.of(NamedGroup.SECP256R1)),
                Extension.Alpn.of("h2"),
                new Extension.EarlyData(),
                new Extension.RecordSizeLimit(0x4001),
                new Extension.UnknownExtension(ExtensionType.USE_SRTP, new byte[] {0, 2, 0, 1, 0}),
                new Extension.UnknownExtension(ExtensionType.of(0xBEEF), new byte[] {1, 2, 3})));
    }

    static Certificate certificateWithStatus() {
        return new Certificate(new byte[] {9}, List.of(
                new Certificate.Entry(filled(300, 0x30), Extensions.of(
                        new Extension.StatusRequest(concat(new byte[] {1, 0, 0, 3}, new byte[] {7, 7, 7})),
                        new Extension.UnknownExtension(ExtensionType.SIGNED_CERTIFICATE_TIMESTAMP, new byte[] {0, 0}))),
                new Certificate.Entry(new byte[] {0x30}, Extensions.EMPTY)));
    }
}
