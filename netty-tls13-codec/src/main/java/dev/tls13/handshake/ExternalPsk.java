package dev.tls13.handshake;

import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.keys.PskImporter;
import dev.tls13.record.CipherSuiteParams;
import dev.tls13.wire.CipherSuite;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.security.auth.Destroyable;

/**
 * A PSK provisioned outside TLS (RFC 8446 §2.2, §4.2.11; docs/architecture.md §15): an identity, the key and the
 * hash it is used with. Binders use the "ext binder" label (§7.1); no ticket age applies (§4.2.11: "For identities
 * established externally, an obfuscated_ticket_age of 0 SHOULD be used, and servers MUST ignore the value").
 *
 * <p>An EPSK to import (RFC 9258; {@link #imported()}) has a context besides: it is never used as it is, only as the
 * PSKs derived from it for TLS 1.3 and each target KDF ({@link PskImporter}), whose identities are ImportedIdentity
 * structures naming this identity as external_identity; its {@link #hash()} is then the hash of the import
 * (RFC 9258 §5.1), not a restriction on the suite.
 *
 * <p>Held by a configuration for all its connections: the key is copied in, handed out as copies that the
 * handshake zeroes, and zeroed by {@link #destroy()}. {@link #toString()} never shows the key.
 */
public final class ExternalPsk implements Destroyable {

    /** RFC 8446 §4.2.11: {@code opaque identity<1..2^16-1>}. */
    public static final int MAX_IDENTITY_LENGTH = 0xFFFF;

    private final byte[] identity;
    private final byte[] key;
    private final HashAlgorithm hash;
    /** The RFC 9258 context of an EPSK to import, or {@code null} for a PSK used as it is. */
    private final byte[] context;
    private volatile boolean destroyed;

    /**
     * Creates an external PSK; both arrays are copied.
     *
     * @param identity the PskIdentity.identity, 1 to 65,535 bytes
     * @param key the PSK, at least 1 byte
     * @param hash the hash the PSK is used with (RFC 8446 §4.2.11: only with suites of this hash)
     * @throws IllegalArgumentException for an empty or too long identity, or an empty key
     */
    public ExternalPsk(byte[] identity, byte[] key, HashAlgorithm hash) {
        this(identity, key, hash, null);
    }

    /**
     * Creates an external PSK, imported (RFC 9258) when {@code context} is not {@code null}; the arrays are copied.
     *
     * @param identity the identity (the external_identity of an imported PSK), 1 to 65,535 bytes
     * @param key the PSK (the EPSK), at least 1 byte
     * @param hash the hash the PSK is used with, or the hash of the import for an EPSK (RFC 9258 §5.1)
     * @param context the ImportedIdentity.context, 0 to 65,535 bytes, or {@code null} for a PSK not imported
     * @throws IllegalArgumentException for an empty or too long identity, an empty key, or an identity and context
     *         too long together for an ImportedIdentity
     */
    public ExternalPsk(byte[] identity, byte[] key, HashAlgorithm hash, byte[] context) {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(key, "key");
        this.hash = Objects.requireNonNull(hash, "hash");
        if (identity.length < 1 || identity.length > MAX_IDENTITY_LENGTH) {
            throw new IllegalArgumentException("a PSK identity has 1 to 65535 bytes: " + identity.length);
        }
        if (key.length == 0) {
            throw new IllegalArgumentException("empty PSK");
        }
        if (context != null) {
            PskImporter.checkFields(identity, context);
        }
        this.identity = identity.clone();
        this.key = key.clone();
        this.context = context == null ? null : context.clone();
    }

    /** @return whether this is an EPSK to import (RFC 9258), offered and accepted only as imported PSKs */
    public boolean imported() {
        return context != null;
    }

    /** @return the RFC 9258 context, borrowed, or {@code null} when not imported */
    byte[] context() {
        return context;
    }

    /** @return the identity, borrowed: not to be modified */
    byte[] identity() {
        return identity;
    }

    /** @return the hash the PSK is bound to */
    public HashAlgorithm hash() {
        return hash;
    }

