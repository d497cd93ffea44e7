package dev.tls13.wire;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One TLS extension (RFC 8446 §4.2). Decoded by {@link HandshakeCodec} according to the message it
 * appears in ({@link ExtensionContext}); an extension whose contents the context does not define,
 * or whose type is not known here, is kept as {@link UnknownExtension} with its raw bytes, so that
 * every message re-encodes to exactly the bytes received (transcript hashes and PSK binders depend
 * on it).
 *
 * <p>Records holding {@code byte[]} share the array: treat it as immutable.
 */
public sealed interface Extension {

    /**
     * The extension's type code.
     *
     * @return the type
     */
    ExtensionType type();

    /**
     * Whether RFC 8446 §4.2's table (plus RFC 8449 for record_size_limit) lists this extension
     * type for a message. Types the table does not list at all are allowed everywhere at this
     * layer: whether an unknown extension may appear is the handshake's decision (RFC 8446 §4.2).
     *
     * @param type the extension type
     * @param context the message it appears in
     * @return {@code false} only for a known extension in a message the table does not list for it
     */
    static boolean allowedIn(ExtensionType type, ExtensionContext context) {
        if (context == ExtensionContext.TLS12_SERVER_HELLO) {
            // Not a TLS 1.3 message: RFC 8446's table does not apply (see ExtensionContext#TLS12_SERVER_HELLO).
            return true;
        }
        switch (type.code()) {
            case 0x0000: // server_name
            case 0x0001: // max_fragment_length
            case 0x000A: // supported_groups
            case 0x000E: // use_srtp
            case 0x000F: // heartbeat
            case 0x0010: // application_layer_protocol_negotiation
            case 0x0013: // client_certificate_type
            case 0x0014: // server_certificate_type
            case 0x001C: // record_size_limit (RFC 8449 §5)
                return context == ExtensionContext.CLIENT_HELLO || context == ExtensionContext.ENCRYPTED_EXTENSIONS;
            case 0x0005: // status_request
            case 0x0012: // signed_certificate_timestamp
                return context == ExtensionContext.CLIENT_HELLO || context == ExtensionContext.CERTIFICATE_REQUEST
                        || context == ExtensionContext.CERTIFICATE;
            case 0x000D: // signature_algorithms
            case 0x002F: // certificate_authorities
            case 0x0032: // signature_algorithms_cert
                return context == ExtensionContext.CLIENT_HELLO || context == ExtensionContext.CERTIFICATE_REQUEST;
            case 0x0015: // padding
            case 0x002D: // psk_key_exchange_modes
            case 0x0031: // post_handshake_auth
                return context == ExtensionContext.CLIENT_HELLO;
            case 0x0033: // key_share
            case 0x002B: // supported_versions
                return context == ExtensionContext.CLIENT_HELLO || context == ExtensionContext.SERVER_HELLO
                        || context == ExtensionContext.HELLO_RETRY_REQUEST;
            case 0x0029: // pre_shared_key
                return context == ExtensionContext.CLIENT_HELLO || context == ExtensionContext.SERVER_HELLO;
            case 0x002A: // early_data
                return context == ExtensionContext.CLIENT_HELLO || context == ExtensionContext.ENCRYPTED_EXTENSIONS
                        || context == ExtensionContext.NEW_SESSION_TICKET;
            case 0x002C: // cookie
                return context == ExtensionContext.CLIENT_HELLO || context == ExtensionContext.HELLO_RETRY_REQUEST;
            case 0x0030: // oid_filters
                return context == ExtensionContext.CERTIFICATE_REQUEST;
            default:
                return true;
        }
    }

    /**
     * server_name (RFC 6066 §3). A ClientHello carries a non-empty list; a server acknowledges
     * with empty extension_data, represented by an empty list.
     *
     * @param names the ServerNameList entries in wire order; empty for the server's form
     */
    record ServerName(List<Entry> names) implements Extension {

        /** name_type host_name (RFC 6066 §3). */
        public static final int HOST_NAME = 0;

        /**
         * One ServerName entry.
         *
         * @param nameType the NameType (0 = host_name)
         * @param name the name bytes as received (a host_name is ASCII, RFC 6066 §3)
         */
        public record Entry(int nameType, byte[] name) {
            /** Checks for {@code null}. */
            public Entry {
                Objects.requireNonNull(name, "name");
            }

            @Override
            public String toString() {
                return nameType == HOST_NAME
                        ? new String(name, StandardCharsets.US_ASCII)
                        : "type" + nameType + ":" + Codec.hex(name);
            }
        }

        /** Copies the list. */
        public ServerName {
            names = List.copyOf(names);
        }

