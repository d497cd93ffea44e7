package dev.tls13.wire;

import static dev.tls13.wire.WireTestSupport.assertRejected;
import static dev.tls13.wire.WireTestSupport.body;
import static dev.tls13.wire.WireTestSupport.concat;
import static dev.tls13.wire.WireTestSupport.decode;
import static dev.tls13.wire.WireTestSupport.decodeFails;
import static dev.tls13.wire.WireTestSupport.filled;
import static dev.tls13.wire.WireTestSupport.forEach;
import static dev.tls13.wire.WireTestSupport.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tls13.error.InvalidMessage;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.testing.Rfc8448;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Malformed and illegal handshake messages are rejected with the alert RFC 8446 names. */
class HandshakeCodecRejectionTest {

    /**
     * A message with an extension block, and how to rebuild it with another block.
     *
     * @param sample the message
     * @param rebuild the message with the given extensions
     */
    record Rebuildable(WireTestSupport.Sample sample, Function<Extensions, HandshakeMessage> rebuild) {
        @Override
        public String toString() {
            return sample.name();
        }
    }

    static List<WireTestSupport.Sample> allMessages() {
        return WireTestSupport.allMessages();
    }

    static List<Rebuildable> messagesWithExtensions() {
        List<Rebuildable> out = new ArrayList<>();
        for (WireTestSupport.Sample s : WireTestSupport.allMessages()) {
            Function<Extensions, HandshakeMessage> rebuild = withExtensions(s.bytes());
            if (rebuild != null) {
                out.add(new Rebuildable(s, rebuild));
            }
        }
        return out;
    }

    private static InvalidMessage invalidReason(TlsException e) {
        return assertInstanceOf(TlsFailure.Invalid.class, e.failure(), e::getMessage).reason();
    }

    private static PeerMisbehaved misbehavedReason(TlsException e) {
        return assertInstanceOf(TlsFailure.Misbehaved.class, e.failure(), e::getMessage).reason();
    }

    @Test
    void everyMessageRoundTripsIdentically() {
        forEach(allMessages(), sample -> {
            assertArrayEquals(sample.bytes(), HandshakeCodec.encode(decode(sample.bytes())));
        });
    }

    @Test
    void everyMessageCutAtAnyByteIsADecodeError() {
        forEach(allMessages(), sample -> {
            byte[] m = sample.bytes();
            for (int n = 0; n < m.length; n++) {
                byte[] prefix = Arrays.copyOf(m, n);
                assertEquals(InvalidMessage.TRUNCATED, invalidReason(decodeFails(prefix)), "cut at " + n);
            }
        });
    }

    @Test
    void everyBodyCutAtAnyByteAndReframedIsADecodeError() {
        forEach(allMessages(), sample -> {
            // The header's length matches the shorter body, so the body's own parser must notice.
            byte[] body = body(sample.bytes());
            for (int n = 0; n < body.length; n++) {
                byte[] reframed = frame(sample.bytes()[0], Arrays.copyOf(body, n));
                assertRejected(reframed, AlertDescription.DECODE_ERROR);
            }
        });
    }

    @Test
    void everyMessageWithOneTrailingByteIsADecodeError() {
        forEach(allMessages(), sample -> {
            byte[] m = sample.bytes();
            // After the header's length ...
            assertEquals(InvalidMessage.TRAILING_DATA, invalidReason(decodeFails(concat(m, new byte[] {0}))));
            // ... and inside it, after the body's last structure.
            assertRejected(frame(m[0], concat(body(m), new byte[] {0})), AlertDescription.DECODE_ERROR);
        });
    }

