package dev.tls13.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.tls13.testing.Pcapng;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code tshark} capture of one loopback TCP port into a pcapng file, for tests that dissect it
 * afterwards. When tshark is missing or may not capture here (no privileges), the test fails under
 * {@code CI=true} and is skipped elsewhere, like the other tests that need an external program.
 */
final class LoopbackCapture implements AutoCloseable {

    /** How long to wait for the capture to become live and for segments to reach the file. */
    private static final long WAIT_SECONDS = 30;

    private final Path file;
    private final int port;
    private final External.Peer tshark;

    private LoopbackCapture(Path file, int port, External.Peer tshark) {
        this.file = file;
        this.port = port;
        this.tshark = tshark;
    }

    /**
     * Starts capturing the port and returns once a segment of a probe connection is in the file.
     *
     * @param file the pcapng file to write
     * @param port the server port whose connections are captured
     * @return the running capture; close it to kill tshark
     */
    static LoopbackCapture start(Path file, int port) throws IOException, InterruptedException {
        External.require("tshark");
        Process process = new ProcessBuilder("tshark", "-i", "lo", "-f", "tcp port " + port, "-w", file.toString())
                .redirectErrorStream(true).start();
        LoopbackCapture capture = new LoopbackCapture(file, port, new External.Peer(process));
        try {
            if (capture.tshark.lineOrNull("Capturing on") == null) {
                External.unavailable("tshark cannot capture on the loopback interface here:\n"
                        + capture.tshark.output(), System.getenv());
            }
            // "Capturing on" may come before dumpcap really captures: probe until a probe is in the file.
            capture.awaitSegments(-1, false, 1);
            return capture;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            capture.close();
            throw e;
        }
    }

    /**
     * Waits until both ends' last segments (FIN, or the RST a kernel sends for data that reaches a closed
     * socket) of the connection from {@code peerPort} are in the file: dumpcap writes them later.
     */
    void awaitClosed(int peerPort) throws IOException, InterruptedException {
        awaitSegments(peerPort, true, 2);
    }

    /** Stops tshark gently, so that it writes everything it captured, and checks that it ended. */
    void stop() throws InterruptedException {
        assertNotEquals(-1, tshark.terminate(), "tshark stops on SIGTERM:\n" + tshark.output());
    }

    /**
     * Dissects the capture: our port as TLS, decrypted with the key log when one is given.
     *
     * @param keyLog the NSS key log file, or {@code null} to dissect without secrets
     * @param displayFilter which packets to print, e.g. {@code http}
     * @param fields the fields to print, one line per packet, separated by {@code |}
     * @return tshark's standard output
     */
    String dissect(Path keyLog, String displayFilter, String... fields) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tshark", "-r", file.toString(),
                "-o", "tls.keylog_file:" + (keyLog == null ? "" : keyLog.toString()),
                "-d", "tcp.port==" + port + ",tls", "-Y", displayFilter, "-T", "fields", "-E", "separator=|"));
        for (String field : fields) {
            command.add("-e");
            command.add(field);
        }
        External.Output output = External.run(command, "");
        assertEquals(0, output.exitCode(), output.all());
        return output.stdout();
    }

    /**
     * Bounded wait until the file holds {@code expected} segments between our port and {@code peerPort}
     * (-1: any peer, then each look is preceded by a probe connection).
     */
    private void awaitSegments(int peerPort, boolean endsOnly, int expected) throws IOException,
            InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        int found = 0;
        while (System.nanoTime() < deadline) {
            if (peerPort < 0) {
                new Socket(InetAddress.getLoopbackAddress(), port).close();
            }
            found = Files.exists(file) ? Pcapng.tcpSegments(Files.readAllBytes(file), port, peerPort, endsOnly) : 0;
            if (found >= expected) {
                return;
            }
            // dumpcap flushes its file in batches: look again shortly, unless tshark died (then say why at once).
            if (tshark.endsWithin(50)) {
                break;
            }
        }
        throw new AssertionError("the capture holds " + found + " of " + expected + (endsOnly ? " FIN or RST" : "")
                + " segments between ports " + port + " and " + peerPort + "\n" + tshark.output());
    }

    @Override
    public void close() {
        tshark.close();
    }
}
