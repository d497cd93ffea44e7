package dev.tls13.keys;

/** Where a PSK came from, which selects the binder key label (RFC 8446 §7.1, §4.2.11.2; RFC 9258 §5.2). */
public enum PskType {
    /** A PSK provisioned outside TLS: binder key label "ext binder". */
    EXTERNAL(HkdfLabel.EXT_BINDER),
    /** A PSK imported from an external one (RFC 9258 §5.1): binder key label "imp binder" (§5.2). */
    IMPORTED(HkdfLabel.IMP_BINDER),
    /** A PSK from a NewSessionTicket (RFC 8446 §4.6.1): binder key label "res binder". */
    RESUMPTION(HkdfLabel.RES_BINDER);

    private final byte[] binderLabel;

    PskType(byte[] binderLabel) {
        this.binderLabel = binderLabel;
    }

    byte[] binderLabel() {
        return binderLabel;
    }
}
