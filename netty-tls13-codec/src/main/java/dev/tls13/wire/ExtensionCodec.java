package dev.tls13.wire;

import dev.tls13.error.InvalidMessage;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decoding and encoding of extension blocks (RFC 8446 §4.2) and of each typed extension.
 */
final class ExtensionCodec {

    /** Up to this many extensions, duplicates are found by a linear scan. */
    private static final int LINEAR_SCAN_LIMIT = 32;

    private ExtensionCodec() {
    }

    /**
     * Reads an extension block {@code Extension extensions<min..max>} of a message.
     *
     * @throws TlsException on malformed bytes, a duplicate type (RFC 8446 §4.2: illegal_parameter)
     *         or a known extension the message may not carry (RFC 8446 §4.2: illegal_parameter)
     */
    static Extensions decodeBlock(ByteBuf in, ExtensionContext context, int min, int max) throws TlsException {
        ByteBuf block = Codec.vector(in, 2, min, max, 1, context.blockName());
        List<Extension> out = new ArrayList<>();
        Set<Integer> seen = null;
        while (block.isReadable()) {
            int code = Codec.u16(block);
            ByteBuf data = Codec.vector(block, 2, 0, 0xFFFF, 1, "extension_data");
            ExtensionType type = ExtensionType.of(code);
            // RFC 8446 §4.2: "There MUST NOT be more than one extension of the same type in a given
            // extension block." Real blocks are short, so a linear scan is cheapest; a peer can send
            // ~16000 empty extensions, so past a few we switch to a set to stay linear in the input.
            boolean duplicate;
            if (seen == null && out.size() < LINEAR_SCAN_LIMIT) {
                duplicate = false;
                for (Extension e : out) {
                    if (e.type().code() == code) {
                        duplicate = true;
                        break;
                    }
                }
            } else {
                if (seen == null) {
                    seen = new HashSet<>();
                    for (Extension e : out) {
                        seen.add(e.type().code());
                    }
                }
                duplicate = !seen.add(code);
            }
            if (duplicate) {
                throw TlsException.invalid(InvalidMessage.DUPLICATE_EXTENSION, type + " in " + context.rfcName());
            }
            // RFC 8446 §4.2: a recognized extension not specified for the message MUST abort the
            // handshake with illegal_parameter.
            if (!Extension.allowedIn(type, context)) {
                throw TlsException.misbehaved(PeerMisbehaved.EXTENSION_NOT_ALLOWED, type + " in " + context.rfcName());
            }
            Extension e = decodeOne(type, data, context);
            Codec.end(data, type.toString());
            out.add(e);
        }
        return new Extensions(out);
    }

    private static Extension decodeOne(ExtensionType type, ByteBuf data, ExtensionContext context)
            throws TlsException {
        switch (type.code()) {
            case 0x0000:
                return serverName(data, context);
            case 0x0001:
                return new Extension.MaxFragmentLength(Codec.u8(data));
            case 0x0005:
                return new Extension.StatusRequest(Codec.bytes(data, data.readableBytes()));
            case 0x000A:
                return new Extension.SupportedGroups(groups(data));
            case 0x000D:
                return new Extension.SignatureAlgorithms(schemes(data));
            case 0x0032:
                return new Extension.SignatureAlgorithmsCert(schemes(data));
            case 0x0010:
                return alpn(data);
            case 0x0015:
                return new Extension.Padding(Codec.bytes(data, data.readableBytes()));
            case 0x001C:
                return new Extension.RecordSizeLimit(Codec.u16(data));
            case 0x0029:
                return context == ExtensionContext.CLIENT_HELLO
                        ? offeredPsks(data)
                        : new Extension.PreSharedKeyServerHello(Codec.u16(data));
            case 0x002A:
                return context == ExtensionContext.NEW_SESSION_TICKET
                        ? new Extension.MaxEarlyData(Codec.u32(data))
                        : new Extension.EarlyData();
            case 0x002B:
                return context == ExtensionContext.CLIENT_HELLO
                        ? supportedVersions(data)
                        : new Extension.SupportedVersionsServerHello(Codec.u16(data));
            case 0x002C:
                return new Extension.Cookie(Codec.opaque(data, 2, 1, 0xFFFF, "cookie"));
            case 0x002D:
                return pskModes(data);
            case 0x002F:
                return certificateAuthorities(data);
            case 0x0031:
                return new Extension.PostHandshakeAuth();
            case 0x0033:
                return keyShare(data, context);
            default:
                return new Extension.UnknownExtension(type, Codec.bytes(data, data.readableBytes()));
        }
    }

