package dev.tls13.negative;

import java.util.Map;
import java.util.TreeMap;

/**
 * Counts the negative cases that passed, per category (the alert they proved, or a named resource
 * limit), so the run prints how much hostile input was covered: {@code negative: unexpected_message 180, ...}.
 */
final class Tally {

    private static final Map<String, Integer> COUNTS = new TreeMap<>();

    private Tally() {
    }

    /** Counts one passed case of {@code category}. */
    static synchronized void count(String category) {
        COUNTS.merge(category, 1, Integer::sum);
    }

    /** The cumulative counts of this JVM so far, one line. */
    static synchronized String summary() {
        StringBuilder b = new StringBuilder("negative:");
        int total = 0;
        for (Map.Entry<String, Integer> e : COUNTS.entrySet()) {
            b.append(total == 0 ? " " : ", ").append(e.getKey()).append(' ').append(e.getValue());
            total += e.getValue();
        }
        return b.append(" (total ").append(total).append(')').toString();
    }

    /** Prints {@link #summary()}. */
    static void print() {
        System.out.println(summary());
    }
}
