package dev.tls13.connection;

import dev.tls13.crypto.AeadAlgorithm;
import dev.tls13.crypto.CryptoProvider;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.error.TlsFailure;
import dev.tls13.handshake.ClientConfig;
import dev.tls13.handshake.ClientHandshake;
import dev.tls13.handshake.HandshakeOutput;
import dev.tls13.handshake.HandshakeState;
import dev.tls13.handshake.HandshakeSummary;
import dev.tls13.handshake.ResumptionTicket;
import dev.tls13.handshake.ServerConfig;
import dev.tls13.handshake.ServerHandshake;
import dev.tls13.keys.ExporterSecret;
import dev.tls13.keys.Tls12MasterSecret;
import dev.tls13.keys.TrafficKeys;
import dev.tls13.record.Aligned;
import dev.tls13.record.HandshakeJoiner;
import dev.tls13.record.ReadProtection;
import dev.tls13.record.RecordDeframer;
import dev.tls13.record.Records;
import dev.tls13.record.WriteProtection;
import dev.tls13.tls12.Tls12Output;
import dev.tls13.wire.Alert;
import dev.tls13.wire.AlertDescription;
import dev.tls13.wire.AlertLevel;
import dev.tls13.wire.ClientHello;
import dev.tls13.wire.ContentType;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.HandshakeMessage;
import dev.tls13.wire.KeyUpdate;
import dev.tls13.wire.NewSessionTicket;
import dev.tls13.wire.Tls12HandshakeCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.Objects;

/**
 * One TLS 1.3 connection without I/O (docs/architecture.md §3, §4): it is pushed received bytes and plaintext to
 * send, and it produces decrypted application data (through its {@link Listener}) and records to send
 * (through {@link #pollOutput()}). It owns the record layer — deframing, the read and write
 * protections, the change_cipher_spec rule, alerts, the limits of docs/architecture.md §10 — and drives a
 * handshake state machine, whose effects it applies in order.
 *
 * <p>It never touches a channel, a socket or a thread, so the Netty handler and a future
 * {@code SSLEngine} adapter share it. Not thread-safe: one caller at a time.
 *
 * <p>Failure is sticky (docs/architecture.md §7): the first {@link TlsException} queues the fatal alert it
 * calls for (with the write keys in force), destroys the handshake state and is rethrown by every
 * later call that needs the connection; later input is discarded. Every public method that can fail
 * leaves through the one {@link #fail(String, Exception)}.
 *
 * <p>A server is created either with its configuration ({@link #server}) or without one
 * ({@link #accepting}): an accepting connection reads records up to its first handshake message and, if it
 * is a ClientHello, pauses with it ({@link #awaitingConfiguration()}, {@link #clientHello()}) until the
 * caller chooses a configuration ({@link #accept}) or turns the client away ({@link #refuse}), like
 * rustls's {@code Acceptor} or Netty's {@code SniHandler}.
 */
public final class TlsConnection {

    /** What a connection reports to its owner. Every callback runs inside a call to the connection. */
    public interface Listener {

        /**
         * The handshake completed. Called once, after the state machine reached its connected state
         * and before any application data is delivered. An owner that polls
         * {@link TlsConnection#isHandshakeComplete()} and {@link TlsConnection#session()} need not override it.
         *
         * @param session what was negotiated
         */
        default void handshakeComplete(SessionInfo session) {
        }

        /**
         * Takes ownership of one record's worth of decrypted application data (a slice of the received
         * bytes, no copy): the callee must release it.
         *
         * @param data the plaintext, at least one byte
         */
        void applicationData(ByteBuf data);

        /**
         * A server accepted the client's 0-RTT data (RFC 8446 §4.2.10) and takes ownership of one record's worth
         * of it (the callee must release it), before the handshake completes. Early data can be replayed
         * (RFC 8446 §8, §E.5): it must be kept apart from 1-RTT data, and non-idempotent requests in it refused.
         * The default releases it and fails: a listener of a server that accepts 0-RTT must override it.
         *
         * @param data the plaintext, at least one byte
         * @throws UnsupportedOperationException by default
         */
        default void earlyData(ByteBuf data) {
            data.release();
            throw new UnsupportedOperationException("this listener takes no early data: keep maxEarlyData at 0");
        }

        /** The peer sent close_notify: it will send nothing more (RFC 8446 §6.1). */
        void closeNotifyReceived();

        /**
         * Whether NSS key log lines are wanted.
         *
         * @return {@code false} unless overridden
         */
        default boolean keyLogEnabled() {
            return false;
        }

        /**
         * One NSS key log line (RFC 9850), only when {@link #keyLogEnabled()}.
         *
         * @param line the line, without a newline
         */
        default void keyLog(String line) {
        }

        /**
         * A client received a NewSessionTicket (RFC 8446 §4.6.1).
         *
         * @param ticket the ticket
         * @param psk the resumption PSK; owned by the callee, which should zero it when done
         */
        default void sessionTicket(NewSessionTicket ticket, byte[] psk) {
            Arrays.fill(psk, (byte) 0);
        }
    }

    /** The largest plaintext one record carries (RFC 8446 §5.1: 2^14 bytes). */
    public static final int MAX_PLAINTEXT_LENGTH = Records.MAX_PLAINTEXT_LENGTH;
    /** The largest record a peer may send: the header and 2^14 + 256 bytes of ciphertext (RFC 8446 §5.2). */
    public static final int MAX_RECORD_LENGTH = Records.HEADER_LENGTH + Records.MAX_CIPHERTEXT_LENGTH;
    private static final byte[] CHANGE_CIPHER_SPEC = {1};
    /** A thread keeps a copy buffer grown for a long handshake message up to this size, not beyond. */
    private static final int MAX_KEPT_MESSAGE_COPY = 16 * 1024;
    /**
     * How much rejected early data a server skips (RFC 8446 §4.2.10: "up to the configured max_early_data_size").
     * We accept no 0-RTT, so this is the max_early_data_size of tickets from other servers that a client may be
     * using: 16 KiB, OpenSSL's and GnuTLS's default. Bounded so that a peer cannot keep us trial-decrypting forever.
     */
    static final int MAX_SKIPPED_EARLY_DATA = 16 * 1024;
    /**
     * What each skipped record counts against {@link #MAX_SKIPPED_EARLY_DATA}: its body less the least
     * expansion of a protected record (the inner content type and a 16-byte tag, RFC 8446 §5.2), an upper bound
     * of the plaintext that max_early_data_size counts (§4.6.1), and at least 1, so empty records count too.
     */
    private static final int MIN_RECORD_EXPANSION = 1 + 16;
    /**
     * Per thread, the buffer a handshake message in a direct buffer is copied to for the state machine,
     * which reads arrays; null until first needed and while in use. It holds received handshake
     * messages only, which hold no secret.
     */
    private static final ThreadLocal<byte[]> MESSAGE_COPY = new ThreadLocal<>();

    private final boolean client;
    /** The configuration's provider; {@code null} while an accepting connection awaits its configuration. */
    private CryptoProvider crypto;
    private final ByteBufAllocator alloc;
    private final Listener listener;
    private final Limits limits;
    private final RecordDeframer deframer = new RecordDeframer();
    private final HandshakeJoiner joiner;
    private final Effects effects = new Effects();
    private final Starter starter;
    /** A client's session cache and the server it is keyed by; {@code null} when tickets are not kept. */
    private final ClientSessionCache sessions;
    private final String sessionHost;
    private final int sessionPort;
    /** What the handshake negotiated, for the tickets that follow it. */
    private HandshakeSummary summary;

