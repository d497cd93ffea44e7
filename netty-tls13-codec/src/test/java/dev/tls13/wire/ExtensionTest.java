package dev.tls13.wire;

import static dev.tls13.wire.WireTestSupport.decode;
import static dev.tls13.wire.WireTestSupport.decodeFails;
import static dev.tls13.wire.WireTestSupport.filled;
import static dev.tls13.wire.WireTestSupport.forEach;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.error.InvalidMessage;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Typed extensions: where they may appear, what they must contain, and exact round trips. */
class ExtensionTest {

    /** Keeps a ClientHello or ServerHello extension block above its minimum length. */
    private static final Extension FILLER = new Extension.UnknownExtension(ExtensionType.of(0xFAFA), new byte[4]);

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static byte[] clientHelloWith(Extension e) {
        return HandshakeCodec.encode(new ClientHello(ProtocolVersion.TLS_1_2, new byte[32], new byte[0],
                List.of(CipherSuite.TLS_AES_128_GCM_SHA256), Extensions.of(FILLER, e)));
    }

    private static byte[] serverHelloWith(byte[] random, Extension e) {
        // With supported_versions, so that the block is read as a TLS 1.3 ServerHello's (without it, the message
        // negotiates TLS 1.2 and RFC 8446's table does not apply).
        Extensions extensions = e.type().equals(ExtensionType.SUPPORTED_VERSIONS) ? Extensions.of(FILLER, e)
                : Extensions.of(FILLER, new Extension.SupportedVersionsServerHello(ProtocolVersion.TLS_1_3), e);
        return HandshakeCodec.encode(new ServerHello(ProtocolVersion.TLS_1_2, random, new byte[0],
                CipherSuite.TLS_AES_128_GCM_SHA256, extensions));
    }

    private static byte[] messageWith(ExtensionContext context, Extension e) {
        switch (context) {
            case CLIENT_HELLO:
                return clientHelloWith(e);
            case SERVER_HELLO:
                return serverHelloWith(new byte[32], e);
            case HELLO_RETRY_REQUEST:
                return serverHelloWith(ServerHello.helloRetryRequestRandom(), e);
            case ENCRYPTED_EXTENSIONS:
                return HandshakeCodec.encode(new EncryptedExtensions(Extensions.of(e)));
            case CERTIFICATE:
                return HandshakeCodec.encode(new Certificate(new byte[0],
                        List.of(new Certificate.Entry(new byte[] {1}, Extensions.of(e)))));
            case CERTIFICATE_REQUEST:
                return HandshakeCodec.encode(new CertificateRequest(new byte[0], Extensions.of(e)));
            case NEW_SESSION_TICKET:
                return HandshakeCodec.encode(new NewSessionTicket(1, 2, new byte[0], new byte[] {3}, Extensions.of(e)));
            default:
                throw new IllegalArgumentException(context.toString());
        }
    }