    /** RFC 6066 §3; the server's acknowledgement has empty extension_data (checked by the caller's end()). */
    private static Extension.ServerName serverName(ByteBuf data, ExtensionContext context) throws TlsException {
        if (context != ExtensionContext.CLIENT_HELLO) {
            return Extension.ServerName.acknowledgement();
        }
        ByteBuf list = Codec.vector(data, 2, 1, 0xFFFF, 1, "server_name_list");
        List<Extension.ServerName.Entry> names = new ArrayList<>();
        while (list.isReadable()) {
            int nameType = Codec.u8(list);
            // RFC 6066 §3: every NameType's data begins with a 16-bit length, so unknown types
            // can be skipped (and kept) the same way; a host_name is <1..2^16-1>.
            int min = nameType == Extension.ServerName.HOST_NAME ? 1 : 0;
            names.add(new Extension.ServerName.Entry(nameType, Codec.opaque(list, 2, min, 0xFFFF, "server name")));
        }
        return new Extension.ServerName(names);
    }

    /** RFC 8446 §4.2.7: named_group_list<2..2^16-1>. */
    private static List<NamedGroup> groups(ByteBuf data) throws TlsException {
        ByteBuf v = Codec.vector(data, 2, 2, 0xFFFF, 2, "named_group_list");
        List<NamedGroup> l = new ArrayList<>(v.readableBytes() / 2);
        while (v.isReadable()) {
            l.add(NamedGroup.of(v.readUnsignedShort()));
        }
        return l;
    }

    /** RFC 8446 §4.2.3: supported_signature_algorithms<2..2^16-2>. */
    private static List<SignatureScheme> schemes(ByteBuf data) throws TlsException {
        ByteBuf v = Codec.vector(data, 2, 2, 0xFFFE, 2, "supported_signature_algorithms");
        List<SignatureScheme> l = new ArrayList<>(v.readableBytes() / 2);
        while (v.isReadable()) {
            l.add(SignatureScheme.of(v.readUnsignedShort()));
        }
        return l;
    }

    /** RFC 7301 §3.1: ProtocolName protocol_name_list<2..2^16-1>, ProtocolName<1..2^8-1>. */
    private static Extension.Alpn alpn(ByteBuf data) throws TlsException {
        ByteBuf v = Codec.vector(data, 2, 2, 0xFFFF, 1, "protocol_name_list");
        List<byte[]> l = new ArrayList<>();
        while (v.isReadable()) {
            l.add(Codec.opaque(v, 1, 1, 0xFF, "ProtocolName"));
        }
        return new Extension.Alpn(l);
    }

    /** RFC 8446 §4.2.11: OfferedPsks. */
    private static Extension.PreSharedKeyClientHello offeredPsks(ByteBuf data) throws TlsException {
        ByteBuf ids = Codec.vector(data, 2, 7, 0xFFFF, 1, "identities");
        List<Extension.PskIdentity> identities = new ArrayList<>();
        while (ids.isReadable()) {
            byte[] identity = Codec.opaque(ids, 2, 1, 0xFFFF, "identity");
            identities.add(new Extension.PskIdentity(identity, Codec.u32(ids)));
        }
        ByteBuf bs = Codec.vector(data, 2, 33, 0xFFFF, 1, "binders");
        List<byte[]> binders = new ArrayList<>();
        while (bs.isReadable()) {
            binders.add(Codec.opaque(bs, 1, 32, 0xFF, "PskBinderEntry"));
        }
        // RFC 8446 §4.2.11: one binder per identity, in the same order; a mismatch leaves some
        // PSK without a binder, which the server could not validate.
        if (identities.size() != binders.size()) {
            throw TlsException.misbehaved(PeerMisbehaved.ILLEGAL_PARAMETER,
                    identities.size() + " PSK identities but " + binders.size() + " binders");
        }
        return new Extension.PreSharedKeyClientHello(identities, binders);
    }

    /** RFC 8446 §4.2.1: ProtocolVersion versions<2..254>. */
    private static Extension.SupportedVersionsClientHello supportedVersions(ByteBuf data) throws TlsException {
        ByteBuf v = Codec.vector(data, 1, 2, 254, 2, "versions");
        List<Integer> l = new ArrayList<>(v.readableBytes() / 2);
        while (v.isReadable()) {
            l.add(v.readUnsignedShort());
        }
        return new Extension.SupportedVersionsClientHello(l);
    }

