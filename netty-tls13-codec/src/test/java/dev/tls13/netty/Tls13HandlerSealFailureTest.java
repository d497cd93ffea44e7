package dev.tls13.netty;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.Aead;
import dev.tls13.crypto.AeadAlgorithm;
import dev.tls13.crypto.CryptoProvider;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.testing.ForwardingProvider;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A RuntimeException while sealing application data (our bug, or a broken {@link CryptoProvider}) fails
 * the writes it concerns and the channel, as a TLS failure would, instead of leaving their promises
 * waiting forever.
 */
class Tls13HandlerSealFailureTest {

    private final ChannelPair pair = new ChannelPair();
    private final BreakableSeal provider = new BreakableSeal();

    @AfterEach
    void finish() {
        pair.finish();
    }

    private void handshake() {
        pair.start(ChannelPair.clientContext().cryptoProvider(provider).build(), ChannelPair.serverContext().build());
        pair.shuttle();
        assertTrue(pair.clientHandler.handshakeFuture().isSuccess());
        provider.broken = true;
    }

    @Test
    void aFailingSealFailsTheWriteAndClosesTheChannel() {
        handshake();
        ChannelFuture write = pair.client.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII));
        pair.client.runPendingTasks();
        assertTrue(write.isDone(), "the write is not left waiting");
        assertFalse(write.isSuccess());
        TlsException failure = assertInstanceOf(TlsException.class, write.cause());
        assertInstanceOf(TlsFailure.Internal.class, failure.failure());
        assertInstanceOf(IllegalStateException.class, failure.getCause());
        assertFalse(pair.client.isOpen(), "the channel is closed");
    }

    @Test
    void aFailingSealFailsEveryCoalescedWrite() {
        handshake();
        ChannelFuture first = pair.client.write(Unpooled.copiedBuffer("one", StandardCharsets.US_ASCII));
        ChannelFuture second = pair.client.write(Unpooled.copiedBuffer("two", StandardCharsets.US_ASCII));
        pair.client.flush();
        pair.client.runPendingTasks();
        for (ChannelFuture write : new ChannelFuture[] {first, second}) {
            assertTrue(write.isDone(), "the write is not left waiting");
            assertInstanceOf(TlsException.class, write.cause());
        }
        assertFalse(pair.client.isOpen(), "the channel is closed");
    }

    @Test
    void aFailingSealOfCloseNotifyFailsTheConnectionInsteadOfLeavingItOpen() {
        handshake();
        // The connection records this failure without throwing it: the handler finds it when it polls the output.
        ChannelFuture closeNotify = pair.clientHandler.closeOutbound();
        pair.client.runPendingTasks();
        assertTrue(closeNotify.isDone(), "the half-close is not reported as done");
        TlsException failure = assertInstanceOf(TlsException.class, closeNotify.cause());
        assertInstanceOf(TlsFailure.Internal.class, failure.failure());
        assertFalse(pair.client.isOpen(), "the failure path closed the channel");
        assertSame(failure, pair.clientHandler.sslCloseFuture().cause());
        ChannelFuture write = pair.client.writeAndFlush(Unpooled.copiedBuffer("late", StandardCharsets.US_ASCII));
        assertFalse(write.isSuccess());
    }

    @Test
    void aFailingSealOfCloseNotifyOnCloseReportsTheFailure() {
        handshake();
        ChannelFuture close = pair.client.close();
        pair.client.runPendingTasks();
        assertTrue(close.isSuccess(), "the channel closes anyway");
        TlsException failure = assertInstanceOf(TlsException.class, pair.clientHandler.sslCloseFuture().cause());
        assertInstanceOf(TlsFailure.Internal.class, failure.failure());
    }

    /** The JCA provider, whose AEADs throw IllegalStateException from every seal once broken. */
    private static final class BreakableSeal extends ForwardingProvider {
        volatile boolean broken;

        @Override
        public Aead aead(AeadAlgorithm algorithm, byte[] key) {
            Aead aead = super.aead(algorithm, key);
            return new Aead() {
                @Override
                public AeadAlgorithm algorithm() {
                    return aead.algorithm();
                }

                @Override
                public int seal(byte[] nonce, byte[] aad, byte[] in, int inOff, int inLen, byte[] out, int outOff)
                        throws GeneralSecurityException {
                    check();
                    return aead.seal(nonce, aad, in, inOff, inLen, out, outOff);
                }

                @Override
                public int seal(byte[] nonce, byte[] aad, byte[] in, int inOff, int inLen, byte[] trailer,
                                int trailerLen, byte[] out, int outOff) throws GeneralSecurityException {
                    check();
                    return aead.seal(nonce, aad, in, inOff, inLen, trailer, trailerLen, out, outOff);
                }

                @Override
                public int open(byte[] nonce, byte[] aad, byte[] in, int inOff, int inLen, byte[] out, int outOff)
                        throws GeneralSecurityException {
                    return aead.open(nonce, aad, in, inOff, inLen, out, outOff);
                }

                @Override
                public int seal(byte[] nonce, byte[] aad, ByteBuffer plaintext, ByteBuffer out)
                        throws GeneralSecurityException {
                    check();
                    return aead.seal(nonce, aad, plaintext, out);
                }

                @Override
                public int open(byte[] nonce, byte[] aad, ByteBuffer ciphertext, ByteBuffer out)
                        throws GeneralSecurityException {
                    return aead.open(nonce, aad, ciphertext, out);
                }

                @Override
                public void destroy() {
                    aead.destroy();
                }
            };
        }

        private void check() {
            if (broken) {
                throw new IllegalStateException("broken AEAD");
            }
        }
    }
}
