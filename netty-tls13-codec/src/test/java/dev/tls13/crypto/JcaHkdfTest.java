package dev.tls13.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.testing.Hex;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Our HMAC (RFC 2104) and HKDF (RFC 5869) against the RFC vectors and the JCA's {@link Mac}. */
class JcaHkdfTest {

    private final Hkdf sha256 = new JcaHkdf(HashAlgorithm.SHA256);
    private final Hkdf sha384 = new JcaHkdf(HashAlgorithm.SHA384);

    /** RFC 4231 §4.2 to §4.8 except the truncation case 5: key, data, HMAC-SHA-256, HMAC-SHA-384. */
    private static final String[][] RFC4231 = {
        {"0b".repeat(20), hex("Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
                    + "faea9ea9076ede7f4af152e8b2fa9cb6"},
        {hex("Jefe"), hex("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
                    + "8e2240ca5e69e2c78b3239ecfab21649"},
        {"aa".repeat(20), "dd".repeat(50),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
            "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b"
                    + "2a5ab39dc13814b94e3ab6e101a34f27"},
        {"0102030405060708090a0b0c0d0e0f10111213141516171819", "cd".repeat(50),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
            "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e"
                    + "6801dd23c4a7d679ccf8a386c674cffb"},
        // Test cases 6 and 7: a 131-byte key, longer than both block sizes, is hashed first.
        {"aa".repeat(131), hex("Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
                    + "0c2ef6ab4030fe8296248df163f44952"},
        {"aa".repeat(131), hex("This is a test using a larger than block-size key and a larger than block-size data."
                + " The key needs to be hashed before being used by the HMAC algorithm."),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
            "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5"
                    + "a678cc31e799176d3860e6110c46523e"},
    };

    @Test
    void hmacMatchesEveryRfc4231VectorForSha256AndSha384() {
        for (String[] v : RFC4231) {
            byte[] key = Hex.decode(v[0]);
            byte[] data = Hex.decode(v[1]);
            assertEquals(v[2], Hex.encode(sha256.hmac(key, data)), "SHA-256, key length " + key.length);
            assertEquals(v[3], Hex.encode(sha384.hmac(key, data)), "SHA-384, key length " + key.length);
        }
    }

    @Test
    void hkdfMatchesTheRfc5869Sha256Vectors() {
        // RFC 5869 A.1: basic.
        checkHkdf("0b".repeat(22), "000102030405060708090a0b0c", "f0f1f2f3f4f5f6f7f8f9", 42,
                "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
                "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
        // A.2: longer inputs and outputs (three blocks of T).
        checkHkdf(range(0x00, 80), range(0x60, 80), range(0xb0, 80), 82,
                "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
                "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09"
                        + "da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87");
        // A.3: zero-length salt (HashLen zeros) and info.
        checkHkdf("0b".repeat(22), "", "", 42,
                "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
                "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
    }

    private void checkHkdf(String ikm, String salt, String info, int length, String prk, String okm) {
        byte[] actualPrk = sha256.extract(Hex.decode(salt), Hex.decode(ikm));
        assertEquals(prk, Hex.encode(actualPrk));
        assertEquals(okm, Hex.encode(sha256.expand(actualPrk, Hex.decode(info), length)));
    }

    @Test
    void hmacEqualsTheJcaMacForRandomKeysAndMessages() throws Exception {
        SplittableRandom random = new SplittableRandom(0x5eed);
        for (HashAlgorithm hash : HashAlgorithm.values()) {
            Hkdf ours = new JcaHkdf(hash);
            Mac mac = Mac.getInstance(hash.hmacName());
            for (int keyLength = 0; keyLength <= 300; keyLength++) {
                byte[] key = bytes(random, keyLength);
                byte[] data = bytes(random, random.nextInt(400));
                assertArrayEquals(jcaHmac(mac, hash, key, data), ours.hmac(key, data),
                        hash + " key length " + keyLength + " data length " + data.length);
            }
        }
    }

    @Test
    void expandEqualsRfc5869OverTheJcaMacForEveryLengthUpToSeveralBlocks() throws Exception {
        SplittableRandom random = new SplittableRandom(0xcafe);
        for (HashAlgorithm hash : HashAlgorithm.values()) {
            Hkdf ours = new JcaHkdf(hash);
            Mac mac = Mac.getInstance(hash.hmacName());
            for (int length = 0; length <= 4 * hash.length() + 1; length++) {
                byte[] prk = bytes(random, hash.length() + random.nextInt(100));
                byte[] info = bytes(random, random.nextInt(300));
                byte[] expected = jcaExpand(mac, hash, prk, info, length);
                assertArrayEquals(expected, ours.expand(prk, info, length), hash + " L=" + length);
                byte[] padded = new byte[info.length + 7];
                System.arraycopy(info, 0, padded, 3, info.length);
                assertArrayEquals(expected, ours.expand(prk, padded, 3, info.length, length), hash + " range");
            }
        }
    }

    @Test
    void extractWithAnEmptySaltUsesHashLenZeros() {
        for (HashAlgorithm hash : HashAlgorithm.values()) {
            Hkdf ours = new JcaHkdf(hash);
            byte[] ikm = Hex.decode("0b".repeat(22));
            assertArrayEquals(ours.hmac(new byte[hash.length()], ikm), ours.extract(new byte[0], ikm));
        }
    }

    @Test
    void theDefaultRangeExpandCopiesTheRange() {
        Hkdf viaCopy = new Hkdf() {
            @Override
            public HashAlgorithm hash() {
                return HashAlgorithm.SHA256;
            }

            @Override
            public byte[] extract(byte[] salt, byte[] ikm) {
                return sha256.extract(salt, ikm);
            }

            @Override
            public byte[] expand(byte[] prk, byte[] info, int length) {
                return sha256.expand(prk, info, length);
            }

            @Override
            public byte[] hmac(byte[] key, byte[] data) {
                return sha256.hmac(key, data);
            }
        };
        byte[] prk = Hex.decode("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
        byte[] padded = Hex.decode("aa" + "f0f1f2f3f4f5f6f7f8f9" + "bbcc");
        assertEquals("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
                Hex.encode(viaCopy.expand(prk, padded, 1, 10, 42)));
        assertThrows(IndexOutOfBoundsException.class, () -> viaCopy.expand(prk, padded, 10, 10, 42));
    }

    @Test
    void rejectsOutOfRangeArguments() {
        byte[] prk = new byte[32];
        assertThrows(IllegalArgumentException.class, () -> sha256.expand(prk, new byte[0], 255 * 32 + 1));
        assertThrows(IllegalArgumentException.class, () -> sha256.expand(prk, new byte[0], -1));
        assertThrows(IllegalArgumentException.class, () -> sha256.expand(new byte[31], new byte[0], 32));
        assertThrows(IndexOutOfBoundsException.class, () -> sha256.expand(prk, new byte[4], 2, 3, 32));
        assertEquals(255 * 32, sha256.expand(prk, new byte[0], 255 * 32).length);
    }

    @Test
    void leavesNoKeyMaterialInThePerThreadState() throws Exception {
        byte[] key = new byte[200];
        Arrays.fill(key, (byte) 0x5a);
        for (HashAlgorithm hash : HashAlgorithm.values()) {
            Hkdf ours = new JcaHkdf(hash);
            ours.hmac(key, new byte[] {1, 2, 3});
            assertStateIsZero(hash);
            ours.expand(Arrays.copyOf(key, hash.length()), new byte[] {4}, 3 * hash.length());
            assertStateIsZero(hash);
            assertThrows(NullPointerException.class, () -> ours.hmac(key, null));
            assertStateIsZero(hash);
        }
    }

    /** Every byte array of this thread's HMAC state for {@code hash} is all zeros. */
    private static void assertStateIsZero(HashAlgorithm hash) throws ReflectiveOperationException {
        Field field = JcaHkdf.class.getDeclaredField("HMACS");
        field.setAccessible(true);
        Object state = ((Object[]) ((ThreadLocal<?>) field.get(null)).get())[hash.ordinal()];
        int arrays = 0;
        for (Field f : state.getClass().getDeclaredFields()) {
            if (f.getType() == byte[].class) {
                f.setAccessible(true);
                byte[] a = (byte[]) f.get(state);
                assertTrue(Arrays.equals(new byte[a.length], a), hash + " " + f.getName() + " not zeroed");
                arrays++;
            }
        }
        assertEquals(4, arrays, "the pads, the inner hash and T(i)");
    }

    private static byte[] jcaHmac(Mac mac, HashAlgorithm hash, byte[] key, byte[] data) throws Exception {
        if (key.length == 0) {
            // SecretKeySpec refuses an empty key; HMAC pads the key with zeros (RFC 2104 §2), so one zero
            // byte is the same key.
            key = new byte[1];
        }
        mac.init(new SecretKeySpec(key, hash.hmacName()));
        return mac.doFinal(data);
    }

    /** RFC 5869 §2.3 written out over the JCA's Mac. */
    private static byte[] jcaExpand(Mac mac, HashAlgorithm hash, byte[] prk, byte[] info, int length)
            throws Exception {
        mac.init(new SecretKeySpec(prk, hash.hmacName()));
        byte[] okm = new byte[length];
        byte[] t = new byte[0];
        for (int i = 1, done = 0; done < length; i++) {
            mac.update(t);
            mac.update(info);
            mac.update((byte) i);
            t = mac.doFinal();
            int n = Math.min(t.length, length - done);
            System.arraycopy(t, 0, okm, done, n);
            done += n;
        }
        return okm;
    }

    private static byte[] bytes(SplittableRandom random, int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }

    private static String hex(String ascii) {
        return Hex.encode(ascii.getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code length} consecutive byte values from {@code first}, as hex. */
    private static String range(int first, int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.append(String.format("%02x", (first + i) & 0xFF));
        }
        return sb.toString();
    }
}
