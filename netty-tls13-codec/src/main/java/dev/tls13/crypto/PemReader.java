package dev.tls13.crypto;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Null;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads certificate chains and private keys from PEM, with BouncyCastle's {@link PEMParser} doing the
 * parsing (it knows every OpenSSL format) and the JDK's {@link KeyFactory} and
 * {@link CertificateFactory} producing the objects, so the JDK's own {@code Signature} and PKIX code
 * accept them.
 *
 * <p>Private keys: {@code PRIVATE KEY} (PKCS#8: RSA, RSASSA-PSS, EC, Ed25519, Ed448),
 * {@code ENCRYPTED PRIVATE KEY} (PKCS#8 with PBES1/PBES2/scrypt), {@code RSA PRIVATE KEY} (PKCS#1) and
 * {@code EC PRIVATE KEY} (SEC1), including OpenSSL's legacy {@code Proc-Type: 4,ENCRYPTED} form of the
 * last two. BouncyCastle is used as a private provider instance; it is never registered in
 * {@code java.security.Security}.
 *
 * <p>Every failure (missing file, no PEM block, garbled Base64, wrong password, unknown key type) is an
 * {@link IllegalArgumentException} with a message that names the source and the problem: these are
 * configuration mistakes, not TLS failures. Streams are read as far as needed but not closed (the caller
 * owns them); passwords are not modified.
 */
public final class PemReader {

    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private PemReader() {
    }

    /**
     * Reads every {@code CERTIFICATE} block of a PEM file, in order (a chain: leaf first).
     *
     * @param file the PEM file
     * @return the certificates, never empty
     * @throws IllegalArgumentException if the file cannot be read or holds no valid certificate
     */
    public static List<X509Certificate> readCertificates(File file) {
        try (InputStream in = Files.newInputStream(file.toPath())) {
            return readCertificates(in, file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read certificates from " + file + ": " + e, e);
        }
    }

    /**
     * Reads every {@code CERTIFICATE} block of a PEM stream, in order.
     *
     * @param in the PEM stream, not closed
     * @return the certificates, never empty
     * @throws IllegalArgumentException if the stream holds no valid certificate
     */
    public static List<X509Certificate> readCertificates(InputStream in) {
        return readCertificates(in, "the certificate stream");
    }

    /**
     * Reads every {@code CERTIFICATE} block of PEM text, in order.
     *
     * @param pem the PEM text (not a file name)
     * @return the certificates, never empty
     * @throws IllegalArgumentException if the text holds no valid certificate
     */
    public static List<X509Certificate> readCertificates(String pem) {
        return certificates(new StringReader(pem), "the certificate PEM text");
    }

    /**
     * Reads the first private key of a PEM file.
     *
     * @param file the PEM file
     * @param password the password of an encrypted key, or {@code null}
     * @return the key, as a JDK key object
     * @throws IllegalArgumentException if the file cannot be read, holds no key, or the password is
     *         missing or wrong
     */
    public static PrivateKey readPrivateKey(File file, char[] password) {
        try (InputStream in = Files.newInputStream(file.toPath())) {
            return readPrivateKey(in, password, file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read a private key from " + file + ": " + e, e);
        }
    }

    /**
     * Reads the first private key of a PEM stream.
     *
     * @param in the PEM stream, not closed
     * @param password the password of an encrypted key, or {@code null}
     * @return the key, as a JDK key object
     * @throws IllegalArgumentException if the stream holds no key, or the password is missing or wrong
     */
    public static PrivateKey readPrivateKey(InputStream in, char[] password) {
        return readPrivateKey(in, password, "the private key stream");
    }

    /**
     * Reads the first private key of PEM text.
     *
     * @param pem the PEM text (not a file name)
     * @param password the password of an encrypted key, or {@code null}
     * @return the key, as a JDK key object
     * @throws IllegalArgumentException if the text holds no key, or the password is missing or wrong
     */
    public static PrivateKey readPrivateKey(String pem, char[] password) {
        return privateKey(new StringReader(pem), password, "the private key PEM text");
    }

    private static List<X509Certificate> readCertificates(InputStream in, String source) {
        return certificates(new InputStreamReader(in, StandardCharsets.US_ASCII), source);
    }

    private static PrivateKey readPrivateKey(InputStream in, char[] password, String source) {
        return privateKey(new InputStreamReader(in, StandardCharsets.US_ASCII), password, source);
    }

    private static List<X509Certificate> certificates(Reader reader, String source) {
        List<X509Certificate> certificates = new ArrayList<>();
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
        }
        PEMParser parser = new PEMParser(reader);
        Object object;
        while ((object = next(parser, source)) != null) {
            if (object instanceof X509CertificateHolder) {
                try {
                    byte[] der = ((X509CertificateHolder) object).getEncoded();
                    certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
                } catch (IOException | CertificateException e) {
                    throw new IllegalArgumentException("certificate " + (certificates.size() + 1) + " in " + source
                            + " is not a valid X.509 certificate: " + e.getMessage(), e);
                }
            }
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("no certificate found in " + source
                    + " (expected one or more '-----BEGIN CERTIFICATE-----' blocks)");
        }
        return certificates;
    }

    private static PrivateKey privateKey(Reader reader, char[] password, String source) {
        PEMParser parser = new PEMParser(reader);
        ASN1ObjectIdentifier namedCurve = null;
        Object object;
        while ((object = next(parser, source)) != null) {
            if (object instanceof ASN1ObjectIdentifier) {
                // An "EC PARAMETERS" block, as "openssl ecparam -genkey" writes before the key.
                namedCurve = (ASN1ObjectIdentifier) object;
                continue;
            }
            PrivateKeyInfo info = keyInfo(object, password, source);
            if (info != null) {
                return toJdkKey(withCurve(info, namedCurve, source), source);
            }
        }
        throw new IllegalArgumentException("no private key found in " + source + " (expected a 'PRIVATE KEY',"
                + " 'ENCRYPTED PRIVATE KEY', 'RSA PRIVATE KEY' or 'EC PRIVATE KEY' PEM block)");
    }

    /** Returns the key of a PEM object, or {@code null} for objects that are not keys (certificates, EC PARAMETERS). */
    private static PrivateKeyInfo keyInfo(Object object, char[] password, String source) {
        if (object instanceof PrivateKeyInfo) {
            return (PrivateKeyInfo) object;
        }
        if (object instanceof PEMKeyPair) {
            return ((PEMKeyPair) object).getPrivateKeyInfo();
        }
        if (object instanceof PKCS8EncryptedPrivateKeyInfo) {
            requirePassword(password, source);
            try {
                InputDecryptorProvider decryptor = new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC)
                        .build(password);
                return ((PKCS8EncryptedPrivateKeyInfo) object).decryptPrivateKeyInfo(decryptor);
            } catch (Exception e) {
                throw wrongPassword(source, e);
            }
        }
        if (object instanceof PEMEncryptedKeyPair) {
            requirePassword(password, source);
            try {
                return ((PEMEncryptedKeyPair) object)
                        .decryptKeyPair(new JcePEMDecryptorProviderBuilder().setProvider(BC).build(password))
                        .getPrivateKeyInfo();
            } catch (Exception e) {
                throw wrongPassword(source, e);
            }
        }
        return null;
    }

    /** A SEC1 key may leave its curve to a preceding EC PARAMETERS block; the JDK needs it in the identifier. */
    private static PrivateKeyInfo withCurve(PrivateKeyInfo info, ASN1ObjectIdentifier namedCurve, String source) {
        AlgorithmIdentifier algorithm = info.getPrivateKeyAlgorithm();
        ASN1Encodable parameters = algorithm.getParameters();
        boolean missing = parameters == null || parameters instanceof ASN1Null;
        if (!missing || namedCurve == null || !X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm.getAlgorithm())) {
            return info;
        }
        try {
            return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, namedCurve),
                    info.parsePrivateKey());
        } catch (IOException e) {
            throw new IllegalArgumentException("the EC private key in " + source + " is not valid: " + e, e);
        }
    }

    /** Converts to a key of the JDK's providers, chosen by the key's algorithm OID, not by trying each. */
    private static PrivateKey toJdkKey(PrivateKeyInfo info, String source) {
        String oid = info.getPrivateKeyAlgorithm().getAlgorithm().getId();
        String algorithm;
        switch (oid) {
            case "1.2.840.113549.1.1.1":
                algorithm = "RSA";
                break;
            case "1.2.840.113549.1.1.10":
                algorithm = "RSASSA-PSS";
                break;
            case "1.2.840.10045.2.1":
                algorithm = "EC";
                break;
            case "1.3.101.112":
                algorithm = "Ed25519";
                break;
            case "1.3.101.113":
                algorithm = "Ed448";
                break;
            case "1.2.840.10040.4.1":
                algorithm = "DSA";
                break;
            default:
                throw new IllegalArgumentException("the private key in " + source + " has an unsupported algorithm "
                        + oid + " (supported: RSA, RSASSA-PSS, EC, Ed25519, Ed448)");
        }
        byte[] der = null;
        try {
            der = info.getEncoded();
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("the " + algorithm + " private key in " + source
                    + " is not valid: " + e.getMessage(), e);
        } finally {
            if (der != null) {
                Arrays.fill(der, (byte) 0);
            }
        }
    }

    private static Object next(PEMParser parser, String source) {
        try {
            return parser.readObject();
        } catch (IOException | RuntimeException e) {
            // BouncyCastle reports garbled Base64 as unchecked DecoderExceptions.
            throw new IllegalArgumentException("malformed PEM in " + source + ": " + e.getMessage(), e);
        }
    }

    private static void requirePassword(char[] password, String source) {
        if (password == null) {
            throw new IllegalArgumentException("the private key in " + source
                    + " is encrypted: a password is required");
        }
    }

    private static IllegalArgumentException wrongPassword(String source, Exception e) {
        return new IllegalArgumentException("cannot decrypt the private key in " + source
                + ": wrong password or corrupt key (" + e.getMessage() + ")", e);
    }
}
