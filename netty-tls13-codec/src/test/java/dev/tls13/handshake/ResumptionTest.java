package dev.tls13.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.Aead;
import dev.tls13.crypto.AeadAlgorithm;
import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.Encapsulation;
import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.crypto.Hkdf;
import dev.tls13.crypto.InvalidKeyShareException;
import dev.tls13.crypto.JcaCryptoProvider;
import dev.tls13.crypto.KeyExchange;
import dev.tls13.crypto.KeyExchangeAlgorithm;
import dev.tls13.crypto.SignatureAlgorithm;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.KeyType;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.Extension;
import dev.tls13.wire.HandshakeType;
import dev.tls13.wire.NamedGroup;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Resumption with the tickets our server issued (RFC 8446 §2.2, §4.2.9, §4.2.11, §4.6.1), driven by the
 * test-only {@link RawClient}: a usable ticket resumes (psk_dhe_ke, or psk_ke when enabled), an unusable one gives
 * a full handshake, a bad binder or a missing psk_key_exchange_modes aborts with the RFC's alert.
 */
class ResumptionTest {

    /** The JCA provider with a clock the test moves. */
    static final class ClockedCrypto implements CryptoProvider {
        private final CryptoProvider jca = JcaCryptoProvider.instance();
        Instant now = Instant.now();

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Hkdf hkdf(HashAlgorithm hash) {
            return jca.hkdf(hash);
        }

        @Override
        public Aead aead(AeadAlgorithm algorithm, byte[] key) {
            return jca.aead(algorithm, key);
        }

        @Override
        public KeyExchange generateKeyExchange(KeyExchangeAlgorithm algorithm) {
            return jca.generateKeyExchange(algorithm);
        }

        @Override
        public Encapsulation encapsulate(KeyExchangeAlgorithm algorithm, byte[] clientShare)
                throws InvalidKeyShareException {
            return jca.encapsulate(algorithm, clientShare);
        }

        @Override
        public byte[] sign(SignatureAlgorithm algorithm, PrivateKey key, byte[] message)
                throws GeneralSecurityException {
            return jca.sign(algorithm, key, message);
        }

        @Override
        public boolean verify(SignatureAlgorithm algorithm, PublicKey key, byte[] message, byte[] signature)
                throws GeneralSecurityException {
            return jca.verify(algorithm, key, message, signature);
        }

        @Override
        public void nextBytes(byte[] out) {
            jca.nextBytes(out);
        }

        @Override
        public Clock clock() {
            return Clock.fixed(now, ZoneOffset.UTC);
        }
    }

    /** A resumption's server messages: one ticket back for the one spent, where a full handshake gets two. */
    private static List<HandshakeType> resumedFlight() {
        return List.of(HandshakeType.SERVER_HELLO, HandshakeType.ENCRYPTED_EXTENSIONS, HandshakeType.FINISHED,
                HandshakeType.NEW_SESSION_TICKET);
    }

    /** A full handshake against {@code config}, then a second one offering its first ticket. */
    private static RawClient resume(ServerConfig config, Consumer<RawClient> second) throws TlsException {
        RawClient first = new RawClient(config).handshake();
        assertEquals(2, first.tickets.size());
        RawClient client = new RawClient(config);
        client.offers.add(first.tickets.get(0).offer(config.crypto().clock().millis()));
        second.accept(client);
        return client.handshake();
    }

    private static void assertFull(RawClient client) {
        assertTrue(client.server.isConnected());
        assertFalse(client.pskAccepted, "a full handshake");
        assertFalse(client.session.resumed());
        assertTrue(client.flightTypes().contains(HandshakeType.CERTIFICATE));
    }

