package dev.tls13.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the server state machine and record layer from raw client bytes (with a null AEAD, so
 * fuzzed encrypted handshake messages are parsed). Seeds: whole recorded conversations with our
 * client and the RFC 8448 client records.
 */
class ServerFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void fuzz(byte[] input) {
        StateMachineTarget.run(false, input);
    }
}
