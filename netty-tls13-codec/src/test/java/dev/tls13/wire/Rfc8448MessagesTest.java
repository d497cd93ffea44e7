package dev.tls13.wire;

import static dev.tls13.wire.WireTestSupport.concat;
import static dev.tls13.wire.WireTestSupport.constructedName;
import static dev.tls13.wire.WireTestSupport.decode;
import static dev.tls13.wire.WireTestSupport.decodeFails;
import static dev.tls13.wire.WireTestSupport.encodeViaByteBuf;
import static dev.tls13.wire.WireTestSupport.forEach;
import static dev.tls13.wire.WireTestSupport.split;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.error.InvalidMessage;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.testing.Rfc8448;
import dev.tls13.testing.Rfc8448.Trace;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The RFC 8448 handshake messages decode to the expected records and re-encode to identical bytes. */
class Rfc8448MessagesTest {

    /**
     * A "construct a(n) X handshake message" step.
     *
     * @param trace the trace
     * @param who client or server
     * @param name the message name
     * @param bytes the message
     */
    record Constructed(Trace trace, String who, String name, byte[] bytes) {
        @Override
        public String toString() {
            return trace + " " + who + " " + name;
        }
    }

    /**
     * The payload of a "send handshake record" step.
     *
     * @param label which record
     * @param payload the (decrypted) record content
     */
    record Payload(String label, byte[] payload) {
        @Override
        public String toString() {
            return label;
        }
    }

    static List<Constructed> constructSteps() {
        List<Constructed> out = new ArrayList<>();
        for (Trace trace : Trace.values()) {
            for (Rfc8448.Step step : trace.steps()) {
                if (step.step().startsWith("construct") && !step.fields().isEmpty()) {
                    String name = constructedName(step);
                    out.add(new Constructed(trace, step.who(), name, step.bytes(name)));
                }
            }
        }
        return out;
    }

    static List<Payload> handshakeRecordPayloads() {
        List<Payload> out = new ArrayList<>();
        for (Trace trace : Trace.values()) {
            for (String who : List.of("client", "server")) {
                int n = 0;
                for (Rfc8448.Step step : Rfc8448.find(trace, who, "send handshake record")) {
                    out.add(new Payload(trace + " " + who + " record #" + (n++), step.bytes("payload")));
                }
            }
        }
        return out;
    }

    private static Class<? extends HandshakeMessage> recordFor(String name) {
        switch (name) {
            case "ClientHello":
                return ClientHello.class;
            case "ServerHello":
                return ServerHello.class;
            case "EncryptedExtensions":
                return EncryptedExtensions.class;
            case "CertificateRequest":
                return CertificateRequest.class;
            case "Certificate":
                return Certificate.class;
            case "CertificateVerify":
                return CertificateVerify.class;
            case "Finished":
                return Finished.class;
            case "NewSessionTicket":
                return NewSessionTicket.class;
            case "EndOfEarlyData":
                return EndOfEarlyData.class;
            default:
                throw new IllegalArgumentException(name);
        }
    }

    @Test
    void everyConstructedMessageDecodesToItsRecordAndReencodesIdentically() {
        forEach(constructSteps(), c -> {
            if (c.trace() == Trace.RESUMED_0RTT && c.name().equals("ClientHello")) {
                // RFC 8448 §4 prints this ClientHello without its binders list: its lengths count the
                // binders, so it is a truncated message, and equals our binder-less encoding of the full one.
                assertEquals(InvalidMessage.TRUNCATED,
                        ((TlsFailure.Invalid) decodeFails(c.bytes()).failure()).reason());
                ClientHello full = (ClientHello) decode(WireTestSupport.fullResumptionClientHello());
                assertArrayEquals(c.bytes(), HandshakeCodec.encodeWithoutBinders(full));
                return;
            }
            HandshakeMessage m = decode(c.bytes());
            assertInstanceOf(recordFor(c.name()), m);
            assertEquals(c.bytes()[0] & 0xFF, m.type().code());
            assertArrayEquals(c.bytes(), HandshakeCodec.encode(m));
            assertArrayEquals(c.bytes(), encodeViaByteBuf(m));
        });
    }

