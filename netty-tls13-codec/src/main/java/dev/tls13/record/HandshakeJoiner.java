package dev.tls13.record;

import dev.tls13.error.InvalidMessage;
import dev.tls13.error.PeerMisbehaved;
import dev.tls13.error.TlsException;
import dev.tls13.wire.ContentType;
import dev.tls13.wire.HandshakeType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Turns the content of handshake records into whole handshake messages (RFC 8446 §5.1: a message may
 * span records, and a record may hold several messages). A message that lies wholly inside one record
 * is handed out as a retained slice of that record, without copying; only a message that spans records
 * is copied, into a buffer of exactly its size, allocated after its size passed the cap.
 *
 * <p>Use: {@link #add} one record's content, then call {@link #next} until it returns {@code null}.
 * Not thread-safe; one per connection; {@link #release()} when the connection ends.
 */
public final class HandshakeJoiner {

    /** Default cap on a handshake message, header included, except ClientHello and Certificate. */
    public static final int DEFAULT_MAX_MESSAGE_LENGTH = 64 * 1024;
    /**
     * Default cap on a ClientHello, header included: room for a full extensions block (2^16 - 1 bytes,
     * RFC 8446 §4.1.2) with the fields before it (version, random, a 32-byte session id, 256 cipher
     * suites, compression). Hundreds of signature schemes or several post-quantum key shares are a
     * legitimate ClientHello (rustls accepts 0xFFFF bytes, OpenSSL about 128 KiB); messages that need
     * no such room keep {@link #DEFAULT_MAX_MESSAGE_LENGTH}.
     */
    public static final int DEFAULT_MAX_CLIENT_HELLO_LENGTH = 4 + 2 + 32 + 1 + 32 + 2 + 2 * 256 + 2 + 2 + 0xFFFF;
    /** Default cap on a Certificate message, header included (chains can be long). */
    public static final int DEFAULT_MAX_CERTIFICATE_LENGTH = 256 * 1024;

    private static final int HEADER_LENGTH = 4;

    private final ByteBufAllocator alloc;
    private final int maxMessageLength;
    private final int maxClientHelloLength;
    private final int maxCertificateLength;
    /** Unconsumed bytes of the last record added: a retained slice of it. */
    private ByteBuf rest;
    /** One incomplete message being copied together, or {@code null}. */
    private ByteBuf partial;
    /** Total length of the message in {@link #partial}, or -1 while its header is incomplete. */
    private int partialLength = -1;

    /** Creates a joiner with the default caps, copying spanning messages into heap buffers. */
    public HandshakeJoiner() {
        this(ByteBufAllocator.DEFAULT, DEFAULT_MAX_MESSAGE_LENGTH, DEFAULT_MAX_CLIENT_HELLO_LENGTH,
                DEFAULT_MAX_CERTIFICATE_LENGTH);
    }

    /**
     * Creates a joiner whose ClientHello cap is the same as every other message's but Certificate.
     *
     * @param alloc allocates the buffers of messages that span records
     * @param maxMessageLength cap on any message but Certificate, header included
     * @param maxCertificateLength cap on a Certificate message, header included
     */
    public HandshakeJoiner(ByteBufAllocator alloc, int maxMessageLength, int maxCertificateLength) {
        this(alloc, maxMessageLength, maxMessageLength, maxCertificateLength);
    }

    /**
     * Creates a joiner.
     *
     * @param alloc allocates the buffers of messages that span records
     * @param maxMessageLength cap on any message but ClientHello and Certificate, header included
     * @param maxClientHelloLength cap on a ClientHello, header included
     * @param maxCertificateLength cap on a Certificate message, header included
     */
    public HandshakeJoiner(ByteBufAllocator alloc, int maxMessageLength, int maxClientHelloLength,
                           int maxCertificateLength) {
        if (maxMessageLength < HEADER_LENGTH || maxClientHelloLength < HEADER_LENGTH
                || maxCertificateLength < HEADER_LENGTH) {
            throw new IllegalArgumentException("caps must allow at least a header");
        }
        this.alloc = alloc;
        this.maxMessageLength = maxMessageLength;
        this.maxClientHelloLength = maxClientHelloLength;
        this.maxCertificateLength = maxCertificateLength;
    }

    /**
     * Adds the content of one handshake record. Call {@link #next()} until it returns {@code null}
     * before adding the next record.
     *
     * @param fragment the record's content (borrowed); retained or copied, its indices are untouched
     * @throws TlsException when a message header announces more than its cap
     * @throws IllegalStateException when whole messages from the previous record were not taken
     */
    public void add(ByteBuf fragment) throws TlsException {
        if (rest != null) {
            throw new IllegalStateException("take every whole message with next() before adding a record");
        }
        int index = fragment.readerIndex();
        int end = fragment.writerIndex();
        if (partial != null) {
            index = fill(fragment, index, end);
        }
        if (index < end) {
            if (end - index >= HEADER_LENGTH) {
                // Check the cap as soon as the header is visible (the rest is checked by next()).
                messageLength(fragment, index);
            }
            rest = fragment.retainedSlice(index, end - index);
        }
    }

    /**
     * Takes the next whole message.
     *
     * @return the message, 4-byte header and body exactly as received (owned by the caller), or
     *         {@code null} when no whole message is buffered
     * @throws TlsException when a message header announces more than its cap
     */
    public ByteBuf next() throws TlsException {
        if (partial != null) {
            if (partialLength >= 0 && partial.readableBytes() == partialLength) {
                ByteBuf message = partial;
                partial = null;
                partialLength = -1;
                return message;
            }
            return null;
        }
        if (rest == null) {
            return null;
        }
        int readable = rest.readableBytes();
        if (readable >= HEADER_LENGTH) {
            int length = messageLength(rest, rest.readerIndex());
            if (readable >= length) {
                ByteBuf message = rest.readRetainedSlice(length);
                if (!rest.isReadable()) {
                    rest.release();
                    rest = null;
                }
                return message;
            }
        }
        // An incomplete message at the end of the record: copy it out so the record can be freed.
        ByteBuf tail = rest;
        rest = null;
        try {
            startPartial(tail, tail.readerIndex(), tail.writerIndex());
        } finally {
            tail.release();
        }
        return null;
    }

    /**
     * Whether part of a handshake message is buffered (or a whole one not yet taken).
     *
     * @return {@code true} while bytes are pending
     */
    public boolean hasPending() {
        return partial != null || rest != null;
    }

    /**
     * Proves that no handshake message is pending, before new read keys are installed (RFC 8446 §5.1:
     * handshake messages must not span key changes).
     *
     * @return the proof
     * @throws TlsException (unexpected_message) when bytes of a handshake message are pending
     */
    public Aligned aligned() throws TlsException {
        if (hasPending()) {
            throw TlsException.misbehaved(PeerMisbehaved.KEY_CHANGE_NOT_ALIGNED);
        }
        return new Aligned();
    }

    /**
     * Checks that a record of another type does not interrupt a fragmented handshake message
     * (RFC 8446 §5.1: handshake messages must not be interleaved with other record types).
     *
     * @param type the content type of the record that arrived
     * @throws TlsException (unexpected_message) for a non-handshake record while a message is pending
     */
    public void checkNotInterleaved(ContentType type) throws TlsException {
        if (!ContentType.HANDSHAKE.equals(type) && hasPending()) {
            throw TlsException.invalid(InvalidMessage.HANDSHAKE_INTERLEAVED, type + " record");
        }
    }

    /** Releases every buffered byte; the joiner is empty afterwards. */
    public void release() {
        if (rest != null) {
            rest.release();
            rest = null;
        }
        if (partial != null) {
            partial.release();
            partial = null;
        }
        partialLength = -1;
    }

    /** Starts a partial message with {@code src[index, end)}, which holds no whole message. */
    private void startPartial(ByteBuf src, int index, int end) throws TlsException {
        int available = end - index;
        if (available >= HEADER_LENGTH) {
            partialLength = messageLength(src, index);
            partial = alloc.heapBuffer(partialLength, partialLength);
        } else {
            partialLength = -1;
            partial = alloc.heapBuffer(HEADER_LENGTH);
        }
        partial.writeBytes(src, index, available);
    }

    /** Copies what the partial message still needs from {@code src}; returns the new index. */
    private int fill(ByteBuf src, int index, int end) throws TlsException {
        if (partialLength < 0) {
            int n = Math.min(HEADER_LENGTH - partial.readableBytes(), end - index);
            partial.writeBytes(src, index, n);
            index += n;
            if (partial.readableBytes() < HEADER_LENGTH) {
                return index;
            }
            partialLength = messageLength(partial, partial.readerIndex());
            // Exactly the message, now that its length passed the cap.
            partial.capacity(partialLength);
        }
        int n = Math.min(partialLength - partial.readableBytes(), end - index);
        partial.writeBytes(src, index, n);
        return index + n;
    }

    /** Reads a message header at {@code index} and checks its cap before anything is copied. */
    private int messageLength(ByteBuf buf, int index) throws TlsException {
        int type = buf.getUnsignedByte(index);
        int length = HEADER_LENGTH + buf.getUnsignedMedium(index + 1);
        int cap = type == HandshakeType.CERTIFICATE.code() ? maxCertificateLength
                : type == HandshakeType.CLIENT_HELLO.code() ? maxClientHelloLength : maxMessageLength;
        if (length > cap) {
            throw TlsException.invalid(InvalidMessage.HANDSHAKE_MESSAGE_TOO_LARGE,
                    HandshakeType.of(type) + " of " + length + " bytes, limit " + cap);
        }
        return length;
    }
}
