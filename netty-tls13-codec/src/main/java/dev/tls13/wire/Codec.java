package dev.tls13.wire;

import dev.tls13.error.InvalidMessage;
import dev.tls13.error.TlsException;
import io.netty.buffer.ByteBuf;

/**
 * Strict readers and writers of the RFC 8446 §3 presentation language on {@link ByteBuf}.
 *
 * <p>Readers check every length against what remains BEFORE using it, so peer-controlled lengths
 * never index past the data: a short buffer is {@link InvalidMessage#TRUNCATED}, a vector length
 * outside its declared bounds {@link InvalidMessage#BAD_VECTOR_LENGTH} (or
 * {@link InvalidMessage#EMPTY_VECTOR} when an empty vector is forbidden). Writers reserve the length
 * prefix, write the body, then back-patch the prefix, and reject values that do not fit with
 * {@link IllegalArgumentException} (a caller mistake, not a peer one).
 */
final class Codec {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Arrays longer than this are abbreviated by {@link #hex(byte[])}. */
    private static final int HEX_LIMIT = 32;

    private Codec() {
    }

    // ---------------------------------------------------------------- readers

    /** Fails with TRUNCATED unless {@code n} bytes remain. */
    static void need(ByteBuf in, int n) throws TlsException {
        if (in.readableBytes() < n) {
            throw TlsException.invalid(InvalidMessage.TRUNCATED,
                    "need " + n + " bytes, " + in.readableBytes() + " remain");
        }
    }

    static int u8(ByteBuf in) throws TlsException {
        need(in, 1);
        return in.readUnsignedByte();
    }

    static int u16(ByteBuf in) throws TlsException {
        need(in, 2);
        return in.readUnsignedShort();
    }

    static int u24(ByteBuf in) throws TlsException {
        need(in, 3);
        return in.readUnsignedMedium();
    }

    static long u32(ByteBuf in) throws TlsException {
        need(in, 4);
        return in.readUnsignedInt();
    }

    /** Reads exactly {@code n} bytes into a new array. */
    static byte[] bytes(ByteBuf in, int n) throws TlsException {
        need(in, n);
        byte[] b = new byte[n];
        in.readBytes(b);
        return b;
    }

    /**
     * Reads a vector's length prefix of {@code prefix} bytes (1, 2 or 3) and checks it against the
     * RFC bounds {@code <min..max>}, the element size and what remains.
     *
     * @return the checked length
     */
    static int vectorLength(ByteBuf in, int prefix, int min, int max, int elementSize, String what)
            throws TlsException {
        int len;
        switch (prefix) {
            case 1:
                len = u8(in);
                break;
            case 2:
                len = u16(in);
                break;
            case 3:
                len = u24(in);
                break;
            default:
                throw new IllegalArgumentException("prefix " + prefix);
        }
        if (len == 0 && min > 0) {
            throw TlsException.invalid(InvalidMessage.EMPTY_VECTOR, what);
        }
        if (len < min || len > max || len % elementSize != 0) {
            throw TlsException.invalid(InvalidMessage.BAD_VECTOR_LENGTH,
                    what + ": " + len + " bytes, allowed <" + min + ".." + max + ">"
                            + (elementSize > 1 ? " in units of " + elementSize : ""));
        }
        need(in, len);
        return len;
    }

    /** Reads an opaque vector {@code <min..max>} with a {@code prefix}-byte length. */
    static byte[] opaque(ByteBuf in, int prefix, int min, int max, String what) throws TlsException {
        return bytes(in, vectorLength(in, prefix, min, max, 1, what));
    }

    /**
     * Reads a vector's length and returns a reader bounded to its body (a slice sharing the
     * buffer, no reference count change); {@code in} advances past the vector.
     */
    static ByteBuf vector(ByteBuf in, int prefix, int min, int max, int elementSize, String what)
            throws TlsException {
        return in.readSlice(vectorLength(in, prefix, min, max, elementSize, what));
    }

    /** Fails with TRAILING_DATA when bytes remain after a complete structure. */
    static void end(ByteBuf in, String what) throws TlsException {
        if (in.isReadable()) {
            throw TlsException.invalid(InvalidMessage.TRAILING_DATA,
                    in.readableBytes() + " bytes after " + what);
        }
    }

    // ---------------------------------------------------------------- writers

    static void writeU8(ByteBuf out, int v) {
        check(v, 0xFF, "u8");
        out.writeByte(v);
    }

    static void writeU16(ByteBuf out, int v) {
        check(v, 0xFFFF, "u16");
        out.writeShort(v);
    }

    static void writeU24(ByteBuf out, int v) {
        check(v, 0xFFFFFF, "u24");
        out.writeMedium(v);
    }

    static void writeU32(ByteBuf out, long v) {
        if (v < 0 || v > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("u32 out of range: " + v);
        }
        out.writeInt((int) v);
    }

    private static void check(int v, int max, String what) {
        if (v < 0 || v > max) {
            throw new IllegalArgumentException(what + " out of range: " + v);
        }
    }

    /**
     * Reserves a {@code prefix}-byte length and returns the position to hand to
     * {@link #endVector}.
     */
    static int beginVector(ByteBuf out, int prefix) {
        int mark = out.writerIndex();
        out.writeZero(prefix);
        return mark;
    }

    /**
     * Back-patches the length reserved by {@link #beginVector}, checking the body against the
     * RFC bounds {@code <min..max>}.
     */
    static void endVector(ByteBuf out, int mark, int prefix, int min, int max, String what) {
        int len = out.writerIndex() - mark - prefix;
        if (len < min || len > max) {
            throw new IllegalArgumentException(
                    what + ": " + len + " bytes, allowed <" + min + ".." + max + ">");
        }
        switch (prefix) {
            case 1:
                out.setByte(mark, len);
                break;
            case 2:
                out.setShort(mark, len);
                break;
            case 3:
                out.setMedium(mark, len);
                break;
            default:
                throw new IllegalArgumentException("prefix " + prefix);
        }
    }

    /** Writes an opaque vector {@code <min..max>} with a {@code prefix}-byte length. */
    static void writeOpaque(ByteBuf out, int prefix, int min, int max, byte[] value, String what) {
        int mark = beginVector(out, prefix);
        out.writeBytes(value);
        endVector(out, mark, prefix, min, max, what);
    }

    // ---------------------------------------------------------------- toString helpers

    /** Lower-case hex, abbreviated after {@value #HEX_LIMIT} bytes. */
    static String hex(byte[] b) {
        if (b == null) {
            return "null";
        }
        int n = Math.min(b.length, HEX_LIMIT);
        StringBuilder sb = new StringBuilder(2 * n + 16);
        for (int i = 0; i < n; i++) {
            sb.append(HEX[(b[i] >> 4) & 0xF]).append(HEX[b[i] & 0xF]);
        }
        if (b.length > n) {
            sb.append("...(").append(b.length).append(" bytes)");
        }
        return sb.toString();
    }
}
