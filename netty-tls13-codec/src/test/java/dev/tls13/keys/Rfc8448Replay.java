package dev.tls13.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tls13.crypto.AeadAlgorithm;
import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.crypto.Hkdf;
import dev.tls13.crypto.JcaCryptoProvider;
import dev.tls13.testing.Hex;
import dev.tls13.testing.Rfc8448;
import dev.tls13.testing.Rfc8448.Step;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replays one RFC 8448 trace through the key schedule and {@link Transcript}, step by step in document
 * order, checking every value the trace prints. All traces use TLS_AES_128_GCM_SHA256. Every step that
 * carries values must be understood here; an unknown step fails the replay, so nothing is skipped
 * silently. The transcript is built from the raw "construct ... handshake message" bytes, and each
 * transcript hash is also compared with the trace's {@code hash} field.
 */
final class Rfc8448Replay {

    static final CryptoProvider PROVIDER = JcaCryptoProvider.instance();
    static final HashAlgorithm HASH = HashAlgorithm.SHA256;
    static final AeadAlgorithm AEAD = AeadAlgorithm.AES_128_GCM;

    /** RFC 8446 §4.1.3: a ServerHello with this random is a HelloRetryRequest. */
    private static final byte[] HRR_RANDOM =
            Hex.decode("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");
    private static final Pattern DERIVE = Pattern.compile("derive secret \"tls13 ([a-z ]+)\"");
    private static final Pattern KEYS =
            Pattern.compile("derive (write|read) traffic keys for (early application|handshake|application) data");
    private static final Pattern CONSTRUCT = Pattern.compile("construct an? (\\w+) handshake message");

    private final Rfc8448.Trace trace;
    private final byte[] psk;
    private final Hkdf hkdf = PROVIDER.hkdf(HASH);
    private final Transcript transcript = Transcript.buffering(PROVIDER);

    private EarlySecret early;
    private HandshakeSecret handshake;
    private MasterSecret master;
    private TrafficSecret clientEarly;
    private TrafficSecret clientHandshake;
    private TrafficSecret serverHandshake;
    private TrafficSecret clientApplication;
    private TrafficSecret serverApplication;
    private ExporterSecret earlyExporter;
    private ExporterSecret exporter;
    private ResumptionMasterSecret resumption;
    private byte[] lastDerived;
    private byte[] expectedFinished;
    private byte[] binderPrefix;
    private byte[] binder;
    private byte[] ticketNonce;
    private boolean sawHelloRetryRequest;

    /** What the replay checked, by kind, so tests can assert that every expected check happened. */
    final Map<String, Integer> checks = new TreeMap<>();
    /** The PSK of the NewSessionTicket, if the trace has one (section 3). */
    byte[] resumptionPsk;

    /**
     * @param trace the trace
     * @param psk the PSK for a resumed trace (section 4), or null for a full handshake
     */
    private Rfc8448Replay(Rfc8448.Trace trace, byte[] psk) {
        this.trace = trace;
        this.psk = psk;
    }

    static Rfc8448Replay run(Rfc8448.Trace trace, byte[] psk) {
        Rfc8448Replay replay = new Rfc8448Replay(trace, psk);
        for (Step step : trace.steps()) {
            if (!step.fields().isEmpty()) {
                replay.on(step);
            }
        }
        return replay;
    }

    int count(String kind) {
        return checks.getOrDefault(kind, 0);
    }

    private void checked(String kind) {
        checks.merge(kind, 1, Integer::sum);
    }

