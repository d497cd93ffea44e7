package dev.tls13.handshake;

import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.SignatureAlgorithm;
import dev.tls13.error.InvalidMessage;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.keys.EarlySecret;
import dev.tls13.keys.PskType;
import dev.tls13.keys.TrafficSecret;
import dev.tls13.wire.Certificate;
import dev.tls13.wire.CertificateVerify;
import dev.tls13.wire.Finished;
import dev.tls13.wire.SignatureScheme;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The verifying steps of a handshake and the proof tokens they issue (docs/architecture.md §5). A token's
 * constructor is private to this class, so only the methods here create them, and the connected
 * states require them: a state machine cannot reach Connected without having verified.
 */
final class Proofs {

    /** RFC 8446 §4.4.3: the 64 spaces that start the signed content. */
    private static final int PAD = 64;
    private static final byte[] SERVER_CONTEXT =
            "TLS 1.3, server CertificateVerify".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLIENT_CONTEXT =
            "TLS 1.3, client CertificateVerify".getBytes(StandardCharsets.US_ASCII);

    private Proofs() {
    }

    /** Proof that the peer's Finished matched (RFC 8446 §4.4.4). */
    static final class FinishedVerified {
        private FinishedVerified() {
        }
    }

    /**
     * Proof that the peer's chain was validated (RFC 8446 §4.4.2.4), or that an empty client chain
     * was accepted because the server's configuration allows it.
     *
     * The chain is leaf first; empty only for an accepted anonymous client.
     */
    static final class CertificateVerified {
        private final List<X509Certificate> chain;

        private CertificateVerified(List<X509Certificate> chain) {
            this.chain = List.copyOf(chain);
        }

        List<X509Certificate> chain() {
            return chain;
        }
    }

    /** Proof that the peer's CertificateVerify signature verified (RFC 8446 §4.4.3), with its scheme. */
    static final class SignatureVerified {
        private final SignatureScheme scheme;

        private SignatureVerified(SignatureScheme scheme) {
            this.scheme = scheme;
        }

        SignatureScheme scheme() {
            return scheme;
        }
    }

    /**
     * Proof that a resumption PSK's binder verified (RFC 8446 §4.2.11.2) for a ticket that our own key opened:
     * the client holds the PSK of a session we issued, with the peer chain that session validated.
     */
    static final class BinderVerified {
        private final List<X509Certificate> chain;

        private BinderVerified(List<X509Certificate> chain) {
            this.chain = List.copyOf(chain);
        }

        /** @return the client chain validated by the original handshake, leaf first; empty for none */
        List<X509Certificate> chain() {
            return chain;
        }
    }

    /**
     * Verifies a resumption PSK's binder in constant time (RFC 8446 §4.2.11.2).
     *
     * @param early the early secret of the PSK
     * @param truncatedHelloHash Transcript-Hash of the transcript up to the binders list
     * @param binder the received binder
     * @param chain the client chain the ticket carries
     * @return the proof
     * @throws TlsException BAD_BINDER (decrypt_error) when it does not verify: "If this value ... does not validate,
     *         the server MUST abort the handshake"
     */
    static BinderVerified verifyBinder(EarlySecret early, byte[] truncatedHelloHash, byte[] binder,
                                       List<X509Certificate> chain) throws TlsException {
        return verifyBinder(early, PskType.RESUMPTION, truncatedHelloHash, binder, chain);
    }

    /**
     * Verifies a PSK's binder in constant time (RFC 8446 §4.2.11.2), with the binder key label of its type (§7.1:
     * "ext binder" for an external PSK, "res binder" for a ticket's).
     *
     * @param early the early secret of the PSK
     * @param type where the PSK came from
     * @param truncatedHelloHash Transcript-Hash of the transcript up to the binders list
     * @param binder the received binder
     * @param chain the client chain the PSK stands for; empty for an external PSK
     * @return the proof
     * @throws TlsException BAD_BINDER (decrypt_error) when it does not verify
     */
    static BinderVerified verifyBinder(EarlySecret early, PskType type, byte[] truncatedHelloHash, byte[] binder,
                                       List<X509Certificate> chain) throws TlsException {
        if (!early.verifyBinder(type, truncatedHelloHash, binder)) {
            throw TlsException.misbehaved(PeerMisbehaved.BAD_BINDER);
        }
        return new BinderVerified(chain);
    }

    /**
     * The server's chain check on the client (RFC 8446 §4.4.2.4): parses and validates with the trust
     * manager and the host name.
     *
     * @param certificate the received Certificate
     * @param config the client configuration
     * @param peerHost the host to verify, or {@code null}
     * @return the proof
     * @throws TlsException EMPTY_CERTIFICATE (decode_error) or the validator's certificate failure
     */
    static CertificateVerified verifyServerChain(Certificate certificate, ClientConfig config, String peerHost)
            throws TlsException {
        List<X509Certificate> chain = CertificateChecks.parse(certData(certificate));
        CertificateChecks.checkServer(config.trustManager(), chain, peerHost,
                peerHost == null ? null : config.endpointIdentificationAlgorithm());
        return new CertificateVerified(chain);
    }

