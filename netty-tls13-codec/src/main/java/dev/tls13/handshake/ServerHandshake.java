package dev.tls13.handshake;

import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.Encapsulation;
import dev.tls13.error.PeerIncompatible;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.handshake.Proofs.CertificateVerified;
import dev.tls13.handshake.Proofs.FinishedVerified;
import dev.tls13.handshake.Proofs.SignatureVerified;
import dev.tls13.keys.ResumptionMasterSecret;
import dev.tls13.keys.TrafficSecret;
import dev.tls13.keys.Transcript;
import dev.tls13.record.CipherSuiteParams;
import dev.tls13.wire.Certificate;
import dev.tls13.wire.CertificateRequest;
import dev.tls13.wire.CertificateVerify;
import dev.tls13.wire.ClientHello;
import dev.tls13.wire.EncryptedExtensions;
import dev.tls13.wire.EndOfEarlyData;
import dev.tls13.wire.Extension;
import dev.tls13.wire.ExtensionType;
import dev.tls13.wire.Extensions;
import dev.tls13.wire.Finished;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.HandshakeMessage;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.ProtocolVersion;
import dev.tls13.wire.ServerHello;
import dev.tls13.wire.SignatureScheme;

import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The server handshake (RFC 8446 §2, §4): its entry point and its states, in protocol order.
 *
 * <pre>
 *   ExpectClientHello --HRR--> ExpectSecondClientHello
 *        |                           |
 *        +------------+--------------+
 *                     v   (ServerHello ... Finished sent)
 *   [ExpectClientCertificate -> [ExpectClientCertificateVerify]] -> ExpectClientFinished -> Connected
 *   0-RTT accepted (resumed): ExpectEndOfEarlyData --EndOfEarlyData--> ExpectClientFinished
 * </pre>
 */
public final class ServerHandshake {

    private static final int RANDOM_LENGTH = 32;
    /** An opaque HelloRetryRequest cookie, checked for equality on the second ClientHello. */
    private static final int COOKIE_LENGTH = 32;
    private static final byte[] EMPTY = new byte[0];

    private ServerHandshake() {
    }

    /**
     * Starts a server handshake, waiting for the ClientHello.
     *
     * @param config the server configuration
     * @return the first state
     */
    public static HandshakeState start(ServerConfig config) {
        return new ExpectClientHello(config);
    }

    /** A server state (docs/architecture.md §5). The first may hand over to the TLS 1.2 machine (§16). */
    sealed interface ServerState extends HandshakeState {
        @Override
        HandshakeState on(HandshakeMessage message, byte[] encoded, int offset, int length, HandshakeOutput out)
                throws TlsException;
    }

