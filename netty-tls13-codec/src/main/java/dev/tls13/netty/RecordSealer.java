package dev.tls13.netty;

import dev.tls13.error.TlsException;
import io.netty.buffer.ByteBuf;

/**
 * Seals application data into TLS records: the one step of the outbound path that needs the connection's
 * write keys. {@link OutboundQueue} and {@link RegionStreamer} reach the connection only through it, so
 * they can be tested without a handshake.
 */
interface RecordSealer {

    /**
     * Seals every readable byte of {@code plaintext} as application_data records of at most the wrap size
     * (RFC 8446 §5.2).
     *
     * @param plaintext the data (borrowed); its reader index advances to its writer index
     * @return the records (owned by the caller), or {@code null} when there are none
     * @throws TlsException when sealing failed; the caller fails the writes it took, then calls
     *         {@link #sealFailed}
     */
    ByteBuf seal(ByteBuf plaintext) throws TlsException;

    /**
     * How many plaintext bytes {@link #sealEarly} takes now: a client's 0-RTT allowance (RFC 8446 §4.2.10, what the
     * ticket's max_early_data_size leaves while the early keys are in force), else 0.
     *
     * @return the bytes that may be sent as early data now
     */
    long earlyDataAllowance();

    /**
     * Seals every readable byte of {@code plaintext}, at most {@link #earlyDataAllowance()}, as 0-RTT
     * application_data records under the client's early traffic keys (RFC 8446 §2.3).
     *
     * @param plaintext the data (borrowed); its reader index advances to its writer index
     * @return the records (owned by the caller), or {@code null} when there are none
     * @throws TlsException when sealing failed; the caller fails the writes it took, then calls
     *         {@link #sealFailed}
     */
    ByteBuf sealEarly(ByteBuf plaintext) throws TlsException;

    /**
     * Runs the failure path after {@link #seal} failed (docs/architecture.md §7): fails the connection,
     * every queued write and the channel.
     *
     * @param cause what {@link #seal} threw
     */
    void sealFailed(TlsException cause);
}