        /**
         * The ClientHello form for one host name.
         *
         * @param hostName an ASCII DNS host name
         * @return the extension
         */
        public static ServerName of(String hostName) {
            return new ServerName(List.of(new Entry(HOST_NAME, hostName.getBytes(StandardCharsets.US_ASCII))));
        }

        /**
         * The empty form a server sends to acknowledge the name (RFC 6066 §3).
         *
         * @return the extension
         */
        public static ServerName acknowledgement() {
            return new ServerName(List.of());
        }

        /**
         * The first host_name entry.
         *
         * @return the host name, empty when there is none
         */
        public Optional<String> hostName() {
            for (Entry e : names) {
                if (e.nameType() == HOST_NAME) {
                    return Optional.of(new String(e.name(), StandardCharsets.US_ASCII));
                }
            }
            return Optional.empty();
        }

        @Override
        public ExtensionType type() {
            return ExtensionType.SERVER_NAME;
        }
    }

    /**
     * supported_groups (RFC 8446 §4.2.7).
     *
     * @param groups the groups in preference order, unknown codes included
     */
    record SupportedGroups(List<NamedGroup> groups) implements Extension {
        /** Copies the list. */
        public SupportedGroups {
            groups = List.copyOf(groups);
        }

        @Override
        public ExtensionType type() {
            return ExtensionType.SUPPORTED_GROUPS;
        }
    }

    /**
     * signature_algorithms (RFC 8446 §4.2.3).
     *
     * @param schemes the schemes in preference order, unknown codes included
     */
    record SignatureAlgorithms(List<SignatureScheme> schemes) implements Extension {
        /** Copies the list. */
        public SignatureAlgorithms {
            schemes = List.copyOf(schemes);
        }

        @Override
        public ExtensionType type() {
            return ExtensionType.SIGNATURE_ALGORITHMS;
        }
    }

    /**
     * signature_algorithms_cert (RFC 8446 §4.2.3).
     *
     * @param schemes the schemes in preference order, unknown codes included
     */
    record SignatureAlgorithmsCert(List<SignatureScheme> schemes) implements Extension {
        /** Copies the list. */
        public SignatureAlgorithmsCert {
            schemes = List.copyOf(schemes);
        }

        @Override
        public ExtensionType type() {
            return ExtensionType.SIGNATURE_ALGORITHMS_CERT;
        }
    }

    /**
     * application_layer_protocol_negotiation (RFC 7301 §3.1). Protocol names are opaque bytes so
     * that any name survives a round trip; a server's form must hold exactly one name, which the
     * handshake checks.
     *
     * @param protocols the ProtocolName entries (each non-empty) in wire order
     */
    record Alpn(List<byte[]> protocols) implements Extension {
        /** Copies the list. */
        public Alpn {
            protocols = List.copyOf(protocols);
        }

        /**
         * The extension for names given as strings (encoded as UTF-8).
         *
         * @param names the protocol names, e.g. {@code "h2"}
         * @return the extension
         */
        public static Alpn of(String... names) {
            List<byte[]> l = new ArrayList<>(names.length);
            for (String n : names) {
                l.add(n.getBytes(StandardCharsets.UTF_8));
            }
            return new Alpn(l);
        }

        /**
         * The names decoded as UTF-8.
         *
         * @return the protocol names in wire order
         */
        public List<String> names() {
            List<String> l = new ArrayList<>(protocols.size());
            for (byte[] p : protocols) {
                l.add(new String(p, StandardCharsets.UTF_8));
            }
            return Collections.unmodifiableList(l);
        }

        @Override
        public ExtensionType type() {
            return ExtensionType.APPLICATION_LAYER_PROTOCOL_NEGOTIATION;
        }

        @Override
        public String toString() {
            return "Alpn" + names();
        }
    }

    /**
     * One KeyShareEntry (RFC 8446 §4.2.8).
     *
     * @param group the group
     * @param keyExchange the public value (non-empty)
     */
    record KeyShareEntry(NamedGroup group, byte[] keyExchange) {
        /** Checks for {@code null}. */
        public KeyShareEntry {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(keyExchange, "keyExchange");
        }

        @Override
        public String toString() {
            return group + ":" + Codec.hex(keyExchange);
        }
    }

    /**
     * key_share in a ClientHello: KeyShareClientHello (RFC 8446 §4.2.8). May be empty (the
     * client asks the server to pick a group with a HelloRetryRequest).
     *
     * @param entries the client shares in preference order
     */
    record KeyShareClientHello(List<KeyShareEntry> entries) implements Extension {
        /** Copies the list. */
        public KeyShareClientHello {
            entries = List.copyOf(entries);
        }

        @Override
        public ExtensionType type() {
            return ExtensionType.KEY_SHARE;
        }
    }

