/**
 * The TLS 1.3 key schedule (RFC 8446 §7), the transcript hash (§4.4.1), Finished (§4.4.4), PSK binders
 * (§4.2.11.2), ticket PSKs (§4.6.1), KeyUpdate (§7.2), traffic keys (§7.3) and exporters (§7.5).
 *
 * <p>The schedule is a chain of final stage types, each offering only what RFC 8446 derives at that
 * stage, all taking transcript hashes (from {@link dev.tls13.keys.Transcript}) rather than messages:
 * <pre>
 * EarlySecret.withPsk / withoutPsk
 *   ├─ binder(type, Hash(Truncate(ClientHello)))        ─ verifyBinder(...)
 *   ├─ clientEarlyTrafficSecret(Hash(ClientHello))       → TrafficSecret CLIENT_EARLY
 *   ├─ earlyExporterMasterSecret(Hash(ClientHello))      → ExporterSecret (early)
 *   └─ handshakeSecret((EC)DHE)                          → HandshakeSecret
 *        ├─ client/serverHandshakeTrafficSecret(Hash(ClientHello..ServerHello))
 *        └─ masterSecret()                               → MasterSecret
 *             ├─ client/serverApplicationTrafficSecret(Hash(ClientHello..server Finished))
 *             ├─ exporterMasterSecret(Hash(ClientHello..server Finished))
 *             └─ resumptionMasterSecret(Hash(ClientHello..client Finished)) → ticketPsk(nonce)
 * TrafficSecret: keys(aead), finishedVerifyData / verifyFinished, next() (KeyUpdate), key-log label
 * </pre>
 *
 * <p>Conventions:
 * <ul>
 *   <li>Deriving never destroys the object it is called on. Every stage and secret is
 *       {@link javax.security.auth.Destroyable}; its owner (the handshake state machine, or the record
 *       layer for traffic secrets and keys) calls {@code destroy()} once it has advanced past it, which
 *       zeroes the bytes and makes every later use throw {@link java.lang.IllegalStateException}.</li>
 *   <li>Byte arrays passed in are borrowed; arrays returned are owned by the caller.</li>
 *   <li>Caller mistakes (wrong hash length, missing PSK, label out of range) throw
 *       {@link java.lang.IllegalArgumentException} or {@link java.lang.IllegalStateException}; peer
 *       input never reaches this package unchecked except Finished and binder values, whose checks
 *       return {@code false} in constant time for the handshake to turn into BAD_FINISHED/BAD_BINDER.</li>
 *   <li>Stages hold secrets of one connection and are confined to its thread like the connection
 *       itself; the {@link dev.tls13.crypto.Hkdf} they share is stateless and thread-safe.</li>
 *   <li>{@code toString()} never shows secret bytes; {@code keyLogLine} is the one deliberate exit, for
 *       NSS key logs the user asked for.</li>
 * </ul>
 */
package dev.tls13.keys;
