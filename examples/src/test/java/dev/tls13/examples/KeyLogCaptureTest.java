package dev.tls13.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #7's proof on an examples connection: while {@code tshark} captures loopback, the {@code client}
 * command fetches a page from the {@code server} command's server, both with {@code --keylog}; tshark then
 * decrypts the HTTP of that connection with either key log file, and shows none without one.
 */
class KeyLogCaptureTest {

    /** What one connection logs without a KeyUpdate (RFC 9850 labels). */
    static final Set<String> LABELS = Set.of("CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
            "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET");

    /** The server's log line for a completed handshake names the client's address. */
    private static final Pattern HANDSHAKE_LOG = Pattern.compile("127\\.0\\.0\\.1:(\\d+) TLSv1\\.3 .*");

    private static final String[] HTTP_FIELDS = {"http.request.method", "http.request.uri", "http.user_agent",
        "http.response.code", "http.file_data"};

    @Test
    void tsharkDecryptsTheClientCommandsConnectionWithTheKeyLogOfEitherCommand(@TempDir Path dir) throws Exception {
        External.require("tshark");
        Path clientKeyLog = dir.resolve("client-keylog.txt");
        Path serverKeyLog = dir.resolve("server-keylog.txt");
        // The server command's own parsing and start-up: a self-signed certificate, a free port, --keylog.
        ByteArrayOutputStream serverOut = new ByteArrayOutputStream();
        HttpsServer.Config config = HttpsServer.parse(new String[] {"--port", "0", "--keylog", serverKeyLog.toString()},
                new PrintStream(serverOut, true, StandardCharsets.UTF_8), System.err);
        ConcurrentLinkedQueue<String> serverLog = new ConcurrentLinkedQueue<>();
        String decrypted;
        String decryptedWithServerLog;
        String opaque;
        int clientPort;
        try (HttpsServer server = HttpsServer.start(config, serverLog::add);
             LoopbackCapture capture = LoopbackCapture.start(dir.resolve("capture.pcapng"), server.port())) {
            CommandLineTest.Run client = CommandLineTest.Run.of("client", "127.0.0.1:" + server.port(),
                    "--trust", config.selfSignedPem().toString(), "--keylog", clientKeyLog.toString());
            assertEquals(0, client.status(), client.out() + client.err());
            assertTrue(client.err().contains("key log " + clientKeyLog + " (--keylog)"), client.err());
            clientPort = handshakePort(serverLog);
            capture.awaitClosed(clientPort);
            capture.stop();

            String connection = "http && tcp.port==" + clientPort;
            decrypted = capture.dissect(clientKeyLog, connection, HTTP_FIELDS);
            decryptedWithServerLog = capture.dissect(serverKeyLog, connection, HTTP_FIELDS);
            opaque = capture.dissect(null, "http || tls.app_data", HTTP_FIELDS);
        }

        for (String http : List.of(decrypted, decryptedWithServerLog)) {
            assertTrue(http.contains("GET|/|netty-tls13-examples|"), http);
            assertTrue(http.contains("|200|"), http);
            assertTrue(http.contains("netty-tls13-codec test server"), http);
            assertTrue(http.contains("Request:            GET / HTTP/1.1"), http);
        }
        // The control: the same capture without the secrets holds TLS records but no HTTP.
        assertFalse(opaque.contains("GET") || opaque.contains("netty-tls13"), opaque);
        assertTrue(opaque.lines().count() >= 2, "the capture holds encrypted records:\n" + opaque);

        List<String> clientLines = Files.readAllLines(clientKeyLog, StandardCharsets.US_ASCII);
        assertEquals(LABELS, clientLines.stream().map(line -> line.split(" ")[0]).collect(Collectors.toSet()),
                clientLines::toString);
        assertEquals(LABELS.size(), clientLines.size(), clientLines::toString);
        // Both ends derived the same secrets for the one connection: the files hold the same lines.
        assertEquals(Set.copyOf(clientLines), Set.copyOf(Files.readAllLines(serverKeyLog, StandardCharsets.US_ASCII)));
    }

    /** The client port of the one connection whose handshake the server logged as complete. */
    private static int handshakePort(Iterable<String> serverLog) {
        Integer port = null;
        for (String line : serverLog) {
            Matcher m = HANDSHAKE_LOG.matcher(line);
            if (m.matches()) {
                assertEquals(null, port, "one TLS connection: " + serverLog);
                port = Integer.valueOf(m.group(1));
            }
        }
        assertTrue(port != null, "the server logged the handshake: " + serverLog);
        return port;
    }
}
