package dev.tls13.handshake;

import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.handshake.Proofs.BinderVerified;
import dev.tls13.keys.EarlySecret;
import dev.tls13.keys.PskImporter;
import dev.tls13.keys.PskType;
import dev.tls13.keys.Transcript;
import dev.tls13.record.CipherSuiteParams;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.ClientHello;
import dev.tls13.wire.Extension;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The server's choice of a PSK from a ClientHello (RFC 8446 §4.2.9, §4.2.11, §4.6.1; docs/architecture.md §15):
 * the first offered identity that is a configured external PSK of the suite's hash, or an ImportedIdentity (RFC 9258
 * §5.1) of a configured EPSK to import for TLS 1.3 and the suite's hash, or a ticket that our keys open
 * and that is usable for this handshake, or else a PSK of the suite's hash that the application's lookup finds, then
 * its binder. An unusable ticket (unknown key, tampered, expired,
 * another hash, another server name, no client identity where one is required) or an unknown identity only means a
 * full handshake; a binder that does not verify aborts.
 */
final class Resumption {

    /** How far the client's idea of the ticket's age may be from ours (RFC 8446 §8.3 suggests a window). */
    static final long AGE_TOLERANCE_MILLIS = 10_000;
    /** How many identities we try to open: each is an AEAD decryption, and clients offer one or two. */
    static final int MAX_IDENTITIES_TRIED = 8;

