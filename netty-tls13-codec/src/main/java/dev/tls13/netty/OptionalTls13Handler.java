package dev.tls13.netty;

import dev.tls13.Tls13Context;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.Objects;

/**
 * Serves TLS and plaintext on one port: the equivalent of Netty's {@code OptionalSslHandler} for our
 * {@link Tls13Handler}. It waits for the first 5 bytes; if they start a TLS record
 * ({@link Tls13Handler#isTlsRecord}) it replaces itself with {@link #newTlsHandler}, else with
 * {@link #newPlaintextHandler} (or just removes itself when that returns {@code null}). The bytes it
 * waited for are passed to its replacement, so nothing is lost.
 * <pre>{@code
 * pipeline.addLast(new OptionalTls13Handler(serverContext), new HttpServerCodec(), new MyHandler());
 * }</pre>
 * Override the {@code new*} methods to choose the handlers and their names.
 */
public class OptionalTls13Handler extends ByteToMessageDecoder {

    /** A TLS record header: content type, legacy version, length (RFC 8446 §5.1). */
    private static final int RECORD_HEADER_LENGTH = 5;

    private final Tls13Context context;

    /**
     * Creates a detector.
     *
     * @param context the server context the TLS handler is made from
     */
    public OptionalTls13Handler(Tls13Context context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (in.readableBytes() < RECORD_HEADER_LENGTH) {
            return;
        }
        if (Tls13Handler.isTlsRecord(in)) {
            ctx.pipeline().replace(this, newTlsHandlerName(), newTlsHandler(ctx, context));
        } else {
            ChannelHandler plaintext = newPlaintextHandler(ctx);
            if (plaintext != null) {
                ctx.pipeline().replace(this, newPlaintextHandlerName(), plaintext);
            } else {
                ctx.pipeline().remove(this);
            }
        }
    }

    /**
     * The name of the TLS handler in the pipeline.
     *
     * @return the name, or {@code null} for a generated one
     */
    protected String newTlsHandlerName() {
        return null;
    }

    /**
     * Creates the handler for a TLS connection.
     *
     * @param ctx this handler's context
     * @param context the context given at construction
     * @return the TLS handler; by default {@code context.newHandler(ctx.alloc())}
     */
    protected Tls13Handler newTlsHandler(ChannelHandlerContext ctx, Tls13Context context) {
        return context.newHandler(ctx.alloc());
    }

    /**
     * The name of the plaintext handler in the pipeline.
     *
     * @return the name, or {@code null} for a generated one
     */
    protected String newPlaintextHandlerName() {
        return null;
    }

    /**
     * Creates the handler for a plaintext connection, put where this handler was.
     *
     * @param ctx this handler's context
     * @return the handler, or {@code null} (the default) to just remove this one
     */
    protected ChannelHandler newPlaintextHandler(ChannelHandlerContext ctx) {
        return null;
    }
}
