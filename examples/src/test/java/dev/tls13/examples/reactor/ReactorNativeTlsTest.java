package dev.tls13.examples.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tls13.Tls13Context;
import dev.tls13.examples.IntegrationCerts;
import dev.tls13.examples.ProcessRunner;
import dev.tls13.testing.TestPki.Issued;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;

/**
 * Reactor Netty's HTTP server over our {@code Tls13Handler} (installed in {@code doOnChannelInit}),
 * driven by Reactor Netty's own HTTPS client (JDK TLS) and by curl, for HTTP/2 and HTTP/1.1.
 */
class ReactorNativeTlsTest {

    private static DisposableServer server;

    @BeforeAll
    static void startServer() {
        Issued cert = IntegrationCerts.server();
        Tls13Context tls = Tls13Context.forServer(cert.privateKey(), cert.chain().toArray(X509Certificate[]::new))
                .applicationProtocols("h2", "http/1.1")
                .build();
        server = ReactorNativeTls.start(tls);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(10));
        }
    }

    @Test
    void servesHttp2ToReactorClientThatNegotiatedH2() {
        HttpClient client = HttpClient.create()
                .protocol(HttpProtocol.H2)
                .secure(spec -> spec.sslContext(Http2SslContextSpec.forClient()
                        .configure(b -> b.trustManager(IntegrationCerts.ca().certificate()))));
        assertEquals("HTTP/2.0 https HTTP/2.0", get(client));
    }

    @Test
    void servesHttp11ToReactorClientThatNegotiatedHttp11() {
        HttpClient client = HttpClient.create()
                .protocol(HttpProtocol.HTTP11)
                .secure(spec -> spec.sslContext(Http11SslContextSpec.forClient()
                        .configure(b -> b.trustManager(IntegrationCerts.ca().certificate()))));
        assertEquals("HTTP/1.1 https HTTP/1.1", get(client));
    }

    @Test
    void servesHttp2ToCurl() throws Exception {
        assertEquals("https HTTP/2.0|2", curl("--http2"));
    }

    @Test
    void servesHttp11ToCurl() throws Exception {
        assertEquals("https HTTP/1.1|1.1", curl("--http1.1"));
    }

    /** One GET; the result is the client's view of the version, then the server's answer. */
    private static String get(HttpClient client) {
        return client.get()
                .uri("https://localhost:" + server.port() + "/")
                .responseSingle((response, body) -> body.asString().map(text -> response.version() + " " + text))
                .block(Duration.ofSeconds(20));
    }

    static String curl(String httpVersion) throws Exception {
        ProcessRunner.require("curl");
        Path ca = IntegrationCerts.caPemFile();
        ProcessRunner.Output out = ProcessRunner.run(List.of("curl", "-sS", "--max-time", "15", httpVersion,
                "--tlsv1.3", "--cacert", ca.toString(), "-w", "|%{http_version}",
                "https://localhost:" + server.port() + "/"));
        assertEquals(0, out.exitCode(), out.all());
        return out.stdout();
    }
}
