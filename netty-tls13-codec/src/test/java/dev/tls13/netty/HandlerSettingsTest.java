package dev.tls13.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tls13.Tls13Context;
import dev.tls13.connection.Limits;
import dev.tls13.testing.TestPki;
import dev.tls13.testing.TestPki.KeyType;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link HandlerSettings}: what a handler takes from a context, and the defaults used without one. */
class HandlerSettingsTest {

    @Test
    void theDefaultsAreThoseOfADefaultContext() {
        Tls13Context defaults = Tls13Context.forClient().trustManager(TestPki.ca(KeyType.EC_P256).certificate())
                .build();
        assertEquals(HandlerSettings.of(defaults), HandlerSettings.DEFAULT);
    }

    @Test
    void aContextsSettingsAreRead() {
        Tls13Context context = ChannelPair.serverContext().handshakeTimeout(7, TimeUnit.SECONDS)
                .closeNotifyFlushTimeout(2, TimeUnit.SECONDS).closeNotifyReadTimeout(1, TimeUnit.SECONDS)
                .wrapDataSize(1000).maxPendingWriteBytes(4096).maxHandshakeMessageSize(1024).build();
        HandlerSettings settings = HandlerSettings.of(context);
        assertEquals(new HandlerSettings(7_000, 2_000, 1_000, 1000, 4096, context.limits()), settings);
        assertEquals(1024, settings.limits().maxHandshakeMessageSize());
        assertEquals(3_000, settings.withHandshakeTimeoutMillis(3_000).handshakeTimeoutMillis());
        assertEquals(Limits.DEFAULT, HandlerSettings.DEFAULT.withHandshakeTimeoutMillis(1).limits());
    }
}
