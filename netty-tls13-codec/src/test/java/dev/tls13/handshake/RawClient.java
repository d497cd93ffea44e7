package dev.tls13.handshake;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.crypto.KeyExchange;
import dev.tls13.crypto.KeyExchangeAlgorithm;
import dev.tls13.error.TlsException;
import dev.tls13.keys.EarlySecret;
import dev.tls13.keys.HandshakeSecret;
import dev.tls13.keys.MasterSecret;
import dev.tls13.keys.PskType;
import dev.tls13.keys.ResumptionMasterSecret;
import dev.tls13.keys.TrafficSecret;
import dev.tls13.keys.Transcript;
import dev.tls13.record.CipherSuiteParams;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.ClientHello;
import dev.tls13.wire.Extension;
import dev.tls13.wire.Extensions;
import dev.tls13.wire.Finished;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.HandshakeMessage;
import dev.tls13.wire.HandshakeType;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.NewSessionTicket;
import dev.tls13.wire.ProtocolVersion;
import dev.tls13.wire.ServerHello;
import dev.tls13.wire.SignatureScheme;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A test-only TLS 1.3 client at the state-machine level, for the server's session tickets and PSK resumption
 * (RFC 8446 §4.2.11, §4.6.1) before our real client offers PSKs: it builds ClientHellos with any extensions and
 * PSK offers (binders over the truncated ClientHello, §4.2.11.2), follows the server's flight with its own key
 * schedule, sends its Finished and keeps the tickets it receives with their PSKs. It checks no certificate or
 * signature of the server: tests of those live elsewhere.
 */
final class RawClient {

    /** One PSK offer: the identity, its obfuscated_ticket_age and the PSK with its hash. */
    record Offer(byte[] identity, long obfuscatedTicketAge, byte[] psk, HashAlgorithm hash) {
    }

    /** A ticket received from the server, with its PSK (RFC 8446 §4.6.1). */
    record Ticket(NewSessionTicket message, byte[] psk, HashAlgorithm hash, long receivedMillis) {
        Offer offer(long nowMillis) {
            long age = nowMillis - receivedMillis;
            return new Offer(message.ticket(), (age + message.ticketAgeAdd()) & 0xFFFFFFFFL, psk, hash);
        }
    }

    final CryptoProvider crypto = HandshakeHarness.CRYPTO;
    List<CipherSuite> suites = List.of(CipherSuite.TLS_AES_128_GCM_SHA256);
    NamedGroup group = NamedGroup.X25519;
    /** supported_groups; the key share is for {@link #group} (then the HelloRetryRequest's). */
    List<NamedGroup> supportedGroups = null;
    /** The client's certificate and key, sent when the server asks (RFC 8446 §4.4.2). */
    CertifiedKey credentials;
    String serverName = HandshakeHarness.HOST;
    List<String> alpn = List.of();
    /** psk_key_exchange_modes: {psk_dhe_ke} unless changed; empty for none. */
    List<Integer> pskModes = List.of(Extension.PskKeyExchangeModes.PSK_DHE_KE);
    /** Extensions placed before pre_shared_key, after the usual ones. */
    List<Extension> extra = new ArrayList<>();
    List<Offer> offers = new ArrayList<>();
    /** The binder key label of every offer (RFC 8446 §7.1, RFC 9258 §5.2): "res binder" unless changed. */
    PskType binderType = PskType.RESUMPTION;
    /** Changes the binders after they are computed, for negative tests; identity by default. */
    java.util.function.UnaryOperator<List<byte[]>> binderMutator = b -> b;

    HandshakeState server;
    final HandshakeHarness.Recorder serverOut = new HandshakeHarness.Recorder();
    final List<Ticket> tickets = new ArrayList<>();
    ServerHello serverHello;
    boolean pskAccepted;
    boolean helloRetryRequest;
    int selectedIdentity = -1;
    HandshakeSummary session;
    /** Whether the server's EncryptedExtensions carried early_data: it accepted our 0-RTT (RFC 8446 §4.2.10). */
    boolean earlyDataAccepted;
    /** The client_early_traffic_secret's key, hex, derived from the first offer and the first ClientHello. */
    String earlyKey;
    /** Whether to send EndOfEarlyData when the server accepted 0-RTT (RFC 8446 §4.5); off for negative tests. */
    boolean sendEndOfEarlyData = true;
    /** Sends EndOfEarlyData even when the server did not accept 0-RTT, for negative tests. */
    boolean forceEndOfEarlyData;
    /** Keeps early_data in the ClientHello after a HelloRetryRequest, for negative tests (RFC 8446 §4.1.2). */
    boolean earlyDataInSecondHello;
    /** The first ClientHello as sent, to replay it. */
    byte[] firstHello;

    RawClient(ServerConfig config) {
        server = ServerHandshake.start(config);
    }

