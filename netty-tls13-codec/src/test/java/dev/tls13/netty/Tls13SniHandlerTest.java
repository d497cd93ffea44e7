package dev.tls13.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.connection.Limits;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.testing.LargeClientHellos;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import dev.tls13.wire.AlertDescription;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.AsyncMapping;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import io.netty.util.concurrent.Promise;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Tls13SniHandler}: a whole server context per host name, chosen from the ClientHello. */
class Tls13SniHandlerTest {

    private static final Issued ALPHA = leaf("alpha.test");
    private static final Issued BETA = leaf("*.beta.test");
    private static final Issued FALLBACK = leaf("default.test");
    private static final Tls13Context ALPHA_CONTEXT = server(ALPHA);
    private static final Tls13Context BETA_CONTEXT = server(BETA);
    private static final Tls13Context DEFAULT_CONTEXT = server(FALLBACK);
    private static final Mapping<String, Tls13Context> MAPPING =
            new DomainWildcardMappingBuilder<>(DEFAULT_CONTEXT)
                    .add("alpha.test", ALPHA_CONTEXT)
                    .add("*.beta.test", BETA_CONTEXT)
                    .build();

    private static final long DEFAULT_TIMEOUT = Tls13SniHandler.DEFAULT_HANDSHAKE_TIMEOUT_MILLIS;

    private final EmbeddedChannel client = new EmbeddedChannel();
    private final EmbeddedChannel server = new EmbeddedChannel();
    private final ChannelPair.Recorder clientApp = new ChannelPair.Recorder();
    private final ChannelPair.Recorder serverApp = new ChannelPair.Recorder();

