package dev.tls13.negative;

import dev.tls13.error.TlsException;
import dev.tls13.negative.Duel.Profile;
import dev.tls13.negative.Duel.Unit;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.ClientHello;
import dev.tls13.wire.EncryptedExtensions;
import dev.tls13.wire.Extension;
import dev.tls13.wire.ExtensionType;
import dev.tls13.wire.Extensions;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.ServerHello;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Malformed and lying handshake messages through the record layer, in both roles: every honest message
 * of both profiles truncated (at every byte for small messages, at 48 points for large ones) and with
 * a trailing byte gives decode_error; targeted lies in ClientHello, ServerHello, HelloRetryRequest,
 * EncryptedExtensions, CertificateVerify and Finished give the alert RFC 8446 names.
 */
class MalformedMessageTest {

    @AfterAll
    static void summary() {
        Tally.print();
    }

    private record Lie(String name, boolean victimIsClient, Profile profile, int step, AlertDescription alert,
                       UnaryOperator<byte[]> mutation) {
    }

    /** The ClientHello offering {@code group} alone, in supported_groups and with {@code share} as its key share. */
    private static byte[] onlyClientShare(byte[] m, NamedGroup group, byte[] share) {
        List<Extension> x = without(withExtensions(ch(m), without(ch(m).extensions(),
                ExtensionType.SUPPORTED_GROUPS)).extensions(), ExtensionType.KEY_SHARE);
        x.add(new Extension.SupportedGroups(List.of(group)));
        x.add(new Extension.KeyShareClientHello(List.of(new Extension.KeyShareEntry(group, share))));
        return enc(withExtensions(ch(m), x));
    }

    /** The message with its 3-byte length rewritten to the body that follows. */
    private static byte[] withLength(byte[] m) {
        int n = m.length - 4;
        m[1] = (byte) (n >>> 16);
        m[2] = (byte) (n >>> 8);
        m[3] = (byte) n;
        return m;
    }

    private static List<Integer> script(boolean victimIsClient, Profile profile) {
        List<Integer> sizes = new ArrayList<>();
        try (Duel d = Duel.start(victimIsClient, profile)) {
            for (int guard = 0; guard < 40 && !(d.victim.isHandshakeComplete() && d.queue.isEmpty()); guard++) {
                if (d.queue.isEmpty()) {
                    d.victimToPuppet();
                    continue;
                }
                Unit u = d.queue.peek();
                if (u.isHandshake()) {
                    sizes.add(u.content().length);
                }
                d.deliverNext();
            }
        }
        return sizes;
    }

    @TestFactory
    List<DynamicTest> truncatedOrTrailingMessagesAreDecodeErrors() {
        List<DynamicTest> tests = new ArrayList<>();
        for (boolean victimIsClient : new boolean[] {true, false}) {
            for (Profile profile : new Profile[] {Profile.PLAIN, Profile.CLIENT_AUTH}) {
                List<Integer> sizes = script(victimIsClient, profile);
                for (int k = 0; k < sizes.size(); k++) {
                    int body = sizes.get(k) - 4;
                    int stride = Math.max(1, body / 48);
                    int step = k;
                    for (int cut = 0; cut < body; cut += stride) {
                        int keep = cut;
                        tests.add(lie(new Lie("message " + k + " truncated to " + keep + " of " + body + " body bytes",
                                victimIsClient, profile, step, AlertDescription.DECODE_ERROR,
                                m -> withLength(Arrays.copyOf(m, 4 + Math.min(keep, m.length - 5))))));
                        // (ECDSA signatures vary in length between runs: always cut at least one byte.)
                    }
                    tests.add(lie(new Lie("message " + k + " with a trailing byte", victimIsClient, profile, step,
                            AlertDescription.DECODE_ERROR, m -> withLength(Arrays.copyOf(m, m.length + 1)))));
                }
            }
        }
        return tests;
    }

    private static ServerHello sh(byte[] m) {
        return (ServerHello) decode(m);
    }

    private static ClientHello ch(byte[] m) {
        return (ClientHello) decode(m);
    }