    private HandshakeState state;
    private ReadProtection read = ReadProtection.plaintext();
    private WriteProtection write;
    /** A client's 0-RTT write protection while it offers early data (RFC 8446 §4.2.10), else {@code null}. */
    private WriteProtection earlyWrite;
    /** A client's 0-RTT: how many more application bytes the ticket's max_early_data_size allows (§4.2.10). */
    private long earlyDataAllowance;
    /** A client's 0-RTT: the ALPN protocol of the ticket's session, which its early data is written for. */
    private String earlyDataProtocol;
    /** Handshake plaintext queued for the current flight, sealed when keys change or output is taken. */
    private ByteBuf handshakeOut;
    /** Sealed records not yet taken by {@link #pollOutput()}. */
    private ByteBuf out;
    private SessionInfo session;
    private SessionInfo completionToReport;
    private ExporterSecret exporter;
    /** A TLS 1.2 session's master secret and randoms, for RFC 5705 exporters (docs/architecture.md §16). */
    private Tls12MasterSecret tls12Exporter;
    private byte[] tls12ClientRandom;
    private byte[] tls12ServerRandom;
    private TlsException failure;
    /**
     * A failure the effects met while sealing: {@link HandshakeOutput}'s methods cannot throw it, so they
     * record it, do nothing more, and the driver throws it when the state machine returns.
     */
    private TlsException effectFailure;
    /** An accepting server's first handshake message (owned), held while it awaits its configuration. */
    private ByteBuf heldClientHello;
    private ClientHello heldDecoded;
    private ClientHelloInfo clientHelloInfo;
    /**
     * The tag length of the read protection in force; 0 while records are read in plaintext. For TLS 1.2 it is
     * the record's whole expansion less one (explicit nonce and tag, no inner type byte), so that
     * {@link #maxApplicationData} stays exact for both versions.
     */
    private int readTagLength;
    private boolean started;
    private boolean inboundClosed;
    private boolean outboundClosed;
    private boolean released;
    private int changeCipherSpecs;
    private int emptyRecords;
    private int warningAlerts;
    private int keyUpdates;
    /** Whether a server is skipping rejected early data (RFC 8446 §4.2.10), and how much it skipped. */
    private boolean skippingEarlyData;
    private int skippedEarlyData;
    /**
     * Whether a server reads accepted 0-RTT data (RFC 8446 §4.2.10), until its read keys change at EndOfEarlyData,
     * how much it may read (the ticket's max_early_data_size) and how much it read.
     */
    private boolean acceptingEarlyData;
    private long earlyDataLimit;
    private long earlyDataReceived;

    /**
     * Starts the first state; the client's sends the ClientHello. An accepting server's returns
     * {@code null}: its state machine starts in {@link #accept}.
     */
    @FunctionalInterface
    interface Starter {
        HandshakeState start(HandshakeOutput out) throws TlsException;
    }

    private TlsConnection(boolean client, CryptoProvider crypto, ByteBufAllocator alloc, Listener listener,
                          Limits limits, Starter starter) {
        this(client, crypto, alloc, listener, limits, starter, null, null, -1);
    }

    private TlsConnection(boolean client, CryptoProvider crypto, ByteBufAllocator alloc, Listener listener,
                          Limits limits, Starter starter, ClientSessionCache sessions, String sessionHost,
                          int sessionPort) {
        this.sessions = sessions;
        this.sessionHost = sessionHost;
        this.sessionPort = sessionPort;
        this.client = client;
        this.crypto = crypto;
        this.alloc = Objects.requireNonNull(alloc, "alloc");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.starter = starter;
        this.joiner = new HandshakeJoiner(alloc, limits.maxHandshakeMessageSize(), limits.maxClientHelloSize(),
                limits.maxCertificateMessageSize());
        // RFC 8446 §5.1: the initial ClientHello may carry legacy_record_version 0x0301.
        this.write = client ? WriteProtection.initialPlaintext() : WriteProtection.plaintext();
    }

    /**
     * Creates a client connection; {@link #start()} sends the ClientHello.
     *
     * @param config the client configuration
     * @param serverName the SNI host name to send, or {@code null} for none
     * @param peerHost the host name to verify the server's certificate against, or {@code null} not to
     * @param alloc allocates output buffers and the joiner's buffers
     * @param listener receives the connection's events
     * @param limits the limits to enforce
     * @return the connection, not started
     */
    public static TlsConnection client(ClientConfig config, String serverName, String peerHost,
                                       ByteBufAllocator alloc, Listener listener, Limits limits) {
        return client(config, serverName, peerHost, alloc, listener, limits, null, null, -1);
    }

    /**
     * Creates a client connection that resumes from, and keeps its tickets in, a session cache
     * (docs/architecture.md §15): {@link #start()} takes the newest usable ticket for the server from
     * {@code sessions} and offers it (RFC 8446 §4.2.11), with TLS 1.2 enabled also a TLS 1.2 session ticket (RFC 5077
     * §3.2); each NewSessionTicket received is put into it. Without a
     * cache or a server host (a connection without one, or a negative port) no ticket is offered or kept.
     *
     * @param config the client configuration
     * @param serverName the SNI host name to send, or {@code null} for none
     * @param peerHost the host name to verify the server's certificate against, or {@code null} not to
     * @param alloc allocates output buffers and the joiner's buffers
     * @param listener receives the connection's events
     * @param limits the limits to enforce
     * @param sessions the cache, or {@code null} for none
     * @param sessionHost the host the connection is made to (the cache key), or {@code null}
     * @param sessionPort the port the connection is made to (the cache key), or -1
     * @return the connection, not started
     */
    public static TlsConnection client(ClientConfig config, String serverName, String peerHost,
                                       ByteBufAllocator alloc, Listener listener, Limits limits,
                                       ClientSessionCache sessions, String sessionHost, int sessionPort) {
        Objects.requireNonNull(config, "config");
        boolean keyed = sessions != null && sessionHost != null && !sessionHost.isEmpty() && sessionPort >= 0;
        ClientSessionCache cache = keyed ? sessions : null;
        // With an external PSK configured, it is offered instead of a ticket (docs/architecture.md §15): none taken.
        boolean offersTicket = cache != null && config.externalPsk() == null;
        // With TLS 1.2 enabled, a TLS 1.2 session ticket (RFC 5077) is offered beside the TLS 1.3 one.
        boolean offersTls12Ticket = cache != null && config.tls12() != null;
        return new TlsConnection(true, config.crypto(), alloc, listener, limits,
                out -> ClientHandshake.start(config, serverName, peerHost,
                        offersTicket ? cache.take(sessionHost, sessionPort, config.crypto().clock().millis()) : null,
                        offersTls12Ticket ? cache.take(sessionHost, sessionPort, config.crypto().clock().millis(),
                                true) : null,
                        out),
                cache, keyed ? sessionHost : null, sessionPort);
    }

