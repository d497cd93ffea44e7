package dev.tls13.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.crypto.JcaCryptoProvider;
import dev.tls13.testing.ForwardingProvider;
import dev.tls13.testing.Rfc8448;
import dev.tls13.testing.Rfc8448.Step;
import dev.tls13.testing.Rfc8448.Trace;
import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The running transcript hash of RFC 8446 §4.4.1. */
class TranscriptTest {

    private static final CryptoProvider JCA = JcaCryptoProvider.instance();

    private static byte[] sha(HashAlgorithm hash, byte[]... parts) {
        MessageDigest d = JCA.digest(hash);
        for (byte[] p : parts) {
            d.update(p);
        }
        return d.digest();
    }

    private static byte[] message(int type, int bodyLength, int fill) {
        byte[] m = new byte[4 + bodyLength];
        m[0] = (byte) type;
        m[1] = (byte) (bodyLength >>> 16);
        m[2] = (byte) (bodyLength >>> 8);
        m[3] = (byte) bodyLength;
        for (int i = 4; i < m.length; i++) {
            m[i] = (byte) (fill + i);
        }
        return m;
    }

    @Test
    void bufferedBytesHashTheSameAsHashingFromTheStart() {
        byte[] ch = message(1, 300, 1);
        byte[] sh = message(2, 90, 2);
        Transcript buffering = Transcript.buffering(JCA);
        buffering.add(ch);
        assertFalse(buffering.hashSelected());
        buffering.selectHash(HashAlgorithm.SHA256);
        buffering.add(sh);
        Transcript direct = Transcript.of(JCA, HashAlgorithm.SHA256);
        direct.add(ch);
        direct.add(sh);
        assertTrue(buffering.hashSelected());
        assertArrayEquals(sha(HashAlgorithm.SHA256, ch, sh), buffering.currentHash());
        assertArrayEquals(direct.currentHash(), buffering.currentHash());
    }

    @Test
    void currentHashLeavesTheRunningHashUndisturbed() {
        byte[] a = message(1, 100, 3);
        byte[] b = message(2, 50, 4);
        Transcript t = Transcript.of(JCA, HashAlgorithm.SHA256);
        t.add(a);
        byte[] first = t.currentHash();
        assertArrayEquals(first, t.currentHash(), "asking twice gives the same hash");
        t.add(b);
        assertArrayEquals(sha(HashAlgorithm.SHA256, a), first);
        assertArrayEquals(sha(HashAlgorithm.SHA256, a, b), t.currentHash());
    }

    @Test
    void addingASliceEqualsAddingThoseBytes() {
        byte[] ch = message(1, 200, 5);
        byte[] padded = new byte[ch.length + 20];
        System.arraycopy(ch, 0, padded, 7, ch.length);
        Transcript t = Transcript.of(JCA, HashAlgorithm.SHA384);
        t.add(padded, 7, 100);
        t.add(padded, 107, ch.length - 100);
        assertArrayEquals(sha(HashAlgorithm.SHA384, ch), t.currentHash());
        assertThrows(IndexOutOfBoundsException.class, () -> t.add(padded, 10, padded.length));
    }

    @Test
    void whileBufferingAnyHashCanBeAskedForAndAfterSelectionOnlyTheSelectedOne() {
        byte[] ch = message(1, 64, 6);
        Transcript t = Transcript.buffering(JCA);
        t.add(ch);
        assertArrayEquals(sha(HashAlgorithm.SHA256, ch), t.currentHash(HashAlgorithm.SHA256));
        assertArrayEquals(sha(HashAlgorithm.SHA384, ch), t.currentHash(HashAlgorithm.SHA384));
        assertThrows(IllegalStateException.class, t::currentHash);
        assertThrows(IllegalStateException.class, t::hash);
        t.selectHash(HashAlgorithm.SHA384);
        t.selectHash(HashAlgorithm.SHA384);
        assertEquals(HashAlgorithm.SHA384, t.hash());
        assertThrows(IllegalStateException.class, () -> t.currentHash(HashAlgorithm.SHA256));
        assertThrows(IllegalStateException.class, () -> t.selectHash(HashAlgorithm.SHA256));
    }

    @Test
    void helloRetryRequestReplacesClientHello1WithTheMessageHashMessage() {
        List<Step> clientHellos = Rfc8448.find(Trace.HELLO_RETRY_REQUEST, "client", "construct a ClientHello");
        byte[] ch1 = clientHellos.get(0).bytes("ClientHello");
        byte[] ch2 = clientHellos.get(1).bytes("ClientHello");
        List<Step> serverHellos = Rfc8448.find(Trace.HELLO_RETRY_REQUEST, "server", "construct a ServerHello");
        byte[] hrr = serverHellos.get(0).bytes("ServerHello");
        byte[] sh = serverHellos.get(1).bytes("ServerHello");

        Transcript t = Transcript.buffering(JCA);
        t.add(ch1);
        t.selectHash(HashAlgorithm.SHA256);
        t.addHelloRetryRequest(hrr);
        t.add(ch2);
        t.add(sh);

        byte[] messageHash = new byte[] {(byte) 254, 0, 0, 32};
        byte[] expected = sha(HashAlgorithm.SHA256, messageHash, sha(HashAlgorithm.SHA256, ch1), hrr, ch2, sh);
        assertArrayEquals(expected, t.currentHash());
        byte[] printed = Rfc8448.one(Trace.HELLO_RETRY_REQUEST, "server", "derive secret \"tls13 c hs traffic\"")
                .bytes("hash");
        assertArrayEquals(printed, t.currentHash());
    }

