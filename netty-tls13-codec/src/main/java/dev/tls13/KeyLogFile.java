package dev.tls13;

import io.netty.channel.Channel;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Appends NSS key log lines to a file ({@link Tls13KeyLog#toFile}). The file is opened for each line:
 * a key log is a debugging aid written a handful of times per connection, and this way it is never left
 * open and stays correct when other processes append too ({@code O_APPEND}).
 */
final class KeyLogFile implements Tls13KeyLog {

    private static final InternalLogger LOGGER = InternalLoggerFactory.getInstance(KeyLogFile.class);

    /** The key log that logs nothing. */
    static final Tls13KeyLog DISABLED = (channel, line) -> { };

    /** One lock for every file: lines from different channels must not interleave. */
    private static final Object LOCK = new Object();

    private final Path file;

    KeyLogFile(Path file) {
        this.file = Objects.requireNonNull(file, "file").toAbsolutePath();
    }

    @Override
    public void log(Channel channel, String nssKeyLogLine) {
        byte[] bytes = (nssKeyLogLine + '\n').getBytes(StandardCharsets.US_ASCII);
        synchronized (LOCK) {
            try {
                Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                // A debugging aid must not break the connection. Never log the line: it holds a secret.
                LOGGER.warn("{} cannot append to the key log file {}", channel, file, e);
            }
        }
    }

    @Override
    public String toString() {
        return "Tls13KeyLog[" + file + "]";
    }
}