    private static dev.tls13.wire.HandshakeMessage decode(byte[] m) {
        try {
            return HandshakeCodec.decode(Unpooled.wrappedBuffer(m));
        } catch (TlsException e) {
            throw new AssertionError(e);
        }
    }

    private static List<Extension> without(Extensions e, ExtensionType type) {
        List<Extension> l = new ArrayList<>();
        for (Extension x : e) {
            if (!x.type().equals(type)) {
                l.add(x);
            }
        }
        return l;
    }

    private static ServerHello withExtensions(ServerHello s, List<Extension> l) {
        return new ServerHello(s.legacyVersion(), s.random(), s.legacySessionIdEcho(), s.cipherSuite(), new Extensions(l));
    }

    private static ClientHello withExtensions(ClientHello c, List<Extension> l) {
        return new ClientHello(c.legacyVersion(), c.random(), c.legacySessionId(), c.cipherSuites(), new Extensions(l));
    }

    private static byte[] enc(dev.tls13.wire.HandshakeMessage m) {
        return HandshakeCodec.encode(m);
    }

    private static byte[] replaceKeyShare(byte[] m, NamedGroup group, byte[] share) {
        ServerHello s = sh(m);
        List<Extension> l = without(s.extensions(), ExtensionType.KEY_SHARE);
        l.add(new Extension.KeyShareServerHello(new Extension.KeyShareEntry(group, share)));
        return enc(withExtensions(s, l));
    }

    /** The ClientHello with the share of {@code group} changed. */
    private static byte[] replaceClientShare(byte[] m, NamedGroup group, UnaryOperator<byte[]> change) {
        ClientHello c = ch(m);
        List<Extension.KeyShareEntry> entries = new ArrayList<>();
        for (Extension.KeyShareEntry e : c.extensions().find(Extension.KeyShareClientHello.class).orElseThrow()
                .entries()) {
            entries.add(e.group().equals(group) ? new Extension.KeyShareEntry(group, change.apply(e.keyExchange()
                    .clone())) : e);
        }
        List<Extension> x = without(c.extensions(), ExtensionType.KEY_SHARE);
        x.add(new Extension.KeyShareClientHello(entries));
        return enc(withExtensions(c, x));
    }

    /** The index of the compression byte(s) of a hello: after version, random, session id and suites. */
    private static int compressionIndex(byte[] m, boolean clientHello) {
        int i = 4 + 2 + 32;
        i += 1 + (m[i] & 0xFF);
        if (clientHello) {
            i += 2 + (((m[i] & 0xFF) << 8) | (m[i + 1] & 0xFF));
            return i + 1;
        }
        return i + 2;
    }

