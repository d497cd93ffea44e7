package dev.tls13.examples;

import dev.tls13.crypto.AeadAlgorithm;
import dev.tls13.crypto.CryptoProvider;
import dev.tls13.crypto.HashAlgorithm;
import dev.tls13.crypto.JcaCryptoProvider;
import dev.tls13.crypto.SignatureAlgorithm;
import dev.tls13.error.TlsException;
import dev.tls13.keys.EarlySecret;
import dev.tls13.keys.HandshakeSecret;
import dev.tls13.keys.MasterSecret;
import dev.tls13.keys.TrafficKeys;
import dev.tls13.keys.TrafficSecret;
import dev.tls13.keys.Transcript;
import dev.tls13.record.CipherSuiteParams;
import dev.tls13.record.HandshakeJoiner;
import dev.tls13.record.ReadProtection;
import dev.tls13.record.RecordDeframer;
import dev.tls13.wire.Alert;
import dev.tls13.wire.Certificate;
import dev.tls13.wire.CertificateVerify;
import dev.tls13.wire.ClientHello;
import dev.tls13.wire.ContentType;
import dev.tls13.wire.Extension;
import dev.tls13.wire.Finished;
import dev.tls13.wire.HandshakeCodec;
import dev.tls13.wire.HandshakeMessage;
import dev.tls13.wire.ServerHello;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.KeyAgreement;

/**
 * Replays the RFC 8448 §3 handshake through the codec as a passive observer that holds the client's
 * ephemeral key (what a key log gives Wireshark): it deframes the records, decodes every message,
 * derives the key schedule, decrypts every protected record, and checks the server's
 * CertificateVerify signature and both Finished messages. Everything printed is computed by the
 * codec from the bytes on the wire.
 */
final class Rfc8448Replay {

    static final Options OPTIONS = new Options("replay", "",
            "Replays the RFC 8448 section 3 1-RTT handshake through the codec as a passive observer holding the\n"
            + "client's ephemeral key: deframes the records, decodes every message, derives the key schedule,\n"
            + "decrypts every protected record, and checks the server's CertificateVerify and both Finished.\n"
            + "Exit status 0 when every check passes.",
            List.of());

    private static final String RESOURCE = "/rfc8448-section3.txt";

    private final PrintStream out;
    private final CryptoProvider crypto = JcaCryptoProvider.instance();

    Rfc8448Replay(PrintStream out) {
        this.out = out;
    }

    /** A record as it crossed the wire. */
    private record WireRecord(String sender, byte[] bytes) {
    }

    /**
     * Runs the replay.
     *
     * @return {@code true} when every check passed
     * @throws TlsException when the codec rejects a record or message
     * @throws GeneralSecurityException when the JCA fails
     */
    boolean run() throws TlsException, GeneralSecurityException {
        byte[] clientPrivateKey = null;
        List<WireRecord> records = new ArrayList<>();
        for (String line : readResource()) {
            String[] parts = line.split(" ");
            if (parts[0].equals("client-private-key")) {
                clientPrivateKey = HexFormat.of().parseHex(parts[1]);
            } else if (parts[0].equals("record")) {
                records.add(new WireRecord(parts[1], HexFormat.of().parseHex(parts[2])));
            }
        }
        if (clientPrivateKey == null) {
            throw new IllegalStateException("replay data lacks the client key");
        }
        out.println("RFC 8448 section 3: a TLS 1.3 handshake and its data, " + records.size() + " records.");
        Observer observer = new Observer(clientPrivateKey);
        try {
            for (WireRecord record : records) {
                observer.onRecord(record);
            }
        } finally {
            observer.release();
        }
        out.println(observer.failures == 0 ? "All checks passed." : observer.failures + " check(s) FAILED.");
        return observer.failures == 0;
    }

