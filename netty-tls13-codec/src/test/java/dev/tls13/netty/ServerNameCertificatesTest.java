package dev.tls13.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.Tls13ContextBuilder;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One server context with certificate chains keyed by host name ({@code keyManagerForServerName}). */
class ServerNameCertificatesTest {

    private static final Issued DEFAULT = leaf(KeyType.EC_P256, "default.test");
    private static final Issued WILDCARD = leaf(KeyType.EC_P256, "*.example.com");
    private static final Issued API_EC = leaf(KeyType.EC_P384, "api.example.com");
    private static final Issued API_RSA = leaf(KeyType.RSA_2048, "api.example.com");

    private static Issued leaf(KeyType type, String dns) {
        return TestPki.leaf(type).issuer(TestPki.ca(KeyType.EC_P256)).dns(dns).build();
    }

    private static X509Certificate[] chain(Issued issued) {
        return issued.chain().toArray(new X509Certificate[0]);
    }

    private static Tls13Context server(Path dir) throws Exception {
        File chainPem = dir.resolve("wildcard.pem").toFile();
        File keyPem = dir.resolve("wildcard.key").toFile();
        Files.writeString(chainPem.toPath(), TestPki.pem(WILDCARD.chain()));
        Files.writeString(keyPem.toPath(), TestPki.pkcs8Pem(WILDCARD.privateKey()));
        return Tls13Context.forServer(DEFAULT.privateKey(), chain(DEFAULT))
                .keyManagerForServerName("*.Example.com", chainPem, keyPem)
                .keyManagerForServerName("api.example.com", API_EC.privateKey(), chain(API_EC))
                .keyManagerForServerName("api.example.com", API_RSA.privateKey(), chain(API_RSA))
                .build();
    }

    /** Connects a client that verifies {@code host} and offers {@code schemes}; returns the leaf it saw. */
    private static X509Certificate leafSeenFor(Tls13Context server, String host, String... schemes) {
        ChannelPair pair = new ChannelPair();
        try {
            Tls13ContextBuilder client = ChannelPair.clientContext();
            if (schemes.length > 0) {
                client.signatureSchemes(schemes);
            }
            pair.start(client.build(), server, host);
            pair.shuttle();
            assertTrue(pair.clientHandler.handshakeFuture().isSuccess(),
                    () -> host + ": " + pair.clientHandler.handshakeFuture().cause());
            return pair.clientHandler.session().peerCertificates().get(0);
        } finally {
            pair.finish();
        }
    }

    @Test
    void theClientSeesTheChainOfItsServerNameVerifiedAgainstThatName(@TempDir Path dir) throws Exception {
        Tls13Context server = server(dir);
        assertEquals(API_EC.certificate(), leafSeenFor(server, "api.example.com"), "exact beats wildcard");
        assertEquals(API_RSA.certificate(), leafSeenFor(server, "api.example.com", "rsa_pss_rsae_sha256"),
                "then signature_algorithms choose among the name's chains");
        assertEquals(WILDCARD.certificate(), leafSeenFor(server, "www.example.com"));
        assertEquals(DEFAULT.certificate(), leafSeenFor(server, "default.test"), "no match: the default");
    }

    @Test
    void keyManagerForServerNameIsForServersAndChecksItsArguments() {
        Tls13ContextBuilder builder = Tls13Context.forClient();
        IllegalArgumentException onClient = assertThrows(IllegalArgumentException.class,
                () -> builder.keyManagerForServerName("a.test", API_EC.privateKey(), chain(API_EC)));
        assertTrue(onClient.getMessage().contains("for servers"), onClient::getMessage);
        Tls13ContextBuilder server = Tls13Context.forServer(DEFAULT.privateKey(), chain(DEFAULT));
        assertThrows(IllegalArgumentException.class,
                () -> server.keyManagerForServerName("*.com", API_EC.privateKey(), chain(API_EC)));
        assertThrows(IllegalArgumentException.class,
                () -> server.keyManagerForServerName("a.test", API_EC.privateKey(), chain(API_RSA)),
                "the key must belong to the leaf");
    }
}