    /**
     * What the server decided from a ClientHello.
     *
     * @param params the suite
     * @param group the key exchange group
     * @param certificate the certificate and CertificateVerify scheme; {@code null} on a PSK-only server
     * @param applicationProtocol the ALPN protocol, if any
     * @param serverName the SNI host name received, if any
     * @param serverNameUsed whether the server used the name, and so acknowledges it (RFC 6066 §3)
     */
    record Choice(CipherSuiteParams params, NamedGroup group, CertificateSelector.Selection certificate,
                  Optional<String> applicationProtocol, Optional<String> serverName, boolean serverNameUsed) {

        /** Validates a ClientHello and negotiates, touching no state. */
        static Choice of(ServerConfig config, ClientHello hello) throws TlsException {
            Extensions extensions = hello.extensions();
            Negotiation.checkClientVersion(hello.legacyVersion(), extensions);
            // RFC 8446 §9.2: without a PSK, a ClientHello must carry supported_groups, key_share and
            // signature_algorithms, else missing_extension.
            Extension.SupportedGroups groups = require(extensions, Extension.SupportedGroups.class, "supported_groups");
            Extension.KeyShareClientHello shares =
                    require(extensions, Extension.KeyShareClientHello.class, "key_share");
            Extension.SignatureAlgorithms schemes =
                    require(extensions, Extension.SignatureAlgorithms.class, "signature_algorithms");
            // RFC 8446 §4.2.8: one share per group, each for a group in supported_groups; servers "MAY check
            // for violations of these rules and abort the handshake with an "illegal_parameter" alert".
            Set<NamedGroup> seen = new HashSet<>();
            for (Extension.KeyShareEntry entry : shares.entries()) {
                if (!seen.add(entry.group()) || !groups.groups().contains(entry.group())) {
                    throw TlsException.misbehaved(PeerMisbehaved.ILLEGAL_PARAMETER, "key_share " + entry.group());
                }
            }
            CipherSuiteParams params = Resumption.suiteForExternalPsk(config, hello,
                    Negotiation.selectSuite(config.cipherSuites(), hello.cipherSuites()));
            NamedGroup group = Negotiation.selectGroup(config.namedGroups(), groups.groups());
            List<SignatureScheme> certSchemes = extensions
                    .find(Extension.SignatureAlgorithmsCert.class)
                    .map(Extension.SignatureAlgorithmsCert::schemes).orElse(null);
            Optional<String> serverName = extensions.find(Extension.ServerName.class)
                    .flatMap(Extension.ServerName::hostName);
            // RFC 6066 §3: the server_name guides the choice of certificate, then signature_algorithms does. A
            // PSK-only server has none: null, and only a PSK handshake can follow (docs/architecture.md §15).
            CertificateSelector.Selection certificate = config.certificates() == null ? null
                    : config.certificates().select(serverName.orElse(null), schemes.schemes(), certSchemes);
            Optional<String> alpn = Negotiation.selectApplicationProtocol(config.applicationProtocols(), extensions,
                    config.failOnAlpnMismatch());
            return new Choice(params, group, certificate, alpn, serverName,
                    config.certificates() != null && config.certificates().acknowledges(serverName.orElse(null)));
        }

        /** The client's share for the chosen group, if it sent one. */
        Optional<Extension.KeyShareEntry> share(ClientHello hello) {
            return hello.extensions().find(Extension.KeyShareClientHello.class).orElseThrow().entries().stream()
                    .filter(e -> e.group().equals(group)).findFirst();
        }
    }

    private static <T extends Extension> T require(Extensions extensions, Class<T> type, String name)
            throws TlsException {
        return extensions.find(type).orElseThrow(() -> TlsException.misbehaved(PeerMisbehaved.MISSING_EXTENSION,
                "ClientHello without " + name));
    }

    /** Waits for the first ClientHello (RFC 8446 §4.1.2). */
    record ExpectClientHello(ServerConfig config) implements ServerState, Handshaking {
        @Override
        public HandshakeState on(HandshakeMessage message, byte[] encoded, int offset, int length,
                                 HandshakeOutput out) throws TlsException {
            ClientHello hello = Messages.expect(message, ClientHello.class);
            Tls12ServerContinuation tls12 = config.tls12();
            if (tls12 != null
                    && Negotiation.negotiatesTls12(config.tls13(), hello.legacyVersion(), hello.extensions())) {
                // docs/architecture.md §16: the TLS 1.2 server takes over from the ClientHello on.
                return tls12.afterClientHello(config, hello, encoded, offset, length, out);
            }
            Choice choice = Choice.of(config, hello);
            Optional<Extension.KeyShareEntry> share = choice.share(hello);

            Transcript transcript = Transcript.of(config.crypto(), choice.params().hash());
            Optional<Resumption.Accepted> psk = Resumption.accept(config, hello, choice, share.isPresent(), transcript,
                    encoded, offset, length);
            if (share.isPresent() || psk.isPresent()) {
                // A PSK is accepted with psk_dhe_ke only when the share is there, so psk_ke alone goes without it.
                return respond(config, hello, choice, share, psk, transcript, false, out);
            }
            // RFC 8446 §4.1.4: the client has no share for our preferred group: ask for it.
            byte[] cookie = EMPTY;
            List<Extension> extensions = new ArrayList<>();
            extensions.add(new Extension.KeyShareHelloRetryRequest(choice.group()));
            extensions.add(new Extension.SupportedVersionsServerHello(ProtocolVersion.TLS_1_3));
            if (config.helloRetryRequestCookie()) {
                cookie = new byte[COOKIE_LENGTH];
                config.crypto().nextBytes(cookie);
                extensions.add(new Extension.Cookie(cookie));
            }
            ServerHello retry = new ServerHello(Negotiation.LEGACY_VERSION, ServerHello.helloRetryRequestRandom(),
                    hello.legacySessionId(), choice.params().suite(), new Extensions(extensions));
            byte[] retryBytes = HandshakeCodec.encode(retry);
            transcript.addHelloRetryRequest(retryBytes);
            out.sendHandshake(retryBytes);
            if (hello.legacySessionId().length > 0) {
                // RFC 8446 §D.4: a server in compatibility mode sends its CCS after its first handshake message.
                out.sendChangeCipherSpec();
            }
            if (hello.extensions().contains(ExtensionType.EARLY_DATA)) {
                // RFC 8446 §4.2.10: after a HelloRetryRequest the server "ignores early data by skipping all
                // records with an external content type of "application_data"".
                out.skipEarlyData();
            }
            return new ExpectSecondClientHello(config, hello, transcript, choice, cookie);
        }

