package dev.tls13.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tls13.crypto.WycheproofMlKemTest.FixedRandom;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.bouncycastle.crypto.SecretWithEncapsulation;
import org.bouncycastle.crypto.kems.MLKEMExtractor;
import org.bouncycastle.crypto.kems.MLKEMGenerator;
import org.bouncycastle.crypto.params.MLKEMParameters;
import org.bouncycastle.crypto.params.MLKEMPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLKEMPublicKeyParameters;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our {@link MlKem} against BouncyCastle 1.87's ML-KEM (lightweight {@code crypto.kems}), the implementation the
 * codec used before and now only this test's oracle: for 1,000 random seeds and messages per parameter set, the
 * same key pair from the seed (ek and the expanded dk), the same ciphertext and secret from the same message,
 * BouncyCastle's encapsulation decapsulated by us and ours by BouncyCastle, and a modified ciphertext giving the
 * same implicit-rejection secret K̄ = J(z || c) in both (FIPS 203 §6.3).
 */
class MlKemCrossCheckTest {

    private static final int ROUNDS = 1_000;

    @ParameterizedTest
    @ValueSource(ints = {768, 1024})
    @SuppressWarnings("deprecation")
    void agreesWithBouncyCastleOnRandomSeedsAndMessages(int level) throws Exception {
        MlKem ours = level == 768 ? MlKem.ML_KEM_768 : MlKem.ML_KEM_1024;
        MLKEMParameters theirs = level == 768 ? MLKEMParameters.ml_kem_768 : MLKEMParameters.ml_kem_1024;
        SplittableRandom random = new SplittableRandom(level);
        int rejected = 0;
        for (int round = 0; round < ROUNDS; round++) {
            byte[] seed = bytes(random, MlKem.SEED_LENGTH);
            byte[] m = bytes(random, 32);
            MlKem.DecapsulationKey key = ours.fromSeed(seed);
            MLKEMPrivateKeyParameters bcKey = new MLKEMPrivateKeyParameters(theirs, seed);
            byte[] ek = key.encapsulationKey();
            assertArrayEquals(bcKey.getPublicKey(), ek, "ek, round " + round);
            assertArrayEquals(bcKey.getParametersWithFormat(MLKEMPrivateKeyParameters.EXPANDED_KEY).getEncoded(),
                    key.expandedKey(), "dk, round " + round);

            MlKem.Encapsulated encapsulated = ours.encapsulate(ek, new FixedRandom(m));
            SecretWithEncapsulation bc = MLKEMGenerator.internalGenerateEncapsulated(
                    new MLKEMPublicKeyParameters(theirs, ek), m);
            assertArrayEquals(bc.getEncapsulation(), encapsulated.ciphertext(), "c, round " + round);
            assertArrayEquals(bc.getSecret(), encapsulated.sharedSecret(), "K, round " + round);
            assertArrayEquals(encapsulated.sharedSecret(), key.decapsulate(encapsulated.ciphertext()));

            SecretWithEncapsulation fresh = new MLKEMGenerator(new SecureRandom())
                    .generateEncapsulated(new MLKEMPublicKeyParameters(theirs, ek));
            assertArrayEquals(fresh.getSecret(), key.decapsulate(fresh.getEncapsulation()),
                    "BouncyCastle's encapsulation, round " + round);

            byte[] modified = encapsulated.ciphertext().clone();
            int position = random.nextInt(modified.length);
            modified[position] ^= (byte) (1 << random.nextInt(8));
            byte[] ourRejection = key.decapsulate(modified);
            assertArrayEquals(new MLKEMExtractor(bcKey).extractSecret(modified), ourRejection,
                    "implicit rejection, round " + round + ", byte " + position);
            if (!Arrays.equals(ourRejection, encapsulated.sharedSecret())) {
                rejected++;
            }
            key.destroy();
        }
        // c' is the encryption of a valid c, so no modified ciphertext passes the comparison: all are rejected.
        assertEquals(ROUNDS, rejected);
    }

    private static byte[] bytes(SplittableRandom random, int length) {
        byte[] out = new byte[length];
        random.nextBytes(out);
        return out;
    }
}
