package dev.tls13.interop;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.ArrayList;
import java.util.List;

/**
 * Watches the TLS records at one socket (first in its pipeline) without touching them, and keeps their
 * outer types and lengths, with the bytes of unprotected alerts, for checks and failure reports:
 * {@code >hs(312) <hs(90) <ccs(1) <app(1200) >alert(2: 2,10)} ({@code <} received, {@code >} sent).
 */
final class RecordTap extends ChannelDuplexHandler {

    private static final int MAX_ENTRIES = 40;

    /** Which way a record went, seen from this socket. */
    enum Way {
        /** Received. */
        IN('<'),
        /** Sent. */
        OUT('>');

        private final char arrow;

        Way(char arrow) {
            this.arrow = arrow;
        }
    }

    /** One record: its direction, outer content type and length. */
    private record Seen(Way way, int type, int length, String note) {
    }

    private final Direction in = new Direction(Way.IN);
    private final Direction out = new Direction(Way.OUT);
    private final List<Seen> records = new ArrayList<>();

    /** The first records so far ({@code <} received, {@code >} sent). @return the transcript */
    synchronized String transcript() {
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < records.size() && i < MAX_ENTRIES; i++) {
            log.append(records.get(i).note()).append(' ');
        }
        if (records.size() > MAX_ENTRIES) {
            log.append("... (").append(records.size()).append(" records)");
        }
        return log.toString().trim();
    }

    /** How many records have been seen so far. @return the count, a mark for {@link #countSince} */
    synchronized int mark() {
        return records.size();
    }

    /**
     * Counts the protected records (outer type application_data) of at most {@code maxLength} bytes that went
     * one way since a mark.
     *
     * @param mark a value of {@link #mark()}
     * @param way the direction
     * @param maxLength the largest length counted
     * @return the count
     */
    synchronized int countSince(int mark, Way way, int maxLength) {
        int n = 0;
        for (int i = mark; i < records.size(); i++) {
            Seen seen = records.get(i);
            if (seen.way() == way && seen.type() == 23 && seen.length() <= maxLength) {
                n++;
            }
        }
        return n;
    }

    /**
     * The length of the first record that went one way: a ClientHello's size, for instance, when the tap is on
     * the client's socket.
     *
     * @param way the direction
     * @return its length, or -1 before there is one
     */
    synchronized int firstLength(Way way) {
        for (Seen seen : records) {
            if (seen.way() == way) {
                return seen.length();
            }
        }
        return -1;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf) {
            in.scan((ByteBuf) msg);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf) {
            out.scan((ByteBuf) msg);
        }
        ctx.write(msg, promise);
    }

    private synchronized void note(Seen seen) {
        records.add(seen);
    }

    /** A record parser for one direction of the stream. */
    private final class Direction {
        private final Way way;
        private final byte[] header = new byte[5];
        private int headerFill;
        private int remaining;
        private int type;
        private int length;
        private final byte[] alert = new byte[2];
        private int alertFill;

        Direction(Way way) {
            this.way = way;
        }

        void scan(ByteBuf buf) {
            int i = buf.readerIndex();
            int end = buf.writerIndex();
            while (i < end) {
                if (remaining == 0 && headerFill < 5) {
                    header[headerFill++] = buf.getByte(i++);
                    if (headerFill == 5) {
                        type = header[0] & 0xFF;
                        length = (header[3] & 0xFF) << 8 | header[4] & 0xFF;
                        remaining = length;
                        alertFill = 0;
                        if (remaining == 0) {
                            finish();
                        }
                    }
                    continue;
                }
                int n = Math.min(remaining, end - i);
                if (type == 21) {
                    for (int k = 0; k < n && alertFill < 2; k++) {
                        alert[alertFill++] = buf.getByte(i + k);
                    }
                }
                i += n;
                remaining -= n;
                if (remaining == 0) {
                    finish();
                }
            }
        }

        private void finish() {
            headerFill = 0;
            String name;
            switch (type) {
                case 20:
                    name = "ccs";
                    break;
                case 21:
                    name = "alert";
                    break;
                case 22:
                    name = "hs";
                    break;
                case 23:
                    name = "app";
                    break;
                default:
                    name = "type" + type;
            }
            String extra = type == 21 && length == 2 ? ": " + alert[0] + "," + alert[1] : "";
            note(new Seen(way, type, length, way.arrow + name + "(" + length + extra + ")"));
        }
    }
}
