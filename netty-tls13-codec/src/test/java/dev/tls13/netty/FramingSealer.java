package dev.tls13.netty;

import dev.tls13.error.TlsException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link RecordSealer} without keys, for tests of the outbound path without a handshake: each seal
 * becomes one frame, {@code [length: 4 bytes][the plaintext]}, so a test sees every seal and its bytes.
 */
final class FramingSealer implements RecordSealer {

    /** What {@link #sealFailed} was called with, in order. */
    final List<TlsException> failures = new ArrayList<>();
    /** Thrown by the next seals, when set. */
    TlsException failWith;
    /** Runs inside {@link #sealFailed}, when set: lets a test look at the state the failure path sees. */
    Runnable onSealFailed;
    int seals;
    /** What {@link #earlyDataAllowance()} reports; each early seal takes its bytes from it. */
    long earlyAllowance;
    /** How many of {@link #seals} were early ones. */
    int earlySeals;

    @Override
    public ByteBuf seal(ByteBuf plaintext) throws TlsException {
        if (failWith != null) {
            throw failWith;
        }
        seals++;
        int n = plaintext.readableBytes();
        return Unpooled.buffer(4 + n).writeInt(n).writeBytes(plaintext);
    }

    @Override
    public long earlyDataAllowance() {
        return earlyAllowance;
    }

    @Override
    public ByteBuf sealEarly(ByteBuf plaintext) throws TlsException {
        if (plaintext.readableBytes() > earlyAllowance) {
            throw new AssertionError(plaintext.readableBytes() + " early bytes, " + earlyAllowance + " allowed");
        }
        earlyAllowance -= plaintext.readableBytes();
        ByteBuf frame = seal(plaintext);
        earlySeals++;
        return frame;
    }

    @Override
    public void sealFailed(TlsException cause) {
        failures.add(cause);
        if (onSealFailed != null) {
            onSealFailed.run();
        }
    }

    /**
     * Reads (and releases) every frame the channel wrote.
     *
     * @param channel the channel
     * @param payload receives the frames' plaintext, in order
     * @return the size of each frame's plaintext, in order
     */
    static List<Integer> unframe(EmbeddedChannel channel, ByteBuf payload) {
        List<Integer> sizes = new ArrayList<>();
        ByteBuf frame;
        while ((frame = channel.readOutbound()) != null) {
            try {
                int n = frame.readInt();
                if (n != frame.readableBytes()) {
                    throw new AssertionError("frame of " + n + " bytes carries " + frame.readableBytes());
                }
                sizes.add(n);
                payload.writeBytes(frame);
            } finally {
                frame.release();
            }
        }
        return sizes;
    }
}