    @Test
    void aResumptionGetsOneTicketForTheOneSpentWhateverTheCount() throws TlsException {
        SessionTicketKeys shared = SessionTicketKeys.rotating(HandshakeHarness.CRYPTO, Duration.ofHours(1),
                Duration.ofHours(2));
        ServerConfig config = HandshakeHarness.server(s -> {
            s.ticketKeys = shared;
            s.ticketCount = 3;
        });
        RawClient first = new RawClient(config).handshake();
        assertEquals(3, first.tickets.size(), "a full handshake gets the configured count");
        RawClient client = new RawClient(config);
        client.offers.add(first.tickets.get(0).offer(config.crypto().clock().millis()));
        client.handshake();
        assertTrue(client.session.resumed());
        assertEquals(1, client.tickets.size());
        // The ticket it got resumes in turn.
        RawClient next = new RawClient(config);
        next.offers.add(client.tickets.get(0).offer(config.crypto().clock().millis()));
        next.handshake();
        assertTrue(next.pskAccepted);

        ServerConfig none = HandshakeHarness.server(s -> {
            s.ticketKeys = shared;
            s.ticketCount = 0;
        });
        RawClient resumedWithout = new RawClient(none);
        resumedWithout.offers.add(first.tickets.get(1).offer(config.crypto().clock().millis()));
        resumedWithout.handshake();
        assertTrue(resumedWithout.pskAccepted);
        assertTrue(resumedWithout.tickets.isEmpty(), "a count of 0 issues none, after a resumption too");
    }

    @Test
    void aTicketItIssuedResumesWithPskDheKe() throws TlsException {
        RawClient client = resume(HandshakeHarness.server(), c -> { });
        assertTrue(client.server.isConnected());
        assertTrue(client.pskAccepted);
        assertEquals(0, client.selectedIdentity);
        // RFC 8446 §2.2: no Certificate, CertificateVerify or CertificateRequest from the server.
        assertEquals(resumedFlight(), client.flightTypes());
        assertTrue(client.serverHello.extensions().find(Extension.KeyShareServerHello.class).isPresent(),
                "psk_dhe_ke: a key share");
        assertTrue(client.session.resumed());
        assertEquals(NamedGroup.X25519, client.session.namedGroup());
        assertTrue(client.session.localCertificates().isEmpty());
        assertNull(client.session.localSignatureScheme());
        assertEquals(1, client.tickets.size(), "a resumed session gets a new ticket for the one it spent");
    }

    @Test
    void theSecondOfTwoOffersIsSelectedWhenTheFirstIsUnknown() throws TlsException {
        ServerConfig config = HandshakeHarness.server();
        RawClient first = new RawClient(config).handshake();
        RawClient client = new RawClient(config);
        byte[] unknown = new byte[120];
        config.crypto().nextBytes(unknown);
        client.offers.add(new RawClient.Offer(unknown, 0, new byte[32], HashAlgorithm.SHA256));
        client.offers.add(first.tickets.get(1).offer(config.crypto().clock().millis()));
        client.handshake();
        assertTrue(client.pskAccepted);
        assertEquals(1, client.selectedIdentity);
    }

    @Test
    void pskKeWhenEnabledHasNoKeyShare() throws TlsException {
        ServerConfig config = HandshakeHarness.server(s -> s.pskKe = true);
        RawClient client = resume(config, c -> c.pskModes = List.of(Extension.PskKeyExchangeModes.PSK_KE,
                Extension.PskKeyExchangeModes.PSK_DHE_KE));
        assertTrue(client.pskAccepted);
        assertFalse(client.serverHello.extensions().find(Extension.KeyShareServerHello.class).isPresent(),
                "psk_ke: no (EC)DHE (RFC 8446 §4.2.9)");
        assertNull(client.session.namedGroup());
        assertTrue(client.session.resumed());
    }

    @Test
    void pskKeNotEnabledGivesAFullHandshake() throws TlsException {
        RawClient client = resume(HandshakeHarness.server(),
                c -> c.pskModes = List.of(Extension.PskKeyExchangeModes.PSK_KE));
        assertFull(client);
    }

    @Test
    void aWrongBinderIsDecryptError() {
        TlsException e = assertThrows(TlsException.class, () -> resume(HandshakeHarness.server(), c ->
                c.binderMutator = binders -> {
                    List<byte[]> l = new ArrayList<>();
                    for (byte[] b : binders) {
                        byte[] x = b.clone();
                        x[0] ^= 1;
                        l.add(x);
                    }
                    return l;
                }));
        assertEquals(PeerMisbehaved.BAD_BINDER, ((TlsFailure.Misbehaved) e.failure()).reason());
        assertEquals(AlertDescription.DECRYPT_ERROR, e.failure().alert());
    }

