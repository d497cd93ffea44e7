package dev.tls13.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTest {

    @Test
    void demoNegotiatesTls13AndFetchesThePageInProcess() throws Exception {
        CommandLineTest.Run run = CommandLineTest.Run.of("demo");
        assertEquals(0, run.status(), run.out() + run.err());
        String out = run.out();
        assertTrue(out.matches(
                "(?s).*\\nCipher suite: +TLS_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)\\n.*"),
                out);
        assertTrue(out.contains("Protocol:           TLSv1.3"), out);
        assertTrue(out.contains("HTTP/1.1 200 OK"), out);
        assertTrue(out.contains("netty-tls13-codec test server"), out);
        assertTrue(out.contains("Request:            GET / HTTP/1.1"), out);
        assertTrue(out.contains("[server] listening on https://127.0.0.1:"), out);
        assertTrue(out.contains(" 0 s: CN=localhost"), out);
        assertTrue(out.contains("SNI server name:    localhost"), out);
        assertTrue(out.contains("[server] 127.0.0.1:"), out);
        assertTrue(out.contains("demo complete"), out);
    }

    @Test
    void demoWithKeylogAppendsTheFiveSecretsOfItsConnection(@TempDir Path dir) throws Exception {
        Path keyLog = dir.resolve("keys.txt");
        CommandLineTest.Run run = CommandLineTest.Run.of("demo", "--keylog", keyLog.toString());
        assertEquals(0, run.status(), run.out() + run.err());
        assertTrue(run.err().contains("WARNING: appending the TLS secrets to the key log " + keyLog), run.err());
        assertKeyLogOfOneConnection(keyLog);
    }

    @Test
    void demoHonoursSslKeyLogFileWithoutKeylog(@TempDir Path dir) throws Exception {
        Path keyLog = dir.resolve("from-environment.txt");
        // The environment of this JVM cannot change: run the tool in a child JVM with SSLKEYLOGFILE set.
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "demo")
                .redirectErrorStream(true);
        builder.environment().put("SSLKEYLOGFILE", keyLog.toString());
        Process process = builder.start();
        try {
            CompletableFuture<String> output = External.drain(process.getInputStream());
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the demo ends");
            assertEquals(0, process.exitValue(), output.join());
            assertTrue(output.join().contains("key log " + keyLog + " (SSLKEYLOGFILE)"), output.join());
        } finally {
            process.destroyForcibly();
        }
        assertKeyLogOfOneConnection(keyLog);
    }

    @Test
    void demoWithoutKeylogAnnouncesAKeyLogOnlyWhenSslKeyLogFileIsSet() throws Exception {
        String variable = System.getenv("SSLKEYLOGFILE");
        CommandLineTest.Run run = CommandLineTest.Run.of("demo");
        assertEquals(0, run.status(), run.out() + run.err());
        assertEquals(variable != null && !variable.isBlank(), run.err().contains("key log"), run.err());
    }

    /** One handshake's five secrets (no KeyUpdate), all for the same client random. */
    private static void assertKeyLogOfOneConnection(Path keyLog) throws Exception {
        List<String> lines = Files.readAllLines(keyLog, StandardCharsets.US_ASCII);
        assertEquals(KeyLogCaptureTest.LABELS, lines.stream().map(line -> line.split(" ")[0])
                .collect(Collectors.toSet()), lines::toString);
        assertEquals(KeyLogCaptureTest.LABELS.size(), lines.size(), lines::toString);
        assertEquals(1, lines.stream().map(line -> line.split(" ")[1]).distinct().count(), lines::toString);
        assertFalse(lines.stream().anyMatch(line -> !line.matches("[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]{64,96}")),
                lines::toString);
    }
}
