package dev.tls13.netty;

import dev.tls13.Tls13Context;
import dev.tls13.connection.ClientHelloInfo;
import dev.tls13.connection.Limits;
import dev.tls13.connection.Refusal;
import dev.tls13.connection.TlsConnection;
import dev.tls13.error.TlsException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.AsyncMapping;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * The accept step of a server {@link Tls13Handler} made from a selector (docs/architecture.md §13): its
 * connection is created {@linkplain TlsConnection#accepting accepting}, and once it paused with a whole
 * ClientHello the selector is asked, once, for the context to continue with.
 * <pre>
 *   records ─► accepting connection ─► paused ─► selector(ClientHelloInfo) ─┬─ server context ─► accept, read on
 *                                                 (no reads; bytes held,    ├─ failure, throw ─► refuse: internal_error
 *                                                  up to a cap)             ├─ null ─► refuse: unrecognized_name or
 *                                                                           │          handshake_failure
 *                                                                           └─ client context ─► refuse: internal_error
 * </pre>
 * While the answer is pending the handler asks for no reads ({@link #suppressRead()}), and the bytes that still
 * arrive (with {@code AUTO_READ} on, the transport keeps reading) wait in its cumulation, at most as many as one
 * handshake message may take ({@link Limits#maxHandshakeMessageSize()}): a client has nothing to send before our
 * ServerHello but a change_cipher_spec (RFC 8446 §D.4), so more is a flood, failed before it grows.
 */
final class AcceptStep {

    private final AsyncMapping<ClientHelloInfo, Tls13Context> selector;
    private final Limits limits;
    /** The record bytes the connection read before it paused: the ClientHello as it came on the wire. */
    private int helloBytes;
    private boolean asked;
    private boolean waiting;
    private boolean readSuppressed;

    /**
     * Creates the step of one handler.
     *
     * @param selector chooses the context from what the client offered
     * @param limits the limits of the accepting connection, which it keeps after the choice
     */
    @SuppressWarnings("unchecked")
    AcceptStep(AsyncMapping<? super ClientHelloInfo, ? extends Tls13Context> selector, Limits limits) {
        // Netty's own SniHandler makes the same cast: a promise of Tls13Context takes any answer the selector gives.
        this.selector = (AsyncMapping<ClientHelloInfo, Tls13Context>) selector;
        this.limits = limits;
    }

    /** @return the limits of the accepting connection */
    Limits limits() {
        return limits;
    }

    /** @return whether the selector was asked and has not answered: the handler reads nothing meanwhile */
    boolean isWaiting() {
        return waiting;
    }

    /** @return whether the selector was asked: the ClientHello is whole */
    boolean asked() {
        return asked;
    }

    /** @return the record bytes read up to the end of the ClientHello, header bytes included */
    int clientHelloBytes() {
        return helloBytes;
    }

    /**
     * Counts the bytes the connection read before the selector is asked.
     *
     * @param bytes the bytes one {@code receive} consumed
     */
    void received(int bytes) {
        if (!asked) {
            helloBytes += bytes;
        }
    }

    /**
     * Checks what the handler holds while the selector runs.
     *
     * @param cumulation the bytes received and not read (borrowed)
     * @throws SSLException when they exceed the cap; the handler then fails without an alert, as the connection
     *         itself has not failed
     */
    void checkHeld(ByteBuf cumulation) throws SSLException {
        if (cumulation.readableBytes() > limits.maxHandshakeMessageSize()) {
            throw new SSLException("received more than " + limits.maxHandshakeMessageSize()
                    + " bytes while the server chose its configuration");
        }
    }

    /**
     * Asks the selector (once): it may answer at once, or later on any thread.
     *
     * @param hello what the client offered
     * @param onAnswer runs on the event loop with an answer that comes later
     * @return the answer when it came at once (a selector that throws gives a failed one), or {@code null}
     *         while it is pending
     */
    Future<Tls13Context> ask(ChannelHandlerContext ctx, ClientHelloInfo hello, Consumer<Future<Tls13Context>> onAnswer) {
        asked = true;
        EventExecutor executor = ctx.executor();
        Future<Tls13Context> answer;
        try {
            answer = selector.map(hello, executor.newPromise());
        } catch (Throwable t) {
            return executor.newFailedFuture(t);
        }
        if (answer == null) {
            return executor.newFailedFuture(new NullPointerException("the selector returned no future"));
        }
        if (answer.isDone()) {
            return answer;
        }
        waiting = true;
        answer.addListener(f -> {
            if (executor.inEventLoop()) {
                answered(answer, onAnswer);
            } else {
                executor.execute(() -> answered(answer, onAnswer));
            }
        });
        return null;
    }

    private void answered(Future<Tls13Context> answer, Consumer<Future<Tls13Context>> onAnswer) {
        waiting = false;
        onAnswer.accept(answer);
    }

    /**
     * Whether a read must wait for the selector's answer; the handler makes it then.
     *
     * @return {@code true} (and the read remembered) while the selector runs
     */
    boolean suppressRead() {
        if (waiting) {
            readSuppressed = true;
        }
        return waiting;
    }

    /** @return whether a read was held back while the selector ran; forgets it */
    boolean takeSuppressedRead() {
        boolean suppressed = readSuppressed;
        readSuppressed = false;
        return suppressed;
    }

    /**
     * The server context an answer chose, or the refusal of the client (its alert queued, docs/architecture.md
     * §7): a failed answer is refused with internal_error, its failure the refusal's cause; none with
     * unrecognized_name when the client named a server (RFC 6066 §3), else handshake_failure; a client context
     * with internal_error.
     *
     * @param answer the selector's answer, done
     * @param connection the connection paused at the accept step
     * @return the context to accept the connection with
     * @throws TlsException the refusal
     */
    static Tls13Context chosen(Future<Tls13Context> answer, TlsConnection connection) throws TlsException {
        if (!answer.isSuccess()) {
            Throwable cause = answer.cause();
            TlsException refusal = connection.refuse(Refusal.SELECTION_FAILED, String.valueOf(cause));
            refusal.initCause(cause);
            throw refusal;
        }
        Tls13Context chosen = answer.getNow();
        if (chosen == null) {
            String name = connection.clientHello().serverName();
            throw name != null ? connection.refuse(Refusal.UNKNOWN_SERVER_NAME, name)
                    : connection.refuse(Refusal.NO_CONFIGURATION, "the selector chose none");
        }
        if (!chosen.isServer()) {
            throw connection.refuse(Refusal.SELECTION_FAILED, "the selector chose a client context");
        }
        return chosen;
    }
}
