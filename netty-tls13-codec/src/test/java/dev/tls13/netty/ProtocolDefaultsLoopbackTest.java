package dev.tls13.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.connection.SessionInfo;
import dev.tls13.error.TlsException;
import dev.tls13.wire.AlertDescription;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import org.junit.jupiter.api.Test;

/**
 * The protocol defaults of issue #16 through the handlers, our client against our server: both TLSv1.3 and TLSv1.2
 * on both sides (TLS 1.3 wins), and what {@code protocols(...)} restricts.
 */
class ProtocolDefaultsLoopbackTest {

    private static void assertProtocol(String protocol, Tls13Context client, Tls13Context server) {
        ChannelPair pair = new ChannelPair().start(client, server);
        try {
            pair.shuttle();
            assertTrue(pair.clientHandler.handshakeFuture().isSuccess(),
                    () -> "client: " + pair.clientHandler.handshakeFuture().cause());
            assertTrue(pair.serverHandler.handshakeFuture().isSuccess(),
                    () -> "server: " + pair.serverHandler.handshakeFuture().cause());
            assertEquals(protocol, pair.clientHandler.session().protocol());
            assertEquals(protocol, pair.serverHandler.session().protocol());
        } finally {
            pair.finish();
        }
    }

    @Test
    void theDefaultsNegotiateTls13AndSpeakTls12ToAPeerRestrictedToIt() {
        Tls13Context client = ChannelPair.clientContext().build();
        Tls13Context server = ChannelPair.serverContext().build();
        assertProtocol(SessionInfo.PROTOCOL, client, server);
        assertProtocol(SessionInfo.TLS12, client, ChannelPair.serverContext().protocols("TLSv1.2").build());
        assertProtocol(SessionInfo.TLS12, ChannelPair.clientContext().protocols("TLSv1.2").build(), server);
    }

    @Test
    void aClientWithoutHostNameVerificationAcceptsTheTls12ServerNameAcknowledgement() {
        // The SNI is sent without host name verification too (no peer host to check the certificate against), and
        // our TLS 1.2 server acknowledges it (RFC 6066 §3).
        Tls13Context client = ChannelPair.clientContext().endpointIdentificationAlgorithm(null)
                .serverName(ChannelPair.HOST).build();
        assertProtocol(SessionInfo.TLS12, client, ChannelPair.serverContext().protocols("TLSv1.2").build());
        assertProtocol(SessionInfo.TLS12, ChannelPair.clientContext().protocols("TLSv1.2")
                .endpointIdentificationAlgorithm(null).serverName(ChannelPair.HOST).build(),
                ChannelPair.serverContext().build());
    }

    @Test
    void aTls12CloseNotifyIsDecryptedBeforeTheAlertIsChecked() {
        // RFC 5246 §6.2.3: after the handshake a TLS 1.2 alert record is ciphertext under the outer type alert (26
        // bytes with AES-GCM); only its plaintext must be two bytes.
        Tls13Context client = ChannelPair.clientContext().protocols("TLSv1.2").build();
        ChannelPair pair = new ChannelPair().start(client, ChannelPair.serverContext().build());
        try {
            pair.shuttle();
            assertEquals(SessionInfo.TLS12, pair.clientHandler.session().protocol());
            pair.serverHandler.closeOutbound();
            pair.shuttle();
            assertTrue(pair.clientApp.exceptions.isEmpty(), pair.clientApp.exceptions::toString);
            assertTrue(pair.clientApp.userEvents.stream().anyMatch(e -> e instanceof SslCloseCompletionEvent
                    && ((SslCloseCompletionEvent) e).isSuccess()), pair.clientApp.userEvents::toString);
        } finally {
            pair.finish();
        }
    }

    @Test
    void aServerRestrictedToTls13RefusesATls12OnlyClientWithProtocolVersion() {
        Tls13Context client = ChannelPair.clientContext().protocols("TLSv1.2").build();
        Tls13Context server = ChannelPair.serverContext().protocols("TLSv1.3").build();
        ChannelPair pair = new ChannelPair().start(client, server);
        try {
            pair.shuttle();
            TlsException e = assertInstanceOf(TlsException.class, pair.serverHandler.handshakeFuture().cause());
            assertEquals(AlertDescription.PROTOCOL_VERSION, e.failure().alert());
            assertFalse(pair.clientHandler.handshakeFuture().isSuccess());
        } finally {
            pair.finish();
        }
    }
}
