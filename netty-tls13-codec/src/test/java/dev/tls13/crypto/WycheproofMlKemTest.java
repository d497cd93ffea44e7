package dev.tls13.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.Wycheproof.Group;
import dev.tls13.crypto.Wycheproof.Tally;
import dev.tls13.crypto.Wycheproof.TestFile;
import dev.tls13.crypto.Wycheproof.Vector;
import dev.tls13.testing.Hex;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Wycheproof's ML-KEM vectors (FIPS 203) through {@link MlKem}, the code the hybrid groups run: key generation
 * draws its seed d || z from the random it is given and encapsulation its message m, so the vectors' seeds and
 * messages are fed in as that random, exactly where a TLS key pair and a server's encapsulation get theirs.
 *
 * <ul>
 *   <li>{@code *_keygen_seed_test}: the seed gives the vector's encapsulation key and expanded decapsulation
 *       key.</li>
 *   <li>{@code *_encaps_test}: the peer's encapsulation key and m give the ciphertext and secret; a key that
 *       fails the modulus check (FIPS 203 §7.2, {@code ModulusOverflow}) or has the wrong length is refused
 *       with {@link InvalidKeyShareException} (illegal_parameter in the handshake).</li>
 *   <li>{@code *_test}: the seed's key pair decapsulates the ciphertext to the vector's secret, including the
 *       implicit-rejection secret of random, bit-flipped and {@code Strcmp} ciphertexts; a ciphertext of the
 *       wrong length is refused with {@link InvalidKeyShareException}, a seed of the wrong length with
 *       {@link IllegalArgumentException} (a TLS key pair always draws 64 bytes).</li>
 *   <li>{@code *_semi_expanded_decaps_test}: keys given in the expanded encoding, which TLS never imports, go
 *       through {@link MlKem#fromExpandedKey} (FIPS 203 §7.3's input check: length and hash); then the same
 *       decapsulation as above. {@code MalleableCiphertext} vectors are valid: the secret must come out as
 *       given.</li>
 * </ul>
 */
class WycheproofMlKemTest {

    static final List<String> FILES = List.of(
            "mlkem_768_keygen_seed_test", "mlkem_768_encaps_test", "mlkem_768_test",
            "mlkem_768_semi_expanded_decaps_test",
            "mlkem_1024_keygen_seed_test", "mlkem_1024_encaps_test", "mlkem_1024_test",
            "mlkem_1024_semi_expanded_decaps_test");

    static Stream<String> files() {
        return FILES.stream();
    }

    @ParameterizedTest
    @MethodSource("files")
    void everyVectorThroughOurMlKem(String name) {
        TestFile file = Wycheproof.load(name);
        Tally tally = new Tally(file);
        for (Group group : file.groups()) {
            MlKem kem = kem(group.string("parameterSet"));
            for (Vector v : group.tests()) {
                try {
                    run(name, kem, v, tally);
                } catch (RuntimeException | InvalidKeyShareException e) {
                    tally.failed(v, "threw " + e);
                }
            }
        }
        tally.finish();
    }

    private static MlKem kem(String parameterSet) {
        switch (parameterSet) {
            case "ML-KEM-768":
                return MlKem.ML_KEM_768;
            case "ML-KEM-1024":
                return MlKem.ML_KEM_1024;
            default:
                throw new IllegalArgumentException(parameterSet);
        }
    }

    private static void run(String file, MlKem kem, Vector v, Tally tally) throws InvalidKeyShareException {
        if (file.endsWith("_keygen_seed_test")) {
            MlKem.DecapsulationKey key = kem.generate(new FixedRandom(v.bytes("seed")));
            boolean correct = Arrays.equals(v.bytes("ek"), key.encapsulationKey())
                    && Arrays.equals(v.bytes("dk"), key.expandedKey());
            tally.ran(v, true, correct, null, "ek " + Hex.encode(key.encapsulationKey()));
            key.destroy();
        } else if (file.endsWith("_encaps_test")) {
            try {
                MlKem.Encapsulated result = kem.encapsulate(v.bytes("ek"), new FixedRandom(v.bytes("m")));
                boolean correct = Arrays.equals(v.bytes("c"), result.ciphertext())
                        && Arrays.equals(v.bytes("K"), result.sharedSecret());
                tally.ran(v, true, correct, null, "K " + Hex.encode(result.sharedSecret()));
            } catch (InvalidKeyShareException e) {
                tally.ran(v, false, false, null, "refused: " + e.getMessage());
            }
        } else if (file.endsWith("_semi_expanded_decaps_test")) {
            MlKem.DecapsulationKey key;
            try {
                key = kem.fromExpandedKey(v.bytes("dk"));
            } catch (IllegalArgumentException e) {
                tally.ran(v, false, false, null, "key refused: " + e.getMessage());
                return;
            }
            boolean keyMatches = Arrays.equals(v.bytes("ek"), key.encapsulationKey());
            decapsulate(key, keyMatches, v, tally);
        } else {
            MlKem.DecapsulationKey key;
            try {
                // MlKem.generate draws 64 bytes and calls fromSeed: a seed of another length reaches fromSeed here.
                key = kem.fromSeed(v.bytes("seed"));
            } catch (IllegalArgumentException e) {
                tally.ran(v, false, false, null, "seed refused: " + e.getMessage());
                return;
            }
            boolean keyMatches = !v.fields().containsKey("ek") || Arrays.equals(v.bytes("ek"), key.encapsulationKey());
            decapsulate(key, keyMatches, v, tally);
        }
    }

    private static void decapsulate(MlKem.DecapsulationKey key, boolean keyMatches, Vector v, Tally tally) {
        try {
            byte[] secret = key.decapsulate(v.bytes("c"));
            tally.ran(v, true, keyMatches && Arrays.equals(v.bytes("K"), secret), null,
                    "key matches: " + keyMatches + ", K " + Hex.encode(secret));
        } catch (InvalidKeyShareException e) {
            tally.ran(v, false, false, null, "ciphertext refused: " + e.getMessage());
        } finally {
            key.destroy();
        }
    }

    @Test
    void theSizesAreFips203s() {
        assertEquals(1184, MlKem.ML_KEM_768.encapsulationKeyLength());
        assertEquals(1088, MlKem.ML_KEM_768.ciphertextLength());
        assertEquals(1568, MlKem.ML_KEM_1024.encapsulationKeyLength());
        assertEquals(1568, MlKem.ML_KEM_1024.ciphertextLength());
    }

    @Test
    void theModulusCheckLooksAtEveryCoefficientOfTHatButNotAtRho() {
        MlKem.DecapsulationKey key = MlKem.ML_KEM_768.generate(new SecureRandom());
        byte[] ek = key.encapsulationKey();
        assertTrue(MlKem.ML_KEM_768.isValidEncapsulationKey(ek));
        for (int coefficient : new int[] {0, 1, 2 * 256 - 1, 767}) {
            for (int value : new int[] {3329, 4095}) {
                byte[] bad = withCoefficient(ek, coefficient, value);
                assertFalse(MlKem.ML_KEM_768.isValidEncapsulationKey(bad), coefficient + " = " + value);
            }
            assertTrue(MlKem.ML_KEM_768.isValidEncapsulationKey(withCoefficient(ek, coefficient, 3328)));
        }
        byte[] rho = ek.clone();
        Arrays.fill(rho, rho.length - 32, rho.length, (byte) 0xFF);
        assertTrue(MlKem.ML_KEM_768.isValidEncapsulationKey(rho), "ρ is a seed, any bytes");
        assertFalse(MlKem.ML_KEM_768.isValidEncapsulationKey(Arrays.copyOf(ek, ek.length + 1)));
        assertFalse(MlKem.ML_KEM_1024.isValidEncapsulationKey(ek), "a 768 key for 1024");
        key.destroy();
    }

    @Test
    void destroyZeroesTheKeyAndRefusesFurtherUse() throws Exception {
        MlKem.DecapsulationKey key = MlKem.ML_KEM_1024.generate(new SecureRandom());
        MlKem.Encapsulated e = MlKem.ML_KEM_1024.encapsulate(key.encapsulationKey(), new SecureRandom());
        assertArrayEquals(e.sharedSecret(), key.decapsulate(e.ciphertext()));
        key.destroy();
        assertTrue(key.isDestroyed());
        assertThrows(IllegalStateException.class, () -> key.decapsulate(e.ciphertext()));
    }

    /** ByteEncode_12 places coefficient i at bits 12i .. 12i + 11 of the vector t̂. */
    private static byte[] withCoefficient(byte[] ek, int index, int value) {
        byte[] out = ek.clone();
        int bit = 12 * index;
        for (int b = 0; b < 12; b++) {
            int position = bit + b;
            int mask = 1 << (position & 7);
            if ((value >>> b & 1) != 0) {
                out[position >>> 3] |= (byte) mask;
            } else {
                out[position >>> 3] &= (byte) ~mask;
            }
        }
        return out;
    }

    /** A "random" that hands out the given bytes, in order, and fails when asked for more. */
    static final class FixedRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] bytes;
        private int used;

        FixedRandom(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        @Override
        public void nextBytes(byte[] out) {
            if (used + out.length > bytes.length) {
                throw new IllegalArgumentException("asked for " + out.length + " bytes, " + (bytes.length - used)
                        + " left");
            }
            System.arraycopy(bytes, used, out, 0, out.length);
            used += out.length;
        }
    }
}
