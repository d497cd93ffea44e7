package dev.tls13.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.KeyType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Tls13ProtocolNegotiationHandler} on both ends of EmbeddedChannel pairs. */
class Tls13ProtocolNegotiationHandlerTest {

    private final ChannelPair pair = new ChannelPair();

    @AfterEach
    void finish() {
        pair.finish();
    }

    /** Records what it was asked to configure; adds the application recorder for the protocol. */
    private static class Negotiator extends Tls13ProtocolNegotiationHandler {
        final List<String> configured = new ArrayList<>();
        final List<Throwable> failures = new ArrayList<>();
        final ChannelPair.Recorder app;
        RuntimeException configureFailure;

        Negotiator(String fallback, ChannelPair.Recorder app) {
            super(fallback);
            this.app = app;
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            configured.add(protocol);
            if (configureFailure != null) {
                throw configureFailure;
            }
            ctx.pipeline().addLast(protocol, app);
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) throws Exception {
            failures.add(cause);
            super.handshakeFailure(ctx, cause);
        }
    }

    private Negotiator clientNegotiator;
    private Negotiator serverNegotiator;

    /** Like {@link ChannelPair#start}, with a negotiator after each TLS handler instead of the recorder. */
    private void start(Tls13Context clientContext, Tls13Context serverContext) {
        serverNegotiator = new Negotiator("http/1.1", pair.serverApp);
        clientNegotiator = new Negotiator("http/1.1", pair.clientApp);
        pair.serverHandler = serverContext.newHandler(pair.server.alloc());
        pair.server.pipeline().addLast(pair.serverWire, pair.serverHandler, serverNegotiator);
        pair.clientHandler = clientContext.newHandler(pair.client.alloc(), ChannelPair.HOST, 443);
        pair.client.pipeline().addLast(pair.clientWire, pair.clientHandler, clientNegotiator);
    }

