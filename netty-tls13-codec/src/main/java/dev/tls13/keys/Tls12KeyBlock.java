package dev.tls13.keys;

import java.util.Arrays;
import javax.security.auth.Destroyable;

/**
 * The AEAD part of a TLS 1.2 key block (RFC 5246 §6.3): client and server write keys and write IVs. AEAD
 * suites have no MAC keys (RFC 5246 §6.2.3.3); the IV is the 4-byte implicit salt for AES-GCM and AES-CCM
 * (RFC 5288 §3, RFC 6655 §3) and the 12-byte IV for ChaCha20-Poly1305 (RFC 7905 §2). The arrays are the
 * live secrets: {@link #destroy()} zeroes them. {@link #toString()} never shows them.
 *
 * @param clientWriteKey client_write_key
 * @param serverWriteKey server_write_key
 * @param clientWriteIv client_write_IV
 * @param serverWriteIv server_write_IV
 */
public record Tls12KeyBlock(byte[] clientWriteKey, byte[] serverWriteKey, byte[] clientWriteIv, byte[] serverWriteIv)
        implements Destroyable {

    /** Zeroes the four arrays. */
    @Override
    public void destroy() {
        Arrays.fill(clientWriteKey, (byte) 0);
        Arrays.fill(serverWriteKey, (byte) 0);
        Arrays.fill(clientWriteIv, (byte) 0);
        Arrays.fill(serverWriteIv, (byte) 0);
    }

    /** @return the lengths only; never the keys */
    @Override
    public String toString() {
        return "Tls12KeyBlock[key " + clientWriteKey.length + " bytes, iv " + clientWriteIv.length + " bytes]";
    }
}
