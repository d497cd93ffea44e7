package dev.tls13.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the client state machine and record layer from raw server bytes (with a null AEAD, so
 * fuzzed encrypted handshake messages are parsed). Seeds: whole recorded conversations with our
 * server and the RFC 8448 server records.
 */
class ClientFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void fuzz(byte[] input) {
        StateMachineTarget.run(true, input);
    }
}
