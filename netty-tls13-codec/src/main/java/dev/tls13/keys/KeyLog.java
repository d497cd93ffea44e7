package dev.tls13.keys;

import java.util.HexFormat;

/** Formats lines of the NSS key log format (draft-ietf-tls-keylogfile / RFC 9850). */
final class KeyLog {

    /** The client random is the ClientHello.random, 32 bytes (RFC 8446 §4.1.2). */
    static final int CLIENT_RANDOM_LENGTH = 32;

    private KeyLog() {
    }

    static String line(String label, byte[] clientRandom, byte[] secret) {
        HkdfLabel.checkLength(clientRandom, CLIENT_RANDOM_LENGTH, "client random");
        HexFormat hex = HexFormat.of();
        return label + ' ' + hex.formatHex(clientRandom) + ' ' + hex.formatHex(secret);
    }
}
