package dev.tls13.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.AeadAlgorithm;
import dev.tls13.crypto.JcaCryptoProvider;
import dev.tls13.error.InvalidMessage;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.ContentType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The TLS 1.2 AEAD record (RFC 5246 §6.2.3.3; RFC 5288 §3, RFC 6655 §3, RFC 7905 §2): round trips, the
 * format checked against the JCA directly, tampering, lengths and sequence numbers.
 */
class Tls12RecordProtectionTest {

    private static final JcaCryptoProvider CRYPTO = JcaCryptoProvider.instance();

    private static final class Pair implements AutoCloseable {
        final byte[] key;
        final byte[] iv;
        final WriteProtection writer;
        final ReadProtection reader;

        Pair(AeadAlgorithm algorithm) throws TlsException {
            Random random = new Random(algorithm.ordinal());
            key = new byte[algorithm.keyLength()];
            iv = new byte[algorithm == AeadAlgorithm.CHACHA20_POLY1305 ? 12 : 4];
            random.nextBytes(key);
            random.nextBytes(iv);
            writer = WriteProtection.installTls12(CRYPTO.aead(algorithm, key), iv);
            reader = ReadProtection.installTls12(new HandshakeJoiner().aligned(), CRYPTO.aead(algorithm, key), iv);
        }

        @Override
        public void close() {
            writer.destroy();
            reader.destroy();
        }
    }

    private static byte[] content(int length) {
        byte[] b = new byte[length];
        new Random(length).nextBytes(b);
        return b;
    }

    private static ByteBuf seal(WriteProtection writer, ContentType type, byte[] content) throws TlsException {
        ByteBuf out = Unpooled.buffer();
        ByteBuf in = Unpooled.wrappedBuffer(content);
        writer.seal(type, in, out);
        assertEquals(0, in.readableBytes());
        in.release();
        return out;
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void roundTripsEveryLengthClassAndType(AeadAlgorithm algorithm) throws TlsException {
        try (Pair p = new Pair(algorithm)) {
            int explicit = algorithm == AeadAlgorithm.CHACHA20_POLY1305 ? 0 : 8;
            for (int length : new int[] {0, 1, 2, 100, 1000, Records.MAX_PLAINTEXT_LENGTH}) {
                ContentType type = length == 2 ? ContentType.ALERT : ContentType.APPLICATION_DATA;
                byte[] content = content(length);
                ByteBuf record = seal(p.writer, type, content);
                assertEquals(p.writer.recordLength(type, length), record.readableBytes());
                assertEquals(Records.HEADER_LENGTH + explicit + length + algorithm.tagLength(), record.readableBytes());
                assertEquals(type.code(), record.getUnsignedByte(0));
                assertEquals(0x0303, record.getUnsignedShort(1));
                assertEquals(p.reader.sequenceNumber(), p.writer.sequenceNumber() - 1);
                assertEquals(type, p.reader.open(record));
                assertArrayEquals(content, ByteBufUtil.getBytes(record));
                record.release();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = AeadAlgorithm.class, names = {"AES_128_GCM", "AES_256_GCM", "CHACHA20_POLY1305"})
    void formatMatchesTheRfcsWhenOpenedWithTheJcaDirectly(AeadAlgorithm algorithm) throws Exception {
        try (Pair p = new Pair(algorithm)) {
            // Two records so the sequence number 1 shows up in the nonce and the AAD.
            seal(p.writer, ContentType.HANDSHAKE, content(16)).release();
            byte[] content = content(77);
            ByteBuf record = seal(p.writer, ContentType.APPLICATION_DATA, content);
            byte[] bytes = ByteBufUtil.getBytes(record);
            record.release();
            byte[] aad = new byte[13];
            aad[7] = 1;
            aad[8] = 23;
            aad[9] = 3;
            aad[10] = 3;
            aad[12] = 77;
            Cipher cipher;
            byte[] nonce = new byte[12];
            int ciphertextStart;
            if (algorithm == AeadAlgorithm.CHACHA20_POLY1305) {
                // RFC 7905 §2: IV XOR the sequence number, left-padded; no explicit nonce on the wire.
                System.arraycopy(p.iv, 0, nonce, 0, 12);
                nonce[11] ^= 1;
                cipher = Cipher.getInstance("ChaCha20-Poly1305");
                cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(p.key, "ChaCha20"), new IvParameterSpec(nonce));
                ciphertextStart = 5;
            } else {
                // RFC 5288 §3: salt ‖ explicit nonce; ours is the sequence number.
                byte[] explicit = Arrays.copyOfRange(bytes, 5, 13);
                assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 1}, explicit);
                System.arraycopy(p.iv, 0, nonce, 0, 4);
                System.arraycopy(explicit, 0, nonce, 4, 8);
                cipher = Cipher.getInstance("AES/GCM/NoPadding");
                cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(p.key, "AES"), new GCMParameterSpec(128, nonce));
                ciphertextStart = 13;
            }
            cipher.updateAAD(aad);
            byte[] plain = cipher.doFinal(bytes, ciphertextStart, bytes.length - ciphertextStart);
            assertArrayEquals(content, plain);
        }
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void everyFlippedBitIsBadRecordMac(AeadAlgorithm algorithm) throws TlsException {
        try (Pair p = new Pair(algorithm)) {
            ByteBuf record = seal(p.writer, ContentType.APPLICATION_DATA, content(20));
            byte[] sealed = ByteBufUtil.getBytes(record);
            record.release();
            // Header bytes are in the AAD (type, version, and through the length the plaintext length), the
            // explicit nonce in the nonce: all of them are authenticated.
            for (int i = 0; i < sealed.length; i++) {
                if (i == 3 || i == 4) {
                    continue;
                }
                byte[] tampered = sealed.clone();
                tampered[i] ^= 0x01;
                ByteBuf buf = Unpooled.wrappedBuffer(tampered);
                TlsException e = assertThrows(TlsException.class, () -> p.reader.open(buf), "byte " + i);
                assertInstanceOf(TlsFailure.DecryptFailed.class, e.failure());
                assertEquals(AlertDescription.BAD_RECORD_MAC, e.failure().alert());
                buf.release();
            }
            assertEquals(0, p.reader.sequenceNumber(), "a failed record does not advance the sequence");
        }
    }

