package dev.tls13.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code server} flags {@code --cert/--key} (repeated), {@code --sni}, {@code --client-auth} and
 * {@code --trust}, and the {@code client} flags {@code --cert/--key}: the server runs in this process from
 * its parsed command line, the client is the {@code client} command.
 */
class AuthenticationCommandTest {

    private static final Issued SERVER_CA = TestPki.newCa("examples server CA", TestPki.generate(KeyType.EC_P256));
    private static final Issued CLIENT_CA = TestPki.newCa("examples client CA", TestPki.generate(KeyType.EC_P256));

    private static Path dir;
    private static Path serverCa;
    private static Path clientCa;
    private static String[] ecServer;
    private static String[] rsaServer;
    private static String[] alpha;
    private static String[] wildcard;
    private static String[] client;

    @BeforeAll
    static void writeFiles(@TempDir Path directory) throws Exception {
        dir = directory;
        serverCa = write("server-ca.pem", TestPki.pem(List.of(SERVER_CA.certificate())));
        clientCa = write("client-ca.pem", TestPki.pem(List.of(CLIENT_CA.certificate())));
        ecServer = pair("ec", TestPki.leaf(KeyType.EC_P256).issuer(SERVER_CA).commonName("default-ec")
                .dns("localhost").ip("127.0.0.1").build());
        rsaServer = pair("rsa", TestPki.leaf(KeyType.RSA_2048).issuer(SERVER_CA).commonName("default-rsa")
                .dns("localhost").ip("127.0.0.1").build());
        alpha = pair("alpha", TestPki.leaf(KeyType.EC_P256).issuer(SERVER_CA).commonName("alpha")
                .dns("alpha.test").build());
        wildcard = pair("wildcard", TestPki.leaf(KeyType.EC_P256).issuer(SERVER_CA).commonName("beta-wildcard")
                .dns("*.beta.test").build());
        client = pair("client", TestPki.leaf(KeyType.EC_P256).issuer(CLIENT_CA).commonName("alice").build());
    }

    private static Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    private static String[] pair(String name, Issued issued) throws Exception {
        return new String[] {write(name + ".pem", TestPki.pem(issued.chain())).toString(),
            write(name + ".key", TestPki.pkcs8Pem(issued.privateKey())).toString()};
    }

