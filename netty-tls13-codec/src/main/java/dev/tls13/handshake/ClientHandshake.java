package dev.tls13.handshake;

import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.KeyExchange;
import dev.tls13.crypto.KeyExchangeAlgorithm;
import dev.tls13.error.PeerIncompatible;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.handshake.Proofs.CertificateVerified;
import dev.tls13.handshake.Proofs.FinishedVerified;
import dev.tls13.handshake.Proofs.SignatureVerified;
import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.keys.EarlySecret;
import dev.tls13.keys.PskType;
import dev.tls13.keys.ResumptionMasterSecret;
import dev.tls13.keys.TrafficSecret;
import dev.tls13.keys.Transcript;
import dev.tls13.record.CipherSuiteParams;
import dev.tls13.record.Tls12CipherSuiteParams;
import dev.tls13.wire.Certificate;
import dev.tls13.wire.CipherSuite;
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
import dev.tls13.wire.Tls12Extensions;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The client handshake (RFC 8446 §2, §4): its entry point and its states, in protocol order.
 *
 * <pre>
 *   ExpectServerHello --HRR--> ExpectServerHelloAfterRetry
 *        |                           |
 *        +------------+--------------+
 *                     v
 *   ExpectEncryptedExtensions -> ExpectCertificateOrCertificateRequest -> ExpectCertificate
 *     -> ExpectCertificateVerify -> ExpectFinished -> Connected
 * </pre>
 */
public final class ClientHandshake {

    private static final int RANDOM_LENGTH = 32;
    /** RFC 8446 §D.4: a 32-byte legacy_session_id in middlebox compatibility mode. */
    private static final int SESSION_ID_LENGTH = 32;

    private ClientHandshake() {
    }

    /**
     * Starts a client handshake: sends the ClientHello through {@code out}.
     *
     * @param config the client configuration
     * @param serverName the SNI host name to send, or {@code null} for none
     * @param peerHost the host name to verify the certificate against, or {@code null} not to
     * @param out where effects go
     * @return the first state
     * @throws TlsException when the crypto provider fails
     */
    public static HandshakeState start(ClientConfig config, String serverName, String peerHost, HandshakeOutput out)
            throws TlsException {
        return start(config, serverName, peerHost, (ResumptionTicket) null, out);
    }

    /**
     * Starts a client handshake that offers a ticket for resumption when it fits (docs/architecture.md §15):
     * takes ownership of {@code ticket}, which is offered once (RFC 8446 Appendix C.4) and destroyed by the
     * handshake whatever happens. It is offered only when one of our suites has its hash (RFC 8446 §4.2.11)
     * and the SNI is the original session's (§4.6.1); otherwise it is destroyed at once.
     *
     * @param config the client configuration
     * @param serverName the SNI host name to send, or {@code null} for none
     * @param peerHost the host name to verify the certificate against, or {@code null} not to
     * @param ticket a ticket for this server, or {@code null}
     * @param out where effects go
     * @return the first state
     * @throws TlsException when the crypto provider fails
     */
    public static HandshakeState start(ClientConfig config, String serverName, String peerHost,
                                       ResumptionTicket ticket, HandshakeOutput out) throws TlsException {
        return start(config, serverName, peerHost, ticket, (ResumptionTicket) null, out);
    }

    /**
     * Starts a client handshake that offers a TLS 1.3 ticket and a TLS 1.2 session ticket when they fit
     * (docs/architecture.md §15, §16): takes ownership of both, each offered once and destroyed by the handshake
     * whatever happens. The TLS 1.2 ticket goes in the SessionTicket extension (RFC 5077 §3.2) when TLS 1.2 is
     * enabled, one of our TLS 1.2 suites is its suite and the SNI is its session's; a server that answers TLS 1.3
     * ignores it.
     *
     * @param config the client configuration
     * @param serverName the SNI host name to send, or {@code null} for none
     * @param peerHost the host name to verify the certificate against, or {@code null} not to
     * @param ticket a TLS 1.3 ticket for this server, or {@code null}
     * @param tls12Ticket a TLS 1.2 session ticket for this server, or {@code null}
     * @param out where effects go
     * @return the first state
     * @throws TlsException when the crypto provider fails
     */
    public static HandshakeState start(ClientConfig config, String serverName, String peerHost,
                                       ResumptionTicket ticket, ResumptionTicket tls12Ticket, HandshakeOutput out)
            throws TlsException {
        ResumptionTicket tls12Offer = usableTls12(config, serverName, tls12Ticket) ? tls12Ticket : null;
        if (tls12Ticket != null && tls12Offer == null) {
            tls12Ticket.destroy();
        }
        try {
            return startWithTls12(config, serverName, peerHost, ticket, Optional.ofNullable(tls12Offer), out);
        } catch (TlsException | RuntimeException e) {
            if (tls12Offer != null) {
                tls12Offer.destroy();
            }
            throw e;
        }
    }

    private static HandshakeState startWithTls12(ClientConfig config, String serverName, String peerHost,
                                                 ResumptionTicket ticket, Optional<ResumptionTicket> tls12Offer,
                                                 HandshakeOutput out) throws TlsException {
        List<ResumptionTicket> candidates;
        if (config.externalPsk() != null) {
            // docs/architecture.md §15: a configured external PSK (RFC 8446 §4.2.11) is offered in place of a ticket;
            // an EPSK to import as one imported PSK per hash of our suites (RFC 9258 §5.1).
            if (ticket != null) {
                ticket.destroy();
            }
            candidates = config.tls13() ? config.externalPsk().offers(config.crypto(), config.cipherSuites())
                    : List.of();
        } else {
            candidates = ticket == null ? List.of() : List.of(ticket);
        }
        // A TLS 1.2-only client offers no TLS 1.3 ticket (RFC 8446 §4.6.1: a ticket resumes its own version only).
        List<ResumptionTicket> offers = new ArrayList<>(candidates.size());
        for (ResumptionTicket candidate : candidates) {
            if (config.tls13() && usable(config, serverName, candidate)) {
                offers.add(candidate);
            } else {
                candidate.destroy();
            }
        }
        try {
            return startOffering(config, serverName, peerHost, List.copyOf(offers), tls12Offer, out);
        } catch (TlsException | RuntimeException e) {
            offers.forEach(ResumptionTicket::destroy);
            throw e;
        }
    }

    private static boolean usable(ClientConfig config, String serverName, ResumptionTicket ticket) {
        if (ticket == null || ticket.isDestroyed() || ticket.tls12()) {
            return false;
        }
        // RFC 8446 §4.6.1: clients "SHOULD only resume if the SNI value matches the one used in the original
        // session". An external PSK belongs to no session.
        if (ticket.pskType() == PskType.RESUMPTION && !Objects.equals(serverName, ticket.serverName())) {
            return false;
        }
        // RFC 8446 §4.2.11: the PSK is bound to its suite's hash; a suite with it must be among those we offer.
        Optional<HashAlgorithm> hash = CipherSuiteParams.find(ticket.cipherSuite()).map(CipherSuiteParams::hash);
        return hash.isPresent() && config.cipherSuites().stream().anyMatch(
                suite -> CipherSuiteParams.find(suite).map(CipherSuiteParams::hash).orElse(null) == hash.get());
    }

