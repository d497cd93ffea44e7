package dev.tls13.tls12;

import dev.tls13.handshake.HandshakeOutput;
import dev.tls13.handshake.HandshakeState;

/**
 * What the TLS 1.2 client and server drivers have in common as the connection's handshake state
 * (docs/architecture.md §16): the protocol name, ChangeCipherSpec as a real message, no KeyUpdate, and the TLS 1.2
 * effects they need from the connection's output.
 */
interface Tls12Driving extends HandshakeState {

    @Override
    default String protocol() {
        return "TLSv1.2";
    }

    /** A ChangeCipherSpec is never dropped in TLS 1.2: the driver's {@code onChangeCipherSpec} decides. */
    @Override
    default boolean allowsChangeCipherSpec() {
        return false;
    }

    /** TLS 1.2 has no KeyUpdate (its only rekeying is renegotiation, which we refuse). */
    @Override
    default HandshakeState initiateKeyUpdate(boolean requestPeerUpdate, HandshakeOutput out) {
        throw new IllegalStateException("TLS 1.2 has no KeyUpdate");
    }

    /**
     * The TLS 1.2 view of the connection's output.
     *
     * @param out the output the connection passed
     * @return it, as a {@link Tls12Output}
     * @throws IllegalStateException when the output cannot take TLS 1.2 effects (a bug of ours)
     */
    static Tls12Output output(HandshakeOutput out) {
        if (out instanceof Tls12Output o) {
            return o;
        }
        throw new IllegalStateException("the driver's output does not take TLS 1.2 effects: " + out.getClass());
    }
}
