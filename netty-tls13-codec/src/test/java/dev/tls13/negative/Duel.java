package dev.tls13.negative;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.connection.SessionInfo;
import dev.tls13.connection.TlsConnection;
import dev.tls13.error.TlsException;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import dev.tls13.testing.TestPki;
import dev.tls13.wire.AlertDescription;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.ClientAuth;
import java.io.ByteArrayOutputStream;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The scripted hostile peer at the {@link TlsConnection} level: our connection (the victim) talks to a
 * real connection of the other role (the puppet) through a man in the middle that knows every traffic
 * secret of both (from the key log). Everything the puppet writes is decrypted into {@link Unit}s and
 * queued; the test delivers them to the victim one by one — re-sealed with the right keys and sequence
 * numbers — and may drop, replace or inject any unit, in any epoch, or raw bytes. Everything the victim
 * writes is forwarded to the puppet and decrypted too, so a test can read the alert our side put on
 * the wire.
 */
final class Duel implements AutoCloseable {

    static final String HOST = "localhost";
    static final String SUITE = "TLS_AES_128_GCM_SHA256";

    /** One record's content (or one handshake message) as the sender meant it, and its epoch. */
    record Unit(int type, byte[] content, String epoch) {
        boolean isHandshake() {
            return type == 22;
        }

        int handshakeType() {
            return isHandshake() ? content[0] & 0xFF : -1;
        }

        @Override
        public String toString() {
            return (isHandshake() ? "hs" + handshakeType() : "type" + type) + "@" + epoch;
        }
    }

    /** The profile of a handshake the harness runs. */
    enum Profile {
        PLAIN, CLIENT_AUTH, HELLO_RETRY
    }

    final boolean victimIsClient;
    final Victim victim;
    final TlsConnection puppet;
    final End victimEnd = new End();
    final End puppetEnd = new End();
    private final Map<String, byte[]> secrets = new HashMap<>();
    private final Reader fromPuppet;
    private final Reader fromVictim;
    private final Map<String, Epoch> toVictim = new HashMap<>();
    /** What the puppet wrote and the test has not delivered yet. */
    final Deque<Unit> queue = new ArrayDeque<>();
    /** Everything the victim wrote, decoded. */
    final List<Unit> victimUnits = new ArrayList<>();
    /** Raw records the victim wrote (header byte and length), for checks on the encryption. */
    final List<byte[]> victimRecords = new ArrayList<>();
    private final ByteBuf victimIn = Unpooled.buffer();
    private final ByteBuf puppetIn = Unpooled.buffer();
    private String lastEpoch = Epoch.PLAINTEXT;

    /** Collects one end's events and key log. */
    final class End implements TlsConnection.Listener {
        SessionInfo session;
        int bytesReceived;
        boolean closeNotify;

        @Override
        public void handshakeComplete(SessionInfo info) {
            session = info;
        }

        @Override
        public void applicationData(ByteBuf data) {
            bytesReceived += data.readableBytes();
            data.release();
        }

        @Override
        public void closeNotifyReceived() {
            closeNotify = true;
        }

        @Override
        public boolean keyLogEnabled() {
            return true;
        }

        @Override
        public void keyLog(String line) {
            String[] parts = line.split(" ");
            secrets.put(parts[0], ByteBufUtil.decodeHexDump(parts[2]));
        }
    }

    private Duel(boolean victimIsClient, Tls13Context client, Tls13Context server, boolean handler) {
        this.victimIsClient = victimIsClient;
        Tls13Context victimContext = victimIsClient ? client : server;
        String victimPeer = victimIsClient ? HOST : null;
        if (handler) {
            CURRENT.set(this);
            victim = new Victim.Handler(victimContext, victimPeer);
        } else {
            victim = new Victim.Connection(victimContext, victimPeer, victimEnd);
        }
        puppet = (victimIsClient ? server : client).newConnection(PooledByteBufAllocator.DEFAULT,
                victimIsClient ? null : HOST, puppetEnd);
        fromPuppet = new Reader(!victimIsClient);
        fromVictim = new Reader(victimIsClient);
    }