    @Test
    void everyExtensionBlockWithADuplicatedExtensionIsAnIllegalParameter() {
        forEach(messagesWithExtensions(), r -> {
            WireTestSupport.Sample sample = r.sample();
            Function<Extensions, HandshakeMessage> rebuild = r.rebuild();
            Extensions original = extensionsOf(decode(sample.bytes()));
            List<Extension> list = new ArrayList<>(original.list());
            if (list.isEmpty()) {
                list.add(new Extension.UnknownExtension(ExtensionType.of(0x7A7A), new byte[] {1}));
            }
            // Duplicate the first extension right after itself (keeping pre_shared_key last).
            list.add(1, list.get(0));
            TlsException e = decodeFails(HandshakeCodec.encode(rebuild.apply(new Extensions(list))));
            assertEquals(InvalidMessage.DUPLICATE_EXTENSION, invalidReason(e));
            assertEquals(AlertDescription.ILLEGAL_PARAMETER, e.failure().alert());
        });
    }

    @Test
    void everyExtensionBlockRejectsAKnownExtensionNotListedForItsMessage() {
        forEach(messagesWithExtensions(), r -> {
            WireTestSupport.Sample sample = r.sample();
            Function<Extensions, HandshakeMessage> rebuild = r.rebuild();
            HandshakeMessage decoded = decode(sample.bytes());
            ExtensionContext context = contextOf(decoded);
            // oid_filters is only for CertificateRequest, post_handshake_auth only for ClientHello.
            ExtensionType wrong = context == ExtensionContext.CLIENT_HELLO ? ExtensionType.OID_FILTERS
                    : ExtensionType.POST_HANDSHAKE_AUTH;
            List<Extension> list = new ArrayList<>(extensionsOf(decoded).list());
            list.add(0, new Extension.UnknownExtension(wrong, new byte[0]));
            TlsException e = decodeFails(HandshakeCodec.encode(rebuild.apply(new Extensions(list))));
            assertEquals(PeerMisbehaved.EXTENSION_NOT_ALLOWED, misbehavedReason(e));
            assertEquals(AlertDescription.ILLEGAL_PARAMETER, e.failure().alert());
        });
    }

    @Test
    void everyExtensionBlockKeepsUnknownExtensionsByteForByte() {
        forEach(messagesWithExtensions(), r -> {
            WireTestSupport.Sample sample = r.sample();
            Function<Extensions, HandshakeMessage> rebuild = r.rebuild();
            List<Extension> list = new ArrayList<>(extensionsOf(decode(sample.bytes())).list());
            Extension.UnknownExtension unknown = new Extension.UnknownExtension(ExtensionType.of(0xDADA),
                    new byte[] {0, 1, 2, (byte) 0xFF});
            list.add(0, unknown);
            byte[] encoded = HandshakeCodec.encode(rebuild.apply(new Extensions(list)));
            HandshakeMessage back = decode(encoded);
            Extension.UnknownExtension kept = assertInstanceOf(Extension.UnknownExtension.class,
                    extensionsOf(back).list().get(0));
            assertEquals(0xDADA, kept.type().code());
            assertArrayEquals(unknown.data(), kept.data());
            assertArrayEquals(encoded, HandshakeCodec.encode(back));
        });
    }

    @Test
    void duplicateIsFoundAmongThousandsOfExtensions() throws TlsException {
        List<Extension> list = new ArrayList<>();
        for (int code = 0x4000; code < 0x4000 + 10000; code++) {
            list.add(new Extension.UnknownExtension(ExtensionType.of(code), new byte[0]));
        }
        EncryptedExtensions distinct = new EncryptedExtensions(new Extensions(list));
        assertEquals(10000, ((EncryptedExtensions) decode(HandshakeCodec.encode(distinct))).extensions().size());
        list.add(new Extension.UnknownExtension(ExtensionType.of(0x4000 + 5000), new byte[0]));
        TlsException e = decodeFails(HandshakeCodec.encode(new EncryptedExtensions(new Extensions(list))));
        assertEquals(InvalidMessage.DUPLICATE_EXTENSION, invalidReason(e));
    }

