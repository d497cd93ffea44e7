package dev.tls13.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The RFC 8448 traces from {@code src/test/resources/rfc8448} (copied from shared/vectors/rfc8448,
 * see its README for the shape). Each trace is a list of {@link Step}s in document order.
 */
public final class Rfc8448 {

    /** The five traces. */
    public enum Trace {
        /** Section 3, simple 1-RTT handshake. */
        SIMPLE_1RTT("section3-1rtt.json"),
        /** Section 4, resumed 0-RTT handshake. */
        RESUMED_0RTT("section4-0rtt.json"),
        /** Section 5, HelloRetryRequest. */
        HELLO_RETRY_REQUEST("section5-hrr.json"),
        /** Section 6, client authentication. */
        CLIENT_AUTH("section6-client-auth.json"),
        /** Section 7, middlebox compatibility mode. */
        COMPAT_MODE("section7-compat.json");

        private final String file;

        Trace(String file) {
            this.file = file;
        }

        /** @return the steps of this trace */
        public List<Step> steps() {
            return parseSteps(read(file));
        }
    }

    /**
     * One step of a trace.
     *
     * @param who "client" or "server"
     * @param step the RFC's heading
     * @param fields the RFC's field names to hex values, in the RFC's order
     */
    public record Step(String who, String step, Map<String, String> fields) {
        /** @return the bytes of field {@code name}; fails if absent */
        public byte[] bytes(String name) {
            String hex = fields.get(name);
            if (hex == null) {
                throw new IllegalArgumentException("no field '" + name + "' in step '" + step + "'");
            }
            return Hex.decode(hex);
        }

        /** @return whether the step has field {@code name} */
        public boolean has(String name) {
            return fields.containsKey(name);
        }
    }

    private Rfc8448() {
    }

    /**
     * @param trace the trace
     * @param who "client" or "server"
     * @param stepPrefix the start of the step heading
     * @return the steps (in order) whose who matches and whose heading starts with the prefix
     *         and that carry values
     */
    public static List<Step> find(Trace trace, String who, String stepPrefix) {
        List<Step> out = new ArrayList<>();
        for (Step s : trace.steps()) {
            if (s.who().equals(who) && s.step().startsWith(stepPrefix) && !s.fields().isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /** Like {@link #find} but requires exactly one match. */
    public static Step one(Trace trace, String who, String stepPrefix) {
        List<Step> all = find(trace, who, stepPrefix);
        if (all.size() != 1) {
            throw new IllegalArgumentException(all.size() + " steps match " + who + " '" + stepPrefix + "'");
        }
        return all.get(0);
    }

    /** @return the section 2 RSA key components by their RFC names, as hex */
    public static Map<String, String> rsaServerKey() {
        Object parsed = Json.parse(read("rsa-server-key.json"));
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : asMap(parsed).entrySet()) {
            out.put(e.getKey(), (String) e.getValue());
        }
        return out;
    }

    private static String read(String file) {
        try (InputStream in = Rfc8448.class.getResourceAsStream("/rfc8448/" + file)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource rfc8448/" + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Step> parseSteps(String json) {
        List<Step> steps = new ArrayList<>();
        for (Object o : (List<?>) Json.parse(json)) {
            Map<String, Object> m = asMap(o);
            Map<String, String> fields = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : asMap(m.get("fields")).entrySet()) {
                fields.put(e.getKey(), (String) e.getValue());
            }
            steps.add(new Step((String) m.get("who"), (String) m.get("step"), Collections.unmodifiableMap(fields)));
        }
        return Collections.unmodifiableList(steps);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }
}
