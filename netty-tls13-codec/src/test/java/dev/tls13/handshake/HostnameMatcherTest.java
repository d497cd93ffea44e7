package dev.tls13.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.KeyType;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostnameMatcherTest {

    private static X509Certificate dns(String... names) {
        TestPki.LeafBuilder builder = TestPki.leaf(KeyType.EC_P256).commonName("cn.example.com");
        for (String name : names) {
            builder.dns(name);
        }
        return builder.build().certificate();
    }

    @Test
    void matchesAnExactDnsNameCaseInsensitively() {
        X509Certificate cert = dns("www.Example.com");
        assertTrue(HostnameMatcher.matches(cert, "www.example.com"));
        assertTrue(HostnameMatcher.matches(cert, "WWW.EXAMPLE.COM"));
        assertFalse(HostnameMatcher.matches(cert, "example.com"));
        assertFalse(HostnameMatcher.matches(cert, "www.example.co"));
        assertFalse(HostnameMatcher.matches(cert, "wwwexample.com"));
    }

    @Test
    void ignoresOneTrailingDotOnEitherSide() {
        assertTrue(HostnameMatcher.matches(dns("www.example.com"), "www.example.com."));
        assertTrue(HostnameMatcher.matches(dns("www.example.com."), "www.example.com"));
        assertFalse(HostnameMatcher.matches(dns("www.example.com"), "www.example.com.."));
    }

    @Test
    void matchesAnyOfSeveralDnsNames() {
        X509Certificate cert = dns("a.example.com", "b.example.org");
        assertTrue(HostnameMatcher.matches(cert, "a.example.com"));
        assertTrue(HostnameMatcher.matches(cert, "b.example.org"));
        assertFalse(HostnameMatcher.matches(cert, "c.example.com"));
    }

    @Test
    void wildcardMatchesExactlyOneLeftMostLabel() {
        X509Certificate cert = dns("*.example.com");
        assertTrue(HostnameMatcher.matches(cert, "a.example.com"));
        assertTrue(HostnameMatcher.matches(cert, "A-B.Example.COM"));
        assertFalse(HostnameMatcher.matches(cert, "a.b.example.com"));
        assertFalse(HostnameMatcher.matches(cert, "example.com"));
        assertFalse(HostnameMatcher.matches(cert, ".example.com"));
        assertFalse(HostnameMatcher.matches(cert, "aexample.com"));
    }

    @Test
    void aHostNameIsNeverTreatedAsAPattern() {
        assertFalse(HostnameMatcher.matches(dns("*.example.com"), "*.example.com"));
        assertFalse(HostnameMatcher.matches(dns("a.example.com"), "*.example.com"));
    }

    @Test
    void rejectsPartialAndMisplacedWildcards() {
        assertFalse(HostnameMatcher.matches(dns("f*.example.com"), "foo.example.com"));
        assertFalse(HostnameMatcher.matches(dns("*o.example.com"), "foo.example.com"));
        assertFalse(HostnameMatcher.matches(dns("f*o.example.com"), "foo.example.com"));
        assertFalse(HostnameMatcher.matches(dns("www.*.com"), "www.example.com"));
        assertFalse(HostnameMatcher.matches(dns("*.*.com"), "a.example.com"));
        assertFalse(HostnameMatcher.matches(dns("**.example.com"), "a.example.com"));
    }

    @Test
    void wildcardNeedsAtLeastTwoLabelsAfterIt() {
        assertFalse(HostnameMatcher.matches(dns("*.com"), "example.com"));
        assertFalse(HostnameMatcher.matches(dns("*"), "localhost"));
        assertTrue(HostnameMatcher.matches(dns("*.example.com"), "www.example.com"));
    }

    @Test
    void comparesIdnALabelsAsGiven() {
        X509Certificate cert = dns("xn--bcher-kva.example");
        assertTrue(HostnameMatcher.matches(cert, "XN--BCHER-KVA.example"));
        assertFalse(HostnameMatcher.matches(cert, "b\u00fccher.example"));
    }

    @Test
    void matchesIpv4LiteralsOnlyAgainstIpAddressEntries() {
        X509Certificate cert = TestPki.leaf(KeyType.EC_P256).ip("192.0.2.7").dns("10.0.0.1").build().certificate();
        assertTrue(HostnameMatcher.matches(cert, "192.0.2.7"));
        assertFalse(HostnameMatcher.matches(cert, "192.0.2.8"));
        assertFalse(HostnameMatcher.matches(cert, "10.0.0.1"));
    }

    @Test
    void matchesIpv6LiteralsByAddressBytesInAnyNotation() {
        X509Certificate cert = TestPki.leaf(KeyType.EC_P256).ip("2001:db8::1").build().certificate();
        assertTrue(HostnameMatcher.matches(cert, "2001:db8::1"));
        assertTrue(HostnameMatcher.matches(cert, "[2001:DB8:0:0:0:0:0:1]"));
        assertFalse(HostnameMatcher.matches(cert, "2001:db8::2"));
        assertFalse(HostnameMatcher.matches(cert, "[2001:db8::1"));
    }

    @Test
    void neverMatchesAnIpLiteralWithAWildcardOrTheCommonName() {
        X509Certificate wildcard = TestPki.leaf(KeyType.EC_P256).dns("*.0.2.7").build().certificate();
        assertFalse(HostnameMatcher.matches(wildcard, "192.0.2.7"));
        X509Certificate cnOnly = TestPki.leaf(KeyType.EC_P256).commonName("192.0.2.7").build().certificate();
        assertFalse(HostnameMatcher.matches(cnOnly, "192.0.2.7"));
    }

    @Test
    void fallsBackToTheCommonNameOnlyWithoutDnsNames() {
        X509Certificate cnOnly = TestPki.leaf(KeyType.EC_P256).commonName("legacy.example.com").build().certificate();
        assertTrue(HostnameMatcher.matches(cnOnly, "legacy.example.com"));
        X509Certificate cnAndIp = TestPki.leaf(KeyType.EC_P256).commonName("legacy.example.com").ip("192.0.2.7")
                .build().certificate();
        assertTrue(HostnameMatcher.matches(cnAndIp, "legacy.example.com"));
        X509Certificate cnAndDns = TestPki.leaf(KeyType.EC_P256).commonName("legacy.example.com")
                .dns("modern.example.com").build().certificate();
        assertFalse(HostnameMatcher.matches(cnAndDns, "legacy.example.com"));
        assertTrue(HostnameMatcher.matches(cnAndDns, "modern.example.com"));
    }

    @Test
    void noNamesAtAllMatchesNothing() {
        X509Certificate cert = TestPki.leaf(KeyType.EC_P256).commonName(null).build().certificate();
        assertFalse(HostnameMatcher.matches(cert, "localhost"));
        assertFalse(HostnameMatcher.matches(cert, ""));
        assertFalse(HostnameMatcher.matches(cert, null));
    }

    @Test
    void ipLiteralsParseWithoutLookup() {
        assertArrayEquals(new byte[] {127, 0, 0, 1}, HostnameMatcher.ipLiteral("127.0.0.1"));
        byte[] loopback6 = new byte[16];
        loopback6[15] = 1;
        assertArrayEquals(loopback6, HostnameMatcher.ipLiteral("::1"));
        assertArrayEquals(loopback6, HostnameMatcher.ipLiteral("[0:0:0:0:0:0:0:1]"));
        assertArrayEquals(new byte[16], HostnameMatcher.ipLiteral("::"));
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        mapped[12] = (byte) 192;
        mapped[15] = 1;
        assertArrayEquals(mapped, HostnameMatcher.ipLiteral("::FFFF:192.0.0.1"));
        byte[] full = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6};
        assertArrayEquals(full, HostnameMatcher.ipLiteral("2001:db8:1:2:3:4:5:6"));
        assertArrayEquals(full, HostnameMatcher.ipLiteral("2001:db8:1:2:3:4:0.5.0.6"));
        byte[] split = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7};
        assertArrayEquals(split, HostnameMatcher.ipLiteral("2001:db8::7"));
        for (String notLiteral : List.of("1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.x", "example.com", "::g", "[::1",
                "fe80::1%eth0", "", ":1", "1:", "1:::2", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7",
                "1:2:3:4:5:6:7::8", "::1.2.3", "1.2.3.4::", "::1.2.3.4:5")) {
            assertEquals(null, HostnameMatcher.ipLiteral(notLiteral), notLiteral);
        }
    }
}