        @Override
        public boolean allowsChangeCipherSpec() {
            // RFC 8446 §5: a CCS is only tolerated after the first ClientHello.
            return false;
        }

        @Override
        public void destroy() {
        }
    }

    /**
     * Waits for the ClientHello that answers our HelloRetryRequest (RFC 8446 §4.1.2, §4.1.4).
     *
     * @param config the configuration
     * @param first the first ClientHello
     * @param transcript message_hash(ClientHello1) and the HelloRetryRequest
     * @param choice what we decided from the first ClientHello
     * @param cookie the cookie we sent, empty for none
     */
    record ExpectSecondClientHello(ServerConfig config, ClientHello first, Transcript transcript, Choice choice,
                                   byte[] cookie) implements ServerState, Handshaking {
        @Override
        public ServerState on(HandshakeMessage message, byte[] encoded, int offset, int length, HandshakeOutput out)
                throws TlsException {
            ClientHello second = Messages.expect(message, ClientHello.class);
            // RFC 8446 §4.1.2: the client "MUST send the same ClientHello without modification, except" the
            // key_share, early_data, cookie, pre_shared_key and padding extensions.
            if (!java.util.Arrays.equals(unchangeable(first), unchangeable(second))) {
                throw TlsException.misbehaved(PeerMisbehaved.SECOND_CLIENT_HELLO_CHANGED);
            }
            // RFC 8446 §4.1.2: early_data is removed, "Early data is not permitted after a HelloRetryRequest".
            if (second.extensions().contains(ExtensionType.EARLY_DATA)) {
                throw TlsException.misbehaved(PeerMisbehaved.SECOND_CLIENT_HELLO_CHANGED, "early_data");
            }
            List<Extension.KeyShareEntry> shares = second.extensions().find(Extension.KeyShareClientHello.class)
                    .map(Extension.KeyShareClientHello::entries).orElse(List.of());
            // RFC 8446 §4.1.2: key_share is replaced by "a list containing a single KeyShareEntry from the
            // indicated group".
            if (shares.size() != 1 || !shares.get(0).group().equals(choice.group())) {
                throw TlsException.misbehaved(PeerMisbehaved.SECOND_CLIENT_HELLO_CHANGED,
                        "key_share " + shares + ", requested " + choice.group());
            }
            // RFC 8446 §4.2.2: the client echoes the cookie of the HelloRetryRequest, and only then sends one.
            byte[] echoed = second.extensions().find(Extension.Cookie.class).map(Extension.Cookie::cookie)
                    .orElse(EMPTY);
            if (!MessageDigest.isEqual(echoed, cookie)) {
                throw TlsException.misbehaved(PeerMisbehaved.SECOND_CLIENT_HELLO_CHANGED, "cookie");
            }
            Choice again = Choice.of(config, second);
            // RFC 8446 §4.1.4: a PSK is offered again in the second ClientHello, its binder computed over the
            // transcript that now starts with message_hash and the HelloRetryRequest.
            Optional<Resumption.Accepted> psk = Resumption.accept(config, second, again, true, transcript, encoded,
                    offset, length);
            return respond(config, second, again, Optional.of(shares.get(0)), psk, transcript, true, out);
        }

        @Override
        public void destroy() {
        }
    }

    /** The ClientHello without what a second ClientHello may change (RFC 8446 §4.1.2), encoded. */
    private static byte[] unchangeable(ClientHello hello) {
        List<Extension> kept = new ArrayList<>();
        for (Extension e : hello.extensions()) {
            ExtensionType t = e.type();
            if (!t.equals(ExtensionType.KEY_SHARE) && !t.equals(ExtensionType.EARLY_DATA)
                    && !t.equals(ExtensionType.COOKIE) && !t.equals(ExtensionType.PADDING)
                    && !t.equals(ExtensionType.PRE_SHARED_KEY)) {
                kept.add(e);
            }
        }
        return HandshakeCodec.encode(new ClientHello(hello.legacyVersion(), hello.random(), hello.legacySessionId(),
                hello.cipherSuites(), new Extensions(kept)));
    }

