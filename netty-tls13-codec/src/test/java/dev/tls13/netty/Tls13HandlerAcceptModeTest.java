package dev.tls13.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.connection.ClientHelloInfo;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.wire.AlertDescription;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.AsyncMapping;
import io.netty.util.concurrent.Promise;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A server {@link Tls13Handler} in accept mode (docs/architecture.md §13): it reads the ClientHello, asks its
 * selector once, and goes on with the chosen context or refuses the client through the ordinary failure path.
 */
class Tls13HandlerAcceptModeTest {

    private static final Issued LEAF = ChannelPair.serverCertificate();
    private static final Tls13Context SERVER = Tls13Context.forServer(LEAF.privateKey(),
            LEAF.chain().toArray(new X509Certificate[0])).applicationProtocols("h2").build();
    /** Handler settings only: a 20 s handshake timeout and a 100-byte wrap size. */
    private static final Tls13Context SETTINGS = ChannelPair.serverContext().handshakeTimeout(20, TimeUnit.SECONDS)
            .wrapDataSize(100).build();

    private final EmbeddedChannel client = new EmbeddedChannel();
    private final EmbeddedChannel server = new EmbeddedChannel();
    private final ChannelPair.Wire serverWire = new ChannelPair.Wire();
    private final ChannelPair.Recorder clientApp = new ChannelPair.Recorder();
    private final ChannelPair.Recorder serverApp = new ChannelPair.Recorder();
    /** What the selector was asked, in order. */
    private final List<ClientHelloInfo> asked = new ArrayList<>();
    /** The promise of the last question, for selectors that answer later. */
    private Promise<Tls13Context> pending;
    private Tls13Handler clientHandler;
    private Tls13Handler serverHandler;

    @AfterEach
    void finish() {
        clientApp.release();
        serverApp.release();
        client.finishAndReleaseAll();
        server.finishAndReleaseAll();
    }

    /** A selector that records the question and answers with {@code answer} at once. */
    private AsyncMapping<ClientHelloInfo, Tls13Context> answering(Tls13Context answer) {
        return (hello, promise) -> {
            asked.add(hello);
            return promise.setSuccess(answer);
        };
    }

    /** A selector that records the question and keeps the promise for the test to complete. */
    private AsyncMapping<ClientHelloInfo, Tls13Context> later() {
        return (hello, promise) -> {
            asked.add(hello);
            pending = promise;
            return promise;
        };
    }

    /** Adds both handlers (the client's for {@code host}, sending SNI) without moving any bytes. */
    private void start(AsyncMapping<ClientHelloInfo, Tls13Context> selector, String host) {
        serverHandler = new Tls13Handler(selector, SETTINGS, server.alloc());
        server.pipeline().addLast(serverWire, serverHandler, serverApp);
        clientHandler = ChannelPair.clientContext().endpointIdentificationAlgorithm(null).applicationProtocols("h2")
                .build().newHandler(client.alloc(), host, 443);
        client.pipeline().addLast(clientHandler, clientApp);
    }

    private void shuttle() {
        boolean moved;
        do {
            moved = ChannelPair.move(client, server) | ChannelPair.move(server, client);
        } while (moved);
    }

    /** The alert the client received, from the failure of its handshake. */
    private AlertDescription alertReceivedByClient() {
        TlsException failure = assertInstanceOf(TlsException.class, clientHandler.handshakeFuture().cause());
        return assertInstanceOf(TlsFailure.AlertReceived.class, failure.failure()).description();
    }

    /** The server's refusal: its handshake failed with it, and exceptionCaught got it in a DecoderException. */
    private TlsException serverRefusal() {
        TlsException refusal = assertInstanceOf(TlsException.class, serverHandler.handshakeFuture().cause());
        assertInstanceOf(TlsFailure.Refused.class, refusal.failure());
        assertTrue(serverApp.events.contains("SslHandshakeCompletionEvent failure"), serverApp.events::toString);
        DecoderException error = assertInstanceOf(DecoderException.class, serverApp.exceptions.get(0));
        assertSame(refusal, error.getCause());
        assertFalse(server.isOpen(), "the server closed the channel");
        return refusal;
    }

