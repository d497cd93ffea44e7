package dev.tls13.crypto;

import dev.tls13.crypto.Wycheproof.Group;
import dev.tls13.crypto.Wycheproof.Tally;
import dev.tls13.crypto.Wycheproof.TestFile;
import dev.tls13.crypto.Wycheproof.Vector;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Wycheproof's HKDF and HMAC vectors through the provider's {@link Hkdf} ({@link JcaHkdf}, our HMAC on the
 * JCA's digests), the key schedule's only primitive (RFC 8446 §7.1). HKDF: Extract then Expand must give the
 * vector's output; an output longer than 255 HashLen (RFC 5869 §2.3) must be refused. HMAC: the tag must
 * equal the vector's, compared as Finished and binders are (RFC 8446 §4.4.4, {@link MessageDigest#isEqual});
 * a modified tag must not. Truncated tags do not occur in TLS 1.3. There are no acceptable vectors.
 */
class WycheproofKdfTest {

    static final List<String> FILES = List.of("hkdf_sha256_test", "hkdf_sha384_test",
            "hmac_sha256_test", "hmac_sha384_test");

    private final CryptoProvider provider = JcaCryptoProvider.instance();

    static Stream<String> files() {
        return FILES.stream();
    }

    @ParameterizedTest
    @MethodSource("files")
    void everyVectorThroughOurHkdf(String name) {
        TestFile file = Wycheproof.load(name);
        Tally tally = new Tally(file);
        HashAlgorithm hash = name.contains("sha256") ? HashAlgorithm.SHA256 : HashAlgorithm.SHA384;
        Hkdf hkdf = provider.hkdf(hash);
        for (Group group : file.groups()) {
            boolean hmac = "MacTest".equals(group.string("type"));
            boolean truncated = hmac && group.number("tagSize") != 8L * hash.length();
            for (Vector v : group.tests()) {
                if (truncated) {
                    tally.notApplicable(v, "truncated tag: TLS 1.3 compares whole HMACs (RFC 8446 §4.4.4)");
                } else if (hmac) {
                    byte[] tag = hkdf.hmac(v.bytes("key"), v.bytes("msg"));
                    boolean equal = MessageDigest.isEqual(tag, v.bytes("tag"));
                    tally.ran(v, equal, true, null, equal ? "tag equal" : "tag differs");
                } else {
                    hkdf(hkdf, v, tally);
                }
            }
        }
        tally.finish();
    }

    private static void hkdf(Hkdf hkdf, Vector v, Tally tally) {
        int size = (int) v.number("size");
        byte[] okm;
        try {
            byte[] prk = hkdf.extract(v.bytes("salt"), v.bytes("ikm"));
            okm = hkdf.expand(prk, v.bytes("info"), size);
        } catch (IllegalArgumentException e) {
            tally.ran(v, false, false, null, "refused: " + e.getMessage());
            return;
        }
        tally.ran(v, true, Arrays.equals(okm, v.bytes("okm")), null, "output of " + okm.length + " bytes");
    }
}
