package dev.tls13.examples;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.File;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code server}: an HTTPS/1.1 server on the TLS 1.3 handler that answers every request with a text page
 * describing what the handshake negotiated, like {@code openssl s_server -www}.
 */
final class HttpsServer implements AutoCloseable {

    static final int DEFAULT_PORT = 8443;

    /** The help of {@code --keylog}, shared by the commands that have it. */
    static final String KEYLOG_HELP = "append the TLS secrets to FILE in the NSS key log format, for Wireshark"
            + " (default: $SSLKEYLOGFILE if set); for debugging only: the file decrypts the traffic";

    static final Options OPTIONS = new Options("server", "[options]",
            "HTTPS/1.1 server on the TLS 1.3 handler, which speaks TLS 1.2 too unless --tls1_3 is given.\n"
            + "Every request gets a text/plain page describing the negotiated protocol and parameters.\n"
            + "Logs one line per connection; runs until stopped (Ctrl-C).\n"
            + "Without --cert/--key it generates a self-signed ECDSA P-256 certificate for localhost and\n"
            + "127.0.0.1, prints its SHA-256 fingerprint and saves it to a temporary PEM file for clients.",
            List.of(
                    new Options.Spec("host", "ADDRESS", "address to listen on (default 127.0.0.1)"),
                    new Options.Spec("port", "PORT", "port to listen on (default " + DEFAULT_PORT
                            + "; 0 picks a free port)"),
                    new Options.Spec("cert", "FILE", "certificate chain, PEM, leaf first (needs --key); repeat"
                            + " --cert/--key for several chains, chosen by the client's signature_algorithms"),
                    new Options.Spec("key", "FILE", "private key, PEM (PKCS#8, PKCS#1 RSA or SEC1 EC), one per --cert"),
                    new Options.Spec("sni", "NAME=CERT,KEY", "serve this chain to clients whose SNI is NAME (a host"
                            + " name or *.domain); repeatable; other clients get the --cert chains"),
                    new Options.Spec("client-auth", "none|optional|require", "ask for a client certificate"
                            + " (default none); the page shows the verified client's subject"),
                    new Options.Spec("trust", "FILE", "CA certificates, PEM, that client certificates must chain to"
                            + " (default: the system trust store)"),
                    new Options.Spec("alpn", "LIST", "ALPN protocols, e.g. http/1.1 (default http/1.1; the server"
                            + " speaks HTTP/1.1 only)"),
                    new Options.Spec("ciphersuites", "LIST", "TLS 1.3 cipher suites, e.g."
                            + " TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256"),
                    new Options.Spec("groups", "LIST", "key exchange groups in preference order, e.g."
                            + " X25519MLKEM768:x25519 (default: the hybrids X25519MLKEM768, SecP256r1MLKEM768,"
                            + " SecP384r1MLKEM1024, then x25519, secp256r1, secp384r1, secp521r1, x448; OpenSSL names"
                            + " X25519, P-256, P-384, P-521 work too)"),
                    new Options.Spec("tls1_3", null, "accept TLS 1.3 only (default: TLS 1.3 and TLS 1.2; TLS 1.3"
                            + " only with --engine jdk|openssl)"),
                    new Options.Spec("tls1_2", null, "accept TLS 1.2 only (with --tls1_3: both)"),
                    new Options.Spec("keylog", "FILE", KEYLOG_HELP),
                    new Options.Spec("engine", "ours|jdk|openssl", "the TLS handler: ours (default), or Netty's"
                            + " SslHandler on the JDK's engine or on BoringSSL, TLS 1.3 unless --tls1_2, for"
                            + " comparisons"),
                    new Options.Spec("body-size", "BYTES", "answer every request with this many bytes instead of"
                            + " the page (for load tests)"),
                    new Options.Spec("transport", "nio|epoll", "the Netty transport (default nio)"),
                    new Options.Spec("threads", "N", "event loop threads (default 1)"),
                    new Options.Spec("quiet", null, "no line per connection")));