    @Test
    void serverSideHelloRetryRequestGivesTheSameTranscriptAsTheClients() {
        byte[] ch1 = message(1, 150, 7);
        byte[] hrr = message(2, 80, 8);
        Transcript client = Transcript.buffering(JCA);
        client.add(ch1);
        client.selectHash(HashAlgorithm.SHA384);
        client.addHelloRetryRequest(hrr);
        Transcript server = Transcript.of(JCA, HashAlgorithm.SHA384);
        server.add(ch1);
        server.addHelloRetryRequest(hrr);
        byte[] expected = sha(HashAlgorithm.SHA384, new byte[] {(byte) 254, 0, 0, 48},
                sha(HashAlgorithm.SHA384, ch1), hrr);
        assertArrayEquals(expected, client.currentHash());
        assertArrayEquals(expected, server.currentHash());
    }

    @Test
    void helloRetryRequestNeedsExactlyClientHello1AndASelectedHash() {
        byte[] ch1 = message(1, 40, 9);
        byte[] hrr = message(2, 40, 10);
        Transcript unselected = Transcript.buffering(JCA);
        unselected.add(ch1);
        assertThrows(IllegalStateException.class, () -> unselected.addHelloRetryRequest(hrr));

        Transcript empty = Transcript.of(JCA, HashAlgorithm.SHA256);
        assertThrows(IllegalStateException.class, () -> empty.addHelloRetryRequest(hrr));

        Transcript partial = Transcript.of(JCA, HashAlgorithm.SHA256);
        partial.add(ch1, 0, 20);
        assertThrows(IllegalStateException.class, () -> partial.addHelloRetryRequest(hrr));

        Transcript twoMessages = Transcript.of(JCA, HashAlgorithm.SHA256);
        twoMessages.add(ch1);
        twoMessages.add(message(2, 10, 11));
        assertThrows(IllegalStateException.class, () -> twoMessages.addHelloRetryRequest(hrr));

        Transcript notClientHello = Transcript.of(JCA, HashAlgorithm.SHA256);
        notClientHello.add(message(2, 40, 12));
        assertThrows(IllegalStateException.class, () -> notClientHello.addHelloRetryRequest(hrr));

        Transcript secondRetry = Transcript.of(JCA, HashAlgorithm.SHA256);
        secondRetry.add(ch1);
        secondRetry.addHelloRetryRequest(hrr);
        assertThrows(IllegalStateException.class, () -> secondRetry.addHelloRetryRequest(hrr));

        Transcript wrongType = Transcript.of(JCA, HashAlgorithm.SHA256);
        wrongType.add(ch1);
        assertThrows(IllegalArgumentException.class, () -> wrongType.addHelloRetryRequest(message(8, 10, 13)));
    }

    @Test
    void aDigestThatCannotBeClonedFallsBackToKeepingTheBytes() {
        CryptoProvider noClone = new ForwardingProvider() {
            @Override
            public MessageDigest digest(HashAlgorithm hash) {
                return new NonCloningDigest(super.digest(hash));
            }
        };
        byte[] ch = message(1, 120, 14);
        byte[] hrr = message(2, 60, 15);
        byte[] ch2 = message(1, 130, 16);
        Transcript t = Transcript.buffering(noClone);
        t.add(ch);
        t.selectHash(HashAlgorithm.SHA256);
        byte[] afterCh = t.currentHash();
        t.addHelloRetryRequest(hrr);
        t.add(ch2);
        assertArrayEquals(sha(HashAlgorithm.SHA256, ch), afterCh);
        assertArrayEquals(sha(HashAlgorithm.SHA256, new byte[] {(byte) 254, 0, 0, 32}, afterCh, hrr, ch2),
                t.currentHash());
        assertArrayEquals(t.currentHash(), t.currentHash());
    }

    @Test
    void toStringShowsOnlyTheStateNotTheMessages() {
        Transcript t = Transcript.buffering(JCA);
        t.add(message(1, 10, 17));
        assertEquals("Transcript[buffering, 14 bytes]", t.toString());
        t.selectHash(HashAlgorithm.SHA256);
        assertEquals("Transcript[SHA256, 14 bytes]", t.toString());
    }

    /** A digest that refuses {@code clone()}, as some providers' digests do. */
    private static final class NonCloningDigest extends MessageDigest {
        private final MessageDigest inner;

        NonCloningDigest(MessageDigest inner) {
            super(inner.getAlgorithm());
            this.inner = inner;
        }

        @Override
        protected void engineUpdate(byte input) {
            inner.update(input);
        }

        @Override
        protected void engineUpdate(byte[] input, int offset, int len) {
            inner.update(input, offset, len);
        }

        @Override
        protected byte[] engineDigest() {
            return inner.digest();
        }

        @Override
        protected void engineReset() {
            inner.reset();
        }

        @Override
        public Object clone() throws CloneNotSupportedException {
            throw new CloneNotSupportedException();
        }
    }
}