    private void on(Step step) {
        String name = step.step();
        boolean server = step.who().equals("server");
        Matcher m;
        if (name.startsWith("create an ephemeral") || name.startsWith("send ")) {
            if (binder != null && name.equals("send handshake record") && !server) {
                addClientHelloBinders(step.bytes("payload"));
            }
            return;
        }
        if (name.startsWith("extract secret \"early\"")) {
            onEarly(step);
        } else if (name.startsWith("derive secret for handshake \"tls13 derived\"")) {
            onDerived(step, early.bytes());
        } else if (name.startsWith("derive secret for master \"tls13 derived\"")) {
            onDerived(step, handshake.bytes());
        } else if (name.startsWith("extract secret \"handshake\"")) {
            assertArrayEquals(lastDerived, step.bytes("salt"), "salt of handshake secret");
            handshake = early.handshakeSecret(step.bytes("IKM"));
            assertArrayEquals(step.bytes("secret"), handshake.bytes(), name);
            checked("handshake secret");
        } else if (name.startsWith("extract secret \"master\"")) {
            assertArrayEquals(lastDerived, step.bytes("salt"), "salt of master secret");
            assertArrayEquals(new byte[HASH.length()], step.bytes("IKM"), "IKM of master secret");
            master = handshake.masterSecret();
            assertArrayEquals(step.bytes("secret"), master.bytes(), name);
            checked("master secret");
        } else if ((m = DERIVE.matcher(name)).matches()) {
            onDeriveSecret(step, m.group(1));
        } else if ((m = KEYS.matcher(name)).matches()) {
            onTrafficKeys(step, server, m.group(1).equals("write"), m.group(2));
        } else if (name.startsWith("calculate finished \"tls13 finished\"")) {
            onCalculateFinished(step, server);
        } else if (name.equals("calculate PSK binder")) {
            onBinder(step);
        } else if (name.startsWith("generate resumption secret \"tls13 resumption\"")) {
            onResumption(step);
        } else if ((m = CONSTRUCT.matcher(name)).matches()) {
            onMessage(m.group(1), step.bytes(m.group(1)));
        } else {
            fail("replay does not understand step '" + name + "' of " + trace);
        }
    }

    private void onEarly(Step step) {
        assertArrayEquals(new byte[HASH.length()], step.bytes("salt"), "salt of early secret");
        if (psk == null) {
            assertArrayEquals(new byte[HASH.length()], step.bytes("IKM"), "IKM without PSK");
            early = EarlySecret.withoutPsk(PROVIDER, HASH);
        } else {
            assertArrayEquals(psk, step.bytes("IKM"), "IKM is the resumption PSK");
            early = EarlySecret.withPsk(PROVIDER, HASH, psk);
        }
        assertArrayEquals(step.bytes("secret"), early.bytes(), "early secret");
        checked("early secret");
    }

    private void onDerived(Step step, byte[] stage) {
        assertArrayEquals(stage, step.bytes("PRK"), step.step());
        byte[] emptyHash = PROVIDER.digest(HASH).digest();
        assertArrayEquals(emptyHash, step.bytes("hash"), "Derive-Secret(., \"derived\", \"\") hashes no messages");
        assertArrayEquals(step.bytes("info"), HkdfLabel.info(HkdfLabel.DERIVED, emptyHash, HASH.length()));
        lastDerived = HkdfLabel.deriveSecret(hkdf, stage, "derived", emptyHash);
        assertArrayEquals(step.bytes("expanded"), lastDerived, step.step());
        checked("derived secret");
    }

