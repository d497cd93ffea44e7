package dev.tls13;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Pins the public surface (docs/architecture.md §14). The API packages are {@link #API_PACKAGES}; every other
 * package is internal, its types public only because other packages of the library use them. A new public
 * type anywhere fails {@link #publicTypesAreThePinnedOnes()} until it is added to
 * {@code src/test/resources/dev/tls13/public-types.txt}, so widening the surface is a visible decision.
 * We chose this over a {@code module-info.java}: surefire would then run the 3,000 tests, the Jazzer agent and
 * netty-tcnative on the module path, while the users who put this jar on the class path (the common case with
 * Netty, Reactor Netty and gRPC applications) would gain nothing from it.
 */
class PublicApiTest {

    private static final Path CLASSES = Paths.get("target/classes");
    private static final Path PINNED = Paths.get("src/test/resources/dev/tls13/public-types.txt");
    /** The packages users and adapters (the JSSE engine) program against. */
    static final Set<String> API_PACKAGES = Set.of("dev.tls13", "dev.tls13.netty", "dev.tls13.connection");
    /**
     * Internal types that API signatures still name, each for a reason: the typed exception every failure
     * carries ({@code TlsException} extends {@code SSLException}); the configurations the root facade hands to
     * {@code TlsConnection}'s factories; the crypto SPI a context may be built with; the ticket a client
     * listener receives.
     */
    private static final Set<String> ALLOWED_IN_API_SIGNATURES = Set.of(
            "dev.tls13.error.TlsException",
            "dev.tls13.handshake.ClientConfig",
            "dev.tls13.handshake.ServerConfig",
            "dev.tls13.crypto.CryptoProvider",
            "dev.tls13.wire.NewSessionTicket");

    @Test
    void publicTypesAreThePinnedOnes() throws IOException {
        Set<String> pinned = new TreeSet<>();
        for (String line : Files.readAllLines(PINNED, StandardCharsets.UTF_8)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                pinned.add(line.strip());
            }
        }
        Set<String> actual = new TreeSet<>();
        for (Class<?> type : publicTopLevelTypes()) {
            actual.add(type.getName());
        }
        Set<String> added = new TreeSet<>(actual);
        added.removeAll(pinned);
        Set<String> removed = new TreeSet<>(pinned);
        removed.removeAll(actual);
        assertEquals(Set.of(), added, "new public types: make them package-private, or pin them in " + PINNED);
        assertEquals(Set.of(), removed, "pinned types that are gone or no longer public: unpin them in " + PINNED);
    }

    @Test
    void apiSignaturesNameOnlyApiTypes() throws IOException {
        List<String> leaks = new ArrayList<>();
        for (Class<?> type : publicTopLevelTypes()) {
            if (API_PACKAGES.contains(type.getPackageName())) {
                collectLeaks(type, leaks);
            }
        }
        assertEquals(List.of(), leaks, "API members naming internal types");
    }

    @Test
    void theLeakCheckSeesAnInternalType() {
        List<String> leaks = new ArrayList<>();
        collectLeaks(LeakingExample.class, leaks);
        assertEquals(1, leaks.size(), leaks.toString());
        assertTrue(leaks.get(0).contains("dev.tls13.wire.CipherSuite"), leaks.toString());
    }

    /** For the test of the check itself: a public method naming an internal type. */
    public static final class LeakingExample {
        private LeakingExample() {
        }

        /** @return nothing: the signature is what is checked */
        public static List<dev.tls13.wire.CipherSuite> suites() {
            return List.of();
        }
    }

    private static void collectLeaks(Class<?> type, List<String> leaks) {
        List<Type> named = new ArrayList<>();
        for (Method m : type.getDeclaredMethods()) {
            if (visible(m.getModifiers()) && !m.isSynthetic()) {
                named.add(m.getGenericReturnType());
                named.addAll(List.of(m.getGenericParameterTypes()));
            }
        }
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            if (visible(c.getModifiers()) && !c.isSynthetic()) {
                named.addAll(List.of(c.getGenericParameterTypes()));
            }
        }
        for (Field f : type.getDeclaredFields()) {
            if (visible(f.getModifiers()) && !f.isSynthetic()) {
                named.add(f.getGenericType());
            }
        }
        for (Type t : named) {
            for (String name : t.getTypeName().split("[<>,\\[\\]\\s?&]+")) {
                if (name.startsWith("dev.tls13.") && !name.startsWith(type.getName())
                        && !API_PACKAGES.contains(packageOfTypeName(name))
                        && !ALLOWED_IN_API_SIGNATURES.contains(name)) {
                    leaks.add(type.getName() + " names " + name);
                }
            }
        }
        for (Class<?> nested : type.getDeclaredClasses()) {
            if (visible(nested.getModifiers())) {
                collectLeaks(nested, leaks);
            }
        }
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    /** The package of a (possibly nested) class name such as {@code dev.tls13.connection.TlsConnection$Listener}. */
    private static String packageOfTypeName(String name) {
        String outer = name.contains("$") ? name.substring(0, name.indexOf('$')) : name;
        return outer.substring(0, outer.lastIndexOf('.'));
    }

    private static List<Class<?>> publicTopLevelTypes() throws IOException {
        assertTrue(Files.isDirectory(CLASSES), "run after compiling, from the module directory: " + CLASSES);
        List<Class<?>> result = new ArrayList<>();
        try (Stream<Path> files = Files.walk(CLASSES)) {
            for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                String name = CLASSES.relativize(file).toString().replace(file.getFileSystem().getSeparator(), ".");
                name = name.substring(0, name.length() - ".class".length());
                if (name.contains("$") || name.endsWith("package-info")) {
                    continue;
                }
                Class<?> type;
                try {
                    type = Class.forName(name, false, PublicApiTest.class.getClassLoader());
                } catch (ClassNotFoundException e) {
                    throw new AssertionError("compiled class not loadable: " + name, e);
                }
                if (Modifier.isPublic(type.getModifiers())) {
                    result.add(type);
                }
            }
        }
        assertFalse(result.isEmpty(), "no public types found in " + CLASSES);
        return result;
    }
}
