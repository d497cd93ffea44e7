package dev.tls13.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Rfc8448ReplayTest {

    @Test
    void replaysTheRfc8448HandshakeAndVerifiesEverySignatureAndFinished() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean ok = new Rfc8448Replay(new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
        String output = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(ok, output);
        assertTrue(output.contains("rsa_pss_rsae_sha256 signature over the transcript verifies: yes"), output);
        assertTrue(output.contains("verify_data matches the server handshake secret: yes"), output);
        assertTrue(output.contains("verify_data matches the client handshake secret: yes"), output);
        assertTrue(output.contains("alert: warning close_notify"), output);
        assertTrue(output.contains("All checks passed."), output);
    }
}
