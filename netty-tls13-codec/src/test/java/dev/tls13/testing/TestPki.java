package dev.tls13.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptor;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Test certificates: CAs and leaves of every TLS 1.3 key type, generated with BouncyCastle (whose
 * provider instance is passed explicitly, never registered globally), plus PEM export of
 * certificates and keys in every format the loader reads.
 *
 * <p>Key pairs are generated once per type and cached (RSA key generation is slow); certificates
 * are cheap and made fresh per call. Everything returned holds JDK objects (JDK key classes, JDK
 * {@link X509Certificate}s), as production code would see them.
 */
public final class TestPki {

    /** BouncyCastle as a private provider instance: used directly, never added to {@code Security}. */
    public static final BouncyCastleProvider BC = new BouncyCastleProvider();

    /** The key types TLS 1.3 certificates use. */
    public enum KeyType {
        /** RSA 2048 with rsaEncryption keys (rsa_pss_rsae_* schemes). */
        RSA_2048,
        /** RSA 2048 with id-RSASSA-PSS keys without parameters (rsa_pss_pss_* schemes). */
        RSASSA_PSS_2048,
        /** ECDSA on P-256. */
        EC_P256,
        /** ECDSA on P-384. */
        EC_P384,
        /** ECDSA on P-521. */
        EC_P521,
        /** Ed25519. */
        ED25519,
        /** Ed448. */
        ED448
    }

    /**
     * A certificate with its private key and the chain a peer would send: the certificate, then its
     * issuing CA (just the certificate when it is self-signed).
     *
     * @param certificate the certificate
     * @param privateKey its private key
     * @param chain the chain, {@code certificate} first
     */
    public record Issued(X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> chain) {
        /**
         * Copies the chain.
         *
         * @param certificate the certificate
         * @param privateKey its private key
         * @param chain the chain, {@code certificate} first
         */
        public Issued {
            chain = List.copyOf(chain);
        }
    }

    private static final Map<KeyType, KeyPair> KEYS = new EnumMap<>(KeyType.class);
    private static final Map<KeyType, KeyPair> OTHER_KEYS = new EnumMap<>(KeyType.class);
    private static final Map<KeyType, Issued> CAS = new EnumMap<>(KeyType.class);
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private TestPki() {
    }

    /**
     * The cached key pair of a type (generated on first use).
     *
     * @param type the key type
     * @return the key pair
     */
    public static synchronized KeyPair keyPair(KeyType type) {
        return KEYS.computeIfAbsent(type, TestPki::generate);
    }

    /**
     * A second cached key pair of a type, different from {@link #keyPair(KeyType)}: for CAs and for
     * tests that need a key that does not match a certificate.
     *
     * @param type the key type
     * @return another key pair
     */
    public static synchronized KeyPair otherKeyPair(KeyType type) {
        return OTHER_KEYS.computeIfAbsent(type, TestPki::generate);
    }

    /**
     * Generates a fresh key pair (slow for RSA: prefer the cached ones).
     *
     * @param type the key type
     * @return a new key pair from the JDK's providers
     */
    public static KeyPair generate(KeyType type) {
        try {
            KeyPairGenerator generator;
            switch (type) {
                case RSA_2048:
                    generator = KeyPairGenerator.getInstance("RSA");
                    generator.initialize(2048);
                    break;
                case RSASSA_PSS_2048:
                    generator = KeyPairGenerator.getInstance("RSASSA-PSS");
                    generator.initialize(new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4));
                    break;
                case EC_P256:
                    generator = KeyPairGenerator.getInstance("EC");
                    generator.initialize(new ECGenParameterSpec("secp256r1"));
                    break;
                case EC_P384:
                    generator = KeyPairGenerator.getInstance("EC");
                    generator.initialize(new ECGenParameterSpec("secp384r1"));
                    break;
                case EC_P521:
                    generator = KeyPairGenerator.getInstance("EC");
                    generator.initialize(new ECGenParameterSpec("secp521r1"));
                    break;
                case ED25519:
                    generator = KeyPairGenerator.getInstance("Ed25519");
                    break;
                case ED448:
                    generator = KeyPairGenerator.getInstance("Ed448");
                    break;
                default:
                    throw new IllegalArgumentException(type.toString());
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate " + type, e);
        }
    }

    /**
     * The cached self-signed CA of a key type ("CN=Test CA &lt;type&gt;"), valid from a day ago for ten years.
     *
     * @param type the CA's key type
     * @return the CA
     */
    public static synchronized Issued ca(KeyType type) {
        return CAS.computeIfAbsent(type, t -> newCa("Test CA " + t, otherKeyPair(t)));
    }

