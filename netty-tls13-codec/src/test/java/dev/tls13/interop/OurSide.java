package dev.tls13.interop;

import dev.tls13.Tls13Context;
import dev.tls13.connection.SessionInfo;
import dev.tls13.netty.Tls13Handler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;

/** Our end: {@link Tls13Handler} from a {@link Tls13Context}. */
final class OurSide implements TlsSide {

    private final Tls13Context context;

    OurSide(Tls13Context context) {
        this.context = context;
    }

    @Override
    public String label() {
        return "ours";
    }

    @Override
    public void install(Channel channel, String peerHost, int peerPort) {
        channel.pipeline().addLast(context.isServer()
                ? context.newHandler(channel.alloc())
                : context.newHandler(channel.alloc(), peerHost, peerPort));
    }

    @Override
    public Negotiated negotiated(ChannelPipeline pipeline) {
        SessionInfo session = pipeline.get(Tls13Handler.class).session();
        // The scheme of the server's CertificateVerify: ours when we serve, the peer's when we are the client.
        String scheme = context.isServer() ? session.localSignatureScheme() : session.peerSignatureScheme();
        return new Negotiated(session.protocol(), session.cipherSuite(), session.namedGroup(), scheme,
                session.applicationProtocol(), context.isServer() ? session.serverName() : null,
                session.helloRetryRequest());
    }
}
