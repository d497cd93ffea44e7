package dev.tls13.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.function.Supplier;

/**
 * A promise usable before its handler is added to a pipeline: it notifies on the channel's executor once
 * the handler's context is known, and at once before (like {@code SslHandler}'s LazyChannelPromise).
 */
final class LazyChannelPromise extends DefaultPromise<Channel> {

    private final Supplier<ChannelHandlerContext> context;

    /**
     * Creates a promise.
     *
     * @param context the handler's context, {@code null} until it is added
     */
    LazyChannelPromise(Supplier<ChannelHandlerContext> context) {
        this.context = context;
    }

    @Override
    protected EventExecutor executor() {
        ChannelHandlerContext c = context.get();
        return c == null ? ImmediateEventExecutor.INSTANCE : c.executor();
    }

    @Override
    protected void checkDeadLock() {
        if (context.get() != null) {
            super.checkDeadLock();
        }
    }
}
