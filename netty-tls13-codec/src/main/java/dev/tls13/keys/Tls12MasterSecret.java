package dev.tls13.keys;

import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.crypto.Hkdf;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.security.auth.Destroyable;

/**
 * A TLS 1.2 master secret (RFC 5246 §8.1) and what derives from it: the key block (§6.3), Finished
 * verify_data (§7.4.9), exporters (RFC 5705) and the NSS key log line. The extended master secret of RFC 7627 §4
 * is always offered and required by default; the RFC 5246 §8.1 master secret over the randoms alone exists only for
 * peers without it when the configuration allows them, and such a secret exports nothing (RFC 7627 §5.4). Not
 * thread-safe; confined to the connection's thread. {@link #toString()} never shows the secret.
 */
public final class Tls12MasterSecret implements Destroyable {

    /** The master secret is 48 bytes (RFC 5246 §8.1). */
    public static final int LENGTH = 48;
    /** Finished.verify_data is 12 bytes for every suite of ours (RFC 5246 §7.4.9). */
    public static final int VERIFY_DATA_LENGTH = 12;
    /** ClientHello.random and ServerHello.random are 32 bytes (RFC 5246 §7.4.1.2). */
    private static final int RANDOM_LENGTH = 32;

    private final Hkdf hkdf;
    private final SecretBytes secret;
    private final boolean extended;

    private Tls12MasterSecret(Hkdf hkdf, byte[] secret, boolean extended) {
        this.hkdf = hkdf;
        this.secret = new SecretBytes(secret);
        this.extended = extended;
    }

    /**
     * RFC 7627 §4: {@code master_secret = PRF(pre_master_secret, "extended master secret", session_hash)[0..47]},
     * where session_hash is the transcript hash of the handshake messages up to and including
     * ClientKeyExchange.
     *
     * @param provider the crypto provider
     * @param prfHash the cipher suite's PRF hash
     * @param preMasterSecret the (EC)DHE shared secret (borrowed; the caller zeroes it)
     * @param sessionHash the transcript hash through ClientKeyExchange, HashLen bytes
     * @return the master secret, owned by the caller
     */
    public static Tls12MasterSecret extended(CryptoProvider provider, HashAlgorithm prfHash, byte[] preMasterSecret,
                                             byte[] sessionHash) {
        Hkdf hkdf = provider.hkdf(prfHash);
        HkdfLabel.checkLength(sessionHash, prfHash.length(), "session hash");
        return new Tls12MasterSecret(hkdf,
                Tls12Prf.prf(hkdf, preMasterSecret, "extended master secret", sessionHash, LENGTH), true);
    }

    /**
     * RFC 5246 §8.1: {@code master_secret = PRF(pre_master_secret, "master secret", ClientHello.random +
     * ServerHello.random)[0..47]}, for a peer without the extended master secret when the configuration allows
     * one. Not bound to the handshake (the RFC 7627 §1 key synchronization attack), hence no exporter.
     *
     * @param provider the crypto provider
     * @param prfHash the cipher suite's PRF hash
     * @param preMasterSecret the (EC)DHE shared secret (borrowed; the caller zeroes it)
     * @param clientRandom ClientHello.random, 32 bytes
     * @param serverRandom ServerHello.random, 32 bytes
     * @return the master secret, owned by the caller
     */
    public static Tls12MasterSecret legacy(CryptoProvider provider, HashAlgorithm prfHash, byte[] preMasterSecret,
                                           byte[] clientRandom, byte[] serverRandom) {
        Hkdf hkdf = provider.hkdf(prfHash);
        HkdfLabel.checkLength(clientRandom, RANDOM_LENGTH, "client random");
        HkdfLabel.checkLength(serverRandom, RANDOM_LENGTH, "server random");
        return new Tls12MasterSecret(hkdf, Tls12Prf.prf(hkdf, preMasterSecret, "master secret",
                Tls12Prf.concat(clientRandom, serverRandom), LENGTH), false);
    }

