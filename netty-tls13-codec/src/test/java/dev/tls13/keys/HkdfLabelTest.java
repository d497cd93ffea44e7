package dev.tls13.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.crypto.Hkdf;
import dev.tls13.crypto.JcaCryptoProvider;
import dev.tls13.testing.Hex;
import dev.tls13.testing.Rfc8448;
import dev.tls13.testing.Rfc8448.Step;
import dev.tls13.testing.Rfc8448.Trace;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** HKDF-Expand-Label and Derive-Secret, RFC 8446 §7.1. */
class HkdfLabelTest {

    private static final Pattern QUOTED_LABEL = Pattern.compile("\"tls13 ([a-z ]+)\"");
    private final Hkdf sha256 = JcaCryptoProvider.instance().hkdf(HashAlgorithm.SHA256);

    @Test
    void everyExpandLabelStepOfEveryRfc8448TraceHasTheSameInfoAndOutput() {
        int checked = 0;
        for (Trace trace : Trace.values()) {
            for (Step step : trace.steps()) {
                if (step.has("PRK") && step.has("info")) {
                    Matcher m = QUOTED_LABEL.matcher(step.step());
                    String label = m.find() ? m.group(1) : "finished"; // "calculate PSK binder" expands "finished"
                    // The finished steps print no hash: their context is the empty string (RFC 8446 §4.4.4).
                    byte[] context = label.equals("finished") ? new byte[0] : step.bytes("hash");
                    byte[] expanded = step.bytes("expanded");
                    assertArrayEquals(step.bytes("info"),
                            HkdfLabel.info(HkdfLabel.label(label), context, expanded.length), step.step());
                    assertArrayEquals(expanded,
                            HkdfLabel.expandLabel(sha256, step.bytes("PRK"), label, context, expanded.length),
                            trace + " " + step.step());
                    checked++;
                } else if (step.has("key info")) {
                    assertArrayEquals(step.bytes("key info"), HkdfLabel.info(HkdfLabel.label("key"), new byte[0], 16));
                    assertArrayEquals(step.bytes("key expanded"),
                            HkdfLabel.expandLabel(sha256, step.bytes("PRK"), "key", new byte[0], 16));
                    assertArrayEquals(step.bytes("iv info"), HkdfLabel.info(HkdfLabel.label("iv"), new byte[0], 12));
                    assertArrayEquals(step.bytes("iv expanded"),
                            HkdfLabel.expandLabel(sha256, step.bytes("PRK"), "iv", new byte[0], 12));
                    checked++;
                }
            }
        }
        // Sections 5, 6, 7: 15 each (derived x3, c/s hs, c/s ap, exp, res master, finished x2, keys x4);
        // section 3: the same plus the ticket PSK; section 4: 15 plus binder, c e traffic, e exp master and
        // the client's early and handshake write keys.
        assertEquals(3 * 15 + 16 + 19, checked);
    }

    @Test
    void deriveSecretIsExpandLabelWithTheTranscriptHashAsContext() {
        Step step = Rfc8448.one(Trace.SIMPLE_1RTT, "server", "derive secret \"tls13 c hs traffic\"");
        assertArrayEquals(step.bytes("expanded"),
                HkdfLabel.deriveSecret(sha256, step.bytes("PRK"), "c hs traffic", step.bytes("hash")));
    }

    @Test
    void infoIsLengthThenPrefixedLabelThenContext() {
        byte[] info = HkdfLabel.info(HkdfLabel.label("key"), new byte[] {7, 8}, 0x1234);
        assertEquals("1234" + "09" + Hex.encode("tls13 key".getBytes(StandardCharsets.US_ASCII))
                + "02" + "0708", Hex.encode(info));
    }

    @Test
    void acceptsTheLongestLabelAndContextTheStructAllows() {
        String label = "x".repeat(249);
        byte[] info = HkdfLabel.info(HkdfLabel.label(label), new byte[255], 32);
        assertEquals(2 + 1 + 255 + 1 + 255, info.length);
        assertEquals(32, HkdfLabel.expandLabel(sha256, new byte[32], label, new byte[255], 32).length);
    }

    @Test
    void rejectsLabelsAndContextsTheStructCannotCarry() {
        byte[] prk = new byte[32];
        assertThrows(IllegalArgumentException.class, () -> HkdfLabel.expandLabel(sha256, prk, "", new byte[0], 32));
        assertThrows(IllegalArgumentException.class,
                () -> HkdfLabel.expandLabel(sha256, prk, "x".repeat(250), new byte[0], 32));
        assertThrows(IllegalArgumentException.class, () -> HkdfLabel.expandLabel(sha256, prk, "é", new byte[0], 32));
        assertThrows(IllegalArgumentException.class,
                () -> HkdfLabel.expandLabel(sha256, prk, "key", new byte[256], 32));
        assertThrows(IllegalArgumentException.class,
                () -> HkdfLabel.expandLabel(sha256, prk, "key", new byte[0], 0x10000));
    }

    @Test
    void deriveSecretRejectsAHashOfTheWrongLength() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HkdfLabel.deriveSecret(sha256, new byte[32], "derived", new byte[48]));
        assertTrue(e.getMessage().contains("32"));
    }
}