    @Test
    void everyHandshakeRecordPayloadSplitsIntoMessagesThatReencodeIdentically() {
        forEach(handshakeRecordPayloads(), p -> {
            List<byte[]> messages = split(p.payload());
            assertFalse(messages.isEmpty());
            List<byte[]> reencoded = new ArrayList<>();
            for (byte[] message : messages) {
                reencoded.add(HandshakeCodec.encode(decode(message)));
            }
            assertArrayEquals(p.payload(), concat(reencoded.toArray(new byte[0][])));
        });
    }

    @Test
    void simpleHandshakeClientHelloHasTheRfcFields() throws TlsException {
        ClientHello ch = (ClientHello) decode(Rfc8448.one(Trace.SIMPLE_1RTT, "client", "construct a ClientHello")
                .bytes("ClientHello"));
        assertEquals(ProtocolVersion.TLS_1_2, ch.legacyVersion());
        assertEquals(32, ch.random().length);
        assertEquals(0, ch.legacySessionId().length);
        assertEquals(List.of(CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
                CipherSuite.TLS_AES_256_GCM_SHA384), ch.cipherSuites());
        assertEquals("server", ch.extensions().find(Extension.ServerName.class).orElseThrow().hostName().orElseThrow());
        Extension.KeyShareEntry share = ch.extensions().find(Extension.KeyShareClientHello.class).orElseThrow()
                .entries().get(0);
        assertEquals(NamedGroup.X25519, share.group());
        assertArrayEquals(Rfc8448.one(Trace.SIMPLE_1RTT, "client", "create an ephemeral x25519 key pair")
                .bytes("public key"), share.keyExchange());
        assertEquals(List.of(ProtocolVersion.TLS_1_3),
                ch.extensions().find(Extension.SupportedVersionsClientHello.class).orElseThrow().versions());
        assertEquals(NamedGroup.X25519,
                ch.extensions().find(Extension.SupportedGroups.class).orElseThrow().groups().get(0));
        assertTrue(ch.extensions().find(Extension.SignatureAlgorithms.class).orElseThrow().schemes()
                .contains(SignatureScheme.RSA_PSS_RSAE_SHA256));
        assertEquals(List.of(Extension.PskKeyExchangeModes.PSK_DHE_KE),
                ch.extensions().find(Extension.PskKeyExchangeModes.class).orElseThrow().modes());
        assertEquals(0x4001, ch.extensions().find(Extension.RecordSizeLimit.class).orElseThrow().limit());
        // renegotiation_info and session_ticket are TLS 1.2 extensions, kept raw.
        assertInstanceOf(Extension.UnknownExtension.class, ch.extensions().get(ExtensionType.RENEGOTIATION_INFO)
                .orElseThrow());
        assertInstanceOf(Extension.UnknownExtension.class, ch.extensions().get(ExtensionType.SESSION_TICKET)
                .orElseThrow());
    }

    @Test
    void simpleHandshakeServerFlightHasTheRfcFields() throws TlsException {
        ServerHello sh = (ServerHello) decode(Rfc8448.one(Trace.SIMPLE_1RTT, "server", "construct a ServerHello")
                .bytes("ServerHello"));
        assertFalse(sh.isHelloRetryRequest());
        assertEquals(CipherSuite.TLS_AES_128_GCM_SHA256, sh.cipherSuite());
        Extension.KeyShareEntry share = sh.extensions().find(Extension.KeyShareServerHello.class).orElseThrow().entry();
        assertEquals(NamedGroup.X25519, share.group());
        assertArrayEquals(Rfc8448.one(Trace.SIMPLE_1RTT, "server", "create an ephemeral x25519 key pair")
                .bytes("public key"), share.keyExchange());
        assertEquals(ProtocolVersion.TLS_1_3,
                sh.extensions().find(Extension.SupportedVersionsServerHello.class).orElseThrow().selectedVersion());

        EncryptedExtensions ee = (EncryptedExtensions) decode(Rfc8448.one(Trace.SIMPLE_1RTT, "server",
                "construct an EncryptedExtensions").bytes("EncryptedExtensions"));
        assertTrue(ee.extensions().find(Extension.ServerName.class).orElseThrow().names().isEmpty());
        assertEquals(0x4001, ee.extensions().find(Extension.RecordSizeLimit.class).orElseThrow().limit());

        Certificate cert = (Certificate) decode(Rfc8448.one(Trace.SIMPLE_1RTT, "server",
                "construct a Certificate handshake").bytes("Certificate"));
        assertEquals(0, cert.certificateRequestContext().length);
        assertEquals(1, cert.entries().size());
        assertEquals(0x30, cert.entries().get(0).certData()[0] & 0xFF); // DER SEQUENCE
        assertTrue(cert.entries().get(0).extensions().isEmpty());

        CertificateVerify cv = (CertificateVerify) decode(Rfc8448.one(Trace.SIMPLE_1RTT, "server",
                "construct a CertificateVerify").bytes("CertificateVerify"));
        assertEquals(SignatureScheme.RSA_PSS_RSAE_SHA256, cv.algorithm());
        assertEquals(128, cv.signature().length); // 1024-bit RSA key (RFC 8448 §2)

        Finished fin = (Finished) decode(Rfc8448.find(Trace.SIMPLE_1RTT, "server", "construct a Finished").get(0)
                .bytes("Finished"));
        assertEquals(32, fin.verifyData().length);

        NewSessionTicket nst = (NewSessionTicket) decode(Rfc8448.one(Trace.SIMPLE_1RTT, "server",
                "construct a NewSessionTicket").bytes("NewSessionTicket"));
        assertEquals(30, nst.ticketLifetime());
        assertArrayEquals(new byte[] {0, 0}, nst.ticketNonce());
        assertEquals(0x400, nst.extensions().find(Extension.MaxEarlyData.class).orElseThrow().maxEarlyDataSize());
    }

