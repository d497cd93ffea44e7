package dev.tls13;

import io.netty.channel.Channel;
import java.nio.file.Path;

/**
 * Receives the secrets of each connection as NSS key log lines (RFC 9850: {@code LABEL client_random
 * secret}), e.g. to append them to an {@code SSLKEYLOGFILE} so Wireshark can decrypt a capture. Anyone
 * holding these lines can decrypt the traffic: enable it only for debugging.
 *
 * <p>A connection logs {@code CLIENT_HANDSHAKE_TRAFFIC_SECRET}, {@code SERVER_HANDSHAKE_TRAFFIC_SECRET},
 * {@code CLIENT_TRAFFIC_SECRET_0}, {@code SERVER_TRAFFIC_SECRET_0} and {@code EXPORTER_SECRET}, then one
 * {@code CLIENT_TRAFFIC_SECRET_N} or {@code SERVER_TRAFFIC_SECRET_N} per KeyUpdate (RFC 8446 §4.6.3).
 * Lines are delivered on the channel's event loop.
 */
@FunctionalInterface
public interface Tls13KeyLog {

    /** The environment variable naming the key log file, as understood by NSS, OpenSSL, curl and Wireshark. */
    String SSLKEYLOGFILE = "SSLKEYLOGFILE";

    /**
     * One key log line.
     *
     * @param channel the channel the secret belongs to
     * @param nssKeyLogLine the line, without a newline
     */
    void log(Channel channel, String nssKeyLogLine);

    /**
     * A key log that appends every line (with a newline) to a file, creating it if needed. Writes are
     * serialized within the JVM and each line is written with one append, so several contexts and
     * processes may share a file; each line is on disk when {@link #log} returns.
     *
     * @param file the key log file
     * @return the writer
     */
    static Tls13KeyLog toFile(Path file) {
        return new KeyLogFile(file);
    }

    /**
     * The key log the {@value #SSLKEYLOGFILE} environment variable asks for: a {@linkplain #toFile file
     * writer} when it names a file, else {@link #disabled()}, which the context builder treats as no key
     * log at all (no secret is ever formatted).
     *
     * @return the key log
     */
    static Tls13KeyLog fromEnvironment() {
        return fromFileName(System.getenv(SSLKEYLOGFILE));
    }

    /**
     * Like {@link #fromEnvironment()}, for a given value of the variable.
     *
     * @param fileName the file name, or {@code null} / blank for none
     * @return a file writer, or {@link #disabled()}
     */
    static Tls13KeyLog fromFileName(String fileName) {
        if (fileName == null || fileName.isBlank()) {
            return disabled();
        }
        return toFile(Path.of(fileName));
    }

    /**
     * The key log that logs nothing; {@link Tls13ContextBuilder#keyLog} treats it like {@code null}.
     *
     * @return the singleton
     */
    static Tls13KeyLog disabled() {
        return KeyLogFile.DISABLED;
    }
}