    /** @return whether this is the extended master secret of RFC 7627 */
    public boolean isExtended() {
        return extended;
    }

    /**
     * A master secret restored from a session ticket (RFC 5077 §4) for an abbreviated handshake; always an extended
     * one, since only sessions with the extended master secret are resumed (RFC 7627 §5.3).
     *
     * @param provider the crypto provider
     * @param prfHash the cipher suite's PRF hash
     * @param secret the 48 bytes; copied (the caller zeroes its array)
     * @return the master secret, owned by the caller
     */
    public static Tls12MasterSecret resumed(CryptoProvider provider, HashAlgorithm prfHash, byte[] secret) {
        HkdfLabel.checkLength(secret, LENGTH, "master secret");
        return new Tls12MasterSecret(provider.hkdf(prfHash), secret.clone(), true);
    }

    /**
     * A copy of the secret, to seal into a session ticket (RFC 5077 §4). The caller zeroes it.
     *
     * @return the 48 bytes
     */
    public byte[] secretForTicket() {
        return secret.get().clone();
    }

    /** For tests: a master secret from its bytes (a key log line). Takes ownership of {@code secret}. */
    static Tls12MasterSecret of(CryptoProvider provider, HashAlgorithm prfHash, byte[] secret) {
        HkdfLabel.checkLength(secret, LENGTH, "master secret");
        return new Tls12MasterSecret(provider.hkdf(prfHash), secret, true);
    }

    /** @return the PRF hash */
    public HashAlgorithm hash() {
        return hkdf.hash();
    }

    /**
     * The key block of RFC 5246 §6.3 for an AEAD suite:
     * {@code PRF(master_secret, "key expansion", server_random + client_random)}, cut into client and server
     * write keys, then client and server write IVs (no MAC keys for AEAD suites, RFC 5246 §6.2.3.3).
     *
     * @param clientRandom ClientHello.random, 32 bytes
     * @param serverRandom ServerHello.random, 32 bytes
     * @param keyLength the AEAD key length
     * @param ivLength the fixed IV length: 4 for AES-GCM/CCM, 12 for ChaCha20-Poly1305
     * @return the keys, owned by the caller
     */
    public Tls12KeyBlock keyBlock(byte[] clientRandom, byte[] serverRandom, int keyLength, int ivLength) {
        HkdfLabel.checkLength(clientRandom, RANDOM_LENGTH, "client random");
        HkdfLabel.checkLength(serverRandom, RANDOM_LENGTH, "server random");
        byte[] block = Tls12Prf.prf(hkdf, secret.get(), "key expansion", Tls12Prf.concat(serverRandom, clientRandom),
                2 * keyLength + 2 * ivLength);
        try {
            int k = keyLength;
            return new Tls12KeyBlock(Arrays.copyOfRange(block, 0, k), Arrays.copyOfRange(block, k, 2 * k),
                    Arrays.copyOfRange(block, 2 * k, 2 * k + ivLength),
                    Arrays.copyOfRange(block, 2 * k + ivLength, 2 * k + 2 * ivLength));
        } finally {
            Arrays.fill(block, (byte) 0);
        }
    }

    /**
     * RFC 5246 §7.4.9: {@code verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))[0..11]}.
     *
     * @param client true for "client finished", false for "server finished"
     * @param handshakeHash the transcript hash of every handshake message before this Finished
     * @return the 12 bytes, owned by the caller
     */
    public byte[] verifyData(boolean client, byte[] handshakeHash) {
        HkdfLabel.checkLength(handshakeHash, hash().length(), "handshake hash");
        return Tls12Prf.prf(hkdf, secret.get(), client ? "client finished" : "server finished", handshakeHash,
                VERIFY_DATA_LENGTH);
    }

