package dev.tls13.jsse;

import dev.tls13.Tls13Context;
import dev.tls13.Tls13ContextBuilder;
import dev.tls13.connection.ClientHelloInfo;
import dev.tls13.connection.Limits;
import dev.tls13.connection.Refusal;
import dev.tls13.connection.TlsConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * An {@link SSLEngine} that speaks TLS 1.3 and TLS 1.2 (both enabled by default, {@link #setEnabledProtocols})
 * through the netty-tls13 sans-IO core ({@link TlsConnection}); a TLS 1.2 session says {@code "TLSv1.2"} in
 * {@code SSLSession.getProtocol()} and names its TLS 1.2 suite in {@code getCipherSuite()}. The TLS 1.2 suites are
 * the codec's (docs/architecture.md §16) whatever {@link #setEnabledCipherSuites} says, which picks TLS 1.3 suites.
 *
 * <p>It follows what Netty's {@code SslHandler} and {@code JdkSslContext} rely on: {@code unwrap}
 * consumes exactly one whole record per call ({@code BUFFER_UNDERFLOW} with nothing consumed when less
 * is available, {@code BUFFER_OVERFLOW} when the destinations cannot hold the largest plaintext the record
 * may carry, judged before decryption because a decrypted record cannot be put back);
 * {@code wrap} seals at most one record of application data per call and gathers from several buffers;
 * {@link HandshakeStatus#FINISHED} is returned once, by the call that completed the handshake (after the
 * last handshake bytes were wrapped). There are no delegated tasks: {@link #getDelegatedTask()} always
 * returns {@code null}. Key and trust managers are called back with this engine, as the JDK does.
 *
 * <p>A server reads the whole ClientHello before it builds its configuration (the core's accept step,
 * {@link TlsConnection#accepting}), so the ALPN selector ({@link #setHandshakeApplicationProtocolSelector})
 * sees the client's protocols and the key manager's {@code chooseEngineServerAlias} sees the requested
 * server names in the handshake session. A selector that accepts none of the client's protocols, or a
 * configuration that cannot be built (no usable certificate), refuses the client with
 * no_application_protocol or handshake_failure.
 *
 * <p>It uses the codec's public API only ({@code dev.tls13}, {@code dev.tls13.connection}): each engine
 * builds its configuration with a {@link Tls13ContextBuilder} from its key and trust managers and
 * {@link SSLParameters}, and drives a {@link TlsConnection}.
 *
 * <p>Thread-safe: every method is synchronized, as the engine may be used from a delegated-task thread.
 */
public final class Tls13SslEngine extends SSLEngine {

    private static final String[] KEY_TYPES = Tls13ContextBuilder.keyTypes().toArray(new String[0]);
    private static final int MAX_FRAGMENT = TlsConnection.MAX_PLAINTEXT_LENGTH;

    private final Tls13SslContextSpi context;
    /**
     * Heap buffers outside Netty's leak detector: an {@code SSLEngine} has no release hook (a wrapping
     * {@code JdkSslEngine} hides any {@code ReferenceCounted}), so what the core still holds when an engine
     * is dropped mid-connection is reclaimed by the garbage collector.
     */
    private static final ByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false, true);

    private final Tls13Session session;
    private final ArrayDeque<ByteBuf> received = new ArrayDeque<>();

    private boolean clientMode;
    private boolean clientModeFixed;
    private String[] enabledSuites = Tls13SslContextSpi.names(Tls13SslContextSpi.DEFAULT_SUITES);
    private String[] enabledProtocols = Tls13SslContextSpi.PROTOCOLS.toArray(new String[0]);
    private boolean needClientAuth;
    private boolean wantClientAuth;
    private boolean enableSessionCreation = true;
    private List<SNIServerName> serverNames;
    private String endpointIdentificationAlgorithm;
    private String[] applicationProtocols = new String[0];
    private BiFunction<SSLEngine, List<String>, String> selector;

    private boolean started;
    private TlsConnection connection;
    private ByteBuf pending;
    private boolean finishedOnDrain;
    private boolean inboundDone;
    private boolean outboundClosedEarly;
    private String handshakeApplicationProtocol;

    Tls13SslEngine(Tls13SslContextSpi context, String peerHost, int peerPort) {
        super(peerHost, peerPort);
        this.context = context;
        this.session = new Tls13Session(this);
    }

    // ---- handshake driving ------------------------------------------------------------------------------

    @Override
    public synchronized void beginHandshake() throws SSLException {
        if (connection != null && connection.isHandshakeComplete()) {
            // RFC 8446 §4: TLS 1.3 has no renegotiation; our TLS 1.2 refuses it too (docs/architecture.md §16).
            throw new SSLException("renegotiation is not supported");
        }
        start();
    }

    private void start() throws SSLException {
        if (started) {
            return;
        }
        if (enabledSuites.length == 0 || enabledProtocols.length == 0) {
            throw new SSLHandshakeException("no TLS 1.3 cipher suite or no protocol enabled");
        }
        started = true;
        clientModeFixed = true;
        if (outboundClosedEarly) {
            return;
        }
        if (clientMode) {
            Tls13Context client = clientContext();
            String serverName = client.serverNameFor(getPeerHost());
            if (serverName != null) {
                session.requestedServerNames(List.of(new SNIHostName(serverName)));
            }
            // Only an engine created with the peer's host and port resumes (the JDK's rule too): the session
            // cache is keyed by both (docs/architecture.md §15).
            connection = getPeerHost() != null && getPeerPort() > 0
                    ? client.newConnection(ALLOC, getPeerHost(), getPeerPort(), new Events())
                    : client.newConnection(ALLOC, getPeerHost(), new Events());
            connection.start();
            collectOutput();
        }
    }

    synchronized boolean isHandshaking() {
        return started && (connection == null || !connection.isHandshakeComplete());
    }

    /**
     * The client's configuration: this engine's suites, groups and ALPN protocols, its trust manager
     * (called with this engine) and endpoint identification, the SNI host name of its
     * {@code SSLParameters}, and the certificate its key manager chooses for this engine, if any.
     */
    private Tls13Context clientContext() throws SSLException {
        Tls13ContextBuilder builder = Tls13Context.forClient()
                .protocols(enabledProtocols)
                .cipherSuites(enabledSuites)
                .namedGroups(context.namedGroups().toArray(new String[0]))
                .applicationProtocols(applicationProtocols)
                .trustManager(new EngineTrust(context.trustManager(), true))
                .endpointIdentificationAlgorithm(endpointIdentificationAlgorithm)
                .sessionCache(context.sessionContext(true).clientCache());
        if (serverNames != null) {
            // Explicit SSLParameters server names replace the peer host, and an empty list sends none.
            String name = null;
            for (SNIServerName candidate : serverNames) {
                if (candidate instanceof SNIHostName) {
                    name = ((SNIHostName) candidate).getAsciiName();
                    break;
                }
            }
            builder.serverName(name).sendServerName(name != null);
        }
        X509KeyManager keys = context.keyManager();
        if (keys != null) {
            String alias = keys instanceof X509ExtendedKeyManager
                    ? ((X509ExtendedKeyManager) keys).chooseEngineClientAlias(KEY_TYPES, null, this)
                    : keys.chooseClientAlias(KEY_TYPES, null, null);
            addKey(builder, keys, alias);
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new SSLHandshakeException("client configuration failed: " + e.getMessage());
        }
    }

    /**
     * The server's configuration for one ClientHello: records the requested server name and the client's
     * signature algorithms in the handshake session (the key manager reads them), asks the ALPN selector,
     * then the key manager for this engine's certificates.
     *
     * @return the context, or {@code null} when the selector accepts none of the client's protocols
     */
    private Tls13Context serverContext(ClientHelloInfo hello) throws SSLException {
        if (hello.serverName() != null) {
            session.requestedServerNames(List.of(new SNIHostName(hello.serverName())));
        }
        if (!hello.signatureSchemes().isEmpty()) {
            session.peerSignatureAlgorithms(Tls13Session.jcaNames(hello.signatureSchemes()));
        }
        List<String> offered = hello.applicationProtocols();
        List<String> protocols;
        if (offered.isEmpty()) {
            protocols = List.of();
            handshakeApplicationProtocol = "";
        } else if (selector != null) {
            String chosen = selector.apply(this, offered);
            handshakeApplicationProtocol = chosen;
            if (chosen == null) {
                return null;
            }
            protocols = chosen.isEmpty() ? List.of() : List.of(chosen);
        } else {
            protocols = List.of(applicationProtocols);
            handshakeApplicationProtocol = protocols.stream().filter(offered::contains).findFirst().orElse("");
        }
        Tls13ContextBuilder builder = serverKeys();
        Tls13SessionContext serverSessions = context.sessionContext(false);
        ClientAuth auth = needClientAuth ? ClientAuth.REQUIRE : wantClientAuth ? ClientAuth.OPTIONAL : ClientAuth.NONE;
        builder.protocols(enabledProtocols)
                .cipherSuites(enabledSuites)
                .namedGroups(context.namedGroups().toArray(new String[0]))
                .applicationProtocols(protocols)
                .clientAuth(auth)
                .certificateAuthorities(false)
                // A context per handshake, so the ticket key is the SSLContext's: every engine of it opens the
                // tickets of the others (docs/architecture.md §15).
                .sessionTicketKeys(serverSessions.ticketKey())
                .sessionTicketLifetime(serverSessions.ticketLifetime());
        if (auth != ClientAuth.NONE) {
            builder.trustManager(new EngineTrust(context.trustManager(), false));
        }
        return builder.build();
    }

    /** A server builder holding each certificate the key manager chooses for this engine, per key type. */
    private Tls13ContextBuilder serverKeys() throws SSLException {
        X509KeyManager keys = context.keyManager();
        if (keys == null) {
            throw new SSLHandshakeException("no key manager: a server needs a certificate");
        }
        Set<String> aliases = new LinkedHashSet<>();
        for (String type : KEY_TYPES) {
            String alias = keys instanceof X509ExtendedKeyManager
                    ? ((X509ExtendedKeyManager) keys).chooseEngineServerAlias(type, null, this)
                    : keys.chooseServerAlias(type, null, null);
            if (alias != null) {
                aliases.add(alias);
            }
        }
        Tls13ContextBuilder builder = null;
        for (String alias : aliases) {
            X509Certificate[] chain = keys.getCertificateChain(alias);
            PrivateKey key = keys.getPrivateKey(alias);
            if (chain == null || chain.length == 0 || key == null) {
                continue;
            }
            if (builder == null) {
                try {
                    builder = Tls13Context.forServer(key, chain);
                } catch (IllegalArgumentException unusable) {
                    // Not a TLS 1.3 certificate (or the key does not match it): the next alias may be.
                }
            } else {
                addKey(builder, keys, alias);
            }
        }
        if (builder == null) {
            throw new SSLHandshakeException("the key manager chose no certificate usable with TLS 1.3");
        }
        return builder;
    }

    /** Adds an alias's chain and key, unless it has none or TLS 1.3 cannot use them. */
    private static void addKey(Tls13ContextBuilder builder, X509KeyManager keys, String alias) {
        if (alias == null) {
            return;
        }
        X509Certificate[] chain = keys.getCertificateChain(alias);
        PrivateKey key = keys.getPrivateKey(alias);
        if (chain == null || chain.length == 0 || key == null) {
            return;
        }
        try {
            builder.keyManager(key, chain);
        } catch (IllegalArgumentException unusable) {
            // Not a TLS 1.3 certificate, or the key does not match it: the engine goes on without it.
        }
    }

    // ---- wrap / unwrap ----------------------------------------------------------------------------------

    @Override
    public synchronized SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst)
            throws SSLException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        start();
        collectOutput();
        int consumed = 0;
        int produced = 0;
        if (pending != null) {
            int room = dst.remaining();
            if (room == 0 || room < pending.readableBytes() && room < Tls13Session.PACKET_BUFFER_SIZE) {
                return new SSLEngineResult(Status.BUFFER_OVERFLOW, status(), 0, 0);
            }
            produced = drain(dst);
        } else if (connection != null && connection.isHandshakeComplete() && !connection.isOutboundClosed()) {
            long available = 0;
            for (int i = offset; i < offset + length; i++) {
                available += srcs[i].remaining();
            }
            if (available > 0) {
                int n = (int) Math.min(available, MAX_FRAGMENT);
                // The record's header, inner type, padding and tag, as the core will seal it.
                int overhead = connection.sealedLength(n, MAX_FRAGMENT) - n;
                n = Math.min(n, dst.remaining() - overhead);
                if (n <= 0) {
                    return new SSLEngineResult(Status.BUFFER_OVERFLOW, status(), 0, 0);
                }
                ByteBuf plaintext = ALLOC.heapBuffer(n);
                try {
                    for (int i = offset; i < offset + length && plaintext.isWritable(); i++) {
                        ByteBuffer src = srcs[i];
                        int take = Math.min(src.remaining(), plaintext.writableBytes());
                        ByteBuffer part = src.duplicate();
                        part.limit(part.position() + take);
                        plaintext.writeBytes(part);
                        src.position(src.position() + take);
                    }
                    consumed = n;
                    connection.writeApplicationData(plaintext, MAX_FRAGMENT);
                } finally {
                    plaintext.release();
                }
                collectOutput();
                produced = drain(dst);
            }
        }
        HandshakeStatus handshakeStatus;
        if (finishedOnDrain && pending == null) {
            finishedOnDrain = false;
            handshakeStatus = HandshakeStatus.FINISHED;
        } else {
            handshakeStatus = status();
        }
        Status status = isOutboundDoneLocked() ? Status.CLOSED : Status.OK;
        releaseIfDone();
        return new SSLEngineResult(status, handshakeStatus, consumed, produced);
    }

    @Override
    public synchronized SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length)
            throws SSLException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        for (int i = offset; i < offset + length; i++) {
            if (dsts[i].isReadOnly()) {
                throw new ReadOnlyBufferException();
            }
        }
        if (!received.isEmpty()) {
            int produced = deliver(dsts, offset, length);
            return new SSLEngineResult(Status.OK, status(), 0, produced);
        }
        if (isInboundDoneLocked()) {
            return new SSLEngineResult(Status.CLOSED, status(), 0, 0);
        }
        start();
        ByteBuf in = Unpooled.wrappedBuffer(src);
        int recordLength = TlsConnection.nextRecordLength(in);
        if (in.readableBytes() < recordLength) {
            return new SSLEngineResult(Status.BUFFER_UNDERFLOW, status(), 0, 0);
        }
        if (connection == null && !outboundClosedEarly) {
            // A server reads the ClientHello before it has a configuration: the core's accept step.
            connection = TlsConnection.accepting(ALLOC, new Events(), Limits.DEFAULT);
            connection.start();
        }
        if (connection != null) {
            int bound = connection.maxApplicationData(in);
            long room = 0;
            for (int i = offset; i < offset + length; i++) {
                room += dsts[i].remaining();
            }
            if (room < bound) {
                return new SSLEngineResult(Status.BUFFER_OVERFLOW, status(), 0, 0);
            }
        }
        ByteBuf record = ALLOC.heapBuffer(recordLength);
        record.writeBytes(in, in.readerIndex(), recordLength);
        src.position(src.position() + recordLength);
        boolean wasComplete = connection != null && connection.isHandshakeComplete();
        try {
            if (connection == null) {
                // Closed before the first record arrived: nothing more is read.
                inboundDone = true;
            } else {
                connection.receive(record);
                if (connection.awaitingConfiguration()) {
                    // The record that completed the ClientHello was read whole: nothing of it waits.
                    configureServer();
                }
            }
        } catch (SSLException e) {
            collectOutput();
            throw e;
        } finally {
            record.release();
        }
        boolean justCompleted = !wasComplete && connection != null && connection.isHandshakeComplete();
        if (justCompleted) {
            session.complete(connection.session());
        }
        collectOutput();
        int produced = deliver(dsts, offset, length);
        HandshakeStatus handshakeStatus;
        if (justCompleted) {
            if (pending != null) {
                finishedOnDrain = true;
                handshakeStatus = HandshakeStatus.NEED_WRAP;
            } else {
                handshakeStatus = HandshakeStatus.FINISHED;
            }
        } else {
            handshakeStatus = status();
        }
        Status status = connection != null && connection.isInboundClosed() ? Status.CLOSED : Status.OK;
        releaseIfDone();
        return new SSLEngineResult(status, handshakeStatus, recordLength, produced);
    }

    /**
     * Server side, at the core's accept step: builds the configuration from the ClientHello and continues
     * the connection with it, or refuses the client when no configuration fits.
     */
    private void configureServer() throws SSLException {
        Tls13Context chosen;
        try {
            chosen = serverContext(connection.clientHello());
        } catch (SSLException | RuntimeException e) {
            // No configuration (no usable certificate, a failing selector or key manager): the core sends
            // handshake_failure in a plaintext record (RFC 8446 §6.2).
            connection.refuse(Refusal.NO_CONFIGURATION, e.toString());
            throw e instanceof SSLException ? (SSLException) e
                    : new SSLHandshakeException("server configuration failed: " + e);
        }
        if (chosen == null) {
            // RFC 7301 §3.2: the selector accepts none of the client's protocols.
            throw connection.refuse(Refusal.NO_APPLICATION_PROTOCOL, "the ALPN selector accepts none of "
                    + connection.clientHello().applicationProtocols());
        }
        chosen.accept(connection);
    }

    private void collectOutput() {
        if (connection == null) {
            return;
        }
        ByteBuf out = connection.pollOutput();
        if (out == null) {
            return;
        }
        if (pending == null) {
            pending = out;
        } else {
            pending.writeBytes(out);
            out.release();
        }
    }

    private int drain(ByteBuffer dst) {
        if (pending == null) {
            return 0;
        }
        int n = Math.min(pending.readableBytes(), dst.remaining());
        ByteBuffer target = dst.duplicate();
        target.limit(target.position() + n);
        pending.readBytes(target);
        dst.position(dst.position() + n);
        if (!pending.isReadable()) {
            pending.release();
            pending = null;
        }
        return n;
    }

    private int deliver(ByteBuffer[] dsts, int offset, int length) {
        int produced = 0;
        for (int i = offset; i < offset + length && !received.isEmpty(); i++) {
            ByteBuffer dst = dsts[i];
            while (dst.hasRemaining() && !received.isEmpty()) {
                ByteBuf data = received.peek();
                int n = Math.min(dst.remaining(), data.readableBytes());
                ByteBuffer target = dst.duplicate();
                target.limit(target.position() + n);
                data.readBytes(target);
                dst.position(dst.position() + n);
                produced += n;
                if (!data.isReadable()) {
                    received.poll().release();
                }
            }
        }
        return produced;
    }

    private HandshakeStatus status() {
        if (!started) {
            return HandshakeStatus.NOT_HANDSHAKING;
        }
        if (pending != null || connection != null && connection.hasOutput()) {
            return HandshakeStatus.NEED_WRAP;
        }
        if (connection == null) {
            return outboundClosedEarly ? HandshakeStatus.NOT_HANDSHAKING : HandshakeStatus.NEED_UNWRAP;
        }
        if (connection.failure() != null || connection.isOutboundClosed() || connection.isHandshakeComplete()) {
            return HandshakeStatus.NOT_HANDSHAKING;
        }
        return HandshakeStatus.NEED_UNWRAP;
    }

    @Override
    public synchronized HandshakeStatus getHandshakeStatus() {
        return status();
    }

    /** No delegated tasks: every step runs inside wrap and unwrap. */
    @Override
    public Runnable getDelegatedTask() {
        return null;
    }

    // ---- closing ----------------------------------------------------------------------------------------

    @Override
    public synchronized void closeInbound() throws SSLException {
        if (inboundDone) {
            return;
        }
        inboundDone = true;
        releaseIfDone();
        if (connection != null && connection.isHandshakeComplete() && !connection.isInboundClosed()
                && connection.failure() == null) {
            // RFC 8446 §6.1: without close_notify the data may have been truncated.
            throw new SSLException("inbound closed before receiving the peer's close_notify: possible truncation");
        }
    }

    @Override
    public synchronized boolean isInboundDone() {
        return isInboundDoneLocked();
    }

    private boolean isInboundDoneLocked() {
        return inboundDone || connection != null && (connection.isInboundClosed() || connection.failure() != null);
    }

    @Override
    public synchronized void closeOutbound() {
        if (connection == null) {
            outboundClosedEarly = true;
            return;
        }
        connection.closeOutbound();
        collectOutput();
        releaseIfDone();
    }

    @Override
    public synchronized boolean isOutboundDone() {
        return isOutboundDoneLocked();
    }

    private boolean isOutboundDoneLocked() {
        if (pending != null) {
            return false;
        }
        return connection == null ? outboundClosedEarly : connection.isOutboundClosed() && !connection.hasOutput();
    }

    /** Frees the core's buffers and zeroes its secrets once both directions are closed (or it failed). */
    private void releaseIfDone() {
        if (connection != null && isInboundDoneLocked() && isOutboundDoneLocked()) {
            connection.release();
            while (!received.isEmpty()) {
                received.poll().release();
            }
        }
    }

    // ---- configuration ----------------------------------------------------------------------------------

    @Override
    public String[] getSupportedCipherSuites() {
        return Tls13SslContextSpi.names(Tls13SslContextSpi.SUPPORTED_SUITES);
    }

    @Override
    public synchronized String[] getEnabledCipherSuites() {
        return enabledSuites.clone();
    }

    /** Keeps the TLS 1.3 suites among {@code suites}, in order; other names are ignored. */
    @Override
    public synchronized void setEnabledCipherSuites(String[] suites) {
        Objects.requireNonNull(suites, "suites");
        List<String> supported = List.of(getSupportedCipherSuites());
        List<String> kept = new ArrayList<>();
        for (String suite : suites) {
            Objects.requireNonNull(suite, "cipher suite");
            if (supported.contains(suite) && !kept.contains(suite)) {
                kept.add(suite);
            }
        }
        enabledSuites = kept.toArray(new String[0]);
    }

    @Override
    public String[] getSupportedProtocols() {
        return Tls13SslContextSpi.PROTOCOLS.toArray(new String[0]);
    }

    @Override
    public synchronized String[] getEnabledProtocols() {
        return enabledProtocols.clone();
    }

    /**
     * Enables TLS 1.3 and TLS 1.2 as listed (both by default); older known protocol names are ignored (this
     * engine speaks none of them), unknown ones rejected.
     */
    @Override
    public synchronized void setEnabledProtocols(String[] protocols) {
        Objects.requireNonNull(protocols, "protocols");
        boolean tls13 = false;
        boolean tls12 = false;
        for (String protocol : protocols) {
            switch (Objects.requireNonNull(protocol, "protocol")) {
                case "TLSv1.3":
                    tls13 = true;
                    break;
                case "TLSv1.2":
                    tls12 = true;
                    break;
                case "SSLv2Hello": case "SSLv3": case "TLSv1": case "TLSv1.1":
                    break;
                default:
                    throw new IllegalArgumentException("unsupported protocol: " + protocol);
            }
        }
        List<String> enabled = new ArrayList<>(2);
        if (tls13) {
            enabled.add(Tls13SslContextSpi.PROTOCOL);
        }
        if (tls12) {
            enabled.add(Tls13SslContextSpi.TLS12);
        }
        enabledProtocols = enabled.toArray(new String[0]);
    }

    @Override
    public synchronized SSLSession getSession() {
        return session;
    }

    @Override
    public synchronized SSLSession getHandshakeSession() {
        return isHandshaking() ? session : null;
    }

    @Override
    public synchronized void setUseClientMode(boolean mode) {
        if (clientModeFixed) {
            throw new IllegalArgumentException("the mode cannot change once the handshake started");
        }
        clientMode = mode;
    }

    @Override
    public synchronized boolean getUseClientMode() {
        return clientMode;
    }

    /** @return the SSLContext's client or server session context, by this engine's mode */
    Tls13SessionContext sessionContext() {
        return context.sessionContext(getUseClientMode());
    }

    @Override
    public synchronized void setNeedClientAuth(boolean need) {
        needClientAuth = need;
        wantClientAuth = false;
    }

    @Override
    public synchronized boolean getNeedClientAuth() {
        return needClientAuth;
    }

    @Override
    public synchronized void setWantClientAuth(boolean want) {
        wantClientAuth = want;
        needClientAuth = false;
    }

    @Override
    public synchronized boolean getWantClientAuth() {
        return wantClientAuth;
    }

    @Override
    public synchronized void setEnableSessionCreation(boolean flag) {
        enableSessionCreation = flag;
    }

    @Override
    public synchronized boolean getEnableSessionCreation() {
        return enableSessionCreation;
    }

    @Override
    public synchronized SSLParameters getSSLParameters() {
        SSLParameters parameters = new SSLParameters(enabledSuites.clone(), enabledProtocols.clone());
        if (needClientAuth) {
            parameters.setNeedClientAuth(true);
        } else if (wantClientAuth) {
            parameters.setWantClientAuth(true);
        }
        if (serverNames != null) {
            parameters.setServerNames(serverNames);
        }
        parameters.setEndpointIdentificationAlgorithm(endpointIdentificationAlgorithm);
        parameters.setApplicationProtocols(applicationProtocols.clone());
        parameters.setUseCipherSuitesOrder(true);
        return parameters;
    }

    @Override
    public synchronized void setSSLParameters(SSLParameters parameters) {
        if (parameters.getCipherSuites() != null) {
            setEnabledCipherSuites(parameters.getCipherSuites());
        }
        if (parameters.getProtocols() != null) {
            setEnabledProtocols(parameters.getProtocols());
        }
        if (parameters.getNeedClientAuth()) {
            setNeedClientAuth(true);
        } else {
            setWantClientAuth(parameters.getWantClientAuth());
        }
        if (parameters.getServerNames() != null) {
            serverNames = List.copyOf(parameters.getServerNames());
        }
        String algorithm = parameters.getEndpointIdentificationAlgorithm();
        // The builder is the one judge of the algorithms the codec supports (IllegalArgumentException otherwise).
        Tls13Context.forClient().endpointIdentificationAlgorithm(algorithm);
        endpointIdentificationAlgorithm = algorithm == null || algorithm.isEmpty() ? null : algorithm;
        applicationProtocols = parameters.getApplicationProtocols().clone();
    }

    // ---- ALPN -------------------------------------------------------------------------------------------

    /**
     * The negotiated ALPN protocol (RFC 7301).
     *
     * @return {@code null} before the handshake completed, {@code ""} when none was negotiated
     */
    @Override
    public synchronized String getApplicationProtocol() {
        if (!session.isComplete()) {
            return null;
        }
        return session.applicationProtocol() == null ? "" : session.applicationProtocol();
    }

    /**
     * The ALPN protocol chosen so far by a running handshake.
     *
     * @return {@code null} when not handshaking or not chosen yet, {@code ""} for none
     */
    @Override
    public synchronized String getHandshakeApplicationProtocol() {
        return isHandshaking() ? handshakeApplicationProtocol : null;
    }

    @Override
    public synchronized void setHandshakeApplicationProtocolSelector(
            BiFunction<SSLEngine, List<String>, String> selector) {
        this.selector = selector;
    }

    @Override
    public synchronized BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
        return selector;
    }

    @Override
    public String toString() {
        return "Tls13SslEngine[" + (clientMode ? "client" : "server") + ", " + getPeerHost() + ":" + getPeerPort()
                + "]";
    }

    // ---- call-backs -------------------------------------------------------------------------------------

    /** The core's events: decrypted data and the peer's close_notify (completion is polled in unwrap). */
    private final class Events implements TlsConnection.Listener {
        @Override
        public void applicationData(ByteBuf data) {
            received.add(data);
        }

        @Override
        public void closeNotifyReceived() {
        }
    }

    /**
     * Presents a trust manager to the core, calling the engine-aware methods with this engine (so the
     * JDK's endpoint identification and algorithm constraints read this engine's parameters and
     * handshake session), after recording the peer's chain in the handshake session.
     */
    private final class EngineTrust extends X509ExtendedTrustManager {
        private final X509TrustManager delegate;
        private final boolean client;

        EngineTrust(X509TrustManager delegate, boolean client) {
            this.delegate = delegate;
            this.client = client;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            session.peerCertificates(chain);
            if (delegate instanceof X509ExtendedTrustManager) {
                ((X509ExtendedTrustManager) delegate).checkServerTrusted(chain, authType, Tls13SslEngine.this);
            } else {
                delegate.checkServerTrusted(chain, authType);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            session.peerCertificates(chain);
            if (delegate instanceof X509ExtendedTrustManager) {
                ((X509ExtendedTrustManager) delegate).checkClientTrusted(chain, authType, Tls13SslEngine.this);
            } else {
                delegate.checkClientTrusted(chain, authType);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }

        @Override
        public String toString() {
            return "EngineTrust[" + (client ? "server" : "client") + " chains, " + delegate + "]";
        }
    }
}
