package dev.tls13.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.crypto.JcaCryptoProvider;
import dev.tls13.testing.Hex;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The TLS 1.2 PRF (RFC 5246 §5) and what derives from the master secret. The PRF vectors are the ones
 * circulated on the IETF TLS WG list for P_SHA256 and P_SHA384 ("test label"); the same outputs come from
 * {@code openssl kdf -kdfopt digest:SHA256 ... TLS1-PRF}, which is how they were checked here.
 */
class Tls12KeyScheduleTest {

    private static final CryptoProvider JCA = JcaCryptoProvider.instance();

    @Test
    void prfSha256KnownAnswer() {
        byte[] out = Tls12Prf.prf(JCA.hkdf(HashAlgorithm.SHA256), Hex.decode("9bbe436ba940f017b17652849a71db35"),
                "test label", Hex.decode("a0ba9f936cda311827a6f796ffd5198c"), 100);
        assertArrayEquals(Hex.decode("e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a"
                + "6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab"
                + "4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701"
                + "87347b66"), out);
    }

    @Test
    void prfSha384KnownAnswer() {
        byte[] out = Tls12Prf.prf(JCA.hkdf(HashAlgorithm.SHA384), Hex.decode("b80b733d6ceefcdc71566ea48e5567df"),
                "test label", Hex.decode("cd665cf6a8447dd6ff8b27555edb7465"), 148);
        assertArrayEquals(Hex.decode("7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cd"
                + "e9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd"
                + "8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d918425"
                + "9b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee6"
                + "91c8f3a26854308d5eaa3be85e0990703d73e56f"), out);
    }

    @Test
    void prfPrefixesAgree() {
        byte[] secret = new byte[48];
        byte[] seed = new byte[64];
        Arrays.fill(seed, (byte) 7);
        byte[] long1 = Tls12Prf.prf(JCA.hkdf(HashAlgorithm.SHA256), secret, "key expansion", seed, 72);
        byte[] short1 = Tls12Prf.prf(JCA.hkdf(HashAlgorithm.SHA256), secret, "key expansion", seed, 40);
        assertArrayEquals(Arrays.copyOf(long1, 40), short1);
        assertEquals(0, Tls12Prf.prf(JCA.hkdf(HashAlgorithm.SHA256), secret, "x", seed, 0).length);
    }

    @Test
    void extendedMasterSecretIsThePrfOfTheSessionHash() {
        byte[] pms = filled(32, 1);
        byte[] sessionHash = filled(32, 2);
        Tls12MasterSecret ms = Tls12MasterSecret.extended(JCA, HashAlgorithm.SHA256, pms, sessionHash);
        // RFC 7627 §4.
        assertArrayEquals(Tls12Prf.prf(JCA.hkdf(HashAlgorithm.SHA256), pms, "extended master secret", sessionHash,
                48), ms.bytes());
        Tls12MasterSecret other = Tls12MasterSecret.extended(JCA, HashAlgorithm.SHA256, pms, filled(32, 3));
        assertFalse(Arrays.equals(ms.bytes(), other.bytes()), "bound to the session hash");
        assertThrows(IllegalArgumentException.class,
                () -> Tls12MasterSecret.extended(JCA, HashAlgorithm.SHA384, pms, sessionHash));
    }

    @Test
    void legacyMasterSecretIsThePrfOfTheRandomsAndExportsNothing() {
        byte[] pms = filled(32, 1);
        byte[] cr = filled(32, 2);
        byte[] sr = filled(32, 3);
        Tls12MasterSecret ms = Tls12MasterSecret.legacy(JCA, HashAlgorithm.SHA256, pms, cr, sr);
        // RFC 5246 §8.1: PRF(pre_master_secret, "master secret", ClientHello.random + ServerHello.random).
        assertArrayEquals(Tls12Prf.prf(JCA.hkdf(HashAlgorithm.SHA256), pms, "master secret", Tls12Prf.concat(cr, sr),
                48), ms.bytes());
        assertFalse(ms.isExtended());
        assertTrue(Tls12MasterSecret.extended(JCA, HashAlgorithm.SHA256, pms, filled(32, 4)).isExtended());
        assertTrue(ms.toString().contains("legacy"), ms.toString());
        // RFC 7627 §5.4: "it MUST disable [RFC5705]"; the record keys still derive.
        assertThrows(IllegalStateException.class, () -> ms.export("EXPERIMENTAL-x", null, cr, sr, 32));
        assertEquals(16, ms.keyBlock(cr, sr, 16, 4).clientWriteKey().length);
        assertThrows(IllegalArgumentException.class,
                () -> Tls12MasterSecret.legacy(JCA, HashAlgorithm.SHA256, pms, new byte[31], sr));
    }

