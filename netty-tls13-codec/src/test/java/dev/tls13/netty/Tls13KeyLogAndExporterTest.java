package dev.tls13.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.Tls13Context;
import dev.tls13.Tls13KeyLog;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The key log lines each side delivers (NSS format), the SSLKEYLOGFILE writer, and keying material exporters. */
class Tls13KeyLogAndExporterTest {

    private final ChannelPair pair = new ChannelPair();
    private final List<String> clientLines = Collections.synchronizedList(new ArrayList<>());
    private final List<String> serverLines = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void finish() {
        pair.finish();
    }

    private void handshake(String suite) {
        pair.start(ChannelPair.clientContext().cipherSuites(suite).keyLog((ch, line) -> {
            assertSame(pair.client, ch);
            clientLines.add(line);
        }).build(), ChannelPair.serverContext().keyLog((ch, line) -> {
            assertSame(pair.server, ch);
            serverLines.add(line);
        }).build());
        pair.shuttle();
        assertTrue(pair.clientHandler.handshakeFuture().isSuccess());
    }

    private static List<String> labels(List<String> lines) {
        return lines.stream().map(l -> l.substring(0, l.indexOf(' '))).collect(Collectors.toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"})
    void bothSidesLogTheSameNssLinesIncludingEveryKeyUpdateGeneration(String suite) {
        handshake(suite);
        int hashHex = suite.endsWith("SHA384") ? 96 : 64;

        assertEquals(List.of("CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET"),
                labels(clientLines).stream().sorted(this::handshakeOrder).collect(Collectors.toList()));
        assertEquals(sorted(clientLines), sorted(serverLines));
        String clientRandom = clientLines.get(0).split(" ")[1];
        for (String line : clientLines) {
            String[] fields = line.split(" ");
            assertEquals(3, fields.length, line.substring(0, 20));
            assertEquals(clientRandom, fields[1], "one client random per connection");
            assertEquals(64, fields[1].length());
            assertEquals(hashHex, fields[2].length());
            assertTrue(fields[2].matches("[0-9a-f]+"));
        }

        // The client updates its keys and asks the server to update too: generation 1 on both sides.
        pair.clientHandler.updateKeys(true);
        pair.shuttle();
        // Then the server updates only its own: SERVER_TRAFFIC_SECRET_2.
        pair.serverHandler.updateKeys(false);
        pair.shuttle();

        List<String> after = labels(clientLines.subList(5, clientLines.size()));
        assertEquals(List.of("CLIENT_TRAFFIC_SECRET_1", "SERVER_TRAFFIC_SECRET_1", "SERVER_TRAFFIC_SECRET_2"), after);
        assertEquals(sorted(clientLines), sorted(serverLines));
        assertEquals(8, serverLines.size());
    }

    private int handshakeOrder(String a, String b) {
        List<String> order = List.of("CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET");
        return Integer.compare(order.indexOf(a), order.indexOf(b));
    }

    private static java.util.Set<String> sorted(List<String> lines) {
        return new java.util.TreeSet<>(lines);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"})
    void exportedKeyingMaterialMatchesRfc8446Section75FromTheLoggedExporterSecret(String suite) throws Exception {
        handshake(suite);
        String hash = suite.endsWith("SHA384") ? "SHA-384" : "SHA-256";
        byte[] exporterSecret = HexFormat.of().parseHex(clientLines.stream()
                .filter(l -> l.startsWith("EXPORTER_SECRET ")).findFirst().orElseThrow().split(" ")[2]);
        byte[] context = "ctx".getBytes(StandardCharsets.US_ASCII);

        for (int length : new int[] {16, 32, 64}) {
            byte[] client = pair.clientHandler.exportKeyingMaterial("EXPERIMENTAL-test", context, length);
            byte[] server = pair.serverHandler.exportKeyingMaterial("EXPERIMENTAL-test", context, length);
            assertEquals(length, client.length);
            assertArrayEquals(client, server);
            assertArrayEquals(Rfc8446Exporter.export(hash, exporterSecret, "EXPERIMENTAL-test", context, length),
                    client);
        }
    }

    @Test
    void noContextIsTheEmptyContextAndLabelAndContextChangeTheOutput() {
        handshake("TLS_AES_128_GCM_SHA256");
        byte[] none = pair.clientHandler.exportKeyingMaterial("EXPERIMENTAL-a", null, 32);

        assertArrayEquals(none, pair.serverHandler.exportKeyingMaterial("EXPERIMENTAL-a", new byte[0], 32));
        assertFalse(MessageDigest.isEqual(none, pair.clientHandler.exportKeyingMaterial("EXPERIMENTAL-b", null, 32)));
        assertFalse(MessageDigest.isEqual(none,
                pair.clientHandler.exportKeyingMaterial("EXPERIMENTAL-a", new byte[] {0}, 32)));
        // Shorter output is not a prefix-independent value: HKDF-Expand-Label encodes the length.
        byte[] shorter = pair.clientHandler.exportKeyingMaterial("EXPERIMENTAL-a", null, 16);
        assertFalse(MessageDigest.isEqual(shorter, java.util.Arrays.copyOf(none, 16)));
    }

    @Test
    void exportingFailsBeforeTheHandshakeAndAfterClose() {
        pair.start(ChannelPair.clientContext().build(), ChannelPair.serverContext().build());
        assertThrows(IllegalStateException.class, () -> pair.clientHandler.exportKeyingMaterial("EXPERIMENTAL-a",
                null, 16));
        pair.shuttle();
        pair.clientHandler.exportKeyingMaterial("EXPERIMENTAL-a", null, 16);
        pair.client.close();
        assertThrows(IllegalStateException.class, () -> pair.clientHandler.exportKeyingMaterial("EXPERIMENTAL-a",
                null, 16));
    }

    @Test
    void fileWriterAppendsWholeLinesFromConcurrentThreads(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keylog.txt");
        Files.writeString(file, "# existing\n");
        Tls13KeyLog log = Tls13KeyLog.toFile(file);
        EmbeddedChannel channel = new EmbeddedChannel();
        int threads = 4;
        int perThread = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int id = t;
                done.add(CompletableFuture.runAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    for (int i = 0; i < perThread; i++) {
                        log.log(channel, "CLIENT_TRAFFIC_SECRET_0 " + "%02d".formatted(id).repeat(32) + " " + i);
                    }
                }, pool));
            }
            start.countDown();
            CompletableFuture.allOf(done.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
            channel.finishAndReleaseAll();
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        assertEquals("# existing", lines.get(0), "appends");
        assertEquals(1 + threads * perThread, lines.size());
        for (String line : lines.subList(1, lines.size())) {
            assertTrue(line.matches("CLIENT_TRAFFIC_SECRET_0 (\\d\\d){32} \\d+"), "no interleaving: " + line);
        }
    }

    @Test
    void environmentWithoutSslKeyLogFileMeansNoKeyLogAtAll(@TempDir Path dir) {
        assertSame(Tls13KeyLog.disabled(), Tls13KeyLog.fromFileName(null));
        assertSame(Tls13KeyLog.disabled(), Tls13KeyLog.fromFileName("  "));
        Tls13Context context = ChannelPair.clientContext().keyLog(Tls13KeyLog.fromFileName(null)).build();
        assertNull(context.keyLog(), "no secret is formatted when nobody logs it");
        String env = System.getenv(Tls13KeyLog.SSLKEYLOGFILE);
        if (env == null || env.isBlank()) {
            assertSame(Tls13KeyLog.disabled(), Tls13KeyLog.fromEnvironment());
        }

        Path file = dir.resolve("named.keys");
        Tls13Context logging = ChannelPair.clientContext().keyLog(Tls13KeyLog.fromFileName(file.toString())).build();
        pair.start(logging, ChannelPair.serverContext().build());
        pair.shuttle();
        assertTrue(pair.clientHandler.handshakeFuture().isSuccess());
        List<String> lines = readLines(file);
        assertEquals(5, lines.size());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("CLIENT_TRAFFIC_SECRET_0 ")));
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** RFC 8446 §7.5 and §7.1 written out independently with javax.crypto, to check the exporter. */
    static final class Rfc8446Exporter {
        private Rfc8446Exporter() {
        }