    private static List<Lie> lies() {
        List<Lie> l = new ArrayList<>();
        AlertDescription illegal = AlertDescription.ILLEGAL_PARAMETER;
        // ServerHello (RFC 8446 §4.1.3, §4.2, §4.2.8), the victim is the client.
        l.add(new Lie("serverHelloWithUnofferedCipherSuite", true, Profile.PLAIN, 0, illegal, m -> {
            ServerHello s = sh(m);
            return enc(new ServerHello(s.legacyVersion(), s.random(), s.legacySessionIdEcho(),
                    CipherSuite.TLS_AES_256_GCM_SHA384, s.extensions()));
        }));
        l.add(new Lie("serverHelloWithMismatchedSessionIdEcho", true, Profile.PLAIN, 0, illegal, m -> {
            ServerHello s = sh(m);
            byte[] echo = s.legacySessionIdEcho().length == 0 ? new byte[32] : s.legacySessionIdEcho().clone();
            echo[0] ^= 1;
            return enc(new ServerHello(s.legacyVersion(), s.random(), echo, s.cipherSuite(), s.extensions()));
        }));
        l.add(new Lie("serverHelloWithLegacyVersion0304", true, Profile.PLAIN, 0, illegal, m -> {
            ServerHello s = sh(m);
            return enc(new ServerHello(0x0304, s.random(), s.legacySessionIdEcho(), s.cipherSuite(), s.extensions()));
        }));
        l.add(new Lie("serverHelloWithCompressionMethod1", true, Profile.PLAIN, 0, illegal, m -> {
            byte[] r = m.clone();
            r[compressionIndex(r, false)] = 1;
            return r;
        }));
        l.add(new Lie("serverHelloWithKeyShareForAnUnofferedGroup", true, Profile.PLAIN, 0, illegal,
                m -> replaceKeyShare(m, NamedGroup.SECP384R1, p384Point())));
        l.add(new Lie("serverHelloWithAllZeroX25519Share", true, Profile.PLAIN, 0, illegal,
                m -> replaceKeyShare(m, NamedGroup.X25519, new byte[32])));
        l.add(new Lie("serverHelloWithShortX25519Share", true, Profile.PLAIN, 0, illegal,
                m -> replaceKeyShare(m, NamedGroup.X25519, new byte[31])));
        l.add(new Lie("serverHelloWithShortX25519Mlkem768Share", true, Profile.PLAIN, 0, illegal,
                m -> replaceKeyShare(m, NamedGroup.X25519MLKEM768, new byte[1119])));
        l.add(new Lie("serverHelloWithAllZeroX25519PartOfX25519Mlkem768", true, Profile.PLAIN, 0, illegal, m -> {
            byte[] share = sh(m).extensions().find(Extension.KeyShareServerHello.class).orElseThrow().entry()
                    .keyExchange().clone();
            Arrays.fill(share, 1088, 1120, (byte) 0);
            return replaceKeyShare(m, NamedGroup.X25519MLKEM768, share);
        }));
        l.add(new Lie("serverHelloWithX25519LowOrderPoint", true, Profile.PLAIN, 0, illegal, m -> {
            byte[] one = new byte[32];
            one[0] = 1; // u = 1 has order 4: the shared secret is all zero (RFC 7748 §6.1)
            return replaceKeyShare(m, NamedGroup.X25519, one);
        }));
        // RFC 8446 §4.1.3: the last 8 bytes of ServerHello.random "DOWNGRD\x01" / "\x00" mark a downgrade.
        for (int last : new int[] {0, 1}) {
            l.add(new Lie("serverHelloWithTheDowngradeSentinel0" + last, true, Profile.PLAIN, 0, illegal, m -> {
                ServerHello s = sh(m);
                byte[] random = s.random().clone();
                byte[] sentinel = {0x44, 0x4F, 0x57, 0x4E, 0x47, 0x52, 0x44, (byte) last};
                System.arraycopy(sentinel, 0, random, 24, 8);
                return enc(new ServerHello(s.legacyVersion(), random, s.legacySessionIdEcho(), s.cipherSuite(),
                        s.extensions()));
            }));
        }
        l.add(new Lie("serverHelloSelectingTls12", true, Profile.PLAIN, 0, illegal, m -> {
            ServerHello s = sh(m);
            List<Extension> x = without(s.extensions(), ExtensionType.SUPPORTED_VERSIONS);
            x.add(new Extension.SupportedVersionsServerHello(0x0303));
            return enc(withExtensions(s, x));
        }));
        l.add(new Lie("serverHelloWithDuplicateSupportedVersions", true, Profile.PLAIN, 0, illegal, m -> {
            byte[] ext = {0x00, 0x2B, 0x00, 0x02, 0x03, 0x04};
            return appendRawExtension(m, ext);
        }));
        l.add(new Lie("serverHelloWithAlpnWhichBelongsInEncryptedExtensions", true, Profile.PLAIN, 0, illegal, m -> {
            ServerHello s = sh(m);
            List<Extension> x = new ArrayList<>(s.extensions().list());
            x.add(Extension.Alpn.of("h2"));
            return enc(withExtensions(s, x));
        }));
        l.add(new Lie("helloRetryRequestThatChangesNothing", true, Profile.PLAIN, 0, illegal, m -> {
            ServerHello s = sh(m);
            return enc(new ServerHello(0x0303, ServerHello.helloRetryRequestRandom(), s.legacySessionIdEcho(),
                    s.cipherSuite(), Extensions.of(new Extension.SupportedVersionsServerHello(0x0304),
                            new Extension.KeyShareHelloRetryRequest(NamedGroup.X25519))));
        }));
        // EncryptedExtensions (RFC 8446 §4.2: unsolicited -> unsupported_extension; wrong message -> illegal).
        l.add(new Lie("encryptedExtensionsWithUnsolicitedUnknownExtension", true, Profile.PLAIN, 1,
                AlertDescription.UNSUPPORTED_EXTENSION, m -> enc(new EncryptedExtensions(Extensions.of(
                        new Extension.UnknownExtension(ExtensionType.of(0xFAFA), new byte[0]))))));
        l.add(new Lie("encryptedExtensionsWithUnsolicitedAlpn", true, Profile.PLAIN, 1,
                AlertDescription.UNSUPPORTED_EXTENSION,
                m -> enc(new EncryptedExtensions(Extensions.of(Extension.Alpn.of("h2"))))));
        l.add(new Lie("encryptedExtensionsWithSupportedVersions", true, Profile.PLAIN, 1, illegal,
                m -> enc(new EncryptedExtensions(Extensions.of(new Extension.SupportedVersionsServerHello(0x0304))))));
        l.add(new Lie("encryptedExtensionsWithKeyShare", true, Profile.PLAIN, 1, illegal,
                m -> enc(new EncryptedExtensions(Extensions.of(new Extension.KeyShareServerHello(
                        new Extension.KeyShareEntry(NamedGroup.X25519, new byte[32])))))));
        // Proofs (RFC 8446 §4.4.3, §4.4.4).
        l.add(new Lie("serverFinishedWithAFlippedBit", true, Profile.PLAIN, 4, AlertDescription.DECRYPT_ERROR,
                MalformedMessageTest::flipLast));
        l.add(new Lie("serverCertificateVerifyWithAFlippedBit", true, Profile.PLAIN, 3, AlertDescription.DECRYPT_ERROR,
                MalformedMessageTest::flipLast));
        l.add(new Lie("clientFinishedWithAFlippedBit", false, Profile.PLAIN, 1, AlertDescription.DECRYPT_ERROR,
                MalformedMessageTest::flipLast));
        l.add(new Lie("clientFinishedWithAFlippedBitAfterClientAuth", false, Profile.CLIENT_AUTH, 3,
                AlertDescription.DECRYPT_ERROR, MalformedMessageTest::flipLast));
        l.add(new Lie("clientCertificateVerifyWithAFlippedBit", false, Profile.CLIENT_AUTH, 2,
                AlertDescription.DECRYPT_ERROR, MalformedMessageTest::flipLast));
        // ClientHello (RFC 8446 §4.1.2, §4.2.1, §D.2-D.5), the victim is the server.
        l.add(new Lie("tls12OnlyClientHello", false, Profile.PLAIN, 0, AlertDescription.PROTOCOL_VERSION,
                m -> enc(withExtensions(ch(m), without(ch(m).extensions(), ExtensionType.SUPPORTED_VERSIONS)))));
        l.add(new Lie("clientHelloOfferingOnlyTls12", false, Profile.PLAIN, 0, AlertDescription.PROTOCOL_VERSION, m -> {
            List<Extension> x = without(ch(m).extensions(), ExtensionType.SUPPORTED_VERSIONS);
            x.add(new Extension.SupportedVersionsClientHello(List.of(0x0303)));
            return enc(withExtensions(ch(m), x));
        }));
        l.add(new Lie("clientHelloWithCompressionMethod1", false, Profile.PLAIN, 0, illegal, m -> {
            byte[] r = m.clone();
            r[compressionIndex(r, true)] = 1;
            return r;
        }));
        l.add(new Lie("clientHelloWithDuplicateSupportedVersions", false, Profile.PLAIN, 0, illegal,
                m -> appendRawExtension(m, new byte[] {0x00, 0x2B, 0x00, 0x03, 0x02, 0x03, 0x04})));
        l.add(new Lie("clientHelloWithEmptyCipherSuites", false, Profile.PLAIN, 0, AlertDescription.DECODE_ERROR,
                m -> {
                    ClientHello c = ch(m);
                    byte[] r = enc(new ClientHello(c.legacyVersion(), c.random(), c.legacySessionId(),
                            List.of(CipherSuite.TLS_AES_128_GCM_SHA256), c.extensions()));
                    int i = 4 + 2 + 32;
                    i += 1 + (r[i] & 0xFF);
                    byte[] out = new byte[r.length - 2];
                    System.arraycopy(r, 0, out, 0, i);
                    out[i] = 0;
                    out[i + 1] = 0;
                    System.arraycopy(r, i + 4, out, i + 2, r.length - i - 4);
                    return withLength(out);
                }));
        l.add(new Lie("clientHelloWithoutACommonCipherSuite", false, Profile.PLAIN, 0,
                AlertDescription.HANDSHAKE_FAILURE, m -> {
                    ClientHello c = ch(m);
                    return enc(new ClientHello(c.legacyVersion(), c.random(), c.legacySessionId(),
                            List.of(CipherSuite.of(0x00FF)), c.extensions()));
                }));
        l.add(new Lie("clientHelloWithKeyShareForAGroupNotInSupportedGroups", false, Profile.PLAIN, 0, illegal, m -> {
            List<Extension> x = without(ch(m).extensions(), ExtensionType.SUPPORTED_GROUPS);
            x.add(new Extension.SupportedGroups(List.of(NamedGroup.SECP256R1)));
            return enc(withExtensions(ch(m), x));
        }));
        l.add(new Lie("clientHelloWithAllZeroX25519Share", false, Profile.PLAIN, 0, illegal, m -> {
            // x25519 alone in supported_groups: the server would otherwise prefer the hybrid and ask for it.
            List<Extension> x = without(withExtensions(ch(m), without(ch(m).extensions(),
                    ExtensionType.SUPPORTED_GROUPS)).extensions(), ExtensionType.KEY_SHARE);
            x.add(new Extension.SupportedGroups(List.of(NamedGroup.X25519)));
            x.add(new Extension.KeyShareClientHello(List.of(new Extension.KeyShareEntry(NamedGroup.X25519,
                    new byte[32]))));
            return enc(withExtensions(ch(m), x));
        }));
        // The hybrid X25519MLKEM768 (draft-ietf-tls-ecdhe-mlkem): ML-KEM-768 encapsulation key || X25519.
        // RFC 8446 §4.2.8.2: an X25519 share is exactly 32 bytes, a P-256 share exactly 65 (0x04 || X || Y);
        // any other length is illegal_parameter. An empty one breaks key_exchange<1..2^16-1> itself and is
        // decode_error, as in BoringSSL and rustls (wire.ExtensionTest, "empty key_exchange").
        for (int length : new int[] {31, 33}) {
            l.add(new Lie("clientHelloWithX25519ShareOf" + length + "Bytes", false, Profile.PLAIN, 0, illegal,
                    m -> onlyClientShare(m, NamedGroup.X25519, new byte[length])));
        }
        for (int length : new int[] {64, 66}) {
            l.add(new Lie("clientHelloWithP256ShareOf" + length + "Bytes", false, Profile.PLAIN, 0, illegal, m -> {
                byte[] share = new byte[length];
                share[0] = 4;
                return onlyClientShare(m, NamedGroup.SECP256R1, share);
            }));
        }
        l.add(new Lie("serverHelloWithLongX25519Share", true, Profile.PLAIN, 0, illegal,
                m -> replaceKeyShare(m, NamedGroup.X25519, new byte[33])));
        l.add(new Lie("clientHelloWithShortX25519Mlkem768Share", false, Profile.PLAIN, 0, illegal,
                m -> replaceClientShare(m, NamedGroup.X25519MLKEM768, s -> Arrays.copyOf(s, s.length - 1))));
        l.add(new Lie("clientHelloWithX25519Mlkem768KeyFailingTheModulusCheck", false, Profile.PLAIN, 0, illegal,
                m -> replaceClientShare(m, NamedGroup.X25519MLKEM768, s -> {
                    s[0] = (byte) 0xFF; // the first coefficient of t̂ becomes 0xFFF >= q (FIPS 203 §7.2)
                    s[1] |= 0x0F;
                    return s;
                })));
        l.add(new Lie("clientHelloWithAllZeroX25519PartOfX25519Mlkem768", false, Profile.PLAIN, 0, illegal,
                m -> replaceClientShare(m, NamedGroup.X25519MLKEM768, s -> {
                    Arrays.fill(s, 1184, 1216, (byte) 0);
                    return s;
                })));
        l.add(new Lie("clientHelloWithInvalidP256Point", false, Profile.PLAIN, 0, illegal, m -> {
            List<Extension> x = without(withExtensions(ch(m), without(ch(m).extensions(),
                    ExtensionType.SUPPORTED_GROUPS)).extensions(), ExtensionType.KEY_SHARE);
            x.add(new Extension.SupportedGroups(List.of(NamedGroup.SECP256R1)));
            byte[] point = new byte[65];
            point[0] = 4;
            point[64] = 7; // (0, 7) is not on the curve
            x.add(new Extension.KeyShareClientHello(List.of(new Extension.KeyShareEntry(NamedGroup.SECP256R1,
                    point))));
            return enc(withExtensions(ch(m), x));
        }));
        return l;
    }

