package dev.tls13.examples.peers;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A peer process whose standard output and error are collected (merged) while it runs; its standard input
 * stays open until {@link #closeStdin()}. Closing it kills it.
 */
final class Proc implements AutoCloseable {

    private final Process process;
    private final String command;
    private final StringBuilder output = new StringBuilder();
    private boolean ended;

    private Proc(Process process, String command) {
        this.process = process;
        this.command = command;
        Thread reader = new Thread(this::read, "peer-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code command} in {@code directory}. */
    static Proc start(List<String> command, File directory) throws IOException {
        Process p = new ProcessBuilder(command).directory(directory).redirectErrorStream(true).start();
        return new Proc(p, String.join(" ", command));
    }

    private void read() {
        byte[] buffer = new byte[65536];
        try (InputStream in = process.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                synchronized (this) {
                    // ISO-8859-1 maps every byte to one char, so lengths and offsets stay byte-exact.
                    output.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                    notifyAll();
                }
            }
        } catch (IOException e) {
            synchronized (this) {
                output.append("\n(output ended: ").append(e).append(")\n");
            }
        }
        synchronized (this) {
            ended = true;
            notifyAll();
        }
    }

    /** Writes text to the process's standard input and flushes it. */
    void write(String text) throws IOException {
        write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Writes bytes to the process's standard input and flushes it. */
    void write(byte[] bytes) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write(bytes);
        in.flush();
    }

    /** Closes the process's standard input (EOF). */
    void closeStdin() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // The process may already have exited; its output tells why.
        }
    }

    /**
     * Waits until the output contains {@code text}, at most {@code seconds}.
     *
     * @return whether it appeared
     */
    boolean await(String text, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int from = 0;
        synchronized (this) {
            while (true) {
                int at = output.indexOf(text, from);
                if (at >= 0) {
                    return true;
                }
                from = Math.max(0, output.length() - text.length());
                long left = deadline - System.nanoTime();
                if (ended || left <= 0) {
                    return false;
                }
                wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /** Waits at most {@code seconds} for the process to exit; returns whether it did. */
    boolean awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            return false;
        }
        // Let the reader drain what the process wrote before it exited.
        synchronized (this) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (!ended && System.nanoTime() < deadline) {
                wait(100);
            }
        }
        return true;
    }

    /** @return everything the process printed so far */
    synchronized String output() {
        return output.toString();
    }

    /** @return the command line */
    String command() {
        return command;
    }

    @Override
    public void close() {
        // SIGTERM first: gnutls-serv and s_server then exit normally and flush what they buffered.
        process.destroy();
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            process.destroyForcibly();
        }
    }
}
