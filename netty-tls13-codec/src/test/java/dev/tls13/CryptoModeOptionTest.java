package dev.tls13;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tls13.crypto.JcaCryptoProvider;
import dev.tls13.crypto.JcaOnlyCryptoProvider;
import dev.tls13.testing.TestPki;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The JCA-only mode is chosen on the builder or by the system property {@code dev.tls13.crypto}. */
class CryptoModeOptionTest {

    @AfterEach
    void clearProperty() {
        System.clearProperty(Tls13ContextBuilder.CRYPTO_PROPERTY);
    }

    @Test
    void theDefaultIsOurProviderAndTheBuilderOptionSwitchesToTheJcaAlone() {
        assertSame(JcaCryptoProvider.instance(), Tls13Context.forClient().cryptoProvider);
        assertSame(JcaOnlyCryptoProvider.instance(), Tls13Context.forClient().jcaProvidersOnly().cryptoProvider);
    }

    @Test
    void aContextNamesTheProviderItRunsOnForBothRoles() throws Exception {
        assertSame(JcaCryptoProvider.instance(), Tls13Context.forClient().build().cryptoProvider());
        assertSame(JcaOnlyCryptoProvider.instance(),
                Tls13Context.forClient().jcaProvidersOnly().build().cryptoProvider());
        TestPki.Issued leaf = TestPki.leaf(TestPki.KeyType.EC_P256).selfSigned().build();
        assertSame(JcaOnlyCryptoProvider.instance(), Tls13Context.forServer(leaf.privateKey(), leaf.certificate())
                .jcaProvidersOnly().build().cryptoProvider());
        System.setProperty(Tls13ContextBuilder.CRYPTO_PROPERTY, "jca");
        assertSame(JcaOnlyCryptoProvider.instance(), Tls13Context.forServer(leaf.privateKey(), leaf.certificate())
                .build().cryptoProvider());
    }

    @Test
    void theSystemPropertyChoosesTheDefaultOfNewBuilders() {
        System.setProperty(Tls13ContextBuilder.CRYPTO_PROPERTY, "jca");
        assertSame(JcaOnlyCryptoProvider.instance(), Tls13Context.forClient().cryptoProvider);
        System.setProperty(Tls13ContextBuilder.CRYPTO_PROPERTY, " Default ");
        assertSame(JcaCryptoProvider.instance(), Tls13Context.forClient().cryptoProvider);
        System.setProperty(Tls13ContextBuilder.CRYPTO_PROPERTY, "fips");
        assertThrows(IllegalArgumentException.class, Tls13Context::forClient);
    }

    @Test
    void theJcaAloneLeavesTheHybridsOutOfTheDefaultsAndRefusesThemWhenNamed() {
        assertEquals("X25519MLKEM768", Tls13Context.forClient().build().namedGroups().get(0));
        assertEquals(List.of("x25519", "secp256r1", "secp384r1", "secp521r1", "x448"),
                Tls13Context.forClient().jcaProvidersOnly().build().namedGroups());
        IllegalArgumentException named = assertThrows(IllegalArgumentException.class,
                () -> Tls13Context.forClient().jcaProvidersOnly().namedGroups("X25519MLKEM768", "x25519").build());
        assertTrue(named.getMessage().startsWith("X25519MLKEM768"), named.getMessage());
    }
}
