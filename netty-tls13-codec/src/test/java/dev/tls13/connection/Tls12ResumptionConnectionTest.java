package dev.tls13.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.JcaCryptoProvider;
import dev.tls13.error.TlsException;
import dev.tls13.handshake.CertificateSelector;
import dev.tls13.handshake.CertifiedKey;
import dev.tls13.handshake.ClientAuth;
import dev.tls13.handshake.ClientConfig;
import dev.tls13.handshake.ResumptionTicket;
import dev.tls13.handshake.ServerConfig;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import dev.tls13.tls12.Tls12ClientDriver;
import dev.tls13.tls12.Tls12ServerDriver;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * TLS 1.2 session tickets (RFC 5077, docs/architecture.md §16) between our client and our server through the real
 * connection driver and the client's session cache: the ticket cached after a full handshake resumes the next
 * connection (abbreviated handshake, the original certificates kept on both sides), each ticket once; a server
 * that cannot open it gives a full handshake; a server that answers TLS 1.3 leaves the TLS 1.2 ticket unused and
 * dropped.
 */
class Tls12ResumptionConnectionTest {

    private static final CryptoProvider CRYPTO = JcaCryptoProvider.instance();
    private static final String HOST = "example.com";
    private static final int PORT = 443;
    private static final Issued SERVER_LEAF = TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P256))
            .dns(HOST).build();

    private final List<End> ends = new ArrayList<>();

    @AfterEach
    void release() {
        for (End end : ends) {
            end.release();
        }
    }

    /** One end: its connection, its receive cumulation and what it received. */
    private final class End implements TlsConnection.Listener {
        TlsConnection connection;
        final ByteBuf inbound = Unpooled.buffer();
        final ByteBuf received = Unpooled.buffer();

        End() {
            ends.add(this);
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

    private static ServerConfig.Builder server(boolean tls13) {
        return ServerConfig.builder(CRYPTO, new CertificateSelector(List.of(CertifiedKey.of(
                SERVER_LEAF.privateKey(), SERVER_LEAF.chain().toArray(new X509Certificate[0]))))).tls13(tls13)
                .tls12(Tls12ServerDriver::afterClientHello);
    }

    private static ClientConfig.Builder client() {
        return ClientConfig.builder(CRYPTO, TestPki.trustManager(TestPki.ca(KeyType.EC_P256).certificate()))
                .tls12(Tls12ClientDriver::afterServerHello);
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

    /** A connection of a client with the cache to the server; returns {client, server} after the handshake. */
    private End[] connect(ClientConfig clientConfig, ServerConfig serverConfig, ClientSessionCache cache)
            throws TlsException {
        End client = new End();
        End server = new End();
        client.connection = TlsConnection.client(clientConfig, HOST, HOST, UnpooledByteBufAllocator.DEFAULT, client,
                Limits.DEFAULT, cache, HOST, PORT);
        server.connection = TlsConnection.server(serverConfig, UnpooledByteBufAllocator.DEFAULT, server);
        client.connection.start();
        server.connection.start();
        for (int i = 0; i < 4 && !(client.connection.isHandshakeComplete()
                && server.connection.isHandshakeComplete()); i++) {
            pump(client, server);
            pump(server, client);
        }
        assertTrue(client.connection.isHandshakeComplete() && server.connection.isHandshakeComplete());
        byte[] hello = "resumed?".getBytes(StandardCharsets.US_ASCII);
        client.connection.writeApplicationData(Unpooled.wrappedBuffer(hello), 16384);
        pump(client, server);
        assertArrayEquals(hello, ByteBufUtil.getBytes(server.received));
        server.connection.writeApplicationData(Unpooled.wrappedBuffer(hello), 16384);
        pump(server, client);
        assertArrayEquals(hello, ByteBufUtil.getBytes(client.received));
        return new End[] {client, server};
    }

    @Test
    void aCachedTicketResumesTheNextConnectionOnceAndEachResumptionGetsAFreshTicket() throws TlsException {
        ServerConfig serverConfig = server(false).build();
        ClientConfig clientConfig = client().build();
        ClientSessionCache cache = new ClientSessionCache(100, 0);
        End[] first = connect(clientConfig, serverConfig, cache);
        SessionInfo full = first[0].connection.session();
        assertEquals("TLSv1.2", full.protocol());
        assertFalse(full.resumed());
        assertEquals(1, cache.size(), "one TLS 1.2 ticket");

        End[] second = connect(clientConfig, serverConfig, cache);
        SessionInfo resumed = second[0].connection.session();
        assertEquals("TLSv1.2", resumed.protocol());
        assertTrue(resumed.resumed());
        assertTrue(second[1].connection.session().resumed());
        assertEquals(full.cipherSuite(), resumed.cipherSuite());
        assertEquals(SERVER_LEAF.certificate(), resumed.peerCertificates().get(0), "the original chain");
        assertEquals(1, cache.size(), "the used ticket is gone, the fresh one kept");
        // The exporter works on the resumed session: both ends derive the same keying material (RFC 5705).
        assertArrayEquals(second[0].connection.exportKeyingMaterial("EXPERIMENTAL test", null, 32),
                second[1].connection.exportKeyingMaterial("EXPERIMENTAL test", null, 32));

        End[] third = connect(clientConfig, serverConfig, cache);
        assertTrue(third[0].connection.session().resumed(), "the fresh ticket resumes too");
    }

    @Test
    void aServerThatCannotOpenTheTicketGivesAFullHandshakeAndTheTicketIsDropped() throws TlsException {
        ClientConfig clientConfig = client().build();
        ClientSessionCache cache = new ClientSessionCache(100, 0);
        connect(clientConfig, server(false).build(), cache);
        assertEquals(1, cache.size());
        // Another server configuration: another ticket key.
        End[] other = connect(clientConfig, server(false).build(), cache);
        assertFalse(other[0].connection.session().resumed());
        assertEquals(1, cache.size(), "the offered ticket dropped, the new server's kept");
    }

    @Test
    void aServerAnsweringTls13LeavesTheTls12TicketUnused() throws TlsException {
        ClientConfig clientConfig = client().build();
        ClientSessionCache cache = new ClientSessionCache(100, 0);
        connect(clientConfig, server(false).build(), cache);
        End[] tls13 = connect(clientConfig, server(true).build(), cache);
        assertEquals("TLSv1.3", tls13[0].connection.session().protocol());
        assertFalse(tls13[0].connection.session().resumed());
        ResumptionTicket left = cache.take(HOST, PORT, CRYPTO.clock().millis(), true);
        assertNull(left, "the TLS 1.2 ticket was offered, so it is used up");
        ResumptionTicket tls13Ticket = cache.take(HOST, PORT, CRYPTO.clock().millis(), false);
        assertNotNull(tls13Ticket, "the TLS 1.3 server's tickets are cached");
        tls13Ticket.destroy();
    }

    @Test
    void aResumedSessionKeepsTheClientCertificateAndRequiredAuthenticationStillHolds() throws TlsException {
        Issued clientLeaf = TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P256)).build();
        ClientConfig withCertificate = client().clientCredentials(List.of(CertifiedKey.of(clientLeaf.privateKey(),
                clientLeaf.chain().toArray(new X509Certificate[0])))).build();
        ServerConfig serverConfig = server(false).clientAuth(ClientAuth.REQUIRE)
                .clientTrustManager(TestPki.trustManager(TestPki.ca(KeyType.EC_P256).certificate())).build();
        ClientSessionCache cache = new ClientSessionCache(100, 0);
        connect(withCertificate, serverConfig, cache);
        End[] resumed = connect(withCertificate, serverConfig, cache);
        SessionInfo server = resumed[1].connection.session();
        assertTrue(server.resumed());
        assertEquals(clientLeaf.certificate(), server.peerCertificates().get(0));
    }
}
