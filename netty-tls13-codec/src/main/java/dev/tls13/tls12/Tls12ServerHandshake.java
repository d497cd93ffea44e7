package dev.tls13.tls12;

import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.InvalidKeyShareException;
import dev.tls13.crypto.KeyExchange;
import dev.tls13.crypto.KeyExchangeAlgorithm;
import dev.tls13.error.PeerIncompatible;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.handshake.CertificateChecks;
import dev.tls13.handshake.CertifiedKey;
import dev.tls13.handshake.ClientAuth;
import dev.tls13.handshake.HandshakeSummary;
import dev.tls13.handshake.Negotiation;
import dev.tls13.handshake.ServerConfig;
import dev.tls13.handshake.SignatureSchemes;
import dev.tls13.handshake.Tls12SessionTickets;
import dev.tls13.handshake.Tls12TicketState;
import dev.tls13.keys.Tls12KeyBlock;
import dev.tls13.keys.Tls12MasterSecret;
import dev.tls13.record.Tls12CipherSuiteParams;
import dev.tls13.tls12.Tls12Proofs.ChainVerified;
import dev.tls13.tls12.Tls12Proofs.ClientSignatureVerified;
import dev.tls13.tls12.Tls12Proofs.FinishedVerified;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.CertificateVerify;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.ClientHello;
import dev.tls13.wire.ClientKeyExchange;
import dev.tls13.wire.Extension;
import dev.tls13.wire.ExtensionType;
import dev.tls13.wire.Extensions;
import dev.tls13.wire.Finished;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.HandshakeMessage;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.ProtocolVersion;
import dev.tls13.wire.ServerHello;
import dev.tls13.wire.ServerHelloDone;
import dev.tls13.wire.ServerKeyExchange;
import dev.tls13.wire.SignatureScheme;
import dev.tls13.wire.Tls12Certificate;
import dev.tls13.wire.Tls12CertificateRequest;
import dev.tls13.wire.Tls12Extensions;
import dev.tls13.wire.Tls12HandshakeCodec;
import dev.tls13.wire.Tls12NewSessionTicket;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The TLS 1.2 server state machine (RFC 5246 §7.3), after a ClientHello that negotiated TLS 1.2
 * (docs/architecture.md §16). States are records in protocol order, each named for what it expects next:
 * <pre>
 * afterClientHello ─ sends ServerHello Certificate ServerKeyExchange [CertificateRequest] ServerHelloDone ─►
 *   [ExpectClientCertificate ─►] ExpectClientKeyExchange [─► ExpectClientCertificateVerify] ─►
 *   ExpectChangeCipherSpec ─(client CCS: read keys)─► ExpectFinished
 *   ─ sends [NewSessionTicket] CCS (write keys) Finished ─► Connected
 *
 * afterClientHello with a usable session ticket (RFC 5077 §3.1, the abbreviated handshake of RFC 5246 §7.3)
 *   ─ sends ServerHello NewSessionTicket CCS (write keys) Finished ─►
 *   ExpectResumedChangeCipherSpec ─(client CCS: read keys)─► ExpectResumedFinished ─► Connected
 * </pre>
 * A ChangeCipherSpec is a real state change ({@link Tls12ServerState#onChangeCipherSpec}): only
 * ExpectChangeCipherSpec accepts one, so read keys never switch before the ClientKeyExchange (and the client's
 * CertificateVerify) were processed, and a Finished without a CCS before it is unexpected_message.
 */
public final class Tls12ServerHandshake {

    /** RFC 8446 §4.1.3: the last 8 bytes of ServerHello.random of a TLS 1.3 server negotiating TLS 1.2. */
    private static final byte[] DOWNGRADE_TLS12 = {0x44, 0x4F, 0x57, 0x4E, 0x47, 0x52, 0x44, 0x01};
    /** How many renegotiation ClientHellos get a warning no_renegotiation before the next one is fatal. */
    static final int MAX_REFUSED_RENEGOTIATIONS = 3;
    private static final List<SignatureScheme> PKCS1 = List.of(SignatureScheme.RSA_PKCS1_SHA256,
            SignatureScheme.RSA_PKCS1_SHA384, SignatureScheme.RSA_PKCS1_SHA512);

    private Tls12ServerHandshake() {
    }

    /** One state of the TLS 1.2 server. */
    public sealed interface Tls12ServerState permits ExpectClientCertificate, ExpectClientKeyExchange,
            ExpectClientCertificateVerify, ExpectChangeCipherSpec, ExpectFinished, ExpectResumedChangeCipherSpec,
            ExpectResumedFinished, Connected {

        /**
         * Handles one handshake message decoded by {@link Tls12HandshakeCodec}.
         *
         * @param message the message
         * @param encoded the array holding its exact bytes, header included; borrowed
         * @param offset where it starts
         * @param length its length
         * @param out where effects go
         * @return the next state
         * @throws TlsException on any protocol failure
         */
        Tls12ServerState on(HandshakeMessage message, byte[] encoded, int offset, int length, Tls12Output out)
                throws TlsException;

        /**
         * Handles a ChangeCipherSpec record.
         *
         * @param out where effects go
         * @return the next state
         * @throws TlsException unexpected_message everywhere but in ExpectChangeCipherSpec
         */
        default Tls12ServerState onChangeCipherSpec(Tls12Output out) throws TlsException {
            // RFC 5246 §7.1: the CCS comes only right before the peer's Finished; before the ClientKeyExchange it
            // would switch to keys that do not exist yet (the early-CCS attack class).
            throw TlsException.misbehaved(PeerMisbehaved.UNEXPECTED_CHANGE_CIPHER_SPEC,
                    "TLS 1.2 in " + getClass().getSimpleName());
        }

        /** @return whether the handshake is complete */
        default boolean isConnected() {
            return false;
        }

        /** Destroys the secrets this state holds. */
        default void destroy() {
        }
    }

    /**
     * What the ClientHello and our choices fixed.
     *
     * @param config the server configuration
     * @param suite the suite
     * @param group the ECDHE curve
     * @param certificate our credential
     * @param scheme the scheme our ServerKeyExchange is signed with
     * @param clientRandom ClientHello.random
     * @param serverRandom ServerHello.random
     * @param alpn the ALPN protocol, or {@code null}
     * @param serverName the SNI host name received, or {@code null}
     * @param issueTicket whether we promised a NewSessionTicket in ServerHello (RFC 5077 §3.2)
     * @param extendedMasterSecret whether the session uses the extended master secret (RFC 7627)
     */
    record Negotiated(ServerConfig config, Tls12CipherSuiteParams suite, NamedGroup group, CertifiedKey certificate,
                      SignatureScheme scheme, byte[] clientRandom, byte[] serverRandom, String alpn,
                      String serverName, boolean issueTicket, boolean extendedMasterSecret) {
        CryptoProvider crypto() {
            return config.crypto();
        }
    }

    /** Our credential and ServerKeyExchange scheme for a suite. */
    private record Credential(Tls12CipherSuiteParams suite, CertifiedKey key, SignatureScheme scheme) {
    }

    /**
     * Checks a ClientHello that negotiated TLS 1.2, sends the server's first flight (ServerHello, Certificate,
     * ServerKeyExchange, [CertificateRequest], ServerHelloDone) and returns the first TLS 1.2 state. The caller has
     * checked the version negotiation ({@code Negotiation.negotiatesTls12}) and added nothing to a transcript.
     *
     * @param config the server configuration
     * @param hello the ClientHello
     * @param encoded the array holding its exact bytes, header included; borrowed
     * @param offset where it starts
     * @param length its length
     * @param out where effects go
     * @return the next state
     * @throws TlsException inappropriate_fallback for TLS_FALLBACK_SCSV while we speak TLS 1.3, handshake_failure
     *         without extended_master_secret, with a non-empty renegotiation_info, or with nothing in common
     *         (suite, curve, signature scheme), illegal_parameter for ec_point_formats without uncompressed,
     *         no_application_protocol as for TLS 1.3
     */
    public static Tls12ServerState afterClientHello(ServerConfig config, ClientHello hello, byte[] encoded, int offset,
                                                    int length, Tls12Output out) throws TlsException {
        if (config.tls13() && hello.cipherSuites().contains(CipherSuite.TLS_FALLBACK_SCSV)) {
            // RFC 7507 §3: TLS_FALLBACK_SCSV and a highest version of ours above the client's: "the server MUST
            // respond with a fatal inappropriate_fallback alert".
            throw TlsException.misbehaved(PeerMisbehaved.INAPPROPRIATE_FALLBACK);
        }
        Extensions extensions = hello.extensions();
        Optional<Extension> ems = extensions.get(ExtensionType.EXTENDED_MASTER_SECRET);
        if (ems.isEmpty() && config.extendedMasterSecretRequired()) {
            // RFC 7627 §5.2: a server that does not interoperate with legacy clients aborts with handshake_failure
            // (the default; docs/architecture.md §16).
            throw TlsException.misbehaved(PeerMisbehaved.MISSING_EXTENDED_MASTER_SECRET, "ClientHello");
        }
        if (ems.isPresent()) {
            Tls12Extensions.checkExtendedMasterSecret(ems.get());
        }
        Optional<Extension> renegotiationInfo = extensions.get(ExtensionType.RENEGOTIATION_INFO);
        if (renegotiationInfo.isPresent() && Tls12Extensions.renegotiatedConnection(renegotiationInfo.get()).length
                != 0) {
            // RFC 5746 §3.6: on an initial handshake renegotiated_connection must be empty, else the server "MUST
            // abort the handshake" (handshake_failure).
            throw TlsException.misbehaved(PeerMisbehaved.BAD_RENEGOTIATION_INFO, "ClientHello");
        }
        // RFC 5746 §3.6: the SCSV counts as an empty renegotiation_info; with either, ours is echoed.
        boolean secureRenegotiation = renegotiationInfo.isPresent()
                || hello.cipherSuites().contains(CipherSuite.TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
        Optional<Extension> pointFormats = extensions.get(ExtensionType.EC_POINT_FORMATS);
        if (pointFormats.isPresent()
                && !Tls12Extensions.ecPointFormats(pointFormats.get()).contains(Tls12Extensions.UNCOMPRESSED)) {
            // RFC 8422 §5.1.2: a list without uncompressed makes the server "abort the handshake and return an
            // illegal_parameter alert".
            throw TlsException.misbehaved(PeerMisbehaved.ILLEGAL_PARAMETER, "ec_point_formats without uncompressed");
        }
        NamedGroup group = selectGroup(config, extensions);
        Optional<String> serverName = extensions.find(Extension.ServerName.class)
                .flatMap(Extension.ServerName::hostName);
        Credential credential = selectCredential(config, hello, serverName.orElse(null));
        Optional<String> alpn = Negotiation.selectApplicationProtocol(config.applicationProtocols(), extensions,
                config.failOnAlpnMismatch());
        // RFC 5077 §3.2: a client that supports tickets sends SessionTicket, empty or with a ticket; we answer
        // with tickets when they are enabled, as for TLS 1.3. Only with the extended master secret: a session
        // without it is never resumed (RFC 7627 §5.3), so neither issued nor redeemed, and a ClientHello without
        // it "MUST" not resume an EMS session either (§5.3) — a full handshake, when extendedMasterSecretRequired
        // is off and the client lacks the extension.
        Optional<Extension> sessionTicket = Tls12SessionTickets.enabled(config) && ems.isPresent()
                ? extensions.get(ExtensionType.SESSION_TICKET) : Optional.empty();
        Tls12TicketState session = sessionTicket.isEmpty() ? null
                : resumable(config, hello, Tls12Extensions.sessionTicket(sessionTicket.get()), serverName.orElse(null));

        CryptoProvider crypto = config.crypto();
        byte[] serverRandom = new byte[32];
        crypto.nextBytes(serverRandom);
        if (config.tls13()) {
            // RFC 8446 §4.1.3: a TLS 1.3 server negotiating TLS 1.2 "MUST set the last 8 bytes of their Random
            // value to the bytes: 44 4F 57 4E 47 52 44 01"; a TLS 1.2-only server must not.
            System.arraycopy(DOWNGRADE_TLS12, 0, serverRandom, 24, DOWNGRADE_TLS12.length);
        }
        List<Extension> reply = new ArrayList<>();
        if (secureRenegotiation) {
            reply.add(Tls12Extensions.emptyRenegotiationInfo());
        }
        if (ems.isPresent()) {
            // RFC 7627 §5.2: a server that received extended_master_secret "MUST include the extension"; without
            // it (allowed by the configuration) the RFC 5246 §8.1 master secret follows.
            reply.add(Tls12Extensions.extendedMasterSecret());
        }
        if (pointFormats.isPresent()) {
            // RFC 8422 §5.2: the server's ec_point_formats answers the client's.
            reply.add(Tls12Extensions.ecPointFormatsUncompressed());
        }
        if (session == null && serverName.isPresent() && config.certificates().acknowledges(serverName.get())) {
            // RFC 6066 §3: a server that used the name acknowledges with an empty server_name; "when resuming a
            // session, the server MUST NOT include a server_name extension in the server hello".
            reply.add(Extension.ServerName.acknowledgement());
        }
        if (sessionTicket.isPresent()) {
            // RFC 5077 §3.2: the empty SessionTicket promises a NewSessionTicket, also on a resumption (a ticket
            // is used once: the client gets a fresh one).
            reply.add(Tls12Extensions.emptySessionTicket());
        }
        // RFC 7301 §3.1: ALPN is negotiated anew on a resumption; "the previous contents of this extension are
        // irrelevant".
        alpn.ifPresent(p -> reply.add(Extension.Alpn.of(p)));
        if (session != null) {
            return resume(config, hello, session, credential, serverRandom, reply, alpn.orElse(null),
                    serverName.orElse(null), encoded, offset, length, out);
        }
        Tls12CipherSuiteParams suite = credential.suite();
        // RFC 5246 §7.4.1.3: an empty session_id, we keep no session cache; a session resumes only with the ticket
        // sent below when the client asked for one (RFC 5077 §3.4, docs/architecture.md §16).
        ServerHello serverHello = new ServerHello(ProtocolVersion.TLS_1_2, serverRandom, new byte[0], suite.suite(),
                new Extensions(reply));
        Tls12Transcript transcript = new Tls12Transcript(crypto, suite.prfHash());
        transcript.add(encoded, offset, length);
        byte[] serverHelloBytes = HandshakeCodec.encode(serverHello);
        transcript.add(serverHelloBytes);
        out.sendHandshake(serverHelloBytes);

        List<byte[]> chain = new ArrayList<>();
        for (X509Certificate c : credential.key().chain()) {
            chain.add(encoded(c));
        }
        send(new Tls12Certificate(chain), transcript, out);

        Negotiated n = new Negotiated(config, suite, group, credential.key(), credential.scheme(),
                hello.random().clone(), serverRandom, alpn.orElse(null), serverName.orElse(null),
                sessionTicket.isPresent(), ems.isPresent());
        KeyExchange ours = crypto.generateKeyExchange(Tls12ClientHandshake.keyExchange(group));
        try {
            // RFC 8422 §5.4: the signature covers client_random ‖ server_random ‖ ServerECDHParams.
            ServerKeyExchange unsigned = new ServerKeyExchange(group, ours.publicKey(), credential.scheme(),
                    new byte[0]);
            byte[] params = unsigned.encodedParams();
            byte[] signed = new byte[64 + params.length];
            System.arraycopy(n.clientRandom(), 0, signed, 0, 32);
            System.arraycopy(serverRandom, 0, signed, 32, 32);
            System.arraycopy(params, 0, signed, 64, params.length);
            byte[] signature = sign(crypto, credential.scheme(), credential.key().key(), signed);
            send(new ServerKeyExchange(group, ours.publicKey(), credential.scheme(), signature), transcript, out);
            Tls12CertificateRequest request = null;
            if (config.clientAuth() != ClientAuth.NONE) {
                request = certificateRequest(config);
                send(request, transcript, out);
            } else {
                // Only a client CertificateVerify signs the messages themselves (RFC 5246 §7.4.8).
                transcript.dropMessages();
            }
            send(new ServerHelloDone(), transcript, out);
            Tls12ServerState next = request != null ? new ExpectClientCertificate(n, transcript, ours, request)
                    : new ExpectClientKeyExchange(n, transcript, ours, null);
            ours = null;
            return next;
        } finally {
            if (ours != null) {
                ours.destroy();
            }
        }
    }

    /**
     * The session of a ClientHello's ticket when it can be resumed, else {@code null} and a full handshake: RFC
     * 5077 §3.1 falls back to a full handshake for a ticket the server cannot or will not use, never an alert.
     * Usable: it opens (our key, not tampered, a TLS 1.2 ticket, not expired), the client offers its suite again
     * and we still enable it (RFC 5246 §7.4.1.2: the resumed session keeps its suite), it was made with the
     * extended master secret (RFC 7627 §5.3: "If the original session did not use the extended_master_secret
     * extension but the new ClientHello contains the extension, then the server MUST NOT perform the abbreviated
     * handshake"; a ClientHello without the extension never gets here, which covers the case where §5.3 requires
     * aborting the abbreviated handshake), the SNI is the same (RFC 6066 §3), and when client authentication is
     * required, the original client authenticated.
     */
    private static Tls12TicketState resumable(ServerConfig config, ClientHello hello, byte[] ticket,
                                              String serverName) {
        if (ticket.length == 0) {
            return null;
        }
        Tls12TicketState session = Tls12SessionTickets.open(config, ticket);
        if (session == null) {
            return null;
        }
        boolean usable = hello.cipherSuites().contains(session.suite())
                && config.tls12CipherSuites().contains(session.suite())
                && Tls12CipherSuiteParams.find(session.suite()).isPresent()
                && session.extendedMasterSecret()
                && Objects.equals(serverName, session.serverName())
                && (config.clientAuth() != ClientAuth.REQUIRE || !session.peerCertificates().isEmpty());
        if (!usable) {
            session.destroy();
            return null;
        }
        return session;
    }

    /**
     * The abbreviated handshake (RFC 5246 §7.3, RFC 5077 §3.1 figure 2): ServerHello echoing the client's
     * session_id (RFC 5077 §3.4), a new NewSessionTicket, ChangeCipherSpec and Finished under the ticket's master
     * secret and keys from the new randoms.
     */
    private static Tls12ServerState resume(ServerConfig config, ClientHello hello, Tls12TicketState session,
                                           Credential credential, byte[] serverRandom, List<Extension> reply,
                                           String alpn, String serverName, byte[] encoded, int offset, int length,
                                           Tls12Output out) {
        CryptoProvider crypto = config.crypto();
        Tls12MasterSecret master = null;
        Tls12KeyBlock keys = null;
        try {
            Tls12CipherSuiteParams suite = Tls12CipherSuiteParams.find(session.suite()).orElseThrow();
            master = Tls12MasterSecret.resumed(crypto, suite.prfHash(), session.masterSecret());
            ServerHello serverHello = new ServerHello(ProtocolVersion.TLS_1_2, serverRandom,
                    hello.legacySessionId().clone(), suite.suite(), new Extensions(reply));
            Tls12Transcript transcript = new Tls12Transcript(crypto, suite.prfHash());
            transcript.add(encoded, offset, length);
            transcript.dropMessages();
            byte[] serverHelloBytes = HandshakeCodec.encode(serverHello);
            transcript.add(serverHelloBytes);
            out.sendHandshake(serverHelloBytes);
            Negotiated n = new Negotiated(config, suite, null, credential.key(), null, hello.random().clone(),
                    serverRandom, alpn, serverName, true, true);
            if (out.keyLogEnabled()) {
                out.keyLog(master.keyLogLine(n.clientRandom()));
            }
            keys = master.keyBlock(n.clientRandom(), serverRandom, suite.aead().keyLength(), suite.fixedIvLength());
            sendTicket(n, master, session.peerCertificates(), transcript, out);
            out.sendChangeCipherSpec();
            out.installWriteKeys(suite.aead(), keys.serverWriteKey(), keys.serverWriteIv());
            send(new Finished(master.verifyData(false, transcript.currentHash())), transcript, out);
            ClientVerified client = session.peerCertificates().isEmpty() ? null
                    : new ClientVerified(Tls12Proofs.chainFromTicket(session.peerCertificates()),
                    Tls12Proofs.signatureFromTicket());
            Tls12ServerState next = new ExpectResumedChangeCipherSpec(n, transcript, master, keys.clientWriteKey(),
                    keys.clientWriteIv(), client);
            master = null;
            keys = null;
            return next;
        } finally {
            session.destroy();
            if (master != null) {
                master.destroy();
            }
            if (keys != null) {
                keys.destroy();
            }
        }
    }

    /**
     * Sends a NewSessionTicket sealing this session (RFC 5077 §3.3), just before our ChangeCipherSpec; it is part
     * of the transcript of our Finished. A chain too large for a ticket gets the zero-length ticket RFC 5077 §3.3
     * prescribes after a SessionTicket in ServerHello.
     */
    private static void sendTicket(Negotiated n, Tls12MasterSecret master, List<X509Certificate> peerCertificates,
                                   Tls12Transcript transcript, Tls12Output out) {
        ServerConfig config = n.config();
        long lifetime = Tls12SessionTickets.lifetimeSeconds(config);
        byte[] secret = master.secretForTicket();
        byte[] ticket;
        try {
            Tls12TicketState state = new Tls12TicketState(n.suite().suite(), config.crypto().clock().millis(),
                    lifetime, n.extendedMasterSecret(), secret, n.alpn(), n.serverName(), peerCertificates);
            ticket = Tls12SessionTickets.seal(config, state);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
        send(new Tls12NewSessionTicket(ticket == null ? 0 : lifetime, ticket == null ? new byte[0] : ticket),
                transcript, out);
    }

    /**
     * Our most preferred classical curve that the client lists (RFC 8422 §5.1.1); hybrid groups are TLS 1.3 only.
     * RFC 8422 §5.1: a client proposing ECC suites SHOULD send supported_groups; without it we cannot know a curve
     * it runs.
     */
    private static NamedGroup selectGroup(ServerConfig config, Extensions extensions) throws TlsException {
        List<NamedGroup> offered = extensions.find(Extension.SupportedGroups.class)
                .map(Extension.SupportedGroups::groups).orElse(List.of());
        for (NamedGroup group : config.namedGroups()) {
            KeyExchangeAlgorithm algorithm = Tls12ClientHandshake.keyExchange(group);
            if (algorithm != null && offered.contains(group) && config.crypto().supports(algorithm)) {
                return group;
            }
        }
        throw TlsException.incompatible(PeerIncompatible.NO_COMMON_GROUP, "TLS 1.2 client offers " + offered);
    }

    /**
     * The suite, credential and ServerKeyExchange scheme: our suite preference ({@link
     * ServerConfig#tls12CipherSuites()}) among the client's, then the first of our certificates (those keyed for
     * the server name first, RFC 6066 §3) whose key fits the suite's authentication and signs with a scheme the
     * client offered (RFC 5246 §7.4.1.4.1, §7.4.2; RFC 8422 §5.3: ECDSA suites need an ECDSA or EdDSA key).
     */
    private static Credential selectCredential(ServerConfig config, ClientHello hello, String serverName)
            throws TlsException {
        // RFC 5246 §7.4.1.4.1: without signature_algorithms the client accepts SHA-1 only, which we never sign.
        List<SignatureScheme> offered = hello.extensions().find(Extension.SignatureAlgorithms.class)
                .map(Extension.SignatureAlgorithms::schemes).orElse(List.of());
        List<NamedGroup> curves = hello.extensions().find(Extension.SupportedGroups.class)
                .map(Extension.SupportedGroups::groups).orElse(List.of());
        List<CertifiedKey> keyed = config.certificates().keyedFor(serverName);
        List<CertifiedKey> defaults = config.certificates().certifiedKeys();
        boolean suiteShared = false;
        for (CipherSuite ours : config.tls12CipherSuites()) {
            Optional<Tls12CipherSuiteParams> params = Tls12CipherSuiteParams.find(ours);
            if (params.isEmpty() || !hello.cipherSuites().contains(ours)) {
                continue;
            }
            Tls12CipherSuiteParams suite = params.get();
            suiteShared = true;
            for (List<CertifiedKey> candidates : keyed == null ? List.of(defaults) : List.of(keyed, defaults)) {
                for (CertifiedKey key : candidates) {
                    SignatureScheme scheme = scheme(config, key, suite, offered, curves);
                    if (scheme != null) {
                        return new Credential(suite, key, scheme);
                    }
                }
            }
        }
        if (!suiteShared) {
            // RFC 5246 §7.4.1.3: no acceptable suite, handshake_failure.
            throw TlsException.incompatible(PeerIncompatible.NO_COMMON_CIPHER_SUITE,
                    "TLS 1.2 client offers " + hello.cipherSuites());
        }
        throw TlsException.incompatible(PeerIncompatible.NO_COMMON_SIGNATURE_SCHEME,
                "TLS 1.2 client offers " + offered + " for suites " + hello.cipherSuites());
    }

    /**
     * The scheme our key signs a ServerKeyExchange with for the suite, in the client's order: first one that TLS
     * 1.3 allows too (ECDSA, EdDSA, RSA-PSS), else RSASSA-PKCS1-v1_5, which TLS 1.2 still allows (RFC 8446
     * §4.2.3), for an RSA key; {@code null} when none fits. An ECDSA key qualifies only when the client lists its
     * curve in supported_groups ({@code curves}): RFC 8422 §5.1 forbids negotiating an ECC suite the server cannot
     * complete within the client's curves, and the certificate's key must be on one of them (§5.3); OpenSSL aborts
     * with illegal_parameter otherwise. Our ECDSA schemes are bound to the key's curve
     * ({@link CertifiedKey#schemes()}), so the scheme names the curve.
     */
    private static SignatureScheme scheme(ServerConfig config, CertifiedKey key, Tls12CipherSuiteParams suite,
                                          List<SignatureScheme> offered, List<NamedGroup> curves) {
        for (SignatureScheme s : offered) {
            NamedGroup curve = ecdsaCurve(s);
            if (curve != null && !curves.contains(curve)) {
                continue;
            }
            if (Tls12Proofs.isEcdsaOrEddsa(s) == suite.ecdsa() && SignatureSchemes.allowedInCertificateVerify(s)
                    && config.signatureSchemes().contains(s) && key.schemes().contains(s)) {
                return s;
            }
        }
        if (!suite.ecdsa() && "RSA".equals(key.key().getAlgorithm())) {
            for (SignatureScheme s : offered) {
                if (PKCS1.contains(s)) {
                    return s;
                }
            }
        }
        return null;
    }

    /** The curve of an ECDSA scheme of TLS 1.3's curve-bound kind, or {@code null} for any other scheme. */
    private static NamedGroup ecdsaCurve(SignatureScheme scheme) {
        if (scheme.equals(SignatureScheme.ECDSA_SECP256R1_SHA256)) {
            return NamedGroup.SECP256R1;
        }
        if (scheme.equals(SignatureScheme.ECDSA_SECP384R1_SHA384)) {
            return NamedGroup.SECP384R1;
        }
        if (scheme.equals(SignatureScheme.ECDSA_SECP521R1_SHA512)) {
            return NamedGroup.SECP521R1;
        }
        return null;
    }

    /** Signs with our provider, or with the JCA for RSASSA-PKCS1-v1_5, which our provider never signs. */
    private static byte[] sign(CryptoProvider crypto, SignatureScheme scheme, PrivateKey key, byte[] message)
            throws TlsException {
        try {
            if (PKCS1.contains(scheme)) {
                String hash = scheme.equals(SignatureScheme.RSA_PKCS1_SHA256) ? "SHA256"
                        : scheme.equals(SignatureScheme.RSA_PKCS1_SHA384) ? "SHA384" : "SHA512";
                Signature rsa = Signature.getInstance(hash + "withRSA");
                rsa.initSign(key);
                rsa.update(message);
                return rsa.sign();
            }
            return crypto.sign(SignatureSchemes.algorithm(scheme), key, message);
        } catch (GeneralSecurityException e) {
            throw TlsException.internal("cannot sign the ServerKeyExchange with " + scheme, e);
        }
    }

    /**
     * Our CertificateRequest (RFC 5246 §7.4.4, RFC 8422 §5.5): RSA and ECDSA certificates, the schemes we accept
     * (RSASSA-PKCS1-v1_5 too: TLS 1.2 clients may sign with it), and the names of our client trust anchors when
     * configured, as for TLS 1.3.
     */
    private static Tls12CertificateRequest certificateRequest(ServerConfig config) {
        List<SignatureScheme> schemes = new ArrayList<>();
        for (SignatureScheme s : config.signatureSchemes()) {
            if (SignatureSchemes.algorithm(s) != null) {
                schemes.add(s);
            }
        }
        for (SignatureScheme s : PKCS1) {
            if (!schemes.contains(s)) {
                schemes.add(s);
            }
        }
        List<byte[]> names = new ArrayList<>();
        if (config.certificateAuthorities()) {
            for (X509Certificate anchor : config.clientTrustManager().getAcceptedIssuers()) {
                names.add(anchor.getSubjectX500Principal().getEncoded());
            }
        }
        return new Tls12CertificateRequest(List.of(Tls12CertificateRequest.RSA_SIGN,
                Tls12CertificateRequest.ECDSA_SIGN), schemes, names);
    }

    /**
     * Expects the client's Certificate (RFC 5246 §7.4.6), which must answer our CertificateRequest.
     *
     * @param negotiated what the hellos fixed
     * @param transcript the running transcript
     * @param ours our ephemeral key pair
     * @param request our CertificateRequest
     */
    public record ExpectClientCertificate(Negotiated negotiated, Tls12Transcript transcript, KeyExchange ours,
                                          Tls12CertificateRequest request) implements Tls12ServerState {
        @Override
        public Tls12ServerState on(HandshakeMessage message, byte[] encoded, int offset, int length, Tls12Output out)
                throws TlsException {
            Tls12Certificate certificate = expect(message, Tls12Certificate.class, "Certificate");
            List<X509Certificate> chain = CertificateChecks.parse(certificate.certificates());
            ChainVerified verified = null;
            if (chain.isEmpty()) {
                if (negotiated.config().clientAuth() == ClientAuth.REQUIRE) {
                    // RFC 5246 §7.4.6: without a client certificate the server "MAY ... respond with a fatal
                    // handshake_failure alert".
                    throw TlsException.incompatible(PeerIncompatible.TLS12_CERTIFICATE_REQUIRED);
                }
            } else {
                verified = Tls12Proofs.verifyClientChain(chain, negotiated.config());
            }
            transcript.add(encoded, offset, length);
            return new ExpectClientKeyExchange(negotiated, transcript, ours, verified == null ? null
                    : new ClientCertificate(verified, request));
        }

        @Override
        public void destroy() {
            ours.destroy();
        }
    }

    /**
     * A client chain we validated, and the request its CertificateVerify must follow.
     *
     * @param chain the proof of the validated chain
     * @param request our CertificateRequest
     */
    record ClientCertificate(ChainVerified chain, Tls12CertificateRequest request) {
    }

    /**
     * Expects the ClientKeyExchange (RFC 8422 §5.7).
     *
     * @param negotiated what the hellos fixed
     * @param transcript the running transcript
     * @param ours our ephemeral key pair
     * @param client the client's validated chain, or {@code null} when it sent none
     */
    public record ExpectClientKeyExchange(Negotiated negotiated, Tls12Transcript transcript, KeyExchange ours,
                                          ClientCertificate client) implements Tls12ServerState {
        @Override
        public Tls12ServerState on(HandshakeMessage message, byte[] encoded, int offset, int length, Tls12Output out)
                throws TlsException {
            ClientKeyExchange cke = expect(message, ClientKeyExchange.class, "ClientKeyExchange");
            byte[] preMasterSecret;
            try {
                // RFC 8422 §5.10: the premaster secret is the x-coordinate (or the X25519/X448 output); the point
                // is validated (on the curve, right length, not the identity) or refused with illegal_parameter.
                preMasterSecret = ours.decapsulate(cke.publicKey());
            } catch (InvalidKeyShareException e) {
                throw TlsException.misbehaved(e.kind() == InvalidKeyShareException.Kind.ZERO_SHARED_SECRET
                        ? PeerMisbehaved.ZERO_SHARED_SECRET : PeerMisbehaved.INVALID_KEY_SHARE,
                        negotiated.group() + ": " + e.getMessage());
            } finally {
                ours.destroy();
            }
            Tls12MasterSecret master = null;
            try {
                transcript.add(encoded, offset, length);
                // RFC 7627 §4: session_hash is the hash of the handshake through ClientKeyExchange; RFC 5246 §8.1
                // for a client without the extension, which the configuration let through.
                master = negotiated.extendedMasterSecret()
                        ? Tls12MasterSecret.extended(negotiated.crypto(), negotiated.suite().prfHash(),
                                preMasterSecret, transcript.currentHash())
                        : Tls12MasterSecret.legacy(negotiated.crypto(), negotiated.suite().prfHash(),
                                preMasterSecret, negotiated.clientRandom(), negotiated.serverRandom());
                Arrays.fill(preMasterSecret, (byte) 0);
                if (out.keyLogEnabled()) {
                    out.keyLog(master.keyLogLine(negotiated.clientRandom()));
                }
                Tls12CipherSuiteParams suite = negotiated.suite();
                Tls12KeyBlock keys = master.keyBlock(negotiated.clientRandom(), negotiated.serverRandom(),
                        suite.aead().keyLength(), suite.fixedIvLength());
                Tls12ServerState next;
                if (client != null) {
                    next = new ExpectClientCertificateVerify(negotiated, transcript, master, keys, client);
                } else {
                    transcript.dropMessages();
                    next = new ExpectChangeCipherSpec(negotiated, transcript, master, keys, null);
                }
                master = null;
                return next;
            } finally {
                Arrays.fill(preMasterSecret, (byte) 0);
                if (master != null) {
                    master.destroy();
                }
            }
        }

        @Override
        public void destroy() {
            ours.destroy();
        }
    }

    /**
     * Expects the client's CertificateVerify (RFC 5246 §7.4.8) after a non-empty client Certificate.
     *
     * @param negotiated what the hellos fixed
     * @param transcript the running transcript, still keeping the messages
     * @param master the master secret
     * @param keys the key block
     * @param client the client's validated chain
     */
    public record ExpectClientCertificateVerify(Negotiated negotiated, Tls12Transcript transcript,
                                                Tls12MasterSecret master, Tls12KeyBlock keys,
                                                ClientCertificate client) implements Tls12ServerState {
        @Override
        public Tls12ServerState on(HandshakeMessage message, byte[] encoded, int offset, int length, Tls12Output out)
                throws TlsException {
            CertificateVerify verify = expect(message, CertificateVerify.class, "CertificateVerify");
            // RFC 5246 §7.4.8: the signature covers handshake_messages up to here.
            ClientSignatureVerified signature = Tls12Proofs.verifyClientSignature(negotiated.crypto(), verify,
                    client.chain(), client.request().signatureSchemes(), transcript.messages());
            transcript.add(encoded, offset, length);
            transcript.dropMessages();
            return new ExpectChangeCipherSpec(negotiated, transcript, master, keys,
                    new ClientVerified(client.chain(), signature));
        }

        @Override
        public void destroy() {
            master.destroy();
            keys.destroy();
        }
    }

    /**
     * Proof that the client authenticated: its chain validated and its CertificateVerify verified.
     *
     * @param chain the validated chain
     * @param signature the verified CertificateVerify
     */
    public record ClientVerified(ChainVerified chain, ClientSignatureVerified signature) {
        /** Requires both proofs. */
        public ClientVerified {
            Objects.requireNonNull(chain, "chain");
            Objects.requireNonNull(signature, "signature");
        }
    }

    /**
     * Expects the client's ChangeCipherSpec; any handshake message now is a Finished without CCS or worse.
     *
     * @param negotiated what the hellos fixed
     * @param transcript the running transcript
     * @param master the master secret
     * @param keys the key block
     * @param client the client's authentication, or {@code null} when it sent no certificate
     */
    public record ExpectChangeCipherSpec(Negotiated negotiated, Tls12Transcript transcript, Tls12MasterSecret master,
                                         Tls12KeyBlock keys, ClientVerified client) implements Tls12ServerState {
        @Override
        public Tls12ServerState on(HandshakeMessage message, byte[] encoded, int offset, int length, Tls12Output out)
                throws TlsException {
            // RFC 5246 §7.4.9: the client's Finished comes after its ChangeCipherSpec.
            throw TlsException.unexpected("ChangeCipherSpec", message.type().toString());
        }

        @Override
        public Tls12ServerState onChangeCipherSpec(Tls12Output out) throws TlsException {
            // RFC 5246 §7.1: the client's CCS switches its records to the new keys; installReadKeys takes the arrays.
            out.installReadKeys(negotiated.suite().aead(), keys.clientWriteKey(), keys.clientWriteIv());
            return new ExpectFinished(negotiated, transcript, master, keys.serverWriteKey(), keys.serverWriteIv(),
                    client);
        }

        @Override
        public void destroy() {
            master.destroy();
            keys.destroy();
        }
    }

    /**
     * Expects the client's Finished under the new read keys; answers with our ChangeCipherSpec and Finished.
     *
     * @param negotiated what the hellos fixed
     * @param transcript the running transcript
     * @param master the master secret
     * @param serverKey our write key
     * @param serverIv our write IV
     * @param client the client's authentication, or {@code null}
     */
    public record ExpectFinished(Negotiated negotiated, Tls12Transcript transcript, Tls12MasterSecret master,
                                 byte[] serverKey, byte[] serverIv, ClientVerified client) implements Tls12ServerState {
        @Override
        public Tls12ServerState on(HandshakeMessage message, byte[] encoded, int offset, int length, Tls12Output out)
                throws TlsException {
            Finished finished = expect(message, Finished.class, "Finished");
            FinishedVerified verified = Tls12Proofs.verifyClientFinished(master, transcript.currentHash(),
                    finished.verifyData());
            transcript.add(encoded, offset, length);
            Tls12CipherSuiteParams suite = negotiated.suite();
            if (negotiated.issueTicket()) {
                sendTicket(negotiated, master, client == null ? List.of() : client.chain().chain(), transcript, out);
            }
            out.sendChangeCipherSpec();
            out.installWriteKeys(suite.aead(), serverKey, serverIv);
            send(new Finished(master.verifyData(false, transcript.currentHash())), transcript, out);
            HandshakeSummary summary = new HandshakeSummary(suite.suite(), negotiated.group(),
                    client == null ? null : client.signature().scheme(), negotiated.scheme(), negotiated.alpn(),
                    negotiated.serverName(), client == null ? List.of() : client.chain().chain(),
                    negotiated.certificate().chain(), false, false, false);
            return complete(negotiated, verified, client, summary, master, out);
        }

        @Override
        public void destroy() {
            master.destroy();
            Arrays.fill(serverKey, (byte) 0);
            Arrays.fill(serverIv, (byte) 0);
        }
    }

    /**
     * Ends a full or an abbreviated handshake once the client's Finished verified: the state that proves it, then the
     * exporter (RFC 5705) and the completion with what was negotiated.
     */
    private static Connected complete(Negotiated negotiated, FinishedVerified verified, ClientVerified client,
                                      HandshakeSummary summary, Tls12MasterSecret master, Tls12Output out) {
        Connected connected = new Connected(verified, negotiated.config().clientAuth(), client, summary, 0);
        out.exporter(master, negotiated.clientRandom(), negotiated.serverRandom());
        out.handshakeComplete(summary);
        return connected;
    }

    /**
     * Expects the client's ChangeCipherSpec after our Finished of an abbreviated handshake (RFC 5246 §7.3).
     *
     * @param negotiated what the hellos fixed
     * @param transcript the running transcript, through our Finished
     * @param master the ticket's master secret
     * @param clientKey the client's write key
     * @param clientIv the client's write IV
     * @param client the original client's authentication, or {@code null}
     */
    public record ExpectResumedChangeCipherSpec(Negotiated negotiated, Tls12Transcript transcript,
                                                Tls12MasterSecret master, byte[] clientKey, byte[] clientIv,
                                                ClientVerified client) implements Tls12ServerState {
        @Override
        public Tls12ServerState on(HandshakeMessage message, byte[] encoded, int offset, int length, Tls12Output out)
                throws TlsException {
            // RFC 5246 §7.4.9: the client's Finished comes after its ChangeCipherSpec.
            throw TlsException.unexpected("ChangeCipherSpec", message.type().toString());
        }

        @Override
        public Tls12ServerState onChangeCipherSpec(Tls12Output out) throws TlsException {
            out.installReadKeys(negotiated.suite().aead(), clientKey, clientIv);
            return new ExpectResumedFinished(negotiated, transcript, master, client);
        }

        @Override
        public void destroy() {
            master.destroy();
            Arrays.fill(clientKey, (byte) 0);
            Arrays.fill(clientIv, (byte) 0);
        }
    }

    /**
     * Expects the client's Finished of an abbreviated handshake, over everything through our Finished.
     *
     * @param negotiated what the hellos fixed
     * @param transcript the running transcript
     * @param master the ticket's master secret
     * @param client the original client's authentication, or {@code null}
     */
    public record ExpectResumedFinished(Negotiated negotiated, Tls12Transcript transcript, Tls12MasterSecret master,
                                        ClientVerified client) implements Tls12ServerState {
        @Override
        public Tls12ServerState on(HandshakeMessage message, byte[] encoded, int offset, int length, Tls12Output out)
                throws TlsException {
            Finished finished = expect(message, Finished.class, "Finished");
            FinishedVerified verified = Tls12Proofs.verifyClientFinished(master, transcript.currentHash(),
                    finished.verifyData());
            transcript.add(encoded, offset, length);
            // As for TLS 1.3, a resumed session keeps the original client's chain.
            HandshakeSummary summary = new HandshakeSummary(negotiated.suite().suite(), null, null, null,
                    negotiated.alpn(), negotiated.serverName(), client == null ? List.of() : client.chain().chain(),
                    negotiated.certificate().chain(), false, true, false);
            return complete(negotiated, verified, client, summary, master, out);
        }

        @Override
        public void destroy() {
            master.destroy();
        }
    }

    /**
     * The handshake is complete. A ClientHello now asks for renegotiation, which we refuse: RFC 5246 §7.2.2 has the
     * server answer "a client hello after initial handshaking" with the warning no_renegotiation when renegotiation
     * "is not appropriate", and leaves the decision to go on to the client. The answer is bounded: after
     * {@link #MAX_REFUSED_RENEGOTIATIONS} the next ClientHello is unexpected_message. Anything else is
     * unexpected_message.
     *
     * @param finished proof that the client's Finished verified
     * @param clientAuth the configured client authentication
     * @param client proof that the client authenticated, or {@code null} when it sent no certificate
     * @param summary what was negotiated
     * @param refusedRenegotiations how many ClientHellos were answered with no_renegotiation
     */
    public record Connected(FinishedVerified finished, ClientAuth clientAuth, ClientVerified client,
                            HandshakeSummary summary, int refusedRenegotiations) implements Tls12ServerState {
        /** Requires the Finished proof, and the client's proofs when client authentication is required. */
        public Connected {
            Objects.requireNonNull(finished, "finished");
            Objects.requireNonNull(summary, "summary");
            if (clientAuth == ClientAuth.REQUIRE && client == null) {
                throw new IllegalArgumentException("client authentication REQUIRE without a verified client");
            }
        }

        @Override
        public Tls12ServerState on(HandshakeMessage message, byte[] encoded, int offset, int length, Tls12Output out)
                throws TlsException {
            expect(message, ClientHello.class, "no handshake message after a TLS 1.2 handshake");
            if (refusedRenegotiations >= MAX_REFUSED_RENEGOTIATIONS) {
                throw TlsException.misbehaved(PeerMisbehaved.TOO_MANY_RENEGOTIATION_ATTEMPTS,
                        refusedRenegotiations + " refused already");
            }
            out.sendWarningAlert(AlertDescription.NO_RENEGOTIATION_RESERVED);
            return new Connected(finished, clientAuth, client, summary, refusedRenegotiations + 1);
        }

        @Override
        public boolean isConnected() {
            return true;
        }
    }

    private static void send(HandshakeMessage message, Tls12Transcript transcript, Tls12Output out) {
        byte[] bytes = Tls12HandshakeCodec.encode(message);
        transcript.add(bytes);
        out.sendHandshake(bytes);
    }

    private static <T extends HandshakeMessage> T expect(HandshakeMessage message, Class<T> type, String expected)
            throws TlsException {
        if (!type.isInstance(message)) {
            throw TlsException.unexpected(expected, message.type().toString());
        }
        return type.cast(message);
    }

    private static byte[] encoded(X509Certificate certificate) throws TlsException {
        try {
            return certificate.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw TlsException.internal("cannot encode our certificate", e);
        }
    }
}
