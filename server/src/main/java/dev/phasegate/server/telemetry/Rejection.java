package dev.phasegate.server.telemetry;

/**
 * Why the event at {@code index} (0-based, in the order sent) was not stored.
 *
 * @param field the event's field at fault, empty for the event as a whole
 */
public record Rejection(int index, String field, String detail) {
}
