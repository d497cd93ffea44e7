package dev.tls13.tls12;

import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.SignatureAlgorithm;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.handshake.CertificateChecks;
import dev.tls13.handshake.ClientConfig;
import dev.tls13.handshake.ServerConfig;
import dev.tls13.handshake.SignatureSchemes;
import dev.tls13.keys.Tls12MasterSecret;
import dev.tls13.record.Tls12CipherSuiteParams;
import dev.tls13.wire.CertificateVerify;
import dev.tls13.wire.ServerKeyExchange;
import dev.tls13.wire.SignatureScheme;
import dev.tls13.wire.Tls12Certificate;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Proof tokens of the TLS 1.2 client and server, in the style of the TLS 1.3 ones (docs/architecture.md §5): each
 * has a private constructor and is created only by the check here. The client's connected state requires all three
 * of its proofs; the server's requires its {@link FinishedVerified} and, when client authentication is required, a
 * {@link ChainVerified} with a {@link ClientSignatureVerified}.
 */
final class Tls12Proofs {

    private Tls12Proofs() {
    }

    /** The server's chain was validated (trust and host name). */
    static final class ChainVerified {
        private final List<X509Certificate> chain;

        private ChainVerified(List<X509Certificate> chain) {
            this.chain = List.copyOf(chain);
        }

        List<X509Certificate> chain() {
            return chain;
        }
    }

    /** The ServerKeyExchange signature verified with the validated leaf's key. */
    static final class ServerKeyExchangeVerified {
        private final SignatureScheme scheme;

        private ServerKeyExchangeVerified(SignatureScheme scheme) {
            this.scheme = scheme;
        }

        SignatureScheme scheme() {
            return scheme;
        }
    }

    /** The server's Finished verified. */
    static final class FinishedVerified {
        private FinishedVerified() {
        }
    }

    /** The client's CertificateVerify verified with its validated leaf's key (RFC 5246 §7.4.8). */
    static final class ClientSignatureVerified {
        private final SignatureScheme scheme;

        private ClientSignatureVerified(SignatureScheme scheme) {
            this.scheme = scheme;
        }

        SignatureScheme scheme() {
            return scheme;
        }
    }

    /**
     * Validates a client's non-empty chain (RFC 5246 §7.4.6) with the server's client trust manager, as for
     * TLS 1.3.
     *
     * @throws TlsException when the chain is not trusted (the alert of its {@code CertificateError})
     */
    static ChainVerified verifyClientChain(List<X509Certificate> chain, ServerConfig config) throws TlsException {
        CertificateChecks.checkClient(config.clientTrustManager(), chain);
        return new ChainVerified(chain);
    }

    /**
     * Verifies a client's CertificateVerify over the handshake messages so far (RFC 5246 §7.4.8). The scheme must
     * be one our CertificateRequest listed (RFC 5246 §7.4.8: "MUST be one of those present in the
     * supported_signature_algorithms field") and fit the leaf's key.
     *
     * @throws TlsException UNOFFERED_SIGNATURE_SCHEME (illegal_parameter) or BAD_SIGNATURE (decrypt_error)
     */
    static ClientSignatureVerified verifyClientSignature(CryptoProvider crypto, CertificateVerify verify,
                                                         ChainVerified chain, List<SignatureScheme> requested,
                                                         byte[] handshakeMessages) throws TlsException {
        SignatureScheme scheme = verify.algorithm();
        PublicKey key = chain.chain().get(0).getPublicKey();
        if (!requested.contains(scheme) || SignatureSchemes.algorithm(scheme) == null
                || !(keyFits(key, scheme) || isEcdsa(scheme) && key instanceof ECPublicKey)) {
            throw TlsException.misbehaved(PeerMisbehaved.UNOFFERED_SIGNATURE_SCHEME,
                    "CertificateVerify with " + scheme + " for a " + key.getAlgorithm() + " key, requested "
                            + requested);
        }
        if (!verifyTls12(crypto, scheme, key, handshakeMessages, verify.signature())) {
            // RFC 5246 §7.2.2: decrypt_error for a signature that cannot be verified.
            throw TlsException.misbehaved(PeerMisbehaved.BAD_SIGNATURE, "CertificateVerify " + scheme);
        }
        return new ClientSignatureVerified(scheme);
    }

    /**
     * A peer chain of a resumed session: on a server the client chain sealed in one of our tickets, which only our
     * ticket keys can have sealed (RFC 5077 §4); on a client the server chain kept with the ticket in our session
     * cache. Either was validated by the handshake that established the session.
     */
    static ChainVerified chainFromTicket(List<X509Certificate> chain) {
        return new ChainVerified(chain);
    }

