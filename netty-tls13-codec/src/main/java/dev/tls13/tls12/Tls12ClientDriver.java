package dev.tls13.tls12;

import dev.tls13.error.TlsException;
import dev.tls13.handshake.ClientConfig;
import dev.tls13.handshake.HandshakeOutput;
import dev.tls13.handshake.HandshakeState;
import dev.tls13.handshake.ResumptionTicket;
import dev.tls13.record.Tls12CipherSuiteParams;
import dev.tls13.tls12.Tls12ClientHandshake.Tls12ClientState;
import dev.tls13.wire.ClientHello;
import dev.tls13.wire.Extension;
import dev.tls13.wire.ExtensionType;
import dev.tls13.wire.HandshakeMessage;
import dev.tls13.wire.NamedGroup;
import dev.tls13.wire.ServerHello;
import dev.tls13.wire.SignatureScheme;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The TLS 1.2 client as a {@link HandshakeState} of the connection driver (docs/architecture.md §16): says
 * "TLSv1.2" (so the driver decodes with {@link dev.tls13.wire.Tls12HandshakeCodec}), turns a ChangeCipherSpec
 * into a state change, and passes the driver's output on as a {@link Tls12Output}, which the driver implements
 * beside {@link HandshakeOutput}.
 */
public final class Tls12ClientDriver implements Tls12Driving {

    private final Tls12ClientState state;

    private Tls12ClientDriver(Tls12ClientState state) {
        this.state = state;
    }

    /**
     * Continues after a ServerHello that selected TLS 1.2: what we offered is read back from our own
     * ClientHello (suites, supported_groups, signature_algorithms, ALPN), so it cannot differ from what was sent.
     *
     * @param config the client configuration
     * @param peerHost the host the certificate must name, or {@code null}
     * @param clientHello our ClientHello
     * @param encodedClientHello its bytes, header included
     * @param serverHello the ServerHello
     * @param encodedServerHello its bytes, header included
     * @param tls12Offer the TLS 1.2 session ticket offered, or {@code null}; taken over
     * @return the first TLS 1.2 state
     * @throws TlsException as {@link Tls12ClientHandshake#afterServerHello}
     */
    public static HandshakeState afterServerHello(ClientConfig config, String peerHost, ClientHello clientHello,
                                                  byte[] encodedClientHello, ServerHello serverHello,
                                                  byte[] encodedServerHello, ResumptionTicket tls12Offer)
            throws TlsException {
        List<Tls12CipherSuiteParams> suites = new ArrayList<>();
        for (var suite : clientHello.cipherSuites()) {
            Tls12CipherSuiteParams.find(suite).ifPresent(suites::add);
        }
        List<NamedGroup> groups = new ArrayList<>();
        clientHello.extensions().find(Extension.SupportedGroups.class).ifPresent(g -> {
            for (NamedGroup group : g.groups()) {
                if (Tls12ClientHandshake.keyExchange(group) != null) {
                    groups.add(group);
                }
            }
        });
        List<SignatureScheme> schemes = clientHello.extensions().find(Extension.SignatureAlgorithms.class)
                .map(Extension.SignatureAlgorithms::schemes).orElse(List.of());
        List<String> protocols = new ArrayList<>();
        clientHello.extensions().find(Extension.Alpn.class).ifPresent(a -> {
            for (byte[] p : a.protocols()) {
                protocols.add(new String(p, StandardCharsets.US_ASCII));
            }
        });
        Tls12ClientContext context = new Tls12ClientContext(config, peerHost, suites, groups, schemes, protocols,
                clientHello.random(), clientHello.legacySessionId(),
                clientHello.extensions().contains(ExtensionType.SESSION_TICKET), tls12Offer,
                // The SNI name and the certificate's host are separate arguments of the connection: whether a
                // server_name acknowledgement is allowed depends on what the ClientHello sent, not on the peer host.
                clientHello.extensions().contains(ExtensionType.SERVER_NAME));
        return new Tls12ClientDriver(Tls12ClientHandshake.afterServerHello(context, serverHello, encodedClientHello,
                encodedServerHello));
    }

    @Override
    public HandshakeState on(HandshakeMessage message, byte[] encoded, int offset, int length, HandshakeOutput out)
            throws TlsException {
        Tls12ClientState next = Tls12ClientHandshake.handle(state, message, encoded, offset, length,
                Tls12Driving.output(out));
        return next == state ? this : new Tls12ClientDriver(next);
    }

    @Override
    public HandshakeState onChangeCipherSpec(HandshakeOutput out) throws TlsException {
        return new Tls12ClientDriver(state.onChangeCipherSpec(Tls12Driving.output(out)));
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
