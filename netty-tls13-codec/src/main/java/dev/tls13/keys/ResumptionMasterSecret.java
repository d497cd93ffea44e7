package dev.tls13.keys;

import dev.tls13.crypto.HashAlgorithm;
import javax.security.auth.Destroyable;

/**
 * resumption_master_secret (RFC 8446 §7.1), from which each NewSessionTicket's PSK is derived
 * (§4.6.1). A server keeps it while it may still issue tickets; a client while it may still receive
 * them. Not thread-safe; {@link #toString()} never shows the secret.
 */
public final class ResumptionMasterSecret implements Destroyable {

    /** RFC 8446 §4.6.1: opaque ticket_nonce<0..255>. */
    private static final int MAX_NONCE = 255;

    private final KeyDerivation derivation;
    private final SecretBytes secret;

    /** Takes ownership of {@code secret}. */
    ResumptionMasterSecret(KeyDerivation derivation, byte[] secret) {
        HkdfLabel.checkLength(secret, derivation.hashLength(), "resumption master secret");
        this.derivation = derivation;
        this.secret = new SecretBytes(secret);
    }

    /** @return the cipher suite's hash, which a resumption with the ticket must use (RFC 8446 §4.2.11) */
    public HashAlgorithm hash() {
        return derivation.hash();
    }

    /**
     * The PSK of a ticket (RFC 8446 §4.6.1):
     * {@code HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length)}.
     *
     * @param ticketNonce the NewSessionTicket's ticket_nonce, 0 to 255 bytes
     * @return the PSK, HashLen bytes, owned by the caller (who stores it with the ticket)
     */
    public byte[] ticketPsk(byte[] ticketNonce) {
        if (ticketNonce.length > MAX_NONCE) {
            throw new IllegalArgumentException("ticket_nonce longer than 255 bytes: " + ticketNonce.length);
        }
        return derivation.expandLabel(secret.get(), HkdfLabel.RESUMPTION, ticketNonce, derivation.hashLength());
    }

    /** Zeroes the secret; ticket PSKs can no longer be derived. */
    @Override
    public void destroy() {
        secret.destroy();
    }

    /** @return whether {@link #destroy()} was called */
    @Override
    public boolean isDestroyed() {
        return secret.isDestroyed();
    }

    /** @return the hash only; never the secret */
    @Override
    public String toString() {
        return "ResumptionMasterSecret[" + derivation.hash() + (isDestroyed() ? ", destroyed]" : "]");
    }

    /** @return the secret array itself, also after destruction; for tests */
    byte[] bytes() {
        return secret.raw();
    }
}