    /**
     * Creates a client connection with the default {@link Limits}; {@link #start()} sends the ClientHello.
     *
     * @param config the client configuration
     * @param serverName the SNI host name to send, or {@code null} for none
     * @param peerHost the host name to verify the server's certificate against, or {@code null} not to
     * @param alloc allocates output buffers and the joiner's buffers
     * @param listener receives the connection's events
     * @return the connection, not started
     */
    public static TlsConnection client(ClientConfig config, String serverName, String peerHost,
                                       ByteBufAllocator alloc, Listener listener) {
        return client(config, serverName, peerHost, alloc, listener, Limits.DEFAULT);
    }

    /**
     * Creates a server connection with the default {@link Limits}; after {@link #start()} it waits for
     * a ClientHello.
     *
     * @param config the server configuration
     * @param alloc allocates output buffers and the joiner's buffers
     * @param listener receives the connection's events
     * @return the connection, not started
     */
    public static TlsConnection server(ServerConfig config, ByteBufAllocator alloc, Listener listener) {
        return server(config, alloc, listener, Limits.DEFAULT);
    }

    /**
     * Creates a server connection; after {@link #start()} it waits for a ClientHello.
     *
     * @param config the server configuration
     * @param alloc allocates output buffers and the joiner's buffers
     * @param listener receives the connection's events
     * @param limits the limits to enforce
     * @return the connection, not started
     */
    public static TlsConnection server(ServerConfig config, ByteBufAllocator alloc, Listener listener,
                                       Limits limits) {
        Objects.requireNonNull(config, "config");
        return new TlsConnection(false, config.crypto(), alloc, listener, limits,
                out -> ServerHandshake.start(config));
    }

    /**
     * Creates a server connection without a configuration, which the caller chooses after reading the
     * client's ClientHello (the accept step, docs/architecture.md §4). After {@link #start()},
     * {@link #receive} reads records, with the same checks and alerts as a configured server for whatever
     * precedes the ClientHello, until the first handshake message is complete. A message that does not
     * decode, or that is not a ClientHello, fails as it would on a configured server. A ClientHello pauses
     * the connection: {@link #awaitingConfiguration()} turns {@code true}, {@link #clientHello()} tells what
     * the client offered, and {@code receive} processes nothing more (later records stay in the caller's
     * cumulation) until the caller either calls {@link #accept} with a configuration, and then
     * {@code receive} again, or {@link #refuse}s the client. The caller may decide later, on another
     * call stack (an asynchronous lookup): the connection only waits.
     *
     * <p>This step is also where a server will dispatch a TLS 1.2 ClientHello to another protocol
     * implementation ({@link ClientHelloInfo#offersTls13()}), and where per-ClientHello settings (0-RTT on
     * or off, session ticket keys) plug in: they belong to the configuration given to {@link #accept}.
     *
     * @param alloc allocates output buffers and the joiner's buffers
     * @param listener receives the connection's events
     * @param limits the limits to enforce, before and after the configuration is chosen
     * @return the connection, not started
     */
    public static TlsConnection accepting(ByteBufAllocator alloc, Listener listener, Limits limits) {
        return new TlsConnection(false, null, alloc, listener, limits, out -> null);
    }

    /**
     * Creates a server connection without a configuration, with the default {@link Limits}; see
     * {@link #accepting(ByteBufAllocator, Listener, Limits)}.
     *
     * @param alloc allocates output buffers and the joiner's buffers
     * @param listener receives the connection's events
     * @return the connection, not started
     */
    public static TlsConnection accepting(ByteBufAllocator alloc, Listener listener) {
        return accepting(alloc, listener, Limits.DEFAULT);
    }

    /** For tests of the record layer: a connection driving any state machine. */
    static TlsConnection withHandshake(boolean client, CryptoProvider crypto, ByteBufAllocator alloc,
                                       Listener listener, Limits limits, Starter starter) {
        return new TlsConnection(client, crypto, alloc, listener, limits, starter);
    }

    /**
     * Starts the handshake. A client queues its ClientHello: take it with {@link #pollOutput()}.
     *
     * @throws TlsException when the handshake cannot start (the failure is sticky)
     * @throws IllegalStateException when already started or released
     */
    public void start() throws TlsException {
        if (started || released) {
            throw new IllegalStateException(released ? "connection released" : "already started");
        }
        started = true;
        try {
            advance(starter.start(effects));
        } catch (TlsException | RuntimeException e) {
            throw fail("handshake failed to start", e);
        }
    }

    /** @return whether this is the client side */
    public boolean isClient() {
        return client;
    }

    /**
     * Processes every whole record of {@code cumulation}: decrypted application data goes to the
     * listener, handshake messages to the state machine; flights and alerts they cause are queued for
     * {@link #pollOutput()}. A partial record stays in the cumulation, untouched. After the peer's
     * close_notify or a failure, input is discarded (RFC 8446 §6.1: data after a closure alert is
     * ignored). While an accepting connection {@link #awaitingConfiguration() awaits its configuration}
     * nothing is read: the records stay in the cumulation.
     *
     * @param cumulation the received bytes (borrowed); its reader index advances past whole records
     * @throws TlsException on any protocol failure; the fatal alert is then queued
     */
    public void receive(ByteBuf cumulation) throws TlsException {
        if (!started) {
            throw new IllegalStateException("not started");
        }
        if (failure != null || released || inboundClosed) {
            cumulation.skipBytes(cumulation.readableBytes());
            return;
        }
        try {
            while (!released && !inboundClosed && failure == null && heldClientHello == null) {
                ByteBuf record = deframer.next(cumulation);
                if (record == null) {
                    break;
                }
                processRecord(record);
            }
        } catch (TlsException | RuntimeException e) {
            cumulation.skipBytes(cumulation.readableBytes());
            // A RuntimeException is a bug or an unusable buffer (read-only memory cannot be decrypted in
            // place): still a clean, sticky failure with internal_error rather than a half-processed connection.
            throw fail("receive failed", e);
        }
        if (inboundClosed || released) {
            cumulation.skipBytes(cumulation.readableBytes());
        }
    }

    /**
     * The number of bytes, from the reader index of {@code in}, that {@link #receive} takes as the next
     * record: for adapters that must hand over one whole record at a time (an {@code SSLEngine}'s
     * {@code unwrap}). It reads the 5-byte header only (RFC 8446 §5.1).
     *
     * @param in received bytes (borrowed, not modified)
     * @return the length of the next record, header included; 5 while the header is incomplete; and 5 for
     *         a header that declares more than a record may hold, which {@code receive} rejects on sight
     *         (record_overflow) rather than wait for bytes that must never come
     */
    public static int nextRecordLength(ByteBuf in) {
        if (in.readableBytes() < Records.HEADER_LENGTH) {
            return Records.HEADER_LENGTH;
        }
        int length = in.getUnsignedShort(in.readerIndex() + 3);
        return length > Records.MAX_CIPHERTEXT_LENGTH ? Records.HEADER_LENGTH : Records.HEADER_LENGTH + length;
    }