    /**
     * Whether to offer a TLS 1.2 session ticket: TLS 1.2 is enabled, the ticket's suite is one of the TLS 1.2
     * suites we offer (RFC 5246 §7.4.1.2: a resumed session keeps its suite), and the SNI is its session's, as for
     * TLS 1.3 tickets (RFC 6066 §3 has the server refuse a resumption under another name).
     */
    private static boolean usableTls12(ClientConfig config, String serverName, ResumptionTicket ticket) {
        if (ticket == null || ticket.isDestroyed() || !ticket.tls12() || config.tls12() == null) {
            return false;
        }
        return Objects.equals(serverName, ticket.serverName()) && Tls12CipherSuiteParams.DEFAULTS.stream()
                .anyMatch(p -> p.suite().equals(ticket.cipherSuite()));
    }

    private static ClientState startOffering(ClientConfig config, String serverName, String peerHost,
                                     List<ResumptionTicket> offers, Optional<ResumptionTicket> tls12Offer,
                                     HandshakeOutput out) throws TlsException {
        // 0-RTT only with a single ticket: early data is for the first identity (RFC 8446 §4.2.10), and only
        // tickets carry early_data permission.
        Optional<ResumptionTicket> offer = offers.size() == 1 ? Optional.of(offers.get(0)) : Optional.empty();
        CryptoProvider crypto = config.crypto();
        byte[] random = new byte[RANDOM_LENGTH];
        crypto.nextBytes(random);
        // RFC 5077 §3.4: a client offering a ticket generates a session_id, the server's echo of it accepting the
        // ticket; middlebox compatibility mode (RFC 8446 §D.4) sends a fresh random one anyway.
        byte[] sessionId = new byte[config.middleboxCompatibility() || tls12Offer.isPresent() ? SESSION_ID_LENGTH
                : 0];
        if (sessionId.length > 0) {
            crypto.nextBytes(sessionId);
        }
        boolean tls13 = config.tls13();
        List<KeyExchange> shares = new ArrayList<>(config.keyShareGroups().size());
        if (tls13) {
            for (NamedGroup group : config.keyShareGroups()) {
                shares.add(crypto.generateKeyExchange(Negotiation.requireKeyExchange(group)));
            }
        }
        List<Extension> extensions = new ArrayList<>();
        if (serverName != null && !Negotiation.isIpLiteral(serverName)) {
            // RFC 6066 §3: "Literal IPv4 and IPv6 addresses are not permitted in "HostName"."
            extensions.add(Extension.ServerName.of(serverName));
        }
        extensions.add(new Extension.SupportedGroups(config.namedGroups()));
        boolean tls12 = config.tls12() != null;
        extensions.add(new Extension.SignatureAlgorithms(tls12 ? withPkcs1(config.signatureSchemes())
                : config.signatureSchemes()));
        if (!config.signatureSchemesCert().isEmpty()) {
            extensions.add(new Extension.SignatureAlgorithmsCert(config.signatureSchemesCert()));
        }
        boolean earlyData = offer.isPresent() && offersEarlyData(config, offer.get());
        List<String> protocols = config.applicationProtocols();
        if (earlyData && offer.get().applicationProtocol() != null) {
            // RFC 8446 §4.2.10: the server accepts 0-RTT only if it selects the ALPN protocol of the PSK's
            // session, so that one is offered first.
            protocols = new ArrayList<>(protocols);
            protocols.remove(offer.get().applicationProtocol());
            protocols.add(0, offer.get().applicationProtocol());
        }
        if (!protocols.isEmpty()) {
            extensions.add(Extension.Alpn.of(protocols.toArray(new String[0])));
        }
        // A TLS 1.2-only client (docs/architecture.md §16) lists the TLS 1.2 suites alone.
        List<CipherSuite> suites = tls13 ? config.cipherSuites() : List.of();
        if (tls12) {
            // docs/architecture.md §16: the TLS 1.2 profile's extensions (RFC 8422 §5.1.2, RFC 7627 §5.1,
            // RFC 5746 §3.4), and its suites after the TLS 1.3 ones.
            extensions.add(Tls12Extensions.ecPointFormatsUncompressed());
            extensions.add(Tls12Extensions.extendedMasterSecret());
            extensions.add(Tls12Extensions.emptyRenegotiationInfo());
            // RFC 5077 §3.2: SessionTicket, empty to ask for a ticket, or carrying the one we resume with.
            extensions.add(tls12Offer.map(t -> Tls12Extensions.sessionTicketExtension(t.tls12Ticket()))
                    .orElse(Tls12Extensions.emptySessionTicket()));
            suites = new ArrayList<>(suites);
            for (CipherSuite suite : config.tls12CipherSuites()) {
                if (Tls12CipherSuiteParams.find(suite).isPresent()) {
                    suites.add(suite);
                }
            }
        }
        if (tls13) {
            extensions.add(new Extension.SupportedVersionsClientHello(tls12
                    ? List.of(ProtocolVersion.TLS_1_3, ProtocolVersion.TLS_1_2) : List.of(ProtocolVersion.TLS_1_3)));
            extensions.add(new Extension.KeyShareClientHello(entries(shares)));
            // RFC 8446 §4.2.9: sent always, not only with a PSK: a server issues tickets only to a client that
            // names the modes it could resume with (JDK and BoringSSL servers send none otherwise).
            extensions.add(new Extension.PskKeyExchangeModes(config.pskKeyExchangeModes()));
        }
        if (earlyData) {
            // RFC 8446 §4.2.10: early_data, before pre_shared_key, which must stay last (§4.2.11).
            extensions.add(new Extension.EarlyData());
        }
        ClientHello hello = new ClientHello(Negotiation.LEGACY_VERSION, random, sessionId, suites,
                new Extensions(extensions));
        if (offers.isEmpty()) {
            return start(config, hello, shares, peerHost, tls12Offer.orElse(null), out);
        }
        Transcript transcript = Transcript.buffering(crypto);
        ClientHello sent = sendWithPsks(out, transcript, hello, offers, crypto);
        boolean ccs = false;
        if (earlyData) {
            if (sessionId.length > 0) {
                // RFC 8446 §D.4: with 0-RTT the dummy change_cipher_spec follows the ClientHello at once, before
                // the early data.
                out.sendChangeCipherSpec();
                ccs = true;
            }
            installEarlyKeys(offer.get(), transcript, random, crypto, out);
        }
        return new ExpectServerHello(new Hello(config, Optional.ofNullable(peerHost), sent, transcript, ccs, offers,
                earlyData), List.copyOf(shares), tls12Offer.orElse(null));
    }

    /**
     * Whether to offer 0-RTT with {@code ticket} (RFC 8446 §4.2.10): the context enables it, the ticket's
     * NewSessionTicket allowed early data, its suite (whose keys protect the early data, §4.2.10: "the first
     * identity") is one we offer, and its ALPN protocol, if any, is one we offer.
     */
    private static boolean offersEarlyData(ClientConfig config, ResumptionTicket ticket) {
        // RFC 8446 Appendix D.3: 0-RTT "SHOULD NOT" be sent "absent some knowledge that the server supports TLS
        // 1.3"; a TLS 1.3 ticket of this server is that knowledge, so it is offered with TLS 1.2 offered too, and a
        // TLS 1.2 answer then fails the connection (§4.2.10, ExpectServerHello).
        return config.earlyData() && ticket.maxEarlyData() > 0
                && config.cipherSuites().contains(ticket.cipherSuite()) && (ticket.applicationProtocol() == null
                        || config.applicationProtocols().contains(ticket.applicationProtocol()));
    }

