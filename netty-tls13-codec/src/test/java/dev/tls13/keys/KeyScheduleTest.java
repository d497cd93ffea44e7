package dev.tls13.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.AeadAlgorithm;
import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.crypto.Hkdf;
import dev.tls13.crypto.JcaCryptoProvider;
import dev.tls13.testing.ForwardingProvider;
import dev.tls13.testing.Hex;
import dev.tls13.testing.Rfc8448;
import dev.tls13.testing.Rfc8448.Trace;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The key schedule beyond the RFC 8448 traces: KeyUpdate, exporters, SHA-384, destruction, misuse. */
class KeyScheduleTest {

    private static final CryptoProvider JCA = JcaCryptoProvider.instance();
    private static final byte[] CLIENT_RANDOM = Hex.decode(
            "cbe6bcbb2e6a6b1a8e6f8ad7d5e0c3a06ce3e6cca6cb6d2e72b95a3f2f01d6b9");

    /** A whole schedule from arbitrary but fixed inputs. */
    private static final class Schedule {
        final EarlySecret early;
        final HandshakeSecret handshake;
        final MasterSecret master;
        final TrafficSecret clientHandshake;
        final TrafficSecret serverHandshake;
        final TrafficSecret clientApplication;
        final TrafficSecret serverApplication;
        final ExporterSecret exporter;
        final ResumptionMasterSecret resumption;

        Schedule(HashAlgorithm hash, byte[] psk) {
            byte[] helloHash = filled(hash.length(), 1);
            byte[] serverFinishedHash = filled(hash.length(), 2);
            byte[] clientFinishedHash = filled(hash.length(), 3);
            early = psk == null ? EarlySecret.withoutPsk(JCA, hash) : EarlySecret.withPsk(JCA, hash, psk);
            handshake = early.handshakeSecret(filled(32, 4));
            clientHandshake = handshake.clientHandshakeTrafficSecret(helloHash);
            serverHandshake = handshake.serverHandshakeTrafficSecret(helloHash);
            master = handshake.masterSecret();
            clientApplication = master.clientApplicationTrafficSecret(serverFinishedHash);
            serverApplication = master.serverApplicationTrafficSecret(serverFinishedHash);
            exporter = master.exporterMasterSecret(serverFinishedHash);
            resumption = master.resumptionMasterSecret(clientFinishedHash);
        }

        List<byte[]> secrets() {
            return List.of(early.bytes(), handshake.bytes(), master.bytes(), clientHandshake.bytes(),
                    serverHandshake.bytes(), clientApplication.bytes(), serverApplication.bytes(), exporter.bytes(),
                    resumption.bytes());
        }
    }

    private static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static Rfc8448Replay section3() {
        return Rfc8448Replay.run(Trace.SIMPLE_1RTT, null);
    }

    private static void assertAllDistinct(List<byte[]> values) {
        Set<String> seen = new HashSet<>();
        for (byte[] v : values) {
            assertTrue(seen.add(Hex.encode(v)), "duplicate value " + Hex.encode(v));
        }
    }

    @Test
    void keyUpdateDerivesTrafficUpdFromThePreviousGeneration() {
        Rfc8448Replay replay = section3();
        Hkdf hkdf = JCA.hkdf(HashAlgorithm.SHA256);
        for (TrafficSecret gen0 : List.of(replay.clientApplication(), replay.serverApplication())) {
            TrafficSecret gen1 = gen0.next();
            TrafficSecret gen2 = gen1.next();
            assertArrayEquals(HkdfLabel.expandLabel(hkdf, gen0.bytes(), "traffic upd", new byte[0], 32), gen1.bytes());
            assertArrayEquals(HkdfLabel.expandLabel(hkdf, gen1.bytes(), "traffic upd", new byte[0], 32), gen2.bytes());
            assertAllDistinct(List.of(gen0.bytes(), gen1.bytes(), gen2.bytes()));
            assertEquals(List.of(0, 1, 2), List.of(gen0.generation(), gen1.generation(), gen2.generation()));
            assertEquals(gen0.kind(), gen2.kind());
            TrafficKeys keys0 = gen0.keys(AeadAlgorithm.AES_128_GCM);
            TrafficKeys keys1 = gen1.keys(AeadAlgorithm.AES_128_GCM);
            assertFalse(Arrays.equals(keys0.key(), keys1.key()));
            assertFalse(Arrays.equals(keys0.iv(), keys1.iv()));
            assertFalse(gen0.isDestroyed(), "next() does not destroy the previous generation");
        }
    }