    /**
     * A new self-signed CA with its own subject name.
     *
     * @param commonName the CA's CN
     * @param keys its key pair
     * @return the CA
     */
    public static Issued newCa(String commonName, KeyPair keys) {
        X500Name name = new X500Name("CN=" + commonName);
        Instant now = Instant.now();
        X509Certificate cert = sign(name, keys.getPublic(), name, keys.getPrivate(), keys.getPublic(),
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(3650)), true, List.of());
        return new Issued(cert, keys.getPrivate(), List.of(cert));
    }

    /**
     * Starts a leaf certificate for the cached key pair of a type, issued by default by
     * {@code ca(EC_P256)}.
     *
     * @param type the leaf's key type
     * @return a builder
     */
    public static LeafBuilder leaf(KeyType type) {
        return new LeafBuilder(keyPair(type));
    }

    /**
     * Starts a leaf certificate for a given key pair.
     *
     * @param keys the leaf's key pair
     * @return a builder
     */
    public static LeafBuilder leaf(KeyPair keys) {
        return new LeafBuilder(keys);
    }

    /** Builds a leaf certificate. Defaults: CN=localhost, no SANs, valid now, issued by {@code ca(EC_P256)}. */
    public static final class LeafBuilder {
        private final KeyPair keys;
        private final List<GeneralName> names = new ArrayList<>();
        private String commonName = "localhost";
        private Issued issuer;
        private boolean selfSigned;
        private Instant notBefore = Instant.now().minus(Duration.ofHours(1));
        private Instant notAfter = Instant.now().plus(Duration.ofDays(30));

        private LeafBuilder(KeyPair keys) {
            this.keys = keys;
        }

        /**
         * Adds a dNSName subjectAltName.
         *
         * @param name a dNSName subjectAltName entry, written as given
         * @return this
         */
        public LeafBuilder dns(String name) {
            names.add(new GeneralName(GeneralName.dNSName, name));
            return this;
        }

        /**
         * Adds an iPAddress subjectAltName.
         *
         * @param address an iPAddress subjectAltName entry (IPv4 or IPv6 literal)
         * @return this
         */
        public LeafBuilder ip(String address) {
            names.add(new GeneralName(GeneralName.iPAddress, address));
            return this;
        }

        /**
         * Sets the subject CN.
         *
         * @param cn the subject CN, or {@code null} for a subject without one
         * @return this
         */
        public LeafBuilder commonName(String cn) {
            this.commonName = cn;
            return this;
        }

        /**
         * Sets the issuing CA.
         *
         * @param ca the issuing CA
         * @return this
         */
        public LeafBuilder issuer(Issued ca) {
            this.issuer = ca;
            this.selfSigned = false;
            return this;
        }

        /**
         * Signs the leaf with its own key.
         *
         * @return this
         */
        public LeafBuilder selfSigned() {
            this.selfSigned = true;
            return this;
        }

        /**
         * Sets the validity period.
         *
         * @param from start of validity
         * @param to end of validity
         * @return this
         */
        public LeafBuilder validity(Instant from, Instant to) {
            this.notBefore = from;
            this.notAfter = to;
            return this;
        }

        /**
         * Valid from 30 days ago until yesterday.
         *
         * @return this
         */
        public LeafBuilder expired() {
            Instant now = Instant.now();
            return validity(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
        }

        /**
         * Valid from tomorrow for 30 days.
         *
         * @return this
         */
        public LeafBuilder notYetValid() {
            Instant now = Instant.now();
            return validity(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
        }

        /**
         * @return the leaf with its key and chain (leaf, then the CA unless self-signed)
         */
        public Issued build() {
            X500Name subject = new X500Name(commonName == null ? "O=Test Leaf" : "CN=" + commonName);
            if (selfSigned) {
                X509Certificate cert = sign(subject, keys.getPublic(), subject, keys.getPrivate(), keys.getPublic(),
                        notBefore, notAfter, false, names);
                return new Issued(cert, keys.getPrivate(), List.of(cert));
            }
            Issued ca = issuer != null ? issuer : ca(KeyType.EC_P256);
            X500Name issuerName = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
            X509Certificate cert = sign(subject, keys.getPublic(), issuerName, ca.privateKey(),
                    ca.certificate().getPublicKey(), notBefore, notAfter, false, names);
            return new Issued(cert, keys.getPrivate(), List.of(cert, ca.certificate()));
        }
    }

    private static X509Certificate sign(X500Name subject, PublicKey subjectKey, X500Name issuer,
                                         PrivateKey issuerKey, PublicKey issuerPublicKey, Instant notBefore,
                                         Instant notAfter, boolean ca, List<GeneralName> names) {
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
                    subject, subjectKey);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    utils.createAuthorityKeyIdentifier(issuerPublicKey));
            if (ca) {
                builder.addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            } else {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            }
            if (!names.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(new GeneralName[0])));
            }
            ContentSigner signer = new JcaContentSignerBuilder(signatureAlgorithm(issuerKey))
                    .setProvider(BC).build(issuerKey);
            X509CertificateHolder holder = builder.build(signer);
            return toJdk(holder.getEncoded());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot build certificate " + subject, e);
        }
    }

    private static String signatureAlgorithm(PrivateKey key) {
        switch (key.getAlgorithm()) {
            case "RSA":
                return "SHA256withRSA";
            case "RSASSA-PSS":
                return "SHA256withRSAandMGF1";
            case "EC":
                int bits = ((java.security.interfaces.ECKey) key).getParams().getOrder().bitLength();
                return bits <= 256 ? "SHA256withECDSA" : bits <= 384 ? "SHA384withECDSA" : "SHA512withECDSA";
            default:
                return ((java.security.interfaces.EdECKey) key).getParams().getName();
        }
    }

    /**
     * The JDK's default PKIX trust manager, trusting exactly the given anchors.
     *
     * @param anchors the trusted certificates
     * @return the trust manager
     */
    public static X509ExtendedTrustManager trustManager(X509Certificate... anchors) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < anchors.length; i++) {
                store.setCertificateEntry("anchor-" + i, anchors[i]);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager) {
                    return (X509ExtendedTrustManager) manager;
                }
            }
            throw new IllegalStateException("no X509ExtendedTrustManager from PKIX");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses a DER certificate with the JDK's factory.
     *
     * @param der the encoding
     * @return the JDK certificate
     * @throws GeneralSecurityException if it does not parse
     */
    public static X509Certificate toJdk(byte[] der) throws GeneralSecurityException {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
    }

    /**
     * PEM of certificates ("CERTIFICATE" blocks), in the given order.
     *
     * @param certificates the certificates
     * @return the PEM text
     */
    public static String pem(List<X509Certificate> certificates) {
        return write(w -> {
            for (X509Certificate c : certificates) {
                w.writeObject(c);
            }
        });
    }

    /**
     * PEM of an unencrypted PKCS#8 key ("PRIVATE KEY").
     *
     * @param key the key
     * @return the PEM text
     */
    public static String pkcs8Pem(PrivateKey key) {
        return write(w -> w.writeObject(new JcaPKCS8Generator(key, null)));
    }

    /**
     * PEM of a PKCS#8 key encrypted with PBES2 (PBKDF2 + AES-256-CBC), "ENCRYPTED PRIVATE KEY".
     *
     * @param key the key
     * @param password the password
     * @return the PEM text
     */
    public static String encryptedPkcs8Pem(PrivateKey key, char[] password) {
        return write(w -> {
            try {
                OutputEncryptor encryptor = new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                        .setProvider(BC).setPassword(password).build();
                w.writeObject(new JcaPKCS8Generator(key, encryptor));
            } catch (OperatorCreationException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * PEM in OpenSSL's traditional format: "RSA PRIVATE KEY" (PKCS#1) for RSA keys, "EC PRIVATE KEY"
     * (SEC1) for EC keys.
     *
     * @param key an RSA or EC key
     * @return the PEM text
     */
    public static String traditionalPem(PrivateKey key) {
        PrivateKey withCurve = withCurveInSec1(key);
        return write(w -> w.writeObject(new JcaMiscPEMGenerator(withCurve)));
    }

    /**
     * PEM in OpenSSL's legacy encrypted traditional format ({@code Proc-Type: 4,ENCRYPTED},
     * AES-128-CBC).
     *
     * @param key an RSA or EC key
     * @param password the password
     * @return the PEM text
     */
    public static String legacyEncryptedPem(PrivateKey key, char[] password) {
        return write(w -> {
            PEMEncryptor encryptor = new JcePEMEncryptorBuilder("AES-128-CBC").setProvider(BC).build(password);
            w.writeObject(new JcaMiscPEMGenerator(withCurveInSec1(key), encryptor));
        });
    }

    /**
     * The JDK encodes an EC key's curve only in the PKCS#8 algorithm identifier, so a SEC1 block made
     * from it would lack the curve that OpenSSL always writes; BouncyCastle's encoding carries it.
     */
    private static PrivateKey withCurveInSec1(PrivateKey key) {
        if (!key.getAlgorithm().equals("EC")) {
            return key;
        }
        try {
            return KeyFactory.getInstance("EC", BC).generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private interface PemWriting {
        void write(JcaPEMWriter writer) throws IOException;
    }

    private static String write(PemWriting writing) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writing.write(writer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
