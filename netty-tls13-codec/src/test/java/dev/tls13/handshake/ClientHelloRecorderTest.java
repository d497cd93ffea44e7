package dev.tls13.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The in-memory ClientHello-recording filter (RFC 8446 §8.2): once per key, bounded, forgetting expired keys. */
class ClientHelloRecorderTest {

    /** A clock the test moves. */
    private static final class MovingClock extends Clock {
        long millis = 1_000_000;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    @Test
    void aKeyIsAcceptedOnceUntilItExpires() {
        MovingClock clock = new MovingClock();
        AntiReplay filter = AntiReplay.inMemory(10, clock);
        byte[] key = {1, 2, 3};
        assertTrue(filter.firstUse(key, clock.millis + 20_000));
        assertFalse(filter.firstUse(new byte[] {1, 2, 3}, clock.millis + 20_000), "a replay is refused");
        assertTrue(filter.firstUse(new byte[] {1, 2, 4}, clock.millis + 20_000), "another key is not");
        clock.millis += 19_999;
        assertFalse(filter.firstUse(new byte[] {1, 2, 3}, clock.millis + 20_000), "still within its window");
        clock.millis += 1;
        assertTrue(filter.firstUse(new byte[] {1, 2, 3}, clock.millis + 20_000),
                "after the window the freshness check refuses a replay, so the key was forgotten");
    }

    @Test
    void theCallerMayReuseItsArray() {
        MovingClock clock = new MovingClock();
        AntiReplay filter = AntiReplay.inMemory(10, clock);
        byte[] key = {7, 7};
        assertTrue(filter.firstUse(key, clock.millis + 1000));
        key[1] = 8;
        assertFalse(filter.firstUse(new byte[] {7, 7}, clock.millis + 1000), "the filter copied the key");
    }

    @Test
    void whenFullItRefusesRatherThanForgets() {
        MovingClock clock = new MovingClock();
        ClientHelloRecorder filter = new ClientHelloRecorder(2, clock);
        assertTrue(filter.firstUse(new byte[] {1}, clock.millis + 1000));
        assertTrue(filter.firstUse(new byte[] {2}, clock.millis + 5000));
        assertFalse(filter.firstUse(new byte[] {3}, clock.millis + 1000), "full: 0-RTT rejected");
        assertFalse(filter.firstUse(new byte[] {1}, clock.millis + 1000), "and no key was evicted");
        assertEquals(2, filter.size());
        clock.millis += 1000;
        assertTrue(filter.firstUse(new byte[] {3}, clock.millis + 1000), "an expired key makes room");
        assertEquals(2, filter.size());
    }

    @Test
    void needsRoom() {
        assertThrows(IllegalArgumentException.class, () -> AntiReplay.inMemory(0, Clock.systemUTC()));
    }
}
