package dev.tls13.record;

import io.netty.util.concurrent.FastThreadLocal;

/**
 * One array per thread for records in memory without an accessible array (direct and composite
 * buffers). The JCA is fastest on heap arrays: copying a 16 KiB record in and out costs far less than
 * the JCA's {@code ByteBuffer} path (measured on JDK 17 and 25, both about 2x slower for direct
 * buffers), and a per-thread array costs nothing per idle connection. Protection objects are used by
 * their connection's event-loop thread only, so sharing per thread is safe.
 */
final class Scratch {

    private static final FastThreadLocal<byte[]> ARRAY = new FastThreadLocal<byte[]>() {
        @Override
        protected byte[] initialValue() {
            return new byte[Records.HEADER_LENGTH + Records.MAX_CIPHERTEXT_LENGTH];
        }
    };

    private Scratch() {
    }

    /** @return this thread's array, at least {@code length} bytes long */
    static byte[] array(int length) {
        byte[] a = ARRAY.get();
        if (a.length < length) {
            a = new byte[length];
            ARRAY.set(a);
        }
        return a;
    }
}
