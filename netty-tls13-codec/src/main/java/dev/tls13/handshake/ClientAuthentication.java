package dev.tls13.handshake;

import dev.tls13.handshake.Proofs.BinderVerified;
import dev.tls13.handshake.Proofs.CertificateVerified;
import dev.tls13.handshake.Proofs.SignatureVerified;
import dev.tls13.wire.SignatureScheme;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * How the client authenticated to the server (RFC 8446 §4.3.2, §4.4.2, §4.4.3), as the proofs of
 * docs/architecture.md §5 establish it. The server's connected state requires the one its {@link ClientAuth}
 * setting calls for ({@link #satisfies}), so REQUIRE cannot end without a verified client signature.
 */
sealed interface ClientAuthentication {

    /**
     * Whether this outcome is one the server's setting accepts: NONE sent no CertificateRequest, OPTIONAL
     * accepts an empty Certificate or a verified one, REQUIRE only a verified one.
     *
     * @param requested the server's setting
     * @return {@code true} when the handshake may complete with this outcome
     */
    boolean satisfies(ClientAuth requested);

    /** @return the client's validated chain, leaf first; empty when it sent none */
    List<X509Certificate> chain();

    /** @return the scheme of the client's verified CertificateVerify, or {@code null} when it sent none */
    SignatureScheme signatureScheme();

    /** The server sent no CertificateRequest. */
    record NotRequested() implements ClientAuthentication {
        @Override
        public boolean satisfies(ClientAuth requested) {
            return requested == ClientAuth.NONE;
        }

        @Override
        public List<X509Certificate> chain() {
            return List.of();
        }

        @Override
        public SignatureScheme signatureScheme() {
            return null;
        }
    }

    /**
     * The client answered the CertificateRequest with an empty Certificate, which the server accepted.
     *
     * @param accepted the proof that the server's configuration allowed the empty chain
     */
    record NoCertificate(CertificateVerified accepted) implements ClientAuthentication {
        /** Requires the proof of an accepted empty chain. */
        public NoCertificate {
            Objects.requireNonNull(accepted, "accepted");
            if (!accepted.chain().isEmpty()) {
                throw new IllegalArgumentException("a client with a certificate must prove its CertificateVerify");
            }
        }

        @Override
        public boolean satisfies(ClientAuth requested) {
            return requested == ClientAuth.OPTIONAL;
        }

        @Override
        public List<X509Certificate> chain() {
            return List.of();
        }

        @Override
        public SignatureScheme signatureScheme() {
            return null;
        }
    }

    /**
     * The client's chain was validated and its CertificateVerify verified.
     *
     * @param certificate the proof that the chain was validated
     * @param signature the proof that the CertificateVerify verified
     */
    record Verified(CertificateVerified certificate, SignatureVerified signature) implements ClientAuthentication {
        /** Requires both proofs, for a non-empty chain. */
        public Verified {
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(signature, "signature");
            if (certificate.chain().isEmpty()) {
                throw new IllegalArgumentException("an empty client chain has no CertificateVerify");
            }
        }

        @Override
        public boolean satisfies(ClientAuth requested) {
            return requested != ClientAuth.NONE;
        }

        @Override
        public List<X509Certificate> chain() {
            return certificate.chain();
        }

        @Override
        public SignatureScheme signatureScheme() {
            return signature.scheme();
        }
    }

    /**
     * A resumption (RFC 8446 §2.2): the client proved with the PSK's binder that it holds a session whose chain
     * (possibly empty) the original handshake validated; no CertificateRequest is sent.
     *
     * @param binder the proof that the binder verified, with the session's client chain
     */
    record Resumed(BinderVerified binder) implements ClientAuthentication {
        /** Requires the proof. */
        public Resumed {
            Objects.requireNonNull(binder, "binder");
        }

        @Override
        public boolean satisfies(ClientAuth requested) {
            // REQUIRE resumes only a session whose client authenticated with a certificate.
            return requested != ClientAuth.REQUIRE || !binder.chain().isEmpty();
        }

        @Override
        public List<X509Certificate> chain() {
            return binder.chain();
        }

        @Override
        public SignatureScheme signatureScheme() {
            return null;
        }
    }
}