    private static byte[] p384Point() {
        byte[] p = new byte[97];
        p[0] = 4;
        return p;
    }

    private static byte[] flipLast(byte[] m) {
        byte[] r = m.clone();
        r[r.length - 1] ^= 1;
        return r;
    }

    /** Appends raw extension bytes to a hello's extension block (for duplicates the codec will not encode). */
    private static byte[] appendRawExtension(byte[] m, byte[] ext) {
        byte[] r = Arrays.copyOf(m, m.length + ext.length);
        System.arraycopy(ext, 0, r, m.length, ext.length);
        int blockAt = m.length - extensionsLength(m) - 2;
        int n = extensionsLength(m) + ext.length;
        r[blockAt] = (byte) (n >>> 8);
        r[blockAt + 1] = (byte) n;
        return withLength(r);
    }

    /** The extensions block is last in a hello: find its length by walking from the end of the fixed part. */
    private static int extensionsLength(byte[] m) {
        boolean client = m[0] == 1;
        int i = compressionIndex(m, client);
        i += client ? 1 + (m[i - 1] & 0xFF) - 1 : 1;
        return ((m[i] & 0xFF) << 8) | (m[i + 1] & 0xFF);
    }

    @TestFactory
    List<DynamicTest> lyingMessagesGetTheAlertRfc8446Names() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Lie lie : lies()) {
            tests.add(lie(lie, false));
        }
        return tests;
    }

    /** The same lies against the Netty handler: the future, the event and the close report them too. */
    @TestFactory
    List<DynamicTest> throughTheNettyHandlerLyingMessagesGetTheAlertRfc8446Names() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Lie lie : lies()) {
            tests.add(lie(lie, true));
        }
        return tests;
    }

    private static DynamicTest lie(Lie lie) {
        return lie(lie, false);
    }

    private static DynamicTest lie(Lie lie, boolean handler) {
        return DynamicTest.dynamicTest((handler ? "handler " : "") + (lie.victimIsClient() ? "client " : "server ")
                + lie.profile() + " " + lie.name() + " -> " + lie.alert(), () -> {
                    try (Duel d = Duel.start(lie.victimIsClient(), lie.profile(), handler)) {
                        d.advance(lie.step());
                        Unit honest = d.queue.poll();
                        boolean encrypted = d.victimHasWriteKeys();
                        TlsException e = d.deliver(new Unit(22, lie.mutation().apply(honest.content().clone()),
                                honest.epoch()));
                        try {
                            d.assertFatalAlertOnTheWire(e, lie.alert(), encrypted);
                        } catch (AssertionError failure) {
                            throw new AssertionError(lie.name() + " of " + honest + ": " + failure.getMessage(), failure);
                        }
                    }
                    Tally.count(lie.alert().toString());
                });
    }
}
