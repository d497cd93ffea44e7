package dev.tls13.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.AeadAlgorithm;
import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.crypto.JcaCryptoProvider;
import dev.tls13.record.HandshakeJoiner;
import dev.tls13.record.ReadProtection;
import dev.tls13.testing.Hex;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.Issued;
import dev.tls13.testing.TestPki.KeyType;
import dev.tls13.wire.ContentType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The TLS 1.2 key schedule and record protection against a real OpenSSL 3 connection ({@code s_client
 * -tls1_2} to {@code s_server -tls1_2} through a relay of ours that records both directions). From the
 * {@code CLIENT_RANDOM} key-log line and the randoms on the wire we derive the key block, open both
 * encrypted Finished records with {@link ReadProtection#installTls12}, check both verify_data values against
 * our PRF over the recorded transcript, and compare our RFC 5705 export with {@code -keymatexport}. The
 * openssl binary is required: without it the test fails.
 */
class Tls12OpenSslCrossCheckTest {

    private static final CryptoProvider JCA = JcaCryptoProvider.instance();
    private static final String LABEL = "EXPERIMENTAL-tls12-codec";
    private static final String KEYING_MATERIAL = "Keying material: ";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "ECDHE-ECDSA-AES128-GCM-SHA256, EC_P256, AES_128_GCM, SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384, EC_P384, AES_256_GCM, SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305, EC_P256, CHACHA20_POLY1305, SHA256",
        "ECDHE-ECDSA-AES128-CCM, EC_P256, AES_128_CCM, SHA256",
        "ECDHE-ECDSA-AES128-CCM8, EC_P256, AES_128_CCM_8, SHA256",
        "ECDHE-RSA-AES128-GCM-SHA256, RSA_2048, AES_128_GCM, SHA256",
        "ECDHE-RSA-AES256-GCM-SHA384, RSA_2048, AES_256_GCM, SHA384",
        "ECDHE-RSA-CHACHA20-POLY1305, RSA_2048, CHACHA20_POLY1305, SHA256"})
    void ourDerivationOpensAndVerifiesOpenSslsFinishedRecords(String suite, KeyType keyType, AeadAlgorithm aead,
                                                              HashAlgorithm hash) throws Exception {
        Issued leaf = TestPki.leaf(keyType).issuer(TestPki.ca(keyType)).dns("localhost").build();
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Path keyLog = dir.resolve("keylog.txt");
        Files.writeString(cert, TestPki.pem(leaf.chain()), StandardCharsets.US_ASCII);
        Files.writeString(key, TestPki.pkcs8Pem(leaf.privateKey()), StandardCharsets.US_ASCII);
        int serverPort;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            serverPort = free.getLocalPort();
        }
        Process server = new ProcessBuilder("openssl", "s_server", "-tls1_2", "-accept", "127.0.0.1:" + serverPort,
                "-naccept", "1", "-no_ticket", "-cert", cert.toString(), "-key", key.toString(), "-cipher", suite)
                .redirectErrorStream(true).start();
        Lines serverOut = new Lines(server.getInputStream());
        Process client = null;
        try (ServerSocket relay = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertTrue(serverOut.await("ACCEPT"), () -> "s_server did not start:\n" + serverOut);
            Relay recording = new Relay(relay, serverPort);
            client = new ProcessBuilder("openssl", "s_client", "-tls1_2", "-connect",
                    "127.0.0.1:" + relay.getLocalPort(), "-cipher", suite, "-keylogfile", keyLog.toString(),
                    "-keymatexport", LABEL, "-keymatexportlen", "32", "-no_ticket")
                    .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(emptyFile())).start();
            Lines clientOut = new Lines(client.getInputStream());
            assertTrue(client.waitFor(30, TimeUnit.SECONDS), () -> "s_client did not finish:\n" + clientOut);
            assertTrue(clientOut.await(KEYING_MATERIAL), () -> "no keying material:\n" + clientOut);
            recording.done.get(30, TimeUnit.SECONDS);
            check(recording, keyLog, clientOut, aead, hash);
        } finally {
            server.destroy();
            if (client != null) {
                client.destroy();
            }
        }
    }

    private void check(Relay recording, Path keyLog, Lines clientOut, AeadAlgorithm aead, HashAlgorithm hash)
            throws Exception {
        List<byte[]> fromClient = records(recording.fromClient.toByteArray());
        List<byte[]> fromServer = records(recording.fromServer.toByteArray());
        // Client: ClientHello, ClientKeyExchange, CCS, Finished. Server (no ticket): ServerHello, Certificate,
        // ServerKeyExchange, ServerHelloDone, CCS, Finished. Handshake records before the CCS are plaintext.
        ByteArrayOutputStream clientPlain = new ByteArrayOutputStream();
        byte[] clientFinishedRecord = plaintextUntilCcs(fromClient, clientPlain);
        ByteArrayOutputStream serverPlain = new ByteArrayOutputStream();
        byte[] serverFinishedRecord = plaintextUntilCcs(fromServer, serverPlain);
        List<byte[]> clientMessages = messages(clientPlain.toByteArray());
        List<byte[]> serverMessages = messages(serverPlain.toByteArray());
        assertEquals(List.of(1, 16), types(clientMessages));
        assertEquals(List.of(2, 11, 12, 14), types(serverMessages));
        byte[] clientRandom = Arrays.copyOfRange(clientMessages.get(0), 6, 38);
        byte[] serverRandom = Arrays.copyOfRange(serverMessages.get(0), 6, 38);

        String line = Files.readAllLines(keyLog).stream().filter(l -> l.startsWith("CLIENT_RANDOM ")).findFirst()
                .orElseThrow();
        String[] parts = line.split(" ");
        assertEquals(Hex.encode(clientRandom), parts[1].toLowerCase(Locale.ROOT));
        Tls12MasterSecret master = Tls12MasterSecret.of(JCA, hash, Hex.decode(parts[2]));
        assertEquals(line.toLowerCase(Locale.ROOT), master.keyLogLine(clientRandom).toLowerCase(Locale.ROOT));

        int ivLength = aead == AeadAlgorithm.CHACHA20_POLY1305 ? 12 : 4;
        Tls12KeyBlock block = master.keyBlock(clientRandom, serverRandom, aead.keyLength(), ivLength);
        MessageDigest transcript = JCA.digest(hash);
        transcript.update(clientMessages.get(0));
        serverMessages.forEach(transcript::update);
        transcript.update(clientMessages.get(1));
        byte[] beforeClientFinished = ((MessageDigest) transcript.clone()).digest();

        byte[] clientFinished = open(aead, block.clientWriteKey(), block.clientWriteIv(), clientFinishedRecord);
        assertEquals(16, clientFinished.length);
        assertArrayEquals(new byte[] {20, 0, 0, 12}, Arrays.copyOf(clientFinished, 4));
        assertArrayEquals(master.verifyData(true, beforeClientFinished), Arrays.copyOfRange(clientFinished, 4, 16));
        transcript.update(clientFinished);
        byte[] serverFinished = open(aead, block.serverWriteKey(), block.serverWriteIv(), serverFinishedRecord);
        assertTrue(master.verifyFinished(false, transcript.digest(), Arrays.copyOfRange(serverFinished, 4, 16)));

        String theirs = clientOut.find(KEYING_MATERIAL).trim().substring(KEYING_MATERIAL.length());
        // OpenSSL's command line exports without a context (RFC 5705 §4: no context_value in the seed).
        assertEquals(theirs.toLowerCase(Locale.ROOT),
                Hex.encode(master.export(LABEL, null, clientRandom, serverRandom, 32)));
        block.destroy();
        master.destroy();
    }

    private static byte[] open(AeadAlgorithm aead, byte[] key, byte[] iv, byte[] record) throws Exception {
        ReadProtection read = ReadProtection.installTls12(new HandshakeJoiner().aligned(), JCA.aead(aead, key), iv);
        ByteBuf buf = Unpooled.wrappedBuffer(record.clone());
        try {
            assertEquals(ContentType.HANDSHAKE, read.open(buf));
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
            read.destroy();
        }
    }

    private static byte[] plaintextUntilCcs(List<byte[]> records, ByteArrayOutputStream handshake) {
        for (int i = 0; i < records.size(); i++) {
            byte[] r = records.get(i);
            if (r[0] == 20) {
                return records.get(i + 1);
            }
            assertEquals(22, r[0], "only handshake records before the CCS");
            handshake.write(r, 5, r.length - 5);
        }
        throw new AssertionError("no ChangeCipherSpec");
    }

    private static List<byte[]> records(byte[] stream) {
        List<byte[]> out = new ArrayList<>();
        int i = 0;
        while (i + 5 <= stream.length) {
            int length = ((stream[i + 3] & 0xFF) << 8) | (stream[i + 4] & 0xFF);
            out.add(Arrays.copyOfRange(stream, i, i + 5 + length));
            i += 5 + length;
        }
        return out;
    }

    private static List<byte[]> messages(byte[] handshake) {
        List<byte[]> out = new ArrayList<>();
        int i = 0;
        while (i + 4 <= handshake.length) {
            int length = ((handshake[i + 1] & 0xFF) << 16) | ((handshake[i + 2] & 0xFF) << 8)
                    | (handshake[i + 3] & 0xFF);
            out.add(Arrays.copyOfRange(handshake, i, i + 4 + length));
            i += 4 + length;
        }
        return out;
    }

    private static List<Integer> types(List<byte[]> messages) {
        return messages.stream().map(m -> m[0] & 0xFF).toList();
    }

    private java.io.File emptyFile() throws IOException {
        Path empty = dir.resolve("empty");
        Files.write(empty, new byte[0]);
        return empty.toFile();
    }

    /** One accepted connection relayed to the server, both directions recorded until both ends close. */
    private static final class Relay {
        final ByteArrayOutputStream fromClient = new ByteArrayOutputStream();
        final ByteArrayOutputStream fromServer = new ByteArrayOutputStream();
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Relay(ServerSocket relay, int serverPort) {
            Thread t = new Thread(() -> {
                try (Socket a = relay.accept(); Socket b = new Socket(InetAddress.getLoopbackAddress(), serverPort)) {
                    CountDownLatch both = new CountDownLatch(2);
                    pump(a, b, fromClient, both);
                    pump(b, a, fromServer, both);
                    both.await(30, TimeUnit.SECONDS);
                    done.complete(null);
                } catch (IOException | InterruptedException e) {
                    done.completeExceptionally(e);
                }
            }, "tls12-relay");
            t.setDaemon(true);
            t.start();
        }

        private static void pump(Socket from, Socket to, ByteArrayOutputStream record, CountDownLatch both) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[4096];
                try (InputStream in = from.getInputStream()) {
                    OutputStream out = to.getOutputStream();
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        synchronized (record) {
                            record.write(buf, 0, n);
                        }
                        out.write(buf, 0, n);
                    }
                    to.shutdownOutput();
                } catch (IOException e) {
                    // The other side closed first; what was recorded is what went over.
                } finally {
                    both.countDown();
                }
            }, "tls12-pump");
            t.setDaemon(true);
            t.start();
        }
    }

    /** The lines a process prints, collected by a reader thread. */
    private static final class Lines {
        private final List<String> lines = new ArrayList<>();

        Lines(InputStream in) {
            Thread t = new Thread(() -> {
                try (var reader = new java.io.BufferedReader(
                        new java.io.InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String l;
                    while ((l = reader.readLine()) != null) {
                        synchronized (this) {
                            lines.add(l);
                            notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // Process ended.
                }
            }, "openssl-output");
            t.setDaemon(true);
            t.start();
        }

        synchronized boolean await(String prefix) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (find(prefix) == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }

        synchronized String find(String prefix) {
            return lines.stream().filter(l -> l.trim().startsWith(prefix)).findFirst().orElse(null);
        }

        @Override
        public synchronized String toString() {
            return String.join("\n", lines);
        }
    }
}
