package dev.tls13.jsse;

import dev.tls13.Tls13SessionTicketKey;
import dev.tls13.connection.ClientSessionCache;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

/**
 * The session context of a {@link Tls13SslContextSpi}, one for its clients and one for its servers
 * (docs/architecture.md §15). The engine builds a {@code Tls13Context} per handshake, so what resumption needs
 * across engines lives here: for clients, the {@link ClientSessionCache} every client engine's context shares
 * (tickets keyed by the engine's peer host and port); for servers, the session ticket key every server engine's
 * context seals and opens tickets with. TLS 1.3 has no session ids, so {@link #getSession} and {@link #getIds}
 * find nothing, as the JDK's own TLS 1.3 tickets are not listed there either.
 *
 * <p>{@code setSessionCacheSize} and {@code setSessionTimeout} take the JDK's meaning: 0 is no limit (here
 * the JDK's default size, and for the timeout only the ticket's own lifetime, at most 7 days by RFC 8446
 * §4.6.1). A change replaces the client cache (its tickets are dropped, their PSKs zeroed); on the server side
 * the timeout becomes the lifetime of the tickets issued afterwards.
 */
final class Tls13SessionContext implements SSLSessionContext {

    /** RFC 8446 §4.6.1: a ticket lifetime is at most 7 days. */
    private static final int MAX_TICKET_LIFETIME_SECONDS = 7 * 24 * 3600;

    private final boolean client;
    private final Tls13SessionTicketKey ticketKey;
    private volatile int timeout = (int) ClientSessionCache.DEFAULT_TIMEOUT_SECONDS;
    private volatile int cacheSize;
    private volatile ClientSessionCache cache;

    /**
     * @param client whether this is the client sessions' context (else the server's)
     * @param random the source of the server's ticket key
     */
    Tls13SessionContext(boolean client, SecureRandom random) {
        this.client = client;
        if (client) {
            ticketKey = null;
            cache = newCache();
        } else {
            byte[] name = new byte[Tls13SessionTicketKey.NAME_SIZE];
            byte[] key = new byte[Tls13SessionTicketKey.KEY_SIZE];
            random.nextBytes(name);
            random.nextBytes(key);
            ticketKey = new Tls13SessionTicketKey(name, key);
            Arrays.fill(key, (byte) 0);
        }
    }

    private ClientSessionCache newCache() {
        long size = cacheSize == 0 ? ClientSessionCache.DEFAULT_SIZE : cacheSize;
        return new ClientSessionCache(size, timeout);
    }

    /** @return the cache every client engine of the SSLContext keeps and offers tickets in */
    ClientSessionCache clientCache() {
        return cache;
    }

    /** @return the key every server engine of the SSLContext seals its tickets with */
    Tls13SessionTicketKey ticketKey() {
        return ticketKey;
    }

    /** @return the lifetime of the tickets a server issues: the timeout, at most 7 days */
    Duration ticketLifetime() {
        int seconds = timeout;
        return Duration.ofSeconds(seconds == 0 ? MAX_TICKET_LIFETIME_SECONDS
                : Math.min(seconds, MAX_TICKET_LIFETIME_SECONDS));
    }

    private synchronized void replaceCache() {
        if (client) {
            ClientSessionCache old = cache;
            cache = newCache();
            old.clear();
        }
    }

    @Override
    public SSLSession getSession(byte[] sessionId) {
        return null;
    }

    @Override
    public Enumeration<byte[]> getIds() {
        return Collections.emptyEnumeration();
    }

    @Override
    public void setSessionTimeout(int seconds) {
        if (seconds < 0) {
            throw new IllegalArgumentException("negative timeout: " + seconds);
        }
        timeout = seconds;
        replaceCache();
    }

    @Override
    public int getSessionTimeout() {
        return timeout;
    }

    @Override
    public void setSessionCacheSize(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("negative cache size: " + size);
        }
        cacheSize = size;
        replaceCache();
    }

    @Override
    public int getSessionCacheSize() {
        return cacheSize;
    }
}
