package dev.tls13;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key log file holds secrets: one it creates is readable by its owner only. */
class KeyLogFileTest {

    private static final String LINE = "CLIENT_HANDSHAKE_TRAFFIC_SECRET " + "00".repeat(32) + " " + "11".repeat(32);

    @TempDir
    Path dir;

    @Test
    void createsTheFileOwnerOnlyWherePermissionsArePosix() throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path file = dir.resolve("keys.log");
        KeyLogFile log = new KeyLogFile(file);
        log.log(null, LINE);
        log.log(null, LINE);
        assertEquals(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(file));
        assertEquals(List.of(LINE, LINE), Files.readAllLines(file, StandardCharsets.US_ASCII));
    }

    @Test
    void appendsToAnExistingFileAndLeavesItsPermissionsAsItsOwnerSetThem() throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path file = dir.resolve("existing.log");
        Files.writeString(file, "# header\n", StandardCharsets.US_ASCII);
        Set<PosixFilePermission> chosen = PosixFilePermissions.fromString("rw-r-----");
        Files.setPosixFilePermissions(file, chosen);
        new KeyLogFile(file).log(null, LINE);
        assertEquals(chosen, Files.getPosixFilePermissions(file));
        assertEquals(List.of("# header", LINE), Files.readAllLines(file, StandardCharsets.US_ASCII));
    }
}