    /**
     * The client's CertificateVerify of the handshake that issued one of our session tickets; the resumed
     * handshake has none, so no scheme.
     */
    static ClientSignatureVerified signatureFromTicket() {
        return new ClientSignatureVerified(null);
    }

    /**
     * The server's ServerKeyExchange signature of the handshake that established a session we resume; the
     * abbreviated handshake has none (RFC 5246 §7.3), its Finished proves the server holds the master secret.
     */
    static ServerKeyExchangeVerified serverSignatureFromTicket() {
        return new ServerKeyExchangeVerified(null);
    }

    /**
     * Verifies the client's Finished in constant time (RFC 5246 §7.4.9).
     *
     * @throws TlsException BAD_FINISHED (decrypt_error)
     */
    static FinishedVerified verifyClientFinished(Tls12MasterSecret master, byte[] transcriptHash, byte[] verifyData)
            throws TlsException {
        if (!master.verifyFinished(true, transcriptHash, verifyData)) {
            throw TlsException.misbehaved(PeerMisbehaved.BAD_FINISHED);
        }
        return new FinishedVerified();
    }

    /**
     * A TLS 1.2 signature check with a key that fits the scheme, or an ECDSA key on another curve than the scheme
     * names (see {@link #verifyServerKeyExchange}); false for anything that does not verify.
     */
    private static boolean verifyTls12(CryptoProvider crypto, SignatureScheme scheme, PublicKey key, byte[] signed,
                                       byte[] signature) {
        if (keyFits(key, scheme)) {
            try {
                return crypto.verify(SignatureSchemes.algorithm(scheme), key, signed, signature);
            } catch (GeneralSecurityException e) {
                return false;
            }
        }
        return isEcdsa(scheme) && key instanceof ECPublicKey ec && verifyEcdsaAnyCurve(scheme, ec, signed, signature);
    }

    /**
     * Validates the server's chain (RFC 5246 §7.4.2) with the configured trust manager and endpoint
     * identification, as for TLS 1.3.
     */
    static ChainVerified verifyServerChain(Tls12Certificate certificate, ClientConfig config, String peerHost)
            throws TlsException {
        List<X509Certificate> chain = CertificateChecks.parse(certificate.certificates());
        CertificateChecks.checkServer(config.trustManager(), chain, peerHost,
                peerHost == null ? null : config.endpointIdentificationAlgorithm());
        return new ChainVerified(chain);
    }

    /**
     * Verifies the ServerKeyExchange signature over {@code client_random ‖ server_random ‖ ServerECDHParams}
     * (RFC 8422 §5.4, RFC 5246 §7.4.3). The scheme must be one we offered (RFC 5246 §7.4.1.4.1) and fit both the
     * suite's authentication (ECDSA suites: an ECDSA or EdDSA scheme; RSA suites: RSA PKCS#1 v1.5 or PSS) and
     * the leaf's key.
     *
     * @throws TlsException UNOFFERED_SIGNATURE_SCHEME (illegal_parameter) or BAD_SIGNATURE (decrypt_error)
     */
    static ServerKeyExchangeVerified verifyServerKeyExchange(CryptoProvider crypto, ServerKeyExchange ske,
                                                             ChainVerified chain, Tls12CipherSuiteParams suite,
                                                             List<SignatureScheme> offered, byte[] clientRandom,
                                                             byte[] serverRandom) throws TlsException {
        SignatureScheme scheme = ske.scheme();
        SignatureAlgorithm algorithm = SignatureSchemes.algorithm(scheme);
        PublicKey key = chain.chain().get(0).getPublicKey();
        if (!offered.contains(scheme) || algorithm == null) {
            throw TlsException.misbehaved(PeerMisbehaved.UNOFFERED_SIGNATURE_SCHEME,
                    "ServerKeyExchange with " + scheme + ", offered " + offered);
        }
        if (isEcdsaOrEddsa(scheme) != suite.ecdsa()) {
            throw TlsException.misbehaved(PeerMisbehaved.UNOFFERED_SIGNATURE_SCHEME,
                    "ServerKeyExchange with " + scheme + " for " + suite.suite());
        }
        byte[] params = ske.encodedParams();
        byte[] signed = new byte[64 + params.length];
        System.arraycopy(clientRandom, 0, signed, 0, 32);
        System.arraycopy(serverRandom, 0, signed, 32, 32);
        System.arraycopy(params, 0, signed, 64, params.length);
        boolean valid;
        if (keyFits(key, scheme)) {
            try {
                valid = crypto.verify(algorithm, key, signed, ske.signature());
            } catch (GeneralSecurityException e) {
                valid = false;
            }
        } else if (isEcdsa(scheme) && key instanceof ECPublicKey) {
            // TLS 1.2's ECDSA SignatureAndHashAlgorithm names the hash only, whatever the certificate's curve
            // (RFC 5246 §7.4.1.4.1, RFC 8422 §5.4; OpenSSL signs with ecdsa_secp256r1_sha256 on a P-384 key when
            // offered first). Our provider's algorithms bind curve and hash, so this pairing is verified by the
            // JCA, after the strict DER check of ours.
            valid = verifyEcdsaAnyCurve(scheme, (ECPublicKey) key, signed, ske.signature());
        } else {
            throw TlsException.misbehaved(PeerMisbehaved.UNOFFERED_SIGNATURE_SCHEME,
                    "ServerKeyExchange with " + scheme + " does not fit the certificate's " + key.getAlgorithm()
                            + " key");
        }
        if (!valid) {
            // RFC 5246 §7.2.2: decrypt_error for a signature that cannot be verified.
            throw TlsException.misbehaved(PeerMisbehaved.BAD_SIGNATURE, "ServerKeyExchange " + scheme);
        }
        return new ServerKeyExchangeVerified(scheme);
    }

