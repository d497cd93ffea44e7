package dev.tls13.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.ByteToMessageDecoder.Cumulator;

/**
 * The cumulator of {@link Tls13Handler}: records are decrypted in place in the cumulation
 * (docs/architecture.md §6), so a read-only inbound buffer is copied first; everything else is merged as by
 * {@link ByteToMessageDecoder#MERGE_CUMULATOR}.
 */
final class WritableMergeCumulator implements Cumulator {

    /** Stateless: one for every handler. */
    static final Cumulator INSTANCE = new WritableMergeCumulator();

    private WritableMergeCumulator() {
    }

    /**
     * Takes ownership of {@code in} and appends it to {@code cumulation}.
     *
     * @param alloc allocates the copy of a read-only buffer, and a larger cumulation
     * @param cumulation the bytes received so far
     * @param in the bytes just received
     * @return the cumulation with {@code in} appended
     */
    @Override
    public ByteBuf cumulate(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
        ByteBuf writable = in;
        if (in.isReadOnly()) {
            try {
                writable = alloc.heapBuffer(in.readableBytes()).writeBytes(in);
            } finally {
                in.release();
            }
        }
        return ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(alloc, cumulation, writable);
    }
}