    /**
     * client_early_traffic_secret = Derive-Secret(Early Secret, "c e traffic", ClientHello) (RFC 8446 §7.1),
     * with the ticket's PSK and suite; its key-log line, and its keys handed to the driver for 0-RTT records.
     */
    private static void installEarlyKeys(ResumptionTicket ticket, Transcript transcript, byte[] clientRandom,
                                         CryptoProvider crypto, HandshakeOutput out) {
        CipherSuiteParams params = CipherSuiteParams.find(ticket.cipherSuite()).orElseThrow();
        EarlySecret early = EarlySecret.withPsk(crypto, params.hash(), ticket.psk());
        try {
            TrafficSecret secret = early.clientEarlyTrafficSecret(transcript.currentHash(params.hash()));
            try {
                Secrets.keyLog(out, secret, clientRandom);
                out.installEarlyWriteKeys(secret.keys(params.aead()), ticket.maxEarlyData(),
                        ticket.applicationProtocol());
            } finally {
                secret.destroy();
            }
        } finally {
            early.destroy();
        }
    }

    /**
     * Sends {@code hello} with a pre_shared_key offering {@code ticket}, as its last extension (RFC 8446
     * §4.2.11): identity = the ticket, obfuscated_ticket_age = age in ms + ticket_age_add mod 2^32
     * (§4.2.11.1), and the binder = HMAC over the transcript so far and the ClientHello truncated before the
     * binders list (§4.2.11.2). The transcript gets the whole message.
     *
     * @param out where the message goes
     * @param transcript the transcript: empty, or message_hash and HelloRetryRequest after a retry (§4.4.1)
     * @param hello the ClientHello without pre_shared_key
     * @param ticket the ticket to offer (borrowed)
     * @param crypto the provider (HKDF, digest, clock)
     * @return the ClientHello sent, with its binder
     */
    static ClientHello sendWithPsk(HandshakeOutput out, Transcript transcript, ClientHello hello,
                                   ResumptionTicket ticket, CryptoProvider crypto) {
        return sendWithPsks(out, transcript, hello, List.of(ticket), crypto);
    }

    /**
     * {@link #sendWithPsk} for several PSKs, in order: one identity and one binder each (RFC 8446 §4.2.11). Every
     * binder covers the same truncated ClientHello, hashed with its own PSK's hash (§4.2.11.2); an imported EPSK
     * offers one PSK per target KDF this way (RFC 9258 §5.1).
     *
     * @param offers the PSKs to offer, at least one (borrowed)
     * @return the ClientHello sent, with its binders
     */
    static ClientHello sendWithPsks(HandshakeOutput out, Transcript transcript, ClientHello hello,
                                    List<ResumptionTicket> offers, CryptoProvider crypto) {
        long now = crypto.clock().millis();
        List<Extension.PskIdentity> identities = new ArrayList<>(offers.size());
        List<byte[]> placeholders = new ArrayList<>(offers.size());
        for (ResumptionTicket offer : offers) {
            identities.add(new Extension.PskIdentity(offer.ticket(), offer.obfuscatedAge(now)));
            placeholders.add(new byte[hashOf(offer).length()]);
        }
        Extension.PreSharedKeyClientHello placeholder = new Extension.PreSharedKeyClientHello(identities,
                placeholders);
        byte[] encoded = HandshakeCodec.encode(withExtension(hello, placeholder));
        // The binders list ends the message: u16 list length, then the u8-prefixed binders.
        int truncated = encoded.length - placeholder.bindersLength();
        List<byte[]> binders = new ArrayList<>(offers.size());
        int at = truncated + 2;
        for (ResumptionTicket offer : offers) {
            HashAlgorithm hash = hashOf(offer);
            byte[] binder = binder(crypto, hash, offer.pskType(), offer.psk(),
                    transcript.hashWith(hash, encoded, 0, truncated));
            System.arraycopy(binder, 0, encoded, at + 1, binder.length);
            at += 1 + binder.length;
            binders.add(binder);
        }
        transcript.add(encoded);
        out.sendHandshake(encoded);
        return withExtension(hello, new Extension.PreSharedKeyClientHello(identities, binders));
    }

    private static HashAlgorithm hashOf(ResumptionTicket offer) {
        return CipherSuiteParams.find(offer.cipherSuite()).orElseThrow().hash();
    }

    /**
     * A resumption PSK's binder over a truncated-ClientHello transcript hash (RFC 8446 §4.2.11.2).
     *
     * @param crypto the provider
     * @param hash the PSK's hash
     * @param psk the PSK, borrowed
     * @param truncatedHelloHash Transcript-Hash up to and excluding the binders list
     * @return the binder, HashLen bytes
     */
    static byte[] binder(CryptoProvider crypto, HashAlgorithm hash, byte[] psk, byte[] truncatedHelloHash) {
        return binder(crypto, hash, PskType.RESUMPTION, psk, truncatedHelloHash);
    }

    /**
     * A PSK's binder over a truncated-ClientHello transcript hash (RFC 8446 §4.2.11.2), "res binder" or "ext binder"
     * by its type (§7.1).
     *
     * @param crypto the provider
     * @param hash the PSK's hash
     * @param type where the PSK came from
     * @param psk the PSK, borrowed
     * @param truncatedHelloHash Transcript-Hash up to and excluding the binders list
     * @return the binder, HashLen bytes
     */
    static byte[] binder(CryptoProvider crypto, HashAlgorithm hash, PskType type, byte[] psk,
                         byte[] truncatedHelloHash) {
        EarlySecret early = EarlySecret.withPsk(crypto, hash, psk);
        try {
            return early.binder(type, truncatedHelloHash);
        } finally {
            early.destroy();
        }
    }

    /** {@code hello} with {@code last} appended after its extensions (pre_shared_key must be last, §4.2.11). */
    private static ClientHello withExtension(ClientHello hello, Extension last) {
        List<Extension> extensions = new ArrayList<>();
        for (Extension e : hello.extensions()) {
            extensions.add(e);
        }
        extensions.add(last);
        return new ClientHello(hello.legacyVersion(), hello.random(), hello.legacySessionId(), hello.cipherSuites(),
                new Extensions(extensions));
    }

    /**
     * Starts a client handshake with a prepared ClientHello and the key pairs behind its key_share
     * (for tests replaying a recorded trace). What the client offered is read from {@code hello}.
     *
     * @param config the client configuration (trust, credentials, crypto)
     * @param hello the ClientHello to send
     * @param shares the key pairs of its key_share entries, in the same order
     * @param peerHost the host name to verify, or {@code null}
     * @param out where effects go
     * @return the first state
     */
    static ClientState start(ClientConfig config, ClientHello hello, List<KeyExchange> shares, String peerHost,
                             HandshakeOutput out) {
        return start(config, hello, shares, peerHost, null, out);
    }

    private static ClientState start(ClientConfig config, ClientHello hello, List<KeyExchange> shares,
                                     String peerHost, ResumptionTicket tls12Offer, HandshakeOutput out) {
        Transcript transcript = Transcript.buffering(config.crypto());
        Messages.send(out, transcript, hello);
        return new ExpectServerHello(new Hello(config, Optional.ofNullable(peerHost), hello, transcript, false,
                List.of(), false), List.copyOf(shares), tls12Offer);
    }

    /**
     * The schemes with rsa_pkcs1_sha256/384/512 added: TLS 1.2 servers sign ServerKeyExchange with them (RFC 8446
     * §4.2.3 allows them in TLS 1.2 only; our TLS 1.3 client still refuses them in CertificateVerify).
     */
    private static List<SignatureScheme> withPkcs1(List<SignatureScheme> schemes) {
        List<SignatureScheme> l = new ArrayList<>(schemes);
        for (SignatureScheme s : List.of(SignatureScheme.RSA_PKCS1_SHA256, SignatureScheme.RSA_PKCS1_SHA384,
                SignatureScheme.RSA_PKCS1_SHA512)) {
            if (!l.contains(s)) {
                l.add(s);
            }
        }
        return l;
    }

