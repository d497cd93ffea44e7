package dev.tls13.interop;

import java.io.FileInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.Security;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A JDK TLS 1.3 peer in its own JVM that initiates KeyUpdates: the JDK has no API for that, but it updates
 * its keys on its own after {@code jdk.tls.keyLimits} bytes, a security property its SSLCipher class reads
 * once, when it is initialised, so it must be set in a fresh JVM before any TLS class is used.
 *
 * <p>{@code server STORE PASSWORD}: prints {@code PORT n}, accepts one connection on 127.0.0.1 and echoes
 * it until the peer closes, then prints {@code SUITE name}.
 * {@code client STORE PASSWORD PORT LENGTH SEED MODE}: sends LENGTH random bytes, checks the echo and prints
 * {@code ECHO OK name}; MODE {@code pingpong} sends 16 KiB and reads its echo before sending more (requests
 * and responses), {@code stream} sends everything from a second thread while it reads. The exit status is
 * 0 only when everything succeeded.
 */
final class JdkKeyUpdatePeer {

    /** The byte count after which the JDK updates its write keys. */
    static final String KEY_LIMITS = "AES/GCM/NoPadding KeyUpdate 2^16, ChaCha20-Poly1305 KeyUpdate 2^16";

    private static final int CHUNK = 16 * 1024;

    private JdkKeyUpdatePeer() {
    }

    /**
     * Runs the peer.
     *
     * @param args {@code server STORE PASSWORD} or {@code client STORE PASSWORD PORT LENGTH SEED MODE}
     * @throws Exception on any failure (a non-zero exit status)
     */
    public static void main(String[] args) throws Exception {
        Security.setProperty("jdk.tls.keyLimits", KEY_LIMITS);
        KeyStore store = KeyStore.getInstance("PKCS12");
        char[] password = args[2].toCharArray();
        try (InputStream in = new FileInputStream(args[1])) {
            store.load(in, password);
        }
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        if (args[0].equals("server")) {
            KeyManagerFactory keys = KeyManagerFactory.getInstance("PKIX");
            keys.init(store, password);
            context.init(keys.getKeyManagers(), null, null);
            serve(context);
        } else {
            TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
            trust.init(store);
            context.init(null, trust.getTrustManagers(), null);
            boolean ok = dial(context, Integer.parseInt(args[3]), Integer.parseInt(args[4]), Long.parseLong(args[5]),
                    args[6].equals("stream"));
            System.exit(ok ? 0 : 1);
        }
    }

    private static void serve(SSLContext context) throws Exception {
        try (SSLServerSocket listener = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setEnabledProtocols(new String[] {"TLSv1.3"});
            System.out.println("PORT " + listener.getLocalPort());
            System.out.flush();
            try (SSLSocket socket = (SSLSocket) listener.accept()) {
                socket.setSoTimeout(20_000);
                socket.startHandshake();
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                byte[] buffer = new byte[32 * 1024];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
                System.out.println("SUITE " + socket.getSession().getCipherSuite());
            }
        }
    }

    private static boolean dial(SSLContext context, int port, int length, long seed, boolean stream)
            throws Exception {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), port)) {
            socket.setEnabledProtocols(new String[] {"TLSv1.3"});
            socket.setSoTimeout(20_000);
            socket.startHandshake();
            if (!stream) {
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                for (int i = 0; i < length; i += CHUNK) {
                    int n = Math.min(CHUNK, length - i);
                    out.write(data, i, n);
                    out.flush();
                    byte[] echoed = in.readNBytes(n);
                    if (!MessageDigest.isEqual(Arrays.copyOfRange(data, i, i + n), echoed)) {
                        System.out.println("ECHO MISMATCH in the chunk at " + i);
                        return false;
                    }
                }
                System.out.println("ECHO OK " + socket.getSession().getCipherSuite());
                return true;
            }
            AtomicReference<Exception> writeFailure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    for (int i = 0; i < length; i += CHUNK) {
                        out.write(data, i, Math.min(CHUNK, length - i));
                    }
                    out.flush();
                } catch (Exception e) {
                    writeFailure.set(e);
                }
            });
            writer.start();
            byte[] echoed = socket.getInputStream().readNBytes(length);
            writer.join(20_000);
            if (writeFailure.get() != null) {
                writeFailure.get().printStackTrace(System.out);
                return false;
            }
            if (!MessageDigest.isEqual(data, echoed)) {
                System.out.println("ECHO MISMATCH after " + echoed.length + " bytes");
                return false;
            }
            System.out.println("ECHO OK " + socket.getSession().getCipherSuite());
            return true;
        }
    }
}
