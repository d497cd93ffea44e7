package dev.tls13.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tls13.error.TlsException;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.HandshakeMessage;
import io.netty.buffer.ByteBuf;

/**
 * Fuzzes {@link HandshakeCodec#decode(ByteBuf)} with whole handshake messages of every type.
 * Invariants: only {@link TlsException} comes out; a message that decodes re-encodes to exactly the
 * bytes it was decoded from (the transcript hash depends on it); nothing leaks.
 */
class HandshakeCodecFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void fuzz(byte[] input) {
        ByteBuf in = FuzzSupport.ALLOC.buffer(input.length).writeBytes(input);
        try {
            HandshakeMessage m;
            try {
                m = HandshakeCodec.decode(in);
            } catch (TlsException expected) {
                return;
            }
            assertArrayEquals(input, HandshakeCodec.encode(m), "re-encoding gives the received bytes");
        } finally {
            in.release();
        }
    }
}
