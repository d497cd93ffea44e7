package dev.tls13.examples;

import java.io.PrintStream;
import java.util.Arrays;

/** Entry point of the examples jar: {@code java -jar netty-tls13-examples.jar <command> [options]}. */
public final class Main {

    /** Ends a command with an exit status, after help or a usage error was printed. */
    static final class Exit extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;

        Exit(int status) {
            super(null, null, false, false);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    private Main() {
    }

    /**
     * Runs a subcommand and exits with its status: 0 success, 1 failure, 2 wrong command line.
     * The {@code server} command runs until the process is stopped.
     *
     * @param args the command line
     * @throws Exception when the command fails unexpectedly
     */
    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs a subcommand in this process.
     *
     * @param args the command line: the command, then its options
     * @param out standard output
     * @param err standard error
     * @return the exit status
     * @throws Exception when the command fails unexpectedly
     */
    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0) {
            usage(err);
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (args[0]) {
                case "server":
                    return HttpsServer.run(rest, out, err);
                case "client":
                    return HttpsClient.run(rest, out, err);
                case "demo":
                    return Demo.run(rest, out, err);
                case "replay":
                    if (!parse(Rfc8448Replay.OPTIONS, rest, out, err).positionals().isEmpty()) {
                        throw usageError(Rfc8448Replay.OPTIONS, new Options.UsageException("unexpected argument: "
                                + rest[0]), err);
                    }
                    return new Rfc8448Replay(out).run() ? 0 : 1;
                case "help":
                case "--help":
                case "-h":
                    usage(out);
                    return 0;
                default:
                    err.println("error: unknown command: " + args[0]);
                    usage(err);
                    return 2;
            }
        } catch (Exit e) {
            return e.status();
        }
    }

    /** Parses a command's options; prints its help ({@code --help}, status 0) or its usage (status 2). */
    static Options.Parsed parse(Options options, String[] args, PrintStream out, PrintStream err) throws Exit {
        try {
            return options.parse(args);
        } catch (Options.HelpRequested e) {
            options.printHelp(out);
            throw new Exit(0);
        } catch (Options.UsageException e) {
            throw usageError(options, e, err);
        }
    }

    /** Prints the error and the command's help on {@code err}; returns the exit to throw (status 2). */
    static Exit usageError(Options options, Options.UsageException e, PrintStream err) {
        err.println("error: " + e.getMessage());
        err.println();
        options.printHelp(err);
        return new Exit(2);
    }

    private static void usage(PrintStream out) {
        out.println("usage: java -jar netty-tls13-examples.jar <command> [options]");
        out.println();
        out.println("commands:");
        out.println("  demo [--keylog F]    server and client in one process on loopback: one TLS 1.3 request");
        out.println("  server [options]     HTTPS server that describes each connection's TLS parameters");
        out.println("  client HOST:PORT     connect, print the TLS protocol, parameters and chain, GET / and print it");
        out.println("  replay               decode, decrypt and verify the RFC 8448 section 3 handshake records");
        out.println();
        out.println("'<command> --help' lists the options of a command. server, client and demo append the TLS");
        out.println("secrets to the key log file of --keylog FILE, or of $SSLKEYLOGFILE, for Wireshark.");
    }
}