    /** Starts a duel with the default contexts of {@code profile}; the client's ClientHello is queued. */
    static Duel start(boolean victimIsClient, Profile profile) {
        return start(victimIsClient, profile, false);
    }

    /** Starts a duel whose victim is the Netty handler ({@code handler}) or the sans-IO connection. */
    static Duel start(boolean victimIsClient, Profile profile, boolean handler) {
        Tls13Context[] pair;
        synchronized (CONTEXTS) {
            pair = CONTEXTS.computeIfAbsent(profile, p -> new Tls13Context[] {
                clientContext(p).keyLog(Duel::logVictimKey).build(),
                serverContext(p).keyLog(Duel::logVictimKey).build()});
        }
        return start(victimIsClient, pair[0], pair[1], handler);
    }

    private static void logVictimKey(io.netty.channel.Channel channel, String line) {
        Duel d = CURRENT.get();
        if (d != null) {
            d.victimEnd.keyLog(line);
        }
    }

    /** The duel whose handler victim is logging keys on this thread. */
    private static final ThreadLocal<Duel> CURRENT = new ThreadLocal<>();

    /** Contexts are immutable and reusable: building them (keys, certificates) is the slow part. */
    private static final Map<Profile, Tls13Context[]> CONTEXTS = new java.util.EnumMap<>(Profile.class);

    /** Starts a duel between the given contexts. */
    static Duel start(boolean victimIsClient, Tls13Context client, Tls13Context server, boolean handler) {
        Duel d = new Duel(victimIsClient, client, server, handler);
        try {
            d.victim.start();
            d.puppet.start();
        } catch (TlsException e) {
            d.close();
            throw new AssertionError(e);
        }
        if (victimIsClient) {
            d.victimToPuppet();
        }
        d.pullPuppet();
        return d;
    }

    private static Issued serverLeaf;
    private static Issued clientLeaf;

