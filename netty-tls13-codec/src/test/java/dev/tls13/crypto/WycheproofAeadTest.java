package dev.tls13.crypto;

import dev.tls13.crypto.Wycheproof.Group;
import dev.tls13.crypto.Wycheproof.Tally;
import dev.tls13.crypto.Wycheproof.TestFile;
import dev.tls13.crypto.Wycheproof.Vector;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Wycheproof's AEAD vectors through the provider's {@link Aead}, in every shape the record layer uses: the
 * nonce passed as one reused array overwritten per record (as {@code ReadProtection} and {@code WriteProtection}
 * do), sealing out of place and from content plus trailer (RFC 8446 §5.2's TLSInnerPlaintext), opening in place
 * after a 5-byte record header, out of place and from direct and heap {@link ByteBuffer}s. A valid vector must
 * give its ciphertext and tag in every shape and decrypt back in every shape; an invalid one must fail every
 * open with {@link AEADBadTagException}, which the record layer maps to bad_record_mac (RFC 8446 §5.2). There
 * are no acceptable vectors in these files.
 */
class WycheproofAeadTest {

    static final List<String> FILES = List.of("aes_gcm_test", "chacha20_poly1305_test", "aes_ccm_test");

    /** The record header that precedes a record's ciphertext in the buffers the record layer decrypts. */
    private static final int HEADER = 5;

    private final CryptoProvider provider = JcaCryptoProvider.instance();
    /** One nonce array for every vector, as the record layer reuses one per direction. */
    private final byte[] nonce = new byte[AeadAlgorithm.NONCE_LENGTH];

    static Stream<String> files() {
        return FILES.stream();
    }

    @ParameterizedTest
    @MethodSource("files")
    void everyVectorThroughOurAead(String name) throws GeneralSecurityException {
        TestFile file = Wycheproof.load(name);
        Tally tally = new Tally(file);
        for (Group group : file.groups()) {
            long keyBits = group.number("keySize");
            long ivBits = group.number("ivSize");
            long tagBits = group.number("tagSize");
            AeadAlgorithm algorithm = algorithm(name, keyBits, tagBits);
            String notApplicable = null;
            if (algorithm == null) {
                notApplicable = name.equals("aes_ccm_test") && keyBits == 128
                        ? "tag neither 128 nor 64 bits (the CCM suites', RFC 8446 §B.4)"
                        : "AES-" + keyBits + (name.equals("aes_ccm_test") ? "-CCM" : "-GCM")
                                + ": no TLS 1.3 suite (RFC 8446 §B.4)";
            } else if (ivBits != 8 * AeadAlgorithm.NONCE_LENGTH) {
                notApplicable = "nonce not 96 bits (RFC 8446 §5.3)";
            }
            for (Vector v : group.tests()) {
                if (notApplicable != null) {
                    tally.notApplicable(v, notApplicable);
                } else {
                    run(algorithm, v, tally);
                }
            }
        }
        tally.finish();
    }

    /** The TLS 1.3 AEAD for a group's parameters, or null when no suite uses them. */
    private static AeadAlgorithm algorithm(String file, long keyBits, long tagBits) {
        switch (file) {
            case "aes_gcm_test":
                if (tagBits != 128) {
                    return null;
                }
                return keyBits == 128 ? AeadAlgorithm.AES_128_GCM : keyBits == 256 ? AeadAlgorithm.AES_256_GCM : null;
            case "chacha20_poly1305_test":
                return keyBits == 256 && tagBits == 128 ? AeadAlgorithm.CHACHA20_POLY1305 : null;
            case "aes_ccm_test":
                if (keyBits != 128) {
                    return null;
                }
                return tagBits == 128 ? AeadAlgorithm.AES_128_CCM : tagBits == 64 ? AeadAlgorithm.AES_128_CCM_8 : null;
            default:
                throw new IllegalArgumentException(file);
        }
    }

    private void run(AeadAlgorithm algorithm, Vector v, Tally tally) throws GeneralSecurityException {
        byte[] key = v.bytes("key");
        byte[] aad = v.bytes("aad");
        byte[] msg = v.bytes("msg");
        byte[] sealed = concat(v.bytes("ct"), v.bytes("tag"));
        List<String> wrong = new ArrayList<>();
        if (v.valid()) {
            seal(algorithm, key, v, aad, msg, sealed, wrong);
        }
        int opened = open(algorithm, key, v, aad, msg, sealed, wrong);
        // Accepted: every open authenticated (all 4 shapes); rejected: every open failed with a bad tag.
        if (opened == 4) {
            tally.ran(v, true, wrong.isEmpty(), null, String.join("; ", wrong));
        } else if (opened == 0 && wrong.isEmpty()) {
            tally.ran(v, false, false, null, "every open failed with a bad tag");
        } else {
            tally.failed(v, opened + " of 4 opens authenticated; " + String.join("; ", wrong));
        }
    }

    /** Seals out of place after a record header, and from content plus a one-byte trailer: both give ct || tag. */
    private void seal(AeadAlgorithm algorithm, byte[] key, Vector v, byte[] aad, byte[] msg, byte[] sealed,
                      List<String> wrong) throws GeneralSecurityException {
        // Each seal on its own AEAD: the JCA refuses a second encryption under one key and nonce on one cipher.
        Aead aead = provider.aead(algorithm, key);
        byte[] out = new byte[HEADER + sealed.length];
        int n = aead.seal(nonce(v), aad, msg, 0, msg.length, out, HEADER);
        if (n != sealed.length || !Arrays.equals(out, HEADER, HEADER + n, sealed, 0, sealed.length)) {
            wrong.add("seal gave a different ciphertext");
        }
        aead.destroy();
        if (msg.length > 0) {
            aead = provider.aead(algorithm, key);
            byte[] trailer = {msg[msg.length - 1]};
            Arrays.fill(out, (byte) 0);
            n = aead.seal(nonce(v), aad, msg, 0, msg.length - 1, trailer, 1, out, HEADER);
            if (n != sealed.length || !Arrays.equals(out, HEADER, HEADER + n, sealed, 0, sealed.length)) {
                wrong.add("seal of content and trailer gave a different ciphertext");
            }
            aead.destroy();
        }
    }

    /**
     * Opens {@code sealed} in four shapes on one AEAD (a connection's read key opens many records); for a valid
     * vector every shape must give {@code msg}.
     *
     * @return how many opens authenticated
     */
    private int open(AeadAlgorithm algorithm, byte[] key, Vector v, byte[] aad, byte[] msg, byte[] sealed,
                     List<String> wrong) throws GeneralSecurityException {
        Aead aead = provider.aead(algorithm, key);
        int opened = 0;
        try {
            // In place after a record header, as ReadProtection decrypts a heap record.
            byte[] record = new byte[HEADER + sealed.length];
            System.arraycopy(sealed, 0, record, HEADER, sealed.length);
            Integer n = openOrNull(v, wrong, () -> aead.open(nonce(v), aad, record, HEADER, sealed.length, record,
                    HEADER));
            if (n != null) {
                opened++;
                check(msg, record, HEADER, n, "in place", wrong);
            }
            // Out of place, from offset 0 into another array.
            byte[] out = new byte[sealed.length];
            n = openOrNull(v, wrong, () -> aead.open(nonce(v), aad, sealed, 0, sealed.length, out, 0));
            if (n != null) {
                opened++;
                check(msg, out, 0, n, "out of place", wrong);
            }
            // Direct buffers, in place.
            ByteBuffer direct = ByteBuffer.allocateDirect(sealed.length);
            direct.put(sealed).flip();
            ByteBuffer directOut = direct.duplicate();
            n = openOrNull(v, wrong, () -> aead.open(nonce(v), aad, direct, directOut));
            if (n != null) {
                opened++;
                byte[] plain = new byte[n];
                directOut.flip();
                directOut.get(plain);
                check(msg, plain, 0, n, "direct buffer", wrong);
            }
            // Heap buffers, out of place.
            ByteBuffer heapOut = ByteBuffer.allocate(sealed.length);
            n = openOrNull(v, wrong, () -> aead.open(nonce(v), aad, ByteBuffer.wrap(sealed), heapOut));
            if (n != null) {
                opened++;
                check(msg, heapOut.array(), 0, n, "heap buffer", wrong);
            }
        } finally {
            aead.destroy();
        }
        return opened;
    }

    /** An AEAD open that may fail. */
    private interface Open {
        int open() throws GeneralSecurityException;
    }

    /** @return the plaintext length, or null when authentication failed with the exception the record layer maps */
    private static Integer openOrNull(Vector v, List<String> wrong, Open open) {
        try {
            return open.open();
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException | RuntimeException e) {
            // Anything but a bad tag would be internal_error instead of bad_record_mac (ReadProtection#aeadOpen).
            wrong.add("open threw " + e);
            return null;
        }
    }

    private static void check(byte[] msg, byte[] out, int off, int n, String shape, List<String> wrong) {
        if (n != msg.length || !Arrays.equals(out, off, off + n, msg, 0, msg.length)) {
            wrong.add("open " + shape + " gave a different plaintext");
        }
    }

    /** Writes the vector's nonce into the one reused array, as the record layer writes each record's. */
    private byte[] nonce(Vector v) {
        byte[] iv = v.bytes("iv");
        System.arraycopy(iv, 0, nonce, 0, nonce.length);
        return nonce;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
