package dev.tls13.connection;

import dev.tls13.handshake.ResumptionTicket;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A client's session tickets, by server (peer host and port), for resumption (RFC 8446 §2.2, §4.6.1;
 * docs/architecture.md §15). One per client context, shared by all its connections and thread-safe: a connection
 * takes a ticket when it starts and puts the tickets it receives.
 *
 * <p>Bounded like the JDK's {@code SSLSessionContext} and Netty's {@code sessionCacheSize}/{@code sessionTimeout}:
 * at most {@link #maxSize()} tickets in all (the least recently used server's oldest ticket goes first), at most
 * {@value #MAX_TICKETS_PER_PEER} per server, each kept no longer than its ticket_lifetime, 7 days
 * (RFC 8446 §4.6.1) and {@link #timeoutSeconds()}. A ticket is handed out once (RFC 8446 Appendix C.4: a
 * ticket reused would let a passive observer link the connections); an evicted, expired or cleared ticket has
 * its PSK zeroed. TLS 1.2 session tickets (RFC 5077) are kept in the same entries under the same bounds, their
 * master secret zeroed like a PSK; a connection takes at most one ticket of each protocol.
 */
public final class ClientSessionCache {

    /** The default size: the JDK's ({@code javax.net.ssl.sessionCacheSize}, 20480). */
    public static final long DEFAULT_SIZE = 20_480;
    /** The default timeout: the JDK's {@code SSLSessionContext} default, 24 hours. */
    public static final long DEFAULT_TIMEOUT_SECONDS = 86_400;
    /**
     * Tickets kept per server: enough for the parallel connections a client opens to one server (OpenSSL and
     * GnuTLS servers send two per handshake), each resumed once (RFC 8446 Appendix C.4).
     */
    public static final int MAX_TICKETS_PER_PEER = 4;

    private final long maxSize;
    private final long timeoutSeconds;
    /** Access order: the first entry is the server used least recently. Guarded by {@code this}. */
    private final LinkedHashMap<Peer, ArrayDeque<ResumptionTicket>> byPeer = new LinkedHashMap<>(16, 0.75f, true);
    private long count;

    /**
     * Creates an empty cache.
     *
     * @param maxSize the most tickets kept in all, at least 1
     * @param timeoutSeconds the longest a ticket is kept, in seconds; 0 for only the ticket's own lifetime
     *        (which is at most 7 days)
     */
    public ClientSessionCache(long maxSize, long timeoutSeconds) {
        if (maxSize < 1) {
            throw new IllegalArgumentException("maxSize must be at least 1: " + maxSize);
        }
        if (timeoutSeconds < 0) {
            throw new IllegalArgumentException("timeoutSeconds must not be negative: " + timeoutSeconds);
        }
        this.maxSize = maxSize;
        this.timeoutSeconds = timeoutSeconds;
    }

    /** @return the most tickets kept in all */
    public long maxSize() {
        return maxSize;
    }

    /** @return the longest a ticket is kept, in seconds; 0 for only the ticket's own lifetime */
    public long timeoutSeconds() {
        return timeoutSeconds;
    }

    /** @return how many tickets are kept now (expired ones included until they are next looked at) */
    public synchronized long size() {
        return count;
    }

    /** Forgets every ticket, zeroing their PSKs. */
    public synchronized void clear() {
        for (ArrayDeque<ResumptionTicket> tickets : byPeer.values()) {
            for (ResumptionTicket t : tickets) {
                t.destroy();
            }
        }
        byPeer.clear();
        count = 0;
    }

    /**
     * Takes ownership of {@code ticket}: keeps it for a later connection to the server, or destroys it when
     * it is unusable (lifetime 0, RFC 8446 §4.6.1) or evicts older ones to make room.
     *
     * @param host the peer host the connection was made to
     * @param port its port
     * @param ticket the ticket
     */
    void put(String host, int port, ResumptionTicket ticket) {
        long now = ticket.receivedMillis();
        if (ticket.lifetimeSeconds() == 0) {
            // RFC 8446 §4.6.1: "A value of zero indicates that the ticket should be discarded immediately."
            ticket.destroy();
            return;
        }
        synchronized (this) {
            ArrayDeque<ResumptionTicket> tickets = byPeer.computeIfAbsent(new Peer(host, port),
                    k -> new ArrayDeque<>(MAX_TICKETS_PER_PEER));
            dropExpired(tickets, now);
            if (tickets.size() >= MAX_TICKETS_PER_PEER) {
                tickets.pollFirst().destroy();
                count--;
            }
            tickets.addLast(ticket);
            count++;
            while (count > maxSize) {
                evictOne();
            }
        }
    }

    /**
     * Takes the newest usable TLS 1.3 ticket for the server, removing it: the caller owns it and uses it once.
     * Expired tickets met on the way are destroyed.
     *
     * @param host the peer host
     * @param port its port
     * @param nowMillis the current time of the clock tickets were received by
     * @return the ticket, or {@code null} when there is none
     */
    ResumptionTicket take(String host, int port, long nowMillis) {
        return take(host, port, nowMillis, false);
    }

    /**
     * Takes the newest usable ticket of one protocol for the server, removing it: the caller owns it and uses it
     * once. TLS 1.2 session tickets (RFC 5077) and TLS 1.3 tickets share the server's entry and its bounds; a
     * client offering both versions takes one of each. Expired tickets met on the way are destroyed.
     *
     * @param host the peer host
     * @param port its port
     * @param nowMillis the current time of the clock tickets were received by
     * @param tls12 whether a TLS 1.2 ticket is wanted
     * @return the ticket, or {@code null} when there is none
     */
    synchronized ResumptionTicket take(String host, int port, long nowMillis, boolean tls12) {
        Peer peer = new Peer(host, port);
        ArrayDeque<ResumptionTicket> tickets = byPeer.get(peer);
        if (tickets == null) {
            return null;
        }
        dropExpired(tickets, nowMillis);
        ResumptionTicket ticket = null;
        for (Iterator<ResumptionTicket> it = tickets.descendingIterator(); it.hasNext(); ) {
            ResumptionTicket t = it.next();
            if (t.tls12() == tls12) {
                it.remove();
                count--;
                ticket = t;
                break;
            }
        }
        if (tickets.isEmpty()) {
            byPeer.remove(peer);
        }
        return ticket;
    }

    private void dropExpired(ArrayDeque<ResumptionTicket> tickets, long nowMillis) {
        for (Iterator<ResumptionTicket> it = tickets.iterator(); it.hasNext(); ) {
            ResumptionTicket t = it.next();
            if (nowMillis >= t.expiresMillis(timeoutSeconds) || nowMillis < t.receivedMillis()) {
                // A clock that went backwards makes the age meaningless: the ticket is dropped too.
                it.remove();
                t.destroy();
                count--;
            }
        }
    }

    private void evictOne() {
        Iterator<Map.Entry<Peer, ArrayDeque<ResumptionTicket>>> it = byPeer.entrySet().iterator();
        Map.Entry<Peer, ArrayDeque<ResumptionTicket>> eldest = it.next();
        ResumptionTicket oldest = eldest.getValue().pollFirst();
        if (oldest != null) {
            oldest.destroy();
            count--;
        }
        if (eldest.getValue().isEmpty()) {
            it.remove();
        }
    }

    @Override
    public synchronized String toString() {
        return "ClientSessionCache[" + count + " tickets of at most " + maxSize + ", " + byPeer.size() + " servers]";
    }

    /** A server: host names compare without case (RFC 4343). */
    private record Peer(String host, int port) {
        Peer {
            host = Objects.requireNonNull(host, "host").toLowerCase(Locale.ROOT);
        }
    }
}