    /**
     * key_share in a ServerHello: KeyShareServerHello (RFC 8446 §4.2.8).
     *
     * @param entry the server's share
     */
    record KeyShareServerHello(KeyShareEntry entry) implements Extension {
        /** Checks for {@code null}. */
        public KeyShareServerHello {
            Objects.requireNonNull(entry, "entry");
        }

        @Override
        public ExtensionType type() {
            return ExtensionType.KEY_SHARE;
        }
    }

    /**
     * key_share in a HelloRetryRequest: KeyShareHelloRetryRequest (RFC 8446 §4.2.8).
     *
     * @param selectedGroup the group the server asks for
     */
    record KeyShareHelloRetryRequest(NamedGroup selectedGroup) implements Extension {
        /** Checks for {@code null}. */
        public KeyShareHelloRetryRequest {
            Objects.requireNonNull(selectedGroup, "selectedGroup");
        }

        @Override
        public ExtensionType type() {
            return ExtensionType.KEY_SHARE;
        }
    }

    /**
     * supported_versions in a ClientHello (RFC 8446 §4.2.1).
     *
     * @param versions the ProtocolVersion values in preference order, unknown ones included
     */
    record SupportedVersionsClientHello(List<Integer> versions) implements Extension {
        /** Copies the list. */
        public SupportedVersionsClientHello {
            versions = List.copyOf(versions);
        }

        @Override
        public ExtensionType type() {
            return ExtensionType.SUPPORTED_VERSIONS;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("SupportedVersionsClientHello[");
            for (int i = 0; i < versions.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(String.format("0x%04x", versions.get(i)));
            }
            return sb.append(']').toString();
        }
    }

    /**
     * supported_versions in a ServerHello or HelloRetryRequest (RFC 8446 §4.2.1).
     *
     * @param selectedVersion the ProtocolVersion the server selected
     */
    record SupportedVersionsServerHello(int selectedVersion) implements Extension {
        @Override
        public ExtensionType type() {
            return ExtensionType.SUPPORTED_VERSIONS;
        }

        @Override
        public String toString() {
            return String.format("SupportedVersionsServerHello[0x%04x]", selectedVersion);
        }
    }

    /**
     * cookie (RFC 8446 §4.2.2).
     *
     * @param cookie the opaque cookie (non-empty)
     */
    record Cookie(byte[] cookie) implements Extension {
        /** Checks for {@code null}. */
        public Cookie {
            Objects.requireNonNull(cookie, "cookie");
        }

        @Override
        public ExtensionType type() {
            return ExtensionType.COOKIE;
        }

        @Override
        public String toString() {
            return "Cookie[" + Codec.hex(cookie) + "]";
        }
    }

    /**
     * One PskIdentity (RFC 8446 §4.2.11).
     *
     * @param identity the identity (a ticket or an external label), non-empty
     * @param obfuscatedTicketAge the u32 obfuscated ticket age
     */
    record PskIdentity(byte[] identity, long obfuscatedTicketAge) {
        /** Checks for {@code null}. */
        public PskIdentity {
            Objects.requireNonNull(identity, "identity");
        }

        @Override
        public String toString() {
            return "PskIdentity[" + Codec.hex(identity) + ", age=" + obfuscatedTicketAge + "]";
        }
    }

    /**
     * pre_shared_key in a ClientHello: OfferedPsks (RFC 8446 §4.2.11). Always the last extension
     * of the ClientHello.
     *
     * @param identities the offered identities, non-empty
     * @param binders one binder (32..255 bytes) per identity, in the same order
     */
    record PreSharedKeyClientHello(List<PskIdentity> identities, List<byte[]> binders) implements Extension {
        /** Copies the lists. */
        public PreSharedKeyClientHello {
            identities = List.copyOf(identities);
            binders = List.copyOf(binders);
        }

        /**
         * The encoded size of the binders list, its 2-byte length included: the number of bytes
         * at the end of the ClientHello that the binder computation leaves out (RFC 8446 §4.2.11.2).
         *
         * @return the size in bytes
         */
        public int bindersLength() {
            int n = 2;
            for (byte[] b : binders) {
                n += 1 + b.length;
            }
            return n;
        }

        @Override
        public ExtensionType type() {
            return ExtensionType.PRE_SHARED_KEY;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("PreSharedKeyClientHello[").append(identities).append(", binders=[");
            for (int i = 0; i < binders.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(Codec.hex(binders.get(i)));
            }
            return sb.append("]]").toString();
        }
    }

    /**
     * pre_shared_key in a ServerHello (RFC 8446 §4.2.11).
     *
     * @param selectedIdentity the u16 index of the identity the server selected
     */
    record PreSharedKeyServerHello(int selectedIdentity) implements Extension {
        @Override
        public ExtensionType type() {
            return ExtensionType.PRE_SHARED_KEY;
        }
    }