    static synchronized Issued serverLeaf() {
        if (serverLeaf == null) {
            serverLeaf = TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P256)).dns(HOST).build();
        }
        return serverLeaf;
    }

    static synchronized Issued clientLeaf() {
        if (clientLeaf == null) {
            clientLeaf = TestPki.leaf(KeyType.EC_P256).issuer(TestPki.ca(KeyType.EC_P256)).dns("client").build();
        }
        return clientLeaf;
    }

    static dev.tls13.Tls13ContextBuilder clientContext(Profile profile) {
        dev.tls13.Tls13ContextBuilder b = Tls13Context.forClient().trustManager(TestPki.ca(KeyType.EC_P256).certificate())
                .cipherSuites(SUITE);
        if (profile == Profile.CLIENT_AUTH) {
            Issued leaf = clientLeaf();
            b.keyManager(leaf.privateKey(), leaf.chain().toArray(new X509Certificate[0]));
        }
        if (profile == Profile.HELLO_RETRY) {
            b.namedGroups("x25519", "secp256r1").keyShares(1);
        }
        return b;
    }

    static dev.tls13.Tls13ContextBuilder serverContext(Profile profile) {
        Issued leaf = serverLeaf();
        // TLS 1.3 only: these duels lie to the TLS 1.3 state machines, and a ClientHello offering only TLS 1.2 must
        // stay protocol_version (RFC 8446 §4.2.1) rather than reach the TLS 1.2 server, on by default since issue #16.
        dev.tls13.Tls13ContextBuilder b = Tls13Context.forServer(leaf.privateKey(),
                leaf.chain().toArray(new X509Certificate[0])).cipherSuites(SUITE).protocols("TLSv1.3");
        if (profile == Profile.CLIENT_AUTH) {
            b.clientAuth(ClientAuth.REQUIRE).trustManager(TestPki.ca(KeyType.EC_P256).certificate());
        }
        if (profile == Profile.HELLO_RETRY) {
            b.namedGroups("secp256r1");
        }
        return b;
    }

    /**
     * Derives the puppet's next application write secret after a KeyUpdate it "sent" (RFC 8446 §7.2:
     * application_traffic_secret_N+1 = HKDF-Expand-Label(application_traffic_secret_N, "traffic upd", "",
     * Hash.length)).
     *
     * @return the label of the next epoch
     */
    String nextApplicationEpoch(String label) {
        int n = Integer.parseInt(label.substring(label.lastIndexOf('_') + 1));
        String next = label.substring(0, label.lastIndexOf('_') + 1) + (n + 1);
        secrets.putIfAbsent(next, Epoch.expandLabel(secret(label), "traffic upd", 32));
        return next;
    }

    /** Whether the key log holds {@code label}'s secret. */
    boolean hasSecret(String label) {
        return secrets.containsKey(label);
    }

    /** The label of the victim's handshake write secret. */
    String victimHandshakeLabel() {
        return victimIsClient ? "CLIENT_HANDSHAKE_TRAFFIC_SECRET" : "SERVER_HANDSHAKE_TRAFFIC_SECRET";
    }

    /** The label of the puppet's first application write secret. */
    String puppetApplicationLabel() {
        return victimIsClient ? "SERVER_TRAFFIC_SECRET_0" : "CLIENT_TRAFFIC_SECRET_0";
    }

    /** The label of the puppet's handshake write secret. */
    String puppetHandshakeLabel() {
        return victimIsClient ? "SERVER_HANDSHAKE_TRAFFIC_SECRET" : "CLIENT_HANDSHAKE_TRAFFIC_SECRET";
    }

    /** Makes {@code epoch} the one {@link #lastEpoch()} reports, for scripts that seal in "the current" epoch. */
    void sealInnerEpoch(String epoch) {
        lastEpoch = epoch;
    }

    /** The epoch of the last unit delivered to the victim. */
    String lastEpoch() {
        return lastEpoch;
    }

    /** Moves the puppet's output into {@link #queue}. */
    void pullPuppet() {
        ByteBuf out = puppet.pollOutput();
        if (out == null) {
            return;
        }
        try {
            queue.addAll(fromPuppet.read(ByteBufUtil.getBytes(out)));
        } finally {
            out.release();
        }
    }

    /** Moves the victim's output to the puppet (decoding it on the way); the puppet's answer is queued. */
    void victimToPuppet() {
        ByteBuf out = victim.pollOutput();
        if (out == null) {
            return;
        }
        try {
            byte[] bytes = ByteBufUtil.getBytes(out);
            victimUnits.addAll(fromVictim.read(bytes));
            puppetIn.writeBytes(bytes);
        } finally {
            out.release();
        }
        try {
            puppet.receive(puppetIn);
        } catch (TlsException ignored) {
            // The puppet may reject what the victim answered to a forged message; only the victim matters.
        }
        puppetIn.discardReadBytes();
        pullPuppet();
    }

    /** Seals {@code unit} in its epoch (the next sequence number of that epoch) and gives it to the victim. */
    TlsException deliver(Unit unit) {
        return deliverRaw(seal(unit));
    }

    /** Seals {@code unit} as the hostile peer would send it. */
    byte[] seal(Unit unit) {
        if (unit.epoch().equals(Epoch.PLAINTEXT) || unit.type() == 20) {
            return plainRecord(unit.type(), unit.content());
        }
        byte[] inner = Arrays.copyOf(unit.content(), unit.content().length + 1);
        inner[inner.length - 1] = (byte) unit.type();
        return sealInner(unit.epoch(), inner);
    }

    /** Seals exactly {@code inner} (content, type, padding) with {@code epoch}'s next sequence number. */
    byte[] sealInner(String epoch, byte[] inner) {
        lastEpoch = epoch;
        return toVictim.computeIfAbsent(epoch, l -> Epoch.of(l, secret(l))).sealInner(inner);
    }

    private byte[] secret(String label) {
        byte[] s = secrets.get(label);
        assertNotNull(s, "no key log line for " + label);
        return s;
    }

    static byte[] plainRecord(int type, byte[] content) {
        byte[] r = new byte[5 + content.length];
        r[0] = (byte) type;
        r[1] = 0x03;
        r[2] = 0x03;
        r[3] = (byte) (content.length >>> 8);
        r[4] = (byte) content.length;
        System.arraycopy(content, 0, r, 5, content.length);
        return r;
    }

    /** Gives {@code bytes} to the victim. @return its failure, or {@code null} */
    TlsException deliverRaw(byte[] bytes) {
        victimIn.writeBytes(bytes);
        try {
            victim.receive(victimIn);
            return null;
        } catch (TlsException e) {
            return e;
        } finally {
            victimIn.discardReadBytes();
        }
    }

    /** Delivers the next queued unit, which must be accepted. */
    void deliverNext() {
        Unit u = queue.poll();
        assertNotNull(u, "the puppet has nothing to deliver");
        TlsException e = deliver(u);
        if (e != null) {
            throw new AssertionError("victim refused the honest " + u + ": " + e.getMessage(), e);
        }
    }

    /**
     * Delivers honest units (and exchanges flights) until {@code handshakeMessages} handshake messages
     * from the puppet were delivered; the next queued handshake message is then the one the victim
     * awaits, and any non-handshake unit before it (a compatibility CCS) is delivered too.
     */
    void advance(int handshakeMessages) {
        int delivered = 0;
        while (true) {
            while (queue.isEmpty()) {
                int before = victimUnits.size();
                victimToPuppet();
                if (queue.isEmpty() && victimUnits.size() == before) {
                    throw new AssertionError("no more messages after " + delivered);
                }
            }
            Unit head = queue.peek();
            if (head.isHandshake()) {
                if (delivered == handshakeMessages) {
                    return;
                }
                delivered++;
            }
            deliverNext();
        }
    }

    /** Completes the handshake honestly, and delivers everything the puppet sends after it. */
    void completeHandshake() {
        for (int i = 0; i < 10 && !(victim.isHandshakeComplete() && puppet.isHandshakeComplete()
                && queue.isEmpty() && !victim.hasOutput()); i++) {
            while (!queue.isEmpty()) {
                deliverNext();
            }
            victimToPuppet();
        }
        assertTrue(victim.isHandshakeComplete() && puppet.isHandshakeComplete(), "handshake completes");
        // From now on, the hostile peer speaks in its first application epoch.
        lastEpoch = puppetApplicationLabel();
    }

    /** The number of handshake messages the puppet sends before the victim is connected (per profile). */
    int handshakeMessagesInQueueNow() {
        return (int) queue.stream().filter(Unit::isHandshake).count();
    }

    /**
     * Asserts that the victim failed with {@code e} calling for {@code alert}, that the failure is sticky,
     * and that the last record it wrote is that fatal alert — protected whenever it had write keys before
     * the hostile input ({@code encrypted}).
     */
    void assertFatalAlertOnTheWire(TlsException e, AlertDescription alert, boolean encrypted) {
        assertNotNull(e, "the victim must fail");
        assertEquals(alert, e.failure().alert(), () -> "alert for " + e.getMessage());
        assertSame(e, victim.failure(), "the failure is sticky");
        assertNotNull(e.getMessage());
        int before = victimUnits.size();
        int recordsBefore = victimRecords.size();
        ByteBuf out = victim.pollOutput();
        assertNotNull(out, "the victim wrote its alert");
        try {
            victimUnits.addAll(fromVictim.read(ByteBufUtil.getBytes(out)));
        } finally {
            out.release();
        }
        assertTrue(victimUnits.size() > before, "records were written");
        Unit last = victimUnits.get(victimUnits.size() - 1);
        assertEquals(21, last.type(), "the last record is an alert: " + last);
        assertArrayEquals(new byte[] {2, (byte) alert.code()}, last.content(), "fatal " + alert);
        byte[] lastRecord = victimRecords.get(victimRecords.size() - 1);
        assertTrue(victimRecords.size() > recordsBefore);
        if (encrypted) {
            assertEquals(0x17, lastRecord[0] & 0xFF, "the alert is protected with the current write keys");
            assertNotEquals(Epoch.PLAINTEXT, last.epoch());
        } else {
            assertEquals(0x15, lastRecord[0] & 0xFF, "a plaintext alert before keys");
        }
        assertEquals(null, victim.pollOutput(), "one alert, then silence");
        victim.assertFailureReported(e);
    }

    /** Whether the victim had write keys, which an alert sent now must use. */
    boolean victimHasWriteKeys() {
        return hasSecret(victimHandshakeLabel()) && victimUnits.stream().anyMatch(u -> !u.epoch().equals(
                Epoch.PLAINTEXT));
    }

    @Override
    public void close() {
        victim.release();
        puppet.release();
        CURRENT.remove();
        victimIn.release();
        puppetIn.release();
    }

    /** Decrypts one writer's records with its secrets, in the order RFC 8446 §7 derives them. */
    private final class Reader {
        private final String handshakeLabel;
        private final String applicationPrefix;
        private final boolean isVictimReader;
        private int generation = -1;
        private Epoch epoch;
        private final ByteArrayOutputStream handshake = new ByteArrayOutputStream();
        private byte[] pending = new byte[0];

        Reader(boolean client) {
            handshakeLabel = client ? "CLIENT_HANDSHAKE_TRAFFIC_SECRET" : "SERVER_HANDSHAKE_TRAFFIC_SECRET";
            applicationPrefix = client ? "CLIENT_TRAFFIC_SECRET_" : "SERVER_TRAFFIC_SECRET_";
            isVictimReader = client == victimIsClient;
        }

        private String label(int g) {
            return g == 0 ? handshakeLabel : applicationPrefix + (g - 1);
        }

        List<Unit> read(byte[] bytes) {
            byte[] all = new byte[pending.length + bytes.length];
            System.arraycopy(pending, 0, all, 0, pending.length);
            System.arraycopy(bytes, 0, all, pending.length, bytes.length);
            List<Unit> units = new ArrayList<>();
            int i = 0;
            while (all.length - i >= 5) {
                int length = ((all[i + 3] & 0xFF) << 8) | (all[i + 4] & 0xFF);
                if (all.length - i - 5 < length) {
                    break;
                }
                byte[] record = Arrays.copyOfRange(all, i, i + 5 + length);
                i += 5 + length;
                if (isVictimReader) {
                    victimRecords.add(record);
                }
                int type = record[0] & 0xFF;
                if (type != 0x17 || (epoch == null && generation == -1 && !secrets.containsKey(handshakeLabel))) {
                    add(units, type, Arrays.copyOfRange(record, 5, record.length), Epoch.PLAINTEXT);
                    continue;
                }
                byte[] inner = null;
                while (inner == null) {
                    if (epoch != null) {
                        inner = epoch.openInner(record);
                    }
                    if (inner == null) {
                        generation++;
                        String l = label(generation);
                        assertTrue(secrets.containsKey(l), "no secret opens this record; next would be " + l);
                        epoch = Epoch.of(l, secrets.get(l));
                    }
                }
                int t = inner.length - 1;
                while (t >= 0 && inner[t] == 0) {
                    t--;
                }
                assertTrue(t >= 0, "our side never sends an all-zero inner plaintext");
                add(units, inner[t] & 0xFF, Arrays.copyOf(inner, t), epoch.label);
            }
            pending = Arrays.copyOfRange(all, i, all.length);
            return units;
        }

        private void add(List<Unit> units, int type, byte[] content, String label) {
            if (type != 22) {
                units.add(new Unit(type, content, label));
                return;
            }
            handshake.writeBytes(content);
            byte[] buf = handshake.toByteArray();
            int i = 0;
            while (buf.length - i >= 4) {
                int length = ((buf[i + 1] & 0xFF) << 16) | ((buf[i + 2] & 0xFF) << 8) | (buf[i + 3] & 0xFF);
                if (buf.length - i - 4 < length) {
                    break;
                }
                units.add(new Unit(22, Arrays.copyOfRange(buf, i, i + 4 + length), label));
                i += 4 + length;
            }
            handshake.reset();
            handshake.write(buf, i, buf.length - i);
        }
    }
}
