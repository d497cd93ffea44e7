package dev.tls13.crypto;

/** The hash of a TLS 1.3 cipher suite (RFC 8446 §B.4), used by HKDF and the transcript. */
public enum HashAlgorithm {
    /** SHA-256, for every suite except TLS_AES_256_GCM_SHA384. */
    SHA256("SHA-256", "HmacSHA256", 32),
    /** SHA-384, for TLS_AES_256_GCM_SHA384. */
    SHA384("SHA-384", "HmacSHA384", 48);

    private final String jcaName;
    private final String hmacName;
    private final int length;

    HashAlgorithm(String jcaName, String hmacName, int length) {
        this.jcaName = jcaName;
        this.hmacName = hmacName;
        this.length = length;
    }

    /** @return the JCA {@code MessageDigest} name */
    public String jcaName() {
        return jcaName;
    }

    /** @return the JCA {@code Mac} name of HMAC with this hash */
    public String hmacName() {
        return hmacName;
    }

    /** @return the output length in bytes (HashLen in RFC 8446) */
    public int length() {
        return length;
    }
}
