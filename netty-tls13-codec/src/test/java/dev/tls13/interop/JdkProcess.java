package dev.tls13.interop;

import dev.tls13.testing.TestPki;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A {@link JdkKeyUpdatePeer} in a child JVM, with its output lines and bounded waits. */
final class JdkProcess implements AutoCloseable {

    private static final String PASSWORD = "interop";
    private static final String END = "\u0000end";

    private final Process process;
    private final Path store;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> output = new ArrayList<>();

    private JdkProcess(Path store, List<String> arguments) throws IOException {
        this.store = store;
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(JdkKeyUpdatePeer.class.getName());
        command.addAll(arguments);
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("read failed: " + e);
            }
            lines.add(END);
        }, "jdk-peer-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts a JDK server with the certificate; read its port with {@link #port()}.
     *
     * @param certificate its certificate, key and chain
     * @return the started process
     * @throws IOException if it cannot start
     * @throws GeneralSecurityException if the key store cannot be written
     */
    static JdkProcess server(TestPki.Issued certificate) throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", certificate.privateKey(), PASSWORD.toCharArray(),
                certificate.chain().toArray(new X509Certificate[0]));
        Path file = save(keys);
        return new JdkProcess(file, List.of("server", file.toString(), PASSWORD));
    }

    /**
     * Starts a JDK client trusting the anchor that echoes {@code length} seeded random bytes through a port.
     *
     * @param anchor the CA certificate it trusts
     * @param port the server's port on 127.0.0.1
     * @param length how many bytes it sends
     * @param seed the seed of the bytes
     * @param stream whether it sends everything at once while reading ({@code false}: 16 KiB, then its echo)
     * @return the started process
     * @throws IOException if it cannot start
     * @throws GeneralSecurityException if the trust store cannot be written
     */
    static JdkProcess client(X509Certificate anchor, int port, int length, long seed, boolean stream)
            throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("anchor", anchor);
        Path file = save(trust);
        return new JdkProcess(file, List.of("client", file.toString(), PASSWORD, Integer.toString(port),
                Integer.toString(length), Long.toString(seed), stream ? "stream" : "pingpong"));
    }

    private static Path save(KeyStore store) throws IOException, GeneralSecurityException {
        Path file = Files.createTempFile("interop-", ".p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, PASSWORD.toCharArray());
        }
        return file;
    }

    /**
     * Waits for a line starting with a prefix.
     *
     * @param prefix e.g. "PORT "
     * @return the rest of the line
     * @throws Exception on timeout or when the process ended without printing it
     */
    String awaitLine(String prefix) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Loopback.TIMEOUT_SECONDS);
        while (true) {
            String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new TimeoutException("the JDK peer printed no '" + prefix + "'; output: " + output);
            }
            if (line.equals(END)) {
                lines.add(END);
                throw new IllegalStateException("the JDK peer ended without '" + prefix + "'; output: " + output);
            }
            output.add(line);
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length());
            }
        }
    }

    int port() throws Exception {
        return Integer.parseInt(awaitLine("PORT "));
    }

    /**
     * Waits for the process to end.
     *
     * @return its exit status
     * @throws Exception on timeout
     */
    int awaitExit() throws Exception {
        if (!process.waitFor(Loopback.TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new TimeoutException("the JDK peer did not end; output: " + output);
        }
        return process.exitValue();
    }

    /** The lines read so far. @return the output */
    List<String> output() {
        return output;
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        Files.deleteIfExists(store);
    }
}
