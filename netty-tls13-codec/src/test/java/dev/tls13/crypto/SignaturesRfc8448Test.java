package dev.tls13.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.testing.Rfc8448;
import dev.tls13.testing.Rfc8448.Step;
import dev.tls13.testing.Rfc8448.Trace;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CertificateVerify signatures of the RFC 8448 traces, checked over the RFC 8446 §4.4.3 content. */
class SignaturesRfc8448Test {

    private static final String SERVER_CONTEXT = "TLS 1.3, server CertificateVerify";
    private static final String CLIENT_CONTEXT = "TLS 1.3, client CertificateVerify";
    private static final String CERTIFICATE = "construct a Certificate handshake message";
    private static final String CERTIFICATE_VERIFY = "construct a CertificateVerify handshake message";

    /** RFC 8446 §4.4.3: 64 spaces, the context string, one zero byte, then Transcript-Hash. */
    private static byte[] certificateVerifyContent(String context, byte[] transcriptHash) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] pad = new byte[64];
        Arrays.fill(pad, (byte) 0x20);
        out.writeBytes(pad);
        out.writeBytes(context.getBytes(StandardCharsets.US_ASCII));
        out.write(0);
        out.writeBytes(transcriptHash);
        return out.toByteArray();
    }

    /**
     * SHA-256 over the "construct a ... handshake message" values in trace order, up to and including
     * the first such step of {@code who} whose heading is {@code lastStep}.
     */
    private static byte[] transcriptHash(Trace trace, String who, String lastStep) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (Step s : trace.steps()) {
            if (!s.step().startsWith("construct a") || !s.step().endsWith("handshake message")) {
                continue;
            }
            assertEquals(1, s.fields().size(), s.step());
            sha.update(s.bytes(s.fields().keySet().iterator().next()));
            if (s.who().equals(who) && s.step().equals(lastStep)) {
                return sha.digest();
            }
        }
        throw new AssertionError("no step " + who + " " + lastStep);
    }

    /** A parsed CertificateVerify: RFC 8446 §4.4.3 (header, u16 scheme, u16-length signature). */
    private static final class CertificateVerify {
        final int scheme;
        final byte[] signature;

        CertificateVerify(byte[] message) {
            assertEquals(15, message[0], "handshake type certificate_verify");
            int length = u24(message, 1);
            assertEquals(message.length - 4, length);
            scheme = u16(message, 4);
            int sigLength = u16(message, 6);
            assertEquals(length - 4, sigLength);
            signature = Arrays.copyOfRange(message, 8, 8 + sigLength);
        }
    }

    /** The certificates of a Certificate message (RFC 8446 §4.4.2), parsed by hand. */
    private static List<X509Certificate> certificates(byte[] message) throws Exception {
        assertEquals(11, message[0], "handshake type certificate");
        assertEquals(message.length - 4, u24(message, 1));
        int i = 4;
        int contextLength = message[i++] & 0xff;
        i += contextLength;
        int listEnd = i + 3 + u24(message, i);
        i += 3;
        assertEquals(message.length, listEnd);
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> out = new ArrayList<>();
        while (i < listEnd) {
            int certLength = u24(message, i);
            i += 3;
            byte[] der = Arrays.copyOfRange(message, i, i + certLength);
            i += certLength;
            out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            i += 2 + u16(message, i);
        }
        assertEquals(listEnd, i);
        return out;
    }

    private static int u16(byte[] b, int i) {
        return (b[i] & 0xff) << 8 | b[i + 1] & 0xff;
    }

    private static int u24(byte[] b, int i) {
        return (b[i] & 0xff) << 16 | (b[i + 1] & 0xff) << 8 | b[i + 2] & 0xff;
    }

    private static BigInteger component(Map<String, String> key, String name) {
        return new BigInteger(key.get(name), 16);
    }

    private static PublicKey rsaServerPublicKey() throws Exception {
        Map<String, String> key = Rfc8448.rsaServerKey();
        return KeyFactory.getInstance("RSA").generatePublic(
                new RSAPublicKeySpec(component(key, "modulus"), component(key, "public exponent")));
    }

    private static PrivateKey rsaServerPrivateKey() throws Exception {
        Map<String, String> key = Rfc8448.rsaServerKey();
        return KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateCrtKeySpec(
                component(key, "modulus"), component(key, "public exponent"), component(key, "private exponent"),
                component(key, "prime1"), component(key, "prime2"), component(key, "exponent1"),
                component(key, "exponent2"), component(key, "coefficient")));
    }

    private static byte[] section3ServerContent() throws Exception {
        return certificateVerifyContent(SERVER_CONTEXT,
                transcriptHash(Trace.SIMPLE_1RTT, "server", CERTIFICATE));
    }

    @Test
    void section3ServerCertificateVerifyVerifiesWithRsaServerKey() throws Exception {
        CertificateVerify cv = new CertificateVerify(
                Rfc8448.one(Trace.SIMPLE_1RTT, "server", CERTIFICATE_VERIFY).bytes("CertificateVerify"));
        assertEquals(0x0804, cv.scheme, "rsa_pss_rsae_sha256");
        byte[] content = section3ServerContent();
        assertTrue(Signatures.verify(SignatureAlgorithm.RSA_PSS_RSAE_SHA256, rsaServerPublicKey(), content,
                cv.signature));

        byte[] otherContent = certificateVerifyContent(CLIENT_CONTEXT,
                transcriptHash(Trace.SIMPLE_1RTT, "server", CERTIFICATE));
        assertFalse(Signatures.verify(SignatureAlgorithm.RSA_PSS_RSAE_SHA256, rsaServerPublicKey(), otherContent,
                cv.signature), "the client context string must not verify");
        assertFalse(Signatures.verify(SignatureAlgorithm.RSA_PSS_RSAE_SHA384, rsaServerPublicKey(), content,
                cv.signature), "another hash must not verify");
    }

    @Test
    void section3CertificateCarriesTheRsaServerKey() throws Exception {
        List<X509Certificate> chain = certificates(
                Rfc8448.one(Trace.SIMPLE_1RTT, "server", CERTIFICATE).bytes("Certificate"));
        assertEquals(1, chain.size());
        RSAPublicKey fromCertificate = (RSAPublicKey) chain.get(0).getPublicKey();
        assertEquals(((RSAPublicKey) rsaServerPublicKey()).getModulus(), fromCertificate.getModulus());
        // The deterministic provider's default clock must lie inside the trace certificates' validity.
        chain.get(0).checkValidity(Date.from(DeterministicCryptoProvider.DEFAULT_INSTANT));
    }

    @Test
    void section3ContentSignedWithRsaServerPrivateKeyVerifies() throws Exception {
        // RSA-PSS draws a random salt, so our signature cannot equal the RFC's bytes; it must verify.
        byte[] content = section3ServerContent();
        byte[] signature = Signatures.sign(SignatureAlgorithm.RSA_PSS_RSAE_SHA256, rsaServerPrivateKey(), content,
                new SecureRandom());
        assertEquals(128, signature.length);
        assertTrue(Signatures.verify(SignatureAlgorithm.RSA_PSS_RSAE_SHA256, rsaServerPublicKey(), content,
                signature));
    }

    @Test
    void section6ServerEcdsaCertificateVerifyVerifiesWithCertificateKey() throws Exception {
        List<X509Certificate> chain = certificates(
                Rfc8448.one(Trace.CLIENT_AUTH, "server", CERTIFICATE).bytes("Certificate"));
        CertificateVerify cv = new CertificateVerify(
                Rfc8448.one(Trace.CLIENT_AUTH, "server", CERTIFICATE_VERIFY).bytes("CertificateVerify"));
        assertEquals(0x0403, cv.scheme, "ecdsa_secp256r1_sha256");
        byte[] content = certificateVerifyContent(SERVER_CONTEXT,
                transcriptHash(Trace.CLIENT_AUTH, "server", CERTIFICATE));
        PublicKey key = chain.get(0).getPublicKey();
        assertTrue(Signatures.verify(SignatureAlgorithm.ECDSA_SECP256R1_SHA256, key, content, cv.signature));

        byte[] tampered = content.clone();
        tampered[tampered.length - 1] ^= 1;
        assertFalse(Signatures.verify(SignatureAlgorithm.ECDSA_SECP256R1_SHA256, key, tampered, cv.signature));
    }

    @Test
    void section6ClientRsaCertificateVerifyVerifiesWithCertificateKey() throws Exception {
        List<X509Certificate> chain = certificates(
                Rfc8448.one(Trace.CLIENT_AUTH, "client", CERTIFICATE).bytes("Certificate"));
        CertificateVerify cv = new CertificateVerify(
                Rfc8448.one(Trace.CLIENT_AUTH, "client", CERTIFICATE_VERIFY).bytes("CertificateVerify"));
        assertEquals(0x0804, cv.scheme, "rsa_pss_rsae_sha256");
        byte[] content = certificateVerifyContent(CLIENT_CONTEXT,
                transcriptHash(Trace.CLIENT_AUTH, "client", CERTIFICATE));
        PublicKey key = chain.get(0).getPublicKey();
        assertTrue(Signatures.verify(SignatureAlgorithm.RSA_PSS_RSAE_SHA256, key, content, cv.signature));

        byte[] serverContext = certificateVerifyContent(SERVER_CONTEXT,
                transcriptHash(Trace.CLIENT_AUTH, "client", CERTIFICATE));
        assertFalse(Signatures.verify(SignatureAlgorithm.RSA_PSS_RSAE_SHA256, key, serverContext, cv.signature),
                "the server context string must not verify");
    }
}
