package dev.tls13.interop;

/**
 * What one end of a connection reports it negotiated, read on its event loop when its handshake completed.
 * Fields a peer cannot report are {@code null} (the JDK and BoringSSL engines expose neither the key
 * exchange group nor the signature scheme).
 *
 * @param protocol the protocol name, {@code "TLSv1.3"} when all is well
 * @param cipherSuite the cipher suite's standard name
 * @param group the key exchange group, or {@code null} when this end cannot tell
 * @param scheme the server's CertificateVerify signature scheme, or {@code null} when this end cannot tell
 * @param applicationProtocol the ALPN protocol, or {@code null} when none was negotiated
 * @param serverName the SNI host name a server received, or {@code null} (always {@code null} on a client)
 * @param helloRetryRequest whether a HelloRetryRequest happened, or {@code null} when this end cannot tell
 */
record Negotiated(String protocol, String cipherSuite, String group, String scheme, String applicationProtocol,
                  String serverName, Boolean helloRetryRequest) {
}