    /**
     * Encodes the ClientHello, with correct binders (then passed through {@link #binderMutator}).
     *
     * @param share our key share
     * @param random the client random
     * @param first after a HelloRetryRequest: the first ClientHello; else {@code null}
     * @param retry after a HelloRetryRequest: the HelloRetryRequest; else {@code null}
     */
    byte[] clientHello(KeyExchange share, NamedGroup shareGroup, byte[] random, byte[] first, byte[] retry) {
        List<Extension> extensions = new ArrayList<>();
        if (serverName != null) {
            extensions.add(Extension.ServerName.of(serverName));
        }
        extensions.add(new Extension.SupportedGroups(supportedGroups == null ? List.of(group) : supportedGroups));
        extensions.add(new Extension.SignatureAlgorithms(SignatureSchemes.DEFAULT));
        if (!alpn.isEmpty()) {
            extensions.add(Extension.Alpn.of(alpn.toArray(new String[0])));
        }
        extensions.add(new Extension.SupportedVersionsClientHello(List.of(ProtocolVersion.TLS_1_3)));
        extensions.add(new Extension.KeyShareClientHello(List.of(new Extension.KeyShareEntry(shareGroup,
                share.publicKey()))));
        if (!pskModes.isEmpty()) {
            extensions.add(new Extension.PskKeyExchangeModes(pskModes));
        }
        for (Extension e : extra) {
            // RFC 8446 §4.1.2: the second ClientHello drops early_data.
            if (first == null || earlyDataInSecondHello || !(e instanceof Extension.EarlyData)) {
                extensions.add(e);
            }
        }
        if (offers.isEmpty()) {
            return HandshakeCodec.encode(new ClientHello(ProtocolVersion.TLS_1_2, random, new byte[32], suites,
                    new Extensions(extensions)));
        }
        List<Extension.PskIdentity> identities = new ArrayList<>();
        List<byte[]> zeros = new ArrayList<>();
        for (Offer o : offers) {
            identities.add(new Extension.PskIdentity(o.identity(), o.obfuscatedTicketAge()));
            zeros.add(new byte[o.hash().length()]);
        }
        Extension.PreSharedKeyClientHello placeholder = new Extension.PreSharedKeyClientHello(identities, zeros);
        List<Extension> withPsk = new ArrayList<>(extensions);
        withPsk.add(placeholder);
        byte[] encoded = HandshakeCodec.encode(new ClientHello(ProtocolVersion.TLS_1_2, random, new byte[32], suites,
                new Extensions(withPsk)));
        int truncated = encoded.length - placeholder.bindersLength();
        List<byte[]> binders = new ArrayList<>();
        for (Offer o : offers) {
            // RFC 8446 §4.2.11.2: the binder covers the ClientHello up to, not including, the binders list; after
            // a HelloRetryRequest, message_hash(ClientHello1) and the HelloRetryRequest come first.
            Transcript t = Transcript.of(crypto, o.hash());
            if (first != null) {
                t.add(first);
                t.addHelloRetryRequest(retry);
            }
            t.add(encoded, 0, truncated);
            EarlySecret early = EarlySecret.withPsk(crypto, o.hash(), o.psk());
            binders.add(early.binder(binderType, t.currentHash()));
            early.destroy();
        }
        withPsk.set(withPsk.size() - 1, new Extension.PreSharedKeyClientHello(identities,
                binderMutator.apply(binders)));
        return HandshakeCodec.encode(new ClientHello(ProtocolVersion.TLS_1_2, random, new byte[32], suites,
                new Extensions(withPsk)));
    }

