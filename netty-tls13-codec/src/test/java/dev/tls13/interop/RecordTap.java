package dev.tls13.interop;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Watches the TLS records on the wire at the client's socket (first in its pipeline) without touching them,
 * and keeps a short transcript of their outer types and lengths, with the bytes of unprotected alerts, for
 * failure reports: {@code >hs(312) <hs(90) <ccs(1) <app(1200) >alert(2: 2,10)}.
 */
final class RecordTap extends ChannelDuplexHandler {

    private static final int MAX_ENTRIES = 40;

    private final Direction in = new Direction('<');
    private final Direction out = new Direction('>');
    private final StringBuilder log = new StringBuilder();
    private int entries;

    /** The transcript so far ({@code <} from the server, {@code >} to it). @return the transcript */
    synchronized String transcript() {
        return log.toString().trim();
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

    private synchronized void note(String entry) {
        if (entries++ < MAX_ENTRIES) {
            log.append(entry).append(' ');
        } else if (entries == MAX_ENTRIES + 1) {
            log.append("... ");
        }
    }

    /** A record parser for one direction of the stream. */
    private final class Direction {
        private final char arrow;
        private final byte[] header = new byte[5];
        private int headerFill;
        private int remaining;
        private int type;
        private int length;
        private final byte[] alert = new byte[2];
        private int alertFill;

        Direction(char arrow) {
            this.arrow = arrow;
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
            note(arrow + name + "(" + length + extra + ")");
        }
    }
}
