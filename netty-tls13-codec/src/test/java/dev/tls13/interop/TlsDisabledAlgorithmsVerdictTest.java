package dev.tls13.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.interop.WeakCertificateVerdictTest.Case;
import dev.tls13.interop.WeakCertificateVerdictTest.Verdict;
import dev.tls13.testing.TestPki;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Security;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Constraints a user adds to {@code jdk.tls.disabledAlgorithms} alone (not to {@code jdk.certpath.disabledAlgorithms})
 * give our connections the verdict the JDK's own TLS 1.3 engine gives on the same chain, in both roles: the
 * JDK applies that property to certificates only through a trust manager's {@code SSLEngine} methods, which
 * {@code CertificateChecks} calls with a {@code TrustManagerEngineView}.
 *
 * <p>The JDK reads the property once, when its TLS classes initialise, and other tests of this JVM have used
 * them long before: the cases run in a child JVM ({@link #main}) that sets the property before anything else,
 * prints one line per verdict, and this test checks them. Each chain also goes through the trust manager's
 * two-argument method, which must still accept the constrained ones: that is what our connections did before,
 * so the test tells the two paths apart.
 */
class TlsDisabledAlgorithmsVerdictTest {

    static final String PROPERTY = "jdk.tls.disabledAlgorithms";
    /** Not in any JDK's default: RSA keys below 3072 bits, and the curve secp384r1, for TLS only. */
    static final String EXTRA = "RSA keySize < 3072, secp384r1";

    /** The JDK engine's verdict per case (both roles): fixed, so a property that did not take effect fails. */
    private static final Map<String, Verdict> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("rsa3072Leaf (control)", Verdict.ACCEPTED);
        EXPECTED.put("rsa2048Leaf", Verdict.REFUSED);
        // A trust anchor's own key is not constrained (the JDK checks the keys of the path, not the anchor's).
        EXPECTED.put("rsa2048Anchor", Verdict.ACCEPTED);
        EXPECTED.put("rsa2048Intermediate", Verdict.REFUSED);
        EXPECTED.put("ecP256UnderP256Ca (control)", Verdict.ACCEPTED);
        EXPECTED.put("ecP256UnderP384Anchor", Verdict.ACCEPTED);
        EXPECTED.put("ecP256UnderP384Intermediate", Verdict.REFUSED);
    }

    @Test
    void constraintsOnlyInTheTlsPropertyGiveTheJdkEnginesVerdictInBothRoles() throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dio.netty.leakDetection.level=paranoid", "-cp", System.getProperty("java.class.path"),
                TlsDisabledAlgorithmsVerdictTest.class.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                output.add(line);
            }
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the child JVM did not end: " + output);
        assertEquals(0, process.exitValue(), "the child JVM failed: " + String.join("\n", output));

        Map<String, String> verdicts = new TreeMap<>();
        Map<String, String> twoArgument = new TreeMap<>();
        for (String line : output) {
            String[] f = line.split("\t");
            if (f[0].equals("VERDICT")) {
                verdicts.put(f[1] + " / " + f[2], f[3]);
            } else if (f[0].equals("TWO-ARGUMENT")) {
                twoArgument.put(f[1], f[2]);
            }
        }
        Map<String, String> expected = new TreeMap<>();
        Map<String, String> expectedTwoArgument = new TreeMap<>();
        for (Map.Entry<String, Verdict> e : EXPECTED.entrySet()) {
            expected.put(e.getKey() + " / server chain", e.getValue().name());
            expected.put(e.getKey() + " / client chain", e.getValue().name());
            // Every chain is fine by jdk.certpath.disabledAlgorithms, which is all the two-argument method applies.
            expectedTwoArgument.put(e.getKey(), Verdict.ACCEPTED.name());
        }
        // The child asserted ours equal to the JDK engine's per case; these are the JDK engine's.
        assertEquals(expected, verdicts, String.join("\n", output));
        assertEquals(expectedTwoArgument, twoArgument, String.join("\n", output));
        System.out.println("jdk.tls.disabledAlgorithms += \"" + EXTRA + "\": " + verdicts);
    }

    /**
     * The child JVM: adds {@link #EXTRA} to {@code jdk.tls.disabledAlgorithms} before any TLS class loads, then
     * runs every case in both roles (our verdict asserted equal to the JDK engine's) and prints
     * {@code VERDICT name role verdict} and {@code TWO-ARGUMENT name verdict} lines; exits 1 on any failure.
     *
     * @param args none
     */
    public static void main(String[] args) {
        String defaults = Security.getProperty(PROPERTY);
        Security.setProperty(PROPERTY, defaults == null || defaults.isBlank() ? EXTRA : defaults + ", " + EXTRA);
        try {
            KeyPair rsa3072Ca = WeakCertificateVerdictTest.rsa(3072);
            KeyPair rsa3072 = WeakCertificateVerdictTest.rsa(3072);
            KeyPair rsa2048 = WeakCertificateVerdictTest.rsa(2048);
            KeyPair p256Ca = WeakCertificateVerdictTest.ec("secp256r1");
            KeyPair p256 = WeakCertificateVerdictTest.ec("secp256r1");
            KeyPair p384 = WeakCertificateVerdictTest.ec("secp384r1");
            List<Case> cases = List.of(
                    WeakCertificateVerdictTest.chain("rsa3072Leaf (control)", rsa3072Ca, "SHA256withRSA",
                            "SHA256withRSA", rsa3072),
                    WeakCertificateVerdictTest.chain("rsa2048Leaf", rsa3072Ca, "SHA256withRSA", "SHA256withRSA",
                            rsa2048),
                    WeakCertificateVerdictTest.chain("rsa2048Anchor", rsa2048, "SHA256withRSA", "SHA256withRSA",
                            rsa3072),
                    WeakCertificateVerdictTest.chainWithIntermediate("rsa2048Intermediate", rsa3072Ca,
                            "SHA256withRSA", rsa2048, "SHA256withRSA", "SHA256withRSA", rsa3072),
                    WeakCertificateVerdictTest.chain("ecP256UnderP256Ca (control)", p256Ca, "SHA256withECDSA",
                            "SHA256withECDSA", p256),
                    WeakCertificateVerdictTest.chain("ecP256UnderP384Anchor", p384, "SHA384withECDSA",
                            "SHA256withECDSA", p256),
                    WeakCertificateVerdictTest.chainWithIntermediate("ecP256UnderP384Intermediate", p256Ca,
                            "SHA256withECDSA", p384, "SHA256withECDSA", "SHA384withECDSA", p256));
            for (Case c : cases) {
                System.out.println("VERDICT\t" + c.name() + "\tserver chain\t"
                        + WeakCertificateVerdictTest.serverChainVerdict(c));
                System.out.println("VERDICT\t" + c.name() + "\tclient chain\t"
                        + WeakCertificateVerdictTest.clientChainVerdict(c));
                System.out.println("TWO-ARGUMENT\t" + c.name() + "\t" + twoArgumentVerdict(c));
            }
            System.exit(0);
        } catch (Throwable e) {
            e.printStackTrace(System.out);
            System.exit(1);
        }
    }

    /** What the JDK's trust manager says through {@code checkServerTrusted(chain, authType)}, our call before. */
    private static Verdict twoArgumentVerdict(Case c) {
        try {
            TestPki.trustManager(c.anchor()).checkServerTrusted(c.presented(), "UNKNOWN");
            return Verdict.ACCEPTED;
        } catch (CertificateException e) {
            return Verdict.REFUSED;
        }
    }
}