    /**
     * The most application data that the record at the reader index of {@code in} can deliver: its
     * ciphertext less the inner content type and the tag of the read keys in force (RFC 8446 §5.2), at
     * most 2^14. Padding is unknown before decryption, so it is an upper bound; an adapter that cannot put
     * a decrypted record back (an {@code SSLEngine} answering {@code BUFFER_OVERFLOW}) checks its room
     * against it first.
     *
     * @param in received bytes (borrowed, not modified), starting with a record header
     * @return the bound, or 0 when the record can carry no application data (the handshake is not
     *         complete, the record is not application_data, or its header is incomplete)
     */
    public int maxApplicationData(ByteBuf in) {
        if (session == null || readTagLength == 0 || in.readableBytes() < Records.HEADER_LENGTH
                || in.getUnsignedByte(in.readerIndex()) != ContentType.APPLICATION_DATA.code()) {
            return 0;
        }
        int length = in.getUnsignedShort(in.readerIndex() + 3);
        return Math.max(0, Math.min(length - 1 - readTagLength, MAX_PLAINTEXT_LENGTH));
    }

    /** Takes ownership of {@code record} (a whole record from the deframer). */
    private void processRecord(ByteBuf record) throws TlsException {
        try {
            ByteBuf content;
            if (skippingEarlyData
                    && record.getUnsignedByte(record.readerIndex()) == ContentType.APPLICATION_DATA.code()) {
                content = openOrSkipEarlyData(record);
                if (content == null) {
                    return;
                }
            } else {
                content = read.open(record, alloc);
            }
            if (content != record) {
                record.release();
                record = content;
            }
            ContentType type = read.contentType();
            int code = type.code();
            joiner.checkNotInterleaved(type);
            if (code == ContentType.APPLICATION_DATA.code()) {
                boolean early = acceptingEarlyData;
                if (!early && (state == null || !state.isConnected())) {
                    throw TlsException.misbehaved(PeerMisbehaved.APPLICATION_DATA_BEFORE_HANDSHAKE);
                }
                if (!record.isReadable()) {
                    // RFC 8446 §5.4 allows zero-length application data, but an endless stream of
                    // them costs us work and yields nothing (docs/architecture.md §10).
                    if (++emptyRecords > limits.maxEmptyRecords()) {
                        throw TlsException.misbehaved(PeerMisbehaved.TOO_MANY_EMPTY_RECORDS);
                    }
                    return;
                }
                if (early) {
                    earlyDataReceived += record.readableBytes();
                    // RFC 8446 §4.2.10: a server receiving more than max_early_data_size bytes of 0-RTT data
                    // "SHOULD terminate the connection with an "unexpected_message" alert".
                    if (earlyDataReceived > earlyDataLimit) {
                        throw TlsException.misbehaved(PeerMisbehaved.TOO_MUCH_EARLY_DATA,
                                "more than max_early_data_size " + earlyDataLimit + " bytes");
                    }
                }
                emptyRecords = 0;
                warningAlerts = 0;
                keyUpdates = 0;
                ByteBuf data = record;
                record = null;
                if (early) {
                    listener.earlyData(data);
                } else {
                    listener.applicationData(data);
                }
            } else if (code == ContentType.HANDSHAKE.code()) {
                changeCipherSpecs = 0;
                joiner.add(record);
                record.release();
                record = null;
                drainHandshake();
            } else if (code == ContentType.ALERT.code()) {
                onAlert(Alert.decode(record));
            } else if (code == ContentType.CHANGE_CIPHER_SPEC.code()) {
                onChangeCipherSpec();
            } else {
                throw TlsException.unexpected("a TLS 1.3 record", type.toString());
            }
        } finally {
            if (record != null) {
                record.release();
            }
        }
    }

    /**
     * RFC 8446 §4.2.10, a server that rejected early data: with the handshake keys, a record that does not open is
     * 0-RTT data and is discarded, and the first record that opens "is treated as the start of the client's
     * second flight"; after a HelloRetryRequest (no read keys yet) every application_data record is discarded.
     * Beyond {@link #MAX_SKIPPED_EARLY_DATA}: unexpected_message, what §4.6.1 says for more than
     * max_early_data_size bytes of 0-RTT data.
     *
     * @param record a whole application_data record (borrowed)
     * @return the opened content as {@link ReadProtection#open(ByteBuf, ByteBufAllocator)} returns it, or
     *         {@code null} when the record was skipped
     */
    private ByteBuf openOrSkipEarlyData(ByteBuf record) throws TlsException {
        if (read.isProtected()) {
            try {
                ByteBuf content = read.open(record, alloc);
                skippingEarlyData = false;
                return content;
            } catch (TlsException e) {
                if (!(e.failure() instanceof TlsFailure.DecryptFailed)) {
                    throw e;
                }
            }
        }
        int body = record.readableBytes() - Records.HEADER_LENGTH;
        skippedEarlyData += Math.max(1, body - MIN_RECORD_EXPANSION);
        if (skippedEarlyData > MAX_SKIPPED_EARLY_DATA) {
            throw TlsException.misbehaved(PeerMisbehaved.TOO_MUCH_EARLY_DATA,
                    "more than " + MAX_SKIPPED_EARLY_DATA + " bytes");
        }
        return null;
    }

    private void drainHandshake() throws TlsException {
        while (!released && failure == null && heldClientHello == null) {
            ByteBuf message = joiner.next();
            if (message == null) {
                return;
            }
            try {
                // TLS 1.2 messages have their own codec (docs/architecture.md §16); a state says which it speaks.
                HandshakeMessage decoded = state != null && SessionInfo.TLS12.equals(state.protocol())
                        ? Tls12HandshakeCodec.decode(message) : HandshakeCodec.decode(message);
                if (decoded instanceof KeyUpdate && ++keyUpdates > limits.maxKeyUpdates()) {
                    throw TlsException.misbehaved(PeerMisbehaved.TOO_MANY_KEY_UPDATES);
                }
                if (state == null) {
                    hold(decoded, message);
                    message = null;
                    return;
                }
                onMessage(decoded, message);
            } finally {
                if (message != null) {
                    message.release();
                }
            }
            reportCompletion();
        }
    }

    /**
     * The accept step: an accepting server keeps its first message, which must be a ClientHello, until
     * the caller chooses a configuration. Takes ownership of {@code message} unless it throws.
     */
    private void hold(HandshakeMessage decoded, ByteBuf message) throws TlsException {
        if (!(decoded instanceof ClientHello)) {
            // What a configured server's first state answers (ServerHandshake.ExpectClientHello).
            throw TlsException.unexpected(ClientHello.class.getSimpleName(), decoded.type().toString());
        }
        clientHelloInfo = ClientHelloInfo.of((ClientHello) decoded);
        heldDecoded = (ClientHello) decoded;
        heldClientHello = message;
    }

    /**
     * Whether this accepting server holds a ClientHello and waits for {@link #accept} or {@link #refuse};
     * meanwhile {@link #receive} reads nothing.
     *
     * @return {@code true} while paused at the accept step
     */
    public boolean awaitingConfiguration() {
        return heldClientHello != null;
    }

    /**
     * What the client offered, for an accepting server that has read its ClientHello.
     *
     * @return the ClientHello's information (it stays available after {@link #accept}), or {@code null}
     *         before the ClientHello was read and on any other connection
     */
    public ClientHelloInfo clientHello() {
        return clientHelloInfo;
    }

