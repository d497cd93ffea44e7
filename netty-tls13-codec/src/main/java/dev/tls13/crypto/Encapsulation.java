package dev.tls13.crypto;

import java.util.Arrays;

/**
 * The server's half of a key exchange (RFC 8446 §4.2.8), made by {@link CryptoProvider#encapsulate}: the
 * key_exchange of its ServerHello share and the shared secret. For (EC)DHE the share is a fresh ephemeral
 * public key; for a hybrid group it also carries the ML-KEM ciphertext (docs/architecture.md §8).
 *
 * @param share the server's key_exchange bytes; owned by the caller
 * @param sharedSecret the shared secret; owned by the caller, who zeroes it ({@link #destroy()})
 */
public record Encapsulation(byte[] share, byte[] sharedSecret) {

    /** Zeroes the shared secret. */
    public void destroy() {
        Arrays.fill(sharedSecret, (byte) 0);
    }

    /** @return the share's length only: the secret is never printed */
    @Override
    public String toString() {
        return "Encapsulation[share=" + share.length + " bytes]";
    }
}