    /** RFC 8446 §4.2.9: PskKeyExchangeMode ke_modes<1..255>. */
    private static Extension.PskKeyExchangeModes pskModes(ByteBuf data) throws TlsException {
        ByteBuf v = Codec.vector(data, 1, 1, 0xFF, 1, "ke_modes");
        List<Integer> l = new ArrayList<>(v.readableBytes());
        while (v.isReadable()) {
            l.add((int) v.readUnsignedByte());
        }
        return new Extension.PskKeyExchangeModes(l);
    }

    /** RFC 8446 §4.2.4: DistinguishedName authorities<3..2^16-1>, DistinguishedName<1..2^16-1>. */
    private static Extension.CertificateAuthorities certificateAuthorities(ByteBuf data) throws TlsException {
        ByteBuf v = Codec.vector(data, 2, 3, 0xFFFF, 1, "authorities");
        List<byte[]> l = new ArrayList<>();
        while (v.isReadable()) {
            l.add(Codec.opaque(v, 2, 1, 0xFFFF, "DistinguishedName"));
        }
        return new Extension.CertificateAuthorities(l);
    }

    /** RFC 8446 §4.2.8: the three forms of key_share. */
    private static Extension keyShare(ByteBuf data, ExtensionContext context) throws TlsException {
        switch (context) {
            case CLIENT_HELLO: {
                ByteBuf v = Codec.vector(data, 2, 0, 0xFFFF, 1, "client_shares");
                List<Extension.KeyShareEntry> l = new ArrayList<>();
                while (v.isReadable()) {
                    l.add(keyShareEntry(v));
                }
                return new Extension.KeyShareClientHello(l);
            }
            case HELLO_RETRY_REQUEST:
                return new Extension.KeyShareHelloRetryRequest(NamedGroup.of(Codec.u16(data)));
            default:
                return new Extension.KeyShareServerHello(keyShareEntry(data));
        }
    }

    private static Extension.KeyShareEntry keyShareEntry(ByteBuf in) throws TlsException {
        NamedGroup group = NamedGroup.of(Codec.u16(in));
        return new Extension.KeyShareEntry(group, Codec.opaque(in, 2, 1, 0xFFFF, "key_exchange"));
    }

    // ---------------------------------------------------------------- encoding

    /** Writes an extension block {@code Extension extensions<min..max>}. */
    static void encodeBlock(ByteBuf out, Extensions extensions, int min, int max) {
        int mark = Codec.beginVector(out, 2);
        for (Extension e : extensions) {
            Codec.writeU16(out, e.type().code());
            int body = Codec.beginVector(out, 2);
            encodeBody(out, e);
            Codec.endVector(out, body, 2, 0, 0xFFFF, "extension_data");
        }
        Codec.endVector(out, mark, 2, min, max, "extensions");
    }