    @Test
    void preSharedKeyWithoutPskKeyExchangeModesIsMissingExtension() {
        // RFC 8446 §4.2.9: "If clients offer "pre_shared_key" without a "psk_key_exchange_modes" extension,
        // servers MUST abort the handshake."
        TlsException e = assertThrows(TlsException.class, () -> resume(HandshakeHarness.server(),
                c -> c.pskModes = List.of()));
        assertEquals(AlertDescription.MISSING_EXTENSION, e.failure().alert());
    }

    @Test
    void tamperedTruncatedAndForeignTicketsGiveAFullHandshake() throws TlsException {
        ServerConfig config = HandshakeHarness.server();
        RawClient first = new RawClient(config).handshake();
        RawClient.Offer good = first.tickets.get(0).offer(config.crypto().clock().millis());
        byte[] ticket = good.identity();
        List<byte[]> bad = new ArrayList<>();
        for (int at : new int[] {0, 15, 16, 27, 28, ticket.length / 2, ticket.length - 1}) {
            byte[] t = ticket.clone();
            t[at] ^= 0x40;
            bad.add(t);
        }
        bad.add(java.util.Arrays.copyOf(ticket, ticket.length - 1));
        bad.add(java.util.Arrays.copyOf(ticket, 20));
        bad.add(new byte[] {1});
        for (byte[] t : bad) {
            RawClient client = new RawClient(config);
            client.offers.add(new RawClient.Offer(t, good.obfuscatedTicketAge(), good.psk(), good.hash()));
            assertFull(client.handshake());
        }
        // A ticket of another server (other keys) is unknown here.
        RawClient foreign = new RawClient(HandshakeHarness.server());
        foreign.offers.add(good);
        assertFull(foreign.handshake());
    }

    @Test
    void aTicketForAnotherHashGivesAFullHandshake() throws TlsException {
        ServerConfig config = HandshakeHarness.server();
        RawClient first = new RawClient(config);
        first.suites = List.of(CipherSuite.TLS_AES_256_GCM_SHA384);
        first.handshake();
        assertEquals(HashAlgorithm.SHA384, first.tickets.get(0).hash());
        RawClient client = new RawClient(config);
        client.suites = List.of(CipherSuite.TLS_AES_128_GCM_SHA256);
        client.offers.add(first.tickets.get(0).offer(config.crypto().clock().millis()));
        // The binder is computed with the PSK's hash; the server must not use the PSK with SHA-256 (§4.2.11).
        assertFull(client.handshake());
    }

    @Test
    void aTicketResumesWithAnotherSuiteOfTheSameHash() throws TlsException {
        ServerConfig config = HandshakeHarness.server();
        RawClient client = resume(config, c -> c.suites = List.of(CipherSuite.TLS_CHACHA20_POLY1305_SHA256));
        assertTrue(client.pskAccepted, "AES-128-GCM and ChaCha20-Poly1305 share SHA-256 (RFC 8446 §4.2.11)");
    }

    @Test
    void anotherServerNameGivesAFullHandshake() throws TlsException {
        assertFull(resume(HandshakeHarness.server(), c -> c.serverName = "other.example"));
        assertFull(resume(HandshakeHarness.server(), c -> c.serverName = null));
    }

