package dev.tls13.handshake;

import static dev.tls13.handshake.HandshakeHarness.HOST;
import static dev.tls13.handshake.HandshakeHarness.client;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.error.TlsException;
import dev.tls13.handshake.HandshakeHarness.Recorder;
import dev.tls13.record.Tls12CipherSuiteParams;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.ClientHello;
import dev.tls13.wire.Extension;
import dev.tls13.wire.ExtensionType;
import dev.tls13.wire.Extensions;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.ProtocolVersion;
import dev.tls13.wire.ServerHello;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A TLS 1.2-only client (docs/architecture.md §16, {@code protocols("TLSv1.2")}): its ClientHello is a TLS 1.2
 * one, without TLS 1.3's extensions, and its ServerHello checks are TLS 1.2's.
 */
class Tls12OnlyClientHelloTest {

    /** Thrown by the continuation: the TLS 1.2 client was reached. */
    private static final class Reached extends RuntimeException {
        Reached() {
            super("TLS 1.2 continuation", null, false, false);
        }
    }

    private static ClientConfig tls12Only() {
        return client().toBuilder().tls13(false).tls12((config, host, hello, encodedHello, serverHello,
                encodedServerHello, tls12Offer) -> {
            throw new Reached();
        }).build();
    }

    private static byte[] serverHello(ClientHello hello, byte[] random, Extensions extensions) {
        return HandshakeCodec.encode(new ServerHello(ProtocolVersion.TLS_1_2, random, hello.legacySessionId(),
                hello.cipherSuites().get(0), extensions));
    }

    @Test
    void theClientHelloCarriesTls12SuitesAndNoneOfTls13sExtensions() throws Exception {
        Recorder out = new Recorder();
        HandshakeState state = ClientHandshake.start(tls12Only(), HOST, HOST, out);
        ClientHello hello = (ClientHello) HandshakeHarness.decode(out.sent().get(0));
        assertEquals(ProtocolVersion.TLS_1_2, hello.legacyVersion());
        assertFalse(hello.cipherSuites().isEmpty());
        for (var suite : hello.cipherSuites()) {
            assertTrue(Tls12CipherSuiteParams.find(suite).isPresent(), "a TLS 1.2 suite: " + suite);
        }
        for (ExtensionType type : List.of(ExtensionType.SUPPORTED_VERSIONS, ExtensionType.KEY_SHARE,
                ExtensionType.PSK_KEY_EXCHANGE_MODES, ExtensionType.PRE_SHARED_KEY, ExtensionType.EARLY_DATA)) {
            assertFalse(hello.extensions().contains(type), type + " in a TLS 1.2-only ClientHello");
        }
        assertTrue(hello.extensions().find(Extension.SupportedGroups.class).isPresent());
        assertTrue(hello.extensions().find(Extension.SignatureAlgorithms.class).isPresent());
        assertEquals(1, out.sent().size(), "the ClientHello alone");
        state.destroy();
    }

    @Test
    void aServerHelloWithSupportedVersionsIsAnUnsolicitedExtension() throws Exception {
        Recorder out = new Recorder();
        HandshakeState state = ClientHandshake.start(tls12Only(), HOST, HOST, out);
        ClientHello hello = (ClientHello) HandshakeHarness.decode(out.sent().get(0));
        byte[] sh = serverHello(hello, new byte[32], new Extensions(List.of(
                new Extension.SupportedVersionsServerHello(ProtocolVersion.TLS_1_3))));
        TlsException e = assertThrows(TlsException.class,
                () -> state.on(HandshakeHarness.decode(sh), sh, new Recorder()));
        assertEquals(AlertDescription.UNSUPPORTED_EXTENSION, e.failure().alert());
        state.destroy();
    }

    @Test
    void theTls12DowngradeSentinelIsAcceptedOnlyWhenTls13WasNotOffered() throws Exception {
        // RFC 8446 §4.1.3: a TLS 1.3 server answering a TLS 1.2-only client sets DOWNGRD\x01, which only a client
        // that offered TLS 1.3 refuses.
        byte[] random = new byte[32];
        System.arraycopy("DOWNGRD".getBytes(StandardCharsets.US_ASCII), 0, random, 24, 7);
        random[31] = 1;
        Recorder out = new Recorder();
        HandshakeState state = ClientHandshake.start(tls12Only(), HOST, HOST, out);
        ClientHello hello = (ClientHello) HandshakeHarness.decode(out.sent().get(0));
        byte[] sh = serverHello(hello, random, new Extensions(List.of()));
        assertThrows(Reached.class, () -> state.on(HandshakeHarness.decode(sh), sh, new Recorder()));
        state.destroy();

        ClientConfig both = tls12Only().toBuilder().tls13(true).build();
        out = new Recorder();
        HandshakeState dual = ClientHandshake.start(both, HOST, HOST, out);
        ClientHello dualHello = (ClientHello) HandshakeHarness.decode(out.sent().get(0));
        byte[] downgraded = HandshakeCodec.encode(new ServerHello(ProtocolVersion.TLS_1_2, random,
                dualHello.legacySessionId(), dualHello.cipherSuites().get(dualHello.cipherSuites().size() - 1),
                new Extensions(List.of())));
        TlsException e = assertThrows(TlsException.class,
                () -> dual.on(HandshakeHarness.decode(downgraded), downgraded, new Recorder()));
        assertEquals(AlertDescription.ILLEGAL_PARAMETER, e.failure().alert());
        dual.destroy();
    }

    @Test
    void aConfigurationWithoutTls13NeedsTls12() {
        assertThrows(IllegalArgumentException.class, () -> client().toBuilder().tls13(false).build());
        assertFalse(tls12Only().tls13());
    }
}
