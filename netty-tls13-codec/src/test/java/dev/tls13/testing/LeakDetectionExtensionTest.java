package dev.tls13.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class LeakDetectionExtensionTest {

    @Test
    void detectsAnUnreleasedBuffer() {
        leak();
        // The extension would fail this test in afterEach; claim the report here to prove it exists.
        assertTrue(LeakDetectionExtension.pendingLeaks() > 0, "a dropped buffer must be reported as a leak");
    }

    private static void leak() {
        ByteBuf lost = Unpooled.directBuffer(64);
        lost.writeInt(42);
    }
}