    @Test
    void resumptionClientHelloOffersTheTicketOfTheFirstHandshake() throws TlsException {
        ClientHello ch = (ClientHello) decode(WireTestSupport.fullResumptionClientHello());
        List<Extension> list = ch.extensions().list();
        Extension.PreSharedKeyClientHello psk = assertInstanceOf(Extension.PreSharedKeyClientHello.class,
                list.get(list.size() - 1));
        NewSessionTicket nst = (NewSessionTicket) decode(Rfc8448.one(Trace.SIMPLE_1RTT, "server",
                "construct a NewSessionTicket").bytes("NewSessionTicket"));
        assertEquals(1, psk.identities().size());
        assertArrayEquals(nst.ticket(), psk.identities().get(0).identity());
        assertEquals(1, psk.binders().size());
        assertEquals(32, psk.binders().get(0).length);
        assertInstanceOf(Extension.EarlyData.class, ch.extensions().get(ExtensionType.EARLY_DATA).orElseThrow());
        assertEquals(2 + 1 + 32, psk.bindersLength());
    }

    @Test
    void binderlessResumptionClientHelloEqualsTheRfcClientHelloPrefix() throws TlsException {
        ClientHello ch = (ClientHello) decode(WireTestSupport.fullResumptionClientHello());
        byte[] prefix = null;
        for (Rfc8448.Step step : Trace.RESUMED_0RTT.steps()) {
            if (step.has("ClientHello prefix")) {
                prefix = step.bytes("ClientHello prefix");
            }
        }
        assertArrayEquals(prefix, HandshakeCodec.encodeWithoutBinders(ch));
        byte[] full = HandshakeCodec.encode(ch);
        assertEquals(full.length - 35, prefix.length);
    }

    @Test
    void resumptionServerAcceptsTheFirstIdentityAndEarlyData() throws TlsException {
        ServerHello sh = (ServerHello) decode(Rfc8448.one(Trace.RESUMED_0RTT, "server", "construct a ServerHello")
                .bytes("ServerHello"));
        assertEquals(0, sh.extensions().find(Extension.PreSharedKeyServerHello.class).orElseThrow().selectedIdentity());
        EncryptedExtensions ee = (EncryptedExtensions) decode(Rfc8448.one(Trace.RESUMED_0RTT, "server",
                "construct an EncryptedExtensions").bytes("EncryptedExtensions"));
        assertTrue(ee.extensions().find(Extension.EarlyData.class).isPresent());
        assertInstanceOf(EndOfEarlyData.class, decode(Rfc8448.one(Trace.RESUMED_0RTT, "client",
                "construct an EndOfEarlyData").bytes("EndOfEarlyData")));
    }

