package dev.tls13.examples.netty;

import dev.tls13.Tls13Context;
import dev.tls13.Tls13KeyLog;
import dev.tls13.netty.OptionalTls13Handler;
import dev.tls13.netty.Tls13Handler;
import dev.tls13.netty.Tls13ProtocolNegotiationHandler;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;

/**
 * The helpers of {@code dev.tls13.netty} in pipelines: ALPN, TLS and plaintext on one port, the key log
 * and exporters. The code between the {@code tag} comments is quoted verbatim in the README ("ALPN,
 * optional TLS, key log and exporters"); a test checks that they stay identical, and another runs them.
 */
public final class NettyHelpers {

    private NettyHelpers() {
    }

    /**
     * Sets up an accepted channel that speaks HTTP/2 or HTTP/1.1, as ALPN decides; every request is
     * answered with the name of the protocol it came over ({@code h2} or {@code http/1.1}).
     *
     * @param ch the accepted channel
     * @param serverTls a server context offering {@code h2} and {@code http/1.1}
     */
    public static void alpnServer(Channel ch, Tls13Context serverTls) {
        // tag::alpn[]
        // ALPN: like ApplicationProtocolNegotiationHandler. Buffers reads until the handshake completes, then
        // configures the pipeline for the negotiated protocol (or the fallback) and removes itself; a failed
        // handshake calls handshakeFailure(ctx, cause), which logs and closes.
        ch.pipeline().addLast(serverTls.newHandler(ch.alloc()), new Tls13ProtocolNegotiationHandler("http/1.1") {
            @Override
            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                if ("h2".equals(protocol)) {
                    ctx.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(), new Http2Reply());
                } else {
                    ctx.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536), new Http1Reply());
                }
            }
        });
        // end::alpn[]
    }

    /**
     * Sets up an accepted channel that serves HTTP/1.1 with or without TLS, as the client starts;
     * every request is answered with {@code https} or {@code http}.
     *
     * @param ch the accepted channel
     * @param serverTls the server context for the TLS clients
     */
    public static void optionalTlsServer(Channel ch, Tls13Context serverTls) {
        // tag::optional-tls[]
        // TLS and plaintext on one port: like OptionalSslHandler. The first 5 bytes decide; it replaces
        // itself with serverTls.newHandler(...) or with newPlaintextHandler(ctx) (override both as needed).
        ch.pipeline().addLast(new OptionalTls13Handler(serverTls), new HttpServerCodec(),
                new HttpObjectAggregator(65536), new SchemeReply());
        // end::optional-tls[]
    }

    /**
     * A client context that writes the secrets of its connections as NSS key log lines.
     *
     * @param serverCa the CA the server's certificate must chain to
     * @param keyLogFile the file to append to, or {@code null} for the one {@code $SSLKEYLOGFILE} names
     * @return the context
     */
    public static Tls13Context keyLoggingClient(X509Certificate serverCa, Path keyLogFile) {
        // tag::key-log[]
        // Key log (NSS format, for Wireshark): fromEnvironment() appends to the file named by $SSLKEYLOGFILE,
        // or does nothing at all when it is unset; toFile(path) names the file; any callback works too.
        Tls13KeyLog keyLog = keyLogFile != null ? Tls13KeyLog.toFile(keyLogFile) : Tls13KeyLog.fromEnvironment();
        Tls13Context debugTls = Tls13Context.forClient().trustManager(serverCa).keyLog(keyLog).build();
        // end::key-log[]
        return debugTls;
    }

    /**
     * 32 bytes both ends of a connection derive alike, e.g. to bind an authentication to it.
     *
     * @param channel a channel whose TLS handshake completed
     * @return the exported keying material
     */
    public static byte[] channelBinding(Channel channel) {
        // tag::exporter[]
        // Exporters (RFC 8446 §7.5), after the handshake; the same bytes as OpenSSL's
        // SSL_export_keying_material on the other end. A null context equals an empty one in TLS 1.3.
        Tls13Handler tls = channel.pipeline().get(Tls13Handler.class);
        byte[] channelBinding = tls.exportKeyingMaterial("EXPERIMENTAL-my-protocol", null, 32);
        // end::exporter[]
        return channelBinding;
    }

    /** Answers every HTTP/2 request with status 200 and the body {@code h2}, on the request's stream. */
    static final class Http2Reply extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                // The request is complete with the frame that ends its stream: headers for a GET, else data.
                boolean ends = msg instanceof Http2HeadersFrame && ((Http2HeadersFrame) msg).isEndStream()
                        || msg instanceof Http2DataFrame && ((Http2DataFrame) msg).isEndStream();
                if (ends) {
                    Http2FrameStream stream = ((Http2StreamFrame) msg).stream();
                    ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                            .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")).stream(stream));
                    ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("h2", StandardCharsets.UTF_8),
                            true).stream(stream));
                }
            } finally {
                // Settings, pings and request bodies end here: nothing further down wants them.
                ReferenceCountUtil.release(msg);
            }
        }
    }

    /** Answers every HTTP/1.1 request with the body {@code http/1.1}. */
    static final class Http1Reply extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            ctx.writeAndFlush(textResponse(request, "http/1.1"));
        }
    }

    /** Answers a request with {@code https} when it came over TLS, else {@code http}, and closes. */
    static final class SchemeReply extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            // OptionalTls13Handler put a Tls13Handler in the pipeline only for a TLS client.
            boolean tls = ctx.pipeline().get(Tls13Handler.class) != null;
            FullHttpResponse response = textResponse(request, tls ? "https" : "http");
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static FullHttpResponse textResponse(FullHttpRequest request, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        HttpUtil.setContentLength(response, response.content().readableBytes());
        return response;
    }
}
