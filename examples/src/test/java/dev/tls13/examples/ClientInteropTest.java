package dev.tls13.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code client} command against {@code openssl s_server -tls1_3 -www}, run as a process, and against
 * {@code -tls1_2} (issue #16).
 */
class ClientInteropTest {

    private static final SelfSigned CERTIFICATE = SelfSigned.generate();
    private static Path certificateFile;
    private static Path keyFile;

    @BeforeAll
    static void writeCertificate(@TempDir Path directory) throws Exception {
        certificateFile = directory.resolve("server.pem");
        keyFile = directory.resolve("server.key");
        CERTIFICATE.writeCertificate(certificateFile);
        CERTIFICATE.writeKey(keyFile);
    }

    /** Starts {@code openssl s_server -tls1_3 -www} on a free loopback port with the extra arguments. */
    private static External.Peer opensslServer(int port, String... extra) throws Exception {
        return opensslServer("-tls1_3", port, extra);
    }

    /** Starts {@code openssl s_server -www} restricted to {@code version} ({@code -tls1_3}, {@code -tls1_2}). */
    private static External.Peer opensslServer(String version, int port, String... extra) throws Exception {
        External.require("openssl");
        List<String> command = new ArrayList<>(List.of("openssl", "s_server", version, "-www",
                "-accept", "127.0.0.1:" + port, "-key", keyFile.toString(), "-cert", certificateFile.toString()));
        command.addAll(List.of(extra));
        return External.start(command, "ACCEPT");
    }

    private static HttpsClient.Result fetch(int port, List<String> suites, ByteArrayOutputStream out)
            throws Exception {
        Tls.ClientSettings tls = new Tls.ClientSettings(Tls.Trust.CERTIFICATES, null,
                List.of(CERTIFICATE.certificate()), List.of(), null, suites, List.of());
        return HttpsClient.fetch(new HttpsClient.Config("localhost", port,
                new InetSocketAddress("127.0.0.1", port), tls), new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @Test
    void clientCommandGetsThePageFromOpensslServer() throws Exception {
        int port = External.freePort();
        try (External.Peer server = opensslServer(port)) {
            CommandLineTest.Run run = CommandLineTest.Run.of("client", "127.0.0.1:" + port,
                    "--trust", certificateFile.toString());
            assertEquals(0, run.status(), run.out() + run.err() + server.output());
            assertTrue(run.out().contains("Protocol:           TLSv1.3"), run.out());
            assertTrue(run.out().contains(" 0 s: CN=localhost"), run.out());
            assertTrue(run.out().contains("   i: CN=localhost"), run.out());
            assertTrue(run.out().contains("   key: EC P-256"), run.out());
            assertTrue(run.out().contains("HTTP/1.0 200 ok"), run.out());
            assertTrue(run.out().contains("New, TLSv1.3, Cipher is TLS_"), run.out());
        }
    }

    /** Issue #16: the client speaks TLS 1.2 by default and with {@code --tls1_2}, and prints the protocol. */
    @ParameterizedTest(name = "--tls1_2: {0}")
    @ValueSource(booleans = {true, false})
    void clientGetsThePageFromOpensslServerRestrictedToTls12(boolean restricted) throws Exception {
        int port = External.freePort();
        try (External.Peer server = opensslServer("-tls1_2", port)) {
            List<String> args = new ArrayList<>(List.of("client", "localhost:" + port,
                    "--trust", certificateFile.toString()));
            if (restricted) {
                args.add("--tls1_2");
            }
            CommandLineTest.Run run = CommandLineTest.Run.of(args.toArray(new String[0]));
            assertEquals(0, run.status(), run.out() + run.err() + server.output());
            assertTrue(run.out().contains("Protocol:           TLSv1.2"), run.out());
            assertTrue(run.out().contains("Cipher suite:       TLS_ECDHE_ECDSA_WITH_"), run.out());
            assertTrue(run.out().contains("New, TLSv1.2, Cipher is ECDHE-ECDSA-"), run.out());
        }
    }

    @Test
    void clientRestrictedToTls13RefusesOpensslServerRestrictedToTls12() throws Exception {
        int port = External.freePort();
        try (External.Peer server = opensslServer("-tls1_2", port)) {
            CommandLineTest.Run run = CommandLineTest.Run.of("client", "localhost:" + port,
                    "--trust", certificateFile.toString(), "--tls1_3");
            assertEquals(1, run.status(), run.out() + run.err() + server.output());
            assertTrue(run.err().contains("protocol_version"), run.err());
        }
    }

    @Test
    void clientRestrictedToTls12GetsTls12FromOpensslServerThatPrefersTls13() throws Exception {
        int port = External.freePort();
        try (External.Peer server = opensslServer("-no_ssl3", port)) {
            CommandLineTest.Run run = CommandLineTest.Run.of("client", "localhost:" + port,
                    "--trust", certificateFile.toString(), "--tls1_2");
            assertEquals(0, run.status(), run.out() + run.err() + server.output());
            assertTrue(run.out().contains("Protocol:           TLSv1.2"), run.out());
            run = CommandLineTest.Run.of("client", "localhost:" + port, "--trust", certificateFile.toString());
            assertEquals(0, run.status(), run.out() + run.err() + server.output());
            assertTrue(run.out().contains("Protocol:           TLSv1.3"), "a TLS 1.3 server still gets TLS 1.3");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"})
    void clientForcingEachDefaultSuiteGetsThePage(String suite) throws Exception {
        int port = External.freePort();
        try (External.Peer server = opensslServer(port)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            HttpsClient.Result result = fetch(port, List.of(suite), out);
            assertEquals(200, result.status(), out + server.output());
            assertEquals(suite, result.session().cipherSuite());
            assertTrue(result.body().contains("New, TLSv1.3, Cipher is " + suite), result.body());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"})
    void clientNegotiatesTheOptInCcmSuitesWhenBothSidesListThem(String suite) throws Exception {
        int port = External.freePort();
        try (External.Peer server = opensslServer(port, "-ciphersuites", suite)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            HttpsClient.Result result = fetch(port, List.of(suite), out);
            assertEquals(200, result.status(), out + server.output());
            assertEquals(suite, result.session().cipherSuite());
            assertTrue(result.body().contains("New, TLSv1.3, Cipher is " + suite), result.body());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"X25519", "P-256", "P-384", "P-521", "X448"})
    void clientGetsThePageFromOpensslServerRestrictedToOneGroup(String group) throws Exception {
        int port = External.freePort();
        try (External.Peer server = opensslServer(port, "-groups", group)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            HttpsClient.Result result = fetch(port, List.of(), out);
            assertEquals(200, result.status(), out + server.output());
            assertEquals(Names.group(group), result.session().group());
            // The client shares X25519MLKEM768 (which OpenSSL 3.0 does not know) and x25519: any other group takes
            // a HelloRetryRequest (RFC 8446 §4.1.4).
            assertEquals(!group.equals("X25519"), result.session().helloRetryRequest());
            assertTrue(result.body().contains("New, TLSv1.3, Cipher is TLS_"), result.body());
        }
    }

    @Test
    void clientAnswersHelloRetryRequestFromOpensslServer() throws Exception {
        int port = External.freePort();
        try (External.Peer server = opensslServer(port, "-groups", "X25519")) {
            CommandLineTest.Run run = CommandLineTest.Run.of("client", "127.0.0.1:" + port,
                    "--trust", certificateFile.toString(), "--groups", "P-256:X25519");
            assertEquals(0, run.status(), run.out() + run.err() + server.output());
            assertTrue(run.out().contains("HelloRetryRequest:  yes"), run.out());
            assertTrue(run.out().contains("Key exchange group: x25519"), run.out());
        }
    }

    @Test
    void clientNegotiatesAlpnWithOpensslServer() throws Exception {
        int port = External.freePort();
        try (External.Peer server = opensslServer(port, "-alpn", "http/1.1")) {
            CommandLineTest.Run run = CommandLineTest.Run.of("client", "127.0.0.1:" + port,
                    "--trust", certificateFile.toString(), "--alpn", "h2,http/1.1");
            assertEquals(0, run.status(), run.out() + run.err() + server.output());
            assertTrue(run.out().contains("ALPN protocol:      http/1.1"), run.out());
        }
    }

    @Test
    void clientSendsTheConfiguredServerNameAndReportsUnrecognizedName() throws Exception {
        int port = External.freePort();
        try (External.Peer server = opensslServer(port, "-servername", "localhost", "-servername_fatal",
                "-cert2", certificateFile.toString(), "-key2", keyFile.toString())) {
            CommandLineTest.Run good = CommandLineTest.Run.of("client", "127.0.0.1:" + port,
                    "--trust", certificateFile.toString(), "--servername", "localhost");
            assertEquals(0, good.status(), good.out() + good.err() + server.output());
            assertTrue(good.out().contains("SNI server name:    localhost"), good.out());
            CommandLineTest.Run wrong = CommandLineTest.Run.of("client", "127.0.0.1:" + port,
                    "--trust", certificateFile.toString(), "--servername", "other.example");
            assertEquals(1, wrong.status(), wrong.out() + wrong.err() + server.output());
            assertTrue(wrong.err().contains("unrecognized_name"), wrong.err());
        }
    }

    @Test
    void insecureClientAcceptsAnyCertificateAndSaysSoOnStandardError() throws Exception {
        int port = External.freePort();
        try (External.Peer server = opensslServer(port)) {
            CommandLineTest.Run run = CommandLineTest.Run.of("client", "127.0.0.1:" + port, "--insecure");
            assertEquals(0, run.status(), run.out() + run.err() + server.output());
            assertTrue(run.err().contains("WARNING: --insecure"), run.err());
            assertTrue(run.out().contains("New, TLSv1.3, Cipher is TLS_"), run.out());
        }
    }

    @Test
    void clientReportsARefusedConnectionWithStatusOne() throws Exception {
        int port = External.freePort();
        CommandLineTest.Run run = CommandLineTest.Run.of("client", "127.0.0.1:" + port, "--insecure");
        assertEquals(1, run.status(), run.out() + run.err());
        assertTrue(run.err().contains("error: cannot connect to 127.0.0.1:" + port), run.err());
    }

    @Test
    void clientRejectsAnUntrustedServerWithAReadableErrorAndStatusOne() throws Exception {
        int port = External.freePort();
        try (External.Peer server = opensslServer(port)) {
            CommandLineTest.Run run = CommandLineTest.Run.of("client", "127.0.0.1:" + port);
            assertEquals(1, run.status(), run.out() + run.err());
            assertTrue(run.err().startsWith("error: TLS handshake with 127.0.0.1:" + port + " failed: "), run.err());
            assertTrue(run.err().contains("(alert unknown_ca sent)"), run.err());
        }
    }
}
