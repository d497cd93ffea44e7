package dev.tls13.wire;

/**
 * The message an extension block appears in. The same extension type has different contents in
 * different messages (RFC 8446 §4.2: key_share, supported_versions, pre_shared_key, early_data),
 * and RFC 8446 §4.2's table lists in which messages each extension may appear.
 */
public enum ExtensionContext {
    /** ClientHello ("CH"). */
    CLIENT_HELLO("CH"),
    /** ServerHello ("SH"). */
    SERVER_HELLO("SH"),
    /** HelloRetryRequest ("HRR"), a ServerHello with the special random. */
    HELLO_RETRY_REQUEST("HRR"),
    /** EncryptedExtensions ("EE"). */
    ENCRYPTED_EXTENSIONS("EE"),
    /** The per-entry extensions of a Certificate message ("CT"). */
    CERTIFICATE("CT"),
    /** CertificateRequest ("CR"). */
    CERTIFICATE_REQUEST("CR"),
    /** NewSessionTicket ("NST"). */
    NEW_SESSION_TICKET("NST"),
    /**
     * A ServerHello without supported_versions, which negotiates TLS 1.2 (RFC 8446 §4.2.1): its extensions are
     * the TLS 1.2 ones (RFC 5246 §7.4.1.4, server_name, ALPN, extended_master_secret, ...), outside RFC 8446's
     * table, so every type is allowed at this layer and the TLS 1.2 client refuses what it did not offer.
     */
    TLS12_SERVER_HELLO("SH (TLS 1.2)");

    private final String rfcName;
    /** The block's name in decoding errors, built once rather than per message. */
    private final String blockName;

    ExtensionContext(String rfcName) {
        this.rfcName = rfcName;
        this.blockName = rfcName + " extensions";
    }

    /**
     * The abbreviation RFC 8446 §4.2's table uses.
     *
     * @return e.g. {@code "CH"}
     */
    public String rfcName() {
        return rfcName;
    }

    String blockName() {
        return blockName;
    }
}
