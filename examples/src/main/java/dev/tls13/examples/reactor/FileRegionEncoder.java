package dev.tls13.examples.reactor;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.FileRegion;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.List;

/**
 * Turns {@link FileRegion} writes into {@link ByteBuf}s for a TLS handler that encrypts buffers only.
 * Reactor Netty's {@code sendFile} writes a zero-copy {@code DefaultFileRegion} when it finds no
 * {@code SslHandler} in the pipeline; zero-copy cannot apply under TLS anyway, since every byte is
 * encrypted. Place it right after {@code Tls13Handler} (nearer the application).
 */
public final class FileRegionEncoder extends MessageToMessageEncoder<FileRegion> {

    /** Bytes per produced buffer: a few TLS records, so large files are not one huge allocation. */
    static final int CHUNK = 64 * 1024;

    /** Creates the encoder; it is stateless but not {@code @Sharable}, like most encoders. */
    public FileRegionEncoder() {
        super(FileRegion.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, FileRegion region, List<Object> out) throws IOException {
        long position = region.transferred();
        long count = region.count();
        while (position < count) {
            ByteBuf chunk = ctx.alloc().buffer((int) Math.min(CHUNK, count - position));
            try {
                long written = region.transferTo(new Into(chunk), position);
                if (written <= 0) {
                    throw new IOException("file region ended at " + position + " of " + count + " bytes");
                }
                position += written;
                out.add(chunk);
                chunk = null;
            } finally {
                if (chunk != null) {
                    chunk.release();
                }
            }
        }
    }

    /** A channel that appends to a buffer, accepting only what still fits. */
    private static final class Into implements WritableByteChannel {
        private final ByteBuf target;

        Into(ByteBuf target) {
            this.target = target;
        }

        @Override
        public int write(ByteBuffer src) {
            int n = Math.min(src.remaining(), target.writableBytes());
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + n);
            target.writeBytes(part);
            src.position(src.position() + n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
            // The buffer belongs to the encoder.
        }
    }
}