    /** Runs a whole handshake: the ClientHello(s), the server's flight, our Finished, the tickets. */
    RawClient handshake() throws TlsException {
        KeyExchange share = crypto.generateKeyExchange(algorithm(group));
        byte[] random = new byte[32];
        crypto.nextBytes(random);
        byte[] hello = clientHello(share, group, random, null, null);
        firstHello = hello;
        if (!offers.isEmpty()) {
            Offer o = offers.get(0);
            Transcript t = Transcript.of(crypto, o.hash());
            t.add(hello);
            EarlySecret e = EarlySecret.withPsk(crypto, o.hash(), o.psk());
            TrafficSecret secret = e.clientEarlyTrafficSecret(t.currentHash());
            dev.tls13.keys.TrafficKeys keys = secret.keys(CipherSuiteParams.of(suites.get(0)).aead());
            earlyKey = dev.tls13.testing.Hex.encode(keys.key());
            keys.destroy();
            secret.destroy();
            e.destroy();
        }
        server = server.on(HandshakeHarness.decode(hello), hello, serverOut);
        List<byte[]> flight = serverOut.sent();
        serverHello = (ServerHello) HandshakeHarness.decode(flight.get(0));
        CipherSuiteParams params = CipherSuiteParams.of(serverHello.cipherSuite());
        Transcript transcript = Transcript.of(crypto, params.hash());
        transcript.add(hello);
        int first = 0;
        if (serverHello.isHelloRetryRequest()) {
            helloRetryRequest = true;
            byte[] retry = flight.get(0);
            transcript.addHelloRetryRequest(retry);
            NamedGroup requested = serverHello.extensions().find(Extension.KeyShareHelloRetryRequest.class)
                    .orElseThrow().selectedGroup();
            share.destroy();
            share = crypto.generateKeyExchange(algorithm(requested));
            byte[] second = clientHello(share, requested, random, hello, retry);
            transcript.add(second);
            first = serverOut.sent().size();
            server = server.on(HandshakeHarness.decode(second), second, serverOut);
            flight = serverOut.sent();
            serverHello = (ServerHello) HandshakeHarness.decode(flight.get(first));
        }
        transcript.add(flight.get(first));
        Optional<Extension.PreSharedKeyServerHello> psk = serverHello.extensions()
                .find(Extension.PreSharedKeyServerHello.class);
        EarlySecret early;
        if (psk.isPresent()) {
            pskAccepted = true;
            selectedIdentity = psk.get().selectedIdentity();
            early = EarlySecret.withPsk(crypto, params.hash(), offers.get(selectedIdentity).psk());
        } else {
            early = EarlySecret.withoutPsk(crypto, params.hash());
        }
        Optional<Extension.KeyShareServerHello> serverShare = serverHello.extensions()
                .find(Extension.KeyShareServerHello.class);
        HandshakeSecret handshake;
        try {
            handshake = serverShare.isPresent()
                    ? early.handshakeSecret(share.decapsulate(serverShare.get().entry().keyExchange()))
                    : early.handshakeSecretWithoutKeyExchange();
        } catch (dev.tls13.crypto.InvalidKeyShareException e) {
            throw new AssertionError(e);
        } finally {
            early.destroy();
            share.destroy();
        }
        byte[] helloHash = transcript.currentHash();
        TrafficSecret client = handshake.clientHandshakeTrafficSecret(helloHash);
        TrafficSecret serverSecret = handshake.serverHandshakeTrafficSecret(helloHash);
        MasterSecret master = handshake.masterSecret();
        handshake.destroy();
        int i = first + 1;
        boolean certificateRequested = false;
        for (; i < flight.size(); i++) {
            byte[] m = flight.get(i);
            transcript.add(m);
            certificateRequested |= (m[0] & 0xFF) == HandshakeType.CERTIFICATE_REQUEST.code();
            if ((m[0] & 0xFF) == HandshakeType.ENCRYPTED_EXTENSIONS.code()) {
                earlyDataAccepted = ((dev.tls13.wire.EncryptedExtensions) HandshakeHarness.decode(m)).extensions()
                        .find(Extension.EarlyData.class).isPresent();
            }
            if ((m[0] & 0xFF) == HandshakeType.FINISHED.code()) {
                break;
            }
        }
        assertTrue(i < flight.size(), "the server sent its Finished");
        if (certificateRequested) {
            byte[] certificate = HandshakeCodec.encode(Messages.certificate(new byte[0], credentials.chain()));
            transcript.add(certificate);
            server = server.on(HandshakeHarness.decode(certificate), certificate, serverOut);
            byte[] verify = HandshakeCodec.encode(Proofs.sign(crypto, SignatureScheme.ECDSA_SECP256R1_SHA256,
                    credentials.key(), false, transcript.currentHash()));
            transcript.add(verify);
            server = server.on(HandshakeHarness.decode(verify), verify, serverOut);
        }
        if (earlyDataAccepted && sendEndOfEarlyData || forceEndOfEarlyData) {
            // RFC 8446 §4.5: EndOfEarlyData ends the 0-RTT data and goes into the transcript before our Finished.
            byte[] end = HandshakeCodec.encode(new dev.tls13.wire.EndOfEarlyData());
            transcript.add(end);
            server = server.on(HandshakeHarness.decode(end), end, serverOut);
        }
        byte[] finished = HandshakeCodec.encode(new Finished(client.finishedVerifyData(transcript.currentHash())));
        transcript.add(finished);
        int before = serverOut.sent().size();
        server = server.on(HandshakeHarness.decode(finished), finished, serverOut);
        session = serverOut.session();
        ResumptionMasterSecret resumption = master.resumptionMasterSecret(transcript.currentHash());
        for (byte[] m : serverOut.sent().subList(before, serverOut.sent().size())) {
            HandshakeMessage message = HandshakeHarness.decode(m);
            NewSessionTicket nst = (NewSessionTicket) message;
            tickets.add(new Ticket(nst, resumption.ticketPsk(nst.ticketNonce()), params.hash(),
                    crypto.clock().millis()));
        }
        resumption.destroy();
        master.destroy();
        client.destroy();
        serverSecret.destroy();
        return this;
    }

    /** The types of the server's first flight. */
    List<HandshakeType> flightTypes() {
        List<HandshakeType> types = new ArrayList<>();
        for (byte[] m : serverOut.sent()) {
            types.add(HandshakeType.of(m[0] & 0xFF));
        }
        return types;
    }

    private static KeyExchangeAlgorithm algorithm(NamedGroup group) {
        return Negotiation.keyExchange(group).orElseThrow();
    }
}
