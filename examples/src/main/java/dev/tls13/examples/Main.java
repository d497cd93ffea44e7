package dev.tls13.examples;

import java.util.Arrays;

/** Entry point of the examples jar: {@code java -jar netty-tls13-examples.jar <command> [options]}. */
public final class Main {
    private Main() {
    }

    /**
     * Runs a subcommand.
     *
     * @param args the command line
     * @throws Exception when the command fails
     */
    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "help" : args[0];
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        switch (command) {
            case "demo":
            case "replay":
                if (rest.length > 0) {
                    usage();
                    System.exit(2);
                }
                System.exit(new Rfc8448Replay(System.out).run() ? 0 : 1);
                break;
            case "help":
            case "--help":
            case "-h":
                usage();
                break;
            default:
                System.err.println("unknown command: " + command);
                usage();
                System.exit(2);
        }
    }

    private static void usage() {
        System.out.println("usage: java -jar netty-tls13-examples.jar <command>");
        System.out.println();
        System.out.println("commands:");
        System.out.println("  demo     replay the RFC 8448 section 3 handshake through the codec (same as replay)");
        System.out.println("  replay   decode, decrypt and verify the RFC 8448 section 3 handshake records");
    }
}