    @Test
    void keyUpdateIsOnlyForApplicationTrafficSecrets() {
        Schedule s = new Schedule(HashAlgorithm.SHA256, new byte[32]);
        assertThrows(IllegalStateException.class, s.clientHandshake::next);
        assertThrows(IllegalStateException.class, s.serverHandshake::next);
        TrafficSecret early = s.early.clientEarlyTrafficSecret(filled(32, 9));
        assertThrows(IllegalStateException.class, early::next);
    }

    @Test
    void exporterIsDeriveSecretOfTheLabelThenExpandLabelExporterOverTheContextHash() {
        ExporterSecret exporter = section3().exporter();
        Hkdf hkdf = JCA.hkdf(HashAlgorithm.SHA256);
        MessageDigest sha256 = JCA.digest(HashAlgorithm.SHA256);
        byte[] context = "context value".getBytes(StandardCharsets.US_ASCII);
        byte[] perLabel = HkdfLabel.deriveSecret(hkdf, exporter.bytes(), "EXPORTER-Test", sha256.digest());
        byte[] expected = HkdfLabel.expandLabel(hkdf, perLabel, "exporter", sha256.digest(context), 42);
        assertArrayEquals(expected, exporter.export("EXPORTER-Test", context, 42));
        // RFC 8446 §7.5: no context is the same as an empty context.
        byte[] noContext = HkdfLabel.expandLabel(hkdf, perLabel, "exporter", sha256.digest(new byte[0]), 32);
        assertArrayEquals(noContext, exporter.export("EXPORTER-Test", new byte[0], 32));
    }

    @Test
    void exportsDifferByLabelContextAndLength() {
        ExporterSecret exporter = section3().exporter();
        byte[] a = exporter.export("EXPORTER-a", new byte[] {1}, 32);
        byte[] otherLabel = exporter.export("EXPORTER-b", new byte[] {1}, 32);
        byte[] otherContext = exporter.export("EXPORTER-a", new byte[] {2}, 32);
        byte[] emptyContext = exporter.export("EXPORTER-a", new byte[0], 32);
        byte[] longer = exporter.export("EXPORTER-a", new byte[] {1}, 48);
        assertEquals(48, longer.length);
        // The length is part of HkdfLabel, so a longer export is not an extension of a shorter one.
        assertAllDistinct(List.of(a, otherLabel, otherContext, emptyContext, Arrays.copyOf(longer, 32)));
        assertArrayEquals(a, exporter.export("EXPORTER-a", new byte[] {1}, 32), "deterministic");
    }

    @Test
    void earlyExporterDiffersFromTheExporterAndIsLabelledForTheKeyLog() {
        Schedule s = new Schedule(HashAlgorithm.SHA256, filled(32, 5));
        ExporterSecret early = s.early.earlyExporterMasterSecret(filled(32, 1));
        assertTrue(early.isEarly());
        assertFalse(s.exporter.isEarly());
        assertEquals("EARLY_EXPORTER_SECRET", early.keyLogLabel());
        assertEquals("EXPORTER_SECRET", s.exporter.keyLogLabel());
        assertFalse(Arrays.equals(early.export("x", new byte[0], 32), s.exporter.export("x", new byte[0], 32)));
    }

    @Test
    void exporterRejectsLengthsAndLabelsOutOfRange() {
        ExporterSecret exporter = new Schedule(HashAlgorithm.SHA256, null).exporter;
        assertThrows(IllegalArgumentException.class, () -> exporter.export("x", new byte[0], 255 * 32 + 1));
        assertThrows(IllegalArgumentException.class, () -> exporter.export("x", new byte[0], -1));
        assertThrows(IllegalArgumentException.class, () -> exporter.export("", new byte[0], 32));
        assertEquals(255 * 32, exporter.export("x", new byte[1000], 255 * 32).length, "long contexts are hashed");
    }

