package dev.tls13.keys;

import dev.tls13.crypto.AeadAlgorithm;
import dev.tls13.crypto.HashAlgorithm;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.security.auth.Destroyable;

/**
 * One direction's traffic secret of one generation: client_early_traffic_secret,
 * {client,server}_handshake_traffic_secret or {client,server}_application_traffic_secret_N
 * (RFC 8446 §7.1). From it come the record keys (§7.3), the Finished MAC (§4.4.4) and, for
 * application secrets, the next generation on KeyUpdate (§7.2).
 *
 * <p>Deriving from a secret never destroys it: the owner calls {@link #destroy()} once it no
 * longer needs it (typically right after {@link #keys} and, on KeyUpdate, after {@link #next()}).
 * Not thread-safe; confined to the connection's thread. {@link #toString()} never shows the secret.
 */
public final class TrafficSecret implements Destroyable {

    /** Which secret of RFC 8446 §7.1 this is, with its NSS key log label. */
    public enum Kind {
        /** client_early_traffic_secret, protecting 0-RTT data. */
        CLIENT_EARLY("CLIENT_EARLY_TRAFFIC_SECRET", true, false),
        /** client_handshake_traffic_secret. */
        CLIENT_HANDSHAKE("CLIENT_HANDSHAKE_TRAFFIC_SECRET", true, false),
        /** server_handshake_traffic_secret. */
        SERVER_HANDSHAKE("SERVER_HANDSHAKE_TRAFFIC_SECRET", false, false),
        /** client_application_traffic_secret_N. */
        CLIENT_APPLICATION("CLIENT_TRAFFIC_SECRET_", true, true),
        /** server_application_traffic_secret_N. */
        SERVER_APPLICATION("SERVER_TRAFFIC_SECRET_", false, true);

        private final String keyLogLabel;
        private final boolean client;
        private final boolean application;

        Kind(String keyLogLabel, boolean client, boolean application) {
            this.keyLogLabel = keyLogLabel;
            this.client = client;
            this.application = application;
        }

        /** @return whether this secret protects what the client sends */
        public boolean isClient() {
            return client;
        }

        /** @return whether this is an application traffic secret, the only kind KeyUpdate advances */
        public boolean isApplication() {
            return application;
        }

        /**
         * Returns the NSS key log label of this kind at a generation.
         *
         * @param generation N of an application traffic secret; must be 0 for the other kinds
         * @return for example {@code CLIENT_HANDSHAKE_TRAFFIC_SECRET} or {@code SERVER_TRAFFIC_SECRET_0}
         */
        public String keyLogLabel(int generation) {
            if (application) {
                return keyLogLabel + generation;
            }
            if (generation != 0) {
                throw new IllegalArgumentException(this + " has only generation 0");
            }
            return keyLogLabel;
        }
    }

    private final KeyDerivation derivation;
    private final Kind kind;
    private final int generation;
    private final SecretBytes secret;

    /** Takes ownership of {@code secret}. */
    TrafficSecret(KeyDerivation derivation, Kind kind, int generation, byte[] secret) {
        HkdfLabel.checkLength(secret, derivation.hashLength(), "traffic secret");
        this.derivation = derivation;
        this.kind = kind;
        this.generation = generation;
        this.secret = new SecretBytes(secret);
    }

    /** @return which secret this is */
    public Kind kind() {
        return kind;
    }

    /** @return N: 0 except for application secrets advanced by KeyUpdate */
    public int generation() {
        return generation;
    }

    /** @return the cipher suite's hash */
    public HashAlgorithm hash() {
        return derivation.hash();
    }

    /**
     * Derives the record protection keys of RFC 8446 §7.3: {@code key = HKDF-Expand-Label(Secret,
     * "key", "", key_length)} and {@code iv = HKDF-Expand-Label(Secret, "iv", "", iv_length)}.
     *
     * @param aead the cipher suite's AEAD
     * @return new keys, owned by the caller, who destroys them when done
     */
    public TrafficKeys keys(AeadAlgorithm aead) {
        byte[] s = secret.get();
        byte[] key = derivation.expandLabel(s, HkdfLabel.KEY, HkdfLabel.empty(), aead.keyLength());
        byte[] iv = derivation.expandLabel(s, HkdfLabel.IV, HkdfLabel.empty(), AeadAlgorithm.NONCE_LENGTH);
        return new TrafficKeys(aead, key, iv);
    }