    @Test
    void clientHelloWithCompressionOtherThanNullIsAnIllegalParameter() throws TlsException {
        byte[] ch = Rfc8448.one(Rfc8448.Trace.SIMPLE_1RTT, "client", "construct a ClientHello").bytes("ClientHello");
        ClientHello decoded = (ClientHello) decode(ch);
        int at = 4 + 2 + 32 + 1 + decoded.legacySessionId().length + 2 + 2 * decoded.cipherSuites().size();
        assertArrayEquals(new byte[] {1, 0}, Arrays.copyOfRange(ch, at, at + 2));
        byte[] head = Arrays.copyOfRange(body(ch), 0, at - 4);
        byte[] tail = Arrays.copyOfRange(body(ch), at - 4 + 2, ch.length - 4);
        for (byte[] methods : List.of(new byte[] {1, 1}, new byte[] {2, 0, 1}, new byte[] {2, 1, 0},
                new byte[] {1, (byte) 0xFF})) {
            TlsException e = decodeFails(frame(1, concat(head, methods, tail)));
            assertEquals(InvalidMessage.ILLEGAL_COMPRESSION, invalidReason(e));
            assertEquals(AlertDescription.ILLEGAL_PARAMETER, e.failure().alert());
        }
        // An empty list is a vector-bounds violation: decode_error.
        assertRejected(frame(1, concat(head, new byte[] {0}, tail)), AlertDescription.DECODE_ERROR);
    }

    @Test
    void serverHelloWithCompressionOtherThanNullIsAnIllegalParameter() throws TlsException {
        byte[] sh = Rfc8448.one(Rfc8448.Trace.SIMPLE_1RTT, "server", "construct a ServerHello").bytes("ServerHello");
        int at = 4 + 2 + 32 + 1 + 0 + 2;
        assertEquals(0, sh[at]);
        byte[] bad = sh.clone();
        bad[at] = 1;
        assertEquals(InvalidMessage.ILLEGAL_COMPRESSION, invalidReason(decodeFails(bad)));
    }

    @Test
    void clientHelloWithPreSharedKeyBeforeAnotherExtensionIsAnIllegalParameter() throws TlsException {
        ClientHello ch = (ClientHello) decode(WireTestSupport.fullResumptionClientHello());
        List<Extension> list = new ArrayList<>(ch.extensions().list());
        Extension psk = list.remove(list.size() - 1);
        list.add(0, psk);
        // The encoder refuses to write it ...
        ClientHello reordered = new ClientHello(ch.legacyVersion(), ch.random(), ch.legacySessionId(),
                ch.cipherSuites(), new Extensions(list));
        assertThrows(IllegalArgumentException.class, () -> HandshakeCodec.encode(reordered));
        // ... so build the bytes with the pre_shared_key disguised as an unknown type, then patch the type.
        list.set(0, new Extension.UnknownExtension(ExtensionType.of(0xABCD), rawBody(psk)));
        byte[] bytes = HandshakeCodec.encode(new ClientHello(ch.legacyVersion(), ch.random(), ch.legacySessionId(),
                ch.cipherSuites(), new Extensions(list)));
        // header, legacy_version, random, session id, cipher suites, compression, extensions length
        int at = 4 + 2 + 32 + 1 + ch.legacySessionId().length + 2 + 2 * ch.cipherSuites().size() + 2 + 2;
        assertArrayEquals(new byte[] {(byte) 0xAB, (byte) 0xCD}, Arrays.copyOfRange(bytes, at, at + 2));
        bytes[at] = 0x00;
        bytes[at + 1] = 0x29;
        TlsException e = decodeFails(bytes);
        assertEquals(InvalidMessage.PSK_NOT_LAST, invalidReason(e));
        assertEquals(AlertDescription.ILLEGAL_PARAMETER, e.failure().alert());
    }

    @Test
    void messageTypesThatTls13DoesNotSendAreUnexpected() {
        forEach(List.of(0, 3, 6, 7, 9, 12, 14, 16, 21, 22, 23, 25, 254, 255), type -> {
            TlsException e = decodeFails(frame(type, new byte[] {0, 0}));
            assertEquals(InvalidMessage.UNKNOWN_HANDSHAKE_TYPE, invalidReason(e));
            assertEquals(AlertDescription.UNEXPECTED_MESSAGE, e.failure().alert());
        });
    }