    private static List<Extension.KeyShareEntry> entries(List<KeyExchange> shares) {
        List<Extension.KeyShareEntry> entries = new ArrayList<>(shares.size());
        for (KeyExchange share : shares) {
            entries.add(new Extension.KeyShareEntry(Negotiation.group(share.algorithm()), share.publicKey()));
        }
        return entries;
    }

    /** A client state (docs/architecture.md §5). */
    sealed interface ClientState extends HandshakeState {
        @Override
        HandshakeState on(HandshakeMessage message, byte[] encoded, int offset, int length, HandshakeOutput out)
                throws TlsException;

        @Override
        default HandshakeState on(HandshakeMessage message, byte[] encoded, HandshakeOutput out)
                throws TlsException {
            return on(message, encoded, 0, encoded.length, out);
        }
    }

    /**
     * What the client sent and the running transcript: the part of the handshake context that
     * travels through every state until Connected. The transcript is handed over, never shared.
     *
     * @param config the configuration
     * @param peerHost the host to verify the certificate against, if any
     * @param hello the ClientHello sent last (the second one after a HelloRetryRequest)
     * @param transcript the running transcript
     * @param changeCipherSpecSent whether the middlebox-compatibility CCS has been sent (RFC 8446 §D.4)
     * @param offered the tickets or external PSKs offered in the ClientHello's pre_shared_key, in identity order,
     *        empty for none (their PSKs are zeroed once the ServerHello is processed, a ticket's certificates stay
     *        for the session)
     * @param earlyData whether the ClientHello offered 0-RTT early data (RFC 8446 §4.2.10)
     */
    record Hello(ClientConfig config, Optional<String> peerHost, ClientHello hello, Transcript transcript,
                 boolean changeCipherSpecSent, List<ResumptionTicket> offered, boolean earlyData) {

        /** Zeroes the offered PSKs, if any. */
        void destroyOffer() {
            offered.forEach(ResumptionTicket::destroy);
        }

        boolean offeredMode(int mode) {
            return hello.extensions().find(Extension.PskKeyExchangeModes.class)
                    .map(m -> m.modes().contains(mode)).orElse(false);
        }

        List<NamedGroup> offeredGroups() {
            return hello.extensions().find(Extension.SupportedGroups.class)
                    .map(Extension.SupportedGroups::groups).orElse(List.of());
        }

        List<SignatureScheme> offeredSchemes() {
            return hello.extensions().find(Extension.SignatureAlgorithms.class)
                    .map(Extension.SignatureAlgorithms::schemes).orElse(List.of());
        }

        boolean middlebox() {
            return hello.legacySessionId().length > 0;
        }

        /** Checks what a ServerHello and a HelloRetryRequest share (RFC 8446 §4.1.3, §4.1.4). */
        CipherSuiteParams checkHello(ServerHello sh) throws TlsException {
            Negotiation.checkServerVersion(sh.legacyVersion(), sh.random(), sh.extensions());
            // RFC 8446 §4.1.3: "A client which receives a legacy_session_id_echo field that does not match
            // what it sent in the ClientHello MUST abort the handshake with an "illegal_parameter" alert."
            if (!Arrays.equals(sh.legacySessionIdEcho(), hello.legacySessionId())) {
                throw TlsException.misbehaved(PeerMisbehaved.SESSION_ID_MISMATCH);
            }
            // RFC 8446 §4.1.3: a suite the client did not offer is illegal_parameter.
            Optional<CipherSuiteParams> params = CipherSuiteParams.find(sh.cipherSuite());
            if (!hello.cipherSuites().contains(sh.cipherSuite()) || params.isEmpty()) {
                throw TlsException.misbehaved(PeerMisbehaved.UNOFFERED_CIPHER_SUITE, sh.cipherSuite().toString());
            }
            return params.get();
        }
    }

    /**
     * Waits for the ServerHello or a HelloRetryRequest (RFC 8446 §4.1.3, §4.1.4).
     *
     * @param hs what the client sent
     * @param shares the key pairs of its key_share
     * @param tls12Offer the TLS 1.2 session ticket offered in SessionTicket, or {@code null}: handed to the TLS 1.2
     *        continuation, destroyed when the server answers TLS 1.3
     */
    record ExpectServerHello(Hello hs, List<KeyExchange> shares, ResumptionTicket tls12Offer)
            implements ClientState, Handshaking {
        @Override
        public HandshakeState on(HandshakeMessage message, byte[] encoded, int offset, int length,
                                 HandshakeOutput out) throws TlsException {
            ServerHello sh = Messages.expect(message, ServerHello.class);
            Tls12Continuation tls12 = hs.config().tls12();
            boolean tls13 = hs.config().tls13();
            if (!tls13 && sh.extensions().contains(ExtensionType.SUPPORTED_VERSIONS)) {
                // RFC 8446 §4.2: "Implementations MUST NOT send extension responses if the remote endpoint did not
                // send the corresponding extension requests"; a TLS 1.2-only ClientHello has no supported_versions.
                throw TlsException.misbehaved(PeerMisbehaved.UNSOLICITED_EXTENSION,
                        "supported_versions in the ServerHello to a TLS 1.2-only ClientHello");
            }
            boolean tls12Chosen = tls12 != null && (!tls13 || !sh.isHelloRetryRequest()
                    && !sh.extensions().contains(ExtensionType.SUPPORTED_VERSIONS));
            if (tls12Offer != null && !tls12Chosen) {
                // TLS 1.3 was selected: the TLS 1.2 ticket is not used, and not offered again (RFC 5077 §3.4 and
                // RFC 8446 Appendix C.4 alike: a ticket used twice links the connections).
                tls12Offer.destroy();
            }
            if (tls12Chosen) {
                // RFC 8446 §4.2.1: no supported_versions, so the server chose TLS 1.2, which we offered.
                if (hs.earlyData()) {
                    // RFC 8446 §4.2.10: "A client that attempts to send 0-RTT data MUST fail a connection if it
                    // receives a ServerHello with TLS 1.2 or older"; protocol_version is §6.2's alert for a
                    // version the client will not continue with.
                    throw TlsException.incompatible(PeerIncompatible.NO_TLS13,
                            "the server answered TLS 1.2 to a ClientHello with 0-RTT early data");
                }
                Negotiation.checkTls12ServerHello(sh.legacyVersion(), sh.random(), tls13);
                for (KeyExchange share : shares) {
                    share.destroy();
                }
                // A TLS 1.3 ticket we offered cannot resume a TLS 1.2 session (RFC 8446 §4.6.1: tickets are
                // bound to their version).
                hs.destroyOffer();
                return tls12.afterServerHello(hs.config(), hs.peerHost().orElse(null), hs.hello(),
                        HandshakeCodec.encode(hs.hello()), sh, Arrays.copyOfRange(encoded, offset, offset + length),
                        tls12Offer);
            }
            if (!sh.isHelloRetryRequest()) {
                return serverHello(hs, shares, sh, encoded, offset, length, out, false);
            }
            CipherSuiteParams params = hs.checkHello(sh);
            for (Extension e : sh.extensions()) {
                // RFC 8446 §4.1.4: a HelloRetryRequest carries supported_versions, key_share and cookie only;
                // anything else was not requested (§4.2: unsupported_extension).
                if (!e.type().equals(ExtensionType.SUPPORTED_VERSIONS) && !e.type().equals(ExtensionType.KEY_SHARE)
                        && !e.type().equals(ExtensionType.COOKIE)) {
                    throw TlsException.misbehaved(PeerMisbehaved.UNSOLICITED_EXTENSION,
                            e.type() + " in HelloRetryRequest");
                }
            }
            Optional<NamedGroup> selected = sh.extensions().find(Extension.KeyShareHelloRetryRequest.class)
                    .map(Extension.KeyShareHelloRetryRequest::selectedGroup);
            Optional<Extension.Cookie> cookie = sh.extensions().find(Extension.Cookie.class);
            Optional<KeyExchangeAlgorithm> algorithm = Optional.empty();
            if (selected.isPresent()) {
                NamedGroup group = selected.get();
                // RFC 8446 §4.2.8: the selected_group must be in supported_groups and must not be a group
                // for which the client already sent a share; otherwise illegal_parameter.
                algorithm = Negotiation.keyExchange(group);
                if (!hs.offeredGroups().contains(group) || algorithm.isEmpty()) {
                    throw TlsException.misbehaved(PeerMisbehaved.UNOFFERED_GROUP, group.toString());
                }
                for (KeyExchange share : shares) {
                    if (share.algorithm() == algorithm.get()) {
                        throw TlsException.misbehaved(PeerMisbehaved.KEY_SHARE_ALREADY_SENT, group.toString());
                    }
                }
            } else if (cookie.isEmpty()) {
                // RFC 8446 §4.1.4: a HelloRetryRequest that would not change the ClientHello is illegal_parameter.
                throw TlsException.misbehaved(PeerMisbehaved.HELLO_RETRY_REQUEST_CHANGES_NOTHING);
            }

            if (hs.earlyData()) {
                // RFC 8446 §4.1.2: a HelloRetryRequest rejects the early data; none follows ClientHello2.
                out.endEarlyData(null);
            }
            hs.transcript().selectHash(params.hash());
            hs.transcript().addHelloRetryRequest(encoded, offset, length);
            List<ResumptionTicket> offer = new ArrayList<>(hs.offered().size());
            for (ResumptionTicket t : hs.offered()) {
                if (hashOf(t) == params.hash()) {
                    offer.add(t);
                } else {
                    // RFC 8446 §4.1.4: the client "MUST" remove PSKs incompatible with the HelloRetryRequest's
                    // suite (their hash differs) from ClientHello2.
                    t.destroy();
                }
            }
            List<KeyExchange> newShares = shares;
            if (algorithm.isPresent()) {
                destroyAll(shares);
                newShares = List.of(hs.config().crypto().generateKeyExchange(algorithm.get()));
            }
            ClientHello second = secondHello(hs.hello(), newShares, cookie);
            boolean ccs = hs.changeCipherSpecSent();
            if (hs.middlebox() && !ccs) {
                // RFC 8446 §D.4: the dummy change_cipher_spec goes before the second flight, here ClientHello2.
                out.sendChangeCipherSpec();
                ccs = true;
            }
            if (!offer.isEmpty()) {
                // RFC 8446 §4.1.2, §4.2.11.2: the PSK is offered again with its age updated and a binder over
                // message_hash, the HelloRetryRequest and the truncated ClientHello2.
                second = sendWithPsks(out, hs.transcript(), second, offer, hs.config().crypto());
            } else {
                Messages.send(out, hs.transcript(), second);
            }
            return new ExpectServerHelloAfterRetry(
                    new Hello(hs.config(), hs.peerHost(), second, hs.transcript(), ccs, List.copyOf(offer), false),
                    newShares,
                    sh.cipherSuite());
        }

        @Override
        public void destroy() {
            destroyAll(shares);
            hs.destroyOffer();
            if (tls12Offer != null) {
                tls12Offer.destroy();
            }
        }
    }

