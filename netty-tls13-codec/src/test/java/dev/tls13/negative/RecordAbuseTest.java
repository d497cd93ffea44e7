package dev.tls13.negative;

import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tls13.connection.Limits;
import dev.tls13.error.TlsException;
import dev.tls13.negative.Duel.Profile;
import dev.tls13.negative.Duel.Unit;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.KeyUpdate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Hostile records, in both roles, in the handshake epoch (the victim awaits the peer's Finished, or its
 * EncryptedExtensions) and in the application epoch: change_cipher_spec where RFC 8446 §5 forbids it,
 * application data before the handshake, interleaving, all-zero padding, bad tags, overflows, unknown
 * types, malformed alerts, and the floods of docs/architecture.md §10. Each must end in the named fatal alert on
 * the wire.
 */
class RecordAbuseTest {

    private static final AlertDescription UNEXPECTED = AlertDescription.UNEXPECTED_MESSAGE;
    private static final byte[] KEY_UPDATE = HandshakeCodec.encode(new KeyUpdate(false));

    @AfterAll
    static void summary() {
        Tally.print();
    }

    /** Where the hostile input goes. */
    enum Moment {
        /** The first flight of the peer is due: the victim server awaits its ClientHello (plaintext). */
        FIRST_FLIGHT,
        /** The victim awaits the peer's next encrypted handshake message. */
        HANDSHAKE_EPOCH,
        /** Both are connected. */
        CONNECTED
    }

    /** A hostile script: given the duel at its moment and the epoch to use, returns the victim's failure. */
    @FunctionalInterface
    interface Attack extends Function<Duel, TlsException> {
    }

