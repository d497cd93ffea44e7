package dev.tls13.examples;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A small hand-written command line parser: {@code --name value}, {@code --name=value} and boolean
 * {@code --flag}; everything else is positional. Kept here rather than pulling a CLI library into the
 * examples jar.
 */
final class Options {

    /**
     * One option.
     *
     * @param name the long name without dashes
     * @param argument the placeholder of its value, or {@code null} for a flag
     * @param help one line of help
     */
    record Spec(String name, String argument, String help) {
    }

    /** The command line was wrong: print the usage and exit with status 2. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message, null, false, false);
        }
    }

    /** {@code --help} was given: print the usage and exit with status 0. */
    static final class HelpRequested extends Exception {
        private static final long serialVersionUID = 1L;

        HelpRequested() {
            super(null, null, false, false);
        }
    }

    /** The parsed command line. */
    static final class Parsed {
        private final Map<String, String> values;
        private final List<String> positionals;
        private final Map<String, List<String>> repeated;

        Parsed(Map<String, String> values, List<String> positionals) {
            this(values, positionals, Map.of());
        }

        Parsed(Map<String, String> values, List<String> positionals, Map<String, List<String>> repeated) {
            this.values = values;
            this.positionals = positionals;
            this.repeated = repeated;
        }

        /** Every value of a repeatable option, in command line order ({@link #get} gives the last). */
        List<String> all(String name) {
            return repeated.getOrDefault(name, List.of());
        }

        String get(String name) {
            return values.get(name);
        }

        String get(String name, String fallback) {
            return values.getOrDefault(name, fallback);
        }

        boolean has(String name) {
            return values.containsKey(name);
        }

        List<String> positionals() {
            return positionals;
        }

        /** Splits a list option: OpenSSL separates with colons, curl with commas; both work. */
        List<String> list(String name) {
            String value = values.get(name);
            List<String> items = new ArrayList<>();
            if (value != null) {
                for (String item : value.split("[,:]")) {
                    if (!item.isBlank()) {
                        items.add(item.trim());
                    }
                }
            }
            return items;
        }

        int intValue(String name, int fallback, int min, int max) throws UsageException {
            String value = values.get(name);
            if (value == null) {
                return fallback;
            }
            try {
                int parsed = Integer.parseInt(value);
                if (parsed < min || parsed > max) {
                    throw new UsageException("--" + name + " must be between " + min + " and " + max);
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new UsageException("--" + name + " expects a number, got '" + value + "'");
            }
        }
    }

    private final String command;
    private final String synopsis;
    private final String description;
    private final List<Spec> specs;

    Options(String command, String synopsis, String description, List<Spec> specs) {
        this.command = command;
        this.synopsis = synopsis;
        this.description = description;
        this.specs = List.copyOf(specs);
    }

    Parsed parse(String[] args) throws UsageException, HelpRequested {
        Map<String, String> values = new HashMap<>();
        Map<String, List<String>> repeated = new HashMap<>();
        List<String> positionals = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if ("--help".equals(arg) || "-h".equals(arg)) {
                throw new HelpRequested();
            }
            if (!arg.startsWith("--")) {
                if (arg.startsWith("-") && arg.length() > 1) {
                    throw new UsageException("unknown option: " + arg);
                }
                positionals.add(arg);
                continue;
            }
            String name = arg.substring(2);
            String inlineValue = null;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                inlineValue = name.substring(equals + 1);
                name = name.substring(0, equals);
            }
            Spec spec = find(name);
            if (spec == null) {
                throw new UsageException("unknown option: --" + name);
            }
            if (spec.argument() == null) {
                if (inlineValue != null) {
                    throw new UsageException("--" + name + " takes no value");
                }
                values.put(name, "true");
            } else if (inlineValue != null || i + 1 < args.length) {
                String value = inlineValue != null ? inlineValue : args[++i];
                values.put(name, value);
                repeated.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            } else {
                throw new UsageException("--" + name + " needs a value (" + spec.argument() + ")");
            }
        }
        return new Parsed(values, positionals, repeated);
    }

    private Spec find(String name) {
        for (Spec spec : specs) {
            if (spec.name().equals(name)) {
                return spec;
            }
        }
        return null;
    }

    void printHelp(PrintStream out) {
        out.println("usage: java -jar netty-tls13-examples.jar " + command
                + (synopsis.isEmpty() ? "" : " " + synopsis));
        out.println();
        out.println(description);
        out.println();
        out.println("options:");
        List<String> left = new ArrayList<>();
        int width = "--help".length();
        for (Spec spec : specs) {
            String text = "--" + spec.name() + (spec.argument() == null ? "" : " " + spec.argument());
            left.add(text);
            width = Math.max(width, text.length());
        }
        for (int i = 0; i < specs.size(); i++) {
            out.printf("  %-" + width + "s  %s%n", left.get(i), specs.get(i).help());
        }
        out.printf("  %-" + width + "s  %s%n", "--help", "print this help");
    }
}