    /**
     * RFC 8446 §4.1.2: ClientHello2 is ClientHello1 with key_share replaced by the requested group's
     * share, early_data removed and the cookie echoed; without pre_shared_key, which the caller adds back
     * last with a new binder when the PSK still fits.
     */
    private static ClientHello secondHello(ClientHello first, List<KeyExchange> shares,
                                           Optional<Extension.Cookie> cookie) {
        List<Extension> extensions = new ArrayList<>();
        for (Extension e : first.extensions()) {
            if (e.type().equals(ExtensionType.KEY_SHARE)) {
                extensions.add(new Extension.KeyShareClientHello(entries(shares)));
            } else if (!e.type().equals(ExtensionType.EARLY_DATA) && !e.type().equals(ExtensionType.COOKIE)
                    && !e.type().equals(ExtensionType.PRE_SHARED_KEY)) {
                extensions.add(e);
            }
        }
        cookie.ifPresent(extensions::add);
        return new ClientHello(first.legacyVersion(), first.random(), first.legacySessionId(), first.cipherSuites(),
                new Extensions(extensions));
    }

    /** Waits for the ServerHello after a HelloRetryRequest (RFC 8446 §4.1.4). */
    record ExpectServerHelloAfterRetry(Hello hs, List<KeyExchange> shares, CipherSuite retrySuite)
            implements ClientState, Handshaking {
        @Override
        public ClientState on(HandshakeMessage message, byte[] encoded, int offset, int length, HandshakeOutput out)
                throws TlsException {
            ServerHello sh = Messages.expect(message, ServerHello.class);
            if (sh.isHelloRetryRequest()) {
                // RFC 8446 §4.1.4: "If a client receives a second HelloRetryRequest in the same connection
                // ..., it MUST abort the handshake with an "unexpected_message" alert."
                throw TlsException.misbehaved(PeerMisbehaved.SECOND_HELLO_RETRY_REQUEST);
            }
            if (!sh.cipherSuite().equals(retrySuite)) {
                // RFC 8446 §4.1.4: the ServerHello's suite must be the HelloRetryRequest's (illegal_parameter).
                throw TlsException.misbehaved(PeerMisbehaved.HELLO_RETRY_REQUEST_SUITE_CHANGED,
                        retrySuite + " then " + sh.cipherSuite());
            }
            return serverHello(hs, shares, sh, encoded, offset, length, out, true);
        }

        @Override
        public void destroy() {
            destroyAll(shares);
            hs.destroyOffer();
        }
    }

