package dev.tls13.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tls13.Tls13Context;
import dev.tls13.connection.SessionInfo;
import dev.tls13.connection.TlsConnection;
import dev.tls13.error.TlsException;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.ClientHello;
import dev.tls13.wire.Extension;
import dev.tls13.wire.Extensions;
import dev.tls13.wire.HandshakeCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** Real ClientHellos grown to an exact size, and the plaintext records that carry them. */
public final class LargeClientHellos {

    /** The largest plaintext fragment of a record (RFC 8446 §5.1). */
    public static final int MAX_FRAGMENT = 16384;

    private static final TlsConnection.Listener IGNORE = new TlsConnection.Listener() {
        @Override
        public void handshakeComplete(SessionInfo session) {
        }

        @Override
        public void applicationData(ByteBuf data) {
            data.release();
        }

        @Override
        public void closeNotifyReceived() {
        }
    };

    private LargeClientHellos() {
    }

    /**
     * A real client's ClientHello (for "localhost") with a padding extension, then unassigned cipher suites, that
     * make it exactly {@code total} bytes long, header included.
     *
     * @param total the length of the encoded message
     * @return the message
     * @throws TlsException if the client cannot start
     */
    public static byte[] ofLength(int total) throws TlsException {
        Tls13Context context = Tls13Context.forClient().trustManager(TestPki.ca(TestPki.KeyType.EC_P256).certificate())
                .build();
        TlsConnection client = context.newConnection(UnpooledByteBufAllocator.DEFAULT, "localhost", IGNORE);
        ByteBuf records;
        try {
            client.start();
            records = client.pollOutput();
        } finally {
            client.release();
        }
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        try {
            while (records.isReadable()) {
                int length = records.getUnsignedShort(records.readerIndex() + 3);
                records.skipBytes(5);
                byte[] fragment = new byte[length];
                records.readBytes(fragment);
                message.writeBytes(fragment);
            }
        } finally {
            records.release();
        }
        ByteBuf encoded = Unpooled.wrappedBuffer(message.toByteArray());
        ClientHello hello;
        try {
            hello = (ClientHello) HandshakeCodec.decode(encoded);
        } finally {
            encoded.release();
        }
        // Fill the extensions block (at most 2^16 - 1 bytes) with padding first, then add cipher suites.
        byte[] base = HandshakeCodec.encode(grown(hello, 0, 0));
        int need = total - base.length;
        int padding = Math.min(need, 0xFFFF - extensionsLength(base));
        if ((need - padding) % 2 != 0) {
            padding--;
        }
        byte[] grown = HandshakeCodec.encode(grown(hello, padding, (need - padding) / 2));
        assertEquals(total, grown.length);
        return grown;
    }

    /**
     * The message in plaintext handshake records of at most {@link #MAX_FRAGMENT} bytes.
     *
     * @param message the handshake message
     * @return the records (owned by the caller)
     */
    public static ByteBuf records(byte[] message) {
        return records(message, MAX_FRAGMENT);
    }

    /**
     * The message in plaintext handshake records of at most {@code fragment} bytes each.
     *
     * @param message the handshake message
     * @param fragment the largest fragment per record, 1 to {@link #MAX_FRAGMENT}
     * @return the records (owned by the caller)
     */
    public static ByteBuf records(byte[] message, int fragment) {
        ByteBuf out = Unpooled.buffer();
        for (int i = 0; i < message.length; i += fragment) {
            int n = Math.min(fragment, message.length - i);
            out.writeByte(22).writeShort(0x0301).writeShort(n).writeBytes(message, i, n);
        }
        return out;
    }

    /** The hello with a padding extension of {@code paddingBytes} and {@code suites} unassigned suites more. */
    private static ClientHello grown(ClientHello hello, int paddingBytes, int suites) {
        List<Extension> extensions = new ArrayList<>();
        hello.extensions().forEach(extensions::add);
        extensions.add(new Extension.Padding(new byte[paddingBytes]));
        List<CipherSuite> offered = new ArrayList<>(hello.cipherSuites());
        for (int i = 0; i < suites; i++) {
            offered.add(CipherSuite.of(0xFE00 + i));
        }
        return new ClientHello(hello.legacyVersion(), hello.random(), hello.legacySessionId(), offered,
                new Extensions(extensions));
    }

    /** The length of an encoded ClientHello's extensions block. */
    private static int extensionsLength(byte[] clientHello) {
        int i = 4 + 2 + 32;
        i += 1 + (clientHello[i] & 0xFF);
        i += 2 + ((clientHello[i] & 0xFF) << 8 | clientHello[i + 1] & 0xFF);
        i += 1 + (clientHello[i] & 0xFF);
        return (clientHello[i] & 0xFF) << 8 | clientHello[i + 1] & 0xFF;
    }
}