    private static void encodeBody(ByteBuf out, Extension e) {
        if (e instanceof Extension.UnknownExtension u) {
            out.writeBytes(u.data());
        } else if (e instanceof Extension.ServerName s) {
            if (s.names().isEmpty()) {
                return;
            }
            int mark = Codec.beginVector(out, 2);
            for (Extension.ServerName.Entry n : s.names()) {
                Codec.writeU8(out, n.nameType());
                Codec.writeOpaque(out, 2, n.nameType() == Extension.ServerName.HOST_NAME ? 1 : 0, 0xFFFF,
                        n.name(), "server name");
            }
            Codec.endVector(out, mark, 2, 1, 0xFFFF, "server_name_list");
        } else if (e instanceof Extension.MaxFragmentLength m) {
            Codec.writeU8(out, m.code());
        } else if (e instanceof Extension.StatusRequest s) {
            out.writeBytes(s.data());
        } else if (e instanceof Extension.SupportedGroups g) {
            int mark = Codec.beginVector(out, 2);
            for (NamedGroup n : g.groups()) {
                Codec.writeU16(out, n.code());
            }
            Codec.endVector(out, mark, 2, 2, 0xFFFE, "named_group_list");
        } else if (e instanceof Extension.SignatureAlgorithms s) {
            writeSchemes(out, s.schemes());
        } else if (e instanceof Extension.SignatureAlgorithmsCert s) {
            writeSchemes(out, s.schemes());
        } else if (e instanceof Extension.Alpn a) {
            int mark = Codec.beginVector(out, 2);
            for (byte[] p : a.protocols()) {
                Codec.writeOpaque(out, 1, 1, 0xFF, p, "ProtocolName");
            }
            Codec.endVector(out, mark, 2, 2, 0xFFFF, "protocol_name_list");
        } else if (e instanceof Extension.Padding p) {
            out.writeBytes(p.data());
        } else if (e instanceof Extension.RecordSizeLimit r) {
            Codec.writeU16(out, r.limit());
        } else if (e instanceof Extension.PreSharedKeyClientHello p) {
            writeOfferedPsks(out, p);
        } else if (e instanceof Extension.PreSharedKeyServerHello p) {
            Codec.writeU16(out, p.selectedIdentity());
        } else if (e instanceof Extension.EarlyData) {
            return;
        } else if (e instanceof Extension.MaxEarlyData m) {
            Codec.writeU32(out, m.maxEarlyDataSize());
        } else if (e instanceof Extension.SupportedVersionsClientHello v) {
            int mark = Codec.beginVector(out, 1);
            for (int version : v.versions()) {
                Codec.writeU16(out, version);
            }
            Codec.endVector(out, mark, 1, 2, 254, "versions");
        } else if (e instanceof Extension.SupportedVersionsServerHello v) {
            Codec.writeU16(out, v.selectedVersion());
        } else if (e instanceof Extension.Cookie c) {
            Codec.writeOpaque(out, 2, 1, 0xFFFF, c.cookie(), "cookie");
        } else if (e instanceof Extension.PskKeyExchangeModes m) {
            int mark = Codec.beginVector(out, 1);
            for (int mode : m.modes()) {
                Codec.writeU8(out, mode);
            }
            Codec.endVector(out, mark, 1, 1, 0xFF, "ke_modes");
        } else if (e instanceof Extension.CertificateAuthorities c) {
            int mark = Codec.beginVector(out, 2);
            for (byte[] dn : c.distinguishedNames()) {
                Codec.writeOpaque(out, 2, 1, 0xFFFF, dn, "DistinguishedName");
            }
            Codec.endVector(out, mark, 2, 3, 0xFFFF, "authorities");
        } else if (e instanceof Extension.PostHandshakeAuth) {
            return;
        } else if (e instanceof Extension.KeyShareClientHello k) {
            int mark = Codec.beginVector(out, 2);
            for (Extension.KeyShareEntry entry : k.entries()) {
                writeKeyShareEntry(out, entry);
            }
            Codec.endVector(out, mark, 2, 0, 0xFFFF, "client_shares");
        } else if (e instanceof Extension.KeyShareServerHello k) {
            writeKeyShareEntry(out, k.entry());
        } else if (e instanceof Extension.KeyShareHelloRetryRequest k) {
            Codec.writeU16(out, k.selectedGroup().code());
        } else {
            throw new IllegalArgumentException("no encoder for " + e.getClass());
        }
    }

    private static void writeSchemes(ByteBuf out, List<SignatureScheme> schemes) {
        int mark = Codec.beginVector(out, 2);
        for (SignatureScheme s : schemes) {
            Codec.writeU16(out, s.code());
        }
        Codec.endVector(out, mark, 2, 2, 0xFFFE, "supported_signature_algorithms");
    }

    private static void writeKeyShareEntry(ByteBuf out, Extension.KeyShareEntry entry) {
        Codec.writeU16(out, entry.group().code());
        Codec.writeOpaque(out, 2, 1, 0xFFFF, entry.keyExchange(), "key_exchange");
    }

    private static void writeOfferedPsks(ByteBuf out, Extension.PreSharedKeyClientHello p) {
        int ids = Codec.beginVector(out, 2);
        for (Extension.PskIdentity id : p.identities()) {
            Codec.writeOpaque(out, 2, 1, 0xFFFF, id.identity(), "identity");
            Codec.writeU32(out, id.obfuscatedTicketAge());
        }
        Codec.endVector(out, ids, 2, 7, 0xFFFF, "identities");
        writeBinders(out, p.binders());
    }

    /** Writes {@code PskBinderEntry binders<33..2^16-1>} (RFC 8446 §4.2.11). */
    static void writeBinders(ByteBuf out, List<byte[]> binders) {
        int mark = Codec.beginVector(out, 2);
        for (byte[] b : binders) {
            Codec.writeOpaque(out, 1, 32, 0xFF, b, "PskBinderEntry");
        }
        Codec.endVector(out, mark, 2, 33, 0xFFFF, "binders");
    }
}