    private static String text(ByteBuf buf) {
        return buf.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void configuresH2WhenBothSidesPreferIt() {
        start(ChannelPair.clientContext().applicationProtocols("h2", "http/1.1").build(),
                ChannelPair.serverContext().applicationProtocols("h2", "http/1.1").build());
        pair.shuttle();

        assertEquals(List.of("h2"), serverNegotiator.configured);
        assertEquals(List.of("h2"), clientNegotiator.configured);
        assertNull(pair.server.pipeline().get(Tls13ProtocolNegotiationHandler.class), "removes itself");
        assertNull(pair.client.pipeline().get(Tls13ProtocolNegotiationHandler.class), "removes itself");
        assertTrue(pair.server.pipeline().names().contains("h2"));
    }

    @Test
    void configuresHttp11WhenTheClientOffersOnlyHttp11() {
        start(ChannelPair.clientContext().applicationProtocols("http/1.1").build(),
                ChannelPair.serverContext().applicationProtocols("h2", "http/1.1").build());
        pair.shuttle();

        assertEquals(List.of("http/1.1"), serverNegotiator.configured);
        assertEquals(List.of("http/1.1"), clientNegotiator.configured);
        assertEquals("http/1.1", pair.serverHandler.applicationProtocol());
    }

    @Test
    void configuresTheFallbackWhenNoProtocolWasNegotiated() {
        serverNegotiatorFallback("spdy/3");
        pair.shuttle();

        assertNull(pair.serverHandler.applicationProtocol());
        assertEquals(List.of("spdy/3"), serverNegotiator.configured);
        assertEquals(List.of("http/1.1"), clientNegotiator.configured);
    }

    private void serverNegotiatorFallback(String fallback) {
        serverNegotiator = new Negotiator(fallback, pair.serverApp);
        clientNegotiator = new Negotiator("http/1.1", pair.clientApp);
        pair.serverHandler = ChannelPair.serverContext().applicationProtocols("h2").build()
                .newHandler(pair.server.alloc());
        pair.server.pipeline().addLast(pair.serverWire, pair.serverHandler, serverNegotiator);
        pair.clientHandler = ChannelPair.clientContext().build().newHandler(pair.client.alloc(), ChannelPair.HOST, 443);
        pair.client.pipeline().addLast(pair.clientWire, pair.clientHandler, clientNegotiator);
    }

    @Test
    void passesMessagesReadBeforeTheHandshakeToTheConfiguredHandlersInOrder() {
        start(ChannelPair.clientContext().applicationProtocols("h2").build(),
                ChannelPair.serverContext().applicationProtocols("h2").build());
        // A message that reaches the negotiator before the handshake event: it must be held, not lost
        // and not passed to handlers that are not configured yet.
        pair.server.pipeline().context(pair.serverHandler)
                .fireChannelRead(Unpooled.copiedBuffer("early;", StandardCharsets.US_ASCII));
        assertEquals(0, pair.serverApp.reads);
        // Written before the handshake completes: sent right after the client's Finished.
        pair.client.writeAndFlush(Unpooled.copiedBuffer("PRI * HTTP/2.0", StandardCharsets.US_ASCII));
        pair.shuttle();

        assertEquals(List.of("h2"), serverNegotiator.configured);
        assertEquals("early;PRI * HTTP/2.0", text(pair.serverApp.received));
    }

    @Test
    void removesItselfWithoutConfiguringWhenThereIsNoTls13Handler() {
        ChannelPair.Recorder app = new ChannelPair.Recorder();
        Negotiator negotiator = new Negotiator("http/1.1", app);
        ChannelPair.Recorder next = new ChannelPair.Recorder();
        EmbeddedChannel plain = new EmbeddedChannel(negotiator, next);
        try {
            plain.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n", StandardCharsets.US_ASCII));

            assertTrue(negotiator.configured.isEmpty());
            assertNull(plain.pipeline().get(Tls13ProtocolNegotiationHandler.class));
            assertEquals("GET / HTTP/1.1\r\n", text(next.received));
        } finally {
            app.release();
            next.release();
            plain.finishAndReleaseAll();
        }
    }

    @Test
    void failedHandshakeCallsHandshakeFailureAndClosesTheChannel() {
        // The client trusts another CA: it rejects the server's certificate.
        Tls13Context distrustful = Tls13Context.forClient().trustManager(TestPki.ca(KeyType.ED25519).certificate())
                .applicationProtocols("h2").build();
        start(distrustful, ChannelPair.serverContext().applicationProtocols("h2").build());
        pair.shuttle();

        assertTrue(clientNegotiator.configured.isEmpty());
        assertEquals(1, clientNegotiator.failures.size());
        assertInstanceOf(SSLException.class, clientNegotiator.failures.get(0));
        assertFalse(pair.client.isOpen(), "handshakeFailure closes the channel");
        assertNull(pair.client.pipeline().get(Tls13ProtocolNegotiationHandler.class));
        // The server got the client's fatal alert: its negotiator sees the failure the same way.
        assertTrue(serverNegotiator.configured.isEmpty());
        assertEquals(1, serverNegotiator.failures.size());
        assertFalse(pair.server.isOpen());
    }

    @Test
    void failureInConfigurePipelineIsPassedOnAndClosesTheChannel() {
        start(ChannelPair.clientContext().applicationProtocols("h2").build(),
                ChannelPair.serverContext().applicationProtocols("h2").build());
        IllegalArgumentException boom = new IllegalArgumentException("no handler for h2");
        serverNegotiator.configureFailure = boom;
        ChannelPair.Recorder after = new ChannelPair.Recorder();
        pair.server.pipeline().addLast(after);
        pair.shuttle();

        assertEquals(List.of("h2"), serverNegotiator.configured);
        assertTrue(serverNegotiator.failures.isEmpty(), "not a handshake failure");
        assertEquals(List.of(boom), after.exceptions);
        assertFalse(pair.server.isOpen());
        assertNull(pair.server.pipeline().get(Tls13ProtocolNegotiationHandler.class));
        after.release();
    }
}
