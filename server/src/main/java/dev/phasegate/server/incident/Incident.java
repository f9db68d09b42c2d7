package dev.phasegate.server.incident;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An incident as the API returns it. Fields without a value are left out of the JSON.
 *
 * @param rollout        the rollout it is about, or null for a system-wide incident
 * @param summary        what a person wrote when opening it, or the first signal's description
 * @param assignee       who works on it, or null
 * @param openedBy       who opened it: {@code system} for alerts and rollbacks, else the token
 * @param resolution     the note given when it was resolved
 * @param firstSignalAt  the earliest alert or decision that led to it (detection ends at {@code openedAt})
 * @param mitigatedAt    when the runbook had features off or the rollout paused, or null
 * @param phaseAtOpen    the rollout's current phase when it opened, or null (system-wide, unknown rollout)
 * @param diagnostics    what the opener captured: guard results, metrics around the breach, recent changes
 * @param timeline       oldest first; only in a single incident's answer, else null
 */
public record Incident(long id, String rollout, String title, String summary, IncidentSeverity severity, IncidentState state,
                       String assignee, Instant openedAt, String openedBy, Instant acknowledgedAt, String acknowledgedBy,
                       Instant resolvedAt, String resolvedBy, String resolution, Instant firstSignalAt, Instant mitigatedAt,
                       Integer phaseAtOpen, Map<String, Object> diagnostics, List<TimelineEntry> timeline) {

    Incident withTimeline(List<TimelineEntry> entries) {
        return new Incident(id, rollout, title, summary, severity, state, assignee, openedAt, openedBy, acknowledgedAt,
                acknowledgedBy, resolvedAt, resolvedBy, resolution, firstSignalAt, mitigatedAt, phaseAtOpen, diagnostics,
                List.copyOf(entries));
    }
}
