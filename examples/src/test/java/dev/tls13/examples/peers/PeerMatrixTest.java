package dev.tls13.examples.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tls13.Tls13Context;
import dev.tls13.Tls13ContextBuilder;
import dev.tls13.connection.SessionInfo;
import dev.tls13.examples.ExamplesServerForPeers;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.KeyType;
import io.netty.handler.ssl.ClientAuth;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The interop matrix with external peers run as processes on loopback: OpenSSL 3.0 ({@code s_server},
 * {@code s_client}) and GnuTLS ({@code gnutls-serv}, {@code gnutls-cli}), each in both roles against our
 * codec. Every case checks the peer's own report (its output) and our {@link SessionInfo}. Writes the
 * matrix as Markdown to {@code target/interop.md} and prints one summary line per peer and one overall.
 *
 * <p>The whole matrix runs twice: with our default crypto, then in the JCA-only mode
 * ({@code -Ddev.tls13.crypto=jca}, every primitive from the installed JCA providers; {@code target/interop-jca.md},
 * {@code interop (JCA): ...}). The second pass is the full matrix, not a subset: it adds about as long as the
 * first (6-20 s on this shared 2-core machine, well under the 90 s that would call for a subset), and the full one
 * covers every suite, group and signature type in both roles. Every row checks which provider our end of
 * its connection ran on ({@link #checkOurCrypto}), so a row that silently ran on the other one fails.
 */
class PeerMatrixTest {

    static final String ALL_SUITES = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"
            + ":TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256";
    static final List<String> SUITES = List.of(ALL_SUITES.split(":"));
    static final List<String> GROUPS = List.of("x25519", "secp256r1", "secp384r1", "secp521r1", "x448");
    static final String T13 = "NORMAL:-VERS-ALL:+VERS-TLS1.3";
    static final int MIB = 1 << 20;

    @TempDir
    static Path dir;
    static final Map<KeyType, String[]> SERVER_FILES = new EnumMap<>(KeyType.class);
    static final Map<KeyType, TestPki.Issued> SERVER_CERTS = new EnumMap<>(KeyType.class);
    static TestPki.Issued clientCert;
    static TestPki.Issued clientCa;
    static String clientCaFile;
    static String ca;
    static String clientCrt;
    static String clientKey;
    static File big;
    static ExamplesServerForPeers examplesServer;

    @BeforeAll
    static void writePki() throws IOException {
        StringBuilder bundle = new StringBuilder();
        for (KeyType type : KeyType.values()) {
            TestPki.Issued leaf = TestPki.leaf(type).dns("localhost").commonName("localhost").selfSigned().build();
            String name = type.name().toLowerCase(Locale.ROOT);
            Path crt = dir.resolve(name + ".crt");
            Path key = dir.resolve(name + ".key");
            Files.writeString(crt, TestPki.pem(List.of(leaf.certificate())));
            Files.writeString(key, keyPem(type, leaf));
            SERVER_FILES.put(type, new String[] {crt.toString(), key.toString()});
            SERVER_CERTS.put(type, leaf);
            bundle.append(TestPki.pem(List.of(leaf.certificate())));
        }
        ca = dir.resolve("servers-ca.pem").toString();
        Files.writeString(Path.of(ca), bundle);
        // GnuTLS accepts only CA certificates as trust anchors: the client certificate has an issuing CA.
        clientCa = TestPki.ca(KeyType.EC_P256);
        clientCert = TestPki.leaf(TestPki.otherKeyPair(KeyType.EC_P256)).commonName("client").issuer(clientCa).build();
        clientCrt = dir.resolve("client.crt").toString();
        clientKey = dir.resolve("client.key").toString();
        clientCaFile = dir.resolve("client-ca.crt").toString();
        Files.writeString(Path.of(clientCrt), TestPki.pem(List.of(clientCert.certificate())));
        Files.writeString(Path.of(clientKey), keyPem(KeyType.EC_P256, clientCert));
        Files.writeString(Path.of(clientCaFile), TestPki.pem(List.of(clientCa.certificate())));
        // 1 MiB of digit lines: no byte an interactive peer could take for a command letter.
        byte[] data = new byte[MIB];
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < data.length; i++) {
            data[i] = (i % 64 == 63) ? (byte) '\n' : (byte) ('0' + random.nextInt(10));
        }
        big = dir.resolve("big.bin").toFile();
        Files.write(big.toPath(), data);
    }

    /** EC keys as "EC PRIVATE KEY" (with the curve): GnuTLS 3.7 does not read the JDK's PKCS#8 EC encoding. */
    private static String keyPem(KeyType type, TestPki.Issued issued) throws IOException {
        if (!type.name().startsWith("EC_")) {
            return TestPki.pkcs8Pem(issued.privateKey());
        }
        // RFC 5915 ECPrivateKey with its optional publicKey: GnuTLS 3.7 refuses EC keys without it,
        // and the JDK's PKCS#8 encoding leaves it out.
        java.security.interfaces.ECPrivateKey key = (java.security.interfaces.ECPrivateKey) issued.privateKey();
        org.bouncycastle.asn1.x509.SubjectPublicKeyInfo spki = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo
                .getInstance(issued.certificate().getPublicKey().getEncoded());
        org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(
                key.getParams().getOrder().bitLength(), key.getS(), spki.getPublicKeyData(), null);
        byte[] der = new org.bouncycastle.asn1.pkcs.PrivateKeyInfo(spki.getAlgorithm(), sec1).getEncoded("DER");
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END PRIVATE KEY-----\n";
    }

    @AfterAll
    static void stopLoops() {
        OurEnds.GROUP.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** One combination: its matrix coordinates and the body that checks it (returns a detail). */
    record Case(String peer, String role, String what, String value, Body body) {
    }

    interface Body {
        String run() throws Exception;
    }

    record Result(Case c, String outcome, String detail) {
    }

    /** Our crypto in one pass of the matrix: the provider our ends run on, by its class name. */
    enum Crypto {
        DEFAULT("default", "JcaCryptoProvider", "interop"),
        JCA("jca", "JcaOnlyCryptoProvider", "interop (JCA)");

        final String property;
        final String provider;
        final String label;

        Crypto(String property, String provider, String label) {
            this.property = property;
            this.provider = provider;
            this.label = label;
        }
    }

    /** The pass running; every builder of the pass reads {@code dev.tls13.crypto}, set to match. */
    static volatile Crypto crypto = Crypto.DEFAULT;
    /** Whether the current row (on this pool thread) checked which provider our end ran on. */
    private static final ThreadLocal<Boolean> CRYPTO_CHECKED = ThreadLocal.withInitial(() -> false);

    @ParameterizedTest(name = "our crypto: {0}")
    @EnumSource(Crypto.class)
    void everyPeerInteroperatesWithOurClientAndServerInEveryCombination(Crypto mode) throws Exception {
        crypto = mode;
        // The property is what -Ddev.tls13.crypto=jca sets for a whole application: every builder of this pass
        // (our servers and clients, the examples server, the namespace batch's JVM) reads it when created.
        System.setProperty(Tls13ContextBuilder.CRYPTO_PROPERTY, mode.property);
        Provider ccm = mode == Crypto.JCA ? OurEnds.installCcmProvider() : null;
        try {
            runMatrix();
        } finally {
            System.clearProperty(Tls13ContextBuilder.CRYPTO_PROPERTY);
            if (ccm != null) {
                Security.removeProvider(ccm.getName());
            }
        }
    }

    private void runMatrix() throws Exception {
        BATCH.clear();
        batchResults = null;
        List<Case> cases = new ArrayList<>();
        Map<String, String> unavailable = new TreeMap<>();
        boolean openssl = available("openssl", unavailable);
        boolean gnutlsCli = available("gnutls-cli", unavailable);
        boolean gnutlsServ = available("gnutls-serv", unavailable) && namespaces(unavailable);
        if (openssl) {
            opensslServerCases(cases);
            opensslClientCases(cases);
        }
        if (gnutlsCli) {
            gnutlsClientCases(cases);
        }
        Path examplesCert = dir.resolve("examples-server.pem");
        examplesServer = ExamplesServerForPeers.start(examplesCert, SUITES);
        if (available("curl", unavailable)) {
            curlCases(cases, examplesCert);
            curlDefaultCase(cases, examplesCert);
        }
        jdkCases(cases);
        // Last: their bodies wait for the namespace batch, which runs meanwhile in its own process.
        if (gnutlsServ) {
            gnutlsServerCases(cases);
        }
        // -Dpeers.only=TEXT runs the cases whose coordinates contain TEXT (for investigating one case).
        String only = System.getProperty("peers.only");
        if (only != null && !only.isEmpty()) {
            cases.removeIf(c -> !(c.peer() + " " + c.role() + " " + c.what() + " " + c.value()).contains(only));
        }
        long start = System.nanoTime();
        if (!BATCH.isEmpty()) {
            batchResults = startBatch();
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<Result>> futures = new ArrayList<>();
        for (Case c : cases) {
            futures.add(pool.submit(() -> run(c)));
        }
        List<Result> results = new ArrayList<>();
        try {
            for (Future<Result> f : futures) {
                results.add(f.get(5, TimeUnit.MINUTES));
            }
        } finally {
            pool.shutdownNow();
            examplesServer.close();
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        String markdown = report(results, unavailable, seconds);
        Path target = Path.of("target");
        Files.createDirectories(target);
        String file = crypto == Crypto.DEFAULT ? "interop.md" : "interop-jca.md";
        Files.writeString(target.resolve(file), markdown);
        List<String> failures = new ArrayList<>();
        for (Result r : results) {
            if (!r.outcome().equals("pass")) {
                failures.add(r.c().peer() + " " + r.c().role() + " " + r.c().what() + " " + r.c().value()
                        + ": " + r.detail());
            }
        }
        assertEquals(List.of(), failures, "failed combinations (matrix in target/" + file + ")");
        // Outside CI a missing peer is reported as a skip (in CI, available(...) already failed the test).
        Assumptions.assumeTrue(unavailable.isEmpty(), "peers not run: " + unavailable);
    }

    private static Result run(Case c) {
        long start = System.nanoTime();
        String outcome;
        String detail;
        CRYPTO_CHECKED.set(false);
        try {
            detail = c.body().run();
            if (!CRYPTO_CHECKED.get()) {
                throw new AssertionError("the row never checked which crypto provider our end ran on");
            }
            outcome = "pass";
        } catch (Throwable e) {
            detail = String.valueOf(e.getMessage()).replace('\n', ' ');
            outcome = "FAIL";
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println(outcome + " " + ms + " ms: " + c.peer() + " " + c.role() + " " + c.what() + " " + c.value()
                + (outcome.equals("pass") ? "" : " -> " + detail));
        return new Result(c, outcome, detail);
    }

    private static String report(List<Result> results, Map<String, String> unavailable, long seconds) {
        Map<String, int[]> perPeer = new TreeMap<>();
        int passed = 0;
        int failed = 0;
        for (Result r : results) {
            int[] counts = perPeer.computeIfAbsent(r.c().peer(), k -> new int[2]);
            if (r.outcome().equals("pass")) {
                counts[0]++;
                passed++;
            } else {
                counts[1]++;
                failed++;
            }
        }
        StringBuilder md = new StringBuilder();
        md.append("# Interop matrix with external TLS 1.3 peers (our crypto: ").append(crypto.provider)
                .append(crypto == Crypto.JCA ? ", -Ddev.tls13.crypto=jca" : "").append(")\n\n")
                .append("Generated by `PeerMatrixTest` (examples/src/test/java/dev/tls13/examples/peers) from a real ")
                .append("run: every row started the peer as a process on 127.0.0.1 (gnutls-serv inside a private ")
                .append("network namespace with only loopback), checked the peer's own output and our `session()`. ")
                .append("Run: `mvn -B -o -pl examples -am verify -Dtest=PeerMatrixTest ")
                .append("-Dsurefire.failIfNoSpecifiedTests=false`; ")
                .append("the file is written to `examples/target/interop.md`.\n\n");
        md.append("Peers: ").append(version("openssl", "version")).append("; ")
                .append(version("gnutls-cli", "--version")).append(".\n\n");
        for (Map.Entry<String, int[]> e : perPeer.entrySet()) {
            String line = crypto.label + " " + e.getKey() + ": " + e.getValue()[0] + " combinations passed, "
                    + e.getValue()[1] + " failed";
            System.out.println(line);
            md.append("- `").append(line).append("`\n");
        }
        String overall = crypto.label + ": " + passed + " combinations passed, " + failed + " failed";
        System.out.println(overall + " (" + seconds + " s)");
        md.append("- `").append(overall).append("`\n\n");
        for (Map.Entry<String, String> e : unavailable.entrySet()) {
            md.append("- not run: ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
        md.append("\n| peer | role | feature | value | result | evidence |\n|---|---|---|---|---|---|\n");
        for (Result r : results) {
            md.append("| ").append(r.c().peer()).append(" | ").append(r.c().role()).append(" | ")
                    .append(r.c().what()).append(" | ").append(r.c().value()).append(" | ").append(r.outcome())
                    .append(" | ").append(r.detail().replace("|", "\\|")).append(" |\n");
        }
        md.append(LIMITS);
        return md.toString();
    }

    static final String LIMITS = "\n## What a peer cannot do (its own reason)\n\n"
            + "- gnutls-serv: no command to send KeyUpdate or a post-handshake CertificateRequest "
            + "(its manual lists no such option; `--inline-commands` exists only in gnutls-cli), so \"KeyUpdate "
            + "initiated by the peer\" is covered by gnutls-cli against our server only. gnutls-serv also "
            + "has no listen-address option (it binds 0.0.0.0 and ::), hence the private network namespace.\n"
            + "- gnutls-serv `--echo` never closes on its own, so close_notify from gnutls-serv is checked "
            + "with `--http` (it sends the page, then close_notify).\n"
            + "- OpenSSL 3.0 s_server's interactive `Q` command closes the socket without a complete "
            + "close_notify (OpenSSL's own s_client then reports `unexpected eof while reading`), so "
            + "close_notify from s_server is checked with `-www`, which sends it after the page.\n"
            + "- JDK HttpsURLConnection / HttpClient send no server_name for a host name without a dot such as "
            + "`localhost` (the JDK's own rule for SNI host names), so the examples server sees no SNI from them.\n"
            + "- gnutls-cli 3.7.9 `--inline-commands`: `^rekey^` sends KeyUpdate(update_requested) and `^rekey1^` "
            + "KeyUpdate(update_not_requested), as its `-d 4` trace shows (`sending key update (1)` / `(0)`); "
            + "the rows record which one was sent and that we answered exactly the requested one.\n"
            + "- OpenSSL 3.0 s_server prints `KEYUPDATE` only on s_client's side; for s_server the KeyUpdate it "
            + "sends is read from its `-msg` trace (`>>> ... KeyUpdate`).\n"
            + "- OpenSSL 3.0 s_server/s_client: CCM suites are off unless both sides list them in "
            + "`-ciphersuites` (done here); `-ign_eof`/`-quiet` disable the k/K command letters, so the "
            + "KeyUpdate cases run them in the default interactive mode.\n"
            + "- OpenSSL 3.0, GnuTLS 3.7, curl (on OpenSSL 3.0) and JDK 17 have no hybrid post-quantum group: they "
            + "skip our X25519MLKEM768 share and take the x25519 one (the `defaults` rows: no HelloRetryRequest), "
            + "and our server, which prefers a hybrid, takes their x25519 share. The hybrids are checked against "
            + "BoringSSL by the codec's `InteropMatrixTest` (X25519MLKEM768; BoringSSL has neither "
            + "SecP256r1MLKEM768 nor SecP384r1MLKEM1024).\n";

    private static String version(String binary, String flag) {
        try (Proc p = Proc.start(List.of(binary, flag), new File("."))) {
            p.awaitExit(10);
            return p.output().lines().findFirst().orElse(binary).trim();
        } catch (Exception e) {
            return binary + " (version unknown: " + e + ")";
        }
    }

    // ---- availability

    private static boolean available(String binary, Map<String, String> unavailable) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                if (new File(d, binary).canExecute()) {
                    return true;
                }
            }
        }
        String message = binary + " is not installed (not found on PATH)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message + "; CI=true, so this is a failure, not a skip");
        }
        System.out.println("SKIPPED: " + message + " (set CI=true to make this a failure)");
        unavailable.put(binary, message + " - skipped");
        return false;
    }

    private static boolean namespaces(Map<String, String> unavailable) throws Exception {
        String why;
        try (Proc p = Proc.start(List.of("unshare", "-n", "true"), new File("."))) {
            if (p.awaitExit(10) && p.output().isEmpty()) {
                return true;
            }
            why = "`unshare -n true` failed: " + p.output().trim();
        } catch (IOException e) {
            why = "unshare cannot run: " + e;
        }
        String message = "gnutls-serv binds every interface, so it only runs in a private network namespace; " + why;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message + "; CI=true, so this is a failure");
        }
        System.out.println("SKIPPED gnutls-serv cases: " + message);
        unavailable.put("gnutls-serv", message + " - skipped");
        return false;
    }

    // ---- helpers

    static void check(boolean condition, String what, Map<String, String> out) {
        if (!condition) {
            throw new AssertionError(what + " | ours: " + ours(out) + " | peer said: " + tail(out.get("peerOutput")));
        }
    }

    static void check(boolean condition, String what, String peerOutput) {
        if (!condition) {
            throw new AssertionError(what + " | peer said: " + tail(peerOutput));
        }
    }

    /**
     * Checks that our end of this row's connection ran on the pass's crypto provider, and records that the row
     * checked it.
     *
     * @param provider the class name of the provider our end's context ran on
     * @param where what reported it, for the failure message
     */
    static void checkOurCrypto(String provider, String where) {
        if (!crypto.provider.equals(provider)) {
            throw new AssertionError("our end ran on " + provider + ", expected " + crypto.provider + " (" + where
                    + ")");
        }
        CRYPTO_CHECKED.set(true);
    }

    private static String ours(Map<String, String> out) {
        Map<String, String> copy = new LinkedHashMap<>(out);
        copy.remove("peerOutput");
        copy.computeIfPresent("received", (k, v) -> v.length() > 200 ? v.substring(0, 200) + "..." : v);
        return copy.toString();
    }

    private static String tail(String s) {
        if (s == null) {
            return "(none)";
        }
        return s.length() > 1500 ? "..." + s.substring(s.length() - 1500) : s;
    }

    static String match(String text, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text == null ? "" : text);
        return m.find() ? m.group(1) : null;
    }

    static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    static Map<String, String> opts(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("trust", ca);
        m.put("dir", dir.toString());
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static List<String> cat(List<String> a, String... b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(Arrays.asList(b));
        return all;
    }

    static String[] files(KeyType t) {
        return SERVER_FILES.get(t);
    }

    static String opensslGroup(String g) {
        return switch (g) {
            case "x25519" -> "X25519";
            case "secp256r1" -> "P-256";
            case "secp384r1" -> "P-384";
            case "secp521r1" -> "P-521";
            default -> "X448";
        };
    }

    static String opensslTempKey(String g) {
        return switch (g) {
            case "x25519" -> "X25519";
            case "secp256r1" -> "ECDH, prime256v1";
            case "secp384r1" -> "ECDH, secp384r1";
            case "secp521r1" -> "ECDH, secp521r1";
            default -> "X448";
        };
    }

    static String gnutlsCipher(String suite) {
        return switch (suite) {
            case "TLS_AES_128_GCM_SHA256" -> "AES-128-GCM";
            case "TLS_AES_256_GCM_SHA384" -> "AES-256-GCM";
            case "TLS_CHACHA20_POLY1305_SHA256" -> "CHACHA20-POLY1305";
            case "TLS_AES_128_CCM_SHA256" -> "AES-128-CCM";
            default -> "AES-128-CCM-8";
        };
    }

    static String gnutlsGroup(String g) {
        return g.toUpperCase(Locale.ROOT);
    }

    static final Map<KeyType, String> SCHEME = new EnumMap<>(Map.of(
            KeyType.RSA_2048, "rsa_pss_rsae_sha256", KeyType.RSASSA_PSS_2048, "rsa_pss_pss_sha256",
            KeyType.EC_P256, "ecdsa_secp256r1_sha256", KeyType.EC_P384, "ecdsa_secp384r1_sha384",
            KeyType.EC_P521, "ecdsa_secp521r1_sha512", KeyType.ED25519, "ed25519", KeyType.ED448, "ed448"));

    static final Map<KeyType, String> GNUTLS_SIG = new EnumMap<>(Map.of(
            KeyType.RSA_2048, "RSA-PSS-RSAE-SHA256", KeyType.RSASSA_PSS_2048, "RSA-PSS-SHA256",
            KeyType.EC_P256, "ECDSA-SECP256R1-SHA256", KeyType.EC_P384, "ECDSA-SECP384R1-SHA384",
            KeyType.EC_P521, "ECDSA-SECP521R1-SHA512", KeyType.ED25519, "EdDSA-Ed25519", KeyType.ED448, "EdDSA-Ed448"));

    static final Map<KeyType, String> OPENSSL_SIG = new EnumMap<>(Map.of(
            KeyType.RSA_2048, "RSA-PSS", KeyType.RSASSA_PSS_2048, "RSA-PSS",
            KeyType.EC_P256, "ECDSA", KeyType.EC_P384, "ECDSA",
            KeyType.EC_P521, "ECDSA", KeyType.ED25519, "ed25519", KeyType.ED448, "ed448"));

    /** Our server's context: the certificate of {@code type}, every suite and group unless restricted. */
    static Tls13ContextBuilder ourServer(KeyType type) {
        TestPki.Issued leaf = SERVER_CERTS.get(type);
        return Tls13Context.forServer(leaf.privateKey(), leaf.certificate()).cipherSuites(SUITES)
                .namedGroups(GROUPS.toArray(new String[0]));
    }

    /** Our server as shipped: only the certificate of {@code type} is set (groups: the hybrids first). */
    static Tls13Context ourDefaultServer(KeyType type) {
        TestPki.Issued leaf = SERVER_CERTS.get(type);
        return Tls13Context.forServer(leaf.privateKey(), leaf.certificate()).build();
    }

    // ---- OpenSSL s_server, our client

    static List<String> sServer(KeyType type, String... extra) {
        String[] f = files(type);
        return cat(List.of("stdbuf", "-oL", "openssl", "s_server", "-accept", "127.0.0.1:PORT", "-tls1_3",
                "-ciphersuites", ALL_SUITES,
                "-groups", "X25519:P-256:P-384:P-521:X448", "-cert", f[0], "-key", f[1]), extra);
    }

    static Map<String, String> openssl(Map<String, String> o, List<String> command) throws Exception {
        // -groups may appear twice: the later one wins in OpenSSL's option parsing.
        return OurEnds.againstPeerServer(o, command, dir.toFile(), "ACCEPT");
    }

    static String ok(Map<String, String> out) {
        check(!out.containsKey("error"), "our side failed: " + out.get("error"), out);
        checkOurCrypto(out.get("crypto"), "our client's context");
        return "suite " + out.get("suite") + ", group " + out.get("group") + ", peer sig " + out.get("peerSig");
    }

    private void opensslServerCases(List<Case> cases) {
        String peer = "OpenSSL 3.0";
        String role = "s_server → our client";
        for (String suite : SUITES) {
            cases.add(new Case(peer, role, "cipher suite", suite, () -> {
                Map<String, String> out = openssl(opts("mode", "www", "suites", suite),
                        sServer(KeyType.RSA_2048, "-www"));
                String detail = ok(out);
                check(suite.equals(out.get("suite")), "our session suite", out);
                check(out.get("received").contains("New, TLSv1.3, Cipher is " + suite),
                        "s_server page names the suite", out);
                return detail + "; s_server: Cipher is " + suite;
            }));
        }
        for (String group : GROUPS) {
            cases.add(new Case(peer, role, "group", group, () -> {
                Map<String, String> out = openssl(opts("mode", "www", "groups", group),
                        sServer(KeyType.RSA_2048, "-www", "-groups", opensslGroup(group)));
                String detail = ok(out);
                check(group.equals(out.get("group")), "our session group", out);
                check(out.get("received").contains("Shared groups: " + group), "s_server page: Shared groups", out);
                return detail + "; s_server: Shared groups: " + group;
            }));
        }
        for (KeyType type : KeyType.values()) {
            cases.add(new Case(peer, role, "server certificate", type.name(), () -> {
                Map<String, String> out = openssl(opts("mode", "www"), sServer(type, "-www"));
                String detail = ok(out);
                check(SCHEME.get(type).equals(out.get("peerSig")), "peer CertificateVerify scheme " + SCHEME.get(type),
                        out);
                check(out.get("received").contains("New, TLSv1.3"), "s_server page", out);
                return detail;
            }));
        }
        cases.add(new Case(peer, role, "defaults", "s_server's groups, our client's (X25519MLKEM768 + x25519 shares)",
                () -> {
                    // s_server without -groups: its defaults. OpenSSL 3.0 knows no hybrid and ignores that share.
                    String[] f = files(KeyType.RSA_2048);
                    Map<String, String> out = openssl(opts("mode", "www"), List.of("stdbuf", "-oL", "openssl",
                            "s_server", "-accept", "127.0.0.1:PORT", "-tls1_3", "-cert", f[0], "-key", f[1], "-www"));
                    String detail = ok(out);
                    check("x25519".equals(out.get("group")) && "false".equals(out.get("hrr")), "x25519 without HRR",
                            out);
                    return detail + ", no HRR";
                }));
        cases.add(new Case(peer, role, "HelloRetryRequest", "forced by s_server (-groups P-384)", () -> {
            Map<String, String> out = openssl(opts("mode", "www", "groups", "x25519,secp384r1", "keyShares", "1"),
                    sServer(KeyType.RSA_2048, "-www", "-groups", "P-384"));
            String detail = ok(out);
            check("true".equals(out.get("hrr")) && "secp384r1".equals(out.get("group")), "HRR to secp384r1", out);
            return detail + ", HRR";
        }));
        cases.add(new Case(peer, role, "ALPN", "h2", () -> {
            Map<String, String> out = openssl(opts("mode", "interactive", "alpn", "h2"),
                    sServer(KeyType.RSA_2048, "-msg", "-alpn", "h2,http/1.1"));
            String detail = ok(out);
            check("h2".equals(out.get("alpn")), "ALPN h2 negotiated", out);
            check(out.get("peerOutput").contains("ALPN protocols advertised by the client: h2"), "s_server saw ALPN",
                    out);
            return detail + ", ALPN h2";
        }));
        cases.add(new Case(peer, role, "SNI", "localhost selects cert2 (ECDSA P-256)", () -> {
            String[] ec = files(KeyType.EC_P256);
            Map<String, String> out = openssl(opts("mode", "www"), sServer(KeyType.RSA_2048, "-www",
                    "-servername", "localhost", "-servername_fatal", "-cert2", ec[0], "-key2", ec[1]));
            String detail = ok(out);
            check("ecdsa_secp256r1_sha256".equals(out.get("peerSig")), "SNI-selected ECDSA certificate", out);
            return detail;
        }));
        cases.add(new Case(peer, role, "mutual TLS", "s_server -Verify 1, our client certificate", () -> {
            Map<String, String> out = openssl(opts("mode", "www", "cert", clientCrt, "key", clientKey,
                    "peerExpect", "CN = client"),
                    sServer(KeyType.RSA_2048, "-www", "-Verify", "1", "-CAfile", clientCaFile, "-verify_return_error"));
            String detail = ok(out);
            check("1".equals(out.get("localCerts")) && "ecdsa_secp256r1_sha256".equals(out.get("localSig")),
                    "we sent our certificate and CertificateVerify", out);
            check(out.get("peerOutput").contains("CN = client") && out.get("received").contains("New, TLSv1.3"),
                    "s_server verified our certificate", out);
            return detail + ", client cert verified by s_server";
        }));
        for (String letter : List.of("k", "K")) {
            cases.add(new Case(peer, role, "KeyUpdate by peer", "s_server '" + letter + "'", () -> {
                Map<String, String> out = openssl(opts("mode", "interactive", "peerKeyUpdate", letter),
                        sServer(KeyType.RSA_2048, "-msg"));
                String detail = ok(out);
                check(out.get("steps").contains("peer sent KeyUpdate=true"), "s_server sent KeyUpdate", out);
                check(out.get("steps").contains("we got pong=true") && out.get("steps").contains("peer got ping=true"),
                        "data both ways after the peer's KeyUpdate", out);
                int ours = count(out.get("peerOutput"), "^<<< TLS 1.3, Handshake \\[length 0005\\], KeyUpdate");
                check(letter.equals("K") ? ours == 1 : ours == 0,
                        "our answering KeyUpdate only when requested (saw " + ours + ")", out);
                return detail + ", data both ways after it; our KeyUpdate answers: " + ours;
            }));
        }
        cases.add(new Case(peer, role, "KeyUpdate by us", "updateKeys(true)", () -> {
            Map<String, String> out = openssl(opts("mode", "interactive", "ourKeyUpdate", "true"),
                    sServer(KeyType.RSA_2048, "-msg"));
            String detail = ok(out);
            String log = out.get("peerOutput");
            check(count(log, "^<<< TLS 1.3, Handshake \\[length 0005\\], KeyUpdate") == 1,
                    "s_server got our KeyUpdate", out);
            check(count(log, "^>>> TLS 1.3, Handshake \\[length 0005\\], KeyUpdate") == 1, "s_server answered it", out);
            check(out.get("steps").contains("we got pong=true") && out.get("steps").contains("peer got ping=true"),
                    "data both ways after the update", out);
            return detail + ", s_server received and answered our KeyUpdate";
        }));
        cases.add(new Case(peer, role, "NewSessionTicket", "2 tickets (s_server default)", () -> {
            Map<String, String> out = openssl(opts("mode", "interactive"), sServer(KeyType.RSA_2048, "-msg"));
            String detail = ok(out);
            int tickets = count(out.get("peerOutput"),
                    "^>>> TLS 1.3, Handshake \\[length [0-9a-f]{4}\\], NewSessionTicket");
            check(tickets == 2, "s_server sent 2 tickets (saw " + tickets + ")", out);
            check(out.get("steps").contains("we got pong=true"), "connection usable after the tickets", out);
            return detail + ", " + tickets + " tickets accepted";
        }));
        // Not the interactive 'Q' command: s_server 3.0 then closes the socket without a complete
        // close_notify (its own s_client reports "unexpected eof while reading"); -www ends with one.
        cases.add(new Case(peer, role, "close_notify", "from s_server (-www, after the page)", () -> {
            Map<String, String> out = openssl(opts("mode", "www"), sServer(KeyType.RSA_2048, "-www"));
            String detail = ok(out);
            check("true".equals(out.get("closeNotifyReceived")), "we received close_notify", out);
            return detail + ", close_notify received";
        }));
        cases.add(new Case(peer, role, "close_notify", "from us", () -> {
            Map<String, String> out = openssl(opts("mode", "interactive", "close", "us",
                    "peerExpect", "close_notify"), sServer(KeyType.RSA_2048, "-msg"));
            String detail = ok(out);
            check(count(out.get("peerOutput"), "^<<< TLS 1.3, Alert \\[length 0002\\], warning close_notify") == 1,
                    "s_server received our close_notify", out);
            return detail + ", s_server got close_notify";
        }));
        cases.add(new Case(peer, role, "resumption", "psk_dhe_ke (second connection offers a ticket)", () -> {
            Map<String, String> out = openssl(opts("mode", "www", "resume", "true"), sServer(KeyType.RSA_2048, "-www"));
            String detail = ok(out);
            check("false".equals(out.get("firstResumed")) && "2".equals(out.get("cachedTickets")),
                    "2 tickets from the first connection", out);
            check("true".equals(out.get("resumed")) && !"null".equals(out.get("group")), "resumed with (EC)DHE", out);
            check(out.get("received").contains("Reused, TLSv1.3"), "s_server page says Reused", out);
            return detail + ", resumed; s_server: Reused, TLSv1.3";
        }));
        cases.add(new Case(peer, role, "resumption", "psk_ke (-allow_no_dhe_kex, we offer psk_ke only)", () -> {
            Map<String, String> out = openssl(opts("mode", "www", "resume", "true", "pskModes", "psk_ke"),
                    sServer(KeyType.RSA_2048, "-www", "-allow_no_dhe_kex"));
            String detail = ok(out);
            check("true".equals(out.get("resumed")) && "null".equals(out.get("group")), "resumed without (EC)DHE",
                    out);
            check(out.get("received").contains("Reused, TLSv1.3"), "s_server page says Reused", out);
            return detail + ", resumed with psk_ke; s_server: Reused, TLSv1.3";
        }));
        cases.add(new Case(peer, role, "1 MiB transfer", "s_server -WWW serves big.bin", () -> {
            Map<String, String> out = openssl(opts("mode", "www", "path", "big.bin"), sServer(KeyType.RSA_2048,
                    "-WWW"));
            String detail = ok(out);
            check(String.valueOf(MIB).equals(out.get("bodyLength")), "body length " + out.get("bodyLength"), out);
            check(OurEnds.sha256(Files.readAllBytes(big.toPath())).equals(out.get("bodySha256")), "body bytes equal",
                    out);
            return detail + ", 1048576 bytes equal";
        }));
    }

    // ---- OpenSSL s_client, our server

    record ClientRun(OurEnds.Collector conn, String output) {
    }

    interface Script {
        void run(Proc peer, OurEnds.Collector conn) throws Exception;
    }

    /** Starts our server, runs {@code command} (PORT replaced) against it, and lets {@code script} drive it. */
    static ClientRun theirClient(Tls13Context server, List<String> command, String ready, Script script)
            throws Exception {
        try (OurEnds.Server s = new OurEnds.Server(server)) {
            List<String> cmd = new ArrayList<>();
            for (String a : command) {
                cmd.add(a.replace("PORT", String.valueOf(s.port())));
            }
            try (Proc peer = Proc.start(cmd, dir.toFile())) {
                OurEnds.Collector conn = s.awaitConnection();
                check(conn.handler.handshakeFuture().isSuccess(), "our server's handshake: "
                        + conn.handler.handshakeFuture().cause(), peer.output());
                checkOurCrypto(conn.handler.context().cryptoProvider().getClass().getSimpleName(),
                        "our server's context");
                check(peer.await(ready, OurEnds.WAIT_SECONDS), "peer printed '" + ready + "'", peer.output());
                script.run(peer, conn);
                peer.closeStdin();
                peer.awaitExit(10);
                peer.close();
                return new ClientRun(conn, peer.output());
            }
        }
    }

    static void pingPong(Proc peer, OurEnds.Collector conn, String text) throws Exception {
        peer.write(text + "\n");
        check(conn.awaitText(text, OurEnds.WAIT_SECONDS), "our server received " + text, peer.output());
        check(peer.await(text, OurEnds.WAIT_SECONDS), "peer received the echo of " + text, peer.output());
    }

    static List<String> sClient(String... extra) {
        return cat(List.of("openssl", "s_client", "-connect", "127.0.0.1:PORT", "-tls1_3", "-CAfile", ca,
                "-verify_return_error", "-verify_hostname", "localhost", "-servername", "localhost", "-msg"), extra);
    }

    static String sClientSays(ClientRun r, String suite, String group) {
        SessionInfo s = r.conn().handler.session();
        check(s.cipherSuite().toString().equals(suite), "our session suite " + s.cipherSuite(), r.output());
        check(s.namedGroup().toString().equals(group), "our session group " + s.namedGroup(), r.output());
        check(r.output().contains("New, TLSv1.3, Cipher is " + suite), "s_client: Cipher is " + suite, r.output());
        check(r.output().contains("Server Temp Key: " + opensslTempKey(group)), "s_client: Server Temp Key",
                r.output());
        check(r.output().contains("Verify return code: 0 (ok)"), "s_client verified our certificate", r.output());
        return "s_client: Cipher is " + suite + ", Server Temp Key: " + opensslTempKey(group);
    }

    private void opensslClientCases(List<Case> cases) {
        String peer = "OpenSSL 3.0";
        String role = "s_client → our server";
        String ready = "Verify return code";
        Script ping = (p, c) -> pingPong(p, c, "ping-from-peer");
        for (String suite : SUITES) {
            cases.add(new Case(peer, role, "cipher suite", suite, () -> {
                ClientRun r = theirClient(ourServer(KeyType.RSA_2048).build(), sClient("-ciphersuites", suite), ready,
                        ping);
                return sClientSays(r, suite, "x25519");
            }));
        }
        for (String group : GROUPS) {
            cases.add(new Case(peer, role, "group", group, () -> {
                ClientRun r = theirClient(ourServer(KeyType.RSA_2048).build(), sClient("-groups", opensslGroup(group)),
                        ready, ping);
                return sClientSays(r, "TLS_AES_128_GCM_SHA256", group);
            }));
        }
        for (KeyType type : KeyType.values()) {
            cases.add(new Case(peer, role, "server certificate", type.name(), () -> {
                ClientRun r = theirClient(ourServer(type).build(), sClient(), ready, ping);
                String says = sClientSays(r, "TLS_AES_128_GCM_SHA256", "x25519");
                check(r.output().contains("Peer signature type: " + OPENSSL_SIG.get(type)),
                        "s_client: Peer signature type",
                        r.output());
                check(SCHEME.get(type).equals(String.valueOf(r.conn().handler.session().localSignatureScheme())),
                        "our CertificateVerify scheme", r.output());
                return says + ", Peer signature type: " + OPENSSL_SIG.get(type) + " (" + SCHEME.get(type) + ")";
            }));
        }
        cases.add(new Case(peer, role, "defaults", "s_client's groups, our server's (hybrids first)", () -> {
            ClientRun r = theirClient(ourDefaultServer(KeyType.RSA_2048), sClient(), ready, ping);
            String says = sClientSays(r, "TLS_AES_128_GCM_SHA256", "x25519");
            check(!r.conn().handler.session().helloRetryRequest(), "our session: no HRR", r.output());
            return says + ", no HRR";
        }));
        cases.add(new Case(peer, role, "HelloRetryRequest", "forced by our server (prefers secp384r1)", () -> {
            ClientRun r = theirClient(ourServer(KeyType.RSA_2048).namedGroups("secp384r1", "x25519").build(),
                    sClient("-groups", "X25519:P-384"), ready, ping);
            String says = sClientSays(r, "TLS_AES_128_GCM_SHA256", "secp384r1");
            check(r.conn().handler.session().helloRetryRequest(), "our session: HRR", r.output());
            check(count(r.output(), "^<<< TLS 1.3, Handshake \\[length [0-9a-f]{4}\\], ServerHello") == 2,
                    "s_client saw HRR + ServerHello", r.output());
            return says + ", HRR";
        }));
        cases.add(new Case(peer, role, "ALPN", "h2", () -> {
            ClientRun r = theirClient(ourServer(KeyType.RSA_2048).applicationProtocols("h2", "http/1.1").build(),
                    sClient("-alpn", "h2"), ready, ping);
            check("h2".equals(r.conn().handler.applicationProtocol()), "our session ALPN", r.output());
            check(r.output().contains("ALPN protocol: h2"), "s_client: ALPN protocol: h2", r.output());
            return "ALPN protocol: h2 (both sides)";
        }));
        cases.add(new Case(peer, role, "SNI", "localhost", () -> {
            ClientRun r = theirClient(ourServer(KeyType.RSA_2048).build(), sClient(), ready, ping);
            check("localhost".equals(r.conn().handler.session().serverName()), "our session SNI", r.output());
            return "our server saw SNI localhost";
        }));
        cases.add(new Case(peer, role, "mutual TLS", "our server REQUIRE, s_client -cert", () -> {
            ClientRun r = theirClient(ourServer(KeyType.RSA_2048).clientAuth(ClientAuth.REQUIRE)
                    .trustManager(clientCa.certificate()).build(),
                    sClient("-cert", clientCrt, "-key", clientKey), ready, ping);
            SessionInfo s = r.conn().handler.session();
            check(!s.peerCertificates().isEmpty() && s.peerCertificates().get(0).equals(clientCert.certificate()),
                    "our server verified the client certificate", r.output());
            check(r.output().contains(">>> TLS 1.3, Handshake [length") && r.output().contains("CertificateVerify"),
                    "s_client sent Certificate/CertificateVerify", r.output());
            return "client chain verified: " + s.peerCertificates().get(0).getSubjectX500Principal().getName()
                    + ", scheme " + s.peerSignatureScheme();
        }));
        for (String letter : List.of("k", "K")) {
            cases.add(new Case(peer, role, "KeyUpdate by peer", "s_client '" + letter + "'", () -> {
                ClientRun r = theirClient(ourServer(KeyType.RSA_2048).build(), sClient(), ready, (p, c) -> {
                    pingPong(p, c, "before-update");
                    p.write(letter + "\n");
                    check(p.await("KEYUPDATE", OurEnds.WAIT_SECONDS), "s_client sent KeyUpdate", p.output());
                    pingPong(p, c, "after-update");
                });
                int answers = count(r.output(), "^<<< TLS 1.3, Handshake \\[length 0005\\], KeyUpdate");
                check(letter.equals("K") ? answers == 1 : answers == 0,
                        "our KeyUpdate answer only when requested (saw " + answers + ")", r.output());
                return "data both ways after s_client's KeyUpdate; our answers: " + answers;
            }));
        }
        cases.add(new Case(peer, role, "KeyUpdate by us", "updateKeys(true)", () -> {
            ClientRun r = theirClient(ourServer(KeyType.RSA_2048).build(), sClient(), ready, (p, c) -> {
                pingPong(p, c, "update-keys");
                pingPong(p, c, "after-update");
            });
            check(count(r.output(), "^<<< TLS 1.3, Handshake \\[length 0005\\], KeyUpdate") == 1, "s_client got ours",
                    r.output());
            check(count(r.output(), "^>>> TLS 1.3, Handshake \\[length 0005\\], KeyUpdate") == 1, "s_client answered",
                    r.output());
            return "s_client received and answered our KeyUpdate; data both ways after it";
        }));
        cases.add(new Case(peer, role, "close_notify", "from s_client (stdin EOF)", () -> {
            OurEnds.Collector[] conn = new OurEnds.Collector[1];
            ClientRun r = theirClient(ourServer(KeyType.RSA_2048).build(), sClient(), ready, (p, c) -> {
                pingPong(p, c, "ping-from-peer");
                conn[0] = c;
                p.closeStdin();
                c.awaitInactive(OurEnds.WAIT_SECONDS);
            });
            check(conn[0].closeNotifyReceived(), "our server received close_notify", r.output());
            return "our server received close_notify";
        }));
        cases.add(new Case(peer, role, "close_notify", "from us", () -> {
            ClientRun r = theirClient(ourServer(KeyType.RSA_2048).build(), sClient(), ready, (p, c) -> {
                pingPong(p, c, "close-please");
                p.awaitExit(OurEnds.WAIT_SECONDS);
            });
            check(count(r.output(), "^<<< TLS 1.3, Alert \\[length 0002\\], warning close_notify") == 1,
                    "s_client received close_notify", r.output());
            return "s_client received our close_notify";
        }));
        cases.add(new Case(peer, role, "1 MiB transfer", "s_client stdin → our echo → s_client", () -> {
            byte[] data = Files.readAllBytes(big.toPath());
            String text = new String(data, StandardCharsets.ISO_8859_1);
            OurEnds.Collector[] conn = new OurEnds.Collector[1];
            List<String> quietClient = new ArrayList<>(sClient());
            quietClient.remove("-msg");
            ClientRun r = theirClient(ourServer(KeyType.RSA_2048).build(), quietClient, ready, (p, c) -> {
                conn[0] = c;
                Thread writer = new Thread(() -> {
                    try {
                        p.write(data);
                    } catch (IOException e) {
                        // The checks below report what arrived.
                    }
                });
                writer.start();
                check(c.awaitLength(MIB, OurEnds.WAIT_SECONDS), "our server received 1 MiB", p.output());
                check(p.await(text.substring(text.length() - 200), OurEnds.WAIT_SECONDS), "echo reached s_client",
                        p.output().length() > 3000 ? "(large)" : p.output());
                writer.join(10_000);
            });
            check(Arrays.equals(data, conn[0].received()), "our server received the exact bytes", "(large)");
            check(r.output().contains(text), "s_client printed the exact bytes", "(large)");
            return "1048576 bytes equal both ways";
        }));
    }

    // ---- GnuTLS gnutls-serv, our client (inside a private network namespace)

    /** The gnutls-serv cases, run as one batch in one JVM inside one private network namespace. */
    static final List<String> BATCH = new ArrayList<>();
    static java.util.concurrent.CompletableFuture<Map<String, Map<String, String>>> batchResults;

    /** Registers a gnutls-serv case for the batch; the returned body waits for the batch and checks it. */
    static Body gnutlsServ(Map<String, String> o, List<String> serverArgs, Check check) {
        String id = String.valueOf(BATCH.size());
        o.put("ready", "port PORT...done");
        o.putIfAbsent("peerExpect", "- Description:");
        StringBuilder line = new StringBuilder(id);
        for (Map.Entry<String, String> e : o.entrySet()) {
            line.append('\t').append(e.getKey()).append('=').append(e.getValue());
        }
        line.append("\t--");
        for (String a : serverArgs) {
            line.append('\t').append(a);
        }
        BATCH.add(line.toString());
        return () -> {
            Map<String, String> out = batchResults.get(5, TimeUnit.MINUTES).get(id);
            if (out == null) {
                throw new AssertionError("no result from the namespace batch for case " + id);
            }
            return check.check(out);
        };
    }

    interface Check {
        String check(Map<String, String> out) throws Exception;
    }

    /** Starts the batch: {@code unshare -n}, loopback up, then our client's JVM running every case. */
    static java.util.concurrent.CompletableFuture<Map<String, Map<String, String>>> startBatch() throws IOException {
        Path file = dir.resolve("gnutls-serv-batch.txt");
        Files.write(file, BATCH, StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>(List.of("unshare", "-n", "bash", "-c", "ip link set lo up && exec \"$@\"",
                "bash", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + Tls13ContextBuilder.CRYPTO_PROPERTY + "=" + crypto.property,
                "-cp", System.getProperty("java.class.path"), OurEnds.class.getName(), file.toString()));
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try (Proc p = Proc.start(cmd, dir.toFile())) {
                if (!p.awaitExit(240)) {
                    throw new AssertionError("the namespace batch did not finish: " + tail(p.output()));
                }
                Map<String, Map<String, String>> all = new TreeMap<>();
                for (String line : p.output().split("\n")) {
                    if (line.startsWith("R ")) {
                        String[] parts = line.split(" ", 4);
                        all.computeIfAbsent(parts[1], k -> new LinkedHashMap<>()).put(parts[2],
                                new String(Base64.getDecoder().decode(parts.length > 3 ? parts[3] : ""),
                                        StandardCharsets.UTF_8));
                    }
                }
                if (all.isEmpty()) {
                    throw new AssertionError("no result from the namespace batch: " + tail(p.output()));
                }
                return all;
            } catch (IOException | InterruptedException e) {
                throw new AssertionError("the namespace batch failed", e);
            }
        }, runnable -> new Thread(runnable, "gnutls-serv-batch").start());
    }

    static List<String> gServ(KeyType type, String priority, String... extra) {
        String[] f = files(type);
        // Line-buffered: the result line must be out before the process is stopped.
        return cat(List.of("stdbuf", "-oL", "gnutls-serv", "-p", "PORT", "--x509certfile", f[0], "--x509keyfile", f[1],
                "--priority", priority), extra);
    }

    static String description(String output) {
        return match(output, "^- Description: (\\(TLS1\\.3-X\\.509\\).*)$");
    }

    private void gnutlsServerCases(List<Case> cases) {
        String peer = "GnuTLS 3.7";
        String role = "gnutls-serv → our client";
        String all = T13 + ":+AES-128-CCM-8:+GROUP-ALL";
        for (String suite : SUITES) {
            cases.add(new Case(peer, role, "cipher suite", suite, gnutlsServ(opts("suites", suite),
                        gServ(KeyType.RSA_2048, T13 + ":-CIPHER-ALL:+" + gnutlsCipher(suite), "--echo",
                                "--disable-client-cert"), out -> {
                String detail = ok(out);
                String d = description(out.get("peerOutput"));
                check(suite.equals(out.get("suite")) && d != null && d.endsWith("-(" + gnutlsCipher(suite) + ")"),
                        "suite on both sides", out);
                check(out.get("steps").contains("echo complete=true"), "echo", out);
                return detail + "; gnutls-serv: " + d;
            })));
        }
        for (String group : GROUPS) {
            cases.add(new Case(peer, role, "group", group, gnutlsServ(opts("groups", group),
                        gServ(KeyType.RSA_2048, T13 + ":-GROUP-ALL:+GROUP-" + gnutlsGroup(group), "--echo",
                                "--disable-client-cert"), out -> {
                String detail = ok(out);
                String d = description(out.get("peerOutput"));
                check(group.equals(out.get("group")) && d != null && d.contains("(ECDHE-" + gnutlsGroup(group) + ")"),
                        "group on both sides", out);
                return detail + "; gnutls-serv: " + d;
            })));
        }
        for (KeyType type : KeyType.values()) {
            cases.add(new Case(peer, role, "server certificate", type.name(), gnutlsServ(opts(), gServ(type, all,
                    "--echo", "--disable-client-cert"), out -> {
                String detail = ok(out);
                String d = description(out.get("peerOutput"));
                check(SCHEME.get(type).equals(out.get("peerSig")) && d != null
                        && d.contains("-(" + GNUTLS_SIG.get(type) + ")-"), "signature scheme on both sides", out);
                return detail + "; gnutls-serv: " + d;
            })));
        }
        cases.add(new Case(peer, role, "defaults", "gnutls-serv's groups (TLS 1.3 only), our client's",
                gnutlsServ(opts(), gServ(KeyType.RSA_2048, T13, "--echo", "--disable-client-cert"), out -> {
                    String detail = ok(out);
                    check("x25519".equals(out.get("group")) && "false".equals(out.get("hrr")), "x25519 without HRR",
                            out);
                    return detail + ", no HRR";
                })));
        cases.add(new Case(peer, role, "HelloRetryRequest", "forced by gnutls-serv (SECP384R1 only)",
                gnutlsServ(opts("groups", "x25519,secp384r1", "keyShares", "1"),
                    gServ(KeyType.RSA_2048, T13 + ":-GROUP-ALL:+GROUP-SECP384R1", "--echo", "--disable-client-cert"),
                            out -> {
            String detail = ok(out);
            check("true".equals(out.get("hrr")) && "secp384r1".equals(out.get("group")), "HRR to secp384r1", out);
            return detail + ", HRR; gnutls-serv: " + description(out.get("peerOutput"));
        })));
        cases.add(new Case(peer, role, "resumption", "psk_dhe_ke (second connection offers a ticket)",
                gnutlsServ(opts("resume", "true"), gServ(KeyType.RSA_2048, T13, "--echo", "--disable-client-cert"),
                        out -> {
            String detail = ok(out);
            check("false".equals(out.get("firstResumed")) && !"0".equals(out.get("cachedTickets")),
                    "tickets from the first connection", out);
            check("true".equals(out.get("resumed")) && !"null".equals(out.get("group")), "resumed with (EC)DHE", out);
            check(out.get("steps").contains("echo complete=true"), "echo after resumption", out);
            return detail + ", resumed (" + out.get("cachedTickets") + " tickets cached)";
        })));
        cases.add(new Case(peer, role, "resumption", "psk_ke (we offer psk_ke only)",
                gnutlsServ(opts("resume", "true", "pskModes", "psk_ke"),
                        gServ(KeyType.RSA_2048, T13 + ":+PSK", "--echo", "--disable-client-cert"), out -> {
            String detail = ok(out);
            check("true".equals(out.get("resumed")) && "null".equals(out.get("group")), "resumed without (EC)DHE",
                    out);
            check(out.get("steps").contains("echo complete=true"), "echo after resumption", out);
            return detail + ", resumed with psk_ke";
        })));
        cases.add(new Case(peer, role, "0-RTT", "accepted (--earlydata --maxearlydata 16384)",
                gnutlsServ(opts("resume", "true", "earlyData", "true"), gServ(KeyType.RSA_2048, T13, "--echo",
                        "--disable-client-cert", "--earlydata", "--maxearlydata", "16384"), out -> {
            String detail = ok(out);
            check("true".equals(out.get("resumed")), "resumed", out);
            check("true".equals(out.get("earlyDataAccepted")), "0-RTT accepted (early_data in EncryptedExtensions)",
                    out);
            check("success".equals(out.get("earlyWrite")), "the early write succeeded", out);
            check(out.get("steps").contains("echo complete=true"), "echo after 0-RTT", out);
            return detail + ", resumed, 0-RTT accepted";
        })));
        cases.add(new Case(peer, role, "ALPN", "h2 (--alpn-fatal)", gnutlsServ(opts("alpn", "h2"),
                gServ(KeyType.RSA_2048, all, "--echo",
                    "--disable-client-cert", "--alpn", "h2", "--alpn", "http/1.1", "--alpn-fatal"), out -> {
            String detail = ok(out);
            check("h2".equals(out.get("alpn")), "ALPN h2", out);
            return detail + ", ALPN h2";
        })));
        cases.add(new Case(peer, role, "SNI", "localhost (--sni-hostname-fatal)", gnutlsServ(opts(),
                gServ(KeyType.RSA_2048, all, "--echo", "--disable-client-cert",
                    "--sni-hostname", "localhost", "--sni-hostname-fatal"), out -> {
            String detail = ok(out);
            check(out.get("steps").contains("echo complete=true"), "echo after SNI match", out);
            return detail + ", gnutls-serv accepted SNI localhost";
        })));
        cases.add(new Case(peer, role, "mutual TLS", "--require-client-cert --verify-client-cert",
                gnutlsServ(opts("cert", clientCrt, "key", clientKey),
                    gServ(KeyType.RSA_2048, all, "--echo", "--require-client-cert", "--verify-client-cert",
                            "--x509cafile", clientCaFile), out -> {
            String detail = ok(out);
            check("1".equals(out.get("localCerts")) && out.get("steps").contains("echo complete=true"),
                    "our certificate accepted by gnutls-serv", out);
            return detail + ", our client certificate verified by gnutls-serv";
        })));
        cases.add(new Case(peer, role, "KeyUpdate by us", "updateKeys(true)", gnutlsServ(opts("ourKeyUpdate", "true",
                "peerExpect", "received TLS 1.3 key update"),
                gServ(KeyType.RSA_2048, all, "--echo", "--disable-client-cert", "-d", "4"), out -> {
            String detail = ok(out);
            check(out.get("steps").contains("echo complete=true"), "echo after our KeyUpdate", out);
            // gnutls -d 4 traces "received TLS 1.3 key update (1)" for update_requested.
            check(out.get("peerOutput").contains("received TLS 1.3 key update (1)"), "gnutls-serv got our KeyUpdate",
                    out);
            return detail + ", gnutls-serv: received TLS 1.3 key update (1); echo under the new keys";
        })));
        cases.add(new Case(peer, role, "close_notify", "from gnutls-serv (--http)", gnutlsServ(opts("mode", "www"),
                gServ(KeyType.RSA_2048, all, "--http",
                    "--disable-client-cert"), out -> {
            String detail = ok(out);
            check(out.get("received").startsWith("HTTP/1.0 200 OK"), "page received", out);
            check("true".equals(out.get("closeNotifyReceived")), "close_notify received", out);
            return detail + ", page and close_notify received";
        })));
        cases.add(new Case(peer, role, "close_notify", "from us", gnutlsServ(opts("close", "us"),
                    gServ(KeyType.RSA_2048, all, "--echo", "--disable-client-cert"), out -> {
            String detail = ok(out);
            check(out.get("steps").contains("close_notify written=true"), "close_notify written", out);
            // gnutls-serv answers a close_notify with its own (gnutls_bye): that reply is its receipt.
            check("true".equals(out.get("closeNotifyReceived")), "gnutls-serv answered our close_notify", out);
            return detail + ", gnutls-serv answered our close_notify with its own";
        })));
        cases.add(new Case(peer, role, "1 MiB transfer", "our client → gnutls-serv --echo → our client",
                gnutlsServ(opts("payload", big.toString()), gServ(KeyType.RSA_2048, all,
                    "--echo", "--disable-client-cert"), out -> {
            String detail = ok(out);
            check(out.get("receivedSha256").equals(out.get("payloadSha256"))
                    && String.valueOf(MIB).equals(out.get("receivedLength")), "1 MiB echoed byte for byte", out);
            return detail + ", 1048576 bytes equal";
        })));
    }

    // ---- GnuTLS gnutls-cli, our server

    static List<String> gCli(String priority, String... extra) {
        return cat(List.of("gnutls-cli", "127.0.0.1", "-p", "PORT", "--x509cafile", ca, "--verify-hostname",
                "localhost", "--sni-hostname", "localhost", "--priority", priority), extra);
    }

    static String gnutlsCliSays(ClientRun r, String suite, String group) {
        SessionInfo s = r.conn().handler.session();
        String d = description(r.output());
        check(s.cipherSuite().toString().equals(suite), "our session suite " + s.cipherSuite(), r.output());
        check(s.namedGroup().toString().equals(group), "our session group " + s.namedGroup(), r.output());
        check(d != null && d.contains("(ECDHE-" + gnutlsGroup(group) + ")")
                && d.endsWith("-(" + gnutlsCipher(suite) + ")"),
                "gnutls-cli Description", r.output());
        check(r.output().contains("- Status: The certificate is trusted."), "gnutls-cli verified our certificate",
                r.output());
        return "gnutls-cli: " + d;
    }

    private void gnutlsClientCases(List<Case> cases) {
        String peer = "GnuTLS 3.7";
        String role = "gnutls-cli → our server";
        String ready = "- Handshake was completed";
        String all = T13 + ":+AES-128-CCM-8:+GROUP-ALL";
        Script ping = (p, c) -> pingPong(p, c, "ping-from-peer");
        for (String suite : SUITES) {
            cases.add(new Case(peer, role, "cipher suite", suite, () -> {
                ClientRun r = theirClient(ourServer(KeyType.RSA_2048).build(),
                        gCli(T13 + ":-CIPHER-ALL:+" + gnutlsCipher(suite)), ready, ping);
                return gnutlsCliSays(r, suite, "x25519");
            }));
        }
        for (String group : GROUPS) {
            cases.add(new Case(peer, role, "group", group, () -> {
                ClientRun r = theirClient(ourServer(KeyType.RSA_2048).build(),
                        gCli(T13 + ":-GROUP-ALL:+GROUP-" + gnutlsGroup(group)), ready, ping);
                return gnutlsCliSays(r, "TLS_AES_128_GCM_SHA256", group);
            }));
        }
        for (KeyType type : KeyType.values()) {
            cases.add(new Case(peer, role, "server certificate", type.name(), () -> {
                ClientRun r = theirClient(ourServer(type).build(), gCli(all), ready, ping);
                String says = gnutlsCliSays(r, "TLS_AES_128_GCM_SHA256", "x25519");
                check(says.contains("-(" + GNUTLS_SIG.get(type) + ")-"), "gnutls-cli signature " + GNUTLS_SIG.get(type),
                        r.output());
                check(SCHEME.get(type).equals(String.valueOf(r.conn().handler.session().localSignatureScheme())),
                        "our CertificateVerify scheme", r.output());
                return says;
            }));
        }
        cases.add(new Case(peer, role, "defaults", "gnutls-cli's groups (TLS 1.3 only), our server's (hybrids first)",
                () -> {
                    ClientRun r = theirClient(ourDefaultServer(KeyType.RSA_2048), gCli(T13), ready, ping);
                    String says = gnutlsCliSays(r, "TLS_AES_128_GCM_SHA256", "x25519");
                    check(!r.conn().handler.session().helloRetryRequest(), "our session: no HRR", r.output());
                    return says + ", no HRR";
                }));
        cases.add(new Case(peer, role, "HelloRetryRequest", "forced by our server (prefers secp384r1)", () -> {
            ClientRun r = theirClient(ourServer(KeyType.RSA_2048).namedGroups("secp384r1", "x25519").build(),
                    gCli(T13 + ":-GROUP-ALL:+GROUP-X25519:+GROUP-SECP384R1", "--single-key-share"), ready, ping);
            String says = gnutlsCliSays(r, "TLS_AES_128_GCM_SHA256", "secp384r1");
            check(r.conn().handler.session().helloRetryRequest(), "our session: HRR", r.output());
            return says + ", HRR";
        }));
        cases.add(new Case(peer, role, "ALPN", "h2", () -> {
            ClientRun r = theirClient(ourServer(KeyType.RSA_2048).applicationProtocols("h2", "http/1.1").build(),
                    gCli(all, "--alpn", "h2"), ready, ping);
            check("h2".equals(r.conn().handler.applicationProtocol()), "our session ALPN", r.output());
            check(r.output().contains("- Application protocol: h2"), "gnutls-cli: Application protocol: h2",
                    r.output());
            return "Application protocol: h2 (both sides)";
        }));
        cases.add(new Case(peer, role, "SNI", "localhost", () -> {
            ClientRun r = theirClient(ourServer(KeyType.RSA_2048).build(), gCli(all), ready, ping);
            check("localhost".equals(r.conn().handler.session().serverName()), "our session SNI", r.output());
            return "our server saw SNI localhost";
        }));
        cases.add(new Case(peer, role, "mutual TLS", "our server REQUIRE, gnutls-cli --x509certfile", () -> {
            ClientRun r = theirClient(ourServer(KeyType.RSA_2048).clientAuth(ClientAuth.REQUIRE)
                    .trustManager(clientCa.certificate()).build(),
                    gCli(all, "--x509certfile", clientCrt, "--x509keyfile", clientKey), ready, ping);
            SessionInfo s = r.conn().handler.session();
            check(!s.peerCertificates().isEmpty() && s.peerCertificates().get(0).equals(clientCert.certificate()),
                    "our server verified the client certificate", r.output());
            return "client chain verified: " + s.peerCertificates().get(0).getSubjectX500Principal().getName()
                    + ", scheme " + s.peerSignatureScheme();
        }));
        for (String cmd : List.of("^rekey^", "^rekey1^")) {
            cases.add(new Case(peer, role, "KeyUpdate by peer", "gnutls-cli " + cmd, () -> {
                ClientRun r = theirClient(ourServer(KeyType.RSA_2048).build(), gCli(all, "--inline-commands", "-d",
                        "4"),
                        ready, (p, c) -> {
                            pingPong(p, c, "before-update");
                            p.write(cmd + "\n");
                            check(p.await("Rekey was completed", OurEnds.WAIT_SECONDS),
                                    "gnutls-cli: Rekey was completed", p.output());
                            pingPong(p, c, "after-update");
                        });
                // What gnutls-cli actually sent, from its -d 4 trace: (1) asks us to update too.
                String sent = match(r.output(), "sending key update \\((\\d)\\)");
                boolean answered = r.output().contains("received TLS 1.3 key update (0)");
                check(sent != null, "gnutls-cli traced its KeyUpdate", r.output());
                check(sent.equals("1") == answered, "our answering KeyUpdate exactly when requested (sent " + sent
                        + ", answered " + answered + ")", r.output());
                return "Rekey was completed (gnutls-cli sent key update (" + sent + "), our answer: " + answered
                        + "); data both ways after it";
            }));
        }
        cases.add(new Case(peer, role, "KeyUpdate by us", "updateKeys(true)", () -> {
            ClientRun r = theirClient(ourServer(KeyType.RSA_2048).build(), gCli(all, "-d", "4"), ready, (p, c) -> {
                pingPong(p, c, "update-keys");
                pingPong(p, c, "after-update");
            });
            check(r.output().contains("received TLS 1.3 key update (1)"), "gnutls-cli got our KeyUpdate", r.output());
            check(r.output().contains("sending key update (0)"), "gnutls-cli answered it", r.output());
            return "gnutls-cli: received TLS 1.3 key update (1), sending key update (0); data both ways after it";
        }));
        cases.add(new Case(peer, role, "close_notify", "from gnutls-cli (stdin EOF)", () -> {
            OurEnds.Collector[] conn = new OurEnds.Collector[1];
            theirClient(ourServer(KeyType.RSA_2048).build(), gCli(all), ready, (p, c) -> {
                pingPong(p, c, "ping-from-peer");
                conn[0] = c;
                p.closeStdin();
                c.awaitInactive(OurEnds.WAIT_SECONDS);
            });
            check(conn[0].closeNotifyReceived(), "our server received close_notify", "");
            return "our server received close_notify";
        }));
        cases.add(new Case(peer, role, "close_notify", "from us", () -> {
            ClientRun r = theirClient(ourServer(KeyType.RSA_2048).build(), gCli(all), ready, (p, c) -> {
                pingPong(p, c, "close-please");
                p.awaitExit(OurEnds.WAIT_SECONDS);
            });
            check(r.output().contains("- Peer has closed the GnuTLS connection"), "gnutls-cli saw close_notify",
                    r.output());
            return "gnutls-cli: Peer has closed the GnuTLS connection";
        }));
        cases.add(new Case(peer, role, "1 MiB transfer", "gnutls-cli stdin → our echo → gnutls-cli", () -> {
            byte[] data = Files.readAllBytes(big.toPath());
            String text = new String(data, StandardCharsets.ISO_8859_1);
            OurEnds.Collector[] conn = new OurEnds.Collector[1];
            ClientRun r = theirClient(ourServer(KeyType.RSA_2048).build(), gCli(all), ready, (p, c) -> {
                conn[0] = c;
                Thread writer = new Thread(() -> {
                    try {
                        p.write(data);
                    } catch (IOException e) {
                        // The checks below report what arrived.
                    }
                });
                writer.start();
                check(c.awaitLength(MIB, OurEnds.WAIT_SECONDS), "our server received 1 MiB", "(large)");
                check(p.await(text.substring(text.length() - 200), OurEnds.WAIT_SECONDS), "echo reached gnutls-cli",
                        "(large)");
                writer.join(10_000);
            });
            check(Arrays.equals(data, conn[0].received()), "our server received the exact bytes", "(large)");
            check(r.output().contains(text), "gnutls-cli printed the exact bytes", "(large)");
            return "1048576 bytes equal both ways";
        }));
    }

    // ---- curl and the JDK's HTTP clients against the examples server (HttpsServer, in-process)

    static final String PAGE_TITLE = "netty-tls13-codec test server";
    /** The page's line naming the provider the examples server's context runs on. */
    static final String PAGE_CRYPTO = "^Crypto provider: +(\\S+)$";

    private void curlCases(List<Case> cases, Path certificate) {
        String peer = "curl";
        String role = "curl --tlsv1.3 → examples server";
        for (String suite : SUITES) {
            cases.add(new Case(peer, role, "cipher suite", suite, () -> {
                int port = examplesServer.port();
                try (Proc p = Proc.start(List.of("curl", "-sS", "-v", "--tlsv1.3", "--tls13-ciphers", suite,
                        "--max-time", "15", "--cacert", certificate.toString(),
                        "--resolve", "localhost:" + port + ":127.0.0.1", "https://localhost:" + port + "/"),
                        dir.toFile())) {
                    check(p.awaitExit(20), "curl finished", p.output());
                    String o = p.output();
                    check(o.contains(PAGE_TITLE) && o.contains("Protocol:           TLSv1.3"), "page over TLS 1.3", o);
                    checkOurCrypto(match(o, PAGE_CRYPTO), "the examples server's page");
                    check(o.contains("Cipher suite:       " + suite), "examples server: suite " + suite, o);
                    check(o.contains("SSL connection using TLSv1.3 / " + suite), "curl: SSL connection using", o);
                    check(o.contains("SNI server name:    localhost") && o.contains("ALPN protocol:      http/1.1"),
                            "SNI and ALPN seen by the server", o);
                    return "curl: SSL connection using TLSv1.3 / " + suite + "; page: ALPN http/1.1, SNI localhost";
                }
            }));
        }
    }

    private void curlDefaultCase(List<Case> cases, Path certificate) {
        cases.add(new Case("curl", "curl --tlsv1.3 → examples server", "defaults",
                "curl's groups, the examples server's (hybrids first)", () -> {
                    int port = examplesServer.port();
                    try (Proc p = Proc.start(List.of("curl", "-sS", "-v", "--tlsv1.3", "--max-time", "15",
                            "--cacert", certificate.toString(), "--resolve", "localhost:" + port + ":127.0.0.1",
                            "https://localhost:" + port + "/"), dir.toFile())) {
                        check(p.awaitExit(20), "curl finished", p.output());
                        String o = p.output();
                        check(o.contains(PAGE_TITLE) && o.contains("Key exchange group: x25519\n")
                                && o.contains("HelloRetryRequest:  no"), "page: x25519 without HRR", o);
                        checkOurCrypto(match(o, PAGE_CRYPTO), "the examples server's page");
                        return "page: Key exchange group: x25519, HelloRetryRequest: no";
                    }
                }));
    }

    private static javax.net.ssl.SSLContext jdkTrusting(java.security.cert.X509Certificate certificate)
            throws Exception {
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("server", certificate);
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        tmf.init(store);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private void jdkCases(List<Case> cases) {
        String peer = "JDK " + Runtime.version().feature();
        for (String suite : SUITES.subList(0, 3)) {
            cases.add(new Case(peer, "HttpClient → examples server", "cipher suite", suite, () -> {
                javax.net.ssl.SSLParameters parameters = new javax.net.ssl.SSLParameters(new String[] {suite},
                        new String[] {"TLSv1.3"});
                java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                        .sslContext(jdkTrusting(examplesServer.certificate())).sslParameters(parameters)
                        .connectTimeout(java.time.Duration.ofSeconds(15)).build();
                java.net.http.HttpResponse<String> response = client.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("https://localhost:" + examplesServer.port() + "/"))
                        .timeout(java.time.Duration.ofSeconds(15)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                String body = response.body();
                javax.net.ssl.SSLSession session = response.sslSession().orElseThrow();
                check(response.statusCode() == 200 && body.contains(PAGE_TITLE), "page", body);
                checkOurCrypto(match(body, PAGE_CRYPTO), "the examples server's page");
                check(session.getProtocol().equals("TLSv1.3") && session.getCipherSuite().equals(suite),
                        "JDK session " + session.getProtocol() + " " + session.getCipherSuite(), body);
                check(body.contains("Cipher suite:       " + suite), "examples server: suite", body);
                return "HttpClient: " + session.getProtocol() + " " + session.getCipherSuite() + ", "
                        + response.version() + "; page names the same suite";
            }));
        }
        cases.add(new Case(peer, "HttpsURLConnection → examples server", "GET /", "default suites", () -> {
            javax.net.ssl.HttpsURLConnection connection = (javax.net.ssl.HttpsURLConnection) java.net.URI.create(
                    "https://localhost:" + examplesServer.port() + "/").toURL().openConnection();
            connection.setSSLSocketFactory(jdkTrusting(examplesServer.certificate()).getSocketFactory());
            connection.setConnectTimeout(15_000);
            connection.setReadTimeout(15_000);
            try {
                connection.connect();
                // Asked while connected: after the body is read the connection may go back to the cache.
                String suite = connection.getCipherSuite();
                String body;
                try (java.io.InputStream in = connection.getInputStream()) {
                    body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                check(connection.getResponseCode() == 200 && body.contains(PAGE_TITLE), "page", body);
                checkOurCrypto(match(body, PAGE_CRYPTO), "the examples server's page");
                check(body.contains("Protocol:           TLSv1.3") && body.contains("Cipher suite:       " + suite),
                        "TLS 1.3 with the suite the JDK reports (" + suite + ")", body);
                // The JDK has no hybrid group: the examples server (hybrids first) takes its x25519 share.
                check(body.contains("Key exchange group: x25519\n") && body.contains("HelloRetryRequest:  no"),
                        "x25519 without HRR", body);
                String sni = match(body, "^SNI server name: +(.*)$");
                return "HttpsURLConnection: " + suite + ", x25519 without HRR; page names the same suite; SNI seen by"
                        + " the server: " + sni;
            } finally {
                connection.disconnect();
            }
        }));
    }
}