    @Test
    void syntheticMessageHashEncodesButIsNeverAcceptedFromThePeer() {
        byte[] hash = filled(32, 0xAA);
        byte[] encoded = HandshakeCodec.encode(new MessageHash(hash));
        assertArrayEquals(concat(new byte[] {(byte) 0xFE, 0, 0, 32}, hash), encoded);
        assertEquals(InvalidMessage.UNKNOWN_HANDSHAKE_TYPE, invalidReason(decodeFails(encoded)));
    }

    @Test
    void keyUpdateWithARequestOtherThanZeroOrOneIsAnIllegalParameter() throws TlsException {
        assertEquals(new KeyUpdate(false), decode(new byte[] {0x18, 0, 0, 1, 0}));
        assertEquals(new KeyUpdate(true), decode(new byte[] {0x18, 0, 0, 1, 1}));
        TlsException e = decodeFails(new byte[] {0x18, 0, 0, 1, 2});
        assertEquals(PeerMisbehaved.ILLEGAL_KEY_UPDATE, misbehavedReason(e));
        assertEquals(AlertDescription.ILLEGAL_PARAMETER, e.failure().alert());
    }

    @Test
    void finishedIsCheckedAgainstHashLengthOnlyWhenTheCallerKnowsIt() throws TlsException {
        byte[] fin48 = frame(0x14, filled(48, 1));
        ByteBuf buf = Unpooled.wrappedBuffer(fin48);
        try {
            assertEquals(48, ((Finished) HandshakeCodec.decode(buf)).verifyData().length);
            assertEquals(48, ((Finished) HandshakeCodec.decode(buf, 48)).verifyData().length);
            TlsException e = assertThrows(TlsException.class, () -> HandshakeCodec.decode(buf, 32));
            assertEquals(AlertDescription.DECODE_ERROR, e.failure().alert());
            assertEquals(0, buf.readerIndex()); // the caller's indices are left alone
        } finally {
            buf.release();
        }
        assertEquals(InvalidMessage.EMPTY_VECTOR, invalidReason(assertThrows(TlsException.class, () -> {
            ByteBuf empty = Unpooled.wrappedBuffer(frame(0x14, new byte[0]));
            try {
                HandshakeCodec.decode(empty);
            } finally {
                empty.release();
            }
        })));
    }

    @Test
    void endOfEarlyDataWithABodyIsADecodeError() {
        assertEquals(InvalidMessage.TRAILING_DATA, invalidReason(decodeFails(new byte[] {5, 0, 0, 1, 0})));
    }

    @Test
    void clientHelloWithOversizedSessionIdIsADecodeError() throws TlsException {
        ClientHello ch = WireTestSupport.richClientHello();
        byte[] bytes = HandshakeCodec.encode(ch);
        // legacy_session_id length byte: 33 instead of 32, the body shifted by one byte.
        byte[] b = body(bytes);
        byte[] patched = concat(Arrays.copyOf(b, 34), new byte[] {33}, Arrays.copyOfRange(b, 35, 35 + 32),
                new byte[] {0x22}, Arrays.copyOfRange(b, 35 + 32, b.length));
        assertEquals(InvalidMessage.BAD_VECTOR_LENGTH, invalidReason(decodeFails(frame(1, patched))));
    }

