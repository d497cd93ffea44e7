package dev.tls13.ecosys;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;

/**
 * An external program (openssl, tshark) run by a test: its output lines are collected by a reader
 * thread and can be awaited with a bound; {@link #close()} kills it.
 */
final class ExternalProcess implements AutoCloseable {

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private ExternalProcess(Process process) {
        this.process = process;
        this.reader = new Thread(this::readLines, "output of " + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Finds a binary on the PATH. Without it: fails when {@code CI=true}, else skips the test with the reason.
     *
     * @param binary the program name
     * @param debianPackage the package that provides it
     * @return its path
     */
    static Path require(String binary, String debianPackage) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(dir, binary);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        unavailable(binary + " is not installed (Debian package " + debianPackage + ")");
        throw new AssertionError("unreachable");
    }

    /**
     * Fails when {@code CI=true}, else skips the test.
     *
     * @param reason why the test cannot run
     */
    static void unavailable(String reason) {
        if ("true".equals(System.getenv("CI"))) {
            fail(reason);
        }
        Assumptions.abort(reason);
    }

    /** Starts a program with stderr merged into stdout; its stdin stays open until {@link #closeInput()}. */
    static ExternalProcess start(Path workDir, String... command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        return new ExternalProcess(builder.start());
    }

    private void readLines() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // The process was killed: the lines read so far stay available.
        } finally {
            synchronized (lines) {
                lines.add(null);
                lines.notifyAll();
            }
        }
    }

    /**
     * Waits for an output line that matches.
     *
     * @return the line, or empty when the output ended or the time ran out first
     */
    Optional<String> awaitLine(Predicate<String> matcher, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (lines) {
            int seen = 0;
            while (true) {
                for (; seen < lines.size(); seen++) {
                    String line = lines.get(seen);
                    if (line == null) {
                        return Optional.empty();
                    }
                    if (matcher.test(line)) {
                        return Optional.of(line);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                TimeUnit.NANOSECONDS.timedWait(lines, left);
            }
        }
    }

    /** @return everything printed so far, for failure messages */
    String output() {
        synchronized (lines) {
            StringBuilder b = new StringBuilder();
            for (String line : lines) {
                if (line != null) {
                    b.append(line).append('\n');
                }
            }
            return b.toString();
        }
    }

    /**
     * Writes text to the program's stdin (openssl s_client/s_server send what they read there).
     *
     * @param text the text, sent as UTF-8
     * @throws IOException if the program's input is closed
     */
    void send(String text) throws IOException {
        process.getOutputStream().write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    /** Closes the program's stdin (openssl s_client/s_server quit on end of input). */
    void closeInput() throws IOException {
        process.getOutputStream().close();
    }

    /** Asks the program to stop (SIGTERM) and waits for it, at most 20 s; returns whether it exited. */
    boolean terminate() throws InterruptedException {
        process.destroy();
        return process.waitFor(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
    }
}
