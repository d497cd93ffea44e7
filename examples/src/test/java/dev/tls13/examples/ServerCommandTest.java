package dev.tls13.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code server} command as a user runs it: its own JVM, curl against it, stopped with SIGTERM. */
class ServerCommandTest {

    @Test
    void serverCommandGeneratesACertificateServesCurlAndStopsOnSigterm() throws Exception {
        External.require("curl");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (External.Peer server = External.start(List.of(java, "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "server", "--port", "0"), "listening on https://127.0.0.1:")) {
            String listening = server.awaitLine("listening on https://127.0.0.1:");
            int port = Integer.parseInt(listening.replaceAll(".*:(\\d+)/$", "$1"));
            Path pem = Path.of(server.awaitLine("  saved to ").replaceAll("^  saved to (\\S+) .*", "$1"));
            String fingerprint = server.awaitLine("  SHA-256 fingerprint: ").substring(23);
            X509Certificate certificate;
            try (InputStream in = Files.newInputStream(pem)) {
                certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            assertEquals(SelfSigned.fingerprint(certificate), fingerprint);
            assertTrue(server.awaitLine("try: curl").endsWith(" https://localhost:" + port + "/"), server.output());

            External.Output curl = External.run(List.of("curl", "-sS", "--tlsv1.3", "--max-time", "10",
                    "--cacert", pem.toString(), "--resolve", "localhost:" + port + ":127.0.0.1",
                    "https://localhost:" + port + "/"), "");
            assertEquals(0, curl.exitCode(), curl.all() + server.output());
            assertTrue(curl.stdout().contains("netty-tls13-codec test server"), curl.all());
            assertTrue(server.awaitLine("127.0.0.1:").contains(" TLSv1.3 TLS_AES_"), server.output());

            assertNotEquals(-1, server.terminate(), "the server did not stop on SIGTERM");
            assertFalse(Files.exists(pem), "the generated certificate is removed at exit");
        }
    }
}
