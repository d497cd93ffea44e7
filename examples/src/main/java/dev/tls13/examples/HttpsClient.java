package dev.tls13.examples;

import dev.tls13.netty.Tls13Handler;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.io.File;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECParameterSpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code client}: connects with the TLS 1.3 handler, prints what the handshake negotiated and the server's
 * chain, sends {@code GET / HTTP/1.1} and prints the response.
 */
final class HttpsClient {

    /** Seconds to wait for the connection, the handshake and the response, each. */
    static final int TIMEOUT_SECONDS = 10;

    static final Options OPTIONS = new Options("client", "HOST:PORT [options]",
            "Connects over TLS 1.3 or TLS 1.2, prints the negotiated protocol and parameters and the server's\n"
            + "certificate chain, sends GET / HTTP/1.1 and prints the response. Exit status 0 when a 2xx\n"
            + "response arrives, "
            + "1 on any failure (the TLS failure and its alert are printed), 2 on a wrong command line.\n"
            + "By default the server must have a chain the system trust store accepts, for the host name.",
            List.of(
                    new Options.Spec("trust", "FILE", "trust exactly the certificates of this PEM file (instead of the"
                            + " system trust store); the host name is still verified"),
                    new Options.Spec("cert", "FILE", "client certificate chain, PEM, leaf first (needs --key),"
                            + " presented when the server asks for one"),
                    new Options.Spec("key", "FILE", "the client certificate's private key, PEM"),
                    new Options.Spec("insecure", null,
                            "accept any certificate and any host name (INSECURE: for tests)"),
                    new Options.Spec("alpn", "LIST", "ALPN protocols to offer, e.g. h2,http/1.1 (default: none)"),
                    new Options.Spec("servername", "NAME",
                            "SNI name to send (default: HOST unless it is an IP address)"),
                    new Options.Spec("ciphersuites", "LIST", "TLS 1.3 cipher suites to offer, e.g."
                            + " TLS_AES_256_GCM_SHA384"),
                    new Options.Spec("groups", "LIST", "key exchange groups in preference order, e.g."
                            + " X25519MLKEM768:x25519 (default: the hybrids X25519MLKEM768, SecP256r1MLKEM768,"
                            + " SecP384r1MLKEM1024, then x25519, secp256r1, secp384r1, secp521r1, x448, with shares"
                            + " for X25519MLKEM768 and x25519; OpenSSL names X25519, P-256, P-384, P-521 work too)"),
                    new Options.Spec("tls1_3", null, "offer TLS 1.3 only (default: TLS 1.3 and TLS 1.2)"),
                    new Options.Spec("tls1_2", null, "offer TLS 1.2 only (with --tls1_3: both)"),
                    new Options.Spec("keylog", "FILE", HttpsServer.KEYLOG_HELP)));

    /**
     * A connection to make.
     *
     * @param host the server's host name or address: the name verified against its certificate
     * @param port the port
     * @param connectTo where to connect, or {@code null} to resolve {@code host}
     * @param tls the TLS settings
     */
    record Config(String host, int port, InetSocketAddress connectTo, Tls.ClientSettings tls) {
    }

    /**
     * What came back.
     *
     * @param session what the client negotiated
     * @param status the HTTP status code
     * @param response the status line, the headers and the body
     * @param body the body
     */
    record Result(Negotiated session, int status, String response, String body) {
    }

