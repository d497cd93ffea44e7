package dev.tls13.handshake;

import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.keys.Transcript;
import dev.tls13.wire.Certificate;
import dev.tls13.wire.Extension;
import dev.tls13.wire.Extensions;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.HandshakeMessage;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** Message steps both sides share: expecting a type, sending, the Certificate message, extension checks. */
final class Messages {

    private Messages() {
    }

    /**
     * The coordination step of every state (docs/architecture.md §5): the message must be of the one type expected.
     *
     * @param message the received message
     * @param type the expected type
     * @param <T> the expected type
     * @return the message, cast
     * @throws TlsException UnexpectedMessage (unexpected_message) otherwise
     */
    static <T extends HandshakeMessage> T expect(HandshakeMessage message, Class<T> type) throws TlsException {
        if (!type.isInstance(message)) {
            throw TlsException.unexpected(type.getSimpleName(), message.type().toString());
        }
        return type.cast(message);
    }

    /**
     * Encodes a message, adds it to the transcript and queues it.
     *
     * @param out where the message goes
     * @param transcript the running transcript
     * @param message the message
     * @return the encoded bytes
     */
    static byte[] send(HandshakeOutput out, Transcript transcript, HandshakeMessage message) {
        byte[] encoded = HandshakeCodec.encode(message);
        transcript.add(encoded);
        out.sendHandshake(encoded);
        return encoded;
    }

    /**
     * A Certificate message carrying a chain (RFC 8446 §4.4.2), without per-entry extensions.
     *
     * @param context the certificate_request_context
     * @param chain leaf first; empty for the client's "no certificate" answer
     * @return the message
     * @throws TlsException Internal if a certificate cannot be encoded
     */
    static Certificate certificate(byte[] context, List<X509Certificate> chain) throws TlsException {
        List<Certificate.Entry> entries = new ArrayList<>(chain.size());
        for (X509Certificate c : chain) {
            try {
                entries.add(new Certificate.Entry(c.getEncoded(), Extensions.EMPTY));
            } catch (CertificateEncodingException e) {
                throw TlsException.internal("cannot encode " + c.getSubjectX500Principal(), e);
            }
        }
        return new Certificate(context, entries);
    }

    /**
     * RFC 8446 §4.2: "Implementations MUST NOT send extension responses if the remote endpoint did not
     * send the corresponding extension requests ... Upon receiving such an extension, an endpoint MUST
     * abort the handshake with an "unsupported_extension" alert."
     *
     * @param response the extensions received
     * @param request the extensions we sent
     * @param where the message, for the detail
     * @throws TlsException UNSOLICITED_EXTENSION (unsupported_extension)
     */
    static void checkSolicited(Extensions response, Extensions request, String where) throws TlsException {
        for (Extension e : response) {
            if (!request.contains(e.type())) {
                throw TlsException.misbehaved(PeerMisbehaved.UNSOLICITED_EXTENSION, e.type() + " in " + where);
            }
        }
    }

    /**
     * The extensions in a Certificate's entries, each checked as a response to {@code request}.
     *
     * @param certificate the message
     * @param request the extensions of the message that asked for it
     * @throws TlsException UNSOLICITED_EXTENSION (unsupported_extension)
     */
    static void checkCertificateExtensions(Certificate certificate, Extensions request) throws TlsException {
        for (Certificate.Entry entry : certificate.entries()) {
            checkSolicited(entry.extensions(), request, "Certificate");
        }
    }
}
