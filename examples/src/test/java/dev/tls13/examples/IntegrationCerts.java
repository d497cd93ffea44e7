package dev.tls13.examples;

import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The certificates of the Reactor Netty and gRPC integration tests: one test CA, a server certificate
 * for {@code localhost} / {@code 127.0.0.1} and a client certificate, all ECDSA P-256.
 */
public final class IntegrationCerts {

    /** The client certificate's subject, which the servers must report as the peer. */
    public static final String CLIENT_SUBJECT = "CN=integration-client";

    private static final Issued SERVER = TestPki.leaf(KeyType.EC_P256).dns("localhost").ip("127.0.0.1")
            .commonName("localhost").issuer(TestPki.ca(KeyType.EC_P256)).build();
    private static final Issued CLIENT = TestPki.leaf(TestPki.otherKeyPair(KeyType.EC_P256))
            .commonName("integration-client").issuer(TestPki.ca(KeyType.EC_P256)).build();

    private IntegrationCerts() {
    }

    /** @return the CA that issued both certificates */
    public static Issued ca() {
        return TestPki.ca(KeyType.EC_P256);
    }

    /** @return the server certificate, its key and chain */
    public static Issued server() {
        return SERVER;
    }

    /** @return the client certificate, its key and chain */
    public static Issued client() {
        return CLIENT;
    }

    /** Writes the CA certificate as PEM to a temporary file (deleted on exit) for curl's {@code --cacert}. */
    public static Path caPemFile() throws IOException {
        Path file = Files.createTempFile("integration-ca", ".pem");
        file.toFile().deleteOnExit();
        Files.writeString(file, TestPki.pem(List.of(ca().certificate())), StandardCharsets.US_ASCII);
        return file;
    }
}