    @Test
    void recordsOutOfOrderFail() throws TlsException {
        try (Pair p = new Pair(AeadAlgorithm.AES_128_GCM)) {
            ByteBuf first = seal(p.writer, ContentType.APPLICATION_DATA, content(5));
            ByteBuf second = seal(p.writer, ContentType.APPLICATION_DATA, content(5));
            // The explicit nonce is sent, but the AAD carries our own count: a replayed or reordered record fails.
            TlsException e = assertThrows(TlsException.class, () -> p.reader.open(second));
            assertInstanceOf(TlsFailure.DecryptFailed.class, e.failure());
            p.reader.open(first);
            first.release();
            second.release();
        }
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void tooShortForNonceAndTagIsBadRecordMac(AeadAlgorithm algorithm) throws TlsException {
        try (Pair p = new Pair(algorithm)) {
            int explicit = algorithm == AeadAlgorithm.CHACHA20_POLY1305 ? 0 : 8;
            int length = explicit + algorithm.tagLength() - 1;
            ByteBuf buf = Unpooled.buffer().writeByte(23).writeShort(0x0303).writeShort(length).writeZero(length);
            TlsException e = assertThrows(TlsException.class, () -> p.reader.open(buf));
            assertInstanceOf(TlsFailure.DecryptFailed.class, e.failure());
            buf.release();
        }
    }

    @Test
    void plaintextLongerThan2To14IsRecordOverflow() throws TlsException {
        try (Pair p = new Pair(AeadAlgorithm.AES_128_GCM)) {
            int length = 8 + Records.MAX_PLAINTEXT_LENGTH + 1 + 16;
            ByteBuf buf = Unpooled.buffer().writeByte(23).writeShort(0x0303).writeShort(length).writeZero(length);
            TlsException e = assertThrows(TlsException.class, () -> p.reader.open(buf));
            assertEquals(AlertDescription.RECORD_OVERFLOW, e.failure().alert());
            buf.release();
        }
    }

    @Test
    void emptyHandshakeAndBadChangeCipherSpecAreRefusedAfterDecryption() throws TlsException {
        try (Pair p = new Pair(AeadAlgorithm.AES_128_GCM)) {
            ByteBuf empty = seal(p.writer, ContentType.HANDSHAKE, new byte[0]);
            TlsException e = assertThrows(TlsException.class, () -> p.reader.open(empty));
            assertInstanceOf(TlsFailure.Invalid.class, e.failure());
            assertEquals(InvalidMessage.EMPTY_HANDSHAKE_RECORD, ((TlsFailure.Invalid) e.failure()).reason());
            empty.release();
        }
        try (Pair p = new Pair(AeadAlgorithm.AES_128_GCM)) {
            ByteBuf ccs = seal(p.writer, ContentType.CHANGE_CIPHER_SPEC, new byte[] {2});
            TlsException e = assertThrows(TlsException.class, () -> p.reader.open(ccs));
            assertEquals(InvalidMessage.BAD_CHANGE_CIPHER_SPEC, ((TlsFailure.Invalid) e.failure()).reason());
            ccs.release();
        }
    }

    @ParameterizedTest
    @EnumSource(value = AeadAlgorithm.class, names = {"AES_128_GCM", "CHACHA20_POLY1305", "AES_128_CCM_8"})
    void directBuffersTakeThePerThreadArray(AeadAlgorithm algorithm) throws TlsException {
        try (Pair p = new Pair(algorithm)) {
            byte[] content = content(3000);
            ByteBuf in = Unpooled.directBuffer().writeBytes(content);
            ByteBuf out = Unpooled.directBuffer();
            p.writer.sealFragmented(ContentType.APPLICATION_DATA, in, 1000, out);
            assertEquals(p.writer.sealedLength(ContentType.APPLICATION_DATA, 3000, 1000), out.readableBytes());
            in.release();
            ByteBuf all = Unpooled.buffer();
            for (int i = 0; i < 3; i++) {
                int length = out.getUnsignedShort(out.readerIndex() + 3) + Records.HEADER_LENGTH;
                ByteBuf record = out.readRetainedSlice(length);
                ByteBuf direct = Unpooled.directBuffer().writeBytes(record);
                record.release();
                assertEquals(ContentType.APPLICATION_DATA, p.reader.open(direct));
                all.writeBytes(direct);
                direct.release();
            }
            assertArrayEquals(content, ByteBufUtil.getBytes(all));
            all.release();
            out.release();
        }
    }

    @Test
    void sequenceNumberNeverWraps() throws TlsException {
        try (Pair p = new Pair(AeadAlgorithm.CHACHA20_POLY1305)) {
            ((Tls12WriteProtection) p.writer).sequenceNumber(-2L);
            ((Tls12ReadProtection) p.reader).sequenceNumber(-2L);
            ByteBuf record = seal(p.writer, ContentType.APPLICATION_DATA, content(3));
            p.reader.open(record);
            record.release();
            ByteBuf in = Unpooled.wrappedBuffer(content(3));
            ByteBuf out = Unpooled.buffer();
            TlsException e = assertThrows(TlsException.class,
                    () -> p.writer.seal(ContentType.APPLICATION_DATA, in, out));
            assertInstanceOf(TlsFailure.Internal.class, e.failure());
            in.release();
            out.release();
        }
    }

    @Test
    void ivLengthFollowsTheAlgorithm() {
        byte[] key = new byte[16];
        assertThrows(IllegalArgumentException.class,
                () -> WriteProtection.installTls12(CRYPTO.aead(AeadAlgorithm.AES_128_GCM, key), new byte[12]));
        assertThrows(IllegalArgumentException.class, () -> ReadProtection.installTls12(
                new HandshakeJoiner().aligned(), CRYPTO.aead(AeadAlgorithm.CHACHA20_POLY1305, new byte[32]),
                new byte[4]));
        assertTrue(WriteProtection.installTls12(CRYPTO.aead(AeadAlgorithm.AES_128_CCM, key), new byte[4])
                .isProtected());
    }
}