    private void onDeriveSecret(Step step, String label) {
        byte[] hash = step.bytes("hash");
        assertArrayEquals(hash, transcript.currentHash(HASH), "transcript hash for " + label);
        checked("transcript hash");
        byte[] prk;
        byte[] derived;
        switch (label) {
            case "c e traffic":
                clientEarly = early.clientEarlyTrafficSecret(hash);
                prk = early.bytes();
                derived = clientEarly.bytes();
                break;
            case "e exp master":
                earlyExporter = early.earlyExporterMasterSecret(hash);
                prk = early.bytes();
                derived = earlyExporter.bytes();
                break;
            case "c hs traffic":
                clientHandshake = handshake.clientHandshakeTrafficSecret(hash);
                prk = handshake.bytes();
                derived = clientHandshake.bytes();
                break;
            case "s hs traffic":
                serverHandshake = handshake.serverHandshakeTrafficSecret(hash);
                prk = handshake.bytes();
                derived = serverHandshake.bytes();
                break;
            case "c ap traffic":
                clientApplication = master.clientApplicationTrafficSecret(hash);
                prk = master.bytes();
                derived = clientApplication.bytes();
                break;
            case "s ap traffic":
                serverApplication = master.serverApplicationTrafficSecret(hash);
                prk = master.bytes();
                derived = serverApplication.bytes();
                break;
            case "exp master":
                exporter = master.exporterMasterSecret(hash);
                prk = master.bytes();
                derived = exporter.bytes();
                break;
            case "res master":
                resumption = master.resumptionMasterSecret(hash);
                prk = master.bytes();
                derived = resumption.bytes();
                break;
            default:
                throw new AssertionError("unknown label " + label);
        }
        assertArrayEquals(step.bytes("PRK"), prk, "PRK of " + label);
        assertArrayEquals(step.bytes("expanded"), derived, label);
        checked(label);
    }

    private void onTrafficKeys(Step step, boolean server, boolean write, String data) {
        boolean clientSends = server != write;
        TrafficSecret secret;
        switch (data) {
            case "early application":
                assertTrue(clientSends, "only the client sends early data");
                secret = clientEarly;
                break;
            case "handshake":
                secret = clientSends ? clientHandshake : serverHandshake;
                break;
            default:
                secret = clientSends ? clientApplication : serverApplication;
                break;
        }
        assertNotNull(secret, step.step());
        assertEquals(clientSends, secret.kind().isClient());
        assertArrayEquals(step.bytes("PRK"), secret.bytes(), "traffic secret of " + step.step());
        assertArrayEquals(step.bytes("key info"), HkdfLabel.info(HkdfLabel.KEY, new byte[0], AEAD.keyLength()));
        assertArrayEquals(step.bytes("iv info"), HkdfLabel.info(HkdfLabel.IV, new byte[0], 12));
        TrafficKeys keys = secret.keys(AEAD);
        assertArrayEquals(step.bytes("key expanded"), keys.key(), "key of " + step.who() + " " + step.step());
        assertArrayEquals(step.bytes("iv expanded"), keys.iv(), "iv of " + step.who() + " " + step.step());
        keys.destroy();
        checked("traffic keys");
    }

    private void onCalculateFinished(Step step, boolean server) {
        TrafficSecret base = server ? serverHandshake : clientHandshake;
        assertArrayEquals(step.bytes("PRK"), base.bytes(), "finished base key");
        assertArrayEquals(step.bytes("info"), HkdfLabel.info(HkdfLabel.FINISHED, new byte[0], HASH.length()));
        assertArrayEquals(step.bytes("expanded"), base.finishedKey(), "finished_key of " + step.who());
        byte[] transcriptHash = transcript.currentHash();
        byte[] verifyData = base.finishedVerifyData(transcriptHash);
        assertArrayEquals(step.bytes("finished"), verifyData, "verify_data of " + step.who());
        assertTrue(base.verifyFinished(transcriptHash, step.bytes("finished")));
        expectedFinished = verifyData;
        checked("finished");
    }

    private void onBinder(Step step) {
        byte[] prefix = step.bytes("ClientHello prefix");
        assertArrayEquals(binderPrefix, prefix, "the constructed ClientHello is the binder prefix");
        byte[] binderHash = transcript.currentHash(HASH);
        assertArrayEquals(step.bytes("binder hash"), binderHash, "Transcript-Hash(Truncate(ClientHello1))");
        assertArrayEquals(step.bytes("PRK"), early.binderKey(PskType.RESUMPTION), "binder_key (res binder)");
        byte[] finishedKey = HkdfLabel.expandLabel(hkdf, step.bytes("PRK"), "finished", new byte[0], HASH.length());
        assertArrayEquals(step.bytes("expanded"), finishedKey, "binder finished_key");
        binder = early.binder(PskType.RESUMPTION, binderHash);
        assertArrayEquals(step.bytes("finished"), binder, "PSK binder");
        assertTrue(early.verifyBinder(PskType.RESUMPTION, binderHash, binder));
        assertFalse(early.verifyBinder(PskType.EXTERNAL, binderHash, binder), "ext binder label differs");
        checked("binder");
    }