    /**
     * How the server serves, beyond TLS: what the load benchmark (benchmarks/load.sh) varies.
     *
     * @param engine the TLS handler
     * @param bodySize the fixed response body's size, or -1 for the page describing the connection
     * @param epoll the epoll transport rather than NIO
     * @param threads event loop threads
     * @param quiet no line per connection
     */
    record Serving(Tls.Engine engine, int bodySize, boolean epoll, int threads, boolean quiet) {
        /** Our handler over NIO on one thread, the page, a line per connection. */
        static final Serving DEFAULT = new Serving(Tls.Engine.OURS, -1, false, 1, false);
    }

    /**
     * What to start.
     *
     * @param host the address to bind
     * @param port the port, 0 for any free one
     * @param certChainPem the certificate chain file, or {@code null} to use {@code selfSigned}
     * @param keyPem the key file, or {@code null}
     * @param selfSigned the generated certificate when no files are given
     * @param selfSignedPem where the generated certificate was saved for clients, or {@code null}
     * @param applicationProtocols ALPN protocols
     * @param cipherSuites cipher suites, empty for the defaults
     * @param groups groups, empty for the defaults
     * @param moreChains the chains of further --cert/--key pairs
     * @param byServerName the chains of --sni
     * @param clientAuth {@code none}, {@code optional} or {@code require}
     * @param trustPem the CA certificates for client certificates, or {@code null}
     * @param keyLog where the TLS secrets go
     * @param serving the engine, response and transport
     * @param protocols {@code TLSv1.3} and/or {@code TLSv1.2}, empty for the defaults ({@link Tls.ServerSettings})
     */
    record Config(String host, int port, File certChainPem, File keyPem, SelfSigned selfSigned, Path selfSignedPem,
                  List<String> applicationProtocols, List<String> cipherSuites, List<String> groups,
                  List<Tls.PemChain> moreChains, List<Tls.PemChain> byServerName, String clientAuth, File trustPem,
                  Tls.KeyLog keyLog, Serving serving, List<String> protocols) {
        /** A server with the default protocols. */
        Config(String host, int port, File certChainPem, File keyPem, SelfSigned selfSigned, Path selfSignedPem,
               List<String> applicationProtocols, List<String> cipherSuites, List<String> groups,
               List<Tls.PemChain> moreChains, List<Tls.PemChain> byServerName, String clientAuth, File trustPem,
               Tls.KeyLog keyLog, Serving serving) {
            this(host, port, certChainPem, keyPem, selfSigned, selfSignedPem, applicationProtocols, cipherSuites,
                    groups, moreChains, byServerName, clientAuth, trustPem, keyLog, serving, List.of());
        }

        /** A server with one chain, no SNI chains, no client authentication and no key log. */
        Config(String host, int port, File certChainPem, File keyPem, SelfSigned selfSigned, Path selfSignedPem,
               List<String> applicationProtocols, List<String> cipherSuites, List<String> groups) {
            this(host, port, certChainPem, keyPem, selfSigned, selfSignedPem, applicationProtocols, cipherSuites,
                    groups, List.of(), List.of(), "none", null, Tls.KeyLog.NONE, Serving.DEFAULT);
        }
    }

    private final EventLoopGroup group;
    private final Channel channel;
    private final Responder responder;

    private HttpsServer(EventLoopGroup group, Channel channel, Responder responder) {
        this.group = group;
        this.channel = channel;
        this.responder = responder;
    }

