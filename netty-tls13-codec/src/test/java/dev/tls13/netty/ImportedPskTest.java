package dev.tls13.netty;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.Tls13ExternalPsk;
import dev.tls13.Tls13ExternalPskLookup;
import dev.tls13.connection.SessionInfo;
import dev.tls13.error.PeerIncompatible;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.wire.AlertDescription;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Imported external PSKs (RFC 9258; docs/architecture.md §15) between our client and our server handlers: psk_dhe_ke
 * and psk_ke, both target KDFs (the client offers one imported PSK per hash of its suites and the server selects
 * the one of its suite), an EPSK with SHA-384 as the import's hash, a HelloRetryRequest, the server's lookup asked
 * with the external identity, and the mismatches: an importer on one side only or another context agrees on no
 * PSK (a certificate handshake, or handshake_failure without a certificate), a tampered binder is decrypt_error.
 */
class ImportedPskTest {

    private static final byte[] IDENTITY = "device-17".getBytes(US_ASCII);
    private static final byte[] CONTEXT = "client=device-17;server=gateway-2".getBytes(US_ASCII);
    private static final byte[] KEY = key(1);

    private final ChannelPair pair = new ChannelPair();

    private static byte[] key(int seed) {
        byte[] k = new byte[32];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (seed * 29 + i);
        }
        return k;
    }

    private static Tls13ExternalPsk imported() {
        return Tls13ExternalPsk.imported(IDENTITY, KEY, CONTEXT);
    }

    private static TlsFailure failureOf(Throwable t) {
        return assertInstanceOf(TlsException.class, t).failure();
    }

    /** Runs the handshake and one message each way; both ends must succeed. */
    private void connect(Tls13Context client, Tls13Context server) {
        pair.connectAndExchange(client, server);
    }

    /** Runs the handshake, which the server must fail: returns its failure, checks the client got the alert. */
    private TlsFailure serverFails(Tls13Context client, Tls13Context server) {
        pair.start(client, server);
        try {
            pair.shuttle();
            return checkServerFailed();
        } finally {
            pair.finish();
        }
    }

    private TlsFailure checkServerFailed() {
        assertFalse(pair.serverHandler.handshakeFuture().isSuccess(), "the handshake must fail");
        TlsFailure failure = failureOf(pair.serverHandler.handshakeFuture().cause());
        assertFalse(pair.clientHandler.handshakeFuture().isSuccess());
        assertEquals(new TlsFailure.AlertReceived(failure.alert()),
                failureOf(pair.clientHandler.handshakeFuture().cause()), "the client learns the alert");
        return failure;
    }

    /** Asserts the session was authenticated by the imported PSK, named by its external identity on both ends. */
    private void assertImportedPskSession() {
        SessionInfo client = pair.clientHandler.session();
        SessionInfo server = pair.serverHandler.session();
        assertTrue(client.peerCertificates().isEmpty(), "the PSK authenticated the server, no certificate");
        assertFalse(client.resumed(), "an external PSK's handshake is no resumption");
        assertFalse(server.resumed());
        assertEquals(SessionInfo.Authentication.EXTERNAL_PSK, client.authentication());
        assertEquals(SessionInfo.Authentication.EXTERNAL_PSK, server.authentication());
        assertArrayEquals(IDENTITY, client.externalPskIdentity(), "the external identity, not the ImportedIdentity");
        assertArrayEquals(IDENTITY, server.externalPskIdentity());
    }

    @Test
    void pskDheKeWithAPskOnlyServer() {
        connect(Tls13Context.forClient().externalPsk(imported()).build(),
                Tls13Context.forPskServer(imported()).build());
        assertImportedPskSession();
        assertNotNull(pair.clientHandler.session().namedGroup(), "psk_dhe_ke: an (EC)DHE exchange too");
        assertEquals("TLS_AES_128_GCM_SHA256", pair.clientHandler.session().cipherSuite());
    }

    @Test
    void pskKeWhenBothEndsAllowIt() {
        connect(Tls13Context.forClient().externalPsk(imported()).pskKeyExchangeModes("psk_ke").build(),
                Tls13Context.forPskServer(imported()).pskKeyExchangeModes("psk_dhe_ke", "psk_ke").build());
        assertImportedPskSession();
        assertNull(pair.clientHandler.session().namedGroup(), "psk_ke: no (EC)DHE");
        assertNull(pair.serverHandler.session().namedGroup());
    }

    @Test
    void theServerSelectsTheImportedPskOfItsSha384Suite() {
        // The client offers SHA-256 and SHA-384 suites, so two imported identities (SHA-256 first); a server that
        // prefers TLS_AES_256_GCM_SHA384 selects the second, imported for HKDF_SHA384 (RFC 9258 §5.1).
        connect(Tls13Context.forClient().externalPsk(imported()).build(),
                Tls13Context.forPskServer(imported())
                        .cipherSuites("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256").build());
        assertImportedPskSession();
        assertEquals("TLS_AES_256_GCM_SHA384", pair.clientHandler.session().cipherSuite());
        assertEquals("TLS_AES_256_GCM_SHA384", pair.serverHandler.session().cipherSuite());
    }

    @Test
    void aClientWithSha384SuitesOnlyOffersTheSha384Import() {
        connect(Tls13Context.forClient().externalPsk(imported()).cipherSuites("TLS_AES_256_GCM_SHA384").build(),
                Tls13Context.forPskServer(imported()).build());
        assertImportedPskSession();
        assertEquals("TLS_AES_256_GCM_SHA384", pair.serverHandler.session().cipherSuite());
    }

    @Test
    void anEpskWhoseImportUsesSha384() {
        Tls13ExternalPsk sha384 = Tls13ExternalPsk.imported(IDENTITY, KEY, CONTEXT, "SHA-384");
        assertEquals("SHA-384", sha384.hash());
        assertTrue(sha384.isImported());
        // The import's hash does not restrict the suite: TLS_AES_128_GCM_SHA256 with a PSK imported through SHA-384.
        connect(Tls13Context.forClient().externalPsk(sha384).build(),
                Tls13Context.forPskServer(Tls13ExternalPsk.imported(IDENTITY, KEY, CONTEXT, "SHA-384")).build());
        assertImportedPskSession();
        assertEquals("TLS_AES_128_GCM_SHA256", pair.serverHandler.session().cipherSuite());
    }

    @Test
    void theImportHashesMustAgree() {
        // Same key, identity and context, but one side imports through SHA-384: the ipskx differ, so the binder
        // does not verify (decrypt_error, RFC 8446 §4.2.11.2).
        TlsFailure failure = serverFails(Tls13Context.forClient().externalPsk(imported()).build(),
                Tls13Context.forPskServer(Tls13ExternalPsk.imported(IDENTITY, KEY, CONTEXT, "SHA-384")).build());
        assertEquals(AlertDescription.DECRYPT_ERROR, failure.alert());
    }

    @Test
    void theImportedPsksAreOfferedAgainAfterAHelloRetryRequest() {
        connect(Tls13Context.forClient().externalPsk(imported()).build(),
                Tls13Context.forPskServer(imported()).namedGroups("secp256r1").build());
        assertImportedPskSession();
        assertTrue(pair.clientHandler.session().helloRetryRequest());
        assertEquals("secp256r1", pair.serverHandler.session().namedGroup());
    }

    @Test
    void aHelloRetryRequestForASha384SuiteKeepsOnlyTheSha384Import() {
        // RFC 8446 §4.1.4: ClientHello2 drops the PSKs whose hash is not the HelloRetryRequest suite's; the
        // SHA-384 import stays and is selected.
        connect(Tls13Context.forClient().externalPsk(imported()).build(),
                Tls13Context.forPskServer(imported()).cipherSuites("TLS_AES_256_GCM_SHA384").namedGroups("secp256r1")
                        .build());
        assertImportedPskSession();
        assertTrue(pair.clientHandler.session().helloRetryRequest());
        assertEquals("TLS_AES_256_GCM_SHA384", pair.clientHandler.session().cipherSuite());
    }

    @Test
    void aServerWithACertificateAndAnEpskAcceptsTheImportedPsk() {
        connect(ChannelPair.clientContext().externalPsk(imported()).build(),
                ChannelPair.serverContext().externalPsks(Tls13ExternalPsk.of("plain", key(3)), imported()).build());
        assertImportedPskSession();
        assertTrue(pair.serverHandler.session().localCertificates().isEmpty(), "the PSK, not the certificate");
    }

    @Test
    void anEmptyContextWorksToo() {
        connect(Tls13Context.forClient().externalPsk(Tls13ExternalPsk.imported(IDENTITY, KEY, new byte[0])).build(),
                Tls13Context.forPskServer(Tls13ExternalPsk.imported(IDENTITY, KEY, new byte[0])).build());
        assertImportedPskSession();
    }

    @Test
    void anImportingClientAndAPlainServerAgreeOnNoPskAndFallBackToTheCertificate() {
        // RFC 9258: the client sends an ImportedIdentity, which is not the server's plain identity; the server does
        // not look inside it for a plain PSK. With a certificate and a client that trusts it, a full handshake.
        connect(ChannelPair.clientContext().externalPsk(imported()).build(),
                ChannelPair.serverContext().externalPsks(Tls13ExternalPsk.of(IDENTITY, KEY)).build());
        assertFalse(pair.clientHandler.session().peerCertificates().isEmpty(), "a certificate handshake");
        assertNull(pair.clientHandler.session().externalPskIdentity());
        assertNull(pair.serverHandler.session().externalPskIdentity());
        assertEquals(SessionInfo.Authentication.CERTIFICATE, pair.serverHandler.session().authentication());
    }

    @Test
    void aPlainClientAndAnImportingServerAgreeOnNoPskAndFallBackToTheCertificate() {
        connect(ChannelPair.clientContext().externalPsk(Tls13ExternalPsk.of(IDENTITY, KEY)).build(),
                ChannelPair.serverContext().externalPsks(imported()).build());
        assertFalse(pair.clientHandler.session().peerCertificates().isEmpty(), "a certificate handshake");
        assertNull(pair.serverHandler.session().externalPskIdentity());
        assertEquals(SessionInfo.Authentication.CERTIFICATE, pair.clientHandler.session().authentication());
    }

    @Test
    void anImporterOnOneSideOnlyIsHandshakeFailureOnAPskOnlyServer() {
        TlsFailure plainServer = serverFails(Tls13Context.forClient().externalPsk(imported()).build(),
                Tls13Context.forPskServer(Tls13ExternalPsk.of(IDENTITY, KEY)).build());
        assertEquals(new TlsFailure.Incompatible(PeerIncompatible.NO_PSK_IN_COMMON, ""), withoutDetail(plainServer));
        assertEquals(AlertDescription.HANDSHAKE_FAILURE, plainServer.alert());
        ChannelPair second = new ChannelPair();
        second.start(Tls13Context.forClient().externalPsk(Tls13ExternalPsk.of(IDENTITY, KEY)).build(),
                Tls13Context.forPskServer(imported()).build());
        try {
            second.shuttle();
            assertEquals(AlertDescription.HANDSHAKE_FAILURE,
                    failureOf(second.serverHandler.handshakeFuture().cause()).alert());
            assertFalse(second.clientHandler.handshakeFuture().isSuccess());
        } finally {
            second.finish();
        }
    }

    @Test
    void anotherContextAgreesOnNoPsk() {
        // RFC 9258 §5.1: the context is part of the ImportedIdentity and of what the EPSK is bound to; the server
        // takes an ImportedIdentity only with its EPSK's context, so another one is an unknown identity.
        Tls13ExternalPsk otherContext = Tls13ExternalPsk.imported(IDENTITY, KEY, "client=x".getBytes(US_ASCII));
        connect(ChannelPair.clientContext().externalPsk(otherContext).build(),
                ChannelPair.serverContext().externalPsks(imported()).build());
        assertEquals(SessionInfo.Authentication.CERTIFICATE, pair.serverHandler.session().authentication());
        assertNull(pair.clientHandler.session().externalPskIdentity());
        TlsFailure failure = new ImportedPskTest().serverFails(Tls13Context.forClient().externalPsk(otherContext)
                .build(), Tls13Context.forPskServer(imported()).build());
        assertEquals(new TlsFailure.Incompatible(PeerIncompatible.NO_PSK_IN_COMMON, ""), withoutDetail(failure));
        assertEquals(AlertDescription.HANDSHAKE_FAILURE, failure.alert());
    }

    @Test
    void anotherExternalIdentityIsUnknown() {
        Tls13ExternalPsk other = Tls13ExternalPsk.imported("device-18".getBytes(US_ASCII), KEY, CONTEXT);
        connect(ChannelPair.clientContext().externalPsk(other).build(),
                ChannelPair.serverContext().externalPsks(imported()).build());
        assertEquals(SessionInfo.Authentication.CERTIFICATE, pair.serverHandler.session().authentication());
        TlsFailure failure = new ImportedPskTest().serverFails(Tls13Context.forClient().externalPsk(other).build(),
                Tls13Context.forPskServer(imported()).build());
        assertEquals(AlertDescription.HANDSHAKE_FAILURE, failure.alert());
    }

    @Test
    void aWrongKeyIsDecryptErrorFromTheBinder() {
        TlsFailure failure = serverFails(Tls13Context.forClient()
                        .externalPsk(Tls13ExternalPsk.imported(IDENTITY, key(9), CONTEXT)).build(),
                Tls13Context.forPskServer(imported()).build());
        assertEquals(new TlsFailure.Misbehaved(PeerMisbehaved.BAD_BINDER, ""), withoutDetail(failure));
        assertEquals(AlertDescription.DECRYPT_ERROR, failure.alert());
    }

    @Test
    void aTamperedBinderIsDecryptError() {
        // One suite, so one imported identity: its binder is the last byte of the ClientHello (pre_shared_key is
        // the last extension, RFC 8446 §4.2.11), which is the first record the client writes.
        pair.start(Tls13Context.forClient().externalPsk(imported()).cipherSuites("TLS_AES_128_GCM_SHA256").build(),
                Tls13Context.forPskServer(imported()).build());
        try {
            ByteBuf hello = ChannelPair.drain(pair.client);
            hello.setByte(hello.writerIndex() - 1, hello.getByte(hello.writerIndex() - 1) ^ 1);
            pair.server.writeInbound(hello);
            pair.shuttle();
            TlsFailure failure = checkServerFailed();
            assertEquals(new TlsFailure.Misbehaved(PeerMisbehaved.BAD_BINDER, ""), withoutDetail(failure));
            assertEquals(AlertDescription.DECRYPT_ERROR, failure.alert());
        } finally {
            pair.finish();
        }
    }

    @Test
    void theLookupIsAskedWithTheExternalIdentity() {
        Lookup lookup = new Lookup().with(IDENTITY, imported());
        connect(Tls13Context.forClient().externalPsk(imported()).build(),
                Tls13Context.forPskServer().externalPskLookup(lookup).build());
        assertImportedPskSession();
        assertEquals(List.of("device-17"), lookup.asked, "once, with the external identity");
    }

    @Test
    void aPlainPskFromTheLookupDoesNotServeAnImportedIdentity() {
        Lookup lookup = new Lookup().with(IDENTITY, Tls13ExternalPsk.of(IDENTITY, KEY));
        TlsFailure failure = serverFails(Tls13Context.forClient().externalPsk(imported()).build(),
                Tls13Context.forPskServer().externalPskLookup(lookup).build());
        assertEquals(AlertDescription.HANDSHAKE_FAILURE, failure.alert());
        assertEquals(List.of("device-17"), lookup.asked);
    }

    @Test
    void anEpskFromTheLookupDoesNotServeAPlainIdentity() {
        Lookup lookup = new Lookup().with(IDENTITY, imported());
        TlsFailure failure = serverFails(Tls13Context.forClient().externalPsk(Tls13ExternalPsk.of(IDENTITY, KEY))
                        .build(),
                Tls13Context.forPskServer().externalPskLookup(lookup).build());
        assertEquals(AlertDescription.HANDSHAKE_FAILURE, failure.alert());
        assertEquals(List.of("device-17"), lookup.asked);
    }

    @Test
    void importedPsksAreCheckedAtConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> Tls13ExternalPsk.imported(new byte[0], KEY, CONTEXT));
        assertThrows(IllegalArgumentException.class, () -> Tls13ExternalPsk.imported(IDENTITY, new byte[0], CONTEXT));
        assertThrows(IllegalArgumentException.class, () -> Tls13ExternalPsk.imported(IDENTITY, KEY, new byte[0xFFFF]),
                "the ImportedIdentity must fit a PskIdentity");
        assertThrows(IllegalArgumentException.class, () -> Tls13ExternalPsk.imported(IDENTITY, KEY, CONTEXT, "MD5"));
        assertThrows(NullPointerException.class, () -> Tls13ExternalPsk.imported(IDENTITY, KEY, null));
        assertFalse(Tls13ExternalPsk.of(IDENTITY, KEY).isImported());
        assertEquals("Tls13ExternalPsk[SHA-256, imported]", imported().toString());
        // An EPSK and a plain PSK may share an identity on one server: they are found in different ways.
        assertNotNull(Tls13Context.forPskServer(imported(), Tls13ExternalPsk.of(IDENTITY, KEY)).build());
        assertThrows(IllegalArgumentException.class,
                () -> Tls13Context.forPskServer(imported(), imported()).build(), "two EPSKs with one identity");
    }

    /** A lookup over a map by identity, recording what it was asked. */
    private static final class Lookup implements Tls13ExternalPskLookup {
        final Map<String, Tls13ExternalPsk> psks = new HashMap<>();
        final List<String> asked = new ArrayList<>();

        Lookup with(byte[] identity, Tls13ExternalPsk psk) {
            psks.put(new String(identity, US_ASCII), psk);
            return this;
        }

        @Override
        public Tls13ExternalPsk find(byte[] identity) {
            String name = new String(identity, US_ASCII);
            asked.add(name);
            return psks.get(name);
        }
    }

    /** The failure with an empty detail, to compare reasons. */
    private static TlsFailure withoutDetail(TlsFailure failure) {
        if (failure instanceof TlsFailure.Incompatible i) {
            return new TlsFailure.Incompatible(i.reason(), "");
        }
        if (failure instanceof TlsFailure.Misbehaved m) {
            return new TlsFailure.Misbehaved(m.reason(), "");
        }
        return failure;
    }
}