    /** RFC 8446 §4.2's table (and RFC 8449 §5 for record_size_limit), as printed. */
    private static Map<ExtensionType, String> rfcTable() {
        Map<ExtensionType, String> t = new LinkedHashMap<>();
        t.put(ExtensionType.SERVER_NAME, "CH, EE");
        t.put(ExtensionType.MAX_FRAGMENT_LENGTH, "CH, EE");
        t.put(ExtensionType.STATUS_REQUEST, "CH, CR, CT");
        t.put(ExtensionType.SUPPORTED_GROUPS, "CH, EE");
        t.put(ExtensionType.SIGNATURE_ALGORITHMS, "CH, CR");
        t.put(ExtensionType.USE_SRTP, "CH, EE");
        t.put(ExtensionType.HEARTBEAT, "CH, EE");
        t.put(ExtensionType.APPLICATION_LAYER_PROTOCOL_NEGOTIATION, "CH, EE");
        t.put(ExtensionType.SIGNED_CERTIFICATE_TIMESTAMP, "CH, CR, CT");
        t.put(ExtensionType.CLIENT_CERTIFICATE_TYPE, "CH, EE");
        t.put(ExtensionType.SERVER_CERTIFICATE_TYPE, "CH, EE");
        t.put(ExtensionType.PADDING, "CH");
        t.put(ExtensionType.KEY_SHARE, "CH, SH, HRR");
        t.put(ExtensionType.PRE_SHARED_KEY, "CH, SH");
        t.put(ExtensionType.PSK_KEY_EXCHANGE_MODES, "CH");
        t.put(ExtensionType.EARLY_DATA, "CH, EE, NST");
        t.put(ExtensionType.COOKIE, "CH, HRR");
        t.put(ExtensionType.SUPPORTED_VERSIONS, "CH, SH, HRR");
        t.put(ExtensionType.CERTIFICATE_AUTHORITIES, "CH, CR");
        t.put(ExtensionType.OID_FILTERS, "CR");
        t.put(ExtensionType.POST_HANDSHAKE_AUTH, "CH");
        t.put(ExtensionType.SIGNATURE_ALGORITHMS_CERT, "CH, CR");
        t.put(ExtensionType.RECORD_SIZE_LIMIT, "CH, EE");
        return t;
    }

    /** The contexts of TLS 1.3 messages, to which RFC 8446's table applies (not a TLS 1.2 ServerHello's). */
    private static List<ExtensionContext> tls13Contexts() {
        List<ExtensionContext> l = new ArrayList<>(List.of(ExtensionContext.values()));
        l.remove(ExtensionContext.TLS12_SERVER_HELLO);
        return l;
    }

    @Test
    void aTls12ServerHelloAllowsEveryExtensionAtThisLayer() {
        for (ExtensionType type : rfcTable().keySet()) {
            assertTrue(Extension.allowedIn(type, ExtensionContext.TLS12_SERVER_HELLO), type.toString());
        }
    }

    @Test
    void allowedInFollowsTheRfc8446Table() {
        for (Map.Entry<ExtensionType, String> row : rfcTable().entrySet()) {
            Set<String> listed = Set.of(row.getValue().split(", "));
            for (ExtensionContext context : tls13Contexts()) {
                assertEquals(listed.contains(context.rfcName()), Extension.allowedIn(row.getKey(), context),
                        row.getKey() + " in " + context.rfcName());
            }
        }
    }

    @Test
    void extensionsOutsideTheTableAreAllowedEverywhere() {
        for (ExtensionType type : List.of(ExtensionType.of(0x0A0A), ExtensionType.RENEGOTIATION_INFO,
                ExtensionType.EC_POINT_FORMATS, ExtensionType.SESSION_TICKET, ExtensionType.of(0xFFFF))) {
            for (ExtensionContext context : ExtensionContext.values()) {
                assertTrue(Extension.allowedIn(type, context), type + " in " + context);
            }
        }
    }

    @Test
    void decoderRejectsEveryKnownExtensionInEveryMessageTheTableDoesNotListItFor() {
        List<Object[]> cases = new ArrayList<>();
        for (ExtensionType type : rfcTable().keySet()) {
            for (ExtensionContext context : tls13Contexts()) {
                if (!Extension.allowedIn(type, context)) {
                    cases.add(new Object[] {type, context});
                }
            }
        }
        forEach(cases, c -> {
            byte[] m = messageWith((ExtensionContext) c[1], new Extension.UnknownExtension((ExtensionType) c[0],
                    new byte[0]));
            TlsException e = decodeFails(m);
            assertEquals(PeerMisbehaved.EXTENSION_NOT_ALLOWED,
                    assertInstanceOf(TlsFailure.Misbehaved.class, e.failure()).reason(), e::getMessage);
            assertEquals(AlertDescription.ILLEGAL_PARAMETER, e.failure().alert());
        });
    }

    /**
     * Extension data that must not decode.
     *
     * @param why what is wrong
     * @param context the message it is in
     * @param type the extension type
     * @param data the extension_data
     * @param alert the expected alert
     */
    record Bad(String why, ExtensionContext context, ExtensionType type, byte[] data, AlertDescription alert) {
        Bad(String why, ExtensionContext context, ExtensionType type, String data) {
            this(why, context, type, hex(data), AlertDescription.DECODE_ERROR);
        }

