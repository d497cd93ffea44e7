package dev.tls13.interop;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;

/** One end's TLS implementation and configuration, for one connection. */
interface TlsSide {

    /**
     * A short label for result tables.
     *
     * @return e.g. "ours" or "JDK"
     */
    String label();

    /**
     * Adds the TLS handler(s) at the head of a new channel's pipeline.
     *
     * @param channel the channel (a client or an accepted child)
     * @param peerHost the host name a client connects to (for SNI and endpoint identification); ignored by servers
     * @param peerPort the server's port; ignored by servers
     */
    void install(Channel channel, String peerHost, int peerPort);

    /**
     * Reads what this end negotiated; called on the channel's event loop once its handshake succeeded.
     *
     * @param pipeline the channel's pipeline
     * @return what was negotiated
     */
    Negotiated negotiated(ChannelPipeline pipeline);
}
