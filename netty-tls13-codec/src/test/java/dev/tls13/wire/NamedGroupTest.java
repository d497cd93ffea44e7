package dev.tls13.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link NamedGroup#forName}: the one name-to-group lookup, with the OpenSSL and NIST spellings. */
class NamedGroupTest {

    @Test
    void readsRfcOpenSslAndNistSpellingsInAnyCase() {
        assertEquals(NamedGroup.X25519, NamedGroup.forName("x25519"));
        assertEquals(NamedGroup.X25519, NamedGroup.forName("X25519"));
        assertEquals(NamedGroup.X448, NamedGroup.forName(" X448 "));
        for (String p256 : new String[] {"secp256r1", "prime256v1", "P-256", "p-256", "SECP256R1"}) {
            assertEquals(NamedGroup.SECP256R1, NamedGroup.forName(p256), p256);
        }
        assertEquals(NamedGroup.SECP384R1, NamedGroup.forName("P-384"));
        assertEquals(NamedGroup.SECP384R1, NamedGroup.forName("secp384r1"));
        assertEquals(NamedGroup.SECP521R1, NamedGroup.forName("P-521"));
        assertEquals(NamedGroup.SECP521R1, NamedGroup.forName("secp521r1"));
        assertEquals(NamedGroup.FFDHE2048, NamedGroup.forName("ffdhe2048"));
        assertEquals(NamedGroup.FFDHE8192, NamedGroup.forName("FFDHE8192"));
        assertEquals(NamedGroup.X25519MLKEM768, NamedGroup.forName("x25519mlkem768"));
    }

    @Test
    void everyKnownNameReadsBackToItsGroup() {
        for (int code = 0; code <= 0xFFFF; code++) {
            NamedGroup group = NamedGroup.of(code);
            if (group.isKnown()) {
                assertEquals(group, NamedGroup.forName(group.knownName()), group.knownName());
            }
        }
    }

    @Test
    void rejectsNamesOfNoGroup() {
        for (String name : new String[] {"P-257", "", "secp256k1", "x25519 x448", "0x001d"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NamedGroup.forName(name));
            assertTrue(e.getMessage().contains("unknown named group"), e.getMessage());
        }
    }
}
