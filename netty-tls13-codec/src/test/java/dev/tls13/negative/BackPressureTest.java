package dev.tls13.negative;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.negative.Duel.Profile;
import dev.tls13.netty.Tls13Handler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A slow reader must not make anything grow without bound: plaintext the handler holds (written, not
 * yet flushed) counts against the channel's write buffer water marks, so {@code Channel.isWritable()}
 * turns false and the application is told through channelWritabilityChanged, exactly as for bytes in
 * the channel's own outbound buffer.
 */
class BackPressureTest {

    @AfterAll
    static void summary() {
        Tally.print();
    }

    private static final class Writability extends ChannelInboundHandlerAdapter {
        final List<Boolean> changes = new ArrayList<>();

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            changes.add(ctx.channel().isWritable());
            ctx.fireChannelWritabilityChanged();
        }
    }

    private static boolean move(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        ByteBuf b;
        while ((b = from.readOutbound()) != null) {
            moved = true;
            to.writeInbound(b);
        }
        return moved;
    }

    @Test
    void heldPlaintextTurnsTheChannelUnwritableAndFlushingRestoresIt() {
        EmbeddedChannel client = new EmbeddedChannel();
        EmbeddedChannel server = new EmbeddedChannel();
        Writability writability = new Writability();
        Tls13Handler clientHandler = Duel.clientContext(Profile.PLAIN).build().newHandler(client.alloc(),
                Duel.HOST, 443);
        client.pipeline().addLast(clientHandler, writability);
        server.pipeline().addLast(Duel.serverContext(Profile.PLAIN).build().newHandler(server.alloc()));
        try {
            while (move(client, server) | move(server, client)) {
                // shuttle the handshake
            }
            assertTrue(clientHandler.handshakeFuture().isSuccess());
            assertTrue(client.isWritable());
            int high = client.config().getWriteBufferHighWaterMark();
            // Written, not flushed: the handler holds the plaintext.
            for (int i = 0; i <= high / 1024; i++) {
                client.write(Unpooled.wrappedBuffer(new byte[1024]));
            }
            assertFalse(client.isWritable(), "held plaintext above the high water mark makes the channel unwritable");
            assertTrue(writability.changes.contains(false), "the application was told");
            client.flush();
            ByteBuf b;
            while ((b = client.readOutbound()) != null) {
                b.release();
            }
            assertTrue(client.isWritable(), "writable again once the records left");
            assertTrue(writability.changes.get(writability.changes.size() - 1));
            Tally.count("back-pressure");
        } finally {
            client.finishAndReleaseAll();
            server.finishAndReleaseAll();
        }
    }
}
