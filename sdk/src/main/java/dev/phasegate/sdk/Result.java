package dev.phasegate.sdk;

/**
 * An evaluation: the value, why, and the rules version it came from.
 *
 * @param value   whether the feature is on
 * @param reason  the server's reason names ({@code enrolled-phase}, {@code percentage}, {@code kill-switch}, ...)
 *                or {@code not-ready} before any rules are known (the value is then the caller's default)
 * @param version the rules version, 0 when not ready
 */
public record Result(boolean value, String reason, long version) {
    public static final String NOT_READY = "not-ready";
}
