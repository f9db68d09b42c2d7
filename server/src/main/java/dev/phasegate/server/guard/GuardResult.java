package dev.phasegate.server.guard;

import com.fasterxml.jackson.annotation.JsonValue;

/** The outcome of one evaluation of one guard. */
public enum GuardResult {
    OK("ok"),
    WARNING("warning"),
    CRITICAL("critical"),
    /** Too few samples to judge: holds advancement, never a pass. */
    INSUFFICIENT_DATA("insufficient-data"),
    /** The metric could not be read (e.g. Prometheus unreachable): counts as no data, and alerts. */
    ERROR("error");

    private final String wireName;

    GuardResult(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** Metric value for {@code phasegate_guard_result}: 0 ok, 1 warning, 2 critical, -1 no data, -2 error. */
    public int code() {
        return switch (this) {
            case OK -> 0;
            case WARNING -> 1;
            case CRITICAL -> 2;
            case INSUFFICIENT_DATA -> -1;
            case ERROR -> -2;
        };
    }
}