    /**
     * The client's chain check on the server (RFC 8446 §4.4.2.4). An empty chain is accepted only
     * when client authentication is OPTIONAL.
     *
     * @param certificate the received Certificate
     * @param config the server configuration
     * @return the proof (an empty chain for an accepted anonymous client)
     * @throws TlsException CERTIFICATE_REQUIRED (certificate_required) or the validator's failure
     */
    static CertificateVerified verifyClientChain(Certificate certificate, ServerConfig config) throws TlsException {
        if (certificate.entries().isEmpty() && config.clientAuth() == ClientAuth.OPTIONAL) {
            return new CertificateVerified(List.of());
        }
        List<X509Certificate> chain = CertificateChecks.parse(certData(certificate));
        CertificateChecks.checkClient(config.clientTrustManager(), chain);
        return new CertificateVerified(chain);
    }

    /**
     * Verifies a peer's CertificateVerify (RFC 8446 §4.4.3).
     *
     * @param crypto the provider
     * @param verify the message
     * @param peer the validated peer chain
     * @param offered the schemes we offered for CertificateVerify
     * @param peerIsServer whether the peer is the server (which context string it signed)
     * @param transcriptHash the transcript hash through the peer's Certificate
     * @return the proof
     * @throws TlsException UNOFFERED_SIGNATURE_SCHEME (illegal_parameter) or BAD_SIGNATURE (decrypt_error)
     */
    static SignatureVerified verifySignature(CryptoProvider crypto, CertificateVerify verify,
                                             CertificateVerified peer, List<SignatureScheme> offered,
                                             boolean peerIsServer, byte[] transcriptHash) throws TlsException {
        X509Certificate leaf = peer.chain().get(0);
        SignatureAlgorithm algorithm = SignatureSchemes.checkPeerCertificateVerifyScheme(verify.algorithm(), offered,
                leaf.getPublicKey());
        boolean valid;
        try {
            valid = crypto.verify(algorithm, leaf.getPublicKey(), signedContent(peerIsServer, transcriptHash),
                    verify.signature());
        } catch (GeneralSecurityException e) {
            valid = false;
        }
        if (!valid) {
            throw TlsException.misbehaved(PeerMisbehaved.BAD_SIGNATURE, verify.algorithm().toString());
        }
        return new SignatureVerified(verify.algorithm());
    }

    /**
     * Verifies a peer's Finished (RFC 8446 §4.4.4) in constant time.
     *
     * @param finished the message
     * @param peerHandshakeSecret the peer's handshake traffic secret (the Base Key)
     * @param transcriptHash the transcript hash before the Finished
     * @return the proof
     * @throws TlsException TRUNCATED/TRAILING_DATA (decode_error) for a wrong length, BAD_FINISHED (decrypt_error)
     */
    static FinishedVerified verifyFinished(Finished finished, TrafficSecret peerHandshakeSecret, byte[] transcriptHash)
            throws TlsException {
        int expected = transcriptHash.length;
        int n = finished.verifyData().length;
        if (n != expected) {
            // RFC 8446 §4.4.4: verify_data is Hash.length bytes; another length is a malformed message.
            throw TlsException.invalid(n < expected ? InvalidMessage.TRUNCATED : InvalidMessage.TRAILING_DATA,
                    "verify_data is " + n + " bytes, Hash.length is " + expected);
        }
        if (!peerHandshakeSecret.verifyFinished(transcriptHash, finished.verifyData())) {
            throw TlsException.misbehaved(PeerMisbehaved.BAD_FINISHED);
        }
        return new FinishedVerified();
    }

    /**
     * Signs our CertificateVerify content (RFC 8446 §4.4.3).
     *
     * @param crypto the provider
     * @param scheme the scheme
     * @param key our private key
     * @param weAreServer which context string
     * @param transcriptHash the transcript hash through our Certificate
     * @return the message
     * @throws TlsException Internal when the provider fails
     */
    static CertificateVerify sign(CryptoProvider crypto, SignatureScheme scheme, PrivateKey key, boolean weAreServer,
                                  byte[] transcriptHash) throws TlsException {
        try {
            byte[] signature = crypto.sign(SignatureSchemes.algorithm(scheme), key,
                    signedContent(weAreServer, transcriptHash));
            return new CertificateVerify(scheme, signature);
        } catch (GeneralSecurityException e) {
            throw TlsException.internal("cannot sign CertificateVerify with " + scheme, e);
        }
    }

    /**
     * The content covered by a CertificateVerify signature (RFC 8446 §4.4.3): 64 spaces, the context
     * string, a zero byte, the transcript hash.
     */
    static byte[] signedContent(boolean server, byte[] transcriptHash) {
        byte[] context = server ? SERVER_CONTEXT : CLIENT_CONTEXT;
        byte[] content = new byte[PAD + context.length + 1 + transcriptHash.length];
        Arrays.fill(content, 0, PAD, (byte) 0x20);
        System.arraycopy(context, 0, content, PAD, context.length);
        System.arraycopy(transcriptHash, 0, content, PAD + context.length + 1, transcriptHash.length);
        return content;
    }

    private static List<byte[]> certData(Certificate certificate) {
        List<byte[]> data = new ArrayList<>(certificate.entries().size());
        for (Certificate.Entry entry : certificate.entries()) {
            data.add(entry.certData());
        }
        return data;
    }
}
