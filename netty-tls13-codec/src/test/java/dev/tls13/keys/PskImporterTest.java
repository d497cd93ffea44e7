package dev.tls13.keys;

import static dev.tls13.testing.ImportedIdentities.encode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.crypto.JcaCryptoProvider;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

/**
 * The PSK importer of RFC 9258 §5.1 and the "imp binder" of §5.2, checked against an independent computation with
 * BouncyCastle's {@link HKDFBytesGenerator}, {@link HMac} and digests (not our HKDF): the ImportedIdentity encoding,
 * ipskx for every pair of EPSK hash and target KDF, the binder, and the parser's refusals.
 */
class PskImporterTest {

    private static final CryptoProvider JCA = JcaCryptoProvider.instance();
    private static final byte[] IDENTITY = "client-17".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTEXT = "client=17;server=gw-2".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EPSK = bytes(32, 5);

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed * 17 + i * 3);
        }
        return b;
    }

    private static Digest bcDigest(HashAlgorithm hash) {
        return hash == HashAlgorithm.SHA256 ? new SHA256Digest() : new SHA384Digest();
    }

    private static byte[] bcHash(HashAlgorithm hash, byte[] data) {
        Digest d = bcDigest(hash);
        d.update(data, 0, data.length);
        byte[] out = new byte[d.getDigestSize()];
        d.doFinal(out, 0);
        return out;
    }

    private static byte[] bcHmac(HashAlgorithm hash, byte[] key, byte[] data) {
        HMac mac = new HMac(bcDigest(hash));
        mac.init(new KeyParameter(key));
        mac.update(data, 0, data.length);
        byte[] out = new byte[mac.getMacSize()];
        mac.doFinal(out, 0);
        return out;
    }

    /** HKDF-Extract(salt = HashLen zeros, ikm), RFC 5869 §2.2, by BouncyCastle's HMAC. */
    private static byte[] bcExtract(HashAlgorithm hash, byte[] ikm) {
        return bcHmac(hash, new byte[hash.length()], ikm);
    }

    /** HKDF-Expand-Label of RFC 8446 §7.1, the HkdfLabel built here and expanded by BouncyCastle's HKDF. */
    private static byte[] bcExpandLabel(HashAlgorithm hash, byte[] secret, String label, byte[] context, int length) {
        byte[] full = ("tls13 " + label).getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        info.write(length >>> 8);
        info.write(length);
        info.write(full.length);
        info.writeBytes(full);
        info.write(context.length);
        info.writeBytes(context);
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(bcDigest(hash));
        hkdf.init(HKDFParameters.skipExtractParameters(secret, info.toByteArray()));
        byte[] out = new byte[length];
        hkdf.generateBytes(out, 0, length);
        return out;
    }

    /** ipskx computed independently (RFC 9258 §5.1). */
    private static byte[] bcIpskx(HashAlgorithm epskHash, byte[] epsk, byte[] importedIdentity,
                                  HashAlgorithm target) {
        byte[] epskx = bcExtract(epskHash, epsk);
        return bcExpandLabel(epskHash, epskx, "derived psk", bcHash(epskHash, importedIdentity), target.length());
    }

    @Test
    void theImportedIdentityIsTheStructOfRfc9258() {
        // TLS 1.3 is 0x0304; HKDF_SHA256 is 0x0001 and HKDF_SHA384 0x0002 (IANA "TLS KDF Identifiers").
        assertArrayEquals(encode(IDENTITY, CONTEXT, 0x0304, 0x0001),
                PskImporter.importedIdentity(IDENTITY, CONTEXT, HashAlgorithm.SHA256));
        assertArrayEquals(encode(IDENTITY, CONTEXT, 0x0304, 0x0002),
                PskImporter.importedIdentity(IDENTITY, CONTEXT, HashAlgorithm.SHA384));
        byte[] empty = PskImporter.importedIdentity(new byte[] {7}, new byte[0], HashAlgorithm.SHA256);
        assertArrayEquals(new byte[] {0, 1, 7, 0, 0, 3, 4, 0, 1}, empty, "an empty context is two zero bytes");
    }

    @Test
    void ipskxMatchesAnIndependentDerivationForEveryEpskHashAndTarget() {
        int checked = 0;
        for (HashAlgorithm epskHash : HashAlgorithm.values()) {
            for (HashAlgorithm target : HashAlgorithm.values()) {
                byte[] imported = PskImporter.importedIdentity(IDENTITY, CONTEXT, target);
                byte[] ipskx = PskImporter.derive(JCA, epskHash, EPSK, imported, target);
                assertEquals(target.length(), ipskx.length, "L is the target KDF's hash length");
                assertArrayEquals(bcIpskx(epskHash, EPSK, imported, target), ipskx, epskHash + " -> " + target);
                checked++;
            }
        }
        assertEquals(4, checked);
    }

    @Test
    void bouncyCastlesFullHkdfAgreesWithTheExtractThenExpandUsedAbove() {
        // The independent helpers split HKDF in two; BouncyCastle's one-shot HKDF with a zero salt must agree, so
        // the reference itself is HKDF of RFC 5869 and not a second copy of our reading of it.
        byte[] info = {1, 2, 3};
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(EPSK, new byte[32], info));
        byte[] oneShot = new byte[32];
        hkdf.generateBytes(oneShot, 0, 32);
        HKDFBytesGenerator expand = new HKDFBytesGenerator(new SHA256Digest());
        expand.init(HKDFParameters.skipExtractParameters(bcExtract(HashAlgorithm.SHA256, EPSK), info));
        byte[] split = new byte[32];
        expand.generateBytes(split, 0, 32);
        assertArrayEquals(oneShot, split);
    }

    @Test
    void theContextAndTheTargetChangeThePsk() {
        byte[] a = PskImporter.derive(JCA, HashAlgorithm.SHA256, EPSK,
                PskImporter.importedIdentity(IDENTITY, CONTEXT, HashAlgorithm.SHA256), HashAlgorithm.SHA256);
        byte[] otherContext = PskImporter.derive(JCA, HashAlgorithm.SHA256, EPSK,
                PskImporter.importedIdentity(IDENTITY, new byte[0], HashAlgorithm.SHA256), HashAlgorithm.SHA256);
        byte[] otherTarget = PskImporter.derive(JCA, HashAlgorithm.SHA256, EPSK,
                PskImporter.importedIdentity(IDENTITY, CONTEXT, HashAlgorithm.SHA384), HashAlgorithm.SHA384);
        assertFalse(Arrays.equals(a, otherContext));
        assertFalse(Arrays.equals(a, Arrays.copyOf(otherTarget, 32)));
        assertFalse(Arrays.equals(a, EPSK), "the imported PSK is never the EPSK");
    }

    @Test
    void theBinderOfAnImportedPskUsesImpBinder() {
        for (HashAlgorithm target : HashAlgorithm.values()) {
            byte[] imported = PskImporter.importedIdentity(IDENTITY, CONTEXT, target);
            byte[] ipskx = bcIpskx(HashAlgorithm.SHA256, EPSK, imported, target);
            byte[] truncatedHash = bytes(target.length(), 9);
            // RFC 8446 §7.1, §4.2.11.2 with RFC 9258 §5.2's label: Early Secret = HKDF-Extract(0, ipskx),
            // binder_key = Derive-Secret(., "imp binder", ""), finished_key = HKDF-Expand-Label(binder_key,
            // "finished", "", HashLen), binder = HMAC(finished_key, Transcript-Hash(Truncate(ClientHello1))).
            byte[] early = bcExtract(target, ipskx);
            byte[] binderKey = bcExpandLabel(target, early, "imp binder", bcHash(target, new byte[0]),
                    target.length());
            byte[] finishedKey = bcExpandLabel(target, binderKey, "finished", new byte[0], target.length());
            byte[] expected = bcHmac(target, finishedKey, truncatedHash);

            EarlySecret ours = EarlySecret.withPsk(JCA, target, ipskx);
            try {
                assertArrayEquals(expected, ours.binder(PskType.IMPORTED, truncatedHash), target.toString());
                assertFalse(Arrays.equals(expected, ours.binder(PskType.EXTERNAL, truncatedHash)),
                        "\"imp binder\" is not \"ext binder\"");
                assertFalse(ours.verifyBinder(PskType.EXTERNAL, truncatedHash, expected));
                byte[] tampered = expected.clone();
                tampered[0] ^= 1;
                assertFalse(ours.verifyBinder(PskType.IMPORTED, truncatedHash, tampered));
            } finally {
                ours.destroy();
            }
        }
    }

    @Test
    void parseReadsBackWhatWasEncoded() {
        for (HashAlgorithm target : HashAlgorithm.values()) {
            PskImporter.ImportedIdentity parsed = PskImporter.parse(
                    PskImporter.importedIdentity(IDENTITY, CONTEXT, target));
            assertNotNull(parsed);
            assertArrayEquals(IDENTITY, parsed.externalIdentity());
            assertArrayEquals(CONTEXT, parsed.context());
            assertEquals(0x0304, parsed.targetProtocol());
            assertEquals(target, parsed.tls13TargetHash());
        }
    }

    @Test
    void anotherProtocolOrAnUnknownKdfIsNoTls13Target() {
        // RFC 9258 §5.1: imported for another target protocol (here DTLS 1.3, 0xfefc) or a KDF we lack: not ours.
        assertNull(PskImporter.parse(encode(IDENTITY, CONTEXT, 0xfefc, 0x0001)).tls13TargetHash());
        assertNull(PskImporter.parse(encode(IDENTITY, CONTEXT, 0x0303, 0x0001)).tls13TargetHash());
        assertNull(PskImporter.parse(encode(IDENTITY, CONTEXT, 0x0304, 0x0003)).tls13TargetHash());
        assertNull(PskImporter.parse(encode(IDENTITY, CONTEXT, 0x0304, 0x0000)).tls13TargetHash());
    }

    @Test
    void malformedIdentitiesAreNotImportedIdentities() {
        byte[] good = encode(IDENTITY, CONTEXT, 0x0304, 0x0001);
        assertNull(PskImporter.parse(new byte[0]));
        assertNull(PskImporter.parse(new byte[] {0}));
        assertNull(PskImporter.parse("plain-identity".getBytes(StandardCharsets.US_ASCII)));
        assertNull(PskImporter.parse(Arrays.copyOf(good, good.length - 1)), "truncated");
        assertNull(PskImporter.parse(Arrays.copyOf(good, good.length + 1)), "trailing byte");
        assertNull(PskImporter.parse(encode(new byte[0], CONTEXT, 0x0304, 0x0001)),
                "external_identity<1..2^16-1> is not empty");
        byte[] longContext = good.clone();
        longContext[2 + IDENTITY.length + 1]++;
        assertNull(PskImporter.parse(longContext), "a context length past the end");
    }

    @Test
    void fieldsOutOfRangeAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> PskImporter.importedIdentity(new byte[0], CONTEXT, HashAlgorithm.SHA256));
        assertThrows(IllegalArgumentException.class,
                () -> PskImporter.importedIdentity(IDENTITY, new byte[0xFFFF], HashAlgorithm.SHA256),
                "the ImportedIdentity must fit a PskIdentity.identity<1..2^16-1>");
        assertThrows(IllegalArgumentException.class,
                () -> PskImporter.derive(JCA, HashAlgorithm.SHA256, new byte[0], new byte[] {1}, HashAlgorithm.SHA256));
    }
}
