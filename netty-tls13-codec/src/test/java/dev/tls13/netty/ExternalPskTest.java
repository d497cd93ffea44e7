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
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * External PSKs between our client and our server handlers (RFC 8446 §2.2, §4.2.11; docs/architecture.md §15):
 * psk_dhe_ke and psk_ke, SHA-256 and SHA-384 PSKs, a PSK-only server without a certificate, a client without
 * trust of its own, the fallback to a certificate handshake, and the failures: a wrong key or hash is
 * decrypt_error from the binder, no PSK in common without a certificate is handshake_failure.
 */
class ExternalPskTest {

    private static final byte[] KEY = key(1);
    private static final String IDENTITY = "test";

    private final ChannelPair pair = new ChannelPair();

    private static byte[] key(int seed) {
        byte[] k = new byte[32];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (seed * 31 + i);
        }
        return k;
    }

    private static Tls13ExternalPsk psk() {
        return Tls13ExternalPsk.of(IDENTITY, KEY);
    }

    private static TlsFailure failureOf(Throwable t) {
        return assertInstanceOf(TlsException.class, t).failure();
    }

    /** Runs the handshake and one message each way; both ends must succeed. */
    private void connect(Tls13Context client, Tls13Context server) {
        pair.connectAndExchange(client, server);
    }

    /** Runs the handshake, which must fail: returns the failure of {@code failing}, checks the peer got its alert. */
    private TlsFailure fail(Tls13Context client, Tls13Context server, boolean serverFails) {
        pair.start(client, server);
        try {
            pair.shuttle();
            Tls13Handler failing = serverFails ? pair.serverHandler : pair.clientHandler;
            Tls13Handler peer = serverFails ? pair.clientHandler : pair.serverHandler;
            assertFalse(failing.handshakeFuture().isSuccess(), "the handshake must fail");
            TlsFailure failure = failureOf(failing.handshakeFuture().cause());
            assertFalse(peer.handshakeFuture().isSuccess());
            assertEquals(new TlsFailure.AlertReceived(failure.alert()), failureOf(peer.handshakeFuture().cause()),
                    "the peer learns the alert");
            return failure;
        } finally {
            pair.finish();
        }
    }

    @Test
    void pskDheKeWithAPskOnlyServerAndAClientWithoutTrust() {
        connect(Tls13Context.forClient().externalPsk(psk()).build(), Tls13Context.forPskServer(psk()).build());
        SessionInfo client = pair.clientHandler.session();
        SessionInfo server = pair.serverHandler.session();
        assertTrue(client.peerCertificates().isEmpty(), "the PSK authenticated the server, no certificate");
        assertTrue(server.localCertificates().isEmpty());
        assertFalse(client.resumed(), "an external PSK's handshake is no resumption");
        assertFalse(server.resumed());
        assertNotNull(client.namedGroup(), "psk_dhe_ke: an (EC)DHE exchange too");
        assertEquals(client.namedGroup(), server.namedGroup());
        assertEquals("TLS_AES_128_GCM_SHA256", client.cipherSuite());
        // Both ends name the PSK that authenticated the session.
        assertArrayEquals(IDENTITY.getBytes(US_ASCII), client.externalPskIdentity());
        assertArrayEquals(IDENTITY.getBytes(US_ASCII), server.externalPskIdentity());
        assertEquals(SessionInfo.Authentication.EXTERNAL_PSK, client.authentication());
        assertEquals(SessionInfo.Authentication.EXTERNAL_PSK, server.authentication());
        client.externalPskIdentity()[0] = 'X';
        assertArrayEquals(IDENTITY.getBytes(US_ASCII), client.externalPskIdentity(), "a copy each time");
    }

    @Test
    void pskKeWhenBothEndsAllowIt() {
        connect(Tls13Context.forClient().externalPsk(psk()).pskKeyExchangeModes("psk_ke").build(),
                Tls13Context.forPskServer(psk()).pskKeyExchangeModes("psk_dhe_ke", "psk_ke").build());
        assertNull(pair.clientHandler.session().namedGroup(), "psk_ke: no (EC)DHE");
        assertNull(pair.serverHandler.session().namedGroup());
    }

    @Test
    void aServerWithoutPskKeAnswersAPskKeOnlyOfferWithHandshakeFailureWhenItHasNoCertificate() {
        // RFC 8446 §4.2.9: the server may not select a mode the client did not list; psk_dhe_ke was not listed, and
        // this server does not allow psk_ke, so the PSK is unusable and nothing else can authenticate it.
        TlsFailure failure = fail(Tls13Context.forClient().externalPsk(psk()).pskKeyExchangeModes("psk_ke").build(),
                Tls13Context.forPskServer(psk()).build(), true);
        assertEquals(new TlsFailure.Incompatible(PeerIncompatible.NO_PSK_IN_COMMON, ""), withoutDetail(failure));
        assertEquals(AlertDescription.HANDSHAKE_FAILURE, failure.alert());
    }

    @Test
    void aSha384PskMakesTheServerChooseTheSha384Suite() {
        Tls13ExternalPsk sha384 = Tls13ExternalPsk.of(IDENTITY.getBytes(US_ASCII), key(2), "SHA-384");
        assertEquals("SHA-384", sha384.hash());
        connect(Tls13Context.forClient().externalPsk(sha384).build(), Tls13Context.forPskServer(sha384).build());
        assertEquals("TLS_AES_256_GCM_SHA384", pair.clientHandler.session().cipherSuite(),
                "RFC 8446 §4.2.11: the server picks a suite of the PSK's hash");
        assertEquals("TLS_AES_256_GCM_SHA384", pair.serverHandler.session().cipherSuite());
    }

    @Test
    void thePskIsOfferedAgainAfterAHelloRetryRequest() {
        connect(Tls13Context.forClient().externalPsk(psk()).build(),
                Tls13Context.forPskServer(psk()).namedGroups("secp256r1").build());
        assertTrue(pair.clientHandler.session().helloRetryRequest());
        assertEquals("secp256r1", pair.serverHandler.session().namedGroup());
        assertTrue(pair.clientHandler.session().peerCertificates().isEmpty());
    }

    @Test
    void aServerWithACertificateAndPsksAcceptsThePsk() {
        connect(ChannelPair.clientContext().externalPsk(psk()).build(),
                ChannelPair.serverContext().externalPsks(Tls13ExternalPsk.of("other", key(3)), psk()).build());
        assertTrue(pair.clientHandler.session().peerCertificates().isEmpty(), "the PSK, not the certificate");
        assertTrue(pair.serverHandler.session().localCertificates().isEmpty());
        assertArrayEquals(IDENTITY.getBytes(US_ASCII), pair.serverHandler.session().externalPskIdentity(),
                "the server names which of its PSKs the client used");
        assertEquals(SessionInfo.Authentication.EXTERNAL_PSK, pair.serverHandler.session().authentication());
    }

    @Test
    void anUnknownIdentityGetsACertificateHandshakeFromAServerWithACertificate() {
        // The client has trust configured, so it accepts the fallback.
        connect(ChannelPair.clientContext().externalPsk(Tls13ExternalPsk.of("unknown", KEY)).build(),
                ChannelPair.serverContext().externalPsks(psk()).build());
        assertFalse(pair.clientHandler.session().peerCertificates().isEmpty(), "a certificate handshake");
        assertFalse(pair.clientHandler.session().resumed());
        assertNull(pair.clientHandler.session().externalPskIdentity(), "the offered PSK was not used");
        assertNull(pair.serverHandler.session().externalPskIdentity());
        assertEquals(SessionInfo.Authentication.CERTIFICATE, pair.clientHandler.session().authentication());
        assertEquals(SessionInfo.Authentication.CERTIFICATE, pair.serverHandler.session().authentication());
    }

    @Test
    void anUnknownIdentityIsHandshakeFailureOnAPskOnlyServer() {
        TlsFailure failure = fail(Tls13Context.forClient().externalPsk(Tls13ExternalPsk.of("unknown", KEY)).build(),
                Tls13Context.forPskServer(psk()).build(), true);
        assertEquals(AlertDescription.HANDSHAKE_FAILURE, failure.alert());
    }

    @Test
    void aClientWithoutTrustFailsWhenTheServerDeclinesItsPsk() {
        // The server has a certificate and no PSKs: it answers with a certificate handshake, which a client that
        // configured no trust of its own refuses at the ServerHello with handshake_failure.
        TlsFailure failure = fail(Tls13Context.forClient().externalPsk(psk()).build(),
                ChannelPair.serverContext().build(), false);
        assertEquals(new TlsFailure.Incompatible(PeerIncompatible.NO_PSK_IN_COMMON, ""), withoutDetail(failure));
        assertEquals(AlertDescription.HANDSHAKE_FAILURE, failure.alert());
    }

    @Test
    void aWrongKeyIsDecryptErrorFromTheBinder() {
        TlsFailure failure = fail(Tls13Context.forClient().externalPsk(Tls13ExternalPsk.of(IDENTITY, key(9))).build(),
                Tls13Context.forPskServer(psk()).build(), true);
        assertEquals(new TlsFailure.Misbehaved(PeerMisbehaved.BAD_BINDER, ""), withoutDetail(failure));
        assertEquals(AlertDescription.DECRYPT_ERROR, failure.alert());
    }

    @Test
    void aWrongHashIsDecryptErrorFromTheBinder() {
        // The server knows the identity as a SHA-384 PSK and picks TLS_AES_256_GCM_SHA384, which the client offers;
        // the client's binder is a SHA-256 one, so it cannot verify (RFC 8446 §4.2.11.2).
        TlsFailure failure = fail(Tls13Context.forClient().externalPsk(psk()).build(),
                Tls13Context.forPskServer(Tls13ExternalPsk.of(IDENTITY.getBytes(US_ASCII), KEY, "SHA-384")).build(),
                true);
        assertEquals(AlertDescription.DECRYPT_ERROR, failure.alert());
    }

    @Test
    void aWrongHashWithoutASuiteOfItIsHandshakeFailureOnAPskOnlyServer() {
        // The client offers SHA-256 suites only: the server's SHA-384 PSK is unusable (RFC 8446 §4.2.11).
        TlsFailure failure = fail(Tls13Context.forClient().externalPsk(psk())
                        .cipherSuites("TLS_AES_128_GCM_SHA256").build(),
                Tls13Context.forPskServer(Tls13ExternalPsk.of(IDENTITY.getBytes(US_ASCII), KEY, "SHA-384")).build(),
                true);
        assertEquals(AlertDescription.HANDSHAKE_FAILURE, failure.alert());
    }

    @Test
    void theContextKeepsItsOwnCopyOfTheKey() {
        Tls13ExternalPsk clientPsk = psk();
        Tls13ExternalPsk serverPsk = psk();
        Tls13Context client = Tls13Context.forClient().externalPsk(clientPsk).build();
        Tls13Context server = Tls13Context.forPskServer(serverPsk).build();
        clientPsk.destroy();
        serverPsk.destroy();
        assertTrue(clientPsk.isDestroyed());
        connect(client, server);
        assertThrows(IllegalArgumentException.class, () -> Tls13Context.forPskServer(serverPsk).build(),
                "a destroyed PSK cannot configure a context");
    }

    @Test
    void configurationMistakesAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> Tls13ExternalPsk.of(IDENTITY.getBytes(US_ASCII), KEY, "MD5"));
        assertThrows(IllegalArgumentException.class, () -> Tls13ExternalPsk.of(IDENTITY, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> Tls13ExternalPsk.of(new byte[0], KEY));
        assertThrows(IllegalArgumentException.class, () -> Tls13ExternalPsk.of(new byte[65536], KEY));
        assertThrows(IllegalArgumentException.class, () -> Tls13Context.forPskServer().build(),
                "a server needs a certificate or a PSK");
        assertThrows(IllegalArgumentException.class, () -> Tls13Context.forPskServer(psk(), psk()).build(),
                "two PSKs with one identity");
        assertThrows(IllegalArgumentException.class, () -> Tls13Context.forClient()
                .externalPsk(Tls13ExternalPsk.of(IDENTITY.getBytes(US_ASCII), KEY, "SHA-384"))
                .cipherSuites("TLS_AES_128_GCM_SHA256").build(), "no suite of the PSK's hash");
        byte[] copied = KEY.clone();
        Tls13ExternalPsk p = Tls13ExternalPsk.of(IDENTITY, copied);
        Arrays.fill(copied, (byte) 0);
        assertFalse(p.toString().contains(IDENTITY), "toString shows no identity or key: " + p);
        connect(Tls13Context.forClient().externalPsk(p).build(), Tls13Context.forPskServer(psk()).build());
    }

    /** A lookup over a map of PSKs by identity that records what it was asked. */
    private static final class MapLookup implements Tls13ExternalPskLookup {
        final Map<String, Tls13ExternalPsk> psks = new HashMap<>();
        final List<String> asked = new ArrayList<>();

        MapLookup with(String identity, Tls13ExternalPsk psk) {
            psks.put(identity, psk);
            return this;
        }

        @Override
        public Tls13ExternalPsk find(byte[] identity) {
            String name = new String(identity, US_ASCII);
            asked.add(name);
            return psks.get(name);
        }
    }

    @Test
    void aLookupFindsThePskOfAPskOnlyServer() {
        MapLookup lookup = new MapLookup().with(IDENTITY, psk());
        connect(Tls13Context.forClient().externalPsk(psk()).build(),
                Tls13Context.forPskServer().externalPskLookup(lookup).build());
        assertEquals(List.of(IDENTITY), lookup.asked, "asked once, for the offered identity");
        assertArrayEquals(IDENTITY.getBytes(US_ASCII), pair.serverHandler.session().externalPskIdentity());
        assertEquals(SessionInfo.Authentication.EXTERNAL_PSK, pair.clientHandler.session().authentication());
        assertTrue(pair.clientHandler.session().peerCertificates().isEmpty());
    }

    @Test
    void theFixedListIsTriedBeforeTheLookup() {
        MapLookup lookup = new MapLookup().with(IDENTITY, Tls13ExternalPsk.of(IDENTITY, key(7)));
        connect(Tls13Context.forClient().externalPsk(psk()).build(),
                Tls13Context.forPskServer(psk()).externalPskLookup(lookup).build());
        assertTrue(lookup.asked.isEmpty(), "a configured PSK needs no lookup: " + lookup.asked);
    }

    @Test
    void theLookupIsNeverAskedAboutOurOwnTickets() {
        MapLookup lookup = new MapLookup();
        Tls13Context client = ChannelPair.clientContext().build();
        Tls13Context server = ChannelPair.serverContext().externalPskLookup(lookup).build();
        for (int i = 0; i < 2; i++) {
            ChannelPair p = new ChannelPair().start(client, server);
            try {
                p.shuttle();
                assertTrue(p.serverHandler.handshakeFuture().isSuccess(), () -> "" + p.serverHandler.handshakeFuture()
                        .cause());
                assertEquals(i == 1, p.serverHandler.session().resumed(), "the second connection resumes");
                assertEquals(i == 1 ? SessionInfo.Authentication.RESUMPTION : SessionInfo.Authentication.CERTIFICATE,
                        p.serverHandler.session().authentication());
            } finally {
                p.finish();
            }
        }
        assertTrue(lookup.asked.isEmpty(), "a ticket that our keys open is not the application's: " + lookup.asked);
    }

    @Test
    void anIdentityTheLookupDoesNotKnowGetsACertificateHandshake() {
        MapLookup lookup = new MapLookup();
        connect(ChannelPair.clientContext().externalPsk(Tls13ExternalPsk.of("unknown", KEY)).build(),
                ChannelPair.serverContext().externalPskLookup(lookup).build());
        assertEquals(List.of("unknown"), lookup.asked);
        assertEquals(SessionInfo.Authentication.CERTIFICATE, pair.serverHandler.session().authentication());
        assertNull(pair.serverHandler.session().externalPskIdentity());
    }

    @Test
    void anIdentityTheLookupDoesNotKnowIsHandshakeFailureOnAPskOnlyServer() {
        MapLookup lookup = new MapLookup().with(IDENTITY, psk());
        TlsFailure failure = fail(Tls13Context.forClient().externalPsk(Tls13ExternalPsk.of("unknown", KEY)).build(),
                Tls13Context.forPskServer().externalPskLookup(lookup).build(), true);
        assertEquals(new TlsFailure.Incompatible(PeerIncompatible.NO_PSK_IN_COMMON, ""), withoutDetail(failure));
        assertEquals(AlertDescription.HANDSHAKE_FAILURE, failure.alert());
        assertEquals(List.of("unknown"), lookup.asked);
    }

    @Test
    void aWrongKeyFromTheLookupIsDecryptErrorFromTheBinder() {
        MapLookup lookup = new MapLookup().with(IDENTITY, Tls13ExternalPsk.of(IDENTITY, key(8)));
        TlsFailure failure = fail(Tls13Context.forClient().externalPsk(psk()).build(),
                Tls13Context.forPskServer().externalPskLookup(lookup).build(), true);
        assertEquals(new TlsFailure.Misbehaved(PeerMisbehaved.BAD_BINDER, ""), withoutDetail(failure));
    }

    @Test
    void aLookupThatThrowsIsInternalError() {
        IOException storeDown = new IOException("store unreachable");
        TlsFailure failure = fail(Tls13Context.forClient().externalPsk(psk()).build(),
                Tls13Context.forPskServer().externalPskLookup(identity -> {
                    throw storeDown;
                }).build(), true);
        assertInstanceOf(TlsFailure.Internal.class, failure);
        assertEquals(AlertDescription.INTERNAL_ERROR, failure.alert());
        assertEquals(storeDown, pair.serverHandler.handshakeFuture().cause().getCause(), "the lookup's exception");
    }

    @Test
    void aLookupAnsweringWithAnotherIdentitysPskIsInternalError() {
        MapLookup lookup = new MapLookup().with(IDENTITY, Tls13ExternalPsk.of("other", KEY));
        TlsFailure failure = fail(Tls13Context.forClient().externalPsk(psk()).build(),
                Tls13Context.forPskServer().externalPskLookup(lookup).build(), true);
        assertEquals(AlertDescription.INTERNAL_ERROR, failure.alert());
    }

    @Test
    void aPskOnlyServerNeedsAPskOrALookup() {
        assertThrows(IllegalArgumentException.class, () -> Tls13Context.forPskServer().build());
        assertNotNull(Tls13Context.forPskServer().externalPskLookup(identity -> null).build());
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