    @Test
    void keyBlockIsCutInRfc5246Order() {
        byte[] ms = filled(48, 9);
        byte[] cr = filled(32, 1);
        byte[] sr = filled(32, 2);
        Tls12MasterSecret master = Tls12MasterSecret.of(JCA, HashAlgorithm.SHA256, ms.clone());
        Tls12KeyBlock block = master.keyBlock(cr, sr, 16, 4);
        // RFC 5246 §6.3: seed is server_random + client_random; keys first, then IVs.
        byte[] expected = Tls12Prf.prf(JCA.hkdf(HashAlgorithm.SHA256), ms, "key expansion",
                Tls12Prf.concat(sr, cr), 40);
        assertArrayEquals(Arrays.copyOfRange(expected, 0, 16), block.clientWriteKey());
        assertArrayEquals(Arrays.copyOfRange(expected, 16, 32), block.serverWriteKey());
        assertArrayEquals(Arrays.copyOfRange(expected, 32, 36), block.clientWriteIv());
        assertArrayEquals(Arrays.copyOfRange(expected, 36, 40), block.serverWriteIv());
        assertFalse(block.toString().contains(Hex.encode(block.clientWriteKey())));
        block.destroy();
        assertArrayEquals(new byte[16], block.clientWriteKey());
        assertArrayEquals(new byte[4], block.serverWriteIv());
    }

    @Test
    void finishedVerifyDataIsTwelveBytesAndCheckedBothWays() {
        Tls12MasterSecret master = Tls12MasterSecret.of(JCA, HashAlgorithm.SHA384, filled(48, 5));
        byte[] hash = filled(48, 6);
        byte[] client = master.verifyData(true, hash);
        byte[] server = master.verifyData(false, hash);
        assertEquals(12, client.length);
        assertNotEquals(Hex.encode(client), Hex.encode(server));
        assertArrayEquals(Tls12Prf.prf(JCA.hkdf(HashAlgorithm.SHA384), filled(48, 5), "client finished", hash, 12),
                client);
        assertTrue(master.verifyFinished(true, hash, client));
        assertFalse(master.verifyFinished(false, hash, client));
        assertFalse(master.verifyFinished(true, hash, Arrays.copyOf(client, 11)));
        assertThrows(IllegalArgumentException.class, () -> master.verifyData(true, new byte[32]));
    }

    @Test
    void exporterDistinguishesNoContextFromEmptyContext() {
        Tls12MasterSecret master = Tls12MasterSecret.of(JCA, HashAlgorithm.SHA256, filled(48, 5));
        byte[] cr = filled(32, 1);
        byte[] sr = filled(32, 2);
        byte[] none = master.export("EXPERIMENTAL-test", null, cr, sr, 20);
        byte[] empty = master.export("EXPERIMENTAL-test", new byte[0], cr, sr, 20);
        // RFC 5705 §4: with a context the seed carries its length, so the two differ.
        assertFalse(Arrays.equals(none, empty));
        byte[] seed = Tls12Prf.concat(Tls12Prf.concat(cr, sr), new byte[2]);
        assertArrayEquals(Tls12Prf.prf(JCA.hkdf(HashAlgorithm.SHA256), filled(48, 5), "EXPERIMENTAL-test", seed, 20),
                empty);
        assertThrows(IllegalArgumentException.class, () -> master.export("key expansion", null, cr, sr, 20));
        assertThrows(IllegalArgumentException.class, () -> master.export("", null, cr, sr, 20));
    }

    @Test
    void keyLogLineAndDestruction() {
        byte[] ms = filled(48, 0x42);
        Tls12MasterSecret master = Tls12MasterSecret.of(JCA, HashAlgorithm.SHA256, ms.clone());
        byte[] cr = filled(32, 1);
        assertEquals("CLIENT_RANDOM " + Hex.encode(cr) + ' ' + Hex.encode(ms), master.keyLogLine(cr));
        assertFalse(master.toString().contains(Hex.encode(ms)));
        master.destroy();
        assertTrue(master.isDestroyed());
        assertArrayEquals(new byte[48], master.bytes());
        assertThrows(IllegalStateException.class, () -> master.verifyData(true, new byte[32]));
    }

    private static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
