package dev.tls13.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.JcaCryptoProvider;
import dev.tls13.error.TlsException;
import dev.tls13.handshake.ClientConfig;
import dev.tls13.testing.Hex;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.KeyType;
import dev.tls13.tls12.Tls12ClientDriver;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.ClientHello;
import dev.tls13.wire.Extension;
import dev.tls13.wire.ExtensionType;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.SignatureScheme;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The TLS 1.2 client through the real connection driver (docs/architecture.md §16): what the ClientHello offers,
 * and the refusals that happen at the version switch, each with the alert on the wire.
 */
class Tls12ClientConnectionTest {

    private static final String EMS = "00170000";
    private static final String RENEGOTIATION_INFO = "ff01000100";

    private TlsConnection connection;

    private static final class Quiet implements TlsConnection.Listener {
        @Override
        public void applicationData(ByteBuf data) {
            data.release();
        }

        @Override
        public void closeNotifyReceived() {
        }
    }

    @AfterEach
    void release() {
        if (connection != null) {
            connection.release();
        }
    }

    private ClientHello start(boolean tls12) throws TlsException {
        ClientConfig config = ClientConfig.builder(JcaCryptoProvider.instance(),
                TestPki.trustManager(TestPki.ca(KeyType.EC_P256).certificate()))
                .tls12(tls12 ? Tls12ClientDriver::afterServerHello : null).build();
        connection = TlsConnection.client(config, "example.com", "example.com", UnpooledByteBufAllocator.DEFAULT,
                new Quiet());
        connection.start();
        ByteBuf out = connection.pollOutput();
        try {
            return (ClientHello) HandshakeCodec.decode(out.skipBytes(5));
        } finally {
            out.release();
        }
    }

    /** A ServerHello record: TLS 1.2 shape, suite ECDHE-ECDSA-AES128-GCM-SHA256, the given extensions. */
    private static String serverHelloRecord(String version, String random, String extensions) {
        String body = version + random + "00" + "c02b" + "00" + String.format("%04x", extensions.length() / 2)
                + extensions;
        String message = "02" + String.format("%06x", body.length() / 2) + body;
        return "160303" + String.format("%04x", message.length() / 2) + message;
    }

    private AlertDescription refused(String records) {
        ByteBuf in = Unpooled.wrappedBuffer(Hex.decode(records));
        try {
            TlsException e = assertThrows(TlsException.class, () -> connection.receive(in));
            ByteBuf out = connection.pollOutput();
            try {
                // The fatal alert goes out in plaintext: no keys exist yet.
                assertEquals("150303000202" + String.format("%02x", e.failure().alert().code()),
                        Hex.encode(ByteBufUtil.getBytes(out)).substring(out.readableBytes() * 2 - 14));
            } finally {
                out.release();
            }
            return e.failure().alert();
        } finally {
            in.release();
        }
    }

    @Test
    void theClientHelloOffersTls12Too() throws TlsException {
        ClientHello ch = start(true);
        assertEquals(0x0303, ch.legacyVersion());
        assertEquals(List.of(0x0304, 0x0303), ch.extensions().find(Extension.SupportedVersionsClientHello.class)
                .orElseThrow().versions());
        assertEquals(CipherSuite.TLS_AES_128_GCM_SHA256, ch.cipherSuites().get(0));
        assertTrue(ch.cipherSuites().contains(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256));
        assertTrue(ch.cipherSuites().contains(CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256));
        assertTrue(ch.cipherSuites().indexOf(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)
                > ch.cipherSuites().indexOf(CipherSuite.TLS_CHACHA20_POLY1305_SHA256));
        assertTrue(ch.extensions().contains(ExtensionType.EXTENDED_MASTER_SECRET));
        assertArrayEquals(new byte[] {0}, ((Extension.UnknownExtension) ch.extensions()
                .get(ExtensionType.RENEGOTIATION_INFO).orElseThrow()).data());
        assertArrayEquals(new byte[] {1, 0}, ((Extension.UnknownExtension) ch.extensions()
                .get(ExtensionType.EC_POINT_FORMATS).orElseThrow()).data());
        assertTrue(ch.extensions().find(Extension.SignatureAlgorithms.class).orElseThrow().schemes()
                .contains(SignatureScheme.RSA_PKCS1_SHA256));
    }

    @Test
    void aTls13OnlyClientHelloIsUnchanged() throws TlsException {
        ClientHello ch = start(false);
        assertEquals(List.of(0x0304), ch.extensions().find(Extension.SupportedVersionsClientHello.class)
                .orElseThrow().versions());
        assertTrue(ch.cipherSuites().stream().allMatch(s -> (s.code() >>> 8) == 0x13));
        assertTrue(!ch.extensions().contains(ExtensionType.EXTENDED_MASTER_SECRET));
        assertTrue(!ch.extensions().find(Extension.SignatureAlgorithms.class).orElseThrow().schemes()
                .contains(SignatureScheme.RSA_PKCS1_SHA256));
    }

    @Test
    void downgradeSentinelWithTls13OfferedIsIllegalParameter() throws TlsException {
        start(true);
        // RFC 8446 §4.1.3: the last 8 bytes of ServerHello.random are 44 4F 57 4E 47 52 44 01.
        String random = "00".repeat(24) + "444f574e47524401";
        assertEquals(AlertDescription.ILLEGAL_PARAMETER, refused(serverHelloRecord("0303", random,
                EMS + RENEGOTIATION_INFO)));
    }

    @Test
    void anOlderServerVersionIsProtocolVersion() throws TlsException {
        start(true);
        assertEquals(AlertDescription.PROTOCOL_VERSION, refused(serverHelloRecord("0302", "11".repeat(32),
                EMS + RENEGOTIATION_INFO)));
    }

    @Test
    void missingExtendedMasterSecretIsHandshakeFailure() throws TlsException {
        start(true);
        assertEquals(AlertDescription.HANDSHAKE_FAILURE, refused(serverHelloRecord("0303", "11".repeat(32),
                RENEGOTIATION_INFO)));
    }

    @Test
    void changeCipherSpecRightAfterTheServerHelloIsUnexpectedMessage() throws TlsException {
        start(true);
        assertEquals(AlertDescription.UNEXPECTED_MESSAGE, refused(serverHelloRecord("0303", "11".repeat(32),
                EMS + RENEGOTIATION_INFO) + "140303000101"));
    }

    @Test
    void aTls12ServerHelloWithoutTls12EnabledIsProtocolVersion() throws TlsException {
        start(false);
        assertEquals(AlertDescription.PROTOCOL_VERSION, refused(serverHelloRecord("0303", "11".repeat(32),
                EMS + RENEGOTIATION_INFO)));
    }
}
