package dev.tls13.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.wire.AlertDescription;

import org.junit.jupiter.api.function.Executable;

/** Assertions on handshake failures. */
final class Failures {

    private Failures() {
    }

    static TlsFailure failure(Executable step) {
        return assertThrows(TlsException.class, step).failure();
    }

    static void assertUnexpected(Executable step) {
        TlsFailure f = failure(step);
        assertInstanceOf(TlsFailure.UnexpectedMessage.class, f, f.toString());
        assertEquals(AlertDescription.UNEXPECTED_MESSAGE, f.alert());
    }

    static void assertAlert(AlertDescription alert, Executable step) {
        TlsFailure f = failure(step);
        assertEquals(alert, f.alert(), f.toString());
    }
}
