package dev.tls13.tls12;

import dev.tls13.error.TlsException;
import dev.tls13.handshake.HandshakeOutput;
import dev.tls13.handshake.HandshakeState;
import dev.tls13.handshake.ServerConfig;
import dev.tls13.tls12.Tls12ServerHandshake.Tls12ServerState;
import dev.tls13.wire.ClientHello;
import dev.tls13.wire.HandshakeMessage;

/**
 * The TLS 1.2 server as a {@link HandshakeState} of the connection driver (docs/architecture.md §16): says
 * "TLSv1.2" (so the driver decodes with {@link dev.tls13.wire.Tls12HandshakeCodec}), turns a ChangeCipherSpec into
 * a state change, and passes the driver's output on as a {@link Tls12Output}. Its entry point is handed to the
 * server configuration as a {@link dev.tls13.handshake.Tls12ServerContinuation}.
 */
public final class Tls12ServerDriver implements HandshakeState {

    private final Tls12ServerState state;

    private Tls12ServerDriver(Tls12ServerState state) {
        this.state = state;
    }

    /**
     * Answers a ClientHello that negotiated TLS 1.2 (see {@link Tls12ServerHandshake#afterClientHello}).
     *
     * @param config the server configuration
     * @param hello the ClientHello
     * @param encoded the array holding its exact bytes, header included; borrowed
     * @param offset where it starts
     * @param length its length
     * @param out the driver's output, which must take TLS 1.2 effects too
     * @return the first TLS 1.2 state
     * @throws TlsException as {@link Tls12ServerHandshake#afterClientHello}
     */
    public static HandshakeState afterClientHello(ServerConfig config, ClientHello hello, byte[] encoded, int offset,
                                                  int length, HandshakeOutput out) throws TlsException {
        return new Tls12ServerDriver(Tls12ServerHandshake.afterClientHello(config, hello, encoded, offset, length,
                output(out)));
    }

    @Override
    public HandshakeState on(HandshakeMessage message, byte[] encoded, int offset, int length, HandshakeOutput out)
            throws TlsException {
        Tls12ServerState next = state.on(message, encoded, offset, length, output(out));
        return next == state ? this : new Tls12ServerDriver(next);
    }

    @Override
    public HandshakeState onChangeCipherSpec(HandshakeOutput out) throws TlsException {
        return new Tls12ServerDriver(state.onChangeCipherSpec(output(out)));
    }

    @Override
    public String protocol() {
        return "TLSv1.2";
    }

    @Override
    public boolean isConnected() {
        return state.isConnected();
    }

    /** A ChangeCipherSpec is never dropped in TLS 1.2: {@link #onChangeCipherSpec} decides. */
    @Override
    public boolean allowsChangeCipherSpec() {
        return false;
    }

    /** TLS 1.2 has no KeyUpdate (its only rekeying is renegotiation, which we refuse). */
    @Override
    public HandshakeState initiateKeyUpdate(boolean requestPeerUpdate, HandshakeOutput out) {
        throw new IllegalStateException("TLS 1.2 has no KeyUpdate");
    }

    @Override
    public void destroy() {
        state.destroy();
    }

    private static Tls12Output output(HandshakeOutput out) {
        if (out instanceof Tls12Output o) {
            return o;
        }
        throw new IllegalStateException("the driver's output does not take TLS 1.2 effects: " + out.getClass());
    }
}
