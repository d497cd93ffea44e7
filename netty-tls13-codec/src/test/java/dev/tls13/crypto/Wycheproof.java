package dev.tls13.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tls13.testing.Hex;
import dev.tls13.testing.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * Reads the Wycheproof files under {@code src/test/resources/wycheproof} (gzipped JSON, see the README there)
 * and keeps the per-file count of what happened to each vector, so that no group is skipped silently: every
 * vector is either run (a valid one must pass, an invalid one must be rejected, an acceptable one must get the
 * decision the test states for its flags) or counted as not applicable to TLS 1.3 with a reason, and the two
 * add up to the file's {@code numberOfTests}.
 */
final class Wycheproof {

    private Wycheproof() {
    }

    /** One file: its groups in order. */
    record TestFile(String name, long numberOfTests, List<Group> groups) {
    }

    /** A test group: its parameters (key, sizes, curve) and its vectors. */
    record Group(Map<String, Object> fields, List<Vector> tests) {

        /** @return a string parameter of the group */
        String string(String name) {
            return (String) require(fields, name);
        }

        /** @return an integer parameter of the group */
        long number(String name) {
            return (Long) require(fields, name);
        }

        /** @return a hex parameter of the group as bytes */
        byte[] bytes(String name) {
            return Hex.decode(string(name));
        }
    }

    /** One vector. */
    record Vector(long tcId, String comment, List<String> flags, String result, Map<String, Object> fields) {

        boolean valid() {
            return result.equals("valid");
        }

        boolean invalid() {
            return result.equals("invalid");
        }

        boolean acceptable() {
            return result.equals("acceptable");
        }

        boolean hasFlag(String flag) {
            return flags.contains(flag);
        }

        /** @return a hex field as bytes */
        byte[] bytes(String name) {
            return Hex.decode((String) require(fields, name));
        }

        /** @return an integer field */
        long number(String name) {
            return (Long) require(fields, name);
        }

        @Override
        public String toString() {
            return "tcId " + tcId + " (" + comment + ", " + flags + ", " + result + ")";
        }
    }

    private static Object require(Map<String, Object> fields, String name) {
        Object value = fields.get(name);
        if (value == null) {
            throw new IllegalStateException("no field " + name);
        }
        return value;
    }

