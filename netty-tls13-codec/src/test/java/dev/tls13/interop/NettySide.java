package dev.tls13.interop;

import dev.tls13.testing.TestPki;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.AttributeKey;
import io.netty.util.Mapping;
import java.security.AlgorithmConstraints;
import java.security.AlgorithmParameters;
import java.security.CryptoPrimitive;
import java.security.Key;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/** The other end: Netty's own {@link SslHandler}, with the JDK's engine or BoringSSL (netty-tcnative). */
final class NettySide implements TlsSide {

    /** Which engine Netty's {@code SslHandler} runs. */
    enum Peer {
        /** The JDK's {@code SSLEngine} (SunJSSE). */
        JDK(SslProvider.JDK),
        /** BoringSSL through netty-tcnative-boringssl-static. */
        BORINGSSL(SslProvider.OPENSSL);

        private final SslProvider provider;

        Peer(SslProvider provider) {
            this.provider = provider;
        }

        @Override
        public String toString() {
            return this == JDK ? "JDK" : "BoringSSL";
        }
    }

    /** The host name a server received in SNI, recorded by {@link RecordingSniHandler}. */
    static final AttributeKey<String> SNI = AttributeKey.valueOf("dev.tls13.interop.sni");

    private final Peer peer;
    private final SslContext context;
    private final boolean server;
    private final Set<String> deniedGroups;

    private NettySide(Peer peer, SslContext context, boolean server, Set<String> deniedGroups) {
        this.peer = peer;
        this.context = context;
        this.server = server;
        this.deniedGroups = deniedGroups;
    }

    /** Options for a Netty-side context. */
    static final class Options {
        private String[] alpn;
        private String[] groups;
        private String[] ciphers;
        private Set<String> deniedGroups = Set.of();

        /** @param protocols ALPN protocols, in preference order @return this */
        Options alpn(String... protocols) {
            this.alpn = protocols;
            return this;
        }

        /**
         * BoringSSL only: the groups it may use ({@code OpenSslContextOption.GROUPS}).
         *
         * @param names group names
         * @return this
         */
        Options groups(String... names) {
            this.groups = names;
            return this;
        }

        /** JDK only (BoringSSL ignores TLS 1.3 suite configuration). @param names suites @return this */
        Options ciphers(String... names) {
            this.ciphers = names;
            return this;
        }

        /**
         * JDK only: groups its engine must not use for key agreement. JDK 17 has no per-engine group
         * setting ({@code SSLParameters.setNamedGroups} came in JDK 20), but it asks the engine's
         * {@link AlgorithmConstraints} whether each named group is permitted.
         *
         * @param names group names as the JDK spells them, e.g. "x25519"
         * @return this
         */
        Options denyGroups(String... names) {
            this.deniedGroups = Set.of(names);
            return this;
        }
    }

    static NettySide server(Peer peer, TestPki.Issued certificate, Options options) throws SSLException {
        SslContextBuilder builder = SslContextBuilder.forServer(certificate.privateKey(),
                certificate.chain().toArray(new X509Certificate[0]));
        return new NettySide(peer, build(peer, builder, options), true, options.deniedGroups);
    }

    static NettySide client(Peer peer, X509Certificate anchor, Options options) throws SSLException {
        SslContextBuilder builder = SslContextBuilder.forClient().trustManager(anchor);
        return new NettySide(peer, build(peer, builder, options), false, options.deniedGroups);
    }

    private static SslContext build(Peer peer, SslContextBuilder builder, Options options) throws SSLException {
        builder.sslProvider(peer.provider).protocols("TLSv1.3");
        if (options.alpn != null) {
            builder.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, options.alpn));
        }
        if (options.groups != null) {
            if (peer != Peer.BORINGSSL) {
                throw new IllegalArgumentException("groups(...) is a BoringSSL option; use denyGroups for the JDK");
            }
            builder.option(OpenSslContextOption.GROUPS, options.groups);
        }
        if (options.ciphers != null) {
            if (peer != Peer.JDK) {
                throw new IllegalArgumentException("BoringSSL ignores TLS 1.3 cipher suite configuration");
            }
            builder.ciphers(List.of(options.ciphers));
        }
        if (!options.deniedGroups.isEmpty() && peer != Peer.JDK) {
            throw new IllegalArgumentException("denyGroups is a JDK option; use groups for BoringSSL");
        }
        return builder.build();
    }

    @Override
    public String label() {
        return peer.toString();
    }

    Peer peer() {
        return peer;
    }

    @Override
    public void install(Channel channel, String peerHost, int peerPort) {
        if (server) {
            channel.pipeline().addLast(new RecordingSniHandler(this));
        } else {
            SslHandler handler = context.newHandler(channel.alloc(), peerHost, peerPort);
            customize(handler.engine());
            channel.pipeline().addLast(handler);
        }
    }

    private void customize(SSLEngine engine) {
        if (deniedGroups.isEmpty()) {
            return;
        }
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setAlgorithmConstraints(new GroupDenial(deniedGroups));
        engine.setSSLParameters(parameters);
    }

    @Override
    public Negotiated negotiated(ChannelPipeline pipeline) {
        SslHandler handler = pipeline.get(SslHandler.class);
        SSLSession session = handler.engine().getSession();
        String sni = server ? pipeline.channel().attr(SNI).get() : null;
        return new Negotiated(session.getProtocol(), session.getCipherSuite(), null, null,
                handler.applicationProtocol(), sni, null);
    }

    /** Netty's SNI handler, recording the host name it saw before it installs the {@code SslHandler}. */
    private static final class RecordingSniHandler extends SniHandler {
        private final NettySide side;

        RecordingSniHandler(NettySide side) {
            super((Mapping<String, SslContext>) host -> side.context);
            this.side = side;
        }

        @Override
        protected void replaceHandler(ChannelHandlerContext ctx, String hostname, SslContext sslContext)
                throws Exception {
            ctx.channel().attr(SNI).set(hostname);
            super.replaceHandler(ctx, hostname, sslContext);
        }

        @Override
        protected SslHandler newSslHandler(SslContext context, ByteBufAllocator allocator) {
            SslHandler handler = super.newSslHandler(context, allocator);
            side.customize(handler.engine());
            return handler;
        }
    }

    /**
     * Denies named groups for key agreement and permits everything else. The JDK checks a named group
     * with the KEY_AGREEMENT primitive and the group's name; only x25519 and x448 are safe to deny this
     * way, since the EC groups' names are also checked for ECDSA signature schemes.
     */
    private static final class GroupDenial implements AlgorithmConstraints {
        private final Set<String> denied;

        GroupDenial(Set<String> denied) {
            for (String name : denied) {
                if (!name.equals("x25519") && !name.equals("x448")) {
                    throw new IllegalArgumentException("only x25519 and x448 can be denied safely: " + name);
                }
            }
            this.denied = denied;
        }

        @Override
        public boolean permits(Set<CryptoPrimitive> primitives, String algorithm, AlgorithmParameters parameters) {
            return algorithm == null || !denied.contains(algorithm.toLowerCase(Locale.ROOT));
        }

        @Override
        public boolean permits(Set<CryptoPrimitive> primitives, Key key) {
            return true;
        }

        @Override
        public boolean permits(Set<CryptoPrimitive> primitives, String algorithm, Key key,
                               AlgorithmParameters parameters) {
            return permits(primitives, algorithm, parameters);
        }
    }
}
