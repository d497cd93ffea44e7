package dev.tls13.ecosys;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code gnutls-serv} for a test: it binds every interface and has no listen-address option (docs/interop.md), so it
 * runs only inside a private network namespace ({@code unshare -n}, loopback up), behind a relay from a Unix socket,
 * which is a file and so reachable from outside; our client connects to it with Netty's
 * {@code NioDomainSocketChannel}. The relay starts gnutls-serv (its output line-buffered through {@code stdbuf}, so
 * each connection's report can be awaited) and stops it on SIGTERM or when its stdin closes, so nothing outlives
 * the test; when gnutls-serv exits before it listens (a file it cannot read) the relay exits too. A missing binary
 * fails under {@code CI=true} ({@link ExternalProcess#require}).
 */
final class GnutlsServ {

    /** The port gnutls-serv listens on inside its namespace, where nothing else runs. */
    private static final String PORT = "4433";

    private static final String RELAY = String.join("\n",
            "import os, signal, socket, subprocess, sys, threading, time",
            "path, port, command = sys.argv[1], int(sys.argv[2]), sys.argv[3:]",
            "server = subprocess.Popen(command, stdin=subprocess.DEVNULL)",
            "def stop(*args):",
            "    server.kill()",
            "    os._exit(0)",
            "signal.signal(signal.SIGTERM, stop)",
            "threading.Thread(target=lambda: (sys.stdin.read(), stop()), daemon=True).start()",
            "for attempt in range(200):",
            "    if server.poll() is not None:",
            "        print('EXITED', server.returncode, flush=True)",
            "        os._exit(1)",
            "    try:",
            "        socket.create_connection(('127.0.0.1', port), timeout=1).close()",
            "        break",
            "    except OSError:",
            "        time.sleep(0.1)",
            "listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
            "listener.bind(path)",
            "listener.listen(4)",
            "print('READY', flush=True)",
            "def pump(a, b):",
            "    try:",
            "        while True:",
            "            data = a.recv(65536)",
            "            if not data:",
            "                break",
            "            b.sendall(data)",
            "    except OSError:",
            "        pass",
            "    try:",
            "        b.shutdown(socket.SHUT_WR)",
            "    except OSError:",
            "        pass",
            "while True:",
            "    client, _ = listener.accept()",
            "    upstream = socket.create_connection(('127.0.0.1', port))",
            "    threading.Thread(target=pump, args=(client, upstream), daemon=True).start()",
            "    threading.Thread(target=pump, args=(upstream, client), daemon=True).start()",
            "");

    private GnutlsServ() {
    }

    /**
     * Starts {@code gnutls-serv -p PORT options...} in a private network namespace and waits until the relay
     * listens on {@code socket}.
     *
     * @param dir the working directory (the relay script is written there)
     * @param socket the Unix socket to create
     * @param options gnutls-serv's options besides the port
     * @return the relay process, whose output includes gnutls-serv's; close it (or {@code terminate()}) to stop both
     */
    static ExternalProcess start(Path dir, Path socket, String... options) throws Exception {
        Path unshare = ExternalProcess.require("unshare", "util-linux");
        Path gnutlsServ = ExternalProcess.require("gnutls-serv", "gnutls-bin");
        Path python = ExternalProcess.require("python3", "python3");
        Path stdbuf = ExternalProcess.require("stdbuf", "coreutils");
        Path relay = dir.resolve("gnutls-serv-relay.py");
        Files.writeString(relay, RELAY, StandardCharsets.US_ASCII);
        List<String> command = new ArrayList<>(List.of(unshare.toString(), "-n", "bash", "-c",
                "ip link set lo up && exec \"$@\"", "bash", python.toString(), relay.toString(), socket.toString(),
                PORT, stdbuf.toString(), "-oL", gnutlsServ.toString(), "-p", PORT));
        command.addAll(List.of(options));
        ExternalProcess p = ExternalProcess.start(dir, command.toArray(new String[0]));
        // "contains": gnutls-serv reports the relay's readiness probe on the same output, and lines can interleave.
        if (p.awaitLine(l -> l.contains("READY"), 20, TimeUnit.SECONDS).isEmpty()) {
            String output = p.output();
            p.close();
            fail("gnutls-serv did not start:\n" + output);
        }
        return p;
    }
}
