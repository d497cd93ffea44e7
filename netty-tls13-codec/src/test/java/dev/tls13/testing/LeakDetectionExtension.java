package dev.tls13.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when Netty's leak detector reports a leak during it (docs/architecture.md §6). Registered for
 * every test by JUnit's extension auto-detection ({@code junit-platform.properties}).
 *
 * <p>Netty reports a leak only when a leaked buffer has been garbage-collected and a later
 * allocation polls the detector's queue, so after each test this forces a few GC cycles and
 * allocations before it looks at what was reported.
 */
public final class LeakDetectionExtension implements BeforeEachCallback, AfterEachCallback {

    private static final List<String> LEAKS = new ArrayList<>();

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        collect();
        synchronized (LEAKS) {
            LEAKS.clear();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        collect();
        List<String> found;
        synchronized (LEAKS) {
            found = new ArrayList<>(LEAKS);
            LEAKS.clear();
        }
        if (!found.isEmpty()) {
            throw new AssertionError("Netty reported " + found.size() + " leak(s) during "
                    + context.getDisplayName() + ":\n" + String.join("\n", found));
        }
    }

    /** Number of leaks recorded so far and not yet claimed by a test (for the extension's own test). */
    static int pendingLeaks() {
        collect();
        synchronized (LEAKS) {
            int n = LEAKS.size();
            LEAKS.clear();
            return n;
        }
    }

    private static void collect() {
        for (int i = 0; i < 2; i++) {
            awaitGc();
            // Each tracked allocation polls the reference queue and reports what was collected.
            // Unpooled heap buffers are not tracked at all, so the probe must be direct.
            for (int j = 0; j < 8; j++) {
                ByteBuf probe = Unpooled.directBuffer(1);
                probe.release();
            }
        }
    }

    /**
     * Runs a GC and waits until the reference handler has enqueued what it cleared, using a sentinel
     * reference cleared in the same cycle; on a loaded machine enqueueing lags behind the GC.
     */
    private static void awaitGc() {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
        for (int attempt = 0; attempt < 10; attempt++) {
            System.gc();
            try {
                if (queue.remove(100) != null) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        // The reference object itself must stay reachable, or it is never enqueued.
        Reference.reachabilityFence(sentinel);
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        @SuppressWarnings("deprecation")
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                long maxActive) {
            return new RecordingDetector<>(resource, samplingInterval);
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            synchronized (LEAKS) {
                LEAKS.add("LEAK " + resourceType + records);
            }
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            synchronized (LEAKS) {
                LEAKS.add("LEAK " + resourceType + " (untraced)");
            }
            super.reportUntracedLeak(resourceType);
        }
    }
}
