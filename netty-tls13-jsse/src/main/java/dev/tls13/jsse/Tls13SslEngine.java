package dev.tls13.jsse;

import dev.tls13.connection.SessionInfo;
import dev.tls13.connection.TlsConnection;
import dev.tls13.crypto.JcaCryptoProvider;
import dev.tls13.error.TlsException;
import dev.tls13.handshake.CertificateChecks;
import dev.tls13.handshake.CertificateSelector;
import dev.tls13.handshake.CertifiedKey;
import dev.tls13.handshake.ClientAuth;
import dev.tls13.handshake.ClientConfig;
import dev.tls13.handshake.ServerConfig;
import dev.tls13.wire.CipherSuite;
import dev.tls13.wire.ClientHello;
import dev.tls13.wire.Extension;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.HandshakeMessage;
import dev.tls13.wire.SignatureScheme;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.NetUtil;
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
 * An {@link SSLEngine} that speaks TLS 1.3 through the netty-tls13 sans-IO core ({@link TlsConnection}).
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
 * <p>A server reads the whole ClientHello before it builds its configuration, so the ALPN selector
 * ({@link #setHandshakeApplicationProtocolSelector}) sees the client's protocols and the key manager's
 * {@code chooseEngineServerAlias} sees the requested server names in the handshake session.
 *
 * <p>Thread-safe: every method is synchronized, as the engine may be used from a delegated-task thread.
 */
public final class Tls13SslEngine extends SSLEngine {

    private static final String[] KEY_TYPES = {"EC", "RSASSA-PSS", "RSA", "EdDSA", "Ed25519", "Ed448"};
    private static final int HEADER = 5;
    /** Record overhead of TLS 1.3 with a 16-byte tag: header, inner content type, tag (RFC 8446 §5.2). */
    private static final int OVERHEAD = HEADER + 1 + 16;
    private static final int MAX_FRAGMENT = 1 << 14;
    private static final int MAX_CIPHERTEXT = MAX_FRAGMENT + 256;
    /** A ClientHello larger than this is not waited for (docs/architecture.md §10 bounds what a peer may make us hold). */
    private static final int MAX_CLIENT_HELLO = 1 << 16;
    private static final int HANDSHAKE = 22;
    private static final int APPLICATION_DATA = 23;
    /** A plaintext fatal handshake_failure alert record (RFC 8446 §5.1, §6). */
    private static final byte[] HANDSHAKE_FAILURE_RECORD = {21, 3, 3, 0, 2, 2, 40};

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
    private String[] enabledProtocols = {Tls13SslContextSpi.PROTOCOL};
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
    private ByteBuf helloRecords;
    private ByteBuf helloMessage;
    private boolean justCompleted;
    private boolean finishedOnDrain;
    private boolean inboundDone;
    private boolean outboundClosedEarly;
    private String handshakeApplicationProtocol;

    Tls13SslEngine(Tls13SslContextSpi context, String peerHost, int peerPort) {
        super(peerHost, peerPort);
        this.context = context;
        this.session = new Tls13Session(this, context.sessionContext(false));
    }

    // ---- handshake driving ------------------------------------------------------------------------------

    @Override
    public synchronized void beginHandshake() throws SSLException {
        if (connection != null && connection.isHandshakeComplete()) {
            // RFC 8446 §4: TLS 1.3 has no renegotiation.
            throw new SSLException("TLS 1.3 does not renegotiate");
        }
        start();
    }

    private void start() throws SSLException {
        if (started) {
            return;
        }
        if (enabledSuites.length == 0 || enabledProtocols.length == 0) {
            throw new SSLHandshakeException("no TLS 1.3 cipher suite or protocol enabled");
        }
        started = true;
        clientModeFixed = true;
        if (outboundClosedEarly) {
            return;
        }
        if (clientMode) {
            String serverName = sniHostName();
            if (serverName != null) {
                session.requestedServerNames(List.of(new SNIHostName(serverName)));
            }
            connection = TlsConnection.client(clientConfig(), serverName, getPeerHost(), ALLOC, new Events());
            connection.start();
            collectOutput();
        }
    }

    synchronized boolean isHandshaking() {
        return started && (connection == null || !connection.isHandshakeComplete());
    }

    private String sniHostName() {
        if (serverNames != null) {
            for (SNIServerName name : serverNames) {
                if (name instanceof SNIHostName) {
                    return ((SNIHostName) name).getAsciiName();
                }
            }
            return null;
        }
        String host = getPeerHost();
        // RFC 6066 §3: literal IP addresses are not permitted in server_name.
        if (host == null || host.isEmpty() || NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)) {
            return null;
        }
        return host;
    }

    private ClientConfig clientConfig() throws SSLException {
        List<CertifiedKey> credentials = new ArrayList<>();
        X509KeyManager keys = context.keyManager();
        if (keys != null) {
            String alias = keys instanceof X509ExtendedKeyManager
                    ? ((X509ExtendedKeyManager) keys).chooseEngineClientAlias(KEY_TYPES, null, this)
                    : keys.chooseClientAlias(KEY_TYPES, null, null);
            CertifiedKey key = certifiedKey(keys, alias);
            if (key != null) {
                credentials.add(key);
            }
        }
        return ClientConfig.builder(JcaCryptoProvider.instance(), new EngineTrust(context.trustManager(), true))
                .cipherSuites(suites()).namedGroups(context.namedGroups())
                .applicationProtocols(List.of(applicationProtocols))
                .endpointIdentificationAlgorithm(endpointIdentificationAlgorithm).clientCredentials(credentials)
                .build();
    }

    private ServerConfig serverConfig(ClientHello hello) throws SSLException {
        List<String> offered = List.of();
        if (hello != null) {
            offered = hello.extensions().find(Extension.Alpn.class).map(Extension.Alpn::names).orElse(List.of());
            hello.extensions().find(Extension.ServerName.class).flatMap(Extension.ServerName::hostName)
                    .ifPresent(name -> session.requestedServerNames(List.of(new SNIHostName(name))));
            hello.extensions().find(Extension.SignatureAlgorithms.class).ifPresent(schemes -> {
                List<Integer> codes = new ArrayList<>();
                for (SignatureScheme scheme : schemes.schemes()) {
                    codes.add(scheme.code());
                }
                session.peerSignatureAlgorithms(Tls13Session.jcaNames(codes));
            });
        }
        List<String> protocols;
        boolean failOnMismatch = true;
        if (offered.isEmpty()) {
            protocols = List.of();
            handshakeApplicationProtocol = "";
        } else if (selector != null) {
            String chosen = selector.apply(this, offered);
            if (chosen == null) {
                // The selector refused every protocol: RFC 7301 §3.2 no_application_protocol, which the
                // codec sends when nothing of ours matches; a name longer than all offered ones never does.
                protocols = List.of(String.join("", offered) + "-none");
            } else if (chosen.isEmpty()) {
                protocols = List.of();
            } else {
                protocols = List.of(chosen);
            }
            handshakeApplicationProtocol = chosen == null ? null : chosen;
        } else {
            protocols = List.of(applicationProtocols);
            handshakeApplicationProtocol = protocols.stream().filter(offered::contains).findFirst().orElse("");
        }
        ClientAuth auth = needClientAuth ? ClientAuth.REQUIRE : wantClientAuth ? ClientAuth.OPTIONAL : ClientAuth.NONE;
        return ServerConfig.builder(JcaCryptoProvider.instance(), new CertificateSelector(serverKeys()))
                .cipherSuites(suites()).namedGroups(context.namedGroups()).applicationProtocols(protocols)
                .failOnAlpnMismatch(failOnMismatch).clientAuth(auth)
                .clientTrustManager(auth == ClientAuth.NONE ? null : new EngineTrust(context.trustManager(), false))
                .certificateAuthorities(false).build();
    }

    private List<CertifiedKey> serverKeys() throws SSLException {
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
        List<CertifiedKey> result = new ArrayList<>();
        for (String alias : aliases) {
            CertifiedKey key = certifiedKey(keys, alias);
            if (key != null) {
                result.add(key);
            }
        }
        if (result.isEmpty()) {
            throw new SSLHandshakeException("the key manager chose no certificate usable with TLS 1.3");
        }
        return result;
    }

    private static CertifiedKey certifiedKey(X509KeyManager keys, String alias) {
        if (alias == null) {
            return null;
        }
        X509Certificate[] chain = keys.getCertificateChain(alias);
        PrivateKey key = keys.getPrivateKey(alias);
        if (chain == null || chain.length == 0 || key == null) {
            return null;
        }
        try {
            return new CertifiedKey(List.of(chain), key);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private List<CipherSuite> suites() {
        List<CipherSuite> result = new ArrayList<>();
        for (String name : enabledSuites) {
            for (CipherSuite suite : Tls13SslContextSpi.SUPPORTED_SUITES) {
                if (suite.knownName().equals(name)) {
                    result.add(suite);
                }
            }
        }
        return result;
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
                int n = (int) Math.min(Math.min(available, MAX_FRAGMENT), dst.remaining() - OVERHEAD);
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
        if (src.remaining() < HEADER) {
            return new SSLEngineResult(Status.BUFFER_UNDERFLOW, status(), 0, 0);
        }
        int position = src.position();
        int type = src.get(position) & 0xFF;
        int fragment = (src.get(position + 3) & 0xFF) << 8 | src.get(position + 4) & 0xFF;
        // An oversized length is handed to the core as a bare header: it answers with record_overflow
        // (RFC 8446 §5.2) instead of us waiting for bytes that must never come.
        int recordLength = fragment > MAX_CIPHERTEXT ? HEADER : HEADER + fragment;
        if (src.remaining() < recordLength) {
            return new SSLEngineResult(Status.BUFFER_UNDERFLOW, status(), 0, 0);
        }
        if (connection != null && connection.isHandshakeComplete() && type == APPLICATION_DATA) {
            int bound = Math.min(fragment - 17, MAX_FRAGMENT);
            long room = 0;
            for (int i = offset; i < offset + length; i++) {
                room += dsts[i].remaining();
            }
            if (bound > 0 && room < bound) {
                return new SSLEngineResult(Status.BUFFER_OVERFLOW, status(), 0, 0);
            }
        }
        ByteBuf record = ALLOC.heapBuffer(recordLength);
        ByteBuffer part = src.duplicate();
        part.limit(position + recordLength);
        record.writeBytes(part);
        src.position(position + recordLength);
        try {
            if (connection == null) {
                if (outboundClosedEarly) {
                    inboundDone = true;
                } else {
                    receiveClientHello(record);
                }
            } else {
                connection.receive(record);
            }
        } catch (TlsException e) {
            collectOutput();
            throw e;
        } finally {
            record.release();
        }
        collectOutput();
        int produced = deliver(dsts, offset, length);
        HandshakeStatus handshakeStatus;
        if (justCompleted) {
            justCompleted = false;
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
     * Server side, before the connection exists: holds the records of the first flight until the whole
     * ClientHello is known, then builds the configuration from it and feeds every held record to the core.
     */
    private void receiveClientHello(ByteBuf record) throws SSLException {
        if (helloRecords == null) {
            helloRecords = ALLOC.heapBuffer(record.readableBytes());
            helloMessage = ALLOC.heapBuffer(record.readableBytes());
        }
        helloRecords.writeBytes(record, record.readerIndex(), record.readableBytes());
        boolean handshakeRecord = record.getUnsignedByte(record.readerIndex()) == HANDSHAKE;
        if (handshakeRecord) {
            helloMessage.writeBytes(record, record.readerIndex() + HEADER, record.readableBytes() - HEADER);
        }
        ClientHello hello = null;
        boolean ready = !handshakeRecord || helloRecords.readableBytes() > MAX_CLIENT_HELLO;
        if (handshakeRecord && helloMessage.readableBytes() >= 4) {
            int messageLength = 4 + helloMessage.getUnsignedMedium(helloMessage.readerIndex() + 1);
            if (helloMessage.readableBytes() >= messageLength) {
                ready = true;
                try {
                    HandshakeMessage message =
                            HandshakeCodec.decode(helloMessage.slice(helloMessage.readerIndex(), messageLength));
                    if (message instanceof ClientHello) {
                        hello = (ClientHello) message;
                    }
                } catch (TlsException ignored) {
                    // The core decodes it again and fails with the right alert.
                }
            } else if (messageLength > MAX_CLIENT_HELLO) {
                ready = true;
            }
        }
        if (!ready) {
            return;
        }
        ByteBuf held = helloRecords;
        helloRecords = null;
        helloMessage.release();
        helloMessage = null;
        try {
            ServerConfig config;
            try {
                config = serverConfig(hello);
            } catch (SSLException | RuntimeException e) {
                // No configuration (no usable certificate, a failing selector or key manager): the core
                // never ran, so send its fatal handshake_failure here, in a plaintext record (RFC 8446 §6.2).
                pending = ALLOC.heapBuffer(HANDSHAKE_FAILURE_RECORD.length).writeBytes(HANDSHAKE_FAILURE_RECORD);
                outboundClosedEarly = true;
                inboundDone = true;
                throw e instanceof SSLException ? (SSLException) e
                        : new SSLHandshakeException("server configuration failed: " + e);
            }
            connection = TlsConnection.server(config, ALLOC, new Events());
            connection.start();
            connection.receive(held);
        } finally {
            held.release();
        }
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
        releaseHello();
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
            releaseHello();
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

    private void releaseHello() {
        if (helloRecords != null) {
            helloRecords.release();
            helloRecords = null;
        }
        if (helloMessage != null) {
            helloMessage.release();
            helloMessage = null;
        }
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
        return new String[] {Tls13SslContextSpi.PROTOCOL};
    }

    @Override
    public synchronized String[] getEnabledProtocols() {
        return enabledProtocols.clone();
    }

    /**
     * Enables TLS 1.3 when it is listed; other known protocol names are ignored (this engine speaks
     * nothing else), unknown ones rejected.
     */
    @Override
    public synchronized void setEnabledProtocols(String[] protocols) {
        Objects.requireNonNull(protocols, "protocols");
        boolean tls13 = false;
        for (String protocol : protocols) {
            switch (Objects.requireNonNull(protocol, "protocol")) {
                case "TLSv1.3":
                    tls13 = true;
                    break;
                case "SSLv2Hello": case "SSLv3": case "TLSv1": case "TLSv1.1": case "TLSv1.2":
                    break;
                default:
                    throw new IllegalArgumentException("unsupported protocol: " + protocol);
            }
        }
        enabledProtocols = tls13 ? new String[] {Tls13SslContextSpi.PROTOCOL} : new String[0];
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
        if (!CertificateChecks.isSupportedEndpointIdentification(algorithm)) {
            throw new IllegalArgumentException("unsupported endpoint identification algorithm: " + algorithm);
        }
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
        SessionInfo info = session.info();
        if (info == null) {
            return null;
        }
        return info.applicationProtocol() == null ? "" : info.applicationProtocol();
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

    /** The core's events: completion, decrypted data, the peer's close_notify. */
    private final class Events implements TlsConnection.Listener {
        @Override
        public void handshakeComplete(SessionInfo info) {
            session.complete(info);
            justCompleted = true;
        }

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
