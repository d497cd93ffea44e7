package dev.tls13.netty;

import dev.tls13.Tls13Context;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.util.AsyncMapping;
import io.netty.util.Mapping;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.Objects;
import javax.net.ssl.SSLException;

/**
 * Chooses a whole server {@link Tls13Context} per host name, in the spirit of Netty's {@code SniHandler}:
 * it buffers the ClientHello (up to {@code maxClientHelloLength}), reads its server_name (RFC 6066 §3),
 * looks the name up in a {@link Mapping} or {@link AsyncMapping} ({@code null} when the client sent no
 * name: the mapping's default then applies), fires Netty's {@link SniCompletionEvent}, and replaces itself
 * with the chosen context's {@link Tls13Handler}, which receives the buffered bytes.
 *
 * <pre>{@code
 * Mapping<String, Tls13Context> contexts = new DomainWildcardMappingBuilder<>(defaultContext)
 *         .add("*.example.com", exampleContext)
 *         .build();
 * ch.pipeline().addLast(new Tls13SniHandler(contexts), new MyHandler());
 * }</pre>
 *
 * <p>The ClientHello size cap, the timeout for it to arrive (which fires
 * {@code SniCompletionEvent(SslHandshakeTimeoutException)} and closes the channel), non-TLS input
 * ({@code NotSslRecordException}) and read suppression during an asynchronous lookup all come from
 * Netty's {@link AbstractSniHandler}. To select among certificates of one context instead, use
 * {@code Tls13ContextBuilder.keyManagerForServerName(...)}.
 */
public class Tls13SniHandler extends AbstractSniHandler<Tls13Context> {

    /** The ClientHello cap of the short constructors, as Netty's {@code SniHandler}: 64 KiB. */
    public static final int DEFAULT_MAX_CLIENT_HELLO_LENGTH = 64 * 1024;
    /** The SNI timeout of the short constructors, as Netty's {@code SniHandler}: 10 s. */
    public static final long DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final AsyncMapping<String, Tls13Context> mapping;
    private volatile String hostname;
    private volatile Tls13Context selectedContext;

    /**
     * Creates a handler with the default ClientHello cap (64 KiB) and SNI timeout (10 s).
     *
     * @param mapping host name (lower case, or {@code null} without SNI) to server context
     */
    public Tls13SniHandler(Mapping<? super String, ? extends Tls13Context> mapping) {
        this(mapping, DEFAULT_MAX_CLIENT_HELLO_LENGTH, DEFAULT_HANDSHAKE_TIMEOUT_MILLIS);
    }

    /**
     * Creates a handler.
     *
     * @param mapping host name (lower case, or {@code null} without SNI) to server context
     * @param maxClientHelloLength the largest ClientHello accepted, in bytes (0: no cap but Netty's 16 MiB
     *        handshake message limit); a larger one fails with {@code TooLongFrameException} and closes the channel
     * @param handshakeTimeoutMillis how long to wait for the ClientHello (0: no timeout); also the
     *        handshake timeout of the handler that replaces this one, when positive
     */
    public Tls13SniHandler(Mapping<? super String, ? extends Tls13Context> mapping, int maxClientHelloLength,
                           long handshakeTimeoutMillis) {
        this(new AsyncMappingAdapter(mapping), maxClientHelloLength, handshakeTimeoutMillis);
    }

    /**
     * Creates a handler with an asynchronous lookup, the default ClientHello cap (64 KiB) and SNI
     * timeout (10 s).
     *
     * @param mapping completes the promise with the server context for a host name (or {@code null})
     */
    public Tls13SniHandler(AsyncMapping<? super String, ? extends Tls13Context> mapping) {
        this(mapping, DEFAULT_MAX_CLIENT_HELLO_LENGTH, DEFAULT_HANDSHAKE_TIMEOUT_MILLIS);
    }