    @Test
    void aWrongTicketAgeOrAnExpiredTicketGivesAFullHandshake() throws TlsException {
        ClockedCrypto crypto = new ClockedCrypto();
        ServerConfig config = HandshakeHarness.server(s -> {
            s.crypto = crypto;
            s.ticketLifetime = Duration.ofMinutes(10);
        });
        RawClient first = new RawClient(config).handshake();
        RawClient.Offer good = first.tickets.get(0).offer(crypto.now.toEpochMilli());
        RawClient skewed = new RawClient(config);
        skewed.offers.add(new RawClient.Offer(good.identity(), good.obfuscatedTicketAge() + 11_000, good.psk(),
                good.hash()));
        assertFull(skewed.handshake());

        crypto.advance(Duration.ofMinutes(9));
        RawClient late = new RawClient(config);
        late.offers.add(first.tickets.get(0).offer(crypto.now.toEpochMilli()));
        late.handshake();
        assertTrue(late.pskAccepted, "within the lifetime");

        crypto.advance(Duration.ofMinutes(2));
        RawClient expired = new RawClient(config);
        expired.offers.add(first.tickets.get(1).offer(crypto.now.toEpochMilli()));
        assertFull(expired.handshake());
    }

    @Test
    void resumesAfterAHelloRetryRequestWithTheBinderOverTheNewTranscript() throws TlsException {
        ServerConfig config = HandshakeHarness.server(s -> s.groups = List.of(NamedGroup.SECP256R1));
        RawClient first = new RawClient(config);
        first.group = NamedGroup.SECP256R1;
        first.handshake();
        RawClient client = new RawClient(config);
        client.supportedGroups = List.of(NamedGroup.X25519, NamedGroup.SECP256R1);
        client.offers.add(first.tickets.get(0).offer(config.crypto().clock().millis()));
        client.handshake();
        assertTrue(client.helloRetryRequest);
        assertTrue(client.pskAccepted);
        assertTrue(client.session.resumed());
        assertTrue(client.session.helloRetryRequest());
    }

    @Test
    void aResumedSessionCarriesTheClientIdentityOfTheOriginalHandshake() throws TlsException {
        TestPki.Issued clientLeaf = TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P256)).dns("client")
                .build();
        ServerConfig config = HandshakeHarness.server(s -> {
            s.clientAuth = ClientAuth.REQUIRE;
            s.clientTrust = TestPki.trustManager(TestPki.ca(KeyType.EC_P256).certificate());
        });
        RawClient first = new RawClient(config);
        first.credentials = HandshakeHarness.certified(clientLeaf);
        first.handshake();
        assertEquals(clientLeaf.chain().get(0), first.session.peerCertificates().get(0));
        RawClient client = new RawClient(config);
        client.offers.add(first.tickets.get(0).offer(config.crypto().clock().millis()));
        client.handshake();
        assertTrue(client.pskAccepted);
        assertFalse(client.flightTypes().contains(HandshakeType.CERTIFICATE_REQUEST));
        assertEquals(first.session.peerCertificates(), client.session.peerCertificates(),
                "the original client chain, from the ticket");
        assertNotNull(client.session.peerCertificates().get(0));
    }

    @Test
    void aServerThatRequiresClientCertificatesDoesNotResumeAnAnonymousSession() throws TlsException {
        SessionTicketKeys shared = SessionTicketKeys.rotating(HandshakeHarness.CRYPTO, Duration.ofHours(1),
                Duration.ofHours(2));
        ServerConfig open = HandshakeHarness.server(s -> s.ticketKeys = shared);
        ServerConfig strict = HandshakeHarness.server(s -> {
            s.ticketKeys = shared;
            s.clientAuth = ClientAuth.REQUIRE;
            s.clientTrust = TestPki.trustManager(TestPki.ca(KeyType.EC_P256).certificate());
        });
        RawClient first = new RawClient(open).handshake();
        RawClient sameKeys = new RawClient(open);
        sameKeys.offers.add(first.tickets.get(0).offer(open.crypto().clock().millis()));
        assertTrue(sameKeys.handshake().pskAccepted, "a shared key ring resumes across configurations");
        RawClient client = new RawClient(strict);
        client.credentials = HandshakeHarness.certified(TestPki.leaf(KeyType.EC_P256)
                .issuer(TestPki.ca(KeyType.EC_P256)).dns("client").build());
        client.offers.add(first.tickets.get(1).offer(open.crypto().clock().millis()));
        client.handshake();
        assertFalse(client.pskAccepted);
        assertTrue(client.flightTypes().contains(HandshakeType.CERTIFICATE_REQUEST));
    }
}
