package dev.tls13.examples;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * {@code demo}: the server with a fresh self-signed certificate on a free loopback port, and the client
 * trusting exactly that certificate and verifying the host name {@code localhost}, in one process; one
 * request, then everything shuts down.
 */
final class Demo {

    static final Options OPTIONS = new Options("demo", "",
            "Starts the HTTPS server (self-signed certificate, random port on 127.0.0.1) and the client\n"
            + "(trusting exactly that certificate, verifying the host name localhost) in this process,\n"
            + "does one request over TLS 1.3, prints what both sides negotiated and the page, and exits.\n"
            + "With --keylog (or $SSLKEYLOGFILE) the client writes the key log, as curl and the browsers do.",
            List.of(new Options.Spec("keylog", "FILE", HttpsServer.KEYLOG_HELP)));

    private Demo() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        Options.Parsed options = Main.parse(OPTIONS, args, out, err);
        if (!options.positionals().isEmpty()) {
            throw Main.usageError(OPTIONS,
                    new Options.UsageException("unexpected argument: " + options.positionals().get(0)), err);
        }
        // Only the client logs: the server would append the same lines a second time.
        Tls.KeyLog keyLog = Tls.KeyLog.option(options.get("keylog"));
        if (keyLog.target() != null) {
            err.println(keyLog.warning());
        }
        SelfSigned certificate = SelfSigned.generate();
        out.println("server certificate: self-signed ECDSA P-256 for localhost, SHA-256 " + certificate.fingerprint());
        HttpsServer.Config config = new HttpsServer.Config("127.0.0.1", 0, null, null, certificate, null,
                List.of("http/1.1"), List.of(), List.of());
        try (HttpsServer server = HttpsServer.start(config, line -> out.println("[server] " + line))) {
            Tls.ClientSettings tls = new Tls.ClientSettings(Tls.Trust.CERTIFICATES, null,
                    List.of(certificate.certificate()), List.of("http/1.1"), null, List.of(), List.of(), null, keyLog);
            HttpsClient.Config client = new HttpsClient.Config("localhost", server.port(),
                    new InetSocketAddress("127.0.0.1", server.port()), tls);
            out.println("[client] connecting to https://localhost:" + server.port()
                    + "/ (127.0.0.1), trusting only the server's certificate");
            HttpsClient.Result result = HttpsClient.fetch(client, out);
            if (result.status() != 200) {
                err.println("error: the server answered " + result.status());
                return 1;
            }
            out.println("demo complete: TLS 1.3 handshake with " + result.session().cipherSuite() + " over "
                    + result.session().group() + ", host name localhost verified, page received.");
            return 0;
        } catch (HttpsClient.Failure e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }
}