    private static ClientState serverHello(Hello hs, List<KeyExchange> shares, ServerHello sh, byte[] encoded,
                                           int offset, int length, HandshakeOutput out, boolean retried)
            throws TlsException {
        CipherSuiteParams params = hs.checkHello(sh);
        // RFC 8446 §4.2: only extensions the ClientHello asked for may appear (unsupported_extension); so a
        // pre_shared_key here means we offered one.
        Messages.checkSolicited(sh.extensions(), hs.hello().extensions(), "ServerHello");
        Optional<Extension.PreSharedKeyServerHello> selected = sh.extensions()
                .find(Extension.PreSharedKeyServerHello.class);
        Optional<ResumptionTicket> resumed = Optional.empty();
        if (selected.isPresent()) {
            if (hs.offered().isEmpty()) {
                throw TlsException.misbehaved(PeerMisbehaved.UNSOLICITED_EXTENSION, "pre_shared_key in ServerHello");
            }
            // RFC 8446 §4.2.11: "Clients MUST verify that the server's selected_identity is within the range
            // supplied by the client, that the server selected a cipher suite indicating a Hash associated with
            // the PSK, and that a server "key_share" extension is present if required by the ClientHello
            // "psk_key_exchange_modes" extension. If these values are not consistent, the client MUST abort
            // the handshake with an "illegal_parameter" alert."
            int index = selected.get().selectedIdentity();
            if (index < 0 || index >= hs.offered().size()) {
                throw TlsException.misbehaved(PeerMisbehaved.INVALID_PSK_IDENTITY,
                        "selected_identity " + index + " of " + hs.offered().size() + " offered");
            }
            ResumptionTicket ticket = hs.offered().get(index);
            if (hashOf(ticket) != params.hash()) {
                throw TlsException.misbehaved(PeerMisbehaved.ILLEGAL_PARAMETER, sh.cipherSuite()
                        + " does not have the hash of the PSK's suite " + ticket.cipherSuite());
            }
            resumed = Optional.of(ticket);
        } else if (hs.config().externalPskRequired()) {
            // docs/architecture.md §15: the server declined our external PSK and the application configured no
            // trust to verify a certificate with, so the server cannot be authenticated at all.
            throw TlsException.incompatible(PeerIncompatible.NO_PSK_IN_COMMON, "the server did not select our"
                    + " external PSK, and no trust manager is configured for a certificate handshake");
        }
        Optional<Extension.KeyShareEntry> serverShare = sh.extensions().find(Extension.KeyShareServerHello.class)
                .map(Extension.KeyShareServerHello::entry);
        if (serverShare.isEmpty()) {
            if (resumed.isEmpty()) {
                // RFC 8446 §9.2: a handshake without a PSK needs key_share (missing_extension).
                throw TlsException.misbehaved(PeerMisbehaved.MISSING_EXTENSION, "ServerHello without key_share");
            }
            if (!hs.offeredMode(Extension.PskKeyExchangeModes.PSK_KE)) {
                // RFC 8446 §4.2.11 (quoted above): we offered psk_dhe_ke only, which requires key_share.
                throw TlsException.misbehaved(PeerMisbehaved.ILLEGAL_PARAMETER,
                        "psk_ke chosen but only psk_dhe_ke offered");
            }
        } else if (resumed.isPresent() && !hs.offeredMode(Extension.PskKeyExchangeModes.PSK_DHE_KE)) {
            // RFC 8446 §4.2.9: "Servers MUST NOT select a key exchange mode that is not listed by the client";
            // §4.2.11: inconsistent with psk_key_exchange_modes is illegal_parameter.
            throw TlsException.misbehaved(PeerMisbehaved.ILLEGAL_PARAMETER,
                    "psk_dhe_ke chosen but only psk_ke offered");
        }
        byte[] shared = null;
        NamedGroup group = null;
        if (serverShare.isPresent()) {
            group = serverShare.get().group();
            shared = sharedSecret(hs, shares, serverShare.get());
        }
        destroyAll(shares);
        Transcript transcript = hs.transcript();
        transcript.selectHash(params.hash());
        transcript.add(encoded, offset, length);
        CryptoProvider crypto = hs.config().crypto();
        EarlySecret early = resumed.isPresent() ? EarlySecret.withPsk(crypto, params.hash(), resumed.get().psk())
                : EarlySecret.withoutPsk(crypto, params.hash());
        // The PSK is in the early secret now; a ticket the server declined is discarded (used once, C.4).
        hs.destroyOffer();
        Secrets.HandshakeTraffic secrets = Secrets.handshake(early, shared, transcript.currentHash(),
                hs.hello().random(), out);
        out.installReadKeys(secrets.server().keys(params.aead()));
        return new ExpectEncryptedExtensions(new Keyed(hs, params, group, retried, secrets, resumed));
    }

    /** The (EC)DHE shared secret with the server's share, which must be in a group we sent a share for. */
    private static byte[] sharedSecret(Hello hs, List<KeyExchange> shares, Extension.KeyShareEntry serverShare)
            throws TlsException {
        // RFC 8446 §4.2.8: the server's share "MUST be in the same group as one of the client's shares"
        // (illegal_parameter).
        KeyExchange share = null;
        for (KeyExchange candidate : shares) {
            if (Negotiation.keyExchange(serverShare.group()).orElse(null) == candidate.algorithm()) {
                share = candidate;
            }
        }
        if (share == null || !hs.offeredGroups().contains(serverShare.group())) {
            throw TlsException.misbehaved(PeerMisbehaved.UNOFFERED_GROUP,
                    serverShare.group() + " has no client share");
        }
        return Negotiation.decapsulate(share, serverShare.keyExchange());
    }

    private static void destroyAll(List<KeyExchange> shares) {
        for (KeyExchange share : shares) {
            share.destroy();
        }
    }

    /**
     * The handshake context once the ServerHello is processed.
     *
     * @param hs what was sent, and the transcript
     * @param params the suite
     * @param group the key exchange group, or {@code null} for psk_ke (RFC 8446 §4.2.9)
     * @param retried whether a HelloRetryRequest happened
     * @param secrets the handshake-stage secrets
     * @param resumed the ticket the server accepted (its PSK already zeroed), if it did
     */
    record Keyed(Hello hs, CipherSuiteParams params, NamedGroup group, boolean retried,
                 Secrets.HandshakeTraffic secrets, Optional<ResumptionTicket> resumed) {
        Transcript transcript() {
            return hs.transcript();
        }
    }

    /** A state after the ServerHello: it holds the handshake secrets, which destroy() destroys. */
    sealed interface KeyedState extends ClientState, Handshaking {
        Keyed k();

        @Override
        default void destroy() {
            k().secrets().destroy();
        }
    }

    /** Waits for EncryptedExtensions (RFC 8446 §4.3.1). */
    record ExpectEncryptedExtensions(Keyed k) implements KeyedState {
        @Override
        public ClientState on(HandshakeMessage message, byte[] encoded, int offset, int length, HandshakeOutput out)
                throws TlsException {
            EncryptedExtensions ee = Messages.expect(message, EncryptedExtensions.class);
            Extensions sent = k.hs().hello().extensions();
            Messages.checkSolicited(ee.extensions(), sent, "EncryptedExtensions");
            Optional<String> alpn = Optional.empty();
            Optional<Extension.Alpn> reply = ee.extensions().find(Extension.Alpn.class);
            if (reply.isPresent()) {
                // RFC 7301 §3.1: the reply "MUST contain exactly one "ProtocolName"", one the client offered.
                List<byte[]> protocols = reply.get().protocols();
                List<byte[]> offered = sent.find(Extension.Alpn.class).orElseThrow().protocols();
                if (protocols.size() != 1 || offered.stream().noneMatch(p -> Arrays.equals(p, protocols.get(0)))) {
                    throw TlsException.misbehaved(PeerMisbehaved.ILLEGAL_PARAMETER,
                            "ALPN reply " + reply.get().names() + " is not one protocol we offered");
                }
                alpn = Optional.of(reply.get().names().get(0));
            }
            Optional<Extension.ServerName> sni = ee.extensions().find(Extension.ServerName.class);
            if (sni.isPresent() && !sni.get().names().isEmpty()) {
                // RFC 6066 §3: the server's server_name "SHALL be empty".
                throw TlsException.misbehaved(PeerMisbehaved.ILLEGAL_PARAMETER, "non-empty server_name reply");
            }
            boolean earlyDataAccepted = ee.extensions().find(Extension.EarlyData.class).isPresent();
            if (earlyDataAccepted) {
                // RFC 8446 §4.2.10: "If the server supplies an "early_data" extension, the client MUST verify that
                // the server's selected_identity is 0. If any other value is returned, the client MUST abort the
                // handshake with an "illegal_parameter" alert." (checkSolicited: it was offered; no PSK selected
                // is not identity 0.) The server must also have kept the PSK's ALPN protocol (§4.2.10).
                if (k.resumed().isEmpty()) {
                    throw TlsException.misbehaved(PeerMisbehaved.ILLEGAL_PARAMETER,
                            "early_data accepted without the PSK selected");
                }
                if (!Objects.equals(alpn.orElse(null), k.resumed().get().applicationProtocol())) {
                    throw TlsException.misbehaved(PeerMisbehaved.ILLEGAL_PARAMETER,
                            "early_data accepted with ALPN " + alpn.orElse(null) + ", not the session's "
                                    + k.resumed().get().applicationProtocol());
                }
            } else if (k.hs().earlyData()) {
                // RFC 8446 §4.2.10: no early_data in EncryptedExtensions: the server skipped our 0-RTT records.
                out.endEarlyData(null);
            }
            k.transcript().add(encoded, offset, length);
            if (k.resumed().isPresent()) {
                return new ExpectResumedFinished(k, alpn, earlyDataAccepted);
            }
            return new ExpectCertificateOrCertificateRequest(k, alpn);
        }
    }

