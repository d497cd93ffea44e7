package dev.tls13.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.Tls13ContextBuilder;
import dev.tls13.error.TlsException;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.KeyType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every cipher suite × group × server certificate key type (so every CertificateVerify scheme family) between
 * a client and a server, each with the default crypto provider or the JCA-only one
 * ({@link Tls13ContextBuilder#jcaProvidersOnly()}): both alone and each against the other, so the JCA-only
 * primitives are checked against our own on the wire. Each combination is an in-memory handshake followed by
 * application data both ways; all run, and the failures are reported together.
 */
class CryptoModeHandshakeMatrixTest {

    private static final List<String> SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");
    private static final List<String> GROUPS = List.of("x25519", "secp256r1", "secp384r1", "secp521r1", "x448");
    private static final Map<KeyType, String> SCHEMES = new EnumMap<>(Map.of(
            KeyType.RSA_2048, "rsa_pss_rsae_sha256",
            KeyType.RSASSA_PSS_2048, "rsa_pss_pss_sha256",
            KeyType.EC_P256, "ecdsa_secp256r1_sha256",
            KeyType.EC_P384, "ecdsa_secp384r1_sha384",
            KeyType.EC_P521, "ecdsa_secp521r1_sha512",
            KeyType.ED25519, "ed25519",
            KeyType.ED448, "ed448"));

    /** Which provider an end uses. */
    enum Crypto { DEFAULT, JCA }

    private final Map<KeyType, TestPki.Issued> leaves = new EnumMap<>(KeyType.class);

    @ParameterizedTest(name = "client {0}, server {1}")
    @CsvSource({"DEFAULT, DEFAULT", "JCA, JCA", "JCA, DEFAULT", "DEFAULT, JCA"})
    void everySuiteGroupAndSchemeCompletesAndCarriesData(Crypto client, Crypto server) {
        List<String> failures = new ArrayList<>();
        int runs = 0;
        for (String suite : SUITES) {
            for (String group : GROUPS) {
                for (KeyType certificate : KeyType.values()) {
                    runs++;
                    try {
                        handshake(client, server, suite, group, certificate);
                    } catch (Throwable t) {
                        failures.add(suite + " " + group + " " + certificate + ": " + t);
                    }
                }
            }
        }
        System.out.println("crypto matrix: client " + client + ", server " + server + ": " + (runs - failures.size())
                + " of " + runs + " combinations passed");
        assertTrue(failures.isEmpty(), failures.size() + " failed:\n" + String.join("\n", failures));
    }

    private static Tls13ContextBuilder with(Crypto crypto, Tls13ContextBuilder builder) {
        return crypto == Crypto.JCA ? builder.jcaProvidersOnly() : builder;
    }

    private void handshake(Crypto clientCrypto, Crypto serverCrypto, String suite, String group, KeyType certificate)
            throws TlsException {
        TestPki.Issued leaf = leaves.computeIfAbsent(certificate, t -> TestPki.leaf(t).dns("localhost").build());
        Tls13Context serverContext = with(serverCrypto, Tls13Context.forServer(leaf.privateKey(),
                leaf.chain().toArray(new X509Certificate[0]))).cipherSuites(suite).namedGroups(group).build();
        Tls13Context clientContext = with(clientCrypto, Tls13Context.forClient()
                .trustManager(TestPki.ca(KeyType.EC_P256).certificate())).cipherSuites(suite).namedGroups(group)
                .build();
        End client = new End();
        End server = new End();
        try {
            client.connection = clientContext.newConnection(UnpooledByteBufAllocator.DEFAULT, "localhost", client);
            server.connection = serverContext.newConnection(UnpooledByteBufAllocator.DEFAULT, null, server);
            client.connection.start();
            server.connection.start();
            for (int i = 0; i < 4 && !(client.connection.isHandshakeComplete()
                    && server.connection.isHandshakeComplete()); i++) {
                pump(client, server);
                pump(server, client);
            }
            assertTrue(client.connection.isHandshakeComplete() && server.connection.isHandshakeComplete(),
                    "handshake complete");
            SessionInfo session = client.connection.session();
            assertEquals(suite, session.cipherSuite());
            assertEquals(group, session.namedGroup());
            assertEquals(SCHEMES.get(certificate), session.peerSignatureScheme());
            assertEquals(suite, server.connection.session().cipherSuite());
            assertEquals(group, server.connection.session().namedGroup());
            assertEquals(SCHEMES.get(certificate), server.connection.session().localSignatureScheme());

            byte[] hello = ("hello over " + suite + " " + group).getBytes(StandardCharsets.US_ASCII);
            client.connection.writeApplicationData(Unpooled.wrappedBuffer(hello), 16384);
            pump(client, server);
            assertArrayEquals(hello, ByteBufUtil.getBytes(server.received));
            server.connection.writeApplicationData(Unpooled.wrappedBuffer(hello), 16384);
            pump(server, client);
            assertArrayEquals(hello, ByteBufUtil.getBytes(client.received));
        } finally {
            client.release();
            server.release();
        }
    }

    private static void pump(End from, End to) throws TlsException {
        ByteBuf output = from.connection.pollOutput();
        if (output == null) {
            return;
        }
        to.inbound.writeBytes(output);
        output.release();
        to.connection.receive(to.inbound);
        to.inbound.discardReadBytes();
    }

    /** One end: its connection, its receive cumulation and the application data it received. */
    private static final class End implements TlsConnection.Listener {
        TlsConnection connection;
        final ByteBuf inbound = Unpooled.buffer();
        final ByteBuf received = Unpooled.buffer();

        @Override
        public void handshakeComplete(SessionInfo session) {
        }

        @Override
        public void applicationData(ByteBuf data) {
            try {
                received.writeBytes(data);
            } finally {
                data.release();
            }
        }

        @Override
        public void closeNotifyReceived() {
        }

        void release() {
            if (connection != null) {
                connection.release();
            }
            inbound.release();
            received.release();
        }
    }
}
