package dev.tls13.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tls13.crypto.DeterministicCryptoProvider;
import dev.tls13.error.TlsException;
import dev.tls13.handshake.HandshakeHarness.Pair;
import dev.tls13.handshake.HandshakeHarness.Recorder;
import dev.tls13.wire.HandshakeMessage;

import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

/**
 * Fails safely on any input: every single-byte change of a real flight is either refused by the
 * decoder, refused by the state machine with a TlsException, or accepted; never another exception.
 * Both sides use deterministic providers, so every run replays the same flights.
 */
class MutatedMessageTest {

    private static ClientConfig client() {
        return HandshakeHarness.client(c -> c.crypto = DeterministicCryptoProvider.builder().seed(1).build());
    }

    private static ServerConfig server() {
        return HandshakeHarness.server(s -> s.crypto = DeterministicCryptoProvider.builder().seed(2).build());
    }

    /** Outcome counts. */
    private static final class Counts {
        int decoderRefused;
        int stateRefused;
        int accepted;
    }

    /** Feeds {@code prefix} then a mutation of {@code target} to the state {@code fresh} returns. */
    private static void mutateEachByte(List<byte[]> prefix, byte[] target, Supplier<HandshakeState> fresh,
                                       int stride, Counts counts) throws TlsException {
        for (int i = 4; i < target.length; i += stride) {
            byte[] mutated = target.clone();
            mutated[i] ^= (byte) (0x01 << (i % 8));
            HandshakeMessage message;
            try {
                message = HandshakeHarness.decode(mutated);
            } catch (TlsException e) {
                counts.decoderRefused++;
                continue;
            }
            HandshakeState state = fresh.get();
            Recorder out = new Recorder(false);
            for (byte[] m : prefix) {
                state = state.on(HandshakeHarness.decode(m), m, out);
            }
            try {
                state.on(message, mutated, out);
                counts.accepted++;
            } catch (TlsException e) {
                counts.stateRefused++;
            } catch (RuntimeException e) {
                fail("byte " + i + " of " + message.type() + ": " + e, e);
            }
        }
    }

    private static HandshakeState startClient() {
        return startClient(new Recorder(false));
    }

    private static HandshakeState startClient(Recorder out) {
        try {
            return ClientHandshake.start(client(), HandshakeHarness.HOST, HandshakeHarness.HOST, out);
        } catch (TlsException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void clientRefusesOrAcceptsEveryByteFlipOfTheServerFlightWithoutAnyOtherException() throws Exception {
        Recorder clientOut = new Recorder();
        Pair pair = new Pair(startClient(clientOut), clientOut, ServerHandshake.start(server()), new Recorder());
        pair.toServer();
        List<byte[]> flight = pair.pendingFromServer();
        Counts counts = new Counts();
        for (int n = 0; n < flight.size(); n++) {
            int stride = flight.get(n).length > 200 ? 13 : 1;
            mutateEachByte(flight.subList(0, n), flight.get(n), MutatedMessageTest::startClient, stride, counts);
        }
        assertTrue(counts.stateRefused > 100, "state refusals: " + counts.stateRefused);
        assertTrue(counts.decoderRefused > 10, "decoder refusals: " + counts.decoderRefused);
    }

    @Test
    void serverRefusesOrAcceptsEveryByteFlipOfTheClientHelloAndFinishedWithoutAnyOtherException()
            throws Exception {
        Recorder clientOut = new Recorder();
        Pair pair = new Pair(startClient(clientOut), clientOut, ServerHandshake.start(server()), new Recorder());
        pair.run();
        List<byte[]> sent = pair.clientOut.sent();
        Supplier<HandshakeState> fresh = () -> ServerHandshake.start(server());
        Counts hello = new Counts();
        mutateEachByte(List.of(), sent.get(0), fresh, 3, hello);
        assertTrue(hello.stateRefused > 0, "state refusals: " + hello.stateRefused);
        assertTrue(hello.accepted > 0, "some changes (random, session id, key share) are acceptable");
        Counts finished = new Counts();
        mutateEachByte(List.of(sent.get(0)), sent.get(1), fresh, 1, finished);
        // every flip of verify_data is a bad Finished; flips of the header are the decoder's
        assertEquals(32, finished.stateRefused);
        assertEquals(0, finished.accepted);
    }
}
