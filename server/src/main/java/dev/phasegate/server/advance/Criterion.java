package dev.phasegate.server.advance;

/**
 * One advance criterion as the readiness report explains it.
 *
 * @param name     {@code min-duration}, {@code min-active-users}, {@code max-error-rate}, {@code min-satisfaction},
 *                 {@code no-firing-alerts}, {@code guards-have-data} or {@code enough-samples}
 * @param met      whether it holds now
 * @param value    what was measured (a number, or a duration as text), null when nothing could be
 * @param required the plan's figure, null when the plan does not require it
 * @param detail   one sentence with the numbers
 */
public record Criterion(String name, boolean met, Object value, Object required, String detail) {
}
