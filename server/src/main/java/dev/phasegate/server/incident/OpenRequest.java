package dev.phasegate.server.incident;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What opens an incident, or is added to the open one of the same rollout.
 *
 * <pre>{@code
 * OpenRequest r = OpenRequest.of("checkout-v2", "Rollback of checkout-v2: error rate 3.2 % ≥ 2 %", IncidentSeverity.SEV2)
 *         .withFirstSignalAt(alert.activeSince())
 *         .withDiagnostics(Map.of("guards", guardResults, "recentChanges", auditEntries))
 *         .withCause(new OpenRequest.Cause(TimelineEntry.RUNBOOK, "rollback started", Map.of("runbookId", 7)));
 * Incident incident = incidents.openOrJoin(h, r, Actor.SYSTEM);
 * }</pre>
 *
 * @param rollout       the rollout, or null for a system-wide incident
 * @param title         one line; longer than {@link IncidentBook#MAX_TITLE} is cut (people's requests are refused instead)
 * @param severity      how bad; joining a less severe incident raises it
 * @param summary       a paragraph for people, or null
 * @param firstSignalAt the earliest alert or decision that led to it, or null (then detection is not measured)
 * @param diagnostics   guard results, metrics around the breach, recent changes; merged into the open incident's
 * @param cause         the timeline entry describing what led to it, or null
 */
public record OpenRequest(String rollout, String title, IncidentSeverity severity, String summary, Instant firstSignalAt,
                          Map<String, Object> diagnostics, Cause cause) {

    /** A timeline entry: its kind (one of {@link TimelineEntry#KINDS}), text and data. */
    public record Cause(String kind, String text, Map<String, Object> data) {
        public Cause {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(text, "text");
            data = data == null ? Map.of() : data;
        }
    }

    public OpenRequest {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(severity, "severity");
        diagnostics = diagnostics == null ? Map.of() : diagnostics;
    }

    public static OpenRequest of(String rollout, String title, IncidentSeverity severity) {
        return new OpenRequest(rollout, title, severity, null, null, Map.of(), null);
    }

    public OpenRequest withSummary(String text) {
        return new OpenRequest(rollout, title, severity, text, firstSignalAt, diagnostics, cause);
    }

    public OpenRequest withFirstSignalAt(Instant at) {
        return new OpenRequest(rollout, title, severity, summary, at, diagnostics, cause);
    }

    public OpenRequest withDiagnostics(Map<String, Object> values) {
        return new OpenRequest(rollout, title, severity, summary, firstSignalAt, values, cause);
    }

    public OpenRequest withCause(Cause c) {
        return new OpenRequest(rollout, title, severity, summary, firstSignalAt, diagnostics, c);
    }
}
