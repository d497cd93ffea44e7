package dev.tls13.examples;

/** Entry point of the examples jar. */
public final class Main {
    private Main() {
    }

    /**
     * Runs a subcommand.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.out.println("netty-tls13 examples");
    }
}
