package dev.tls13.wire;

/** AlertLevel (RFC 8446 §6). */
public enum AlertLevel {
    /** warning(1). */
    WARNING(1),
    /** fatal(2). */
    FATAL(2);

    private final int code;

    AlertLevel(int code) {
        this.code = code;
    }

    /**
     * The wire value.
     *
     * @return 1 or 2
     */
    public int code() {
        return code;
    }
}