    private record Case(String name, Moment moment, boolean bothRoles, AlertDescription alert, Attack attack) {
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] r = new byte[n];
        int i = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, r, i, p.length);
            i += p.length;
        }
        return r;
    }

    private static byte[] inner(byte[] content, int type, int padding) {
        byte[] r = Arrays.copyOf(content, content.length + 1 + padding);
        r[content.length] = (byte) type;
        return r;
    }

    /** The next honest handshake message, or a KeyUpdate once connected. */
    private static byte[] nextMessage(Duel d) {
        Unit head = d.queue.peek();
        return head != null && head.isHandshake() ? head.content() : KEY_UPDATE;
    }

    private static List<Case> cases() {
        List<Case> l = new ArrayList<>();
        byte[] ccs = {1};
        // RFC 8446 §5: change_cipher_spec is only dropped between the first ClientHello and the peer's
        // Finished, unprotected, and only with the single byte 0x01.
        l.add(new Case("changeCipherSpecBeforeTheFirstClientHello", Moment.FIRST_FLIGHT, false, UNEXPECTED,
                d -> d.deliverRaw(Duel.plainRecord(20, ccs))));
        for (Moment m : new Moment[] {Moment.HANDSHAKE_EPOCH, Moment.CONNECTED}) {
            l.add(new Case("changeCipherSpecWithBody02", m, true, UNEXPECTED,
                    d -> d.deliverRaw(Duel.plainRecord(20, new byte[] {2}))));
            l.add(new Case("changeCipherSpecWithTwoBytes", m, true, UNEXPECTED,
                    d -> d.deliverRaw(Duel.plainRecord(20, new byte[] {1, 1}))));
            l.add(new Case("emptyChangeCipherSpec", m, true, UNEXPECTED,
                    d -> d.deliverRaw(Duel.plainRecord(20, new byte[0]))));
            l.add(new Case("encryptedChangeCipherSpec", m, true, UNEXPECTED,
                    d -> d.deliverRaw(d.sealInner(d.lastEpoch(), inner(ccs, 20, 0)))));
            l.add(new Case("allZeroInnerPlaintext", m, true, UNEXPECTED,
                    d -> d.deliverRaw(d.sealInner(d.lastEpoch(), new byte[10]))));
            l.add(new Case("oneZeroByteInnerPlaintext", m, true, UNEXPECTED,
                    d -> d.deliverRaw(d.sealInner(d.lastEpoch(), new byte[1]))));
            l.add(new Case("flippedTagBit", m, true, AlertDescription.BAD_RECORD_MAC, d -> {
                byte[] r = d.sealInner(d.lastEpoch(), inner(nextMessage(d), 22, 0));
                r[r.length - 1] ^= 1;
                return d.deliverRaw(r);
            }));
            l.add(new Case("flippedCiphertextBit", m, true, AlertDescription.BAD_RECORD_MAC, d -> {
                byte[] r = d.sealInner(d.lastEpoch(), inner(nextMessage(d), 22, 0));
                r[5] ^= 0x40;
                return d.deliverRaw(r);
            }));
            l.add(new Case("alteredRecordHeader", m, true, AlertDescription.BAD_RECORD_MAC, d -> {
                byte[] r = d.sealInner(d.lastEpoch(), inner(nextMessage(d), 22, 0));
                r[2] = 0x01;
                return d.deliverRaw(r);
            }));
            l.add(new Case("recordShorterThanTheTag", m, true, AlertDescription.BAD_RECORD_MAC,
                    d -> d.deliverRaw(Duel.plainRecord(23, new byte[15]))));
            l.add(new Case("replayedSequenceNumber", m, true, AlertDescription.BAD_RECORD_MAC, d -> {
                // The first fragment of a message is accepted; the same record again has the wrong nonce.
                byte[] r = d.sealInner(d.lastEpoch(), inner(Arrays.copyOf(nextMessage(d), 2), 22, 0));
                TlsException first = d.deliverRaw(r);
                return first != null ? null : d.deliverRaw(r);
            }));
            l.add(new Case("innerPlaintextOverflow", m, true, AlertDescription.RECORD_OVERFLOW,
                    d -> d.deliverRaw(d.sealInner(d.lastEpoch(), inner(new byte[16384], 23, 1)))));
            l.add(new Case("paddingOverflow", m, true, AlertDescription.RECORD_OVERFLOW,
                    d -> d.deliverRaw(d.sealInner(d.lastEpoch(), inner(new byte[1], 23, 16384)))));
            l.add(new Case("ciphertextOverflow", m, true, AlertDescription.RECORD_OVERFLOW,
                    d -> d.deliverRaw(Duel.plainRecord(23, new byte[16384 + 256 + 1]))));
            l.add(new Case("plaintextHandshakeRecordAfterKeys", m, true, UNEXPECTED,
                    d -> d.deliverRaw(Duel.plainRecord(22, nextMessage(d)))));
            l.add(new Case("unknownInnerContentType", m, true, UNEXPECTED,
                    d -> d.deliverRaw(d.sealInner(d.lastEpoch(), inner(new byte[] {1}, 99, 0)))));
            l.add(new Case("heartbeatInnerContentType", m, true, UNEXPECTED,
                    d -> d.deliverRaw(d.sealInner(d.lastEpoch(), inner(new byte[] {1, 0, 0}, 24, 0)))));
            l.add(new Case("emptyEncryptedHandshakeRecord", m, true, UNEXPECTED,
                    d -> d.deliverRaw(d.sealInner(d.lastEpoch(), inner(new byte[0], 22, 0)))));
            l.add(new Case("emptyEncryptedAlertRecord", m, true, UNEXPECTED,
                    d -> d.deliverRaw(d.sealInner(d.lastEpoch(), inner(new byte[0], 21, 0)))));
            l.add(new Case("threeByteAlert", m, true, AlertDescription.DECODE_ERROR,
                    d -> d.deliverRaw(d.sealInner(d.lastEpoch(), inner(new byte[] {1, 0, 0}, 21, 0)))));
            l.add(new Case("oneByteAlert", m, true, AlertDescription.DECODE_ERROR,
                    d -> d.deliverRaw(d.sealInner(d.lastEpoch(), inner(new byte[] {2}, 21, 0)))));
            l.add(new Case("alertWithUnknownLevel", m, true, AlertDescription.ILLEGAL_PARAMETER,
                    d -> d.deliverRaw(d.sealInner(d.lastEpoch(), inner(new byte[] {3, 0}, 21, 0)))));
            // RFC 8446 §5.1: handshake messages MUST NOT be interleaved with other record types.
            for (int type : new int[] {20, 21, 23}) {
                l.add(new Case("handshakeMessageInterleavedWithType" + type, m, true, UNEXPECTED, d -> {
                    byte[] msg = nextMessage(d);
                    byte[] first = d.sealInner(d.lastEpoch(), inner(Arrays.copyOf(msg, 2), 22, 0));
                    byte[] other = type == 20 ? Duel.plainRecord(20, ccs)
                            : d.sealInner(d.lastEpoch(), inner(type == 21 ? new byte[] {1, 90} : new byte[] {7}, type, 0));
                    return d.deliverRaw(concat(first, other));
                }));
            }
        }
        // RFC 8446 §2, §5: application data is only allowed after the handshake (here: after the
        // peer's Finished would have been, but sealed with the handshake keys).
        l.add(new Case("applicationDataInTheHandshakeEpoch", Moment.HANDSHAKE_EPOCH, true, UNEXPECTED,
                d -> d.deliverRaw(d.sealInner(d.lastEpoch(), inner(new byte[] {'x'}, 23, 0)))));
        l.add(new Case("plaintextApplicationDataBeforeTheHandshake", Moment.FIRST_FLIGHT, false, UNEXPECTED,
                d -> d.deliverRaw(Duel.plainRecord(23, new byte[] {'G', 'E', 'T'}))));
        l.add(new Case("plaintextHandshakeRecordOverflow", Moment.FIRST_FLIGHT, false, AlertDescription.RECORD_OVERFLOW,
                d -> d.deliverRaw(Duel.plainRecord(22, new byte[16385]))));
        l.add(new Case("emptyPlaintextHandshakeRecord", Moment.FIRST_FLIGHT, false, UNEXPECTED,
                d -> d.deliverRaw(Duel.plainRecord(22, new byte[0]))));
        // RFC 8446 §5: a change_cipher_spec received after the peer's Finished is unexpected.
        l.add(new Case("changeCipherSpecAfterThePeersFinished", Moment.CONNECTED, true, UNEXPECTED,
                d -> d.deliverRaw(Duel.plainRecord(20, ccs))));
        // docs/architecture.md §10 floods: each stops after a small bound.
        l.add(new Case("twoChangeCipherSpecsInARow", Moment.HANDSHAKE_EPOCH, true, UNEXPECTED,
                d -> flood(d, () -> Duel.plainRecord(20, ccs), 2)));
        l.add(new Case("endlessEmptyApplicationDataRecords", Moment.CONNECTED, true, UNEXPECTED,
                d -> flood(d, () -> d.sealInner(d.lastEpoch(), inner(new byte[0], 23, 0)),
                        Limits.DEFAULT.maxEmptyRecords() + 2)));
        l.add(new Case("endlessUserCanceledWarnings", Moment.CONNECTED, true, UNEXPECTED,
                d -> flood(d, () -> d.sealInner(d.lastEpoch(), inner(new byte[] {1, 90}, 21, 0)),
                        Limits.DEFAULT.maxWarningAlerts() + 2)));
        l.add(new Case("endlessKeyUpdates", Moment.CONNECTED, true, UNEXPECTED, d -> flood(d, () -> {
            byte[] r = d.sealInner(d.lastEpoch(), inner(KEY_UPDATE, 22, 0));
            d.sealInnerEpoch(d.nextApplicationEpoch(d.lastEpoch()));
            return r;
        }, Limits.DEFAULT.maxKeyUpdates() + 2)));
        return l;
    }

    /**
     * Delivers {@code make}'s records one at a time, at most {@code max} (the configured bound plus
     * one): the flood must fail by then, or the case fails with "the victim must fail".
     */
    private static TlsException flood(Duel d, java.util.function.Supplier<byte[]> make, int max) {
        for (int i = 0; i < max; i++) {
            TlsException e = d.deliverRaw(make.get());
            if (e != null) {
                return e;
            }
        }
        return null;
    }

    @TestFactory
    List<DynamicTest> hostileRecordsEndInTheNamedFatalAlert() {
        return all(false);
    }

    /** The same records against the Netty handler: the future, the event and the close report it too. */
    @TestFactory
    List<DynamicTest> throughTheNettyHandlerHostileRecordsEndInTheNamedFatalAlert() {
        return all(true);
    }

    private static List<DynamicTest> all(boolean handler) {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : cases()) {
            for (boolean victimIsClient : new boolean[] {false, true}) {
                if (victimIsClient && !c.bothRoles()) {
                    continue;
                }
                tests.add(DynamicTest.dynamicTest((handler ? "handler " : "") + (victimIsClient ? "client" : "server") + " " + c.moment() + " "
                        + c.name() + " -> " + c.alert(), () -> run(c, victimIsClient, handler)));
            }
        }
        return tests;
    }

    private static void run(Case c, boolean victimIsClient, boolean handler) {
        try (Duel d = Duel.start(victimIsClient, Profile.PLAIN, handler)) {
            switch (c.moment()) {
                case FIRST_FLIGHT:
                    d.queue.clear();
                    break;
                case HANDSHAKE_EPOCH:
                    // The victim has processed the peer's plaintext hello and awaits its encrypted messages.
                    d.advance(1);
                    while (!d.queue.isEmpty() && !d.queue.peek().isHandshake()) {
                        d.deliverNext();
                    }
                    d.sealInnerEpoch(d.queue.peek().epoch());
                    break;
                default:
                    d.completeHandshake();
                    break;
            }
            boolean encrypted = d.victimHasWriteKeys();
            TlsException e = c.attack().apply(d);
            d.assertFatalAlertOnTheWire(e, c.alert(), encrypted);
            assertNull(d.victim.pollOutput());
        }
        Tally.count(c.alert().toString());
    }
}
