package dev.tls13.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Accepts names as OpenSSL spells them ({@code X25519}, {@code P-256}, {@code prime256v1}) next to the
 * RFC 8446 §4.2.7 names the codec uses ({@code x25519}, {@code secp256r1}).
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
        switch (name.toLowerCase(Locale.ROOT)) {
            case "x25519":
                return "x25519";
            case "x448":
                return "x448";
            case "p-256":
            case "prime256v1":
            case "secp256r1":
                return "secp256r1";
            case "p-384":
            case "secp384r1":
                return "secp384r1";
            case "p-521":
            case "secp521r1":
                return "secp521r1";
            default:
                throw new Options.UsageException("unknown group: " + name
                        + " (known: x25519, secp256r1 (P-256), secp384r1 (P-384), secp521r1 (P-521), x448)");
        }
    }

    static List<String> cipherSuites(List<String> names) throws Options.UsageException {
        List<String> result = new ArrayList<>();
        for (String name : names) {
            String upper = name.toUpperCase(Locale.ROOT);
            switch (upper) {
                case "TLS_AES_128_GCM_SHA256":
                case "TLS_AES_256_GCM_SHA384":
                case "TLS_CHACHA20_POLY1305_SHA256":
                case "TLS_AES_128_CCM_SHA256":
                case "TLS_AES_128_CCM_8_SHA256":
                    result.add(upper);
                    break;
                default:
                    throw new Options.UsageException("unknown TLS 1.3 cipher suite: " + name
                            + " (known: TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256,"
                            + " TLS_AES_128_CCM_SHA256, TLS_AES_128_CCM_8_SHA256)");
            }
        }
        return result;
    }
}
