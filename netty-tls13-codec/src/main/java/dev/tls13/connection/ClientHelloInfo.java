package dev.tls13.connection;

import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.ClientHello;
import dev.tls13.wire.Extension;
import dev.tls13.wire.Extensions;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.ProtocolVersion;
import dev.tls13.wire.SignatureScheme;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * What a client offered in its ClientHello (RFC 8446 §4.1.2), as a server's application sees it at the
 * accept step ({@link TlsConnection#clientHello()}) to choose a configuration: the server name, ALPN
 * protocols and the client's lists, each in the client's order. Immutable; it holds no wire type, only
 * names and the IANA code points (unknown and GREASE values included, RFC 8701), so callers outside the
 * core can read it.
 *
 * <p>A list is empty when the client sent no such extension. The ClientHello has only been decoded, not
 * validated: the handshake checks it when the connection is accepted.
 *
 * @param serverName the server_name host name (RFC 6066 §3), or {@code null} when the client sent none
 * @param applicationProtocols the application_layer_protocol_negotiation names (RFC 7301), decoded as UTF-8
 * @param supportedVersions the supported_versions code points (RFC 8446 §4.2.1), e.g. {@code 0x0304}
 * @param namedGroups the supported_groups code points (RFC 8446 §4.2.7)
 * @param signatureSchemes the signature_algorithms code points (RFC 8446 §4.2.3)
 * @param cipherSuites the cipher_suites code points, TLS 1.2 ones included (RFC 8446 §4.1.2)
 */
public record ClientHelloInfo(String serverName, List<String> applicationProtocols, List<Integer> supportedVersions,
                              List<Integer> namedGroups, List<Integer> signatureSchemes, List<Integer> cipherSuites) {

    /** Copies the lists. */
    public ClientHelloInfo {
        applicationProtocols = List.copyOf(applicationProtocols);
        supportedVersions = List.copyOf(supportedVersions);
        namedGroups = List.copyOf(namedGroups);
        signatureSchemes = List.copyOf(signatureSchemes);
        cipherSuites = List.copyOf(cipherSuites);
    }

    /**
     * Reads what the application may choose by from a decoded ClientHello.
     *
     * @param hello the ClientHello
     * @return its information
     */
    static ClientHelloInfo of(ClientHello hello) {
        Extensions extensions = hello.extensions();
        String serverName = extensions.find(Extension.ServerName.class).flatMap(Extension.ServerName::hostName)
                .orElse(null);
        List<String> protocols = extensions.find(Extension.Alpn.class).map(Extension.Alpn::names).orElse(List.of());
        List<Integer> versions = extensions.find(Extension.SupportedVersionsClientHello.class)
                .map(Extension.SupportedVersionsClientHello::versions).orElse(List.of());
        List<Integer> groups = new ArrayList<>();
        extensions.find(Extension.SupportedGroups.class)
                .ifPresent(e -> e.groups().forEach(g -> groups.add(g.code())));
        List<Integer> schemes = new ArrayList<>();
        extensions.find(Extension.SignatureAlgorithms.class)
                .ifPresent(e -> e.schemes().forEach(s -> schemes.add(s.code())));
        List<Integer> suites = new ArrayList<>(hello.cipherSuites().size());
        hello.cipherSuites().forEach(s -> suites.add(s.code()));
        return new ClientHelloInfo(serverName, protocols, versions, groups, schemes, suites);
    }

    /**
     * Whether the client offers TLS 1.3 in supported_versions (RFC 8446 §4.2.1); a client that does not
     * speaks TLS 1.2 or earlier.
     *
     * @return {@code true} when 0x0304 is offered
     */
    public boolean offersTls13() {
        return supportedVersions.contains(ProtocolVersion.TLS_1_3);
    }

    /**
     * The supported versions as {@code SSLSession.getProtocol()} spells them ({@code TLSv1.3},
     * {@code TLSv1.2}, …); others as {@code 0x} and four hex digits.
     *
     * @return the names, in the client's order
     */
    public List<String> supportedVersionNames() {
        return names(supportedVersions, ClientHelloInfo::versionName);
    }

    /**
     * The named groups by RFC 8446 name ({@code x25519}, {@code secp256r1}, …); unknown ones as {@code 0x}
     * and four hex digits.
     *
     * @return the names, in the client's order
     */
    public List<String> namedGroupNames() {
        return names(namedGroups, code -> NamedGroup.of(code).knownName());
    }

    /**
     * The signature schemes by RFC 8446 name ({@code ecdsa_secp256r1_sha256}, …); unknown ones as
     * {@code 0x} and four hex digits.
     *
     * @return the names, in the client's order
     */
    public List<String> signatureSchemeNames() {
        return names(signatureSchemes, code -> SignatureScheme.of(code).knownName());
    }

    /**
     * The cipher suites by IANA name ({@code TLS_AES_128_GCM_SHA256}, …); unknown ones (TLS 1.2 suites
     * among them) as {@code 0x} and four hex digits.
     *
     * @return the names, in the client's order
     */
    public List<String> cipherSuiteNames() {
        return names(cipherSuites, code -> CipherSuite.of(code).knownName());
    }

    private static String versionName(int code) {
        switch (code) {
            case ProtocolVersion.TLS_1_3:
                return "TLSv1.3";
            case ProtocolVersion.TLS_1_2:
                return "TLSv1.2";
            case 0x0302:
                return "TLSv1.1";
            case ProtocolVersion.TLS_1_0:
                return "TLSv1";
            default:
                return null;
        }
    }

    private static List<String> names(List<Integer> codes, IntFunction<String> name) {
        List<String> names = new ArrayList<>(codes.size());
        for (int code : codes) {
            String known = name.apply(code);
            names.add(known != null ? known : String.format("0x%04x", code));
        }
        return List.copyOf(names);
    }
}
