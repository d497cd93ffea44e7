package dev.tls13.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** {@link Phase}: the handler's lifecycle only moves forward, each step from one phase only. */
class PhaseTest {

    @Test
    void onlyNewStarts() {
        assertEquals(Map.of(Phase.NEW, Phase.HANDSHAKING, Phase.HANDSHAKING, Phase.HANDSHAKING,
                Phase.OPEN, Phase.OPEN, Phase.CLOSED, Phase.CLOSED), apply(Phase::start));
    }

    @Test
    void onlyAHandshakingPhaseOpensWhenTheHandshakeCompletes() {
        // A completion reported after a release (the handler removed from inside a callback) changes nothing.
        assertEquals(Map.of(Phase.NEW, Phase.NEW, Phase.HANDSHAKING, Phase.OPEN,
                Phase.OPEN, Phase.OPEN, Phase.CLOSED, Phase.CLOSED), apply(Phase::completeHandshake));
    }

    @Test
    void everyPhaseCanBeReleasedAndStaysClosed() {
        assertEquals(Map.of(Phase.NEW, Phase.CLOSED, Phase.HANDSHAKING, Phase.CLOSED,
                Phase.OPEN, Phase.CLOSED, Phase.CLOSED, Phase.CLOSED), apply(Phase::release));
    }

    @Test
    void theConnectionRunsFromTheStartOfTheHandshakeUntilTheRelease() {
        EnumSet<Phase> running = EnumSet.noneOf(Phase.class);
        for (Phase p : Phase.values()) {
            if (p.isRunning()) {
                running.add(p);
            }
        }
        assertEquals(EnumSet.of(Phase.HANDSHAKING, Phase.OPEN), running);
    }

    private static Map<Phase, Phase> apply(UnaryOperator<Phase> transition) {
        Map<Phase, Phase> result = new EnumMap<>(Phase.class);
        for (Phase p : Phase.values()) {
            result.put(p, transition.apply(p));
        }
        return result;
    }
}