    /**
     * Continues a connection paused at the accept step with a server configuration: the held ClientHello
     * goes to the server state machine, which queues its flight for {@link #pollOutput()} exactly as a
     * connection created with {@link #server} would. Call {@link #receive} again afterwards with the
     * cumulation, which still holds the records that followed the ClientHello. The limits stay those the
     * connection was created with.
     *
     * @param config the configuration chosen for this client
     * @throws TlsException when the ClientHello is refused by the handshake (the failure is sticky and its
     *         alert queued, as on a configured server)
     * @throws IllegalStateException unless {@link #awaitingConfiguration()}
     */
    public void accept(ServerConfig config) throws TlsException {
        Objects.requireNonNull(config, "config");
        if (!awaitingConfiguration()) {
            throw new IllegalStateException("not awaiting a configuration");
        }
        ByteBuf message = heldClientHello;
        ClientHello hello = heldDecoded;
        heldClientHello = null;
        heldDecoded = null;
        try {
            try {
                crypto = config.crypto();
                advance(ServerHandshake.start(config));
                onMessage(hello, message);
            } finally {
                message.release();
            }
            reportCompletion();
            drainHandshake();
        } catch (TlsException | RuntimeException e) {
            throw fail("accepting the ClientHello failed", e);
        }
    }

    /**
     * Turns away a client paused at the accept step: queues the fatal alert {@code reason} calls for, in a
     * plaintext record (RFC 8446 §6.2), for {@link #pollOutput()}, and fails the connection.
     *
     * @param reason why
     * @return the failure, also returned by {@link #failure()} from now on
     * @throws IllegalStateException unless {@link #awaitingConfiguration()}
     */
    public TlsException refuse(Refusal reason) {
        return refuse(reason, "");
    }

    /**
     * Turns away a client paused at the accept step, with a detail for the failure's message; see
     * {@link #refuse(Refusal)}.
     *
     * @param reason why
     * @param detail the application's words, for logs (not sent)
     * @return the failure, also returned by {@link #failure()} from now on
     * @throws IllegalStateException unless {@link #awaitingConfiguration()}
     */
    public TlsException refuse(Refusal reason, String detail) {
        Objects.requireNonNull(reason, "reason");
        if (!awaitingConfiguration()) {
            throw new IllegalStateException("not awaiting a configuration");
        }
        String text = detail == null || detail.isEmpty() ? reason.description()
                : reason.description() + ": " + detail;
        return fail(new TlsException(new TlsFailure.Refused(reason.alert(), text)));
    }

    /**
     * Hands a message to the state with its bytes (for the transcript), which the state reads during
     * the call only: a heap message's own array, else this thread's copy buffer, not a copy per message.
     */
    private void onMessage(HandshakeMessage decoded, ByteBuf message) throws TlsException {
        int length = message.readableBytes();
        boolean copied = !message.hasArray();
        byte[] borrowed = null;
        byte[] bytes;
        int offset;
        if (copied) {
            // Taken out of the thread's slot while in use, so a nested use on this thread gets its own.
            borrowed = MESSAGE_COPY.get();
            MESSAGE_COPY.set(null);
            bytes = borrowed != null && borrowed.length >= length ? borrowed : new byte[length];
            message.getBytes(message.readerIndex(), bytes, 0, length);
            offset = 0;
        } else {
            bytes = message.array();
            offset = message.arrayOffset() + message.readerIndex();
        }
        try {
            advance(state.on(decoded, bytes, offset, length, effects));
        } catch (RuntimeException e) {
            throw TlsException.internal("handshake state failed on " + decoded.type() + ": " + e, e);
        } finally {
            if (copied) {
                MESSAGE_COPY.set(bytes.length <= MAX_KEPT_MESSAGE_COPY ? bytes : borrowed);
            }
        }
    }

    private void reportCompletion() {
        SessionInfo completed = completionToReport;
        if (completed != null) {
            completionToReport = null;
            listener.handshakeComplete(completed);
        }
    }

    /** RFC 8446 §6: closure alerts end the peer's side; every other alert is an error, whatever its level. */
    private void onAlert(Alert alert) throws TlsException {
        AlertDescription description = alert.description();
        if (description.equals(AlertDescription.CLOSE_NOTIFY)) {
            if (state == null || !state.isConnected()) {
                // The peer gave up during the handshake.
                throw new TlsException(new TlsFailure.AlertReceived(description));
            }
            inboundClosed = true;
            listener.closeNotifyReceived();
            return;
        }
        if (description.equals(AlertDescription.USER_CANCELED) && alert.level() == AlertLevel.WARNING) {
            // RFC 8446 §6.1: user_canceled is a closure alert, normally followed by close_notify.
            if (++warningAlerts > limits.maxWarningAlerts()) {
                throw TlsException.misbehaved(PeerMisbehaved.TOO_MANY_WARNING_ALERTS);
            }
            return;
        }
        // RFC 8446 §6.2: error alerts close the connection at once, and nothing is sent back.
        throw new TlsException(new TlsFailure.AlertReceived(description));
    }

    /**
     * RFC 8446 §5: an unprotected change_cipher_spec received after the first ClientHello and before the
     * peer's Finished "MUST simply be dropped". A peer may send one per flight (a JDK server in
     * middlebox compatibility mode sends one after its HelloRetryRequest and another after its
     * ServerHello), so only consecutive ones are limited: two in a row without a handshake record in
     * between have no use (docs/architecture.md §10).
     */
    private void onChangeCipherSpec() throws TlsException {
        if (state != null) {
            HandshakeState next;
            try {
                next = state.onChangeCipherSpec(effects);
            } catch (RuntimeException e) {
                throw TlsException.internal("handshake state failed on change_cipher_spec: " + e, e);
            }
            if (next != null) {
                // TLS 1.2: the peer's ChangeCipherSpec switches its keys (RFC 5246 §7.1).
                advance(next);
                return;
            }
        }
        if (state == null || !state.allowsChangeCipherSpec()) {
            throw TlsException.misbehaved(PeerMisbehaved.UNEXPECTED_CHANGE_CIPHER_SPEC);
        }
        if (++changeCipherSpecs > 1) {
            throw TlsException.misbehaved(PeerMisbehaved.TOO_MANY_CHANGE_CIPHER_SPECS);
        }
    }

    /**
     * The size of the records {@link #writeApplicationData} produces for {@code length} bytes, so a
     * caller can size one output buffer (an automatic KeyUpdate may add a little).
     *
     * @param length plaintext bytes
     * @param maxFragment the largest plaintext per record, 1 to 2^14
     * @return the number of record bytes
     */
    public int sealedLength(int length, int maxFragment) {
        return write.sealedLength(ContentType.APPLICATION_DATA, length, maxFragment);
    }