        @Override
        public String toString() {
            return why;
        }
    }

    @Test
    void malformedOrForbiddenEmptyExtensionContentsAreRejected() {
        ExtensionContext ch = ExtensionContext.CLIENT_HELLO;
        ExtensionContext sh = ExtensionContext.SERVER_HELLO;
        ExtensionContext hrr = ExtensionContext.HELLO_RETRY_REQUEST;
        ExtensionContext ee = ExtensionContext.ENCRYPTED_EXTENSIONS;
        ExtensionContext nst = ExtensionContext.NEW_SESSION_TICKET;
        String binder = "20" + "00".repeat(32);
        List<Bad> cases = List.of(
                new Bad("empty server_name list", ch, ExtensionType.SERVER_NAME, "0000"),
                new Bad("empty host_name", ch, ExtensionType.SERVER_NAME, "0003 00 0000"),
                new Bad("server_name without data", ch, ExtensionType.SERVER_NAME, ""),
                new Bad("server_name data in EncryptedExtensions", ee, ExtensionType.SERVER_NAME, "0000"),
                new Bad("empty supported_groups", ch, ExtensionType.SUPPORTED_GROUPS, "0000"),
                new Bad("odd supported_groups", ch, ExtensionType.SUPPORTED_GROUPS, "0003 001d 00"),
                new Bad("empty signature_algorithms", ch, ExtensionType.SIGNATURE_ALGORITHMS, "0000"),
                new Bad("odd signature_algorithms", ch, ExtensionType.SIGNATURE_ALGORITHMS, "0001 04"),
                new Bad("empty signature_algorithms_cert", ch, ExtensionType.SIGNATURE_ALGORITHMS_CERT, "0000"),
                new Bad("empty ALPN list", ch, ExtensionType.APPLICATION_LAYER_PROTOCOL_NEGOTIATION, "0000"),
                new Bad("empty ALPN protocol name", ch, ExtensionType.APPLICATION_LAYER_PROTOCOL_NEGOTIATION,
                        "0004 00 026832"),
                new Bad("ALPN name longer than its list", ch, ExtensionType.APPLICATION_LAYER_PROTOCOL_NEGOTIATION,
                        "0003 05 6832"),
                new Bad("empty supported_versions", ch, ExtensionType.SUPPORTED_VERSIONS, "00"),
                new Bad("odd supported_versions", ch, ExtensionType.SUPPORTED_VERSIONS, "03 0304 03"),
                new Bad("short selected_version", sh, ExtensionType.SUPPORTED_VERSIONS, "03"),
                new Bad("empty key_exchange", ch, ExtensionType.KEY_SHARE, "0004 001d 0000"),
                new Bad("client_shares longer than the extension", ch, ExtensionType.KEY_SHARE, "0010 001d 0001 00"),
                new Bad("empty server key_exchange", sh, ExtensionType.KEY_SHARE, "001d 0000"),
                new Bad("HelloRetryRequest key_share with a key", hrr, ExtensionType.KEY_SHARE, "001d 0001 00"),
                new Bad("empty cookie", ch, ExtensionType.COOKIE, "0000"),
                new Bad("empty psk_key_exchange_modes", ch, ExtensionType.PSK_KEY_EXCHANGE_MODES, "00"),
                new Bad("empty certificate_authorities", ch, ExtensionType.CERTIFICATE_AUTHORITIES, "0000"),
                new Bad("empty DistinguishedName", ch, ExtensionType.CERTIFICATE_AUTHORITIES, "0004 0000 0000"),
                new Bad("empty PSK identities", ch, ExtensionType.PRE_SHARED_KEY, "0000 0021" + binder),
                new Bad("empty PSK identity", ch, ExtensionType.PRE_SHARED_KEY,
                        "0006 0000 00000000 0021" + binder),
                new Bad("empty PSK binders", ch, ExtensionType.PRE_SHARED_KEY, "0007 0001 01 00000000 0000"),
                new Bad("PSK binder of 31 bytes", ch, ExtensionType.PRE_SHARED_KEY,
                        "000e 0001 01 00000000 0001 02 00000000 0041 1f" + "00".repeat(31) + binder),
                new Bad("PSK binder entry longer than the binders", ch, ExtensionType.PRE_SHARED_KEY,
                        "0007 0001 01 00000000 0021 21" + "00".repeat(32)),
                new Bad("PSK without binders", ch, ExtensionType.PRE_SHARED_KEY, "0007 0001 01 00000000"),
                new Bad("two identities, one binder", ch, ExtensionType.PRE_SHARED_KEY,
                        hex("000e 0001 01 00000000 0001 02 00000000 0021" + binder),
                        AlertDescription.ILLEGAL_PARAMETER),
                new Bad("long selected_identity", sh, ExtensionType.PRE_SHARED_KEY, "000000"),
                new Bad("early_data with data in ClientHello", ch, ExtensionType.EARLY_DATA, "00"),
                new Bad("early_data with data in EncryptedExtensions", ee, ExtensionType.EARLY_DATA, "00000000"),
                new Bad("short max_early_data_size", nst, ExtensionType.EARLY_DATA, "000000"),
                new Bad("empty max_early_data_size", nst, ExtensionType.EARLY_DATA, ""),
                new Bad("post_handshake_auth with data", ch, ExtensionType.POST_HANDSHAKE_AUTH, "00"),
                new Bad("short record_size_limit", ch, ExtensionType.RECORD_SIZE_LIMIT, "40"),
                new Bad("long record_size_limit", ch, ExtensionType.RECORD_SIZE_LIMIT, "400100"),
                new Bad("empty max_fragment_length", ee, ExtensionType.MAX_FRAGMENT_LENGTH, ""));
        forEach(cases, bad -> {
            byte[] m = messageWith(bad.context(), new Extension.UnknownExtension(bad.type(), bad.data()));
            TlsException e = decodeFails(m);
            assertEquals(bad.alert(), e.failure().alert(), e::getMessage);
        });
    }

