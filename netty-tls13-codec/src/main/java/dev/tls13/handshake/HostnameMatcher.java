package dev.tls13.handshake;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * Server identity check for endpoint identification "HTTPS" (RFC 2818 §3.1 with the matching rules of
 * RFC 6125 §6.4): does a certificate name the host the client connected to?
 *
 * <ul>
 *   <li>A host name matches a subjectAltName dNSName case-insensitively (ASCII only: IDN A-labels are
 *       compared as given), ignoring one trailing dot on either side.</li>
 *   <li>A presented name may have a wildcard only as its whole left-most label ({@code *.example.com}),
 *       which then matches exactly one non-empty label, and only with at least two labels after it;
 *       partial wildcards such as {@code f*.example.com} never match (RFC 6125 §6.4.3 allows not
 *       supporting them; browsers and RFC 9525 reject them).</li>
 *   <li>An IP literal (IPv4, or IPv6 with or without brackets) matches only iPAddress entries, compared
 *       as address bytes; nothing is resolved, and a wildcard never matches an address.</li>
 *   <li>The subject's most specific CN is consulted only when the certificate has no dNSName entry
 *       (RFC 6125 §6.4.4), and never for IP literals.</li>
 * </ul>
 */
final class HostnameMatcher {

    private static final int SAN_DNS_NAME = 2;
    private static final int SAN_IP_ADDRESS = 7;

    private HostnameMatcher() {
    }

