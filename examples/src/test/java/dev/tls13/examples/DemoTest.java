package dev.tls13.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DemoTest {

    @Test
    void demoNegotiatesTls13AndFetchesThePageInProcess() throws Exception {
        CommandLineTest.Run run = CommandLineTest.Run.of("demo");
        assertEquals(0, run.status(), run.out() + run.err());
        String out = run.out();
        assertTrue(out.matches(
                "(?s).*\\nCipher suite: +TLS_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)\\n.*"),
                out);
        assertTrue(out.contains("Protocol:           TLSv1.3"), out);
        assertTrue(out.contains("HTTP/1.1 200 OK"), out);
        assertTrue(out.contains("netty-tls13-codec test server"), out);
        assertTrue(out.contains("Request:            GET / HTTP/1.1"), out);
        assertTrue(out.contains("[server] listening on https://127.0.0.1:"), out);
        assertTrue(out.contains(" 0 s: CN=localhost"), out);
        assertTrue(out.contains("SNI server name:    localhost"), out);
        assertTrue(out.contains("[server] 127.0.0.1:"), out);
        assertTrue(out.contains("demo complete"), out);
    }
}