    /** Runs the {@code server} command until the process is stopped. */
    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        Config config = parse(args, out, err);
        if (config.keyLog().target() != null) {
            err.println(config.keyLog().warning());
        }
        HttpsServer server;
        try {
            server = start(config, out::println);
        } catch (Exception e) {
            err.println("error: cannot start the server: " + Tls.describeFailure(e));
            return 1;
        }
        if (config.selfSignedPem() != null) {
            out.println("try: curl --tlsv1.3 --cacert " + config.selfSignedPem() + " https://localhost:"
                    + server.port() + "/");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "server-shutdown"));
        server.channel.closeFuture().syncUninterruptibly();
        return 0;
    }

    /** Parses the options and generates the certificate when none is given. */
    static Config parse(String[] args, PrintStream out, PrintStream err) throws Exception {
        Options.Parsed options = Main.parse(OPTIONS, args, out, err);
        try {
            if (!options.positionals().isEmpty()) {
                throw new Options.UsageException("unexpected argument: " + options.positionals().get(0));
            }
            List<String> certs = options.all("cert");
            List<String> keys = options.all("key");
            if (certs.size() != keys.size()) {
                throw new Options.UsageException("--cert and --key go together (one --key per --cert)");
            }
            int port = options.intValue("port", DEFAULT_PORT, 0, 65535);
            File cert = certs.isEmpty() ? null : new File(certs.get(0));
            File key = keys.isEmpty() ? null : new File(keys.get(0));
            List<Tls.PemChain> moreChains = new ArrayList<>();
            for (int i = 1; i < certs.size(); i++) {
                moreChains.add(new Tls.PemChain(null, new File(certs.get(i)), new File(keys.get(i))));
            }
            List<Tls.PemChain> byServerName = new ArrayList<>();
            for (String sni : options.all("sni")) {
                byServerName.add(sniChain(sni));
            }
            String clientAuth = options.get("client-auth", "none").toLowerCase(Locale.ROOT);
            if (!List.of("none", "optional", "require").contains(clientAuth)) {
                throw new Options.UsageException("--client-auth expects none, optional or require, got '"
                        + options.get("client-auth") + "'");
            }
            File trust = options.has("trust") ? new File(options.get("trust")) : null;
            List<String> alpn = options.has("alpn") ? options.list("alpn") : List.of("http/1.1");
            Tls.KeyLog keyLog = Tls.KeyLog.option(options.get("keylog"));
            Serving serving = serving(options);
            if (serving.engine() != Tls.Engine.OURS) {
                // Netty's engines have no key log of ours: only an explicit --keylog is an error.
                keyLog = options.has("keylog") ? keyLog : Tls.KeyLog.NONE;
            }
            Config config = new Config(options.get("host", "127.0.0.1"), port, cert, key, null, null, alpn,
                    Names.cipherSuites(options.list("ciphersuites")), Names.groups(options.list("groups")),
                    moreChains, byServerName, clientAuth, trust, keyLog, serving, Tls.protocols(options));
            if (cert == null) {
                SelfSigned selfSigned = SelfSigned.generate();
                Path file = Files.createTempFile("netty-tls13-server-", ".pem");
                file.toFile().deleteOnExit();
                selfSigned.writeCertificate(file);
                out.println("generated a self-signed ECDSA P-256 certificate for localhost and 127.0.0.1");
                out.println("  SHA-256 fingerprint: " + selfSigned.fingerprint());
                out.println("  saved to " + file + " for clients to trust");
                config = new Config(config.host(), port, null, null, selfSigned, file, alpn, config.cipherSuites(),
                        config.groups(), moreChains, byServerName, clientAuth, trust, keyLog, serving,
                        config.protocols());
            }
            return config;
        } catch (Options.UsageException e) {
            throw Main.usageError(OPTIONS, e, err);
        }
    }

    private static Serving serving(Options.Parsed options) throws Options.UsageException {
        Tls.Engine engine;
        String name = options.get("engine", "ours").toLowerCase(Locale.ROOT);
        switch (name) {
            case "ours":
                engine = Tls.Engine.OURS;
                break;
            case "jdk":
                engine = Tls.Engine.JDK;
                break;
            case "openssl":
                engine = Tls.Engine.OPENSSL;
                break;
            default:
                throw new Options.UsageException("--engine expects ours, jdk or openssl, got '" + name + "'");
        }
        String transport = options.get("transport", "nio").toLowerCase(Locale.ROOT);
        if (!List.of("nio", "epoll").contains(transport)) {
            throw new Options.UsageException("--transport expects nio or epoll, got '" + transport + "'");
        }
        return new Serving(engine, options.intValue("body-size", -1, 0, 16 * 1024 * 1024),
                transport.equals("epoll"), options.intValue("threads", 1, 1, 256), options.has("quiet"));
    }

    /** Parses {@code NAME=CERT,KEY}. */
    private static Tls.PemChain sniChain(String value) throws Options.UsageException {
        int equals = value.indexOf('=');
        String[] files = equals < 0 ? new String[0] : value.substring(equals + 1).split(",", -1);
        if (equals <= 0 || files.length != 2 || files[0].isBlank() || files[1].isBlank()) {
            throw new Options.UsageException("--sni expects NAME=CERT,KEY, got '" + value + "'");
        }
        return new Tls.PemChain(value.substring(0, equals).trim(), new File(files[0].trim()),
                new File(files[1].trim()));
    }

    /**
     * Binds and starts serving; prints {@code listening on https://HOST:PORT/} to {@code log}.
     *
     * @param config what to serve
     * @param log receives the start line and one line per connection
     * @return the running server
     * @throws Exception when the TLS configuration is wrong or the address cannot be bound
     */
    static HttpsServer start(Config config, Consumer<String> log) throws Exception {
        Serving serving = config.serving();
        Tls.ServerFactory tls = Tls.server(new Tls.ServerSettings(config.certChainPem(), config.keyPem(),
                config.selfSigned() == null ? null : config.selfSigned().key(),
                config.selfSigned() == null ? List.of() : List.of(config.selfSigned().certificate()),
                config.applicationProtocols(), config.cipherSuites(), config.groups(), config.moreChains(),
                config.byServerName(), config.clientAuth(), config.trustPem(), config.keyLog(), config.protocols()),
                serving.engine());
        Responder responder = new Responder(serving.bodySize() < 0 ? null
                : Unpooled.directBuffer(serving.bodySize()).writeBytes(new byte[serving.bodySize()]));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(serving.threads(),
                serving.epoll() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        try {
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(serving.epoll() ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                            if (!serving.quiet()) {
                                ch.pipeline().addLast(new ConnectionLog(log));
                            }
                            ch.pipeline().addLast(new ProtocolSwitch(responder));
                        }
                    })
                    .bind(config.host(), config.port()).sync().channel();
            log.accept("listening on https://" + address(channel.localAddress()) + "/");
            return new HttpsServer(group, channel, responder);
        } catch (Exception e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            responder.release();
            throw e;
        }
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Stops listening, closes every connection and waits for the event loop to end. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        responder.release();
    }

    /** {@code 127.0.0.1:4433} rather than {@code /127.0.0.1:4433}. */
    static String address(SocketAddress address) {
        if (address instanceof InetSocketAddress) {
            InetSocketAddress inet = (InetSocketAddress) address;
            String host = inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    /** The page: what this connection negotiated, like {@code openssl s_server -www}. */
    static String page(Negotiated session, String request, String peer) {
        List<X509Certificate> client = session.peerCertificates();
        return "netty-tls13-codec test server\n"
                + "\n"
                + "Request:            " + request + "\n"
                + "Client address:     " + peer + "\n"
                + "Protocol:           " + session.protocol() + "\n"
                + "Cipher suite:       " + session.cipherSuite() + "\n"
                + "Key exchange group: " + session.group() + "\n"
                + "Signature scheme:   " + Negotiated.orNone(session.signatureScheme()) + "\n"
                + "ALPN protocol:      " + Negotiated.orNone(session.applicationProtocol()) + "\n"
                + "SNI server name:    " + Negotiated.orNone(session.serverName()) + "\n"
                + "HelloRetryRequest:  " + (session.helloRetryRequest() ? "yes" : "no") + "\n"
                + "Crypto provider:    " + session.cryptoProvider() + "\n"
                + "Client certificate: " + (client.isEmpty() ? "(none)"
                        : client.get(0).getSubjectX500Principal().getName()) + "\n";
    }

    /** Logs each connection once: the negotiated parameters, or the failure and its alert. */
    private static final class ConnectionLog extends ChannelInboundHandlerAdapter {
        private final Consumer<String> log;
        private boolean logged;

        ConnectionLog(Consumer<String> log) {
            this.log = log;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof SslHandshakeCompletionEvent && !logged) {
                logged = true;
                SslHandshakeCompletionEvent event = (SslHandshakeCompletionEvent) evt;
                if (event.isSuccess()) {
                    log.accept(address(ctx.channel().remoteAddress()) + " " + Tls.negotiated(ctx.pipeline()).summary());
                } else {
                    log.accept(address(ctx.channel().remoteAddress()) + " handshake failed: "
                            + Tls.describeFailure(event.cause()));
                }
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!logged) {
                logged = true;
                log.accept(address(ctx.channel().remoteAddress()) + " failed: " + Tls.describeFailure(cause));
            }
            ctx.close();
        }
    }

    /**
     * What every request gets: the page describing the connection, or a fixed body for load tests. The body is
     * one unreleasable buffer whose duplicates every response writes, so the server itself allocates nothing
     * per response that the TLS handlers would not also see in a real application.
     */
    static final class Responder {
        private final ByteBuf source;
        private final ByteBuf fixedBody;

        /** Takes ownership of {@code fixedBody}, released by {@link #release()}; {@code null} for the page. */
        Responder(ByteBuf fixedBody) {
            this.source = fixedBody;
            this.fixedBody = fixedBody == null ? null : Unpooled.unreleasableBuffer(fixedBody);
        }

        /** Releases the fixed body once the server has stopped. */
        void release() {
            if (source != null) {
                source.release();
            }
        }

        ByteBuf body(ChannelHandlerContext ctx, String request) {
            if (fixedBody != null) {
                return fixedBody.duplicate();
            }
            String text = page(Tls.negotiated(ctx.pipeline()), request, address(ctx.channel().remoteAddress()));
            return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        }

        String contentType() {
            return fixedBody != null ? "application/octet-stream" : "text/plain; charset=utf-8";
        }
    }

    /**
     * Chooses HTTP/1.1 or HTTP/2 by the ALPN protocol once the handshake is done (RFC 7301; RFC 9113 §3.2),
     * whichever TLS handler negotiated it, then replaces itself with that protocol's handlers.
     */
    private static final class ProtocolSwitch extends ChannelInboundHandlerAdapter {
        private final Responder responder;

        ProtocolSwitch(Responder responder) {
            this.responder = responder;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof SslHandshakeCompletionEvent && ((SslHandshakeCompletionEvent) evt).isSuccess()) {
                configure(ctx);
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            // Data reaches this handler only after the handshake; a handler that reported completion after
            // the first data would still be configured here, before the data goes on.
            configure(ctx);
            ctx.fireChannelRead(msg);
        }

        private void configure(ChannelHandlerContext ctx) {
            if (ctx.isRemoved()) {
                return;
            }
            if ("h2".equals(Tls.applicationProtocol(ctx.pipeline()))) {
                ctx.pipeline().addAfter(ctx.name(), null, new H2Responder(responder))
                        .addAfter(ctx.name(), null, Http2FrameCodecBuilder.forServer().build());
            } else {
                ctx.pipeline().addAfter(ctx.name(), null, new H1Responder(responder))
                        .addAfter(ctx.name(), null, new HttpObjectAggregator(64 * 1024))
                        .addAfter(ctx.name(), null, new HttpServerCodec());
            }
            ctx.pipeline().remove(this);
        }
    }

    /** Answers every HTTP/1.1 request. */
    private static final class H1Responder extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Responder responder;

        H1Responder(Responder responder) {
            this.responder = responder;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            ByteBuf body = responder.body(ctx, request.method() + " " + request.uri() + " "
                    + request.protocolVersion());
            FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(),
                    HttpResponseStatus.OK, body);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, responder.contentType());
            HttpUtil.setContentLength(response, body.readableBytes());
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (keepAlive && request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            } else if (!keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            if (keepAlive) {
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Answers every HTTP/2 request once its stream's request is complete (END_STREAM, RFC 9113 §8.1). */
    private static final class H2Responder extends ChannelInboundHandlerAdapter {
        private final Responder responder;

        H2Responder(Responder responder) {
            this.responder = responder;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame) {
                Http2HeadersFrame headers = (Http2HeadersFrame) msg;
                if (headers.isEndStream()) {
                    respond(ctx, headers.stream(), headers.headers().method() + " " + headers.headers().path()
                            + " HTTP/2");
                }
            } else if (msg instanceof Http2DataFrame) {
                Http2DataFrame data = (Http2DataFrame) msg;
                boolean end = data.isEndStream();
                Http2FrameStream stream = data.stream();
                data.release();
                if (end) {
                    respond(ctx, stream, "(body) HTTP/2");
                }
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        private void respond(ChannelHandlerContext ctx, Http2FrameStream stream, String request) {
            ByteBuf body = responder.body(ctx, request);
            Http2Headers headers = new DefaultHttp2Headers().status(HttpResponseStatus.OK.codeAsText())
                    .set(HttpHeaderNames.CONTENT_TYPE, responder.contentType())
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
            ctx.write(new DefaultHttp2HeadersFrame(headers).stream(stream));
            ctx.writeAndFlush(new DefaultHttp2DataFrame(body, true).stream(stream));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