    /** Waits for CertificateRequest or the server Certificate (RFC 8446 §4.3.2, §4.4.2). */
    record ExpectCertificateOrCertificateRequest(Keyed k, Optional<String> alpn) implements KeyedState {
        @Override
        public ClientState on(HandshakeMessage message, byte[] encoded, int offset, int length, HandshakeOutput out)
                throws TlsException {
            if (!(message instanceof CertificateRequest)) {
                // Anything else must be the server Certificate; ExpectCertificate enforces that.
                return new ExpectCertificate(k, alpn, Optional.empty()).on(message, encoded, offset, length, out);
            }
            CertificateRequest request = (CertificateRequest) message;
            // RFC 8446 §4.3.2: the context "SHALL be zero length unless used for the post-handshake
            // authentication exchanges".
            if (request.certificateRequestContext().length != 0) {
                throw TlsException.misbehaved(PeerMisbehaved.BAD_CERTIFICATE_REQUEST_CONTEXT,
                        "non-empty context in a handshake CertificateRequest");
            }
            // RFC 8446 §4.3.2: "The "signature_algorithms" extension MUST be specified" (§9.2: missing_extension).
            if (request.extensions().find(Extension.SignatureAlgorithms.class).isEmpty()) {
                throw TlsException.misbehaved(PeerMisbehaved.MISSING_EXTENSION,
                        "CertificateRequest without signature_algorithms");
            }
            k.transcript().add(encoded, offset, length);
            return new ExpectCertificate(k, alpn, Optional.of(request));
        }
    }

    /** Waits for the server Certificate (RFC 8446 §4.4.2). */
    record ExpectCertificate(Keyed k, Optional<String> alpn, Optional<CertificateRequest> request)
            implements KeyedState {
        @Override
        public ClientState on(HandshakeMessage message, byte[] encoded, int offset, int length, HandshakeOutput out)
                throws TlsException {
            Certificate certificate = Messages.expect(message, Certificate.class);
            // RFC 8446 §4.4.2: "in the case of server authentication, this field SHALL be zero length".
            if (certificate.certificateRequestContext().length != 0) {
                throw TlsException.misbehaved(PeerMisbehaved.BAD_CERTIFICATE_REQUEST_CONTEXT,
                        "non-empty context in the server Certificate");
            }
            // RFC 8446 §4.4.2.4: an empty server Certificate is decode_error.
            if (certificate.entries().isEmpty()) {
                throw TlsException.misbehaved(PeerMisbehaved.EMPTY_CERTIFICATE);
            }
            Messages.checkCertificateExtensions(certificate, k.hs().hello().extensions());
            CertificateVerified chain = Proofs.verifyServerChain(certificate, k.hs().config(),
                    k.hs().peerHost().orElse(null));
            k.transcript().add(encoded, offset, length);
            return new ExpectCertificateVerify(k, alpn, request, chain);
        }
    }

    /** Waits for the server CertificateVerify (RFC 8446 §4.4.3). */
    record ExpectCertificateVerify(Keyed k, Optional<String> alpn, Optional<CertificateRequest> request,
                                   CertificateVerified chain) implements KeyedState {
        @Override
        public ClientState on(HandshakeMessage message, byte[] encoded, int offset, int length, HandshakeOutput out)
                throws TlsException {
            CertificateVerify verify = Messages.expect(message, CertificateVerify.class);
            SignatureVerified signature = Proofs.verifySignature(k.hs().config().crypto(), verify, chain,
                    k.hs().offeredSchemes(), true, k.transcript().currentHash());
            k.transcript().add(encoded, offset, length);
            return new ExpectFinished(k, alpn, request, chain, signature);
        }
    }

    /** Waits for the server Finished, then sends the client's second flight (RFC 8446 §4.4.4). */
    record ExpectFinished(Keyed k, Optional<String> alpn, Optional<CertificateRequest> request,
                          CertificateVerified chain, SignatureVerified signature) implements KeyedState {
        @Override
        public ClientState on(HandshakeMessage message, byte[] encoded, int offset, int length, HandshakeOutput out)
                throws TlsException {
            Finished finished = Messages.expect(message, Finished.class);
            FinishedVerified verified = Proofs.verifyFinished(finished, k.secrets().server(),
                    k.transcript().currentHash());
            Optional<CertificateSelector.Selection> credential = request.isPresent()
                    ? selectCredential(k.hs().config(), request.get()) : Optional.empty();
            k.transcript().add(encoded, offset, length);
            Flight flight = secondFlight(k, request, credential, false, out);
            HandshakeSummary session = new HandshakeSummary(k.params().suite(), k.group(), signature.scheme(),
                    flight.localScheme(), alpn.orElse(null), serverName(k), chain.chain(), flight.localChain(),
                    k.retried(), false, false);
            Connected connected = new Connected(flight.traffic(), session, verified, chain, signature);
            out.handshakeComplete(session);
            return connected;
        }
    }

    /**
     * Waits for the server Finished of a resumed handshake (RFC 8446 §2.2): the PSK authenticates the server,
     * so no Certificate, CertificateVerify or CertificateRequest comes (§4.3.2: a server authenticating with
     * a PSK "MUST NOT send the CertificateRequest"); any of them is unexpected_message.
     */
    record ExpectResumedFinished(Keyed k, Optional<String> alpn, boolean earlyDataAccepted) implements KeyedState {
        @Override
        public ClientState on(HandshakeMessage message, byte[] encoded, int offset, int length, HandshakeOutput out)
                throws TlsException {
            Finished finished = Messages.expect(message, Finished.class);
            FinishedVerified verified = Proofs.verifyFinished(finished, k.secrets().server(),
                    k.transcript().currentHash());
            k.transcript().add(encoded, offset, length);
            Flight flight = secondFlight(k, Optional.empty(), Optional.empty(), earlyDataAccepted, out);
            ResumptionTicket ticket = k.resumed().orElseThrow();
            // An external PSK's handshake is not a resumption: it reports resumed false and no peer certificates.
            HandshakeSummary session = new HandshakeSummary(k.params().suite(), k.group(), null, null,
                    alpn.orElse(null), serverName(k), ticket.peerCertificates(), List.of(), k.retried(),
                    ticket.pskType() == PskType.RESUMPTION, earlyDataAccepted,
                    ticket.externalIdentity());
            ConnectedByPsk connected = new ConnectedByPsk(flight.traffic(), session, verified);
            out.handshakeComplete(session);
            return connected;
        }
    }

    private static String serverName(Keyed k) {
        return k.hs().hello().extensions().find(Extension.ServerName.class)
                .flatMap(Extension.ServerName::hostName).orElse(null);
    }

    /**
     * What the client's second flight leaves behind.
     *
     * @param traffic the application traffic secrets and the resumption master secret
     * @param localChain the chain we sent, empty for none
     * @param localScheme the scheme of our CertificateVerify, or {@code null}
     */
    private record Flight(Traffic traffic, List<X509Certificate> localChain, SignatureScheme localScheme) {
    }