    /**
     * Seals all readable bytes of {@code plaintext} as application_data records of at most
     * {@code maxFragment} bytes each, queued for {@link #pollOutput()} in one buffer. Updates the write
     * keys first when the automatic KeyUpdate interval is reached (RFC 8446 §5.5).
     *
     * @param plaintext the data (borrowed); its reader index advances to its writer index
     * @param maxFragment the largest plaintext per record, 1 to 2^14
     * @throws TlsException when sealing fails (the failure is sticky)
     * @throws IllegalStateException before the handshake completed, after closeOutbound or release
     */
    public void writeApplicationData(ByteBuf plaintext, int maxFragment) throws TlsException {
        checkCanSend();
        if (maxFragment < 1 || maxFragment > MAX_PLAINTEXT_LENGTH) {
            throw new IllegalArgumentException("max fragment out of range: " + maxFragment);
        }
        if (!plaintext.isReadable()) {
            return;
        }
        try {
            sealHandshake();
            ensureOut(sealedLength(plaintext.readableBytes(), maxFragment));
            // KeyUpdates the peer sends while we stream data to it are answers to our traffic (a JDK peer
            // at its key limit requests one per record it reads), not a flood: count only consecutive
            // ones without application data in either direction.
            keyUpdates = 0;
            while (plaintext.isReadable()) {
                // TLS 1.2 has no KeyUpdate (its only rekeying is the renegotiation we refuse).
                if (write.sequenceNumber() >= limits.keyUpdateAfterRecords()
                        && !SessionInfo.TLS12.equals(state.protocol())) {
                    advance(state.initiateKeyUpdate(false, effects));
                    sealHandshake();
                }
                write.seal(ContentType.APPLICATION_DATA, plaintext, Math.min(plaintext.readableBytes(), maxFragment),
                        out);
            }
        } catch (TlsException | RuntimeException e) {
            throw fail("sealing application data failed", e);
        }
    }

    /**
     * How many application bytes a client may still send as 0-RTT data (RFC 8446 §2.3, §4.2.10): while its early
     * keys are in force (it offered early data and the server has neither rejected it nor sent its Finished), what
     * the ticket's max_early_data_size leaves; else 0.
     *
     * @return the bytes {@link #writeEarlyData} takes now
     */
    public long earlyDataAllowance() {
        return earlyWrite == null || failure != null || outboundClosed || released ? 0 : earlyDataAllowance;
    }

    /**
     * Seals all readable bytes of {@code plaintext} as 0-RTT application_data records under the
     * client_early_traffic_secret (RFC 8446 §2.3), after the ClientHello, queued for {@link #pollOutput()}.
     * Whether the server accepts them is known once the handshake completes ({@link SessionInfo#earlyDataAccepted()});
     * a server that rejects them skips them unread (§4.2.10).
     *
     * @param plaintext the data (borrowed), at most {@link #earlyDataAllowance()} bytes; its reader index advances
     *        to its writer index
     * @param maxFragment the largest plaintext per record, 1 to 2^14
     * @throws TlsException when sealing fails (the failure is sticky)
     * @throws IllegalStateException when the data exceeds {@link #earlyDataAllowance()}
     */
    public void writeEarlyData(ByteBuf plaintext, int maxFragment) throws TlsException {
        if (failure != null) {
            throw failure;
        }
        if (maxFragment < 1 || maxFragment > MAX_PLAINTEXT_LENGTH) {
            throw new IllegalArgumentException("max fragment out of range: " + maxFragment);
        }
        int length = plaintext.readableBytes();
        if (length > earlyDataAllowance()) {
            throw new IllegalStateException(length + " bytes of early data, " + earlyDataAllowance() + " allowed");
        }
        if (length == 0) {
            return;
        }
        try {
            sealHandshake();
            ensureOut(earlyWrite.sealedLength(ContentType.APPLICATION_DATA, length, maxFragment));
            while (plaintext.isReadable()) {
                earlyWrite.seal(ContentType.APPLICATION_DATA, plaintext,
                        Math.min(plaintext.readableBytes(), maxFragment), out);
            }
            earlyDataAllowance -= length;
        } catch (TlsException | RuntimeException e) {
            throw fail("sealing early data failed", e);
        }
    }

    /**
     * Whether a client may send its rejected early data again as 1-RTT data: RFC 8446 §4.2.10 forbids it unless
     * the connection selected the ALPN protocol the early data was written for (the ticket's).
     *
     * @return {@code true} after the handshake completed with that protocol (or none, as the ticket)
     */
    public boolean earlyDataResendable() {
        return session != null && Objects.equals(session.applicationProtocol(), earlyDataProtocol);
    }

    /**
     * Updates our write keys with a KeyUpdate (RFC 8446 §4.6.3), optionally asking the peer to update
     * its own. The KeyUpdate is queued for {@link #pollOutput()}.
     *
     * @param requestPeerUpdate whether to set update_requested
     * @throws TlsException when sealing fails (the failure is sticky)
     * @throws IllegalStateException before the handshake completed, after closeOutbound or release
     */
    public void updateKeys(boolean requestPeerUpdate) throws TlsException {
        checkCanSend();
        try {
            advance(state.initiateKeyUpdate(requestPeerUpdate, effects));
            sealHandshake();
        } catch (TlsException | RuntimeException e) {
            throw fail("updating the keys failed", e);
        }
    }

    private void checkCanSend() throws TlsException {
        if (failure != null) {
            throw failure;
        }
        if (released) {
            throw new IllegalStateException("connection released");
        }
        if (outboundClosed) {
            throw new IllegalStateException("close_notify already sent");
        }
        if (state == null || !state.isConnected()) {
            throw new IllegalStateException("handshake not complete");
        }
    }

    /**
     * Queues close_notify (RFC 8446 §6.1): we send nothing more. Idempotent; does nothing after a
     * failure or release.
     */
    public void closeOutbound() {
        if (outboundClosed || released || failure != null) {
            outboundClosed = true;
            return;
        }
        outboundClosed = true;
        try {
            sealHandshake();
            sealAlert(Alert.CLOSE_NOTIFY);
        } catch (TlsException | RuntimeException e) {
            fail("sealing close_notify failed", e);
        }
    }

    /**
     * Takes the records queued so far (flights, application data, alerts), in order.
     *
     * @return one buffer with every pending record (owned by the caller), or {@code null} when
     *         nothing is pending
     */
    public ByteBuf pollOutput() {
        if (released) {
            return null;
        }
        if (failure == null) {
            try {
                sealHandshake();
            } catch (TlsException | RuntimeException e) {
                fail("sealing the flight failed", e);
            }
        }
        ByteBuf result = out;
        out = null;
        if (result != null && !result.isReadable()) {
            result.release();
            return null;
        }
        return result;
    }

    /** @return whether records are waiting for {@link #pollOutput()} */
    public boolean hasOutput() {
        return (out != null && out.isReadable()) || (failure == null && handshakeOut != null
                && handshakeOut.isReadable());
    }

    /** @return whether the handshake has completed (it stays {@code true} after a later failure) */
    public boolean isHandshakeComplete() {
        return session != null;
    }

    /** @return what was negotiated, or {@code null} before the handshake completed */
    public SessionInfo session() {
        return session;
    }

    /** @return whether the peer's close_notify was received */
    public boolean isInboundClosed() {
        return inboundClosed;
    }

    /** @return whether close_notify was queued (or the connection failed) */
    public boolean isOutboundClosed() {
        return outboundClosed;
    }

    /** @return the failure that ended the connection, or {@code null} */
    public TlsException failure() {
        return failure;
    }

    /** @return whether {@link #release()} was called */
    public boolean isReleased() {
        return released;
    }

