package dev.tls13.crypto;

import java.security.SecureRandom;

/** Creates ephemeral key pairs for each (EC)DHE algorithm. */
final class KeyExchanges {
    private KeyExchanges() {
    }

    static KeyExchange generate(KeyExchangeAlgorithm algorithm, SecureRandom random) {
        throw new UnsupportedOperationException("not yet: " + algorithm);
    }
}