    /**
     * Creates a handler with an asynchronous lookup; reads are suppressed while it runs.
     *
     * @param mapping completes the promise with the server context for a host name (or {@code null})
     * @param maxClientHelloLength the largest ClientHello accepted, in bytes (0: no cap)
     * @param handshakeTimeoutMillis how long to wait for the ClientHello (0: no timeout); also the
     *        handshake timeout of the handler that replaces this one, when positive
     */
    @SuppressWarnings("unchecked")
    public Tls13SniHandler(AsyncMapping<? super String, ? extends Tls13Context> mapping, int maxClientHelloLength,
                           long handshakeTimeoutMillis) {
        super(maxClientHelloLength, handshakeTimeoutMillis);
        this.mapping = (AsyncMapping<String, Tls13Context>) Objects.requireNonNull(mapping, "mapping");
    }

    /**
     * The host name of the ClientHello's server_name, lower case.
     *
     * @return the name, or {@code null} before the lookup or when the client sent none
     */
    public String hostname() {
        return hostname;
    }

    /**
     * The context the lookup chose.
     *
     * @return the context, or {@code null} before the lookup completed
     */
    public Tls13Context selectedContext() {
        return selectedContext;
    }

    /**
     * Starts the lookup of a host name.
     *
     * @param ctx this handler's context
     * @param hostname the lower-case server_name, or {@code null}
     * @return the lookup's future
     */
    @Override
    protected Future<Tls13Context> lookup(ChannelHandlerContext ctx, String hostname) throws Exception {
        return mapping.map(hostname, ctx.executor().<Tls13Context>newPromise());
    }

    /**
     * Replaces this handler with the chosen context's handler, or fails with a {@link DecoderException}
     * (Netty's {@code SslClientHelloHandler} fires it to {@code exceptionCaught}).
     *
     * @param ctx this handler's context
     * @param hostname the lower-case server_name, or {@code null}
     * @param future the lookup
     */
    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, String hostname, Future<Tls13Context> future)
            throws Exception {
        this.hostname = hostname;
        if (!future.isSuccess()) {
            Throwable cause = future.cause();
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new DecoderException("failed to get the Tls13Context for " + hostname, cause);
        }
        Tls13Context context = future.getNow();
        if (context == null) {
            throw new DecoderException(new SSLException("no Tls13Context for host name " + hostname));
        }
        if (!context.isServer()) {
            throw new DecoderException(new SSLException("the Tls13Context for " + hostname + " is a client's"));
        }
        selectedContext = context;
        replaceHandler(ctx, hostname, context);
    }

    /**
     * Puts the context's handler where this one is. The bytes this handler buffered go to the new handler.
     *
     * @param ctx this handler's context
     * @param hostname the lower-case server_name, or {@code null}
     * @param context the chosen context
     */
    protected void replaceHandler(ChannelHandlerContext ctx, String hostname, Tls13Context context) {
        ctx.pipeline().replace(this, Tls13Handler.class.getName(), newTls13Handler(context, ctx.alloc()));
    }

    /**
     * Creates the handler for the chosen context; a positive SNI timeout also bounds its handshake.
     *
     * @param context the chosen context
     * @param alloc the channel's allocator
     * @return the new handler
     */
    protected Tls13Handler newTls13Handler(Tls13Context context, ByteBufAllocator alloc) {
        Tls13Handler handler = context.newHandler(alloc);
        if (handshakeTimeoutMillis > 0) {
            handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        }
        return handler;
    }

    /** Adapts a synchronous mapping, as Netty's {@code SniHandler} does. */
    private static final class AsyncMappingAdapter implements AsyncMapping<String, Tls13Context> {
        private final Mapping<? super String, ? extends Tls13Context> mapping;

        AsyncMappingAdapter(Mapping<? super String, ? extends Tls13Context> mapping) {
            this.mapping = Objects.requireNonNull(mapping, "mapping");
        }

        @Override
        public Future<Tls13Context> map(String input, Promise<Tls13Context> promise) {
            Tls13Context context;
            try {
                context = mapping.map(input);
            } catch (Throwable cause) {
                return promise.setFailure(cause);
            }
            return promise.setSuccess(context);
        }
    }
}