    @Test
    void helloRetryRequestTraceAsksForP256WithACookieThatTheSecondClientHelloEchoes() throws Exception {
        List<Rfc8448.Step> serverHellos = Rfc8448.find(Trace.HELLO_RETRY_REQUEST, "server", "construct a ServerHello");
        ServerHello hrr = (ServerHello) decode(serverHellos.get(0).bytes("ServerHello"));
        assertTrue(hrr.isHelloRetryRequest());
        assertEquals(ExtensionContext.HELLO_RETRY_REQUEST, hrr.extensionContext());
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(
                "HelloRetryRequest".getBytes(StandardCharsets.US_ASCII)), hrr.random());
        assertEquals(NamedGroup.SECP256R1,
                hrr.extensions().find(Extension.KeyShareHelloRetryRequest.class).orElseThrow().selectedGroup());
        byte[] cookie = hrr.extensions().find(Extension.Cookie.class).orElseThrow().cookie();

        List<Rfc8448.Step> clientHellos = Rfc8448.find(Trace.HELLO_RETRY_REQUEST, "client", "construct a ClientHello");
        ClientHello second = (ClientHello) decode(clientHellos.get(1).bytes("ClientHello"));
        assertArrayEquals(cookie, second.extensions().find(Extension.Cookie.class).orElseThrow().cookie());
        Extension.KeyShareEntry share = second.extensions().find(Extension.KeyShareClientHello.class).orElseThrow()
                .entries().get(0);
        assertEquals(NamedGroup.SECP256R1, share.group());
        assertEquals(65, share.keyExchange().length);
        assertTrue(second.extensions().find(Extension.Padding.class).isPresent());

        ServerHello sh = (ServerHello) decode(serverHellos.get(1).bytes("ServerHello"));
        assertFalse(sh.isHelloRetryRequest());
        assertEquals(NamedGroup.SECP256R1,
                sh.extensions().find(Extension.KeyShareServerHello.class).orElseThrow().entry().group());
    }

    @Test
    void clientAuthTraceRequestsACertificateAndTheClientSendsOne() throws TlsException {
        CertificateRequest cr = (CertificateRequest) decode(Rfc8448.one(Trace.CLIENT_AUTH, "server",
                "construct a CertificateRequest").bytes("CertificateRequest"));
        assertEquals(0, cr.certificateRequestContext().length);
        assertTrue(cr.extensions().find(Extension.SignatureAlgorithms.class).orElseThrow().schemes()
                .contains(SignatureScheme.RSA_PSS_RSAE_SHA256));
        CertificateVerify serverCv = (CertificateVerify) decode(Rfc8448.one(Trace.CLIENT_AUTH, "server",
                "construct a CertificateVerify").bytes("CertificateVerify"));
        assertEquals(SignatureScheme.ECDSA_SECP256R1_SHA256, serverCv.algorithm());
        Certificate clientCert = (Certificate) decode(Rfc8448.one(Trace.CLIENT_AUTH, "client",
                "construct a Certificate handshake").bytes("Certificate"));
        assertEquals(1, clientCert.entries().size());
        CertificateVerify clientCv = (CertificateVerify) decode(Rfc8448.one(Trace.CLIENT_AUTH, "client",
                "construct a CertificateVerify").bytes("CertificateVerify"));
        assertEquals(SignatureScheme.RSA_PSS_RSAE_SHA256, clientCv.algorithm());
    }

    @Test
    void compatibilityModeServerEchoesTheClientsLegacySessionId() throws TlsException {
        ClientHello ch = (ClientHello) decode(Rfc8448.one(Trace.COMPAT_MODE, "client", "construct a ClientHello")
                .bytes("ClientHello"));
        ServerHello sh = (ServerHello) decode(Rfc8448.one(Trace.COMPAT_MODE, "server", "construct a ServerHello")
                .bytes("ServerHello"));
        assertEquals(32, ch.legacySessionId().length);
        assertArrayEquals(ch.legacySessionId(), sh.legacySessionIdEcho());
    }

    @Test
    void recordsPrintTheirFieldsReadably() throws TlsException {
        ServerHello hrr = (ServerHello) decode(Rfc8448.find(Trace.HELLO_RETRY_REQUEST, "server",
                "construct a ServerHello").get(0).bytes("ServerHello"));
        String s = hrr.toString();
        assertTrue(s.startsWith("HelloRetryRequest["), s);
        assertTrue(s.contains("random=cf21ad74e59a6111"), s);
        assertTrue(s.contains("KeyShareHelloRetryRequest[selectedGroup=secp256r1]"), s);
        String ch = decode(Rfc8448.one(Trace.SIMPLE_1RTT, "client", "construct a ClientHello").bytes("ClientHello"))
                .toString();
        assertTrue(ch.contains("TLS_AES_128_GCM_SHA256") && ch.contains("server"), ch);
    }
}