    /**
     * Verifies the server's Finished in constant time (RFC 5246 §7.4.9).
     *
     * @throws TlsException BAD_FINISHED (decrypt_error)
     */
    static FinishedVerified verifyFinished(Tls12MasterSecret master, byte[] transcriptHash, byte[] verifyData)
            throws TlsException {
        if (!master.verifyFinished(false, transcriptHash, verifyData)) {
            throw TlsException.misbehaved(PeerMisbehaved.BAD_FINISHED);
        }
        return new FinishedVerified();
    }

    /**
     * Whether the leaf's key can have made a TLS 1.2 signature with the scheme: rsa_pkcs1_* on an RSA key
     * (allowed in TLS 1.2 only, RFC 8446 §4.2.3), every other scheme by the TLS 1.3 rule.
     */
    static boolean keyFits(PublicKey key, SignatureScheme scheme) {
        int code = scheme.code();
        if (code == 0x0401 || code == 0x0501 || code == 0x0601) {
            return "RSA".equals(key.getAlgorithm());
        }
        return SignatureSchemes.keyCanUse(key, scheme);
    }

    static boolean isEcdsa(SignatureScheme scheme) {
        return (scheme.code() & 0xFF) == 0x03;
    }

    private static boolean verifyEcdsaAnyCurve(SignatureScheme scheme, ECPublicKey key, byte[] message,
                                               byte[] signature) {
        String hash = switch (scheme.code() >>> 8) {
            case 0x04 -> "SHA256";
            case 0x05 -> "SHA384";
            case 0x06 -> "SHA512";
            default -> null;
        };
        if (hash == null || !isStrictDerEcdsa(signature)) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance(hash + "withECDSA");
            verifier.initVerify(key);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /**
     * A DER ECDSA-Sig-Value: SEQUENCE of two positive, minimally encoded INTEGERs and nothing else (JDK 17's SunEC
     * accepts more, which would make signatures malleable).
     */
    static boolean isStrictDerEcdsa(byte[] der) {
        if (der.length < 8 || der[0] != 0x30) {
            return false;
        }
        int i = 1;
        int length = der[i++] & 0xFF;
        if (length == 0x81) {
            length = der[i++] & 0xFF;
            if (length < 0x80) {
                return false;
            }
        } else if (length > 0x80) {
            return false;
        }
        if (i + length != der.length) {
            return false;
        }
        for (int n = 0; n < 2; n++) {
            if (i + 2 > der.length || der[i] != 0x02) {
                return false;
            }
            int intLength = der[i + 1] & 0xFF;
            i += 2;
            if (intLength == 0 || intLength > 0x7F || i + intLength > der.length) {
                return false;
            }
            if (der[i] < 0 || (intLength > 1 && der[i] == 0 && der[i + 1] >= 0)) {
                return false;
            }
            i += intLength;
        }
        return i == der.length;
    }

    static boolean isEcdsaOrEddsa(SignatureScheme scheme) {
        int code = scheme.code();
        return (code & 0xFF) == 0x03 || code == 0x0807 || code == 0x0808;
    }
}
