package dev.tls13.netty;

import dev.tls13.Tls13Context;
import dev.tls13.connection.ClientHelloInfo;
import dev.tls13.connection.Limits;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.AsyncMapping;
import io.netty.util.Mapping;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Chooses a whole server {@link Tls13Context} per host name, in the spirit of Netty's {@code SniHandler}. Once
 * added, it replaces itself with a {@link Tls13Handler} in accept mode (docs/architecture.md §13): the core reads
 * the ClientHello, its server_name (RFC 6066 §3, lower case; {@code null} when the client sent none, so that
 * the mapping's default applies) is looked up in a {@link Mapping} or {@link AsyncMapping}, Netty's
 * {@link SniCompletionEvent} fires with the name or the failure, and the handshake goes on with the chosen
 * context on the same ClientHello.
 *
 * <pre>{@code
 * Mapping<String, Tls13Context> contexts = new DomainWildcardMappingBuilder<>(defaultContext)
 *         .add("*.example.com", exampleContext)
 *         .build();
 * ch.pipeline().addLast(new Tls13SniHandler(contexts), new MyHandler());
 * }</pre>
 *
 * <ul>
 *   <li>A ClientHello whose records take more than {@code maxClientHelloLength} bytes fails with
 *       {@link TooLongFrameException}; so does a lookup that fails, finds nothing or finds a client's context
 *       (with the failure in the {@code SniCompletionEvent}): the client is refused with an alert (internal_error;
 *       unrecognized_name when no context serves its name) and the handshake fails as any other would, reaching
 *       {@code exceptionCaught} as {@code DecoderException(SSLException)} with that failure as its cause.</li>
 *   <li>The timeout bounds the whole handshake, ClientHello and lookup included
 *       ({@link SslHandshakeTimeoutException}, also in the {@code SniCompletionEvent} when it passes before the
 *       lookup); nothing is read while an asynchronous lookup runs.</li>
 *   <li>The chosen context gives the TLS configuration, the key log, the wrap size, the pending-write cap and the
 *       close_notify timeouts. As no context is known before the lookup, the handshake timeout is this handler's
 *       and the connection's limits are the defaults ({@code Limits.DEFAULT}: a ClientHello of up to 66,124 bytes,
 *       larger is decode_error before it is buffered).</li>
 * </ul>
 * To select among certificates of one context instead, use {@code Tls13ContextBuilder.keyManagerForServerName(...)}.
 */
public class Tls13SniHandler extends ChannelHandlerAdapter {

    /**
     * The ClientHello cap of the short constructors, in the bytes its records take: the core's ClientHello cap
     * ({@code Limits.DEFAULT.maxClientHelloSize()}, 66,124 bytes with the message header: a full 2^16 - 1 byte
     * extensions block and the fields before it) sent in plaintext records of at most 2^14 bytes (RFC 8446 §5.1),
     * each with its 5-byte header: 66,124 + 5 × ⌈66,124 / 16,384⌉ = 66,124 + 5 × 5 = 66,149 bytes. So every
     * ClientHello the connection accepts passes this step when it comes in full records, as clients send it
     * (Netty's {@code SniHandler} caps at 64 KiB, which would refuse the largest; issue 17). A client that cuts its
     * ClientHello into smaller records spends 5 bytes more per record: give a larger cap (or 0) to accept those
     * near the core's cap as well.
     */
    public static final int DEFAULT_MAX_CLIENT_HELLO_LENGTH = inFullRecords(Limits.DEFAULT.maxClientHelloSize());
    /** The SNI timeout of the short constructors, as Netty's {@code SniHandler}: 10 s. */
    public static final long DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    /** The largest cap: the length a handshake message header can state (RFC 8446 §4). */
    private static final int MAX_CLIENT_HELLO_LENGTH = 0xFFFFFF;
    /** A plaintext record's header and its largest fragment (RFC 8446 §5.1). */
    private static final int RECORD_HEADER_LENGTH = 5;
    private static final int MAX_FRAGMENT_LENGTH = 1 << 14;

    private final AsyncMapping<String, Tls13Context> mapping;
    private final int maxClientHelloLength;
    private final long handshakeTimeoutMillis;
    private volatile String hostname;
    private volatile Tls13Context selectedContext;
    private Tls13Handler handler;
    private ChannelHandlerContext handlerContext;
    /** The {@link SniCompletionEvent} fired; there is one per channel. */
    private boolean completed;

    /** The bytes a handshake message of {@code length} bytes takes in records of the largest fragment. */
    private static int inFullRecords(int length) {
        int records = (length + MAX_FRAGMENT_LENGTH - 1) / MAX_FRAGMENT_LENGTH;
        return length + records * RECORD_HEADER_LENGTH;
    }

    /**
     * Creates a handler with the default ClientHello cap ({@link #DEFAULT_MAX_CLIENT_HELLO_LENGTH}) and SNI
     * timeout (10 s).
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
     * @param maxClientHelloLength the largest ClientHello accepted, in bytes as its records take them (0: no cap
     *        but the connection's ClientHello cap, 66,124 bytes of message); a larger one fails with
     *        {@code TooLongFrameException} and closes the channel
     * @param handshakeTimeoutMillis how long the handshake may take, ClientHello and lookup included (0: the
     *        default of a context, 10 s)
     */
    public Tls13SniHandler(Mapping<? super String, ? extends Tls13Context> mapping, int maxClientHelloLength,
                           long handshakeTimeoutMillis) {
        this(new AsyncMappingAdapter(mapping), maxClientHelloLength, handshakeTimeoutMillis);
    }

