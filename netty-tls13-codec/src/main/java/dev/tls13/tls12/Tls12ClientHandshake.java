package dev.tls13.tls12;

import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.InvalidKeyShareException;
import dev.tls13.crypto.KeyExchange;
import dev.tls13.crypto.KeyExchangeAlgorithm;
import dev.tls13.crypto.SignatureAlgorithm;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.handshake.CertifiedKey;
import dev.tls13.handshake.HandshakeSummary;
import dev.tls13.handshake.ResumptionTicket;
import dev.tls13.handshake.SignatureSchemes;
import dev.tls13.keys.Tls12KeyBlock;
import dev.tls13.keys.Tls12MasterSecret;
import dev.tls13.record.Tls12CipherSuiteParams;
import dev.tls13.tls12.Tls12Proofs.ChainVerified;
import dev.tls13.tls12.Tls12Proofs.FinishedVerified;
import dev.tls13.tls12.Tls12Proofs.ServerKeyExchangeVerified;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.CertificateVerify;
import dev.tls13.wire.ClientKeyExchange;
import dev.tls13.wire.Extension;
import dev.tls13.wire.ExtensionType;
import dev.tls13.wire.Finished;
import dev.tls13.wire.HandshakeMessage;
import dev.tls13.wire.HelloRequest;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.ServerHello;
import dev.tls13.wire.ServerHelloDone;
import dev.tls13.wire.ServerKeyExchange;
import dev.tls13.wire.SignatureScheme;
import dev.tls13.wire.Tls12Certificate;
import dev.tls13.wire.Tls12CertificateRequest;
import dev.tls13.wire.Tls12Extensions;
import dev.tls13.wire.Tls12HandshakeCodec;
import dev.tls13.wire.Tls12NewSessionTicket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The TLS 1.2 client state machine (RFC 5246 §7.3), after a ServerHello that selected TLS 1.2
 * (docs/architecture.md §16). States are records in protocol order, each named for what it expects next:
 * <pre>
 * afterServerHello ─► ExpectCertificate ─► ExpectServerKeyExchange ─► ExpectCertificateRequestOrServerHelloDone
 *   [─► ExpectServerHelloDone]  ─ sends [Certificate] ClientKeyExchange [CertificateVerify] CCS Finished ─►
 *   ExpectChangeCipherSpec [NewSessionTicket] ─(server CCS: read keys)─► ExpectFinished ─► Connected
 *
 * afterServerHello echoing our session_id for the ticket we offered (RFC 5077 §3.4, the abbreviated handshake of
 *   RFC 5246 §7.3) ─► ExpectResumedChangeCipherSpec [NewSessionTicket] ─(server CCS: read keys)─►
 *   ExpectResumedFinished ─ sends CCS (write keys) Finished ─► Connected
 * </pre>
 * A ChangeCipherSpec is a real state change here ({@link Tls12ClientState#onChangeCipherSpec}): only
 * ExpectChangeCipherSpec accepts one; anywhere else, in particular before our ClientKeyExchange (the early-CCS
 * attack class), it is unexpected_message, and so is a Finished without a CCS before it.
 */
public final class Tls12ClientHandshake {

    private static final int VERSION_TLS12 = 0x0303;

    private Tls12ClientHandshake() {
    }

    /** One state of the TLS 1.2 client. */
    public sealed interface Tls12ClientState permits ExpectCertificate, ExpectServerKeyExchange,
            ExpectCertificateRequestOrServerHelloDone, ExpectServerHelloDone, ExpectChangeCipherSpec, ExpectFinished,
            ExpectResumedChangeCipherSpec, ExpectResumedFinished, Connected {

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
        Tls12ClientState on(HandshakeMessage message, byte[] encoded, int offset, int length, Tls12Output out)
                throws TlsException;

        /**
         * Handles a ChangeCipherSpec record.
         *
         * @param out where effects go
         * @return the next state
         * @throws TlsException unexpected_message everywhere but in ExpectChangeCipherSpec
         */
        default Tls12ClientState onChangeCipherSpec(Tls12Output out) throws TlsException {
            // RFC 5246 §7.1: the CCS comes only right before the peer's Finished; earlier it would switch keys
            // before they exist (the early-CCS attack class), later it would be renegotiation.
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
     * Checks a ServerHello that selected TLS 1.2 and starts the TLS 1.2 machine. The caller has checked the
     * version negotiation (no supported_versions, legacy_version 0x0303, TLS 1.2 enabled, no downgrade
     * sentinel when TLS 1.3 was offered) and added nothing to a transcript yet.
     *
     * @param context what the ClientHello offered
     * @param serverHello the ServerHello
     * @param clientHello the encoded ClientHello, header included
     * @param encodedServerHello the encoded ServerHello, header included
     * @return the first TLS 1.2 state
     * @throws TlsException illegal_parameter for a suite we did not offer (or not the resumed session's), for a
     *         non-empty SessionTicket or for our session_id echoed without a ticket offered, unsupported_extension
     *         for an extension we did not offer, handshake_failure without extended_master_secret (when required) or
     *         with a non-empty renegotiation_info
     */
    public static Tls12ClientState afterServerHello(Tls12ClientContext context, ServerHello serverHello,
                                                    byte[] clientHello, byte[] encodedServerHello)
            throws TlsException {
        ResumptionTicket offered = context.offeredTicket();
        try {
            return afterServerHello(context, serverHello, clientHello, encodedServerHello, offered);
        } finally {
            // Used once whatever the outcome (RFC 5077 §3.4; a resumption copied its master secret).
            if (offered != null) {
                offered.destroy();
            }
        }
    }

    private static Tls12ClientState afterServerHello(Tls12ClientContext context, ServerHello serverHello,
                                                     byte[] clientHello, byte[] encodedServerHello,
                                                     ResumptionTicket offered) throws TlsException {
        if (serverHello.legacyVersion() != VERSION_TLS12) {
            throw TlsException.misbehaved(PeerMisbehaved.UNOFFERED_VERSION,
                    String.format("ServerHello.server_version 0x%04X", serverHello.legacyVersion()));
        }
        Tls12CipherSuiteParams suite = null;
        for (Tls12CipherSuiteParams p : context.suites()) {
            if (p.suite().equals(serverHello.cipherSuite())) {
                suite = p;
            }
        }
        if (suite == null) {
            // RFC 5246 §7.4.1.3: cipher_suite is "selected by the server from the list in ClientHello".
            throw TlsException.misbehaved(PeerMisbehaved.UNOFFERED_CIPHER_SUITE, serverHello.cipherSuite().toString());
        }
        boolean extendedMasterSecret = false;
        boolean ticketPromised = false;
        String alpn = null;
        for (Extension e : serverHello.extensions()) {
            ExtensionType type = e.type();
            if (type.equals(ExtensionType.EXTENDED_MASTER_SECRET)) {
                Tls12Extensions.checkExtendedMasterSecret(e);
                extendedMasterSecret = true;
            } else if (type.equals(ExtensionType.RENEGOTIATION_INFO)) {
                // RFC 5746 §3.4: on an initial handshake renegotiated_connection must be empty, else
                // handshake_failure.
                if (Tls12Extensions.renegotiatedConnection(e).length != 0) {
                    throw TlsException.misbehaved(PeerMisbehaved.BAD_RENEGOTIATION_INFO);
                }
            } else if (type.equals(ExtensionType.EC_POINT_FORMATS)) {
                // RFC 8422 §5.2: the server's list must allow the uncompressed points we send and accept.
                if (!Tls12Extensions.ecPointFormats(e).contains(Tls12Extensions.UNCOMPRESSED)) {
                    throw TlsException.misbehaved(PeerMisbehaved.ILLEGAL_PARAMETER,
                            "ec_point_formats without uncompressed");
                }
            } else if (e instanceof Extension.Alpn a && !context.applicationProtocols().isEmpty()) {
                // RFC 7301 §3.1: exactly one protocol, one we offered.
                String chosen = a.protocols().size() == 1
                        ? new String(a.protocols().get(0), StandardCharsets.US_ASCII) : null;
                if (chosen == null || !context.applicationProtocols().contains(chosen)) {
                    throw TlsException.misbehaved(PeerMisbehaved.ILLEGAL_PARAMETER, "ALPN " + a);
                }
                alpn = chosen;
            } else if (type.equals(ExtensionType.SESSION_TICKET) && context.ticketRequested()) {
                // RFC 5077 §3.2: the server's SessionTicket is empty; it promises a NewSessionTicket.
                if (Tls12Extensions.sessionTicket(e).length != 0) {
                    throw TlsException.misbehaved(PeerMisbehaved.ILLEGAL_PARAMETER, "non-empty SessionTicket");
                }
                ticketPromised = true;
            } else if (type.equals(ExtensionType.SERVER_NAME) && context.serverNameSent()) {
                // RFC 6066 §3: the server's server_name acknowledges ours and "SHALL be empty" (ours is sent also
                // without host name verification).
                if (!(e instanceof Extension.ServerName sni) || !sni.names().isEmpty()) {
                    throw TlsException.misbehaved(PeerMisbehaved.ILLEGAL_PARAMETER, "non-empty server_name reply");
                }
            } else {
                // RFC 5246 §7.4.1.4: an extension we did not offer is unsupported_extension.
                throw TlsException.misbehaved(PeerMisbehaved.UNSOLICITED_EXTENSION, "TLS 1.2 ServerHello " + type);
            }
        }
        if (!extendedMasterSecret && context.config().extendedMasterSecretRequired()) {
            // RFC 7627 §5.2: a client that requires the extended master secret aborts with handshake_failure (the
            // default; docs/architecture.md §16).
            throw TlsException.misbehaved(PeerMisbehaved.MISSING_EXTENDED_MASTER_SECRET);
        }
        byte[] sessionId = context.sessionId();
        boolean echoed = sessionId.length > 0 && Arrays.equals(sessionId, serverHello.legacySessionIdEcho());
        if (echoed && offered == null) {
            // RFC 5246 §7.4.1.3: an echoed session_id resumes that session; we have none under this random id.
            throw TlsException.misbehaved(PeerMisbehaved.ILLEGAL_PARAMETER, "resumption of a session never offered");
        }
        Tls12Transcript transcript = new Tls12Transcript(context.config().crypto(), suite.prfHash());
        transcript.add(clientHello);
        transcript.add(encodedServerHello);
        Negotiated n = new Negotiated(context, suite, serverHello.random().clone(), alpn, ticketPromised,
                extendedMasterSecret);
        if (!echoed) {
            // RFC 5077 §3.4: no echo, the ticket was not accepted: a full handshake, and the ticket is dropped.
            return new ExpectCertificate(n, transcript);
        }
        if (!extendedMasterSecret) {
            // RFC 7627 §5.3: "If the original session used the extension but the new ServerHello does not contain
            // the extension, the client MUST abort the handshake" (every ticket we keep is of such a session).
            throw TlsException.misbehaved(PeerMisbehaved.MISSING_EXTENDED_MASTER_SECRET);
        }
        if (!suite.suite().equals(offered.cipherSuite())) {
            // RFC 5246 §7.4.1.3: a resumed session keeps the cipher suite it was established with.
            throw TlsException.misbehaved(PeerMisbehaved.ILLEGAL_PARAMETER,
                    "resumed with " + suite.suite() + ", session of " + offered.cipherSuite());
        }
        transcript.dropMessages();
        Tls12MasterSecret master = Tls12MasterSecret.resumed(n.crypto(), suite.prfHash(),
                offered.tls12MasterSecret());
        try {
            Tls12KeyBlock keys = master.keyBlock(context.clientRandom(), n.serverRandom(), suite.aead().keyLength(),
                    suite.fixedIvLength());
            Tls12ClientState next = new ExpectResumedChangeCipherSpec(n, transcript, master, keys,
                    offered.peerCertificates(), null);
            master = null;
            return next;
        } finally {
            if (master != null) {
                master.destroy();
            }
        }
    }

    /**
     * What the hellos fixed.
     *
     * @param context what the ClientHello offered
     * @param suite the suite
     * @param serverRandom ServerHello.random
     * @param alpn the ALPN protocol, or {@code null}
     * @param ticketPromised whether ServerHello's SessionTicket promised a NewSessionTicket (RFC 5077 §3.2)
     * @param extendedMasterSecret whether the session uses the extended master secret (RFC 7627)
     */
    record Negotiated(Tls12ClientContext context, Tls12CipherSuiteParams suite, byte[] serverRandom, String alpn,
                      boolean ticketPromised, boolean extendedMasterSecret) {
        CryptoProvider crypto() {
            return context.config().crypto();
        }
    }

    /** Expects the server's Certificate (RFC 5246 §7.4.2). */
    public record ExpectCertificate(Negotiated negotiated, Tls12Transcript transcript) implements Tls12ClientState {
        @Override
        public Tls12ClientState on(HandshakeMessage message, byte[] encoded, int offset, int length, Tls12Output out)
                throws TlsException {
            Tls12Certificate certificate = expect(message, Tls12Certificate.class, "Certificate");
            ChainVerified chain = Tls12Proofs.verifyServerChain(certificate, negotiated.context().config(),
                    negotiated.context().peerHost());
            transcript.add(encoded, offset, length);
            return new ExpectServerKeyExchange(negotiated, transcript, chain);
        }
    }

    /** Expects the ServerKeyExchange (RFC 8422 §5.4). */
    public record ExpectServerKeyExchange(Negotiated negotiated, Tls12Transcript transcript, ChainVerified chain)
            implements Tls12ClientState {
        @Override
        public Tls12ClientState on(HandshakeMessage message, byte[] encoded, int offset, int length, Tls12Output out)
                throws TlsException {
            ServerKeyExchange ske = expect(message, ServerKeyExchange.class, "ServerKeyExchange");
            KeyExchangeAlgorithm algorithm = keyExchange(ske.namedCurve());
            if (algorithm == null || !negotiated.context().groups().contains(ske.namedCurve())) {
                // RFC 8422 §5.4: the server's curve must be one the client offered in supported_groups.
                throw TlsException.misbehaved(PeerMisbehaved.UNOFFERED_GROUP, ske.namedCurve().toString());
            }
            ServerKeyExchangeVerified signature = Tls12Proofs.verifyServerKeyExchange(negotiated.crypto(), ske, chain,
                    negotiated.suite(), negotiated.context().signatureSchemes(), negotiated.context().clientRandom(),
                    negotiated.serverRandom());
            KeyExchange ours = negotiated.crypto().generateKeyExchange(algorithm);
            byte[] preMasterSecret;
            try {
                // RFC 8422 §5.10: the premaster secret is the x-coordinate (or the X25519/X448 output); the point
                // is validated (on the curve, right length) or refused with illegal_parameter.
                preMasterSecret = ours.decapsulate(ske.publicKey());
            } catch (InvalidKeyShareException e) {
                ours.destroy();
                throw TlsException.misbehaved(PeerMisbehaved.INVALID_KEY_SHARE,
                        ske.namedCurve() + ": " + e.getMessage());
            }
            byte[] clientPublic = ours.publicKey();
            ours.destroy();
            transcript.add(encoded, offset, length);
            return new ExpectCertificateRequestOrServerHelloDone(negotiated, transcript, chain, signature,
                    ske.namedCurve(), preMasterSecret, clientPublic);
        }
    }

    /** Expects a CertificateRequest (RFC 5246 §7.4.4) or the ServerHelloDone (§7.4.5). */
    public record ExpectCertificateRequestOrServerHelloDone(Negotiated negotiated, Tls12Transcript transcript,
                                                            ChainVerified chain, ServerKeyExchangeVerified signature,
                                                            NamedGroup group, byte[] preMasterSecret,
                                                            byte[] clientPublic) implements Tls12ClientState {
        @Override
        public Tls12ClientState on(HandshakeMessage message, byte[] encoded, int offset, int length, Tls12Output out)
                throws TlsException {
            if (message instanceof Tls12CertificateRequest request) {
                transcript.add(encoded, offset, length);
                return new ExpectServerHelloDone(negotiated, transcript, chain, signature, group, preMasterSecret,
                        clientPublic, request);
            }
            expect(message, ServerHelloDone.class, "CertificateRequest or ServerHelloDone");
            transcript.add(encoded, offset, length);
            return sendSecondFlight(negotiated, transcript, chain, signature, group, preMasterSecret, clientPublic,
                    null, out);
        }

        @Override
        public void destroy() {
            Arrays.fill(preMasterSecret, (byte) 0);
        }
    }

    /** Expects the ServerHelloDone after a CertificateRequest. */
    public record ExpectServerHelloDone(Negotiated negotiated, Tls12Transcript transcript, ChainVerified chain,
                                        ServerKeyExchangeVerified signature, NamedGroup group, byte[] preMasterSecret,
                                        byte[] clientPublic, Tls12CertificateRequest request)
            implements Tls12ClientState {
        @Override
        public Tls12ClientState on(HandshakeMessage message, byte[] encoded, int offset, int length, Tls12Output out)
                throws TlsException {
            expect(message, ServerHelloDone.class, "ServerHelloDone");
            transcript.add(encoded, offset, length);
            return sendSecondFlight(negotiated, transcript, chain, signature, group, preMasterSecret, clientPublic,
                    request, out);
        }

        @Override
        public void destroy() {
            Arrays.fill(preMasterSecret, (byte) 0);
        }
    }

    /**
     * The client's second flight (RFC 5246 §7.3): [Certificate] ClientKeyExchange [CertificateVerify]
     * ChangeCipherSpec Finished, with the write keys switched right after the CCS.
     */
    private static Tls12ClientState sendSecondFlight(Negotiated negotiated, Tls12Transcript transcript,
                                                     ChainVerified chain, ServerKeyExchangeVerified signature,
                                                     NamedGroup group, byte[] preMasterSecret, byte[] clientPublic,
                                                     Tls12CertificateRequest request, Tls12Output out)
            throws TlsException {
        Tls12MasterSecret master = null;
        try {
            CertifiedKey credential = null;
            SignatureScheme clientScheme = null;
            if (request != null) {
                // RFC 5246 §7.4.6: answer a CertificateRequest with a Certificate, empty when we have none fitting.
                for (CertifiedKey k : negotiated.context().config().clientCredentials()) {
                    SignatureScheme s = clientScheme(k, request);
                    if (s != null) {
                        credential = k;
                        clientScheme = s;
                        break;
                    }
                }
                List<byte[]> chainBytes = new ArrayList<>();
                if (credential != null) {
                    for (X509Certificate c : credential.chain()) {
                        chainBytes.add(encoded(c));
                    }
                }
                send(new Tls12Certificate(chainBytes), transcript, out);
            }
            send(new ClientKeyExchange(clientPublic), transcript, out);
            // RFC 7627 §4: session_hash is the hash of the handshake through ClientKeyExchange; RFC 5246 §8.1 for a
            // server without the extension, which the configuration let through.
            master = negotiated.extendedMasterSecret()
                    ? Tls12MasterSecret.extended(negotiated.crypto(), negotiated.suite().prfHash(), preMasterSecret,
                            transcript.currentHash())
                    : Tls12MasterSecret.legacy(negotiated.crypto(), negotiated.suite().prfHash(), preMasterSecret,
                            negotiated.context().clientRandom(), negotiated.serverRandom());
            Arrays.fill(preMasterSecret, (byte) 0);
            if (credential != null) {
                // RFC 5246 §7.4.8: the signature covers handshake_messages themselves, hashed by the scheme.
                SignatureAlgorithm algorithm = SignatureSchemes.algorithm(clientScheme);
                byte[] signatureBytes;
                try {
                    signatureBytes = negotiated.crypto().sign(algorithm, credential.key(), transcript.messages());
                } catch (GeneralSecurityException e) {
                    throw TlsException.internal("cannot sign TLS 1.2 CertificateVerify with " + clientScheme, e);
                }
                send(new CertificateVerify(clientScheme, signatureBytes), transcript, out);
            }
            transcript.dropMessages();
            if (out.keyLogEnabled()) {
                out.keyLog(master.keyLogLine(negotiated.context().clientRandom()));
            }
            Tls12CipherSuiteParams suite = negotiated.suite();
            Tls12KeyBlock keys = master.keyBlock(negotiated.context().clientRandom(), negotiated.serverRandom(),
                    suite.aead().keyLength(), suite.fixedIvLength());
            out.sendChangeCipherSpec();
            out.installWriteKeys(suite.aead(), keys.clientWriteKey(), keys.clientWriteIv());
            byte[] verifyData = master.verifyData(true, transcript.currentHash());
            send(new Finished(verifyData), transcript, out);
            ExpectChangeCipherSpec next = new ExpectChangeCipherSpec(negotiated, transcript, chain, signature, group,
                    master, keys.serverWriteKey(), keys.serverWriteIv(),
                    credential == null ? List.of() : credential.chain(), clientScheme, null);
            master = null;
            return next;
        } finally {
            Arrays.fill(preMasterSecret, (byte) 0);
            if (master != null) {
                master.destroy();
            }
        }
    }

    /**
     * Expects the server's ChangeCipherSpec, after the NewSessionTicket its ServerHello promised; any other
     * handshake message now is a Finished without CCS or worse.
     *
     * @param ticket the NewSessionTicket received, or {@code null}
     */
    public record ExpectChangeCipherSpec(Negotiated negotiated, Tls12Transcript transcript, ChainVerified chain,
                                         ServerKeyExchangeVerified signature, NamedGroup group,
                                         Tls12MasterSecret master, byte[] serverKey, byte[] serverIv,
                                         List<X509Certificate> localCertificates, SignatureScheme localScheme,
                                         Tls12NewSessionTicket ticket)
            implements Tls12ClientState {
        @Override
        public Tls12ClientState on(HandshakeMessage message, byte[] encoded, int offset, int length, Tls12Output out)
                throws TlsException {
            if (message instanceof Tls12NewSessionTicket nst && negotiated.ticketPromised() && ticket == null) {
                // RFC 5077 §3.3: the NewSessionTicket is part of the transcript of the server's Finished.
                transcript.add(encoded, offset, length);
                return new ExpectChangeCipherSpec(negotiated, transcript, chain, signature, group, master, serverKey,
                        serverIv, localCertificates, localScheme, nst);
            }
            // RFC 5246 §7.4.9: Finished comes after the CCS; a NewSessionTicket comes once, only when promised.
            throw TlsException.unexpected("ChangeCipherSpec", message.type().toString());
        }

        @Override
        public Tls12ClientState onChangeCipherSpec(Tls12Output out) throws TlsException {
            requireTicket(negotiated, ticket);
            out.installReadKeys(negotiated.suite().aead(), serverKey, serverIv);
            return new ExpectFinished(negotiated, transcript, chain, signature, group, master, localCertificates,
                    localScheme, ticket);
        }

        @Override
        public void destroy() {
            master.destroy();
            Arrays.fill(serverKey, (byte) 0);
            Arrays.fill(serverIv, (byte) 0);
        }
    }

    /**
     * Expects the server's Finished under the new read keys.
     *
     * @param ticket the NewSessionTicket received, or {@code null}: cached once the Finished verified
     */
    public record ExpectFinished(Negotiated negotiated, Tls12Transcript transcript, ChainVerified chain,
                                 ServerKeyExchangeVerified signature, NamedGroup group, Tls12MasterSecret master,
                                 List<X509Certificate> localCertificates, SignatureScheme localScheme,
                                 Tls12NewSessionTicket ticket)
            implements Tls12ClientState {
        @Override
        public Tls12ClientState on(HandshakeMessage message, byte[] encoded, int offset, int length, Tls12Output out)
                throws TlsException {
            Finished finished = expect(message, Finished.class, "Finished");
            FinishedVerified verified = Tls12Proofs.verifyFinished(master, transcript.currentHash(),
                    finished.verifyData());
            HandshakeSummary summary = new HandshakeSummary(negotiated.suite().suite(), group, signature.scheme(),
                    localScheme, negotiated.alpn(), negotiated.context().peerHost(), chain.chain(), localCertificates,
                    false, false, false);
            cacheTicket(negotiated, ticket, master, summary, out);
            out.exporter(master, negotiated.context().clientRandom(), negotiated.serverRandom());
            Connected connected = new Connected(chain, signature, verified, summary);
            out.handshakeComplete(summary);
            return connected;
        }

        @Override
        public void destroy() {
            master.destroy();
        }
    }

    /**
     * Expects the server's ChangeCipherSpec of an abbreviated handshake (RFC 5246 §7.3), after the NewSessionTicket
     * its ServerHello promised.
     *
     * @param negotiated what the hellos fixed
     * @param transcript the running transcript
     * @param master the session's master secret, from the ticket
     * @param keys the key block from the new randoms
     * @param peerCertificates the server's chain of the original session
     * @param ticket the NewSessionTicket received, or {@code null}
     */
    public record ExpectResumedChangeCipherSpec(Negotiated negotiated, Tls12Transcript transcript,
                                                Tls12MasterSecret master, Tls12KeyBlock keys,
                                                List<X509Certificate> peerCertificates, Tls12NewSessionTicket ticket)
            implements Tls12ClientState {
        @Override
        public Tls12ClientState on(HandshakeMessage message, byte[] encoded, int offset, int length, Tls12Output out)
                throws TlsException {
            if (message instanceof Tls12NewSessionTicket nst && negotiated.ticketPromised() && ticket == null) {
                transcript.add(encoded, offset, length);
                return new ExpectResumedChangeCipherSpec(negotiated, transcript, master, keys, peerCertificates, nst);
            }
            throw TlsException.unexpected("ChangeCipherSpec", message.type().toString());
        }

        @Override
        public Tls12ClientState onChangeCipherSpec(Tls12Output out) throws TlsException {
            requireTicket(negotiated, ticket);
            if (out.keyLogEnabled()) {
                out.keyLog(master.keyLogLine(negotiated.context().clientRandom()));
            }
            out.installReadKeys(negotiated.suite().aead(), keys.serverWriteKey(), keys.serverWriteIv());
            return new ExpectResumedFinished(negotiated, transcript, master, keys.clientWriteKey(),
                    keys.clientWriteIv(), peerCertificates, ticket);
        }

        @Override
        public void destroy() {
            master.destroy();
            keys.destroy();
        }
    }

    /**
     * Expects the server's Finished of an abbreviated handshake, which proves it holds the session's master
     * secret; answers with our ChangeCipherSpec and Finished.
     *
     * @param negotiated what the hellos fixed
     * @param transcript the running transcript
     * @param master the session's master secret
     * @param clientKey our write key
     * @param clientIv our write IV
     * @param peerCertificates the server's chain of the original session
     * @param ticket the NewSessionTicket received, or {@code null}
     */
    public record ExpectResumedFinished(Negotiated negotiated, Tls12Transcript transcript, Tls12MasterSecret master,
                                        byte[] clientKey, byte[] clientIv, List<X509Certificate> peerCertificates,
                                        Tls12NewSessionTicket ticket) implements Tls12ClientState {
        @Override
        public Tls12ClientState on(HandshakeMessage message, byte[] encoded, int offset, int length, Tls12Output out)
                throws TlsException {
            Finished finished = expect(message, Finished.class, "Finished");
            // RFC 5246 §7.4.9: decrypt_error for a wrong verify_data; nothing of ours is sent then.
            FinishedVerified verified = Tls12Proofs.verifyFinished(master, transcript.currentHash(),
                    finished.verifyData());
            transcript.add(encoded, offset, length);
            Tls12CipherSuiteParams suite = negotiated.suite();
            out.sendChangeCipherSpec();
            out.installWriteKeys(suite.aead(), clientKey, clientIv);
            send(new Finished(master.verifyData(true, transcript.currentHash())), transcript, out);
            // As for TLS 1.3, a resumed session reports the original server chain.
            HandshakeSummary summary = new HandshakeSummary(suite.suite(), null, null, null, negotiated.alpn(),
                    negotiated.context().peerHost(), peerCertificates, List.of(), false, true, false);
            cacheTicket(negotiated, ticket, master, summary, out);
            out.exporter(master, negotiated.context().clientRandom(), negotiated.serverRandom());
            Connected connected = new Connected(Tls12Proofs.chainFromTicket(peerCertificates),
                    Tls12Proofs.serverSignatureFromTicket(), verified, summary);
            out.handshakeComplete(summary);
            return connected;
        }

        @Override
        public void destroy() {
            master.destroy();
            Arrays.fill(clientKey, (byte) 0);
            Arrays.fill(clientIv, (byte) 0);
        }
    }

    /**
     * RFC 5077 §3.3: a server that sent SessionTicket in ServerHello "MUST send a NewSessionTicket handshake
     * message"; a ChangeCipherSpec in its place is unexpected_message.
     */
    private static void requireTicket(Negotiated negotiated, Tls12NewSessionTicket ticket) throws TlsException {
        if (negotiated.ticketPromised() && ticket == null) {
            throw TlsException.unexpected("NewSessionTicket", "ChangeCipherSpec");
        }
    }

    /**
     * Hands a received ticket (RFC 5077 §3.3) to the session cache with the session's master secret, once the
     * server's Finished verified; an empty ticket is none.
     */
    private static void cacheTicket(Negotiated negotiated, Tls12NewSessionTicket ticket, Tls12MasterSecret master,
                                    HandshakeSummary summary, Tls12Output out) {
        if (ticket == null || ticket.ticket().length == 0 || !negotiated.extendedMasterSecret()) {
            // Only sessions with the extended master secret are resumed: RFC 7627 §5.3 lets a client resume a session
            // without it only if it would accept such a full handshake again, and §5.4 bars exporters on it; keeping
            // no such ticket means every resumption below checks the extension (RFC 7627 §5.3).
            return;
        }
        out.tls12SessionTicket(ResumptionTicket.tls12(ticket.ticket(), master.secretForTicket(),
                ticket.ticketLifetimeHint(), summary, negotiated.crypto().clock().millis()));
    }

    /**
     * The handshake is complete. A HelloRequest is answered with a warning no_renegotiation: RFC 5246 §7.4.1.1
     * lets a client that does not wish to renegotiate either ignore it or send that alert, and the alert tells
     * the server at once instead of leaving it waiting for a ClientHello that never comes (RFC 5746 §4.2 has
     * servers that require renegotiation close then). Anything else is unexpected_message.
     *
     * @param chain proof that the server's chain was validated
     * @param signature proof that the ServerKeyExchange signature verified
     * @param finished proof that the server's Finished verified
     * @param summary what was negotiated
     */
    public record Connected(ChainVerified chain, ServerKeyExchangeVerified signature, FinishedVerified finished,
                            HandshakeSummary summary) implements Tls12ClientState {
        /** Requires the three proofs. */
        public Connected {
            Objects.requireNonNull(chain, "chain");
            Objects.requireNonNull(signature, "signature");
            Objects.requireNonNull(finished, "finished");
        }

        @Override
        public Tls12ClientState on(HandshakeMessage message, byte[] encoded, int offset, int length, Tls12Output out)
                throws TlsException {
            expect(message, HelloRequest.class, "no handshake message after a TLS 1.2 handshake");
            out.sendWarningAlert(AlertDescription.NO_RENEGOTIATION_RESERVED);
            return this;
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

    /**
     * Takes the message if it has the expected type. A HelloRequest during the handshake is not passed here:
     * see {@link #handle}.
     */
    private static <T extends HandshakeMessage> T expect(HandshakeMessage message, Class<T> type, String expected)
            throws TlsException {
        if (!type.isInstance(message)) {
            throw TlsException.unexpected(expected, message.type().toString());
        }
        return type.cast(message);
    }

    /**
     * Dispatches one message to a state. RFC 5246 §7.4.1.1: a HelloRequest while a handshake runs is ignored
     * and, like every HelloRequest, not added to the transcript.
     *
     * @param state the current state
     * @param message the message
     * @param encoded the array holding its bytes
     * @param offset where they start
     * @param length their length
     * @param out where effects go
     * @return the next state
     * @throws TlsException on any protocol failure
     */
    public static Tls12ClientState handle(Tls12ClientState state, HandshakeMessage message, byte[] encoded,
                                          int offset, int length, Tls12Output out) throws TlsException {
        if (message instanceof HelloRequest && !state.isConnected()) {
            return state;
        }
        return state.on(message, encoded, offset, length, out);
    }

    /** The scheme our credential signs a CertificateVerify with for this request, or null if it cannot. */
    private static SignatureScheme clientScheme(CertifiedKey key, Tls12CertificateRequest request) {
        boolean rsa = "RSA".equals(key.key().getAlgorithm());
        int type = rsa ? Tls12CertificateRequest.RSA_SIGN : Tls12CertificateRequest.ECDSA_SIGN;
        if (!request.certificateTypes().contains(type)) {
            return null;
        }
        for (SignatureScheme s : request.signatureSchemes()) {
            // Our signature layer signs no RSASSA-PKCS1-v1_5 (TLS 1.3 never does), so an RSA key answers with
            // RSA-PSS, which RFC 8446 §4.2.3 allows TLS 1.2 implementations to use.
            if (SignatureSchemes.algorithm(s) != null && SignatureSchemes.allowedInCertificateVerify(s)
                    && SignatureSchemes.keyCanUse(key.leaf().getPublicKey(), s)) {
                return s;
            }
        }
        return null;
    }

    private static byte[] encoded(X509Certificate certificate) throws TlsException {
        try {
            return certificate.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw TlsException.internal("cannot encode our certificate", e);
        }
    }

    /** The key exchange of a classical ECDHE group (RFC 8422 §5.1.1), or null: no hybrid groups in TLS 1.2. */
    static KeyExchangeAlgorithm keyExchange(NamedGroup group) {
        switch (group.code()) {
            case 0x0017:
                return KeyExchangeAlgorithm.SECP256R1;
            case 0x0018:
                return KeyExchangeAlgorithm.SECP384R1;
            case 0x0019:
                return KeyExchangeAlgorithm.SECP521R1;
            case 0x001D:
                return KeyExchangeAlgorithm.X25519;
            case 0x001E:
                return KeyExchangeAlgorithm.X448;
            default:
                return null;
        }
    }
}
