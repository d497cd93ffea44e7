package dev.tls13.jsse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The adapter stands on the codec's public API (docs/architecture.md §3): its main sources name, from
 * {@code dev.tls13}, only the root facade ({@code Tls13Context}, its builder), {@code dev.tls13.netty} and
 * {@code dev.tls13.connection}; never the handshake, wire, record, keys, crypto or error packages, by
 * import or by qualified name.
 */
class JsseArchitectureTest {

    private static final Path MAIN = Paths.get("src/main/java/dev/tls13/jsse");
    /** A reference to a sub-package of dev.tls13 (a lower-case segment); a root class starts upper-case. */
    private static final Pattern CODEC_PACKAGE = Pattern.compile("\\bdev\\.tls13\\.([a-z][a-z0-9_]*)\\b");
    private static final Set<String> ALLOWED = Set.of("netty", "connection", "jsse");

    /** The offending packages {@code source} names, in order. */
    static List<String> offendingPackages(String source) {
        List<String> offending = new ArrayList<>();
        Matcher m = CODEC_PACKAGE.matcher(source);
        while (m.find()) {
            if (!ALLOWED.contains(m.group(1))) {
                offending.add("dev.tls13." + m.group(1));
            }
        }
        return offending;
    }

    @Test
    void mainSourcesNameOnlyTheCodecsApiPackages() throws IOException {
        assertTrue(Files.isDirectory(MAIN), "run from the module directory: " + MAIN.toAbsolutePath());
        List<String> offenders = new ArrayList<>();
        int scanned = 0;
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                scanned++;
                for (String pkg : offendingPackages(Files.readString(file))) {
                    offenders.add(MAIN.relativize(file) + ": " + pkg);
                }
            }
        }
        assertTrue(scanned >= 5, "sources found: " + scanned);
        assertEquals(List.of(), offenders, "the JSSE adapter must use dev.tls13, dev.tls13.netty and"
                + " dev.tls13.connection only");
    }

    @Test
    void theRuleSeesOffendingImportsAndQualifiedNames() {
        assertEquals(List.of("dev.tls13.handshake"),
                offendingPackages("package x;\nimport dev.tls13.handshake.ServerConfig;\n"));
        assertEquals(List.of("dev.tls13.wire", "dev.tls13.error"),
                offendingPackages("import static dev.tls13.wire.CipherSuite.of;\n"
                        + "void f() throws dev.tls13.error.TlsException {}\n"));
        for (String internal : new String[] {"record", "keys", "crypto"}) {
            assertEquals(List.of("dev.tls13." + internal),
                    offendingPackages("import dev.tls13." + internal + ".Anything;"));
        }
        assertEquals(List.of(), offendingPackages("import dev.tls13.Tls13Context;\n"
                + "import dev.tls13.Tls13ContextBuilder;\nimport dev.tls13.connection.TlsConnection;\n"
                + "import dev.tls13.netty.Tls13Handler;\npackage dev.tls13.jsse;\n"));
    }
}