    @Test
    void aSelectorThatAnswersAtOnceServesTheChosenContext() {
        start(answering(SERVER), ChannelPair.HOST);
        assertNull(serverHandler.context(), "no context before the ClientHello");
        shuttle();
        assertTrue(clientHandler.handshakeFuture().isSuccess(), () -> "client: " + clientHandler.handshakeFuture()
                .cause());
        assertTrue(serverHandler.handshakeFuture().isSuccess());
        assertEquals(1, asked.size(), "asked once");
        assertEquals(ChannelPair.HOST, asked.get(0).serverName());
        assertEquals(List.of("h2"), asked.get(0).applicationProtocols());
        assertSame(SERVER, serverHandler.context());
        assertEquals(ChannelPair.HOST, serverHandler.session().serverName());
        assertEquals("h2", serverHandler.applicationProtocol());
        assertEquals(LEAF.certificate(), clientHandler.session().peerCertificates().get(0));

        server.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII));
        shuttle();
        assertEquals("hello", clientApp.received.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void theSettingsContextGivesTheHandlerSettings() {
        start(answering(SERVER), ChannelPair.HOST);
        assertEquals(20_000, serverHandler.getHandshakeTimeoutMillis());
        assertEquals(100, serverHandler.getWrapDataSize());
        assertEquals(SETTINGS.maxPendingWriteBytes(), serverHandler.getMaxPendingWriteBytes());
    }

    @Test
    void theSettingsLimitsApplyBeforeTheChoice() {
        Tls13Context tiny = ChannelPair.serverContext().maxClientHelloSize(64).build();
        serverHandler = new Tls13Handler(answering(SERVER), tiny);
        server.pipeline().addLast(serverHandler, serverApp);
        clientHandler = ChannelPair.clientContext().build().newHandler(client.alloc(), ChannelPair.HOST, 443);
        client.pipeline().addLast(clientHandler, clientApp);
        shuttle();
        assertTrue(asked.isEmpty(), "a ClientHello over the cap never reaches the selector");
        assertInstanceOf(TlsException.class, serverHandler.handshakeFuture().cause());
        assertFalse(server.isOpen());
    }

    @Test
    void aSelectorThatAnswersLaterHoldsTheHandshakeAndTheReads() {
        start(later(), ChannelPair.HOST);
        shuttle();
        assertEquals(1, asked.size());
        assertFalse(serverHandler.handshakeFuture().isDone());
        assertFalse(clientHandler.handshakeFuture().isDone());
        assertNull(server.readOutbound(), "nothing sent before the answer");
        assertNull(serverHandler.context());

        pending.setSuccess(SERVER);
        server.runPendingTasks();
        shuttle();
        assertTrue(clientHandler.handshakeFuture().isSuccess(), () -> "client: " + clientHandler.handshakeFuture()
                .cause());
        assertTrue(serverHandler.handshakeFuture().isSuccess());
        assertSame(SERVER, serverHandler.context());
        assertEquals(1, asked.size(), "asked once");
    }

    @Test
    void aClientHelloSplitAcrossRecordsReachesTheSelectorWhole() {
        start(answering(SERVER), ChannelPair.HOST);
        ByteBuf hello = client.readOutbound();
        ByteBuf records = split(hello, 3);
        hello.release();
        int recordLength = records.getUnsignedShort(3) + 5;
        for (int i = 0; i < 2; i++) {
            server.writeInbound(records.readRetainedSlice(recordLength));
            assertTrue(asked.isEmpty(), "not asked after record " + (i + 1));
        }
        server.writeInbound(records.readRetainedSlice(records.readableBytes()));
        records.release();
        assertEquals(1, asked.size());
        assertEquals(ChannelPair.HOST, asked.get(0).serverName());
        assertTrue(serverHandler.clientHelloBytes() > 3 * 5, "three record headers and the ClientHello");
        shuttle();
        assertTrue(clientHandler.handshakeFuture().isSuccess(), () -> "client: " + clientHandler.handshakeFuture()
                .cause());
    }

    /** Re-frames the handshake bytes of one plaintext record as {@code parts} records. */
    private static ByteBuf split(ByteBuf record, int parts) {
        int length = record.getUnsignedShort(record.readerIndex() + 3);
        ByteBuf body = record.slice(record.readerIndex() + 5, length);
        ByteBuf out = Unpooled.buffer();
        int step = (length + parts - 1) / parts;
        for (int from = 0; from < length; from += step) {
            int n = Math.min(step, length - from);
            out.writeByte(22).writeShort(0x0303).writeShort(n).writeBytes(body, from, n);
        }
        return out;
    }

    @Test
    void recordsHeldDuringTheSelectionAreReadWhenItAnswers() {
        start(later(), ChannelPair.HOST);
        ByteBuf hello = client.readOutbound();
        // A record the server cannot accept once it has answered: an application_data record too short to open.
        ByteBuf early = Unpooled.buffer().writeBytes(hello).writeByte(23).writeShort(0x0303).writeShort(1).writeByte(0);
        hello.release();
        server.writeInbound(early);
        assertTrue(server.isOpen(), "held, not read, while the selector runs");
        assertEquals(1, asked.size());

        pending.setSuccess(SERVER);
        server.runPendingTasks();
        assertFalse(server.isOpen(), "read as soon as the selector answered, without another read");
        TlsException failure = assertInstanceOf(TlsException.class, serverHandler.handshakeFuture().cause());
        DecoderException error = assertInstanceOf(DecoderException.class, serverApp.exceptions.get(0));
        assertSame(failure, error.getCause());
    }

    @Test
    void aFailedAnswerRefusesTheClientWithInternalError() {
        IllegalStateException down = new IllegalStateException("directory down");
        start(later(), ChannelPair.HOST);
        shuttle();
        pending.setFailure(down);
        server.runPendingTasks();
        shuttle();
        TlsException refusal = serverRefusal();
        assertSame(down, refusal.getCause(), "the selector's failure is the refusal's cause");
        assertEquals(AlertDescription.INTERNAL_ERROR, alertReceivedByClient());
        assertNull(serverHandler.context());
    }

    @Test
    void aSelectorThatThrowsRefusesTheClientWithInternalError() {
        IllegalStateException broken = new IllegalStateException("selector bug");
        start((hello, promise) -> {
            throw broken;
        }, ChannelPair.HOST);
        shuttle();
        assertSame(broken, serverRefusal().getCause());
        assertEquals(AlertDescription.INTERNAL_ERROR, alertReceivedByClient());
    }

    @Test
    void noContextForANamedServerRefusesWithUnrecognizedName() {
        start(answering(null), ChannelPair.HOST);
        shuttle();
        assertTrue(serverRefusal().getMessage().contains(ChannelPair.HOST));
        assertEquals(AlertDescription.UNRECOGNIZED_NAME, alertReceivedByClient());
    }

    @Test
    void noContextWithoutServerNameRefusesWithHandshakeFailure() {
        start(answering(null), null);
        shuttle();
        serverRefusal();
        assertNull(asked.get(0).serverName());
        assertEquals(AlertDescription.HANDSHAKE_FAILURE, alertReceivedByClient());
    }

    @Test
    void aClientContextIsRefusedWithInternalError() {
        start(answering(ChannelPair.clientContext().build()), ChannelPair.HOST);
        shuttle();
        assertTrue(serverRefusal().getMessage().contains("client context"));
        assertEquals(AlertDescription.INTERNAL_ERROR, alertReceivedByClient());
        assertNull(serverHandler.context());
    }

    @Test
    void withAutoReadOffNothingIsReadWhileTheSelectorRuns() {
        server.config().setAutoRead(false);
        start(later(), ChannelPair.HOST);
        int readsBefore = serverWire.reads;
        assertTrue(readsBefore >= 1, "the handshake asked for the ClientHello");
        shuttle();
        assertEquals(1, asked.size());
        assertEquals(readsBefore, serverWire.reads, "no read after the ClientHello while the selector runs");
        server.read();
        assertEquals(readsBefore, serverWire.reads, "the application's read waits for the answer");

        pending.setSuccess(SERVER);
        server.runPendingTasks();
        assertEquals(readsBefore + 1, serverWire.reads, "the held read is made once the selector answered");
        shuttle();
        assertTrue(serverHandler.handshakeFuture().isSuccess());
    }

    @Test
    void theHandshakeTimeoutCoversThePendingSelector() {
        server.freezeTime();
        start(later(), ChannelPair.HOST);
        shuttle();
        assertEquals(1, asked.size());
        server.advanceTimeBy(19_999, TimeUnit.MILLISECONDS);
        server.runScheduledPendingTasks();
        assertFalse(serverHandler.handshakeFuture().isDone());

        server.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        server.runScheduledPendingTasks();
        assertInstanceOf(SslHandshakeTimeoutException.class, serverHandler.handshakeFuture().cause());
        assertFalse(server.isOpen());

        // A late answer finds the handler released: nothing is sent, nothing fails again.
        pending.setSuccess(SERVER);
        server.runPendingTasks();
        assertNull(serverHandler.context());
        assertEquals(1, serverApp.events.stream().filter("SslHandshakeCompletionEvent failure"::equals).count());
    }

    @Test
    void aFloodWhileTheSelectorRunsFailsBeforeItGrows() {
        start(later(), ChannelPair.HOST);
        shuttle();
        assertEquals(1, asked.size());
        // change_cipher_spec records, which a configured server would read one at a time.
        ByteBuf ccs = Unpooled.buffer();
        for (int i = 0; i < 1024; i++) {
            ccs.writeByte(20).writeShort(0x0303).writeShort(1).writeByte(1);
        }
        server.writeInbound(ccs.retainedSlice(0, 6));
        assertTrue(server.isOpen(), "a change_cipher_spec is held");
        int sent = 6;
        while (server.isOpen() && sent < 80 * 1024) {
            server.writeInbound(ccs.retainedDuplicate());
            sent += ccs.readableBytes();
        }
        ccs.release();
        assertFalse(server.isOpen(), "closed after " + sent + " bytes");
        assertTrue(sent <= 65_536 + 6 * 1024 + 6, "held at most the cap and one read: " + sent);
        SSLException cause = assertInstanceOf(SSLException.class, serverHandler.handshakeFuture().cause());
        assertTrue(cause.getMessage().contains("while the server chose its configuration"), cause::getMessage);
        assertNotNull(serverApp.exceptions.get(0));

        pending.setSuccess(SERVER);
        server.runPendingTasks();
        assertNull(serverHandler.context(), "the late answer is ignored");
    }

    @Test
    void theKeyLogIsTheChosenContexts() {
        List<String> lines = new ArrayList<>();
        Tls13Context logging = ChannelPair.serverContext().keyLog((channel, line) -> lines.add(line)).build();
        start(answering(logging), ChannelPair.HOST);
        shuttle();
        assertTrue(serverHandler.handshakeFuture().isSuccess(), () -> String.valueOf(serverHandler.handshakeFuture()
                .cause()));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("SERVER_HANDSHAKE_TRAFFIC_SECRET ")), lines::toString);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("SERVER_TRAFFIC_SECRET_0 ")), lines::toString);
    }
}
