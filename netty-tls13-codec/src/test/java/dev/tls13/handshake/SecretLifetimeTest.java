package dev.tls13.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.Encapsulation;
import dev.tls13.crypto.InvalidKeyShareException;
import dev.tls13.crypto.KeyExchange;
import dev.tls13.crypto.KeyExchangeAlgorithm;
import dev.tls13.handshake.HandshakeHarness.Pair;
import dev.tls13.keys.TrafficSecret;
import dev.tls13.testing.ForwardingProvider;
import dev.tls13.wire.NamedGroup;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Ephemeral keys and traffic secrets are destroyed when they are no longer needed. */
class SecretLifetimeTest {

    /**
     * The JCA provider, recording every key exchange it hands out and whether it was destroyed, and every
     * encapsulation (a server's side) with its shared secret.
     */
    static final class TrackingProvider extends ForwardingProvider {
        final List<Tracked> exchanges = new ArrayList<>();
        final List<Encapsulation> encapsulations = new ArrayList<>();

        @Override
        public synchronized KeyExchange generateKeyExchange(KeyExchangeAlgorithm algorithm) {
            Tracked t = new Tracked(super.generateKeyExchange(algorithm));
            exchanges.add(t);
            return t;
        }

        @Override
        public synchronized Encapsulation encapsulate(KeyExchangeAlgorithm algorithm, byte[] clientShare)
                throws InvalidKeyShareException {
            Encapsulation e = super.encapsulate(algorithm, clientShare);
            encapsulations.add(e);
            return e;
        }

        void assertEverySecretGone() {
            for (Tracked t : exchanges) {
                assertTrue(t.destroyed, t.algorithm().toString());
            }
            for (Encapsulation e : encapsulations) {
                assertArrayEquals(new byte[e.sharedSecret().length], e.sharedSecret(), "the server's shared secret");
            }
        }
    }

    /** A key exchange that remembers whether it was destroyed. */
    static final class Tracked implements KeyExchange {
        private final KeyExchange delegate;
        boolean destroyed;

        Tracked(KeyExchange delegate) {
            this.delegate = delegate;
        }

        @Override
        public KeyExchangeAlgorithm algorithm() {
            return delegate.algorithm();
        }

        @Override
        public byte[] publicKey() {
            return delegate.publicKey();
        }

        @Override
        public byte[] decapsulate(byte[] peerPublicKey) throws InvalidKeyShareException {
            return delegate.decapsulate(peerPublicKey);
        }

        @Override
        public void destroy() {
            destroyed = true;
            delegate.destroy();
        }
    }

    @Test
    void everyEphemeralKeyIsDestroyedIncludingUnusedSharesAndThoseReplacedAfterHelloRetryRequest() throws Exception {
        TrackingProvider clientCrypto = new TrackingProvider();
        TrackingProvider serverCrypto = new TrackingProvider();
        ClientConfig client = HandshakeHarness.client(c -> {
            c.crypto = clientCrypto;
            c.groups = List.of(NamedGroup.X25519, NamedGroup.SECP384R1, NamedGroup.SECP256R1);
            c.shares = 2;
        });
        ServerConfig server = HandshakeHarness.server(c -> {
            c.crypto = serverCrypto;
            c.groups = List.of(NamedGroup.SECP256R1);
        });
        Pair pair = Pair.start(client, server).run().assertConnectedWithMatchingKeys();
        assertTrue(pair.clientOut.session().helloRetryRequest());
        assertEquals(3, clientCrypto.exchanges.size());
        assertEquals(0, serverCrypto.exchanges.size());
        assertEquals(1, serverCrypto.encapsulations.size());
        clientCrypto.assertEverySecretGone();
        serverCrypto.assertEverySecretGone();
    }

    @Test
    void hybridKeyPairsAndSecretsAreDestroyedOnBothSidesIncludingTheUnusedClassicalShare() throws Exception {
        TrackingProvider clientCrypto = new TrackingProvider();
        TrackingProvider serverCrypto = new TrackingProvider();
        ClientConfig client = HandshakeHarness.client(c -> {
            c.crypto = clientCrypto;
            c.groups = null;
            c.shares = 0;
        });
        ServerConfig server = HandshakeHarness.server(c -> {
            c.crypto = serverCrypto;
            c.groups = null;
        });
        Pair pair = Pair.start(client, server).run().assertConnectedWithMatchingKeys();
        assertEquals(NamedGroup.X25519MLKEM768, pair.clientOut.session().namedGroup());
        assertEquals(List.of(KeyExchangeAlgorithm.X25519MLKEM768, KeyExchangeAlgorithm.X25519),
                clientCrypto.exchanges.stream().map(Tracked::algorithm).toList());
        assertEquals(KeyExchangeAlgorithm.X25519MLKEM768.sharedSecretLength(),
                serverCrypto.encapsulations.get(0).sharedSecret().length);
        clientCrypto.assertEverySecretGone();
        serverCrypto.assertEverySecretGone();
    }

    @Test
    void keyUpdateDestroysTheReplacedSecretsAndDestroyEndsTheRest() throws Exception {
        Pair pair = Pair.start(HandshakeHarness.client(), HandshakeHarness.server()).run();
        Traffic before = ((ClientHandshake.Connected) pair.client).traffic();
        pair.client = pair.client.initiateKeyUpdate(true, pair.clientOut);
        pair.run();
        Traffic after = ((ClientHandshake.Connected) pair.client).traffic();
        assertTrue(before.write().isDestroyed());
        assertTrue(before.read().isDestroyed());
        assertEquals(1, after.write().generation());
        assertEquals(1, after.read().generation());
        List<TrafficSecret> live = List.of(after.read(), after.write());
        for (TrafficSecret s : live) {
            assertFalse(s.isDestroyed());
        }
        pair.client.destroy();
        pair.server.destroy();
        for (TrafficSecret s : live) {
            assertTrue(s.isDestroyed());
        }
        assertTrue(after.resumption().isDestroyed());
        assertTrue(((ServerHandshake.Connected) pair.server).traffic().write().isDestroyed());
    }

    @Test
    void destroyingAHandshakeInProgressDestroysItsSecrets() throws Exception {
        Pair pair = Pair.start(HandshakeHarness.client(), HandshakeHarness.server());
        pair.toServer();
        pair.toClient();
        ClientHandshake.ExpectEncryptedExtensions state = (ClientHandshake.ExpectEncryptedExtensions) pair.client;
        state.destroy();
        assertTrue(state.k().secrets().client().isDestroyed());
        assertTrue(state.k().secrets().server().isDestroyed());
        assertTrue(state.k().secrets().master().isDestroyed());
    }
}