    /**
     * After a verified server Finished (already in the transcript): installs the application read keys, sends
     * [CCS] [Certificate [CertificateVerify]] Finished, installs the application write keys, derives the
     * resumption master secret and destroys the handshake secrets (RFC 8446 §4.4, §7.1).
     */
    private static Flight secondFlight(Keyed k, Optional<CertificateRequest> request,
                                       Optional<CertificateSelector.Selection> credential, boolean endOfEarlyData,
                                       HandshakeOutput out) throws TlsException {
        Transcript transcript = k.transcript();
        ClientConfig config = k.hs().config();
        byte[] clientRandom = k.hs().hello().random();
        Secrets.ApplicationTraffic application = Secrets.application(k.secrets().master(),
                transcript.currentHash(), clientRandom, out);
        out.installReadKeys(application.server().keys(k.params().aead()));
        if (endOfEarlyData) {
            // RFC 8446 §4.5: accepted 0-RTT ends with EndOfEarlyData under the early keys, after the server's
            // Finished (the application secrets above exclude it, §7.1) and before the client's Finished.
            byte[] eoed = HandshakeCodec.encode(new EndOfEarlyData());
            transcript.add(eoed);
            out.endEarlyData(eoed);
        }
        if (k.hs().middlebox() && !k.hs().changeCipherSpecSent()) {
            // RFC 8446 §D.4: the dummy change_cipher_spec goes before the client's second flight.
            out.sendChangeCipherSpec();
        }
        out.installWriteKeys(k.secrets().client().keys(k.params().aead()));
        List<X509Certificate> localChain = List.of();
        SignatureScheme localScheme = null;
        if (request.isPresent()) {
            byte[] context = request.get().certificateRequestContext();
            localChain = credential.map(c -> c.certifiedKey().chain()).orElse(List.of());
            Messages.send(out, transcript, Messages.certificate(context, localChain));
            if (credential.isPresent()) {
                localScheme = credential.get().scheme();
                Messages.send(out, transcript, Proofs.sign(config.crypto(), localScheme,
                        credential.get().certifiedKey().key(), false, transcript.currentHash()));
            }
        }
        byte[] verifyData = k.secrets().client().finishedVerifyData(transcript.currentHash());
        Messages.send(out, transcript, new Finished(verifyData));
        out.installWriteKeys(application.client().keys(k.params().aead()));
        ResumptionMasterSecret resumption = k.secrets().master().resumptionMasterSecret(transcript.currentHash());
        k.secrets().destroy();
        Traffic traffic = new Traffic(k.params().aead(), true, application.server(), application.client(),
                resumption, clientRandom);
        return new Flight(traffic, localChain, localScheme);
    }

    /**
     * The client's certificate for a CertificateRequest (RFC 8446 §4.4.2.3): one of ours that signs
     * with a scheme the server asked for and, when the server names certificate authorities, whose
     * chain involves one of them; none is an empty Certificate.
     */
    private static Optional<CertificateSelector.Selection> selectCredential(ClientConfig config,
                                                                            CertificateRequest request)
            throws TlsException {
        List<SignatureScheme> schemes = request.extensions().find(Extension.SignatureAlgorithms.class)
                .map(Extension.SignatureAlgorithms::schemes).orElse(List.of());
        List<SignatureScheme> certSchemes = request.extensions().find(Extension.SignatureAlgorithmsCert.class)
                .map(Extension.SignatureAlgorithmsCert::schemes).orElse(null);
        Optional<Extension.CertificateAuthorities> authorities =
                request.extensions().find(Extension.CertificateAuthorities.class);
        // RFC 8446 §4.2.4: certificate_authorities "SHOULD be used by the receiving endpoint to guide
        // certificate selection". Like the JDK's key managers, we send only a chain that involves a listed
        // authority (as issuer or subject anywhere in the chain): another one would be refused anyway, and an
        // empty Certificate lets a server with optional client authentication carry on.
        List<CertifiedKey> candidates = new ArrayList<>();
        for (CertifiedKey key : config.clientCredentials()) {
            boolean canSign = key.schemes().stream().anyMatch(scheme -> schemes.contains(scheme)
                    && config.signatureSchemes().contains(scheme)
                    && SignatureSchemes.allowedInCertificateVerify(scheme));
            if (canSign && (authorities.isEmpty() || issuedBy(key, authorities.get()))) {
                candidates.add(key);
            }
        }
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new CertificateSelector(candidates, config.signatureSchemes()).select(schemes, certSchemes));
    }

    private static boolean issuedBy(CertifiedKey key, Extension.CertificateAuthorities authorities) {
        for (X509Certificate certificate : key.chain()) {
            byte[] issuer = certificate.getIssuerX500Principal().getEncoded();
            byte[] subject = certificate.getSubjectX500Principal().getEncoded();
            for (byte[] name : authorities.distinguishedNames()) {
                if (Arrays.equals(name, issuer) || Arrays.equals(name, subject)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The handshake is complete: application data flows, and post-handshake messages are handled
     * (RFC 8446 §4.6). Requires the proofs that the server was authenticated.
     *
     * @param traffic the application traffic secrets
     * @param session what was negotiated
     * @param finished proof that the server Finished verified
     * @param chain proof that the server chain was validated
     * @param signature proof that the server CertificateVerify verified
     */
    record Connected(Traffic traffic, HandshakeSummary session, FinishedVerified finished, CertificateVerified chain,
                     SignatureVerified signature) implements ClientState {

        /** Refuses a missing proof (docs/architecture.md §5): a client connects only to an authenticated server. */
        Connected {
            Objects.requireNonNull(traffic, "traffic");
            Objects.requireNonNull(session, "session");
            Objects.requireNonNull(finished, "finished");
            Objects.requireNonNull(chain, "chain");
            Objects.requireNonNull(signature, "signature");
        }

        @Override
        public ClientState on(HandshakeMessage message, byte[] encoded, int offset, int length, HandshakeOutput out)
                throws TlsException {
            return new Connected(traffic.on(message, out), session, finished, chain, signature);
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
            return new Connected(traffic.updateWrite(requestPeerUpdate, out), session, finished, chain, signature);
        }

        @Override
        public void destroy() {
            traffic.destroy();
        }
    }

    /**
     * A resumed handshake is complete (RFC 8446 §2.2): the server proved it holds the PSK of a ticket from an
     * earlier, certificate-authenticated session of ours by its Finished, computed from keys only that PSK
     * yields; or, with an external PSK (§4.2.11), that it holds the key provisioned for it. Application data and
     * post-handshake messages as in {@link Connected}.
     *
     * @param traffic the application traffic secrets
     * @param session what was negotiated ({@code resumed}, the original session's peer certificates)
     * @param finished proof that the server Finished verified
     */
    record ConnectedByPsk(Traffic traffic, HandshakeSummary session, FinishedVerified finished)
            implements ClientState {

        /** Refuses a missing proof (docs/architecture.md §5). */
        ConnectedByPsk {
            Objects.requireNonNull(traffic, "traffic");
            Objects.requireNonNull(session, "session");
            Objects.requireNonNull(finished, "finished");
        }

        @Override
        public ClientState on(HandshakeMessage message, byte[] encoded, int offset, int length, HandshakeOutput out)
                throws TlsException {
            return new ConnectedByPsk(traffic.on(message, out), session, finished);
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
            return new ConnectedByPsk(traffic.updateWrite(requestPeerUpdate, out), session, finished);
        }

        @Override
        public void destroy() {
            traffic.destroy();
        }
    }
}
