package dev.tls13.examples;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What one side of a connection learned from its handshake, in the words the examples print.
 *
 * @param protocol {@code TLSv1.3} or {@code TLSv1.2}
 * @param cipherSuite the cipher suite, as OpenSSL and IANA spell it
 * @param group the key exchange group (RFC 8446 §4.2.7 name)
 * @param signatureScheme the scheme of the server's CertificateVerify (RFC 8446 §4.2.3 name), or {@code null}
 * @param applicationProtocol the ALPN protocol, or {@code null}
 * @param serverName the SNI host name the client sent, or {@code null}
 * @param helloRetryRequest whether the server sent a HelloRetryRequest
 * @param peerCertificates the peer's chain, leaf first; empty when it sent none
 * @param cryptoProvider which crypto provider this side ran on ({@code JcaCryptoProvider}, the default, or
 *     {@code JcaOnlyCryptoProvider} in the JCA-only mode, {@code -Ddev.tls13.crypto=jca}); on Netty's
 *     {@code SslHandler} (the server's {@code --engine jdk|openssl}) the class of its {@code SSLEngine}
 */
record Negotiated(String protocol, String cipherSuite, String group, String signatureScheme,
                  String applicationProtocol, String serverName, boolean helloRetryRequest,
                  List<X509Certificate> peerCertificates, String cryptoProvider) {

    Negotiated {
        peerCertificates = List.copyOf(peerCertificates);
    }

    /** One line for a connection log: {@code TLSv1.3 TLS_AES_128_GCM_SHA256 x25519 alpn=h2 sni=localhost}. */
    String summary() {
        return protocol + " " + cipherSuite + " " + group
                + " alpn=" + orNone(applicationProtocol) + " sni=" + orNone(serverName)
                + (helloRetryRequest ? " hrr" : "");
    }

    static String orNone(String value) {
        return value == null ? "(none)" : value;
    }
}