    /**
     * Exports keying material (RFC 8446 §7.5; RFC 5705 with the extended master secret for TLS 1.2).
     *
     * @param label the exporter label
     * @param context the context value, possibly empty, or {@code null} for none (the same as empty in TLS 1.3,
     *        different in TLS 1.2, RFC 5705 §4)
     * @param length the number of bytes
     * @return the keying material, owned by the caller
     * @throws IllegalStateException before the handshake completed or after release, and for a TLS 1.2 session
     *         without the extended master secret (RFC 7627 §5.4)
     */
    public byte[] exportKeyingMaterial(String label, byte[] context, int length) {
        if (tls12Exporter != null && !released) {
            // RFC 5705 §4: in TLS 1.2 an absent context (null) differs from an empty one.
            return tls12Exporter.export(label, context, tls12ClientRandom, tls12ServerRandom, length);
        }
        if (exporter == null || released) {
            throw new IllegalStateException("no exporter secret: handshake not complete or connection released");
        }
        // RFC 8446 §7.5: in TLS 1.3 no context is the same as an empty one.
        return exporter.export(label, context == null ? new byte[0] : context, length);
    }

    /**
     * Frees everything: buffers, the joiner, the protections' keys, the handshake state's secrets and
     * the exporter secret. Idempotent; the connection is unusable afterwards.
     */
    public void release() {
        if (released) {
            return;
        }
        released = true;
        joiner.release();
        releaseHeldClientHello();
        if (handshakeOut != null) {
            handshakeOut.release();
            handshakeOut = null;
        }
        if (out != null) {
            out.release();
            out = null;
        }
        read.destroy();
        write.destroy();
        destroyEarlyWrite();
        destroyState();
        if (exporter != null) {
            exporter.destroy();
            exporter = null;
        }
        if (tls12Exporter != null) {
            tls12Exporter.destroy();
            tls12Exporter = null;
        }
    }

    private void destroyEarlyWrite() {
        if (earlyWrite != null) {
            earlyWrite.destroy();
            earlyWrite = null;
        }
    }

    private void destroyState() {
        if (state != null) {
            state.destroy();
            state = FailedState.INSTANCE;
        }
    }

    private void releaseHeldClientHello() {
        if (heldClientHello != null) {
            heldClientHello.release();
            heldClientHello = null;
            heldDecoded = null;
        }
    }

    /**
     * Installs the state the machine returned, unless an effect failed while it ran: then that failure is
     * thrown, and the state it left behind is destroyed with the one it came from.
     */
    private void advance(HandshakeState next) throws TlsException {
        HandshakeState previous = state;
        state = next;
        if (effectFailure != null) {
            if (previous != null && previous != next) {
                previous.destroy();
            }
            throw effectFailure;
        }
    }

    /**
     * The one way a failure leaves a public method (docs/architecture.md §7): a {@link TlsException}
     * becomes sticky as it is; a RuntimeException (a bug, a broken provider, an unusable buffer) becomes
     * an internal failure named after {@code operation}.
     *
     * @return the failure, for the caller to throw
     */
    private TlsException fail(String operation, Exception e) {
        return fail(e instanceof TlsException ? (TlsException) e
                : TlsException.internal(operation + ": " + e, e));
    }

    /**
     * Makes a failure sticky: drops the unsent part of the current flight, queues the fatal alert the
     * failure calls for (docs/architecture.md §7) and destroys the handshake state.
     */
    private TlsException fail(TlsException e) {
        if (failure != null) {
            return failure;
        }
        failure = e;
        if (handshakeOut != null) {
            handshakeOut.clear();
        }
        if (!outboundClosed && !released && e.failure().sendsAlert()) {
            try {
                sealAlert(Alert.fatal(e.failure().alert()));
            } catch (TlsException | RuntimeException ignored) {
                // Nothing more can be sent; the connection is failing anyway.
            }
        }
        outboundClosed = true;
        joiner.release();
        releaseHeldClientHello();
        destroyEarlyWrite();
        destroyState();
        return e;
    }

    private void sealAlert(Alert alert) throws TlsException {
        ByteBuf content = Unpooled.wrappedBuffer(alert.encode());
        ensureOut(write.recordLength(ContentType.ALERT, Alert.LENGTH));
        write.seal(ContentType.ALERT, content, out);
    }

    /** Seals the queued handshake plaintext with the write protection in force. */
    private void sealHandshake() throws TlsException {
        if (handshakeOut == null || !handshakeOut.isReadable()) {
            return;
        }
        ensureOut(write.sealedLength(ContentType.HANDSHAKE, handshakeOut.readableBytes(), MAX_PLAINTEXT_LENGTH));
        write.sealFragmented(ContentType.HANDSHAKE, handshakeOut, MAX_PLAINTEXT_LENGTH, out);
        handshakeOut.clear();
        if (session != null) {
            // After the handshake (NewSessionTickets, KeyUpdate) an idle connection keeps no handshake buffer
            // (docs/architecture.md §6): post-handshake messages are rare enough to allocate one each time.
            handshakeOut.release();
            handshakeOut = null;
        }
        if (client && !write.isProtected()) {
            // Only the first ClientHello may use 0x0301 (RFC 8446 §5.1).
            write = WriteProtection.plaintext();
        }
    }

    private void ensureOut(int bytes) {
        if (out == null) {
            out = alloc.heapBuffer(Math.max(bytes, 256));
        } else {
            out.ensureWritable(bytes);
        }
    }

    /**
     * The effects of the state machine, applied in call order (docs/architecture.md §5). Sealing can fail,
     * and {@link HandshakeOutput} cannot throw {@link TlsException}: the first failure is recorded in
     * {@link #effectFailure}, every later effect of that call does nothing (keys and secrets it is handed are
     * destroyed), and {@link #advance} throws it when the state machine returns.
     */
    private final class Effects implements HandshakeOutput, Tls12Output {

        @Override
        public void sendHandshake(byte[] encodedMessage) {
            if (outboundClosed || released || effectFailure != null) {
                // RFC 8446 §6.1: nothing follows our close_notify, not even the KeyUpdate a peer's
                // update_requested asks for. A listener callback may also have released the
                // connection in the middle of a flight; nothing may be allocated after that.
                return;
            }
            if (handshakeOut == null) {
                handshakeOut = alloc.heapBuffer(Math.max(encodedMessage.length, 512));
            }
            handshakeOut.writeBytes(encodedMessage);
        }

        @Override
        public void sendChangeCipherSpec() {
            if (outboundClosed || released || effectFailure != null) {
                return;
            }
            try {
                sealHandshake();
                ensureOut(Records.HEADER_LENGTH + 1);
                write.seal(ContentType.CHANGE_CIPHER_SPEC, Unpooled.wrappedBuffer(CHANGE_CIPHER_SPEC), out);
            } catch (TlsException e) {
                effectFailure = e;
            }
        }

        @Override
        public void installWriteKeys(TrafficKeys keys) {
            try {
                if (effectFailure != null) {
                    return;
                }
                sealHandshake();
                WriteProtection old = write;
                write = WriteProtection.install(crypto.aead(keys.algorithm(), keys.key()), keys.iv());
                old.destroyReplacedBy(write);
            } catch (TlsException e) {
                effectFailure = e;
            } finally {
                keys.destroy();
            }
        }

