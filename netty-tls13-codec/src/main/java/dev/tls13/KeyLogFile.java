package dev.tls13;

import io.netty.channel.Channel;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Appends NSS key log lines to a file ({@link Tls13KeyLog#toFile}). The file is opened for each line:
 * a key log is a debugging aid written a handful of times per connection, and this way it is never left
 * open and stays correct when other processes append too ({@code O_APPEND}).
 *
 * <p>The lines are secrets: anyone who reads them decrypts the captured traffic. A file this class
 * creates is therefore owner-only ({@code 0600}) where the file system has POSIX permissions, set
 * atomically at creation so no other user can open it in between; an existing file keeps the
 * permissions its owner gave it.
 */
final class KeyLogFile implements Tls13KeyLog {

    private static final InternalLogger LOGGER = InternalLoggerFactory.getInstance(KeyLogFile.class);

    /** The key log that logs nothing. */
    static final Tls13KeyLog DISABLED = (channel, line) -> { };

    /** One lock for every file: lines from different channels must not interleave. */
    private static final Object LOCK = new Object();

    private static final Set<OpenOption> APPEND =
            Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);

    private final Path file;
    /** The attributes a file created here gets: owner-only where the file system has POSIX permissions. */
    private final FileAttribute<?>[] created;

    KeyLogFile(Path file) {
        this.file = Objects.requireNonNull(file, "file").toAbsolutePath();
        this.created = ownerOnly(this.file);
    }

    @Override
    public void log(Channel channel, String nssKeyLogLine) {
        byte[] bytes = (nssKeyLogLine + '\n').getBytes(StandardCharsets.US_ASCII);
        synchronized (LOCK) {
            try (SeekableByteChannel out = Files.newByteChannel(file, APPEND, created)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
            } catch (IOException e) {
                // A debugging aid must not break the connection. Never log the line: it holds a secret.
                LOGGER.warn("{} cannot append to the key log file {}", channel, file, e);
            }
        }
    }

    /** rw------- where the file's file system has POSIX permissions; none elsewhere (Windows ACLs). */
    private static FileAttribute<?>[] ownerOnly(Path file) {
        if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE))};
    }

    @Override
    public String toString() {
        return "Tls13KeyLog[" + file + "]";
    }
}
