package dev.tls13.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.KeyExchangeAlgorithm;
import dev.tls13.error.TlsException;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.Extension;
import dev.tls13.wire.Extensions;
import dev.tls13.wire.NamedGroup;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The shared negotiation rules. */
class NegotiationTest {

    @ParameterizedTest
    @EnumSource(KeyExchangeAlgorithm.class)
    void mapsEveryKeyExchangeToItsGroupAndBack(KeyExchangeAlgorithm algorithm) {
        assertEquals(Optional.of(algorithm), Negotiation.keyExchange(Negotiation.group(algorithm)));
    }

    @Test
    void groupsWeCannotRunHaveNoKeyExchange() {
        assertEquals(Optional.empty(), Negotiation.keyExchange(NamedGroup.FFDHE2048));
        assertEquals(Optional.empty(), Negotiation.keyExchange(NamedGroup.of(0x0201)));
        assertThrows(IllegalArgumentException.class, () -> Negotiation.requireKeyExchange(NamedGroup.of(0x1234)));
    }

    @Test
    void serverSuitePreferenceWinsAndNonTls13SuitesAreIgnored() throws TlsException {
        List<CipherSuite> offered = List.of(CipherSuite.of(0xC02F), CipherSuite.TLS_AES_128_GCM_SHA256,
                CipherSuite.TLS_CHACHA20_POLY1305_SHA256);
        assertEquals(CipherSuite.TLS_CHACHA20_POLY1305_SHA256, Negotiation.selectSuite(
                List.of(CipherSuite.of(0xC02F), CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
                        CipherSuite.TLS_AES_128_GCM_SHA256), offered).suite());
        TlsException e = assertThrows(TlsException.class, () -> Negotiation.selectSuite(
                List.of(CipherSuite.TLS_AES_256_GCM_SHA384), offered));
        assertEquals(AlertDescription.HANDSHAKE_FAILURE, e.failure().alert());
    }

    @Test
    void serverGroupPreferenceWinsAmongTheClientsSupportedGroups() throws TlsException {
        assertEquals(NamedGroup.SECP384R1, Negotiation.selectGroup(List.of(NamedGroup.X448, NamedGroup.SECP384R1,
                NamedGroup.X25519), List.of(NamedGroup.X25519, NamedGroup.SECP384R1, NamedGroup.FFDHE2048)));
        TlsException e = assertThrows(TlsException.class, () -> Negotiation.selectGroup(List.of(NamedGroup.X25519),
                List.of(NamedGroup.FFDHE2048)));
        assertEquals(AlertDescription.HANDSHAKE_FAILURE, e.failure().alert());
    }

    @Test
    void alpnIsIgnoredWhenEitherSideHasNoList() throws TlsException {
        Extensions withAlpn = Extensions.of(Extension.Alpn.of("h2"));
        assertEquals(Optional.empty(), Negotiation.selectApplicationProtocol(List.of(), withAlpn, true));
        assertEquals(Optional.empty(), Negotiation.selectApplicationProtocol(List.of("h2"), Extensions.EMPTY, true));
        assertEquals(Optional.of("h2"), Negotiation.selectApplicationProtocol(List.of("h2"), withAlpn, true));
    }

    @Test
    void recognisesIpLiteralsWhichServerNameMustNotCarry() {
        for (String ip : new String[] {"192.0.2.1", "127.0.0.1", "0.0.0.0", "2001:db8::1", "::1", "::",
            "[::1]", "[2001:db8::1]", "fe80::1%eth0", "[fe80::1%25eth0]", "::ffff:192.0.2.1", "1:2:3:4:5:6:7:8"}) {
            assertTrue(Negotiation.isIpLiteral(ip), ip);
        }
        for (String host : new String[] {"example.com", "localhost", "1.2.3.example", "a.b.c.d", "xn--bcher-kva.example",
            "192-0-2-1.example", "host.1example", "EXAMPLE.COM."}) {
            assertFalse(Negotiation.isIpLiteral(host), host);
        }
    }

    @Test
    void ipv4LiteralIsExactlyFourGroupsOfOneToThreeDigits() {
        Pattern dottedQuad = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
        char[] alphabet = {'0', '9', '.', 'a'};
        int positives = 0;
        // Every string of up to 9 characters over the alphabet, then longer quads.
        for (int length = 0; length <= 9; length++) {
            int count = 1 << (2 * length);
            for (int n = 0; n < count; n++) {
                StringBuilder sb = new StringBuilder(length);
                for (int i = 0, v = n; i < length; i++, v >>= 2) {
                    sb.append(alphabet[v & 3]);
                }
                String name = sb.toString();
                boolean expected = dottedQuad.matcher(name).matches();
                positives += expected ? 1 : 0;
                assertEquals(expected, Negotiation.isIpLiteral(name), name);
            }
        }
        assertTrue(positives > 0);
        assertTrue(Negotiation.isIpLiteral("255.255.255.255"));
        assertFalse(Negotiation.isIpLiteral("1255.255.255.255"));
        assertFalse(Negotiation.isIpLiteral("1.2.3.4.5"));
        assertFalse(Negotiation.isIpLiteral("1.2.3."));
        assertFalse(Negotiation.isIpLiteral(".1.2.3"));
        assertFalse(Negotiation.isIpLiteral(""));
    }
}
