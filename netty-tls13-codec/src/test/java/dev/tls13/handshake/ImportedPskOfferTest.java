package dev.tls13.handshake;

import static dev.tls13.handshake.HandshakeHarness.CRYPTO;
import static dev.tls13.handshake.HandshakeHarness.HOST;
import static dev.tls13.handshake.HandshakeHarness.client;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.error.TlsException;
import dev.tls13.handshake.HandshakeHarness.Recorder;
import dev.tls13.keys.EarlySecret;
import dev.tls13.keys.PskImporter;
import dev.tls13.keys.PskType;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.ClientHello;
import dev.tls13.wire.Extension;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The client's offer of an imported PSK (RFC 9258 §5.1, §5.2) as it appears in the ClientHello: one identity per
 * hash of the offered suites, SHA-256 first, each the serialized ImportedIdentity with obfuscated_ticket_age 0 and a
 * binder of its own hash under the "imp binder" label over the same truncated ClientHello.
 */
class ImportedPskOfferTest {

    private static final byte[] IDENTITY = "sensor-4".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTEXT = "role=client".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY = new byte[32];

    static {
        for (int i = 0; i < KEY.length; i++) {
            KEY[i] = (byte) (0x40 + i);
        }
    }

    private static ClientConfig withPsk(ClientConfig config, ExternalPsk psk) {
        return config.toBuilder().externalPsk(psk, true).build();
    }

    private static Extension.PreSharedKeyClientHello send(ClientConfig config, Recorder out) throws TlsException {
        ClientHandshake.start(config, HOST, HOST, null, out).destroy();
        ClientHello hello = (ClientHello) HandshakeHarness.decode(out.sent().get(0));
        return hello.extensions().find(Extension.PreSharedKeyClientHello.class).orElseThrow();
    }

    private static byte[] expectedBinder(HashAlgorithm target, byte[] encoded, int truncated) throws Exception {
        byte[] importedIdentity = PskImporter.importedIdentity(IDENTITY, CONTEXT, target);
        byte[] ipskx = PskImporter.derive(CRYPTO, HashAlgorithm.SHA256, KEY, importedIdentity, target);
        MessageDigest digest = MessageDigest.getInstance(target.jcaName());
        digest.update(encoded, 0, truncated);
        EarlySecret early = EarlySecret.withPsk(CRYPTO, target, ipskx);
        try {
            return early.binder(PskType.IMPORTED, digest.digest());
        } finally {
            early.destroy();
        }
    }

    @Test
    void oneImportedIdentityPerHashOfTheOfferedSuitesSha256First() throws Exception {
        ClientConfig config = withPsk(client(c -> c.suites = List.of(CipherSuite.TLS_AES_256_GCM_SHA384,
                CipherSuite.TLS_AES_128_GCM_SHA256)), new ExternalPsk(IDENTITY, KEY, HashAlgorithm.SHA256, CONTEXT));
        Recorder out = new Recorder();
        Extension.PreSharedKeyClientHello psk = send(config, out);
        byte[] encoded = out.sent().get(0);
        assertEquals(2, psk.identities().size());
        assertArrayEquals(PskImporter.importedIdentity(IDENTITY, CONTEXT, HashAlgorithm.SHA256),
                psk.identities().get(0).identity(), "HKDF_SHA256 first");
        assertArrayEquals(PskImporter.importedIdentity(IDENTITY, CONTEXT, HashAlgorithm.SHA384),
                psk.identities().get(1).identity());
        for (Extension.PskIdentity identity : psk.identities()) {
            // RFC 8446 §4.2.11: "For identities established externally, an obfuscated_ticket_age of 0 SHOULD be
            // used".
            assertEquals(0, identity.obfuscatedTicketAge());
        }
        int truncated = encoded.length - psk.bindersLength();
        assertEquals(32, psk.binders().get(0).length);
        assertEquals(48, psk.binders().get(1).length);
        assertArrayEquals(expectedBinder(HashAlgorithm.SHA256, encoded, truncated), psk.binders().get(0));
        assertArrayEquals(expectedBinder(HashAlgorithm.SHA384, encoded, truncated), psk.binders().get(1));
    }

    @Test
    void sha256SuitesOnlyGiveOneIdentityAndThePlainPskIsNeverOffered() throws Exception {
        ClientConfig config = withPsk(client(c -> c.suites = List.of(CipherSuite.TLS_AES_128_GCM_SHA256,
                CipherSuite.TLS_CHACHA20_POLY1305_SHA256)), new ExternalPsk(IDENTITY, KEY, HashAlgorithm.SHA384,
                CONTEXT));
        Recorder out = new Recorder();
        Extension.PreSharedKeyClientHello psk = send(config, out);
        assertEquals(1, psk.identities().size(), "the import's SHA-384 does not add a target");
        assertFalse(Arrays.equals(IDENTITY, psk.identities().get(0).identity()));
        assertEquals(PskImporter.HKDF_SHA256,
                PskImporter.parse(psk.identities().get(0).identity()).targetKdf());
    }

    @Test
    void anImportedEpskIsAcceptedWhateverItsHashMatches() {
        // A plain SHA-384 PSK needs a SHA-384 suite (RFC 8446 §4.2.11); an EPSK's hash is only the import's.
        ClientConfig sha256Only = client(c -> c.suites = List.of(CipherSuite.TLS_AES_128_GCM_SHA256));
        assertTrue(withPsk(sha256Only, new ExternalPsk(IDENTITY, KEY, HashAlgorithm.SHA384, CONTEXT)).externalPsk()
                .imported());
        assertThrows(IllegalArgumentException.class,
                () -> withPsk(sha256Only, new ExternalPsk(IDENTITY, KEY, HashAlgorithm.SHA384)));
    }
}
