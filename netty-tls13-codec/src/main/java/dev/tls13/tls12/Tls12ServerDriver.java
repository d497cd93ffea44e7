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
public final class Tls12ServerDriver implements Tls12Driving {

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
                Tls12Driving.output(out)));
    }

    @Override
    public HandshakeState on(HandshakeMessage message, byte[] encoded, int offset, int length, HandshakeOutput out)
            throws TlsException {
        Tls12ServerState next = state.on(message, encoded, offset, length, Tls12Driving.output(out));
        return next == state ? this : new Tls12ServerDriver(next);
    }

    @Override
    public HandshakeState onChangeCipherSpec(HandshakeOutput out) throws TlsException {
        return new Tls12ServerDriver(state.onChangeCipherSpec(Tls12Driving.output(out)));
    }

    @Override
    public boolean isConnected() {
        return state.isConnected();
    }

    @Override
    public void destroy() {
        state.destroy();
    }
}
