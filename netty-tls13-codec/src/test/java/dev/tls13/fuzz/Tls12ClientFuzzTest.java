package dev.tls13.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the client with TLS 1.2 enabled (docs/architecture.md §16) from raw server bytes, with a null AEAD, so
 * fuzzed TLS 1.2 flights (Certificate, ServerKeyExchange, CertificateRequest, ServerHelloDone, ChangeCipherSpec and
 * an "encrypted" Finished) reach the TLS 1.2 state machine. Seeds: recorded conversations with our TLS 1.2 server.
 */
class Tls12ClientFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void fuzz(byte[] input) {
        StateMachineTarget.run(true, true, input);
    }
}