    /**
     * Whether the certificate names the host.
     *
     * @param certificate the server's end-entity certificate
     * @param host the host name or IP literal the client connected to
     * @return {@code true} on a match
     */
    static boolean matches(X509Certificate certificate, String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        Collection<List<?>> sans;
        try {
            sans = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return false;
        }
        byte[] address = ipLiteral(host);
        if (address != null) {
            return matchesIp(sans, address);
        }
        if (host.indexOf(':') >= 0 || host.startsWith("[")) {
            // Looks like an IPv6 literal but does not parse: it cannot be a DNS name either.
            return false;
        }
        String reference = normalize(host);
        // A reference identifier is never a pattern: a host literally named "*.example.com" matches nothing.
        if (reference.isEmpty() || reference.startsWith(".") || reference.contains("..")
                || reference.indexOf('*') >= 0) {
            return false;
        }
        List<String> dnsNames = new ArrayList<>();
        if (sans != null) {
            for (List<?> san : sans) {
                if (san.size() >= 2 && Integer.valueOf(SAN_DNS_NAME).equals(san.get(0))
                        && san.get(1) instanceof String) {
                    dnsNames.add((String) san.get(1));
                }
            }
        }
        if (dnsNames.isEmpty()) {
            String cn = mostSpecificCommonName(certificate);
            return cn != null && matchesDnsName(reference, cn);
        }
        for (String presented : dnsNames) {
            if (matchesDnsName(reference, presented)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Matches a normalized reference host name against one presented name.
     *
     * @param reference lower-case host name without a trailing dot
     * @param presentedName a dNSName entry or CN as written in the certificate
     * @return {@code true} on a match
     */
    static boolean matchesDnsName(String reference, String presentedName) {
        String presented = normalize(presentedName);
        if (presented.isEmpty() || presented.contains("..")) {
            return false;
        }
        int star = presented.indexOf('*');
        if (star < 0) {
            return reference.equals(presented);
        }
        // RFC 6125 §6.4.3: only a whole left-most label "*", one of it, with at least two labels after it.
        if (star != 0 || !presented.startsWith("*.") || presented.indexOf('*', 1) >= 0) {
            return false;
        }
        String suffix = presented.substring(1);
        if (suffix.indexOf('.', 1) < 0) {
            return false;
        }
        if (!reference.endsWith(suffix)) {
            return false;
        }
        String label = reference.substring(0, reference.length() - suffix.length());
        return !label.isEmpty() && label.indexOf('.') < 0;
    }

    /**
     * Parses an IP literal without any name lookup.
     *
     * @param host a host string, IPv6 possibly in brackets
     * @return the address bytes, or {@code null} if {@code host} is not an IP literal
     */
    static byte[] ipLiteral(String host) {
        String literal = host;
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        return literal.indexOf(':') >= 0 ? ipv6Literal(literal) : ipv4Literal(literal);
    }

    /** RFC 4291 §2.2 text forms: eight groups, one "::" for a run of zero groups, an optional dotted IPv4 tail. */
    private static byte[] ipv6Literal(String literal) {
        int gap = literal.indexOf("::");
        if (gap >= 0 && literal.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        int[] head = new int[8];
        int[] tail = new int[8];
        int headCount;
        int tailCount = 0;
        if (gap < 0) {
            headCount = groups(literal, true, head);
            if (headCount != 8) {
                return null;
            }
        } else {
            headCount = gap == 0 ? 0 : groups(literal.substring(0, gap), false, head);
            String after = literal.substring(gap + 2);
            tailCount = after.isEmpty() ? 0 : groups(after, true, tail);
            // "::" stands for at least one zero group.
            if (headCount < 0 || tailCount < 0 || headCount + tailCount > 7) {
                return null;
            }
        }
        byte[] address = new byte[16];
        for (int i = 0; i < headCount; i++) {
            address[2 * i] = (byte) (head[i] >>> 8);
            address[2 * i + 1] = (byte) head[i];
        }
        for (int i = 0; i < tailCount; i++) {
            int at = 8 - tailCount + i;
            address[2 * at] = (byte) (tail[i] >>> 8);
            address[2 * at + 1] = (byte) tail[i];
        }
        return address;
    }

    /** Parses colon-separated 16-bit groups into {@code out}; returns how many, or -1 if malformed. */
    private static int groups(String text, boolean ipv4TailAllowed, int[] out) {
        String[] parts = text.split(":", -1);
        int count = 0;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (i == parts.length - 1 && ipv4TailAllowed && part.indexOf('.') >= 0) {
                byte[] v4 = ipv4Literal(part);
                if (v4 == null || count + 2 > out.length) {
                    return -1;
                }
                out[count++] = ((v4[0] & 0xFF) << 8) | (v4[1] & 0xFF);
                out[count++] = ((v4[2] & 0xFF) << 8) | (v4[3] & 0xFF);
                continue;
            }
            if (part.isEmpty() || part.length() > 4 || count == out.length) {
                return -1;
            }
            int value = 0;
            for (int j = 0; j < part.length(); j++) {
                int digit = Character.digit(part.charAt(j), 16);
                if (digit < 0) {
                    return -1;
                }
                value = (value << 4) | digit;
            }
            out[count++] = value;
        }
        return count;
    }

    private static byte[] ipv4Literal(String literal) {
        String[] parts = literal.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] address = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3) {
                return null;
            }
            int value = 0;
            for (int j = 0; j < part.length(); j++) {
                char c = part.charAt(j);
                if (c < '0' || c > '9') {
                    return null;
                }
                value = value * 10 + (c - '0');
            }
            if (value > 255) {
                return null;
            }
            address[i] = (byte) value;
        }
        return address;
    }

    private static boolean matchesIp(Collection<List<?>> sans, byte[] address) {
        if (sans == null) {
            return false;
        }
        for (List<?> san : sans) {
            if (san.size() >= 2 && Integer.valueOf(SAN_IP_ADDRESS).equals(san.get(0)) && san.get(1) instanceof String) {
                byte[] presented = ipLiteral((String) san.get(1));
                if (presented != null && Arrays.equals(presented, address)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String mostSpecificCommonName(X509Certificate certificate) {
        // LdapName lists RDNs from the most general to the most specific (RFC 4514 strings are reversed).
        String last = null;
        try {
            LdapName name = new LdapName(certificate.getSubjectX500Principal().getName(X500Principal.RFC2253));
            for (Rdn rdn : name.getRdns()) {
                Attribute cn = rdn.toAttributes().get("CN");
                if (cn != null) {
                    Object value = cn.get();
                    last = value instanceof String ? (String) value : null;
                }
            }
        } catch (NamingException e) {
            return null;
        }
        return last;
    }

    private static String normalize(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
