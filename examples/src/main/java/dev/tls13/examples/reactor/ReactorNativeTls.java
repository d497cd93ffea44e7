package dev.tls13.examples.reactor;

import dev.tls13.Tls13Context;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.nio.file.Path;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;

/**
 * Reactor Netty serving HTTPS (HTTP/1.1 and HTTP/2 by ALPN) with our {@link dev.tls13.netty.Tls13Handler}
 * installed as the first handler of every connection. The code between the {@code tag} comments is
 * quoted verbatim in the README ("Use with Reactor Netty"); a test checks that they stay identical.
 *
 * <p>Reactor only accepts {@code HttpProtocol.H2} together with its own {@code secure(...)}, which needs
 * a Netty {@code SslContext}, so the server is configured as clear text ({@code HTTP11} + {@code H2C})
 * and TLS is added underneath. With both protocols Reactor installs Netty's
 * {@code CleartextHttp2ServerUpgradeHandler}, which chooses by the first decrypted bytes: the HTTP/2
 * connection preface (what a client that negotiated ALPN {@code h2} sends first, RFC 9113 §3.4) selects
 * HTTP/2, anything else stays on HTTP/1.1. ALPN itself is therefore not consulted by Reactor; our
 * handler advertises the same two protocols so that the client's choice and Reactor's agree.
 */
public final class ReactorNativeTls {

    private ReactorNativeTls() {
    }

    /**
     * Starts the server on 127.0.0.1 and a free port; it answers {@code GET /} with
     * {@code "<scheme> <protocol>"}, e.g. {@code "https HTTP/2.0"}, and {@code GET /file} with a file.
     *
     * @param tls a server context; its ALPN list should be {@code h2, http/1.1}
     * @param file the file served at {@code /file}
     * @return the running server; dispose it to stop
     */
    public static DisposableServer start(Tls13Context tls, Path file) {
        // tag::reactor-native[]
        DisposableServer server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                // Clear text as far as Reactor knows: HTTP/1.1, or HTTP/2 when the h2 preface arrives.
                .protocol(HttpProtocol.HTTP11, HttpProtocol.H2C)
                // Our TLS handler first, under Reactor's HTTP codecs (not on the HTTP/2 stream channels).
                .doOnChannelInit((observer, channel, remoteAddress) -> {
                    if (!(channel instanceof Http2StreamChannel)) {
                        // sendFile writes FileRegions when Reactor sees no SslHandler; Tls13Handler encrypts them.
                        channel.pipeline().addFirst("tls13", tls.newHandler(channel.alloc()));
                    }
                })
                // Reactor derives the scheme from SslHandler, which is absent here.
                .forwarded((info, request) -> info.withScheme("https"))
                .route(routes -> routes
                        .get("/file", (request, response) -> response.sendFile(file))
                        .get("/", (request, response) ->
                                response.sendString(Mono.just(request.scheme() + " " + request.protocol()))))
                .bindNow();
        // end::reactor-native[]
        return server;
    }
}