    /**
     * Sends ServerHello ... Finished (RFC 8446 §2): the server's whole first flight after the ClientHello it
     * accepts; with an accepted PSK (RFC 8446 §2.2), ServerHello carries pre_shared_key, the key share only for
     * psk_dhe_ke, and neither CertificateRequest nor Certificate nor CertificateVerify follows.
     */
    private static ServerState respond(ServerConfig config, ClientHello hello, Choice choice,
                                       Optional<Extension.KeyShareEntry> clientShare, Optional<Resumption.Accepted> psk,
                                       Transcript transcript, boolean retried, HandshakeOutput out) throws TlsException {
        CryptoProvider crypto = config.crypto();
        CipherSuiteParams params = choice.params();
        if (psk.isEmpty() && choice.certificate() == null) {
            // A PSK-only server (docs/architecture.md §15) cannot authenticate without an accepted PSK.
            throw TlsException.incompatible(PeerIncompatible.NO_PSK_IN_COMMON,
                    "the client offered no external PSK of ours, and this server has no certificate");
        }
        boolean dhe = psk.map(Resumption.Accepted::dhe).orElse(true);
        boolean earlyData = !retried && psk.isPresent() && acceptsEarlyData(config, hello, choice, psk.get());
        Encapsulation encapsulation = null;
        Secrets.HandshakeTraffic secrets;
        TrafficSecret earlyTraffic = null;
        try {
            if (earlyData) {
                // RFC 8446 §7.1: client_early_traffic_secret = Derive-Secret(Early Secret, "c e traffic", ClientHello).
                earlyTraffic = psk.get().early().clientEarlyTrafficSecret(transcript.currentHash());
                Secrets.keyLog(out, earlyTraffic, hello.random());
            }
            List<Extension> extensions = new ArrayList<>();
            if (dhe) {
                // The server encapsulates against the client's share (docs/architecture.md §8): for (EC)DHE a fresh
                // key pair and its agreement, for a hybrid also ML-KEM.Encaps. The secret is zeroed whatever happens.
                encapsulation = Negotiation.encapsulate(crypto, choice.group(), clientShare.orElseThrow().keyExchange());
                extensions.add(new Extension.KeyShareServerHello(new Extension.KeyShareEntry(choice.group(),
                        encapsulation.share())));
            }
            extensions.add(new Extension.SupportedVersionsServerHello(ProtocolVersion.TLS_1_3));
            if (psk.isPresent()) {
                // RFC 8446 §4.2.11: the ServerHello names the selected identity; the extension need not be last here.
                extensions.add(new Extension.PreSharedKeyServerHello(psk.get().index()));
            }
            byte[] random = new byte[RANDOM_LENGTH];
            crypto.nextBytes(random);
            ServerHello serverHello = new ServerHello(Negotiation.LEGACY_VERSION, random, hello.legacySessionId(),
                    params.suite(), new Extensions(extensions));
            Messages.send(out, transcript, serverHello);
            if (hello.legacySessionId().length > 0 && !retried) {
                // RFC 8446 §D.4: the server's CCS follows its first handshake message (after a HelloRetryRequest
                // it was sent already).
                out.sendChangeCipherSpec();
            }
            byte[] shared = encapsulation == null ? null : encapsulation.sharedSecret();
            secrets = psk.isPresent()
                    ? Secrets.handshake(psk.get().early(), shared, transcript.currentHash(), hello.random(), out)
                    : Secrets.handshake(crypto, params.hash(), shared, transcript.currentHash(), hello.random(), out);
        } catch (TlsException | RuntimeException e) {
            if (earlyTraffic != null) {
                earlyTraffic.destroy();
            }
            throw e;
        } finally {
            if (encapsulation != null) {
                encapsulation.destroy();
            }
            psk.ifPresent(Resumption.Accepted::destroy);
        }
        out.installWriteKeys(secrets.server().keys(params.aead()));
        if (earlyData) {
            // RFC 8446 §4.2.10: the client's 0-RTT records, up to EndOfEarlyData, are under client_early_traffic_secret.
            try {
                out.installReadKeys(earlyTraffic.keys(params.aead()));
            } finally {
                earlyTraffic.destroy();
            }
            out.acceptEarlyData(psk.get().ticket().maxEarlyData());
        } else {
            out.installReadKeys(secrets.client().keys(params.aead()));
        }
        if (!earlyData && !retried && hello.extensions().contains(ExtensionType.EARLY_DATA)) {
            // RFC 8446 §4.2.10: we do not accept this 0-RTT, so we "skip past early data by attempting to deprotect
            // received records using the handshake traffic key" and answer with a regular 1-RTT handshake.
            out.skipEarlyData();
        }

        List<Extension> encrypted = new ArrayList<>();
        if (choice.serverNameUsed()) {
            // RFC 6066 §3: a server that used the name acknowledges with an empty server_name.
            encrypted.add(Extension.ServerName.acknowledgement());
        }
        choice.applicationProtocol().ifPresent(p -> encrypted.add(Extension.Alpn.of(p)));
        if (earlyData) {
            // RFC 8446 §4.2.10: "the server MUST supply an "early_data" extension in its EncryptedExtensions".
            encrypted.add(new Extension.EarlyData());
        }
        Messages.send(out, transcript, new EncryptedExtensions(new Extensions(encrypted)));
        Optional<CertificateRequest> request = Optional.empty();
        List<X509Certificate> chain = List.of();
        SignatureScheme scheme = null;
        if (psk.isEmpty()) {
            if (config.clientAuth() != ClientAuth.NONE) {
                request = Optional.of(certificateRequest(config));
                Messages.send(out, transcript, request.get());
            }
            chain = choice.certificate().certifiedKey().chain();
            scheme = choice.certificate().scheme();
            Messages.send(out, transcript, Messages.certificate(EMPTY, chain));
            Messages.send(out, transcript, Proofs.sign(crypto, scheme, choice.certificate().certifiedKey().key(), true,
                    transcript.currentHash()));
        }
        Messages.send(out, transcript, new Finished(secrets.server().finishedVerifyData(transcript.currentHash())));
        Secrets.ApplicationTraffic application = Secrets.application(secrets.master(), transcript.currentHash(),
                hello.random(), out);
        out.installWriteKeys(application.server().keys(params.aead()));

        HandshakeSummary session = new HandshakeSummary(params.suite(), dhe ? choice.group() : null, null, scheme,
                choice.applicationProtocol().orElse(null), choice.serverName().orElse(null), List.of(), chain, retried,
                psk.isPresent() && psk.get().externalIdentity() == null, earlyData,
                psk.map(Resumption.Accepted::externalIdentity).orElse(null));
        boolean tickets = config.sessionTickets().count() > 0 && SessionTickets.wanted(config, hello.extensions());
        Sent sent = new Sent(config, transcript, params, hello.random(), secrets, application, session, tickets);
        if (earlyData) {
            return new ExpectEndOfEarlyData(sent, new ClientAuthentication.Resumed(psk.get().binder()));
        }
        if (psk.isPresent()) {
            return new ExpectClientFinished(sent, new ClientAuthentication.Resumed(psk.get().binder()));
        }
        if (request.isPresent()) {
            return new ExpectClientCertificate(sent, request.get());
        }
        return new ExpectClientFinished(sent, new ClientAuthentication.NotRequested());
    }