    private static Issued leaf(String dns) {
        return TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P256)).dns(dns).build();
    }

    private static Tls13Context server(Issued leaf) {
        return Tls13Context.forServer(leaf.privateKey(), leaf.chain().toArray(new X509Certificate[0])).build();
    }

    @AfterEach
    void finish() {
        clientApp.release();
        serverApp.release();
        client.finishAndReleaseAll();
        server.finishAndReleaseAll();
    }

    /** Connects a client for {@code host} (SNI and host name check; none when null) to {@code sni}. */
    private Tls13Handler connect(Tls13SniHandler sni, String host) {
        server.pipeline().addLast(sni, serverApp);
        Tls13Handler handler = host == null
                ? ChannelPair.clientContext().endpointIdentificationAlgorithm(null).build().newHandler(client.alloc())
                : ChannelPair.clientContext().build().newHandler(client.alloc(), host, 443);
        client.pipeline().addLast(handler, clientApp);
        shuttle();
        return handler;
    }

    private void shuttle() {
        boolean moved;
        do {
            moved = ChannelPair.move(client, server) | ChannelPair.move(server, client);
        } while (moved);
    }

    private SniCompletionEvent sniEvent() {
        List<SniCompletionEvent> events = serverApp.userEvents.stream().filter(SniCompletionEvent.class::isInstance)
                .map(SniCompletionEvent.class::cast).toList();
        assertEquals(1, events.size(), events::toString);
        return events.get(0);
    }

    private void assertServedBy(Tls13SniHandler sni, Tls13Handler clientHandler, Tls13Context context, Issued leaf) {
        assertTrue(clientHandler.handshakeFuture().isSuccess(), () -> "client: " + clientHandler.handshakeFuture()
                .cause());
        assertSame(context, sni.selectedContext());
        assertEquals(leaf.certificate(), clientHandler.session().peerCertificates().get(0),
                "the client sees the selected context's certificate");
        Tls13Handler serverHandler = server.pipeline().get(Tls13Handler.class);
        assertTrue(serverHandler.handshakeFuture().isSuccess());
        assertNull(server.pipeline().get(Tls13SniHandler.class), "the SNI handler replaced itself");
        assertTrue(sniEvent().isSuccess());
    }

    @Test
    void anExactNameSelectsItsContext() {
        Tls13SniHandler sni = new Tls13SniHandler(MAPPING);
        Tls13Handler handler = connect(sni, "alpha.test");
        assertServedBy(sni, handler, ALPHA_CONTEXT, ALPHA);
        assertEquals("alpha.test", sni.hostname());
        assertEquals("alpha.test", sniEvent().hostname());
        assertEquals("alpha.test", server.pipeline().get(Tls13Handler.class).session().serverName());
    }

    @Test
    void aWildcardNameSelectsItsContext() {
        Tls13SniHandler sni = new Tls13SniHandler(MAPPING, 4096, 5_000);
        Tls13Handler handler = connect(sni, "www.beta.test");
        assertServedBy(sni, handler, BETA_CONTEXT, BETA);
        assertEquals("www.beta.test", sni.hostname());
        assertEquals(5_000, server.pipeline().get(Tls13Handler.class).getHandshakeTimeoutMillis(),
                "the SNI timeout bounds the handshake too");
    }

    @Test
    void anUnknownNameGetsTheDefaultContext() {
        Tls13SniHandler sni = new Tls13SniHandler(MAPPING);
        Tls13Handler handler = connect(sni, "default.test");
        assertServedBy(sni, handler, DEFAULT_CONTEXT, FALLBACK);
        assertEquals("default.test", sni.hostname());
    }

    @Test
    void aClientWithoutServerNameGetsTheDefaultContext() {
        Tls13SniHandler sni = new Tls13SniHandler(MAPPING);
        Tls13Handler handler = connect(sni, null);
        assertServedBy(sni, handler, DEFAULT_CONTEXT, FALLBACK);
        assertNull(sni.hostname());
        assertNull(sniEvent().hostname());
    }

    @Test
    void anAsynchronousLookupHoldsTheHandshakeUntilItCompletes() {
        AtomicReference<Promise<Tls13Context>> pending = new AtomicReference<>();
        AtomicReference<String> asked = new AtomicReference<>();
        AsyncMapping<String, Tls13Context> async = (name, promise) -> {
            asked.set(name);
            pending.set(promise);
            return promise;
        };
        Tls13SniHandler sni = new Tls13SniHandler(async);
        Tls13Handler handler = connect(sni, "alpha.test");
        assertEquals("alpha.test", asked.get());
        assertFalse(handler.handshakeFuture().isDone(), "no ServerHello before the lookup completes");
        assertFalse(server.pipeline().get(Tls13Handler.class).handshakeFuture().isDone(), "the server waits");
        assertNull(sni.selectedContext());

        pending.get().setSuccess(ALPHA_CONTEXT);
        server.runPendingTasks();
        shuttle();
        assertServedBy(sni, handler, ALPHA_CONTEXT, ALPHA);
    }

    @Test
    void aClientHelloOverTheCapIsRejectedAndTheChannelClosed() {
        Tls13SniHandler sni = new Tls13SniHandler(MAPPING, 100, 0);
        Tls13Handler handler = connect(sni, "alpha.test");
        SniCompletionEvent event = sniEvent();
        assertInstanceOf(TooLongFrameException.class, event.cause());
        assertTrue(event.cause().getMessage().contains("exceeds 100"), event.cause()::getMessage);
        DecoderException error = assertInstanceOf(DecoderException.class, serverApp.exceptions.get(0));
        assertInstanceOf(SSLException.class, error.getCause(), "the refusal");
        assertSame(event.cause(), error.getCause().getCause());
        assertFalse(server.isOpen());
        assertNull(sni.selectedContext());
        assertNull(server.pipeline().get(Tls13Handler.class));
        assertFalse(handler.handshakeFuture().isSuccess());
    }

    @Test
    void aClientHelloWithinTheCapIsAccepted() {
        Tls13SniHandler sni = new Tls13SniHandler(MAPPING, 2048, 0);
        assertServedBy(sni, connect(sni, "alpha.test"), ALPHA_CONTEXT, ALPHA);
    }

    @Test
    void theDefaultCapIsTheCoresClientHelloCapInFullRecords() {
        // 66,124 bytes of message in records of at most 2^14 bytes: 5 records, 5 header bytes each.
        assertEquals(66_124, Limits.DEFAULT.maxClientHelloSize());
        assertEquals(66_124 + 5 * 5, Tls13SniHandler.DEFAULT_MAX_CLIENT_HELLO_LENGTH);
    }

    /** Puts a default-cap SNI handler on the server and writes the raw records of a ClientHello into it. */
    private Tls13SniHandler receiveRecords(Mapping<String, Tls13Context> mapping, ByteBuf records) {
        Tls13SniHandler sni = new Tls13SniHandler(mapping);
        server.pipeline().addLast(sni, serverApp);
        server.writeInbound(records);
        return sni;
    }

    /** The first record the server wrote: its content type and, for an alert, its description. */
    private int[] firstRecordWritten() {
        ByteBuf out = server.readOutbound();
        assertNotNull(out, "the server wrote nothing");
        try {
            return new int[] {out.getUnsignedByte(0), out.getUnsignedByte(5), out.getUnsignedByte(6)};
        } finally {
            out.release();
        }
    }

    @Test
    void theLargestClientHelloTheCoreAcceptsPassesTheDefaultCap() throws Exception {
        ByteBuf records = LargeClientHellos.records(LargeClientHellos.ofLength(Limits.DEFAULT.maxClientHelloSize()));
        assertEquals(Tls13SniHandler.DEFAULT_MAX_CLIENT_HELLO_LENGTH, records.readableBytes());
        Tls13SniHandler sni = receiveRecords(MAPPING, records);
        assertTrue(sniEvent().isSuccess(), () -> String.valueOf(sniEvent().cause()));
        assertEquals("localhost", sniEvent().hostname());
        assertSame(DEFAULT_CONTEXT, sni.selectedContext());
        int[] first = firstRecordWritten();
        assertEquals(22, first[0], "a handshake record");
        assertEquals(2, first[1], "a ServerHello");
        assertTrue(server.isOpen());
        assertTrue(serverApp.exceptions.isEmpty(), serverApp.exceptions::toString);
    }

    @Test
    void oneRecordByteOverTheDefaultCapIsRefusedWithTooLongFrameException() throws Exception {
        // 66,120 bytes of message, within the core's cap, in 6 records of at most 13,000 bytes:
        // 66,120 + 6 * 5 = 66,150 bytes on the wire, the default cap plus one.
        AtomicInteger lookups = new AtomicInteger();
        ByteBuf records = LargeClientHellos.records(LargeClientHellos.ofLength(66_120), 13_000);
        assertEquals(Tls13SniHandler.DEFAULT_MAX_CLIENT_HELLO_LENGTH + 1, records.readableBytes());
        Tls13SniHandler sni = receiveRecords(name -> {
            lookups.incrementAndGet();
            return MAPPING.map(name);
        }, records);
        SniCompletionEvent event = sniEvent();
        assertInstanceOf(TooLongFrameException.class, event.cause());
        assertEquals("ClientHello length exceeds 66149: 66150", event.cause().getMessage());
        DecoderException error = assertInstanceOf(DecoderException.class, serverApp.exceptions.get(0));
        assertSame(event.cause(), error.getCause().getCause());
        int[] alert = firstRecordWritten();
        assertEquals(21, alert[0], "an alert record");
        assertEquals(AlertDescription.INTERNAL_ERROR.code(), alert[2]);
        assertEquals(0, lookups.get(), "refused before the lookup");
        assertNull(sni.selectedContext());
        assertFalse(server.isOpen());
    }

    @Test
    void aClientHelloOverTheCoresCapIsADecodeErrorBeforeTheLookup() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        ByteBuf records = LargeClientHellos.records(LargeClientHellos.ofLength(Limits.DEFAULT.maxClientHelloSize()
                + 1));
        Tls13SniHandler sni = receiveRecords(name -> {
            lookups.incrementAndGet();
            return MAPPING.map(name);
        }, records);
        assertFalse(sniEvent().isSuccess());
        int[] alert = firstRecordWritten();
        assertEquals(21, alert[0], "an alert record");
        assertEquals(AlertDescription.DECODE_ERROR.code(), alert[2]);
        assertEquals(0, lookups.get());
        assertNull(sni.selectedContext());
        assertFalse(server.isOpen());
    }

    @Test
    void noClientHelloWithinTheTimeoutClosesTheChannel() {
        server.freezeTime();
        Tls13SniHandler sni = new Tls13SniHandler(MAPPING, 4096, 1_000);
        server.pipeline().addLast(sni, serverApp);
        server.advanceTimeBy(999, TimeUnit.MILLISECONDS);
        server.runScheduledPendingTasks();
        assertTrue(server.isOpen(), "not yet");
        assertTrue(serverApp.userEvents.isEmpty());

        server.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        server.runScheduledPendingTasks();
        assertInstanceOf(SslHandshakeTimeoutException.class, sniEvent().cause());
        assertFalse(server.isOpen());
        assertNull(sni.selectedContext());
    }

    @Test
    void aClientHelloInTimeCancelsTheTimeout() {
        server.freezeTime();
        Tls13SniHandler sni = new Tls13SniHandler(MAPPING, 4096, 1_000);
        Tls13Handler handler = connect(sni, "alpha.test");
        assertServedBy(sni, handler, ALPHA_CONTEXT, ALPHA);
        server.advanceTimeBy(2, TimeUnit.SECONDS);
        server.runScheduledPendingTasks();
        assertTrue(server.isOpen());
        assertEquals(1, serverApp.userEvents.stream().filter(SniCompletionEvent.class::isInstance).count());
    }

    @Test
    void aFailedLookupReachesExceptionCaught() {
        Tls13SniHandler sni = new Tls13SniHandler((Mapping<String, Tls13Context>) name -> {
            throw new IllegalStateException("lookup down");
        });
        connect(sni, "alpha.test");
        DecoderException error = assertInstanceOf(DecoderException.class, serverApp.exceptions.get(0));
        assertInstanceOf(SSLException.class, error.getCause(), "the refusal");
        assertEquals("lookup down", error.getCause().getCause().getMessage());
        assertFalse(sniEvent().isSuccess());
        assertNull(sni.selectedContext());
    }

    @Test
    void theNameIsLookedUpInLowerCase() {
        AtomicReference<String> asked = new AtomicReference<>();
        Tls13SniHandler sni = new Tls13SniHandler((Mapping<String, Tls13Context>) name -> {
            asked.set(name);
            return MAPPING.map(name);
        });
        Tls13Handler handler = connect(sni, "ALPHA.Test");
        assertEquals("alpha.test", asked.get());
        assertServedBy(sni, handler, ALPHA_CONTEXT, ALPHA);
        assertEquals("alpha.test", sniEvent().hostname());
    }

    @Test
    void theChosenContextsHandlerSettingsApply() {
        Tls13Context small = Tls13Context.forServer(ALPHA.privateKey(), ALPHA.chain().toArray(new X509Certificate[0]))
                .wrapDataSize(512).closeNotifyFlushTimeout(1, TimeUnit.SECONDS).build();
        Tls13SniHandler sni = new Tls13SniHandler((Mapping<String, Tls13Context>) name -> small);
        assertServedBy(sni, connect(sni, "alpha.test"), small, ALPHA);
        Tls13Handler served = server.pipeline().get(Tls13Handler.class);
        assertEquals(512, served.getWrapDataSize());
        assertEquals(1_000, served.getCloseNotifyFlushTimeoutMillis());
        assertEquals(DEFAULT_TIMEOUT, served.getHandshakeTimeoutMillis(), "the SNI timeout");
        assertSame(small, served.context());
    }

    @Test
    void noContextForTheNameRefusesTheClientWithUnrecognizedName() {
        Tls13SniHandler sni = new Tls13SniHandler((Mapping<String, Tls13Context>) name -> null);
        Tls13Handler handler = connect(sni, "alpha.test");
        assertFalse(sniEvent().isSuccess());
        TlsException failure = assertInstanceOf(TlsException.class, handler.handshakeFuture().cause());
        assertEquals(AlertDescription.UNRECOGNIZED_NAME,
                assertInstanceOf(TlsFailure.AlertReceived.class, failure.failure()).description());
        assertFalse(server.isOpen());
        assertNull(sni.selectedContext());
    }

    @Test
    void aClientContextIsRefused() {
        Tls13SniHandler sni = new Tls13SniHandler((Mapping<String, Tls13Context>) name ->
                ChannelPair.clientContext().build());
        connect(sni, "alpha.test");
        DecoderException error = assertInstanceOf(DecoderException.class, serverApp.exceptions.get(0));
        assertInstanceOf(SSLException.class, error.getCause());
        assertNull(sni.selectedContext());
    }
}
