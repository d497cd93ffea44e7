package dev.tls13.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@code server} command on each engine the load benchmark (benchmarks/load.sh) compares: our handler and
 * Netty's SslHandler on the JDK's engine and on BoringSSL, over NIO and epoll, answering HTTP/1.1 and h2 (chosen
 * by ALPN) with the fixed body of {@code --body-size}; curl is the client.
 */
class ServerEnginesTest {

    private static final SelfSigned CERTIFICATE = SelfSigned.generate();

    @ParameterizedTest(name = "{0} over {1}, {2}")
    @CsvSource({
        "OURS, nio, http1.1", "OURS, nio, http2", "OURS, epoll, http1.1", "OURS, epoll, http2",
        "JDK, nio, http1.1", "JDK, nio, http2", "JDK, epoll, http2",
        "OPENSSL, nio, http1.1", "OPENSSL, nio, http2", "OPENSSL, epoll, http1.1"})
    void everyEngineServesTheFixedBodyOverBothProtocols(Tls.Engine engine, String transport, String http,
                                                        @TempDir Path directory) throws Exception {
        External.require("curl");
        Path certificate = directory.resolve("server.pem");
        CERTIFICATE.writeCertificate(certificate);
        BlockingQueue<String> log = new LinkedBlockingQueue<>();
        HttpsServer.Serving serving = new HttpsServer.Serving(engine, 3000, transport.equals("epoll"), 1, false);
        try (HttpsServer server = HttpsServer.start(new HttpsServer.Config("127.0.0.1", 0, null, null, CERTIFICATE,
                null, List.of("h2", "http/1.1"), List.of(), List.of(), List.of(), List.of(), "none", null,
                Tls.KeyLog.NONE, serving), log::add)) {
            List<String> command = new ArrayList<>(List.of("curl", "-sS", "--tlsv1.3", "--max-time", "10",
                    "--" + http, "--cacert", certificate.toString(), "-o", "/dev/null", "-o", "/dev/null",
                    "-w", "%{http_version} %{http_code} %{size_download}\n",
                    "--resolve", "localhost:" + server.port() + ":127.0.0.1"));
            // Two requests on one connection: keep-alive (HTTP/1.1) or a second stream (h2).
            command.add("https://localhost:" + server.port() + "/a");
            command.add("https://localhost:" + server.port() + "/b");
            External.Output curl = External.run(command, "");
            assertEquals(0, curl.exitCode(), curl.all());
            String version = http.equals("http2") ? "2" : "1.1";
            assertEquals(version + " 200 3000\n" + version + " 200 3000\n", curl.stdout(), curl.all());
            String line = log.poll(10, TimeUnit.SECONDS);
            if (line != null && line.startsWith("listening on")) {
                line = log.poll(10, TimeUnit.SECONDS);
            }
            assertNotNull(line, "no connection line");
            assertTrue(line.contains("TLSv1.3 TLS_AES_"), line);
            assertTrue(line.contains("alpn=" + (http.equals("http2") ? "h2" : "http/1.1")), line);
        }
    }

    @Test
    void theJdkEngineServesThePageAndSaysWhatItCannotReport(@TempDir Path directory) throws Exception {
        External.require("curl");
        Path certificate = directory.resolve("server.pem");
        CERTIFICATE.writeCertificate(certificate);
        HttpsServer.Serving serving = new HttpsServer.Serving(Tls.Engine.JDK, -1, false, 1, true);
        try (HttpsServer server = HttpsServer.start(new HttpsServer.Config("127.0.0.1", 0, null, null, CERTIFICATE,
                null, List.of("http/1.1"), List.of(), List.of(), List.of(), List.of(), "none", null,
                Tls.KeyLog.NONE, serving), line -> { })) {
            External.Output curl = External.run(List.of("curl", "-sS", "--tlsv1.3", "--max-time", "10",
                    "--cacert", certificate.toString(), "--resolve", "localhost:" + server.port() + ":127.0.0.1",
                    "https://localhost:" + server.port() + "/page"), "");
            assertEquals(0, curl.exitCode(), curl.all());
            assertTrue(curl.stdout().contains("Request:            GET /page HTTP/1.1"), curl.all());
            assertTrue(curl.stdout().contains("Key exchange group: (not reported)"), curl.all());
            assertTrue(curl.stdout().contains("SNI server name:    localhost"), curl.all());
        }
    }

    @Test
    void optionsOnlyOurHandlerHasAreRefusedOnNettysEngines() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(1, HttpsServer.run(new String[] {"--port", "0", "--engine", "openssl", "--client-auth",
            "require"}, out, errStream));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("serves one chain without client authentication"),
                err.toString(StandardCharsets.UTF_8));
        Exception usage = assertThrows(Exception.class,
                () -> HttpsServer.parse(new String[] {"--engine", "conscrypt"}, out, errStream));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--engine expects ours, jdk or openssl"),
                usage + " " + err.toString(StandardCharsets.UTF_8));
    }
}
