package dev.phasegate.server.incident;

/**
 * Which incidents to list, newest first. Null filters match everything.
 *
 * @param before only incidents with a smaller id (the {@code next} cursor of the previous page)
 * @param limit  at most this many
 */
public record IncidentQuery(IncidentState state, String rollout, IncidentSeverity severity, Long before, int limit) {
}
