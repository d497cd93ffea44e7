package dev.tls13.keys;

import dev.tls13.crypto.Hkdf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * HKDF-Expand-Label and Derive-Secret of RFC 8446 §7.1, over any {@link Hkdf}.
 *
 * <p>The key schedule stages ({@link EarlySecret}, {@link HandshakeSecret}, {@link MasterSecret},
 * {@link TrafficSecret}) use these with the fixed labels of RFC 8446; this class is public for the
 * few places that need a label of their own. Labels are given without the {@code "tls13 "} prefix,
 * which is added here.
 */
final class HkdfLabel {

    /** The prefix every TLS 1.3 label carries (RFC 8446 §7.1). */
    private static final byte[] PREFIX = "tls13 ".getBytes(StandardCharsets.US_ASCII);

    // RFC 8446 §7.1: opaque label<7..255>; opaque context<0..255>; uint16 length.
    private static final int MAX_LABEL = 255;
    private static final int MAX_CONTEXT = 255;
    private static final int MAX_LENGTH = 0xFFFF;
    private static final int MAX_INFO = 2 + 1 + MAX_LABEL + 1 + MAX_CONTEXT;

    /** Per thread, the buffer {@link #expand} serializes the HkdfLabel into. */
    private static final ThreadLocal<byte[]> INFO = ThreadLocal.withInitial(() -> new byte[MAX_INFO]);

    // The labels of RFC 8446 §7.1, §7.2, §7.3, §4.4.4, §4.6.1 and §7.5, encoded once.
    static final byte[] EXT_BINDER = label("ext binder");
    static final byte[] RES_BINDER = label("res binder");
    // RFC 9258 §5.2: "Imported PSKs use the string "imp binder" rather than "ext binder" or "res binder"".
    static final byte[] IMP_BINDER = label("imp binder");
    static final byte[] C_E_TRAFFIC = label("c e traffic");
    static final byte[] E_EXP_MASTER = label("e exp master");
    static final byte[] DERIVED = label("derived");
    static final byte[] C_HS_TRAFFIC = label("c hs traffic");
    static final byte[] S_HS_TRAFFIC = label("s hs traffic");
    static final byte[] C_AP_TRAFFIC = label("c ap traffic");
    static final byte[] S_AP_TRAFFIC = label("s ap traffic");
    static final byte[] EXP_MASTER = label("exp master");
    static final byte[] RES_MASTER = label("res master");
    static final byte[] TRAFFIC_UPD = label("traffic upd");
    static final byte[] KEY = label("key");
    static final byte[] IV = label("iv");
    static final byte[] FINISHED = label("finished");
    static final byte[] RESUMPTION = label("resumption");
    static final byte[] EXPORTER = label("exporter");

    private static final byte[] EMPTY = new byte[0];

    private HkdfLabel() {
    }

    /**
     * HKDF-Expand-Label(Secret, Label, Context, Length) of RFC 8446 §7.1.
     *
     * @param hkdf HKDF for the cipher suite's hash
     * @param secret the secret to expand; borrowed, not modified
     * @param label the label without the {@code "tls13 "} prefix, ASCII, 1 to 249 characters
     * @param context the context, at most 255 bytes
     * @param length the output length, at most 255 * HashLen
     * @return a new array of {@code length} bytes, owned by the caller
     * @throws IllegalArgumentException if an argument is out of range
     */
    public static byte[] expandLabel(Hkdf hkdf, byte[] secret, String label, byte[] context, int length) {
        return expand(hkdf, secret, label(label), context, length);
    }

    /**
     * Derive-Secret(Secret, Label, Messages) of RFC 8446 §7.1, given Transcript-Hash(Messages).
     *
     * @param hkdf HKDF for the cipher suite's hash
     * @param secret the secret to expand; borrowed, not modified
     * @param label the label without the {@code "tls13 "} prefix, ASCII, 1 to 249 characters
     * @param transcriptHash the transcript hash of the messages, HashLen bytes
     * @return a new secret of HashLen bytes, owned by the caller
     * @throws IllegalArgumentException if an argument is out of range
     */
    public static byte[] deriveSecret(Hkdf hkdf, byte[] secret, String label, byte[] transcriptHash) {
        int hashLen = hkdf.hash().length();
        checkLength(transcriptHash, hashLen, "transcript hash");
        return expand(hkdf, secret, label(label), transcriptHash, hashLen);
    }

    /**
     * HKDF-Expand-Label with a label already encoded by {@link #label(String)}. The HkdfLabel is serialized
     * into a per-thread buffer rather than a new array per call (a handshake expands about 20 labels);
     * it holds the label and a transcript hash, no secret, and is not used after the call.
     */
    static byte[] expand(Hkdf hkdf, byte[] secret, byte[] fullLabel, byte[] context, int length) {
        byte[] info = INFO.get();
        int infoLength = writeInfo(fullLabel, context, length, info);
        return hkdf.expand(secret, info, 0, infoLength, length);
    }

    /**
     * The HkdfLabel struct of RFC 8446 §7.1: {@code uint16 length; opaque label<7..255>;
     * opaque context<0..255>}, serialized.
     */
    static byte[] info(byte[] fullLabel, byte[] context, int length) {
        byte[] info = new byte[MAX_INFO];
        return Arrays.copyOf(info, writeInfo(fullLabel, context, length, info));
    }

    /** Writes the HkdfLabel struct to the start of {@code info}, which has room for the longest; returns its length. */
    private static int writeInfo(byte[] fullLabel, byte[] context, int length, byte[] info) {
        if (fullLabel.length < PREFIX.length + 1 || fullLabel.length > MAX_LABEL) {
            throw new IllegalArgumentException("label must be 7..255 bytes with its prefix: " + fullLabel.length);
        }
        if (context.length > MAX_CONTEXT) {
            throw new IllegalArgumentException("context longer than 255 bytes: " + context.length);
        }
        if (length < 0 || length > MAX_LENGTH) {
            throw new IllegalArgumentException("length out of range: " + length);
        }
        int i = 0;
        info[i++] = (byte) (length >>> 8);
        info[i++] = (byte) length;
        info[i++] = (byte) fullLabel.length;
        System.arraycopy(fullLabel, 0, info, i, fullLabel.length);
        i += fullLabel.length;
        info[i++] = (byte) context.length;
        System.arraycopy(context, 0, info, i, context.length);
        return i + context.length;
    }

    /** Encodes {@code "tls13 " + label}; the label must be printable ASCII (RFC 8446 §7.1, RFC 5705 §4). */
    static byte[] label(String label) {
        int n = label.length();
        if (n == 0 || PREFIX.length + n > MAX_LABEL) {
            throw new IllegalArgumentException("label must be 1.." + (MAX_LABEL - PREFIX.length) + " characters");
        }
        byte[] out = Arrays.copyOf(PREFIX, PREFIX.length + n);
        for (int i = 0; i < n; i++) {
            char c = label.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                throw new IllegalArgumentException("label is not printable ASCII");
            }
            out[PREFIX.length + i] = (byte) c;
        }
        return out;
    }

    /** @return an empty context */
    static byte[] empty() {
        return EMPTY;
    }

    static void checkLength(byte[] value, int expected, String what) {
        if (value.length != expected) {
            throw new IllegalArgumentException(what + " must be " + expected + " bytes, not " + value.length);
        }
    }
}
