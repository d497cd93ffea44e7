package dev.tls13.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docs/architecture.md §3: {@code dev.tls13.crypto} may import the JDK and BouncyCastle only. */
class CryptoPackageDependenciesTest {

    private static final Path SOURCES = Paths.get("src/main/java/dev/tls13/crypto");
    private static final Pattern IMPORT = Pattern.compile("(?m)^import\\s+(?:static\\s+)?([\\w.]+)");

    @Test
    void cryptoPackageImportsOnlyJdkAndBouncyCastle() throws IOException {
        assertTrue(Files.isDirectory(SOURCES), "run from the module directory: " + SOURCES.toAbsolutePath());
        List<String> offenders = new ArrayList<>();
        int imports = 0;
        try (Stream<Path> files = Files.list(SOURCES)) {
            for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    imports++;
                    String name = m.group(1);
                    boolean allowed = name.startsWith("java.") || name.startsWith("javax.")
                            || name.startsWith("org.bouncycastle.");
                    if (!allowed) {
                        offenders.add(file.getFileName() + ": " + name);
                    }
                }
            }
        }
        assertTrue(imports > 0, "no imports found");
        assertEquals(List.of(), offenders);
    }
}
