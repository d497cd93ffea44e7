package dev.tls13.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandLineTest {

    /** The exit status and both streams of one in-process run of the tool. */
    record Run(int status, String out, String err) {
        static Run of(String... args) throws Exception {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void serverHelpListsEveryOption() throws Exception {
        Run run = Run.of("server", "--help");
        assertEquals(0, run.status(), run.err());
        for (String option : new String[] {"--host ADDRESS", "--port PORT", "--cert FILE", "--key FILE", "--alpn LIST",
            "--ciphersuites LIST", "--groups LIST", "--keylog FILE", "--tls1_3", "--tls1_2", "--help"}) {
            assertTrue(run.out().contains(option), option + " missing from:\n" + run.out());
        }
    }

    @Test
    void clientHelpListsEveryOption() throws Exception {
        Run run = Run.of("client", "--help");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("client HOST:PORT"), run.out());
        for (String option : new String[] {"--insecure", "--trust FILE", "--alpn LIST", "--servername NAME",
            "--ciphersuites LIST", "--groups LIST", "--keylog FILE", "--tls1_3", "--tls1_2", "--help"}) {
            assertTrue(run.out().contains(option), option + " missing from:\n" + run.out());
        }
    }

    @Test
    void toolHelpListsEveryCommand() throws Exception {
        Run run = Run.of("--help");
        assertEquals(0, run.status());
        for (String command : new String[] {"demo", "server", "client HOST:PORT", "replay"}) {
            assertTrue(run.out().contains("  " + command), command + " missing from:\n" + run.out());
        }
        assertTrue(run.out().contains("--keylog FILE, or of $SSLKEYLOGFILE"), run.out());
        assertTrue(Run.of("demo", "--help").out().contains("--keylog FILE"));
        assertTrue(Run.of("replay", "--help").out().contains("RFC 8448"));
    }

    @Test
    void unknownOptionPrintsUsageAndExitsWithTwo() throws Exception {
        Run run = Run.of("server", "--bogus");
        assertEquals(2, run.status());
        assertTrue(run.err().contains("unknown option: --bogus"), run.err());
        assertTrue(run.err().contains("--port PORT"), run.err());
        assertEquals(2, Run.of("client", "127.0.0.1:1", "-k").status());
        assertEquals(2, Run.of("demo", "--port", "1").status());
        assertEquals(2, Run.of("replay", "extra").status());
    }

    @Test
    void unknownCommandAndMissingArgumentsExitWithTwo() throws Exception {
        assertEquals(2, Run.of("serve").status());
        assertEquals(2, Run.of().status());
        assertTrue(Run.of("client").err().contains("missing HOST:PORT"));
        assertTrue(Run.of("client", "localhost").err().contains("expected HOST:PORT"));
        assertTrue(Run.of("server", "--port").err().contains("--port needs a value"));
        assertTrue(Run.of("client", "h:1", "--keylog").err().contains("--keylog needs a value"));
        assertTrue(Run.of("server", "--port", "70000").err().contains("between 0 and 65535"));
        assertTrue(Run.of("server", "--cert", "c.pem").err().contains("--cert and --key go together"));
        assertTrue(Run.of("client", "h:1", "--insecure", "--trust", "x.pem").err().contains("exclude each other"));
    }

    @Test
    void protocolFlagsRestrictAsOpensslsDoAndBothTogetherAllowBoth() throws Exception {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(List.of(), HttpsClient.parse(new String[] {"h:1"}, sink, sink).tls().protocols());
        assertEquals(List.of("TLSv1.2"),
                HttpsClient.parse(new String[] {"h:1", "--tls1_2"}, sink, sink).tls().protocols());
        assertEquals(List.of("TLSv1.3"),
                HttpsClient.parse(new String[] {"h:1", "--tls1_3"}, sink, sink).tls().protocols());
        assertEquals(List.of("TLSv1.3", "TLSv1.2"),
                HttpsClient.parse(new String[] {"h:1", "--tls1_2", "--tls1_3"}, sink, sink).tls().protocols());
        assertEquals(List.of("TLSv1.3"), HttpsServer.parse(new String[] {"--port", "0", "--tls1_3", "--cert", "c.pem",
            "--key", "k.pem"}, sink, sink).protocols());
        assertEquals(2, Run.of("client", "h:1", "--tls1_2=yes").status());
    }

    @Test
    void acceptsOpenSslSpellingsOfGroupsAndSuites() throws Exception {
        assertEquals(List.of("x25519", "secp256r1", "secp384r1", "secp521r1", "x448"),
                Names.groups(List.of("X25519", "P-256", "P-384", "secp521r1", "X448")));
        assertEquals(List.of("X25519MLKEM768", "SecP256r1MLKEM768", "SecP384r1MLKEM1024"),
                Names.groups(List.of("X25519MLKEM768", "secp256r1mlkem768", "SECP384R1MLKEM1024")));
        assertEquals(List.of("TLS_AES_256_GCM_SHA384"),
                Names.cipherSuites(List.of("tls_aes_256_gcm_sha384")));
        Run run = Run.of("client", "h:1", "--groups", "P-257");
        assertEquals(2, run.status());
        assertTrue(run.err().contains("unknown group: P-257"), run.err());
        assertTrue(run.err().contains("X25519MLKEM768"), "the usage lists the hybrids: " + run.err());
        assertEquals(2, Run.of("client", "h:1", "--ciphersuites", "TLS_RSA_WITH_AES_128_CBC_SHA").status());
    }

    @Test
    void serverWithUnreadableCertificateFailsWithAReadableError() throws Exception {
        Run run = Run.of("server", "--port", "0", "--cert", "does-not-exist.pem", "--key", "does-not-exist.key");
        assertEquals(1, run.status(), run.out() + run.err());
        assertTrue(run.err().startsWith("error: cannot start the server: "), run.err());
        assertTrue(run.err().contains("does-not-exist.pem"), run.err());
    }
}
