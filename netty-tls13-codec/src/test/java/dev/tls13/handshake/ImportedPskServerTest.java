package dev.tls13.handshake;

import static dev.tls13.testing.ImportedIdentities.encode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.error.TlsException;
import dev.tls13.keys.PskImporter;
import dev.tls13.keys.PskType;
import dev.tls13.wire.AlertDescription;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The server's side of imported PSKs (RFC 9258 §5.1, §5.2) with a scripted client: identities that are not a usable
 * ImportedIdentity (another target protocol, an unknown KDF, malformed bytes, another context) are only unknown,
 * never an alert, and the first usable one is selected; its binder must use "imp binder".
 */
class ImportedPskServerTest {

    private static final byte[] IDENTITY = "meter-9".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTEXT = "site=3".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY = new byte[32];

    static {
        Arrays.fill(KEY, (byte) 0x5A);
    }

    private static ServerConfig server() {
        return HandshakeHarness.server().toBuilder()
                .externalPsks(List.of(new ExternalPsk(IDENTITY, KEY, HashAlgorithm.SHA256, CONTEXT))).build();
    }

    /** An offer of {@code identity} with the ipskx our EPSK gives for it, as a client holding the EPSK would. */
    private static RawClient.Offer offer(byte[] identity) {
        byte[] ipskx = PskImporter.derive(HandshakeHarness.CRYPTO, HashAlgorithm.SHA256, KEY, identity,
                HashAlgorithm.SHA256);
        return new RawClient.Offer(identity, 0, ipskx, HashAlgorithm.SHA256);
    }

    @Test
    void identitiesThatAreNoUsableImportedIdentityAreSkippedAndTheUsableOneSelected() throws TlsException {
        RawClient client = new RawClient(server());
        client.binderType = PskType.IMPORTED;
        byte[] good = encode(IDENTITY, CONTEXT, 0x0304, 0x0001);
        client.offers.add(offer(encode(IDENTITY, CONTEXT, 0xfefc, 0x0001)));
        client.offers.add(offer(encode(IDENTITY, CONTEXT, 0x0304, 0x0009)));
        client.offers.add(offer(Arrays.copyOf(good, good.length + 1)));
        client.offers.add(offer(encode(IDENTITY, "site=4".getBytes(StandardCharsets.US_ASCII), 0x0304, 0x0001)));
        client.offers.add(offer(encode(IDENTITY, CONTEXT, 0x0304, 0x0002)));
        client.offers.add(offer(good));
        client.handshake();
        assertTrue(client.pskAccepted);
        assertEquals(5, client.selectedIdentity, "DTLS 1.3, KDF 9, trailing byte, other context, SHA-384 skipped");
        assertFalse(client.session.resumed());
        assertArrayEquals(IDENTITY, client.session.externalPskIdentity(), "the external identity");
        assertTrue(client.session.localCertificates().isEmpty(), "the PSK authenticated, not the certificate");
    }

    @Test
    void noUsableImportedIdentityMeansAFullHandshake() throws TlsException {
        RawClient client = new RawClient(server());
        client.binderType = PskType.IMPORTED;
        client.offers.add(offer(encode(IDENTITY, CONTEXT, 0x0303, 0x0001)));
        client.offers.add(offer(IDENTITY));
        client.handshake();
        assertFalse(client.pskAccepted);
        assertFalse(client.session.localCertificates().isEmpty(), "a certificate handshake");
    }

    @Test
    void anExtBinderIsNotAnImpBinder() {
        RawClient client = new RawClient(server());
        client.binderType = PskType.EXTERNAL;
        client.offers.add(offer(encode(IDENTITY, CONTEXT, 0x0304, 0x0001)));
        Failures.assertAlert(AlertDescription.DECRYPT_ERROR, client::handshake);
    }
}
