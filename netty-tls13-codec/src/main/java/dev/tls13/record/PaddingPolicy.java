package dev.tls13.record;

import dev.tls13.wire.ContentType;

/**
 * How many zero bytes {@link WriteProtection} appends to a record's content (RFC 8446 §5.4). Whatever
 * a policy asks for is capped so the TLSInnerPlaintext stays within 2^14 + 1 bytes. Policies should be
 * deterministic so that {@link WriteProtection#sealedLength} is exact.
 */
@FunctionalInterface
interface PaddingPolicy {

    /**
     * @param type the real content type
     * @param contentLength the content length, 0 to 2^14
     * @return the number of zero bytes to add, at least 0
     */
    int paddingLength(ContentType type, int contentLength);

    /** @return the policy that never pads (the default) */
    static PaddingPolicy none() {
        return (type, contentLength) -> 0;
    }

    /**
     * Pads every TLSInnerPlaintext (content and type byte) to a multiple of {@code blockSize}, which
     * hides the exact length of short messages.
     *
     * @param blockSize the block, 1 to 2^14
     * @return the policy
     * @throws IllegalArgumentException for a block size out of range
     */
    static PaddingPolicy toMultipleOf(int blockSize) {
        if (blockSize < 1 || blockSize > Records.MAX_PLAINTEXT_LENGTH) {
            throw new IllegalArgumentException("block size out of range: " + blockSize);
        }
        return (type, contentLength) -> {
            int rem = (contentLength + 1) % blockSize;
            return rem == 0 ? 0 : blockSize - rem;
        };
    }
}