    @Test
    void sha384ScheduleHasHashLen48SecretsAndDiffersFromSha256() {
        byte[] psk = filled(48, 6);
        Schedule s384 = new Schedule(HashAlgorithm.SHA384, psk);
        Schedule s256 = new Schedule(HashAlgorithm.SHA256, Arrays.copyOf(psk, 32));
        for (byte[] secret : s384.secrets()) {
            assertEquals(48, secret.length);
        }
        for (byte[] secret : s256.secrets()) {
            assertEquals(32, secret.length);
        }
        assertAllDistinct(s384.secrets());
        for (int i = 0; i < s384.secrets().size(); i++) {
            assertFalse(Arrays.equals(Arrays.copyOf(s384.secrets().get(i), 32), s256.secrets().get(i)));
        }
        assertEquals(HashAlgorithm.SHA384, s384.clientApplication.hash());
        assertEquals(HashAlgorithm.SHA384, s384.master.hash());
        TrafficKeys keys = s384.serverApplication.keys(AeadAlgorithm.AES_256_GCM);
        assertEquals(32, keys.key().length);
        assertEquals(12, keys.iv().length);
        assertEquals(48, s384.serverHandshake.finishedVerifyData(filled(48, 7)).length);
        assertEquals(48, s384.serverApplication.next().bytes().length);
        assertEquals(48, s384.resumption.ticketPsk(new byte[] {0}).length);
    }

    @Test
    void sha384ScheduleMatchesADirectComputationFromThePrimitives() {
        Hkdf hkdf = JCA.hkdf(HashAlgorithm.SHA384);
        byte[] zeros = new byte[48];
        byte[] emptyHash = JCA.digest(HashAlgorithm.SHA384).digest();
        byte[] shared = filled(32, 4);
        byte[] helloHash = filled(48, 1);
        byte[] earlySecret = hkdf.extract(zeros, zeros);
        byte[] handshakeSecret = hkdf.extract(HkdfLabel.deriveSecret(hkdf, earlySecret, "derived", emptyHash), shared);
        byte[] masterSecret = hkdf.extract(HkdfLabel.deriveSecret(hkdf, handshakeSecret, "derived", emptyHash), zeros);
        byte[] clientHs = HkdfLabel.deriveSecret(hkdf, handshakeSecret, "c hs traffic", helloHash);
        byte[] serverAp = HkdfLabel.deriveSecret(hkdf, masterSecret, "s ap traffic", filled(48, 2));

        Schedule s = new Schedule(HashAlgorithm.SHA384, null);
        assertArrayEquals(earlySecret, s.early.bytes());
        assertArrayEquals(handshakeSecret, s.handshake.bytes());
        assertArrayEquals(masterSecret, s.master.bytes());
        assertArrayEquals(clientHs, s.clientHandshake.bytes());
        assertArrayEquals(serverAp, s.serverApplication.bytes());
        TrafficKeys keys = s.serverApplication.keys(AeadAlgorithm.AES_256_GCM);
        assertArrayEquals(HkdfLabel.expandLabel(hkdf, serverAp, "key", new byte[0], 32), keys.key());
        assertArrayEquals(HkdfLabel.expandLabel(hkdf, serverAp, "iv", new byte[0], 12), keys.iv());
        byte[] finishedKey = HkdfLabel.expandLabel(hkdf, clientHs, "finished", new byte[0], 48);
        assertArrayEquals(hkdf.hmac(finishedKey, filled(48, 8)), s.clientHandshake.finishedVerifyData(filled(48, 8)));
    }

    @Test
    void trafficKeysHaveTheAeadsKeyLength() {
        TrafficSecret secret = section3().serverApplication();
        for (AeadAlgorithm aead : AeadAlgorithm.values()) {
            TrafficKeys keys = secret.keys(aead);
            assertEquals(aead, keys.algorithm());
            assertEquals(aead.keyLength(), keys.key().length, aead.toString());
            assertEquals(AeadAlgorithm.NONCE_LENGTH, keys.iv().length);
        }
    }

