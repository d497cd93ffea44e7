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
 *                                       (no reads; bytes held, capped)     ├─ failure, throw ─► refuse: internal_error
 *                                                                          ├─ client context ─► refuse: internal_error
 *                                                                          └─ null ─► refuse: unrecognized_name
 *                                                                                     (SNI sent), handshake_failure
 * </pre>
 * While the answer is pending the handler asks for no reads ({@link #suppressRead()}), and the bytes that still
 * arrive (with {@code AUTO_READ} on, the transport keeps reading) wait in its cumulation, at most as many as one
 * handshake message may take ({@link Limits#maxHandshakeMessageSize()}): a client has nothing to send before our
 * ServerHello but a change_cipher_spec (RFC 8446 §D.4), so more is a flood, failed before it grows.
 */
final class AcceptStep {

    private final AsyncMapping<ClientHelloInfo, Tls13Context> selector;
    private final Limits limits;
    private final Consumer<Future<Tls13Context>> onLaterAnswer;
    private volatile Tls13Context chosen;
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
     * @param onLaterAnswer the handler's continuation, run on the event loop with an answer that was pending when
     *        {@link #receive} returned; it calls {@link #continueWith}
     */
    @SuppressWarnings("unchecked")
    AcceptStep(AsyncMapping<? super ClientHelloInfo, ? extends Tls13Context> selector, Limits limits,
               Consumer<Future<Tls13Context>> onLaterAnswer) {
        // Netty's own SniHandler makes the same cast: a promise of Tls13Context takes any answer the selector gives.
        this.selector = (AsyncMapping<ClientHelloInfo, Tls13Context>) selector;
        this.limits = limits;
        this.onLaterAnswer = onLaterAnswer;
    }

    /** @return the server context the selector chose, or {@code null} before */
    Tls13Context chosen() {
        return chosen;
    }

    /** @return the limits of the accepting connection */
    Limits limits() {
        return limits;
    }

    /** @return whether the selector was asked and has not answered: the handler reads nothing meanwhile */
    boolean isWaiting() {
        return waiting;
    }

    /** @return the record bytes read up to the end of the ClientHello, header bytes included */
    int clientHelloBytes() {
        return helloBytes;
    }

    /**
     * Gives the connection the whole records of {@code in}, as a handler's decode does. Once the connection paused
     * with its ClientHello, asks the selector: an answer there at once continues the connection, which reads on;
     * a pending one leaves the rest of {@code in} where it is, capped, until {@code onLaterAnswer} runs.
     *
     * @param in the cumulation (borrowed); its reader index advances past the records read
     * @throws SSLException a protocol failure, the refusal of the client (alert queued), or too many bytes held
     *         while the selector runs (no alert: the connection itself has not failed)
     */
    void receive(ChannelHandlerContext ctx, TlsConnection connection, ByteBuf in) throws SSLException {
        if (waiting) {
            if (in.readableBytes() > limits.maxHandshakeMessageSize()) {
                throw new SSLException("received more than " + limits.maxHandshakeMessageSize()
                        + " bytes while the server chose its configuration");
            }
            return;
        }
        int start = in.readerIndex();
        connection.receive(in);
        if (asked) {
            return;
        }
        helloBytes += in.readerIndex() - start;
        if (!connection.awaitingConfiguration()) {
            return;
        }
        Future<Tls13Context> answer = ask(ctx, connection.clientHello());
        if (answer.isDone()) {
            continueWith(answer, connection);
            connection.receive(in);
            return;
        }
        waiting = true;
        EventExecutor executor = ctx.executor();
        answer.addListener(f -> {
            if (executor.inEventLoop()) {
                answered(answer);
            } else {
                executor.execute(() -> answered(answer));
            }
        });
    }

    /** Asks the selector, once; a selector that throws gives a failed answer. */
    private Future<Tls13Context> ask(ChannelHandlerContext ctx, ClientHelloInfo hello) {
        asked = true;
        EventExecutor executor = ctx.executor();
        try {
            Future<Tls13Context> answer = selector.map(hello, executor.newPromise());
            return answer != null ? answer
                    : executor.newFailedFuture(new NullPointerException("the selector returned no future"));
        } catch (Throwable t) {
            return executor.newFailedFuture(t);
        }
    }

    private void answered(Future<Tls13Context> answer) {
        waiting = false;
        onLaterAnswer.accept(answer);
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
     * Continues the connection with the server context the answer chose (then {@link #chosen()}), or refuses the
     * client (its alert queued, docs/architecture.md §7): a failed answer with internal_error, its failure the
     * refusal's cause; none with unrecognized_name when the client named a server (RFC 6066 §3), else
     * handshake_failure; a client context with internal_error.
     *
     * @param answer the selector's answer, done
     * @param connection the connection paused at the accept step
     * @throws TlsException the refusal, or the handshake's failure on the ClientHello
     */
    void continueWith(Future<Tls13Context> answer, TlsConnection connection) throws TlsException {
        if (!answer.isSuccess()) {
            Throwable cause = answer.cause();
            TlsException refusal = connection.refuse(Refusal.SELECTION_FAILED, String.valueOf(cause));
            refusal.initCause(cause);
            throw refusal;
        }
        Tls13Context context = answer.getNow();
        if (context == null) {
            String name = connection.clientHello().serverName();
            throw name != null ? connection.refuse(Refusal.UNKNOWN_SERVER_NAME, name)
                    : connection.refuse(Refusal.NO_CONFIGURATION, "the selector chose none");
        }
        if (!context.isServer()) {
            throw connection.refuse(Refusal.SELECTION_FAILED, "the selector chose a client context");
        }
        // Set first: accept() derives the handshake secrets, which go to the chosen context's key log.
        chosen = context;
        context.accept(connection);
    }
}
