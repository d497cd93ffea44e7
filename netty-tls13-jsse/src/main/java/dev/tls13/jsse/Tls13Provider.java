package dev.tls13.jsse;

import java.security.Provider;
import java.util.List;

/**
 * A JCA provider whose {@code SSLContext.TLSv1.3} and {@code SSLContext.TLS} services are the netty-tls13
 * engine ({@link Tls13SslContextSpi}). Use it without registering it globally:
 * {@code SSLContext.getInstance("TLSv1.3", new Tls13Provider())}, or hand it to Netty with
 * {@code SslContextBuilder.forServer(...).sslProvider(SslProvider.JDK).sslContextProvider(new Tls13Provider())}.
 */
public final class Tls13Provider extends Provider {

    private static final long serialVersionUID = 1L;

    /** The provider name. */
    public static final String NAME = "Tls13";

    /** A provider whose contexts use the default named groups. */
    public Tls13Provider() {
        this(Tls13SslContextSpi.DEFAULT_GROUPS);
    }

    /**
     * A provider whose contexts offer (client) or accept (server) only the given named groups, in
     * preference order ({@code SSLParameters} of Java 17 has no way to set them per engine).
     *
     * @param namedGroups group names: X25519MLKEM768, SecP256r1MLKEM768, SecP384r1MLKEM1024, x25519, secp256r1,
     *        secp384r1, secp521r1, x448
     * @throws IllegalArgumentException for an unknown name or an empty list
     */
    public Tls13Provider(List<String> namedGroups) {
        super(NAME, "0.1", "TLS 1.3 (RFC 8446) SSLContext over the netty-tls13 codec");
        List<String> groups = List.copyOf(namedGroups);
        Tls13SslContextSpi.groups(groups);
        for (String protocol : new String[] {"TLSv1.3", "TLS"}) {
            putService(new ContextService(this, protocol, groups));
        }
    }

    /** Creates the SPI with this provider's groups instead of by reflection. */
    private static final class ContextService extends Service {
        private final List<String> groups;

        ContextService(Provider provider, String protocol, List<String> groups) {
            super(provider, "SSLContext", protocol, Tls13SslContextSpi.class.getName(), null, null);
            this.groups = groups;
        }

        @Override
        public Object newInstance(Object constructorParameter) {
            return new Tls13SslContextSpi(groups);
        }
    }
}
