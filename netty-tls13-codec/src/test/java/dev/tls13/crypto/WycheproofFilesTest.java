package dev.tls13.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every Wycheproof file in the test resources is run by one of the Wycheproof tests, and only once. */
class WycheproofFilesTest {

    @Test
    void everyFileInTheResourcesIsRunOnce() throws IOException, URISyntaxException {
        Path directory = Paths.get(Wycheproof.class.getResource("/wycheproof").toURI());
        Set<String> present = new TreeSet<>();
        try (Stream<Path> files = Files.list(directory)) {
            files.map(p -> p.getFileName().toString())
                    .filter(f -> f.endsWith(".json.gz"))
                    .forEach(f -> present.add(f.substring(0, f.length() - ".json.gz".length())));
        }
        List<String> run = new ArrayList<>();
        run.addAll(WycheproofAeadTest.FILES);
        run.addAll(WycheproofKeyAgreementTest.FILES);
        run.addAll(WycheproofSignatureTest.FILES);
        run.addAll(WycheproofKdfTest.FILES);
        run.addAll(WycheproofMlKemTest.FILES);
        assertEquals(run.size(), new TreeSet<>(run).size(), "a file listed twice");
        assertEquals(present, new TreeSet<>(run));
        assertTrue(Files.exists(directory.resolve("LICENSE")), "the Apache 2.0 licence travels with the files");
    }
}