        static byte[] export(String hash, byte[] exporterSecret, String label, byte[] context, int length)
                throws GeneralSecurityException {
            MessageDigest md = MessageDigest.getInstance(hash);
            byte[] emptyHash = md.digest(new byte[0]);
            byte[] contextHash = md.digest(context);
            // Derive-Secret(Secret, Label, "") = HKDF-Expand-Label(Secret, Label, Hash(""), Hash.length)
            byte[] perLabel = expandLabel(hash, exporterSecret, label, emptyHash, emptyHash.length);
            return expandLabel(hash, perLabel, "exporter", contextHash, length);
        }

        private static byte[] expandLabel(String hash, byte[] secret, String label, byte[] context, int length)
                throws GeneralSecurityException {
            byte[] fullLabel = ("tls13 " + label).getBytes(StandardCharsets.US_ASCII);
            byte[] info = new byte[2 + 1 + fullLabel.length + 1 + context.length];
            info[0] = (byte) (length >>> 8);
            info[1] = (byte) length;
            info[2] = (byte) fullLabel.length;
            System.arraycopy(fullLabel, 0, info, 3, fullLabel.length);
            info[3 + fullLabel.length] = (byte) context.length;
            System.arraycopy(context, 0, info, 4 + fullLabel.length, context.length);
            String macName = "Hmac" + hash.replace("-", "");
            Mac mac = Mac.getInstance(macName);
            mac.init(new SecretKeySpec(secret, macName));
            byte[] out = new byte[length];
            byte[] t = new byte[0];
            int done = 0;
            for (int i = 1; done < length; i++) {
                mac.update(t);
                mac.update(info);
                mac.update((byte) i);
                t = mac.doFinal();
                int n = Math.min(t.length, length - done);
                System.arraycopy(t, 0, out, done, n);
                done += n;
            }
            return out;
        }
    }
}
