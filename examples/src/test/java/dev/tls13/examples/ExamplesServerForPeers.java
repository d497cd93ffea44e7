package dev.tls13.examples;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Starts the {@code server} command's code in-process on 127.0.0.1 (random port) with a fresh self-signed
 * certificate, for the peer matrix in {@code dev.tls13.examples.peers}, which cannot see the package-private
 * {@link HttpsServer}.
 */
public final class ExamplesServerForPeers implements AutoCloseable {

    private final HttpsServer server;
    private final SelfSigned certificate;
    private final BlockingQueue<String> log = new LinkedBlockingQueue<>();

    private ExamplesServerForPeers(Path certificateFile, List<String> cipherSuites) throws Exception {
        certificate = SelfSigned.generate();
        certificate.writeCertificate(certificateFile);
        server = HttpsServer.start(new HttpsServer.Config("127.0.0.1", 0, null, null, certificate,
                certificateFile, List.of("http/1.1"), cipherSuites, List.of()), log::add);
    }

    /**
     * Starts the server.
     *
     * @param certificateFile where to write the server's certificate (PEM), the clients' trust anchor
     * @param cipherSuites the suites the server enables (empty: its defaults)
     * @return the running server; close it to stop it
     * @throws Exception if it cannot start
     */
    public static ExamplesServerForPeers start(Path certificateFile, List<String> cipherSuites) throws Exception {
        return new ExamplesServerForPeers(certificateFile, cipherSuites);
    }

    /** @return the port on 127.0.0.1 */
    public int port() {
        return server.port();
    }

    /** @return the server's certificate */
    public X509Certificate certificate() {
        return certificate.certificate();
    }

    /** @return the server's connection log lines so far */
    public List<String> log() {
        return List.copyOf(log);
    }

    @Override
    public void close() {
        server.close();
    }
}