    /**
     * A copy of the key for one handshake, which the handshake zeroes.
     *
     * @return the key, owned by the caller
     * @throws IllegalStateException once destroyed
     */
    byte[] key() {
        if (destroyed) {
            throw new IllegalStateException("external PSK destroyed");
        }
        return key.clone();
    }

    /**
     * A client's one-use offer of this PSK (docs/architecture.md §15): a {@link ResumptionTicket} of the external
     * kind, whose "suite" is the TLS 1.3 suite that names this PSK's hash (only the hash is used).
     *
     * @return the offer, owned by the caller, which destroys it
     */
    ResumptionTicket offer() {
        return ResumptionTicket.external(identity, key(), suiteOf(hash));
    }

    /**
     * A client's one-use offers of this PSK for a ClientHello offering {@code suites}: the PSK itself
     * ({@link #offer()}), or for an EPSK to import one imported PSK per hash of those suites, SHA-256 first (RFC 9258
     * §5.1: "for each supported target protocol ... and KDF ..., the importer constructs an ImportedIdentity"), each
     * with its ImportedIdentity and ipskx.
     *
     * @param crypto the provider (HKDF of the import)
     * @param suites the TLS 1.3 suites the client offers
     * @return the offers, owned by the caller, which destroys them; empty when no suite fits
     */
    List<ResumptionTicket> offers(CryptoProvider crypto, List<CipherSuite> suites) {
        if (context == null) {
            return List.of(offer());
        }
        List<ResumptionTicket> offers = new ArrayList<>(2);
        for (HashAlgorithm target : HashAlgorithm.values()) {
            boolean offered = suites.stream().anyMatch(suite -> CipherSuiteParams.find(suite)
                    .map(CipherSuiteParams::hash).orElse(null) == target);
            if (offered) {
                offers.add(importedOffer(crypto, target));
            }
        }
        return offers;
    }

    /**
     * The imported PSK for one target KDF (RFC 9258 §5.1).
     *
     * @param crypto the provider
     * @param target the target KDF's hash
     * @return the offer, owned by the caller
     */
    ResumptionTicket importedOffer(CryptoProvider crypto, HashAlgorithm target) {
        byte[] importedIdentity = PskImporter.importedIdentity(identity, context, target);
        return ResumptionTicket.imported(importedIdentity, importedKey(crypto, importedIdentity, target),
                suiteOf(target), identity);
    }

    /**
     * ipskx for an ImportedIdentity naming this EPSK (RFC 9258 §5.1).
     *
     * @param crypto the provider
     * @param importedIdentity the serialized ImportedIdentity, borrowed
     * @param target the target KDF's hash
     * @return ipskx, owned by the caller, who zeroes it
     * @throws IllegalStateException once destroyed
     */
    byte[] importedKey(CryptoProvider crypto, byte[] importedIdentity, HashAlgorithm target) {
        byte[] epsk = key();
        try {
            return PskImporter.derive(crypto, hash, epsk, importedIdentity, target);
        } finally {
            Arrays.fill(epsk, (byte) 0);
        }
    }

    /** A TLS 1.3 suite that names {@code hash}; an offer uses only its hash. */
    private static CipherSuite suiteOf(HashAlgorithm hash) {
        return hash == HashAlgorithm.SHA384 ? CipherSuite.TLS_AES_256_GCM_SHA384 : CipherSuite.TLS_AES_128_GCM_SHA256;
    }

    /**
     * A copy with its own key array, for a configuration to own.
     *
     * @return the copy
     * @throws IllegalStateException once destroyed
     */
    public ExternalPsk copy() {
        byte[] k = key();
        try {
            return new ExternalPsk(identity, k, hash, context);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    /** Zeroes the key; handshakes started afterwards cannot use it. */
    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(key, (byte) 0);
    }

    /** @return whether {@link #destroy()} was called */
    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    /** @return the identity's length and the hash; never the key */
    @Override
    public String toString() {
        return "ExternalPsk[" + identity.length + "-byte identity, " + hash + (context != null ? ", imported" : "")
                + (destroyed ? ", destroyed]" : "]");
    }
}
