package dev.tls13.jsse;

import java.util.Collections;
import java.util.Enumeration;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

/**
 * The session context of a {@link Tls13SslContextSpi}. The adapter does not resume sessions, so the
 * context caches nothing; it keeps the limits callers set (Netty's {@code JdkSslServerContext} sets them).
 */
final class Tls13SessionContext implements SSLSessionContext {

    private volatile int timeout = 86_400;
    private volatile int cacheSize;

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
    }

    @Override
    public int getSessionCacheSize() {
        return cacheSize;
    }
}
