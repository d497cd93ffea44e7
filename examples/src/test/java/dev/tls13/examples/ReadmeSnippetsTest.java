package dev.tls13.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's Java snippets are quoted from code the tests compile and run: every block preceded by
 * {@code <!-- snippet: FILE#TAG -->} must equal the lines between {@code // tag::TAG[]} and
 * {@code // end::TAG[]} in FILE (relative to the repository root), with the tag's indentation removed.
 */
class ReadmeSnippetsTest {

    private static final Pattern SNIPPET = Pattern.compile(
            "<!-- snippet: (\\S+)#(\\S+) -->\\n```java\\n(.*?)```", Pattern.DOTALL);

    /** The sections the issue asks for, each with at least one quoted snippet. */
    private static final Set<String> REQUIRED_TAGS = Set.of("netty-server", "netty-client", "reactor-native",
            "reactor-client", "reactor-adapter", "grpc-server", "grpc-channel", "grpc-adapter-server", "dropin-server",
            "dropin-client", "alpn", "optional-tls", "key-log", "exporter");

    @Test
    void everyReadmeSnippetEqualsTheTestedCode() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        String readme = Files.readString(root.resolve("README.md"), StandardCharsets.UTF_8);
        Matcher m = SNIPPET.matcher(readme);
        Set<String> seen = new TreeSet<>();
        while (m.find()) {
            String file = m.group(1);
            String tag = m.group(2);
            assertEquals(extract(root.resolve(file), tag), m.group(3), "README snippet " + file + "#" + tag);
            seen.add(tag);
        }
        assertTrue(seen.containsAll(REQUIRED_TAGS), "README quotes " + seen + ", needs " + REQUIRED_TAGS);
    }

    /** The lines of a tagged region, without the indentation of its tag comment, each ending in a newline. */
    static String extract(Path file, String tag) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        String start = "// tag::" + tag + "[]";
        String end = "// end::" + tag + "[]";
        List<String> region = null;
        int indent = 0;
        for (String line : lines) {
            if (region == null) {
                if (line.strip().equals(start)) {
                    region = new ArrayList<>();
                    indent = line.indexOf(start);
                }
            } else if (line.strip().equals(end)) {
                StringBuilder text = new StringBuilder();
                for (String kept : region) {
                    text.append(kept.length() >= indent ? kept.substring(indent) : kept.strip()).append('\n');
                }
                return text.toString();
            } else {
                region.add(line);
            }
        }
        return fail("no region " + tag + " in " + file);
    }
}
