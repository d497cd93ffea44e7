package dev.tls13;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/architecture.md §3, checked on the sources: which of our packages each package
 * may import, and which libraries only some packages may touch. The core is sans-IO: only
 * {@code dev.tls13.netty} and the root facade touch channels.
 */
class ArchitectureTest {

    private static final Path MAIN = Paths.get("src/main/java/dev/tls13");
    private static final Path REPOSITORY = Paths.get("..");
    private static final Path ARCHITECTURE = REPOSITORY.resolve("docs/architecture.md");
    private static final Pattern CHANNEL_IMPORT =
            Pattern.compile("(?m)^import\\s+(static\\s+)?io\\.netty\\.(channel|handler)\\.");
    private static final Pattern BOUNCY_CASTLE_IMPORT =
            Pattern.compile("(?m)^import\\s+(static\\s+)?org\\.bouncycastle\\.");
    /** An import of one of our packages; group 1 is the package below {@code dev.tls13}, empty for the root. */
    private static final Pattern OUR_IMPORT =
            Pattern.compile("(?m)^import\\s+(?:static\\s+)?dev\\.tls13\\.(?:([a-z]\\w*)\\.)?[A-Z]");
    private static final Pattern CITATION = Pattern.compile("docs/architecture\\.md\\s+§(\\d+)");
    private static final Pattern SECTION = Pattern.compile("(?m)^## (\\d+)\\. ");
    /** The original design's file name, which lives outside the repository (spelled apart so this file passes). */
    private static final String OUTSIDE_DESIGN_FILE = "DESIGN" + ".md";

    /**
     * Which of our packages each package may import (docs/architecture.md §3). "" is the root facade. The
     * two pairs that import each other (wire and error: decoding raises TlsException, which names an alert
     * description; netty and the root: the facade makes handlers, handlers read the facade's settings) are
     * deliberate and the only ones.
     */
    private static final Map<String, Set<String>> MAY_IMPORT = Map.of(
            "wire", Set.of("error"),
            "error", Set.of("wire"),
            "crypto", Set.of(),
            "keys", Set.of("crypto"),
            "record", Set.of("crypto", "error", "wire"),
            "handshake", Set.of("crypto", "error", "keys", "record", "wire"),
            "tls12", Set.of("crypto", "error", "handshake", "keys", "record", "wire"),
            "connection", Set.of("crypto", "error", "handshake", "keys", "record", "tls12", "wire"),
            "netty", Set.of("", "connection", "error"),
            "", Set.of("connection", "crypto", "error", "handshake", "netty", "record", "tls12", "wire"));

    @Test
    void onlyTheNettyPackageAndTheFacadeImportNettyChannelsOrHandlers() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path file : sources(MAIN)) {
            String pkg = packageOf(file);
            if (!pkg.isEmpty() && !pkg.equals("netty") && CHANNEL_IMPORT.matcher(Files.readString(file)).find()) {
                offenders.add(MAIN.relativize(file).toString());
            }
        }
        assertEquals(List.of(), offenders, "core classes must not import io.netty.channel or io.netty.handler");
    }

    @Test
    void onlyTheCryptoPackageImportsBouncyCastle() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path file : sources(MAIN)) {
            if (!packageOf(file).equals("crypto") && BOUNCY_CASTLE_IMPORT.matcher(Files.readString(file)).find()) {
                offenders.add(MAIN.relativize(file).toString());
            }
        }
        assertEquals(List.of(), offenders, "BouncyCastle stays behind dev.tls13.crypto");
    }

    @Test
    void packagesImportOnlyThePackagesTheArchitectureAllows() throws IOException {
        Set<String> offenders = new TreeSet<>();
        Set<String> packages = new TreeSet<>();
        for (Path file : sources(MAIN)) {
            String pkg = packageOf(file);
            packages.add(pkg);
            Set<String> allowed = MAY_IMPORT.get(pkg);
            if (allowed == null) {
                offenders.add("package without a rule: dev.tls13." + pkg);
                continue;
            }
            for (String imported : ourImports(Files.readString(file))) {
                if (!imported.equals(pkg) && !allowed.contains(imported)) {
                    offenders.add(MAIN.relativize(file) + " imports dev.tls13" + (imported.isEmpty() ? "" : "." + imported));
                }
            }
        }
        assertEquals(MAY_IMPORT.keySet(), packages, "every rule names a package that exists, and the reverse");
        assertEquals(Set.of(), offenders);
    }

    @Test
    void everyCitationOfTheArchitectureNamesASectionItHas() throws IOException {
        assertTrue(Files.isRegularFile(ARCHITECTURE), "missing " + ARCHITECTURE.toAbsolutePath());
        Set<String> sections = new TreeSet<>();
        Matcher heading = SECTION.matcher(Files.readString(ARCHITECTURE));
        while (heading.find()) {
            sections.add(heading.group(1));
        }
        assertFalse(sections.isEmpty(), "no '## N. ' sections in " + ARCHITECTURE);
        List<String> broken = new ArrayList<>();
        int citations = 0;
        for (String module : List.of("netty-tls13-codec", "netty-tls13-jsse", "examples", "benchmarks")) {
            for (Path file : sources(REPOSITORY.resolve(module).resolve("src"))) {
                String text = Files.readString(file);
                assertFalse(text.contains(OUTSIDE_DESIGN_FILE), file + " cites a design file outside the repository");
                Matcher cited = CITATION.matcher(text);
                while (cited.find()) {
                    citations++;
                    if (!sections.contains(cited.group(1))) {
                        broken.add(file.getFileName() + " cites §" + cited.group(1));
                    }
                }
            }
        }
        assertTrue(citations > 0, "no citations found: is the repository layout what this test expects?");
        assertEquals(List.of(), broken, "sections of docs/architecture.md: " + sections);
    }

    @Test
    void theRulesSeeOffendingImports() {
        assertTrue(CHANNEL_IMPORT.matcher("package x;\nimport io.netty.channel.Channel;\n").find());
        assertTrue(CHANNEL_IMPORT.matcher("import io.netty.handler.ssl.SslHandler;\n").find());
        assertFalse(CHANNEL_IMPORT.matcher("import io.netty.buffer.ByteBuf;\n").find());
        assertTrue(BOUNCY_CASTLE_IMPORT.matcher("import static org.bouncycastle.util.Arrays.fill;\n").find());
        assertEquals(Set.of("", "wire", "handshake"), ourImports(
                "import dev.tls13.Tls13Context;\nimport dev.tls13.wire.CipherSuite;\n"
                        + "import static dev.tls13.handshake.Messages.decode;\nimport java.util.List;\n"));
    }

    private static Set<String> ourImports(String source) {
        Set<String> result = new TreeSet<>();
        Matcher m = OUR_IMPORT.matcher(source);
        while (m.find()) {
            result.add(m.group(1) == null ? "" : m.group(1));
        }
        return result;
    }

    /** The package below {@code dev.tls13} of a main source file, "" for the root. */
    private static String packageOf(Path file) {
        Path rel = MAIN.relativize(file);
        return rel.getNameCount() == 1 ? "" : rel.getName(0).toString();
    }

    private static List<Path> sources(Path dir) throws IOException {
        assertTrue(Files.isDirectory(dir), "run from the module directory: " + dir.toAbsolutePath());
        List<Path> result = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(p -> p.toString().endsWith(".java")).forEach(result::add);
        }
        assertFalse(result.isEmpty(), "no sources under " + dir);
        return result;
    }
}