        @Override
        public void installReadKeys(TrafficKeys keys) throws TlsException {
            try {
                if (effectFailure != null) {
                    return;
                }
                // RFC 8446 §5.1: a handshake message must not span a key change.
                Aligned aligned = joiner.aligned();
                // New read keys end the skipping of rejected early data; the state asks again if it must go on.
                skippingEarlyData = false;
                // And they end accepted early data: after EndOfEarlyData come the client's handshake keys.
                acceptingEarlyData = false;
                ReadProtection old = read;
                read = ReadProtection.install(aligned, crypto.aead(keys.algorithm(), keys.key()), keys.iv());
                readTagLength = keys.algorithm().tagLength();
                old.destroyReplacedBy(read);
            } finally {
                keys.destroy();
            }
        }

        @Override
        public void skipEarlyData() {
            if (effectFailure == null) {
                skippingEarlyData = true;
                skippedEarlyData = 0;
            }
        }

        @Override
        public void acceptEarlyData(long maxEarlyDataSize) {
            if (effectFailure == null) {
                acceptingEarlyData = true;
                earlyDataLimit = maxEarlyDataSize;
                earlyDataReceived = 0;
            }
        }

        @Override
        public void installEarlyWriteKeys(TrafficKeys keys, long maxEarlyDataSize, String applicationProtocol) {
            try {
                if (effectFailure != null) {
                    return;
                }
                // The ClientHello (and CCS) go first, in plaintext; 0-RTT records follow them (RFC 8446 §2.3).
                sealHandshake();
                destroyEarlyWrite();
                earlyWrite = WriteProtection.install(crypto.aead(keys.algorithm(), keys.key()), keys.iv());
                earlyDataAllowance = maxEarlyDataSize;
                earlyDataProtocol = applicationProtocol;
            } catch (TlsException e) {
                effectFailure = e;
            } finally {
                keys.destroy();
            }
        }

        @Override
        public void endEarlyData(byte[] encodedEndOfEarlyData) {
            try {
                if (effectFailure != null || earlyWrite == null || encodedEndOfEarlyData == null
                        || outboundClosed || released) {
                    return;
                }
                // RFC 8446 §4.5: EndOfEarlyData is protected with the 0-RTT keys, after all early data.
                sealHandshake();
                ByteBuf message = Unpooled.wrappedBuffer(encodedEndOfEarlyData);
                ensureOut(earlyWrite.recordLength(ContentType.HANDSHAKE, encodedEndOfEarlyData.length));
                earlyWrite.seal(ContentType.HANDSHAKE, message, out);
            } catch (TlsException e) {
                effectFailure = e;
            } finally {
                destroyEarlyWrite();
            }
        }

        @Override
        public void handshakeComplete(HandshakeSummary summary) {
            if (effectFailure != null) {
                return;
            }
            TlsConnection.this.summary = summary;
            session = SessionInfo.of(summary, state == null ? SessionInfo.PROTOCOL : state.protocol());
            completionToReport = session;
            // The flights are sealed; an idle connection keeps no handshake buffer (a KeyUpdate or a
            // NewSessionTicket allocates one again when it needs it).
            if (handshakeOut != null && !handshakeOut.isReadable()) {
                handshakeOut.release();
                handshakeOut = null;
            }
        }

        @Override
        public void exporterSecret(ExporterSecret secret) {
            if (effectFailure != null) {
                secret.destroy();
                return;
            }
            if (exporter != null) {
                exporter.destroy();
            }
            exporter = secret;
        }

        @Override
        public void installWriteKeys(AeadAlgorithm aead, byte[] key, byte[] iv) {
            try {
                if (effectFailure != null) {
                    return;
                }
                // RFC 5246 §7.1: what was queued before our ChangeCipherSpec goes out under the old keys.
                sealHandshake();
                WriteProtection old = write;
                write = WriteProtection.installTls12(crypto.aead(aead, key), iv);
                old.destroyReplacedBy(write);
            } catch (TlsException e) {
                effectFailure = e;
            } finally {
                Arrays.fill(key, (byte) 0);
                Arrays.fill(iv, (byte) 0);
            }
        }

        @Override
        public void installReadKeys(AeadAlgorithm aead, byte[] key, byte[] iv) throws TlsException {
            try {
                if (effectFailure != null) {
                    return;
                }
                // The peer's Finished must start a new record after its ChangeCipherSpec.
                Aligned aligned = joiner.aligned();
                ReadProtection old = read;
                read = ReadProtection.installTls12(aligned, crypto.aead(aead, key), iv);
                // An encrypted TLS 1.2 alert (close_notify) is longer than two bytes until decrypted.
                deframer.tls12Protected();
                int explicitNonce = aead == AeadAlgorithm.CHACHA20_POLY1305 ? 0 : 8;
                readTagLength = explicitNonce + aead.tagLength() - 1;
                old.destroyReplacedBy(read);
            } finally {
                Arrays.fill(key, (byte) 0);
                Arrays.fill(iv, (byte) 0);
            }
        }

        @Override
        public void sendWarningAlert(AlertDescription description) {
            if (outboundClosed || released || effectFailure != null) {
                return;
            }
            try {
                sealHandshake();
                sealAlert(new Alert(AlertLevel.WARNING, description));
            } catch (TlsException e) {
                effectFailure = e;
            }
        }

        @Override
        public void exporter(Tls12MasterSecret secret, byte[] clientRandom, byte[] serverRandom) {
            if (effectFailure != null) {
                secret.destroy();
                return;
            }
            if (tls12Exporter != null) {
                tls12Exporter.destroy();
            }
            tls12Exporter = secret;
            tls12ClientRandom = clientRandom.clone();
            tls12ServerRandom = serverRandom.clone();
        }

        @Override
        public boolean keyLogEnabled() {
            return listener.keyLogEnabled();
        }

        @Override
        public void keyLog(String line) {
            if (effectFailure == null) {
                listener.keyLog(line);
            }
        }

        @Override
        public void tls12SessionTicket(ResumptionTicket ticket) {
            if (effectFailure == null && sessions != null) {
                sessions.put(sessionHost, sessionPort, ticket);
            } else {
                ticket.destroy();
            }
        }

        @Override
        public void sessionTicket(NewSessionTicket ticket, byte[] psk) {
            if (effectFailure != null) {
                Arrays.fill(psk, (byte) 0);
                return;
            }
            if (sessions != null && summary != null) {
                sessions.put(sessionHost, sessionPort,
                        ResumptionTicket.of(ticket, psk.clone(), summary, crypto.clock().millis()));
            }
            listener.sessionTicket(ticket, psk);
        }
    }

    /** The state after a failure or release: refuses everything (docs/architecture.md §5: failure is sticky). */
    private static final class FailedState implements HandshakeState {
        static final FailedState INSTANCE = new FailedState();

        @Override
        public HandshakeState on(HandshakeMessage message, byte[] encoded, int offset, int length,
                                 HandshakeOutput out) throws TlsException {
            throw new TlsException(new TlsFailure.Internal("connection already failed"));
        }

        @Override
        public boolean isConnected() {
            return false;
        }

        @Override
        public boolean allowsChangeCipherSpec() {
            return false;
        }

        @Override
        public HandshakeState initiateKeyUpdate(boolean requestPeerUpdate, HandshakeOutput out) {
            throw new IllegalStateException("connection failed");
        }

        @Override
        public void destroy() {
        }
    }
}
