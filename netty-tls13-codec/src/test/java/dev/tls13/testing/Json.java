package dev.tls13.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough JSON for the test vector files (RFC 8448 traces, Wycheproof): objects as ordered maps,
 * arrays as lists, strings, integers as {@link Long}, other numbers as {@link Double}, literals.
 */
public final class Json {

    private final String s;
    private int i;

    private Json(String s) {
        this.s = s;
    }

    /**
     * Parses one JSON value.
     *
     * @param text the JSON text
     * @return a {@code Map<String, Object>}, {@code List<Object>}, {@code String}, {@code Long},
     *         {@code Double}, {@code Boolean} or {@code null}
     */
    public static Object parse(String text) {
        Json json = new Json(text);
        Object value = json.value();
        json.skipWhitespace();
        if (json.i != text.length()) {
            throw new IllegalStateException("trailing characters at " + json.i);
        }
        return value;
    }

    private Object value() {
        skipWhitespace();
        switch (s.charAt(i)) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            default:
                return literal();
        }
    }

    private Map<String, Object> object() {
        Map<String, Object> m = new LinkedHashMap<>();
        i++;
        skipWhitespace();
        if (s.charAt(i) == '}') {
            i++;
            return m;
        }
        while (true) {
            skipWhitespace();
            String key = string();
            skipWhitespace();
            expect(':');
            m.put(key, value());
            skipWhitespace();
            if (s.charAt(i) == ',') {
                i++;
                continue;
            }
            expect('}');
            return m;
        }
    }

    private List<Object> array() {
        List<Object> list = new ArrayList<>();
        i++;
        skipWhitespace();
        if (s.charAt(i) == ']') {
            i++;
            return list;
        }
        while (true) {
            list.add(value());
            skipWhitespace();
            if (s.charAt(i) == ',') {
                i++;
                continue;
            }
            expect(']');
            return list;
        }
    }

    private String string() {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (true) {
            char c = s.charAt(i++);
            if (c == '"') {
                return b.toString();
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = s.charAt(i++);
            switch (e) {
                case 'n':
                    b.append('\n');
                    break;
                case 't':
                    b.append('\t');
                    break;
                case 'r':
                    b.append('\r');
                    break;
                case 'b':
                    b.append('\b');
                    break;
                case 'f':
                    b.append('\f');
                    break;
                case 'u':
                    b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    i += 4;
                    break;
                default:
                    b.append(e);
            }
        }
    }

    private Object literal() {
        int start = i;
        while (i < s.length() && ",}] \n\r\t".indexOf(s.charAt(i)) < 0) {
            i++;
        }
        String literal = s.substring(start, i);
        switch (literal) {
            case "true":
                return Boolean.TRUE;
            case "false":
                return Boolean.FALSE;
            case "null":
                return null;
            default:
                boolean integer = literal.chars().noneMatch(c -> c == '.' || c == 'e' || c == 'E');
                return integer ? (Object) Long.valueOf(literal) : Double.valueOf(literal);
        }
    }

    private void expect(char c) {
        if (s.charAt(i) != c) {
            throw new IllegalStateException("expected '" + c + "' at " + i);
        }
        i++;
    }

    private void skipWhitespace() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }
}
