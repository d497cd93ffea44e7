package dev.tls13.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the server with TLS 1.2 enabled (docs/architecture.md §16) from raw client bytes, with a null AEAD:
 * fuzzed ClientHellos meet version negotiation and the TLS 1.2 checks, later flights (Certificate,
 * ClientKeyExchange, CertificateVerify, ChangeCipherSpec, an "encrypted" Finished) the TLS 1.2 state machine.
 * Seeds: recorded conversations with our client.
 */
class Tls12ServerFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void fuzz(byte[] input) {
        StateMachineTarget.run(false, true, input);
    }
}