    /** The full ClientHello is the prefix followed by the binders list; hash the rest of it. */
    private void addClientHelloBinders(byte[] payload) {
        byte[] tail = Arrays.copyOfRange(payload, binderPrefix.length, payload.length);
        assertArrayEquals(binderPrefix, Arrays.copyOf(payload, binderPrefix.length));
        byte[] expectedTail = new byte[3 + binder.length];
        expectedTail[1] = (byte) (1 + binder.length);
        expectedTail[2] = (byte) binder.length;
        System.arraycopy(binder, 0, expectedTail, 3, binder.length);
        assertArrayEquals(expectedTail, tail, "PskBinderEntry binders<33..2^16-1> carries our binder");
        int declared = (payload[1] & 0xFF) << 16 | (payload[2] & 0xFF) << 8 | payload[3] & 0xFF;
        assertEquals(payload.length - 4, declared, "the prefix's header already counts the binders");
        transcript.add(payload, binderPrefix.length, tail.length);
        binder = null;
        checked("binder in ClientHello");
    }

    private void onResumption(Step step) {
        assertArrayEquals(step.bytes("PRK"), resumption.bytes(), "resumption_master_secret");
        ticketNonce = step.bytes("hash");
        assertArrayEquals(step.bytes("info"), HkdfLabel.info(HkdfLabel.RESUMPTION, ticketNonce, HASH.length()));
        resumptionPsk = resumption.ticketPsk(ticketNonce);
        assertArrayEquals(step.bytes("expanded"), resumptionPsk, "ticket PSK");
        checked("ticket psk");
    }

    private void onMessage(String type, byte[] message) {
        int declared = (message[1] & 0xFF) << 16 | (message[2] & 0xFF) << 8 | message[3] & 0xFF;
        boolean truncated = type.equals("ClientHello") && trace == Rfc8448.Trace.RESUMED_0RTT;
        if (!truncated) {
            assertEquals(message.length - 4, declared, type + " has a whole-message header");
        }
        switch (type) {
            case "ClientHello":
                if (truncated) {
                    // RFC 8448 §4 prints the ClientHello without its binders: the binder hashes this prefix.
                    binderPrefix = message;
                }
                transcript.add(message);
                break;
            case "ServerHello":
                transcript.selectHash(HASH);
                if (Arrays.equals(HRR_RANDOM, Arrays.copyOfRange(message, 6, 38))) {
                    transcript.addHelloRetryRequest(message);
                    sawHelloRetryRequest = true;
                    checked("hello retry request");
                } else {
                    transcript.add(message);
                }
                break;
            case "Finished":
                assertArrayEquals(new byte[] {20, 0, 0, (byte) HASH.length()}, Arrays.copyOf(message, 4));
                assertArrayEquals(expectedFinished, Arrays.copyOfRange(message, 4, message.length),
                        "Finished message carries the computed verify_data");
                transcript.add(message);
                break;
            case "NewSessionTicket":
                // Post-handshake: not part of the transcript. Its ticket_nonce is the one used above.
                int nonceLength = message[12] & 0xFF;
                assertArrayEquals(ticketNonce, Arrays.copyOfRange(message, 13, 13 + nonceLength));
                checked("ticket nonce");
                break;
            default:
                transcript.add(message);
                break;
        }
        checked("message");
    }

    boolean sawHelloRetryRequest() {
        return sawHelloRetryRequest;
    }

    TrafficSecret clientApplication() {
        return clientApplication;
    }

    TrafficSecret serverApplication() {
        return serverApplication;
    }

    ExporterSecret exporter() {
        return exporter;
    }

    MasterSecret master() {
        return master;
    }
}