    /**
     * psk_key_exchange_modes (RFC 8446 §4.2.9).
     *
     * @param modes the PskKeyExchangeMode values, unknown ones included
     */
    record PskKeyExchangeModes(List<Integer> modes) implements Extension {
        /** psk_ke: PSK-only key establishment. */
        public static final int PSK_KE = 0;
        /** psk_dhe_ke: PSK with (EC)DHE key establishment. */
        public static final int PSK_DHE_KE = 1;

        /** Copies the list. */
        public PskKeyExchangeModes {
            modes = List.copyOf(modes);
        }

        @Override
        public ExtensionType type() {
            return ExtensionType.PSK_KEY_EXCHANGE_MODES;
        }
    }

    /** early_data with empty extension_data, the ClientHello and EncryptedExtensions form (RFC 8446 §4.2.10). */
    record EarlyData() implements Extension {
        @Override
        public ExtensionType type() {
            return ExtensionType.EARLY_DATA;
        }
    }

    /**
     * early_data in a NewSessionTicket (RFC 8446 §4.2.10).
     *
     * @param maxEarlyDataSize the u32 maximum amount of 0-RTT data the client may send
     */
    record MaxEarlyData(long maxEarlyDataSize) implements Extension {
        @Override
        public ExtensionType type() {
            return ExtensionType.EARLY_DATA;
        }
    }

    /**
     * certificate_authorities (RFC 8446 §4.2.4).
     *
     * @param distinguishedNames the DER DistinguishedName values (each non-empty), non-empty list
     */
    record CertificateAuthorities(List<byte[]> distinguishedNames) implements Extension {
        /** Copies the list. */
        public CertificateAuthorities {
            distinguishedNames = List.copyOf(distinguishedNames);
        }

        @Override
        public ExtensionType type() {
            return ExtensionType.CERTIFICATE_AUTHORITIES;
        }

        @Override
        public String toString() {
            return "CertificateAuthorities[" + distinguishedNames.size() + " names]";
        }
    }

    /** post_handshake_auth, always empty (RFC 8446 §4.2.6). */
    record PostHandshakeAuth() implements Extension {
        @Override
        public ExtensionType type() {
            return ExtensionType.POST_HANDSHAKE_AUTH;
        }
    }

    /**
     * padding (RFC 7685). The bytes are kept as received (they should be zeros, but the
     * transcript covers whatever was sent).
     *
     * @param data the padding bytes
     */
    record Padding(byte[] data) implements Extension {
        /** Checks for {@code null}. */
        public Padding {
            Objects.requireNonNull(data, "data");
        }

        @Override
        public ExtensionType type() {
            return ExtensionType.PADDING;
        }

        @Override
        public String toString() {
            return "Padding[" + data.length + " bytes]";
        }
    }

    /**
     * record_size_limit (RFC 8449 §4). The range check (at least 64) is the handshake's, which
     * knows the alert to send.
     *
     * @param limit the u16 RecordSizeLimit
     */
    record RecordSizeLimit(int limit) implements Extension {
        @Override
        public ExtensionType type() {
            return ExtensionType.RECORD_SIZE_LIMIT;
        }
    }

    /**
     * status_request (RFC 6066 §8; in TLS 1.3 the response travels in a Certificate entry,
     * RFC 8446 §4.4.2.1). Kept as raw extension_data: its structure differs between ClientHello,
     * CertificateRequest and Certificate, and only its exact bytes matter at this layer.
     *
     * @param data the extension_data
     */
    record StatusRequest(byte[] data) implements Extension {
        /** Checks for {@code null}. */
        public StatusRequest {
            Objects.requireNonNull(data, "data");
        }

        @Override
        public ExtensionType type() {
            return ExtensionType.STATUS_REQUEST;
        }

        @Override
        public String toString() {
            return "StatusRequest[" + Codec.hex(data) + "]";
        }
    }

    /**
     * max_fragment_length (RFC 6066 §4).
     *
     * @param code the u8 MaxFragmentLength code (1 = 2^9 ... 4 = 2^12)
     */
    record MaxFragmentLength(int code) implements Extension {
        @Override
        public ExtensionType type() {
            return ExtensionType.MAX_FRAGMENT_LENGTH;
        }
    }

    /**
     * Any extension not decoded into a typed record: unknown types, and known types whose
     * contents this layer does not interpret in the message they appear in. Kept byte for byte.
     *
     * @param type the extension type
     * @param data the extension_data as received
     */
    record UnknownExtension(ExtensionType type, byte[] data) implements Extension {
        /** Checks for {@code null}. */
        public UnknownExtension {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(data, "data");
        }

        @Override
        public String toString() {
            return "UnknownExtension[" + type + ", " + Codec.hex(data) + "]";
        }
    }
}
