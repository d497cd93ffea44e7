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
 * Decodes and encodes TLS 1.3 handshake messages (RFC 8446 §4, §B.3).
 *
 * <p>Decoding is strict: every length is checked against what remains before it is used, bytes
 * left over anywhere are an error, and RFC 8446's structural MUSTs about a message's own bytes are
 * enforced here (see {@link Extension#allowedIn}). Encoding a decoded message yields exactly the
 * bytes it was decoded from: extension order, unknown extensions and code points, padding and the
 * legacy fields are kept as received (transcript hashes and PSK binders depend on it).
 */
public final class HandshakeCodec {

    /** Size of a handshake message header: msg_type (u8) and length (u24). */
    public static final int HEADER_LENGTH = 4;

    private static final int INITIAL_SCRATCH = 1024;
    /** A thread keeps a buffer grown for a long certificate chain up to this size, not beyond. */
    private static final int MAX_KEPT_SCRATCH = 64 * 1024;
    /**
     * Per thread, the buffer {@link #encode(HandshakeMessage)} encodes into; empty between calls. An
     * unpooled heap buffer, left to the garbage collector with its thread. It holds handshake messages
     * only, which hold no secret.
     */
    private static final ThreadLocal<ByteBuf> SCRATCH = ThreadLocal.withInitial(() -> Unpooled.buffer(INITIAL_SCRATCH));

    private HandshakeCodec() {
    }

    /**
     * Decodes one whole handshake message, header included. A Finished message's verify_data is the
     * whole body (non-empty); the handshake checks its length against the suite's Hash.length.
     * Use {@link #decode(ByteBuf, int)} to check it here.
     *
     * @param message exactly one message: its readable bytes are the 4-byte header and the body;
     *        borrowed, and its indices are left unchanged
     * @return the decoded message
     * @throws TlsException when the bytes are not a valid TLS 1.3 handshake message
     */
    public static HandshakeMessage decode(ByteBuf message) throws TlsException {
        return decode(message, -1);
    }

    /**
     * Decodes one whole handshake message, header included, requiring a Finished message's
     * verify_data to be exactly {@code finishedLength} bytes (RFC 8446 §4.4.4: Hash.length).
     *
     * @param message exactly one message: its readable bytes are the 4-byte header and the body;
     *        borrowed, and its indices are left unchanged
     * @param finishedLength Hash.length of the negotiated suite, or -1 to accept any non-empty length
     * @return the decoded message
     * @throws TlsException when the bytes are not a valid TLS 1.3 handshake message
     */
    public static HandshakeMessage decode(ByteBuf message, int finishedLength) throws TlsException {
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
        HandshakeMessage m;
        switch (type) {
            case 0x01:
                m = clientHello(in);
                break;
            case 0x02:
                m = serverHello(in);
                break;
            case 0x04:
                m = newSessionTicket(in);
                break;
            case 0x05:
                m = new EndOfEarlyData();
                break;
            case 0x08:
                m = new EncryptedExtensions(
                        ExtensionCodec.decodeBlock(in, ExtensionContext.ENCRYPTED_EXTENSIONS, 0, 0xFFFF));
                break;
            case 0x0B:
                m = certificate(in);
                break;
            case 0x0D:
                m = certificateRequest(in);
                break;
            case 0x0F:
                m = new CertificateVerify(SignatureScheme.of(Codec.u16(in)),
                        Codec.opaque(in, 2, 0, 0xFFFF, "signature"));
                break;
            case 0x14:
                m = finished(in, finishedLength);
                break;
            case 0x18:
                m = keyUpdate(in);
                break;
            default:
                // Unknown types, the TLS 1.2 messages RFC 8446 §B.3 marks _RESERVED, and the synthetic
                // message_hash (never sent, RFC 8446 §4.4.1) are not TLS 1.3 handshake messages.
                throw TlsException.invalid(InvalidMessage.UNKNOWN_HANDSHAKE_TYPE, HandshakeType.of(type).toString());
        }
        Codec.end(in, m.type().toString());
        return m;
    }

    private static ClientHello clientHello(ByteBuf in) throws TlsException {
        int legacyVersion = Codec.u16(in);
        byte[] random = Codec.bytes(in, 32);
        byte[] sessionId = Codec.opaque(in, 1, 0, 32, "legacy_session_id");
        ByteBuf suites = Codec.vector(in, 2, 2, 0xFFFE, 2, "cipher_suites");
        List<CipherSuite> cipherSuites = new ArrayList<>(suites.readableBytes() / 2);
        while (suites.isReadable()) {
            cipherSuites.add(CipherSuite.of(suites.readUnsignedShort()));
        }
        ByteBuf compression = Codec.vector(in, 1, 1, 0xFF, 1, "legacy_compression_methods");
        // RFC 8446 §4.1.2: "For every TLS 1.3 ClientHello, this vector MUST contain exactly one
        // byte, set to zero ... [otherwise] abort the handshake with an "illegal_parameter" alert."
        if (compression.readableBytes() != 1 || compression.getByte(compression.readerIndex()) != 0) {
            throw TlsException.invalid(InvalidMessage.ILLEGAL_COMPRESSION);
        }
        Extensions extensions = ExtensionCodec.decodeBlock(in, ExtensionContext.CLIENT_HELLO, 8, 0xFFFF);
        // RFC 8446 §4.2.11: pre_shared_key "MUST be the last extension in the ClientHello"; servers
        // "MUST check that it is the last extension and otherwise fail the handshake with an
        // "illegal_parameter" alert".
        List<Extension> list = extensions.list();
        for (int i = 0; i < list.size() - 1; i++) {
            if (list.get(i).type().equals(ExtensionType.PRE_SHARED_KEY)) {
                throw TlsException.invalid(InvalidMessage.PSK_NOT_LAST);
            }
        }
        return new ClientHello(legacyVersion, random, sessionId, cipherSuites, extensions);
    }

    private static ServerHello serverHello(ByteBuf in) throws TlsException {
        int legacyVersion = Codec.u16(in);
        byte[] random = Codec.bytes(in, 32);
        byte[] sessionIdEcho = Codec.opaque(in, 1, 0, 32, "legacy_session_id_echo");
        CipherSuite suite = CipherSuite.of(Codec.u16(in));
        // RFC 8446 §4.1.3: legacy_compression_method "MUST have the value 0".
        if (Codec.u8(in) != 0) {
            throw TlsException.invalid(InvalidMessage.ILLEGAL_COMPRESSION, "ServerHello");
        }
        ExtensionContext context;
        int min;
        if (ServerHello.isHelloRetryRequestRandom(random)) {
            context = ExtensionContext.HELLO_RETRY_REQUEST;
            min = 6;
        } else if (announcesVersion(in)) {
            context = ExtensionContext.SERVER_HELLO;
            min = 6;
        } else {
            // RFC 8446 §4.2.1: no supported_versions, so TLS 1.2 or earlier; the handshake decides whether that
            // is welcome. The block itself is still required: a TLS 1.2 ServerHello without extensions cannot
            // carry the extended_master_secret we require.
            context = ExtensionContext.TLS12_SERVER_HELLO;
            min = 0;
        }
        Extensions extensions = ExtensionCodec.decodeBlock(in, context, min, 0xFFFF);
        return new ServerHello(legacyVersion, random, sessionIdEcho, suite, extensions);
    }

    /**
     * Whether the extension block at the reader index holds supported_versions, found by walking the raw
     * block without consuming it; a malformed block answers {@code true} so that the strict TLS 1.3 decoding
     * reports it.
     */
    private static boolean announcesVersion(ByteBuf in) {
        int i = in.readerIndex();
        if (in.readableBytes() < 2) {
            return true;
        }
        int end = i + 2 + in.getUnsignedShort(i);
        if (end > in.writerIndex()) {
            return true;
        }
        i += 2;
        while (i + 4 <= end) {
            if (in.getUnsignedShort(i) == ExtensionType.SUPPORTED_VERSIONS.code()) {
                return true;
            }
            i += 4 + in.getUnsignedShort(i + 2);
        }
        return false;
    }

    private static CertificateRequest certificateRequest(ByteBuf in) throws TlsException {
        byte[] context = Codec.opaque(in, 1, 0, 0xFF, "certificate_request_context");
        return new CertificateRequest(context,
                ExtensionCodec.decodeBlock(in, ExtensionContext.CERTIFICATE_REQUEST, 2, 0xFFFF));
    }

    private static Certificate certificate(ByteBuf in) throws TlsException {
        byte[] context = Codec.opaque(in, 1, 0, 0xFF, "certificate_request_context");
        ByteBuf list = Codec.vector(in, 3, 0, 0xFFFFFF, 1, "certificate_list");
        List<Certificate.Entry> entries = new ArrayList<>();
        while (list.isReadable()) {
            byte[] certData = Codec.opaque(list, 3, 1, 0xFFFFFF, "cert_data");
            entries.add(new Certificate.Entry(certData,
                    ExtensionCodec.decodeBlock(list, ExtensionContext.CERTIFICATE, 0, 0xFFFF)));
        }
        return new Certificate(context, entries);
    }

    private static Finished finished(ByteBuf in, int finishedLength) throws TlsException {
        int n = in.readableBytes();
        if (n == 0) {
            throw TlsException.invalid(InvalidMessage.EMPTY_VECTOR, "verify_data");
        }
        if (finishedLength >= 0 && n != finishedLength) {
            throw TlsException.invalid(n < finishedLength ? InvalidMessage.TRUNCATED : InvalidMessage.TRAILING_DATA,
                    "verify_data is " + n + " bytes, Hash.length is " + finishedLength);
        }
        return new Finished(Codec.bytes(in, n));
    }

    private static NewSessionTicket newSessionTicket(ByteBuf in) throws TlsException {
        long lifetime = Codec.u32(in);
        long ageAdd = Codec.u32(in);
        byte[] nonce = Codec.opaque(in, 1, 0, 0xFF, "ticket_nonce");
        byte[] ticket = Codec.opaque(in, 2, 1, 0xFFFF, "ticket");
        Extensions extensions = ExtensionCodec.decodeBlock(in, ExtensionContext.NEW_SESSION_TICKET, 0, 0xFFFE);
        return new NewSessionTicket(lifetime, ageAdd, nonce, ticket, extensions);
    }

    private static KeyUpdate keyUpdate(ByteBuf in) throws TlsException {
        int request = Codec.u8(in);
        // RFC 8446 §4.6.3: any value other than 0 or 1 MUST be answered with illegal_parameter.
        if (request > 1) {
            throw TlsException.misbehaved(PeerMisbehaved.ILLEGAL_KEY_UPDATE, "request_update " + request);
        }
        return new KeyUpdate(request == 1);
    }

    // ---------------------------------------------------------------- encoding

    /**
     * Encodes a message, header included.
     *
     * @param m the message
     * @param out where to write; borrowed
     * @throws IllegalArgumentException when a field does not fit its wire type or RFC bounds, or a
     *         ClientHello's pre_shared_key is not its last extension
     */
    public static void encode(HandshakeMessage m, ByteBuf out) {
        Codec.writeU8(out, m.type().code());
        int mark = Codec.beginVector(out, 3);
        encodeBody(m, out);
        Codec.endVector(out, mark, 3, 0, 0xFFFFFF, m.type().toString());
    }

    /**
     * Encodes a message, header included.
     *
     * @param m the message
     * @return the bytes
     * @throws IllegalArgumentException as {@link #encode(HandshakeMessage, ByteBuf)}
     */
    public static byte[] encode(HandshakeMessage m) {
        return encode(m, 0);
    }

    /** Encodes {@code m} and returns its bytes without the last {@code omitted}. */
    private static byte[] encode(HandshakeMessage m, int omitted) {
        // Encoded into this thread's buffer and copied out once at the exact size: a new buffer per
        // message grew by reallocation for the larger messages (a Certificate is 1 KB or more).
        ByteBuf out = SCRATCH.get();
        try {
            encode(m, out);
            return ByteBufUtil.getBytes(out, out.readerIndex(), out.readableBytes() - omitted);
        } finally {
            if (out.capacity() > MAX_KEPT_SCRATCH) {
                out.release();
                SCRATCH.set(Unpooled.buffer(INITIAL_SCRATCH));
            } else {
                out.clear();
            }
        }
    }

    /**
     * Encodes a ClientHello without its binders list: Truncate(ClientHello) of RFC 8446 §4.2.11.2,
     * the bytes a PSK binder is computed over. The lengths in it (handshake header, extension
     * block, pre_shared_key) still count the binders, as the RFC requires; the result is the
     * encoding of {@code hello} minus its last {@link Extension.PreSharedKeyClientHello#bindersLength()}
     * bytes. A client builds its ClientHello with binders of the right lengths (e.g. zeros),
     * computes them over this prefix, then sends a ClientHello with the real binders; a server
     * computes the prefix from the ClientHello it decoded, which re-encodes to the received bytes.
     *
     * @param hello a ClientHello whose last extension is pre_shared_key
     * @return the truncated ClientHello
     * @throws IllegalArgumentException when the last extension is not pre_shared_key
     */
    public static byte[] encodeWithoutBinders(ClientHello hello) {
        List<Extension> list = hello.extensions().list();
        if (list.isEmpty() || !(list.get(list.size() - 1) instanceof Extension.PreSharedKeyClientHello)) {
            throw new IllegalArgumentException("ClientHello does not end with pre_shared_key");
        }
        Extension.PreSharedKeyClientHello psk = (Extension.PreSharedKeyClientHello) list.get(list.size() - 1);
        return encode(hello, psk.bindersLength());
    }

    private static void encodeBody(HandshakeMessage m, ByteBuf out) {
        if (m instanceof ClientHello ch) {
            Codec.writeU16(out, ch.legacyVersion());
            writeRandom(out, ch.random());
            Codec.writeOpaque(out, 1, 0, 32, ch.legacySessionId(), "legacy_session_id");
            int mark = Codec.beginVector(out, 2);
            for (CipherSuite s : ch.cipherSuites()) {
                Codec.writeU16(out, s.code());
            }
            Codec.endVector(out, mark, 2, 2, 0xFFFE, "cipher_suites");
            out.writeByte(1).writeByte(0);
            List<Extension> list = ch.extensions().list();
            for (int i = 0; i < list.size() - 1; i++) {
                if (list.get(i).type().equals(ExtensionType.PRE_SHARED_KEY)) {
                    throw new IllegalArgumentException("pre_shared_key must be the last extension (RFC 8446 §4.2.11)");
                }
            }
            ExtensionCodec.encodeBlock(out, ch.extensions(), 8, 0xFFFF);
        } else if (m instanceof ServerHello sh) {
            Codec.writeU16(out, sh.legacyVersion());
            writeRandom(out, sh.random());
            Codec.writeOpaque(out, 1, 0, 32, sh.legacySessionIdEcho(), "legacy_session_id_echo");
            Codec.writeU16(out, sh.cipherSuite().code());
            out.writeByte(0);
            // The decoder's bounds: a TLS 1.3 block holds at least supported_versions (6 bytes); a TLS 1.2
            // ServerHello's extensions<0..2^16-1> may be empty (RFC 5246 §7.4.1.3).
            int min = sh.extensionContext() == ExtensionContext.TLS12_SERVER_HELLO ? 0 : 6;
            ExtensionCodec.encodeBlock(out, sh.extensions(), min, 0xFFFF);
        } else if (m instanceof EncryptedExtensions ee) {
            ExtensionCodec.encodeBlock(out, ee.extensions(), 0, 0xFFFF);
        } else if (m instanceof CertificateRequest cr) {
            Codec.writeOpaque(out, 1, 0, 0xFF, cr.certificateRequestContext(), "certificate_request_context");
            ExtensionCodec.encodeBlock(out, cr.extensions(), 2, 0xFFFF);
        } else if (m instanceof Certificate c) {
            Codec.writeOpaque(out, 1, 0, 0xFF, c.certificateRequestContext(), "certificate_request_context");
            int mark = Codec.beginVector(out, 3);
            for (Certificate.Entry e : c.entries()) {
                Codec.writeOpaque(out, 3, 1, 0xFFFFFF, e.certData(), "cert_data");
                ExtensionCodec.encodeBlock(out, e.extensions(), 0, 0xFFFF);
            }
            Codec.endVector(out, mark, 3, 0, 0xFFFFFF, "certificate_list");
        } else if (m instanceof CertificateVerify cv) {
            Codec.writeU16(out, cv.algorithm().code());
            Codec.writeOpaque(out, 2, 0, 0xFFFF, cv.signature(), "signature");
        } else if (m instanceof Finished f) {
            out.writeBytes(f.verifyData());
        } else if (m instanceof NewSessionTicket t) {
            Codec.writeU32(out, t.ticketLifetime());
            Codec.writeU32(out, t.ticketAgeAdd());
            Codec.writeOpaque(out, 1, 0, 0xFF, t.ticketNonce(), "ticket_nonce");
            Codec.writeOpaque(out, 2, 1, 0xFFFF, t.ticket(), "ticket");
            ExtensionCodec.encodeBlock(out, t.extensions(), 0, 0xFFFE);
        } else if (m instanceof EndOfEarlyData) {
            return;
        } else if (m instanceof KeyUpdate k) {
            out.writeByte(k.updateRequested() ? 1 : 0);
        } else if (m instanceof MessageHash h) {
            out.writeBytes(h.hash());
        } else {
            throw new IllegalArgumentException("no encoder for " + m.getClass());
        }
    }

    private static void writeRandom(ByteBuf out, byte[] random) {
        if (random.length != 32) {
            throw new IllegalArgumentException("random must be 32 bytes, is " + random.length);
        }
        out.writeBytes(random);
    }
}
