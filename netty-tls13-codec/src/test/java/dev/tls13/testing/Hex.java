package dev.tls13.testing;

import java.util.HexFormat;

/** Hex helpers for tests. */
public final class Hex {
    private Hex() {
    }

    /** @return the bytes of a hex string (spaces and newlines ignored) */
    public static byte[] decode(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s", ""));
    }

    /** @return lowercase hex of {@code bytes} */
    public static String encode(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