    private static final ThreadLocal<MessageDigest> REPLAY_DIGEST = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
        }
    });

    private Resumption() {
    }

    /**
     * An accepted PSK.
     *
     * @param index the selected identity, for the ServerHello's pre_shared_key
     * @param dhe whether the mode is psk_dhe_ke (else psk_ke)
     * @param early the Early Secret of the PSK; owned, destroyed by the key schedule or {@link #destroy()}
     * @param binder the proof that the binder verified, with the session's client chain
     * @param ticket what the ticket says about 0-RTT (RFC 8446 §4.2.10); no early data for an external PSK
     * @param externalIdentity the identity of an external PSK (RFC 8446 §4.2.11), for an imported one the EPSK's
     *        external_identity (RFC 9258 §5.1); {@code null} for a ticket's
     */
    record Accepted(int index, boolean dhe, EarlySecret early, BinderVerified binder, EarlyDataTerms ticket,
                    byte[] externalIdentity) {
        Accepted {
            Objects.requireNonNull(early, "early");
            Objects.requireNonNull(binder, "binder");
            Objects.requireNonNull(ticket, "ticket");
        }

        void destroy() {
            early.destroy();
        }
    }

    /**
     * What an accepted ticket says about early data (RFC 8446 §4.2.10): the server accepts 0-RTT only with the
     * original session's suite and ALPN, and up to the max_early_data_size the ticket carried.
     *
     * @param maxEarlyData the ticket's max_early_data_size, 0 when it allowed no early data
     * @param suite the original session's cipher suite
     * @param applicationProtocol the original session's ALPN protocol, or {@code null}
     * @param replayKey the anti-replay key (RFC 8446 §8): SHA-256 of the selected identity, the ticket. A replayed
     *        ClientHello carries the same ticket, so it is caught (§8.2); keying by the ticket rather than the
     *        whole ClientHello also refuses 0-RTT to a second, different ClientHello with one ticket (a client reusing
     *        it, against Appendix C.4, or an attacker who altered the ClientHello: its binder then fails anyway),
     *        which OpenSSL's single-use tickets (§8.1) refuse too
     * @param replayExpiresMillis when a replay of this ClientHello would fail the freshness check anyway, on our
     *        clock: the expected arrival time (issue time plus the client's view of the age) plus the tolerance
     */
    record EarlyDataTerms(long maxEarlyData, CipherSuite suite, String applicationProtocol,
                          byte[] replayKey, long replayExpiresMillis) {
    }

    /**
     * Adds {@code hello} to {@code transcript} and selects a PSK: when one is selected, the transcript is fed up to
     * the binders, its hash checks the binder (RFC 8446 §4.2.11.2), then the rest is fed.
     *
     * @param config the configuration (tickets, psk_ke, client authentication)
     * @param hello the ClientHello
     * @param choice the suite and server name negotiated from it
     * @param hasShare whether the client sent a key share for the chosen group (psk_dhe_ke needs one)
     * @param transcript the transcript before this ClientHello (empty, or message_hash and the HelloRetryRequest)
     * @param encoded the array holding the ClientHello as received
     * @param offset where it starts
     * @param length its length
     * @return the accepted PSK, owned by the caller, or empty for a full handshake
     * @throws TlsException MISSING_EXTENSION for pre_shared_key without psk_key_exchange_modes (RFC 8446 §4.2.9:
     *         "servers MUST abort the handshake"), BAD_BINDER (decrypt_error) for a binder that does not verify
     */
    static Optional<Accepted> accept(ServerConfig config, ClientHello hello, ServerHandshake.Choice choice,
                                     boolean hasShare, Transcript transcript, byte[] encoded, int offset, int length)
            throws TlsException {
        Optional<Extension.PreSharedKeyClientHello> offered =
                hello.extensions().find(Extension.PreSharedKeyClientHello.class);
        if (offered.isEmpty()) {
            transcript.add(encoded, offset, length);
            return Optional.empty();
        }
        List<Integer> modes = hello.extensions().find(Extension.PskKeyExchangeModes.class)
                .map(Extension.PskKeyExchangeModes::modes)
                .orElseThrow(() -> TlsException.misbehaved(PeerMisbehaved.MISSING_EXTENSION,
                        "pre_shared_key without psk_key_exchange_modes (RFC 8446 §4.2.9)"));
        // RFC 8446 §4.2.9: the server must not select a mode the client did not list. psk_ke, enabled on our side,
        // is preferred (the operator chose the cheaper handshake); psk_dhe_ke needs the client's share.
        boolean dhe;
        if (config.pskKe() && modes.contains(Extension.PskKeyExchangeModes.PSK_KE)) {
            dhe = false;
        } else if (modes.contains(Extension.PskKeyExchangeModes.PSK_DHE_KE) && hasShare) {
            dhe = true;
        } else {
            transcript.add(encoded, offset, length);
            return Optional.empty();
        }
        Extension.PreSharedKeyClientHello psk = offered.get();
        CipherSuiteParams params = choice.params();
        SessionTickets tickets = config.sessionTickets();
        long now = config.crypto().clock().millis();
        int tried = Math.min(psk.identities().size(), MAX_IDENTITIES_TRIED);
        for (int i = 0; i < tried; i++) {
            Extension.PskIdentity identity = psk.identities().get(i);
            ExternalPsk external = config.externalPsk(identity.identity());
            if (external != null) {
                // RFC 8446 §4.2.11: an external PSK is used only with a suite of its hash (else it is skipped, as an
                // unusable ticket is); "servers MUST ignore" its obfuscated_ticket_age. It carries no client
                // certificate, so a server that requires one does not take it. It allows no early data.
                if (external.hash() != params.hash() || config.clientAuth() == ClientAuth.REQUIRE
                        || external.isDestroyed()) {
                    continue;
                }
                byte[] key = external.key();
                try {
                    EarlyDataTerms none = new EarlyDataTerms(0, params.suite(), null, replayKey(identity.identity()),
                            0);
                    return Optional.of(verify(config, psk, i, dhe, PskType.EXTERNAL, key, List.of(), none, transcript,
                            encoded, offset, length, identity.identity()));
                } finally {
                    Arrays.fill(key, (byte) 0);
                }
            }
            // RFC 9258 §5.1: an ImportedIdentity names its EPSK by external_identity, for TLS 1.3 and one KDF. One
            // for another protocol or an unknown KDF, or bytes that do not parse, are not our imported PSK: the
            // identity is then only unknown (tried as a ticket, then the lookup), never an alert.
            PskImporter.ImportedIdentity imported = PskImporter.parse(identity.identity());
            HashAlgorithm target = imported == null ? null : imported.tls13TargetHash();
            ExternalPsk epsk = target == null ? null : config.importedPsk(imported.externalIdentity());
            if (epsk != null) {
                Optional<Accepted> accepted = acceptImported(config, psk, i, dhe, params, epsk, imported, target,
                        transcript, encoded, offset, length);
                if (accepted.isPresent()) {
                    return accepted;
                }
                continue;
            }
            SessionTickets.State state = tickets.open(config.crypto(), identity.identity());
            if (state == null) {
                // Tickets first, then the application's lookup (RFC 8446 §4.2.11 lets the server pick any offered
                // PSK): our own tickets are recognised locally by one decryption and never handed to the
                // application, and a lookup that may go to a remote store runs only for identities we cannot place.
                Optional<Accepted> looked = lookedUp(config, psk, i, dhe, params, imported, target, transcript,
                        encoded, offset, length);
                if (looked.isPresent()) {
                    return looked;
                }
                continue;
            }
            try {
                if (!usable(config, state, identity, choice, now)) {
                    continue;
                }
                long clientAge = (identity.obfuscatedTicketAge() - state.ticketAgeAdd()) & 0xFFFFFFFFL;
                EarlyDataTerms terms = new EarlyDataTerms(state.maxEarlyData(), state.suite(),
                        state.applicationProtocol(), replayKey(identity.identity()),
                        state.issuedMillis() + clientAge + AGE_TOLERANCE_MILLIS);
                return Optional.of(verify(config, psk, i, dhe, PskType.RESUMPTION, state.psk(),
                        state.peerCertificates(), terms, transcript, encoded, offset, length, null));
            } finally {
                state.destroy();
            }
        }
        transcript.add(encoded, offset, length);
        return Optional.empty();
    }

    /**
     * Accepts identity {@code index}, an ImportedIdentity naming {@code epsk}, when it is usable here: with the
     * EPSK's context (RFC 9258 §5.1: the context is part of what the EPSK is bound to, so another one is another
     * PSK, unknown here), imported for the suite's hash (RFC 8446 §4.2.11: a PSK only with a suite of its hash), the
     * server not requiring a client certificate (an external PSK carries none), the EPSK not destroyed. Its key is
     * ipskx, derived from the EPSK, and its binder uses "imp binder" (RFC 9258 §5.2); a binder that does not verify
     * is decrypt_error as for any PSK.
     *
     * @return the accepted PSK, owned by the caller, or empty when it is unusable here
     * @throws TlsException BAD_BINDER (decrypt_error) when the binder does not verify
     */
    private static Optional<Accepted> acceptImported(ServerConfig config, Extension.PreSharedKeyClientHello psk,
                                                     int index, boolean dhe, CipherSuiteParams params,
                                                     ExternalPsk epsk, PskImporter.ImportedIdentity imported,
                                                     HashAlgorithm target, Transcript transcript, byte[] encoded,
                                                     int offset, int length) throws TlsException {
        if (target != params.hash() || config.clientAuth() == ClientAuth.REQUIRE || epsk.isDestroyed()
                || !Arrays.equals(epsk.context(), imported.context())) {
            return Optional.empty();
        }
        byte[] offered = psk.identities().get(index).identity();
        byte[] key;
        try {
            key = epsk.importedKey(config.crypto(), offered, target);
        } catch (IllegalStateException destroyedMeanwhile) {
            return Optional.empty();
        }
        try {
            EarlyDataTerms none = new EarlyDataTerms(0, params.suite(), null, replayKey(offered), 0);
            return Optional.of(verify(config, psk, index, dhe, PskType.IMPORTED, key, List.of(), none, transcript,
                    encoded, offset, length, imported.externalIdentity()));
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * Asks the application's lookup for identity {@code index} and, when it finds a usable PSK, checks its binder.
     * For an ImportedIdentity of TLS 1.3 and a KDF we know (RFC 9258 §5.1), the lookup is asked for its
     * external_identity and only an EPSK to import is used; for any other identity, it is asked for the identity
     * itself and only a PSK not imported is used (a PSK imported on one side only agrees on nothing).
     *
     * @return the accepted PSK, owned by the caller, or empty when there is no lookup, it knows no such PSK, or the
     *         PSK is unusable here (another hash than the suite's, a server requiring client certificates, destroyed)
     * @throws TlsException INTERNAL (internal_error) when the lookup throws or answers with another identity's PSK;
     *         BAD_BINDER (decrypt_error) when the binder does not verify
     */
    private static Optional<Accepted> lookedUp(ServerConfig config, Extension.PreSharedKeyClientHello psk, int index,
                                               boolean dhe, CipherSuiteParams params,
                                               PskImporter.ImportedIdentity imported, HashAlgorithm target,
                                               Transcript transcript, byte[] encoded, int offset, int length)
            throws TlsException {
        ExternalPskLookup lookup = config.externalPskLookup();
        // An external PSK carries no client certificate: a server that requires one would not take it anyway; and
        // an identity imported for another hash than the suite's is unusable whatever the lookup would say.
        if (lookup == null || config.clientAuth() == ClientAuth.REQUIRE
                || (target != null && target != params.hash())) {
            return Optional.empty();
        }
        byte[] offered = psk.identities().get(index).identity();
        byte[] asked = target != null ? imported.externalIdentity() : offered;
        ExternalPsk external;
        try {
            external = lookup.find(asked.clone());
        } catch (Exception e) {
            throw TlsException.internal("the external PSK lookup failed", e);
        }
        if (external == null) {
            return Optional.empty();
        }
        if (!Arrays.equals(external.identity(), asked)) {
            throw TlsException.internal("the external PSK lookup answered with another identity's PSK", null);
        }
        if (external.imported() != (target != null)) {
            return Optional.empty();
        }
        if (target != null) {
            return acceptImported(config, psk, index, dhe, params, external, imported, target, transcript, encoded,
                    offset, length);
        }
        // RFC 8446 §4.2.11: only with a suite of the PSK's hash; the suite was chosen before the lookup ran.
        if (external.hash() != params.hash() || external.isDestroyed()) {
            return Optional.empty();
        }
        byte[] key;
        try {
            key = external.key();
        } catch (IllegalStateException destroyedMeanwhile) {
            return Optional.empty();
        }
        try {
            EarlyDataTerms none = new EarlyDataTerms(0, params.suite(), null, replayKey(offered), 0);
            return Optional.of(verify(config, psk, index, dhe, PskType.EXTERNAL, key, List.of(), none, transcript,
                    encoded, offset, length, offered));
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * Feeds the ClientHello to the transcript and checks the selected PSK's binder: an HMAC over the transcript up
     * to and excluding the binders list (RFC 8446 §4.2.11.2; after a HelloRetryRequest, message_hash and the
     * HelloRetryRequest come first).
     *
     * @param key the PSK, borrowed
     * @param externalIdentity what the session reports as the external PSK's identity, {@code null} for a ticket
     * @return the accepted PSK, owned by the caller
     * @throws TlsException BAD_BINDER (decrypt_error) when the binder does not verify
     */
    private static Accepted verify(ServerConfig config, Extension.PreSharedKeyClientHello psk, int index, boolean dhe,
                                   PskType type, byte[] key, List<X509Certificate> chain, EarlyDataTerms terms,
                                   Transcript transcript, byte[] encoded, int offset, int length,
                                   byte[] externalIdentity) throws TlsException {
        int truncated = length - psk.bindersLength();
        transcript.add(encoded, offset, truncated);
        byte[] truncatedHash = transcript.currentHash();
        transcript.add(encoded, offset + truncated, length - truncated);
        EarlySecret early = EarlySecret.withPsk(config.crypto(), transcript.hash(), key);
        try {
            BinderVerified binder = Proofs.verifyBinder(early, type, truncatedHash, psk.binders().get(index), chain);
            return new Accepted(index, dhe, early, binder, terms, externalIdentity);
        } catch (TlsException | RuntimeException e) {
            early.destroy();
            throw e;
        }
    }

    /**
     * The suite for a ClientHello that offers one of our external PSKs (RFC 8446 §4.2.11: "the server MUST ensure
     * that it selects a compatible PSK (if any) and cipher suite"): {@code chosen} when it has the PSK's hash, else
     * our most preferred suite of that hash that the client offers, else {@code chosen} (the PSK is then unusable).
     * A ticket's hash is not looked at: opening it costs a decryption, and its suite was ours before.
     *
     * @param config the configuration
     * @param hello the ClientHello
     * @param chosen the suite chosen without regard to PSKs
     * @return the suite to use
     */
    static CipherSuiteParams suiteForExternalPsk(ServerConfig config, ClientHello hello, CipherSuiteParams chosen) {
        if (!config.hasExternalPsks()) {
            return chosen;
        }
        List<Extension.PskIdentity> identities = hello.extensions().find(Extension.PreSharedKeyClientHello.class)
                .map(Extension.PreSharedKeyClientHello::identities).orElse(List.of());
        for (int i = 0; i < Math.min(identities.size(), MAX_IDENTITIES_TRIED); i++) {
            ExternalPsk external = config.externalPsk(identities.get(i).identity());
            if (external == null) {
                continue;
            }
            if (external.hash() == chosen.hash()) {
                return chosen;
            }
            for (CipherSuite suite : config.cipherSuites()) {
                Optional<CipherSuiteParams> params = CipherSuiteParams.find(suite);
                if (params.isPresent() && params.get().hash() == external.hash()
                        && hello.cipherSuites().contains(suite)) {
                    return params.get();
                }
            }
            return chosen;
        }
        return chosen;
    }

    /**
     * SHA-256 of a ticket: a short, fixed-length anti-replay key for it. The digest is this thread's, not a new one
     * per resumption (a JCA lookup and the digest's state, about 0.5 KB, JFR); it hashes only the ticket, which the
     * client sent in the clear, and {@code digest} resets it.
     */
    private static byte[] replayKey(byte[] ticket) {
        return REPLAY_DIGEST.get().digest(ticket);
    }

    /** Whether an opened ticket may resume this handshake; every "no" means a full handshake. */
    private static boolean usable(ServerConfig config, SessionTickets.State state, Extension.PskIdentity identity,
                                  ServerHandshake.Choice choice, long now) {
        // RFC 8446 §4.2.11: the PSK's hash must be the selected suite's ("the server MUST ensure that it selects a
        // compatible PSK (if any) and cipher suite").
        Optional<CipherSuiteParams> original = CipherSuiteParams.find(state.suite());
        if (original.isEmpty() || original.get().hash() != choice.params().hash()) {
            return false;
        }
        // RFC 8446 §4.6.1: a ticket is not used beyond its lifetime; and the client's view of its age,
        // obfuscated_ticket_age - ticket_age_add (mod 2^32), must be near ours (§4.2.11.1, §8.3).
        long ourAge = now - state.issuedMillis();
        if (ourAge > state.lifetimeSeconds() * 1000 || ourAge < -AGE_TOLERANCE_MILLIS) {
            return false;
        }
        long clientAge = (identity.obfuscatedTicketAge() - state.ticketAgeAdd()) & 0xFFFFFFFFL;
        if (Math.abs(clientAge - ourAge) > AGE_TOLERANCE_MILLIS) {
            return false;
        }
        // RFC 8446 §4.6.1 ties a resumption to the server identity of the original session ("clients MUST only
        // resume if the new SNI value is valid for the server certificate presented in the original session");
        // like OpenSSL and rustls we require the same name, so a ticket never crosses virtual hosts.
        String name = choice.serverName().map(n -> n.toLowerCase(Locale.ROOT)).orElse(null);
        String ticketName = state.serverName() == null ? null : state.serverName().toLowerCase(Locale.ROOT);
        if (!Objects.equals(name, ticketName)) {
            return false;
        }
        // A server that requires client certificates resumes only sessions in which the client presented one.
        return config.clientAuth() != ClientAuth.REQUIRE || !state.peerCertificates().isEmpty();
    }
}
