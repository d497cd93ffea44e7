package dev.tls13.wire;

import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * An immutable extension block in wire order (RFC 8446 §4.2). Order is kept because the
 * transcript covers the exact bytes, and pre_shared_key must come last in a ClientHello.
 *
 * <p>The decoder guarantees that each type appears at most once; this class does not, so that a
 * caller can build any block (tests build invalid ones on purpose).
 */
public final class Extensions implements Iterable<Extension> {

    /** The empty block. */
    public static final Extensions EMPTY = new Extensions(List.of());

    private final List<Extension> list;

    /**
     * Creates a block.
     *
     * @param list the extensions in wire order (copied)
     */
    public Extensions(List<? extends Extension> list) {
        this.list = List.copyOf(list);
    }

    /**
     * Creates a block.
     *
     * @param extensions the extensions in wire order
     * @return the block
     */
    public static Extensions of(Extension... extensions) {
        return new Extensions(List.of(extensions));
    }

    /**
     * The extensions in wire order.
     *
     * @return an unmodifiable list
     */
    public List<Extension> list() {
        return list;
    }

    /**
     * The number of extensions.
     *
     * @return the size
     */
    public int size() {
        return list.size();
    }

    /**
     * Whether the block is empty.
     *
     * @return {@code true} when there is no extension
     */
    public boolean isEmpty() {
        return list.isEmpty();
    }

    /**
     * The first extension of a record type.
     *
     * @param kind the record class, e.g. {@code Extension.KeyShareServerHello.class}
     * @param <T> the record type
     * @return the extension, or empty
     */
    public <T extends Extension> Optional<T> find(Class<T> kind) {
        // Indexed loops here and below: a handshake looks up extensions about a hundred times, and each iterator
        // was garbage (JFR, issue 14).
        for (int i = 0; i < list.size(); i++) {
            Extension e = list.get(i);
            if (kind.isInstance(e)) {
                return Optional.of(kind.cast(e));
            }
        }
        return Optional.empty();
    }

    /**
     * The first extension of a type code, typed or not.
     *
     * @param type the extension type
     * @return the extension, or empty
     */
    public Optional<Extension> get(ExtensionType type) {
        int i = indexOf(type);
        return i < 0 ? Optional.empty() : Optional.of(list.get(i));
    }

    /**
     * Whether an extension of a type code is present.
     *
     * @param type the extension type
     * @return {@code true} when present
     */
    public boolean contains(ExtensionType type) {
        return indexOf(type) >= 0;
    }

    private int indexOf(ExtensionType type) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).type().equals(type)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Iterates in wire order.
     *
     * @return an iterator that does not support removal
     */
    @Override
    public Iterator<Extension> iterator() {
        return list.iterator();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Extensions && ((Extensions) o).list.equals(list);
    }

    @Override
    public int hashCode() {
        return list.hashCode();
    }

    @Override
    public String toString() {
        return list.toString();
    }
}
