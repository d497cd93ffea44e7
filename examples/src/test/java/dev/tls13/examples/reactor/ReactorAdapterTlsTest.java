package dev.tls13.examples.reactor;

import static dev.tls13.examples.reactor.ReactorNativeTlsTest.FILE_CONTENT;
import static dev.tls13.examples.reactor.ReactorNativeTlsTest.alpn;
import static dev.tls13.examples.reactor.ReactorNativeTlsTest.curl;
import static dev.tls13.examples.reactor.ReactorNativeTlsTest.generic;
import static dev.tls13.examples.reactor.ReactorNativeTlsTest.get;
import static dev.tls13.examples.reactor.ReactorNativeTlsTest.getFile;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tls13.examples.IntegrationCerts;
import dev.tls13.examples.dropin.DropInSslContext;
import dev.tls13.jsse.Tls13Provider;
import dev.tls13.testing.TestPki.Issued;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;

/**
 * Reactor Netty's {@code secure(...)} with an {@code SslContext} from our JSSE adapter, driven by Reactor's
 * HTTPS client (over the JDK's TLS, and over our adapter too) and by curl, for HTTP/2 and HTTP/1.1.
 */
class ReactorAdapterTlsTest {

    private static DisposableServer server;

    @BeforeAll
    static void startServer() throws IOException {
        Path file = Files.createTempFile("reactor-adapter-sendfile", ".txt");
        file.toFile().deleteOnExit();
        Files.writeString(file, FILE_CONTENT, StandardCharsets.US_ASCII);
        Issued cert = IntegrationCerts.server();
        server = ReactorAdapterTls.start(
                DropInSslContext.server(cert.privateKey(), cert.chain().toArray(X509Certificate[]::new)), file);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(10));
        }
    }

    @Test
    void servesHttp2ToJdkTlsReactorClient() {
        HttpClient client = HttpClient.create()
                .protocol(HttpProtocol.H2)
                .secure(spec -> spec.sslContext(generic(Http2SslContextSpec.forClient()
                        .configure(b -> b.sslProvider(SslProvider.JDK)
                                .trustManager(IntegrationCerts.ca().certificate())))));
        assertEquals("h2 HTTP/2.0 https HTTP/2.0", get(client, server.port()));
    }

    @Test
    void servesHttp11ToJdkTlsReactorClient() {
        HttpClient client = HttpClient.create()
                .protocol(HttpProtocol.HTTP11)
                .secure(spec -> spec.sslContext(generic(Http11SslContextSpec.forClient()
                        .configure(b -> b.trustManager(IntegrationCerts.ca().certificate())
                                .applicationProtocolConfig(alpn(ApplicationProtocolNames.HTTP_1_1))))));
        assertEquals("http/1.1 HTTP/1.1 https HTTP/1.1", get(client, server.port()));
    }

    @Test
    void servesHttp2ToReactorClientOnOurAdapterToo() {
        HttpClient client = HttpClient.create()
                .protocol(HttpProtocol.H2)
                .secure(spec -> spec.sslContext(generic(Http2SslContextSpec.forClient()
                        .configure(b -> b.sslProvider(SslProvider.JDK)
                                .sslContextProvider(new Tls13Provider())
                                .protocols("TLSv1.3")
                                .trustManager(IntegrationCerts.ca().certificate())))));
        assertEquals("h2 HTTP/2.0 https HTTP/2.0", get(client, server.port()));
    }

    @Test
    void dropInClientContextNegotiatesH2() throws Exception {
        HttpClient client = HttpClient.create()
                .protocol(HttpProtocol.H2, HttpProtocol.HTTP11)
                .secure(spec -> spec.sslContext(clientContext()));
        assertEquals("h2 HTTP/2.0 https HTTP/2.0", get(client, server.port()));
    }

    @Test
    void sendsFileOverHttp2AndHttp11() {
        HttpClient h2 = HttpClient.create()
                .protocol(HttpProtocol.H2)
                .secure(spec -> spec.sslContext(generic(Http2SslContextSpec.forClient()
                        .configure(b -> b.trustManager(IntegrationCerts.ca().certificate())))));
        assertEquals(FILE_CONTENT, getFile(h2, server.port()));
        HttpClient h1 = HttpClient.create()
                .protocol(HttpProtocol.HTTP11)
                .secure(spec -> spec.sslContext(generic(Http11SslContextSpec.forClient()
                        .configure(b -> b.trustManager(IntegrationCerts.ca().certificate())))));
        assertEquals(FILE_CONTENT, getFile(h1, server.port()));
    }

    @Test
    void servesHttp2ToCurl() throws Exception {
        assertEquals("https HTTP/2.0|2", curl("--http2", server.port()));
    }

    @Test
    void servesHttp11ToCurl() throws Exception {
        assertEquals("https HTTP/1.1|1.1", curl("--http1.1", server.port()));
    }

    private static SslContext clientContext() {
        try {
            return DropInSslContext.client(IntegrationCerts.ca().certificate());
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
    }
}
