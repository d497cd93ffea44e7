package dev.tls13.handshake;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * A bounded ClientHello-recording filter (RFC 8446 §8.2): it remembers each accepted ClientHello's key until a
 * replay of it would fail the freshness check anyway (so only the window's worth of ClientHellos is kept), and
 * refuses a key it holds. When full it refuses every new key: evicting a live key would let an attacker who floods
 * the filter then replay a ClientHello whose key is gone, while refusing costs only a 1-RTT handshake (the client
 * sends its data again, RFC 8446 §4.2.10). One lock; each 0-RTT handshake takes it once.
 */
final class ClientHelloRecorder implements AntiReplay {

    private final int maxEntries;
    private final Clock clock;
    private final Map<ByteBuffer, Long> expiries = new HashMap<>();
    /** The keys by expiry, to drop the expired ones first. */
    private final PriorityQueue<Entry> byExpiry = new PriorityQueue<>((a, b) -> Long.compare(a.expires, b.expires));

    private record Entry(ByteBuffer key, long expires) {
    }

    ClientHelloRecorder(int maxEntries, Clock clock) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("the anti-replay filter needs at least 1 entry: " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    @Override
    public synchronized boolean firstUse(byte[] key, long expiresAtMillis) {
        long now = clock.millis();
        while (!byExpiry.isEmpty() && byExpiry.peek().expires <= now) {
            expiries.remove(byExpiry.poll().key);
        }
        ByteBuffer k = ByteBuffer.wrap(key.clone());
        if (expiries.containsKey(k) || expiries.size() >= maxEntries) {
            return false;
        }
        expiries.put(k, expiresAtMillis);
        byExpiry.add(new Entry(k, expiresAtMillis));
        return true;
    }

    /** @return how many keys it holds now */
    synchronized int size() {
        return expiries.size();
    }
}