    /** Starts the server from a command line (after {@code server}), on a free port. */
    private static HttpsServer server(BlockingQueue<String> log, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--port", "0"));
        all.addAll(List.of(args));
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8);
        return HttpsServer.start(HttpsServer.parse(all.toArray(new String[0]), out, out), log::add);
    }

    private static CommandLineTest.Run client(HttpsServer server, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("client", "127.0.0.1:" + server.port(), "--trust",
                serverCa.toString()));
        all.addAll(List.of(args));
        return CommandLineTest.Run.of(all.toArray(new String[0]));
    }

    @Test
    void clientWithItsCertificateIsVerifiedByAServerThatRequiresOneAndSeesItsSubjectOnThePage() throws Exception {
        BlockingQueue<String> log = new LinkedBlockingQueue<>();
        try (HttpsServer server = server(log, "--cert", ecServer[0], "--key", ecServer[1],
                "--client-auth", "require", "--trust", clientCa.toString())) {
            CommandLineTest.Run run = client(server, "--cert", client[0], "--key", client[1]);
            assertEquals(0, run.status(), run.out() + run.err());
            assertTrue(run.out().contains("Client certificate: CN=alice"), run.out());
        }
    }

    @Test
    void clientWithoutACertificateIsRefusedWithCertificateRequired() throws Exception {
        BlockingQueue<String> log = new LinkedBlockingQueue<>();
        try (HttpsServer server = server(log, "--cert", ecServer[0], "--key", ecServer[1],
                "--client-auth", "require", "--trust", clientCa.toString())) {
            CommandLineTest.Run run = client(server);
            assertEquals(1, run.status(), run.out() + run.err());
            assertTrue(run.err().contains("certificate_required"), run.err());
        }
    }

    @Test
    void optionalClientAuthServesAClientWithoutACertificate() throws Exception {
        BlockingQueue<String> log = new LinkedBlockingQueue<>();
        try (HttpsServer server = server(log, "--cert", ecServer[0], "--key", ecServer[1],
                "--client-auth", "optional", "--trust", clientCa.toString())) {
            CommandLineTest.Run run = client(server);
            assertEquals(0, run.status(), run.out() + run.err());
            assertTrue(run.out().contains("Client certificate: (none)"), run.out());
        }
    }

    @Test
    void sniSelectsTheChainTheClientSees() throws Exception {
        BlockingQueue<String> log = new LinkedBlockingQueue<>();
        try (HttpsServer server = server(log, "--cert", ecServer[0], "--key", ecServer[1],
                "--sni", "alpha.test=" + alpha[0] + "," + alpha[1],
                "--sni", "*.beta.test=" + wildcard[0] + "," + wildcard[1])) {
            CommandLineTest.Run viaWildcard = CommandLineTest.Run.of("client", "127.0.0.1:" + server.port(),
                    "--insecure", "--servername", "www.beta.test");
            assertEquals(0, viaWildcard.status(), viaWildcard.out() + viaWildcard.err());
            assertTrue(viaWildcard.out().contains("s: CN=beta-wildcard"), viaWildcard.out());
            assertTrue(viaWildcard.out().contains("SNI server name:    www.beta.test"), viaWildcard.out());

            CommandLineTest.Run named = CommandLineTest.Run.of("client", "127.0.0.1:" + server.port(),
                    "--insecure", "--servername", "alpha.test");
            assertEquals(0, named.status(), named.out() + named.err());
            assertTrue(named.out().contains("s: CN=alpha"), named.out());

            CommandLineTest.Run other = client(server, "--servername", "other.test");
            assertEquals(0, other.status(), other.out() + other.err());
            assertTrue(other.out().contains("s: CN=default-ec"), other.out());
        }
    }

    @Test
    void repeatedCertAndKeyGiveSeveralChainsChosenByTheClientsSignatureAlgorithms() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8);
        HttpsServer.Config config = HttpsServer.parse(new String[] {"--port", "0", "--cert", rsaServer[0],
            "--key", rsaServer[1], "--cert", ecServer[0], "--key", ecServer[1]}, out, out);
        assertEquals(rsaServer[0], config.certChainPem().toString());
        assertEquals(1, config.moreChains().size());
        BlockingQueue<String> log = new LinkedBlockingQueue<>();
        try (HttpsServer server = HttpsServer.start(config, log::add)) {
            CommandLineTest.Run run = client(server);
            assertEquals(0, run.status(), run.out() + run.err());
            assertTrue(run.out().contains("s: CN=default-rsa"), "our first chain for a client accepting both:\n"
                    + run.out());
            External.require("openssl");
            External.Output ecOnly = External.run(List.of("openssl", "s_client", "-tls1_3", "-connect",
                    "127.0.0.1:" + server.port(), "-sigalgs", "ecdsa_secp256r1_sha256", "-CAfile",
                    serverCa.toString()), "");
            assertTrue(ecOnly.stdout().contains("CN = default-ec") || ecOnly.stdout().contains("CN=default-ec"),
                    ecOnly.all());
        }
    }

    @Test
    void wrongAuthenticationFlagsAreUsageErrors() throws Exception {
        assertTrue(CommandLineTest.Run.of("server", "--client-auth", "maybe").err()
                .contains("--client-auth expects none, optional or require"));
        assertTrue(CommandLineTest.Run.of("server", "--sni", "alpha.test").err().contains("--sni expects NAME=CERT,KEY"));
        assertTrue(CommandLineTest.Run.of("server", "--cert", "a.pem", "--cert", "b.pem", "--key", "a.key").err()
                .contains("one --key per --cert"));
        assertTrue(CommandLineTest.Run.of("client", "h:1", "--cert", "c.pem").err()
                .contains("--cert and --key go together"));
        CommandLineTest.Run help = CommandLineTest.Run.of("server", "--help");
        for (String option : new String[] {"--sni NAME=CERT,KEY", "--client-auth none|optional|require",
            "--trust FILE"}) {
            assertTrue(help.out().contains(option), option + " missing from:\n" + help.out());
        }
        CommandLineTest.Run clientHelp = CommandLineTest.Run.of("client", "--help");
        assertTrue(clientHelp.out().contains("--cert FILE") && clientHelp.out().contains("--key FILE"),
                clientHelp.out());
    }
}
