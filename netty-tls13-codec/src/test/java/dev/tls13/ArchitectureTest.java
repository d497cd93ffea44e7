package dev.tls13;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docs/architecture.md §3: the core is sans-IO; only {@code dev.tls13.netty} and the root facade touch channels. */
class ArchitectureTest {

    private static final Path MAIN = Paths.get("src/main/java/dev/tls13");
    private static final Pattern CHANNEL_IMPORT = Pattern.compile("(?m)^import\\s+(static\\s+)?io\\.netty\\.channel\\.");

    @Test
    void onlyTheNettyPackageAndTheFacadeImportNettyChannels() throws IOException {
        assertTrue(Files.isDirectory(MAIN), "run from the module directory: " + MAIN.toAbsolutePath());
        List<String> offenders = new ArrayList<>();
        int scanned = 0;
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                scanned++;
                Path rel = MAIN.relativize(file);
                boolean allowed = rel.getNameCount() == 1 || rel.getName(0).toString().equals("netty");
                if (!allowed && CHANNEL_IMPORT.matcher(Files.readString(file)).find()) {
                    offenders.add(rel.toString());
                }
            }
        }
        assertTrue(scanned > 0, "no sources found");
        assertEquals(List.of(), offenders, "core classes must not import io.netty.channel");
    }

    @Test
    void theRuleSeesAnOffendingImport() {
        assertTrue(CHANNEL_IMPORT.matcher("package x;\nimport io.netty.channel.Channel;\n").find());
        assertTrue(!CHANNEL_IMPORT.matcher("import io.netty.buffer.ByteBuf;\n").find());
    }
}
