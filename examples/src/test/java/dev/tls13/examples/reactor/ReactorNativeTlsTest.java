package dev.tls13.examples.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tls13.Tls13Context;
import dev.tls13.examples.IntegrationCerts;
import dev.tls13.examples.ProcessRunner;
import dev.tls13.testing.TestPki.Issued;
import io.netty.channel.Channel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.tcp.SslProvider.GenericSslContextSpec;

/**
 * Reactor Netty's HTTP server over our {@code Tls13Handler} (installed in {@code doOnChannelInit}),
 * driven by Reactor Netty's own HTTPS client (JDK TLS) and by curl, for HTTP/2 and HTTP/1.1.
 */
class ReactorNativeTlsTest {

    /** Served at /file (a FileRegion): larger than one Tls13Handler chunk (64 KiB) and not a multiple of it. */
    static final String FILE_CONTENT = "0123456789abcdef".repeat(12_800) + "end";

    private static DisposableServer server;

    @BeforeAll
    static void startServer() throws IOException {
        Path file = Files.createTempFile("reactor-sendfile", ".txt");
        file.toFile().deleteOnExit();
        Files.writeString(file, FILE_CONTENT, StandardCharsets.US_ASCII);
        Issued cert = IntegrationCerts.server();
        PrivateKey key = cert.privateKey();
        X509Certificate[] chain = cert.chain().toArray(X509Certificate[]::new);
        // tag::reactor-native-context[]
        Tls13Context tls = Tls13Context.forServer(key, chain)
                .applicationProtocols("h2", "http/1.1")
                .build();
        // end::reactor-native-context[]
        server = ReactorNativeTls.start(tls, file);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(10));
        }
    }

    @Test
    void servesHttp2ToReactorClientThatNegotiatedH2() {
        X509Certificate caCertificate = IntegrationCerts.ca().certificate();
        // tag::reactor-client[]
        GenericSslContextSpec<SslContextBuilder> clientTls = Http2SslContextSpec.forClient()
                .configure(builder -> builder.trustManager(caCertificate));
        HttpClient client = HttpClient.create()
                .protocol(HttpProtocol.H2)
                .secure(spec -> spec.sslContext(clientTls));
        // end::reactor-client[]
        assertEquals("h2 HTTP/2.0 https HTTP/2.0", get(client, server.port()));
    }

    @Test
    void servesHttp11ToReactorClientThatNegotiatedHttp11() {
        HttpClient client = HttpClient.create()
                .protocol(HttpProtocol.HTTP11)
                .secure(spec -> spec.sslContext(generic(Http11SslContextSpec.forClient()
                        .configure(b -> b.trustManager(IntegrationCerts.ca().certificate())
                                .applicationProtocolConfig(alpn(ApplicationProtocolNames.HTTP_1_1))))));
        assertEquals("http/1.1 HTTP/1.1 https HTTP/1.1", get(client, server.port()));
    }

    @Test
    void servesHttp11ToReactorClientWithoutAlpn() {
        // Reactor's HTTP/1.1 spec offers no ALPN: the handshake succeeds without it (RFC 7301 §3.1).
        HttpClient client = HttpClient.create()
                .protocol(HttpProtocol.HTTP11)
                .secure(spec -> spec.sslContext(generic(Http11SslContextSpec.forClient()
                        .configure(b -> b.trustManager(IntegrationCerts.ca().certificate())))));
        assertEquals("null HTTP/1.1 https HTTP/1.1", get(client, server.port()));
    }

    /**
     * Reactor 1.3 deprecates {@code sslContext(ProtocolSslContextSpec)}; typing the spec as the generic one
     * selects the current overload.
     */
    static GenericSslContextSpec<SslContextBuilder> generic(GenericSslContextSpec<SslContextBuilder> spec) {
        return spec;
    }

    static ApplicationProtocolConfig alpn(String protocol) {
        return new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, protocol);
    }

    @Test
    void sendsFileOverHttp11() {
        HttpClient client = HttpClient.create()
                .protocol(HttpProtocol.HTTP11)
                .secure(spec -> spec.sslContext(generic(Http11SslContextSpec.forClient()
                        .configure(b -> b.trustManager(IntegrationCerts.ca().certificate())))));
        assertEquals(FILE_CONTENT, getFile(client));
    }

    @Test
    void sendsFileOverHttp2() {
        HttpClient client = HttpClient.create()
                .protocol(HttpProtocol.H2)
                .secure(spec -> spec.sslContext(generic(Http2SslContextSpec.forClient()
                        .configure(b -> b.trustManager(IntegrationCerts.ca().certificate())))));
        assertEquals(FILE_CONTENT, getFile(client));
    }

    private static String getFile(HttpClient client) {
        return getFile(client, server.port());
    }

    /** The body of {@code GET /file}. */
    static String getFile(HttpClient client, int port) {
        return client.get()
                .uri("https://localhost:" + port + "/file")
                .responseSingle((response, body) -> body.asString())
                .block(Duration.ofSeconds(20));
    }

    @Test
    void servesHttp2ToCurl() throws Exception {
        assertEquals("https HTTP/2.0|2", curl("--http2"));
    }

    @Test
    void servesHttp11ToCurl() throws Exception {
        assertEquals("https HTTP/1.1|1.1", curl("--http1.1"));
    }

    /**
     * One GET; the result is the ALPN protocol the client's TLS negotiated, the HTTP version of the
     * response, then the server's answer (the scheme and protocol the server saw).
     */
    static String get(HttpClient client, int port) {
        AtomicReference<String> alpn = new AtomicReference<>();
        String answer = client
                .doOnResponse((response, connection) -> alpn.set(negotiatedAlpn(connection.channel())))
                .get()
                .uri("https://localhost:" + port + "/")
                .responseSingle((response, body) -> body.asString().map(text -> response.version() + " " + text))
                .block(Duration.ofSeconds(20));
        return alpn.get() + " " + answer;
    }

    /** The client's SslHandler is on the connection, or for HTTP/2 on the stream channel's parent. */
    private static String negotiatedAlpn(Channel channel) {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null && channel.parent() != null) {
            ssl = channel.parent().pipeline().get(SslHandler.class);
        }
        return ssl == null ? "no-tls" : ssl.applicationProtocol();
    }

    private static String curl(String httpVersion) throws Exception {
        return curl(httpVersion, server.port());
    }

    /** curl's body, then {@code |} and the HTTP version it used. */
    static String curl(String httpVersion, int port) throws Exception {
        ProcessRunner.require("curl");
        Path ca = IntegrationCerts.caPemFile();
        ProcessRunner.Output out = ProcessRunner.run(List.of("curl", "-sS", "--max-time", "15", httpVersion,
                "--tlsv1.3", "--cacert", ca.toString(), "-w", "|%{http_version}",
                "https://localhost:" + port + "/"));
        assertEquals(0, out.exitCode(), out.all());
        return out.stdout();
    }
}