    @Test
    void clientHelloWithOddCipherSuitesLengthIsADecodeError() throws TlsException {
        byte[] b = body(HandshakeCodec.encode(WireTestSupport.richClientHello()));
        int at = 2 + 32 + 1 + 32;
        assertEquals(10, ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF));
        byte[] patched = b.clone();
        patched[at + 1] = 9;
        assertEquals(InvalidMessage.BAD_VECTOR_LENGTH, invalidReason(decodeFails(frame(1, patched))));
        patched[at + 1] = 0;
        assertEquals(InvalidMessage.EMPTY_VECTOR, invalidReason(decodeFails(frame(1, patched))));
    }

    @Test
    void decodingLeavesTheCallersBufferUntouched() throws TlsException {
        byte[] bytes = HandshakeCodec.encode(WireTestSupport.richClientHello());
        ByteBuf buf = Unpooled.buffer();
        try {
            buf.writeByte(0x99).writeBytes(bytes);
            buf.readByte();
            HandshakeCodec.decode(buf);
            assertEquals(1, buf.readerIndex());
            assertEquals(1 + bytes.length, buf.writerIndex());
        } finally {
            buf.release();
        }
    }

    // ---------------------------------------------------------------- helpers

    static Extensions extensionsOf(HandshakeMessage m) {
        if (m instanceof ClientHello ch) {
            return ch.extensions();
        } else if (m instanceof ServerHello sh) {
            return sh.extensions();
        } else if (m instanceof EncryptedExtensions ee) {
            return ee.extensions();
        } else if (m instanceof CertificateRequest cr) {
            return cr.extensions();
        } else if (m instanceof NewSessionTicket t) {
            return t.extensions();
        } else if (m instanceof Certificate c) {
            return c.entries().get(0).extensions();
        }
        throw new IllegalArgumentException(m.toString());
    }

    static ExtensionContext contextOf(HandshakeMessage m) {
        if (m instanceof ClientHello) {
            return ExtensionContext.CLIENT_HELLO;
        } else if (m instanceof ServerHello sh) {
            return sh.extensionContext();
        } else if (m instanceof EncryptedExtensions) {
            return ExtensionContext.ENCRYPTED_EXTENSIONS;
        } else if (m instanceof CertificateRequest) {
            return ExtensionContext.CERTIFICATE_REQUEST;
        } else if (m instanceof NewSessionTicket) {
            return ExtensionContext.NEW_SESSION_TICKET;
        }
        return ExtensionContext.CERTIFICATE;
    }

    /** A function rebuilding the message of {@code bytes} with another extension block, or null. */
    private static Function<Extensions, HandshakeMessage> withExtensions(byte[] bytes) {
        HandshakeMessage m;
        try {
            m = decode(bytes);
        } catch (TlsException e) {
            throw new AssertionError(e);
        }
        if (m instanceof ClientHello ch) {
            return x -> new ClientHello(ch.legacyVersion(), ch.random(), ch.legacySessionId(), ch.cipherSuites(), x);
        } else if (m instanceof ServerHello sh) {
            return x -> new ServerHello(sh.legacyVersion(), sh.random(), sh.legacySessionIdEcho(), sh.cipherSuite(), x);
        } else if (m instanceof EncryptedExtensions) {
            return EncryptedExtensions::new;
        } else if (m instanceof CertificateRequest cr) {
            return x -> new CertificateRequest(cr.certificateRequestContext(), x);
        } else if (m instanceof NewSessionTicket t) {
            return x -> new NewSessionTicket(t.ticketLifetime(), t.ticketAgeAdd(), t.ticketNonce(), t.ticket(), x);
        } else if (m instanceof Certificate c && !c.entries().isEmpty()) {
            return x -> {
                List<Certificate.Entry> entries = new ArrayList<>(c.entries());
                entries.set(0, new Certificate.Entry(entries.get(0).certData(), x));
                return new Certificate(c.certificateRequestContext(), entries);
            };
        }
        return null;
    }

    /** The extension_data of a typed extension, via an encoded EncryptedExtensions block. */
    private static byte[] rawBody(Extension e) {
        byte[] ee = HandshakeCodec.encode(new EncryptedExtensions(Extensions.of(e)));
        // header (4) + block length (2) + type (2) + data length (2)
        return Arrays.copyOfRange(ee, 10, ee.length);
    }
}