    @Test
    void everyTypedExtensionOfARichClientHelloDecodesToItsRecord() throws TlsException {
        ClientHello original = WireTestSupport.richClientHello();
        ClientHello decoded = (ClientHello) decode(HandshakeCodec.encode(original));
        List<Extension> want = original.extensions().list();
        List<Extension> got = decoded.extensions().list();
        assertEquals(want.size(), got.size());
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.get(i).getClass(), got.get(i).getClass(), "extension " + i);
            assertEquals(want.get(i).type(), got.get(i).type());
        }
        assertEquals("example.com", decoded.extensions().find(Extension.ServerName.class).orElseThrow()
                .hostName().orElseThrow());
        assertEquals(List.of("h2", "http/1.1"),
                decoded.extensions().find(Extension.Alpn.class).orElseThrow().names());
        Extension.PreSharedKeyClientHello psk = decoded.extensions().find(Extension.PreSharedKeyClientHello.class)
                .orElseThrow();
        assertEquals(0xFFFFFFFFL, psk.identities().get(1).obfuscatedTicketAge());
        assertArrayEquals(filled(48, 0x66), psk.binders().get(1));
        assertEquals(List.of(0x4A4A, ProtocolVersion.TLS_1_3, ProtocolVersion.TLS_1_2),
                decoded.extensions().find(Extension.SupportedVersionsClientHello.class).orElseThrow().versions());
        assertEquals(List.of(Extension.PskKeyExchangeModes.PSK_DHE_KE, 0x7F),
                decoded.extensions().find(Extension.PskKeyExchangeModes.class).orElseThrow().modes());
        assertEquals(2, decoded.extensions().find(Extension.MaxFragmentLength.class).orElseThrow().code());
    }

    @Test
    void unknownCodePointsSurviveARoundTrip() throws TlsException {
        byte[] bytes = HandshakeCodec.encode(WireTestSupport.richClientHello());
        ClientHello ch = (ClientHello) decode(bytes);
        assertEquals(CipherSuite.of(0x2A2A), ch.cipherSuites().get(0));
        assertFalse(ch.cipherSuites().get(0).isKnown());
        assertEquals(CipherSuite.of(0xC02F), ch.cipherSuites().get(3));
        assertEquals(NamedGroup.of(0x3A3A),
                ch.extensions().find(Extension.SupportedGroups.class).orElseThrow().groups().get(0));
        assertEquals(NamedGroup.of(0x3A3A), ch.extensions().find(Extension.KeyShareClientHello.class).orElseThrow()
                .entries().get(0).group());
        assertEquals(SignatureScheme.of(0x0402),
                ch.extensions().find(Extension.SignatureAlgorithms.class).orElseThrow().schemes().get(1));
        Extension.UnknownExtension grease = assertInstanceOf(Extension.UnknownExtension.class,
                ch.extensions().list().get(0));
        assertEquals(0x2A2A, grease.type().code());
        assertEquals(0, grease.data().length);
        assertArrayEquals(bytes, HandshakeCodec.encode(ch));
    }

    @Test
    void alpnProtocolNamesSurviveByteForByte() throws TlsException {
        byte[] odd = {(byte) 0xFF, 0, (byte) 0xC3, 0x28};
        EncryptedExtensions ee = new EncryptedExtensions(Extensions.of(new Extension.Alpn(List.of(odd))));
        byte[] bytes = HandshakeCodec.encode(ee);
        EncryptedExtensions back = (EncryptedExtensions) decode(bytes);
        assertArrayEquals(odd, back.extensions().find(Extension.Alpn.class).orElseThrow().protocols().get(0));
        assertArrayEquals(bytes, HandshakeCodec.encode(back));
    }

    @Test
    void paddingBytesAreKeptAsReceived() throws TlsException {
        byte[] padding = {0, 1, 2, 0, (byte) 0xFF};
        ClientHello back = (ClientHello) decode(clientHelloWith(new Extension.Padding(padding)));
        assertArrayEquals(padding, back.extensions().find(Extension.Padding.class).orElseThrow().data());
    }

    @Test
    void earlyDataAndKeyShareAndPreSharedKeyDecodeByMessage() throws TlsException {
        Extension ch = ((ClientHello) decode(clientHelloWith(new Extension.EarlyData()))).extensions().list().get(1);
        assertInstanceOf(Extension.EarlyData.class, ch);
        Extension ee = ((EncryptedExtensions) decode(messageWith(ExtensionContext.ENCRYPTED_EXTENSIONS,
                new Extension.EarlyData()))).extensions().list().get(0);
        assertInstanceOf(Extension.EarlyData.class, ee);
        Extension nst = ((NewSessionTicket) decode(messageWith(ExtensionContext.NEW_SESSION_TICKET,
                new Extension.MaxEarlyData(16384)))).extensions().list().get(0);
        assertEquals(16384, assertInstanceOf(Extension.MaxEarlyData.class, nst).maxEarlyDataSize());

        ServerHello hrr = (ServerHello) decode(WireTestSupport.encodeViaByteBuf(WireTestSupport.helloRetryRequest()));
        assertTrue(hrr.isHelloRetryRequest());
        assertEquals(NamedGroup.SECP384R1,
                hrr.extensions().find(Extension.KeyShareHelloRetryRequest.class).orElseThrow().selectedGroup());
        assertEquals(100, hrr.extensions().find(Extension.Cookie.class).orElseThrow().cookie().length);
        assertEquals(ProtocolVersion.TLS_1_3,
                hrr.extensions().find(Extension.SupportedVersionsServerHello.class).orElseThrow().selectedVersion());

        ServerHello sh = (ServerHello) decode(serverHelloWith(new byte[32], new Extension.PreSharedKeyServerHello(7)));
        assertEquals(7, sh.extensions().find(Extension.PreSharedKeyServerHello.class).orElseThrow().selectedIdentity());
    }

    @Test
    void helloRetryRequestRandomIsSha256OfHelloRetryRequestAndCannotBeModified() throws Exception {
        byte[] random = ServerHello.helloRetryRequestRandom();
        assertArrayEquals(java.security.MessageDigest.getInstance("SHA-256")
                .digest("HelloRetryRequest".getBytes(java.nio.charset.StandardCharsets.US_ASCII)), random);
        random[0] ^= 1;
        assertFalse(java.util.Arrays.equals(random, ServerHello.helloRetryRequestRandom()));
    }

    @Test
    void encodersRejectValuesOutsideTheRfcBounds() {
        List<Extension> bad = List.of(
                new Extension.Alpn(List.of(new byte[0])),
                new Extension.Alpn(List.of(new byte[256])),
                new Extension.Alpn(List.of()),
                new Extension.SupportedGroups(List.of()),
                new Extension.SignatureAlgorithms(List.of()),
                new Extension.SupportedVersionsClientHello(List.of()),
                new Extension.PskKeyExchangeModes(List.of()),
                new Extension.Cookie(new byte[0]),
                new Extension.RecordSizeLimit(0x10000),
                new Extension.MaxEarlyData(-1),
                new Extension.KeyShareServerHello(new Extension.KeyShareEntry(NamedGroup.X25519, new byte[0])),
                new Extension.PreSharedKeyClientHello(List.of(new Extension.PskIdentity(new byte[] {1}, 0)),
                        List.of(new byte[31])),
                new Extension.PreSharedKeyClientHello(List.of(), List.of(new byte[32])),
                new Extension.UnknownExtension(ExtensionType.of(0x1234), new byte[0x10000]));
        forEach(bad, e -> assertThrows(IllegalArgumentException.class,
                () -> HandshakeCodec.encode(new EncryptedExtensions(Extensions.of(e)))));
        assertThrows(IllegalArgumentException.class, () -> HandshakeCodec.encode(new ClientHello(0x0303,
                new byte[31], new byte[0], List.of(CipherSuite.TLS_AES_128_GCM_SHA256),
                Extensions.of(FILLER, FILLER))));
        assertThrows(IllegalArgumentException.class, () -> HandshakeCodec.encode(new ClientHello(0x0303,
                new byte[32], new byte[33], List.of(CipherSuite.TLS_AES_128_GCM_SHA256), Extensions.of(FILLER))));
        assertThrows(IllegalArgumentException.class, () -> HandshakeCodec.encode(new ClientHello(0x0303,
                new byte[32], new byte[0], List.of(), Extensions.of(FILLER, FILLER))));
        ClientHello withoutPsk = new ClientHello(0x0303, new byte[32], new byte[0],
                List.of(CipherSuite.TLS_AES_128_GCM_SHA256), Extensions.of(FILLER, FILLER));
        assertThrows(IllegalArgumentException.class, () -> HandshakeCodec.encodeWithoutBinders(withoutPsk));
    }

    @Test
    void extensionsLookUpByRecordClassAndByType() {
        Extensions block = Extensions.of(new Extension.SupportedGroups(List.of(NamedGroup.X25519)),
                new Extension.UnknownExtension(ExtensionType.of(0x0A0A), new byte[] {1}));
        assertEquals(List.of(NamedGroup.X25519),
                block.find(Extension.SupportedGroups.class).orElseThrow().groups());
        assertTrue(block.find(Extension.Alpn.class).isEmpty());
        assertTrue(block.get(ExtensionType.of(0x0A0A)).isPresent());
        assertTrue(block.contains(ExtensionType.SUPPORTED_GROUPS));
        assertFalse(block.contains(ExtensionType.KEY_SHARE));
        assertEquals(2, block.size());
        assertThrows(UnsupportedOperationException.class, () -> block.list().clear());
        assertTrue(Extensions.EMPTY.isEmpty());
    }
}
