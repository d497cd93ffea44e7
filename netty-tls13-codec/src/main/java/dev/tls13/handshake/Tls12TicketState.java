package dev.tls13.handshake;

import dev.tls13.wire.CipherSuite;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The TLS 1.2 session state a server seals into a session ticket (RFC 5077 §4, docs/architecture.md §16).
 * {@link #destroy()} zeroes the master secret; {@link #toString()} never shows it.
 *
 * @param suite the cipher suite of the original handshake
 * @param issuedMillis when the ticket was issued, on the server's clock
 * @param lifetimeSeconds the ticket's lifetime, the lifetime_hint sent with it
 * @param extendedMasterSecret whether the master secret is the extended one of RFC 7627
 * @param masterSecret the 48-byte master secret (RFC 5246 §8.1)
 * @param applicationProtocol the ALPN protocol of the original handshake, or {@code null}
 * @param serverName the SNI of the original handshake, or {@code null}
 * @param peerCertificates the client's chain of the original handshake, leaf first; empty for none
 */
public record Tls12TicketState(CipherSuite suite, long issuedMillis, long lifetimeSeconds,
                               boolean extendedMasterSecret, byte[] masterSecret, String applicationProtocol,
                               String serverName, List<X509Certificate> peerCertificates) {

    /** Checks the required components and copies the chain. */
    public Tls12TicketState {
        Objects.requireNonNull(suite, "suite");
        Objects.requireNonNull(masterSecret, "masterSecret");
        peerCertificates = List.copyOf(peerCertificates);
    }

    /** Zeroes the master secret. */
    public void destroy() {
        Arrays.fill(masterSecret, (byte) 0);
    }

    /** @return the suite only; never the secret */
    @Override
    public String toString() {
        return "Tls12TicketState[" + suite + ", issued " + issuedMillis + "]";
    }
}
