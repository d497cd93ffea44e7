package dev.tls13.connection;

import dev.tls13.crypto.AeadAlgorithm;
import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.crypto.JcaCryptoProvider;
import dev.tls13.error.TlsException;
import dev.tls13.handshake.HandshakeOutput;
import dev.tls13.handshake.HandshakeState;
import dev.tls13.handshake.HandshakeSummary;
import dev.tls13.keys.EarlySecret;
import dev.tls13.keys.HandshakeSecret;
import dev.tls13.keys.MasterSecret;
import dev.tls13.keys.TrafficKeys;
import dev.tls13.keys.TrafficSecret;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.Finished;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.HandshakeMessage;
import dev.tls13.wire.KeyUpdate;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.NewSessionTicket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A toy handshake for record-layer tests of {@link TlsConnection}: real messages and real keys, no
 * negotiation. The client sends a Finished in plaintext and switches to its write key; the server
 * answers with a Finished in plaintext and switches both directions; the client then switches its read
 * key. Connected states honour KeyUpdate like RFC 8446 §4.6.3.
 */
final class ToyHandshake {

    static final AeadAlgorithm AEAD = AeadAlgorithm.AES_128_GCM;
    static final HandshakeSummary SESSION = new HandshakeSummary(CipherSuite.TLS_AES_128_GCM_SHA256,
            NamedGroup.X25519, null, null, "toy", null, List.of(), List.of(), false, false, false);

    private ToyHandshake() {
    }

    static HandshakeState startClient(HandshakeOutput out) {
        TrafficSecret[] secrets = secrets();
        out.sendHandshake(HandshakeCodec.encode(new Finished("client".getBytes(StandardCharsets.US_ASCII))));
        out.installWriteKeys(secrets[0].keys(AEAD));
        return new Awaiting(true, secrets[0], secrets[1]);
    }

    static HandshakeState startServer(HandshakeOutput out) {
        TrafficSecret[] secrets = secrets();
        return new Awaiting(false, secrets[1], secrets[0]);
    }

    /** @return the client's first write keys, owned by the caller */
    static TrafficKeys clientKeys() {
        TrafficSecret[] secrets = secrets();
        secrets[1].destroy();
        TrafficKeys keys = secrets[0].keys(AEAD);
        secrets[0].destroy();
        return keys;
    }

    /** [client application secret, server application secret], the same for both sides. */
    private static TrafficSecret[] secrets() {
        EarlySecret early = EarlySecret.withoutPsk(JcaCryptoProvider.instance(), HashAlgorithm.SHA256);
        HandshakeSecret handshake = early.handshakeSecret(new byte[32]);
        MasterSecret master = handshake.masterSecret();
        TrafficSecret client = master.clientApplicationTrafficSecret(new byte[32]);
        TrafficSecret server = master.serverApplicationTrafficSecret(new byte[32]);
        early.destroy();
        handshake.destroy();
        master.destroy();
        return new TrafficSecret[] {client, server};
    }

    /** Waits for the peer's Finished. */
    private static final class Awaiting implements HandshakeState {
        private final boolean client;
        private final TrafficSecret write;
        private final TrafficSecret read;

        Awaiting(boolean client, TrafficSecret write, TrafficSecret read) {
            this.client = client;
            this.write = write;
            this.read = read;
        }

        @Override
        public HandshakeState on(HandshakeMessage message, byte[] encoded, int offset, int length, HandshakeOutput out)
                throws TlsException {
            if (!(message instanceof Finished)) {
                throw TlsException.unexpected("Finished", message.type().toString());
            }
            if (client) {
                out.installReadKeys(read.keys(AEAD));
            } else {
                out.sendHandshake(HandshakeCodec.encode(new Finished("server".getBytes(StandardCharsets.US_ASCII))));
                out.installReadKeys(read.keys(AEAD));
                out.installWriteKeys(write.keys(AEAD));
            }
            out.handshakeComplete(SESSION);
            return new Connected(write, read);
        }

        @Override
        public boolean isConnected() {
            return false;
        }

        @Override
        public boolean allowsChangeCipherSpec() {
            return true;
        }

        @Override
        public HandshakeState initiateKeyUpdate(boolean requestPeerUpdate, HandshakeOutput out) {
            throw new IllegalStateException("not connected");
        }

        @Override
        public void destroy() {
            write.destroy();
            read.destroy();
        }
    }

    /** Application data flows; KeyUpdate rotates keys. */
    private static final class Connected implements HandshakeState {
        private final TrafficSecret write;
        private final TrafficSecret read;

        Connected(TrafficSecret write, TrafficSecret read) {
            this.write = write;
            this.read = read;
        }

        @Override
        public HandshakeState on(HandshakeMessage message, byte[] encoded, int offset, int length, HandshakeOutput out)
                throws TlsException {
            if (message instanceof NewSessionTicket) {
                return this;
            }
            if (!(message instanceof KeyUpdate)) {
                throw TlsException.unexpected("KeyUpdate or NewSessionTicket", message.type().toString());
            }
            TrafficSecret nextRead = read.next();
            read.destroy();
            out.installReadKeys(nextRead.keys(AEAD));
            Connected next = new Connected(write, nextRead);
            return ((KeyUpdate) message).updateRequested() ? next.initiateKeyUpdate(false, out) : next;
        }

        @Override
        public boolean isConnected() {
            return true;
        }

        @Override
        public boolean allowsChangeCipherSpec() {
            return false;
        }

        @Override
        public HandshakeState initiateKeyUpdate(boolean requestPeerUpdate, HandshakeOutput out) {
            out.sendHandshake(HandshakeCodec.encode(new KeyUpdate(requestPeerUpdate)));
            TrafficSecret nextWrite = write.next();
            write.destroy();
            out.installWriteKeys(nextWrite.keys(AEAD));
            return new Connected(nextWrite, read);
        }

        @Override
        public void destroy() {
            write.destroy();
            read.destroy();
        }
    }
}
