package dev.tls13.examples;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs {@code curl} and {@code openssl} as processes with bounded timeouts. A missing binary fails the
 * test when {@code CI=true} (CI must never skip) and is reported as skipped otherwise.
 */
final class External {

    static final long TIMEOUT_SECONDS = 20;

    private External() {
    }

    /** Fails (CI) or skips (elsewhere) unless {@code binary} is on the PATH. */
    static void require(String binary) {
        require(binary, System.getenv());
    }

    /** {@link #require(String)} with the given environment ({@code PATH}, {@code CI}). */
    static void require(String binary, Map<String, String> environment) {
        String path = environment.get("PATH");
        if (path != null) {
            for (String directory : path.split(File.pathSeparator)) {
                if (new File(directory, binary).canExecute()) {
                    return;
                }
            }
        }
        unavailable(binary + " is not installed (not found on PATH): this interop test cannot run", environment);
    }

    /**
     * Fails (CI) or skips (elsewhere) a test whose external program cannot do its part here, e.g. a
     * {@code tshark} without the privileges to capture.
     *
     * @param message why the test cannot run
     * @param environment the environment ({@code CI})
     */
    static void unavailable(String message, Map<String, String> environment) {
        if ("true".equalsIgnoreCase(environment.get("CI"))) {
            fail(message + "; CI=true, so this is a failure, not a skip");
        }
        Assumptions.assumeTrue(false, message + "; skipped (set CI=true to make this a failure)");
    }

    /**
     * The output of a process that ran to its end.
     *
     * @param exitCode the exit status
     * @param stdout standard output
     * @param stderr standard error
     */
    record Output(int exitCode, String stdout, String stderr) {
        String all() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    /** Runs a command to its end, feeding {@code stdin}; kills it after {@link #TIMEOUT_SECONDS}. */
    static Output run(List<String> command, String stdin) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).start();
        try {
            CompletableFuture<String> out = drain(process.getInputStream());
            CompletableFuture<String> err = drain(process.getErrorStream());
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // The process may exit before reading its input (e.g. curl); its output tells why.
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            return new Output(process.exitValue(), out.join(), err.join());
        } finally {
            process.destroyForcibly();
        }
    }

    /** Reads a stream to its end on a thread of its own (the common pool may have a single thread). */
    static CompletableFuture<String> drain(InputStream stream) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (stream) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                stream.transferTo(bytes);
                result.complete(bytes.toString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                result.completeExceptionally(new UncheckedIOException(e));
            }
        }, "drain");
        reader.setDaemon(true);
        reader.start();
        return result;
    }

    /**
     * Starts a long-running peer and waits until it prints a line starting with {@code readyLine}.
     *
     * @param command the command line
     * @param readyLine how the line that says the peer listens starts (OpenSSL's s_server prints
     *        {@code ACCEPT})
     * @return the running peer; close it to kill it
     */
    static Peer start(List<String> command, String readyLine) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Peer peer = new Peer(process);
        try {
            peer.awaitLine(readyLine);
            return peer;
        } catch (RuntimeException | Error e) {
            peer.close();
            throw e;
        }
    }

    /** A running process whose output is collected line by line; closing it kills it. */
    static final class Peer implements AutoCloseable {
        private final Process process;
        private final StringBuffer output = new StringBuffer();
        private final CompletableFuture<Void> ended = new CompletableFuture<>();
        private final ConcurrentLinkedQueue<CompletableFuture<Void>> waiting =
                new ConcurrentLinkedQueue<>();

        Peer(Process process) {
            this.process = process;
            Thread reader = new Thread(this::read, "peer-output");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    output.append(line).append('\n');
                    waiting.forEach(future -> future.complete(null));
                }
            } catch (IOException e) {
                output.append("(output ended: ").append(e).append(")\n");
            }
            ended.complete(null);
            waiting.forEach(future -> future.complete(null));
        }

        /** Waits, bounded, for a line of output starting with {@code prefix}, and returns it. */
        String awaitLine(String prefix) throws InterruptedException {
            String found = lineOrNull(prefix);
            if (found == null) {
                fail("peer did not print '" + prefix + "' within " + TIMEOUT_SECONDS + " s:\n" + output);
            }
            return found;
        }

        /**
         * Waits, bounded, for a line of output starting with {@code prefix}.
         *
         * @return the line, or {@code null} when the process ended or the time ran out first
         */
        String lineOrNull(String prefix) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (true) {
                String found = findLine(prefix);
                if (found != null) {
                    return found;
                }
                if (ended.isDone() || System.nanoTime() > deadline) {
                    return null;
                }
                CompletableFuture<Void> next = new CompletableFuture<>();
                waiting.add(next);
                try {
                    if (findLine(prefix) == null && !ended.isDone()) {
                        next.get(100, TimeUnit.MILLISECONDS);
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // Look again: the deadline bounds the loop.
                } finally {
                    waiting.remove(next);
                }
            }
        }

        private String findLine(String prefix) {
            for (String line : output.toString().split("\n")) {
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            return null;
        }

        /** Waits at most {@code millis} for the process to end (its output to close); returns whether it did. */
        boolean endsWithin(long millis) throws InterruptedException {
            try {
                ended.get(millis, TimeUnit.MILLISECONDS);
                return true;
            } catch (ExecutionException | TimeoutException e) {
                return false;
            }
        }

        /** Stops the process gently (SIGTERM) and returns its exit status, or -1 if it did not end. */
        int terminate() throws InterruptedException {
            process.destroy();
            return process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) ? process.exitValue() : -1;
        }

        String output() {
            return output.toString();
        }

        @Override
        public void close() {
            process.destroyForcibly();
            try {
                process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A port that was free on 127.0.0.1 a moment ago (for peers that cannot report the port they bound). */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
