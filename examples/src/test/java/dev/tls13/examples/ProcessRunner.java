package dev.tls13.examples;

import java.io.IOException;
import java.util.List;

/** Public access to {@link External} for the tests in the sub-packages (curl, bounded, killed in finally). */
public final class ProcessRunner {

    private ProcessRunner() {
    }

    /** Fails (CI=true) or skips (elsewhere) unless {@code binary} is on the PATH. */
    public static void require(String binary) {
        External.require(binary);
    }

    /**
     * Runs a command to its end with empty input; kills it after {@link External#TIMEOUT_SECONDS}.
     *
     * @param command the command line
     * @return what it printed and its exit status
     */
    public static Output run(List<String> command) throws IOException, InterruptedException {
        External.Output out = External.run(command, "");
        return new Output(out.exitCode(), out.stdout(), out.all());
    }

    /**
     * The result of a process.
     *
     * @param exitCode the exit status
     * @param stdout standard output
     * @param all everything, for failure messages
     */
    public record Output(int exitCode, String stdout, String all) {
    }
}
