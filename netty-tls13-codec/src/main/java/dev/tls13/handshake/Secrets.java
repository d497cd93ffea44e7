package dev.tls13.handshake;

import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.keys.EarlySecret;
import dev.tls13.keys.ExporterSecret;
import dev.tls13.keys.HandshakeSecret;
import dev.tls13.keys.MasterSecret;
import dev.tls13.keys.TrafficSecret;

import java.util.Arrays;

/**
 * The key-schedule steps both sides take at the same points of a full handshake (RFC 8446 §7.1),
 * destroying each stage as soon as the next exists, and emitting key-log lines when wanted.
 */
final class Secrets {

    private Secrets() {
    }

    /**
     * The secrets of the handshake stage: the two handshake traffic secrets, and the master secret
     * (derived at once, so that the handshake secret can be destroyed).
     *
     * @param master the master secret
     * @param client client_handshake_traffic_secret
     * @param server server_handshake_traffic_secret
     */
    record HandshakeTraffic(MasterSecret master, TrafficSecret client, TrafficSecret server) {
        void destroy() {
            master.destroy();
            client.destroy();
            server.destroy();
        }
    }

    /**
     * The first application traffic secrets.
     *
     * @param client client_application_traffic_secret_0
     * @param server server_application_traffic_secret_0
     */
    record ApplicationTraffic(TrafficSecret client, TrafficSecret server) {
    }

    /**
     * Runs Early Secret → Handshake Secret → the handshake traffic secrets and the master secret,
     * for a handshake without a PSK.
     *
     * @param crypto the provider
     * @param hash the suite's hash
     * @param sharedSecret the (EC)DHE shared secret; zeroed here
     * @param helloHash Transcript-Hash(ClientHello...ServerHello)
     * @param clientRandom for key-log lines
     * @param out where key-log lines go
     * @return the secrets, owned by the caller
     */
    static HandshakeTraffic handshake(CryptoProvider crypto, HashAlgorithm hash, byte[] sharedSecret,
                                      byte[] helloHash, byte[] clientRandom, HandshakeOutput out) {
        return handshake(EarlySecret.withoutPsk(crypto, hash), sharedSecret, helloHash, clientRandom, out);
    }

    /**
     * Runs Early Secret → Handshake Secret → the handshake traffic secrets and the master secret from a given
     * Early Secret: a resumption's (RFC 8446 §7.1), with psk_dhe_ke or, without a shared secret, psk_ke.
     *
     * @param early the Early Secret; owned: destroyed here
     * @param sharedSecret the (EC)DHE shared secret, zeroed here; {@code null} for psk_ke
     * @param helloHash Transcript-Hash(ClientHello...ServerHello)
     * @param clientRandom for key-log lines
     * @param out where key-log lines go
     * @return the secrets, owned by the caller
     */
    static HandshakeTraffic handshake(EarlySecret early, byte[] sharedSecret, byte[] helloHash, byte[] clientRandom,
                                      HandshakeOutput out) {
        HandshakeSecret handshake;
        try {
            handshake = sharedSecret == null ? early.handshakeSecretWithoutKeyExchange()
                    : early.handshakeSecret(sharedSecret);
        } finally {
            early.destroy();
            if (sharedSecret != null) {
                Arrays.fill(sharedSecret, (byte) 0);
            }
        }
        try {
            TrafficSecret client = handshake.clientHandshakeTrafficSecret(helloHash);
            TrafficSecret server = handshake.serverHandshakeTrafficSecret(helloHash);
            keyLog(out, client, clientRandom);
            keyLog(out, server, clientRandom);
            return new HandshakeTraffic(handshake.masterSecret(), client, server);
        } finally {
            handshake.destroy();
        }
    }

    /**
     * Derives the application traffic secrets and the exporter master secret from the transcript
     * through the server Finished (RFC 8446 §7.1), and hands the exporter secret to {@code out}.
     *
     * @param master the master secret (kept: the resumption master secret comes later)
     * @param serverFinishedHash Transcript-Hash(ClientHello...server Finished)
     * @param clientRandom for key-log lines
     * @param out where the exporter secret and key-log lines go
     * @return the secrets, owned by the caller
     */
    static ApplicationTraffic application(MasterSecret master, byte[] serverFinishedHash, byte[] clientRandom,
                                          HandshakeOutput out) {
        TrafficSecret client = master.clientApplicationTrafficSecret(serverFinishedHash);
        TrafficSecret server = master.serverApplicationTrafficSecret(serverFinishedHash);
        ExporterSecret exporter = master.exporterMasterSecret(serverFinishedHash);
        keyLog(out, client, clientRandom);
        keyLog(out, server, clientRandom);
        if (out.keyLogEnabled()) {
            out.keyLog(exporter.keyLogLine(clientRandom));
        }
        out.exporterSecret(exporter);
        return new ApplicationTraffic(client, server);
    }

    /** Emits the key-log line of a traffic secret when a key log is wanted. */
    static void keyLog(HandshakeOutput out, TrafficSecret secret, byte[] clientRandom) {
        if (out.keyLogEnabled()) {
            out.keyLog(secret.keyLogLine(clientRandom));
        }
    }
}