    /**
     * Creates a handler with an asynchronous lookup, the default ClientHello cap
     * ({@link #DEFAULT_MAX_CLIENT_HELLO_LENGTH}) and SNI timeout (10 s).
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
     * @param maxClientHelloLength the largest ClientHello accepted, in bytes as its records take them (0: no cap)
     * @param handshakeTimeoutMillis how long the handshake may take, ClientHello and lookup included (0: the
     *        default of a context, 10 s)
     */
    @SuppressWarnings("unchecked")
    public Tls13SniHandler(AsyncMapping<? super String, ? extends Tls13Context> mapping, int maxClientHelloLength,
                           long handshakeTimeoutMillis) {
        if (maxClientHelloLength < 0 || maxClientHelloLength > MAX_CLIENT_HELLO_LENGTH) {
            throw new IllegalArgumentException("maxClientHelloLength must be between 0 and " + MAX_CLIENT_HELLO_LENGTH
                    + ": " + maxClientHelloLength);
        }
        if (handshakeTimeoutMillis < 0) {
            throw new IllegalArgumentException("negative handshakeTimeoutMillis: " + handshakeTimeoutMillis);
        }
        this.mapping = (AsyncMapping<String, Tls13Context>) Objects.requireNonNull(mapping, "mapping");
        this.maxClientHelloLength = maxClientHelloLength;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
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
     * The server context the lookup chose.
     *
     * @return the context, or {@code null} before the lookup completed or when it found none
     */
    public Tls13Context selectedContext() {
        return selectedContext;
    }

    /**
     * Puts a {@link Tls13Handler} in accept mode where this handler is, named after its class.
     *
     * @param ctx this handler's context
     */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        HandlerSettings settings = HandlerSettings.DEFAULT.withHandshakeTimeoutMillis(handshakeTimeoutMillis > 0
                ? handshakeTimeoutMillis : HandlerSettings.DEFAULT.handshakeTimeoutMillis());
        handler = new Tls13Handler(null, this::select, settings, ctx.alloc(), null, -1);
        ctx.pipeline().replace(this, Tls13Handler.class.getName(), handler);
        handlerContext = ctx.pipeline().context(handler);
        // A handshake that fails before the lookup answered (timeout, a ClientHello the core rejects) is the
        // SNI step's failure too.
        handler.handshakeFuture().addListener(f -> {
            if (!f.isSuccess()) {
                complete(new SniCompletionEvent(hostname, f.cause()));
            }
        });
    }

    /**
     * Starts the lookup of a host name.
     *
     * @param ctx the context of the {@link Tls13Handler} that replaced this handler
     * @param hostname the lower-case server_name, or {@code null}
     * @return the lookup's future
     * @throws Exception when the lookup cannot start; the client is then refused
     */
    protected Future<Tls13Context> lookup(ChannelHandlerContext ctx, String hostname) throws Exception {
        return mapping.map(hostname, ctx.executor().<Tls13Context>newPromise());
    }

    /** The selector of the accept step: checks the cap, then looks the server name up. */
    private Future<Tls13Context> select(ClientHelloInfo hello, Promise<Tls13Context> choice) {
        String name = hello.serverName() == null ? null : hello.serverName().toLowerCase(Locale.ROOT);
        hostname = name;
        int length = handler.clientHelloBytes();
        if (maxClientHelloLength > 0 && length > maxClientHelloLength) {
            return refuse(name, new TooLongFrameException("ClientHello length exceeds " + maxClientHelloLength + ": "
                    + length), choice);
        }
        Future<Tls13Context> lookup;
        try {
            lookup = lookup(handlerContext, name);
        } catch (Throwable cause) {
            return refuse(name, cause, choice);
        }
        EventExecutor executor = handlerContext.executor();
        lookup.addListener(f -> {
            if (executor.inEventLoop()) {
                lookedUp(name, lookup, choice);
            } else {
                executor.execute(() -> lookedUp(name, lookup, choice));
            }
        });
        return choice;
    }

    private void lookedUp(String name, Future<Tls13Context> lookup, Promise<Tls13Context> choice) {
        if (!lookup.isSuccess()) {
            refuse(name, lookup.cause(), choice);
            return;
        }
        Tls13Context chosen = lookup.getNow();
        if (chosen == null || !chosen.isServer()) {
            // The accept step refuses both, with the alert that fits.
            complete(new SniCompletionEvent(name, new SSLException(chosen == null ? "no Tls13Context for host name "
                    + name : "the Tls13Context for " + name + " is a client's")));
        } else {
            selectedContext = chosen;
            handler.setWrapDataSize(chosen.wrapDataSize());
            handler.setMaxPendingWriteBytes(chosen.maxPendingWriteBytes());
            handler.setCloseNotifyFlushTimeout(chosen.closeNotifyFlushTimeoutMillis(), TimeUnit.MILLISECONDS);
            handler.setCloseNotifyReadTimeout(chosen.closeNotifyReadTimeoutMillis(), TimeUnit.MILLISECONDS);
            complete(new SniCompletionEvent(name));
        }
        choice.trySuccess(chosen);
    }

    private Future<Tls13Context> refuse(String name, Throwable cause, Promise<Tls13Context> choice) {
        complete(new SniCompletionEvent(name, cause));
        choice.tryFailure(cause);
        return choice;
    }

    private void complete(SniCompletionEvent event) {
        if (!completed) {
            completed = true;
            handlerContext.fireUserEventTriggered(event);
        }
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