    /**
     * Whether to accept the client's 0-RTT data (RFC 8446 §4.2.10), all of: 0-RTT is on here; the ClientHello has
     * early_data; the selected PSK is the first identity and its ticket allowed early data; the suite and the ALPN
     * protocol are the original session's; and, last so that only a ClientHello we would accept is recorded, the
     * anti-replay check has not seen it (RFC 8446 §8). The ticket's age was already found within
     * {@link Resumption#AGE_TOLERANCE_MILLIS} of ours (the freshness check of §8.3). Called only without a
     * HelloRetryRequest: after one, early data is never accepted (§4.1.2).
     */
    private static boolean acceptsEarlyData(ServerConfig config, ClientHello hello, Choice choice,
                                            Resumption.Accepted psk) {
        Resumption.EarlyDataTerms ticket = psk.ticket();
        return config.maxEarlyData() > 0 && config.antiReplay() != null
                && hello.extensions().contains(ExtensionType.EARLY_DATA)
                && psk.index() == 0
                && ticket.maxEarlyData() > 0
                && ticket.suite().equals(choice.params().suite())
                && Objects.equals(ticket.applicationProtocol(), choice.applicationProtocol().orElse(null))
                && firstUse(config.antiReplay(), ticket);
    }

    /** Asks the anti-replay check; a check that fails (a shared store out of reach) means no 0-RTT, not no TLS. */
    private static boolean firstUse(AntiReplay antiReplay, Resumption.EarlyDataTerms ticket) {
        try {
            return antiReplay.firstUse(ticket.replayKey(), ticket.replayExpiresMillis());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Our CertificateRequest (RFC 8446 §4.3.2). */
    private static CertificateRequest certificateRequest(ServerConfig config) {
        List<Extension> extensions = new ArrayList<>();
        extensions.add(new Extension.SignatureAlgorithms(config.signatureSchemes()));
        // RFC 8446 §4.2.3: the schemes we accept in the client's certificates, which may differ (PKCS#1, SHA-1).
        extensions.add(new Extension.SignatureAlgorithmsCert(SignatureSchemes.DEFAULT_CERT));
        if (config.certificateAuthorities()) {
            // RFC 8446 §4.2.4: the distinguished names of the trust anchors we accept.
            List<byte[]> names = new ArrayList<>();
            for (X509Certificate anchor : config.clientTrustManager().getAcceptedIssuers()) {
                names.add(anchor.getSubjectX500Principal().getEncoded());
            }
            if (!names.isEmpty()) {
                extensions.add(new Extension.CertificateAuthorities(names));
            }
        }
        return new CertificateRequest(EMPTY, new Extensions(extensions));
    }

    /**
     * The server's handshake context once its first flight is sent.
     *
     * @param config the configuration
     * @param transcript the running transcript
     * @param params the suite
     * @param clientRandom for key-log lines
     * @param secrets the handshake-stage secrets
     * @param application the application traffic secrets (the server's write key is installed)
     * @param session what was negotiated, without the client's certificate yet
     * @param tickets whether to send NewSessionTickets once the client's Finished verified
     */
    record Sent(ServerConfig config, Transcript transcript, CipherSuiteParams params, byte[] clientRandom,
                Secrets.HandshakeTraffic secrets, Secrets.ApplicationTraffic application, HandshakeSummary session,
                boolean tickets) {
        void destroy() {
            secrets.destroy();
            application.client().destroy();
            application.server().destroy();
        }
    }

    /** A state after our first flight: it holds the handshake and application secrets. */
    sealed interface SentState extends ServerState, Handshaking {
        Sent s();

        @Override
        default void destroy() {
            s().destroy();
        }
    }

    /**
     * Reads the client's accepted 0-RTT data until its EndOfEarlyData (RFC 8446 §4.5), then switches to the client's
     * handshake key. The early data itself goes to the connection driver, which counts it
     * ({@link HandshakeOutput#acceptEarlyData}); any other handshake message here is unexpected_message.
     *
     * @param s the handshake context
     * @param client the resumed session's client authentication
     */
    record ExpectEndOfEarlyData(Sent s, ClientAuthentication client) implements SentState {
        @Override
        public ServerState on(HandshakeMessage message, byte[] encoded, int offset, int length, HandshakeOutput out)
                throws TlsException {
            Messages.expect(message, EndOfEarlyData.class);
            // RFC 8446 §4.4.1: EndOfEarlyData is part of the transcript the client's Finished covers.
            s.transcript().add(encoded, offset, length);
            // RFC 8446 §4.5: after EndOfEarlyData the client's records are under its handshake traffic key.
            out.installReadKeys(s.secrets().client().keys(s.params().aead()));
            return new ExpectClientFinished(s, client);
        }
    }

    /** Waits for the client's Certificate (RFC 8446 §4.4.2). */
    record ExpectClientCertificate(Sent s, CertificateRequest request) implements SentState {
        @Override
        public ServerState on(HandshakeMessage message, byte[] encoded, int offset, int length, HandshakeOutput out)
                throws TlsException {
            Certificate certificate = Messages.expect(message, Certificate.class);
            // RFC 8446 §4.4.2: the context echoes the CertificateRequest's.
            if (!MessageDigest.isEqual(certificate.certificateRequestContext(), request.certificateRequestContext())) {
                throw TlsException.misbehaved(PeerMisbehaved.BAD_CERTIFICATE_REQUEST_CONTEXT);
            }
            Messages.checkCertificateExtensions(certificate, request.extensions());
            CertificateVerified chain = Proofs.verifyClientChain(certificate, s.config());
            s.transcript().add(encoded, offset, length);
            if (chain.chain().isEmpty()) {
                return new ExpectClientFinished(s, new ClientAuthentication.NoCertificate(chain));
            }
            return new ExpectClientCertificateVerify(s, chain);
        }
    }

    /** Waits for the client's CertificateVerify (RFC 8446 §4.4.3). */
    record ExpectClientCertificateVerify(Sent s, CertificateVerified chain) implements SentState {
        @Override
        public ServerState on(HandshakeMessage message, byte[] encoded, int offset, int length, HandshakeOutput out)
                throws TlsException {
            CertificateVerify verify = Messages.expect(message, CertificateVerify.class);
            SignatureVerified signature = Proofs.verifySignature(s.config().crypto(), verify, chain,
                    s.config().signatureSchemes(), false, s.transcript().currentHash());
            s.transcript().add(encoded, offset, length);
            return new ExpectClientFinished(s, new ClientAuthentication.Verified(chain, signature));
        }
    }

    /**
     * Waits for the client's Finished (RFC 8446 §4.4.4).
     *
     * @param s the handshake context
     * @param client how the client authenticated
     */
    record ExpectClientFinished(Sent s, ClientAuthentication client) implements SentState {
        @Override
        public ServerState on(HandshakeMessage message, byte[] encoded, int offset, int length, HandshakeOutput out)
                throws TlsException {
            Finished finished = Messages.expect(message, Finished.class);
            Transcript transcript = s.transcript();
            FinishedVerified verified = Proofs.verifyFinished(finished, s.secrets().client(),
                    transcript.currentHash());

            transcript.add(encoded, offset, length);
            ResumptionMasterSecret resumption = s.secrets().master().resumptionMasterSecret(transcript.currentHash());
            s.secrets().destroy();
            out.installReadKeys(s.application().client().keys(s.params().aead()));
            HandshakeSummary session = s.session().withPeerAuthentication(client.signatureScheme(), client.chain());
            Traffic traffic = new Traffic(s.params().aead(), false, s.application().client(),
                    s.application().server(), resumption, s.clientRandom());
            Connected connected = new Connected(traffic, session, verified, s.config().clientAuth(), client);
            if (s.tickets()) {
                // RFC 8446 §4.6.1: tickets follow the client's Finished, so they carry the client's verified
                // identity; they are queued before any application data we write.
                s.config().sessionTickets().issue(s.config().crypto(), resumption, session,
                        s.config().maxEarlyData(), out);
            }
            out.handshakeComplete(session);
            return connected;
        }
    }

    /**
     * The handshake is complete (RFC 8446 §4.6). Requires the proof that the client Finished verified,
     * and the client authentication that the server's setting asked for: with REQUIRE, only the proofs of
     * a validated chain and a verified CertificateVerify.
     *
     * @param traffic the application traffic secrets
     * @param session what was negotiated
     * @param finished proof that the client Finished verified
     * @param clientAuth the server's client authentication setting
     * @param client how the client authenticated
     */
    record Connected(Traffic traffic, HandshakeSummary session, FinishedVerified finished, ClientAuth clientAuth,
                     ClientAuthentication client) implements ServerState {

        /** Refuses a missing proof, or a client authentication the setting refuses (docs/architecture.md §5). */
        Connected {
            Objects.requireNonNull(traffic, "traffic");
            Objects.requireNonNull(session, "session");
            Objects.requireNonNull(finished, "finished");
            Objects.requireNonNull(clientAuth, "clientAuth");
            Objects.requireNonNull(client, "client");
            if (!client.satisfies(clientAuth)) {
                throw new IllegalArgumentException("client authentication " + clientAuth + " is not satisfied by "
                        + client.getClass().getSimpleName());
            }
        }

        @Override
        public ServerState on(HandshakeMessage message, byte[] encoded, int offset, int length, HandshakeOutput out)
                throws TlsException {
            return new Connected(traffic.on(message, out), session, finished, clientAuth, client);
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
            return new Connected(traffic.updateWrite(requestPeerUpdate, out), session, finished, clientAuth, client);
        }

        @Override
        public void destroy() {
            traffic.destroy();
        }
    }
}
