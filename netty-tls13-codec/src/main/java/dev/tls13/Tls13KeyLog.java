package dev.tls13;

import io.netty.channel.Channel;

/**
 * Receives the secrets of each connection as NSS key log lines (RFC 9850: {@code LABEL client_random
 * secret}), e.g. to append them to an {@code SSLKEYLOGFILE} so Wireshark can decrypt a capture. Anyone
 * holding these lines can decrypt the traffic: enable it only for debugging.
 */
@FunctionalInterface
public interface Tls13KeyLog {

    /**
     * One key log line.
     *
     * @param channel the channel the secret belongs to
     * @param nssKeyLogLine the line, without a newline
     */
    void log(Channel channel, String nssKeyLogLine);
}
