package dev.tls13.handshake;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.util.IPAddress;

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
        if (reference.isEmpty() || reference.startsWith(".") || reference.contains("..")) {
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
        if (literal.indexOf(':') >= 0) {
            // Only a literal that validates is passed to InetAddress, so no DNS lookup can happen.
            if (!IPAddress.isValidIPv6(literal)) {
                return null;
            }
            try {
                return InetAddress.getByName(literal).getAddress();
            } catch (UnknownHostException e) {
                return null;
            }
        }
        return ipv4Literal(literal);
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
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        String last = null;
        for (RDN rdn : subject.getRDNs()) {
            for (AttributeTypeAndValue value : rdn.getTypesAndValues()) {
                if (BCStyle.CN.equals(value.getType())) {
                    ASN1Encodable encodable = value.getValue();
                    last = encodable instanceof ASN1String ? ((ASN1String) encodable).getString() : null;
                }
            }
        }
        return last;
    }

    private static String normalize(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