    /**
     * Checks a received Finished.verify_data in constant time (RFC 5246 §7.4.9).
     *
     * @param client whether the peer is the client
     * @param handshakeHash the transcript hash before that Finished
     * @param received the received verify_data (peer input, any length)
     * @return whether it is right
     */
    public boolean verifyFinished(boolean client, byte[] handshakeHash, byte[] received) {
        byte[] expected = verifyData(client, handshakeHash);
        try {
            return MessageDigest.isEqual(expected, received);
        } finally {
            Arrays.fill(expected, (byte) 0);
        }
    }

    /**
     * RFC 5705 §4 keying material exporter: {@code PRF(master_secret, label, client_random + server_random
     * [+ context_value_length + context_value])[0..length)}. Unlike TLS 1.3, RFC 5705 distinguishes an absent
     * context ({@code null}) from an empty one. With the extended master secret this export is bound to the
     * whole handshake (RFC 7627 §5.4).
     *
     * @param label the exporter label, printable ASCII, 1 or more characters; RFC 5705 §4 forbids the
     *        labels the PRF uses itself
     * @param context the context value, null for none; at most 65535 bytes
     * @param clientRandom ClientHello.random, 32 bytes
     * @param serverRandom ServerHello.random, 32 bytes
     * @param length the number of bytes
     * @return the keying material, owned by the caller
     * @throws IllegalStateException for a master secret without the extended master secret
     */
    public byte[] export(String label, byte[] context, byte[] clientRandom, byte[] serverRandom, int length) {
        if (!extended) {
            // RFC 7627 §5.4: a session without the extended master secret "MUST NOT export any key material ...
            // In particular, it MUST disable [RFC5705]".
            throw new IllegalStateException("no keying material exporter without the extended master secret"
                    + " (RFC 7627 §5.4)");
        }
        if (label.isEmpty() || !StandardCharsets.US_ASCII.newEncoder().canEncode(label)) {
            throw new IllegalArgumentException("exporter label must be non-empty ASCII");
        }
        switch (label) {
            case "client finished", "server finished", "master secret", "key expansion",
                    "extended master secret" ->
                throw new IllegalArgumentException("reserved exporter label (RFC 5705 §4): " + label);
            default -> {
            }
        }
        if (context != null && context.length > 0xFFFF) {
            throw new IllegalArgumentException("exporter context longer than 65535 bytes");
        }
        if (length < 0) {
            throw new IllegalArgumentException("export length out of range: " + length);
        }
        HkdfLabel.checkLength(clientRandom, RANDOM_LENGTH, "client random");
        HkdfLabel.checkLength(serverRandom, RANDOM_LENGTH, "server random");
        byte[] seed = Tls12Prf.concat(clientRandom, serverRandom);
        if (context != null) {
            byte[] withContext = Arrays.copyOf(seed, seed.length + 2 + context.length);
            withContext[seed.length] = (byte) (context.length >>> 8);
            withContext[seed.length + 1] = (byte) context.length;
            System.arraycopy(context, 0, withContext, seed.length + 2, context.length);
            seed = withContext;
        }
        return Tls12Prf.prf(hkdf, secret.get(), label, seed, length);
    }

    /**
     * Formats the NSS key log line {@code CLIENT_RANDOM <client random> <master secret>} (hex). This
     * deliberately exposes the secret in a string that cannot be zeroed: call it only when the user asked
     * for a key log.
     *
     * @param clientRandom ClientHello.random, 32 bytes
     * @return the line, without a line terminator
     */
    public String keyLogLine(byte[] clientRandom) {
        return KeyLog.line("CLIENT_RANDOM", clientRandom, secret.get());
    }

    /** Zeroes the secret; every later derivation fails. */
    @Override
    public void destroy() {
        secret.destroy();
    }

    /** @return whether {@link #destroy()} was called */
    @Override
    public boolean isDestroyed() {
        return secret.isDestroyed();
    }

    /** @return the hash only; never the secret */
    @Override
    public String toString() {
        return "Tls12MasterSecret[" + hash() + (extended ? "" : ", legacy") + (isDestroyed() ? ", destroyed]" : "]");
    }

    /** @return the secret array itself, also after destruction; for tests */
    byte[] bytes() {
        return secret.raw();
    }
}
