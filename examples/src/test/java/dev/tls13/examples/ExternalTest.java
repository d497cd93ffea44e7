package dev.tls13.examples;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class ExternalTest {

    @Test
    void missingBinaryFailsUnderCi() {
        AssertionFailedError error = assertThrows(AssertionFailedError.class,
                () -> External.require("openssl", Map.of("PATH", "/nonexistent", "CI", "true")));
        assertTrue(error.getMessage().contains("openssl is not installed"), error.getMessage());
    }

    @Test
    void missingBinaryIsReportedAsSkippedOutsideCi() {
        TestAbortedException skipped = assertThrows(TestAbortedException.class,
                () -> External.require("openssl", Map.of("PATH", "/nonexistent")));
        assertTrue(skipped.getMessage().contains("skipped"), skipped.getMessage());
    }

    @Test
    void binaryOnThePathIsAccepted() {
        External.require("sh", Map.of("PATH", "/nonexistent:/bin:/usr/bin", "CI", "true"));
    }
}
