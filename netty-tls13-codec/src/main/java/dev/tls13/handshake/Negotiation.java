package dev.tls13.handshake;

import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.Encapsulation;
import dev.tls13.crypto.InvalidKeyShareException;
import dev.tls13.crypto.KeyExchange;
import dev.tls13.crypto.KeyExchangeAlgorithm;
import dev.tls13.error.PeerIncompatible;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.record.CipherSuiteParams;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.Extension;
import dev.tls13.wire.Extensions;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.ProtocolVersion;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The negotiation rules both sides share: which group runs on which key exchange, which suite and
 * group a server picks, ALPN (RFC 7301), the version and downgrade checks (RFC 8446 §4.1.3, §4.2.1), and
 * what server_name may carry (RFC 6066 §3). Public only for {@link #isIpLiteral}, which the facade uses too, and
 * {@link #selectApplicationProtocol}, which the TLS 1.2 server shares (docs/architecture.md §16).
 */
public final class Negotiation {

    /** legacy_version of every TLS 1.3 hello (RFC 8446 §4.1.2, §4.1.3). */
    static final int LEGACY_VERSION = ProtocolVersion.TLS_1_2;

    /** SSL 3.0's version, the newest legacy_version RFC 8446 Appendix D.5 turns away. */
    private static final int SSL_3_0 = 0x0300;

    /** RFC 8446 §4.1.3: the last 8 bytes of a downgraded ServerHello.random, minus the final byte. */
    private static final byte[] DOWNGRADE_PREFIX = {0x44, 0x4F, 0x57, 0x4E, 0x47, 0x52, 0x44};

    private Negotiation() {
    }

    /**
     * The key exchange behind a named group: the only place that maps one to the other.
     *
     * @param group a group
     * @return its algorithm, or empty for a group we cannot run
     */
    static Optional<KeyExchangeAlgorithm> keyExchange(NamedGroup group) {
        switch (group.code()) {
            case 0x0017:
                return Optional.of(KeyExchangeAlgorithm.SECP256R1);
            case 0x0018:
                return Optional.of(KeyExchangeAlgorithm.SECP384R1);
            case 0x0019:
                return Optional.of(KeyExchangeAlgorithm.SECP521R1);
            case 0x001D:
                return Optional.of(KeyExchangeAlgorithm.X25519);
            case 0x001E:
                return Optional.of(KeyExchangeAlgorithm.X448);
            case 0x11EB:
                return Optional.of(KeyExchangeAlgorithm.SECP256R1MLKEM768);
            case 0x11EC:
                return Optional.of(KeyExchangeAlgorithm.X25519MLKEM768);
            case 0x11ED:
                return Optional.of(KeyExchangeAlgorithm.SECP384R1MLKEM1024);
            default:
                return Optional.empty();
        }
    }

    /**
     * The named group of a key exchange algorithm: the inverse of {@link #keyExchange}.
     *
     * @param algorithm an algorithm
     * @return its group
     */
    static NamedGroup group(KeyExchangeAlgorithm algorithm) {
        switch (algorithm) {
            case SECP256R1:
                return NamedGroup.SECP256R1;
            case SECP384R1:
                return NamedGroup.SECP384R1;
            case SECP521R1:
                return NamedGroup.SECP521R1;
            case X25519:
                return NamedGroup.X25519;
            case X448:
                return NamedGroup.X448;
            case SECP256R1MLKEM768:
                return NamedGroup.SECP256R1MLKEM768;
            case X25519MLKEM768:
                return NamedGroup.X25519MLKEM768;
            case SECP384R1MLKEM1024:
                return NamedGroup.SECP384R1MLKEM1024;
            default:
                throw new IllegalArgumentException(algorithm.toString());
        }
    }

    /**
     * The algorithm of a group from our own configuration.
     *
     * @param group a configured group
     * @return its algorithm
     * @throws IllegalArgumentException for a group we cannot run (a configuration mistake)
     */
    static KeyExchangeAlgorithm requireKeyExchange(NamedGroup group) {
        return keyExchange(group).orElseThrow(() -> new IllegalArgumentException("unsupported group " + group));
    }

    /**
     * The groups of a configuration that a crypto provider can run, in their order.
     *
     * @param groups the configured groups
     * @param crypto the provider the connections will use
     * @param chosen whether the user named the groups: then one the provider cannot run is a mistake, while
     *        from the defaults it is left out
     * @return the groups to use
     * @throws IllegalArgumentException for a chosen group the provider cannot run, or when none is left
     */
    public static List<NamedGroup> runnableGroups(List<NamedGroup> groups, CryptoProvider crypto, boolean chosen) {
        List<NamedGroup> result = new ArrayList<>(groups.size());
        for (NamedGroup group : groups) {
            if (crypto.supports(requireKeyExchange(group))) {
                result.add(group);
            } else if (chosen) {
                throw new IllegalArgumentException(group.knownName() + " is not available from " + crypto);
            }
        }
        if (result.isEmpty()) {
            throw new IllegalArgumentException("no group left that " + crypto + " can run");
        }
        return result;
    }

    /**
     * Whether a group is a hybrid of an ECDH and ML-KEM (draft-ietf-tls-ecdhe-mlkem).
     *
     * @param group a group
     * @return {@code true} for X25519MLKEM768, SecP256r1MLKEM768 and SecP384r1MLKEM1024
     */
    static boolean isHybrid(NamedGroup group) {
        return keyExchange(group).map(KeyExchangeAlgorithm::isHybrid).orElse(false);
    }

    /**
     * The client's side: the shared secret from the server's share; destroys our key pair.
     *
     * @param exchange our ephemeral key pair; destroyed here whatever the outcome
     * @param serverShare the server's key_exchange bytes
     * @return the shared secret, owned by the caller
     * @throws TlsException INVALID_KEY_SHARE or ZERO_SHARED_SECRET (illegal_parameter, RFC 8446 §4.2.8.2, §7.4.2)
     */
    static byte[] decapsulate(KeyExchange exchange, byte[] serverShare) throws TlsException {
        try {
            return exchange.decapsulate(serverShare);
        } catch (InvalidKeyShareException e) {
            throw invalidShare(e);
        } finally {
            exchange.destroy();
        }
    }

    /**
     * The server's side: validates the client's share and encapsulates against it (docs/architecture.md §8).
     *
     * @param crypto the provider
     * @param group the chosen group
     * @param clientShare the client's key_exchange bytes for it
     * @return our share and the shared secret, owned by the caller
     * @throws TlsException INVALID_KEY_SHARE or ZERO_SHARED_SECRET (illegal_parameter, RFC 8446 §4.2.8.2,
     *         §7.4.2; draft-ietf-tls-ecdhe-mlkem for the hybrids' lengths and FIPS 203 §7.2's key check)
     */
    static Encapsulation encapsulate(CryptoProvider crypto, NamedGroup group, byte[] clientShare)
            throws TlsException {
        try {
            return crypto.encapsulate(requireKeyExchange(group), clientShare);
        } catch (InvalidKeyShareException e) {
            throw invalidShare(e);
        }
    }

    private static TlsException invalidShare(InvalidKeyShareException e) {
        return TlsException.misbehaved(e.kind() == InvalidKeyShareException.Kind.ZERO_SHARED_SECRET
                ? PeerMisbehaved.ZERO_SHARED_SECRET : PeerMisbehaved.INVALID_KEY_SHARE, e.getMessage());
    }

    /**
     * The server's choice: its most preferred TLS 1.3 suite among the client's offer (RFC 8446 §4.1.1).
     *
     * @param ours the server's suites, in preference order
     * @param offered the client's cipher_suites
     * @return the suite's parameters
     * @throws TlsException NO_COMMON_CIPHER_SUITE (handshake_failure) when there is none
     */
    static CipherSuiteParams selectSuite(List<CipherSuite> ours, List<CipherSuite> offered) throws TlsException {
        for (CipherSuite suite : ours) {
            Optional<CipherSuiteParams> params = CipherSuiteParams.find(suite);
            if (offered.contains(suite) && params.isPresent()) {
                return params.get();
            }
        }
        throw TlsException.incompatible(PeerIncompatible.NO_COMMON_CIPHER_SUITE, "client offers " + offered);
    }

    /**
     * The server's choice: its most preferred group that the client lists in supported_groups. Whether
     * the client sent a share for it decides between a ServerHello and a HelloRetryRequest.
     *
     * @param ours the server's groups, in preference order
     * @param offered the client's supported_groups
     * @return the group
     * @throws TlsException NO_COMMON_GROUP (handshake_failure) when there is none
     */
    static NamedGroup selectGroup(List<NamedGroup> ours, List<NamedGroup> offered) throws TlsException {
        for (NamedGroup group : ours) {
            if (offered.contains(group) && keyExchange(group).isPresent()) {
                return group;
            }
        }
        throw TlsException.incompatible(PeerIncompatible.NO_COMMON_GROUP, "client offers " + offered);
    }

    /**
     * The server's ALPN choice (RFC 7301 §3.2): its first protocol that the client offered.
     *
     * @param ours the server's protocols, in preference order; empty when the server ignores ALPN
     * @param clientHello the ClientHello's extensions
     * @param failOnMismatch whether no protocol in common is fatal
     * @return the protocol, or empty for no ALPN in the handshake
     * @throws TlsException NO_APPLICATION_PROTOCOL (no_application_protocol) on a mismatch when fatal
     */
    public static Optional<String> selectApplicationProtocol(List<String> ours, Extensions clientHello,
                                                             boolean failOnMismatch) throws TlsException {
        Optional<Extension.Alpn> offered = clientHello.find(Extension.Alpn.class);
        if (ours.isEmpty() || offered.isEmpty()) {
            return Optional.empty();
        }
        for (String protocol : ours) {
            byte[] wanted = protocol.getBytes(StandardCharsets.UTF_8);
            for (byte[] candidate : offered.get().protocols()) {
                if (Arrays.equals(wanted, candidate)) {
                    return Optional.of(protocol);
                }
            }
        }
        if (failOnMismatch) {
            throw TlsException.incompatible(PeerIncompatible.NO_APPLICATION_PROTOCOL,
                    "client offers " + offered.get().names() + ", we accept " + ours);
        }
        return Optional.empty();
    }

    /**
     * The server's checks of a ClientHello's versions (RFC 8446 §4.1.2, §4.2.1, Appendix D.5). The version
     * is negotiated by supported_versions alone: a ClientHello that offers 0x0304 there is a TLS 1.3
     * ClientHello whatever its legacy_version says, except SSL 3.0 or older, which D.5 turns away.
     *
     * @param legacyVersion the ClientHello's legacy_version
     * @param extensions the ClientHello's extensions
     * @throws TlsException NO_TLS13 (protocol_version) for a legacy_version of 0x0300 or lower, or when
     *         supported_versions is absent or lacks TLS 1.3
     */
    static void checkClientVersion(int legacyVersion, Extensions extensions) throws TlsException {
        requireNewerThanSsl3(legacyVersion);
        requireTls13Offered(extensions);
        // RFC 8446 §4.2.1: with supported_versions present, "servers MUST NOT use the
        // ClientHello.legacy_version value for version negotiation and MUST use only the
        // "supported_versions" extension to determine client preferences". §4.1.2 makes clients send
        // 0x0303, but a server that refused 0x0301, 0x0302 or 0x0304 here would be negotiating on it
        // (OpenSSL and BoringSSL accept them too).
    }

    /**
     * The server's version decision when TLS 1.2 is enabled (docs/architecture.md §16). With supported_versions,
     * only that extension counts (RFC 8446 §4.2.1): TLS 1.3 when offered and enabled, else TLS 1.2 when offered.
     * Without it the client speaks TLS 1.2 or older, and RFC 8446 Appendix D.2 (RFC 5246 Appendix E.1) negotiates
     * the minimum of legacy_version and TLS 1.2, so a legacy_version of 0x0303 or above gets TLS 1.2.
     *
     * @param tls13 whether this server speaks TLS 1.3 too
     * @param legacyVersion the ClientHello's legacy_version
     * @param extensions the ClientHello's extensions
     * @return {@code true} for TLS 1.2, {@code false} for TLS 1.3
     * @throws TlsException NO_TLS13 (protocol_version) for SSL 3.0 or older (Appendix D.5) and when no version is
     *         shared (RFC 8446 §4.2.1, Appendix D.2)
     */
    static boolean negotiatesTls12(boolean tls13, int legacyVersion, Extensions extensions) throws TlsException {
        requireNewerThanSsl3(legacyVersion);
        Optional<Extension.SupportedVersionsClientHello> versions =
                extensions.find(Extension.SupportedVersionsClientHello.class);
        if (versions.isPresent()) {
            List<Integer> offered = versions.get().versions();
            if (tls13 && offered.contains(ProtocolVersion.TLS_1_3)) {
                return false;
            }
            if (offered.contains(ProtocolVersion.TLS_1_2)) {
                return true;
            }
            throw TlsException.incompatible(PeerIncompatible.NO_TLS13, "no version in common: client offers "
                    + versions.get() + (tls13 ? "" : ", TLS 1.3 is disabled here"));
        }
        if (legacyVersion < ProtocolVersion.TLS_1_2) {
            throw TlsException.incompatible(PeerIncompatible.NO_TLS13, String.format(
                    "legacy_version 0x%04x without supported_versions: older than TLS 1.2", legacyVersion));
        }
        return true;
    }

    /**
     * RFC 8446 Appendix D.5: "Any endpoint receiving a Hello message with ClientHello.legacy_version or
     * ServerHello.legacy_version set to 0x0300 MUST abort the handshake with a "protocol_version" alert."
     * Values below 0x0300 (SSL 2.0's 0x0002) are older still, and implementations "MUST NOT send" any of
     * them (D.5), so they get the same alert.
     */
    private static void requireNewerThanSsl3(int legacyVersion) throws TlsException {
        if (legacyVersion <= SSL_3_0) {
            throw TlsException.incompatible(PeerIncompatible.NO_TLS13, String.format(
                    "legacy_version 0x%04x is SSL 3.0 or older (RFC 8446 Appendix D.5)", legacyVersion));
        }
    }

    /**
     * Whether the client offers TLS 1.3 in supported_versions (RFC 8446 §4.2.1: without the extension
     * the client speaks TLS 1.2 or earlier).
     *
     * @param clientHello the ClientHello's extensions
     * @throws TlsException NO_TLS13 (protocol_version) otherwise
     */
    static void requireTls13Offered(Extensions clientHello) throws TlsException {
        Optional<Extension.SupportedVersionsClientHello> versions =
                clientHello.find(Extension.SupportedVersionsClientHello.class);
        if (versions.isEmpty()) {
            throw TlsException.incompatible(PeerIncompatible.NO_TLS13, "ClientHello without supported_versions");
        }
        if (!versions.get().versions().contains(ProtocolVersion.TLS_1_3)) {
            throw TlsException.incompatible(PeerIncompatible.NO_TLS13, versions.get().toString());
        }
    }

    /**
     * The client's checks of a ServerHello's or HelloRetryRequest's version (RFC 8446 §4.1.3, §4.2.1).
     *
     * @param legacyVersion its legacy_version
     * @param random its random (a HelloRetryRequest's special random never matches the sentinel)
     * @param extensions its extensions
     * @throws TlsException NO_TLS13 (protocol_version) for a legacy_version of 0x0300 or lower (RFC 8446
     *         Appendix D.5) or without supported_versions, DOWNGRADE_DETECTED, UNOFFERED_VERSION, or
     *         WRONG_LEGACY_VERSION for any other legacy_version than 0x0303
     */
    /**
     * Checks a ServerHello without supported_versions when we offered TLS 1.2: the RFC 8446 §4.1.3
     * downgrade sentinels are refused when we offered TLS 1.3 too (illegal_parameter), and server_version must be
     * TLS 1.2, the oldest we offer (protocol_version otherwise, RFC 5246 §E.1).
     *
     * @param legacyVersion ServerHello.server_version
     * @param random ServerHello.random
     * @param tls13Offered whether our ClientHello offered TLS 1.3 too
     * @throws TlsException illegal_parameter or protocol_version
     */
    static void checkTls12ServerHello(int legacyVersion, byte[] random, boolean tls13Offered) throws TlsException {
        requireNewerThanSsl3(legacyVersion);
        // RFC 8446 §4.1.3: a TLS 1.3 server answering TLS 1.2 sets DOWNGRD\x01, which only a client that offered
        // TLS 1.3 must refuse; DOWNGRD\x00 marks TLS 1.1 or below, which a TLS 1.2 ServerHello never is.
        if (random.length == 32 && Arrays.equals(random, 24, 31, DOWNGRADE_PREFIX, 0, 7)
                && (random[31] == 0 || random[31] == 1 && tls13Offered)) {
            throw TlsException.misbehaved(PeerMisbehaved.DOWNGRADE_DETECTED);
        }
        if (legacyVersion != LEGACY_VERSION) {
            throw TlsException.incompatible(PeerIncompatible.NO_TLS13,
                    String.format("server_version 0x%04x, neither TLS 1.3 nor TLS 1.2", legacyVersion));
        }
    }

    static void checkServerVersion(int legacyVersion, byte[] random, Extensions extensions) throws TlsException {
        requireNewerThanSsl3(legacyVersion);
        // RFC 8446 §4.1.3: a TLS 1.3 client "MUST check that the last 8 bytes are not equal to either of
        // these values ... If a match is found, the client MUST abort the handshake with an
        // "illegal_parameter" alert." A TLS 1.3 server never sets them, so the check applies to every hello.
        if (random.length == 32 && Arrays.equals(random, 24, 31, DOWNGRADE_PREFIX, 0, 7)
                && (random[31] == 0 || random[31] == 1)) {
            throw TlsException.misbehaved(PeerMisbehaved.DOWNGRADE_DETECTED);
        }
        Optional<Extension.SupportedVersionsServerHello> version =
                extensions.find(Extension.SupportedVersionsServerHello.class);
        if (version.isEmpty()) {
            // RFC 8446 §4.2.1: a ServerHello without supported_versions negotiates TLS 1.2 or earlier.
            throw TlsException.incompatible(PeerIncompatible.NO_TLS13,
                    "the server answered TLS 1.2 or earlier (no supported_versions)");
        }
        if (version.get().selectedVersion() != ProtocolVersion.TLS_1_3) {
            // RFC 8446 §4.2.1: a version the client did not offer is illegal_parameter.
            throw TlsException.misbehaved(PeerMisbehaved.UNOFFERED_VERSION, version.get().toString());
        }
        if (legacyVersion != LEGACY_VERSION) {
            // RFC 8446 §4.1.3: legacy_version = 0x0303.
            throw TlsException.misbehaved(PeerMisbehaved.WRONG_LEGACY_VERSION,
                    String.format("legacy_version 0x%04x", legacyVersion));
        }
    }

    /**
     * Whether a host is an IP literal, which server_name must not carry (RFC 6066 §3: "Literal IPv4 and
     * IPv6 addresses are not permitted in "HostName""): the one rule for every place that chooses the SNI.
     * A DNS host name never holds a colon or a bracket, so anything with one is taken for IPv6, with or
     * without brackets or a zone ({@code ::1}, {@code [::1]}, {@code fe80::1%eth0}); an IPv4 literal is a
     * dotted quad of 1 to 3 digit labels, since a host name's last label is never all digits (RFC 1123
     * §2.1).
     *
     * @param name a host name or address
     * @return {@code true} for an IPv4 dotted quad or an IPv6 address
     */
    public static boolean isIpLiteral(String name) {
        if (name.indexOf(':') >= 0 || name.startsWith("[")) {
            return true;
        }
        // [0-9]{1,3}(\.[0-9]{1,3}){3}, checked by hand: String.matches compiled the pattern on every
        // client handshake, which allocated more than encoding the ClientHello.
        int dots = 0;
        int digits = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= '0' && c <= '9') {
                if (++digits > 3) {
                    return false;
                }
            } else if (c == '.' && digits > 0 && dots < 3) {
                dots++;
                digits = 0;
            } else {
                return false;
            }
        }
        return dots == 3 && digits > 0;
    }
}