    /**
     * Derives the next generation for KeyUpdate (RFC 8446 §7.2):
     * {@code application_traffic_secret_N+1 = HKDF-Expand-Label(application_traffic_secret_N,
     * "traffic upd", "", Hash.length)}. This secret stays usable until destroyed.
     *
     * @return the next generation, owned by the caller
     * @throws IllegalStateException if this is not an application traffic secret
     */
    public TrafficSecret next() {
        if (!kind.isApplication()) {
            throw new IllegalStateException("KeyUpdate applies only to application traffic secrets, not " + kind);
        }
        byte[] nextSecret = derivation.expandLabel(secret.get(), HkdfLabel.TRAFFIC_UPD, HkdfLabel.empty(),
                derivation.hashLength());
        return new TrafficSecret(derivation, kind, Math.addExact(generation, 1), nextSecret);
    }

    /**
     * Computes Finished.verify_data = HMAC(finished_key, transcript hash) of RFC 8446 §4.4.4, with
     * this secret as the Base Key (the sender's handshake traffic secret, or for post-handshake
     * authentication the client's application traffic secret).
     *
     * @param transcriptHash Transcript-Hash(Handshake Context, Certificate*, CertificateVerify*), HashLen bytes
     * @return the verify_data, HashLen bytes, owned by the caller
     * @throws IllegalStateException if RFC 8446 §4.4 does not use this secret as a Finished Base Key
     *         (client_early_traffic_secret and server application traffic secrets)
     */
    public byte[] finishedVerifyData(byte[] transcriptHash) {
        if (kind == Kind.CLIENT_EARLY || kind == Kind.SERVER_APPLICATION) {
            throw new IllegalStateException(kind + " is not a Finished base key (RFC 8446 §4.4)");
        }
        HkdfLabel.checkLength(transcriptHash, derivation.hashLength(), "transcript hash");
        byte[] finishedKey = finishedKey();
        try {
            return derivation.hmac(finishedKey, transcriptHash);
        } finally {
            Arrays.fill(finishedKey, (byte) 0);
        }
    }

    /**
     * Checks a peer's Finished.verify_data in constant time (RFC 8446 §4.4.4). A {@code false}
     * result means the handshake must fail with decrypt_error (the BAD_FINISHED reason).
     *
     * @param transcriptHash the transcript hash the peer's Finished covers, HashLen bytes
     * @param verifyData the received verify_data; any length (a wrong length does not match)
     * @return whether it matches
     * @throws IllegalStateException if this secret is not a Finished Base Key (see {@link #finishedVerifyData})
     */
    public boolean verifyFinished(byte[] transcriptHash, byte[] verifyData) {
        byte[] expected = finishedVerifyData(transcriptHash);
        try {
            return MessageDigest.isEqual(expected, verifyData);
        } finally {
            Arrays.fill(expected, (byte) 0);
        }
    }

    /** @return the NSS key log label, for example {@code CLIENT_TRAFFIC_SECRET_0} */
    public String keyLogLabel() {
        return kind.keyLogLabel(generation);
    }

    /**
     * Formats the NSS key log line {@code <label> <client random> <secret>} (hex). This deliberately
     * exposes the secret in a string that cannot be zeroed: call it only when the user asked for a
     * key log.
     *
     * @param clientRandom the ClientHello.random of the connection, 32 bytes
     * @return the line, without a line terminator
     */
    public String keyLogLine(byte[] clientRandom) {
        return KeyLog.line(keyLogLabel(), clientRandom, secret.get());
    }

    /** Zeroes the secret; every derivation fails afterwards. */
    @Override
    public void destroy() {
        secret.destroy();
    }

    /** @return whether {@link #destroy()} was called */
    @Override
    public boolean isDestroyed() {
        return secret.isDestroyed();
    }

    /** @return the kind and generation only; never the secret */
    @Override
    public String toString() {
        return "TrafficSecret[" + keyLogLabel() + ", " + derivation.hash() + (isDestroyed() ? ", destroyed]" : "]");
    }

    /** finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length), RFC 8446 §4.4.4. */
    byte[] finishedKey() {
        return derivation.expandLabel(secret.get(), HkdfLabel.FINISHED, HkdfLabel.empty(), derivation.hashLength());
    }

    /** @return the secret array itself, also after destruction; for tests */
    byte[] bytes() {
        return secret.raw();
    }
}