    /**
     * @param name the file name without {@code .json.gz}
     * @return the parsed file
     */
    @SuppressWarnings("unchecked")
    static TestFile load(String name) {
        String resource = "/wycheproof/" + name + ".json.gz";
        String text;
        try (InputStream raw = Wycheproof.class.getResourceAsStream(resource)) {
            if (raw == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            try (InputStream in = new GZIPInputStream(raw)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> root = (Map<String, Object>) Json.parse(text);
        List<Group> groups = new ArrayList<>();
        for (Object g : (List<Object>) root.get("testGroups")) {
            Map<String, Object> group = new LinkedHashMap<>((Map<String, Object>) g);
            List<Vector> tests = new ArrayList<>();
            for (Object t : (List<Object>) group.remove("tests")) {
                Map<String, Object> test = (Map<String, Object>) t;
                List<String> flags = new ArrayList<>();
                for (Object f : (List<Object>) test.getOrDefault("flags", List.of())) {
                    flags.add((String) f);
                }
                tests.add(new Vector((Long) test.get("tcId"), (String) test.getOrDefault("comment", ""),
                        Collections.unmodifiableList(flags), (String) test.get("result"), test));
            }
            groups.add(new Group(group, Collections.unmodifiableList(tests)));
        }
        return new TestFile(name, (Long) root.get("numberOfTests"), Collections.unmodifiableList(groups));
    }

    /**
     * What a test decided for an acceptable vector, and why; the reason is printed and counted. {@code accept}
     * null leaves the verdict to a component we do not own (the JDK's X.509 decoder); an accepted vector must
     * still give the right result.
     */
    record Decision(Boolean accept, String reason) {

        static Decision accept(String reason) {
            return new Decision(true, reason);
        }

        static Decision reject(String reason) {
            return new Decision(false, reason);
        }

        static Decision either(String reason) {
            return new Decision(null, reason);
        }
    }

    /**
     * The outcome of one file. A test reports each vector once: {@link #notApplicable}, {@link #ran} or
     * {@link #failed}; then
     * {@link #finish} prints the counts and fails with every mismatch found.
     */
    static final class Tally {
        private final TestFile file;
        private int valid;
        private int validPassed;
        private int invalid;
        private int invalidRejected;
        private final Map<String, Integer> acceptable = new TreeMap<>();
        private final Map<String, Integer> notApplicable = new TreeMap<>();
        private final List<String> failures = new ArrayList<>();
        private int reported;

        Tally(TestFile file) {
            this.file = file;
        }

        /** Counts a vector that does not apply to TLS 1.3, for {@code reason}. */
        void notApplicable(Vector v, String reason) {
            reported++;
            notApplicable.merge(reason, 1, Integer::sum);
        }

        /**
         * Counts a vector that was run.
         *
         * @param v the vector
         * @param accepted whether our code accepted it (computed the output, verified the signature)
         * @param correct for an accepted vector, whether the output equals the expected one (ignored otherwise)
         * @param decision for an acceptable vector, what the test decided for it; null for the others
         * @param detail what happened, for the failure message
         */
        void ran(Vector v, boolean accepted, boolean correct, Decision decision, String detail) {
            reported++;
            if (accepted && !correct) {
                failures.add(v + ": accepted with a wrong result; " + detail);
                return;
            }
            if (v.valid()) {
                valid++;
                if (accepted) {
                    validPassed++;
                } else {
                    failures.add(v + ": valid vector rejected; " + detail);
                }
            } else if (v.invalid()) {
                invalid++;
                if (!accepted) {
                    invalidRejected++;
                } else {
                    failures.add(v + ": invalid vector accepted; " + detail);
                }
            } else if (v.acceptable()) {
                if (decision == null) {
                    failures.add(v + ": acceptable vector without a decision");
                } else if (decision.accept() != null && decision.accept() != accepted) {
                    failures.add(v + ": decided to " + (decision.accept() ? "accept" : "reject") + " ("
                            + decision.reason() + ") but it was " + (accepted ? "accepted" : "rejected") + "; "
                            + detail);
                } else {
                    acceptable.merge((accepted ? "accepted: " : "rejected: ") + decision.reason(), 1, Integer::sum);
                }
            } else {
                failures.add(v + ": unknown result");
            }
        }

        /** Counts a vector that ran and failed in a way that is neither a verdict nor a result (an exception). */
        void failed(Vector v, String detail) {
            reported++;
            failures.add(v + ": " + detail);
        }

        /** @return how many vectors were counted as not applicable */
        int notApplicableCount() {
            return notApplicable.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** @return how many vectors ran */
        int ranCount() {
            return reported - notApplicableCount();
        }

        /** Prints the counts and fails on any mismatch, and unless every vector of the file was reported. */
        void finish() {
            int acceptableCount = acceptable.values().stream().mapToInt(Integer::intValue).sum();
            System.out.println("wycheproof " + file.name() + ": " + file.numberOfTests() + " vectors, ran "
                    + ranCount() + ": valid " + validPassed + "/" + valid + " passed, invalid " + invalidRejected + "/"
                    + invalid + " rejected, acceptable " + acceptableCount + " " + acceptable
                    + "; not applicable " + notApplicableCount() + " " + notApplicable);
            if (!failures.isEmpty()) {
                fail(file.name() + ": " + failures.size() + " failures:\n" + String.join("\n", failures));
            }
            assertEquals(file.numberOfTests(), reported, file.name() + ": vectors run plus not applicable");
            int counted = 0;
            for (Group g : file.groups()) {
                counted += g.tests().size();
            }
            assertEquals(file.numberOfTests(), counted, file.name() + ": numberOfTests against the vectors listed");
        }
    }
}
