package dev.tls13.fuzz;

import dev.tls13.connection.ClientSessionCache;
import dev.tls13.connection.SessionInfo;
import dev.tls13.connection.TlsConnection;
import dev.tls13.error.TlsException;
import io.netty.buffer.ByteBuf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Drives a client or server {@link TlsConnection} with raw peer bytes. The input's first byte selects
 * the configuration (see {@link FuzzSupport#clientConfig} and {@link FuzzSupport#serverConfig}); the
 * rest is what the peer sent, fed in one piece. When the handshake completes, the connection also
 * sends application data, a KeyUpdate (TLS 1.3 only) and close_notify, so those paths run on fuzzed state too.
 * The TLS 1.2 targets use the same modes on configurations with TLS 1.2 enabled
 * ({@link FuzzSupport#tls12ClientConfig}, {@link FuzzSupport#tls12ServerConfig}).
 */
final class StateMachineTarget {

    static final int CLIENT_MODES = 8;
    static final int SERVER_MODES = 64;
    /** The TLS 1.2 client's modes: bit 3 allows a server without the extended master secret. */
    static final int TLS12_CLIENT_MODES = 16;
    /**
     * The TLS 1.2 server's modes: those of {@link #SERVER_MODES}, where bit 5 also enables TLS 1.3 beside TLS 1.2,
     * and bit 6 allows a client without EMS.
     */
    static final int TLS12_SERVER_MODES = 128;
    private static final byte[] REQUEST = "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESPONSE = "HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private StateMachineTarget() {
    }

    /**
     * Runs one input; only a {@link TlsException} that is not a hidden crash may come out of the
     * connection, and everything is released.
     */
    static void run(boolean client, byte[] input) {
        run(client, false, input);
    }

    /**
     * Runs one input against a configuration with TLS 1.2 enabled or not, under the same rules as
     * {@link #run(boolean, byte[])}.
     */
    static void run(boolean client, boolean tls12, byte[] input) {
        if (input.length == 0) {
            return;
        }
        int mode = (input[0] & 0xFF) % (client ? tls12 ? TLS12_CLIENT_MODES : CLIENT_MODES
                : tls12 ? TLS12_SERVER_MODES : SERVER_MODES);
        FuzzSupport.Sink sink = new FuzzSupport.Sink();
        TlsConnection c = null;
        ByteBuf in = FuzzSupport.ALLOC.buffer(input.length - 1).writeBytes(input, 1, input.length - 1);
        try {
            c = start(client, tls12, mode, sink);
            FuzzSupport.drain(c);
            c.receive(in);
            FuzzSupport.drain(c);
            if (c.isHandshakeComplete() && !c.isOutboundClosed()) {
                ByteBuf data = FuzzSupport.ALLOC.buffer().writeBytes(client ? REQUEST : RESPONSE);
                try {
                    c.writeApplicationData(data, 7);
                } finally {
                    data.release();
                }
                if (!tls12(c)) {
                    c.updateKeys(true);
                }
                c.closeOutbound();
                FuzzSupport.drain(c);
            }
        } catch (TlsException e) {
            FuzzSupport.checkFailure(e);
            if (c != null) {
                // The fatal alert, queued by the failure, must be takeable and releasable.
                FuzzSupport.drain(c);
            }
        } finally {
            in.release();
            if (c != null) {
                c.release();
            }
        }
    }

    private static TlsConnection start(boolean client, boolean tls12, int mode, FuzzSupport.Sink sink)
            throws TlsException {
        if (client) {
            return FuzzSupport.startClient(tls12 ? FuzzSupport.tls12ClientConfig(mode) : FuzzSupport.clientConfig(mode),
                    sink);
        }
        return FuzzSupport.startServer(tls12 ? FuzzSupport.tls12ServerConfig(mode) : FuzzSupport.serverConfig(mode),
                sink);
    }

    /** @return whether the completed handshake negotiated TLS 1.2, which has no KeyUpdate */
    private static boolean tls12(TlsConnection c) {
        return SessionInfo.TLS12.equals(c.session().protocol());
    }

    /**
     * A recorded conversation between our client and server: what each side sent, in order.
     *
     * @param serverSession what the server's handshake negotiated, {@code null} when it did not complete
     * @param earlyBytes the 0-RTT bytes the server accepted
     * @param protocol the protocol the client's handshake negotiated, {@code null} when it did not complete
     */
    record Conversation(byte[] clientSent, byte[] serverSent, boolean completed, SessionInfo serverSession,
                        long earlyBytes, String protocol) {
    }

    /**
     * Runs our client (mode {@code clientMode}) against our server (mode {@code serverMode}) with the
     * fuzzing providers: handshake, a request and a response, a KeyUpdate each way and close_notify.
     */
    static Conversation converse(int clientMode, int serverMode) throws TlsException {
        return converse(clientMode, serverMode, false);
    }

    /**
     * As {@link #converse(int, int)}, with TLS 1.2 enabled on both sides when {@code tls12} is set (the
     * KeyUpdates are left out when TLS 1.2 was negotiated).
     */
    static Conversation converse(int clientMode, int serverMode, boolean tls12) throws TlsException {
        FuzzSupport.Sink cs = new FuzzSupport.Sink();
        return converse(start(true, tls12, clientMode, cs), cs, tls12, serverMode);
    }

    /**
     * A first conversation that leaves the server's tickets in a client session cache, then the recorded one, in
     * which the client offers a ticket (a ClientHello with pre_shared_key, the ticket sealed under the fixed key of
     * server mode bit 5, and its binder) and, with {@code earlyData}, sends {@link #REQUEST} as 0-RTT data.
     */
    static Conversation converseResumed(int clientMode, int serverMode, boolean earlyData) throws TlsException {
        ClientSessionCache sessions = new ClientSessionCache(4, 0);
        FuzzSupport.Sink first = new FuzzSupport.Sink();
        if (!converse(FuzzSupport.startResumingClient(clientMode, false, sessions, first), first, false, serverMode)
                .completed() || sessions.size() == 0) {
            throw new IllegalStateException("no ticket from server mode " + serverMode);
        }
        FuzzSupport.Sink cs = new FuzzSupport.Sink();
        TlsConnection c = FuzzSupport.startResumingClient(clientMode, earlyData, sessions, cs);
        if (earlyData) {
            ByteBuf data = FuzzSupport.ALLOC.buffer().writeBytes(REQUEST);
            try {
                c.writeEarlyData(data, 16384);
            } catch (TlsException | RuntimeException e) {
                c.release();
                throw e;
            } finally {
                data.release();
            }
        }
        return converse(c, cs, false, serverMode);
    }

    private static Conversation converse(TlsConnection c, FuzzSupport.Sink cs, boolean tls12, int serverMode)
            throws TlsException {
        FuzzSupport.Sink ss = new FuzzSupport.Sink();
        TlsConnection s;
        try {
            s = start(false, tls12, serverMode, ss);
        } catch (TlsException | RuntimeException e) {
            c.release();
            throw e;
        }
        ByteArrayOutputStream toServer = new ByteArrayOutputStream();
        ByteArrayOutputStream toClient = new ByteArrayOutputStream();
        try {
            boolean sentData = false;
            for (int round = 0; round < 8; round++) {
                if (!sentData && c.isHandshakeComplete() && s.isHandshakeComplete()) {
                    sentData = true;
                    boolean keyUpdate = !tls12(c);
                    write(c, REQUEST);
                    if (keyUpdate) {
                        c.updateKeys(true);
                    }
                    write(s, RESPONSE);
                    if (keyUpdate) {
                        s.updateKeys(false);
                    }
                }
                shuttle(c, s, toServer);
                shuttle(s, c, toClient);
                if (sentData && round >= 5) {
                    c.closeOutbound();
                    s.closeOutbound();
                }
            }
            return new Conversation(toServer.toByteArray(), toClient.toByteArray(),
                    cs.complete && ss.complete && cs.closeNotify && ss.closeNotify, ss.session, ss.earlyBytes,
                    c.isHandshakeComplete() ? c.session().protocol() : null);
        } finally {
            c.release();
            s.release();
        }
    }

    private static void write(TlsConnection c, byte[] bytes) throws TlsException {
        ByteBuf data = FuzzSupport.ALLOC.buffer().writeBytes(bytes);
        try {
            c.writeApplicationData(data, 16384);
        } finally {
            data.release();
        }
    }

    private static void shuttle(TlsConnection from, TlsConnection to, ByteArrayOutputStream record)
            throws TlsException {
        byte[] bytes = FuzzSupport.drain(from);
        if (bytes.length == 0) {
            return;
        }
        record.writeBytes(bytes);
        ByteBuf in = FuzzSupport.ALLOC.buffer(bytes.length).writeBytes(bytes);
        try {
            to.receive(in);
        } finally {
            in.release();
        }
    }
}
