package dev.tls13.examples;

import dev.tls13.Tls13ContextBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Accepts names as OpenSSL spells them ({@code X25519}, {@code P-256}, {@code prime256v1}) next to the
 * RFC 8446 §4.2.7 names the codec uses ({@code x25519}, {@code secp256r1}) and the IANA names of the hybrid
 * post-quantum groups ({@code X25519MLKEM768}, {@code SecP256r1MLKEM768}, {@code SecP384r1MLKEM1024}), in any
 * case.
 */
final class Names {
    private Names() {
    }

    static List<String> groups(List<String> names) throws Options.UsageException {
        List<String> result = new ArrayList<>();
        for (String name : names) {
            result.add(group(name));
        }
        return result;
    }

    static String group(String name) throws Options.UsageException {
        try {
            return Tls13ContextBuilder.namedGroupName(name);
        } catch (IllegalArgumentException e) {
            throw new Options.UsageException("unknown group: " + name + " (known: "
                    + String.join(", ", Tls13ContextBuilder.supportedNamedGroups())
                    + "; OpenSSL's P-256, prime256v1, P-384, P-521 too)");
        }
    }

    static List<String> cipherSuites(List<String> names) throws Options.UsageException {
        List<String> supported = Tls13ContextBuilder.supportedCipherSuites();
        List<String> result = new ArrayList<>();
        for (String name : names) {
            String upper = name.toUpperCase(Locale.ROOT);
            if (!supported.contains(upper)) {
                throw new Options.UsageException("unknown TLS 1.3 cipher suite: " + name + " (known: "
                        + String.join(", ", supported) + ")");
            }
            result.add(upper);
        }
        return result;
    }
}