    /** A failed connection, with a message meant for the user. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message, null, false, false);
        }
    }

    private HttpsClient() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Main.Exit {
        Config config = parse(args, out, err);
        if (config.tls().trust() == Tls.Trust.INSECURE) {
            err.println("WARNING: --insecure: the server's certificate and host name are NOT verified;"
                    + " anyone on the path can read and change this connection.");
        }
        if (config.tls().keyLog().target() != null) {
            err.println(config.tls().keyLog().warning());
        }
        try {
            Result result = fetch(config, out);
            return result.status() / 100 == 2 ? 0 : 1;
        } catch (Failure e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    static Config parse(String[] args, PrintStream out, PrintStream err) throws Main.Exit {
        Options.Parsed options = Main.parse(OPTIONS, args, out, err);
        try {
            if (options.positionals().size() != 1) {
                throw new Options.UsageException(options.positionals().isEmpty() ? "missing HOST:PORT"
                        : "unexpected argument: " + options.positionals().get(1));
            }
            String target = options.positionals().get(0);
            int colon = target.lastIndexOf(':');
            if (colon <= 0 || colon == target.length() - 1) {
                throw new Options.UsageException("expected HOST:PORT, got '" + target + "'");
            }
            String host = target.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(target.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new Options.UsageException("expected HOST:PORT, got '" + target + "'");
            }
            if (port < 1 || port > 65535) {
                throw new Options.UsageException("port out of range: " + port);
            }
            if (options.has("insecure") && options.has("trust")) {
                throw new Options.UsageException("--insecure and --trust exclude each other");
            }
            Tls.Trust trust = options.has("insecure") ? Tls.Trust.INSECURE
                    : options.has("trust") ? Tls.Trust.PEM : Tls.Trust.SYSTEM;
            File trustPem = options.has("trust") ? new File(options.get("trust")) : null;
            if (options.has("cert") != options.has("key")) {
                throw new Options.UsageException("--cert and --key go together");
            }
            Tls.PemChain clientChain = options.has("cert")
                    ? new Tls.PemChain(null, new File(options.get("cert")), new File(options.get("key"))) : null;
            Tls.ClientSettings tls = new Tls.ClientSettings(trust, trustPem, List.of(), options.list("alpn"),
                    options.get("servername"), Names.cipherSuites(options.list("ciphersuites")),
                    Names.groups(options.list("groups")), clientChain, Tls.KeyLog.option(options.get("keylog")),
                    Tls.protocols(options));
            return new Config(host, port, null, tls);
        } catch (Options.UsageException e) {
            throw Main.usageError(OPTIONS, e, err);
        }
    }

    /**
     * Connects, prints the handshake and the response to {@code out}, and closes.
     *
     * @param config the connection to make
     * @param out receives the negotiated parameters, the chain and the response
     * @return the result
     * @throws Failure when the connection, the handshake or the request fails
     */
    static Result fetch(Config config, PrintStream out) throws Failure {
        Tls.ClientFactory tls;
        try {
            tls = Tls.client(config.tls());
        } catch (Exception e) {
            throw new Failure("bad TLS configuration: " + Tls.describeFailure(e));
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Promise<FullHttpResponse> response = group.next().newPromise();
            // Kept from initChannel: a server that refuses the handshake closes the channel, and its
            // pipeline may be torn down before this thread looks at the handshake.
            AtomicReference<Tls13Handler> tlsHandler = new AtomicReference<>();
            Bootstrap bootstrap = new Bootstrap()
                    .group(group)
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, TIMEOUT_SECONDS * 1000)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            Tls13Handler handler = tls.newHandler(ch.alloc(), config.host(), config.port());
                            tlsHandler.set(handler);
                            ch.pipeline().addLast(handler)
                                    .addLast(new HttpClientCodec())
                                    .addLast(new HttpObjectAggregator(1024 * 1024))
                                    .addLast(new ResponseHandler(response));
                        }
                    });
            String target = config.host() + ":" + config.port();
            ChannelFuture connect = config.connectTo() != null
                    ? bootstrap.connect(config.connectTo()) : bootstrap.connect(config.host(), config.port());
            if (!connect.awaitUninterruptibly(TIMEOUT_SECONDS + 1, TimeUnit.SECONDS) || !connect.isSuccess()) {
                throw new Failure("cannot connect to " + target + ": "
                        + (connect.cause() == null ? "timed out" : Tls.describeFailure(connect.cause())));
            }
            Channel channel = connect.channel();
            try {
                Future<Channel> handshake = tlsHandler.get().handshakeFuture();
                if (!handshake.awaitUninterruptibly(TIMEOUT_SECONDS + 1, TimeUnit.SECONDS)) {
                    throw new Failure("TLS handshake with " + target + " timed out");
                }
                if (!handshake.isSuccess()) {
                    throw new Failure("TLS handshake with " + target + " failed: "
                            + Tls.describeFailure(handshake.cause()));
                }
                Negotiated session = Tls.negotiated(tlsHandler.get());
                printSession(session, out);
                FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
                request.headers().set(HttpHeaderNames.HOST, hostHeader(config.host(), config.port()))
                        .set(HttpHeaderNames.USER_AGENT, "netty-tls13-examples")
                        .set(HttpHeaderNames.ACCEPT, "*/*")
                        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                out.println("--- GET / HTTP/1.1 (Host: " + hostHeader(config.host(), config.port()) + ")");
                channel.writeAndFlush(request);
                if (!response.awaitUninterruptibly(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    throw new Failure("no response from " + target + " within " + TIMEOUT_SECONDS + " s");
                }
                if (!response.isSuccess()) {
                    throw new Failure("request to " + target + " failed: " + Tls.describeFailure(response.cause()));
                }
                FullHttpResponse full = response.getNow();
                try {
                    StringBuilder text = new StringBuilder();
                    text.append(full.protocolVersion()).append(' ').append(full.status()).append('\n');
                    for (Map.Entry<String, String> header : full.headers()) {
                        text.append(header.getKey()).append(": ").append(header.getValue()).append('\n');
                    }
                    String body = full.content().toString(StandardCharsets.UTF_8);
                    text.append('\n').append(body);
                    out.print(text);
                    if (!body.endsWith("\n")) {
                        out.println();
                    }
                    out.flush();
                    return new Result(session, full.status().code(), text.toString(), body);
                } finally {
                    full.release();
                }
            } finally {
                channel.close().awaitUninterruptibly(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    private static String hostHeader(String host, int port) {
        String name = host.contains(":") ? "[" + host + "]" : host;
        return port == 443 ? name : name + ":" + port;
    }

    static void printSession(Negotiated session, PrintStream out) {
        out.println("--- TLS handshake complete");
        out.println("Protocol:           " + session.protocol());
        out.println("Cipher suite:       " + session.cipherSuite());
        out.println("Key exchange group: " + session.group());
        out.println("Signature scheme:   " + Negotiated.orNone(session.signatureScheme()));
        out.println("ALPN protocol:      " + Negotiated.orNone(session.applicationProtocol()));
        out.println("SNI server name:    " + Negotiated.orNone(session.serverName()));
        out.println("HelloRetryRequest:  " + (session.helloRetryRequest() ? "yes" : "no"));
        out.println("Crypto provider:    " + session.cryptoProvider());
        out.println("--- Server certificate chain");
        List<X509Certificate> chain = session.peerCertificates();
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate certificate = chain.get(i);
            out.println(" " + i + " s: " + certificate.getSubjectX500Principal().getName());
            out.println("   i: " + certificate.getIssuerX500Principal().getName());
            out.println("   key: " + keyType(certificate) + ", SHA-256 " + SelfSigned.fingerprint(certificate));
        }
    }

    static String keyType(X509Certificate certificate) {
        if (certificate.getPublicKey() instanceof RSAPublicKey) {
            return "RSA " + ((RSAPublicKey) certificate.getPublicKey()).getModulus().bitLength() + " bits";
        }
        if (certificate.getPublicKey() instanceof ECPublicKey) {
            ECParameterSpec params = ((ECPublicKey) certificate.getPublicKey()).getParams();
            int bits = params.getCurve().getField().getFieldSize();
            return bits == 256 || bits == 384 || bits == 521 ? "EC P-" + bits : "EC " + bits + " bits";
        }
        return certificate.getPublicKey().getAlgorithm();
    }

    /** Completes the promise with the first full response, or fails it when the channel ends first. */
    private static final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final Promise<FullHttpResponse> response;

        ResponseHandler(Promise<FullHttpResponse> response) {
            super(false);
            this.response = response;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse msg) {
            if (!response.trySuccess(msg)) {
                msg.release();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof SslCloseCompletionEvent) {
                // The server's close_notify ends the stream; an HTTP/1.0 response without a length (openssl
                // s_server -www) ends there, and closing lets the HTTP decoder finish it.
                ctx.close();
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            response.tryFailure(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            response.tryFailure(new ClosedChannelException());
            super.channelInactive(ctx);
        }
    }
}
