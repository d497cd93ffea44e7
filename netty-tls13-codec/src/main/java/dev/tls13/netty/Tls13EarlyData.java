package dev.tls13.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * Early data (0-RTT, RFC 8446 §2.3, §4.2.10) a server accepted, as a {@code channelRead} message: one record's
 * plaintext, delivered before the handshake completes and before any 1-RTT data, which arrives as plain
 * {@link ByteBuf}s. The handler releases nothing: the receiver owns this holder and releases it.
 *
 * <p><b>Early data can be replayed.</b> TLS does not protect it against replay across connections (RFC 8446 §8,
 * §E.5): this server's anti-replay check catches a replayed ClientHello, but a fleet that does not share the check
 * accepts one replay per server. An application must only act on idempotent requests in early data (as HTTP does
 * with RFC 8470: a non-idempotent request is answered with 425 Too Early, or held until
 * {@code SslHandshakeCompletionEvent}) and must never treat it as the same as 1-RTT data.
 *
 * <p>A wrapper rather than a user event followed by plain {@code ByteBuf}s: a decoder that expects bytes (a
 * {@code ByteToMessageDecoder}) passes a holder it does not know on untouched instead of parsing it as if it were
 * ordinary data, so 0-RTT data cannot be mistaken for 1-RTT data by a handler that ignores events.
 */
public final class Tls13EarlyData extends DefaultByteBufHolder {

    /**
     * Wraps one record's worth of early data; takes ownership of {@code data}.
     *
     * @param data the plaintext
     */
    public Tls13EarlyData(ByteBuf data) {
        super(data);
    }

    @Override
    public Tls13EarlyData replace(ByteBuf content) {
        return new Tls13EarlyData(content);
    }

    @Override
    public Tls13EarlyData copy() {
        return (Tls13EarlyData) super.copy();
    }

    @Override
    public Tls13EarlyData duplicate() {
        return (Tls13EarlyData) super.duplicate();
    }

    @Override
    public Tls13EarlyData retainedDuplicate() {
        return (Tls13EarlyData) super.retainedDuplicate();
    }

    @Override
    public Tls13EarlyData retain() {
        super.retain();
        return this;
    }

    @Override
    public Tls13EarlyData retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public Tls13EarlyData touch() {
        super.touch();
        return this;
    }

    @Override
    public Tls13EarlyData touch(Object hint) {
        super.touch(hint);
        return this;
    }
}