    private List<String> readResource() {
        try (InputStream in = Rfc8448Replay.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            List<String> lines = new ArrayList<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    lines.add(line.trim());
                }
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Follows both directions of the connection. */
    private final class Observer {
        private final byte[] clientPrivateKey;
        private final Direction client = new Direction("client");
        private final Direction server = new Direction("server");
        private Transcript transcript = Transcript.buffering(crypto);
        private byte[] clientRandom;
        private AeadAlgorithm aead;
        private HashAlgorithm hash;
        private HandshakeSecret handshakeSecret;
        private TrafficSecret serverHandshake;
        private TrafficSecret clientHandshake;
        private X509Certificate serverCertificate;
        private int failures;

        Observer(byte[] clientPrivateKey) {
            this.clientPrivateKey = clientPrivateKey;
        }

        void onRecord(WireRecord wire) throws TlsException, GeneralSecurityException {
            Direction from = wire.sender().equals("client") ? client : server;
            ByteBuf cumulation = Unpooled.wrappedBuffer(wire.bytes());
            try {
                ByteBuf record;
                while ((record = from.deframer.next(cumulation)) != null) {
                    try {
                        boolean wasProtected = from.protection.isProtected();
                        ContentType type = from.protection.open(record);
                        out.printf("%n%s -> %s record, %d bytes on the wire%s%n", from.name, type,
                                wire.bytes().length, wasProtected ? ", decrypted" : "");
                        if (type.equals(ContentType.HANDSHAKE)) {
                            from.joiner.add(record);
                            ByteBuf message;
                            while ((message = from.joiner.next()) != null) {
                                try {
                                    onHandshake(from, ByteBufUtil.getBytes(message), HandshakeCodec.decode(message));
                                } finally {
                                    message.release();
                                }
                            }
                        } else if (type.equals(ContentType.APPLICATION_DATA)) {
                            out.printf("  application data: %d bytes %s%n", record.readableBytes(),
                                    ByteBufUtil.hexDump(record));
                        } else if (type.equals(ContentType.ALERT)) {
                            out.println("  alert: " + Alert.decode(record));
                        }
                    } finally {
                        record.release();
                    }
                }
            } finally {
                cumulation.release();
            }
        }

        private void onHandshake(Direction from, byte[] encoded, HandshakeMessage message)
                throws TlsException, GeneralSecurityException {
            out.println("  " + message.type());
            if (message instanceof ClientHello hello) {
                clientRandom = hello.random();
                transcript.add(encoded);
                out.println("    cipher suites offered: " + hello.cipherSuites());
                hello.extensions().find(Extension.ServerName.class)
                        .flatMap(Extension.ServerName::hostName)
                        .ifPresent(name -> out.println("    server name: " + name));
                hello.extensions().find(Extension.SupportedGroups.class)
                        .ifPresent(groups -> out.println("    groups: " + groups.groups()));
            } else if (message instanceof ServerHello hello) {
                CipherSuiteParams params = CipherSuiteParams.of(hello.cipherSuite());
                aead = params.aead();
                hash = params.hash();
                transcript.selectHash(hash);
                transcript.add(encoded);
                Extension.KeyShareEntry share = hello.extensions().find(Extension.KeyShareServerHello.class)
                        .orElseThrow().entry();
                out.println("    cipher suite: " + hello.cipherSuite() + ", key share: " + share.group());
                byte[] shared = x25519(clientPrivateKey, share.keyExchange());
                EarlySecret early = EarlySecret.withoutPsk(crypto, hash);
                handshakeSecret = early.handshakeSecret(shared);
                early.destroy();
                byte[] helloHash = transcript.currentHash();
                clientHandshake = handshakeSecret.clientHandshakeTrafficSecret(helloHash);
                serverHandshake = handshakeSecret.serverHandshakeTrafficSecret(helloHash);
                out.println("    derived the handshake traffic keys");
                server.install(serverHandshake);
                client.install(clientHandshake);
            } else if (message instanceof Certificate certificate) {
                transcript.add(encoded);
                CertificateFactory factory = CertificateFactory.getInstance("X.509");
                serverCertificate = (X509Certificate) factory.generateCertificate(
                        new ByteArrayInputStream(certificate.entries().get(0).certData()));
                out.println("    subject: " + serverCertificate.getSubjectX500Principal()
                        + ", key: " + serverCertificate.getPublicKey().getAlgorithm());
            } else if (message instanceof CertificateVerify verify) {
                byte[] content = signedContent("TLS 1.3, server CertificateVerify", transcript.currentHash());
                boolean ok = crypto.verify(SignatureAlgorithm.RSA_PSS_RSAE_SHA256, serverCertificate.getPublicKey(),
                        content, verify.signature());
                check(ok, "    " + verify.algorithm() + " signature over the transcript verifies");
                transcript.add(encoded);
            } else if (message instanceof Finished finished) {
                TrafficSecret secret = from == server ? serverHandshake : clientHandshake;
                check(secret.verifyFinished(transcript.currentHash(), finished.verifyData()),
                        "    verify_data matches the " + from.name + " handshake secret");
                transcript.add(encoded);
                if (from == server) {
                    MasterSecret master = handshakeSecret.masterSecret();
                    byte[] serverFinishedHash = transcript.currentHash();
                    TrafficSecret serverApplication = master.serverApplicationTrafficSecret(serverFinishedHash);
                    server.install(serverApplication);
                    serverApplication.destroy();
                    client.pending = master.clientApplicationTrafficSecret(serverFinishedHash);
                    master.destroy();
                    out.println("    derived the application traffic keys");
                } else {
                    client.install(client.pending);
                }
                secret.destroy();
            } else {
                transcript.add(encoded);
            }
        }

        private void check(boolean ok, String what) {
            if (!ok) {
                failures++;
            }
            out.println(what + (ok ? ": yes" : ": NO"));
        }

        void release() {
            client.release();
            server.release();
            if (handshakeSecret != null) {
                handshakeSecret.destroy();
            }
        }

        /** One direction: its deframer, record protection and handshake joiner. */
        private final class Direction {
            final String name;
            final RecordDeframer deframer = new RecordDeframer();
            final HandshakeJoiner joiner = new HandshakeJoiner();
            ReadProtection protection = ReadProtection.plaintext();
            TrafficSecret pending;

            Direction(String name) {
                this.name = name;
            }

            void install(TrafficSecret secret) throws TlsException {
                TrafficKeys keys = secret.keys(aead);
                protection.destroy();
                protection = ReadProtection.install(joiner.aligned(), crypto.aead(aead, keys.key()), keys.iv());
                keys.destroy();
            }

            void release() {
                joiner.release();
                protection.destroy();
                if (pending != null) {
                    pending.destroy();
                }
            }
        }
    }

    /** The content a CertificateVerify signs, RFC 8446 §4.4.3. */
    private static byte[] signedContent(String context, byte[] transcriptHash) {
        byte[] label = context.getBytes(StandardCharsets.US_ASCII);
        byte[] content = new byte[64 + label.length + 1 + transcriptHash.length];
        Arrays.fill(content, 0, 64, (byte) 0x20);
        System.arraycopy(label, 0, content, 64, label.length);
        System.arraycopy(transcriptHash, 0, content, 64 + label.length + 1, transcriptHash.length);
        return content;
    }

    /** X25519 with the JDK, from raw RFC 7748 encodings. */
    private static byte[] x25519(byte[] privateKey, byte[] peerPublicKey) throws GeneralSecurityException {
        KeyFactory factory = KeyFactory.getInstance("XDH");
        PrivateKey priv = factory.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, privateKey));
        byte[] reversed = new byte[peerPublicKey.length];
        for (int i = 0; i < reversed.length; i++) {
            reversed[i] = peerPublicKey[peerPublicKey.length - 1 - i];
        }
        PublicKey pub = factory.generatePublic(
                new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, reversed)));
        KeyAgreement agreement = KeyAgreement.getInstance("XDH");
        agreement.init(priv);
        agreement.doPhase(pub, true);
        return agreement.generateSecret();
    }
}