    @Test
    void destroyZeroesEveryStageAndSecretAndForbidsLaterUse() {
        Schedule s = new Schedule(HashAlgorithm.SHA256, filled(32, 5));
        TrafficSecret early = s.early.clientEarlyTrafficSecret(filled(32, 1));
        ExporterSecret earlyExporter = s.early.earlyExporterMasterSecret(filled(32, 1));
        TrafficKeys keys = s.clientApplication.keys(AeadAlgorithm.CHACHA20_POLY1305);
        byte[] key = keys.key();
        byte[] iv = keys.iv();
        List<byte[]> arrays = new ArrayList<>(s.secrets());
        arrays.add(early.bytes());
        arrays.add(earlyExporter.bytes());
        arrays.add(key);
        arrays.add(iv);
        for (byte[] a : arrays) {
            assertFalse(Arrays.equals(new byte[a.length], a), "live secrets are not zero");
        }

        s.early.destroy();
        s.handshake.destroy();
        s.master.destroy();
        s.clientHandshake.destroy();
        s.serverHandshake.destroy();
        s.clientApplication.destroy();
        s.serverApplication.destroy();
        s.exporter.destroy();
        s.resumption.destroy();
        early.destroy();
        earlyExporter.destroy();
        keys.destroy();

        for (byte[] a : arrays) {
            assertArrayEquals(new byte[a.length], a, "destroy() zeroes");
        }
        assertTrue(s.early.isDestroyed() && s.handshake.isDestroyed() && s.master.isDestroyed()
                && s.clientApplication.isDestroyed() && s.exporter.isDestroyed() && s.resumption.isDestroyed()
                && keys.isDestroyed());
        byte[] h = filled(32, 1);
        assertThrows(IllegalStateException.class, () -> s.early.handshakeSecret(h));
        assertThrows(IllegalStateException.class, () -> s.early.binder(PskType.RESUMPTION, h));
        assertThrows(IllegalStateException.class, s.handshake::masterSecret);
        assertThrows(IllegalStateException.class, () -> s.handshake.clientHandshakeTrafficSecret(h));
        assertThrows(IllegalStateException.class, () -> s.master.resumptionMasterSecret(h));
        assertThrows(IllegalStateException.class, () -> s.clientApplication.keys(AeadAlgorithm.AES_128_GCM));
        assertThrows(IllegalStateException.class, s.clientApplication::next);
        assertThrows(IllegalStateException.class, () -> s.serverHandshake.verifyFinished(h, h));
        assertThrows(IllegalStateException.class, () -> s.exporter.export("x", h, 16));
        assertThrows(IllegalStateException.class, () -> s.resumption.ticketPsk(h));
        assertThrows(IllegalStateException.class, () -> s.clientApplication.keyLogLine(CLIENT_RANDOM));
        assertThrows(IllegalStateException.class, keys::key);
        assertThrows(IllegalStateException.class, keys::iv);
    }

    @Test
    void advancingAStageLeavesItUsableUntilTheOwnerDestroysIt() {
        Schedule s = new Schedule(HashAlgorithm.SHA256, null);
        assertFalse(s.early.isDestroyed());
        assertFalse(s.handshake.isDestroyed());
        assertFalse(s.master.isDestroyed());
        assertArrayEquals(s.master.bytes(), s.handshake.masterSecret().bytes());
    }

    @Test
    void finishedVerificationRejectsEveryOneBitChange() {
        Rfc8448.Step finished = Rfc8448.one(Trace.SIMPLE_1RTT, "server", "calculate finished");
        TrafficSecret serverHandshake = handshakeSecretOfSection3().serverHandshakeTrafficSecret(
                Rfc8448.one(Trace.SIMPLE_1RTT, "server", "derive secret \"tls13 s hs traffic\"").bytes("hash"));
        byte[] good = finished.bytes("finished");
        byte[] transcriptHash = transcriptHashBeforeServerFinished();
        assertTrue(serverHandshake.verifyFinished(transcriptHash, good));
        for (int bit = 0; bit < good.length * 8; bit++) {
            byte[] bad = good.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            assertFalse(serverHandshake.verifyFinished(transcriptHash, bad), "bit " + bit);
        }
        assertFalse(serverHandshake.verifyFinished(transcriptHash, Arrays.copyOf(good, 31)), "truncated");
        assertFalse(serverHandshake.verifyFinished(transcriptHash, Arrays.copyOf(good, 33)), "extended");
        byte[] otherHash = transcriptHash.clone();
        otherHash[0] ^= 1;
        assertFalse(serverHandshake.verifyFinished(otherHash, good), "a different transcript");
    }

    @Test
    void finishedIsKeyedOnlyByHandshakeSecretsAndForPostHandshakeAuthByTheClientApplicationSecret() {
        Schedule s = new Schedule(HashAlgorithm.SHA256, filled(32, 5));
        byte[] h = filled(32, 1);
        List<byte[]> verifyData = List.of(s.clientHandshake.finishedVerifyData(h),
                s.serverHandshake.finishedVerifyData(h), s.clientApplication.finishedVerifyData(h),
                s.clientApplication.next().finishedVerifyData(h));
        assertAllDistinct(verifyData);
        assertThrows(IllegalStateException.class, () -> s.serverApplication.finishedVerifyData(h));
        assertThrows(IllegalStateException.class, () -> s.serverApplication.verifyFinished(h, h));
        TrafficSecret early = s.early.clientEarlyTrafficSecret(h);
        assertThrows(IllegalStateException.class, () -> early.finishedVerifyData(h));
    }

