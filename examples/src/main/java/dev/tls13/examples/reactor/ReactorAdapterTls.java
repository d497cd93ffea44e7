package dev.tls13.examples.reactor;

import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;

/**
 * Reactor Netty serving HTTPS (HTTP/2 and HTTP/1.1 by ALPN) through its own {@code secure(...)}, with a
 * Netty {@link SslContext} whose engines are ours ({@link dev.tls13.examples.dropin.DropInSslContext}).
 * Reactor then finds an {@code SslHandler} as usual: ALPN, {@code https} scheme, metrics and
 * {@code sendFile} work unchanged. The code between the {@code tag} comments is quoted in the README.
 */
public final class ReactorAdapterTls {

    private ReactorAdapterTls() {
    }

    /**
     * Starts the server on 127.0.0.1 and a free port; {@code GET /} answers {@code "<scheme> <protocol>"},
     * {@code GET /file} sends a file.
     *
     * @param serverContext a server {@code SslContext} with ALPN {@code h2, http/1.1}
     * @param file the file served at {@code /file}
     * @return the running server; dispose it to stop
     */
    public static DisposableServer start(SslContext serverContext, Path file) {
        // tag::reactor-adapter[]
        DisposableServer server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .protocol(HttpProtocol.H2, HttpProtocol.HTTP11)
                .secure(spec -> spec.sslContext(serverContext))
                .route(routes -> routes
                        .get("/file", (request, response) -> response.sendFile(file))
                        .get("/", (request, response) ->
                                response.sendString(Mono.just(request.scheme() + " " + request.protocol()))))
                .bindNow();
        // end::reactor-adapter[]
        return server;
    }
}
