package dev.tls13.examples.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.netty.Tls13Handler;
import dev.tls13.netty.Tls13SniHandler;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's mutual TLS and host name snippet, run: SNI selection, then a required client certificate. */
class MutualTlsSnippetTest {

    private static File write(Path dir, String name, String pem) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, pem);
        return file.toFile();
    }

    private static boolean move(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        for (ByteBuf buf = from.readOutbound(); buf != null; buf = from.readOutbound()) {
            moved = true;
            to.writeInbound(buf);
        }
        return moved;
    }

    @Test
    void theServerChoosesByHostNameAndVerifiesTheClient(@TempDir Path dir) throws Exception {
        Issued serverCaIssued = TestPki.ca(KeyType.EC_P256);
        Issued clientsCaIssued = TestPki.newCa("snippet clients CA", TestPki.generate(KeyType.EC_P256));
        Issued fallback = TestPki.leaf(KeyType.EC_P256).issuer(serverCaIssued).dns("default.test").build();
        Issued example = TestPki.leaf(KeyType.EC_P256).issuer(serverCaIssued).dns("*.example.com").build();
        Issued api = TestPki.leaf(KeyType.EC_P256).issuer(serverCaIssued).dns("api.example.org").build();
        Issued me = TestPki.leaf(KeyType.EC_P256).issuer(clientsCaIssued).commonName("me").build();
        File defaultChain = write(dir, "default.pem", TestPki.pem(fallback.chain()));
        File defaultKey = write(dir, "default.key", TestPki.pkcs8Pem(fallback.privateKey()));
        File exampleChain = write(dir, "example.pem", TestPki.pem(example.chain()));
        File exampleKey = write(dir, "example.key", TestPki.pkcs8Pem(example.privateKey()));
        File clientsCa = write(dir, "clients-ca.pem", TestPki.pem(List.of(clientsCaIssued.certificate())));
        File serverCa = write(dir, "server-ca.pem", TestPki.pem(List.of(serverCaIssued.certificate())));
        File myChain = write(dir, "me.pem", TestPki.pem(me.chain()));
        File myKey = write(dir, "me.key", TestPki.pkcs8Pem(me.privateKey()));
        Tls13Context apiContext = Tls13Context.forServer(api.privateKey(),
                api.chain().toArray(new X509Certificate[0])).build();

        // tag::mtls-sni[]
        // Server: chains per SNI name (exact or *.domain) besides the default ones, and a required client
        // certificate validated against clients-ca.pem (whose names go in certificate_authorities).
        Tls13Context server = Tls13Context.forServer(defaultChain, defaultKey)
                .keyManagerForServerName("*.example.com", exampleChain, exampleKey)
                .clientAuth(ClientAuth.REQUIRE)
                .trustManager(clientsCa)
                .build();
        // Client: presents its chain when asked. A refusal it reads after its Finished (certificate_required)
        // reaches exceptionCaught as DecoderException(SSLException) and fails sslCloseFuture().
        Tls13Context client = Tls13Context.forClient()
                .keyManager(myChain, myKey)
                .trustManager(serverCa)
                .build();
        // A whole context per host name, like Netty's SniHandler (ClientHello cap 64 KiB, 10 s timeout).
        Mapping<String, Tls13Context> byName = new DomainWildcardMappingBuilder<>(server)
                .add("api.example.org", apiContext)
                .build();
        Tls13SniHandler sni = new Tls13SniHandler(byName);
        // end::mtls-sni[]

        EmbeddedChannel serverChannel = new EmbeddedChannel(sni);
        Tls13Handler clientHandler = client.newHandler(ByteBufAllocator.DEFAULT, "www.example.com",
                443);
        EmbeddedChannel clientChannel = new EmbeddedChannel(clientHandler);
        try {
            while (move(clientChannel, serverChannel) | move(serverChannel, clientChannel)) {
                continue;
            }
            assertTrue(clientHandler.handshakeFuture().isSuccess(), () -> String.valueOf(clientHandler
                    .handshakeFuture().cause()));
            assertEquals(example.certificate(), clientHandler.session().peerCertificates().get(0));
            Tls13Handler serverHandler = serverChannel.pipeline().get(Tls13Handler.class);
            assertEquals(me.chain(), serverHandler.session().peerCertificates(), "the client's verified chain");
            assertEquals(server, sni.selectedContext());
        } finally {
            clientChannel.finishAndReleaseAll();
            serverChannel.finishAndReleaseAll();
        }
    }
}
