package dev.tls13.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Real clients, run as processes, against the {@code server} command: curl and openssl s_client. */
class ServerInteropTest {

    private static final SelfSigned CERTIFICATE = SelfSigned.generate();
    private static final BlockingQueue<String> LOG = new LinkedBlockingQueue<>();
    private static HttpsServer server;
    private static Path certificateFile;

    @BeforeAll
    static void startServer(@TempDir Path directory) throws Exception {
        certificateFile = directory.resolve("server.pem");
        CERTIFICATE.writeCertificate(certificateFile);
        server = HttpsServer.start(new HttpsServer.Config("127.0.0.1", 0, null, null, CERTIFICATE, null,
                List.of("http/1.1"), List.of(), List.of()), LOG::add);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void forgetEarlierConnections() {
        LOG.clear();
    }

    private static String url(String host) {
        return "https://" + host + ":" + server.port() + "/";
    }

    @Test
    void curlVerifyingTheCertificateAndHostNameGetsThePage() throws Exception {
        External.require("curl");
        External.Output curl = External.run(List.of("curl", "-sS", "--tlsv1.3", "--max-time", "10",
                "--cacert", certificateFile.toString(),
                "--resolve", "localhost:" + server.port() + ":127.0.0.1", url("localhost")), "");
        assertEquals(0, curl.exitCode(), curl.all());
        assertTrue(curl.stdout().contains("netty-tls13-codec test server"), curl.all());
        assertTrue(curl.stdout().contains("Protocol:           TLSv1.3"), curl.all());
        assertTrue(curl.stdout().contains("Request:            GET / HTTP/1.1"), curl.all());
        assertTrue(curl.stdout().contains("SNI server name:    localhost"), curl.all());
        assertTrue(curl.stdout().contains("ALPN protocol:      http/1.1"), curl.all());
    }

    @Test
    void curlInsecureAgainstTheLoopbackAddressGetsThePage() throws Exception {
        External.require("curl");
        External.Output curl = External.run(List.of("curl", "-sS", "-k", "--tlsv1.3", "--max-time", "10",
                url("127.0.0.1")), "");
        assertEquals(0, curl.exitCode(), curl.all());
        assertTrue(curl.stdout().contains("netty-tls13-codec test server"), curl.all());
        assertTrue(curl.stdout().contains("Cipher suite:       TLS_"), curl.all());
        // RFC 6066 §3: no SNI for an IP address literal.
        assertTrue(curl.stdout().contains("SNI server name:    (none)"), curl.all());
    }

    @Test
    void curlWithoutTrustIsRejectedAndTheServerLogsTheFailure() throws Exception {
        External.require("curl");
        External.Output curl = External.run(List.of("curl", "-sS", "--tlsv1.3", "--max-time", "10",
                "--resolve", "localhost:" + server.port() + ":127.0.0.1", url("localhost")), "");
        assertTrue(curl.exitCode() != 0, curl.all());
        assertTrue(curl.stderr().toLowerCase(Locale.ROOT).contains("certificate"), curl.all());
        awaitLogLine("handshake failed: received fatal alert: unknown_ca");
    }

    @Test
    void opensslClientVerifyingTheChainGetsThePage() throws Exception {
        External.require("openssl");
        External.Output client = External.run(List.of("openssl", "s_client", "-tls1_3",
                "-connect", "127.0.0.1:" + server.port(), "-servername", "localhost",
                "-CAfile", certificateFile.toString(), "-verify_return_error", "-verify_hostname", "localhost",
                "-ign_eof"), "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertEquals(0, client.exitCode(), client.all());
        assertTrue(client.stdout().contains("Cipher is TLS_AES_"), client.all());
        assertTrue(client.stdout().contains("Verify return code: 0 (ok)"), client.all());
        assertTrue(client.stdout().contains("HTTP/1.1 200 OK"), client.all());
        assertTrue(client.stdout().contains("netty-tls13-codec test server"), client.all());
        assertTrue(client.stdout().contains("SNI server name:    localhost"), client.all());
        awaitLogLine("TLSv1.3 TLS_AES_");
    }

    @ParameterizedTest
    @CsvSource({"X25519, x25519, X25519", "P-256, secp256r1, 'ECDH, prime256v1'", "P-384, secp384r1, 'ECDH, secp384r1'",
        "P-521, secp521r1, 'ECDH, secp521r1'", "X448, x448, X448"})
    void opensslClientOfferingOneGroupGetsThePageNamingIt(String openssl, String name, String tempKey)
            throws Exception {
        External.require("openssl");
        External.Output client = External.run(List.of("openssl", "s_client", "-tls1_3",
                "-connect", "127.0.0.1:" + server.port(), "-groups", openssl,
                "-CAfile", certificateFile.toString(), "-verify_return_error", "-ign_eof"),
                "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertEquals(0, client.exitCode(), client.all());
        assertTrue(client.stdout().contains("Server Temp Key: " + tempKey), client.all());
        assertTrue(client.stdout().contains("Key exchange group: " + name + "\n"), client.all());
        assertTrue(client.stdout().contains("HelloRetryRequest:  no"), client.all());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"})
    void opensslClientForcingEachDefaultSuiteGetsThePage(String suite) throws Exception {
        External.require("openssl");
        External.Output client = External.run(List.of("openssl", "s_client", "-tls1_3",
                "-connect", "127.0.0.1:" + server.port(), "-ciphersuites", suite,
                "-CAfile", certificateFile.toString(), "-verify_return_error", "-ign_eof"),
                "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertEquals(0, client.exitCode(), client.all());
        assertTrue(client.stdout().contains("Cipher is " + suite), client.all());
        assertTrue(client.stdout().contains("Cipher suite:       " + suite + "\n"), client.all());
    }

    @Test
    void opensslClientWithoutACommonSuiteGetsHandshakeFailureAndTheServerLogsWhy() throws Exception {
        External.require("openssl");
        External.Output client = External.run(List.of("openssl", "s_client", "-tls1_3",
                "-connect", "127.0.0.1:" + server.port(), "-ciphersuites", "TLS_AES_128_CCM_SHA256"), "");
        assertTrue(client.exitCode() != 0, client.all());
        assertTrue(client.stderr().contains("alert handshake failure"), client.all());
        awaitLogLine("handshake failed: No cipher suite in common");
    }

    /** Issue #16: the server speaks TLS 1.2 by default; the page and the log name the protocol. */
    @Test
    void opensslClientRestrictedToTls12GetsThePageOverTls12() throws Exception {
        External.require("openssl");
        External.Output client = External.run(List.of("openssl", "s_client", "-tls1_2",
                "-connect", "127.0.0.1:" + server.port(), "-CAfile", certificateFile.toString(),
                "-verify_return_error", "-ign_eof"),
                "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertEquals(0, client.exitCode(), client.all());
        assertTrue(client.stdout().contains("New, TLSv1.2, Cipher is ECDHE-ECDSA-"), client.all());
        assertTrue(client.stdout().contains("Protocol:           TLSv1.2\n"), client.all());
        awaitLogLine("TLSv1.2 TLS_ECDHE_ECDSA_WITH_");
    }

    @Test
    void serverRestrictedToTls13RefusesATls12ClientWithProtocolVersion() throws Exception {
        External.require("openssl");
        HttpsServer.Config config = HttpsServer.parse(new String[] {"--port", "0", "--tls1_3"}, System.out,
                System.err);
        try (HttpsServer tls13 = HttpsServer.start(config, LOG::add)) {
            External.Output client = External.run(List.of("openssl", "s_client", "-tls1_2",
                    "-connect", "127.0.0.1:" + tls13.port()), "");
            assertTrue(client.exitCode() != 0, client.all());
            assertTrue(client.stderr().contains("alert protocol version"), client.all());
            awaitLogLine("handshake failed");
        }
    }

    @Test
    void ourClientCommandRestrictedToTls12GetsThePageOverTls12AndTls13ByDefault() throws Exception {
        CommandLineTest.Run run = CommandLineTest.Run.of("client", "localhost:" + server.port(),
                "--trust", certificateFile.toString(), "--tls1_2");
        assertEquals(0, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("Protocol:           TLSv1.2"), run.out());
        run = CommandLineTest.Run.of("client", "localhost:" + server.port(), "--trust", certificateFile.toString());
        assertEquals(0, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("Protocol:           TLSv1.3"), run.out());
    }

    @Test
    void serverPreferringAGroupWithoutKeyShareAsksForItWithHelloRetryRequest() throws Exception {
        External.require("openssl");
        try (HttpsServer preferP256 = HttpsServer.start(new HttpsServer.Config("127.0.0.1", 0, null, null,
                CERTIFICATE, null, List.of("http/1.1"), List.of(), List.of("secp256r1", "x25519")), LOG::add)) {
            External.Output client = External.run(List.of("openssl", "s_client", "-tls1_3",
                    "-connect", "127.0.0.1:" + preferP256.port(), "-groups", "X25519:P-256",
                    "-CAfile", certificateFile.toString(), "-verify_return_error", "-ign_eof"),
                    "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            assertEquals(0, client.exitCode(), client.all());
            assertTrue(client.stdout().contains("HelloRetryRequest:  yes"), client.all());
            assertTrue(client.stdout().contains("Key exchange group: secp256r1"), client.all());
            awaitLogLine("TLSv1.3 TLS_AES_");
        }
    }

    @Test
    void serverCommandServesAnRsaCertificateAndKeyFromOpensslPemFiles(@TempDir Path directory) throws Exception {
        External.require("openssl");
        External.require("curl");
        Path cert = directory.resolve("rsa.crt");
        Path key = directory.resolve("rsa.key");
        External.Output generated = External.run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048",
                "-keyout", key.toString(), "-out", cert.toString(), "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost", "-nodes", "-batch", "-days", "30"), "");
        assertEquals(0, generated.exitCode(), generated.all());
        HttpsServer.Config config = HttpsServer.parse(new String[] {"--port", "0", "--cert", cert.toString(),
            "--key", key.toString(), "--ciphersuites", "TLS_AES_256_GCM_SHA384"}, System.out, System.err);
        try (HttpsServer rsa = HttpsServer.start(config, LOG::add)) {
            External.Output curl = External.run(List.of("curl", "-sS", "--tlsv1.3", "--max-time", "10",
                    "--cacert", cert.toString(), "--resolve", "localhost:" + rsa.port() + ":127.0.0.1",
                    "https://localhost:" + rsa.port() + "/"), "");
            assertEquals(0, curl.exitCode(), curl.all());
            assertTrue(curl.stdout().contains("Signature scheme:   rsa_pss_rsae_sha256"), curl.all());
            assertTrue(curl.stdout().contains("Cipher suite:       TLS_AES_256_GCM_SHA384"), curl.all());
        }
    }

    /** The connection log is written on the server's event loop: wait for the line, bounded. */
    private static void awaitLogLine(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(External.TIMEOUT_SECONDS);
        List<String> seen = new ArrayList<>();
        while (true) {
            String line = LOG.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no log line with '" + text + "' in " + seen);
            }
            seen.add(line);
            if (line.contains(text)) {
                return;
            }
        }
    }
}