    @Test
    void binderVerificationRejectsEveryOneBitChangeAndTheWrongPskType() {
        Rfc8448.Step step = Rfc8448.one(Trace.RESUMED_0RTT, "client", "calculate PSK binder");
        byte[] psk = Rfc8448.one(Trace.RESUMED_0RTT, "client", "extract secret \"early\"").bytes("IKM");
        EarlySecret early = EarlySecret.withPsk(JCA, HashAlgorithm.SHA256, psk);
        byte[] binderHash = step.bytes("binder hash");
        byte[] good = step.bytes("finished");
        assertTrue(early.verifyBinder(PskType.RESUMPTION, binderHash, good));
        for (int bit = 0; bit < good.length * 8; bit++) {
            byte[] bad = good.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            assertFalse(early.verifyBinder(PskType.RESUMPTION, binderHash, bad), "bit " + bit);
        }
        assertFalse(early.verifyBinder(PskType.EXTERNAL, binderHash, good));
        assertFalse(early.verifyBinder(PskType.RESUMPTION, binderHash, new byte[0]));
        assertFalse(Arrays.equals(early.binderKey(PskType.EXTERNAL), early.binderKey(PskType.RESUMPTION)));
    }

    @Test
    void withoutAPskThereIsNoBinderNoEarlyDataAndNoPskOnlyHandshake() {
        EarlySecret early = EarlySecret.withoutPsk(JCA, HashAlgorithm.SHA256);
        assertFalse(early.hasPsk());
        byte[] h = filled(32, 1);
        assertThrows(IllegalStateException.class, () -> early.binder(PskType.EXTERNAL, h));
        assertThrows(IllegalStateException.class, () -> early.verifyBinder(PskType.EXTERNAL, h, h));
        assertThrows(IllegalStateException.class, () -> early.clientEarlyTrafficSecret(h));
        assertThrows(IllegalStateException.class, () -> early.earlyExporterMasterSecret(h));
        assertThrows(IllegalStateException.class, early::handshakeSecretWithoutKeyExchange);
        assertThrows(IllegalArgumentException.class, () -> EarlySecret.withPsk(JCA, HashAlgorithm.SHA256, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> early.handshakeSecret(new byte[0]));
    }

    @Test
    void pskOnlyHandshakeExtractsTheZeroValueInPlaceOfTheSharedSecret() {
        EarlySecret early = EarlySecret.withPsk(JCA, HashAlgorithm.SHA256, filled(32, 5));
        assertArrayEquals(early.handshakeSecret(new byte[32]).bytes(),
                early.handshakeSecretWithoutKeyExchange().bytes());
        assertFalse(Arrays.equals(early.handshakeSecret(filled(32, 1)).bytes(),
                early.handshakeSecretWithoutKeyExchange().bytes()));
    }

    @Test
    void derivationsRejectTranscriptHashesOfTheWrongLength() {
        Schedule s = new Schedule(HashAlgorithm.SHA384, null);
        byte[] sha256Sized = new byte[32];
        assertThrows(IllegalArgumentException.class, () -> s.handshake.clientHandshakeTrafficSecret(sha256Sized));
        assertThrows(IllegalArgumentException.class, () -> s.master.exporterMasterSecret(sha256Sized));
        assertThrows(IllegalArgumentException.class, () -> s.clientHandshake.finishedVerifyData(sha256Sized));
        assertThrows(IllegalArgumentException.class, () -> s.resumption.ticketPsk(new byte[256]));
        assertEquals(48, s.resumption.ticketPsk(new byte[255]).length);
    }

    @Test
    void ticketPsksDifferByNonce() {
        ResumptionMasterSecret resumption = new Schedule(HashAlgorithm.SHA256, null).resumption;
        assertAllDistinct(List.of(resumption.ticketPsk(new byte[0]), resumption.ticketPsk(new byte[] {0}),
                resumption.ticketPsk(new byte[] {1}), resumption.ticketPsk(new byte[] {0, 0})));
    }

    @Test
    void eachSecretCarriesItsNssKeyLogLabel() {
        Schedule s = new Schedule(HashAlgorithm.SHA256, filled(32, 5));
        assertEquals("CLIENT_EARLY_TRAFFIC_SECRET", s.early.clientEarlyTrafficSecret(filled(32, 1)).keyLogLabel());
        assertEquals("CLIENT_HANDSHAKE_TRAFFIC_SECRET", s.clientHandshake.keyLogLabel());
        assertEquals("SERVER_HANDSHAKE_TRAFFIC_SECRET", s.serverHandshake.keyLogLabel());
        assertEquals("CLIENT_TRAFFIC_SECRET_0", s.clientApplication.keyLogLabel());
        assertEquals("SERVER_TRAFFIC_SECRET_0", s.serverApplication.keyLogLabel());
        assertEquals("CLIENT_TRAFFIC_SECRET_1", s.clientApplication.next().keyLogLabel());
        assertEquals("SERVER_TRAFFIC_SECRET_2", s.serverApplication.next().next().keyLogLabel());
        assertEquals("EXPORTER_SECRET", s.exporter.keyLogLabel());
        assertThrows(IllegalArgumentException.class, () -> TrafficSecret.Kind.CLIENT_HANDSHAKE.keyLogLabel(1));
    }

    @Test
    void keyLogLineIsLabelClientRandomAndSecretInHex() {
        Schedule s = new Schedule(HashAlgorithm.SHA256, null);
        assertEquals("CLIENT_HANDSHAKE_TRAFFIC_SECRET " + Hex.encode(CLIENT_RANDOM) + " "
                + Hex.encode(s.clientHandshake.bytes()), s.clientHandshake.keyLogLine(CLIENT_RANDOM));
        assertEquals("EXPORTER_SECRET " + Hex.encode(CLIENT_RANDOM) + " " + Hex.encode(s.exporter.bytes()),
                s.exporter.keyLogLine(CLIENT_RANDOM));
        assertThrows(IllegalArgumentException.class, () -> s.clientHandshake.keyLogLine(new byte[31]));
    }

    @Test
    void toStringNeverShowsSecretBytes() {
        Schedule s = new Schedule(HashAlgorithm.SHA256, filled(32, 5));
        TrafficKeys keys = s.serverApplication.keys(AeadAlgorithm.AES_128_GCM);
        List<Object> all = List.of(s.early, s.handshake, s.master, s.clientHandshake, s.serverHandshake,
                s.clientApplication, s.serverApplication, s.exporter, s.resumption, keys);
        List<byte[]> secrets = new ArrayList<>(s.secrets());
        secrets.add(keys.key());
        secrets.add(keys.iv());
        for (Object o : all) {
            String text = o.toString();
            for (byte[] secret : secrets) {
                assertFalse(text.contains(Hex.encode(secret)), text);
                assertFalse(text.contains(Hex.encode(Arrays.copyOf(secret, 4))), text);
                assertFalse(text.contains(Arrays.toString(secret)), text);
            }
        }
        assertEquals("TrafficSecret[SERVER_TRAFFIC_SECRET_0, SHA256]", s.serverApplication.toString());
        assertEquals("TrafficKeys[AES_128_GCM]", keys.toString());
        s.master.destroy();
        assertEquals("MasterSecret[SHA256, destroyed]", s.master.toString());
    }

    @Test
    void oneScheduleCreatesOneHkdfAndSharesItAcrossStages() {
        int[] created = {0};
        CryptoProvider counting = new ForwardingProvider() {
            @Override
            public Hkdf hkdf(HashAlgorithm hash) {
                created[0]++;
                return super.hkdf(hash);
            }
        };
        EarlySecret early = EarlySecret.withoutPsk(counting, HashAlgorithm.SHA256);
        MasterSecret master = early.handshakeSecret(filled(32, 1)).masterSecret();
        master.clientApplicationTrafficSecret(filled(32, 2)).next().keys(AeadAlgorithm.AES_128_GCM);
        assertEquals(1, created[0]);
    }

    /** The section 3 handshake secret, from its early secret and shared secret. */
    private static HandshakeSecret handshakeSecretOfSection3() {
        byte[] shared = Rfc8448.one(Trace.SIMPLE_1RTT, "server", "extract secret \"handshake\"").bytes("IKM");
        return EarlySecret.withoutPsk(JCA, HashAlgorithm.SHA256).handshakeSecret(shared);
    }

    private static byte[] transcriptHashBeforeServerFinished() {
        Transcript t = Transcript.of(JCA, HashAlgorithm.SHA256);
        for (String type : new String[] {"ClientHello", "ServerHello", "EncryptedExtensions", "Certificate",
                "CertificateVerify"}) {
            String who = type.equals("ClientHello") ? "client" : "server";
            String article = type.startsWith("E") ? "an " : "a ";
            t.add(Rfc8448.one(Trace.SIMPLE_1RTT, who, "construct " + article + type + " handshake message")
                    .bytes(type));
        }
        return t.currentHash();
    }
}
